// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Command line: subcommands, every flag, flags over the config file, and
 * the errors (each names the flag) with exit code 2.
 */
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"
#include "exit_codes.h"
#include "tap.h"

static char err[1024];

static int parse(struct cli *cli, ...)
{
	char *argv[32];
	va_list ap;
	int argc = 0;

	argv[argc++] = "phc-steer";
	va_start(ap, cli);
	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	err[0] = '\0';
	return cli_parse(argc, argv, cli, err, sizeof(err));
}

#define REFUSE(msg, ...)                                                      \
	do {                                                                  \
		struct cli c_;                                                \
		int r_ = parse(&c_, __VA_ARGS__, NULL);                       \
		is_int(r_, EXIT_USAGE, "exit 2: %s", msg);                    \
		is_str(err, msg, "message: %s", msg);                         \
	} while (0)

static void commands(void)
{
	struct cli c;

	is_int(parse(&c, NULL), EXIT_OK, "no arguments: steer");
	is_int(c.cmd, CLI_STEER, "the default command is steer");
	is_int(parse(&c, "steer", NULL), EXIT_OK, "steer");
	is_int(c.cmd, CLI_STEER, "explicit steer");
	is_int(parse(&c, "--help", NULL), EXIT_OK, "--help");
	is_int(c.cmd, CLI_HELP, "--help is help");
	is_int(parse(&c, "-v", NULL), EXIT_OK, "-v");
	is_int(c.cmd, CLI_VERSION, "-v is version");
	is_int(parse(&c, "read", NULL), EXIT_OK, "read without a device");
	ok(c.cmd == CLI_READ && !c.cfg.device[0], "read finds the clock itself");
	is_int(parse(&c, "read", "/dev/ptp3", "-N", "7", "--json", NULL), EXIT_OK,
	       "read DEV -N 7 --json");
	ok(!strcmp(c.cfg.device, "/dev/ptp3") && c.cfg.samples == 7 && c.cfg.json,
	   "read options taken");
	is_int(parse(&c, "read", "--help", NULL), EXIT_OK, "read --help");
	is_int(c.cmd, CLI_HELP, "is help");
	is_int(parse(&c, "ntp-probe", "-t", "0.5", "127.0.0.1:11123", NULL), EXIT_OK,
	       "ntp-probe");
	ok(c.cmd == CLI_NTP_PROBE && !strcmp(c.server, "127.0.0.1:11123") &&
		   c.timeout_s == 0.5, "ntp-probe server and timeout");
	is_int(parse(&c, "status", NULL), EXIT_OK, "status");
	ok(c.cmd == CLI_STATUS && !c.cfg.device[0] && !c.cfg.json,
	   "status finds the clock itself");
	is_int(parse(&c, "status", "-j", "/dev/ptp2", NULL), EXIT_OK, "status -j DEV");
	ok(c.cmd == CLI_STATUS && !strcmp(c.cfg.device, "/dev/ptp2") && c.cfg.json,
	   "status options taken");
	is_int(parse(&c, "discover", NULL), EXIT_OK, "discover");
	ok(c.cmd == CLI_DISCOVER && c.cfg.ntp_discover && !c.cfg.json,
	   "discover with the defaults");
	is_int(parse(&c, "discover", "--dhcp-lease-dirs", "/l1:/l2", "--config-drive=/cd",
		     "--metadata-url", "http://127.0.0.1:1/vendor_data2.json", "-j", NULL),
	       EXIT_OK, "discover with every option");
	ok(!strcmp(c.cfg.dhcp_lease_dirs, "/l1:/l2") && !strcmp(c.cfg.config_drive, "/cd") &&
		   !strcmp(c.cfg.metadata_url, "http://127.0.0.1:1/vendor_data2.json") &&
		   c.cfg.json, "discover options taken");
	is_int(parse(&c, "discover", "--metadata-url", "none", "--config-drive", "none",
		     "--dhcp-lease-dirs", "none", NULL), EXIT_OK, "discover, every origin none");
	ok(!c.cfg.metadata_url[0] && !c.cfg.config_drive[0] && !c.cfg.dhcp_lease_dirs[0],
	   "none turns each off");
	is_int(parse(&c, "discover", "-h", NULL), EXIT_OK, "discover -h");
	is_int(c.cmd, CLI_HELP, "is help");
	is_int(parse(&c, "now", NULL), EXIT_OK, "now");
	ok(c.cmd == CLI_NOW && !strcmp(c.cfg.clockbound_path, "/run/clockbound/shm0") &&
		   !c.cfg.json, "now reads the clients' default segment");
	is_int(parse(&c, "now", "-j", "/tmp/cb/shm0", NULL), EXIT_OK, "now -j PATH");
	ok(c.cmd == CLI_NOW && !strcmp(c.cfg.clockbound_path, "/tmp/cb/shm0") && c.cfg.json,
	   "now options taken");
}

