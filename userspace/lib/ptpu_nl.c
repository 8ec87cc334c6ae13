// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ptpu_nl: the ptp_unified generic netlink family over libnl-genl. Two
 * sockets per handle: one for requests (replies and ACKs only, so a
 * request never has to skip events) and, once subscribed, one for events.
 * libnl turns kernel errors into its own codes; the error callback here
 * keeps the kernel's errno and its extended ACK instead.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "ptpu_nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* A reply that does not come within this is lost (a wedged kernel side). */
#define PTPU_NL_TIMEOUT_S	10

struct ptpu_nl {
	struct nl_sock *sk;
	struct nl_sock *ev;
	int family;
	int mcgrp;
	char ext_msg[256];
	int ext_attr;
	int ext_missing;
};

static const char *const class_names[] = {
	[PTP_UNIFIED_CLASS_KVM] = "kvm",
	[PTP_UNIFIED_CLASS_RTC] = "rtc",
	[PTP_UNIFIED_CLASS_NTP] = "ntp",
	[PTP_UNIFIED_CLASS_PHC] = "phc",
	[PTP_UNIFIED_CLASS_OTHER] = "other",
};

static const char *const state_names[] = {
	[PTP_UNIFIED_STATE_UNSYNCED] = "unsynchronised",
	[PTP_UNIFIED_STATE_SYNCED] = "synchronised",
	[PTP_UNIFIED_STATE_NO_MAJORITY] = "no-majority",
	[PTP_UNIFIED_STATE_FREERUN] = "free-running",
};

static const char *const leap_names[] = {
	[PTP_UNIFIED_LEAP_NONE] = "none",
	[PTP_UNIFIED_LEAP_INS] = "insert",
	[PTP_UNIFIED_LEAP_DEL] = "delete",
};

#define NAME_OF(tab, v) ((v) < sizeof(tab) / sizeof((tab)[0]) ? (tab)[v] : "?")

const char *ptpu_nl_class_name(unsigned int cls)
{
	return NAME_OF(class_names, cls);
}

const char *ptpu_nl_state_name(unsigned int state)
{
	return NAME_OF(state_names, state);
}

const char *ptpu_nl_leap_name(unsigned int leap)
{
	return NAME_OF(leap_names, leap);
}

int ptpu_nl_class_parse(const char *name)
{
	unsigned int i;

	for (i = 0; i < sizeof(class_names) / sizeof(class_names[0]); i++)
		if (!strcmp(name, class_names[i]))
			return i;
	return -EINVAL;
}

/* libnl's codes for what did not come from the kernel's own errno. */
static int nle_errno(int nle)
{
	switch (nle < 0 ? -nle : nle) {
	case 0:
		return 0;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_AGAIN:
		return -ETIMEDOUT;
	case NLE_PERM:
		return -EPERM;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_INVAL:
		return -EINVAL;
	case NLE_MSGSIZE:
		return -EMSGSIZE;
	case NLE_NOACCESS:
		return -EACCES;
	case NLE_OPNOTSUPP:
		return -EOPNOTSUPP;
	case NLE_BUSY:
		return -EBUSY;
	case NLE_RANGE:
		return -ERANGE;
	case NLE_DUMP_INTR:
		return -EINTR;
	default:
		return -EIO;
	}
}

const char *ptpu_nl_ext_ack(const struct ptpu_nl *h)
{
	return h->ext_msg;
}

int ptpu_nl_ext_ack_attr(const struct ptpu_nl *h)
{
	return h->ext_attr;
}

int ptpu_nl_ext_ack_missing(const struct ptpu_nl *h)
{
	return h->ext_missing;
}

int ptpu_nl_family_id(const struct ptpu_nl *h)
{
	return h->family;
}

static void ext_ack_clear(struct ptpu_nl *h)
{
	h->ext_msg[0] = '\0';
	h->ext_attr = -1;
	h->ext_missing = -1;
}

/*
 * The TLVs after an error or ACK message (NETLINK_EXT_ACK): after struct
 * nlmsgerr and, unless capped, the whole request, which the offset of a
 * refused attribute points into.
 */
