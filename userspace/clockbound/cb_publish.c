// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ClockBound publisher (see cb_publish.h). Log lines:
 *   clockbound: writing PATH (protocol version 2)
 *   clockbound: status WORD (bound N ns, max drift N ppb)
 *   clockbound: PATH: <why it cannot be written>; steering goes on
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "clockbound/cb_publish.h"
#include "clockbound/cb_writer.h"
#include "clockbound/freq_doubt.h"
#include "config.h"
#include "evloop.h"
#include "lib/ptpu_nl.h"
#include "log.h"
#include "timeutil.h"

#define CB_VOID_POLLS 4
#define CB_VOID_SLACK_NS NS_PER_SEC
#define CB_REFRESH_NS (2 * NS_PER_SEC)
#define CB_REPORT_INTERVAL_NS (600 * NS_PER_SEC)
/* Larger bounds are "no bound" (an unsynchronised module's). */
#define CB_BOUND_MAX (INT64_MAX / 4)

struct cb_publish {
	struct evloop *loop;
	struct log *log;
	char path[PATH_MAX];
	char device[PATH_MAX];		/* "" = the unified clock */
	double poll_s;
	double servo_prior_ppb;		/* before a doubt is measured */
	int64_t coarse_tick_ns;
	struct cb_writer *w;
	struct ratelimit open_rl;
	struct ptpu_nl *nl;
	int nl_fd;
	bool old_module_said, other_phc_said;
	struct freq_doubt doubt;
	bool disrupted;
	bool have_body;
	struct cb_shm_body last;	/* as last written */
	int logged_status;		/* -1: none yet */
	struct evloop_timer refresh;
};

static int64_t sat_add(int64_t a, int64_t b)
{
	return a > INT64_MAX - b ? INT64_MAX : a + b;
}

static int64_t coarse_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC_COARSE);
}

static void set_ts(int64_t *sec, int64_t *nsec, int64_t ns)
{
	struct timespec ts = ns_to_timespec(ns);

	*sec = ts.tv_sec;
	*nsec = ts.tv_nsec;
}

static bool ensure_writer(struct cb_publish *p)
{
	char err[PATH_MAX + 200];
	int ret;

	if (p->w)
		return true;
	p->w = cb_writer_open(p->path, &ret, err, sizeof(err));
	if (!p->w) {
		if (ratelimit_allow(&p->open_rl, mono_ns()))
			log_notice(p->log, "clockbound: %s; steering goes on", err);
		return false;
	}
	ratelimit_reset(&p->open_rl);
	log_notice(p->log, "clockbound: writing %s (protocol version %d)", p->path,
		   CB_SHM_VERSION);
	return true;
}

static void write_body(struct cb_publish *p, const struct cb_shm_body *b)
{
	if (!ensure_writer(p))
		return;
	cb_writer_write(p->w, b);
	p->last = *b;
	p->have_body = true;
	if (b->status != p->logged_status) {
		log_notice(p->log, "clockbound: status %s (bound %lld ns, max drift %u ppb)",
			   cb_status_name(b->status), (long long)b->bound_ns,
			   b->max_drift_ppb);
		p->logged_status = b->status;
	}
	evloop_timer_set(&p->refresh, mono_ns() + CB_REFRESH_NS);
}

static void link_drop(struct cb_publish *p)
{
	if (!p->nl)
		return;
	evloop_del_fd(p->loop, p->nl_fd);
	ptpu_nl_close(p->nl);
	p->nl = NULL;
}

static void disrupt(struct cb_publish *p, const char *why)
{
	struct cb_shm_body b = p->last;
	int64_t now = coarse_ns();

	p->disrupted = true;
	freq_doubt_break(&p->doubt);
	log_notice(p->log, "clockbound: %s: disrupted until the system clock is right again",
		   why);
	set_ts(&b.as_of_sec, &b.as_of_nsec, now);
	set_ts(&b.void_after_sec, &b.void_after_nsec,
	       now + CB_VOID_POLLS * seconds_to_ns(p->poll_s) + CB_VOID_SLACK_NS);
	b.status = CB_STATUS_DISRUPTED;
	write_body(p, &b);
}

