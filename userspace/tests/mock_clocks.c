// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Stand-ins for clock/sysoff.c and clock/clockadj.c, for testing the steering
 * loop on a machine without a PHC and without touching its clock:
 * CLOCK_REALTIME is simulated as an offset from the PHC that drifts, in real
 * CLOCK_MONOTONIC time, at (1 + err)(1 + adj) - 1, moved by the steps and
 * frequencies the loop sets. See mock_clocks.h.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "clock/clockadj.h"
#include "clock/sysoff.h"
#include "tests/mock_clocks.h"
#include "timeutil.h"

struct mock mock;

static void advance(void)
{
	int64_t now = mono_ns();
	double rate = (1 + mock.err_ppb * 1e-9) * (1 + mock.adj_ppb * 1e-9);

	if (mock.last_ns)
		mock.offset_ns += (rate - 1) * (double)(now - mock.last_ns);
	mock.last_ns = now;
}

int phc_find_unified(const char *dev_root, const char *sysfs_ptp_root,
		     char *path, size_t len)
{
	(void)dev_root;
	(void)sysfs_ptp_root;
	snprintf(path, len, "/dev/ptp_mock");
	return 0;
}

int phc_open(struct phc *phc, const char *path, unsigned int samples,
	     char *err, size_t errlen)
{
	memset(phc, 0, sizeof(*phc));
	if (mock.device_gone) {
		snprintf(err, errlen, "/dev/ptp_mock: no such device");
		phc->fd = -1;
		return -ENOENT;
	}
	snprintf(phc->path, sizeof(phc->path), "%s", path ? path : "/dev/ptp_mock");
	phc->fd = 1000;
	phc->samples = samples;
	mock.opens++;
	return 0;
}

void phc_close(struct phc *phc)
{
	phc->fd = -1;
}

int sysoff_read(struct phc *phc, struct sysoff_reading *r)
{
	(void)phc;
	memset(r, 0, sizeof(*r));
	if (mock.device_gone)
		return -ENODEV;
	advance();
	r->method = SYSOFF_PRECISE;
	r->offset_ns = llround(mock.offset_ns);
	r->realtime_ns = clock_ns(CLOCK_REALTIME);
	r->phc_ns = r->realtime_ns - r->offset_ns;
	mock.reads++;
	return 0;
}

int sysoff_rt_raw_pair(struct phc *phc, struct rt_raw_pair *pair)
{
	(void)phc;
	pair->realtime_ns = clock_ns(CLOCK_REALTIME);
	pair->monoraw_ns = clock_ns(CLOCK_MONOTONIC_RAW);
	pair->uncertainty_ns = 0;
	return 0;
}

const char *sysoff_method_name(enum sysoff_method m)
{
	return m == SYSOFF_PRECISE ? "precise" : "other";
}

int clockadj_check_permission(clockid_t clk)
{
	(void)clk;
	return 0;
}

int clockadj_init(clockid_t clk)
{
	(void)clk;
	mock.unsync = true;
	return 0;
}

int clockadj_max_freq(clockid_t clk, double *ppb)
{
	(void)clk;
	*ppb = CLOCKADJ_KERNEL_MAX_PPB;
	return 0;
}

int clockadj_get_freq(clockid_t clk, double *ppb)
{
	(void)clk;
	*ppb = mock.adj_ppb;
	return 0;
}

int clockadj_set_freq(clockid_t clk, double ppb)
{
	(void)clk;
	if (!(fabs(ppb) <= CLOCKADJ_KERNEL_MAX_PPB))
		return -ERANGE;
	advance();
	mock.adj_ppb = ppb;
	if (fabs(ppb) > mock.max_abs_freq)
		mock.max_abs_freq = fabs(ppb);
	return 0;
}

int clockadj_step(clockid_t clk, int64_t ns)
{
	(void)clk;
	advance();
	mock.offset_ns += (double)ns;
	mock.steps++;
	mock.last_step_ns = ns;
	mock.last_step_at = mono_ns();
	return 0;
}

int clockadj_set_sync(clockid_t clk, int64_t maxerror_ns, int64_t esterror_ns)
{
	(void)clk;
	mock.unsync = false;
	mock.maxerror_ns = maxerror_ns;
	mock.esterror_ns = esterror_ns;
	mock.syncs++;
	return 0;
}

int clockadj_set_leap(clockid_t clk, int leap)
{
	(void)clk;
	mock.leap = leap;
	return 0;
}
