// SPDX-License-Identifier: GPL-2.0-only
/*
 * The generic netlink family "ptp_unified" (docs/netlink/ptp_unified.yaml):
 * external sources and their samples, the state of every source and of the
 * clock, the knobs, and a multicast group of events.
 *
 * The family lives from module init to exit, the clock from probe to
 * teardown. Every operation runs with ptpu_nl_lock held and finds the clock
 * in ptpu_nl_dev; the teardown clears that pointer under the same lock, so an
 * operation sees either a whole clock or none, and rmmod waits for a running
 * operation instead of pulling the clock from under it. Operations are also
 * serialised by the genetlink core (no parallel_ops), which is what keeps
 * adding and removing sources, and their sysfs directories, in order.
 *
 * Validation is strict for every command: resv_start_op is 0, so the core
 * rejects unknown attributes, trailing data and non-zero reserved header
 * fields, and checks types, lengths and ranges against the per-command
 * policies below before a handler runs (the knobs' policies are made from
 * the knob table at registration). The handlers check what a policy cannot
 * express and say which attribute they refused.
 *
 * Reads (source-get and its dump, config-get, status-get) never take
 * pd->lock: they evaluate a snapshot of the arbiter. The events group is
 * fed by a subscription to the time base's events.
 */
#include <linux/bitops.h>
#include <linux/capability.h>
#include <linux/ctype.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <net/genetlink.h>

#include "compat.h"
#include "knobs.h"
#include "ptp_unified.h"
#include "uapi/linux/ptp_unified.h"

/* genl_ops.internal_flags: the command changes the clock */
#define PTPU_NL_WRITE	BIT(0)

static DEFINE_MUTEX(ptpu_nl_lock);
static struct ptpu_dev *ptpu_nl_dev;	/* under ptpu_nl_lock */

static const struct nla_policy ptpu_nl_name_policy[PTP_UNIFIED_A_SOURCE_NAME + 1] = {
	[PTP_UNIFIED_A_SOURCE_NAME] = { .type = NLA_NUL_STRING, .len = PTPU_NAME_LEN - 1 },
};

/* Only external classes: the kvm and rtc sources are built in. */
static const struct nla_policy ptpu_nl_source_add_policy[PTP_UNIFIED_A_SOURCE_CLASS + 1] = {
	[PTP_UNIFIED_A_SOURCE_NAME] = { .type = NLA_NUL_STRING, .len = PTPU_NAME_LEN - 1 },
	[PTP_UNIFIED_A_SOURCE_CLASS] = NLA_POLICY_RANGE(NLA_U32, PTP_UNIFIED_CLASS_NTP,
							PTP_UNIFIED_CLASS_OTHER),
};

/* Not const: Linux 6.1's nla_policy points at it without const. */
static struct netlink_range_validation ptpu_nl_bound_range = {
	.min = 1,
	.max = PTPU_SAMPLE_BOUND_MAX,
};

static const struct nla_policy ptpu_nl_sample_policy[PTP_UNIFIED_A_SAMPLE_MAX + 1] = {
	[PTP_UNIFIED_A_SAMPLE_SOURCE] = { .type = NLA_NUL_STRING, .len = PTPU_NAME_LEN - 1 },
	[PTP_UNIFIED_A_SAMPLE_CLASS] = NLA_POLICY_RANGE(NLA_U32, PTP_UNIFIED_CLASS_NTP,
							PTP_UNIFIED_CLASS_OTHER),
	[PTP_UNIFIED_A_SAMPLE_STRATUM] = NLA_POLICY_MAX(NLA_U8, 15),
	[PTP_UNIFIED_A_SAMPLE_LEAP] = NLA_POLICY_MAX(NLA_U8, PTP_UNIFIED_LEAP_DEL),
	[PTP_UNIFIED_A_SAMPLE_RAW] = { .type = NLA_S64 },
	[PTP_UNIFIED_A_SAMPLE_REF] = { .type = NLA_S64 },
	[PTP_UNIFIED_A_SAMPLE_BOUND] = NLA_POLICY_FULL_RANGE(NLA_U64, &ptpu_nl_bound_range),
};

/*
 * The knobs' policies: each knob's type and range from the knob table
 * (ptpu_nl_knob_policies()), with the name of the source a nest of source
 * knobs is for, and the nests in CONFIG_SET.
 */
static struct nla_policy
ptpu_nl_source_cfg_policy[PTP_UNIFIED_A_SOURCE_PREFER + 1] __ro_after_init = {
	[PTP_UNIFIED_A_SOURCE_NAME] = { .type = NLA_NUL_STRING, .len = PTPU_NAME_LEN - 1 },
};

static struct nla_policy ptpu_nl_config_policy[PTP_UNIFIED_A_CONFIG_MAX + 1] __ro_after_init = {
	[PTP_UNIFIED_A_CONFIG_SOURCE] = NLA_POLICY_NESTED(ptpu_nl_source_cfg_policy),
};

/*
 * A knob's policy: its type and the table's range, as NLA_POLICY_FULL_RANGE()
 * sets them (a struct nla_policy has const members: it cannot be assigned
 * whole). A name's policy has its length, a NUL-terminated string no
 * minimum.
 */
