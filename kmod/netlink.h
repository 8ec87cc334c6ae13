/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the parts of the generic netlink family share: netlink.c (the
 * family, its operations and events), netlink_source.c (the source
 * commands) and netlink_config.c (the knob and status commands).
 */
#ifndef PTPU_NETLINK_H
#define PTPU_NETLINK_H

#include <net/genetlink.h>

#include "knobs.h"
#include "ptp_unified.h"
#include "uapi/linux/ptp_unified.h"

extern struct genl_family ptpu_nl_family;

struct ptpu_snapshot *ptpu_nl_dump_snapshot(void);

/* netlink_source.c */
extern const struct nla_policy ptpu_nl_name_policy[PTP_UNIFIED_A_SOURCE_NAME + 1];
extern const struct nla_policy ptpu_nl_source_add_policy[PTP_UNIFIED_A_SOURCE_CLASS + 1];
extern const struct nla_policy ptpu_nl_sample_policy[PTP_UNIFIED_A_SAMPLE_MAX + 1];
int ptpu_nl_find(struct ptpu_dev *pd, const char *name,
		 struct ptpu_source_status *st);
int ptpu_nl_source_add(struct sk_buff *skb, struct genl_info *info);
int ptpu_nl_source_del(struct sk_buff *skb, struct genl_info *info);
int ptpu_nl_source_get(struct sk_buff *skb, struct genl_info *info);
int ptpu_nl_source_dump(struct sk_buff *skb, struct netlink_callback *cb);
int ptpu_nl_sample_push(struct sk_buff *skb, struct genl_info *info);

/* netlink_config.c */
extern struct nla_policy ptpu_nl_config_policy[PTP_UNIFIED_A_CONFIG_MAX + 1];
void ptpu_nl_knob_policies(void);
int ptpu_nl_put_source_knobs(struct sk_buff *skb,
			     const struct ptpu_source_status *st);
int ptpu_nl_config_get(struct sk_buff *skb, struct genl_info *info);
int ptpu_nl_config_set(struct sk_buff *skb, struct genl_info *info);
int ptpu_nl_status_get(struct sk_buff *skb, struct genl_info *info);

#endif /* PTPU_NETLINK_H */
