// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for the arbiter's trust rules (issue 15): whatever one
 * lying EXTERNAL source does, while an honest kvm source is fresh the
 * output never steps and its bound always holds the truth.
 *
 * The world: a simulated UTC 20 ppm off raw; an honest kvm source sampled at
 * every whole raw second (1 us bound, noise within 300 ns); optionally an
 * honest NTP source every 16 s (2 ms bound); and one liar of class NTP, PHC
 * or other. After a 10 s warm-up on kvm (the first synchronisation may
 * step there), the input is a program: advance the raw clock by up to 1 s
 * (kvm samples at each second it crosses, so it is never more than 1 s
 * old), push a liar sample (any offset, bound, age, leap indicator the API
 * accepts), tick, change the liar's enable and priority knobs (not prefer:
 * an operator who prefers a liar chose it), or unregister and register it
 * again (a fresh history).
 *
 * After every arbiter call it checks, and abort()s on a violation:
 *  - no PTPU_EV_STEP (the truth never steps here);
 *  - the output is within its published bound of the truth, after the call
 *    and before the next one (readers evaluate the last model meanwhile).
 *
 * It was seen to fail against the rules before issue 15 (docs/testing.md,
 * "Untrusted sources").
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arbiter.h"
#include "fuzz_input.h"

#define MS 1000000LL
#define SEC 1000000000LL
#define T0 (1700000000LL * SEC)

struct world {
	struct ptpu_arbiter arb;
	s64 now;
	u64 rng;
	int kvm, ntp, liar;
	enum ptpu_class liar_cls;
	s64 next_kvm, next_ntp;
	bool warm;
};

static struct world fz;

static s64 truth(s64 raw)
{
	return T0 + raw + raw / 50000;	/* 20 ppm */
}

static s64 noise(s64 amp)
{
	u64 x = fz.rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	fz.rng = x;
	return (s64)((x * 2685821657736338717ULL) % (u64)(2 * amp + 1)) - amp;
}

/* The last model, as readers saw it up to now: still honest? */
static void check_readers(void)
{
	const struct ptpu_model *m = ptpu_arbiter_model(&fz.arb);
	s64 err = ptpu_model_time(m, fz.now) - truth(fz.now);

	if (fz.warm)
		CHECK((u64)ptpu_abs64(err) <= ptpu_model_bound(m, fz.now),
		      "before a call at raw %lld: error %lld ns, bound %llu ns",
		      (long long)fz.now, (long long)err,
		      (unsigned long long)ptpu_model_bound(m, fz.now));
}

static void check_call(const struct ptpu_events *ev, const char *what)
{
	struct ptpu_status st;
	s64 err;

	if (!fz.warm)
		return;
	ptpu_arbiter_status(&fz.arb, fz.now, &st);
	err = st.time_ns - truth(fz.now);
	CHECK(!(ev->mask & PTPU_EV_STEP), "%s at raw %lld stepped the output by %lld ns",
	      what, (long long)fz.now, (long long)ev->step_ns);
	CHECK((u64)ptpu_abs64(err) <= st.bound_ns,
	      "%s at raw %lld: error %lld ns, bound %llu ns", what, (long long)fz.now,
	      (long long)err, (unsigned long long)st.bound_ns);
}

static void honest_sample(int idx, s64 raw, s64 amp, u64 bound)
{
	struct ptpu_sample s = {
		.raw_ns = raw, .ref_ns = truth(raw) + noise(amp), .bound_ns = bound,
	};
	struct ptpu_events ev;

	check_readers();
	CHECK(!ptpu_arbiter_sample(&fz.arb, idx, &s, fz.now, &ev), "an honest sample refused");
	check_call(&ev, idx == fz.kvm ? "a kvm sample" : "an honest ntp sample");
}

/* Raw time moves on by d; the honest sources sample at their instants. */
static void advance(s64 d)
{
	s64 until = fz.now + d;

	while (fz.next_kvm <= until || (fz.ntp >= 0 && fz.next_ntp <= until)) {
		if (fz.ntp >= 0 && fz.next_ntp < fz.next_kvm) {
			fz.now = fz.next_ntp;
			honest_sample(fz.ntp, fz.now, MS / 2, 2 * MS);
			fz.next_ntp += 16 * SEC;
		} else {
			fz.now = fz.next_kvm;
			honest_sample(fz.kvm, fz.now, 300, 1000);
			fz.next_kvm += SEC;
		}
	}
	fz.now = until;
}

/*
 * Any sample the API may take, from a lying source: its age, offset (from
 * a table, anything in us, or within a few hundred us in 10 ns steps: inside
 * kvm's interval), a drift on top, and its bound (from a table or anything).
 */