static void steer_flags(void)
{
	struct cli c;

	is_int(parse(&c, "-d", "/dev/ptp1", "--servo=linreg", "-p", "0.25", "-S",
		     "0.5", "--first-step", "0", "-N", "3", "-m", "200000", "-n",
		     "127.0.0.1:11123", "--ntp-server", "[::1]:5", "--ntp-poll", "16",
		     "-u", "10", "-j", NULL),
	       EXIT_OK, "every steer flag");
	ok(!strcmp(c.cfg.device, "/dev/ptp1"), "--device");
	is_int(c.cfg.servo, SERVO_LINREG, "--servo=linreg");
	ok(c.cfg.poll_s == 0.25, "-p");
	ok(c.cfg.step_threshold_s == 0.5, "-S");
	ok(c.cfg.first_step_s == 0, "--first-step");
	is_int(c.cfg.samples, 3, "-N");
	ok(c.cfg.max_freq_ppb == 200000, "-m");
	is_int(c.cfg.n_servers, 2, "two -n servers");
	ok(!strcmp(c.cfg.servers[1].host, "::1") && !strcmp(c.cfg.servers[1].port, "5") &&
		   c.cfg.servers[0].iburst, "servers parsed, iburst on");
	ok(c.cfg.ntp_poll_s == 16, "--ntp-poll");
	is_int(c.cfg.log_interval, 10, "-u");
	ok(c.cfg.json, "-j");
	ok(c.cfg.ntp_discover, "discovery is on by default");

	is_int(parse(&c, "--ntp-discover", "no", "--metadata-url",
		     "http://127.0.0.1:8775/openstack/latest/vendor_data2.json",
		     "--config-drive", "/media/cd", "--dhcp-lease-dirs=/l", NULL),
	       EXIT_OK, "steer discovery flags");
	ok(!c.cfg.ntp_discover, "--ntp-discover no");
	is_str(c.cfg.metadata_url, "http://127.0.0.1:8775/openstack/latest/vendor_data2.json",
	       "--metadata-url");
	is_str(c.cfg.config_drive, "/media/cd", "--config-drive");
	is_str(c.cfg.dhcp_lease_dirs, "/l", "--dhcp-lease-dirs=");

	ok(!c.cfg.clockbound, "no ClockBound segment by default");
	is_int(parse(&c, "--clockbound", "yes", "--clockbound-path", "/run/cb/shm1", NULL),
	       EXIT_OK, "--clockbound yes --clockbound-path PATH");
	ok(c.cfg.clockbound && !strcmp(c.cfg.clockbound_path, "/run/cb/shm1"),
	   "ClockBound flags taken");
}

static void overrides(void)
{
	char dir[] = "/tmp/phc-steer-test-cli-XXXXXX", path[64];
	struct cli c;
	FILE *f;

	mkdtemp(dir);
	snprintf(path, sizeof(path), "%s/c.conf", dir);
	f = fopen(path, "w");
	fputs("poll 4\nservo linreg\nntp_server 127.0.0.1 port 1\n"
	      "ntp_server 127.0.0.1 port 2\nmetadata_url none\nntp_discover no\n", f);
	fclose(f);

	is_int(parse(&c, "discover", "-f", path, "--metadata-url",
		     "http://127.0.0.1:9/vendor_data2.json", NULL), EXIT_OK,
	       "discover -f FILE --metadata-url");
	is_str(c.cfg.metadata_url, "http://127.0.0.1:9/vendor_data2.json",
	       "the flag wins over the file's metadata_url none");
	is_int(parse(&c, "-f", path, "--ntp-discover", "yes", NULL), EXIT_OK,
	       "--ntp-discover yes over the file's no");
	ok(c.cfg.ntp_discover, "the flag wins");

	is_int(parse(&c, "-p", "2", "-f", path, NULL), EXIT_OK,
	       "flag before -f FILE");
	ok(c.cfg.poll_s == 2, "the flag wins over the file (poll %g)", c.cfg.poll_s);
	is_int(c.cfg.servo, SERVO_LINREG, "the file still counts where no flag is");
	is_int(c.cfg.n_servers, 2, "file servers kept without -n");
	is_int(parse(&c, "--config", path, "-n", "127.0.0.1:3", NULL), EXIT_OK,
	       "-n after the file");
	ok(c.cfg.n_servers == 1 && !strcmp(c.cfg.servers[0].port, "3"),
	   "-n replaces the file's servers");

	f = fopen(path, "w");
	fputs("poll 1\nservo pid\n", f);
	fclose(f);
	snprintf(err, sizeof(err), "%s:2: servo: 'pid' is not pi or linreg", path);
	{
		char want[1024];

		snprintf(want, sizeof(want), "%s", err);
		REFUSE(want, "-f", path);
	}
	unlink(path);
	rmdir(dir);
}