static void ptpu_nl_knob_policy(struct nla_policy *pol, struct ptpu_knob *k)
{
	struct nla_policy *p = &pol[k->nl_attr];

	switch (k->type) {
	case PTPU_KNOB_TYPE_U32:
		p->type = NLA_U32;
		break;
	case PTPU_KNOB_TYPE_U64:
		p->type = NLA_U64;
		break;
	case PTPU_KNOB_TYPE_BOOL:
		p->type = NLA_U8;
		break;
	case PTPU_KNOB_TYPE_STR:
		p->type = NLA_NUL_STRING;
		p->len = k->range.max;
		return;
	}
	p->validation_type = NLA_VALIDATE_RANGE_PTR;
	p->range = &k->range;
}

static void ptpu_nl_knob_policies(void)
{
	int i;

	for (i = 0; i < PTPU_KNOB_COUNT; i++)
		ptpu_nl_knob_policy(ptpu_nl_config_policy, &ptpu_knobs[i]);
	for (i = 0; i < PTPU_SOURCE_KNOB_COUNT; i++)
		ptpu_nl_knob_policy(ptpu_nl_source_cfg_policy, &ptpu_source_knobs[i]);
}

/* A knob's attribute as a value of its type (the policy has checked it). */
static void ptpu_nl_get_knob(const struct ptpu_knob *k, const struct nlattr *a,
			     union ptpu_knob_value *v)
{
	switch (k->type) {
	case PTPU_KNOB_TYPE_U32:
		v->num = nla_get_u32(a);
		break;
	case PTPU_KNOB_TYPE_U64:
		v->num = nla_get_u64(a);
		break;
	case PTPU_KNOB_TYPE_BOOL:
		v->num = nla_get_u8(a);
		break;
	case PTPU_KNOB_TYPE_STR:
		nla_strscpy(v->str, a, sizeof(v->str));
		break;
	}
}

static int ptpu_nl_put_knob(struct sk_buff *skb, const struct ptpu_knob *k,
			    const union ptpu_knob_value *v, int pad)
{
	switch (k->type) {
	case PTPU_KNOB_TYPE_U32:
		return nla_put_u32(skb, k->nl_attr, v->num);
	case PTPU_KNOB_TYPE_U64:
		return nla_put_u64_64bit(skb, k->nl_attr, v->num, pad);
	case PTPU_KNOB_TYPE_BOOL:
		return nla_put_u8(skb, k->nl_attr, v->num);
	case PTPU_KNOB_TYPE_STR:
		break;
	}
	return nla_put_string(skb, k->nl_attr, v->str);
}

/* The source knobs of @st, as attributes of the source attribute set. */
static int ptpu_nl_put_source_knobs(struct sk_buff *skb,
				    const struct ptpu_source_status *st)
{
	union ptpu_knob_value v;
	int i;

	for (i = 0; i < PTPU_SOURCE_KNOB_COUNT; i++) {
		ptpu_source_knob_get(st, i, &v);
		if (ptpu_nl_put_knob(skb, &ptpu_source_knobs[i], &v,
				     PTP_UNIFIED_A_SOURCE_PAD))
			return -EMSGSIZE;
	}
	return 0;
}

static struct genl_family ptpu_nl_family __ro_after_init;

/* Sources added over netlink: built-in ones are not theirs to remove or feed. */
static bool ptpu_nl_class_external(enum ptpu_class cls)
{
	return cls == PTPU_CLASS_NTP || cls == PTPU_CLASS_PHC || cls == PTPU_CLASS_OTHER;
}

/* A source's name becomes a sysfs directory: no '/', no "." or "..". */
static bool ptpu_nl_name_valid(const char *s)
{
	if (!*s || *s == '.')
		return false;
	for (; *s; s++)
		if (!isalnum(*s) && *s != '-' && *s != '_' && *s != '.')
			return false;
	return true;
}

/*
 * For the commands that change a source: look it up by name, its status in
 * @st. Under pd->lock, like the change that follows (and cheaper than a
 * snapshot for one source).
 */
static int ptpu_nl_find(struct ptpu_dev *pd, const char *name,
			struct ptpu_source_status *st)
{
	int idx;

	mutex_lock(&pd->lock);
	idx = ptpu_arbiter_find(&pd->arb, name);
	if (idx >= 0 && ptpu_arbiter_source_status(&pd->arb, idx, ktime_get_raw_ns(), st))
		idx = -ENOENT;
	mutex_unlock(&pd->lock);
	return idx;
}

static void ptpu_nl_unregister_source(struct ptpu_dev *pd, int idx)
{
	ptpu_source_remove(pd, idx);
	ptpu_sysfs_source_del(pd, idx);
}

/* Register an external source and give it its sysfs directory. */
static int ptpu_nl_add_source(struct ptpu_dev *pd, const struct nlattr *name,
			      enum ptpu_class cls, struct netlink_ext_ack *extack)
{
	int idx, ret;

	if (!ptpu_nl_name_valid(nla_data(name))) {
		NL_SET_ERR_MSG_ATTR(extack, name,
				    "source name: 1 to 15 letters, digits, '-', '_' or '.', not starting with '.'");
		return -EINVAL;
	}
	idx = ptpu_source_add(pd, nla_data(name), cls);
	if (idx == -EEXIST) {
		NL_SET_ERR_MSG_ATTR(extack, name, "a source of this name exists");
		return idx;
	}
	if (idx == -ENOSPC) {
		NL_SET_ERR_MSG_MOD(extack, "no free source slot (16 sources at most)");
		return idx;
	}
	if (idx < 0) {
		NL_SET_ERR_MSG_ATTR(extack, name, "source name refused");
		return idx;
	}
	ret = ptpu_sysfs_source_add(pd, idx, nla_data(name));
	if (ret) {
		ptpu_nl_unregister_source(pd, idx);
		NL_SET_ERR_MSG_MOD(extack, "cannot create the source's sysfs directory");
		return ret;
	}
	return idx;
}

