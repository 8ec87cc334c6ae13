// SPDX-License-Identifier: GPL-2.0-only
/*
 * The knobs: knob_table.h made into ptpu_knobs[] and ptpu_source_knobs[],
 * the module parameters that give the clock knobs their values at load,
 * and the one place that reads and applies a knob. sysfs.c and netlink.c
 * declare their attributes and policies from the same table and go through
 * ptpu_knob_get() and ptpu_knobs_set() here; the probe takes the load-time
 * values from ptpu_knob_load() and ptpu_knobs_load_config().
 */
#include <linux/bitops.h>
#include <linux/device.h>
#include <linux/minmax.h>
#include <linux/moduleparam.h>
#include <linux/string.h>
#include <linux/stringify.h>

#include "knobs.h"
#include "source_kvm.h"
#include "source_rtc.h"
#include "uapi/linux/ptp_unified.h"

/* rtc_device's value is an RTC's name, as the rtc source keeps it. */
static_assert(PTPU_KNOB_STR_LEN == PTPU_RTC_NAME_LEN);

/* ---- what each knob reads and sets ---- */

static void ptpu_max_drift_ppb_get(const struct ptpu_knob_ctx *ctx,
				   union ptpu_knob_value *v)
{
	v->num = ctx->cfg->max_drift_ppb;
}

static int ptpu_max_drift_ppb_set(struct ptpu_knob_ctx *ctx,
				  const union ptpu_knob_value *v)
{
	ctx->cfg->max_drift_ppb = v->num;
	return 0;
}

static void ptpu_slew_limit_ppb_get(const struct ptpu_knob_ctx *ctx,
				    union ptpu_knob_value *v)
{
	v->num = ctx->cfg->slew_limit_ppb;
}

static int ptpu_slew_limit_ppb_set(struct ptpu_knob_ctx *ctx,
				   const union ptpu_knob_value *v)
{
	ctx->cfg->slew_limit_ppb = v->num;
	return 0;
}

static void ptpu_hysteresis_pct_get(const struct ptpu_knob_ctx *ctx,
				    union ptpu_knob_value *v)
{
	v->num = ctx->cfg->hysteresis_pct;
}

static int ptpu_hysteresis_pct_set(struct ptpu_knob_ctx *ctx,
				   const union ptpu_knob_value *v)
{
	ctx->cfg->hysteresis_pct = v->num;
	return 0;
}

/* Whole seconds for people; the arbiter keeps nanoseconds. */
static void ptpu_stale_limit_s_get(const struct ptpu_knob_ctx *ctx,
				   union ptpu_knob_value *v)
{
	v->num = div_u64(ctx->cfg->stale_ns, NSEC_PER_SEC);
}

static int ptpu_stale_limit_s_set(struct ptpu_knob_ctx *ctx,
				  const union ptpu_knob_value *v)
{
	ctx->cfg->stale_ns = v->num * NSEC_PER_SEC;
	return 0;
}

static void ptpu_step_threshold_ns_get(const struct ptpu_knob_ctx *ctx,
				       union ptpu_knob_value *v)
{
	v->num = ctx->cfg->step_threshold_ns;
}

static int ptpu_step_threshold_ns_set(struct ptpu_knob_ctx *ctx,
				      const union ptpu_knob_value *v)
{
	ctx->cfg->step_threshold_ns = v->num;
	return 0;
}

/* The sources read their intervals with READ_ONCE() at every reschedule. */
static void ptpu_kvm_poll_ms_get(const struct ptpu_knob_ctx *ctx,
				 union ptpu_knob_value *v)
{
	v->num = READ_ONCE(ctx->pd->kvm->poll_ms);
}

static int ptpu_kvm_poll_ms_set(struct ptpu_knob_ctx *ctx,
				const union ptpu_knob_value *v)
{
	WRITE_ONCE(ctx->pd->kvm->poll_ms, v->num);
	return 0;
}

static void ptpu_rtc_interval_s_get(const struct ptpu_knob_ctx *ctx,
				    union ptpu_knob_value *v)
{
	v->num = READ_ONCE(ctx->pd->rtc->interval_s);
}

