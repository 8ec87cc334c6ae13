/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ptp_unified: the generic netlink family of the unified PTP clock, shared
 * by the kernel module and userspace. docs/netlink/ptp_unified.yaml is its
 * spec (scripts/lint.sh checks that the two agree), docs/interfaces.md
 * explains it with examples.
 *
 * Times are nanoseconds: "raw" is CLOCK_MONOTONIC_RAW, "ref" and "time" are
 * UTC. Commands that change anything need CAP_SYS_TIME; reads and the
 * events group are open to everyone. Every command is validated strictly:
 * unknown attributes and trailing data are errors, with an extended ACK
 * message that says which attribute was refused.
 */
#ifndef _UAPI_LINUX_PTP_UNIFIED_H
#define _UAPI_LINUX_PTP_UNIFIED_H

#define PTP_UNIFIED_FAMILY_NAME		"ptp_unified"
#define PTP_UNIFIED_FAMILY_VERSION	1

/* Size of a source name buffer: at most 15 characters and the NUL. */
#define PTP_UNIFIED_NAME_LEN	16

/**
 * enum ptp_unified_class - what kind of time a source gives
 * @PTP_UNIFIED_CLASS_KVM: the hypervisor's clock through KVM clock pairing
 *	(built in)
 * @PTP_UNIFIED_CLASS_RTC: the CMOS RTC's second edges (built in)
 * @PTP_UNIFIED_CLASS_NTP: NTP measurements pushed from userspace
 * @PTP_UNIFIED_CLASS_PHC: another PTP hardware clock, pushed from userspace
 * @PTP_UNIFIED_CLASS_OTHER: any other reference pushed from userspace
 */
enum ptp_unified_class {
	PTP_UNIFIED_CLASS_KVM,
	PTP_UNIFIED_CLASS_RTC,
	PTP_UNIFIED_CLASS_NTP,
	PTP_UNIFIED_CLASS_PHC,
	PTP_UNIFIED_CLASS_OTHER,
};

/**
 * enum ptp_unified_state - what the clock follows
 * @PTP_UNIFIED_STATE_UNSYNCED: the seed taken at load; never synchronised
 * @PTP_UNIFIED_STATE_SYNCED: a source chosen by an agreeing majority
 * @PTP_UNIFIED_STATE_NO_MAJORITY: a source, but the sources do not agree
 * @PTP_UNIFIED_STATE_FREERUN: was synchronised, no usable source now
 */
enum ptp_unified_state {
	PTP_UNIFIED_STATE_UNSYNCED,
	PTP_UNIFIED_STATE_SYNCED,
	PTP_UNIFIED_STATE_NO_MAJORITY,
	PTP_UNIFIED_STATE_FREERUN,
};

/**
 * enum ptp_unified_leap - leap second announcement, as in NTP
 * @PTP_UNIFIED_LEAP_NONE: no leap second
 * @PTP_UNIFIED_LEAP_INS: the last minute of the day has 61 s
 * @PTP_UNIFIED_LEAP_DEL: the last minute of the day has 59 s
 */
enum ptp_unified_leap {
	PTP_UNIFIED_LEAP_NONE,
	PTP_UNIFIED_LEAP_INS,
	PTP_UNIFIED_LEAP_DEL,
};

/*
 * One source: SOURCE_ADD/DEL/GET requests, SOURCE_GET replies (one message
 * per source in a dump), EV_SOURCE_LOST, and nested in CONFIG_* (name,
 * enabled, priority and prefer only). Flags are u8 0 or 1.
 */
