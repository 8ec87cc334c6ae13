/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The convergence checks every servo must pass: a clock 100 ppm fast,
 * starting 0.5 s ahead or behind, polled once a second with default step
 * settings (first update steps beyond 20 us, step threshold 0.128 s).
 */
#ifndef PHC_STEER_SERVO_CONVERGE_H
#define PHC_STEER_SERVO_CONVERGE_H

#include "tap.h"
#include "tests/servo_sim.h"

#define CONV_ERR_PPB 100000.0
#define CONV_SAMPLES 120
#define CONV_TAIL 20

static inline struct servo_params conv_params(void)
{
	return (struct servo_params){
		.step_threshold_ns = 128000000,
		.first_step_threshold_ns = 20000,
		.max_freq_ppb = 500000,
	};
}

static inline void check_convergence(enum servo_type type, double start_ns)
{
	struct servo_params p = conv_params();
	struct sim c = { .offset_ns = start_ns, .err_ppb = CONV_ERR_PPB,
			 .mono_ns = 1e12 };
	double ideal = sim_ideal_adj(CONV_ERR_PPB), worst = 0;
	const char *name = servo_type_name(type);
	struct servo *s = servo_create(type, &p, 0);
	int i;

	servo_sync_interval(s, 1.0);
	sim_step(&c, s, 1.0);
	is_int(c.state, SERVO_UNLOCKED, "%s %+.1f s: first sample only collects",
	       name, start_ns / 1e9);
	sim_step(&c, s, 1.0);
	is_int(c.state, SERVO_JUMP, "%s %+.1f s: first update steps", name,
	       start_ns / 1e9);
	ok(fabs(c.freq - ideal) < 100, "%s %+.1f s: first estimate %.1f ppb near %.1f",
	   name, start_ns / 1e9, c.freq, ideal);
	ok(fabs(c.offset_ns) < 1000,
	   "%s %+.1f s: one second after the step the offset is %.0f ns", name,
	   start_ns / 1e9, c.offset_ns);
	for (i = 2; i < CONV_SAMPLES; i++) {
		sim_step(&c, s, 1.0);
		if (i >= CONV_SAMPLES - CONV_TAIL && fabs(c.offset_ns) > worst)
			worst = fabs(c.offset_ns);
	}
	is_int(c.jumps, 1, "%s %+.1f s: stepped exactly once", name,
	       start_ns / 1e9);
	is_int(c.state, SERVO_LOCKED, "%s %+.1f s: locked", name, start_ns / 1e9);
	ok(worst < 1000, "%s %+.1f s: |offset| over the last %d s is %.1f ns < 1 us",
	   name, start_ns / 1e9, CONV_TAIL, worst);
	ok(fabs(c.freq - ideal) < 3, "%s %+.1f s: freq %.3f ppb within 3 ppb of %.3f",
	   name, start_ns / 1e9, c.freq, ideal);
	servo_destroy(s);
}

/*
 * A restart with the frequency of an earlier run in force, 3 ppm off, and
 * 10 us of offset: the first update sees 13 us, below the first-step
 * threshold, so the loop itself must pull the offset in. Then the
 * oscillator's frequency jumps by 1 ppm (a temperature change) and the
 * servo must follow it.
 */
static inline void check_tracking(enum servo_type type)
{
	struct servo_params p = conv_params();
	struct sim c = { .offset_ns = 10000, .err_ppb = CONV_ERR_PPB,
			 .mono_ns = 1e12,
			 .adj_ppb = sim_ideal_adj(CONV_ERR_PPB) + 3000 };
	const char *name = servo_type_name(type);
	struct servo *s = servo_create(type, &p, c.adj_ppb);
	double worst = 0;
	int i;

	servo_sync_interval(s, 1.0);
	for (i = 0; i < 200; i++) {
		sim_step(&c, s, 1.0);
		if (i == 1)
			is_int(c.state, SERVO_LOCKED,
			       "%s restart: first update below 20 us does not step",
			       name);
	}
	is_int(c.jumps, 0, "%s restart: never stepped", name);
	ok(fabs(c.offset_ns) < 1000, "%s restart: slewed in to %.1f ns", name,
	   c.offset_ns);
	ok(fabs(c.freq - sim_ideal_adj(c.err_ppb)) < 3,
	   "%s restart: freq %.3f within 3 ppb of %.3f", name, c.freq,
	   sim_ideal_adj(c.err_ppb));
	c.err_ppb += 1000;
	for (i = 0; i < 200; i++) {
		sim_step(&c, s, 1.0);
		if (fabs(c.offset_ns) > worst)
			worst = fabs(c.offset_ns);
	}
	ok(worst < 5000, "%s +1 ppm: worst offset while following %.0f ns < 5 us",
	   name, worst);
	ok(fabs(c.offset_ns) < 1000, "%s +1 ppm: back within 1 us (%.1f ns)", name,
	   c.offset_ns);
	ok(fabs(c.freq - sim_ideal_adj(c.err_ppb)) < 3,
	   "%s +1 ppm: freq %.3f within 3 ppb of %.3f", name, c.freq,
	   sim_ideal_adj(c.err_ppb));
	servo_destroy(s);
}

/* With +/- 50 ns of reading noise it must still hold tight. */
static inline void check_noise(enum servo_type type, double max_rms_ns,
			       double max_freq_err)
{
	struct servo_params p = conv_params();
	struct sim c = { .offset_ns = 3e8, .err_ppb = CONV_ERR_PPB,
			 .mono_ns = 1e12, .noise_ns = 50, .rng = 12345 };
	double ideal = sim_ideal_adj(CONV_ERR_PPB), sq = 0, fmax = 0;
	const char *name = servo_type_name(type);
	struct servo *s = servo_create(type, &p, 0);
	int i, n = 0;

	servo_sync_interval(s, 1.0);
	for (i = 0; i < 600; i++) {
		sim_step(&c, s, 1.0);
		if (i >= 300) {
			sq += c.offset_ns * c.offset_ns;
			n++;
			if (fabs(c.freq - ideal) > fmax)
				fmax = fabs(c.freq - ideal);
		}
	}
	ok(sqrt(sq / n) < max_rms_ns, "%s with 50 ns noise: rms offset %.1f ns < %.0f",
	   name, sqrt(sq / n), max_rms_ns);
	ok(fmax < max_freq_err,
	   "%s with 50 ns noise: freq stays within %.1f ppb of ideal (limit %.0f)",
	   name, fmax, max_freq_err);
	is_int(c.jumps, 1, "%s with 50 ns noise: noise never steps", name);
	servo_destroy(s);
}

#endif /* PHC_STEER_SERVO_CONVERGE_H */
