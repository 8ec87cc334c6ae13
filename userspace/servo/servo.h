/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Clock servos behind one small interface. Each algorithm lives in its own
 * file (servo_pi.c, servo_linreg.c) and registers in servo.c's table.
 *
 * Conventions, for every servo:
 * - offset_ns is local clock minus reference (positive: the local clock is
 *   ahead); local_ts_ns is a monotonic timestamp of the measurement.
 * - servo_sample() returns the frequency adjustment for the local clock in
 *   ppb (positive: run faster), the value clock_adjtime(ADJ_FREQUENCY) takes,
 *   and a state telling the caller what to do:
 *     SERVO_UNLOCKED  change nothing (collecting samples, or holding over a
 *                     first offset beyond the step threshold);
 *     SERVO_JUMP      step the clock by -offset_ns, then set the frequency;
 *     SERVO_LOCKED    set the frequency.
 * - Stepping: on the first update (the first sample with a frequency
 *   estimate) the servo jumps when |offset| > first_step_threshold (0: never)
 *   or > step_threshold; later it jumps when |offset| > step_threshold
 *   (0: never) on two consecutive samples, so one outlier never steps.
 * - The returned frequency is clamped to +/- max_freq_ppb.
 */
#ifndef PHC_STEER_SERVO_H
#define PHC_STEER_SERVO_H

#include <stdint.h>

enum servo_type {
	SERVO_PI,
	SERVO_LINREG,
};

/* The numbers are the "s%d" of the log lines, as in linuxptp. */
enum servo_state {
	SERVO_UNLOCKED = 0,
	SERVO_JUMP = 1,
	SERVO_LOCKED = 2,
};

struct servo_params {
	int64_t step_threshold_ns;	  /* 0: never step after the first update */
	int64_t first_step_threshold_ns; /* 0: no step on the first update */
	double max_freq_ppb;
};

struct servo;

/* initial_freq_ppb: the frequency in force now (the servo starts from it). */
struct servo *servo_create(enum servo_type type, const struct servo_params *p,
			   double initial_freq_ppb);
void servo_destroy(struct servo *s);

double servo_sample(struct servo *s, int64_t offset_ns, uint64_t local_ts_ns,
		    double weight, enum servo_state *state);

/* Forget the sample history (the frequency is kept), e.g. after a step. */
void servo_reset(struct servo *s);

/* The interval between samples, in seconds; sets the loop gains. */
void servo_sync_interval(struct servo *s, double interval_s);

/*
 * A leap second (+1 insert, -1 delete, 0 none) is scheduled on the local
 * clock. Only servos whose inputs are in the local clock's time scale need
 * it; pi and linreg take monotonic timestamps and ignore it.
 */
void servo_leap(struct servo *s, int leap);

/* "pi" / "linreg"; servo_type_parse returns 0 or -EINVAL. */
int servo_type_parse(const char *name, enum servo_type *type);
const char *servo_type_name(enum servo_type type);

#endif /* PHC_STEER_SERVO_H */
