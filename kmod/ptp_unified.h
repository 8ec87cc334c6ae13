/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ptp_unified: one PTP clock serving the best time source a guest can see.
 * State shared by the module's files.
 */
#ifndef PTP_UNIFIED_H
#define PTP_UNIFIED_H

#include <linux/device.h>
#include <linux/mutex.h>
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
 * @lock:	serialises the arbiter, its configuration and every publication
 *		of @model
 * @model_seq:	lets clock reads copy @model without taking @lock
 * @model:	the published time base: T(raw) on CLOCK_MONOTONIC_RAW, never a
 *		function of CLOCK_REALTIME, so steering the system clock from
 *		this clock cannot form a loop
 * @arb:	the best-source arbiter (about 10 KiB)
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
	struct delayed_work tick;
	struct ptpu_kvm *kvm;
	struct ptpu_rtc *rtc;
	struct ptpu_sysfs *sysfs;
};

/* timebase.c: the arbiter and the published model */
int ptpu_timebase_init(struct ptpu_dev *pd);
int ptpu_source_add(struct ptpu_dev *pd, const char *name, enum ptpu_class cls);
int ptpu_submit_sample(struct ptpu_dev *pd, int idx,
		       const struct ptpu_sample *smp);
void ptpu_source_withdraw(struct ptpu_dev *pd, int idx);
s64 ptpu_clock_now(struct ptpu_dev *pd, struct system_time_snapshot *snap);
s64 ptpu_update_begin(struct ptpu_dev *pd);
void ptpu_update_end(struct ptpu_dev *pd, const struct ptpu_events *ev);

/* clock.c */
int ptpu_clock_register(struct ptpu_dev *pd);

/* sources: each starts itself if its hardware is there (absent is not an error) */
int ptpu_kvm_start(struct ptpu_dev *pd);
int ptpu_rtc_start(struct ptpu_dev *pd);

/* sysfs.c */
int ptpu_sysfs_init(struct ptpu_dev *pd);
int ptpu_sysfs_source_add(struct ptpu_dev *pd, int idx);
void ptpu_sysfs_source_del(struct ptpu_dev *pd, int idx);
void ptpu_sysfs_notify_events(struct ptpu_dev *pd, const struct ptpu_events *ev);

/* netlink.c */
int ptpu_netlink_register(void);
void ptpu_netlink_unregister(void);
int ptpu_netlink_attach(struct ptpu_dev *pd);
void ptpu_netlink_notify_events(struct ptpu_dev *pd, const struct ptpu_events *ev);

#endif /* PTP_UNIFIED_H */
