// SPDX-License-Identifier: GPL-2.0-only
/*
 * The rtc class's hooks into the arbiter (struct ptpu_class_ops): an RTC
 * only tells the whole second it ticked to, and its sub-second phase against
 * UTC is arbitrary (QEMU starts it at a whole host second from a random
 * instant and restarts it whenever the guest writes it). This unit owns that
 * phase: the assumed one until it is measured, its measurement against a
 * better source, and what a phase that moves by itself means for the
 * suspected-jump rules.
 */
#include "arbiter_internal.h"

/*
 * An uncalibrated RTC reading N means UTC was in [N, N + 1 s) at the edge:
 * its effective sample is N + 0.5 s with a bound of 1 s (on top of its
 * edge-timing bound), generous on both sides.
 */
#define PTPU_RTC_UNCAL_OFFSET_NS	(PTPU_NSEC_PER_SEC / 2)
#define PTPU_RTC_UNCAL_BOUND_NS		PTPU_NSEC_PER_SEC
/* Phase calibration: edges averaged, and the output bound it needs. */
#define PTPU_RTC_CAL_EDGES		4
#define PTPU_RTC_CAL_MAX_BOUND_NS	(50LL * 1000 * 1000)
/* An RTC change this large is a jump, not a phase reset. */
#define PTPU_RTC_JUMP_NS		PTPU_NSEC_PER_SEC

static s64 rtc_phase(const struct ptpu_source *s)
{
	return s->rtc.calibrated ? s->rtc.phase : PTPU_RTC_UNCAL_OFFSET_NS;
}

/* The part of an RTC's bound that comes from its unknown phase. */
static u64 rtc_phase_bound(const struct ptpu_source *s)
{
	return s->rtc.calibrated ? s->rtc.err : PTPU_RTC_UNCAL_BOUND_NS;
}

/*
 * Is the output good enough to measure an RTC's phase against (or to
 * re-measure it after a phase reset)? Not when it follows a source with a
 * phase of its own (another RTC): that one's error would become this one's.
 * The selected slot may be empty here (its source is being unregistered,
 * and the output is still what it taught).
 */
static bool rtc_can_calibrate(const struct ptpu_arbiter *arb, u32 idx,
			      s64 raw)
{
	const struct ptpu_source *sel;

	if (arb->selected < 0 || arb->selected == (int)idx ||
	    arb->state != PTPU_STATE_SYNCED || arb->jump.active)
		return false;
	sel = &arb->src[arb->selected];
	return !(sel->used && sel->ops->phase) &&
	       ptpu_model_bound(&arb->model, raw) <= PTPU_RTC_CAL_MAX_BOUND_NS;
}

/* An RTC second edge at @raw reading @ref: one phase measurement. */
static void rtc_accepted(struct ptpu_arbiter *arb, u32 idx, s64 raw, s64 ref,
			 struct ptpu_events *ev)
{
	struct ptpu_source *s = &arb->src[idx];
	struct ptpu_rtc_cal *c = &s->rtc;
	s64 phase, shift;
	u32 i;

	if (c->calibrated)
		return;
	if (!rtc_can_calibrate(arb, idx, raw)) {
		c->n = 0;
		return;
	}
	phase = ptpu_sub_sat(ptpu_model_time(&arb->model, raw), ref);
	/* A phase outside the uncalibrated claim means a wrong RTC. */
	if (ptpu_abs64(ptpu_sub_sat(phase, PTPU_RTC_UNCAL_OFFSET_NS)) >
	    PTPU_RTC_UNCAL_BOUND_NS) {
		c->n = 0;
		return;
	}
	if (!c->n) {
		c->sum = 0;
		c->min = phase;
		c->max = phase;
		c->mbound = 0;
	}
	c->sum += phase;
	c->min = phase < c->min ? phase : c->min;
	c->max = phase > c->max ? phase : c->max;
	c->mbound = ptpu_umax(c->mbound, ptpu_model_bound(&arb->model, raw));
	if (++c->n < PTPU_RTC_CAL_EDGES)
		return;

	c->phase = div64_s64(c->sum, PTPU_RTC_CAL_EDGES);
	c->err = ptpu_bsum((u64)(c->max - c->min) / 2 + 1, c->mbound);
	c->n = 0;
	/* The history was taken with the assumed phase: move it to the real one. */
	shift = c->phase - PTPU_RTC_UNCAL_OFFSET_NS;
	for (i = 0; i < s->count; i++)
		s->hist[i].off = ptpu_add_sat(s->hist[i].off, shift);
	c->calibrated = true;
	ptpu_src_fit(arb, s);
	ev->mask |= PTPU_EV_CALIBRATION;
}

