// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the rtc class's hooks (kmod/arbiter_rtc.c), in the
 * simulated world of arbiter_sim.h: phase calibration against kvm,
 * recalibration after a phase reset, holdover on the rtc alone, the hold
 * against a calibrated rtc a few ms off, and an uncalibrated rtc alone.
 */
#include "arbiter_sim.h"

/* kvm + calibrated RTC; returns the world after the RTC calibrated. */
static struct world *rtc_world(struct simsrc **kvm, struct simsrc **rtc, s64 phi,
			       s64 period)
{
	struct world *w = world_new(20000, 0, SEC, NULL);

	*kvm = add_src(w, "kvm", PTPU_CLASS_KVM, SEC, 0, 300, US);
	*rtc = add_src(w, "rtc", PTPU_CLASS_RTC, period, 0, 300 * US, 400 * US);
	(*rtc)->phi = phi;
	run_for(w, 60 * SEC);
	return w;
}

static void test_rtc_recal(void)
{
	struct simsrc *kvm, *rtc;
	struct world *w = rtc_world(&kvm, &rtc, 370 * MS, 5 * SEC);
	struct ptpu_source_status ss;
	int calib;

	tap_diag("calibrated RTC changes phase by 300 ms, KVM contradicts");
	src_status(w, rtc, &ss);
	TAP_EQ(ss.calibrated, 1, "rtc recal: calibrated against kvm");
	TAP_LE(iabs(ss.offset_ns), MS, "rtc recal: its offset is small once calibrated");
	TAP_LE(ss.bound_ns, 5 * MS, "rtc recal: and its bound too");
	calib = w->calib;
	rtc->phi += 300 * MS;
	run_for(w, 120 * SEC);
	src_status(w, rtc, &ss);
	TAP_EQ(w->steps, 0, "rtc recal: no step");
	TAP_EQ(status(w).disruptions, 0, "rtc recal: disruption counter 0");
	TAP_CMP(w->calib, >, calib, "rtc recal: calibration event");
	TAP_EQ(ss.calibrated, 1, "rtc recal: calibrated again");
	TAP_LE(iabs(ss.offset_ns), MS, "rtc recal: to the new phase");
	TAP_EQ(w->sel_changes, 1, "rtc recal: kvm stayed selected");
	TAP_EQ(w->honesty_fail, 0, "rtc recal: output always within its bound of truth");
	world_free(w);
}

static void test_rtc_holdover(void)
{
	struct simsrc *kvm, *rtc;
	struct world *w = rtc_world(&kvm, &rtc, 810 * MS, 10 * SEC);
	struct ptpu_source_status ss;

	tap_diag("RTC holdover: kvm disabled, 10 minutes at 20 ppm raw drift, then a pause");
	src_status(w, rtc, &ss);
	TAP_EQ(ss.calibrated, 1, "holdover: rtc calibrated");
	set_enabled(w, kvm, false);
	w->want_sel = rtc->idx;
	w->max_abs_err = 0;
	run_for(w, 600 * SEC);
	TAP_EQ(w->not_selected, 0, "holdover: rtc selected throughout");
	TAP_EQ(w->honesty_fail, 0, "holdover: output always within its bound of truth");
	TAP_LE(w->max_abs_err, 2 * MS, "holdover: and within 2 ms of it");
	TAP_LE(status(w).bound_ns, 10 * MS, "holdover: with a bound below 10 ms");
	TAP_EQ(status(w).state, PTPU_STATE_SYNCED, "holdover: synced");
	TAP_EQ(w->steps, 0, "holdover: no step");

	pause_vm(w, 5 * SEC);
	run_for(w, 60 * SEC);
	TAP_EQ(status(w).disruptions, 1, "holdover pause: disruption declared by the rtc alone");
	TAP_EQ(w->steps, 1, "holdover pause: one step");
	TAP_EQ(w->step_by, rtc->idx, "holdover pause: on the rtc's sample");
	TAP_LE(iabs(w->step_ns - 5 * SEC), 5 * MS, "holdover pause: by 5 s");
	TAP_EQ(w->honesty_fail, 0, "holdover pause: output within its bound of truth after");
	TAP_EQ(w->not_selected, 0, "holdover pause: rtc still selected");
	src_status(w, rtc, &ss);
	TAP_EQ(ss.calibrated, 1, "holdover pause: rtc still calibrated");
	world_free(w);
}

