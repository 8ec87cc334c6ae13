/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The deterministic world the arbiter's unit tests (test_*.c) run in: a true
 * UTC clock that runs 20 ppm off the raw counter and can be "paused" (raw
 * stops, UTC goes on), sources that sample it with a bias, bounded noise
 * from a seeded xorshift and an honest bound, and an RTC whose second edges
 * have their own phase. Every arbiter call is followed by checks of the
 * published model: continuity (no change at the call's raw time unless a
 * step is reported, and then exactly the reported size), monotonicity,
 * honesty against the simulated truth, and optionally the rate at which its
 * error changes (the slew limit). The tests read the counts of failures; a
 * test adds its own per-call checks with world.on_call, makes a source lie
 * with simsrc.shape, and steps UTC back by a leap second with pause_vm(-1 s).
 *
 * Header only, every function static inline: each test is one translation
 * unit with tap.h's counters.
 */
#ifndef PTPU_ARBITER_SIM_H
#define PTPU_ARBITER_SIM_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arbiter.h"
#include "tap.h"

#define US 1000LL
#define MS (1000 * US)
#define SEC (1000 * MS)
#define TICK_NS SEC		/* the module ticks once a second */
#define STEP_NS (10 * MS)	/* simulator resolution */

struct world;

struct simsrc {
	const char *name;
	int idx;
	bool on;
	bool rtc;
	s64 period;
	s64 next;		/* nominal time of the next sample */
	s64 bias;		/* sample error: bias + noise in [-amp, amp] */
	s64 amp;
	u64 bound;
	u8 leap;
	s64 phi;		/* RTC: UTC - RTC reading at its second edges */
	s64 edge;		/* RTC: raw time of the pending edge, 0: none */
	s64 edge_ref;
	int sent;
	s64 first_after_pause;	/* raw of the first sample after a pause */
	/*
	 * Not an RTC: called with each honest sample (bias and noise already
	 * in) before it is sent; a lying source changes it here.
	 */
	void (*shape)(struct world *w, struct simsrc *s, struct ptpu_sample *smp);
	void *priv;
};

struct world {
	struct ptpu_arbiter *arb;
	s64 raw, t0, paused, drift_ppb;
	u64 rng;
	struct simsrc src[8];
	int nsrc;
	s64 next_tick;

	bool check_honest;
	bool honest_after_sample;	/* re-enable checks at the next honest sample */
	s64 slew_check_ppb;		/* 0: no rate check */
	struct ptpu_model prev;
	s64 prev_raw, prev_t, prev_err;

	int calls, sel_changes, steps, disruptions, calib, honesty_fail,
	    mono_fail, cont_fail, rate_fail;
	int lost[PTPU_MAX_SOURCES];
	s64 lost_raw[PTPU_MAX_SOURCES];
	u32 ever_selected;
	s64 step_raw, step_ns, max_abs_err, max_rate_ppb;
	int step_by;			/* source whose sample stepped, -1: tick */
	int not_selected;		/* calls where want_sel was not selected */
	int want_sel;			/* -1: no such check */
	int truth_steps;		/* pauses and leap seconds so far */

	/* Called at the end of after_call(), with the call's events. */
	void (*on_call)(struct world *w, const struct ptpu_events *ev, int by);
	void *priv;
};

static inline u64 rnd(struct world *w)
{
	u64 x = w->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	w->rng = x;
	return x * 2685821657736338717ULL;
}

/* Roughly normal (sum of three uniforms), never beyond +/- amp. */
static inline s64 noise(struct world *w, s64 amp)
{
	s64 s = 0;
	int i;

	if (!amp)
		return 0;
	for (i = 0; i < 3; i++)
		s += (s64)(rnd(w) % (u64)(2 * amp + 1)) - amp;
	return s / 3;
}

static inline s64 truth(const struct world *w, s64 raw)
{
	return w->t0 + w->paused + raw + (s64)((__int128)raw * w->drift_ppb / SEC);
}

/* Raw time at which truth reaches t (inverse of truth(), to the ns). */
static inline s64 raw_at(const struct world *w, s64 t)
{
	s64 r = (s64)((__int128)(t - w->t0 - w->paused) * SEC / (SEC + w->drift_ppb));

	while (truth(w, r) < t)
		r++;
	return r;
}

static inline s64 iabs(s64 v)
{
	return v < 0 ? -v : v;
}

static inline const struct ptpu_model *model(const struct world *w)
{
	return ptpu_arbiter_model(w->arb);
}

/*
 * A world whose UTC is t0_s seconds (plus the drift) at raw time 0; the
 * simulation starts at raw 1000 s, the arbiter seeded seed_err off the
 * truth with seed_bound.
 */
