// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The steering loop (see steer.h).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock/clockadj.h"
#include "config.h"
#include "evloop.h"
#include "exit_codes.h"
#include "log.h"
#include "servo/servo.h"
#include "stats.h"
#include "steer.h"
#include "timeutil.h"

#define SECS_PER_DAY 86400
/* Around a leap second both clocks may jump by a second: learn nothing. */
#define LEAP_WINDOW_S 2
#define GONE_REPORT_INTERVAL_S 600

struct steer {
	struct config cfg;
	struct evloop *loop;
	struct log *log;
	struct phc phc;
	bool have_phc;
	char dev[PATH_MAX];	/* name in the log lines */
	struct servo *servo;
	struct evloop_timer timer;
	int64_t poll_ns;
	int64_t next_poll;
	bool step_pending;
	const char *step_reason;	/* for the log line of that step */
	bool updated;		/* the servo has jumped or locked once */
	int64_t ref_bound_ns;
	int leap;		/* announced */
	int leap_armed;		/* in the kernel */
	bool method_logged;
	enum sysoff_method method;
	struct stats st_offset, st_freq, st_delay;
	struct ratelimit gone_rl;
	double freq_ppb;	/* CLOCK_REALTIME's, as last set */
	steer_poll_fn observer;
	void *observer_arg;
};

bool steer_leap_day(int64_t realtime_ns)
{
	time_t t = (time_t)(realtime_ns / NS_PER_SEC);
	struct tm tm;

	gmtime_r(&t, &tm);
	return (tm.tm_mon == 5 && tm.tm_mday == 30) ||
	       (tm.tm_mon == 11 && tm.tm_mday == 31);
}

static bool in_leap_window(const struct steer *st, int64_t realtime_ns)
{
	int64_t sod = (realtime_ns / NS_PER_SEC) % SECS_PER_DAY;

	if (!st->leap)
		return false;
	if (sod >= SECS_PER_DAY - LEAP_WINDOW_S)
		return steer_leap_day(realtime_ns);
	if (sod < LEAP_WINDOW_S)
		return steer_leap_day(realtime_ns - SECS_PER_DAY * NS_PER_SEC);
	return false;
}

static void fail(struct steer *st, const char *what, int err)
{
	fprintf(stderr, "phc-steer: %s: %s\n", what, strerror(-err));
	evloop_stop(st->loop, EXIT_RUNTIME);
}

static void log_sample(struct steer *st, const struct sysoff_reading *r,
		       enum servo_state state, double freq)
{
	struct json_object *o;

	if (!st->log->json) {
		log_text(st->log, "%s offset %9lld s%d freq %+7.0f delay %6lld",
			 st->dev, (long long)r->offset_ns, state, freq,
			 (long long)r->delay_ns);
		return;
	}
	o = log_event("sample");
	json_object_object_add(o, "device", json_object_new_string(st->dev));
	json_object_object_add(o, "method", json_object_new_string(
					   sysoff_method_name(r->method)));
	json_object_object_add(o, "offset_ns", json_object_new_int64(r->offset_ns));
	json_object_object_add(o, "state", json_object_new_int(state));
	json_object_object_add(o, "freq_ppb", json_object_new_double(round(freq)));
	json_object_object_add(o, "delay_ns", json_object_new_int64(r->delay_ns));
	log_emit(st->log, o);
}

static void log_summary(struct steer *st)
{
	struct json_object *o;

	if (!st->log->json) {
		log_text(st->log,
			 "%s rms %lld max %lld freq %+.0f +/- %.0f delay %lld +/- %.0f",
			 st->dev, llround(stats_rms(&st->st_offset)),
			 llround(stats_max_abs(&st->st_offset)),
			 stats_mean(&st->st_freq), stats_stddev(&st->st_freq),
			 llround(stats_mean(&st->st_delay)),
			 stats_stddev(&st->st_delay));
	} else {
		o = log_event("summary");
		json_object_object_add(o, "device", json_object_new_string(st->dev));
		json_object_object_add(o, "samples",
				       json_object_new_int((int)st->st_offset.n));
		json_object_object_add(o, "rms_ns", json_object_new_int64(
						   llround(stats_rms(&st->st_offset))));
		json_object_object_add(o, "max_ns", json_object_new_int64(
						   llround(stats_max_abs(&st->st_offset))));
		json_object_object_add(o, "freq_ppb", json_object_new_double(
						   round(stats_mean(&st->st_freq))));
		json_object_object_add(o, "freq_sd_ppb", json_object_new_double(
						   round(stats_stddev(&st->st_freq))));
		json_object_object_add(o, "delay_ns", json_object_new_int64(
						   llround(stats_mean(&st->st_delay))));
		json_object_object_add(o, "delay_sd_ns", json_object_new_double(
						   round(stats_stddev(&st->st_delay))));
		log_emit(st->log, o);
	}
	stats_reset(&st->st_offset);
	stats_reset(&st->st_freq);
	stats_reset(&st->st_delay);
}

