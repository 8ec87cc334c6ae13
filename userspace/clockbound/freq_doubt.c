// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The frequency doubt of CLOCK_REALTIME against its PHC (see freq_doubt.h).
 */
#include <math.h>
#include <string.h>

#include "clockbound/freq_doubt.h"

/*
 * Intervals shorter than this (a poll run at once for a disruption) are
 * not measured: the reads' noise over a few ms would pass for ppm.
 */
#define FREQ_DOUBT_MIN_DT_NS 50000000LL

void freq_doubt_init(struct freq_doubt *d)
{
	memset(d, 0, sizeof(*d));
}

void freq_doubt_break(struct freq_doubt *d)
{
	d->have_prev = false;
}

static double worst_err(const struct freq_doubt *d)
{
	double w = 0;
	unsigned int i;

	for (i = 0; i < d->n_err; i++)
		w = fmax(w, d->err[i]);
	return w;
}

double freq_doubt_poll(struct freq_doubt *d, int64_t offset_ns,
		       int64_t uncert_ns, int64_t ts_ns, double freq_ppb,
		       bool stepped)
{
	bool measured = false;
	double dt, seen, noise = 0;

	/*
	 * An offset the servo steps out was a jump (of the PHC, or a spike),
	 * not a rate: that interval is not measured.
	 */
	if (d->have_prev && !stepped && ts_ns - d->prev_ts_ns >= FREQ_DOUBT_MIN_DT_NS) {
		dt = (double)(ts_ns - d->prev_ts_ns) / 1e9;
		seen = (double)(offset_ns - d->prev_offset_ns) / dt;
		noise = (double)(uncert_ns + d->prev_uncert_ns) / dt;
		/* The prediction made at the last poll, against what happened. */
		if (d->have_f0) {
			d->err[d->head] = fabs(seen - d->pred_ppb);
			d->head = (d->head + 1) % FREQ_DOUBT_HISTORY;
			if (d->n_err < FREQ_DOUBT_HISTORY)
				d->n_err++;
		}
		d->f0_ppb = d->prev_freq_ppb - seen;
		d->have_f0 = true;
		measured = true;
	}
	/* A step by -offset leaves the clock on the PHC: the next baseline is 0. */
	d->prev_offset_ns = stepped ? 0 : offset_ns;
	d->prev_uncert_ns = uncert_ns;
	d->prev_ts_ns = ts_ns;
	d->prev_freq_ppb = freq_ppb;
	d->have_prev = true;
	if (!d->have_f0)
		return -1;
	d->pred_ppb = freq_ppb - d->f0_ppb;
	if (!d->n_err)
		return -1;
	return fabs(d->pred_ppb) + 2 * worst_err(d) + (measured ? noise : 0);
}