static inline struct world *world_new_at(s64 t0_s, s64 drift_ppb, s64 seed_err,
					 u64 seed_bound,
					 const struct ptpu_arbiter_config *cfg)
{
	struct world *w = calloc(1, sizeof(*w));
	struct ptpu_model seed = { 0 };
	int i;

	w->arb = calloc(1, sizeof(*w->arb));
	if (!w || !w->arb)
		abort();
	w->t0 = t0_s * SEC;
	w->drift_ppb = drift_ppb;
	w->raw = 1000 * SEC;
	w->rng = 0x9e3779b97f4a7c15ULL;
	w->check_honest = true;
	w->want_sel = -1;
	seed.raw0 = w->raw;
	seed.ref0 = truth(w, w->raw) + seed_err;
	seed.bound0 = seed_bound;
	if (ptpu_arbiter_init(w->arb, cfg, &seed, w->raw))
		abort();
	w->prev = *model(w);
	w->prev_raw = w->raw;
	w->prev_t = ptpu_model_time(&w->prev, w->raw);
	w->prev_err = w->prev_t - truth(w, w->raw);
	w->next_tick = w->raw + TICK_NS;
	w->step_by = -2;
	for (i = 0; i < PTPU_MAX_SOURCES; i++)
		w->lost_raw[i] = -1;
	return w;
}

static inline struct world *world_new(s64 drift_ppb, s64 seed_err, u64 seed_bound,
				      const struct ptpu_arbiter_config *cfg)
{
	return world_new_at(1700000000LL, drift_ppb, seed_err, seed_bound, cfg);
}

static inline void world_free(struct world *w)
{
	free(w->arb);
	free(w);
}

static inline struct simsrc *add_src(struct world *w, const char *name,
			      enum ptpu_class cls, s64 period, s64 bias, s64 amp,
			      u64 bound)
{
	struct simsrc *s;

	if (w->nsrc == (int)(sizeof(w->src) / sizeof(w->src[0])))
		abort();
	s = &w->src[w->nsrc++];
	memset(s, 0, sizeof(*s));
	s->name = name;
	s->idx = ptpu_arbiter_register(w->arb, name, cls);
	if (s->idx < 0)
		abort();
	s->on = true;
	s->rtc = cls == PTPU_CLASS_RTC;
	s->period = period;
	s->next = w->raw;
	s->bias = bias;
	s->amp = amp;
	s->bound = bound;
	return s;
}

/*
 * Before a call: readers have been evaluating the last model all along, so
 * it must still be honest now, however long ago it was published.
 */
static inline void before_call(struct world *w)
{
	const struct ptpu_model *m = model(w);
	s64 err = ptpu_model_time(m, w->raw) - truth(w, w->raw);

	if (w->check_honest && (u64)iabs(err) > ptpu_model_bound(m, w->raw)) {
		if (!w->honesty_fail)
			tap_diag("  dishonest before a call at raw %lld: error %lld ns",
				 (long long)w->raw, (long long)err);
		w->honesty_fail++;
	}
}

/* Checks after every arbiter call made at w->raw. */
static inline void after_call(struct world *w, const struct ptpu_events *ev, int by)
{
	const struct ptpu_model *m = model(w);
	s64 now = w->raw, t = ptpu_model_time(m, now);
	s64 t_old = ptpu_model_time(&w->prev, now);
	s64 err = t - truth(w, now);
	u64 b = ptpu_model_bound(m, now);
	struct ptpu_status st;
	int i;

	w->calls++;
	if (ev->mask & PTPU_EV_STEP) {
		w->steps++;
		w->step_raw = now;
		w->step_ns = ev->step_ns;
		w->step_by = by;
		if (t - t_old != ev->step_ns)
			w->cont_fail++;
	} else {
		if (t != t_old)
			w->cont_fail++;
		if (t < w->prev_t)
			w->mono_fail++;
	}
	if (ev->mask & PTPU_EV_DISRUPTION)
		w->disruptions++;
	if (ev->mask & PTPU_EV_SELECTION)
		w->sel_changes++;
	if (ev->mask & PTPU_EV_CALIBRATION)
		w->calib++;
	for (i = 0; i < PTPU_MAX_SOURCES; i++) {
		if (ev->lost & (1U << i)) {
			w->lost[i]++;
			w->lost_raw[i] = now;
		}
	}
	if (w->check_honest && (u64)iabs(err) > b) {
		if (!w->honesty_fail)
			tap_diag("  dishonest at raw %lld: error %lld ns, bound %llu ns",
				 (long long)now, (long long)err, (unsigned long long)b);
		w->honesty_fail++;
	}
	if (w->check_honest && iabs(err) > w->max_abs_err)
		w->max_abs_err = iabs(err);
	if (w->slew_check_ppb && !(ev->mask & PTPU_EV_STEP) && now > w->prev_raw) {
		s64 d = iabs(err - w->prev_err), dt = now - w->prev_raw;
		s64 rate = (s64)((__int128)d * SEC / dt);

		if (d > (s64)((__int128)w->slew_check_ppb * dt / SEC) + 2)
			w->rate_fail++;
		if (rate > w->max_rate_ppb)
			w->max_rate_ppb = rate;
	}
	ptpu_arbiter_status(w->arb, now, &st);
	if (st.selected >= 0)
		w->ever_selected |= 1U << st.selected;
	if (w->want_sel >= 0 && st.selected != w->want_sel)
		w->not_selected++;
	w->prev = *m;
	w->prev_raw = now;
	w->prev_t = t;
	w->prev_err = err;
	if (w->on_call)
		w->on_call(w, ev, by);
}

