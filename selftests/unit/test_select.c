// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the arbiter's selection (kmod/arbiter_select.c), in the
 * simulated world of arbiter_sim.h: falsetickers, no majority, staleness
 * and withdrawal, hysteresis against flapping, ambiguous intersections.
 */
#include "arbiter_sim.h"

static void test_falseticker(void)
{
	struct world *w = world_new(20000, 0, SEC, NULL);
	struct simsrc *kvm = add_src(w, "kvm", PTPU_CLASS_KVM, SEC, 0, 500, 2 * US);
	struct simsrc *ntp = add_src(w, "ntp", PTPU_CLASS_NTP, 2 * SEC, 0, MS, 3 * MS);
	struct simsrc *phc = add_src(w, "phc", PTPU_CLASS_PHC, SEC, SEC, 2 * US, 10 * US);
	struct ptpu_source_status ss;
	struct ptpu_status st;

	tap_diag("three sources, one of them 1 s off");
	run_for(w, 120 * SEC);
	st = status(w);
	src_status(w, phc, &ss);
	TAP_EQ(ss.falseticker, 1, "falseticker: the 1 s-off source is flagged");
	TAP_EQ(st.falsetickers, 1U << phc->idx, "falseticker: and only it");
	TAP_EQ(w->ever_selected & (1U << phc->idx), 0, "falseticker: never selected");
	TAP_EQ(st.selected, kvm->idx, "falseticker: the most precise good source is selected");
	TAP_EQ(st.state, PTPU_STATE_SYNCED, "falseticker: state synced (majority)");
	TAP_EQ(w->honesty_fail, 0, "falseticker: output always within its bound of truth");
	TAP_LE(iabs(ptpu_model_time(model(w), w->raw) - truth(w, w->raw)), 20 * US,
	       "falseticker: output within 20 us of truth at the end");
	TAP_EQ(w->cont_fail + w->mono_fail, 0, "falseticker: output continuous and monotonic");
	TAP_EQ(st.disruptions, 0, "falseticker: no disruption");
	src_status(w, ntp, &ss);
	TAP_EQ(ss.falseticker, 0, "falseticker: the imprecise good source is not flagged");
	world_free(w);
}

static void test_no_majority(void)
{
	struct world *w = world_new(20000, 0, SEC, NULL);
	struct simsrc *a = add_src(w, "a", PTPU_CLASS_NTP, SEC, 0, 200 * US, MS);
	struct simsrc *b = add_src(w, "b", PTPU_CLASS_NTP, SEC, 50 * MS, 200 * US, MS);
	struct ptpu_source_status sa, sb;
	struct ptpu_status st;
	int fails = 0;
	s64 end;

	tap_diag("two sources 50 ms apart");
	b->next += SEC / 2;
	run_for(w, 10 * SEC);
	end = w->raw + 50 * SEC;
	while (w->raw < end) {
		run_for(w, SEC);
		st = status(w);
		src_status(w, a, &sa);
		src_status(w, b, &sb);
		/* The published interval must contain both sources' intervals. */
		if ((u64)iabs(sa.offset_ns) + sa.bound_ns > st.bound_ns ||
		    (u64)iabs(sb.offset_ns) + sb.bound_ns > st.bound_ns)
			fails++;
	}
	st = status(w);
	TAP_EQ(st.state, PTPU_STATE_NO_MAJORITY, "no majority: state reported");
	TAP_EQ(model(w)->flags & (PTPU_MODEL_NO_MAJORITY | PTPU_MODEL_SYNCED),
	       PTPU_MODEL_NO_MAJORITY | PTPU_MODEL_SYNCED, "no majority: model flags");
	TAP_EQ(st.falsetickers, 0, "no majority: nobody is called a falseticker");
	TAP_EQ(st.selected, a->idx, "no majority: the first selection is kept");
	TAP_EQ(fails, 0, "no majority: published bound covers both sources' intervals");
	TAP_GE(st.bound_ns, 50 * MS, "no majority: published bound >= their 50 ms distance");
	TAP_EQ(w->honesty_fail, 0, "no majority: output always within its bound of truth");
	TAP_EQ(w->steps, 0, "no majority: no step");
	world_free(w);
}