static void ext_ack_parse(struct ptpu_nl *h, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t len = nlh->nlmsg_len, off;
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	const char *req = (const char *)&e->msg;

	if (len < NLMSG_HDRLEN + sizeof(*e) || !(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	off = sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	off = NLMSG_HDRLEN + NLMSG_ALIGN(off);
	if (off >= len)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((const char *)nlh + off),
		      len - off, NULL))
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(h->ext_msg, sizeof(h->ext_msg), "%.*s",
			 nla_len(tb[NLMSGERR_ATTR_MSG]),
			 (const char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
	h->ext_msg[strcspn(h->ext_msg, "\n")] = '\0';
	if (tb[NLMSGERR_ATTR_OFFS] && !(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		uint32_t o = nla_get_u32(tb[NLMSGERR_ATTR_OFFS]);

		if (o + NLA_HDRLEN <= e->msg.nlmsg_len)
			h->ext_attr = ((const struct nlattr *)(req + o))->nla_type & NLA_TYPE_MASK;
	}
	if (tb[NLMSGERR_ATTR_MISS_TYPE])
		h->ext_missing = nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]);
}

struct req {
	struct ptpu_nl *h;
	ptpu_nl_reply_cb cb;
	void *arg;
	int err;
	bool done;
};

static int req_valid(struct nl_msg *msg, void *arg)
{
	struct req *r = arg;
	int ret;

	if (!r->cb || r->err)
		return NL_OK;
	ret = r->cb(msg, r->arg);
	if (ret < 0)
		r->err = ret;
	return NL_OK;
}

static int req_ack(struct nl_msg *msg, void *arg)
{
	struct req *r = arg;

	ext_ack_parse(r->h, nlmsg_hdr(msg));
	r->done = true;
	return NL_STOP;
}

/* The end of a dump; a dump that failed midway says so in its payload. */
static int req_finish(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct req *r = arg;
	int err;

	if (nlmsg_datalen(nlh) >= (int)sizeof(int)) {
		memcpy(&err, nlmsg_data(nlh), sizeof(err));
		if (err < 0 && !r->err)
			r->err = err;
	}
	r->done = true;
	return NL_STOP;
}

static int req_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct req *r = arg;

	(void)nla;
	ext_ack_parse(r->h, (const struct nlmsghdr *)((char *)e - NLMSG_HDRLEN));
	r->err = e->error;
	r->done = true;
	return NL_STOP;
}

struct nl_msg *ptpu_nl_msg(struct ptpu_nl *h, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, h->family, 0, flags, cmd,
			 PTP_UNIFIED_FAMILY_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

int ptpu_nl_transact(struct ptpu_nl *h, struct nl_msg *msg, ptpu_nl_reply_cb cb, void *arg)
{
	struct req r = { .h = h, .cb = cb, .arg = arg };
	struct nl_cb *c;
	int ret;

	ext_ack_clear(h);
	c = nl_cb_clone(nl_socket_get_cb(h->sk));
	if (!c) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_set(c, NL_CB_VALID, NL_CB_CUSTOM, req_valid, &r);
	nl_cb_set(c, NL_CB_ACK, NL_CB_CUSTOM, req_ack, &r);
	nl_cb_set(c, NL_CB_FINISH, NL_CB_CUSTOM, req_finish, &r);
	nl_cb_err(c, NL_CB_CUSTOM, req_error, &r);

	ret = nl_send_auto(h->sk, msg);
	nlmsg_free(msg);
	if (ret < 0) {
		nl_cb_put(c);
		return nle_errno(ret);
	}
	while (!r.done) {
		ret = nl_recvmsgs(h->sk, c);
		if (ret < 0 && !r.err) {
			r.err = nle_errno(ret);
			break;
		}
		if (ret < 0)
			break;
	}
	nl_cb_put(c);
	return r.err;
}

/* The command's attributes, checked against @pol. */
static int parse_reply(struct nl_msg *msg, struct nlattr **tb, int max, struct nla_policy *pol)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);

	if (genlmsg_parse(nlh, 0, tb, max, pol))
		return -EPROTO;
	return 0;
}

static void get_name(char *dst, const struct nlattr *a)
{
	snprintf(dst, PTP_UNIFIED_NAME_LEN, "%.*s", a ? nla_len(a) : 0,
		 a ? (const char *)nla_data(a) : "");
	dst[strnlen(dst, PTP_UNIFIED_NAME_LEN - 1)] = '\0';
}

struct ptpu_nl *ptpu_nl_open(int *err)
{
	struct ptpu_nl *h = calloc(1, sizeof(*h));
	struct timeval tv = { .tv_sec = PTPU_NL_TIMEOUT_S };
	int one = 1, ret;

