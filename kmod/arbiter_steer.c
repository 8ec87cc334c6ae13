// SPDX-License-Identifier: GPL-2.0-only
/*
 * The arbiter's output: the published model (struct ptpu_model), re-anchored
 * at every call. It follows the selected source with a slew-limited
 * correction, holds its own model against a coarser source, runs free
 * without one, covers every candidate without a majority and a pending
 * suspect's claim, and steps only on a declared disruption or at the first
 * synchronisation. Its bound owns up to everything not yet corrected.
 */
#include "arbiter_internal.h"

/*
 * The output removes a remaining offset with a time constant of two of the
 * selected source's sample intervals, within these limits: a source sampled
 * every second (kvm) is followed within seconds, so the output does not lag
 * it by what its first, rougher frequency fits left behind; one sampled
 * every minute (NTP) or every 16 s (rtc) is not chased faster than its own
 * samples can confirm.
 */
#define PTPU_SLEW_TAU_MIN_NS	(2 * PTPU_NSEC_PER_SEC)
#define PTPU_SLEW_TAU_NS	(10 * PTPU_NSEC_PER_SEC)

/* Widen @m so that its interval at raw0 covers [est - bound, est + bound]. */
static void cover(struct ptpu_model *m, s64 est, u64 bound, s64 freq, u32 drift)
{
	u64 need = ptpu_bsum(ptpu_abs64(ptpu_sub_sat(est, m->ref0)), bound);

	m->bound0 = ptpu_umax(m->bound0, need);
	m->drift_ppb = ptpu_u32_sat(ptpu_umax(m->drift_ppb,
					      (u64)drift + ptpu_q32_to_ppb_up(m->freq - freq)));
}

/*
 * Until it is decided, a suspect's claim is as likely as the output; not an
 * external suspect's while kvm is fresh to deny it: kvm shows a pause in
 * its first sample after it (a second later by default) and is believed at
 * once, and the trust model lets no external source move the clock, or its
 * bound, against it. The rtc, polled every 16 s and whose own jumps wait
 * for votes, takes too long to answer: the claim is covered meanwhile.
 */
static bool kvm_can_deny(const struct ptpu_arbiter *arb)
{
	u32 host = ptpu_vouching_voters(arb, arb->jump.src), i;

	for (i = 0; i < PTPU_MAX_SOURCES; i++)
		if ((host & BIT(i)) && arb->src[i].cls == PTPU_CLASS_KVM)
			return true;
	return false;
}

static void cover_suspect(const struct ptpu_arbiter *arb, struct ptpu_model *m)
{
	const struct ptpu_source *s = &arb->src[arb->jump.src];
	s64 age = ptpu_sub_sat(arb->now, s->post.raw);
	s64 est = ptpu_add_sat(ptpu_add_sat(s->post.raw, s->post.off), age);
	u64 bound = ptpu_bsum(arb->jump.tol, ptpu_ppb_of(ptpu_abs64(age), s->est.drift_ppb));

	if (arb->jump.external && kvm_can_deny(arb))
		return;
	if (s->has_post)
		cover(m, est, bound, s->est.freq, s->est.drift_ppb);
}

/*
 * An external source's bound is its own word: one that claims a tiny bound
 * would make the output's a lie. Following one, the output also covers the
 * interval of every surviving host-backed source precise enough to say
 * something (its bound under the step threshold: kvm, a calibrated rtc),
 * and what the survivors prove if a minority of them lie (ptpu_select()).
 */
static void cover_trusted(const struct ptpu_arbiter *arb, const struct ptpu_source *s,
			  struct ptpu_model *m)
{
	const struct ptpu_source *h;
	s64 mid, half;
	u32 i;

	if (ptpu_src_vouches(s))
		return;
	for (i = 0; i < PTPU_MAX_SOURCES; i++) {
		h = &arb->src[i];
		if ((arb->candidates & ~arb->falsetickers & BIT(i)) &&
		    ptpu_src_vouches(h) && h->cur_bound <= arb->cfg.step_threshold_ns)
			cover(m, h->cur_est, h->cur_bound, h->est.freq, h->est.drift_ppb);
	}
	if (!arb->proven)
		return;
	half = (s64)((u64)ptpu_sub_sat(arb->proven_hi, arb->proven_lo) / 2);
	mid = ptpu_add_sat(arb->proven_lo, half);
	cover(m, mid, (u64)half + 1, s->est.freq, s->est.drift_ppb);
}

