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
 * policies below before a handler runs. The handlers check what a policy
 * cannot express and say which attribute they refused.
 */
#include <linux/bitops.h>
#include <linux/capability.h>
#include <linux/ctype.h>
#include <linux/mutex.h>
#include <net/genetlink.h>

#include "compat.h"
#include "ptp_unified.h"
#include "source_kvm.h"
#include "source_rtc.h"
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

/*
 * Value ranges, the same as the arbiter's and the sources' (and the sysfs
 * knobs'). Not const: Linux 6.1's nla_policy points at them without const.
 */
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

/* The knobs of one source, nested in CONFIG_SET. */
static const struct nla_policy ptpu_nl_source_cfg_policy[PTP_UNIFIED_A_SOURCE_PREFER + 1] = {
	[PTP_UNIFIED_A_SOURCE_NAME] = { .type = NLA_NUL_STRING, .len = PTPU_NAME_LEN - 1 },
	[PTP_UNIFIED_A_SOURCE_ENABLED] = NLA_POLICY_MAX(NLA_U8, 1),
	[PTP_UNIFIED_A_SOURCE_PRIORITY] = { .type = NLA_U32 },
	[PTP_UNIFIED_A_SOURCE_PREFER] = NLA_POLICY_MAX(NLA_U8, 1),
};

static struct netlink_range_validation ptpu_nl_max_drift_range = {
	.max = PTPU_MAX_DRIFT_PPB_MAX,
};

static struct netlink_range_validation ptpu_nl_slew_limit_range = {
	.min = PTPU_SLEW_LIMIT_PPB_MIN,
	.max = PTPU_SLEW_LIMIT_PPB_MAX,
};

static struct netlink_range_validation ptpu_nl_stale_limit_range = {
	.min = PTPU_STALE_NS_MIN / NSEC_PER_SEC,
	.max = PTPU_STALE_NS_MAX / NSEC_PER_SEC,
};

static struct netlink_range_validation ptpu_nl_kvm_poll_range = {
	.min = PTPU_KVM_POLL_MS_MIN,
	.max = PTPU_KVM_POLL_MS_MAX,
};

static struct netlink_range_validation ptpu_nl_rtc_interval_range = {
	.min = PTPU_RTC_INTERVAL_S_MIN,
	.max = PTPU_RTC_INTERVAL_S_MAX,
};

static struct netlink_range_validation ptpu_nl_step_threshold_range = {
	.min = PTPU_STEP_THRESHOLD_NS_MIN,
	.max = PTPU_STEP_THRESHOLD_NS_MAX,
};

static const struct nla_policy ptpu_nl_config_policy[PTP_UNIFIED_A_CONFIG_MAX + 1] = {
	[PTP_UNIFIED_A_CONFIG_MAX_DRIFT_PPB] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &ptpu_nl_max_drift_range),
	[PTP_UNIFIED_A_CONFIG_SLEW_LIMIT_PPB] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &ptpu_nl_slew_limit_range),
	[PTP_UNIFIED_A_CONFIG_HYSTERESIS_PCT] =
		NLA_POLICY_MAX(NLA_U32, PTPU_HYSTERESIS_PCT_MAX),
	[PTP_UNIFIED_A_CONFIG_STALE_LIMIT_S] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &ptpu_nl_stale_limit_range),
	[PTP_UNIFIED_A_CONFIG_KVM_POLL_MS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &ptpu_nl_kvm_poll_range),
	[PTP_UNIFIED_A_CONFIG_RTC_INTERVAL_S] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &ptpu_nl_rtc_interval_range),
	[PTP_UNIFIED_A_CONFIG_RTC_DEVICE] = {
		.type = NLA_NUL_STRING, .len = PTPU_RTC_NAME_LEN - 1 },
	[PTP_UNIFIED_A_CONFIG_SOURCE] = NLA_POLICY_NESTED(ptpu_nl_source_cfg_policy),
	[PTP_UNIFIED_A_CONFIG_STEP_THRESHOLD_NS] =
		NLA_POLICY_FULL_RANGE(NLA_U64, &ptpu_nl_step_threshold_range),
};

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