/*
 * The nested-VM holdover: the rtc's calibration is 3 ms off (its edges are
 * timed within 4 ms, so its interval still holds the truth). With kvm gone,
 * the output keeps the model kvm taught it instead of moving onto the rtc's
 * centre; it follows the rtc again once it leaves the rtc's interval (the
 * raw oscillator moved), and kvm again when kvm returns.
 */
static void test_rtc_hold(void)
{
	struct world *w = world_new(20000, 0, SEC, NULL);
	struct simsrc *kvm = add_src(w, "kvm", PTPU_CLASS_KVM, SEC, 0, 300, US);
	struct simsrc *rtc = add_src(w, "rtc", PTPU_CLASS_RTC, 16 * SEC, 0, 300 * US, 4 * MS);
	struct ptpu_source_status ss;
	struct ptpu_status st;

	tap_diag("RTC hold: its phase 3 ms off, kvm disabled for 10 minutes");
	rtc->phi = 370 * MS;
	run_for(w, 120 * SEC);
	src_status(w, rtc, &ss);
	TAP_EQ(ss.calibrated, 1, "rtc hold: rtc calibrated against kvm");
	rtc->phi += 3 * MS;
	set_enabled(w, kvm, false);
	w->want_sel = rtc->idx;
	w->max_abs_err = 0;
	run_for(w, 600 * SEC);
	src_status(w, rtc, &ss);
	st = status(w);
	TAP_GE(iabs(ss.offset_ns), 2 * MS, "rtc hold: (the rtc's centre is ms off the output)");
	TAP_LE(w->max_abs_err, 100 * US, "rtc hold: the output stays within 100 us of truth");
	TAP_LE(st.bound_ns, (u64)iabs(ss.offset_ns) + ss.bound_ns,
	       "rtc hold: bound no wider than what the rtc proves");
	TAP_EQ(w->not_selected, 0, "rtc hold: rtc selected throughout");
	TAP_EQ(st.state, PTPU_STATE_SYNCED, "rtc hold: synced");
	TAP_EQ(w->honesty_fail, 0, "rtc hold: output always within its bound of truth");
	TAP_EQ(w->steps + w->cont_fail + w->mono_fail, 0, "rtc hold: continuous, no step");

	tap_diag("RTC hold: the raw oscillator moves 40 ppm, the output leaves the rtc's interval");
	set_drift(w, 60000);
	w->slew_check_ppb = PTPU_DEFAULT_SLEW_LIMIT_PPB + 50000;
	run_for(w, 600 * SEC);
	src_status(w, rtc, &ss);
	TAP_LE(iabs(ss.offset_ns), (s64)ss.bound_ns, "rtc hold: the output follows the rtc again");
	TAP_EQ(w->not_selected, 0, "rtc hold: rtc still selected");
	TAP_EQ(w->honesty_fail, 0, "rtc hold: output within its bound of truth throughout");
	TAP_EQ(w->rate_fail, 0, "rtc hold: slewed within the limit");
	TAP_EQ(w->steps + w->cont_fail + w->mono_fail, 0, "rtc hold: still no step");

	tap_diag("RTC hold: kvm returns");
	w->want_sel = -1;
	set_enabled(w, kvm, true);
	run_for(w, 120 * SEC);
	TAP_EQ(status(w).selected, kvm->idx, "rtc hold: kvm selected again");
	TAP_LE(iabs(ptpu_model_time(model(w), w->raw) - truth(w, w->raw)), 20 * US,
	       "rtc hold: the output is back within 20 us of truth");
	TAP_EQ(w->honesty_fail + w->rate_fail, 0, "rtc hold: honest and slewed on the way");
	TAP_EQ(w->steps + w->cont_fail + w->mono_fail, 0, "rtc hold: no step on return");
	world_free(w);
}