static int ptpu_rtc_interval_s_set(struct ptpu_knob_ctx *ctx,
				   const union ptpu_knob_value *v)
{
	WRITE_ONCE(ctx->pd->rtc->interval_s, v->num);
	return 0;
}

static void ptpu_rtc_device_get(const struct ptpu_knob_ctx *ctx,
				union ptpu_knob_value *v)
{
	ptpu_rtc_get_device(ctx->pd->rtc, v->str, sizeof(v->str));
}

static int ptpu_rtc_device_set(struct ptpu_knob_ctx *ctx,
			       const union ptpu_knob_value *v)
{
	return ptpu_rtc_set_device(ctx->pd->rtc, v->str);
}

static void ptpu_enabled_get(const struct ptpu_knob_ctx *ctx,
			     union ptpu_knob_value *v)
{
	v->num = ctx->sc->enabled;
}

static int ptpu_enabled_set(struct ptpu_knob_ctx *ctx,
			    const union ptpu_knob_value *v)
{
	ctx->sc->enabled = v->num;
	return 0;
}

static void ptpu_priority_get(const struct ptpu_knob_ctx *ctx,
			      union ptpu_knob_value *v)
{
	v->num = ctx->sc->priority;
}

static int ptpu_priority_set(struct ptpu_knob_ctx *ctx,
			     const union ptpu_knob_value *v)
{
	ctx->sc->priority = v->num;
	return 0;
}

static void ptpu_prefer_get(const struct ptpu_knob_ctx *ctx,
			    union ptpu_knob_value *v)
{
	v->num = ctx->sc->prefer;
}

static int ptpu_prefer_set(struct ptpu_knob_ctx *ctx,
			   const union ptpu_knob_value *v)
{
	ctx->sc->prefer = v->num;
	return 0;
}

/* ---- module parameters: the clock knobs at load ---- */

/*
 * A parameter: its storage, its modinfo description and the function that
 * reads it. MODULE_PARM_DESC() is spelled out (__MODULE_INFO()) so that
 * the parameter's name is given once, to module_param_named(): checkpatch
 * counts a macro argument used twice as a possible side effect.
 */
