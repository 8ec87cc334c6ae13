/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A simulated local clock for servo tests. Its oscillator runs at
 * (1 + err) of true time; a frequency adjustment adj multiplies that by
 * (1 + adj), as the kernel's does; the servo's state tells the simulation
 * what the real loop (steer.c) would do.
 */
#ifndef PHC_STEER_SERVO_SIM_H
#define PHC_STEER_SERVO_SIM_H

#include <math.h>
#include <stdint.h>

#include "servo/servo.h"

struct sim {
	double offset_ns;	/* local - reference, true */
	double err_ppb;		/* oscillator error */
	double adj_ppb;		/* frequency adjustment in force */
	double mono_ns;		/* the local clock's monotonic time */
	double noise_ns;	/* +/- amplitude of measurement noise */
	uint32_t rng;
	unsigned int jumps;
	enum servo_state state;
	double freq;
	int64_t measured;
};

/* The adjustment that exactly cancels err: (1 + err)(1 + adj) = 1. */
static inline double sim_ideal_adj(double err_ppb)
{
	return (1.0 / (1.0 + err_ppb * 1e-9) - 1.0) * 1e9;
}

static inline double sim_noise(struct sim *c)
{
	c->rng = c->rng * 1664525u + 1013904223u;
	return ((double)(c->rng >> 8) / (double)(1u << 24) * 2.0 - 1.0) *
	       c->noise_ns;
}

/* One measurement and servo update, then dt_s of true time passes. */
static inline void sim_step(struct sim *c, struct servo *s, double dt_s)
{
	double rate;

	c->measured = llround(c->offset_ns + sim_noise(c));
	c->freq = servo_sample(s, c->measured, (uint64_t)c->mono_ns, 1.0,
			       &c->state);
	switch (c->state) {
	case SERVO_JUMP:
		c->offset_ns -= (double)c->measured;
		c->adj_ppb = c->freq;
		c->jumps++;
		break;
	case SERVO_LOCKED:
		c->adj_ppb = c->freq;
		break;
	case SERVO_UNLOCKED:
		break;
	}
	rate = (1.0 + c->err_ppb * 1e-9) * (1.0 + c->adj_ppb * 1e-9);
	c->offset_ns += (rate - 1.0) * dt_s * 1e9;
	c->mono_ns += rate * dt_s * 1e9;
}

#endif /* PHC_STEER_SERVO_SIM_H */