static void test_rtc_phase_holdover(void)
{
	struct simsrc *kvm, *rtc;
	struct world *w = rtc_world(&kvm, &rtc, 120 * MS, 5 * SEC);
	struct ptpu_source_status ss;
	int calib;

	tap_diag("RTC phase change during holdover: re-based, not a disruption");
	set_enabled(w, kvm, false);
	run_for(w, 30 * SEC);
	calib = w->calib;
	rtc->phi += 300 * MS;
	w->want_sel = rtc->idx;
	run_for(w, 60 * SEC);
	src_status(w, rtc, &ss);
	TAP_EQ(w->steps, 0, "rtc phase holdover: no step");
	TAP_EQ(status(w).disruptions, 0, "rtc phase holdover: disruption counter 0");
	TAP_CMP(w->calib, >, calib, "rtc phase holdover: calibration event (re-based)");
	TAP_EQ(ss.calibrated, 1, "rtc phase holdover: still calibrated");
	TAP_EQ(w->not_selected, 0, "rtc phase holdover: rtc still selected");
	TAP_EQ(w->honesty_fail + w->cont_fail + w->mono_fail, 0,
	       "rtc phase holdover: output continuous and within its bound of truth");
	world_free(w);
}

/*
 * A pause shorter than a second with the rtc alone: it cannot be told from
 * a phase reset, so it is re-based, not declared; but the output must stay
 * within its bound of the truth, which went on during the pause.
 */
static void test_rtc_short_pause_alone(void)
{
	struct simsrc *kvm, *rtc;
	struct world *w = rtc_world(&kvm, &rtc, 120 * MS, 5 * SEC);

	tap_diag("RTC alone through a 600 ms pause: re-based, and the bound owns up to it");
	set_enabled(w, kvm, false);
	run_for(w, 30 * SEC);
	w->want_sel = rtc->idx;
	pause_vm(w, 600 * MS);
	run_for(w, 60 * SEC);
	TAP_EQ(status(w).disruptions, 0, "rtc short pause: not declared (ambiguous alone)");
	TAP_EQ(w->steps, 0, "rtc short pause: no step");
	TAP_GE(status(w).bound_ns, 600 * MS, "rtc short pause: the bound covers the lost 600 ms");
	TAP_EQ(w->honesty_fail, 0, "rtc short pause: output within its bound of truth");
	TAP_EQ(w->not_selected, 0, "rtc short pause: rtc still selected");
	world_free(w);
}

/*
 * Only an uncalibrated RTC, its guessed centre 300 ms from the output: the
 * output lies inside its interval, so it must not chase the centre (that
 * would run the clock 500 ppm fast for ten minutes).
 */
static void test_rtc_coarse_alone(void)
{
	struct world *w = world_new(20000, 0, SEC, NULL);
	struct simsrc *rtc = add_src(w, "rtc", PTPU_CLASS_RTC, SEC, 0, 100 * US, 200 * US);

	tap_diag("only an uncalibrated RTC: the output does not chase its centre");
	rtc->phi = 200 * MS;	/* its centre (ref + 0.5 s) is 300 ms ahead */
	run_for(w, 30 * SEC);
	TAP_EQ(status(w).selected, rtc->idx, "coarse alone: the rtc is selected");
	w->slew_check_ppb = 50000;
	run_for(w, 120 * SEC);
	TAP_EQ(w->rate_fail, 0, "coarse alone: the error changes by less than 50 ppm");
	TAP_EQ(w->steps, 0, "coarse alone: no step");
	TAP_EQ(w->honesty_fail, 0, "coarse alone: output within its bound of truth");
	world_free(w);
}

int main(void)
{
	test_rtc_recal();
	test_rtc_holdover();
	test_rtc_hold();
	test_rtc_phase_holdover();
	test_rtc_short_pause_alone();
	test_rtc_coarse_alone();
	return tap_done();
}