#define PTPU_PARAM_U32(id, name, desc, def)				\
	static unsigned int ptpu_param_##id = def;			\
	module_param_named(name, ptpu_param_##id, uint, 0444);		\
	__MODULE_INFO(parm, ptpu_param_##id, __stringify(name) ":" desc); \
	static void ptpu_param_load_##id(union ptpu_knob_value *v)	\
	{								\
		v->num = ptpu_param_##id;				\
	}
#define PTPU_PARAM_U64(id, name, desc, def)				\
	static unsigned long long ptpu_param_##id = def;		\
	module_param_named(name, ptpu_param_##id, ullong, 0444);	\
	__MODULE_INFO(parm, ptpu_param_##id, __stringify(name) ":" desc); \
	static void ptpu_param_load_##id(union ptpu_knob_value *v)	\
	{								\
		v->num = ptpu_param_##id;				\
	}
#define PTPU_PARAM_STR(id, name, desc, def)				\
	static char ptpu_param_##id[PTPU_KNOB_STR_LEN] = def;		\
	module_param_string(name, ptpu_param_##id, sizeof(ptpu_param_##id), 0444); \
	__MODULE_INFO(parm, ptpu_param_##id, __stringify(name) ":" desc); \
	static void ptpu_param_load_##id(union ptpu_knob_value *v)	\
	{								\
		strscpy(v->str, ptpu_param_##id, sizeof(v->str));	\
	}

/*
 * The description: whose knob, the table's help, unit, default and range.
 * The one STR knob, rtc_device, means no rtc source when empty.
 */
#define PTPU_PARAM_OWNER_ARBITER	""
#define PTPU_PARAM_OWNER_KVM		"kvm source: "
#define PTPU_PARAM_OWNER_RTC		"rtc source: "
#define PTPU_PARAM_DESC_U32(def, help, unit, min, max)			\
	help " at load, " unit " (default " def ", " min ".." max ")"
#define PTPU_PARAM_DESC_U64 PTPU_PARAM_DESC_U32
#define PTPU_PARAM_DESC_STR(def, help, ...)				\
	help " at load (default " def "; empty: none)"

#define PTPU_CLOCK_KNOB(id, name, type, unit, min, max, def, owner, help) \
	PTPU_PARAM_##type(id, name, PTPU_PARAM_OWNER_##owner		\
			  PTPU_PARAM_DESC_##type(#def, help, unit, #min, #max), \
			  def)
#include "knob_table.h"

/* ---- the table ---- */

#define PTPU_KNOB_DEF_U32(v)	.def = (v)
#define PTPU_KNOB_DEF_U64(v)	.def = (v)
#define PTPU_KNOB_DEF_BOOL(v)	.def = (v)
#define PTPU_KNOB_DEF_STR(v)	.def_str = (v)

#define PTPU_KNOB_ENTRY(_name, _type, _unit, _min, _max, _def, _owner)	\
	.name = #_name,							\
	.unit = _unit,							\
	.type = PTPU_KNOB_TYPE_##_type,					\
	.owner = PTPU_KNOB_OWNER_##_owner,				\
	.range = { .min = (_min), .max = (_max) },			\
	PTPU_KNOB_DEF_##_type(_def),					\
	.get = ptpu_##_name##_get,					\
	.set = ptpu_##_name##_set

struct ptpu_knob ptpu_knobs[PTPU_KNOB_COUNT] __ro_after_init = {
#define PTPU_CLOCK_KNOB(id, name, type, unit, min, max, def, owner, ...) \
	[PTPU_KNOB_##id] = {						\
		PTPU_KNOB_ENTRY(name, type, unit, min, max, def, owner),	\
		.nl_attr = PTP_UNIFIED_A_CONFIG_##id,			\
		.load = ptpu_param_load_##id,				\
	},
#include "knob_table.h"
};

struct ptpu_knob ptpu_source_knobs[PTPU_SOURCE_KNOB_COUNT] __ro_after_init = {
#define PTPU_SOURCE_KNOB(id, name, type, unit, min, max, def, owner, ...) \
	[PTPU_KNOB_##id] = {						\
		PTPU_KNOB_ENTRY(name, type, unit, min, max, def, owner),	\
		.nl_attr = PTP_UNIFIED_A_SOURCE_##id,			\
	},
#include "knob_table.h"
};

/**
 * ptpu_knob_present() - whether a knob exists on this clock
 * @pd:	the clock
 * @k:	the knob
 *
 * Return: false for the knobs of a source that is absent.
 */
bool ptpu_knob_present(const struct ptpu_dev *pd, const struct ptpu_knob *k)
{
	switch (k->owner) {
	case PTPU_KNOB_OWNER_KVM:
		return pd->kvm;
	case PTPU_KNOB_OWNER_RTC:
		return pd->rtc;
	default:
		return true;
	}
}

/**
 * ptpu_knob_in_range() - whether a value is one the knob accepts
 * @k:	the knob
 * @v:	the value (for a STR knob: a NUL-terminated name)
 *
 * Return: true when it lies in the table's range (STR: its length does).
 */
bool ptpu_knob_in_range(const struct ptpu_knob *k, const union ptpu_knob_value *v)
{
	u64 n = k->type == PTPU_KNOB_TYPE_STR ? strnlen(v->str, sizeof(v->str)) : v->num;

	return n >= k->range.min && n <= k->range.max;
}

/**
 * ptpu_knob_load() - a clock knob's value at load
 * @dev:	the clock's device, for the warning
 * @id:		the knob
 * @v:		receives its module parameter, checked
 *
 * Out of range, an arbiter knob takes its default with a warning and a
 * source's knob is clamped (docs/ABI/ documents both). A STR parameter is
 * taken as it is: module_param_string() bounds its length, and empty has a
 * meaning (no rtc source).
 */
void ptpu_knob_load(struct device *dev, enum ptpu_knob_id id,
		    union ptpu_knob_value *v)
{
	const struct ptpu_knob *k = &ptpu_knobs[id];

	k->load(v);
	if (k->type == PTPU_KNOB_TYPE_STR || ptpu_knob_in_range(k, v))
		return;
	if (k->owner == PTPU_KNOB_OWNER_ARBITER) {
		dev_warn(dev, "%s=%llu is outside %llu..%llu, using the default %llu\n",
			 k->name, v->num, k->range.min, k->range.max, k->def);
		v->num = k->def;
	} else {
		v->num = clamp(v->num, k->range.min, k->range.max);
	}
}

/**
 * ptpu_knobs_load_config() - the arbiter's configuration at load
 * @dev:	the clock's device, for warnings
 * @cfg:	receives the arbiter's defaults with every ARBITER knob of the
 *		table set from its module parameter (ptpu_knob_load())
 */
void ptpu_knobs_load_config(struct device *dev, struct ptpu_arbiter_config *cfg)
{
	struct ptpu_knob_ctx ctx = { .cfg = cfg };
	union ptpu_knob_value v;
	int id;

	ptpu_arbiter_default_config(cfg);
	for (id = 0; id < PTPU_KNOB_COUNT; id++) {
		if (ptpu_knobs[id].owner != PTPU_KNOB_OWNER_ARBITER)
			continue;
		ptpu_knob_load(dev, id, &v);
		ptpu_knobs[id].set(&ctx, &v);
	}
}

/**
 * ptpu_knob_get() - the value of one clock knob, without the writers' lock
 * @pd:	the clock
 * @id:	the knob, present on @pd (ptpu_knob_present())
 * @v:	receives the value
 */
void ptpu_knob_get(struct ptpu_dev *pd, enum ptpu_knob_id id,
		   union ptpu_knob_value *v)
{
	struct ptpu_arbiter_config cfg;
	struct ptpu_knob_ctx ctx = { .pd = pd, .cfg = &cfg };

	if (ptpu_knobs[id].owner == PTPU_KNOB_OWNER_ARBITER)
		ptpu_read_config(pd, &cfg);
	ptpu_knobs[id].get(&ctx, v);
}

/**
 * ptpu_knobs_get() - the values of every clock knob present
 * @pd:		the clock
 * @vals:	receives them, by knob id (absent knobs are left alone)
 *
 * The arbiter's knobs come from one copy of its configuration, so they are
 * the values of one moment.
 */
void ptpu_knobs_get(struct ptpu_dev *pd, union ptpu_knob_value *vals)
{
	struct ptpu_arbiter_config cfg;
	struct ptpu_knob_ctx ctx = { .pd = pd, .cfg = &cfg };
	int id;

	ptpu_read_config(pd, &cfg);
	for (id = 0; id < PTPU_KNOB_COUNT; id++)
		if (ptpu_knob_present(pd, &ptpu_knobs[id]))
			ptpu_knobs[id].get(&ctx, &vals[id]);
}

/* Commit the arbiter knobs of @given at once: readers see all or none. */
static int ptpu_knobs_set_arbiter(struct ptpu_dev *pd, unsigned long given,
				  const union ptpu_knob_value *vals)
{
	struct ptpu_arbiter_config cfg;
	struct ptpu_knob_ctx ctx = { .cfg = &cfg };
	struct ptpu_events ev = {};
	int id, ret;

	mutex_lock(&pd->lock);
	ptpu_update_begin(pd);
	cfg = pd->arb.cfg;
	for_each_set_bit(id, &given, PTPU_KNOB_COUNT)
		ptpu_knobs[id].set(&ctx, &vals[id]);
	ret = ptpu_arbiter_set_config(&pd->arb, &cfg);
	ptpu_update_end(pd, &ev);
	mutex_unlock(&pd->lock);
	return ret;
}

/**
 * ptpu_knobs_set() - change clock knobs: all that are given, or none
 * @pd:		the clock
 * @given:	bit PTPU_KNOB_<ID> set: change that knob to @vals[PTPU_KNOB_<ID>]
 * @vals:	the new values
 * @bad:	on an error, the knob refused (-1: the arbiter refused the
 *		configuration as a whole)
 *
 * Everything that can be refused is checked before anything changes: that
 * each knob exists and each value is in range. Switching the RTC, the one
 * change that can still fail, goes first; the arbiter's knobs then change
 * together, and the sources' intervals last.
 *
 * Return: 0; -EOPNOTSUPP for a knob whose source is absent; -EINVAL for a
 * value out of range, or from the RTC switch.
 */
int ptpu_knobs_set(struct ptpu_dev *pd, unsigned long given,
		   const union ptpu_knob_value *vals, int *bad)
{
	struct ptpu_knob_ctx ctx = { .pd = pd };
	unsigned long arbiter = 0;
	int id, ret;

	for_each_set_bit(id, &given, PTPU_KNOB_COUNT) {
		*bad = id;
		if (!ptpu_knob_present(pd, &ptpu_knobs[id]))
			return -EOPNOTSUPP;
		if (!ptpu_knob_in_range(&ptpu_knobs[id], &vals[id]))
			return -EINVAL;
		if (ptpu_knobs[id].owner == PTPU_KNOB_OWNER_ARBITER)
			arbiter |= BIT(id);
	}
	for_each_set_bit(id, &given, PTPU_KNOB_COUNT) {
		if (ptpu_knobs[id].type != PTPU_KNOB_TYPE_STR)
			continue;
		*bad = id;
		ret = ptpu_knobs[id].set(&ctx, &vals[id]);
		if (ret)
			return ret;
	}
	if (arbiter) {
		*bad = -1;
		ret = ptpu_knobs_set_arbiter(pd, arbiter, vals);
		if (ret)
			return ret;
	}
	for_each_set_bit(id, &given, PTPU_KNOB_COUNT)
		if (!(arbiter & BIT(id)) && ptpu_knobs[id].type != PTPU_KNOB_TYPE_STR)
			ptpu_knobs[id].set(&ctx, &vals[id]);
	return 0;
}

/**
 * ptpu_source_knob_get() - the value of one source knob
 * @st:	the source's status (from a snapshot: ptpu_snapshot_take())
 * @id:	the knob
 * @v:	receives the value
 */
void ptpu_source_knob_get(const struct ptpu_source_status *st,
			  enum ptpu_source_knob_id id, union ptpu_knob_value *v)
{
	struct ptpu_source_config sc = st->cfg;
	struct ptpu_knob_ctx ctx = { .sc = &sc };

	ptpu_source_knobs[id].get(&ctx, v);
}

/**
 * ptpu_source_knobs_set() - change a source's knobs: all given, or none
 * @pd:		the clock
 * @idx:	the source's arbiter index
 * @given:	bit PTPU_KNOB_<ID> set: change that knob to @vals[PTPU_KNOB_<ID>]
 * @vals:	the new values
 *
 * Return: 0, -EINVAL for a value out of range, -ENOENT when the source is
 * gone.
 */
int ptpu_source_knobs_set(struct ptpu_dev *pd, int idx, unsigned long given,
			  const union ptpu_knob_value *vals)
{
	struct ptpu_source_status st;
	struct ptpu_source_config sc;
	struct ptpu_knob_ctx ctx = { .sc = &sc };
	struct ptpu_events ev = {};
	s64 now;
	int id, ret;

	for_each_set_bit(id, &given, PTPU_SOURCE_KNOB_COUNT)
		if (!ptpu_knob_in_range(&ptpu_source_knobs[id], &vals[id]))
			return -EINVAL;

	mutex_lock(&pd->lock);
	now = ptpu_update_begin(pd);
	ret = ptpu_arbiter_source_status(&pd->arb, idx, now, &st);
	if (!ret) {
		sc = st.cfg;
		for_each_set_bit(id, &given, PTPU_SOURCE_KNOB_COUNT)
			ptpu_source_knobs[id].set(&ctx, &vals[id]);
		ret = ptpu_arbiter_source_config(&pd->arb, idx, &sc, now, &ev);
	}
	ptpu_update_end(pd, &ev);
	mutex_unlock(&pd->lock);
	return ret;
}