/* Look a source up by name; its status at @now_raw in @st. */
static int ptpu_nl_find(struct ptpu_dev *pd, const char *name, s64 now_raw,
			struct ptpu_source_status *st)
{
	int idx;

	mutex_lock(&pd->lock);
	idx = ptpu_arbiter_find(&pd->arb, name);
	if (idx >= 0 && ptpu_arbiter_source_status(&pd->arb, idx, now_raw, st))
		idx = -ENOENT;
	mutex_unlock(&pd->lock);
	return idx;
}

static void ptpu_nl_unregister_source(struct ptpu_dev *pd, int idx)
{
	struct ptpu_events ev = {};

	mutex_lock(&pd->lock);
	ptpu_arbiter_unregister(&pd->arb, idx, ptpu_update_begin(pd), &ev);
	ptpu_update_end(pd, &ev);
	mutex_unlock(&pd->lock);
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
	ret = ptpu_sysfs_source_add(pd, idx);
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
	idx = ptpu_nl_find(pd, nla_data(name), ktime_get_raw_ns(), &st);
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
	    nla_put_u8(skb, PTP_UNIFIED_A_SOURCE_ENABLED, st->cfg.enabled) ||
	    nla_put_u32(skb, PTP_UNIFIED_A_SOURCE_PRIORITY, st->cfg.priority) ||
	    nla_put_u8(skb, PTP_UNIFIED_A_SOURCE_PREFER, st->cfg.prefer) ||
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
	struct ptpu_dev *pd = info->user_ptr[0];
	struct nlattr *name = info->attrs[PTP_UNIFIED_A_SOURCE_NAME];
	struct ptpu_source_status st;
	struct sk_buff *msg;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, PTP_UNIFIED_A_SOURCE_NAME)) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "missing attribute: source name (or dump them all)");
		return -EINVAL;
	}
	if (ptpu_nl_find(pd, nla_data(name), ktime_get_raw_ns(), &st) < 0) {
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

/* One message per source; cb->args[0] is the next arbiter index to look at. */
static int ptpu_nl_source_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct ptpu_source_status st;
	struct ptpu_dev *pd;
	int idx, ret = 0;

	mutex_lock(&ptpu_nl_lock);
	pd = ptpu_nl_dev;
	if (!pd) {
		mutex_unlock(&ptpu_nl_lock);
		return -ENODEV;
	}
	for (idx = cb->args[0]; idx < PTPU_MAX_SOURCES; idx++) {
		mutex_lock(&pd->lock);
		ret = ptpu_arbiter_source_status(&pd->arb, idx, ktime_get_raw_ns(), &st);
		mutex_unlock(&pd->lock);
		if (ret) {
			ret = 0;
			continue;
		}
		ret = ptpu_nl_fill_source(skb, &st, NETLINK_CB(cb->skb).portid,
					  cb->nlh->nlmsg_seq, NLM_F_MULTI);
		if (ret)
			break;
	}
	cb->args[0] = idx;
	mutex_unlock(&ptpu_nl_lock);
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
	idx = ptpu_nl_find(pd, nla_data(name), ktime_get_raw_ns(), &st);
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

static int ptpu_nl_put_config(struct sk_buff *skb, struct ptpu_dev *pd)
{
	struct ptpu_source_status st;
	struct ptpu_arbiter_config cfg;
	char rtc[PTPU_RTC_NAME_LEN];
	struct nlattr *nest;
	int i, ret;

	mutex_lock(&pd->lock);
	cfg = pd->arb.cfg;
	mutex_unlock(&pd->lock);

	if (nla_put_u32(skb, PTP_UNIFIED_A_CONFIG_MAX_DRIFT_PPB, cfg.max_drift_ppb) ||
	    nla_put_u32(skb, PTP_UNIFIED_A_CONFIG_SLEW_LIMIT_PPB, cfg.slew_limit_ppb) ||
	    nla_put_u32(skb, PTP_UNIFIED_A_CONFIG_HYSTERESIS_PCT, cfg.hysteresis_pct) ||
	    nla_put_u32(skb, PTP_UNIFIED_A_CONFIG_STALE_LIMIT_S,
			div_u64(cfg.stale_ns, NSEC_PER_SEC)) ||
	    nla_put_u64_64bit(skb, PTP_UNIFIED_A_CONFIG_STEP_THRESHOLD_NS,
			      cfg.step_threshold_ns, PTP_UNIFIED_A_CONFIG_PAD))
		return -EMSGSIZE;
	if (pd->kvm && nla_put_u32(skb, PTP_UNIFIED_A_CONFIG_KVM_POLL_MS,
				   READ_ONCE(pd->kvm->poll_ms)))
		return -EMSGSIZE;
	if (pd->rtc) {
		ptpu_rtc_get_device(pd->rtc, rtc, sizeof(rtc));
		if (nla_put_u32(skb, PTP_UNIFIED_A_CONFIG_RTC_INTERVAL_S,
				READ_ONCE(pd->rtc->interval_s)) ||
		    nla_put_string(skb, PTP_UNIFIED_A_CONFIG_RTC_DEVICE, rtc))
			return -EMSGSIZE;
	}
	for (i = 0; i < PTPU_MAX_SOURCES; i++) {
		mutex_lock(&pd->lock);
		ret = ptpu_arbiter_source_status(&pd->arb, i, ktime_get_raw_ns(), &st);
		mutex_unlock(&pd->lock);
		if (ret)
			continue;
		nest = nla_nest_start(skb, PTP_UNIFIED_A_CONFIG_SOURCE);
		if (!nest ||
		    nla_put_string(skb, PTP_UNIFIED_A_SOURCE_NAME, st.name) ||
		    nla_put_u8(skb, PTP_UNIFIED_A_SOURCE_ENABLED, st.cfg.enabled) ||
		    nla_put_u32(skb, PTP_UNIFIED_A_SOURCE_PRIORITY, st.cfg.priority) ||
		    nla_put_u8(skb, PTP_UNIFIED_A_SOURCE_PREFER, st.cfg.prefer))
			return -EMSGSIZE;
		nla_nest_end(skb, nest);
	}
	return 0;
}

static int ptpu_nl_config_get(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &ptpu_nl_family, 0, PTP_UNIFIED_CMD_CONFIG_GET);
	if (!hdr || ptpu_nl_put_config(msg, info->user_ptr[0])) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/*
 * Resolve the source named in one CONFIG_SOURCE nest: its index, and its
 * knobs with the nest's changes applied in @sc.
 */
static int ptpu_nl_source_cfg(struct ptpu_dev *pd, struct nlattr *nest,
			      struct ptpu_source_config *sc, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[PTP_UNIFIED_A_SOURCE_PREFER + 1];
	struct ptpu_source_status st;
	int idx, ret;

	ret = nla_parse_nested(tb, PTP_UNIFIED_A_SOURCE_PREFER, nest,
			       ptpu_nl_source_cfg_policy, extack);
	if (ret)
		return ret;
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, PTP_UNIFIED_A_SOURCE_NAME)) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "missing attribute: source name in source knobs");
		return -EINVAL;
	}
	idx = ptpu_nl_find(pd, nla_data(tb[PTP_UNIFIED_A_SOURCE_NAME]),
			   ktime_get_raw_ns(), &st);
	if (idx < 0) {
		NL_SET_ERR_MSG_ATTR(extack, tb[PTP_UNIFIED_A_SOURCE_NAME],
				    "no source of this name");
		return -ENOENT;
	}
	*sc = st.cfg;
	if (tb[PTP_UNIFIED_A_SOURCE_ENABLED])
		sc->enabled = nla_get_u8(tb[PTP_UNIFIED_A_SOURCE_ENABLED]);
	if (tb[PTP_UNIFIED_A_SOURCE_PRIORITY])
		sc->priority = nla_get_u32(tb[PTP_UNIFIED_A_SOURCE_PRIORITY]);
	if (tb[PTP_UNIFIED_A_SOURCE_PREFER])
		sc->prefer = nla_get_u8(tb[PTP_UNIFIED_A_SOURCE_PREFER]);
	return idx;
}

