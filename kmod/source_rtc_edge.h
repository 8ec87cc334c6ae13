/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where the rtc source expects the RTC's next second edge in raw time: the
 * arithmetic of source_rtc.c's prediction, without hardware, so that the
 * userspace unit tests (selftests/unit/test_rtc_edge.c) run it.
 *
 * The RTC and the raw counter run at different rates (in a guest the RTC
 * follows the host's CLOCK_REALTIME, raw the guest's calibration of its
 * counter; on hardware the RTC has a crystal of its own): a few ppm, up to
 * a few hundred. Counted in whole raw seconds, an edge rtc_interval_s away
 * is off by that rate times the interval, 3 ms at 5 ppm over 600 s. So the
 * edges are counted in RTC seconds at the rate the arbiter estimates for
 * the RTC, and the window around the predicted edge grows with that
 * estimate's doubt times the distance to it.
 */
#ifndef PTPU_SOURCE_RTC_EDGE_H
#define PTPU_SOURCE_RTC_EDGE_H

#include "arbiter.h"

/*
 * What an edge's place is never known better than: reads are hundreds of
 * us apart and a read itself takes tens to hundreds of us (docs/design.md).
 */
#define PTPU_RTC_WINDOW_NS	(2 * PTPU_NSEC_PER_SEC / 1000)
/*
 * The widest window searched finely: one read every PTPU_RTC_WINDOW_STEP_US
 * (250 us) over +/- 20 ms is 160 reads, fewer than the coarse search of a
 * whole second it saves (about 220, one every 5 ms, plus the fine window
 * one second later). A prediction more doubtful than that is still
 * searched there, where the edge is most likely; a miss falls back to the
 * coarse search.
 */
#define PTPU_RTC_WINDOW_MAX_NS	(20 * PTPU_NSEC_PER_SEC / 1000)
/* Rates beyond 10 % are no RTC's: such an estimate is not used. */
#define PTPU_RTC_RATE_MAX_PPB	(PTPU_PPB / 10)
/* Edges further apart than a day are not predicted from each other. */
#define PTPU_RTC_PREDICT_MAX_S	86400

/**
 * struct ptpu_rtc_rate - the RTC's rate against raw time
 * @freq_ppb:	how much faster than raw time the RTC runs, ppb (the
 *		arbiter's estimate; 0: whole raw seconds)
 * @doubt_ppb:	how far that may be off, ppb
 */
struct ptpu_rtc_rate {
	s64 freq_ppb;
	u32 doubt_ppb;
};

/**
 * ptpu_rtc_edge_after() - raw time of the @n-th edge after a known one
 * @edge_raw:	raw time of the known edge
 * @n:		RTC seconds after it, 0 to PTPU_RTC_PREDICT_MAX_S + 1
 * @rate:	the RTC's rate against raw time
 *
 * Return: @edge_raw + @n RTC seconds in raw ns.
 */
static inline s64 ptpu_rtc_edge_after(s64 edge_raw, s64 n,
				      const struct ptpu_rtc_rate *rate)
{
	s64 f = ptpu_clamp(rate->freq_ppb, PTPU_RTC_RATE_MAX_PPB);

	return ptpu_add_sat(edge_raw, ptpu_mul_div_s64(n * PTPU_NSEC_PER_SEC,
						       PTPU_PPB, PTPU_PPB + f));
}

/**
 * ptpu_rtc_predict() - the next edge worth waiting for, and its window
 * @edge_raw:	raw time of the last timed edge
 * @edge_bound:	its bound, ns
 * @rate:	the RTC's rate against raw time
 * @now:	raw time now
 * @target:	receives the predicted edge, the first whose window opens
 *		after @now
 * @window:	receives the window's half width: PTPU_RTC_WINDOW_NS, the
 *		last edge's bound, and the rate's doubt over the distance, at
 *		most PTPU_RTC_WINDOW_MAX_NS
 *
 * Return: true, or false when there is nothing to predict from (a rate
 * beyond PTPU_RTC_RATE_MAX_PPB, an edge timed worse than the widest window,
 * or one more than a day ago): search a whole second.
 */
static inline bool ptpu_rtc_predict(s64 edge_raw, u64 edge_bound,
				    const struct ptpu_rtc_rate *rate, s64 now,
				    s64 *target, s64 *window)
{
	s64 f = ptpu_clamp(rate->freq_ppb, PTPU_RTC_RATE_MAX_PPB), n, d;
	u64 w;

	if (rate->freq_ppb != f || edge_bound > PTPU_RTC_WINDOW_MAX_NS)
		return false;
	/* Whole RTC seconds since the edge, rounded down. */
	d = ptpu_sub_sat(now, edge_raw);
	n = d > 0 ? ptpu_mul_div_s64(d, PTPU_PPB + f, PTPU_PPB) / PTPU_NSEC_PER_SEC : 0;
	for (;; n++) {
		if (n > PTPU_RTC_PREDICT_MAX_S)
			return false;
		*target = ptpu_rtc_edge_after(edge_raw, n, rate);
		w = PTPU_RTC_WINDOW_NS + edge_bound +
		    ptpu_ppb_of((u64)(*target - edge_raw), rate->doubt_ppb);
		*window = (s64)ptpu_umin(w, PTPU_RTC_WINDOW_MAX_NS);
		if (n > 0 && *target - *window > now)
			return true;
	}
}

#endif /* PTPU_SOURCE_RTC_EDGE_H */
