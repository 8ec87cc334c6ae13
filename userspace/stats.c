// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Running statistics (see stats.h).
 */
#include <math.h>
#include <string.h>

#include "stats.h"

void stats_reset(struct stats *st)
{
	memset(st, 0, sizeof(*st));
}

void stats_add(struct stats *st, double v)
{
	double d = v - st->mean;

	st->n++;
	st->mean += d / st->n;
	st->m2 += d * (v - st->mean);
	st->sum_sq += v * v;
	if (fabs(v) > st->max_abs)
		st->max_abs = fabs(v);
}

double stats_mean(const struct stats *st)
{
	return st->mean;
}

double stats_stddev(const struct stats *st)
{
	return st->n ? sqrt(st->m2 / st->n) : 0;
}

double stats_rms(const struct stats *st)
{
	return st->n ? sqrt(st->sum_sq / st->n) : 0;
}

double stats_max_abs(const struct stats *st)
{
	return st->max_abs;
}
