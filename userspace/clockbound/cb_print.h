/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `phc-steer now`: one reading of the ClockBound segment, for scripts:
 *   earliest SEC.NSEC latest SEC.NSEC bound NS status WORD
 * (WORD: synchronized, free-running, unknown, disrupted), or with -j
 *   {"earliest_ns": N, "latest_ns": N, "bound_ns": N, "status": "WORD"}
 * Returns EXIT_OK when the interval may be trusted (synchronized or
 * free-running), EXIT_RUNTIME when it may not or the segment cannot be
 * read (a message on stderr).
 */
#ifndef PHC_STEER_CB_PRINT_H
#define PHC_STEER_CB_PRINT_H

#include <stdbool.h>
#include <stdio.h>

int cb_print_now(const char *path, bool json, FILE *out);

#endif /* PHC_STEER_CB_PRINT_H */
