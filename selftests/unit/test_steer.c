// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the arbiter's output (kmod/arbiter_steer.c), in the
 * simulated world of arbiter_sim.h: slewing to a better source within the
 * limit, an honest model between calls, free-run, leap flags, and the step
 * of the first synchronisation.
 */
#include "arbiter_sim.h"

static void test_better_source(void)
{
	struct world *w = world_new(20000, 0, SEC, NULL);
	struct simsrc *a = add_src(w, "ntp", PTPU_CLASS_NTP, SEC, 1500 * US, 100 * US, 2 * MS);
	struct simsrc *b;
	struct ptpu_status st;
	int sel0;

	tap_diag("a better source appears: the output slews to it");
	run_for(w, 60 * SEC);
	TAP_EQ(status(w).selected, a->idx, "better source: the first one is selected");
	sel0 = w->sel_changes;
	w->slew_check_ppb = PTPU_DEFAULT_SLEW_LIMIT_PPB + 5000;
	b = add_src(w, "kvm", PTPU_CLASS_KVM, SEC, 0, 200, US);
	run_for(w, 200 * SEC);
	st = status(w);
	TAP_EQ(st.selected, b->idx, "better source: it is selected");
	TAP_EQ(w->sel_changes - sel0, 1, "better source: one selection change");
	TAP_EQ(w->steps, 0, "better source: no step");
	TAP_EQ(st.disruptions, 0, "better source: no disruption");
	TAP_EQ(w->cont_fail + w->mono_fail, 0,
	       "better source: output continuous at every update, never backwards");
	tap_diag("  fastest change of the error: %lld ppb", (long long)w->max_rate_ppb);
	TAP_EQ(w->rate_fail, 0, "better source: error changes no faster than the slew limit");
	TAP_GE(w->max_rate_ppb, 100000, "better source: it did slew (>= 100 ppm at times)");
	TAP_EQ(w->honesty_fail, 0, "better source: output always within its bound of truth");
	TAP_LE(iabs(ptpu_model_time(model(w), w->raw) - truth(w, w->raw)), 5 * US,
	       "better source: converged within 5 us of truth");
	world_free(w);
}

static void test_call_gap(void)
{
	struct world *w = world_new(20000, 0, SEC, NULL);
	struct simsrc *b;
	s64 t, err;
	u64 bound;

	tap_diag("calls stop for 100 s in the middle of a slew");
	add_src(w, "ntp", PTPU_CLASS_NTP, SEC, 3 * MS, 100 * US, 4 * MS);
	run_for(w, 30 * SEC);
	b = add_src(w, "kvm", PTPU_CLASS_KVM, SEC, 0, 200, US);
	run_for(w, 2 * SEC);
	TAP_EQ(status(w).selected, b->idx, "call gap: slewing to the precise source");
	/* Nobody calls the arbiter: readers keep evaluating the last model. */
	w->raw += 100 * SEC;
	t = ptpu_model_time(model(w), w->raw);
	bound = ptpu_model_bound(model(w), w->raw);
	err = t - truth(w, w->raw);
	TAP_LE(iabs(err), (s64)bound, "call gap: the last model stays honest 100 s later");
	TAP_GE(iabs(err), MS, "call gap: (it did overshoot: the check means something)");
	world_free(w);
}

static void test_freerun(void)
{
	struct world *w = world_new(20000, 0, MS, NULL);
	s64 raw0 = w->raw, ref0 = ptpu_model_time(model(w), w->raw), exp;
	struct ptpu_status st;

	tap_diag("no source at all");
	run_for(w, 100 * SEC);
	st = status(w);
	exp = MS + (w->raw - raw0) / SEC * PTPU_DEFAULT_MAX_DRIFT_PPB;
	TAP_GE((s64)st.bound_ns, exp, "free-run: bound = seed bound + max drift * time");
	TAP_LE((s64)st.bound_ns, exp + w->calls, "free-run: (rounded up once per call at most)");
	TAP_EQ(st.time_ns, ref0 + (w->raw - raw0), "free-run: runs at the seed's rate");
	TAP_EQ(st.state, PTPU_STATE_UNSYNCED, "free-run: state unsynchronised");
	TAP_EQ(model(w)->flags, 0, "free-run: model flags neither synced nor free-running");
	TAP_EQ(st.selected, -1, "free-run: nothing selected");
	world_free(w);
}

/*
 * The leap flags carry what a majority of the surviving external sources
 * announce, whichever source is selected (kvm announces nothing): one
 * NTP source beside kvm is a majority of one; one of two is not.
 */
