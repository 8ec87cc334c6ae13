// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the rtc source's edge prediction (kmod/source_rtc_edge.h):
 * its arithmetic, and, in the simulated world of arbiter_sim.h, that the
 * edge it predicts from the arbiter's estimate of the RTC's rate falls in
 * its fine window for raw-vs-RTC rates of 5 to 100 ppm and rtc_interval_s
 * of 16 to 3600, where whole raw seconds (the rule before it) miss.
 *
 * Built with -DPTPU_TEST_WHOLE_SECONDS, the checks run against whole raw
 * seconds and a 2 ms window instead: they must fail then.
 */
#include "arbiter_sim.h"
#include "source_rtc_edge.h"

/* How long before its widest window source_rtc.c wakes for an edge. */
#define WAKE_EARLY_NS	(50 * MS)

static void test_arithmetic(void)
{
	struct ptpu_rtc_rate fast = { .freq_ppb = 100000, .doubt_ppb = 1000 };
	struct ptpu_rtc_rate none = { 0 };
	struct ptpu_rtc_rate bad = { .freq_ppb = PTPU_RTC_RATE_MAX_PPB + 1 };
	s64 edge = 5000 * SEC, target, window, expect;

	tap_diag("edge arithmetic");
	/* 3600 RTC seconds at 100 ppm fast: 3600 s / 1.0001 of raw. */
	expect = edge + (s64)((__int128)3600 * SEC * PTPU_PPB / (PTPU_PPB + 100000));
	TAP_EQ(ptpu_rtc_edge_after(edge, 3600, &fast), expect,
	       "arith: 3600 RTC seconds at +100 ppm are 359.964 ms short of 3600 raw s");
	TAP_EQ(ptpu_rtc_edge_after(edge, 16, &none), edge + 16 * SEC,
	       "arith: without a rate, whole raw seconds");

	TAP_EQ(ptpu_rtc_predict(edge, 300 * US, &fast, expect - 100 * MS, &target, &window),
	       true, "arith: predicts 3600 s ahead");
	TAP_EQ(target, expect, "arith: the 3600th edge (its window has not opened)");
	TAP_EQ(window, 2 * MS + 300 * US + ((expect - edge) * 1000 + SEC - 1) / SEC,
	       "arith: window = 2 ms + the edge's bound + 1 ppm of the distance");

	TAP_EQ(ptpu_rtc_predict(edge, 300 * US, &fast, expect - 3 * MS, &target, &window),
	       true, "arith: woken inside that window");
	TAP_EQ(target, ptpu_rtc_edge_after(edge, 3601, &fast),
	       "arith: the next edge instead");

	TAP_EQ(ptpu_rtc_predict(edge, 0, &none, edge + 10 * SEC - 50 * MS, &target, &window),
	       true, "arith: without a rate");
	TAP_EQ(target, edge + 10 * SEC, "arith: whole raw seconds, as before");
	TAP_EQ(window, 2 * MS, "arith: +/- 2 ms, as before");

	fast.doubt_ppb = 50000;
	TAP_EQ(ptpu_rtc_predict(edge, 300 * US, &fast, edge + 3599 * SEC, &target, &window),
	       true, "arith: a doubtful rate");
	TAP_EQ(window, PTPU_RTC_WINDOW_MAX_NS, "arith: its window is capped at 20 ms");

	TAP_EQ(ptpu_rtc_predict(edge, 0, &bad, edge + SEC, &target, &window), false,
	       "arith: a rate beyond 10 % is not used");
	TAP_EQ(ptpu_rtc_predict(edge, PTPU_RTC_WINDOW_MAX_NS + 1, &none, edge + SEC,
				&target, &window), false,
	       "arith: nor an edge timed worse than the widest window");
	TAP_EQ(ptpu_rtc_predict(edge, 0, &none, edge + 86401 * SEC, &target, &window), false,
	       "arith: nor one more than a day old");
	TAP_EQ(ptpu_rtc_predict(S64_MAX - SEC, 0, &none, S64_MAX, &target, &window), false,
	       "arith: nor one at the end of time");
}

/* One simulated rtc source's predictions, checked at each of its edges. */
struct edge_run {
	struct simsrc *rtc;
	s64 interval;
	bool whole_seconds;	/* the rule before: whole raw seconds, 2 ms */
	int warmup;		/* edges before the checks start */
	int seen, checked, missed, wide;
	s64 worst_err, worst_window;
};

/*
 * At each rtc edge: where source_rtc.c would look for the edge interval
 * seconds later (waking where it does), against where that edge is.
 */
