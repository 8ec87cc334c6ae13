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

#define PTPU_NAME "ptp_unified"

/*
 * The published time base: T(raw) = ref0 + (raw - raw0), raw being
 * CLOCK_MONOTONIC_RAW. Never a function of CLOCK_REALTIME after it is
 * seeded, so steering the system clock from this clock cannot form a loop.
 */
struct ptpu_timebase {
	s64 raw0;
	s64 ref0;
};

/**
 * struct ptpu_dev - one unified clock
 * @dev:	the platform device the clock and its knobs hang off
 * @info:	PTP clock operations (reached back with container_of())
 * @ptp:	the registered PTP clock
 * @lock:	serialises every writer of @tb (and later the arbiter)
 * @tb_seq:	lets readers copy @tb without locks; writers hold @lock
 * @tb:		the published time base
 */
struct ptpu_dev {
	struct device *dev;
	struct ptp_clock_info info;
	struct ptp_clock *ptp;
	struct mutex lock; /* writers of @tb; see the kernel-doc above */
	seqcount_mutex_t tb_seq;
	struct ptpu_timebase tb;
};

int ptpu_clock_register(struct ptpu_dev *pd);
s64 ptpu_clock_now(struct ptpu_dev *pd, struct system_time_snapshot *snap);

#endif /* PTP_UNIFIED_H */