/* What the RTC read at @h's edge: its effective offset without the phase. */
static s64 rtc_ref_of(const struct ptpu_source *s, const struct ptpu_hist *h)
{
	return ptpu_sub_sat(ptpu_add_sat(h->raw, h->off), rtc_phase(s));
}

/* Forget the phase: start a new history at the edge @h with the assumed one. */
static void rtc_restart(struct ptpu_arbiter *arb, struct ptpu_source *s,
			const struct ptpu_hist *h, s64 ref)
{
	struct ptpu_hist nh = *h;

	s->rtc.calibrated = false;
	s->rtc.n = 0;
	ptpu_hist_reset(s);
	nh.off = ptpu_add_sat(ptpu_sub_sat(ref, h->raw), PTPU_RTC_UNCAL_OFFSET_NS);
	ptpu_hist_push(arb, s, &nh);
}

/*
 * A calibrated RTC moved by itself (QEMU restarts its phase when the guest
 * writes it): measure the phase again against a good output, or, with none,
 * re-base it so the RTC continues its own prediction. Never a step.
 */
static void rtc_recalibrate(struct ptpu_arbiter *arb, u32 idx,
			    const struct ptpu_hist *h, struct ptpu_events *ev)
{
	struct ptpu_source *s = &arb->src[idx];
	struct ptpu_hist nh = *h;
	s64 ref = rtc_ref_of(s, h), pred, moved;

	ev->mask |= PTPU_EV_CALIBRATION;
	if (rtc_can_calibrate(arb, idx, h->raw) || !s->count) {
		rtc_restart(arb, s, h, ref);
		rtc_accepted(arb, idx, h->raw, ref, ev);
		return;
	}
	pred = ptpu_model_time(&s->est, h->raw);
	moved = ptpu_sub_sat(pred, ptpu_add_sat(h->raw, h->off));
	s->rtc.phase = ptpu_add_sat(s->rtc.phase, moved);
	/*
	 * The new phase is only as good as the prediction it came from, and
	 * alone the RTC cannot tell a phase reset from a pause shorter than a
	 * second: until a better source settles it, either may be the truth.
	 */
	s->rtc.err = ptpu_bsum(ptpu_umax(s->rtc.err, ptpu_model_bound(&s->est, h->raw)),
			       ptpu_abs64(moved));
	nh.off = ptpu_sub_sat(pred, h->raw);
	ptpu_hist_push(arb, s, &nh);
}

/*
 * A calibrated RTC off its own prediction: by a second or more it is a
 * suspected jump like any other, except that it is not believed alone while
 * others can vote (it has moves of its own). Less than that, with others to
 * vote, it may be a pause or a phase reset: they decide. Otherwise it is a
 * phase reset.
 */
static bool rtc_deviated(struct ptpu_arbiter *arb, u32 idx,
			 const struct ptpu_deviation *d, struct ptpu_events *ev)
{
	if (!arb->src[idx].rtc.calibrated)
		return false;
	if (ptpu_abs64(d->dev) >= ptpu_bsum(PTPU_RTC_JUMP_NS, d->tol) && d->suspect)
		ptpu_jump_start(arb, idx, d, PTPU_JUMP_OWN_MOVES);
	else if (d->own && d->suspect && ptpu_voters(arb, idx))
		ptpu_jump_start(arb, idx, d, PTPU_JUMP_OWN_MOVES | PTPU_JUMP_MAYBE_OWN);
	else
		rtc_recalibrate(arb, idx, &d->h, ev);
	return true;
}

/*
 * The others contradicted the RTC's jump: a sub-second one was a phase
 * reset; one of seconds means the RTC was set wrong, and its phase is
 * measured afresh.
 */
static void rtc_blamed(struct ptpu_arbiter *arb, u32 idx,
		       const struct ptpu_hist *h, bool maybe_own,
		       struct ptpu_events *ev)
{
	struct ptpu_source *s = &arb->src[idx];

	if (maybe_own) {
		rtc_recalibrate(arb, idx, h, ev);
		return;
	}
	rtc_restart(arb, s, h, rtc_ref_of(s, h));
	ev->mask |= PTPU_EV_CALIBRATION;
}

static void rtc_status(const struct ptpu_source *s,
		       struct ptpu_source_status *st)
{
	st->calibrated = s->rtc.calibrated;
}

const struct ptpu_class_ops ptpu_rtc_ops = {
	.phase = rtc_phase,
	.phase_bound = rtc_phase_bound,
	.accepted = rtc_accepted,
	.deviated = rtc_deviated,
	.blamed = rtc_blamed,
	.status = rtc_status,
};
