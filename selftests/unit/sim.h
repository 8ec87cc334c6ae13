/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A deterministic world for the arbiter's unit tests (test_arbiter.c,
 * test_adversarial.c): a true UTC clock that runs drift_ppb off the raw
 * counter and can be "paused" (raw stops, UTC goes on) or stepped (a leap
 * second), sources that sample it with a bias, bounded noise from a seeded
 * xorshift and an honest bound, and an RTC whose second edges have their
 * own phase. The simulation advances in STEP_NS steps and ticks the
 * arbiter once a second, as the module does.
 *
 * Every arbiter call goes through before_call()/after_call(), which check
 * the published model: continuity (no change at the call's raw time unless
 * a step is reported, and then exactly the reported size), monotonicity,
 * honesty against the simulated truth, and optionally the rate at which its
 * error changes (the slew limit). A test adds its own per-call checks with
 * world.on_call, and makes a source lie with simsrc.shape.
 */
#ifndef PTPU_UNIT_SIM_H
#define PTPU_UNIT_SIM_H

#include "arbiter.h"

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
	bool honest_after_sample;	/* re-enable checks at the next sample */
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

s64 noise(struct world *w, s64 amp);
s64 truth(const struct world *w, s64 raw);
s64 raw_at(const struct world *w, s64 t);
s64 iabs(s64 v);
const struct ptpu_model *model(const struct world *w);

struct world *world_new(s64 drift_ppb, s64 seed_err, u64 seed_bound,
			const struct ptpu_arbiter_config *cfg);
struct world *world_new_at(s64 utc_s, s64 drift_ppb, s64 seed_err, u64 seed_bound,
			   const struct ptpu_arbiter_config *cfg);
void world_free(struct world *w);
struct simsrc *add_src(struct world *w, const char *name, enum ptpu_class cls,
		       s64 period, s64 bias, s64 amp, u64 bound);

void before_call(struct world *w);
void after_call(struct world *w, const struct ptpu_events *ev, int by);

void run_until(struct world *w, s64 until);
void run_for(struct world *w, s64 d);
void set_drift(struct world *w, s64 drift_ppb);
void pause_vm(struct world *w, s64 d);
void src_status(struct world *w, const struct simsrc *s, struct ptpu_source_status *st);
struct ptpu_status status(struct world *w);
void set_enabled(struct world *w, struct simsrc *s, bool on);

#endif /* PTPU_UNIT_SIM_H */
