/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * phc-steer status: the unified clock's sources, like `chronyc sources`, and
 * a summary of the clock and the system clock, like `chronyc tracking`.
 */
#ifndef PHC_STEER_STATUS_H
#define PHC_STEER_STATUS_H

#include <stdbool.h>
#include <stdio.h>

/* Print the status of the module and of the system clock read against
 * @device (NULL: find the unified clock). Returns an exit code.
 */
int status_run(const char *device, bool json, FILE *out);

#endif /* PHC_STEER_STATUS_H */