static void op_lie(struct reader *r)
{
	static const s64 offsets[] = {
		SEC, -SEC, 10 * MS, -10 * MS, 200000, 2 * MS, 99 * MS, 101 * MS,
		3600 * SEC, -86400 * SEC, 30 * MS, -500 * MS,
	};
	static const u64 bounds[] = { 1, 1000, 2 * MS, 30 * MS, SEC, 10 * SEC };
	unsigned int mode = (unsigned int)take(r, 1), misc = (unsigned int)take(r, 1);
	struct ptpu_sample s;
	struct ptpu_events ev;
	s64 off;

	s.raw_ns = fz.now - (s64)take(r, 1) * 10 * MS;
	if (mode & 0x80)
		off = (s64)(s32)take(r, 4) * 1000;
	else if (mode & 0x40)
		off = (s64)(s16)take(r, 2) * 10;
	else
		off = offsets[(mode & 0x3f) % 12];
	/* A drifter: an error growing with time, as a broken oscillator's. */
	if (misc & 0x40)
		off += (s.raw_ns - 1000 * SEC) / 10000;
	s.ref_ns = truth(s.raw_ns) + off;
	s.bound_ns = misc & 0x80 ? 1 + take(r, 4) : bounds[(misc & 0x3f) % 6];
	s.leap = misc & 3;
	s.stratum = 2;
	check_readers();
	if (!ptpu_arbiter_sample(&fz.arb, fz.liar, &s, fz.now, &ev))
		check_call(&ev, "a liar's sample");
}

/* An honest-looking sample of the liar: it may agree for a while first. */
static void op_agree(struct reader *r)
{
	struct ptpu_sample s = { .bound_ns = 2 * MS, .stratum = 2 };
	struct ptpu_events ev;

	s.raw_ns = fz.now - (s64)take(r, 1) * MS;
	s.ref_ns = truth(s.raw_ns) + noise(MS / 2);
	check_readers();
	if (!ptpu_arbiter_sample(&fz.arb, fz.liar, &s, fz.now, &ev))
		check_call(&ev, "a liar's honest sample");
}

static void op_liar_config(struct reader *r)
{
	unsigned int f = (unsigned int)take(r, 1);
	struct ptpu_source_config sc = { .enabled = !(f & 1), .priority = (f >> 1) & 3 };
	struct ptpu_events ev;

	check_readers();
	CHECK(!ptpu_arbiter_source_config(&fz.arb, fz.liar, &sc, fz.now, &ev), "config refused");
	check_call(&ev, "the liar's knobs");
}

static void op_liar_again(void)
{
	struct ptpu_events ev;

	check_readers();
	CHECK(!ptpu_arbiter_unregister(&fz.arb, fz.liar, fz.now, &ev), "unregister refused");
	check_call(&ev, "the liar's removal");
	fz.liar = ptpu_arbiter_register(&fz.arb, "liar", fz.liar_cls);
	CHECK(fz.liar >= 0, "register refused");
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static const enum ptpu_class cls[] = { PTPU_CLASS_NTP, PTPU_CLASS_PHC, PTPU_CLASS_OTHER };
	struct reader r = { data, size };
	struct ptpu_model seed = { 0 };
	struct ptpu_events ev;
	unsigned int setup, op, steps = 0;

	memset(&fz, 0, sizeof(fz));
	setup = (unsigned int)take(&r, 1);
	fz.now = 1000 * SEC;
	fz.rng = 0x9e3779b97f4a7c15ULL ^ setup;
	seed.raw0 = fz.now;
	seed.ref0 = truth(fz.now);
	seed.bound0 = SEC;
	CHECK(!ptpu_arbiter_init(&fz.arb, NULL, &seed, fz.now), "init refused");
	fz.kvm = ptpu_arbiter_register(&fz.arb, "kvm", PTPU_CLASS_KVM);
	fz.ntp = setup & 1 ? ptpu_arbiter_register(&fz.arb, "ntp", PTPU_CLASS_NTP) : -1;
	fz.liar_cls = cls[(setup >> 1) % 3];
	fz.liar = ptpu_arbiter_register(&fz.arb, "liar", fz.liar_cls);
	CHECK(fz.kvm >= 0 && fz.liar >= 0, "register refused");
	fz.next_kvm = fz.now + SEC;
	fz.next_ntp = fz.now + 3 * SEC;

	/* The warm-up: kvm selected and the output settled on it. */
	advance(10 * SEC);
	ptpu_arbiter_tick(&fz.arb, fz.now, &ev);
	{
		struct ptpu_status st;

		ptpu_arbiter_status(&fz.arb, fz.now, &st);
		CHECK(st.selected == fz.kvm && st.settled, "kvm not selected after the warm-up");
	}
	fz.warm = true;

	while (r.n && steps++ < 4096) {
		op = (unsigned int)take(&r, 1);
		switch (op % 8) {
		case 0:
		case 1:
			advance((s64)(take(&r, 1) + 1) * 4 * MS);
			break;
		case 2:
		case 3:
			op_lie(&r);
			break;
		case 4:
			op_agree(&r);
			break;
		case 5:
			check_readers();
			ptpu_arbiter_tick(&fz.arb, fz.now, &ev);
			check_call(&ev, "a tick");
			break;
		case 6:
			op_liar_config(&r);
			break;
		default:
			op_liar_again();
			break;
		}
	}
	return 0;
}
