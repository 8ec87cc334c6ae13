// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * clock_adjtime() wrappers (see clockadj.h).
 */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/timex.h>

#include "clock/clockadj.h"
#include "timeutil.h"

/* The kernel clamps maxerror and esterror to NTP_PHASE_LIMIT (16 s). */
#define MAX_ERROR_US 16000000LL

long clockadj_ppb_to_scaled_ppm(double ppb)
{
	return lround(ppb * 65.536);
}

double clockadj_scaled_ppm_to_ppb(long scaled_ppm)
{
	return scaled_ppm / 65.536;
}

bool clockadj_freq_sane(double ppb, double max_ppb)
{
	return isfinite(ppb) && fabs(ppb) <= max_ppb;
}

static int do_adjtime(clockid_t clk, struct timex *tx)
{
	return clock_adjtime(clk, tx) < 0 ? -errno : 0;
}

/* The clock's adjustment state, changing nothing (modes 0). */
static int read_timex(clockid_t clk, struct timex *tx)
{
	memset(tx, 0, sizeof(*tx));
	return do_adjtime(clk, tx);
}

int clockadj_max_freq(clockid_t clk, double *ppb)
{
	struct timex tx;
	int r = read_timex(clk, &tx);

	if (r)
		return r;
	*ppb = tx.tolerance ? clockadj_scaled_ppm_to_ppb(tx.tolerance) :
			      CLOCKADJ_KERNEL_MAX_PPB;
	return 0;
}

int clockadj_get_freq(clockid_t clk, double *ppb)
{
	struct timex tx;
	int r = read_timex(clk, &tx);

	if (r)
		return r;
	*ppb = clockadj_scaled_ppm_to_ppb(tx.freq);
	return 0;
}

int clockadj_set_freq(clockid_t clk, double ppb)
{
	struct timex tx;
	double max;
	int r;

	r = clockadj_max_freq(clk, &max);
	if (r)
		return r;
	if (!clockadj_freq_sane(ppb, max))
		return -ERANGE;
	memset(&tx, 0, sizeof(tx));
	tx.modes = ADJ_FREQUENCY;
	tx.freq = clockadj_ppb_to_scaled_ppm(ppb);
	return do_adjtime(clk, &tx);
}

int clockadj_init(clockid_t clk)
{
	struct timex tx;
	int r;

	memset(&tx, 0, sizeof(tx));
	tx.modes = ADJ_STATUS;
	tx.status = STA_UNSYNC;
	r = do_adjtime(clk, &tx);
	if (r)
		return r;
	/* ADJ_OFFSET_SINGLESHOT is a mode of its own; offset 0 cancels. */
	memset(&tx, 0, sizeof(tx));
	tx.modes = ADJ_OFFSET_SINGLESHOT;
	return do_adjtime(clk, &tx);
}

int clockadj_step(clockid_t clk, int64_t ns)
{
	struct timespec ts = ns_to_timespec(ns);
	struct timex tx;

	memset(&tx, 0, sizeof(tx));
	tx.modes = ADJ_SETOFFSET | ADJ_NANO;
	/* With ADJ_NANO the kernel reads tv_usec as nanoseconds in [0, 1e9). */
	tx.time.tv_sec = ts.tv_sec;
	tx.time.tv_usec = ts.tv_nsec;
	return do_adjtime(clk, &tx);
}

static long ns_to_us_ceil(int64_t ns)
{
	int64_t us;

	if (ns < 0)
		ns = 0;
	us = (ns + NS_PER_US - 1) / NS_PER_US;
	return us > MAX_ERROR_US ? MAX_ERROR_US : us;
}

int clockadj_set_sync(clockid_t clk, int64_t maxerror_ns, int64_t esterror_ns)
{
	struct timex tx;
	int r;

	r = read_timex(clk, &tx);
	if (r)
		return r;
	tx.modes = ADJ_STATUS | ADJ_MAXERROR | ADJ_ESTERROR;
	tx.status &= ~STA_UNSYNC;
	tx.maxerror = ns_to_us_ceil(maxerror_ns);
	tx.esterror = ns_to_us_ceil(esterror_ns);
	return do_adjtime(clk, &tx);
}

int clockadj_set_leap(clockid_t clk, int leap)
{
	struct timex tx;
	int r;

	r = read_timex(clk, &tx);
	if (r)
		return r;
	tx.modes = ADJ_STATUS;
	tx.status &= ~(STA_INS | STA_DEL);
	if (leap > 0)
		tx.status |= STA_INS;
	else if (leap < 0)
		tx.status |= STA_DEL;
	return do_adjtime(clk, &tx);
}

int clockadj_check_permission(clockid_t clk)
{
	struct timex tx;
	long freq;
	int r;

	r = read_timex(clk, &tx);
	if (r)
		return r;
	freq = tx.freq;
	memset(&tx, 0, sizeof(tx));
	tx.modes = ADJ_FREQUENCY;
	tx.freq = freq;
	return do_adjtime(clk, &tx);
}
