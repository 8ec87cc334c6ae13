// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for the arbiter (kmod/arbiter*.c). The input is a program:
 * each operation is an opcode byte and a few argument bytes (missing bytes
 * read as zero). Operations register and unregister sources, push samples
 * (realistic ones around a simulated UTC, and extreme ones: S64_MIN/MAX
 * times, zero and huge bounds, bad leap indicators), advance the raw clock
 * (by up to the whole s64 range), simulate VM pauses, change per-source and
 * global knobs (valid or not) and tick.
 *
 * After every operation it checks, and abort()s on a violation:
 *  - the bound is at most PTPU_BOUND_MAX (never negative as an s64) and never
 *    smaller than bound0 or shrinking with distance from the anchor;
 *  - the output never decreases with raw time, within one model and across
 *    operations, except across a step the arbiter counted (a declared
 *    disruption, or the one-time synchronisation of an unsettled seed);
 *  - the output does not move at the current raw time unless it stepped,
 *    and a reported step has exactly the reported size;
 *  - the published bound covers the selected source's interval (every
 *    candidate's when there is no majority), unless the output holds a
 *    better model from inside that interval: then it is no smaller than
 *    the old model's bound; and it does not shrink while no source is
 *    selected;
 *  - a refused call changes nothing;
 *  - counters match the events.
 * UBSan traps (built with -fno-sanitize-recover=all) and ASan reports end
 * the run too.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arbiter.h"
#include "fuzz_input.h"

#define SEC 1000000000LL

struct fuzz {
	struct ptpu_arbiter arb;
	struct ptpu_arbiter before;
	s64 now;
	s64 utc_off;		/* simulated UTC - raw */
	s64 rtc_phase;
	s64 prev_t;
	u64 prev_steps;
	u64 disruptions_seen;
};

static struct fuzz fz;

static s64 utc(s64 raw)
{
	return ptpu_add_sat(raw, fz.utc_off);
}

static s64 pick_raw(struct reader *r, unsigned int mode)
{
	switch (mode & 3) {
	case 0:
		return fz.now;
	case 1:
		return ptpu_sub_sat(fz.now, (s64)take(r, 2) * 1000000);
	case 2:
		return ptpu_sub_sat(fz.now, (s64)(take(r, 4) * 1000));
	default:
		return (s64)take(r, 8);
	}
}

static s64 pick_ref(struct reader *r, unsigned int mode, s64 raw)
{
	switch (mode & 7) {
	case 0:
		return utc(raw);
	case 1:
		return ptpu_add_sat(utc(raw), (s64)(s16)take(r, 2) * 1000);
	case 2:
		return ptpu_add_sat(utc(raw), (s64)(s16)take(r, 2) * 1000000);
	case 3:
		return ptpu_add_sat(utc(raw), (s64)(s8)take(r, 1) * SEC);
	case 4:
		/* An RTC: the whole second it ticked to, with its own phase. */
		return ptpu_sub_sat(utc(raw), fz.rtc_phase) / SEC * SEC;
	case 5:
		return S64_MAX;
	case 6:
		return S64_MIN;
	default:
		return (s64)take(r, 8);
	}
}

static u64 pick_bound(struct reader *r, unsigned int mode)
{
	static const u64 b[] = { 1000, 1000000, 30000000, SEC, 0, 1, PTPU_SAMPLE_BOUND_MAX };

	if ((mode & 7) < ARRAY_SIZE(b))
		return b[mode & 7];
	return take(r, 8);
}

static u64 pick_knob(struct reader *r, u64 def, u64 min, u64 max)
{
	switch (take(r, 1) & 7) {
	case 0:
	case 1:
		return def;
	case 2:
		return min;
	case 3:
		return max;
	case 4:
		return min + take(r, 2) % (max - min + 1);
	case 5:
		return max + 1;
	case 6:
		return min ? min - 1 : 0;
	default:
		return take(r, 8);
	}
}

static void op_config(struct reader *r)
{
	struct ptpu_arbiter_config c;

	c.max_drift_ppb = (u32)pick_knob(r, PTPU_DEFAULT_MAX_DRIFT_PPB, 0,
					 PTPU_MAX_DRIFT_PPB_MAX);
	c.slew_limit_ppb = (u32)pick_knob(r, PTPU_DEFAULT_SLEW_LIMIT_PPB,
					  PTPU_SLEW_LIMIT_PPB_MIN, PTPU_SLEW_LIMIT_PPB_MAX);
	c.hysteresis_pct = (u32)pick_knob(r, PTPU_DEFAULT_HYSTERESIS_PCT, 0,
					  PTPU_HYSTERESIS_PCT_MAX);
	c.step_threshold_ns = pick_knob(r, PTPU_DEFAULT_STEP_THRESHOLD_NS,
					PTPU_STEP_THRESHOLD_NS_MIN, PTPU_STEP_THRESHOLD_NS_MAX);
	c.stale_ns = pick_knob(r, 10 * SEC, PTPU_STALE_NS_MIN, PTPU_STALE_NS_MAX);
	if (ptpu_arbiter_set_config(&fz.arb, &c))
		CHECK(!memcmp(&fz.arb, &fz.before, sizeof(fz.arb)));
}