static inline void send(struct world *w, struct simsrc *s,
			const struct ptpu_sample *smp)
{
	struct ptpu_events ev;
	int err;

	if (!w->honest_after_sample)
		before_call(w);
	err = ptpu_arbiter_sample(w->arb, s->idx, smp, w->raw, &ev);

	if (err) {
		tap_diag("  sample of %s refused: %d", s->name, err);
		abort();
	}
	s->sent++;
	if (!s->first_after_pause)
		s->first_after_pause = smp->raw_ns;
	/* A liar's (shaped) sample tells nothing: an honest one must come. */
	if (w->honest_after_sample && !s->shape) {
		w->honest_after_sample = false;
		w->check_honest = true;
	}
	after_call(w, &ev, s->idx);
}

static inline void src_poll(struct world *w, struct simsrc *s)
{
	struct ptpu_sample smp = { .bound_ns = s->bound, .leap = s->leap };
	s64 t, n;

	if (!s->on || w->raw < s->next)
		return;
	if (!s->rtc) {
		smp.raw_ns = w->raw;
		smp.ref_ns = truth(w, w->raw) + s->bias + noise(w, s->amp);
		if (s->shape)
			s->shape(w, s, &smp);
		send(w, s, &smp);
		s->next += s->period;
		return;
	}
	if (!s->edge) {
		/* The next second edge: UTC = N s + phi, the RTC reads N. */
		t = truth(w, w->raw) - s->phi;
		n = t / SEC + 1;
		s->edge_ref = n * SEC;
		s->edge = raw_at(w, s->edge_ref + s->phi);
	}
	if (w->raw < s->edge)
		return;
	t = s->edge + noise(w, s->amp);
	smp.raw_ns = t < w->raw ? t : w->raw;
	smp.ref_ns = s->edge_ref;
	send(w, s, &smp);
	s->edge = 0;
	s->next += s->period;
}

static inline void run_until(struct world *w, s64 until)
{
	struct ptpu_events ev;
	int i;

	while (w->raw < until) {
		w->raw += STEP_NS;
		for (i = 0; i < w->nsrc; i++)
			src_poll(w, &w->src[i]);
		if (w->raw >= w->next_tick) {
			before_call(w);
			ptpu_arbiter_tick(w->arb, w->raw, &ev);
			after_call(w, &ev, -1);
			w->next_tick += TICK_NS;
		}
	}
}

static inline void run_for(struct world *w, s64 d)
{
	run_until(w, w->raw + d);
}

/* The raw oscillator changes frequency (temperature): UTC stays continuous. */
static inline void set_drift(struct world *w, s64 drift_ppb)
{
	s64 before = truth(w, w->raw);

	w->drift_ppb = drift_ppb;
	w->t0 += before - truth(w, w->raw);
}

/*
 * UTC moves by d against raw: the VM stops for d (the raw counter stands
 * still, UTC goes on), or, with d = -1 s, UTC repeats a second (a leap
 * second inserted at midnight).
 */
static inline void pause_vm(struct world *w, s64 d)
{
	int i;

	w->paused += d;
	w->truth_steps++;
	for (i = 0; i < w->nsrc; i++) {
		w->src[i].edge = 0;
		w->src[i].first_after_pause = 0;
	}
	/* Nobody can know before a source has sampled after the pause. */
	w->check_honest = false;
	w->honest_after_sample = true;
}

static inline void src_status(struct world *w, const struct simsrc *s,
		       struct ptpu_source_status *st)
{
	if (ptpu_arbiter_source_status(w->arb, s->idx, w->raw, st))
		abort();
}

static inline struct ptpu_status status(struct world *w)
{
	struct ptpu_status st;

	ptpu_arbiter_status(w->arb, w->raw, &st);
	return st;
}

static inline void set_enabled(struct world *w, struct simsrc *s, bool on)
{
	struct ptpu_source_config sc = { .enabled = on };
	struct ptpu_events ev;

	before_call(w);
	if (ptpu_arbiter_source_config(w->arb, s->idx, &sc, w->raw, &ev))
		abort();
	after_call(w, &ev, -1);
}

#endif /* PTPU_ARBITER_SIM_H */