static int ptpu_nl_source_add(struct sk_buff *skb, struct genl_info *info)
{
	struct ptpu_dev *pd = info->user_ptr[0];
	int idx;

	if (GENL_REQ_ATTR_CHECK(info, PTP_UNIFIED_A_SOURCE_NAME)) {
		NL_SET_ERR_MSG_MOD(info->extack, "missing attribute: source name");
		return -EINVAL;
	}
	if (GENL_REQ_ATTR_CHECK(info, PTP_UNIFIED_A_SOURCE_CLASS)) {
		NL_SET_ERR_MSG_MOD(info->extack, "missing attribute: source class");
		return -EINVAL;
	}
	idx = ptpu_nl_add_source(pd, info->attrs[PTP_UNIFIED_A_SOURCE_NAME],
				 nla_get_u32(info->attrs[PTP_UNIFIED_A_SOURCE_CLASS]),
				 info->extack);
	return idx < 0 ? idx : 0;
}

static int ptpu_nl_source_del(struct sk_buff *skb, struct genl_info *info)
{
	struct ptpu_dev *pd = info->user_ptr[0];
	struct nlattr *name = info->attrs[PTP_UNIFIED_A_SOURCE_NAME];
	struct ptpu_source_status st;
	int idx;

	if (GENL_REQ_ATTR_CHECK(info, PTP_UNIFIED_A_SOURCE_NAME)) {
		NL_SET_ERR_MSG_MOD(info->extack, "missing attribute: source name");
		return -EINVAL;
	}
	idx = ptpu_nl_find(pd, nla_data(name), &st);
	if (idx < 0) {
		NL_SET_ERR_MSG_ATTR(info->extack, name, "no source of this name");
		return -ENOENT;
	}
	if (!ptpu_nl_class_external(st.cls)) {
		NL_SET_ERR_MSG_ATTR(info->extack, name,
				    "a built-in source cannot be removed (disable it instead)");
		return -EOPNOTSUPP;
	}
	ptpu_nl_unregister_source(pd, idx);
	return 0;
}

static int ptpu_nl_put_source(struct sk_buff *skb, const struct ptpu_source_status *st)
{
	if (nla_put_string(skb, PTP_UNIFIED_A_SOURCE_NAME, st->name) ||
	    nla_put_u32(skb, PTP_UNIFIED_A_SOURCE_CLASS, st->cls) ||
	    ptpu_nl_put_source_knobs(skb, st) ||
	    nla_put_u8(skb, PTP_UNIFIED_A_SOURCE_AVAILABLE, st->available) ||
	    nla_put_u8(skb, PTP_UNIFIED_A_SOURCE_SELECTED, st->selected) ||
	    nla_put_u8(skb, PTP_UNIFIED_A_SOURCE_CALIBRATED, st->calibrated) ||
	    nla_put_u8(skb, PTP_UNIFIED_A_SOURCE_FALSETICKER, st->falseticker) ||
	    nla_put_u8(skb, PTP_UNIFIED_A_SOURCE_SUSPECT, st->suspect) ||
	    nla_put_u8(skb, PTP_UNIFIED_A_SOURCE_STRATUM, st->stratum) ||
	    nla_put_u8(skb, PTP_UNIFIED_A_SOURCE_LEAP, st->leap) ||
	    nla_put_u32(skb, PTP_UNIFIED_A_SOURCE_SAMPLES, st->samples) ||
	    nla_put_s64(skb, PTP_UNIFIED_A_SOURCE_OFFSET, st->offset_ns,
			PTP_UNIFIED_A_SOURCE_PAD) ||
	    nla_put_u64_64bit(skb, PTP_UNIFIED_A_SOURCE_BOUND, st->bound_ns,
			      PTP_UNIFIED_A_SOURCE_PAD) ||
	    nla_put_u64_64bit(skb, PTP_UNIFIED_A_SOURCE_JITTER, st->jitter_ns,
			      PTP_UNIFIED_A_SOURCE_PAD) ||
	    nla_put_s64(skb, PTP_UNIFIED_A_SOURCE_AGE, st->age_ns,
			PTP_UNIFIED_A_SOURCE_PAD) ||
	    nla_put_s64(skb, PTP_UNIFIED_A_SOURCE_FREQ, st->freq_ppb,
			PTP_UNIFIED_A_SOURCE_PAD))
		return -EMSGSIZE;
	return 0;
}

static int ptpu_nl_fill_source(struct sk_buff *skb, const struct ptpu_source_status *st,
			       u32 portid, u32 seq, int flags)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &ptpu_nl_family, flags,
			  PTP_UNIFIED_CMD_SOURCE_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (ptpu_nl_put_source(skb, st)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int ptpu_nl_source_get(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *name = info->attrs[PTP_UNIFIED_A_SOURCE_NAME];
	struct ptpu_source_status st;
	struct ptpu_snapshot *snap;
	struct sk_buff *msg;
	int idx, ret;

	if (GENL_REQ_ATTR_CHECK(info, PTP_UNIFIED_A_SOURCE_NAME)) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "missing attribute: source name (or dump them all)");
		return -EINVAL;
	}
	snap = ptpu_snapshot_take(info->user_ptr[0]);
	if (!snap)
		return -ENOMEM;
	idx = ptpu_arbiter_find(&snap->arb, nla_data(name));
	ret = ptpu_arbiter_source_status(&snap->arb, idx, snap->raw, &st);
	kvfree(snap);
	if (ret) {
		NL_SET_ERR_MSG_ATTR(info->extack, name, "no source of this name");
		return -ENOENT;
	}
	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	ret = ptpu_nl_fill_source(msg, &st, info->snd_portid, info->snd_seq, 0);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
}