static void ptpu_nl_apply_source_cfg(struct ptpu_dev *pd, int idx,
				     const struct ptpu_source_config *sc)
{
	struct ptpu_events ev = {};

	mutex_lock(&pd->lock);
	ptpu_arbiter_source_config(&pd->arb, idx, sc, ptpu_update_begin(pd), &ev);
	ptpu_update_end(pd, &ev);
	mutex_unlock(&pd->lock);
}

/*
 * Everything that can be refused is checked before anything changes: the
 * source names, and the knobs of sources that are absent. Switching the
 * RTC, the one change that can still fail, goes first.
 */
static int ptpu_nl_config_set(struct sk_buff *skb, struct genl_info *info)
{
	struct ptpu_dev *pd = info->user_ptr[0];
	struct nlattr **tb = info->attrs;
	struct ptpu_source_config sc;
	struct ptpu_arbiter_config cfg;
	struct nlattr *a;
	int rem, idx, ret;
	bool any = false;

	nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem) {
		any = true;
		if (nla_type(a) != PTP_UNIFIED_A_CONFIG_SOURCE)
			continue;
		idx = ptpu_nl_source_cfg(pd, a, &sc, info->extack);
		if (idx < 0)
			return idx;
	}
	if (!any) {
		NL_SET_ERR_MSG_MOD(info->extack, "no knob to set");
		return -EINVAL;
	}
	if (tb[PTP_UNIFIED_A_CONFIG_KVM_POLL_MS] && !pd->kvm) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[PTP_UNIFIED_A_CONFIG_KVM_POLL_MS],
				    "there is no kvm source");
		return -EOPNOTSUPP;
	}
	if ((tb[PTP_UNIFIED_A_CONFIG_RTC_INTERVAL_S] || tb[PTP_UNIFIED_A_CONFIG_RTC_DEVICE]) &&
	    !pd->rtc) {
		NL_SET_ERR_MSG_MOD(info->extack, "there is no rtc source");
		return -EOPNOTSUPP;
	}

	if (tb[PTP_UNIFIED_A_CONFIG_RTC_DEVICE]) {
		ret = ptpu_rtc_set_device(pd->rtc, nla_data(tb[PTP_UNIFIED_A_CONFIG_RTC_DEVICE]));
		if (ret) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[PTP_UNIFIED_A_CONFIG_RTC_DEVICE],
					    "no RTC of this name");
			return ret;
		}
	}

	mutex_lock(&pd->lock);
	cfg = pd->arb.cfg;
	if (tb[PTP_UNIFIED_A_CONFIG_MAX_DRIFT_PPB])
		cfg.max_drift_ppb = nla_get_u32(tb[PTP_UNIFIED_A_CONFIG_MAX_DRIFT_PPB]);
	if (tb[PTP_UNIFIED_A_CONFIG_SLEW_LIMIT_PPB])
		cfg.slew_limit_ppb = nla_get_u32(tb[PTP_UNIFIED_A_CONFIG_SLEW_LIMIT_PPB]);
	if (tb[PTP_UNIFIED_A_CONFIG_HYSTERESIS_PCT])
		cfg.hysteresis_pct = nla_get_u32(tb[PTP_UNIFIED_A_CONFIG_HYSTERESIS_PCT]);
	if (tb[PTP_UNIFIED_A_CONFIG_STALE_LIMIT_S])
		cfg.stale_ns = (u64)nla_get_u32(tb[PTP_UNIFIED_A_CONFIG_STALE_LIMIT_S]) *
			       NSEC_PER_SEC;
	if (tb[PTP_UNIFIED_A_CONFIG_STEP_THRESHOLD_NS])
		cfg.step_threshold_ns = nla_get_u64(tb[PTP_UNIFIED_A_CONFIG_STEP_THRESHOLD_NS]);
	/* The policy has the arbiter's ranges: this cannot fail. */
	ret = ptpu_arbiter_set_config(&pd->arb, &cfg);
	mutex_unlock(&pd->lock);
	if (ret) {
		NL_SET_ERR_MSG_MOD(info->extack, "arbiter refused the knobs");
		return ret;
	}

	if (tb[PTP_UNIFIED_A_CONFIG_KVM_POLL_MS])
		WRITE_ONCE(pd->kvm->poll_ms, nla_get_u32(tb[PTP_UNIFIED_A_CONFIG_KVM_POLL_MS]));
	if (tb[PTP_UNIFIED_A_CONFIG_RTC_INTERVAL_S])
		WRITE_ONCE(pd->rtc->interval_s,
			   nla_get_u32(tb[PTP_UNIFIED_A_CONFIG_RTC_INTERVAL_S]));

	/* Sources come and go only under ptpu_nl_lock: the names still hold. */
	nlmsg_for_each_attr(a, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(a) != PTP_UNIFIED_A_CONFIG_SOURCE)
			continue;
		idx = ptpu_nl_source_cfg(pd, a, &sc, info->extack);
		if (idx >= 0)
			ptpu_nl_apply_source_cfg(pd, idx, &sc);
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
	    nla_put_s64(skb, PTP_UNIFIED_A_STATUS_RAW, raw, PTP_UNIFIED_A_STATUS_PAD) ||
	    nla_put_u32(skb, PTP_UNIFIED_A_STATUS_DRIFT, st->drift_ppb))
		return -EMSGSIZE;
	return 0;
}