/* The module's events: a disruption (or events lost) at once. */
static void on_event(void *arg, int fd, short revents)
{
	struct cb_publish *p = arg;
	struct ptpu_nl_event ev;
	int ret;

	(void)fd;
	(void)revents;
	while ((ret = ptpu_nl_event_recv(p->nl, &ev, 0)) != 0) {
		if (ret == 1 && ev.cmd == PTP_UNIFIED_CMD_EV_DISRUPTION) {
			disrupt(p, "module disruption event");
		} else if (ret == -ENOBUFS) {
			disrupt(p, "module events lost");
		} else if (ret < 0) {
			link_drop(p);
			return;
		}
	}
}

static bool link_up(struct cb_publish *p)
{
	int err;

	if (p->nl)
		return true;
	p->nl = ptpu_nl_open(&err);
	if (!p->nl)
		return false;
	if (ptpu_nl_events_subscribe(p->nl) ||
	    evloop_add_fd(p->loop, ptpu_nl_events_fd(p->nl), POLLIN, on_event, p)) {
		ptpu_nl_close(p->nl);
		p->nl = NULL;
		return false;
	}
	p->nl_fd = ptpu_nl_events_fd(p->nl);
	return true;
}

/* The PHC steered from is the unified clock, whose bound the module gives. */
static bool steering_unified(struct cb_publish *p)
{
	struct stat a, b;
	char unified[PATH_MAX];

	if (!p->device[0])
		return true;
	if (phc_find_unified("/dev", "/sys/class/ptp", unified, sizeof(unified)) ||
	    stat(p->device, &a) || stat(unified, &b))
		return false;
	return a.st_rdev == b.st_rdev;
}

/* The unified clock's bound and its growth; false when unknown. */
static bool module_view(struct cb_publish *p, struct ptpu_nl_status *st)
{
	if (!steering_unified(p)) {
		if (!p->other_phc_said)
			log_notice(p->log, "clockbound: %s is not the ptp_unified clock, whose error bound alone is known: the segment says unknown",
				   p->device);
		p->other_phc_said = true;
		return false;
	}
	if (!link_up(p))
		return false;
	if (ptpu_nl_status_get(p->nl, st)) {
		link_drop(p);
		return false;
	}
	if (!st->has_drift) {
		if (!p->old_module_said)
			log_notice(p->log, "clockbound: the ptp_unified module does not say how fast its bound grows (too old): the segment says unknown");
		p->old_module_said = true;
		return false;
	}
	return true;
}

static int status_of(const struct cb_inputs *in, bool *disrupted)
{
	bool locked = in->poll->state == SERVO_LOCKED && !in->poll->stepped;

	if (*disrupted) {
		if (!locked)
			return CB_STATUS_DISRUPTED;
		*disrupted = false;
	}
	if (!in->module_known || in->module_bound_ns >= CB_BOUND_MAX || !locked)
		return CB_STATUS_UNKNOWN;
	switch (in->module_state) {
	case PTP_UNIFIED_STATE_SYNCED:
		return CB_STATUS_SYNCHRONIZED;
	case PTP_UNIFIED_STATE_NO_MAJORITY:
	case PTP_UNIFIED_STATE_FREERUN:
		return CB_STATUS_FREE_RUNNING;
	}
	return CB_STATUS_UNKNOWN;
}

void cb_compose(const struct cb_inputs *in, bool *disrupted,
		struct cb_shm_body *b)
{
	const struct steer_poll *poll = in->poll;
	double servo = in->servo_doubt_ppb < 0 ? in->servo_prior_ppb :
						 in->servo_doubt_ppb;
	double drift = fmin(ceil(servo + (in->module_known ? in->module_drift_ppb : 0)),
			    CB_SHM_MAX_DRIFT_PPB);
	int64_t bound = 0;

	if (in->module_known)
		bound = in->module_bound_ns < CB_BOUND_MAX ?
			(int64_t)in->module_bound_ns : CB_BOUND_MAX;
	bound = sat_add(bound, llabs(poll->offset_ns));
	bound = sat_add(bound, poll->uncert_ns);
	bound = sat_add(bound, (int64_t)ceil(drift * (double)in->coarse_tick_ns / 1e9));

