// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Summary statistics: mean, population standard deviation, rms, max |v|.
 */
#include <math.h>

#include "stats.h"
#include "tap.h"

int main(void)
{
	struct stats st;

	stats_reset(&st);
	ok(stats_rms(&st) == 0 && stats_stddev(&st) == 0, "empty: zeros");
	stats_add(&st, 1);
	stats_add(&st, 2);
	stats_add(&st, 3);
	stats_add(&st, 4);
	ok(stats_mean(&st) == 2.5, "mean of 1..4 is 2.5");
	ok(fabs(stats_stddev(&st) - sqrt(1.25)) < 1e-12, "stddev sqrt(1.25)");
	ok(fabs(stats_rms(&st) - sqrt(7.5)) < 1e-12, "rms sqrt(30 / 4)");
	ok(stats_max_abs(&st) == 4, "max 4");
	stats_reset(&st);
	stats_add(&st, -5);
	stats_add(&st, 3);
	ok(stats_max_abs(&st) == 5, "max |v| counts negatives");
	ok(stats_mean(&st) == -1 && stats_stddev(&st) == 4, "mean -1, stddev 4");
	return tap_done();
}