enum {
	PTP_UNIFIED_A_SOURCE_NAME = 1,		/* string, <= 15 chars */
	PTP_UNIFIED_A_SOURCE_CLASS,		/* u32, enum ptp_unified_class */
	PTP_UNIFIED_A_SOURCE_ENABLED,		/* u8: may be selected, votes */
	PTP_UNIFIED_A_SOURCE_PRIORITY,		/* u32: higher wins near-ties */
	PTP_UNIFIED_A_SOURCE_PREFER,		/* u8: beats non-preferred */
	PTP_UNIFIED_A_SOURCE_AVAILABLE,		/* u8: has an estimate, fresh */
	PTP_UNIFIED_A_SOURCE_SELECTED,		/* u8: the clock follows it */
	PTP_UNIFIED_A_SOURCE_CALIBRATED,	/* u8: RTC phase calibrated */
	PTP_UNIFIED_A_SOURCE_FALSETICKER,	/* u8: outside the majority */
	PTP_UNIFIED_A_SOURCE_SUSPECT,		/* u8: suspected jump pending */
	PTP_UNIFIED_A_SOURCE_STRATUM,		/* u8, of its newest sample */
	PTP_UNIFIED_A_SOURCE_LEAP,		/* u8, enum ptp_unified_leap */
	PTP_UNIFIED_A_SOURCE_SAMPLES,		/* u32: samples in its history */
	PTP_UNIFIED_A_SOURCE_PAD,
	PTP_UNIFIED_A_SOURCE_OFFSET,		/* s64 ns: estimate - clock */
	PTP_UNIFIED_A_SOURCE_BOUND,		/* u64 ns: its error bound now */
	PTP_UNIFIED_A_SOURCE_JITTER,		/* u64 ns: RMS of fit residuals */
	PTP_UNIFIED_A_SOURCE_AGE,		/* s64 ns since newest, -1 none */
	PTP_UNIFIED_A_SOURCE_FREQ,		/* s64 ppb against raw */

	__PTP_UNIFIED_A_SOURCE_MAX,
	PTP_UNIFIED_A_SOURCE_MAX = (__PTP_UNIFIED_A_SOURCE_MAX - 1)
};

/*
 * SAMPLE_PUSH: "at raw time RAW, UTC was REF +/- BOUND" from an external
 * source. SOURCE, RAW, REF and BOUND are required. CLASS creates a source
 * that does not exist yet (ntp, phc or other) and must match an existing
 * one's.
 */
enum {
	PTP_UNIFIED_A_SAMPLE_SOURCE = 1,	/* string, <= 15 chars */
	PTP_UNIFIED_A_SAMPLE_CLASS,		/* u32, ntp, phc or other */
	PTP_UNIFIED_A_SAMPLE_STRATUM,		/* u8, 0..15 */
	PTP_UNIFIED_A_SAMPLE_LEAP,		/* u8, enum ptp_unified_leap */
	PTP_UNIFIED_A_SAMPLE_PAD,
	PTP_UNIFIED_A_SAMPLE_RAW,		/* s64 ns, not in the future */
	PTP_UNIFIED_A_SAMPLE_REF,		/* s64 ns */
	PTP_UNIFIED_A_SAMPLE_BOUND,		/* u64 ns, 1 ns..1000 s */

	__PTP_UNIFIED_A_SAMPLE_MAX,
	PTP_UNIFIED_A_SAMPLE_MAX = (__PTP_UNIFIED_A_SAMPLE_MAX - 1)
};

/*
 * CONFIG_GET replies with every knob that exists (the kvm and rtc knobs only
 * with those sources) and one SOURCE nest per source; CONFIG_SET changes the
 * knobs given, all of them or none. The same knobs as the sysfs attributes
 * (docs/ABI/sysfs-class-ptp-ptp_unified has units, defaults and ranges).
 */
