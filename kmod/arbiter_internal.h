/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the arbiter's units (kmod/arbiter*.c) share with each other and with
 * no one else: the per-class hooks and the functions one unit calls in
 * another. Callers of the arbiter use arbiter.h only.
 */
#ifndef PTPU_ARBITER_INTERNAL_H
#define PTPU_ARBITER_INTERNAL_H

#include "arbiter.h"

/* A fitted frequency beyond this is noise: no oscillator is that bad. */
#define PTPU_FREQ_MAX_PPB	1000000LL	/* 1000 ppm */

/**
 * struct ptpu_deviation - a sample judged against its own source
 * @h:		the effective sample (its class's phase applied)
 * @dev:	its deviation from the source's own prediction (from the
 *		output while the source has no history)
 * @tol:	the bound of that deviation
 * @own:	|@dev| exceeds both @tol and the step threshold
 * @suspect:	it also misses the output's interval by more than the step
 *		threshold, its source is enabled and no jump is pending: it
 *		may start a suspected jump
 */
struct ptpu_deviation {
	struct ptpu_hist h;
	s64 dev;
	u64 tol;
	bool own;
	bool suspect;
};

/**
 * struct ptpu_class_ops - what a class of source adds to the generic arbiter
 * @phase:	added to the offset (ref - raw) of each of the source's samples
 *		as it arrives: an offset the class knows its samples carry
 * @phase_bound: the bound of @phase, part of every bound of the source
 * @accepted:	a sample entered the source's history; @raw and @ref are as
 *		the source gave them
 * @deviated:	a sample deviates from the source's own prediction by more
 *		than its bound; return true if the class dealt with it (the
 *		generic rules then leave it alone)
 * @blamed:	a suspected jump that @deviated started with
 *		PTPU_JUMP_OWN_MOVES was not the raw clock's after all; @h is the
 *		source's newest sample, @maybe_own as the jump was started
 * @status:	fills in the class's own fields of a source status
 *
 * Every member may be NULL: the class adds nothing there.
 */
struct ptpu_class_ops {
	s64 (*phase)(const struct ptpu_source *s);
	u64 (*phase_bound)(const struct ptpu_source *s);
	void (*accepted)(struct ptpu_arbiter *arb, u32 idx, s64 raw, s64 ref,
			 struct ptpu_events *ev);
	bool (*deviated)(struct ptpu_arbiter *arb, u32 idx,
			 const struct ptpu_deviation *d, struct ptpu_events *ev);
	void (*blamed)(struct ptpu_arbiter *arb, u32 idx,
		       const struct ptpu_hist *h, bool maybe_own,
		       struct ptpu_events *ev);
	void (*status)(const struct ptpu_source *s,
		       struct ptpu_source_status *st);
};

/* arbiter_rtc.c */
extern const struct ptpu_class_ops ptpu_rtc_ops;

static inline s64 ptpu_src_phase(const struct ptpu_source *s)
{
	return s->ops->phase ? s->ops->phase(s) : 0;
}

static inline u64 ptpu_src_phase_bound(const struct ptpu_source *s)
{
	return s->ops->phase_bound ? s->ops->phase_bound(s) : 0;
}

/* Bounds add saturating at PTPU_BOUND_MAX, so they stay valid s64s. */
static inline u64 ptpu_bsum(u64 a, u64 b)
{
	u64 r = ptpu_uadd_sat(a, b);

	return r > PTPU_BOUND_MAX ? PTPU_BOUND_MAX : r;
}

static inline s64 ptpu_src_age(const struct ptpu_source *s, s64 now)
{
	return s->has_last ? ptpu_sub_sat(now, s->last_raw) : S64_MAX;
}

/*
 * kvm and the rtc come from the host, which controls the guest anyway:
 * they are trusted as to what they report. Every other class (NTP, pushed
 * PHC or other) reaches the guest over a network anyone on its path can
 * answer on: untrusted.
 */
static inline bool ptpu_src_host_backed(const struct ptpu_source *s)
{
	return s->cls == PTPU_CLASS_KVM || s->cls == PTPU_CLASS_RTC;
}