static void test_leap(void)
{
	struct world *w = world_new(0, 0, SEC, NULL);
	struct simsrc *k = add_src(w, "kvm", PTPU_CLASS_KVM, SEC, 0, 100, US);
	struct simsrc *n = add_src(w, "ntp", PTPU_CLASS_NTP, SEC, 0, 100, MS);
	struct simsrc *n2;
	u32 lf = PTPU_MODEL_LEAP_INS | PTPU_MODEL_LEAP_DEL;

	run_for(w, 5 * SEC);
	TAP_EQ(model(w)->flags & lf, 0, "leap: none announced");
	k->leap = PTPU_LEAP_INS;
	run_for(w, 2 * SEC);
	TAP_EQ(model(w)->flags & lf, 0, "leap: kvm's leap indicator is not an announcement");
	k->leap = PTPU_LEAP_NONE;
	n->leap = PTPU_LEAP_INS;
	run_for(w, 2 * SEC);
	TAP_EQ(status(w).selected, k->idx, "leap: kvm selected");
	TAP_EQ(model(w)->flags & lf, PTPU_MODEL_LEAP_INS, "leap: insertion passed through");
	n->leap = PTPU_LEAP_DEL;
	run_for(w, 2 * SEC);
	TAP_EQ(model(w)->flags & lf, PTPU_MODEL_LEAP_DEL, "leap: deletion passed through");
	n->leap = PTPU_LEAP_NONE;
	run_for(w, 2 * SEC);
	TAP_EQ(model(w)->flags & lf, 0, "leap: cleared");
	n2 = add_src(w, "ntp2", PTPU_CLASS_NTP, SEC, 0, 100, MS);
	run_for(w, 5 * SEC);
	n2->leap = PTPU_LEAP_INS;
	run_for(w, 2 * SEC);
	TAP_EQ(model(w)->flags & lf, 0, "leap: one of two external sources is no majority");
	n->leap = PTPU_LEAP_INS;
	run_for(w, 2 * SEC);
	TAP_EQ(model(w)->flags & lf, PTPU_MODEL_LEAP_INS, "leap: two of two are");
	world_free(w);
}

static void test_initial_step(void)
{
	struct world *w = world_new(0, 3 * SEC, 10 * SEC, NULL);
	struct simsrc *rtc;
	struct ptpu_status st;
	int steps;

	tap_diag("seeded 3 s off: the first synchronisation steps");
	add_src(w, "kvm", PTPU_CLASS_KVM, SEC, 0, 100, US);
	run_for(w, 60 * SEC);
	st = status(w);
	TAP_EQ(w->steps, 1, "initial: one step");
	TAP_LE(iabs(w->step_ns + 3 * SEC), 10 * US, "initial: of -3 s");
	TAP_EQ(st.steps, 1, "initial: counted as a step");
	TAP_EQ(st.disruptions, 0, "initial: not as a disruption");
	TAP_EQ(st.settled, 1, "initial: settled");
	TAP_EQ(w->cont_fail, 0, "initial: step size reported exactly");
	TAP_LE(iabs(st.time_ns - truth(w, w->raw)), 10 * US, "initial: on time after");
	world_free(w);

	tap_diag("seeded 0.3 s off, uncalibrated RTC first, KVM 3 s later");
	w = world_new(0, 300 * MS, 10 * SEC, NULL);
	rtc = add_src(w, "rtc", PTPU_CLASS_RTC, SEC, 0, 100 * US, 200 * US);
	rtc->phi = 900 * MS;
	run_for(w, 3 * SEC);
	st = status(w);
	TAP_EQ(st.selected, rtc->idx, "coarse first: the uncalibrated rtc is selected");
	TAP_EQ(st.settled, 0, "coarse first: its 1 s bound does not settle the output");
	steps = w->steps;
	add_src(w, "kvm", PTPU_CLASS_KVM, SEC, 0, 100, US);
	run_for(w, 3 * SEC);
	st = status(w);
	TAP_EQ(w->steps, steps + 1, "coarse first: the precise source still gets a step");
	TAP_EQ(st.disruptions, 0, "coarse first: no disruption");
	TAP_EQ(st.settled, 1, "coarse first: settled now");
	TAP_LE(iabs(st.time_ns - truth(w, w->raw)), 10 * US, "coarse first: on time");
	TAP_EQ(w->honesty_fail, 0, "coarse first: output always within its bound of truth");
	world_free(w);

	/*
	 * A seed 30 ms off (below the step threshold) is still unsettled: the
	 * first synchronisation steps rather than slew for a minute.
	 */
	tap_diag("seeded 30 ms off (1 s bound): the first synchronisation still steps");
	w = world_new(0, 30 * MS, SEC, NULL);
	add_src(w, "kvm", PTPU_CLASS_KVM, SEC, 0, 100, US);
	run_for(w, 3 * SEC);
	st = status(w);
	TAP_EQ(w->steps, 1, "small initial: one step");
	TAP_LE(iabs(w->step_ns + 30 * MS), 10 * US, "small initial: of -30 ms");
	TAP_LE(st.bound_ns, 100 * US, "small initial: bound in the microseconds at once");
	TAP_LE(iabs(st.time_ns - truth(w, w->raw)), 10 * US, "small initial: on time");
	world_free(w);
}

int main(void)
{
	test_better_source();
	test_call_gap();
	test_freerun();
	test_leap();
	test_initial_step();
	return tap_done();
}