static void log_step(struct steer *st, int64_t step_ns, const char *reason)
{
	struct json_object *o;

	if (!st->log->json) {
		log_text(st->log, "%s step %lld ns (%s)", st->dev,
			 (long long)step_ns, reason);
		return;
	}
	o = log_event("step");
	json_object_object_add(o, "device", json_object_new_string(st->dev));
	json_object_object_add(o, "step_ns", json_object_new_int64(step_ns));
	json_object_object_add(o, "reason", json_object_new_string(reason));
	log_emit(st->log, o);
}

/* maxerror and esterror from this reading, and STA_UNSYNC cleared. */
static int declare_sync(struct steer *st, const struct sysoff_reading *r,
			int64_t residual_ns)
{
	int64_t est = llabs(residual_ns) + r->delay_ns / 2;

	return clockadj_set_sync(CLOCK_REALTIME, est + st->ref_bound_ns, est);
}

static int step(struct steer *st, const struct sysoff_reading *r,
		const char *reason)
{
	int ret = clockadj_step(CLOCK_REALTIME, -r->offset_ns);

	if (ret)
		return ret;
	log_step(st, -r->offset_ns, reason);
	return declare_sync(st, r, 0);
}

static void update_leap(struct steer *st, int64_t realtime_ns)
{
	int want = steer_leap_day(realtime_ns) ? st->leap : 0;
	int ret;

	if (want == st->leap_armed)
		return;
	ret = clockadj_set_leap(CLOCK_REALTIME, want);
	if (ret) {
		fail(st, "cannot set the leap second status", ret);
		return;
	}
	st->leap_armed = want;
	servo_leap(st->servo, want);
	log_notice(st->log, "%s", want > 0 ? "leap second insertion armed for midnight UTC" :
				  want < 0 ? "leap second deletion armed for midnight UTC" :
					     "leap second disarmed");
}

static bool ensure_phc(struct steer *st)
{
	char err[PATH_MAX + 200];

	if (st->have_phc)
		return true;
	if (phc_open(&st->phc, st->cfg.device[0] ? st->cfg.device : NULL,
		     st->cfg.samples, err, sizeof(err))) {
		if (ratelimit_allow(&st->gone_rl, mono_ns()))
			log_notice(st->log, "%s: still gone: %s", st->dev, err);
		return false;
	}
	st->have_phc = true;
	st->method_logged = false;
	snprintf(st->dev, sizeof(st->dev), "%s", st->phc.path);
	ratelimit_reset(&st->gone_rl);
	servo_reset(st->servo);
	log_notice(st->log, "%s: back", st->dev);
	return true;
}

static void lose_phc(struct steer *st, int err)
{
	if (ratelimit_allow(&st->gone_rl, mono_ns()))
		log_notice(st->log, "%s: read failed (%s): waiting for the device",
			   st->dev, strerror(-err));
	phc_close(&st->phc);
	st->have_phc = false;
	servo_reset(st->servo);
}

static void observe(struct steer *st, const struct sysoff_reading *r,
		    int64_t coarse, int64_t local_ts, enum servo_state state,
		    bool stepped)
{
	struct steer_poll p = { .ok = r != NULL };

	if (!st->observer)
		return;
	if (r) {
		p.coarse_ns = coarse;
		p.mono_ns = local_ts;
		p.offset_ns = r->offset_ns;
		p.uncert_ns = r->delay_ns / 2 + (r->delay_ns & 1);
		p.state = state;
		p.freq_ppb = st->freq_ppb;
		p.stepped = stepped;
	}
	st->observer(st->observer_arg, &p);
}