/*
 * A host-backed source precise enough to judge the others: kvm, or an rtc
 * whose phase has been measured against a better source. An uncalibrated
 * rtc (just loaded, or started over after it jumped) says only "within a
 * second of my seconds count", and that count may itself be wrong (a reset
 * CMOS clock, a guest that wrote it): it votes like any other source, but
 * it vetoes nothing, confirms no jump alone and ends no hold.
 */
static inline bool ptpu_src_vouches(const struct ptpu_source *s)
{
	return s->cls == PTPU_CLASS_KVM ||
	       (s->cls == PTPU_CLASS_RTC && s->rtc.calibrated);
}

/* Has an estimate and its newest sample is recent enough to select it. */
static inline bool ptpu_src_fresh(const struct ptpu_arbiter *arb,
				  const struct ptpu_source *s)
{
	return s->used && s->count && !s->withdrawn &&
	       ptpu_src_age(s, arb->now) <= (s64)arb->cfg.stale_ns;
}

/*
 * An external source lied (flagged, or blamed for a jump): out of
 * selection and votes until it has agreed for the retrust time
 * (arbiter_select.c). The host's sources are not distrusted: what they
 * report is taken as true, their bounds hold them to account.
 */
static inline void ptpu_distrust(struct ptpu_source *s)
{
	if (ptpu_src_host_backed(s))
		return;
	s->distrusted = true;
	s->agree_since = 0;
}

/*
 * May a sample of source @idx disprove the output's model (end the hold
 * rule)? One that vouches, or any other that survived the last selection.
 */
static inline bool ptpu_src_may_teach(const struct ptpu_arbiter *arb, u32 idx)
{
	const struct ptpu_source *s = &arb->src[idx];

	return ptpu_src_vouches(s) ||
	       ((arb->candidates & BIT(idx)) && !s->falseticker && !s->distrusted);
}

/* arbiter_estimate.c */
void ptpu_src_refresh(const struct ptpu_arbiter *arb, struct ptpu_source *s);
void ptpu_src_fit(struct ptpu_arbiter *arb, struct ptpu_source *s);
void ptpu_hist_reset(struct ptpu_source *s);
void ptpu_hist_push(struct ptpu_arbiter *arb, struct ptpu_source *s,
		    const struct ptpu_hist *h);
s64 ptpu_src_deviation(const struct ptpu_arbiter *arb,
		       const struct ptpu_source *s, const struct ptpu_hist *h,
		       u64 *tol);

/* arbiter_select.c */
void ptpu_mark_lost(struct ptpu_arbiter *arb, struct ptpu_events *ev);
void ptpu_select(struct ptpu_arbiter *arb, struct ptpu_events *ev);

/* arbiter_leap.c */
void ptpu_leap_note(struct ptpu_arbiter *arb, struct ptpu_source *s,
		    const struct ptpu_sample *smp);
u32 ptpu_leap_flags(const struct ptpu_arbiter *arb, s64 utc_ns);
bool ptpu_leap_declared(struct ptpu_arbiter *arb);

/* arbiter_steer.c */
void ptpu_steer(struct ptpu_arbiter *arb, struct ptpu_events *ev);

/* arbiter_disrupt.c; ptpu_jump_start() flags: */
#define PTPU_JUMP_OWN_MOVES	BIT(0)	/* see struct ptpu_jump */
#define PTPU_JUMP_MAYBE_OWN	BIT(1)

void ptpu_take_sample(struct ptpu_arbiter *arb, u32 idx,
		      const struct ptpu_sample *smp, struct ptpu_events *ev);
u32 ptpu_voters(const struct ptpu_arbiter *arb, u32 idx);
u32 ptpu_vouching_voters(const struct ptpu_arbiter *arb, u32 idx);
void ptpu_jump_start(struct ptpu_arbiter *arb, u32 idx,
		     const struct ptpu_deviation *d, u32 flags);
void ptpu_jump_check(struct ptpu_arbiter *arb, struct ptpu_events *ev);
void ptpu_jump_forget(struct ptpu_arbiter *arb, u32 idx, struct ptpu_events *ev);

#endif /* PTPU_ARBITER_INTERNAL_H */
