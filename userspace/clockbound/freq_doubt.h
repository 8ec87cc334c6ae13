/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * How wrong CLOCK_REALTIME's frequency may be against the PHC it is
 * steered to, for the next poll interval: the rate at which its offset can
 * grow if nothing corrects it. Any servo, from what each poll measured and
 * set; no model of the servo.
 *
 * offset = CLOCK_REALTIME - PHC moves at (f - f0) ns per second, f being
 * the frequency adjustment in force (ppb) and f0 the one that would hold
 * the clock on the PHC. Each interval measures f0 = f_prev - dOffset/dt.
 * For the coming interval the rate is f_now - f0 (the servo's deliberate
 * correction included); twice the worst miss of that prediction over the
 * last FREQ_DOUBT_HISTORY intervals, and the reads' own uncertainty over
 * the interval, are added:
 *
 *   doubt = |f_now - f0| + 2 max |seen rate - predicted rate| + (u + u_prev) / dt
 *
 * The oscillator's wander is in the second term, measured, not assumed;
 * twice, because the next change of frequency can exceed every one of the
 * last few (for changes spread evenly, all 16 below half the largest
 * possible one has a chance of 1 in 65536).
 */
#ifndef PHC_STEER_FREQ_DOUBT_H
#define PHC_STEER_FREQ_DOUBT_H

#include <stdbool.h>
#include <stdint.h>

#define FREQ_DOUBT_HISTORY 16

struct freq_doubt {
	bool have_prev;		/* a poll to measure the next interval from */
	int64_t prev_offset_ns;	/* after any step */
	int64_t prev_uncert_ns;
	int64_t prev_ts_ns;
	double prev_freq_ppb;	/* in force since then */
	bool have_f0;
	double f0_ppb;
	double pred_ppb;	/* rate predicted for the interval under way */
	double err[FREQ_DOUBT_HISTORY];
	unsigned int n_err, head;
};

void freq_doubt_init(struct freq_doubt *d);

/*
 * One poll: the offset read (ns), its read uncertainty (ns), when
 * (CLOCK_MONOTONIC ns), the frequency set after it (ppb), and whether the
 * clock was stepped by -offset (the interval before is then not measured:
 * the offset jumped). Returns the doubt (ppb, >= 0), or -1 while there is
 * not yet a prediction that has been checked once.
 */
double freq_doubt_poll(struct freq_doubt *d, int64_t offset_ns,
		       int64_t uncert_ns, int64_t ts_ns, double freq_ppb,
		       bool stepped);

/*
 * The offset jumped for a reason that is not a frequency (a VM pause):
 * measure afresh from the next poll, keeping f0 and the history.
 */
void freq_doubt_break(struct freq_doubt *d);

#endif /* PHC_STEER_FREQ_DOUBT_H */