static void poll_once(struct steer *st)
{
	struct sysoff_reading r;
	enum servo_state state;
	int64_t local_ts, coarse;
	const char *why;
	double freq;
	int ret;

	if (!ensure_phc(st)) {
		observe(st, NULL, 0, 0, SERVO_UNLOCKED, false);
		return;
	}
	/* Before the read: a ClockBound reader's age of the bound starts here. */
	coarse = clock_ns(CLOCK_MONOTONIC_COARSE);
	ret = sysoff_read(&st->phc, &r);
	/* The servo's time of the reading: before any logging delays it. */
	local_ts = mono_ns();
	if (ret) {
		lose_phc(st, ret);
		observe(st, NULL, 0, 0, SERVO_UNLOCKED, false);
		return;
	}
	if (!st->method_logged || r.method != st->method) {
		log_notice(st->log, "%s: reading with %s", st->dev,
			   r.method == SYSOFF_PRECISE ? "PTP_SYS_OFFSET_PRECISE" :
			   r.method == SYSOFF_EXTENDED ? "PTP_SYS_OFFSET_EXTENDED" :
							 "PTP_SYS_OFFSET");
		st->method = r.method;
		st->method_logged = true;
	}
	if (in_leap_window(st, r.realtime_ns))
		return;
	update_leap(st, r.realtime_ns);

	if (st->step_pending) {
		st->step_pending = false;
		ret = step(st, &r, st->step_reason);
		if (ret) {
			fail(st, "cannot step CLOCK_REALTIME", ret);
			return;
		}
		servo_reset(st->servo);
		observe(st, &r, coarse, local_ts, SERVO_JUMP, true);
		return;
	}

	freq = servo_sample(st->servo, r.offset_ns, (uint64_t)local_ts, 1.0,
			    &state);
	switch (state) {
	case SERVO_UNLOCKED:
		break;
	case SERVO_JUMP:
		ret = clockadj_set_freq(CLOCK_REALTIME, freq);
		if (ret) {
			fail(st, "cannot set the frequency of CLOCK_REALTIME", ret);
			return;
		}
		st->freq_ppb = freq;
		why = st->updated ? "offset beyond the step threshold" :
				    "first update";
		ret = step(st, &r, why);
		if (ret) {
			fail(st, "cannot step CLOCK_REALTIME", ret);
			return;
		}
		break;
	case SERVO_LOCKED:
		ret = clockadj_set_freq(CLOCK_REALTIME, freq);
		if (!ret) {
			st->freq_ppb = freq;
			ret = declare_sync(st, &r, r.offset_ns);
		}
		if (ret) {
			fail(st, "cannot adjust CLOCK_REALTIME", ret);
			return;
		}
		break;
	}
	observe(st, &r, coarse, local_ts, state, state == SERVO_JUMP);

	if (state != SERVO_UNLOCKED)
		st->updated = true;
	if (!st->cfg.log_interval) {
		log_sample(st, &r, state, freq);
		return;
	}
	stats_add(&st->st_offset, (double)r.offset_ns);
	stats_add(&st->st_freq, freq);
	stats_add(&st->st_delay, (double)r.delay_ns);
	if (st->st_offset.n >= st->cfg.log_interval)
		log_summary(st);
}

static void on_timer(void *arg)
{
	struct steer *st = arg;
	int64_t now = mono_ns();

	/* Keep the cadence; after a stall (suspend, debugger) start afresh. */
	st->next_poll += st->poll_ns;
	if (st->next_poll <= now)
		st->next_poll = now + st->poll_ns;
	evloop_timer_set(&st->timer, st->next_poll);
	poll_once(st);
}

static void step_soon(struct steer *st, const char *reason)
{
	st->step_pending = true;
	st->step_reason = reason;
	/* Run the poll at once; the cadence restarts from here. */
	st->next_poll = mono_ns() - st->poll_ns;
	evloop_timer_set(&st->timer, mono_ns());
}

void steer_step_now(struct steer *st)
{
	step_soon(st, "disruption event");
}