/*
 * One message per source; cb->args[0] is the next arbiter index to look at.
 * Each part of the dump evaluates its own snapshot: every message holds
 * one source's fields from one update.
 */
static int ptpu_nl_source_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct ptpu_source_status st;
	struct ptpu_snapshot *snap;
	int idx, ret = 0;

	mutex_lock(&ptpu_nl_lock);
	if (!ptpu_nl_dev) {
		mutex_unlock(&ptpu_nl_lock);
		return -ENODEV;
	}
	snap = ptpu_snapshot_take(ptpu_nl_dev);
	mutex_unlock(&ptpu_nl_lock);
	if (!snap)
		return -ENOMEM;
	for (idx = cb->args[0]; idx < PTPU_MAX_SOURCES; idx++) {
		if (ptpu_arbiter_source_status(&snap->arb, idx, snap->raw, &st))
			continue;
		ret = ptpu_nl_fill_source(skb, &st, NETLINK_CB(cb->skb).portid,
					  cb->nlh->nlmsg_seq, NLM_F_MULTI);
		if (ret)
			break;
	}
	cb->args[0] = idx;
	kvfree(snap);
	/* A full message continues in the next one, unless it held nothing. */
	return ret && !skb->len ? ret : skb->len;
}

static int ptpu_nl_sample_push(struct sk_buff *skb, struct genl_info *info)
{
	struct ptpu_dev *pd = info->user_ptr[0];
	struct nlattr **tb = info->attrs;
	struct nlattr *name = tb[PTP_UNIFIED_A_SAMPLE_SOURCE];
	struct nlattr *cls = tb[PTP_UNIFIED_A_SAMPLE_CLASS];
	struct ptpu_source_status st;
	struct ptpu_sample smp = {};
	bool created = false;
	int idx, ret;

	if (GENL_REQ_ATTR_CHECK(info, PTP_UNIFIED_A_SAMPLE_SOURCE)) {
		NL_SET_ERR_MSG_MOD(info->extack, "missing attribute: sample source");
		return -EINVAL;
	}
	if (GENL_REQ_ATTR_CHECK(info, PTP_UNIFIED_A_SAMPLE_RAW)) {
		NL_SET_ERR_MSG_MOD(info->extack, "missing attribute: sample raw time");
		return -EINVAL;
	}
	if (GENL_REQ_ATTR_CHECK(info, PTP_UNIFIED_A_SAMPLE_REF)) {
		NL_SET_ERR_MSG_MOD(info->extack, "missing attribute: sample reference time");
		return -EINVAL;
	}
	if (GENL_REQ_ATTR_CHECK(info, PTP_UNIFIED_A_SAMPLE_BOUND)) {
		NL_SET_ERR_MSG_MOD(info->extack, "missing attribute: sample bound");
		return -EINVAL;
	}
	idx = ptpu_nl_find(pd, nla_data(name), &st);
	if (idx < 0) {
		if (!cls) {
			NL_SET_ERR_MSG_ATTR(info->extack, name,
					    "no source of this name (give a class to create it)");
			return -ENOENT;
		}
		idx = ptpu_nl_add_source(pd, name, nla_get_u32(cls), info->extack);
		if (idx < 0)
			return idx;
		created = true;
	} else if (!ptpu_nl_class_external(st.cls)) {
		NL_SET_ERR_MSG_ATTR(info->extack, name,
				    "a built-in source takes no samples from userspace");
		return -EOPNOTSUPP;
	} else if (cls && nla_get_u32(cls) != st.cls) {
		NL_SET_ERR_MSG_ATTR(info->extack, cls, "the source has another class");
		return -EINVAL;
	}

	smp.raw_ns = nla_get_s64(tb[PTP_UNIFIED_A_SAMPLE_RAW]);
	smp.ref_ns = nla_get_s64(tb[PTP_UNIFIED_A_SAMPLE_REF]);
	smp.bound_ns = nla_get_u64(tb[PTP_UNIFIED_A_SAMPLE_BOUND]);
	if (tb[PTP_UNIFIED_A_SAMPLE_LEAP])
		smp.leap = nla_get_u8(tb[PTP_UNIFIED_A_SAMPLE_LEAP]);
	if (tb[PTP_UNIFIED_A_SAMPLE_STRATUM])
		smp.stratum = nla_get_u8(tb[PTP_UNIFIED_A_SAMPLE_STRATUM]);

	ret = ptpu_submit_sample(pd, idx, &smp);
	switch (ret) {
	case 0:
		return 0;
	case -EINVAL:
		/* The policy has checked the bound and the leap indicator. */
		NL_SET_ERR_MSG_ATTR(info->extack, tb[PTP_UNIFIED_A_SAMPLE_RAW],
				    "raw time in the future or not after the source's previous sample");
		break;
	case -ERANGE:
		NL_SET_ERR_MSG_ATTR(info->extack, tb[PTP_UNIFIED_A_SAMPLE_REF],
				    "reference minus raw time overflows");
		break;
	case -ESTALE:
		NL_SET_ERR_MSG_ATTR(info->extack, tb[PTP_UNIFIED_A_SAMPLE_RAW],
				    "sample older than the staleness limit");
		break;
	default:
		NL_SET_ERR_MSG_MOD(info->extack, "sample refused");
		break;
	}
	/* All or nothing: a refused first sample does not leave its source. */
	if (created)
		ptpu_nl_unregister_source(pd, idx);
	return ret;
}

