// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the arbiter's disruption rules (kmod/arbiter_disrupt.c), in
 * the simulated world of arbiter_sim.h: a pause seen by every source, or
 * first by a precise one, steps once; one source jumping alone, or a pause
 * below the step threshold, does not.
 */
#include "arbiter_sim.h"

static void test_jump_all(void)
{
	struct world *w = world_new(20000, 0, SEC, NULL);
	struct simsrc *s[3];
	s64 last = 0, second = 0;
	int i;

	tap_diag("a 5 s pause seen by three imprecise sources");
	for (i = 0; i < 3; i++) {
		static const char * const names[] = { "ntp1", "ntp2", "ntp3" };

		s[i] = add_src(w, names[i], PTPU_CLASS_NTP, 2 * SEC, 0, 5 * MS, 30 * MS);
		s[i]->next += i * 600 * MS;
	}
	run_for(w, 60 * SEC);
	TAP_EQ(w->steps, 0, "jump (all): no step before");
	pause_vm(w, 5 * SEC);
	run_for(w, 60 * SEC);
	/*
	 * External sources without a host-backed one: a majority (the
	 * suspect and one more) declares it; the middle one to speak.
	 */
	for (i = 0; i < 3; i++)
		last = s[i]->first_after_pause > last ? s[i]->first_after_pause : last;
	for (i = 0; i < 3; i++)
		if (s[i]->first_after_pause != last &&
		    s[i]->first_after_pause > second)
			second = s[i]->first_after_pause;
	TAP_EQ(w->steps, 1, "jump (all): exactly one step");
	TAP_EQ(w->disruptions, 1, "jump (all): one disruption event");
	TAP_EQ(status(w).disruptions, 1, "jump (all): disruption counter 1");
	TAP_LE(iabs(w->step_ns - 5 * SEC), 60 * MS, "jump (all): the step is 5 s (+/- bounds)");
	TAP_EQ(status(w).last_step_ns, w->step_ns, "jump (all): last step size recorded");
	TAP_EQ(w->step_raw, second, "jump (all): declared when a majority confirmed");
	TAP_EQ(w->honesty_fail, 0,
	       "jump (all): output within its bound of truth (from the first sample after)");
	TAP_EQ(w->cont_fail + w->mono_fail, 0, "jump (all): no other discontinuity");
	world_free(w);
}

static void test_jump_precise(void)
{
	struct world *w = world_new(20000, 0, SEC, NULL);
	struct simsrc *kvm = add_src(w, "kvm", PTPU_CLASS_KVM, SEC, 0, 300, US);
	struct simsrc *ntp = add_src(w, "ntp", PTPU_CLASS_NTP, 16 * SEC, 0, 3 * MS, 20 * MS);
	struct ptpu_source_status ss;
	int ntp_sent;

	tap_diag("a 5 s pause seen by one precise source first");
	ntp->next += 5 * SEC;
	run_for(w, 60 * SEC);
	pause_vm(w, 5 * SEC);
	ntp_sent = ntp->sent;
	run_for(w, 2 * SEC);
	TAP_EQ(w->steps, 1, "jump (precise): stepped");
	TAP_EQ(w->step_by, kvm->idx, "jump (precise): on the precise source's sample");
	TAP_EQ(w->step_raw, kvm->first_after_pause, "jump (precise): its first one after the pause");
	TAP_EQ(ntp->sent, ntp_sent, "jump (precise): without waiting for the other source");
	TAP_LE(iabs(w->step_ns - 5 * SEC), 100 * US, "jump (precise): by 5 s");
	run_for(w, 60 * SEC);
	src_status(w, ntp, &ss);
	TAP_EQ(status(w).disruptions, 1, "jump (precise): disruption counter 1");
	TAP_EQ(w->steps, 1, "jump (precise): no second step when the other source follows");
	TAP_GE(ntp->sent, ntp_sent + 3, "jump (precise): the other source kept sampling");
	TAP_EQ(ss.falseticker, 0, "jump (precise): and agrees");
	TAP_EQ(w->honesty_fail, 0, "jump (precise): output within its bound of truth after");
	TAP_LE(iabs(ptpu_model_time(model(w), w->raw) - truth(w, w->raw)), 50 * US,
	       "jump (precise): output within 50 us of truth");
	world_free(w);
}

