/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The knob table: every knob of the clock and of its sources, written once.
 * The sysfs attributes, the netlink policies, the module parameters (with
 * their modinfo descriptions) and the load-time checks are all generated
 * from these lines, and `make lint` compares them with
 * docs/netlink/ptp_unified.yaml and docs/ABI/ (scripts/knobs_check.py).
 *
 * Included several times, each time with PTPU_CLOCK_KNOB() and/or
 * PTPU_SOURCE_KNOB() defined to what the includer generates (an undefined
 * one expands to nothing; both are undefined again at the end), like the
 * kernel's kvm-x86-ops.h. No include guard, no includes and literal values
 * only, so the userspace unit tests and the lint read the same lines:
 *
 *	PTPU_..._KNOB(ID, name, type, unit, min, max, default, owner, help)
 *
 * ID		PTPU_KNOB_<ID> in the module, and the netlink attribute
 *		PTP_UNIFIED_A_CONFIG_<ID> (clock) or PTP_UNIFIED_A_SOURCE_<ID>
 *		(per source)
 * name		sysfs attribute, and module parameter of a clock knob
 * type		U32, U64, BOOL (0 or 1), or STR (a name; min..max is its length)
 * unit		"" when it has none
 * min, max	the range every interface accepts (literals: the modinfo
 *		descriptions quote them)
 * default	the value at load (SOURCE: what a new source starts with)
 * owner	whose state the knob sets: ARBITER (its configuration), KVM or
 *		RTC (that source; the knob exists only with it), SOURCE (each
 *		source's, in sources/<name>/)
 * help		what it is, for the module parameter's description
 */
#ifndef PTPU_CLOCK_KNOB
#define PTPU_CLOCK_KNOB(...)
#endif
#ifndef PTPU_SOURCE_KNOB
#define PTPU_SOURCE_KNOB(...)
#endif

PTPU_CLOCK_KNOB(MAX_DRIFT_PPB, max_drift_ppb, U32, "ppb",
		0, 1000000, 50000, ARBITER,
		"largest frequency error assumed for an estimate")
PTPU_CLOCK_KNOB(SLEW_LIMIT_PPB, slew_limit_ppb, U32, "ppb",
		1000, 100000000, 500000, ARBITER,
		"fastest offset correction")
PTPU_CLOCK_KNOB(HYSTERESIS_PCT, hysteresis_pct, U32, "percent",
		0, 90, 20, ARBITER,
		"margin a challenger must win by")
PTPU_CLOCK_KNOB(STALE_LIMIT_S, stale_limit_s, U32, "s",
		1, 86400, 300, ARBITER,
		"age at which a source is lost")
PTPU_CLOCK_KNOB(STEP_THRESHOLD_NS, step_threshold_ns, U64, "ns",
		1000000, 1000000000000, 100000000, ARBITER,
		"deviation that makes a sample a suspected jump")
PTPU_CLOCK_KNOB(KVM_POLL_MS, kvm_poll_ms, U32, "ms",
		10, 60000, 1000, KVM,
		"poll interval")
PTPU_CLOCK_KNOB(RTC_INTERVAL_S, rtc_interval_s, U32, "s",
		2, 3600, 16, RTC,
		"interval between timed edges")
PTPU_CLOCK_KNOB(RTC_DEVICE, rtc_device, STR, "",
		1, 15, "rtc0", RTC,
		"RTC to use")

PTPU_SOURCE_KNOB(ENABLED, enabled, BOOL, "",
		 0, 1, 1, SOURCE,
		 "may be selected and votes on disruptions")
PTPU_SOURCE_KNOB(PRIORITY, priority, U32, "",
		 0, 4294967295, 0, SOURCE,
		 "higher wins among sources within the hysteresis margin")
PTPU_SOURCE_KNOB(PREFER, prefer, BOOL, "",
		 0, 1, 0, SOURCE,
		 "wins over every non-preferred surviving source")

#undef PTPU_CLOCK_KNOB
#undef PTPU_SOURCE_KNOB
