// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The feed that hands samples to the ptp_unified module (see feed.h) with
 * the netlink family's SAMPLE_PUSH. Module source names are at most 15
 * characters, and "[2001:db8::1]:123" is not, so each reference gets a short
 * stable name, "ntp0", "ntp1", ... in the order it was first heard, logged
 * once so status lines can be traced back to servers.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed/feed.h"
#include "lib/ptpu_nl.h"
#include "log.h"

#define FEED_NL_MAX_REFS 16

struct feed_netlink {
	struct feed base;
	struct ptpu_nl *nl;
	struct log *log;
	int n;
	struct {
		char ref[128];
		char name[PTP_UNIFIED_NAME_LEN];
	} refs[FEED_NL_MAX_REFS];
};

static unsigned int nl_class(enum feed_class cls)
{
	switch (cls) {
	case FEED_CLASS_NTP:
		return PTP_UNIFIED_CLASS_NTP;
	case FEED_CLASS_PHC:
		return PTP_UNIFIED_CLASS_PHC;
	case FEED_CLASS_OTHER:
		break;
	}
	return PTP_UNIFIED_CLASS_OTHER;
}

/* The module's name for reference @ref, NULL when the table is full. */
static const char *short_name(struct feed_netlink *f, const struct feed_sample *s)
{
	int i;

	for (i = 0; i < f->n; i++)
		if (!strcmp(f->refs[i].ref, s->source))
			return f->refs[i].name;
	if (f->n == FEED_NL_MAX_REFS)
		return NULL;
	snprintf(f->refs[i].ref, sizeof(f->refs[i].ref), "%s", s->source);
	snprintf(f->refs[i].name, sizeof(f->refs[i].name), "%s%d",
		 feed_class_name(s->cls), i);
	f->n++;
	log_notice(f->log, "source %s in the module is %s", f->refs[i].name, s->source);
	return f->refs[i].name;
}

static int nl_push(struct feed *base, const struct feed_sample *s)
{
	struct feed_netlink *f = (struct feed_netlink *)base;
	struct ptpu_nl_sample smp = {
		.raw_ns = s->raw_ns,
		.ref_ns = s->ref_ns,
		.bound_ns = s->bound_ns,
		.cls = (int)nl_class(s->cls),
		.stratum = s->stratum,
		.leap = s->leap,
	};
	int ret;

	smp.source = short_name(f, s);
	if (!smp.source)
		return -ENOSPC;
	ret = ptpu_nl_sample_push(f->nl, &smp);
	if (ret && *ptpu_nl_ext_ack(f->nl))
		log_notice(f->log, "module refused a sample of %s: %s (%s)", smp.source,
			   strerror(-ret), ptpu_nl_ext_ack(f->nl));
	return ret;
}

static void nl_destroy(struct feed *base)
{
	struct feed_netlink *f = (struct feed_netlink *)base;

	ptpu_nl_close(f->nl);
	free(f);
}

/*
 * A feed into the module. NULL with -errno in *err when the module's family
 * is not there (-ENOENT: not loaded) or no memory.
 */
struct feed *feed_netlink_create(struct log *log, int *err)
{
	struct feed_netlink *f = calloc(1, sizeof(*f));

	if (!f) {
		*err = -ENOMEM;
		return NULL;
	}
	f->nl = ptpu_nl_open(err);
	if (!f->nl) {
		free(f);
		return NULL;
	}
	f->base.push = nl_push;
	f->base.destroy = nl_destroy;
	f->log = log;
	return &f->base;
}
