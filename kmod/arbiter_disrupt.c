// SPDX-License-Identifier: GPL-2.0-only
/*
 * The arbiter's disruption rules: a VM pause or restore stops the raw
 * counter while UTC goes on, so every source's samples jump together. This
 * unit takes each new sample, tells a suspected jump from a source's own
 * discontinuity, keeps the suspect aside while the other sources vote, and
 * declares the disruption (the output steps, every history moves with it)
 * or cancels it (the suspect alone was wrong).
 *
 * Who may declare one follows the trust model: a precise suspect that
 * vouches (kvm) at once; any other (NTP, pushed PHC or other, an
 * uncalibrated rtc) only once a fresh source that vouches saw the same
 * jump, or, with none fresh, once a majority of the fresh voters did.
 */
#include "arbiter_internal.h"

/*
 * A suspect is "precise" enough to declare a disruption alone when its
 * bound is below step_threshold / PTPU_PRECISE_DIV.
 */
#define PTPU_PRECISE_DIV	4

/*
 * The suspect turned out right, or the others confirmed it: the raw counter
 * stood still while UTC went on. Every pre-jump history is now wrong by the
 * jump: those with a post-jump sample start over from it; the others are
 * shifted by the jump, its doubt added to their bounds, rather than
 * dropped, so that a source that did not see the jump contradicts it with
 * its very next sample (a new suspect, the other way), and the bound owns
 * up to the doubt meanwhile. ptpu_steer() steps the output to the selected
 * source. A step that is a leap second (arbiter_leap.c) is counted as one,
 * not as a disruption.
 */
static void jump_declare(struct ptpu_arbiter *arb, struct ptpu_events *ev)
{
	struct ptpu_jump *j = &arb->jump;
	struct ptpu_source *s;
	u32 i, k;
	/* Judged before the loop below consumes the suspect's post-jump sample. */
	bool leap = ptpu_leap_declared(arb);

	j->active = false;
	for (i = 0; i < PTPU_MAX_SOURCES; i++) {
		s = &arb->src[i];
		if (!s->used)
			continue;
		if (s->has_post) {
			s->has_post = false;
			ptpu_hist_reset(s);
			ptpu_hist_push(arb, s, &s->post);
			continue;
		}
		if (!s->count)
			continue;
		for (k = 0; k < s->count; k++) {
			s->hist[k].off = ptpu_add_sat(s->hist[k].off, j->shift);
			s->hist[k].bound = ptpu_bsum(s->hist[k].bound, j->tol);
		}
		ptpu_src_fit(arb, s);
	}
	arb->step_hint = arb->jump.shift;
	arb->step_tol = arb->jump.tol;
	arb->force_step = true;
	if (leap) {
		arb->leaps++;
		ev->mask |= PTPU_EV_LEAP;
	} else {
		arb->disruptions++;
		ev->mask |= PTPU_EV_DISRUPTION;
	}
}

/*
 * No disruption after all. With @blame, fresh sources contradicted the
 * suspect: the fault is its own (a jump its class started is its class's
 * to judge). Without, the suspect withdrew its claim or went away.
 */
static void jump_cancel(struct ptpu_arbiter *arb, bool blame,
			struct ptpu_events *ev)
{
	struct ptpu_jump *j = &arb->jump;
	struct ptpu_source *s;
	u32 i;

	j->active = false;
	for (i = 0; i < PTPU_MAX_SOURCES; i++) {
		s = &arb->src[i];
		if (!s->used || !s->has_post || i == j->src)
			continue;
		s->has_post = false;
		/* It saw the same bogus shift: as wrong as the suspect. */
		if (j->agreed & BIT(i))
			ptpu_hist_reset(s);
		ptpu_hist_push(arb, s, &s->post);
	}
	s = &arb->src[j->src];
	if (!s->used || !s->has_post)
		return;
	s->has_post = false;
	if (!blame)
		return;
	/* Caught lying: out until it has agreed for the retrust time. */
	if (j->external)
		ptpu_distrust(s);
	if (j->own_moves && s->ops->blamed) {
		s->ops->blamed(arb, j->src, &s->post, j->maybe_own, ev);
	} else {
		/* Its offset really changed: start over, selection judges it. */
		ptpu_hist_reset(s);
		ptpu_hist_push(arb, s, &s->post);
	}
}

