/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Command line: subcommands and their options. Flags override the config
 * file given with -f, whatever their order on the line.
 */
#ifndef PHC_STEER_CLI_H
#define PHC_STEER_CLI_H

#include <stdio.h>

#include "config.h"

enum cli_command {
	CLI_STEER,
	CLI_READ,
	CLI_NTP_PROBE,
	CLI_DISCOVER,
	CLI_STATUS,
	CLI_NOW,
	CLI_HELP,
	CLI_VERSION,
};

struct cli {
	enum cli_command cmd;
	struct config cfg;
	const char *config_path;	/* -f, or NULL */
	const char *server;		/* ntp-probe SERVER[:PORT] */
	double timeout_s;		/* ntp-probe --timeout */
};

/*
 * Parse argv (argv[0] is the program). Returns EXIT_OK, or EXIT_USAGE with a
 * message naming the offending flag, value or config line in err.
 */
int cli_parse(int argc, char **argv, struct cli *cli, char *err,
	      size_t errlen);

void cli_usage(FILE *out);

#endif /* PHC_STEER_CLI_H */
