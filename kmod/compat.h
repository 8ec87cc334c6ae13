/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel-version differences, kept in this one header so the rest of the
 * module reads as if written for a single kernel. Supported: Debian 12's 6.1
 * and 6.12 kernels, and everything in between.
 */
#ifndef PTPU_COMPAT_H
#define PTPU_COMPAT_H

#include <linux/clocksource_ids.h>
#include <linux/ptp_clock_kernel.h>
#include <linux/timekeeping.h>
#include <linux/version.h>
#include <net/genetlink.h>

/*
 * Linux 6.11 added ptp_system_timestamp.clockid: PTP_SYS_OFFSET_EXTENDED may
 * then ask for system stamps from CLOCK_MONOTONIC or CLOCK_MONOTONIC_RAW.
 * Before that, the stamps are always CLOCK_REALTIME.
 */
static inline clockid_t ptpu_sts_clockid(const struct ptp_system_timestamp *sts)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
	return sts->clockid;
#else
	return CLOCK_REALTIME;
#endif
}

/* What a system_time_snapshot's counter value counts. */
enum ptpu_counter {
	PTPU_COUNTER_UNKNOWN,	/* the kernel does not say */
	PTPU_COUNTER_TSC,	/* TSC ticks */
	PTPU_COUNTER_KVMCLOCK,	/* pvclock ns (kvm-clock) */
	PTPU_COUNTER_OTHER,	/* anything else (hpet, acpi_pm, ...) */
};

/*
 * Linux 6.11 gave the x86 clocksources ids (CSID_X86_TSC, CSID_X86_KVM_CLK),
 * which a snapshot carries as cs_id: it then says in which units its counter
 * value is. Before, the caller has to tell from the value itself.
 */
static inline enum ptpu_counter
ptpu_snapshot_counter(const struct system_time_snapshot *snap)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0) && defined(CONFIG_X86)
	switch (snap->cs_id) {
	case CSID_X86_TSC_EARLY:
	case CSID_X86_TSC:
		return PTPU_COUNTER_TSC;
	case CSID_X86_KVM_CLK:
		return PTPU_COUNTER_KVMCLOCK;
	default:
		return PTPU_COUNTER_OTHER;
	}
#else
	return PTPU_COUNTER_UNKNOWN;
#endif
}

/*
 * Linux 6.2 split do and dump operations (struct genl_split_ops) and hands
 * that form to pre_doit/post_doit; before, they get struct genl_ops. The
 * module registers plain .ops, which every kernel accepts, and names the
 * type its hooks receive through this.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define ptpu_genl_op genl_split_ops
#else
#define ptpu_genl_op genl_ops
#endif

#endif /* PTPU_COMPAT_H */
