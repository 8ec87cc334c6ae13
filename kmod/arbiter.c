// SPDX-License-Identifier: GPL-2.0-only
/*
 * The best-source arbiter: per-source fits, falseticker rejection, selection
 * with hysteresis, a continuous slew-limited output, disruption (VM pause)
 * detection and RTC phase calibration. See arbiter.h for the time base.
 *
 * Every input may come from userspace (netlink samples, sysfs knobs), so all
 * arithmetic saturates instead of wrapping, and products that can exceed 64
 * bits use 128-bit intermediates without 128-bit division.
 */
#include "arbiter_internal.h"

/*
 * A suspect is "precise" enough to declare a disruption alone when its
 * bound is below step_threshold / PTPU_PRECISE_DIV.
 */
#define PTPU_PRECISE_DIV	4

static bool cfg_valid(const struct ptpu_arbiter_config *c)
{
	return c->max_drift_ppb <= PTPU_MAX_DRIFT_PPB_MAX &&
	       c->slew_limit_ppb >= PTPU_SLEW_LIMIT_PPB_MIN &&
	       c->slew_limit_ppb <= PTPU_SLEW_LIMIT_PPB_MAX &&
	       c->hysteresis_pct <= PTPU_HYSTERESIS_PCT_MAX &&
	       c->step_threshold_ns >= PTPU_STEP_THRESHOLD_NS_MIN &&
	       c->step_threshold_ns <= PTPU_STEP_THRESHOLD_NS_MAX &&
	       c->stale_ns >= PTPU_STALE_NS_MIN &&
	       c->stale_ns <= PTPU_STALE_NS_MAX;
}

static struct ptpu_source *src_at(struct ptpu_arbiter *arb, int idx)
{
	if (idx < 0 || idx >= PTPU_MAX_SOURCES || !arb->src[idx].used)
		return NULL;
	return &arb->src[idx];
}

/*
 * The suspect turned out right, or the others confirmed it: the raw counter
 * stood still while UTC went on. Every pre-jump history is now wrong by the
 * jump, so all are dropped; the post-jump samples start the new ones, and
 * ptpu_steer() steps the output to the selected one.
 */
static void jump_declare(struct ptpu_arbiter *arb, struct ptpu_events *ev)
{
	struct ptpu_source *s;
	u32 i;

	arb->jump.active = false;
	for (i = 0; i < PTPU_MAX_SOURCES; i++) {
		s = &arb->src[i];
		if (!s->used)
			continue;
		ptpu_hist_reset(s);
		if (s->has_post) {
			s->has_post = false;
			ptpu_hist_push(arb, s, &s->post);
		}
	}
	arb->step_hint = arb->jump.shift;
	arb->step_tol = arb->jump.tol;
	arb->force_step = true;
	arb->disruptions++;
	ev->mask |= PTPU_EV_DISRUPTION;
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
	if (j->own_moves && s->ops->blamed) {
		s->ops->blamed(arb, j->src, &s->post, j->maybe_own, ev);
	} else {
		/* Its offset really changed: start over, selection judges it. */
		ptpu_hist_reset(s);
		ptpu_hist_push(arb, s, &s->post);
	}
}

/* Decide a pending jump if the sources that matter have spoken. */
static void jump_check(struct ptpu_arbiter *arb, struct ptpu_events *ev)
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
 * Return: bit i set for every other enabled source with a fresh estimate.
 */
