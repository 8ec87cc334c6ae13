// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Command-line parsing (see cli.h). getopt_long's own messages are turned
 * off (opterr = 0) so every error is one line that names the flag.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "exit_codes.h"

#define MAX_FLAGS 128
#define OPT_NTP_POLL 1000
#define OPT_TIMEOUT 1001
#define OPT_NTP_DISCOVER 1002
#define OPT_LEASE_DIRS 1003
#define OPT_CONFIG_DRIVE 1004
#define OPT_METADATA_URL 1005
#define OPT_CLOCKBOUND 1006
#define OPT_CLOCKBOUND_PATH 1007

void cli_usage(FILE *out)
{
	fputs(
"Usage: phc-steer [steer] [OPTIONS]\n"
"       phc-steer read [-N N] [-j] [DEVICE]\n"
"       phc-steer ntp-probe [-j] [-t SECONDS] [-d DEVICE] SERVER[:PORT]\n"
"       phc-steer discover [-j] [-f FILE] [DISCOVERY OPTIONS]\n"
"       phc-steer status [-j] [DEVICE]\n"
"       phc-steer now [-j] [PATH]\n"
"       phc-steer --help | --version\n"
"\n"
"steer (the default): keep CLOCK_REALTIME on a PTP hardware clock, by\n"
"default the ptp_unified clock, and sample the NTP servers given (or\n"
"discovered when none is given).\n"
"  -f, --config FILE          read settings from FILE; flags override it\n"
"  -d, --device PATH          PHC to follow (default /dev/ptp_unified, else\n"
"                             the clock named ptp_unified in /sys/class/ptp)\n"
"  -s, --servo pi|linreg      clock servo (default pi)\n"
"  -p, --poll SECONDS         PHC poll interval (default 1)\n"
"  -S, --step-threshold SECONDS\n"
"                             step when the offset stays beyond this for two\n"
"                             polls; 0 never steps (default 0.128)\n"
"  -F, --first-step SECONDS   step on the first update if the offset is\n"
"                             beyond this; 0 never (default 0.00002)\n"
"  -N, --samples N            readings per poll without PRECISE, best kept\n"
"                             (1-25, default 5)\n"
"  -m, --max-freq PPB         frequency limit (default 500000, the kernel's)\n"
"  -n, --ntp-server HOST[:PORT]\n"
"                             sample this NTP server (iburst); repeat for\n"
"                             more; replaces the config file's servers\n"
"      --ntp-poll SECONDS     NTP poll interval (default 64)\n"
"  -u, --log-interval N       a summary line every N polls instead of a\n"
"                             line per poll (default 0: every poll)\n"
"  -j, --json                 JSON lines instead of text\n"
"      --ntp-discover yes|no  without servers given, discover them (default\n"
"                             yes): DHCP leases, config drive, metadata\n"
"      --clockbound yes|no    publish {earliest, latest} bounds on the time\n"
"                             in a ClockBound segment (default no)\n"
"      --clockbound-path PATH the segment (default /run/clockbound/shm0)\n"
"\n"
"discovery options (steer and discover):\n"
"      --dhcp-lease-dirs DIR[:DIR...]|none\n"
"                             lease files of dhclient and systemd-networkd\n"
"                             (default /var/lib/dhcp:/var/lib/dhclient:\n"
"                             /run/systemd/netif/leases)\n"
"      --config-drive PATH|none\n"
"                             where the config drive is mounted (default\n"
"                             /mnt/config; else where config-2 is mounted)\n"
"      --metadata-url URL|none\n"
"                             vendor data URL (default http://169.254.169.254\n"
"                             /openstack/latest/vendor_data2.json)\n"
"\n"
"discover: find NTP servers as steer would, print them and their origin.\n"
"\n"
"status: the ptp_unified module's sources (like chronyc sources) and the\n"
"clock and system clock (like chronyc tracking); DEVICE is the PHC the\n"
"system clock is read against (default: the unified clock).\n"
"\n"
"read: one reading of the PHC: method, offset (CLOCK_REALTIME - PHC), delay.\n"
"\n"
"now: read the ClockBound segment (default /run/clockbound/shm0) once:\n"
"earliest and latest (ns since 1970), the bound and the status; exit 1\n"
"unless the status is synchronized or free-running.\n"
"\n"
"ntp-probe: one NTP exchange, printed with the sample it would feed.\n"
"  -t, --timeout SECONDS      wait this long for the reply (default 2)\n"
"  -d, --device PATH          take the realtime/raw pair from this PHC\n"
"\n"
"Exit status: 0 ok, 1 runtime failure, 2 usage or config error,\n"
"3 device missing, not a PHC, or not permitted; discover: 1 when nothing\n"
"was found.\n", out);
}

