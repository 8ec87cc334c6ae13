/* SPDX-License-Identifier: GPL-2.0-only */
/* The rtc source's state, shared with its knobs (knobs.c). */
#ifndef PTPU_SOURCE_RTC_H
#define PTPU_SOURCE_RTC_H

#include <linux/mutex.h>
#include <linux/time64.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#define PTPU_RTC_NAME_LEN		16

struct ptpu_dev;
struct rtc_device;

/**
 * struct ptpu_rtc - the rtc source
 * @pd:		the clock it feeds
 * @rtc:	the RTC, from the rtc class
 * @work:	times one second edge per interval
 * @stop_wait:	wakes the work out of a long sleep when @stopping is set
 * @stopping:	the source is going away: the work returns at once
 * @idx:	its index in the arbiter
 * @interval_s:	seconds between timed edges (knob)
 * @have_edge:	@edge_raw/@edge_sec hold a recent edge, so the next one is
 *		predictable and a narrow window suffices
 * @edge_raw:	raw time of the last timed edge
 * @edge_sec:	the RTC second that began there
 * @reads:	RTC reads done (each one a VM exit under KVM)
 * @edges:	edges timed
 * @misses:	predicted edges that were not there (phase change or pause)
 * @errors:	failed RTC reads
 * @failing:	the last search for an edge found none: withdrawn
 * @dev_lock:	serialises switching @rtc and @name (rtc_device knob)
 * @name:	name of @rtc, under @dev_lock
 */
struct ptpu_rtc {
	struct ptpu_dev *pd;
	struct rtc_device *rtc;
	struct delayed_work work;
	wait_queue_head_t stop_wait;
	bool stopping;
	int idx;
	unsigned int interval_s;
	bool have_edge;
	s64 edge_raw;
	time64_t edge_sec;
	u64 reads;
	u64 edges;
	u64 misses;
	u64 errors;
	bool failing;
	struct mutex dev_lock; /* see the kernel-doc above */
	char name[PTPU_RTC_NAME_LEN];
};

int ptpu_rtc_set_device(struct ptpu_rtc *r, const char *name);
void ptpu_rtc_get_device(struct ptpu_rtc *r, char *buf, size_t len);

#endif /* PTPU_SOURCE_RTC_H */