/* Every knob that exists, then one nest of knobs per source. */
static int ptpu_nl_put_config(struct sk_buff *skb, struct ptpu_dev *pd)
{
	union ptpu_knob_value vals[PTPU_KNOB_COUNT];
	struct ptpu_source_status st;
	struct ptpu_snapshot *snap;
	struct nlattr *nest;
	int i, ret = 0;

	ptpu_knobs_get(pd, vals);
	for (i = 0; i < PTPU_KNOB_COUNT; i++)
		if (ptpu_knob_present(pd, &ptpu_knobs[i]) &&
		    ptpu_nl_put_knob(skb, &ptpu_knobs[i], &vals[i], PTP_UNIFIED_A_CONFIG_PAD))
			return -EMSGSIZE;

	snap = ptpu_snapshot_take(pd);
	if (!snap)
		return -ENOMEM;
	for (i = 0; i < PTPU_MAX_SOURCES && !ret; i++) {
		if (ptpu_arbiter_source_status(&snap->arb, i, snap->raw, &st))
			continue;
		nest = nla_nest_start(skb, PTP_UNIFIED_A_CONFIG_SOURCE);
		if (!nest ||
		    nla_put_string(skb, PTP_UNIFIED_A_SOURCE_NAME, st.name) ||
		    ptpu_nl_put_source_knobs(skb, &st))
			ret = -EMSGSIZE;
		else
			nla_nest_end(skb, nest);
	}
	kvfree(snap);
	return ret;
}

static int ptpu_nl_config_get(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;
	int ret;

	msg = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &ptpu_nl_family, 0, PTP_UNIFIED_CMD_CONFIG_GET);
	ret = hdr ? ptpu_nl_put_config(msg, info->user_ptr[0]) : -EMSGSIZE;
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/*
 * Resolve the source named in one CONFIG_SOURCE nest: its index, and the
 * knobs the nest changes in @given and @vals.
 */
static int ptpu_nl_source_cfg(struct ptpu_dev *pd, struct nlattr *nest,
			      unsigned long *given, union ptpu_knob_value *vals,
			      struct netlink_ext_ack *extack)
{
	struct nlattr *tb[PTP_UNIFIED_A_SOURCE_PREFER + 1];
	struct ptpu_source_status st;
	int i, idx, ret;

	ret = nla_parse_nested(tb, PTP_UNIFIED_A_SOURCE_PREFER, nest,
			       ptpu_nl_source_cfg_policy, extack);
	if (ret)
		return ret;
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, PTP_UNIFIED_A_SOURCE_NAME)) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "missing attribute: source name in source knobs");
		return -EINVAL;
	}
	idx = ptpu_nl_find(pd, nla_data(tb[PTP_UNIFIED_A_SOURCE_NAME]), &st);
	if (idx < 0) {
		NL_SET_ERR_MSG_ATTR(extack, tb[PTP_UNIFIED_A_SOURCE_NAME],
				    "no source of this name");
		return -ENOENT;
	}
	*given = 0;
	for (i = 0; i < PTPU_SOURCE_KNOB_COUNT; i++) {
		if (!tb[ptpu_source_knobs[i].nl_attr])
			continue;
		*given |= BIT(i);
		ptpu_nl_get_knob(&ptpu_source_knobs[i], tb[ptpu_source_knobs[i].nl_attr],
				 &vals[i]);
	}
	return idx;
}

/* Say which knob ptpu_knobs_set() refused, and why. */
static void ptpu_nl_knob_refused(struct genl_info *info, int bad, int err)
{
	const struct ptpu_knob *k = bad >= 0 ? &ptpu_knobs[bad] : NULL;
	struct nlattr *a = k ? info->attrs[k->nl_attr] : NULL;

	if (!k)
		NL_SET_ERR_MSG_MOD(info->extack, "arbiter refused the knobs");
	else if (err == -EOPNOTSUPP && k->owner == PTPU_KNOB_OWNER_KVM)
		NL_SET_ERR_MSG_ATTR(info->extack, a, "there is no kvm source");
	else if (err == -EOPNOTSUPP)
		NL_SET_ERR_MSG_ATTR(info->extack, a, "there is no rtc source");
	else if (k->type == PTPU_KNOB_TYPE_STR)	/* rtc_device, the only one */
		NL_SET_ERR_MSG_ATTR(info->extack, a, "no RTC of this name");
	else
		NL_SET_ERR_MSG_ATTR(info->extack, a, "value out of range");
}

/*
 * Everything that can be refused is checked before anything changes: the
 * source names here, the knobs in ptpu_knobs_set().
 */
