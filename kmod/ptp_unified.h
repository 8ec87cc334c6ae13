/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ptp_unified: one PTP clock serving the best time source a guest can see.
 * State shared by the module's files.
 */
#ifndef PTP_UNIFIED_H
#define PTP_UNIFIED_H

#include <linux/device.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/ptp_clock_kernel.h>
#include <linux/seqlock.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>

#include "arbiter.h"

#define PTPU_NAME "ptp_unified"

struct ptpu_kvm;
struct ptpu_rtc;
struct ptpu_sysfs;

/**
 * struct ptpu_dev - one unified clock
 * @dev:	the platform device the clock and its knobs hang off
 * @info:	PTP clock operations (reached back with container_of())
 * @ptp:	the registered PTP clock
 * @lock:	serialises the arbiter, its configuration, every publication
 *		of @model and the events of @subscribers
 * @model_seq:	every change of @arb, @model and @view is a write section of
 *		it, so clock reads copy @model and status readers copy @view
 *		without taking @lock
 * @model:	the published time base: T(raw) on CLOCK_MONOTONIC_RAW, never a
 *		function of CLOCK_REALTIME, so steering the system clock from
 *		this clock cannot form a loop
 * @arb:	the best-source arbiter (about 10 KiB)
 * @view:	what status readers need of @arb, filled at every change of it
 * @subscribers: who hears the arbiter's events (ptpu_events_subscribe())
 * @tick:	periodic arbiter update (staleness, slewing, free-run)
 * @kvm:	the kvm source, NULL when absent
 * @rtc:	the rtc source, NULL when absent
 * @sysfs:	the per-source sysfs directories
 */
struct ptpu_dev {
	struct device *dev;
	struct ptp_clock_info info;
	struct ptp_clock *ptp;
	struct mutex lock; /* see the kernel-doc above */
	seqcount_mutex_t model_seq;
	struct ptpu_model model;
	struct ptpu_arbiter arb;
	struct ptpu_arbiter_view view;
	struct raw_notifier_head subscribers;
	struct delayed_work tick;
	struct ptpu_kvm *kvm;
	struct ptpu_rtc *rtc;
	struct ptpu_sysfs *sysfs;
};

/**
 * struct ptpu_event - what subscribers hear after an arbiter call
 * @ev:		the arbiter's report; @ev->mask is also the notifier's action
 * @view:	the arbiter's view right after the call (pd->lock is held)
 */
struct ptpu_event {
	const struct ptpu_events *ev;
	const struct ptpu_arbiter_view *view;
};

/**
 * struct ptpu_snapshot - the arbiter as one update left it, for readers
 * @raw:	raw time read right after the copy, no earlier than any in it
 * @view:	a copy of the arbiter's view, its first @view.n_slots sources
 */
struct ptpu_snapshot {
	s64 raw;
	struct ptpu_arbiter_view view;
};

/* timebase.c: the arbiter, the published model, status and events */
int ptpu_timebase_init(struct ptpu_dev *pd, const struct ptpu_arbiter_config *cfg);
int ptpu_source_add(struct ptpu_dev *pd, const char *name, enum ptpu_class cls);
void ptpu_source_remove(struct ptpu_dev *pd, int idx);
int ptpu_submit_sample(struct ptpu_dev *pd, int idx,
		       const struct ptpu_sample *smp);
void ptpu_source_withdraw(struct ptpu_dev *pd, int idx);
s64 ptpu_clock_now(struct ptpu_dev *pd, struct system_time_snapshot *snap);
s64 ptpu_update_begin(struct ptpu_dev *pd);
void ptpu_update_end(struct ptpu_dev *pd, const struct ptpu_events *ev);
int ptpu_events_subscribe(struct ptpu_dev *pd, struct notifier_block *nb);
void ptpu_events_unsubscribe(struct ptpu_dev *pd, struct notifier_block *nb);
struct ptpu_snapshot *ptpu_snapshot_take(struct ptpu_dev *pd);
void ptpu_read_config(struct ptpu_dev *pd, struct ptpu_arbiter_config *cfg);
void ptpu_status_read(const struct ptpu_arbiter_view *v, s64 raw,
		      struct ptpu_status *st, char name[PTPU_NAME_LEN]);

/* clock.c */
int ptpu_clock_register(struct ptpu_dev *pd);

/*
 * Sources: each starts itself if its hardware is there (absent is not an
 * error), with its knobs' values at load.
 */
int ptpu_kvm_start(struct ptpu_dev *pd, unsigned int poll_ms);
int ptpu_rtc_start(struct ptpu_dev *pd, const char *device,
		   unsigned int interval_s);

/* sysfs.c */
int ptpu_sysfs_init(struct ptpu_dev *pd);
int ptpu_sysfs_source_add(struct ptpu_dev *pd, int idx, const char *name);
void ptpu_sysfs_source_del(struct ptpu_dev *pd, int idx);

/* netlink.c */
int ptpu_netlink_register(void);
void ptpu_netlink_unregister(void);
int ptpu_netlink_attach(struct ptpu_dev *pd);

#endif /* PTP_UNIFIED_H */