/*
 * A suspect that does not vouch. A fresh voter that vouches decides: it
 * saw the same jump (declared) or it did not (cancelled, the suspect
 * blamed); until it has spoken the suspect waits. With none fresh, a
 * majority of the fresh voters, the suspect counted, must have seen it; once
 * every voter has spoken without one, it is cancelled and blamed. A voter
 * merely heard (its wide interval holds both the old and the new time)
 * confirms nothing.
 */
static void jump_check_external(struct ptpu_arbiter *arb, u32 wait,
				struct ptpu_events *ev)
{
	struct ptpu_jump *j = &arb->jump;
	u32 host = ptpu_vouching_voters(arb, j->src);

	if (host) {
		if (j->agreed & host)
			jump_declare(arb, ev);
		else if (!(host & ~j->heard))
			jump_cancel(arb, true, ev);
		return;
	}
	if (2 * (hweight32(j->agreed & wait) + 1) > hweight32(wait) + 1)
		jump_declare(arb, ev);
	else if (!(wait & ~j->heard))
		jump_cancel(arb, true, ev);
}

/**
 * ptpu_jump_check() - decide a pending jump if the sources that matter have spoken
 * @arb:	the arbiter
 * @ev:		receives PTPU_EV_DISRUPTION, or the suspect's class's events
 */
void ptpu_jump_check(struct ptpu_arbiter *arb, struct ptpu_events *ev)
{
	struct ptpu_jump *j = &arb->jump;
	struct ptpu_source *s;
	u32 wait;

	if (!j->active)
		return;
	s = &arb->src[j->src];
	if (!s->used || !s->cfg.enabled) {
		jump_cancel(arb, false, ev);
		return;
	}
	wait = ptpu_voters(arb, j->src);
	if (j->external) {
		jump_check_external(arb, wait, ev);
		return;
	}
	if (!wait) {
		/* Alone: a move that may be the suspect's own is taken as that. */
		if (j->maybe_own)
			jump_cancel(arb, true, ev);
		else
			jump_declare(arb, ev);
		return;
	}
	/*
	 * A precise source is believed at once: the others may take a poll
	 * interval to speak, and the output would be wrong all that time. Not
	 * one with moves of its own while others are fresh to tell.
	 */
	if (j->precise && !j->own_moves) {
		jump_declare(arb, ev);
		return;
	}
	if (wait & ~j->heard)
		return;
	if (j->maybe_own && !j->agreed)
		jump_cancel(arb, true, ev);
	else
		jump_declare(arb, ev);
}

/**
 * ptpu_jump_start() - make a sample a suspected jump, pending the others' votes
 * @arb:	the arbiter
 * @idx:	the suspect source
 * @d:		its sample, judged
 * @flags:	PTPU_JUMP_OWN_MOVES, PTPU_JUMP_MAYBE_OWN (see struct ptpu_jump)
 */
void ptpu_jump_start(struct ptpu_arbiter *arb, u32 idx,
		     const struct ptpu_deviation *d, u32 flags)
{
	struct ptpu_source *s = &arb->src[idx];
	struct ptpu_jump *j = &arb->jump;
	u64 b = ptpu_bsum(ptpu_bsum(d->h.bound, s->jitter), ptpu_src_phase_bound(s));

	memset(j, 0, sizeof(*j));
	j->active = true;
	j->external = !ptpu_src_vouches(s);
	j->precise = b <= arb->cfg.step_threshold_ns / PTPU_PRECISE_DIV;
	j->own_moves = flags & PTPU_JUMP_OWN_MOVES;
	j->maybe_own = flags & PTPU_JUMP_MAYBE_OWN;
	j->src = idx;
	j->raw = d->h.raw;
	j->shift = d->dev;
	j->tol = d->tol;
	s->post = d->h;
	s->has_post = true;
}

