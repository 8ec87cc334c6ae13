// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the arbiter's status readers see (arbiter.h): the clock's and each
 * source's status. The writer fills a view (struct ptpu_arbiter_view) at
 * every arbiter call; readers copy it, not the arbiter, whose sample
 * histories are most of its size, and evaluate the fields that age (time,
 * bound, offsets, ages) at their own raw time. ptpu_arbiter_status() and
 * ptpu_arbiter_source_status() read the live arbiter through the same
 * fill and evaluation, so both say the same.
 */
#include "arbiter_internal.h"

/* The clock's status but time_ns and bound_ns, which age. */
static void status_fill(const struct ptpu_arbiter *arb, struct ptpu_status *st)
{
	memset(st, 0, sizeof(*st));
	st->selected = arb->selected;
	st->state = arb->state;
	st->candidates = arb->candidates;
	st->falsetickers = arb->falsetickers;
	st->jump_pending = arb->jump.active;
	st->settled = arb->settled;
	st->disruptions = arb->disruptions;
	st->leaps = arb->leaps;
	st->steps = arb->steps;
	st->last_step_raw = arb->last_step_raw;
	st->last_step_ns = arb->last_step_ns;
	st->drift_ppb = arb->model.drift_ppb;
}

/* Source @idx's view, or just !@sv->used when the slot is empty. */
static void source_view_fill(const struct ptpu_arbiter *arb, int idx,
			     struct ptpu_source_view *sv)
{
	const struct ptpu_source *s = &arb->src[idx];
	struct ptpu_source_status *st = &sv->st;

	memset(sv, 0, sizeof(*sv));
	sv->used = s->used;
	if (!s->used)
		return;
	sv->est = s->est;
	sv->last_raw = s->last_raw;
	sv->has_last = s->has_last;
	sv->fresh = s->count && !s->withdrawn;
	memcpy(st->name, s->name, PTPU_NAME_LEN);
	st->cls = s->cls;
	st->cfg = s->cfg;
	st->selected = arb->selected == idx;
	st->falseticker = s->falseticker;
	st->suspect = arb->jump.active && arb->jump.src == (u32)idx;
	st->leap = s->leap;
	st->stratum = s->stratum;
	st->samples = s->count;
	if (s->ops->status)
		s->ops->status(s, st);
	st->jitter_ns = s->count ? s->jitter : 0;
	st->freq_ppb = s->count ? ptpu_mul_div_s64(s->est.freq, PTPU_PPB, 1LL << 32) : 0;
}

/* A source's status at @now_raw from its view and the output @model. */
static void source_view_eval(const struct ptpu_source_view *sv,
			     const struct ptpu_model *model, u64 stale_ns,
			     s64 now_raw, struct ptpu_source_status *st)
{
	*st = sv->st;
	st->age_ns = sv->has_last ? ptpu_sub_sat(now_raw, sv->last_raw) : -1;
	st->available = sv->fresh && sv->has_last && st->age_ns <= (s64)stale_ns;
	if (!st->samples) {
		st->bound_ns = PTPU_BOUND_MAX;
		return;
	}
	st->offset_ns = ptpu_sub_sat(ptpu_model_time(&sv->est, now_raw),
				     ptpu_model_time(model, now_raw));
	st->bound_ns = ptpu_model_bound(&sv->est, now_raw);
}

/**
 * ptpu_arbiter_view_fill() - the arbiter's view for status readers
 * @arb:	the arbiter
 * @v:		filled in: its header and the sources up to the last used one
 *
 * Call it after every arbiter call that may change anything (the module
 * does, inside the same write section as the model's publication).
 */
void ptpu_arbiter_view_fill(const struct ptpu_arbiter *arb,
			    struct ptpu_arbiter_view *v)
{
	int i, n = 0;

	status_fill(arb, &v->st);
	v->model = arb->model;
	v->stale_ns = arb->cfg.stale_ns;
	for (i = 0; i < PTPU_MAX_SOURCES; i++)
		if (arb->src[i].used)
			n = i + 1;
	for (i = 0; i < n; i++)
		source_view_fill(arb, i, &v->src[i]);
	v->n_slots = n;
}

/**
 * ptpu_view_status() - the clock's status at a raw time
 * @v:		a view (ptpu_arbiter_view_fill())
 * @now_raw:	raw time for @st->time_ns and @st->bound_ns
 * @st:		filled in
 */
void ptpu_view_status(const struct ptpu_arbiter_view *v, s64 now_raw,
		      struct ptpu_status *st)
{
	*st = v->st;
	st->time_ns = ptpu_model_time(&v->model, now_raw);
	st->bound_ns = ptpu_model_bound(&v->model, now_raw);
}

/**
 * ptpu_view_source_status() - one source's state at a raw time
 * @v:		a view (ptpu_arbiter_view_fill())
 * @idx:	the source's index
 * @now_raw:	raw time for the offset, bound and age
 * @st:		filled in
 *
 * Return: 0, or -ENOENT if there is no such source.
 */
int ptpu_view_source_status(const struct ptpu_arbiter_view *v, int idx,
			    s64 now_raw, struct ptpu_source_status *st)
{
	if (idx < 0 || idx >= (int)v->n_slots || !v->src[idx].used)
		return -ENOENT;
	source_view_eval(&v->src[idx], &v->model, v->stale_ns, now_raw, st);
	return 0;
}

/**
 * ptpu_view_find() - look a source up by name in a view
 * @v:		a view (ptpu_arbiter_view_fill())
 * @name:	the name it was registered with
 *
 * Return: its index, or -ENOENT.
 */
int ptpu_view_find(const struct ptpu_arbiter_view *v, const char *name)
{
	int i;

	for (i = 0; i < (int)v->n_slots; i++)
		if (v->src[i].used &&
		    !strncmp(v->src[i].st.name, name, PTPU_NAME_LEN))
			return i;
	return -ENOENT;
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
	status_fill(arb, st);
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
 * Evaluated as a reader of a view would, so both say the same.
 *
 * Return: 0, or -ENOENT if there is no such source.
 */
int ptpu_arbiter_source_status(const struct ptpu_arbiter *arb, int idx,
			       s64 now_raw, struct ptpu_source_status *st)
{
	struct ptpu_source_view sv;

	if (idx < 0 || idx >= PTPU_MAX_SOURCES || !arb->src[idx].used)
		return -ENOENT;
	source_view_fill(arb, idx, &sv);
	source_view_eval(&sv, &arb->model, arb->cfg.stale_ns, now_raw, st);
	return 0;
}
