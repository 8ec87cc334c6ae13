// SPDX-License-Identifier: GPL-2.0-only
/*
 * The netlink family's knob and status commands (see netlink.c): the
 * knobs' policies, made from the knob table, and config-get, config-set
 * and status-get. Writes go through ptpu_knobs_set() and
 * ptpu_source_knobs_set(), like the sysfs attributes'.
 */
#include <linux/bitops.h>
#include <linux/mm.h>
#include <net/genetlink.h>

#include "netlink.h"
#include "uapi/linux/ptp_unified.h"

/*
 * The knobs' policies: each knob's type and range from the knob table
 * (ptpu_nl_knob_policies()), with the name of the source a nest of source
 * knobs is for, and the nests in CONFIG_SET.
 */
static struct nla_policy
ptpu_nl_source_cfg_policy[PTP_UNIFIED_A_SOURCE_PREFER + 1] __ro_after_init = {
	[PTP_UNIFIED_A_SOURCE_NAME] = { .type = NLA_NUL_STRING, .len = PTPU_NAME_LEN - 1 },
};

struct nla_policy ptpu_nl_config_policy[PTP_UNIFIED_A_CONFIG_MAX + 1] __ro_after_init = {
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

/**
 * ptpu_nl_knob_policies() - the knobs' policies, from the knob table
 *
 * At registration (module init), before the family can be used.
 */
void ptpu_nl_knob_policies(void)
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

/**
 * ptpu_nl_put_source_knobs() - a source's knobs as attributes
 * @skb:	the message
 * @st:		the source's status
 *
 * Return: 0, or -EMSGSIZE when they do not fit.
 */
int ptpu_nl_put_source_knobs(struct sk_buff *skb, const struct ptpu_source_status *st)
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
		if (ptpu_view_source_status(&snap->view, i, snap->raw, &st))
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

/**
 * ptpu_nl_config_get() - config-get: every knob, and each source's
 * @skb:	the request
 * @info:	its attributes; user_ptr[0] is the clock (pre_doit)
 *
 * Return: 0 or a negative errno, with an extended ACK message.
 */
int ptpu_nl_config_get(struct sk_buff *skb, struct genl_info *info)
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
/**
 * ptpu_nl_config_set() - config-set: change knobs, all given or none
 * @skb:	the request
 * @info:	its attributes; user_ptr[0] is the clock (pre_doit)
 *
 * Return: 0 or a negative errno, with an extended ACK message.
 */
int ptpu_nl_config_set(struct sk_buff *skb, struct genl_info *info)
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

/* The leap second the clock announces for tonight (its model's flags). */
static u8 ptpu_nl_leap_of(const struct ptpu_model *m)
{
	if (m->flags & PTPU_MODEL_LEAP_INS)
		return PTP_UNIFIED_LEAP_INS;
	if (m->flags & PTPU_MODEL_LEAP_DEL)
		return PTP_UNIFIED_LEAP_DEL;
	return PTP_UNIFIED_LEAP_NONE;
}

static int ptpu_nl_put_status(struct sk_buff *skb, const struct ptpu_status *st,
			      const char *selected, u8 leap, s64 raw)
{
	if (nla_put_u32(skb, PTP_UNIFIED_A_STATUS_STATE, st->state) ||
	    (st->selected >= 0 &&
	     nla_put_string(skb, PTP_UNIFIED_A_STATUS_SELECTED, selected)) ||
	    nla_put_u64_64bit(skb, PTP_UNIFIED_A_STATUS_BOUND, st->bound_ns,
			      PTP_UNIFIED_A_STATUS_PAD) ||
	    nla_put_u64_64bit(skb, PTP_UNIFIED_A_STATUS_DISRUPTIONS, st->disruptions,
			      PTP_UNIFIED_A_STATUS_PAD) ||
	    nla_put_u64_64bit(skb, PTP_UNIFIED_A_STATUS_LEAPS, st->leaps,
			      PTP_UNIFIED_A_STATUS_PAD) ||
	    nla_put_u8(skb, PTP_UNIFIED_A_STATUS_LEAP, leap) ||
	    nla_put_u64_64bit(skb, PTP_UNIFIED_A_STATUS_STEPS, st->steps,
			      PTP_UNIFIED_A_STATUS_PAD) ||
	    nla_put_s64(skb, PTP_UNIFIED_A_STATUS_LAST_STEP, st->last_step_ns,
			PTP_UNIFIED_A_STATUS_PAD) ||
	    nla_put_s64(skb, PTP_UNIFIED_A_STATUS_LAST_STEP_RAW, st->last_step_raw,
			PTP_UNIFIED_A_STATUS_PAD) ||
	    nla_put_s64(skb, PTP_UNIFIED_A_STATUS_TIME, st->time_ns,
			PTP_UNIFIED_A_STATUS_PAD) ||
	    nla_put_s64(skb, PTP_UNIFIED_A_STATUS_RAW, raw, PTP_UNIFIED_A_STATUS_PAD) ||
	    nla_put_u32(skb, PTP_UNIFIED_A_STATUS_DRIFT, st->drift_ppb))
		return -EMSGSIZE;
	return 0;
}

/**
 * ptpu_nl_status_get() - status-get: the clock as a whole
 * @skb:	the request
 * @info:	its attributes; user_ptr[0] is the clock (pre_doit)
 *
 * Return: 0 or a negative errno, with an extended ACK message.
 */
int ptpu_nl_status_get(struct sk_buff *skb, struct genl_info *info)
{
	char name[PTPU_NAME_LEN];
	struct ptpu_snapshot *snap;
	struct ptpu_status st;
	struct sk_buff *msg;
	void *hdr;
	s64 raw;
	u8 leap;

	snap = ptpu_snapshot_take(info->user_ptr[0]);
	if (!snap)
		return -ENOMEM;
	raw = snap->raw;
	ptpu_status_read(&snap->view, raw, &st, name);
	leap = ptpu_nl_leap_of(&snap->view.model);
	kvfree(snap);

	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &ptpu_nl_family, 0, PTP_UNIFIED_CMD_STATUS_GET);
	if (!hdr || ptpu_nl_put_status(msg, &st, name, leap, raw)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}