	if (!h) {
		ret = -ENOMEM;
		goto fail;
	}
	ext_ack_clear(h);
	h->sk = nl_socket_alloc();
	if (!h->sk) {
		ret = -ENOMEM;
		goto fail;
	}
	ret = genl_connect(h->sk);
	if (ret < 0) {
		ret = nle_errno(ret);
		goto fail;
	}
	setsockopt(nl_socket_get_fd(h->sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl_socket_get_fd(h->sk), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	h->family = genl_ctrl_resolve(h->sk, PTP_UNIFIED_FAMILY_NAME);
	if (h->family < 0) {
		ret = -ENOENT;
		goto fail;
	}
	h->mcgrp = genl_ctrl_resolve_grp(h->sk, PTP_UNIFIED_FAMILY_NAME,
					 PTP_UNIFIED_MCGRP_EVENTS);
	if (h->mcgrp < 0) {
		ret = -ENOENT;
		goto fail;
	}
	return h;
fail:
	ptpu_nl_close(h);
	if (err)
		*err = ret;
	errno = -ret;
	return NULL;
}

void ptpu_nl_close(struct ptpu_nl *h)
{
	if (!h)
		return;
	if (h->sk)
		nl_socket_free(h->sk);
	if (h->ev)
		nl_socket_free(h->ev);
	free(h);
}

/* A request with one source name: SOURCE_DEL, SOURCE_GET. */
static struct nl_msg *name_msg(struct ptpu_nl *h, uint8_t cmd, const char *name)
{
	struct nl_msg *msg = ptpu_nl_msg(h, cmd, 0);

	if (msg && nla_put_string(msg, PTP_UNIFIED_A_SOURCE_NAME, name)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

int ptpu_nl_source_add(struct ptpu_nl *h, const char *name, unsigned int cls)
{
	struct nl_msg *msg = name_msg(h, PTP_UNIFIED_CMD_SOURCE_ADD, name);

	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, PTP_UNIFIED_A_SOURCE_CLASS, cls)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return ptpu_nl_transact(h, msg, NULL, NULL);
}

int ptpu_nl_source_del(struct ptpu_nl *h, const char *name)
{
	struct nl_msg *msg = name_msg(h, PTP_UNIFIED_CMD_SOURCE_DEL, name);

	if (!msg)
		return -ENOMEM;
	return ptpu_nl_transact(h, msg, NULL, NULL);
}

static struct nla_policy source_policy[PTP_UNIFIED_A_SOURCE_MAX + 1] = {
	[PTP_UNIFIED_A_SOURCE_NAME] = { .type = NLA_NUL_STRING, .maxlen = PTP_UNIFIED_NAME_LEN },
	[PTP_UNIFIED_A_SOURCE_CLASS] = { .type = NLA_U32 },
	[PTP_UNIFIED_A_SOURCE_ENABLED] = { .type = NLA_U8 },
	[PTP_UNIFIED_A_SOURCE_PRIORITY] = { .type = NLA_U32 },
	[PTP_UNIFIED_A_SOURCE_PREFER] = { .type = NLA_U8 },
	[PTP_UNIFIED_A_SOURCE_AVAILABLE] = { .type = NLA_U8 },
	[PTP_UNIFIED_A_SOURCE_SELECTED] = { .type = NLA_U8 },
	[PTP_UNIFIED_A_SOURCE_CALIBRATED] = { .type = NLA_U8 },
	[PTP_UNIFIED_A_SOURCE_FALSETICKER] = { .type = NLA_U8 },
	[PTP_UNIFIED_A_SOURCE_SUSPECT] = { .type = NLA_U8 },
	[PTP_UNIFIED_A_SOURCE_STRATUM] = { .type = NLA_U8 },
	[PTP_UNIFIED_A_SOURCE_LEAP] = { .type = NLA_U8 },
	[PTP_UNIFIED_A_SOURCE_SAMPLES] = { .type = NLA_U32 },
	[PTP_UNIFIED_A_SOURCE_OFFSET] = { .type = NLA_S64 },
	[PTP_UNIFIED_A_SOURCE_BOUND] = { .type = NLA_U64 },
	[PTP_UNIFIED_A_SOURCE_JITTER] = { .type = NLA_U64 },
	[PTP_UNIFIED_A_SOURCE_AGE] = { .type = NLA_S64 },
	[PTP_UNIFIED_A_SOURCE_FREQ] = { .type = NLA_S64 },
};

#define GET(tb, a, fn, dflt) ((tb)[a] ? fn((tb)[a]) : (dflt))

static int source_parse(struct nl_msg *msg, struct ptpu_nl_source *s)
{
	struct nlattr *tb[PTP_UNIFIED_A_SOURCE_MAX + 1];

	if (parse_reply(msg, tb, PTP_UNIFIED_A_SOURCE_MAX, source_policy) ||
	    !tb[PTP_UNIFIED_A_SOURCE_NAME])
		return -EPROTO;
	memset(s, 0, sizeof(*s));
	get_name(s->name, tb[PTP_UNIFIED_A_SOURCE_NAME]);
	s->cls = GET(tb, PTP_UNIFIED_A_SOURCE_CLASS, nla_get_u32, 0);
	s->enabled = GET(tb, PTP_UNIFIED_A_SOURCE_ENABLED, nla_get_u8, 0);
	s->priority = GET(tb, PTP_UNIFIED_A_SOURCE_PRIORITY, nla_get_u32, 0);
	s->prefer = GET(tb, PTP_UNIFIED_A_SOURCE_PREFER, nla_get_u8, 0);
	s->available = GET(tb, PTP_UNIFIED_A_SOURCE_AVAILABLE, nla_get_u8, 0);
	s->selected = GET(tb, PTP_UNIFIED_A_SOURCE_SELECTED, nla_get_u8, 0);
	s->calibrated = GET(tb, PTP_UNIFIED_A_SOURCE_CALIBRATED, nla_get_u8, 0);
	s->falseticker = GET(tb, PTP_UNIFIED_A_SOURCE_FALSETICKER, nla_get_u8, 0);
	s->suspect = GET(tb, PTP_UNIFIED_A_SOURCE_SUSPECT, nla_get_u8, 0);
	s->stratum = GET(tb, PTP_UNIFIED_A_SOURCE_STRATUM, nla_get_u8, 0);
	s->leap = GET(tb, PTP_UNIFIED_A_SOURCE_LEAP, nla_get_u8, 0);
	s->samples = GET(tb, PTP_UNIFIED_A_SOURCE_SAMPLES, nla_get_u32, 0);
	s->offset_ns = GET(tb, PTP_UNIFIED_A_SOURCE_OFFSET, nla_get_s64, 0);
	s->bound_ns = GET(tb, PTP_UNIFIED_A_SOURCE_BOUND, nla_get_u64, 0);
	s->jitter_ns = GET(tb, PTP_UNIFIED_A_SOURCE_JITTER, nla_get_u64, 0);
	s->age_ns = GET(tb, PTP_UNIFIED_A_SOURCE_AGE, nla_get_s64, -1);
	s->freq_ppb = GET(tb, PTP_UNIFIED_A_SOURCE_FREQ, nla_get_s64, 0);
	return 0;
}

static int source_one(struct nl_msg *msg, void *arg)
{
	return source_parse(msg, arg);
}

int ptpu_nl_source_get(struct ptpu_nl *h, const char *name, struct ptpu_nl_source *src)
{
	struct nl_msg *msg = name_msg(h, PTP_UNIFIED_CMD_SOURCE_GET, name);

	if (!msg)
		return -ENOMEM;
	return ptpu_nl_transact(h, msg, source_one, src);
}

struct dump_walk {
	ptpu_nl_source_cb cb;
	void *arg;
	int n;
	bool stopped;
};

static int source_each(struct nl_msg *msg, void *arg)
{
	struct dump_walk *w = arg;
	struct ptpu_nl_source s;
	int ret;

	if (w->stopped)
		return 0;
	ret = source_parse(msg, &s);
	if (ret)
		return ret;
	w->n++;
	if (w->cb(&s, w->arg))
		w->stopped = true;
	return 0;
}

int ptpu_nl_source_dump(struct ptpu_nl *h, ptpu_nl_source_cb cb, void *arg)
{
	struct dump_walk w = { .cb = cb, .arg = arg };
	struct nl_msg *msg = ptpu_nl_msg(h, PTP_UNIFIED_CMD_SOURCE_GET, NLM_F_DUMP);
	int ret;

	if (!msg)
		return -ENOMEM;
	ret = ptpu_nl_transact(h, msg, source_each, &w);
	return ret < 0 ? ret : w.n;
}

struct list_fill {
	struct ptpu_nl_source *srcs;
	int max;
	int n;
};

static int list_one(const struct ptpu_nl_source *s, void *arg)
{
	struct list_fill *l = arg;

	if (l->n < l->max)
		l->srcs[l->n] = *s;
	l->n++;
	return 0;
}

int ptpu_nl_source_list(struct ptpu_nl *h, struct ptpu_nl_source *srcs, int max)
{
	struct list_fill l = { .srcs = srcs, .max = max };
	int ret = ptpu_nl_source_dump(h, list_one, &l);

	return ret < 0 ? ret : l.n;
}

int ptpu_nl_sample_push(struct ptpu_nl *h, const struct ptpu_nl_sample *s)
{
	struct nl_msg *msg = ptpu_nl_msg(h, PTP_UNIFIED_CMD_SAMPLE_PUSH, 0);

	if (!msg)
		return -ENOMEM;
	if (nla_put_string(msg, PTP_UNIFIED_A_SAMPLE_SOURCE, s->source) ||
	    nla_put_s64(msg, PTP_UNIFIED_A_SAMPLE_RAW, s->raw_ns) ||
	    nla_put_s64(msg, PTP_UNIFIED_A_SAMPLE_REF, s->ref_ns) ||
	    nla_put_u64(msg, PTP_UNIFIED_A_SAMPLE_BOUND, s->bound_ns) ||
	    nla_put_u8(msg, PTP_UNIFIED_A_SAMPLE_STRATUM, s->stratum) ||
	    nla_put_u8(msg, PTP_UNIFIED_A_SAMPLE_LEAP, s->leap) ||
	    (s->cls >= 0 && nla_put_u32(msg, PTP_UNIFIED_A_SAMPLE_CLASS, s->cls))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return ptpu_nl_transact(h, msg, NULL, NULL);
}

static struct nla_policy config_policy[PTP_UNIFIED_A_CONFIG_MAX + 1] = {
	[PTP_UNIFIED_A_CONFIG_MAX_DRIFT_PPB] = { .type = NLA_U32 },
	[PTP_UNIFIED_A_CONFIG_SLEW_LIMIT_PPB] = { .type = NLA_U32 },
	[PTP_UNIFIED_A_CONFIG_HYSTERESIS_PCT] = { .type = NLA_U32 },
	[PTP_UNIFIED_A_CONFIG_STALE_LIMIT_S] = { .type = NLA_U32 },
	[PTP_UNIFIED_A_CONFIG_KVM_POLL_MS] = { .type = NLA_U32 },
	[PTP_UNIFIED_A_CONFIG_RTC_INTERVAL_S] = { .type = NLA_U32 },
	[PTP_UNIFIED_A_CONFIG_RTC_DEVICE] = { .type = NLA_NUL_STRING,
					      .maxlen = PTP_UNIFIED_NAME_LEN },
	[PTP_UNIFIED_A_CONFIG_SOURCE] = { .type = NLA_NESTED },
	[PTP_UNIFIED_A_CONFIG_STEP_THRESHOLD_NS] = { .type = NLA_U64 },
};

/* Which PTPU_NL_CFG_* bit each u32 knob attribute sets, and where. */
static const struct {
	int attr;
	unsigned int bit;
	size_t off;
} u32_knobs[] = {
	{ PTP_UNIFIED_A_CONFIG_MAX_DRIFT_PPB, PTPU_NL_CFG_MAX_DRIFT,
	  offsetof(struct ptpu_nl_config, max_drift_ppb) },
	{ PTP_UNIFIED_A_CONFIG_SLEW_LIMIT_PPB, PTPU_NL_CFG_SLEW_LIMIT,
	  offsetof(struct ptpu_nl_config, slew_limit_ppb) },
	{ PTP_UNIFIED_A_CONFIG_HYSTERESIS_PCT, PTPU_NL_CFG_HYSTERESIS,
	  offsetof(struct ptpu_nl_config, hysteresis_pct) },
	{ PTP_UNIFIED_A_CONFIG_STALE_LIMIT_S, PTPU_NL_CFG_STALE_LIMIT,
	  offsetof(struct ptpu_nl_config, stale_limit_s) },
	{ PTP_UNIFIED_A_CONFIG_KVM_POLL_MS, PTPU_NL_CFG_KVM_POLL,
	  offsetof(struct ptpu_nl_config, kvm_poll_ms) },
	{ PTP_UNIFIED_A_CONFIG_RTC_INTERVAL_S, PTPU_NL_CFG_RTC_INTERVAL,
	  offsetof(struct ptpu_nl_config, rtc_interval_s) },
};

#define N_U32_KNOBS (sizeof(u32_knobs) / sizeof(u32_knobs[0]))

static int config_parse(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *tb[PTP_UNIFIED_A_CONFIG_MAX + 1];
	struct nlattr *st[PTP_UNIFIED_A_SOURCE_MAX + 1];
	struct ptpu_nl_config *cfg = arg;
	struct ptpu_nl_source_cfg *sc;
	struct nlattr *a;
	unsigned int i;
	int rem;

	if (parse_reply(msg, tb, PTP_UNIFIED_A_CONFIG_MAX, config_policy))
		return -EPROTO;
	memset(cfg, 0, sizeof(*cfg));
	for (i = 0; i < N_U32_KNOBS; i++) {
		if (!tb[u32_knobs[i].attr])
			continue;
		*(uint32_t *)((char *)cfg + u32_knobs[i].off) = nla_get_u32(tb[u32_knobs[i].attr]);
		cfg->set |= u32_knobs[i].bit;
	}
	if (tb[PTP_UNIFIED_A_CONFIG_STEP_THRESHOLD_NS]) {
		cfg->step_threshold_ns = nla_get_u64(tb[PTP_UNIFIED_A_CONFIG_STEP_THRESHOLD_NS]);
		cfg->set |= PTPU_NL_CFG_STEP_THRESHOLD;
	}
	if (tb[PTP_UNIFIED_A_CONFIG_RTC_DEVICE]) {
		get_name(cfg->rtc_device, tb[PTP_UNIFIED_A_CONFIG_RTC_DEVICE]);
		cfg->set |= PTPU_NL_CFG_RTC_DEVICE;
	}
	/* The SOURCE nests repeat: walk them all, not just the parsed last one. */
	nla_for_each_attr(a, genlmsg_attrdata(nlmsg_data(nlh), 0),
			  genlmsg_attrlen(nlmsg_data(nlh), 0), rem) {
		if (nla_type(a) != PTP_UNIFIED_A_CONFIG_SOURCE ||
		    cfg->n_sources >= PTPU_NL_MAX_SOURCES)
			continue;
		if (nla_parse_nested(st, PTP_UNIFIED_A_SOURCE_MAX, a, source_policy) ||
		    !st[PTP_UNIFIED_A_SOURCE_NAME])
			return -EPROTO;
		sc = &cfg->sources[cfg->n_sources++];
		get_name(sc->name, st[PTP_UNIFIED_A_SOURCE_NAME]);
		sc->set = PTPU_NL_SRC_ENABLED | PTPU_NL_SRC_PRIORITY | PTPU_NL_SRC_PREFER;
		sc->enabled = GET(st, PTP_UNIFIED_A_SOURCE_ENABLED, nla_get_u8, 0);
		sc->priority = GET(st, PTP_UNIFIED_A_SOURCE_PRIORITY, nla_get_u32, 0);
		sc->prefer = GET(st, PTP_UNIFIED_A_SOURCE_PREFER, nla_get_u8, 0);
	}
	return 0;
}

int ptpu_nl_config_get(struct ptpu_nl *h, struct ptpu_nl_config *cfg)
{
	struct nl_msg *msg = ptpu_nl_msg(h, PTP_UNIFIED_CMD_CONFIG_GET, 0);

	if (!msg)
		return -ENOMEM;
	return ptpu_nl_transact(h, msg, config_parse, cfg);
}

static int config_put(struct nl_msg *msg, const struct ptpu_nl_config *cfg)
{
	const struct ptpu_nl_source_cfg *sc;
	struct nlattr *nest;
	unsigned int i;
	int k;

	for (i = 0; i < N_U32_KNOBS; i++)
		if ((cfg->set & u32_knobs[i].bit) &&
		    nla_put_u32(msg, u32_knobs[i].attr,
				*(const uint32_t *)((const char *)cfg + u32_knobs[i].off)))
			return -EMSGSIZE;
	if ((cfg->set & PTPU_NL_CFG_STEP_THRESHOLD) &&
	    nla_put_u64(msg, PTP_UNIFIED_A_CONFIG_STEP_THRESHOLD_NS, cfg->step_threshold_ns))
		return -EMSGSIZE;
	if ((cfg->set & PTPU_NL_CFG_RTC_DEVICE) &&
	    nla_put_string(msg, PTP_UNIFIED_A_CONFIG_RTC_DEVICE, cfg->rtc_device))
		return -EMSGSIZE;
	for (k = 0; k < cfg->n_sources && k < PTPU_NL_MAX_SOURCES; k++) {
		sc = &cfg->sources[k];
		if (!sc->set)
			continue;
		nest = nla_nest_start(msg, PTP_UNIFIED_A_CONFIG_SOURCE);
		if (!nest || nla_put_string(msg, PTP_UNIFIED_A_SOURCE_NAME, sc->name) ||
		    ((sc->set & PTPU_NL_SRC_ENABLED) &&
		     nla_put_u8(msg, PTP_UNIFIED_A_SOURCE_ENABLED, sc->enabled)) ||
		    ((sc->set & PTPU_NL_SRC_PRIORITY) &&
		     nla_put_u32(msg, PTP_UNIFIED_A_SOURCE_PRIORITY, sc->priority)) ||
		    ((sc->set & PTPU_NL_SRC_PREFER) &&
		     nla_put_u8(msg, PTP_UNIFIED_A_SOURCE_PREFER, sc->prefer)))
			return -EMSGSIZE;
		nla_nest_end(msg, nest);
	}
	return 0;
}

int ptpu_nl_config_set(struct ptpu_nl *h, const struct ptpu_nl_config *cfg)
{
	struct nl_msg *msg = ptpu_nl_msg(h, PTP_UNIFIED_CMD_CONFIG_SET, 0);
	int ret;

	if (!msg)
		return -ENOMEM;
	ret = config_put(msg, cfg);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return ptpu_nl_transact(h, msg, NULL, NULL);
}

static struct nla_policy status_policy[PTP_UNIFIED_A_STATUS_MAX + 1] = {
	[PTP_UNIFIED_A_STATUS_STATE] = { .type = NLA_U32 },
	[PTP_UNIFIED_A_STATUS_SELECTED] = { .type = NLA_NUL_STRING,
					    .maxlen = PTP_UNIFIED_NAME_LEN },
	[PTP_UNIFIED_A_STATUS_BOUND] = { .type = NLA_U64 },
	[PTP_UNIFIED_A_STATUS_DISRUPTIONS] = { .type = NLA_U64 },
	[PTP_UNIFIED_A_STATUS_STEPS] = { .type = NLA_U64 },
	[PTP_UNIFIED_A_STATUS_LAST_STEP] = { .type = NLA_S64 },
	[PTP_UNIFIED_A_STATUS_LAST_STEP_RAW] = { .type = NLA_S64 },
	[PTP_UNIFIED_A_STATUS_TIME] = { .type = NLA_S64 },
	[PTP_UNIFIED_A_STATUS_RAW] = { .type = NLA_S64 },
	[PTP_UNIFIED_A_STATUS_DRIFT] = { .type = NLA_U32 },
	[PTP_UNIFIED_A_STATUS_LEAPS] = { .type = NLA_U64 },
	[PTP_UNIFIED_A_STATUS_LEAP] = { .type = NLA_U8 },
};

static int status_parse(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[PTP_UNIFIED_A_STATUS_MAX + 1];
	struct ptpu_nl_status *st = arg;

	if (parse_reply(msg, tb, PTP_UNIFIED_A_STATUS_MAX, status_policy))
		return -EPROTO;
	memset(st, 0, sizeof(*st));
	st->state = GET(tb, PTP_UNIFIED_A_STATUS_STATE, nla_get_u32, 0);
	get_name(st->selected, tb[PTP_UNIFIED_A_STATUS_SELECTED]);
	st->bound_ns = GET(tb, PTP_UNIFIED_A_STATUS_BOUND, nla_get_u64, 0);
	st->disruptions = GET(tb, PTP_UNIFIED_A_STATUS_DISRUPTIONS, nla_get_u64, 0);
	st->leaps = GET(tb, PTP_UNIFIED_A_STATUS_LEAPS, nla_get_u64, 0);
	st->leap = GET(tb, PTP_UNIFIED_A_STATUS_LEAP, nla_get_u8, 0);
	st->steps = GET(tb, PTP_UNIFIED_A_STATUS_STEPS, nla_get_u64, 0);
	st->last_step_ns = GET(tb, PTP_UNIFIED_A_STATUS_LAST_STEP, nla_get_s64, 0);
	st->last_step_raw_ns = GET(tb, PTP_UNIFIED_A_STATUS_LAST_STEP_RAW, nla_get_s64, 0);
	st->time_ns = GET(tb, PTP_UNIFIED_A_STATUS_TIME, nla_get_s64, 0);
	st->raw_ns = GET(tb, PTP_UNIFIED_A_STATUS_RAW, nla_get_s64, 0);
	st->has_drift = tb[PTP_UNIFIED_A_STATUS_DRIFT] != NULL;
	st->drift_ppb = GET(tb, PTP_UNIFIED_A_STATUS_DRIFT, nla_get_u32, 0);
	return 0;
}

int ptpu_nl_status_get(struct ptpu_nl *h, struct ptpu_nl_status *st)
{
	struct nl_msg *msg = ptpu_nl_msg(h, PTP_UNIFIED_CMD_STATUS_GET, 0);

	if (!msg)
		return -ENOMEM;
	return ptpu_nl_transact(h, msg, status_parse, st);
}

int ptpu_nl_events_subscribe(struct ptpu_nl *h)
{
	int one = 1, ret;

	if (h->ev)
		return 0;
	h->ev = nl_socket_alloc();
	if (!h->ev)
		return -ENOMEM;
	/* Events are not replies: no sequence numbers to match. */
	nl_socket_disable_seq_check(h->ev);
	ret = genl_connect(h->ev);
	if (!ret)
		ret = nl_socket_set_nonblocking(h->ev);
	if (!ret)
		ret = nl_socket_set_buffer_size(h->ev, 1 << 20, 0);
	if (!ret)
		ret = nl_socket_add_membership(h->ev, h->mcgrp);
	if (ret) {
		nl_socket_free(h->ev);
		h->ev = NULL;
		return nle_errno(ret);
	}
	setsockopt(nl_socket_get_fd(h->ev), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	return 0;
}

int ptpu_nl_events_fd(const struct ptpu_nl *h)
{
	return h->ev ? nl_socket_get_fd(h->ev) : -1;
}

struct ev_recv {
	struct ptpu_nl_event *ev;
	int family;
	bool got;
};

static int event_parse(struct nl_msg *msg, void *arg)
{
	struct ev_recv *r = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *g = nlmsg_data(nlh);
	struct nlattr *tb[PTP_UNIFIED_A_SOURCE_MAX + 1];
	struct ptpu_nl_event *ev = r->ev;

	if (nlh->nlmsg_type != r->family || r->got)
		return NL_SKIP;
	memset(ev, 0, sizeof(*ev));
	ev->cmd = g->cmd;
	switch (g->cmd) {
	case PTP_UNIFIED_CMD_EV_SOURCE_LOST:
		if (genlmsg_parse(nlh, 0, tb, PTP_UNIFIED_A_SOURCE_MAX, source_policy))
			return NL_SKIP;
		get_name(ev->name, tb[PTP_UNIFIED_A_SOURCE_NAME]);
		ev->cls = GET(tb, PTP_UNIFIED_A_SOURCE_CLASS, nla_get_u32, 0);
		break;
	case PTP_UNIFIED_CMD_EV_SELECTION:
	case PTP_UNIFIED_CMD_EV_STATE:
	case PTP_UNIFIED_CMD_EV_DISRUPTION:
	case PTP_UNIFIED_CMD_EV_LEAP:
		if (genlmsg_parse(nlh, 0, tb, PTP_UNIFIED_A_STATUS_MAX, status_policy))
			return NL_SKIP;
		ev->state = GET(tb, PTP_UNIFIED_A_STATUS_STATE, nla_get_u32, 0);
		get_name(ev->name, tb[PTP_UNIFIED_A_STATUS_SELECTED]);
		ev->step_ns = GET(tb, PTP_UNIFIED_A_STATUS_LAST_STEP, nla_get_s64, 0);
		ev->step_raw_ns = GET(tb, PTP_UNIFIED_A_STATUS_LAST_STEP_RAW, nla_get_s64, 0);
		ev->disruptions = GET(tb, PTP_UNIFIED_A_STATUS_DISRUPTIONS, nla_get_u64, 0);
		ev->leaps = GET(tb, PTP_UNIFIED_A_STATUS_LEAPS, nla_get_u64, 0);
		ev->steps = GET(tb, PTP_UNIFIED_A_STATUS_STEPS, nla_get_u64, 0);
		break;
	default:
		return NL_SKIP;
	}
	r->got = true;
	return NL_OK;
}

int ptpu_nl_event_recv(struct ptpu_nl *h, struct ptpu_nl_event *ev, int timeout_ms)
{
	struct ev_recv r = { .ev = ev, .family = h->family };
	struct pollfd p = { .events = POLLIN };
	struct nl_cb *c;
	int ret;

	if (!h->ev)
		return -EINVAL;
	p.fd = nl_socket_get_fd(h->ev);
	ret = poll(&p, 1, timeout_ms);
	if (ret < 0)
		return -errno;
	if (!ret)
		return 0;
	c = nl_cb_clone(nl_socket_get_cb(h->ev));
	if (!c)
		return -ENOMEM;
	nl_cb_set(c, NL_CB_VALID, NL_CB_CUSTOM, event_parse, &r);
	ret = nl_recvmsgs(h->ev, c);
	nl_cb_put(c);
	if (r.got)
		return 1;
	if (ret == -NLE_NOMEM && errno == ENOBUFS)
		return -ENOBUFS;
	if (ret == -NLE_AGAIN || ret == 0)
		return 0;
	return nle_errno(ret);
}