/* The time constant with which the output corrects toward @s. */
static s64 slew_tau(const struct ptpu_source *s)
{
	return (s64)ptpu_umin(ptpu_umax(2 * s->interval, PTPU_SLEW_TAU_MIN_NS),
			      PTPU_SLEW_TAU_NS);
}

/*
 * Is the selected source coarser than what the output already knows? The
 * output still runs on the frequency of the source that last taught it
 * (kvm, say), and expects to be off by the bound it had from that source
 * then plus its frequency doubt times the time since (taught_by is reset
 * when a step or a sample disproves that); the published bound, which grows
 * at the max drift knob, would give a good model up within a minute. A
 * source whose interval holds the output and is wider than that expected
 * error, with a frequency it knows worse, has nothing to teach it: a
 * calibrated RTC whose phase is off by milliseconds would pull the output
 * onto its centre and its rougher frequency. Never against the teacher
 * itself (its own newer fits are worth following), nor after a step.
 */
static bool hold_model(const struct ptpu_arbiter *arb,
		       const struct ptpu_source *s, s64 r)
{
	u64 since, expect;

	if (arb->taught_by < 0 || arb->taught_by == arb->selected ||
	    s->uf <= arb->taught_uf || ptpu_abs64(r) > s->cur_bound)
		return false;
	since = ptpu_abs64(ptpu_sub_sat(arb->now, arb->taught_raw));
	expect = ptpu_bsum(arb->taught_bound,
			   ptpu_ppb_of(since, ptpu_u32_sat(arb->taught_uf)));
	return s->cur_bound > expect;
}

/*
 * Keep the output's model: no correction (the output lies inside the
 * source's interval, where the source cannot tell it anything), the
 * teacher's frequency, and a bound that is the old one or what the source
 * proves, whichever is smaller. The growth covers both: the old bound's
 * (the free-run rule) and the distance to the source's line.
 */
static void steer_hold(const struct ptpu_arbiter *arb,
		       const struct ptpu_source *s, s64 r, struct ptpu_model *m)
{
	u64 own = ptpu_umax(arb->base_drift, arb->cfg.max_drift_ppb);
	u64 src = (u64)s->est.drift_ppb + ptpu_q32_to_ppb_up(arb->base_freq - s->est.freq);

	m->freq = arb->base_freq;
	m->bound0 = ptpu_umin(ptpu_model_bound(&arb->model, arb->now),
			      ptpu_bsum(s->cur_bound, ptpu_abs64(r)));
	m->drift_ppb = ptpu_u32_sat(ptpu_umax(own, src));
}

/* Steer toward the source, which becomes the output's teacher. */
static void steer_follow(struct ptpu_arbiter *arb, const struct ptpu_source *s,
			 s64 r, struct ptpu_model *m)
{
	s64 corr = r, c, slew;

	/*
	 * A coarse source (an uncalibrated RTC: its centre is a guess
	 * within a second) is only worth following where the output
	 * lies outside its interval; chasing its centre would run the
	 * clock at the slew limit for many minutes for nothing.
	 */
	if (s->cur_bound > arb->cfg.step_threshold_ns)
		corr -= ptpu_clamp(r, (s64)s->cur_bound);
	/*
	 * The source's frequency may itself be off by its doubt: the
	 * correction leaves room for it (up to half the limit), so
	 * that the clock's error changes no faster than the limit.
	 */
	slew = ptpu_ppb_to_q32(arb->cfg.slew_limit_ppb -
			  ptpu_umin(s->uf, arb->cfg.slew_limit_ppb / 2));
	c = ptpu_clamp(ptpu_mul_div_s64(corr, 1LL << 32, slew_tau(s)), slew);
	m->freq = s->est.freq + c;
	/* The bound owns up to all of the offset, corrected or not. */
	m->bound0 = ptpu_bsum(s->cur_bound, ptpu_abs64(r));
	m->drift_ppb = ptpu_u32_sat((u64)s->est.drift_ppb + ptpu_q32_to_ppb_up(c));
	arb->base_freq = s->est.freq;
	arb->base_drift = s->est.drift_ppb;
	arb->ever_synced = true;
	arb->taught_by = arb->selected;
	arb->taught_raw = arb->now;
	arb->taught_bound = m->bound0;
	arb->taught_uf = s->uf;
}

