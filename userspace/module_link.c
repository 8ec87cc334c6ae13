// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * See module_link.h. Log lines:
 *   phc-steer[t]: module event disruption step %+lld ns (disruptions %llu)
 *   phc-steer[t]: module event leap second step %+lld ns (leaps %llu)
 *   phc-steer[t]: module event selection <source> state <state>
 *   phc-steer[t]: module event lost <source>
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "evloop.h"
#include "lib/ptpu_nl.h"
#include "log.h"
#include "module_link.h"
#include "steer.h"

/* How often the clock's bound and the leap indicator are refreshed. */
#define MODULE_LINK_REFRESH_NS 2000000000LL

struct module_link {
	struct ptpu_nl *nl;
	struct evloop *loop;
	struct log *log;
	struct steer *st;
	struct evloop_timer refresh;
	int fd;
	unsigned int state;	/* the clock's state as last heard */
	bool have_state;
};

static int64_t mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void on_event(struct module_link *ml, const struct ptpu_nl_event *ev)
{
	switch (ev->cmd) {
	case PTP_UNIFIED_CMD_EV_DISRUPTION:
		log_notice(ml->log, "module event disruption step %+lld ns (disruptions %llu)",
			   (long long)ev->step_ns, (unsigned long long)ev->disruptions);
		steer_step_now(ml->st);
		break;
	case PTP_UNIFIED_CMD_EV_LEAP:
		log_notice(ml->log, "module event leap second step %+lld ns (leaps %llu)",
			   (long long)ev->step_ns, (unsigned long long)ev->leaps);
		steer_leap_stepped(ml->st);
		break;
	case PTP_UNIFIED_CMD_EV_SELECTION:
	case PTP_UNIFIED_CMD_EV_STATE:
		log_notice(ml->log, "module event selection %s state %s",
			   ev->name[0] ? ev->name : "none", ptpu_nl_state_name(ev->state));
		/*
		 * The clock's first synchronisation steps it (it had promised
		 * nothing before) without a disruption: follow at once rather
		 * than slew what may be most of a second.
		 */
		if (ml->state == PTP_UNIFIED_STATE_UNSYNCED &&
		    ev->state != PTP_UNIFIED_STATE_UNSYNCED) {
			log_notice(ml->log, "module synchronised for the first time: stepping");
			steer_step_now(ml->st);
		}
		ml->state = ev->state;
		break;
	case PTP_UNIFIED_CMD_EV_SOURCE_LOST:
		log_notice(ml->log, "module event lost %s", ev->name);
		break;
	}
}

static void on_readable(void *arg, int fd, short revents)
{
	struct module_link *ml = arg;
	struct ptpu_nl_event ev;
	int ret;

	(void)fd;
	(void)revents;
	while ((ret = ptpu_nl_event_recv(ml->nl, &ev, 0)) != 0) {
		if (ret == 1) {
			on_event(ml, &ev);
		} else if (ret == -ENOBUFS) {
			/* Events were lost: a disruption may be among them. */
			log_notice(ml->log, "module events overran; stepping to be safe");
			steer_step_now(ml->st);
		} else {
			log_notice(ml->log, "module events: %s", strerror(-ret));
			evloop_del_fd(ml->loop, ml->fd);
			return;
		}
	}
}

static void on_refresh(void *arg)
{
	struct module_link *ml = arg;
	struct ptpu_nl_status st;

	if (!ptpu_nl_status_get(ml->nl, &st)) {
		steer_set_reference_bound(ml->st, (int64_t)st.bound_ns);
		/*
		 * Only at start: later the events say it, in order; a poll could
		 * see a change before its event and hide it.
		 */
		if (!ml->have_state) {
			ml->state = st.state;
			ml->have_state = true;
		}
		/*
		 * The clock's announcement, not its selected source's: kvm
		 * announces nothing, and the clock passes on what a majority
		 * of its external sources announce (docs/design.md).
		 */
		steer_set_leap(ml->st, st.leap == PTP_UNIFIED_LEAP_INS ? 1 :
				       st.leap == PTP_UNIFIED_LEAP_DEL ? -1 : 0);
	}
	evloop_timer_set(&ml->refresh, mono_now() + MODULE_LINK_REFRESH_NS);
}

struct module_link *module_link_create(struct evloop *loop, struct log *log,
				       struct steer *st, int *err)
{
	struct module_link *ml = calloc(1, sizeof(*ml));

	if (!ml) {
		*err = -ENOMEM;
		return NULL;
	}
	ml->loop = loop;
	ml->log = log;
	ml->st = st;
	ml->nl = ptpu_nl_open(err);
	if (!ml->nl)
		goto fail;
	*err = ptpu_nl_events_subscribe(ml->nl);
	if (*err)
		goto fail;
	ml->fd = ptpu_nl_events_fd(ml->nl);
	*err = evloop_add_fd(loop, ml->fd, POLLIN, on_readable, ml);
	if (*err)
		goto fail;
	evloop_timer_init(loop, &ml->refresh, on_refresh, ml);
	on_refresh(ml);
	return ml;
fail:
	ptpu_nl_close(ml->nl);
	free(ml);
	return NULL;
}

void module_link_destroy(struct module_link *ml)
{
	if (!ml)
		return;
	evloop_del_fd(ml->loop, ml->fd);
	evloop_timer_del(ml->loop, &ml->refresh);
	ptpu_nl_close(ml->nl);
	free(ml);
}