/*
 * A sample taken after a pending suspect: a vote. Return: true if the
 * sample was kept as a vote, false if it should be processed as usual.
 */
static bool jump_vote(struct ptpu_arbiter *arb, u32 idx,
		      const struct ptpu_hist *h, struct ptpu_events *ev)
{
	struct ptpu_jump *j = &arb->jump;
	struct ptpu_source *s = &arb->src[idx];
	u64 tol;
	s64 dev = ptpu_src_deviation(arb, s, h, &tol);
	bool agree = ptpu_abs64(ptpu_sub_sat(dev, j->shift)) <= ptpu_bsum(tol, j->tol);
	bool same = ptpu_abs64(dev) <= tol;

	if (idx == j->src) {
		if (agree) {
			s->post = *h;
			return true;
		}
		/* It went back on its claim: the suspect sample was an outlier. */
		jump_cancel(arb, false, ev);
		return false;
	}
	if (agree) {
		s->post = *h;
		s->has_post = true;
		j->heard |= BIT(idx);
		if (!same)
			j->agreed |= BIT(idx);
		return true;
	}
	jump_cancel(arb, true, ev);
	return false;
}

/**
 * ptpu_voters() - the sources whose samples can confirm or deny a jump
 * @arb:	the arbiter
 * @idx:	the suspect (not one of them)
 *
 * Return: bit i set for every other enabled source with a fresh estimate
 * that is not distrusted (a liar on probation has no vote).
 */
u32 ptpu_voters(const struct ptpu_arbiter *arb, u32 idx)
{
	const struct ptpu_source *s;
	u32 voters = 0, i;

	for (i = 0; i < PTPU_MAX_SOURCES; i++) {
		s = &arb->src[i];
		if (i != idx && ptpu_src_fresh(arb, s) && s->cfg.enabled && !s->distrusted)
			voters |= BIT(i);
	}
	return voters;
}

/**
 * ptpu_vouching_voters() - the ones among ptpu_voters() that vouch (kvm, a calibrated rtc)
 * @arb:	the arbiter
 * @idx:	the suspect (not one of them)
 *
 * Return: bit i set for each.
 */
u32 ptpu_vouching_voters(const struct ptpu_arbiter *arb, u32 idx)
{
	u32 voters = ptpu_voters(arb, idx), i;

	for (i = 0; i < PTPU_MAX_SOURCES; i++)
		if ((voters & BIT(i)) && !ptpu_src_vouches(&arb->src[i]))
			voters &= ~BIT(i);
	return voters;
}

/* The sample entered the history: its class may learn from it. */
static void src_accepted(struct ptpu_arbiter *arb, u32 idx,
			 const struct ptpu_sample *smp, struct ptpu_events *ev)
{
	const struct ptpu_class_ops *ops = arb->src[idx].ops;

	if (ops->accepted)
		ops->accepted(arb, idx, smp->raw_ns, smp->ref_ns, ev);
}

/**
 * ptpu_take_sample() - judge a new sample of a source and keep it
 * @arb:	the arbiter, its time advanced to the call's
 * @idx:	the source
 * @smp:	the sample, checked by ptpu_arbiter_sample()
 * @ev:		receives what it caused
 *
 * A sample after a pending suspect is a vote on it. Otherwise one that
 * deviates from its source's own prediction and from the output by more
 * than the step threshold is a suspected jump (the raw counter stood still
 * while UTC went on: a VM pause, a restore), kept aside until the others
 * decide; one that deviates from its source's prediction only starts that
 * source's history over; the rest extend it.
 */
