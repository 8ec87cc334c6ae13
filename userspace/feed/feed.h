/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where reference samples go. The NTP client (and any other source phc-steer
 * measures) hands each sample to a feed; the ptp_unified module's netlink
 * "push a sample" command is one feed implementation (feed_netlink.c), and
 * feed_print.c, used by "ntp-probe" and when the module is not loaded, logs
 * the sample.
 *
 * A sample is the triple of DESIGN.md, "The one rule of the time base":
 * local CLOCK_MONOTONIC_RAW time, the reference's UTC at that instant, and
 * an error bound that the true offset is within.
 */
#ifndef PHC_STEER_FEED_H
#define PHC_STEER_FEED_H

#include <stdint.h>

enum feed_class {
	FEED_CLASS_NTP,
	FEED_CLASS_PHC,
	FEED_CLASS_OTHER,
};

struct feed_sample {
	const char *source;	/* stable name, e.g. "127.0.0.1:123" */
	enum feed_class cls;
	int64_t raw_ns;		/* CLOCK_MONOTONIC_RAW */
	int64_t ref_ns;		/* reference UTC at raw_ns, ns since 1970 */
	uint64_t bound_ns;	/* |true UTC - ref_ns| <= bound_ns */
	uint8_t stratum;	/* NTP stratum of the reference (1-15) */
	uint8_t leap;		/* NTP leap indicator: 0 none, 1 insert, 2 delete */
};

struct feed {
	/* 0, or -errno: the sample was not taken (the caller logs it). */
	int (*push)(struct feed *f, const struct feed_sample *s);
	void (*destroy)(struct feed *f);
};

static inline int feed_push(struct feed *f, const struct feed_sample *s)
{
	return f->push(f, s);
}

static inline void feed_destroy(struct feed *f)
{
	if (f)
		f->destroy(f);
}

const char *feed_class_name(enum feed_class cls);

struct log;
struct feed *feed_print_create(struct log *log);
struct feed *feed_netlink_create(struct log *log, int *err);

#endif /* PHC_STEER_FEED_H */