enum {
	PTP_UNIFIED_A_CONFIG_MAX_DRIFT_PPB = 1,	/* u32, 0..1000000 */
	PTP_UNIFIED_A_CONFIG_SLEW_LIMIT_PPB,	/* u32, 1000..100000000 */
	PTP_UNIFIED_A_CONFIG_HYSTERESIS_PCT,	/* u32, 0..90 */
	PTP_UNIFIED_A_CONFIG_STALE_LIMIT_S,	/* u32, 1..86400 */
	PTP_UNIFIED_A_CONFIG_KVM_POLL_MS,	/* u32, 10..60000 */
	PTP_UNIFIED_A_CONFIG_RTC_INTERVAL_S,	/* u32, 2..3600 */
	PTP_UNIFIED_A_CONFIG_RTC_DEVICE,	/* string, e.g. "rtc0" */
	PTP_UNIFIED_A_CONFIG_SOURCE,		/* nest of PTP_UNIFIED_A_SOURCE_* */
	PTP_UNIFIED_A_CONFIG_PAD,
	PTP_UNIFIED_A_CONFIG_STEP_THRESHOLD_NS,	/* u64, 1 ms..1000 s */

	__PTP_UNIFIED_A_CONFIG_MAX,
	PTP_UNIFIED_A_CONFIG_MAX = (__PTP_UNIFIED_A_CONFIG_MAX - 1)
};

/*
 * STATUS_GET replies, and the EV_SELECTION, EV_DISRUPTION, EV_STATE, EV_LEAP
 * events.
 */
enum {
	PTP_UNIFIED_A_STATUS_STATE = 1,		/* u32, enum ptp_unified_state */
	PTP_UNIFIED_A_STATUS_SELECTED,		/* string; absent: none */
	PTP_UNIFIED_A_STATUS_PAD,
	PTP_UNIFIED_A_STATUS_BOUND,		/* u64 ns, at RAW */
	PTP_UNIFIED_A_STATUS_DISRUPTIONS,	/* u64, since load */
	PTP_UNIFIED_A_STATUS_STEPS,		/* u64, since load */
	PTP_UNIFIED_A_STATUS_LAST_STEP,		/* s64 ns */
	PTP_UNIFIED_A_STATUS_LAST_STEP_RAW,	/* s64 ns, raw time of it (0 none) */
	PTP_UNIFIED_A_STATUS_TIME,		/* s64 ns, the clock at RAW */
	PTP_UNIFIED_A_STATUS_RAW,		/* s64 ns */
	PTP_UNIFIED_A_STATUS_DRIFT,		/* u32 ppb, growth of BOUND after RAW */
	PTP_UNIFIED_A_STATUS_LEAPS,		/* u64, leap seconds since load */
	PTP_UNIFIED_A_STATUS_LEAP,		/* u8, enum ptp_unified_leap: tonight's */

	__PTP_UNIFIED_A_STATUS_MAX,
	PTP_UNIFIED_A_STATUS_MAX = (__PTP_UNIFIED_A_STATUS_MAX - 1)
};

enum {
	PTP_UNIFIED_CMD_SOURCE_ADD = 1,		/* write */
	PTP_UNIFIED_CMD_SOURCE_DEL,		/* write */
	PTP_UNIFIED_CMD_SOURCE_GET,		/* do and dump */
	PTP_UNIFIED_CMD_SAMPLE_PUSH,		/* write */
	PTP_UNIFIED_CMD_CONFIG_GET,
	PTP_UNIFIED_CMD_CONFIG_SET,		/* write */
	PTP_UNIFIED_CMD_STATUS_GET,
	PTP_UNIFIED_CMD_EV_SELECTION,		/* event */
	PTP_UNIFIED_CMD_EV_DISRUPTION,		/* event */
	PTP_UNIFIED_CMD_EV_SOURCE_LOST,		/* event */
	PTP_UNIFIED_CMD_EV_STATE,		/* event */
	PTP_UNIFIED_CMD_EV_LEAP,		/* event */

	__PTP_UNIFIED_CMD_MAX,
	PTP_UNIFIED_CMD_MAX = (__PTP_UNIFIED_CMD_MAX - 1)
};

#define PTP_UNIFIED_MCGRP_EVENTS	"events"

#endif /* _UAPI_LINUX_PTP_UNIFIED_H */