/* The arbiter's status at one raw time, with the selected source's name. */
static s64 ptpu_nl_status(struct ptpu_dev *pd, struct ptpu_status *st,
			  char name[PTPU_NAME_LEN])
{
	s64 raw = ktime_get_raw_ns();

	lockdep_assert_held(&pd->lock);
	ptpu_arbiter_status(&pd->arb, raw, st);
	name[0] = '\0';
	if (st->selected >= 0)
		strscpy(name, pd->arb.src[st->selected].name, PTPU_NAME_LEN);
	return raw;
}

static int ptpu_nl_status_get(struct sk_buff *skb, struct genl_info *info)
{
	struct ptpu_dev *pd = info->user_ptr[0];
	char name[PTPU_NAME_LEN];
	struct ptpu_status st;
	struct sk_buff *msg;
	void *hdr;
	s64 raw;

	mutex_lock(&pd->lock);
	raw = ptpu_nl_status(pd, &st, name);
	mutex_unlock(&pd->lock);

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

/**
 * ptpu_netlink_notify_events() - multicast what the arbiter reported
 * @pd:	the clock, with @pd->lock held, after its model was published
 * @ev:	what happened in the arbiter call
 *
 * Runs synchronously in the call that made the change, so a disruption
 * reaches listeners (phc-steer steps the system clock on it) within the
 * same microseconds as the step itself. Nothing is built without a
 * listener. Process context, no spinlock held: GFP_KERNEL allocations.
 */
void ptpu_netlink_notify_events(struct ptpu_dev *pd, const struct ptpu_events *ev)
{
	struct ptpu_nl_ev_status e;
	struct ptpu_nl_ev_lost lost;
	unsigned long bits = ev->lost;
	int i;

	lockdep_assert_held(&pd->lock);
	if (!ev->mask || !genl_has_listeners(&ptpu_nl_family, &init_net, 0))
		return;

	ptpu_nl_status(pd, &e.st, e.name);
	if (ev->mask & PTPU_EV_DISRUPTION)
		ptpu_nl_event(PTP_UNIFIED_CMD_EV_DISRUPTION, ptpu_nl_fill_disruption, &e);
	if (ev->mask & PTPU_EV_SELECTION)
		ptpu_nl_event(PTP_UNIFIED_CMD_EV_SELECTION, ptpu_nl_fill_selection, &e);
	if (ev->mask & PTPU_EV_STATE)
		ptpu_nl_event(PTP_UNIFIED_CMD_EV_STATE, ptpu_nl_fill_selection, &e);
	if (!(ev->mask & PTPU_EV_LOST))
		return;
	for_each_set_bit(i, &bits, PTPU_MAX_SOURCES) {
		if (!pd->arb.src[i].used)
			continue;
		lost.name = pd->arb.src[i].name;
		lost.cls = pd->arb.src[i].cls;
		ptpu_nl_event(PTP_UNIFIED_CMD_EV_SOURCE_LOST, ptpu_nl_fill_lost, &lost);
	}
}

static void ptpu_netlink_detach(void *data)
{
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
 * is running and none will reach @pd again.
 *
 * Return: 0 or a negative errno.
 */
int ptpu_netlink_attach(struct ptpu_dev *pd)
{
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
