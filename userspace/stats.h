/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Running statistics for the periodic summary lines: mean and standard
 * deviation (Welford), root mean square and largest magnitude.
 */
#ifndef PHC_STEER_STATS_H
#define PHC_STEER_STATS_H

struct stats {
	unsigned int n;
	double mean, m2, sum_sq, max_abs;
};

void stats_reset(struct stats *st);
void stats_add(struct stats *st, double v);
double stats_mean(const struct stats *st);
double stats_stddev(const struct stats *st);	/* population */
double stats_rms(const struct stats *st);
double stats_max_abs(const struct stats *st);

#endif /* PHC_STEER_STATS_H */