/**
 * ptpu_steer() - publish the output model for now
 * @arb:	the arbiter, after ptpu_select()
 * @ev:		receives PTPU_EV_STEP and its size when the output steps
 *
 * Re-anchors the output at now, continuous with the old model, and steers it
 * toward the selected source: its frequency plus a correction that removes
 * the remaining offset with time constant slew_tau(), never faster than the
 * slew limit. What is not yet corrected is added to the bound, and so is the
 * correction rate to its growth: the bound stays honest even if no call
 * comes to stop the correction. A source coarser than what the output
 * already knows is not followed but held against (hold_model()). Without a
 * source the output runs free; it steps only on a declared disruption and
 * at the first synchronisation.
 */
void ptpu_steer(struct ptpu_arbiter *arb, struct ptpu_events *ev)
{
	const struct ptpu_model *old = &arb->model;
	s64 now = arb->now, mnow, r;
	struct ptpu_model m = { .raw0 = old->raw0, .ref0 = old->ref0,
				.freq = old->freq, .frac0 = old->frac0 };
	bool step = arb->force_step;
	struct ptpu_source *s;
	u32 i;

	/* Continuous with the old line to a fraction of a ns; mnow is its time now. */
	ptpu_model_anchor(&m, now);
	mnow = m.ref0;
	arb->force_step = false;
	if (arb->selected < 0) {
		/* Free-run: keep the source's frequency, not the correction. */
		m.freq = arb->base_freq;
		m.bound0 = ptpu_model_bound(old, now);
		m.drift_ppb = arb->base_drift > arb->cfg.max_drift_ppb ?
			      arb->base_drift : arb->cfg.max_drift_ppb;
		m.flags = arb->ever_synced ? PTPU_MODEL_FREERUN : 0;
		/*
		 * Stepped by the suspect's own measure of the jump, and its
		 * doubt: what the output learned before no longer holds.
		 */
		if (step) {
			m.ref0 = ptpu_add_sat(mnow, arb->step_hint);
			m.frac0 = 0;
			m.bound0 = ptpu_bsum(m.bound0, arb->step_tol);
			arb->taught_by = -1;
		}
	} else {
		s = &arb->src[arb->selected];
		r = ptpu_sub_sat(s->cur_est, mnow);
		/*
		 * Until the output has once been better than the step
		 * threshold it has promised nothing worth slewing for: the
		 * first synchronisation steps onto the source, however small
		 * the offset (slewing 50 ms at 500 ppm would take 100 s).
		 */
		if (!arb->settled && ptpu_abs64(r) > s->cur_bound)
			step = true;
		if (step) {
			m.ref0 = s->cur_est;
			m.frac0 = 0;
			r = 0;
		}
		if (!step && hold_model(arb, s, r))
			steer_hold(arb, s, r, &m);
		else
			steer_follow(arb, s, r, &m);
		m.flags = PTPU_MODEL_SYNCED;
		cover_trusted(arb, s, &m);
		if (arb->no_majority) {
			m.flags |= PTPU_MODEL_NO_MAJORITY;
			for (i = 0; i < PTPU_MAX_SOURCES; i++)
				if (arb->candidates & BIT(i))
					cover(&m, arb->src[i].cur_est, arb->src[i].cur_bound,
					      arb->src[i].est.freq, arb->src[i].est.drift_ppb);
		}
		m.flags |= ptpu_leap_flags(arb, m.ref0);
	}

	if (arb->jump.active)
		cover_suspect(arb, &m);

	if (step) {
		arb->steps++;
		arb->last_step_raw = now;
		arb->last_step_ns = ptpu_sub_sat(m.ref0, mnow);
		ev->mask |= PTPU_EV_STEP;
		ev->step_ns = arb->last_step_ns;
	}
	if ((m.flags & PTPU_MODEL_SYNCED) && m.bound0 < arb->cfg.step_threshold_ns)
		arb->settled = true;
	arb->model = m;
}