struct flag {
	int opt;
	char *arg;
	const char *name;	/* as typed, for messages */
};

static const struct option steer_opts[] = {
	{ "config", required_argument, NULL, 'f' },
	{ "device", required_argument, NULL, 'd' },
	{ "servo", required_argument, NULL, 's' },
	{ "poll", required_argument, NULL, 'p' },
	{ "step-threshold", required_argument, NULL, 'S' },
	{ "first-step", required_argument, NULL, 'F' },
	{ "samples", required_argument, NULL, 'N' },
	{ "max-freq", required_argument, NULL, 'm' },
	{ "ntp-server", required_argument, NULL, 'n' },
	{ "ntp-poll", required_argument, NULL, OPT_NTP_POLL },
	{ "log-interval", required_argument, NULL, 'u' },
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'v' },
	{ "ntp-discover", required_argument, NULL, OPT_NTP_DISCOVER },
	{ "dhcp-lease-dirs", required_argument, NULL, OPT_LEASE_DIRS },
	{ "config-drive", required_argument, NULL, OPT_CONFIG_DRIVE },
	{ "metadata-url", required_argument, NULL, OPT_METADATA_URL },
	{ "clockbound", required_argument, NULL, OPT_CLOCKBOUND },
	{ "clockbound-path", required_argument, NULL, OPT_CLOCKBOUND_PATH },
	{ NULL, 0, NULL, 0 },
};