static void errors(void)
{
	REFUSE("unknown option '--bogus'", "--bogus");
	REFUSE("unknown option '--bogus'", "--bogus=3");
	REFUSE("unknown option '-x'", "-x");
	REFUSE("unknown option '-x'", "-jx");
	REFUSE("--poll needs a value", "--poll");
	REFUSE("-p needs a value", "-p");
	REFUSE("--poll: 'abc' is not a number", "--poll", "abc");
	REFUSE("--poll: 'abc' is not a number", "--poll=abc");
	REFUSE("-p: 'abc' is not a number", "-p", "abc");
	REFUSE("-p: 'abc' is not a number", "-pabc");
	REFUSE("--samples: 0 is out of range (1 to 25)", "--samples", "0");
	REFUSE("-s: 'pid' is not pi or linreg", "-s", "pid");
	REFUSE("-d: 'ptp0' is not an absolute path", "-d", "ptp0");
	REFUSE("-n: 'a:b:c]' is not HOST, HOST:PORT or [ADDRESS]:PORT", "-n", "a:b:c]");
	REFUSE("--ntp-server: 'h:0' is not HOST, HOST:PORT or [ADDRESS]:PORT",
	       "--ntp-server", "h:0");
	REFUSE("-u: '-1' is not a whole number", "-u", "-1");
	REFUSE("unknown command 'stat'", "stat");
	REFUSE("unexpected argument 'b'", "status", "/dev/a", "b");
	REFUSE("status: 'ptp0' is not an absolute path", "status", "ptp0");
	REFUSE("unknown option '-N'", "status", "-N", "3");
	REFUSE("unexpected argument 'extra'", "steer", "extra");
	REFUSE("unexpected argument 'b'", "read", "/dev/a", "b");
	REFUSE("read: 'ptp0' is not an absolute path", "read", "ptp0");
	REFUSE("unknown option '--poll'", "read", "--poll", "1");
	REFUSE("ntp-probe needs SERVER[:PORT]", "ntp-probe");
	REFUSE("--timeout: 'x' is not a number of seconds from 0 to 60",
	       "ntp-probe", "--timeout", "x", "h");
	REFUSE("-t: '0' is not a number of seconds from 0 to 60", "ntp-probe", "-t",
	       "0", "h");
	REFUSE("-f needs a value", "-f");
	REFUSE("--ntp-discover: 'maybe' is not yes or no", "--ntp-discover", "maybe");
	REFUSE("--ntp-discover needs a value", "--ntp-discover");
	REFUSE("--metadata-url: 'x' is not an http:// or https:// URL or none",
	       "--metadata-url", "x");
	REFUSE("--metadata-url: 'x' is not an http:// or https:// URL or none",
	       "discover", "--metadata-url=x");
	REFUSE("--config-drive: 'cd' is not an absolute path or none", "discover",
	       "--config-drive", "cd");
	REFUSE("--dhcp-lease-dirs: 'a:b' is not absolute paths separated by ':' or none",
	       "--dhcp-lease-dirs", "a:b");
	REFUSE("unknown option '--ntp-discover'", "discover", "--ntp-discover", "no");
	REFUSE("unknown option '--poll'", "discover", "--poll", "1");
	REFUSE("unknown option '-n'", "discover", "-n", "a");
	REFUSE("unexpected argument 'eth0'", "discover", "eth0");
	REFUSE("--clockbound: 'maybe' is not yes or no", "--clockbound", "maybe");
	REFUSE("--clockbound-path: 'shm0' is not an absolute path of a file",
	       "--clockbound-path", "shm0");
	REFUSE("--clockbound-path: '/run/clockbound/' is not an absolute path of a file",
	       "--clockbound-path", "/run/clockbound/");
	REFUSE("now: 'shm0' is not an absolute path of a file", "now", "shm0");
	REFUSE("unexpected argument 'b'", "now", "/a", "b");
	REFUSE("unknown option '--clockbound'", "now", "--clockbound", "yes");
}

int main(void)
{
	commands();
	steer_flags();
	overrides();
	errors();
	return tap_done();
}