static void op_advance(struct reader *r)
{
	unsigned int mode = (unsigned int)take(r, 1);
	u64 d;

	switch (mode & 7) {
	case 0:
	case 1:
	case 2:
	case 3:
		d = take(r, 1) * 10000000ULL;
		break;
	case 4:
		d = take(r, 1) * (u64)SEC;
		break;
	case 5:
		d = take(r, 4);
		break;
	case 6:
		d = take(r, 8);
		break;
	default:
		d = (u64)S64_MAX;
		break;
	}
	fz.now = d > (u64)S64_MAX ? S64_MAX : ptpu_add_sat(fz.now, (s64)d);
}

/* Return: whether the arbiter took the call (and re-anchored its model). */
static bool op_sample(struct reader *r, struct ptpu_events *ev)
{
	int idx = (int)(take(r, 1) % (PTPU_MAX_SOURCES + 2));
	unsigned int mode = (unsigned int)take(r, 1), misc = (unsigned int)take(r, 1);
	struct ptpu_sample s;
	int err;

	s.raw_ns = pick_raw(r, mode);
	s.ref_ns = pick_ref(r, mode >> 2, s.raw_ns);
	s.bound_ns = pick_bound(r, mode >> 5);
	s.leap = misc & 1 ? (misc >> 1) & 3 : 0;
	s.stratum = (u8)(misc >> 3);
	err = ptpu_arbiter_sample(&fz.arb, idx, &s, fz.now, ev);
	CHECK(err <= 0);
	if (err)
		CHECK(!memcmp(&fz.arb, &fz.before, sizeof(fz.arb)));
	return !err;
}

static bool op_source_config(struct reader *r, struct ptpu_events *ev)
{
	int idx = (int)(take(r, 1) % (PTPU_MAX_SOURCES + 2));
	unsigned int f = (unsigned int)take(r, 1);
	struct ptpu_source_config sc = {
		.enabled = f & 1 || f & 4,	/* mostly enabled */
		.prefer = (f & 0x1a) == 0x1a,
		.priority = (f >> 5) & 3,
	};

	if (ptpu_arbiter_source_config(&fz.arb, idx, &sc, fz.now, ev)) {
		CHECK(!memcmp(&fz.arb, &fz.before, sizeof(fz.arb)));
		return false;
	}
	return true;
}

static void op_register(struct reader *r)
{
	static const char * const names[] = {
		"kvm", "rtc", "ntp0", "ntp1", "phc0", "gnss", "a", "b",
		"0123456789abcde", "0123456789abcdef", "",
	};
	unsigned int b = (unsigned int)take(r, 1);
	enum ptpu_class cls = (enum ptpu_class)(b % (PTPU_CLASS_COUNT + 1));
	char name[PTPU_NAME_LEN + 8];

	if ((b >> 4) < ARRAY_SIZE(names))
		snprintf(name, sizeof(name), "%s", names[b >> 4]);
	else
		snprintf(name, sizeof(name), "x%u", b);
	if (ptpu_arbiter_register(&fz.arb, name, cls) < 0)
		CHECK(!memcmp(&fz.arb, &fz.before, sizeof(fz.arb)));
}