static const struct option discover_longopts[] = {
	{ "config", required_argument, NULL, 'f' },
	{ "dhcp-lease-dirs", required_argument, NULL, OPT_LEASE_DIRS },
	{ "config-drive", required_argument, NULL, OPT_CONFIG_DRIVE },
	{ "metadata-url", required_argument, NULL, OPT_METADATA_URL },
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const struct option status_opts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const struct option now_opts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const struct option read_opts[] = {
	{ "samples", required_argument, NULL, 'N' },
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const struct option probe_opts[] = {
	{ "timeout", required_argument, NULL, 't' },
	{ "device", required_argument, NULL, 'd' },
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* The flag as the user typed it: "--poll" (without "=value") or "-p". */
static void flag_name(char **argv, int opt, char *buf, size_t len)
{
	const char *a = argv[optind - 1];

	/* "--poll 5": optind has moved past the value too. */
	if (optarg && optarg == a && optind >= 2)
		a = argv[optind - 2];

	if (a && !strncmp(a, "--", 2)) {
		snprintf(buf, len, "%.*s", (int)strcspn(a, "="), a);
		return;
	}
	snprintf(buf, len, "-%c", opt);
}

static const char *config_key(int opt)
{
	switch (opt) {
	case 'd': return "device";
	case 's': return "servo";
	case 'p': return "poll";
	case 'S': return "step_threshold";
	case 'F': return "first_step";
	case 'N': return "samples";
	case 'm': return "max_freq";
	case 'n': return "ntp_server";
	case OPT_NTP_POLL: return "ntp_poll";
	case 'u': return "log_interval";
	case OPT_NTP_DISCOVER: return "ntp_discover";
	case OPT_LEASE_DIRS: return "dhcp_lease_dirs";
	case OPT_CONFIG_DRIVE: return "config_drive";
	case OPT_METADATA_URL: return "metadata_url";
	case OPT_CLOCKBOUND: return "clockbound";
	case OPT_CLOCKBOUND_PATH: return "clockbound_path";
	}
	return NULL;
}

static int apply_flags(struct cli *cli, const struct flag *flags, int n,
		       char *err, size_t errlen)
{
	bool replace = true;
	char why[256];
	double t;
	int i;

	for (i = 0; i < n; i++) {
		const struct flag *f = &flags[i];
		const char *key = config_key(f->opt);

		if (f->opt == 'j') {
			cli->cfg.json = true;
			continue;
		}
		if (f->opt == 't') {
			char *end;

			t = strtod(f->arg, &end);
			if (!*f->arg || *end || !(t > 0 && t <= 60)) {
				snprintf(err, errlen,
					 "%s: '%s' is not a number of seconds from 0 to 60",
					 f->name, f->arg);
				return EXIT_USAGE;
			}
			cli->timeout_s = t;
			continue;
		}
		if (key && config_set(&cli->cfg, key, f->arg, &replace, why,
				      sizeof(why))) {
			snprintf(err, errlen, "%s: %s", f->name, why);
			return EXIT_USAGE;
		}
	}
	return EXIT_OK;
}

int cli_parse(int argc, char **argv, struct cli *cli, char *err, size_t errlen)
{
	struct flag flags[MAX_FLAGS];
	char names[MAX_FLAGS][64];
	const struct option *longopts = steer_opts;
	const char *shortopts = ":f:d:s:p:S:F:N:m:n:u:jhv";
	const char *cmd = "steer";
	int n = 0, opt, sub_argc = argc;
	char why[256];
	char **sub_argv = argv;

	memset(cli, 0, sizeof(*cli));
	config_defaults(&cli->cfg);
	cli->cmd = CLI_STEER;
	cli->timeout_s = 2.0;

	if (argc > 1 && argv[1][0] != '-') {
		cmd = argv[1];
		sub_argc = argc - 1;
		sub_argv = argv + 1;
		if (!strcmp(cmd, "steer")) {
			cli->cmd = CLI_STEER;
		} else if (!strcmp(cmd, "read")) {
			cli->cmd = CLI_READ;
			longopts = read_opts;
			shortopts = ":N:jh";
		} else if (!strcmp(cmd, "ntp-probe")) {
			cli->cmd = CLI_NTP_PROBE;
			longopts = probe_opts;
			shortopts = ":t:d:jh";
		} else if (!strcmp(cmd, "status")) {
			cli->cmd = CLI_STATUS;
			longopts = status_opts;
			shortopts = ":jh";
		} else if (!strcmp(cmd, "now")) {
			cli->cmd = CLI_NOW;
			longopts = now_opts;
			shortopts = ":jh";
		} else if (!strcmp(cmd, "discover")) {
			cli->cmd = CLI_DISCOVER;
			longopts = discover_longopts;
			shortopts = ":f:jh";
		} else {
			snprintf(err, errlen, "unknown command '%s'", cmd);
			return EXIT_USAGE;
		}
	}

	opterr = 0;
	optind = 0;	/* glibc: start afresh (tests parse more than once) */
	while ((opt = getopt_long(sub_argc, sub_argv, shortopts, longopts,
				  NULL)) != -1) {
		char name[64];

		if (opt == '?') {
			if (optopt)
				snprintf(err, errlen, "unknown option '-%c'", optopt);
			else
				snprintf(err, errlen, "unknown option '%.*s'",
					 (int)strcspn(sub_argv[optind - 1], "="),
					 sub_argv[optind - 1]);
			return EXIT_USAGE;
		}
		flag_name(sub_argv, opt == ':' ? optopt : opt, name, sizeof(name));
		if (opt == ':') {
			snprintf(err, errlen, "%s needs a value", name);
			return EXIT_USAGE;
		}
		if (opt == 'h') {
			cli->cmd = CLI_HELP;
			return EXIT_OK;
		}
		if (opt == 'v') {
			cli->cmd = CLI_VERSION;
			return EXIT_OK;
		}
		if (opt == 'f') {
			cli->config_path = optarg;
			continue;
		}
		if (n == MAX_FLAGS) {
			snprintf(err, errlen, "too many options");
			return EXIT_USAGE;
		}
		snprintf(names[n], sizeof(names[n]), "%s", name);
		flags[n] = (struct flag){ opt, optarg, names[n] };
		n++;
	}

	switch (cli->cmd) {
	case CLI_READ:
	case CLI_STATUS:
		if (optind < sub_argc) {
			if (config_set(&cli->cfg, "device", sub_argv[optind], NULL,
				       why, sizeof(why))) {
				snprintf(err, errlen, "%s: %s", cmd, why);
				return EXIT_USAGE;
			}
			optind++;
		}
		break;
	case CLI_NOW:
		if (optind < sub_argc) {
			if (config_set(&cli->cfg, "clockbound_path", sub_argv[optind],
				       NULL, why, sizeof(why))) {
				snprintf(err, errlen, "%s: %s", cmd, why);
				return EXIT_USAGE;
			}
			optind++;
		}
		break;
	case CLI_NTP_PROBE:
		if (optind == sub_argc) {
			snprintf(err, errlen, "ntp-probe needs SERVER[:PORT]");
			return EXIT_USAGE;
		}
		cli->server = sub_argv[optind++];
		break;
	default:
		break;
	}
	if (optind < sub_argc) {
		snprintf(err, errlen, "unexpected argument '%s'", sub_argv[optind]);
		return EXIT_USAGE;
	}

	if (cli->config_path &&
	    config_load(&cli->cfg, cli->config_path, err, errlen))
		return EXIT_USAGE;
	return apply_flags(cli, flags, n, err, errlen);
}