static int ptpu_nl_config_set(struct sk_buff *skb, struct genl_info *info)
{
	union ptpu_knob_value src_vals[PTPU_SOURCE_KNOB_COUNT];
	union ptpu_knob_value vals[PTPU_KNOB_COUNT];
	struct ptpu_dev *pd = info->user_ptr[0];
	unsigned long given = 0, src_given;
	struct nlattr *a;
	int i, rem, idx, ret, bad;
	bool any = false;

	nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem) {
		any = true;
		if (nla_type(a) != PTP_UNIFIED_A_CONFIG_SOURCE)
			continue;
		idx = ptpu_nl_source_cfg(pd, a, &src_given, src_vals, info->extack);
		if (idx < 0)
			return idx;
	}
	if (!any) {
		NL_SET_ERR_MSG_MOD(info->extack, "no knob to set");
		return -EINVAL;
	}

	for (i = 0; i < PTPU_KNOB_COUNT; i++) {
		a = info->attrs[ptpu_knobs[i].nl_attr];
		if (!a)
			continue;
		given |= BIT(i);
		ptpu_nl_get_knob(&ptpu_knobs[i], a, &vals[i]);
	}
	if (given) {
		ret = ptpu_knobs_set(pd, given, vals, &bad);
		if (ret) {
			ptpu_nl_knob_refused(info, bad, ret);
			return ret;
		}
	}

	/* Sources come and go only under ptpu_nl_lock: the names still hold. */
	nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(a) != PTP_UNIFIED_A_CONFIG_SOURCE)
			continue;
		idx = ptpu_nl_source_cfg(pd, a, &src_given, src_vals, info->extack);
		if (idx >= 0)
			ptpu_source_knobs_set(pd, idx, src_given, src_vals);
	}
	return 0;
}

static int ptpu_nl_put_status(struct sk_buff *skb, const struct ptpu_status *st,
			      const char *selected, s64 raw)
{
	if (nla_put_u32(skb, PTP_UNIFIED_A_STATUS_STATE, st->state) ||
	    (st->selected >= 0 &&
	     nla_put_string(skb, PTP_UNIFIED_A_STATUS_SELECTED, selected)) ||
	    nla_put_u64_64bit(skb, PTP_UNIFIED_A_STATUS_BOUND, st->bound_ns,
			      PTP_UNIFIED_A_STATUS_PAD) ||
	    nla_put_u64_64bit(skb, PTP_UNIFIED_A_STATUS_DISRUPTIONS, st->disruptions,
			      PTP_UNIFIED_A_STATUS_PAD) ||
	    nla_put_u64_64bit(skb, PTP_UNIFIED_A_STATUS_STEPS, st->steps,
			      PTP_UNIFIED_A_STATUS_PAD) ||
	    nla_put_s64(skb, PTP_UNIFIED_A_STATUS_LAST_STEP, st->last_step_ns,
			PTP_UNIFIED_A_STATUS_PAD) ||
	    nla_put_s64(skb, PTP_UNIFIED_A_STATUS_LAST_STEP_RAW, st->last_step_raw,
			PTP_UNIFIED_A_STATUS_PAD) ||
	    nla_put_s64(skb, PTP_UNIFIED_A_STATUS_TIME, st->time_ns,
			PTP_UNIFIED_A_STATUS_PAD) ||
	    nla_put_s64(skb, PTP_UNIFIED_A_STATUS_RAW, raw, PTP_UNIFIED_A_STATUS_PAD))
		return -EMSGSIZE;
	return 0;
}

