// SPDX-License-Identifier: GPL-2.0-only
/*
 * The netlink family's source commands (see netlink.c): adding, removing
 * and reading sources, and the samples of external ones. A source added
 * here gets its sysfs directory here too, and loses it when removed.
 */
#include <linux/ctype.h>
#include <linux/err.h>
#include <linux/mm.h>
#include <net/genetlink.h>

#include "netlink.h"
#include "uapi/linux/ptp_unified.h"

const struct nla_policy ptpu_nl_name_policy[PTP_UNIFIED_A_SOURCE_NAME + 1] = {
	[PTP_UNIFIED_A_SOURCE_NAME] = { .type = NLA_NUL_STRING, .len = PTPU_NAME_LEN - 1 },
};

/* Only external classes: the kvm and rtc sources are built in. */
const struct nla_policy ptpu_nl_source_add_policy[PTP_UNIFIED_A_SOURCE_CLASS + 1] = {
	[PTP_UNIFIED_A_SOURCE_NAME] = { .type = NLA_NUL_STRING, .len = PTPU_NAME_LEN - 1 },
	[PTP_UNIFIED_A_SOURCE_CLASS] = NLA_POLICY_RANGE(NLA_U32, PTP_UNIFIED_CLASS_NTP,
							PTP_UNIFIED_CLASS_OTHER),
};

/* Not const: Linux 6.1's nla_policy points at it without const. */
static struct netlink_range_validation ptpu_nl_bound_range = {
	.min = 1,
	.max = PTPU_SAMPLE_BOUND_MAX,
};

const struct nla_policy ptpu_nl_sample_policy[PTP_UNIFIED_A_SAMPLE_MAX + 1] = {
	[PTP_UNIFIED_A_SAMPLE_SOURCE] = { .type = NLA_NUL_STRING, .len = PTPU_NAME_LEN - 1 },
	[PTP_UNIFIED_A_SAMPLE_CLASS] = NLA_POLICY_RANGE(NLA_U32, PTP_UNIFIED_CLASS_NTP,
							PTP_UNIFIED_CLASS_OTHER),
	[PTP_UNIFIED_A_SAMPLE_STRATUM] = NLA_POLICY_MAX(NLA_U8, 15),
	[PTP_UNIFIED_A_SAMPLE_LEAP] = NLA_POLICY_MAX(NLA_U8, PTP_UNIFIED_LEAP_DEL),
	[PTP_UNIFIED_A_SAMPLE_RAW] = { .type = NLA_S64 },
	[PTP_UNIFIED_A_SAMPLE_REF] = { .type = NLA_S64 },
	[PTP_UNIFIED_A_SAMPLE_BOUND] = NLA_POLICY_FULL_RANGE(NLA_U64, &ptpu_nl_bound_range),
};

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

/**
 * ptpu_nl_find() - look a source up by name, for a command that changes it
 * @pd:		the clock
 * @name:	the source's name
 * @st:		receives its status
 *
 * Under pd->lock, like the change that follows (and cheaper than a snapshot
 * for one source).
 *
 * Return: its arbiter index, or -ENOENT.
 */
int ptpu_nl_find(struct ptpu_dev *pd, const char *name, struct ptpu_source_status *st)
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

/**
 * ptpu_nl_source_add() - source-add: register an external source
 * @skb:	the request
 * @info:	its attributes; user_ptr[0] is the clock (pre_doit)
 *
 * Return: 0 or a negative errno, with an extended ACK message.
 */
int ptpu_nl_source_add(struct sk_buff *skb, struct genl_info *info)
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

/**
 * ptpu_nl_source_del() - source-del: remove an external source
 * @skb:	the request
 * @info:	its attributes; user_ptr[0] is the clock (pre_doit)
 *
 * Return: 0 or a negative errno, with an extended ACK message.
 */
int ptpu_nl_source_del(struct sk_buff *skb, struct genl_info *info)
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

/**
 * ptpu_nl_source_get() - source-get: one source by name
 * @skb:	the request
 * @info:	its attributes; user_ptr[0] is the clock (pre_doit)
 *
 * Return: 0 or a negative errno, with an extended ACK message.
 */
int ptpu_nl_source_get(struct sk_buff *skb, struct genl_info *info)
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
	idx = ptpu_view_find(&snap->view, nla_data(name));
	ret = ptpu_view_source_status(&snap->view, idx, snap->raw, &st);
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

/**
 * ptpu_nl_source_dump() - source-get as a dump: one message per source
 * @skb:	the part of the reply to fill
 * @cb:		the dump's state: args[0] is the next arbiter index to look at
 *
 * Each part evaluates its own snapshot: every message holds one source's
 * fields from one update.
 *
 * Return: the length filled, 0 at the end, or a negative errno.
 */
int ptpu_nl_source_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct ptpu_source_status st;
	struct ptpu_snapshot *snap;
	int idx, ret = 0;

	snap = ptpu_nl_dump_snapshot();
	if (IS_ERR(snap))
		return PTR_ERR(snap);
	for (idx = cb->args[0]; idx < PTPU_MAX_SOURCES; idx++) {
		if (ptpu_view_source_status(&snap->view, idx, snap->raw, &st))
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

/**
 * ptpu_nl_sample_push() - sample-push: feed one sample of an external source
 * @skb:	the request
 * @info:	its attributes; user_ptr[0] is the clock (pre_doit)
 *
 * Return: 0 or a negative errno, with an extended ACK message.
 */
int ptpu_nl_sample_push(struct sk_buff *skb, struct genl_info *info)
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
