// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Config files: every key read, comments and blank lines, and each error
 * with its exact "FILE:LINE: message".
 */
#include <stdlib.h>
#include <unistd.h>

#include "config.h"
#include "tap.h"

static char dir[] = "/tmp/phc-steer-test-config-XXXXXX";
static char path[64];

static void write_file(const char *text)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
}

/* Load text; the error message, or "" when it loaded. */
static const char *load(const char *text, struct config *cfg)
{
	static char err[512];

	write_file(text);
	config_defaults(cfg);
	err[0] = '\0';
	if (config_load(cfg, path, err, sizeof(err)) && !err[0])
		snprintf(err, sizeof(err), "(failed without a message)");
	return err;
}

static void expect_error(const char *text, int line, const char *msg)
{
	struct config cfg;
	char want[512];

	snprintf(want, sizeof(want), "%s:%d: %s", path, line, msg);
	is_str(load(text, &cfg), want, "error: %s", msg);
}

static void good(void)
{
	struct config cfg;

	is_str(load("# phc-steer\n"
		    "\n"
		    "device /dev/ptp_kvm   # the KVM clock\n"
		    "servo linreg\n"
		    "poll 0.5\n"
		    "step_threshold 0\n"
		    "first_step 0.001\n"
		    "samples 9\n"
		    "max_freq 100000\n"
		    "ntp_server 127.0.0.1 port 11123 iburst\n"
		    "\tntp_server ::1\n"
		    "ntp_server [::1] port 124\n"
		    "ntp_poll 16\n"
		    "json yes\n"
		    "log_interval 60\n"
		    "ntp_discover no\n"
		    "dhcp_lease_dirs /a:/b/c\n"
		    "config_drive /media/config-2\n"
		    "metadata_url http://127.0.0.1:8775/openstack/latest/vendor_data2.json\n"
		    "clockbound yes\n"
		    "clockbound_path /run/cb/shm1\n",
		    &cfg), "", "a full file loads");
	is_str(cfg.device, "/dev/ptp_kvm", "device");
	is_int(cfg.servo, SERVO_LINREG, "servo");
	ok(cfg.poll_s == 0.5, "poll");
	ok(cfg.step_threshold_s == 0, "step_threshold");
	ok(cfg.first_step_s == 0.001, "first_step");
	is_int(cfg.samples, 9, "samples");
	ok(cfg.max_freq_ppb == 100000, "max_freq");
	is_int(cfg.n_servers, 3, "three servers");
	ok(!strcmp(cfg.servers[0].host, "127.0.0.1") &&
		   !strcmp(cfg.servers[0].port, "11123") && cfg.servers[0].iburst,
	   "server 1: host, port, iburst");
	ok(!strcmp(cfg.servers[1].host, "::1") && !strcmp(cfg.servers[1].port, "123") &&
		   !cfg.servers[1].iburst, "server 2: bare IPv6, default port, no iburst");
	ok(!strcmp(cfg.servers[2].host, "::1") && !strcmp(cfg.servers[2].port, "124"),
	   "server 3: bracketed IPv6 with port");
	ok(cfg.ntp_poll_s == 16, "ntp_poll");
	ok(cfg.json, "json");
	is_int(cfg.log_interval, 60, "log_interval");
	ok(!cfg.ntp_discover, "ntp_discover");
	is_str(cfg.dhcp_lease_dirs, "/a:/b/c", "dhcp_lease_dirs");
	is_str(cfg.config_drive, "/media/config-2", "config_drive");
	is_str(cfg.metadata_url,
	       "http://127.0.0.1:8775/openstack/latest/vendor_data2.json", "metadata_url");
	ok(cfg.clockbound, "clockbound");
	is_str(cfg.clockbound_path, "/run/cb/shm1", "clockbound_path");
	is_str(load("dhcp_lease_dirs none\nconfig_drive none\nmetadata_url none\n"
		    "ntp_discover yes\nmetadata_url https://[::1]:8775/vd2.json\n", &cfg),
	       "", "discovery keys: none, https, yes");
	ok(!cfg.dhcp_lease_dirs[0] && !cfg.config_drive[0] && cfg.ntp_discover,
	   "none is stored as an empty string");
	is_str(cfg.metadata_url, "https://[::1]:8775/vd2.json", "the last value counts");

	load("", &cfg);
	ok(cfg.servo == SERVO_PI && cfg.poll_s == 1 && cfg.step_threshold_s == 0.128 &&
		   cfg.first_step_s == 0.00002 && cfg.samples == 5 &&
		   cfg.max_freq_ppb == 500000 && cfg.ntp_poll_s == 64 && !cfg.json &&
		   !cfg.log_interval && !cfg.device[0] && !cfg.n_servers &&
		   cfg.ntp_discover &&
		   !strcmp(cfg.dhcp_lease_dirs,
			   "/var/lib/dhcp:/var/lib/dhclient:/run/systemd/netif/leases") &&
		   !strcmp(cfg.config_drive, "/mnt/config") &&
		   !strcmp(cfg.metadata_url,
			   "http://169.254.169.254/openstack/latest/vendor_data2.json") &&
		   !cfg.clockbound && !strcmp(cfg.clockbound_path, "/run/clockbound/shm0"),
	   "an empty file leaves the documented defaults");
}

