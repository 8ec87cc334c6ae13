// SPDX-License-Identifier: GPL-2.0-only
/*
 * The arbiter's selection: which sources are lost (stale), which agree
 * (the largest intersection of their intervals, if it is a majority; the
 * rest are falsetickers), and which one the output follows (the best score,
 * with hysteresis against flapping, priority and prefer), hence the state:
 * synchronised, without majority, free-running or never synchronised.
 *
 * The trust model: kvm and the rtc come from the host (trusted as to what
 * they report); external sources are untrusted. A source whose interval
 * misses that of a fresh kvm or calibrated rtc is a falseticker whatever
 * the vote, and one that lied is left out until it has agreed for the
 * retrust time.
 */
#include "arbiter_internal.h"

/*
 * A liar is trusted again after agreeing this long: the span of history a
 * fit uses (stale_ns), so that no sample from before it agreed is left in
 * the estimate it would be selected by.
 */
static s64 retrust_ns(const struct ptpu_arbiter *arb)
{
	return (s64)arb->cfg.stale_ns;
}

static bool overlap(const struct ptpu_source *a, const struct ptpu_source *b)
{
	return ptpu_sub_sat(a->cur_est, (s64)a->cur_bound) <=
	       ptpu_add_sat(b->cur_est, (s64)b->cur_bound) &&
	       ptpu_sub_sat(b->cur_est, (s64)b->cur_bound) <=
	       ptpu_add_sat(a->cur_est, (s64)a->cur_bound);
}

/* Sort @v (n <= PTPU_MAX_SOURCES) ascending: insertion, n is tiny. */
static void sort_s64(s64 *v, u32 n)
{
	u32 i, k;
	s64 x;

	for (i = 1; i < n; i++) {
		x = v[i];
		for (k = i; k > 0 && v[k - 1] > x; k--)
			v[k] = v[k - 1];
		v[k] = x;
	}
}

/*
 * The region the survivors @surv prove even if a minority f = (n - 1) / 2
 * of them lie (struct ptpu_arbiter.proven_lo): every honest interval holds
 * the truth, and n - f of them are honest.
 */
static void prove(struct ptpu_arbiter *arb, u32 surv)
{
	s64 lo[PTPU_MAX_SOURCES], hi[PTPU_MAX_SOURCES];
	const struct ptpu_source *s;
	u32 n = 0, f, i;

	for (i = 0; i < PTPU_MAX_SOURCES; i++) {
		if (!(surv & BIT(i)))
			continue;
		s = &arb->src[i];
		lo[n] = ptpu_sub_sat(s->cur_est, (s64)s->cur_bound);
		hi[n] = ptpu_add_sat(s->cur_est, (s64)s->cur_bound);
		n++;
	}
	arb->proven = n >= 3;
	if (!arb->proven)
		return;
	f = (n - 1) / 2;
	sort_s64(lo, n);
	sort_s64(hi, n);
	arb->proven_lo = lo[n - f - 1];
	arb->proven_hi = hi[f];
}

/*
 * The distrusted sources: each one that agrees with the survivors @surv
 * (meets their common interval) has agreed since its agree_since; after
 * the retrust time it is trusted again. Without a majority nothing is
 * proven, and agreement starts over.
 */
static void probation(struct ptpu_arbiter *arb, u32 surv, bool majority)
{
	s64 lo = S64_MIN, hi = S64_MAX;
	struct ptpu_source *s;
	u32 i;

	for (i = 0; i < PTPU_MAX_SOURCES; i++) {
		if (!(surv & BIT(i)))
			continue;
		s = &arb->src[i];
		if (ptpu_sub_sat(s->cur_est, (s64)s->cur_bound) > lo)
			lo = ptpu_sub_sat(s->cur_est, (s64)s->cur_bound);
		if (ptpu_add_sat(s->cur_est, (s64)s->cur_bound) < hi)
			hi = ptpu_add_sat(s->cur_est, (s64)s->cur_bound);
	}
	for (i = 0; i < PTPU_MAX_SOURCES; i++) {
		s = &arb->src[i];
		if (!s->used || !s->distrusted)
			continue;
		if (!majority || !s->count || !ptpu_src_fresh(arb, s) ||
		    ptpu_sub_sat(s->cur_est, (s64)s->cur_bound) > hi ||
		    ptpu_add_sat(s->cur_est, (s64)s->cur_bound) < lo) {
			s->agree_since = 0;
			continue;
		}
		if (!s->agree_since)
			s->agree_since = arb->now;
		else if (ptpu_sub_sat(arb->now, s->agree_since) >= retrust_ns(arb))
			s->distrusted = false;
	}
}