static int ptpu_nl_status_get(struct sk_buff *skb, struct genl_info *info)
{
	char name[PTPU_NAME_LEN];
	struct ptpu_snapshot *snap;
	struct ptpu_status st;
	struct sk_buff *msg;
	void *hdr;
	s64 raw;

	snap = ptpu_snapshot_take(info->user_ptr[0]);
	if (!snap)
		return -ENOMEM;
	raw = snap->raw;
	ptpu_status_read(&snap->arb, raw, &st, name);
	kvfree(snap);

	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &ptpu_nl_family, 0, PTP_UNIFIED_CMD_STATUS_GET);
	if (!hdr || ptpu_nl_put_status(msg, &st, name, raw)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/*
 * Writes need CAP_SYS_TIME, like setting the system clock: a sample or a
 * knob moves the time every reader of this clock gets. netlink_capable()
 * checks both the socket's opener and the sender. Then pin the clock for
 * the operation (released in post_doit, which runs only when this
 * succeeds).
 */
static int ptpu_nl_pre_doit(const struct ptpu_genl_op *ops, struct sk_buff *skb,
			    struct genl_info *info)
{
	if ((ops->internal_flags & PTPU_NL_WRITE) &&
	    !netlink_capable(skb, CAP_SYS_TIME)) {
		NL_SET_ERR_MSG_MOD(info->extack, "changing the clock needs CAP_SYS_TIME");
		return -EPERM;
	}
	mutex_lock(&ptpu_nl_lock);
	if (!ptpu_nl_dev) {
		mutex_unlock(&ptpu_nl_lock);
		NL_SET_ERR_MSG_MOD(info->extack, "the clock is going away");
		return -ENODEV;
	}
	info->user_ptr[0] = ptpu_nl_dev;
	return 0;
}

static void ptpu_nl_post_doit(const struct ptpu_genl_op *ops, struct sk_buff *skb,
			      struct genl_info *info)
{
	mutex_unlock(&ptpu_nl_lock);
}

static const struct genl_ops ptpu_nl_ops[] = {
	{
		.cmd		= PTP_UNIFIED_CMD_SOURCE_ADD,
		.doit		= ptpu_nl_source_add,
		.policy		= ptpu_nl_source_add_policy,
		.maxattr	= ARRAY_SIZE(ptpu_nl_source_add_policy) - 1,
		.internal_flags	= PTPU_NL_WRITE,
	},
	{
		.cmd		= PTP_UNIFIED_CMD_SOURCE_DEL,
		.doit		= ptpu_nl_source_del,
		.policy		= ptpu_nl_name_policy,
		.maxattr	= ARRAY_SIZE(ptpu_nl_name_policy) - 1,
		.internal_flags	= PTPU_NL_WRITE,
	},
	{
		.cmd		= PTP_UNIFIED_CMD_SOURCE_GET,
		.doit		= ptpu_nl_source_get,
		.dumpit		= ptpu_nl_source_dump,
		.policy		= ptpu_nl_name_policy,
		.maxattr	= ARRAY_SIZE(ptpu_nl_name_policy) - 1,
	},
	{
		.cmd		= PTP_UNIFIED_CMD_SAMPLE_PUSH,
		.doit		= ptpu_nl_sample_push,
		.policy		= ptpu_nl_sample_policy,
		.maxattr	= ARRAY_SIZE(ptpu_nl_sample_policy) - 1,
		.internal_flags	= PTPU_NL_WRITE,
	},
	{
		/* No policy: the core refuses every attribute. */
		.cmd		= PTP_UNIFIED_CMD_CONFIG_GET,
		.doit		= ptpu_nl_config_get,
	},
	{
		.cmd		= PTP_UNIFIED_CMD_CONFIG_SET,
		.doit		= ptpu_nl_config_set,
		.policy		= ptpu_nl_config_policy,
		.maxattr	= ARRAY_SIZE(ptpu_nl_config_policy) - 1,
		.internal_flags	= PTPU_NL_WRITE,
	},
	{
		.cmd		= PTP_UNIFIED_CMD_STATUS_GET,
		.doit		= ptpu_nl_status_get,
	},
};

static const struct genl_multicast_group ptpu_nl_mcgrps[] = {
	{ .name = PTP_UNIFIED_MCGRP_EVENTS },
};

static struct genl_family ptpu_nl_family __ro_after_init = {
	.name		= PTP_UNIFIED_FAMILY_NAME,
	.version	= PTP_UNIFIED_FAMILY_VERSION,
	.module		= THIS_MODULE,
	.ops		= ptpu_nl_ops,
	.n_ops		= ARRAY_SIZE(ptpu_nl_ops),
	.mcgrps		= ptpu_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(ptpu_nl_mcgrps),
	.pre_doit	= ptpu_nl_pre_doit,
	.post_doit	= ptpu_nl_post_doit,
	/*
	 * Commands from this number on get strict validation (and need a
	 * policy, else every attribute is refused); the ones below it would
	 * be parsed liberally, for old families. Every command here is new.
	 */
	.resv_start_op	= 0,
};

/* Build and send one event; @fill adds its attributes. */
static void ptpu_nl_event(u8 cmd, int (*fill)(struct sk_buff *skb, const void *arg),
			  const void *arg)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &ptpu_nl_family, 0, cmd);
	if (!hdr || fill(msg, arg)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast(&ptpu_nl_family, msg, 0, 0, GFP_KERNEL);
}

struct ptpu_nl_ev_status {
	struct ptpu_status st;
	char name[PTPU_NAME_LEN];
};

static int ptpu_nl_fill_selection(struct sk_buff *skb, const void *arg)
{
	const struct ptpu_nl_ev_status *e = arg;

	if (nla_put_u32(skb, PTP_UNIFIED_A_STATUS_STATE, e->st.state) ||
	    (e->st.selected >= 0 &&
	     nla_put_string(skb, PTP_UNIFIED_A_STATUS_SELECTED, e->name)))
		return -EMSGSIZE;
	return 0;
}

static int ptpu_nl_fill_disruption(struct sk_buff *skb, const void *arg)
{
	const struct ptpu_nl_ev_status *e = arg;

	if (nla_put_s64(skb, PTP_UNIFIED_A_STATUS_LAST_STEP, e->st.last_step_ns,
			PTP_UNIFIED_A_STATUS_PAD) ||
	    nla_put_s64(skb, PTP_UNIFIED_A_STATUS_LAST_STEP_RAW, e->st.last_step_raw,
			PTP_UNIFIED_A_STATUS_PAD) ||
	    nla_put_u64_64bit(skb, PTP_UNIFIED_A_STATUS_DISRUPTIONS, e->st.disruptions,
			      PTP_UNIFIED_A_STATUS_PAD) ||
	    nla_put_u64_64bit(skb, PTP_UNIFIED_A_STATUS_STEPS, e->st.steps,
			      PTP_UNIFIED_A_STATUS_PAD))
		return -EMSGSIZE;
	return 0;
}

struct ptpu_nl_ev_lost {
	const char *name;
	u32 cls;
};

static int ptpu_nl_fill_lost(struct sk_buff *skb, const void *arg)
{
	const struct ptpu_nl_ev_lost *e = arg;

	if (nla_put_string(skb, PTP_UNIFIED_A_SOURCE_NAME, e->name) ||
	    nla_put_u32(skb, PTP_UNIFIED_A_SOURCE_CLASS, e->cls))
		return -EMSGSIZE;
	return 0;
}

/*
 * The time base's events, multicast. They come synchronously in the call
 * that made the change, with pd->lock held, so a disruption reaches
 * listeners (phc-steer steps the system clock on it) within the same
 * microseconds as the step itself. Nothing is built without a listener.
 * Process context, no spinlock held: GFP_KERNEL allocations.
 */
