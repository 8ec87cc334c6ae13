/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * phc-steer's exit codes. Scripts and the systemd unit depend on them: keep
 * them stable and in step with the EXIT STATUS section of phc-steer.8.
 *
 *   0  success (steering ends with 0 on SIGINT or SIGTERM)
 *   1  runtime failure: a clock adjustment refused, NTP server gave no usable
 *      reply (ntp-probe), an unexpected system call error
 *   2  usage or configuration error: unknown or malformed flag, bad config
 *      file (FILE:LINE: message), unknown subcommand
 *   3  device error: the PHC is absent, is not a PHC, or may not be opened
 */
#ifndef PHC_STEER_EXIT_CODES_H
#define PHC_STEER_EXIT_CODES_H

enum {
	EXIT_OK = 0,
	EXIT_RUNTIME = 1,
	EXIT_USAGE = 2,
	EXIT_DEVICE = 3,
};

#endif /* PHC_STEER_EXIT_CODES_H */