static void test_jump_contradicted(void)
{
	struct world *w = world_new(20000, 0, SEC, NULL);
	struct simsrc *kvm = add_src(w, "kvm", PTPU_CLASS_KVM, SEC, 0, 300, US);
	struct simsrc *n1 = add_src(w, "ntp1", PTPU_CLASS_NTP, 2 * SEC, 0, 3 * MS, 30 * MS);
	struct simsrc *n2 = add_src(w, "ntp2", PTPU_CLASS_NTP, 2 * SEC, 0, 3 * MS, 30 * MS);
	struct ptpu_source_status ss;

	tap_diag("one imprecise source jumps by 5 s alone");
	n2->next += SEC / 2;
	run_for(w, 60 * SEC);
	n1->bias = 5 * SEC;
	run_for(w, 60 * SEC);
	src_status(w, n1, &ss);
	TAP_EQ(w->steps, 0, "jump (contradicted): no step");
	TAP_EQ(status(w).disruptions, 0, "jump (contradicted): disruption counter 0");
	TAP_EQ(ss.falseticker, 1, "jump (contradicted): the jumping source is a falseticker");
	TAP_EQ(status(w).selected, kvm->idx, "jump (contradicted): selection unchanged");
	TAP_EQ(w->honesty_fail, 0, "jump (contradicted): output within its bound of truth");
	TAP_CMP(n2->sent, >, 0, "jump (contradicted): (sanity)");
	world_free(w);
}

static void test_small_jump(void)
{
	struct world *w = world_new(20000, 0, SEC, NULL);
	struct simsrc *kvm = add_src(w, "kvm", PTPU_CLASS_KVM, SEC, 0, 300, US);
	struct ptpu_source_status ss;
	s64 err;

	tap_diag("a 50 ms pause, below the step threshold");
	add_src(w, "ntp", PTPU_CLASS_NTP, 8 * SEC, 0, 3 * MS, 20 * MS);
	run_for(w, 60 * SEC);
	pause_vm(w, 50 * MS);
	run_for(w, 300 * SEC);
	TAP_EQ(w->steps, 0, "small jump: no step");
	TAP_EQ(status(w).disruptions, 0, "small jump: no disruption");
	TAP_EQ(w->honesty_fail, 0,
	       "small jump: output within its bound of truth (from the first sample after)");
	TAP_EQ(status(w).selected, kvm->idx, "small jump: kvm still selected");
	TAP_LE(iabs(ptpu_model_time(model(w), w->raw) - truth(w, w->raw)), 50 * US,
	       "small jump: slewed away within 300 s");
	world_free(w);

	/* A history with the jump inside is no line: its slope is no good. */
	w = world_new(20000, 0, SEC, NULL);
	kvm = add_src(w, "kvm", PTPU_CLASS_KVM, SEC, 0, 300, US);
	run_for(w, 30 * SEC);
	pause_vm(w, 50 * MS);
	run_for(w, 3 * SEC);
	kvm->on = false;
	w->raw += 100 * SEC;
	src_status(w, kvm, &ss);
	err = ss.offset_ns + ptpu_model_time(model(w), w->raw) - truth(w, w->raw);
	TAP_LE(iabs(err), (s64)ss.bound_ns,
	       "small jump: the source's estimate stays honest 100 s after its last sample");
	world_free(w);
}

int main(void)
{
	test_jump_all();
	test_jump_precise();
	test_jump_contradicted();
	test_small_jump();
	return tap_done();
}
