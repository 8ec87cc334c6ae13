/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Nanosecond time helpers and a message rate limiter.
 */
#ifndef PHC_STEER_TIMEUTIL_H
#define PHC_STEER_TIMEUTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define NS_PER_SEC 1000000000LL
#define NS_PER_MS 1000000LL
#define NS_PER_US 1000LL

static inline int64_t timespec_to_ns(const struct timespec *ts)
{
	return (int64_t)ts->tv_sec * NS_PER_SEC + ts->tv_nsec;
}

static inline struct timespec ns_to_timespec(int64_t ns)
{
	struct timespec ts;

	ts.tv_sec = ns / NS_PER_SEC;
	ts.tv_nsec = ns % NS_PER_SEC;
	if (ts.tv_nsec < 0) {
		ts.tv_sec--;
		ts.tv_nsec += NS_PER_SEC;
	}
	return ts;
}

/* Clocks that cannot fail for a valid id; a failure would be a libc bug. */
static inline int64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return timespec_to_ns(&ts);
}

static inline int64_t mono_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

static inline int64_t seconds_to_ns(double s)
{
	return (int64_t)(s * 1e9 + (s < 0 ? -0.5 : 0.5));
}

/*
 * Allow one message per interval; the first call always passes. Used for
 * conditions that can repeat at every poll (unreachable server, bad replies,
 * a vanished device) so they are reported once and then rarely.
 */
struct ratelimit {
	int64_t interval_ns;
	int64_t last_ns;
	bool used;
	unsigned int suppressed;
};

static inline bool ratelimit_allow(struct ratelimit *rl, int64_t now_ns)
{
	if (rl->used && now_ns - rl->last_ns < rl->interval_ns) {
		rl->suppressed++;
		return false;
	}
	rl->used = true;
	rl->last_ns = now_ns;
	return true;
}

static inline void ratelimit_reset(struct ratelimit *rl)
{
	rl->used = false;
	rl->suppressed = 0;
}

#endif /* PHC_STEER_TIMEUTIL_H */
