/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What phc-steer publishes in the ClockBound segment (cb_writer.h), from
 * each poll of the steering loop and the ptp_unified module's view:
 *
 *   bound      the unified clock's bound just after the read (status-get)
 *              + |CLOCK_REALTIME - PHC| + the read's uncertainty
 *              + the growth over one tick of CLOCK_MONOTONIC_COARSE (a
 *              reader's age of the bound can be short by that much)
 *   max drift  the servo's frequency doubt (freq_doubt.h; the kernel's
 *              frequency limit until it has measured one) + how fast the
 *              unified clock's bound grows (status-get's drift)
 *   as_of      CLOCK_MONOTONIC_COARSE before the read
 *   void_after as_of + 4 polls + 1 s
 *   status     3 disrupted from the module's disruption event (or lost
 *              events) until a poll after it finds the servo locked again;
 *              else 1 synchronized when the servo is locked and the module
 *              synchronised; 2 free-running when the servo is locked and the
 *              module free-running or without a majority, and after the PHC
 *              is gone or phc-steer stops (the last bound, left to grow and
 *              expire); 0 unknown otherwise (servo not locked, module not
 *              loaded or never synchronised, or the PHC is not the unified
 *              clock, whose bound alone is known)
 *   disruption support 0 (with 1 clients insist on /dev/vmclock0)
 * Written at every poll, and at least every 2 s (carried forward) when
 * polls are further apart.
 *
 * A segment that cannot be written (its directory missing or read-only)
 * is reported, and then at most every 10 minutes, tried again at every
 * poll; steering goes on regardless.
 */
#ifndef PHC_STEER_CB_PUBLISH_H
#define PHC_STEER_CB_PUBLISH_H

#include <stdbool.h>
#include <stdint.h>

#include "clockbound/clockbound_shm.h"
#include "steer.h"

struct config;
struct evloop;
struct log;
struct cb_publish;

/* NULL only when out of memory. */
struct cb_publish *cb_publish_create(const struct config *cfg,
				     struct evloop *loop, struct log *log);
/* The last write says free-running: nothing keeps the clock any more. */
void cb_publish_destroy(struct cb_publish *p);

/* A steer_poll_fn: call with the cb_publish as arg. */
void cb_publish_poll(void *arg, const struct steer_poll *poll);

/* What one poll's segment is made of (the rules above; for the tests). */
struct cb_inputs {
	const struct steer_poll *poll;		/* ok */
	bool module_known;	/* the unified clock's view below is valid */
	uint64_t module_bound_ns;
	uint32_t module_drift_ppb;
	unsigned int module_state;		/* enum ptp_unified_state */
	double servo_doubt_ppb;			/* < 0: not measured yet */
	double servo_prior_ppb;			/* used until it is */
	int64_t coarse_tick_ns;
	double poll_s;
};

/*
 * The body for one poll. *disrupted: a disruption is under way; cleared
 * when this poll finds the servo locked.
 */
void cb_compose(const struct cb_inputs *in, bool *disrupted,
		struct cb_shm_body *b);

#endif /* PHC_STEER_CB_PUBLISH_H */
