// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The frequency doubt of CLOCK_REALTIME against its PHC, on a simulated
 * clock steered by a PI servo: it is there after three polls, it is the
 * true rate error when nothing wanders, and over 3000 polls of a wandering
 * oscillator and noisy reads the offset never moves faster than the doubt
 * said at the start of the interval. Steps and pauses do not pass for
 * frequency.
 */
#include <math.h>
#include <stdlib.h>

#include "clockbound/freq_doubt.h"
#include "tap.h"

#define S_NS 1000000000LL

struct sim {
	double o;	/* true offset, ns */
	double f0;	/* frequency that holds the clock on the PHC, ppb */
	double f;	/* in force, ppb */
	double integral;
	int64_t t;	/* ns */
};

static double uniform(double a)
{
	return a * (2.0 * rand() / RAND_MAX - 1.0);
}

/* One poll: read (with noise u), servo, return the doubt. */
static double poll_once(struct sim *s, struct freq_doubt *d, double u)
{
	double read = s->o + uniform(u);

	s->integral -= 0.3 * read / 1e0;
	s->f = s->integral - 0.7 * read;
	return freq_doubt_poll(d, llround(read), llround(u), s->t, s->f, false);
}

/* One interval of dt ns at the frequency in force. */
static void run(struct sim *s, int64_t dt)
{
	s->o += (s->f - s->f0) * (double)dt / 1e9;
	s->t += dt;
}

static void warm_up_and_exact(void)
{
	struct sim s = { .o = 2000, .f0 = 12000, .t = 5 * S_NS };
	struct freq_doubt d;
	double doubt, before, worst = 0;
	int i;

	freq_doubt_init(&d);
	is_int(poll_once(&s, &d, 0) < 0, 1, "no doubt after one poll");
	run(&s, S_NS);
	is_int(poll_once(&s, &d, 0) < 0, 1, "nor after two (nothing checked yet)");
	run(&s, S_NS);
	doubt = poll_once(&s, &d, 0);
	ok(doubt >= 0, "a doubt after three: %.1f ppb", doubt);
	for (i = 0; i < 40; i++) {
		before = s.o;
		run(&s, S_NS);
		/* Nothing wanders: the doubt is the true rate, to rounding. */
		worst = fmax(worst, fabs(doubt - fabs(s.o - before)));
		doubt = poll_once(&s, &d, 0);
	}
	ok(worst < 5, "without wander or noise it is the true rate, to the reads' rounding (worst miss %.2f ppb)",
	   worst);
}

static void wander(void)
{
	struct sim s = { .o = -30000, .f0 = -4000, .t = 7 * S_NS };
	struct freq_doubt d;
	double doubt, before, rate, u = 5, worst_margin = 1e9, sum = 0;
	int i, misses = 0, n = 0;

	srand(20);
	freq_doubt_init(&d);
	doubt = poll_once(&s, &d, u);
	for (i = 0; i < 3000; i++) {
		before = s.o;
		s.f0 += uniform(200);
		run(&s, S_NS + (int64_t)uniform(0.2e9));
		rate = fabs(s.o - before) / 1.0;
		if (i > 20) {
			n++;
			sum += doubt;
			/* The rate is over up to 1.2 s, the doubt per second. */
			if (rate > doubt * 1.2 + 2 * u) {
				if (misses++ < 5)
					diag("poll %d: moved %.0f ns, doubt %.0f ppb", i, rate, doubt);
			}
			worst_margin = fmin(worst_margin, doubt * 1.2 + 2 * u - rate);
		}
		doubt = poll_once(&s, &d, u);
	}
	is_int(misses, 0, "3000 polls, 200 ppb random walk, 5 ns noise: never faster than the doubt (mean doubt %.0f ppb, least margin %.0f ns)",
	       sum / n, worst_margin);
}

static void steps_and_breaks(void)
{
	struct sim s = { .o = 0, .f0 = 1000, .t = 3 * S_NS };
	struct freq_doubt d;
	double doubt;
	int i;

	freq_doubt_init(&d);
	for (i = 0; i < 10; i++) {
		doubt = poll_once(&s, &d, 0);
		run(&s, S_NS);
	}
	/* The servo steps 5 ms away; the next interval starts from 0. */
	s.o += 5e6;
	doubt = freq_doubt_poll(&d, llround(s.o), 0, s.t, s.f, true);
	s.o = 0;
	run(&s, S_NS);
	doubt = poll_once(&s, &d, 0);
	ok(doubt >= 0 && doubt < 5000, "a step is not a frequency: %.0f ppb", doubt);
	/*
	 * A 5 s pause moves the offset (the break says so) and is stepped
	 * out at once; the frequency stays.
	 */
	freq_doubt_break(&d);
	s.o -= 5e9;
	s.t += 300000000;
	doubt = freq_doubt_poll(&d, llround(s.o), 0, s.t, s.f, true);
	ok(doubt >= 0 && doubt < 5000, "across a break and its step, the f0 measured before: %.0f ppb",
	   doubt);
	s.o = 0;
	run(&s, S_NS);
	doubt = poll_once(&s, &d, 0);
	ok(doubt >= 0 && doubt < 5000, "and the next interval is measured again: %.0f ppb",
	   doubt);
	/* 10 ms later (a poll at once): not measured, noise would pass for ppm. */
	s.t += 10000000;
	doubt = freq_doubt_poll(&d, llround(s.o) + 50, 0, s.t, s.f, false);
	ok(doubt >= 0 && doubt < 5000, "an interval of 10 ms is not measured: %.0f ppb", doubt);
}

int main(void)
{
	warm_up_and_exact();
	wander();
	steps_and_breaks();
	return tap_done();
}