/*
 * Candidates whose interval misses that of a candidate that vouches (kvm,
 * a calibrated rtc): the host's word against theirs, and the host controls
 * the guest anyway.
 */
static u32 host_vetoed(const struct ptpu_arbiter *arb, u32 cand)
{
	u32 host = 0, vetoed = 0, i, k;

	for (i = 0; i < PTPU_MAX_SOURCES; i++)
		if ((cand & BIT(i)) && ptpu_src_vouches(&arb->src[i]))
			host |= BIT(i);
	for (i = 0; i < PTPU_MAX_SOURCES; i++) {
		if (!(cand & BIT(i)) || (host & BIT(i)))
			continue;
		for (k = 0; k < PTPU_MAX_SOURCES; k++)
			if ((host & BIT(k)) && !overlap(&arb->src[i], &arb->src[k]))
				vetoed |= BIT(i);
	}
	return vetoed;
}

/* A source's score: its bound, smaller is better. */
static u64 src_score(const struct ptpu_arbiter *arb,
		     const struct ptpu_source *s)
{
	s64 age = ptpu_sub_sat(arb->now, s->est.raw0);
	u64 span = ptpu_umax(ptpu_abs64(age), s->interval);

	/*
	 * Sources polled at different instants differ in age by up to one
	 * interval; comparing them at no less than their interval keeps the
	 * choice from following whichever was sampled last.
	 */
	return ptpu_bsum(s->score_base, ptpu_ppb_of(span, s->est.drift_ppb));
}

/**
 * ptpu_mark_lost() - mark the sources that went stale as lost
 * @arb:	the arbiter
 * @ev:		receives PTPU_EV_LOST and each source lost now, once
 */
void ptpu_mark_lost(struct ptpu_arbiter *arb, struct ptpu_events *ev)
{
	struct ptpu_source *s;
	u32 i;

	for (i = 0; i < PTPU_MAX_SOURCES; i++) {
		s = &arb->src[i];
		if (!s->used || !s->count || s->lost || ptpu_src_fresh(arb, s))
			continue;
		s->lost = true;
		ev->mask |= PTPU_EV_LOST;
		ev->lost |= BIT(i);
	}
}

/*
 * Among the survivors: a preferred one wins outright; otherwise every
 * source whose score the best does not beat by the hysteresis margin is a
 * contender, and among contenders the higher priority wins, then the
 * incumbent, then the smaller score.
 */
static int pick(const struct ptpu_arbiter *arb, u32 surv)
{
	u32 pref = 0, i;
	u64 score, best_score = 0, min = PTPU_BOUND_MAX;
	s64 lim;
	int best = -1;
	const struct ptpu_source *s, *b;

	for (i = 0; i < PTPU_MAX_SOURCES; i++)
		if ((surv & BIT(i)) && arb->src[i].cfg.prefer)
			pref |= BIT(i);
	if (pref)
		surv = pref;
	for (i = 0; i < PTPU_MAX_SOURCES; i++)
		if (surv & BIT(i))
			min = ptpu_umin(min, src_score(arb, &arb->src[i]));
	lim = ptpu_mul_div_s64((s64)min, 100, 100 - (s64)arb->cfg.hysteresis_pct);

	for (i = 0; i < PTPU_MAX_SOURCES; i++) {
		if (!(surv & BIT(i)))
			continue;
		s = &arb->src[i];
		score = src_score(arb, s);
		if (score > (u64)lim)
			continue;
		if (best >= 0) {
			b = &arb->src[best];
			if (s->cfg.priority < b->cfg.priority)
				continue;
			if (s->cfg.priority == b->cfg.priority &&
			    (best == arb->selected ||
			     ((int)i != arb->selected && score >= best_score)))
				continue;
		}
		best = i;
		best_score = score;
	}
	return best;
}