	memset(b, 0, sizeof(*b));
	set_ts(&b->as_of_sec, &b->as_of_nsec, poll->coarse_ns);
	set_ts(&b->void_after_sec, &b->void_after_nsec,
	       poll->coarse_ns + CB_VOID_POLLS * seconds_to_ns(in->poll_s) +
	       CB_VOID_SLACK_NS);
	b->bound_ns = bound;
	b->max_drift_ppb = (uint32_t)drift;
	b->status = status_of(in, disrupted);
	b->disruption_support = 0;
}

/* Nothing keeps the clock any more: the last bound, left to grow and expire. */
static void hold_over(struct cb_publish *p)
{
	struct cb_shm_body b = p->last;

	if (!p->have_body || b.status != CB_STATUS_SYNCHRONIZED)
		return;
	b.status = CB_STATUS_FREE_RUNNING;
	write_body(p, &b);
}

void cb_publish_poll(void *arg, const struct steer_poll *poll)
{
	struct cb_publish *p = arg;
	struct ptpu_nl_status st = { 0 };
	struct cb_inputs in = {
		.poll = poll,
		.servo_prior_ppb = p->servo_prior_ppb,
		.coarse_tick_ns = p->coarse_tick_ns,
		.poll_s = p->poll_s,
	};
	struct cb_shm_body b;

	if (!poll->ok) {
		freq_doubt_break(&p->doubt);
		hold_over(p);
		return;
	}
	in.module_known = module_view(p, &st);
	in.module_bound_ns = st.bound_ns;
	in.module_drift_ppb = st.drift_ppb;
	in.module_state = st.state;
	in.servo_doubt_ppb = freq_doubt_poll(&p->doubt, poll->offset_ns,
					     poll->uncert_ns, poll->mono_ns,
					     poll->freq_ppb, poll->stepped);
	cb_compose(&in, &p->disrupted, &b);
	write_body(p, &b);
}

/* Polls further apart than CB_REFRESH_NS: the same bound, carried forward. */
static void on_refresh(void *arg)
{
	struct cb_publish *p = arg;
	struct cb_shm_body b = p->last;
	int64_t now = coarse_ns(), as_of, grow;

	if (!p->have_body || (b.status != CB_STATUS_SYNCHRONIZED &&
			      b.status != CB_STATUS_FREE_RUNNING))
		return;
	as_of = cb_ts_ns(b.as_of_sec, b.as_of_nsec);
	if (now >= cb_ts_ns(b.void_after_sec, b.void_after_nsec) || now <= as_of)
		return;
	grow = (int64_t)ceil((double)(now - as_of) * b.max_drift_ppb / 1e9);
	b.bound_ns = sat_add(b.bound_ns, grow);
	set_ts(&b.as_of_sec, &b.as_of_nsec, now);
	write_body(p, &b);
}

struct cb_publish *cb_publish_create(const struct config *cfg,
				     struct evloop *loop, struct log *log)
{
	struct cb_publish *p = calloc(1, sizeof(*p));
	struct timespec res;

	if (!p)
		return NULL;
	p->loop = loop;
	p->log = log;
	snprintf(p->path, sizeof(p->path), "%s", cfg->clockbound_path);
	snprintf(p->device, sizeof(p->device), "%s", cfg->device);
	p->poll_s = cfg->poll_s;
	p->servo_prior_ppb = cfg->max_freq_ppb;
	p->open_rl.interval_ns = CB_REPORT_INTERVAL_NS;
	p->logged_status = -1;
	/* A reader's coarse clock can be behind the true age by one tick. */
	p->coarse_tick_ns = clock_getres(CLOCK_MONOTONIC_COARSE, &res) ? 10 * NS_PER_MS :
			    timespec_to_ns(&res);
	freq_doubt_init(&p->doubt);
	evloop_timer_init(loop, &p->refresh, on_refresh, p);
	ensure_writer(p);
	return p;
}

void cb_publish_destroy(struct cb_publish *p)
{
	if (!p)
		return;
	hold_over(p);
	evloop_timer_del(p->loop, &p->refresh);
	link_drop(p);
	cb_writer_close(p->w);
	free(p);
}
