// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The steering loop end to end on simulated clocks (mock_clocks.c): from
 * +0.5 s with a 100 ppm error it steps once on the first update and locks;
 * a disruption event steps at once, not at the next poll, and so does a
 * leap second the kernel had not armed; a vanished device
 * is waited for; the kernel is told it is synchronised; the log lines have
 * the documented formats, in text and JSON; a poll observer (the ClockBound
 * publisher's seam) hears every poll with what it read and did.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "evloop.h"
#include "log.h"
#include "steer.h"
#include "tap.h"
#include "tests/mock_clocks.h"
#include "timeutil.h"

static struct steer *st;
static struct evloop *loop;
static int64_t event_at;
/* The event is a leap second (the PHC stepped back 1 s), not a pause. */
static bool leap_event;

/* What the poll observer heard. */
static struct {
	unsigned int polls, unread, stepped, locked, bad_freq, bad_time;
	bool event_step;	/* a stepped poll at the event, forward 5 s */
} seen;

static void observer(void *arg, const struct steer_poll *p)
{
	(void)arg;
	seen.polls++;
	if (!p->ok) {
		seen.unread++;
		return;
	}
	if (p->stepped) {
		seen.stepped++;
		if (event_at && mono_ns() - event_at < 10 * NS_PER_MS &&
		    llabs(p->offset_ns + 5000000000LL) < 100000)
			seen.event_step = true;
	}
	seen.locked += p->state == SERVO_LOCKED;
	/* The frequency now in force, as the mock clock has it. */
	seen.bad_freq += fabs(p->freq_ppb - mock.adj_ppb) > 1e-6;
	/* The coarse clock before the read is not after the read. */
	seen.bad_time += p->coarse_ns > p->mono_ns || p->uncert_ns < 0;
}

static void disrupt(void *arg)
{
	(void)arg;
	event_at = mono_ns();
	if (leap_event) {
		/* The host inserted a leap second; nothing armed it here. */
		mock.offset_ns += 1e9;
		steer_leap_stepped(st);
		return;
	}
	/* The VM was paused 5 s: CLOCK_REALTIME is 5 s behind the PHC. */
	mock.offset_ns -= 5e9;
	steer_step_now(st);
}

static void gone(void *arg)
{
	mock.device_gone = arg != NULL;
}

static void stop(void *arg)
{
	(void)arg;
	evloop_stop(loop, 0);
}

static char *run(struct config *cfg, double secs, bool events)
{
	struct evloop_timer t_disrupt, t_gone, t_back, t_stop;
	int64_t now = mono_ns();
	char *buf = NULL, err[256];
	size_t len;
	struct log log;
	FILE *out = open_memstream(&buf, &len);
	int code;

	log_init(&log, out, cfg->json);
	loop = evloop_create();
	st = steer_create(cfg, loop, &log, &code, err, sizeof(err));
	if (!st) {
		printf("Bail out! steer_create: %s\n", err);
		exit(1);
	}
	memset(&seen, 0, sizeof(seen));
	steer_set_poll_observer(st, observer, NULL);
	if (events) {
		evloop_timer_init(loop, &t_disrupt, disrupt, NULL);
		evloop_timer_set(&t_disrupt, now + 1500 * NS_PER_MS);
		evloop_timer_init(loop, &t_gone, gone, &t_gone);
		evloop_timer_set(&t_gone, now + 2200 * NS_PER_MS);
		evloop_timer_init(loop, &t_back, gone, NULL);
		evloop_timer_set(&t_back, now + 2400 * NS_PER_MS);
	}
	evloop_timer_init(loop, &t_stop, stop, NULL);
	evloop_timer_set(&t_stop, now + seconds_to_ns(secs));
	evloop_run(loop);
	steer_destroy(st);
	evloop_destroy(loop);
	fclose(out);
	return buf;
}

/* Parse a poll line and print it again with the documented format. */
static bool poll_line_format(const char *line, long long *offset, int *state)
{
	long long sec, msec, delay;
	char dev[64], again[256];
	double freq;
	int n = 0;

	if (sscanf(line, "phc-steer[%lld.%3lld]: %63s offset %lld s%d freq %lf delay %lld%n",
		   &sec, &msec, dev, offset, state, &freq, &delay, &n) != 7)
		return false;
	snprintf(again, sizeof(again),
		 "phc-steer[%lld.%03lld]: %s offset %9lld s%d freq %+7.0f delay %6lld",
		 sec, msec, dev, *offset, *state, freq, delay);
	return (size_t)n == strlen(again) && !strncmp(line, again, (size_t)n);
}

/* The step logged for @why ("first update", "disruption event"), in ns. */
static bool logged_step(const char *log, const char *why, long long *ns)
{
	const char *p = log;
	char tail[64];

	while ((p = strstr(p, "/dev/ptp_mock step "))) {
		p += strlen("/dev/ptp_mock step ");
		if (sscanf(p, "%lld ns (%63[^)])", ns, tail) == 2 && !strcmp(tail, why))
			return true;
	}
	return false;
}

static void text_run(void)
{
	struct config cfg;
	char *log, *line, *save = NULL;
	unsigned int polls = 0, bad = 0, first_state = 9;
	long long offset, step = 0;
	bool have;
	int state;
	double ideal = (1 / (1 + 1e-4) - 1) * 1e9;

	memset(&mock, 0, sizeof(mock));
	mock.offset_ns = 5e8;
	mock.err_ppb = 100000;
	config_defaults(&cfg);
	snprintf(cfg.device, sizeof(cfg.device), "/dev/ptp_mock");
	cfg.poll_s = 0.05;
	log = run(&cfg, 3.0, true);

	/*
	 * By the offset measured then: the 0.5 s, and the 5 s, give or take
	 * the servo's residual (either sign) at that instant.
	 */
	have = logged_step(log, "first update", &step);
	ok(have && llabs(step + 500000000) < 100000 && !strstr(log, "step threshold)"),
	   "the first update stepped back by the 0.5 s (%lld ns)", step);
	have = logged_step(log, "disruption event", &step);
	ok(have && llabs(step - 5000000000LL) < 100000,
	   "the disruption event stepped forward by 5 s (%lld ns)", step);
	ok(mock.last_step_at - event_at < 10 * NS_PER_MS,
	   "at once: %lld us after the event (poll interval 50 ms)",
	   (long long)((mock.last_step_at - event_at) / 1000));
	ok(strstr(log, "read failed (No such device): waiting for the device") &&
		   strstr(log, "/dev/ptp_mock: back"),
	   "a vanished device is waited for and taken back");
	is_int(mock.opens, 2, "opened again once");

	for (line = strtok_r(log, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strstr(line, " offset "))
			continue;
		polls++;
		if (!poll_line_format(line, &offset, &state)) {
			bad++;
			diag("bad line: %s", line);
		}
		if (polls == 1)
			first_state = (unsigned int)state;
	}
	ok(polls > 30, "%u poll lines", polls);
	is_int(bad, 0, "every poll line has the documented format");
	is_int(first_state, 0, "the first poll only collects (s0)");
	is_int(mock.steps, 2, "two steps in all: first update and the event");
	ok(fabs(mock.offset_ns) < 1000, "locked: CLOCK_REALTIME within %.0f ns",
	   mock.offset_ns);
	ok(fabs(mock.adj_ppb - ideal) < 100, "freq %.0f ppb near %.0f", mock.adj_ppb,
	   ideal);
	ok(!mock.unsync && mock.syncs > 10, "STA_UNSYNC cleared (%u times)", mock.syncs);
	ok(mock.maxerror_ns >= mock.esterror_ns && mock.esterror_ns < 10000,
	   "maxerror %lld >= esterror %lld ns", (long long)mock.maxerror_ns,
	   (long long)mock.esterror_ns);
	ok(mock.max_abs_freq <= 500000, "never beyond 500 ppm");
	/* The poll that steps on the event logs a step, not an offset line. */
	is_int(seen.polls, polls + 1 + seen.unread, "the observer heard every poll (%u)",
	       seen.polls);
	ok(seen.unread >= 1, "and the polls without a reading while the device was gone (%u)",
	   seen.unread);
	is_int(seen.stepped, 2, "two polls stepped: the first update and the event");
	ok(seen.event_step, "the event's step came with the offset it stepped out");
	ok(seen.locked > 20, "%u locked polls", seen.locked);
	is_int(seen.bad_freq, 0, "each with the frequency in force");
	is_int(seen.bad_time, 0, "the coarse clock read before the poll's monotonic time");
	free(log);
}

/* A leap second nobody announced: the PHC stepped back, so does the loop, at once. */
static void leap_run(void)
{
	struct config cfg;
	long long step = 0;
	bool have;
	char *log;

	memset(&mock, 0, sizeof(mock));
	config_defaults(&cfg);
	snprintf(cfg.device, sizeof(cfg.device), "/dev/ptp_mock");
	cfg.poll_s = 0.05;
	leap_event = true;
	log = run(&cfg, 2.0, true);
	leap_event = false;
	have = logged_step(log, "leap second event", &step);
	ok(have && llabs(step + 1000000000LL) < 100000,
	   "an unarmed leap second event stepped back by 1 s (%lld ns)", step);
	ok(mock.last_step_at - event_at < 10 * NS_PER_MS,
	   "at once: %lld us after the event (poll interval 50 ms)",
	   (long long)((mock.last_step_at - event_at) / 1000));
	ok(!strstr(log, "disruption event"), "logged as a leap second, not a disruption");
	free(log);
}

static void json_run(void)
{
	struct config cfg;
	char *log, *line, *save = NULL;
	unsigned int lines = 0, bad = 0, summaries = 0, samples = 0, good = 0;

	memset(&mock, 0, sizeof(mock));
	mock.offset_ns = 1e6;
	config_defaults(&cfg);
	snprintf(cfg.device, sizeof(cfg.device), "/dev/ptp_mock");
	cfg.poll_s = 0.05;
	cfg.json = true;
	cfg.log_interval = 5;
	log = run(&cfg, 1.0, false);
	for (line = strtok_r(log, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		struct json_object *o = json_tokener_parse(line), *ev, *v;
		const char *e;

		lines++;
		if (!o || !json_object_object_get_ex(o, "event", &ev) ||
		    !json_object_object_get_ex(o, "time", &v)) {
			bad++;
			json_object_put(o);
			continue;
		}
		e = json_object_get_string(ev);
		if (!strcmp(e, "sample"))
			samples++;
		if (!strcmp(e, "summary")) {
			summaries++;
			good += json_object_object_get_ex(o, "rms_ns", NULL) &&
				json_object_object_get_ex(o, "max_ns", NULL) &&
				json_object_object_get_ex(o, "freq_ppb", NULL) &&
				json_object_object_get_ex(o, "freq_sd_ppb", NULL) &&
				json_object_object_get_ex(o, "delay_ns", NULL) &&
				json_object_object_get_ex(o, "delay_sd_ns", NULL) &&
				json_object_object_get_ex(o, "samples", &v) &&
				json_object_get_int(v) == 5;
		}
		json_object_put(o);
	}
	ok(lines > 3, "%u JSON lines", lines);
	is_int(bad, 0, "every line is a JSON object with time and event");
	ok(summaries >= 3, "%u summaries of 5 polls", summaries);
	is_int(good, summaries, "each with every documented field");
	is_int(samples, 0, "no per-poll lines with a log interval");
	free(log);
}

int main(void)
{
	text_run();
	leap_run();
	json_run();
	return tap_done();
}