/**
 * ptpu_select() - choose the source the output follows
 * @arb:	the arbiter
 * @ev:		receives selection, falseticker and state changes
 *
 * Marzullo-style intersection: the largest set of mutually overlapping
 * intervals. It is always reached at some interval's lower end, so testing
 * each lower end is enough (n <= 16). Two different largest sets, or one
 * that is not a strict majority, mean the sources cannot be told apart.
 */
void ptpu_select(struct ptpu_arbiter *arb, struct ptpu_events *ev)
{
	u32 cand = 0, best_mask = 0, mask, fts = 0, c, best_c = 0, n = 0, i, k;
	u32 vetoed, distrusted = 0;
	bool ambiguous = false, majority;
	struct ptpu_source *s, *t;
	enum ptpu_state state;
	s64 lo;
	int sel;

	for (i = 0; i < PTPU_MAX_SOURCES; i++) {
		s = &arb->src[i];
		if (!s->used || !s->count)
			continue;
		ptpu_src_refresh(arb, s);
		s->cur_est = ptpu_model_time(&s->est, arb->now);
		s->cur_bound = ptpu_model_bound(&s->est, arb->now);
		if (!s->cfg.enabled || !ptpu_src_fresh(arb, s) ||
		    (arb->jump.active && arb->jump.src == i))
			continue;
		if (s->distrusted) {
			distrusted |= BIT(i);
			continue;
		}
		cand |= BIT(i);
	}
	vetoed = host_vetoed(arb, cand);
	cand &= ~vetoed;
	n = hweight32(cand);
	for (i = 0; i < PTPU_MAX_SOURCES; i++) {
		if (!(cand & BIT(i)))
			continue;
		s = &arb->src[i];
		lo = ptpu_sub_sat(s->cur_est, (s64)s->cur_bound);
		mask = 0;
		c = 0;
		for (k = 0; k < PTPU_MAX_SOURCES; k++) {
			if (!(cand & BIT(k)))
				continue;
			t = &arb->src[k];
			if (ptpu_sub_sat(t->cur_est, (s64)t->cur_bound) <= lo &&
			    lo <= ptpu_add_sat(t->cur_est, (s64)t->cur_bound)) {
				mask |= BIT(k);
				c++;
			}
		}
		if (c > best_c) {
			best_c = c;
			best_mask = mask;
			ambiguous = false;
		} else if (c == best_c && mask != best_mask) {
			ambiguous = true;
		}
	}
	majority = n && !ambiguous && 2 * best_c > n;
	if (majority)
		fts = cand & ~best_mask;
	/* A falseticker that can lie is out until it has agreed a while. */
	for (i = 0; i < PTPU_MAX_SOURCES; i++)
		if ((fts | vetoed) & BIT(i))
			ptpu_distrust(&arb->src[i]);
	probation(arb, majority ? best_mask : 0, majority);
	fts |= vetoed | distrusted;
	if (majority)
		prove(arb, best_mask);
	else
		arb->proven = false;

	if (!n)
		sel = -1;
	else if (majority)
		sel = pick(arb, best_mask);
	else if (arb->selected >= 0 && (cand & BIT(arb->selected)))
		sel = arb->selected;	/* no better judgement than before */
	else
		sel = pick(arb, cand);

	for (i = 0; i < PTPU_MAX_SOURCES; i++)
		arb->src[i].falseticker = !!(fts & BIT(i));
	if (fts != arb->falsetickers)
		ev->mask |= PTPU_EV_FALSETICKERS;
	if (sel != arb->selected)
		ev->mask |= PTPU_EV_SELECTION;

	if (sel >= 0)
		state = majority ? PTPU_STATE_SYNCED : PTPU_STATE_NO_MAJORITY;
	else
		state = arb->ever_synced ? PTPU_STATE_FREERUN : PTPU_STATE_UNSYNCED;
	if (state != arb->state)
		ev->mask |= PTPU_EV_STATE;

	arb->candidates = cand;
	arb->falsetickers = fts;
	arb->selected = sel;
	arb->state = state;
	arb->no_majority = n && !majority;
}
