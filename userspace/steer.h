/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The steering loop: every poll, read the PHC against CLOCK_REALTIME, run the
 * servo, and slew (or step) CLOCK_REALTIME with clock_adjtime.
 *
 * Log lines (text; --json gives "sample", "summary", "step" and "notice"
 * events with the same fields), <mono> being CLOCK_MONOTONIC seconds:
 *   phc-steer[<mono>]: <dev> offset %9lld s%d freq %+7.0f delay %6lld
 *   phc-steer[<mono>]: <dev> rms %lld max %lld freq %+.0f +/- %.0f delay %lld +/- %.0f
 *   phc-steer[<mono>]: <dev> step %lld ns (<reason>)
 * offset is CLOCK_REALTIME - PHC in ns, s the servo state (0 unlocked,
 * 1 jump, 2 locked), freq the frequency adjustment of CLOCK_REALTIME in ppb
 * as ADJ_FREQUENCY takes it (positive: faster; phc2sys prints the opposite
 * sign), delay the PHC read window in ns (0 with PRECISE). The summary (with
 * log_interval N > 0, instead of per-poll lines) covers the last N polls:
 * rms and max |offset|, mean and standard deviation of freq and delay.
 *
 * Seams for the module's netlink interface (the event socket registers on
 * the same evloop, so its callback runs as soon as an event arrives):
 *   steer_step_now()           a disruption event: step at once;
 *   steer_set_reference_bound() the clock's error bound, for maxerror;
 *   steer_set_leap()           the leap indicator to pass on.
 */
#ifndef PHC_STEER_STEER_H
#define PHC_STEER_STEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clock/sysoff.h"
#include "servo/servo.h"

struct config;
struct evloop;
struct log;
struct steer;

/*
 * Open the PHC, check that CLOCK_REALTIME may be adjusted, create the servo
 * and schedule the first poll. On failure returns NULL, an exit code in
 * *exit_code (EXIT_DEVICE, EXIT_RUNTIME) and a message in err.
 */
struct steer *steer_create(const struct config *cfg, struct evloop *loop,
			   struct log *log, int *exit_code, char *err,
			   size_t errlen);
void steer_destroy(struct steer *st);

/*
 * Step CLOCK_REALTIME onto the PHC now (a disruption: VM pause, restore,
 * migration), not at the next poll, whatever the step threshold.
 */
void steer_step_now(struct steer *st);

/*
 * The PHC stepped by a leap second. A kernel that had it armed took it
 * too, at its own midnight: nothing to do. Otherwise (a leap nobody
 * announced) CLOCK_REALTIME steps onto the PHC now, as for a disruption.
 */
void steer_leap_stepped(struct steer *st);

/* The PHC's own error bound (ns), added to the kernel's maxerror. */
void steer_set_reference_bound(struct steer *st, int64_t bound_ns);

/*
 * The reference announces a leap second at the end of this UTC day: +1
 * insert, -1 delete, 0 none. It is armed in the kernel (STA_INS/STA_DEL)
 * only on June 30 or December 31, as chronyd does, so a bogus announcement
 * cannot make the kernel leap at a midnight where none is due.
 */
void steer_set_leap(struct steer *st, int leap);

/* True on a day that may end in a leap second (UTC June 30, December 31). */
bool steer_leap_day(int64_t realtime_ns);

/* For the NTP client: a realtime/raw pair, from the PHC when it can. */
int steer_rt_raw_pair(void *steer, struct rt_raw_pair *pair);

/*
 * What one poll saw and did, for an observer (the ClockBound publisher,
 * clockbound/cb_publish.h). ok false: no reading (the PHC is gone or its
 * read failed); the rest is then unset.
 */
struct steer_poll {
	bool ok;
	int64_t coarse_ns;	/* CLOCK_MONOTONIC_COARSE just before the read */
	int64_t mono_ns;	/* CLOCK_MONOTONIC just after it */
	int64_t offset_ns;	/* CLOCK_REALTIME - PHC */
	int64_t uncert_ns;	/* the read's uncertainty: delay / 2 */
	enum servo_state state;
	double freq_ppb;	/* CLOCK_REALTIME's frequency now in force */
	bool stepped;		/* CLOCK_REALTIME was stepped by -offset */
};

typedef void (*steer_poll_fn)(void *arg, const struct steer_poll *p);

/* Call fn after every poll (one observer; NULL removes it). */
void steer_set_poll_observer(struct steer *st, steer_poll_fn fn, void *arg);

#endif /* PHC_STEER_STEER_H */