u32 ptpu_voters(const struct ptpu_arbiter *arb, u32 idx)
{
	u32 voters = 0, i;

	for (i = 0; i < PTPU_MAX_SOURCES; i++)
		if (i != idx && ptpu_src_fresh(arb, &arb->src[i]) && arb->src[i].cfg.enabled)
			voters |= BIT(i);
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

static void sample_process(struct ptpu_arbiter *arb, u32 idx,
			   const struct ptpu_sample *smp,
			   struct ptpu_events *ev)
{
	struct ptpu_source *s = &arb->src[idx];
	s64 thr = (s64)arb->cfg.step_threshold_ns, dev_own, dev_mod;
	struct ptpu_deviation d;
	struct ptpu_hist h;
	u64 tol_own, tol_mod, mbound, a;
	bool own, mod, suspect;

	h.raw = smp->raw_ns;
	/* ref - raw is checked not to overflow; the phase add saturates. */
	h.off = ptpu_add_sat(smp->ref_ns - smp->raw_ns, ptpu_src_phase(s));
	h.bound = smp->bound_ns;

	s->last_raw = smp->raw_ns;
	s->has_last = true;
	s->leap = smp->leap;
	s->stratum = smp->stratum;
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
	 * a nested VM) must not end it.
	 */
	if (s->cfg.enabled &&
	    ptpu_abs64(dev_mod) > ptpu_bsum(mbound, tol_own))
		arb->taught_by = -1;

	if (arb->jump.active && h.raw > arb->jump.raw && s->cfg.enabled &&
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
	if (own && mod && s->cfg.enabled && arb->jump.active &&
	    jump_vote(arb, idx, &h, ev))
		return;
	suspect = mod && s->cfg.enabled && !arb->jump.active;

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

static void update(struct ptpu_arbiter *arb, struct ptpu_events *ev)
{
	ptpu_mark_lost(arb, ev);
	jump_check(arb, ev);
	ptpu_select(arb, ev);
	ptpu_steer(arb, ev);
}

/* Callers may pass no event struct; the arbiter always needs one. */
static struct ptpu_events *events_begin(struct ptpu_events *ev,
					struct ptpu_events *scratch)
{
	if (!ev)
		ev = scratch;
	memset(ev, 0, sizeof(*ev));
	return ev;
}

/* A raw time that went backwards would let the output do the same. */
static void advance(struct ptpu_arbiter *arb, s64 now_raw)
{
	if (now_raw > arb->now)
		arb->now = now_raw;
}

/* Classes that add nothing to the generic rules. */
static const struct ptpu_class_ops ptpu_plain_ops;

static const struct ptpu_class_ops *const ptpu_class_ops[PTPU_CLASS_COUNT] = {
	[PTPU_CLASS_RTC] = &ptpu_rtc_ops,
};

/**
 * ptpu_arbiter_default_config() - fill in the default knobs
 * @cfg: filled with the PTPU_DEFAULT_* values
 */
void ptpu_arbiter_default_config(struct ptpu_arbiter_config *cfg)
{
	cfg->max_drift_ppb = PTPU_DEFAULT_MAX_DRIFT_PPB;
	cfg->slew_limit_ppb = PTPU_DEFAULT_SLEW_LIMIT_PPB;
	cfg->hysteresis_pct = PTPU_DEFAULT_HYSTERESIS_PCT;
	cfg->step_threshold_ns = PTPU_DEFAULT_STEP_THRESHOLD_NS;
	cfg->stale_ns = PTPU_DEFAULT_STALE_NS;
}

/**
 * ptpu_arbiter_init() - start an arbiter with no sources
 * @arb:	the state to initialise (any previous content is discarded)
 * @cfg:	knobs, or NULL for the defaults
 * @seed:	initial output (e.g. CLOCK_REALTIME at load with a large bound);
 *		it runs unsynchronised until a source is selected
 * @now_raw:	current raw time
 *
 * Return: 0, or -EINVAL for invalid knobs or a seed whose frequency exceeds
 * 1000 ppm or whose bound exceeds PTPU_BOUND_MAX (@arb is then untouched).
 */
int ptpu_arbiter_init(struct ptpu_arbiter *arb,
		      const struct ptpu_arbiter_config *cfg,
		      const struct ptpu_model *seed, s64 now_raw)
{
	struct ptpu_arbiter_config def;

	if (!cfg) {
		ptpu_arbiter_default_config(&def);
		cfg = &def;
	}
	if (!arb || !seed || !cfg_valid(cfg) || seed->bound0 > PTPU_BOUND_MAX ||
	    ptpu_abs64(seed->freq) > (u64)ptpu_ppb_to_q32(PTPU_FREQ_MAX_PPB))
		return -EINVAL;

	memset(arb, 0, sizeof(*arb));
	arb->cfg = *cfg;
	arb->now = now_raw;
	arb->model = *seed;
	ptpu_model_anchor(&arb->model, now_raw);
	arb->model.flags = 0;
	arb->model.bound0 = ptpu_model_bound(seed, now_raw);
	arb->model.drift_ppb = seed->drift_ppb > cfg->max_drift_ppb ?
			       seed->drift_ppb : cfg->max_drift_ppb;
	arb->base_freq = seed->freq;
	arb->base_drift = arb->model.drift_ppb;
	arb->taught_by = -1;
	arb->selected = -1;
	arb->state = PTPU_STATE_UNSYNCED;
	return 0;
}

/**
 * ptpu_arbiter_set_config() - change the knobs
 * @arb:	the arbiter
 * @cfg:	new knobs; they take effect at the next sample or tick
 *
 * Return: 0, or -EINVAL if a knob is out of range (nothing changed).
 */
int ptpu_arbiter_set_config(struct ptpu_arbiter *arb,
			    const struct ptpu_arbiter_config *cfg)
{
	if (!cfg_valid(cfg))
		return -EINVAL;
	arb->cfg = *cfg;
	return 0;
}

/**
 * ptpu_arbiter_find() - look a source up by name
 * @arb:	the arbiter
 * @name:	the name it was registered with
 *
 * Return: its index, or -ENOENT.
 */
int ptpu_arbiter_find(const struct ptpu_arbiter *arb, const char *name)
{
	int i;

	for (i = 0; i < PTPU_MAX_SOURCES; i++)
		if (arb->src[i].used &&
		    !strncmp(arb->src[i].name, name, PTPU_NAME_LEN))
			return i;
	return -ENOENT;
}

/**
 * ptpu_arbiter_register() - add a source
 * @arb:	the arbiter
 * @name:	unique name, 1 to PTPU_NAME_LEN - 1 characters
 * @cls:	its class; PTPU_CLASS_RTC samples get the RTC phase treatment
 *
 * The source starts enabled, priority 0, not preferred, with no samples.
 *
 * Return: its index (0..PTPU_MAX_SOURCES - 1), -EINVAL for a bad name or
 * class, -EEXIST if the name is taken, -ENOSPC if all slots are used.
 */
int ptpu_arbiter_register(struct ptpu_arbiter *arb, const char *name,
			  enum ptpu_class cls)
{
	size_t len;
	int i;

	if (!name || (u32)cls >= PTPU_CLASS_COUNT)
		return -EINVAL;
	len = strnlen(name, PTPU_NAME_LEN);
	if (!len || len >= PTPU_NAME_LEN)
		return -EINVAL;
	if (ptpu_arbiter_find(arb, name) >= 0)
		return -EEXIST;
	for (i = 0; i < PTPU_MAX_SOURCES; i++)
		if (!arb->src[i].used)
			break;
	if (i == PTPU_MAX_SOURCES)
		return -ENOSPC;

	memset(&arb->src[i], 0, sizeof(arb->src[i]));
	memcpy(arb->src[i].name, name, len);
	arb->src[i].cls = cls;
	arb->src[i].ops = ptpu_class_ops[cls] ?: &ptpu_plain_ops;
	arb->src[i].used = true;
	arb->src[i].cfg.enabled = true;
	return i;
}

/**
 * ptpu_arbiter_unregister() - remove a source and re-select without it
 * @arb:	the arbiter
 * @idx:	its index
 * @now_raw:	current raw time
 * @ev:		receives what happened (may be NULL)
 *
 * Return: 0, or -ENOENT if there is no such source.
 */
int ptpu_arbiter_unregister(struct ptpu_arbiter *arb, int idx, s64 now_raw,
			    struct ptpu_events *ev)
{
	struct ptpu_events scratch;
	struct ptpu_jump *j = &arb->jump;

	if (!src_at(arb, idx))
		return -ENOENT;
	ev = events_begin(ev, &scratch);
	advance(arb, now_raw);
	if (j->active && j->src == (u32)idx)
		jump_cancel(arb, false, ev);
	j->heard &= ~BIT(idx);
	j->agreed &= ~BIT(idx);
	memset(&arb->src[idx], 0, sizeof(arb->src[idx]));
	update(arb, ev);
	return 0;
}

/**
 * ptpu_arbiter_source_config() - change a source's knobs and re-select
 * @arb:	the arbiter
 * @idx:	its index
 * @sc:		new knobs
 * @now_raw:	current raw time
 * @ev:		receives what happened (may be NULL)
 *
 * Return: 0, or -ENOENT if there is no such source.
 */
int ptpu_arbiter_source_config(struct ptpu_arbiter *arb, int idx,
			       const struct ptpu_source_config *sc,
			       s64 now_raw, struct ptpu_events *ev)
{
	struct ptpu_events scratch;
	struct ptpu_source *s = src_at(arb, idx);

	if (!s)
		return -ENOENT;
	ev = events_begin(ev, &scratch);
	advance(arb, now_raw);
	s->cfg = *sc;
	update(arb, ev);
	return 0;
}

/**
 * ptpu_arbiter_withdraw() - a source's owner knows it has no time to give
 * @arb:	the arbiter
 * @idx:	the source's index
 * @now_raw:	current raw time
 * @ev:		receives what happened (may be NULL)
 *
 * For a source whose owner sees it fail (the host refuses KVM clock
 * pairing, say): it is lost now rather than after the staleness limit, so
 * selection moves on at once. Its estimate is kept for its status, and its
 * next accepted sample brings it back.
 *
 * Return: 0, or -ENOENT if there is no such source.
 */
int ptpu_arbiter_withdraw(struct ptpu_arbiter *arb, int idx, s64 now_raw,
			  struct ptpu_events *ev)
{
	struct ptpu_events scratch;
	struct ptpu_source *s = src_at(arb, idx);

	if (!s)
		return -ENOENT;
	ev = events_begin(ev, &scratch);
	advance(arb, now_raw);
	s->withdrawn = true;
	update(arb, ev);
	return 0;
}

/**
 * ptpu_arbiter_sample() - feed one sample of a source, then re-select
 * @arb:	the arbiter
 * @idx:	the source's index
 * @smp:	the sample
 * @now_raw:	current raw time (not before @smp->raw_ns)
 * @ev:		receives what happened (may be NULL)
 *
 * Runs everything ptpu_arbiter_tick() does after taking the sample.
 *
 * Return: 0; -ENOENT for no such source; -EINVAL for a zero bound, a leap
 * indicator of PTPU_LEAP_ALARM or above, a raw time after @now_raw or not
 * after the source's previous sample; -ERANGE for a bound above
 * PTPU_SAMPLE_BOUND_MAX or an offset ref - raw outside the s64 range;
 * -ESTALE for a sample already older than the staleness limit. On error
 * nothing changes.
 */
int ptpu_arbiter_sample(struct ptpu_arbiter *arb, int idx,
			const struct ptpu_sample *smp, s64 now_raw,
			struct ptpu_events *ev)
{
	struct ptpu_events scratch;
	struct ptpu_source *s = src_at(arb, idx);
	s64 now = now_raw > arb->now ? now_raw : arb->now, off;

	if (!s)
		return -ENOENT;
	if (!smp->bound_ns || smp->leap >= PTPU_LEAP_ALARM ||
	    smp->raw_ns > now || (s->has_last && smp->raw_ns <= s->last_raw))
		return -EINVAL;
	if (smp->bound_ns > PTPU_SAMPLE_BOUND_MAX ||
	    __builtin_sub_overflow(smp->ref_ns, smp->raw_ns, &off))
		return -ERANGE;
	if (ptpu_sub_sat(now, smp->raw_ns) > (s64)arb->cfg.stale_ns)
		return -ESTALE;

	ev = events_begin(ev, &scratch);
	arb->now = now;
	sample_process(arb, idx, smp, ev);
	update(arb, ev);
	return 0;
}

/**
 * ptpu_arbiter_tick() - re-evaluate at a raw time
 * @arb:	the arbiter
 * @now_raw:	current raw time; a value before the last one seen is taken
 *		as the last one
 * @ev:		receives what happened (may be NULL)
 *
 * Marks stale sources lost, settles a pending jump whose voters went
 * silent, re-selects and re-anchors the output at @now_raw. Call it at
 * least once a second: between calls the output keeps correcting at the
 * last rate and its bound grows accordingly.
 */
void ptpu_arbiter_tick(struct ptpu_arbiter *arb, s64 now_raw,
		       struct ptpu_events *ev)
{
	struct ptpu_events scratch;

	ev = events_begin(ev, &scratch);
	advance(arb, now_raw);
	update(arb, ev);
}

/**
 * ptpu_arbiter_model() - the current output model
 * @arb:	the arbiter
 *
 * Return: the model; copy it (under the caller's lock) before publishing.
 */
const struct ptpu_model *ptpu_arbiter_model(const struct ptpu_arbiter *arb)
{
	return &arb->model;
}

/**
 * ptpu_arbiter_status() - the arbiter's state at a raw time
 * @arb:	the arbiter
 * @now_raw:	raw time for @st->time_ns and @st->bound_ns
 * @st:		filled in
 */
void ptpu_arbiter_status(const struct ptpu_arbiter *arb, s64 now_raw,
			 struct ptpu_status *st)
{
	memset(st, 0, sizeof(*st));
	st->selected = arb->selected;
	st->state = arb->state;
	st->candidates = arb->candidates;
	st->falsetickers = arb->falsetickers;
	st->jump_pending = arb->jump.active;
	st->settled = arb->settled;
	st->disruptions = arb->disruptions;
	st->steps = arb->steps;
	st->last_step_raw = arb->last_step_raw;
	st->last_step_ns = arb->last_step_ns;
	st->time_ns = ptpu_model_time(&arb->model, now_raw);
	st->bound_ns = ptpu_model_bound(&arb->model, now_raw);
}

/**
 * ptpu_arbiter_source_status() - one source's state at a raw time
 * @arb:	the arbiter
 * @idx:	the source's index
 * @now_raw:	raw time for the offset, bound and age
 * @st:		filled in
 *
 * Return: 0, or -ENOENT if there is no such source.
 */
int ptpu_arbiter_source_status(const struct ptpu_arbiter *arb, int idx,
			       s64 now_raw, struct ptpu_source_status *st)
{
	const struct ptpu_source *s;

	if (idx < 0 || idx >= PTPU_MAX_SOURCES || !arb->src[idx].used)
		return -ENOENT;
	s = &arb->src[idx];
	memset(st, 0, sizeof(*st));
	memcpy(st->name, s->name, PTPU_NAME_LEN);
	st->cls = s->cls;
	st->cfg = s->cfg;
	st->available = s->count && !s->withdrawn &&
			ptpu_src_age(s, now_raw) <= (s64)arb->cfg.stale_ns;
	st->selected = arb->selected == idx;
	st->falseticker = s->falseticker;
	st->suspect = arb->jump.active && arb->jump.src == (u32)idx;
	st->leap = s->leap;
	st->stratum = s->stratum;
	st->samples = s->count;
	st->age_ns = s->has_last ? ptpu_sub_sat(now_raw, s->last_raw) : -1;
	if (s->ops->status)
		s->ops->status(s, st);
	if (!s->count) {
		st->bound_ns = PTPU_BOUND_MAX;
		return 0;
	}
	st->offset_ns = ptpu_sub_sat(ptpu_model_time(&s->est, now_raw),
				     ptpu_model_time(&arb->model, now_raw));
	st->bound_ns = ptpu_model_bound(&s->est, now_raw);
	st->jitter_ns = s->jitter;
	st->freq_ppb = ptpu_mul_div_s64(s->est.freq, PTPU_PPB, 1LL << 32);
	return 0;
}
