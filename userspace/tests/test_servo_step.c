// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The step policy every servo shares (servo/servo.h): first-update step, step
 * threshold with its two-consecutive-samples rule, "0 disables", frequency
 * clamp, reset keeping the frequency, and the servo registry.
 */
#include <errno.h>
#include <math.h>

#include "tap.h"
#include "tests/servo_sim.h"

#define S 1000000000LL

static struct servo *make(enum servo_type type, int64_t step, int64_t first,
			  double max)
{
	struct servo_params p = { step, first, max };
	struct servo *s = servo_create(type, &p, 0);

	servo_sync_interval(s, 1.0);
	return s;
}

static enum servo_state feed(struct servo *s, int64_t offset, int64_t t_s,
			     double *freq)
{
	enum servo_state st;
	double f = servo_sample(s, offset, (uint64_t)(1000 * S + t_s * S), 1.0,
				&st);

	if (freq)
		*freq = f;
	return st;
}

static void threshold(enum servo_type type)
{
	const char *n = servo_type_name(type);
	struct servo *a = make(type, S / 10, 20000, 500000);
	struct servo *b = make(type, S / 10, 20000, 500000);
	double fa, fb;
	int t;

	is_int(feed(a, 0, 0, NULL), SERVO_UNLOCKED, "%s: first sample collects", n);
	is_int(feed(a, 10000, 1, NULL), SERVO_LOCKED,
	       "%s: first update at 10 us (below 20 us) does not step", n);
	feed(b, 0, 0, NULL);
	feed(b, 10000, 1, NULL);
	for (t = 2; t < 6; t++) {
		feed(a, 1000, t, NULL);
		feed(b, 1000, t, NULL);
	}
	is_int(feed(a, S / 5, 6, NULL), SERVO_UNLOCKED,
	       "%s: one sample at 0.2 s (threshold 0.1 s) only holds", n);
	is_int(feed(a, 1000, 7, &fa), SERVO_LOCKED, "%s: next normal sample locks", n);
	feed(b, 1000, 7, &fb);
	ok(fabs(fa - fb) < 1e-6,
	   "%s: the held sample was not learnt (%.6f vs %.6f ppb without it)", n,
	   fa, fb);
	is_int(feed(a, S / 5, 8, NULL), SERVO_UNLOCKED, "%s: 0.2 s again holds", n);
	is_int(feed(a, S / 5, 9, NULL), SERVO_JUMP, "%s: second in a row steps", n);
	is_int(feed(a, 500, 10, NULL), SERVO_LOCKED, "%s: locked after the step", n);
	is_int(feed(a, -S / 5, 11, NULL), SERVO_UNLOCKED, "%s: -0.2 s holds", n);
	is_int(feed(a, -S / 5, 12, NULL), SERVO_JUMP, "%s: -0.2 s twice steps", n);
	feed(a, 0, 13, NULL);
	is_int(feed(a, S / 10, 14, NULL), SERVO_LOCKED,
	       "%s: exactly at the threshold is not beyond it", n);
	servo_destroy(a);
	servo_destroy(b);
}

static void first_step(enum servo_type type)
{
	const char *n = servo_type_name(type);
	struct servo *s = make(type, 0, 20000, 500000);
	int t, jumps = 0;

	feed(s, 0, 0, NULL);
	is_int(feed(s, 30000, 1, NULL), SERVO_JUMP,
	       "%s: first update at 30 us (beyond 20 us) steps", n);
	for (t = 2; t < 6; t++)
		jumps += feed(s, S, t, NULL) == SERVO_JUMP;
	is_int(jumps, 0, "%s: step threshold 0 never steps after the first update", n);
	servo_destroy(s);

	s = make(type, 0, 0, 500000);
	feed(s, S / 2, 0, NULL);
	is_int(feed(s, S / 2 + 100000, 1, NULL), SERVO_LOCKED,
	       "%s: first_step 0 and step 0: 0.5 s does not step", n);
	servo_destroy(s);

	s = make(type, S / 10, 0, 500000);
	feed(s, S / 2, 0, NULL);
	is_int(feed(s, S / 2 + 100000, 1, NULL), SERVO_JUMP,
	       "%s: first_step 0 but 0.5 s beyond the step threshold steps", n);
	servo_destroy(s);
}

static void clamp_and_reset(enum servo_type type)
{
	const char *n = servo_type_name(type);
	struct servo_params p = { 0, 0, 1000 };
	struct sim c = { .offset_ns = 1e6, .err_ppb = 100000, .mono_ns = 1e12 };
	struct servo *s = servo_create(type, &p, 0);
	enum servo_state st;
	double worst = 0, f1, f2;
	int i;

	servo_sync_interval(s, 1.0);
	for (i = 0; i < 50; i++) {
		sim_step(&c, s, 1.0);
		if (fabs(c.freq) > worst)
			worst = fabs(c.freq);
	}
	ok(worst <= 1000, "%s: frequency clamped to 1000 ppb (largest %.1f)", n,
	   worst);
	is_int(c.jumps, 0, "%s: clamped servo with stepping off never steps", n);
	servo_destroy(s);

	s = make(type, 0, 0, 500000);
	feed(s, 0, 0, NULL);
	feed(s, 2000, 1, &f1);
	servo_reset(s);
	f2 = servo_sample(s, 5000, 1002 * S, 1.0, &st);
	is_int(st, SERVO_UNLOCKED, "%s: after reset the next sample collects", n);
	ok(fabs(f1 - f2) < 1e-9, "%s: reset keeps the frequency (%.3f, %.3f)", n,
	   f1, f2);
	servo_destroy(s);

	s = make(type, 0, 0, 500);
	f1 = servo_sample(s, 0, S, 1.0, &st);
	ok(f1 == 0, "%s: starts from the frequency in force", n);
	servo_destroy(s);
	p.max_freq_ppb = 500;
	s = servo_create(type, &p, 800);
	f1 = servo_sample(s, 0, S, 1.0, &st);
	ok(f1 == 500, "%s: an initial frequency beyond the limit is clamped (%.0f)",
	   n, f1);
	servo_destroy(s);
}

int main(void)
{
	enum servo_type t;

	threshold(SERVO_PI);
	threshold(SERVO_LINREG);
	first_step(SERVO_PI);
	first_step(SERVO_LINREG);
	clamp_and_reset(SERVO_PI);
	clamp_and_reset(SERVO_LINREG);

	is_int(servo_type_parse("pi", &t), 0, "\"pi\" is a servo");
	is_int(t, SERVO_PI, "\"pi\" is SERVO_PI");
	is_int(servo_type_parse("linreg", &t), 0, "\"linreg\" is a servo");
	is_int(t, SERVO_LINREG, "\"linreg\" is SERVO_LINREG");
	is_int(servo_type_parse("pid", &t), -EINVAL, "\"pid\" is not");
	is_str(servo_type_name(SERVO_LINREG), "linreg", "names round-trip");
	return tap_done();
}