static void test_stale(void)
{
	struct ptpu_arbiter_config cfg;
	struct world *w;
	struct simsrc *a, *b;
	struct ptpu_status st;
	s64 a_last, b_last, t1, b1, b2, b3, slope1, slope2;

	ptpu_arbiter_default_config(&cfg);
	cfg.stale_ns = 10 * SEC;
	w = world_new(20000, 0, SEC, &cfg);
	a = add_src(w, "kvm", PTPU_CLASS_KVM, SEC, 0, US, 5 * US);
	b = add_src(w, "ntp", PTPU_CLASS_NTP, SEC, 0, 500 * US, 2 * MS);
	tap_diag("sources going stale (staleness limit 10 s)");
	run_for(w, 30 * SEC);
	TAP_EQ(status(w).selected, a->idx, "stale: the precise source is selected first");
	a->on = false;
	a_last = a->next - a->period;
	run_for(w, 30 * SEC);
	st = status(w);
	TAP_EQ(w->lost[a->idx], 1, "stale: one lost event for the silent source");
	TAP_CMP(w->lost_raw[a->idx], >, a_last + (s64)cfg.stale_ns,
		"stale: not before its age passed the limit");
	TAP_LE(w->lost_raw[a->idx], a_last + (s64)cfg.stale_ns + TICK_NS,
	       "stale: reported at the first tick after");
	TAP_EQ(st.selected, b->idx, "stale: selection moved to the remaining source");
	TAP_EQ(w->lost[b->idx], 0, "stale: the live source is not lost");

	b->on = false;
	b_last = b->next - b->period;
	run_for(w, 20 * SEC);
	st = status(w);
	TAP_EQ(w->lost[b->idx], 1, "stale: one lost event for the second source");
	TAP_EQ(w->lost[a->idx], 1, "stale: still one for the first");
	TAP_EQ(st.selected, -1, "stale: nothing selected");
	TAP_EQ(st.state, PTPU_STATE_FREERUN, "stale: state free-running");
	TAP_EQ(model(w)->flags & (PTPU_MODEL_FREERUN | PTPU_MODEL_SYNCED), PTPU_MODEL_FREERUN,
	       "stale: model flagged free-running, not synced");
	TAP_CMP(b_last, <, w->raw, "stale: (sanity)");

	/* Free-run: the bound grows linearly, at least at max drift. */
	t1 = w->raw;
	b1 = (s64)status(w).bound_ns;
	run_for(w, 10 * SEC);
	b2 = (s64)status(w).bound_ns;
	run_for(w, 10 * SEC);
	b3 = (s64)status(w).bound_ns;
	slope1 = b2 - b1;
	slope2 = b3 - b2;
	TAP_LE(iabs(slope2 - slope1), 40, "free-run: bound grows linearly (equal 10 s increments)");
	TAP_GE(slope1, 10LL * cfg.max_drift_ppb, "free-run: at least max drift");
	TAP_EQ(w->honesty_fail, 0, "stale: output always within its bound of truth");
	TAP_EQ(w->cont_fail + w->mono_fail + w->steps, 0, "stale: output continuous, no step");
	TAP_CMP(t1, <, w->raw, "stale: (sanity 2)");
	world_free(w);
}

/*
 * The kvm source's owner sees the host refuse pairing: withdrawn, it is lost
 * at once (not after the staleness limit), selection moves without a step,
 * and its next sample brings it back.
 */