/* Invariants of the state after each operation. */
static void check(const struct ptpu_events *ev, bool updated)
{
	const struct ptpu_model *m = ptpu_arbiter_model(&fz.arb);
	const struct ptpu_model *old = ptpu_arbiter_model(&fz.before);
	struct ptpu_source_status ss;
	struct ptpu_status st;
	s64 t, later;
	u64 b, cover;
	bool held;
	int i;

	ptpu_arbiter_status(&fz.arb, fz.now, &st);
	t = st.time_ns;
	b = st.bound_ns;

	CHECK(m->bound0 <= PTPU_BOUND_MAX && b <= PTPU_BOUND_MAX && (s64)b >= 0);
	CHECK(b >= m->bound0);
	CHECK(m->freq > -(1LL << 31) && m->freq < (1LL << 31));
	/* After a call that re-anchored the model, it grows at least at max drift. */
	if (updated)
		CHECK(m->drift_ppb >= fz.arb.cfg.max_drift_ppb);
	later = ptpu_add_sat(fz.now, (s64)SEC * 3600);
	CHECK(ptpu_model_bound(m, later) >= b);
	CHECK(ptpu_model_time(m, later) >= t);
	CHECK(ptpu_model_time(m, ptpu_add_sat(fz.now, 1)) >= t);

	CHECK(st.steps >= fz.prev_steps && st.steps <= fz.prev_steps + 1);
	if (ev && (ev->mask & PTPU_EV_DISRUPTION))
		fz.disruptions_seen++;
	CHECK(st.disruptions == fz.disruptions_seen);
	CHECK(st.disruptions <= st.steps);
	if (st.steps == fz.prev_steps) {
		CHECK(t >= fz.prev_t);
		CHECK(t == ptpu_model_time(old, fz.now));
		CHECK(!ev || !(ev->mask & PTPU_EV_STEP));
	} else {
		CHECK(ev && (ev->mask & PTPU_EV_STEP));
		CHECK(ev->step_ns == st.last_step_ns);
		CHECK(ptpu_sub_sat(t, ptpu_model_time(old, fz.now)) == ev->step_ns);
		/* A step that is not a disruption: only before settling. */
		if (!(ev->mask & PTPU_EV_DISRUPTION))
			CHECK(!fz.before.settled);
	}
	/* With nothing selected before or after, the bound can only grow. */
	if (st.selected < 0 && fz.before.selected < 0 && st.steps == fz.prev_steps)
		CHECK(b >= ptpu_model_bound(old, fz.now));
	/* Only a model carried on without a step can be held. */
	held = st.steps == fz.prev_steps && b >= ptpu_model_bound(old, fz.now);
	fz.prev_t = t;
	fz.prev_steps = st.steps;

	/* Honesty: the output interval covers the followed source's. */
	if (st.selected >= 0) {
		for (i = 0; i < PTPU_MAX_SOURCES; i++) {
			if (i != st.selected &&
			    !(st.state == PTPU_STATE_NO_MAJORITY && (st.candidates & (1U << i))))
				continue;
			CHECK(!ptpu_arbiter_source_status(&fz.arb, i, fz.now, &ss));
			cover = ptpu_uadd_sat(ptpu_abs64(ss.offset_ns), ss.bound_ns);
			cover = cover > PTPU_BOUND_MAX ? PTPU_BOUND_MAX : cover;
			CHECK(b >= cover ||
			      (i == st.selected && held && ptpu_abs64(ss.offset_ns) <= ss.bound_ns));
		}
	}
	if (!(st.state == PTPU_STATE_SYNCED || st.state == PTPU_STATE_NO_MAJORITY))
		CHECK(st.selected < 0);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct reader r = { data, size };
	struct ptpu_arbiter_config cfg;
	struct ptpu_model seed = { 0 };
	struct ptpu_events ev;
	unsigned int op, steps = 0;
	bool updated;

	memset(&fz, 0, sizeof(fz));
	fz.now = (s64)(take(&r, 1) % 4) * 1000 * SEC;
	fz.utc_off = 1700000000LL * SEC;
	fz.rtc_phase = 370000000;
	ptpu_arbiter_default_config(&cfg);
	cfg.stale_ns = 10 * SEC;
	seed.raw0 = fz.now;
	seed.ref0 = utc(fz.now) + (s64)(s8)take(&r, 1) * 100000000LL;
	seed.bound0 = SEC;
	CHECK(!ptpu_arbiter_init(&fz.arb, &cfg, &seed, fz.now));
	fz.prev_t = ptpu_model_time(ptpu_arbiter_model(&fz.arb), fz.now);

	while (r.n && steps++ < 4096) {
		memcpy(&fz.before, &fz.arb, sizeof(fz.arb));
		memset(&ev, 0, sizeof(ev));
		updated = false;
		op = (unsigned int)take(&r, 1);
		switch (op % 10) {
		case 0:
			op_register(&r);
			break;
		case 1:
			updated = !ptpu_arbiter_unregister(&fz.arb, (int)(take(&r, 1) % 18),
							   fz.now, &ev);
			if (!updated)
				CHECK(!memcmp(&fz.arb, &fz.before, sizeof(fz.arb)));
			break;
		case 2:
		case 3:
		case 4:
			updated = op_sample(&r, &ev);
			break;
		case 5:
			op_advance(&r);
			ptpu_arbiter_tick(&fz.arb, fz.now, &ev);
			updated = true;
			break;
		case 6:
			updated = op_source_config(&r, &ev);
			break;
		case 7:
			op_config(&r);
			break;
		case 8:
			/* A VM pause: UTC goes on, raw does not. */
			fz.utc_off = ptpu_add_sat(fz.utc_off, (s64)take(&r, 1) * 100000000LL);
			if (op & 0x80)
				fz.rtc_phase = (s64)(take(&r, 1) % 100) * 10000000LL;
			break;
		default:
			ptpu_arbiter_tick(&fz.arb, fz.now, &ev);
			updated = true;
			break;
		}
		check(&ev, updated);
	}
	return 0;
}