static void errors(void)
{
	struct config cfg;
	char want[600], got[600], big[1100];

	expect_error("poll 1\npolll 2\n", 2, "unknown key 'polll'");
	expect_error("\n\n\npoll\n", 4, "poll: missing value");
	expect_error("poll abc\n", 1, "poll: 'abc' is not a number");
	expect_error("poll 1s\n", 1, "poll: '1s' is not a number");
	expect_error("poll 0\n", 1, "poll: 0 is out of range (0.01 to 1024)");
	expect_error("poll nan\n", 1, "poll: 'nan' is not a number");
	expect_error("poll 1 2\n", 1, "poll: unexpected '2' after the value");
	expect_error("step_threshold -1\n", 1,
		     "step_threshold: -1 is out of range (0 to 1e+06)");
	expect_error("samples 26\n", 1, "samples: 26 is out of range (1 to 25)");
	expect_error("samples 2.5\n", 1, "samples: '2.5' is not a whole number");
	expect_error("samples -3\n", 1, "samples: '-3' is not a whole number");
	expect_error("servo pid\n", 1, "servo: 'pid' is not pi or linreg");
	expect_error("json maybe\n", 1, "json: 'maybe' is not yes or no");
	expect_error("device ptp0\n", 1, "device: 'ptp0' is not an absolute path");
	expect_error("max_freq 600000\n", 1,
		     "max_freq: 600000 is out of range (1 to 500000)");
	expect_error("ntp_poll 0.5\n", 1, "ntp_poll: 0.5 is out of range (1 to 131072)");
	expect_error("log_interval x\n", 1, "log_interval: 'x' is not a whole number");
	expect_error("ntp_server\n", 1, "ntp_server: missing value");
	expect_error("ntp_server a port\n", 1, "ntp_server: port needs a number");
	expect_error("ntp_server a port 0\n", 1,
		     "ntp_server: port '0' is not a number from 1 to 65535");
	expect_error("ntp_server a port 65536\n", 1,
		     "ntp_server: port '65536' is not a number from 1 to 65535");
	expect_error("ntp_server a burst\n", 1,
		     "ntp_server: unknown option 'burst' (expected port N or iburst)");
	expect_error("ntp_server [::1\n", 1,
		     "ntp_server: '[::1' is not a host name or address");
	expect_error("ntp_server a\nntp_server b\nntp_server c\nntp_server d\n"
		     "ntp_server e\nntp_server f\nntp_server g\nntp_server h\n"
		     "ntp_server i\n", 9, "too many servers (at most 8)");
	expect_error("# only a comment\n  json yes # trailing\nbogus\n", 3,
		     "unknown key 'bogus'");
	expect_error("ntp_discover maybe\n", 1, "ntp_discover: 'maybe' is not yes or no");
	expect_error("dhcp_lease_dirs var/lib/dhcp\n", 1,
		     "dhcp_lease_dirs: 'var/lib/dhcp' is not absolute paths separated by ':' or none");
	expect_error("dhcp_lease_dirs /a::/b\n", 1,
		     "dhcp_lease_dirs: '/a::/b' is not absolute paths separated by ':' or none");
	expect_error("dhcp_lease_dirs /a:\n", 1,
		     "dhcp_lease_dirs: '/a:' is not absolute paths separated by ':' or none");
	expect_error("dhcp_lease_dirs /a /b\n", 1,
		     "dhcp_lease_dirs: unexpected '/b' after the value");
	expect_error("config_drive mnt/config\n", 1,
		     "config_drive: 'mnt/config' is not an absolute path or none");
	expect_error("metadata_url ftp://x/vendor_data2.json\n", 1,
		     "metadata_url: 'ftp://x/vendor_data2.json' is not an http:// or https:// URL or none");
	expect_error("metadata_url http://\n", 1,
		     "metadata_url: 'http://' is not an http:// or https:// URL or none");
	expect_error("metadata_url 169.254.169.254\n", 1,
		     "metadata_url: '169.254.169.254' is not an http:// or https:// URL or none");
	expect_error("metadata_url\n", 1, "metadata_url: missing value");
	expect_error("clockbound sometimes\n", 1, "clockbound: 'sometimes' is not yes or no");
	expect_error("clockbound_path run/clockbound/shm0\n", 1,
		     "clockbound_path: 'run/clockbound/shm0' is not an absolute path of a file");

	memset(big, 'x', sizeof(big) - 2);
	big[sizeof(big) - 2] = '\n';
	big[sizeof(big) - 1] = '\0';
	expect_error(big, 1, "line too long (at most 1023 characters)");

	snprintf(want, sizeof(want), "%s/none: cannot open: No such file or directory",
		 dir);
	config_defaults(&cfg);
	snprintf(big, sizeof(big), "%s/none", dir);
	ok(config_load(&cfg, big, got, sizeof(got)) == -1, "a missing file fails");
	is_str(got, want, "with FILE: cannot open: reason");
}

int main(void)
{
	if (!mkdtemp(dir)) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/phc-steer.conf", dir);
	good();
	errors();
	unlink(path);
	rmdir(dir);
	return tap_done();
}