static void test_withdraw(void)
{
	struct world *w = world_new(20000, 0, SEC, NULL);
	struct simsrc *a = add_src(w, "kvm", PTPU_CLASS_KVM, SEC, 0, US, 5 * US);
	struct simsrc *b = add_src(w, "ntp", PTPU_CLASS_NTP, SEC, 0, 500 * US, 2 * MS);
	struct ptpu_source_status ss;
	struct ptpu_events ev;

	tap_diag("a source withdrawn by its owner");
	run_for(w, 30 * SEC);
	TAP_EQ(status(w).selected, a->idx, "withdraw: the precise source is selected first");
	TAP_EQ(ptpu_arbiter_withdraw(w->arb, a->idx, w->raw, &ev), 0, "withdraw: accepted");
	after_call(w, &ev, -1);
	TAP_EQ(w->lost[a->idx], 1, "withdraw: lost at once, not after the staleness limit");
	TAP_EQ(status(w).selected, b->idx, "withdraw: selection moved in the same call");
	ptpu_arbiter_source_status(w->arb, a->idx, w->raw, &ss);
	TAP_EQ(ss.available, 0, "withdraw: reported unavailable");
	a->on = false;
	run_for(w, 20 * SEC);
	TAP_EQ(status(w).selected, b->idx, "withdraw: stays on the other source");
	a->on = true;
	run_for(w, 10 * SEC);
	TAP_EQ(status(w).selected, a->idx, "withdraw: its samples bring it back");
	TAP_EQ(w->lost[a->idx], 1, "withdraw: no second lost event");
	TAP_EQ(ptpu_arbiter_withdraw(w->arb, PTPU_MAX_SOURCES, w->raw, NULL), -ENOENT,
	       "withdraw: no such source");
	TAP_EQ(w->honesty_fail, 0, "withdraw: output always within its bound of truth");
	TAP_EQ(w->cont_fail + w->mono_fail + w->steps, 0, "withdraw: output continuous, no step");
	world_free(w);
}

static void test_no_flap(void)
{
	struct world *w = world_new(20000, 0, SEC, NULL);
	struct simsrc *a = add_src(w, "a", PTPU_CLASS_NTP, SEC, 0, 20 * US, 50 * US);
	struct simsrc *b = add_src(w, "b", PTPU_CLASS_NTP, SEC, 0, 20 * US, 50 * US);
	struct ptpu_status st;
	int warm;

	tap_diag("two equal noisy sources, 1000 updates each");
	b->next += 300 * MS;
	/* Until the histories fill up, jitter estimates are very noisy. */
	run_for(w, 20 * SEC);
	warm = w->sel_changes;
	run_for(w, 1000 * SEC);
	st = status(w);
	TAP_GE(a->sent, 1000, "no flap: 1000 updates of a");
	TAP_GE(b->sent, 1000, "no flap: 1000 updates of b");
	TAP_LE(w->sel_changes - warm, 1, "no flap: at most one change in 1000 updates");
	TAP_LE(warm, 3, "no flap: at most two while the histories fill up");
	TAP_EQ(st.falsetickers, 0, "no flap: no falseticker");
	TAP_EQ(st.state, PTPU_STATE_SYNCED, "no flap: synced");
	TAP_EQ(w->honesty_fail, 0, "no flap: output always within its bound of truth");
	world_free(w);
}

static void test_ambiguous(void)
{
	struct world *w = world_new(20000, 0, SEC, NULL);
	struct simsrc *a = add_src(w, "a", PTPU_CLASS_PHC, SEC, 0, 2 * US, 10 * US);
	struct simsrc *b = add_src(w, "b", PTPU_CLASS_PHC, SEC, 40 * MS, 2 * US, 10 * US);
	struct simsrc *c = add_src(w, "wide", PTPU_CLASS_OTHER, SEC, 20 * MS, MS, 100 * MS);
	struct ptpu_status st;

	tap_diag("two precise sources 40 ms apart and a wide one covering both");
	run_for(w, 60 * SEC);
	st = status(w);
	TAP_EQ(st.falsetickers, 0, "ambiguous: the wide source cannot make either a falseticker");
	TAP_EQ(st.state, PTPU_STATE_NO_MAJORITY, "ambiguous: no majority");
	TAP_EQ(st.selected, a->idx, "ambiguous: first selection kept");
	TAP_GE(st.bound_ns, 40 * MS, "ambiguous: bound covers both precise sources");
	TAP_EQ(w->honesty_fail, 0, "ambiguous: output always within its bound of truth");
	TAP_CMP(b->sent + c->sent, >, 100, "ambiguous: (sanity)");
	world_free(w);
}

int main(void)
{
	test_falseticker();
	test_no_majority();
	test_stale();
	test_withdraw();
	test_no_flap();
	test_ambiguous();
	return tap_done();
}