void steer_leap_stepped(struct steer *st)
{
	if (st->leap_armed) {
		log_notice(st->log, "leap second: the kernel %s it itself at midnight",
			   st->leap_armed > 0 ? "inserted" : "deleted");
		return;
	}
	step_soon(st, "leap second event");
}

void steer_set_reference_bound(struct steer *st, int64_t bound_ns)
{
	st->ref_bound_ns = bound_ns > 0 ? bound_ns : 0;
}

void steer_set_leap(struct steer *st, int leap)
{
	st->leap = leap > 0 ? 1 : leap < 0 ? -1 : 0;
}

void steer_set_poll_observer(struct steer *st, steer_poll_fn fn, void *arg)
{
	st->observer = fn;
	st->observer_arg = arg;
}

int steer_rt_raw_pair(void *arg, struct rt_raw_pair *pair)
{
	struct steer *st = arg;

	return sysoff_rt_raw_pair(st->have_phc ? &st->phc : NULL, pair);
}

struct steer *steer_create(const struct config *cfg, struct evloop *loop,
			   struct log *log, int *exit_code, char *err,
			   size_t errlen)
{
	struct servo_params sp;
	double kernel_max, freq;
	struct steer *st;
	int ret;

	st = calloc(1, sizeof(*st));
	if (!st) {
		snprintf(err, errlen, "out of memory");
		*exit_code = EXIT_RUNTIME;
		return NULL;
	}
	st->cfg = *cfg;
	st->loop = loop;
	st->log = log;
	st->gone_rl.interval_ns = GONE_REPORT_INTERVAL_S * NS_PER_SEC;

	ret = phc_open(&st->phc, cfg->device[0] ? cfg->device : NULL,
		       cfg->samples, err, errlen);
	if (ret) {
		*exit_code = EXIT_DEVICE;
		goto out_free;
	}
	st->have_phc = true;
	snprintf(st->dev, sizeof(st->dev), "%s", st->phc.path);

	*exit_code = EXIT_RUNTIME;
	ret = clockadj_check_permission(CLOCK_REALTIME);
	if (ret) {
		snprintf(err, errlen,
			 "cannot adjust CLOCK_REALTIME: %s (phc-steer needs CAP_SYS_TIME)",
			 strerror(-ret));
		goto out_close;
	}
	ret = clockadj_init(CLOCK_REALTIME);
	if (ret) {
		snprintf(err, errlen, "cannot reset CLOCK_REALTIME's status: %s",
			 strerror(-ret));
		goto out_close;
	}
	ret = clockadj_max_freq(CLOCK_REALTIME, &kernel_max);
	if (!ret)
		ret = clockadj_get_freq(CLOCK_REALTIME, &freq);
	if (ret) {
		snprintf(err, errlen, "cannot read CLOCK_REALTIME's frequency: %s",
			 strerror(-ret));
		goto out_close;
	}
	st->freq_ppb = freq;
	sp.step_threshold_ns = seconds_to_ns(cfg->step_threshold_s);
	sp.first_step_threshold_ns = seconds_to_ns(cfg->first_step_s);
	sp.max_freq_ppb = fmin(cfg->max_freq_ppb, kernel_max);
	st->servo = servo_create(cfg->servo, &sp, freq);
	if (!st->servo) {
		snprintf(err, errlen, "out of memory");
		goto out_close;
	}
	servo_sync_interval(st->servo, cfg->poll_s);
	st->poll_ns = seconds_to_ns(cfg->poll_s);
	st->next_poll = mono_ns();
	evloop_timer_init(loop, &st->timer, on_timer, st);
	evloop_timer_set(&st->timer, st->next_poll);
	log_notice(log, "%s: steering CLOCK_REALTIME, servo %s, poll %g s, step threshold %g s, first step %g s",
		   st->dev, servo_type_name(cfg->servo), cfg->poll_s,
		   cfg->step_threshold_s, cfg->first_step_s);
	*exit_code = EXIT_OK;
	return st;

out_close:
	phc_close(&st->phc);
out_free:
	free(st);
	return NULL;
}

void steer_destroy(struct steer *st)
{
	if (!st)
		return;
	evloop_timer_del(st->loop, &st->timer);
	servo_destroy(st->servo);
	phc_close(&st->phc);
	free(st);
}