static void check_prediction(struct world *w, const struct ptpu_events *ev, int by)
{
	struct edge_run *er = w->priv;
	struct simsrc *s = er->rtc;
	struct ptpu_rtc_rate rate = { 0 };
	struct ptpu_source_status st;
	s64 last, truth_next, wake, target, window, err;
	u64 bound = 0;
	bool ok;

	(void)ev;
	if (by != s->idx || ++er->seen <= er->warmup)
		return;
	src_status(w, s, &st);
	last = w->raw - st.age_ns;	/* the sample's raw time, noise and all */
	truth_next = raw_at(w, s->edge_ref + er->interval * SEC + s->phi);
	if (er->whole_seconds) {
		wake = last + er->interval * SEC - WAKE_EARLY_NS;
	} else {
		rate.freq_ppb = st.freq_ppb;
		rate.doubt_ppb = st.freq_doubt_ppb;
		bound = s->bound;
		wake = ptpu_rtc_edge_after(last, er->interval, &rate) -
		       PTPU_RTC_WINDOW_MAX_NS - WAKE_EARLY_NS;
	}
	ok = ptpu_rtc_predict(last, bound, &rate, wake, &target, &window);
	err = target - truth_next;
	er->checked++;
	if (!ok || iabs(err) > window)
		er->missed++;
	if (window > er->worst_window)
		er->worst_window = window;
	if (iabs(err) > iabs(er->worst_err))
		er->worst_err = err;
}

/*
 * An RTC following UTC, which runs @ppm against raw; checked over @edges
 * edges after @warmup. @with_kvm: beside kvm at the default staleness
 * limit (a guest: the rtc's fit has one sample once the interval passes
 * 300 s, and its rate is the output's); else alone, with the staleness
 * limit at three intervals (its rate is its own fit).
 */
static void run_edges(struct edge_run *er, s64 ppm, s64 interval, bool with_kvm,
		      int warmup, int edges)
{
	struct ptpu_arbiter_config cfg;
	struct world *w;

	ptpu_arbiter_default_config(&cfg);
	if (!with_kvm)
		cfg.stale_ns = (u64)(3 * interval) * SEC;
	w = world_new(ppm * 1000, 0, SEC, &cfg);
	if (with_kvm)
		add_src(w, "kvm", PTPU_CLASS_KVM, 4 * SEC, 0, 300, US);
	er->rtc = add_src(w, "rtc", PTPU_CLASS_RTC, interval * SEC, 0, 300 * US, 400 * US);
	er->rtc->phi = 370 * MS;
	er->interval = interval;
	er->warmup = warmup;
	w->priv = er;
	w->on_call = check_prediction;
	run_for(w, (warmup + edges) * (interval + 1) * SEC);
	TAP_EQ(w->honesty_fail + w->disruptions, 0, "(the world: honest, no disruption)");
	world_free(w);
}

#ifdef PTPU_TEST_WHOLE_SECONDS
#define WHOLE_SECONDS true
#else
#define WHOLE_SECONDS false
#endif

static void test_predictions(bool with_kvm)
{
	static const s64 ppms[] = { 5, 20, 100, -100 };
	static const s64 intervals[] = { 16, 600, 3600 };
	unsigned int i, j;

	tap_diag("rtc edges predicted %s", with_kvm ?
		 "beside kvm, staleness limit 300 s" : "with the rtc alone, staleness limit 3 intervals");
	for (i = 0; i < ARRAY_SIZE(ppms); i++) {
		for (j = 0; j < ARRAY_SIZE(intervals); j++) {
			struct edge_run er = { .whole_seconds = WHOLE_SECONDS };

			run_edges(&er, ppms[i], intervals[j], with_kvm, 3, 4);
			tap_diag("  %+lld ppm, every %lld s: worst error %lld us, widest window %lld us",
				 (long long)ppms[i], (long long)intervals[j],
				 (long long)er.worst_err / US, (long long)er.worst_window / US);
			ok(er.checked >= 3, "%+lld ppm, %lld s: %d predictions checked",
			   (long long)ppms[i], (long long)intervals[j], er.checked);
			is_int(er.missed, 0, "%+lld ppm, %lld s: every edge in its fine window",
			       (long long)ppms[i], (long long)intervals[j]);
		}
	}
}

/*
 * The rule before, whole raw seconds and +/- 2 ms, misses every edge once
 * the rate times the interval passes 2 ms: what the checks above catch.
 */
static void test_whole_seconds_miss(void)
{
	static const s64 ppms[] = { 5, 20, 100 };
	unsigned int i;

	tap_diag("whole raw seconds (the rule before) at 600 s");
	for (i = 0; i < ARRAY_SIZE(ppms); i++) {
		struct edge_run er = { .whole_seconds = true };

		run_edges(&er, ppms[i], 600, true, 3, 4);
		ok(er.checked >= 3, "whole seconds, %lld ppm, 600 s: %d predictions checked",
		   (long long)ppms[i], er.checked);
		is_int(er.missed, er.checked, "whole seconds, %lld ppm, 600 s: every edge missed",
		       (long long)ppms[i]);
	}
}

int main(void)
{
	test_arithmetic();
	test_predictions(true);
	test_predictions(false);
	test_whole_seconds_miss();
	return tap_done();
}