void ptpu_take_sample(struct ptpu_arbiter *arb, u32 idx,
		      const struct ptpu_sample *smp, struct ptpu_events *ev)
{
	struct ptpu_source *s = &arb->src[idx];
	s64 thr = (s64)arb->cfg.step_threshold_ns, dev_own, dev_mod;
	struct ptpu_deviation d;
	struct ptpu_hist h;
	u64 tol_own, tol_mod, mbound, a;
	bool own, mod, suspect, votes;

	h.raw = smp->raw_ns;
	/* ref - raw is checked not to overflow; the phase add saturates. */
	h.off = ptpu_add_sat(smp->ref_ns - smp->raw_ns, ptpu_src_phase(s));
	h.bound = smp->bound_ns;

	s->last_raw = smp->raw_ns;
	s->has_last = true;
	s->leap = smp->leap;
	s->stratum = smp->stratum;
	ptpu_leap_note(arb, s, smp);
	s->lost = false;
	s->withdrawn = false;

	dev_own = ptpu_src_deviation(arb, s, &h, &tol_own);
	dev_mod = ptpu_sub_sat(ptpu_add_sat(h.raw, h.off),
			       ptpu_model_time(&arb->model, h.raw));
	mbound = ptpu_model_bound(&arb->model, h.raw);
	tol_mod = ptpu_bsum(mbound, ptpu_bsum(h.bound, ptpu_src_phase_bound(s)));
	/*
	 * A sample that misses the output's interval by more than its own
	 * source's estimate could be off proves the output's model wrong (a
	 * pause too short to declare, say): a source held against that model
	 * must be followed again. Judged by the source's estimate, jitter
	 * included, as the hold is: one sample of a jittery source (an RTC in
	 * a nested VM) must not end it. Nor may an external source that is
	 * not among the survivors of the last selection: a falseticker, a
	 * liar on probation or one not yet judged proves nothing.
	 */
	if (s->cfg.enabled && ptpu_src_may_teach(arb, idx) &&
	    ptpu_abs64(dev_mod) > ptpu_bsum(mbound, tol_own))
		arb->taught_by = -1;

	/* A liar on probation neither votes nor starts a jump of its own. */
	votes = s->cfg.enabled && !s->distrusted;
	if (arb->jump.active && h.raw > arb->jump.raw && votes &&
	    jump_vote(arb, idx, &h, ev))
		return;

	if (!s->count) {
		ptpu_hist_push(arb, s, &h);
		src_accepted(arb, idx, smp, ev);
		return;
	}

	a = ptpu_abs64(dev_own);
	own = a > ptpu_umax(thr, tol_own);
	mod = ptpu_abs64(dev_mod) > ptpu_umax(thr, tol_mod);

	/*
	 * Seen a little before a pending suspect's raw time (samples reach us
	 * late): most likely the same jump, so it votes.
	 */
	if (own && mod && votes && arb->jump.active &&
	    jump_vote(arb, idx, &h, ev))
		return;
	suspect = mod && votes && !arb->jump.active;

	d = (struct ptpu_deviation){ .h = h, .dev = dev_own, .tol = tol_own,
				     .own = own, .suspect = suspect };
	/* Its class may know moves of its own (an RTC's phase resets). */
	if (a > tol_own && s->ops->deviated && s->ops->deviated(arb, idx, &d, ev))
		return;
	if (own && suspect) {
		ptpu_jump_start(arb, idx, &d, 0);
		return;
	}
	/* A discontinuity of this source alone, toward the output: start over. */
	if (own)
		ptpu_hist_reset(s);
	ptpu_hist_push(arb, s, &h);
	src_accepted(arb, idx, smp, ev);
}

/**
 * ptpu_jump_forget() - a source goes away: its claim or its vote with it
 * @arb:	the arbiter
 * @idx:	the source, about to be cleared
 * @ev:		receives what cancelling its claim caused
 */
void ptpu_jump_forget(struct ptpu_arbiter *arb, u32 idx, struct ptpu_events *ev)
{
	struct ptpu_jump *j = &arb->jump;

	if (j->active && j->src == idx)
		jump_cancel(arb, false, ev);
	j->heard &= ~BIT(idx);
	j->agreed &= ~BIT(idx);
}
