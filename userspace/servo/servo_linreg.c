// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Linear-regression servo, in the spirit of linuxptp's linreg.
 *
 * The servo knows every correction it asked for (frequency over time, and
 * the step on a jump), so it can undo them: u = offset - corrections is the
 * offset the clock would have had with no adjustment at all, a straight line
 * u(t) = alpha + beta * t while the oscillator is stable. A weighted least
 * squares fit over the newest points gives beta, the clock's own frequency
 * error (ppb), and alpha, the smoothed offset now. The new frequency cancels
 * beta and removes the predicted offset over the next interval:
 *
 *	freq = -beta - (alpha + corrections) / interval
 *
 * Which window to fit is chosen by the data: fits over the newest 4, 8, 16,
 * 32 and 64 points each predict the next point, and the window whose
 * prediction error (exponentially averaged) is smallest wins. Short windows
 * follow a wandering frequency, long ones average out measurement noise.
 */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "servo/servo_private.h"

#define LR_MAX_POINTS 64
#define LR_WINDOWS 5		/* 4, 8, 16, 32, 64 points */
#define LR_MIN_WINDOW 4
#define LR_ERR_WEIGHT 0.1	/* new-error weight of the running average */

struct lr_point {
	double t;	/* s since the origin */
	double u;	/* ns: offset without our corrections */
	double w;
};

struct lr_fit {
	bool valid;
	double t;		/* when it was fitted */
	double alpha, beta;	/* u(t) and du/dt (ns/s) */
	bool have_err;
	double err;		/* averaged squared prediction error */
};

struct linreg {
	struct servo base;
	struct lr_point pts[LR_MAX_POINTS];
	unsigned int head;	/* next slot */
	unsigned int n;		/* points held */
	struct lr_fit fit[LR_WINDOWS];
	uint64_t origin_ts;
	uint64_t last_ts;
	bool started;
	double corr;		/* ns: phase our corrections added since origin */
	double freq;		/* ppb in force since the last sample */
	double interval_s;
};

static void lr_destroy(struct servo *base)
{
	free(container_of(base, struct linreg, base));
}

static const struct lr_point *lr_point(const struct linreg *s, unsigned int age)
{
	return &s->pts[(s->head + LR_MAX_POINTS - 1 - age) % LR_MAX_POINTS];
}

static void lr_push(struct linreg *s, double t, double u, double w)
{
	s->pts[s->head] = (struct lr_point){ t, u, w };
	s->head = (s->head + 1) % LR_MAX_POINTS;
	if (s->n < LR_MAX_POINTS)
		s->n++;
}

static void lr_forget(struct linreg *s)
{
	unsigned int k;

	s->n = 0;
	for (k = 0; k < LR_WINDOWS; k++)
		s->fit[k] = (struct lr_fit){ 0 };
}

/* Weighted least squares over the newest m points, relative to the newest. */
static bool lr_fit_window(const struct linreg *s, unsigned int m,
			  struct lr_fit *f)
{
	const struct lr_point *now = lr_point(s, 0);
	double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0, det;
	unsigned int i;

	for (i = 0; i < m; i++) {
		const struct lr_point *p = lr_point(s, i);
		double x = p->t - now->t, y = p->u - now->u;

		sw += p->w;
		sx += p->w * x;
		sy += p->w * y;
		sxx += p->w * x * x;
		sxy += p->w * x * y;
	}
	det = sw * sxx - sx * sx;
	if (!(det > 0))
		return false;
	f->beta = (sw * sxy - sx * sy) / det;
	f->alpha = now->u + (sy - f->beta * sx) / sw;
	f->t = now->t;
	f->valid = true;
	return true;
}

/* Score each window's prediction of the point just measured. */
static void lr_score(struct linreg *s, double t, double u)
{
	unsigned int k;

	for (k = 0; k < LR_WINDOWS; k++) {
		struct lr_fit *f = &s->fit[k];
		double e;

		if (!f->valid)
			continue;
		e = u - (f->alpha + f->beta * (t - f->t));
		f->err = f->have_err ? f->err + LR_ERR_WEIGHT * (e * e - f->err) :
				       e * e;
		f->have_err = true;
	}
}

/* Refit every window that has its points; return the best fit. */
static const struct lr_fit *lr_refit(struct linreg *s)
{
	const struct lr_fit *best = NULL;
	unsigned int k, m;

	for (k = 0; k < LR_WINDOWS; k++) {
		m = LR_MIN_WINDOW << k;
		/* Until four points exist the smallest window makes do. */
		if (s->n < m && !(k == 0 && s->n >= 2))
			continue;
		if (!lr_fit_window(s, m < s->n ? m : s->n, &s->fit[k]))
			continue;
		if (!best || (s->fit[k].have_err &&
			      (!best->have_err || s->fit[k].err < best->err)))
			best = &s->fit[k];
	}
	return best;
}

static double lr_sample(struct servo *base, int64_t offset_ns,
			uint64_t local_ts_ns, double weight,
			enum servo_state *state)
{
	struct linreg *s = container_of(base, struct linreg, base);
	const struct lr_fit *best;
	bool first;
	double t, u, pred;

	if (!s->started || local_ts_ns <= s->last_ts) {
		lr_forget(s);
		s->origin_ts = local_ts_ns;
		s->corr = 0;
		s->started = true;
	} else {
		s->corr += s->freq * (double)(local_ts_ns - s->last_ts) / 1e9;
	}
	s->last_ts = local_ts_ns;
	t = (double)(local_ts_ns - s->origin_ts) / 1e9;
	u = (double)offset_ns - s->corr;
	first = s->n == 1;

	if (s->n >= 2) {
		*state = servo_spike_check(base, offset_ns);
		if (*state == SERVO_UNLOCKED)
			return s->freq;	/* a possible outlier: not learnt */
		if (*state == SERVO_JUMP) {
			/*
			 * The offset really jumped (a pause, a step of the
			 * reference): the line before it is not the line after.
			 * Keep the frequency, restart the history from here.
			 */
			lr_forget(s);
			lr_push(s, t, u, 1);
			s->corr -= (double)offset_ns;
			return s->freq;
		}
	}
	lr_score(s, t, u);
	lr_push(s, t, u, weight > 0 ? weight : 1);
	best = lr_refit(s);
	if (!best) {
		*state = SERVO_UNLOCKED;
		return s->freq;
	}

	if (first && servo_first_update_steps(base, offset_ns)) {
		/* The step removes the offset; only the frequency is left. */
		s->corr -= (double)offset_ns;
		s->freq = servo_clamp(base, -best->beta);
		*state = SERVO_JUMP;
		return s->freq;
	}
	pred = best->alpha + s->corr;
	s->freq = servo_clamp(base, -best->beta - pred / s->interval_s);
	*state = SERVO_LOCKED;
	return s->freq;
}

static void lr_reset(struct servo *base)
{
	struct linreg *s = container_of(base, struct linreg, base);

	s->started = false;
	lr_forget(s);
}

static void lr_sync_interval(struct servo *base, double interval_s)
{
	container_of(base, struct linreg, base)->interval_s = interval_s;
}

static const struct servo_ops linreg_ops = {
	.destroy = lr_destroy,
	.sample = lr_sample,
	.reset = lr_reset,
	.sync_interval = lr_sync_interval,
};

struct servo *servo_linreg_create(const struct servo_params *p,
				  double initial_freq_ppb)
{
	struct linreg *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	servo_init(&s->base, &linreg_ops, p);
	s->freq = servo_clamp(&s->base, initial_freq_ppb);
	s->interval_s = 1.0;
	return &s->base;
}