static int ptpu_nl_on_event(struct notifier_block *nb, unsigned long mask,
			    void *data)
{
	const struct ptpu_event *event = data;
	unsigned long bits = event->ev->lost;
	struct ptpu_source_status src;
	struct ptpu_nl_ev_status e;
	struct ptpu_nl_ev_lost lost;
	s64 raw;
	int i;

	if (!genl_has_listeners(&ptpu_nl_family, &init_net, 0))
		return NOTIFY_DONE;

	raw = ktime_get_raw_ns();
	ptpu_status_read(event->arb, raw, &e.st, e.name);
	if (mask & PTPU_EV_DISRUPTION)
		ptpu_nl_event(PTP_UNIFIED_CMD_EV_DISRUPTION, ptpu_nl_fill_disruption, &e);
	if (mask & PTPU_EV_SELECTION)
		ptpu_nl_event(PTP_UNIFIED_CMD_EV_SELECTION, ptpu_nl_fill_selection, &e);
	if (mask & PTPU_EV_STATE)
		ptpu_nl_event(PTP_UNIFIED_CMD_EV_STATE, ptpu_nl_fill_selection, &e);
	if (!(mask & PTPU_EV_LOST))
		return NOTIFY_DONE;
	for_each_set_bit(i, &bits, PTPU_MAX_SOURCES) {
		if (ptpu_arbiter_source_status(event->arb, i, raw, &src))
			continue;
		lost.name = src.name;
		lost.cls = src.cls;
		ptpu_nl_event(PTP_UNIFIED_CMD_EV_SOURCE_LOST, ptpu_nl_fill_lost, &lost);
	}
	return NOTIFY_DONE;
}

static struct notifier_block ptpu_nl_events = {
	.notifier_call = ptpu_nl_on_event,
};

static void ptpu_netlink_detach(void *data)
{
	struct ptpu_dev *pd = data;

	ptpu_events_unsubscribe(pd, &ptpu_nl_events);
	mutex_lock(&ptpu_nl_lock);
	ptpu_nl_dev = NULL;
	mutex_unlock(&ptpu_nl_lock);
}

/**
 * ptpu_netlink_attach() - serve @pd over netlink until it is torn down
 * @pd:	the clock, with its sysfs directories created
 *
 * Called in probe after ptpu_sysfs_init(), so the devm action runs before
 * the sysfs directories and the sources go: when it returns, no operation
 * is running and none will reach @pd again, and no event is multicast.
 *
 * Return: 0 or a negative errno.
 */
int ptpu_netlink_attach(struct ptpu_dev *pd)
{
	int ret;

	ret = ptpu_events_subscribe(pd, &ptpu_nl_events);
	if (ret)
		return ret;
	mutex_lock(&ptpu_nl_lock);
	ptpu_nl_dev = pd;
	mutex_unlock(&ptpu_nl_lock);
	return devm_add_action_or_reset(pd->dev, ptpu_netlink_detach, pd);
}

/**
 * ptpu_netlink_register() - register the family (module init)
 *
 * Before the clock exists, so the family is there for the clock's whole
 * life and events never meet an unregistered family; operations that come
 * before the clock or after it get -ENODEV.
 *
 * Return: 0 or a negative errno.
 */
int ptpu_netlink_register(void)
{
	/* The module passes these values between uapi and arbiter unchanged. */
	BUILD_BUG_ON((int)PTP_UNIFIED_CLASS_KVM != (int)PTPU_CLASS_KVM);
	BUILD_BUG_ON((int)PTP_UNIFIED_CLASS_RTC != (int)PTPU_CLASS_RTC);
	BUILD_BUG_ON((int)PTP_UNIFIED_CLASS_NTP != (int)PTPU_CLASS_NTP);
	BUILD_BUG_ON((int)PTP_UNIFIED_CLASS_PHC != (int)PTPU_CLASS_PHC);
	BUILD_BUG_ON((int)PTP_UNIFIED_CLASS_OTHER != (int)PTPU_CLASS_OTHER);
	BUILD_BUG_ON((int)PTP_UNIFIED_STATE_UNSYNCED != (int)PTPU_STATE_UNSYNCED);
	BUILD_BUG_ON((int)PTP_UNIFIED_STATE_SYNCED != (int)PTPU_STATE_SYNCED);
	BUILD_BUG_ON((int)PTP_UNIFIED_STATE_NO_MAJORITY != (int)PTPU_STATE_NO_MAJORITY);
	BUILD_BUG_ON((int)PTP_UNIFIED_STATE_FREERUN != (int)PTPU_STATE_FREERUN);
	BUILD_BUG_ON((int)PTP_UNIFIED_LEAP_NONE != (int)PTPU_LEAP_NONE);
	BUILD_BUG_ON((int)PTP_UNIFIED_LEAP_INS != (int)PTPU_LEAP_INS);
	BUILD_BUG_ON((int)PTP_UNIFIED_LEAP_DEL != (int)PTPU_LEAP_DEL);
	BUILD_BUG_ON((int)PTP_UNIFIED_NAME_LEN != (int)PTPU_NAME_LEN);
	BUILD_BUG_ON(PTPU_MAX_SOURCES > BITS_PER_LONG);

	ptpu_nl_knob_policies();
	return genl_register_family(&ptpu_nl_family);
}

/**
 * ptpu_netlink_unregister() - unregister the family (module exit)
 *
 * After the clock is gone. The core waits for running operations.
 */
void ptpu_netlink_unregister(void)
{
	genl_unregister_family(&ptpu_nl_family);
}
