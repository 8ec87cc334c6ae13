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
 * policies before a handler runs (the knobs' policies are made from the
 * knob table at registration). The handlers check what a policy cannot
 * express and say which attribute they refused.
 *
 * Reads (source-get and its dump, config-get, status-get) never take
 * pd->lock: they evaluate a snapshot of the arbiter. The events group is
 * fed by a subscription to the time base's events.
 *
 * This file holds the family, its operations and events; the commands are
 * in netlink_source.c and netlink_config.c.
 */
#include <linux/bitops.h>
#include <linux/capability.h>
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <net/genetlink.h>

#include "compat.h"
#include "netlink.h"
#include "uapi/linux/ptp_unified.h"

/* genl_ops.internal_flags: the command changes the clock */
#define PTPU_NL_WRITE	BIT(0)

static DEFINE_MUTEX(ptpu_nl_lock);
static struct ptpu_dev *ptpu_nl_dev;	/* under ptpu_nl_lock */

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

/**
 * ptpu_nl_dump_snapshot() - a snapshot of the clock, for a dump
 *
 * A dump runs without pre_doit: it finds the clock here, under the same
 * lock.
 *
 * Return: the snapshot (free it with kvfree()), ERR_PTR(-ENODEV) while
 * there is no clock, or ERR_PTR(-ENOMEM).
 */
struct ptpu_snapshot *ptpu_nl_dump_snapshot(void)
{
	struct ptpu_snapshot *snap;

	mutex_lock(&ptpu_nl_lock);
	snap = ptpu_nl_dev ? ptpu_snapshot_take(ptpu_nl_dev) : ERR_PTR(-ENODEV);
	mutex_unlock(&ptpu_nl_lock);
	return snap ?: ERR_PTR(-ENOMEM);
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

struct genl_family ptpu_nl_family __ro_after_init = {
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

/* A disruption's or a leap second's step: the same attributes. */
static int ptpu_nl_fill_step(struct sk_buff *skb, const void *arg)
{
	const struct ptpu_nl_ev_status *e = arg;

	if (nla_put_s64(skb, PTP_UNIFIED_A_STATUS_LAST_STEP, e->st.last_step_ns,
			PTP_UNIFIED_A_STATUS_PAD) ||
	    nla_put_s64(skb, PTP_UNIFIED_A_STATUS_LAST_STEP_RAW, e->st.last_step_raw,
			PTP_UNIFIED_A_STATUS_PAD) ||
	    nla_put_u64_64bit(skb, PTP_UNIFIED_A_STATUS_DISRUPTIONS, e->st.disruptions,
			      PTP_UNIFIED_A_STATUS_PAD) ||
	    nla_put_u64_64bit(skb, PTP_UNIFIED_A_STATUS_LEAPS, e->st.leaps,
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
	ptpu_status_read(event->view, raw, &e.st, e.name);
	if (mask & PTPU_EV_DISRUPTION)
		ptpu_nl_event(PTP_UNIFIED_CMD_EV_DISRUPTION, ptpu_nl_fill_step, &e);
	if (mask & PTPU_EV_LEAP)
		ptpu_nl_event(PTP_UNIFIED_CMD_EV_LEAP, ptpu_nl_fill_step, &e);
	if (mask & PTPU_EV_SELECTION)
		ptpu_nl_event(PTP_UNIFIED_CMD_EV_SELECTION, ptpu_nl_fill_selection, &e);
	if (mask & PTPU_EV_STATE)
		ptpu_nl_event(PTP_UNIFIED_CMD_EV_STATE, ptpu_nl_fill_selection, &e);
	if (!(mask & PTPU_EV_LOST))
		return NOTIFY_DONE;
	for_each_set_bit(i, &bits, PTPU_MAX_SOURCES) {
		if (ptpu_view_source_status(event->view, i, raw, &src))
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
