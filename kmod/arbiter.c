// SPDX-License-Identifier: GPL-2.0-only
/*
 * The best-source arbiter's API (arbiter.h): knobs, the source registry and
 * each source's class hooks, the checks on every input and the order of one
 * update. The rules themselves are in the units:
 * arbiter_estimate.c (per-source fits), arbiter_disrupt.c (suspected jumps),
 * arbiter_select.c (which source), arbiter_steer.c (the output) and the
 * class hooks (arbiter_rtc.c); what status readers see of it is
 * arbiter_view.c. See arbiter.h for the time base.
 *
 * Every input may come from userspace (netlink samples, sysfs knobs): it is
 * checked here, and all arithmetic saturates instead of wrapping.
 */
#include "arbiter_internal.h"

const struct ptpu_arbiter_knob ptpu_arbiter_knobs[PTPU_KNOB_COUNT] = {
#define PTPU_ARB_KNOB_ARBITER(id, name, unit, min, max, def) \
	[PTPU_KNOB_##id] = { #name, unit, min, max, def },
#define PTPU_ARB_KNOB_KVM(...)
#define PTPU_ARB_KNOB_RTC(...)
#define PTPU_CLOCK_KNOB(id, name, type, unit, min, max, def, owner, ...) \
	PTPU_ARB_KNOB_##owner(id, name, unit, min, max, def)
#include "knob_table.h"
#undef PTPU_ARB_KNOB_ARBITER
#undef PTPU_ARB_KNOB_KVM
#undef PTPU_ARB_KNOB_RTC
};

const struct ptpu_arbiter_knob ptpu_arbiter_source_knobs[PTPU_SOURCE_KNOB_COUNT] = {
#define PTPU_SOURCE_KNOB(id, name, type, unit, min, max, def, ...) \
	[PTPU_KNOB_##id] = { #name, unit, min, max, def },
#include "knob_table.h"
};

static bool cfg_in_range(u64 v, u64 min, u64 max)
{
	return v >= min && v <= max;
}

static bool cfg_valid(const struct ptpu_arbiter_config *c)
{
	return cfg_in_range(c->max_drift_ppb, PTPU_MAX_DRIFT_PPB_MIN,
			    PTPU_MAX_DRIFT_PPB_MAX) &&
	       cfg_in_range(c->slew_limit_ppb, PTPU_SLEW_LIMIT_PPB_MIN,
			    PTPU_SLEW_LIMIT_PPB_MAX) &&
	       cfg_in_range(c->hysteresis_pct, PTPU_HYSTERESIS_PCT_MIN,
			    PTPU_HYSTERESIS_PCT_MAX) &&
	       cfg_in_range(c->step_threshold_ns, PTPU_STEP_THRESHOLD_NS_MIN,
			    PTPU_STEP_THRESHOLD_NS_MAX) &&
	       cfg_in_range(c->stale_ns, PTPU_STALE_NS_MIN, PTPU_STALE_NS_MAX);
}

static struct ptpu_source *src_at(struct ptpu_arbiter *arb, int idx)
{
	if (idx < 0 || idx >= PTPU_MAX_SOURCES || !arb->src[idx].used)
		return NULL;
	return &arb->src[idx];
}

/* One update: staleness, a pending jump, the selection, then the output. */
static void update(struct ptpu_arbiter *arb, struct ptpu_events *ev)
{
	ptpu_mark_lost(arb, ev);
	ptpu_jump_check(arb, ev);
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
 * @cfg: filled with the knob table's defaults (knob_table.h)
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
 * @cls:	its class, which may bring rules of its own (PTPU_CLASS_RTC:
 *		its phase calibration, arbiter_rtc.c)
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
	arb->src[i].cfg.enabled = PTPU_SRC_DEF(ENABLED);
	arb->src[i].cfg.prefer = PTPU_SRC_DEF(PREFER);
	arb->src[i].cfg.priority = PTPU_SRC_DEF(PRIORITY);
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

	if (!src_at(arb, idx))
		return -ENOENT;
	ev = events_begin(ev, &scratch);
	advance(arb, now_raw);
	ptpu_jump_forget(arb, idx, ev);
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
	ptpu_take_sample(arb, idx, smp, ev);
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
