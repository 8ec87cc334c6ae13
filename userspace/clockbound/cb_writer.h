/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Writing the ClockBound segment (protocol version 2, clockbound_shm.h) in
 * place: readers map the file once and keep reading it, so it is never
 * replaced, only updated under the generation count.
 *
 * Opening keeps a segment that is already valid (phc-steer restarted:
 * readers keep their mapping and go on), and otherwise writes a fresh one
 * whose version and generation are 0 (readers wait for the first write).
 * The file is made mode 0644 whatever the umask: every application reads
 * it. Its directory must exist (systemd's RuntimeDirectory=clockbound).
 */
#ifndef PHC_STEER_CB_WRITER_H
#define PHC_STEER_CB_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "clockbound/clockbound_shm.h"

struct cb_writer;

/* NULL with a one-line reason in err (and -errno in *ret). */
struct cb_writer *cb_writer_open(const char *path, int *ret, char *err,
				 size_t errlen);
void cb_writer_close(struct cb_writer *w);

/*
 * An update in two halves (cb_writer_write() does both): begin makes the
 * generation odd and returns the body to change in place; commit makes it
 * even again, skipping 0 when it wraps.
 */
struct cb_shm_body *cb_writer_begin(struct cb_writer *w);
void cb_writer_commit(struct cb_writer *w);
void cb_writer_write(struct cb_writer *w, const struct cb_shm_body *b);

uint16_t cb_writer_generation(const struct cb_writer *w);

#endif /* PHC_STEER_CB_WRITER_H */
