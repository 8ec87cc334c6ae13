// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PTP clock: reads evaluate the published model on one
 * ktime_get_snapshot() (ptpu_clock_now()), so device time and system time
 * come from the same counter read (no read uncertainty, no VM exit). A reference clock: it
 * cannot be set or adjusted, like ptp_kvm.
 */
#include <linux/ptp_clock_kernel.h>
#include <linux/timekeeping.h>

#include "compat.h"
#include "ptp_unified.h"

static struct ptpu_dev *info_to_ptpu(struct ptp_clock_info *info)
{
	return container_of(info, struct ptpu_dev, info);
}

static int ptpu_gettimex64(struct ptp_clock_info *info, struct timespec64 *ts,
			   struct ptp_system_timestamp *sts)
{
	struct ptpu_dev *pd = info_to_ptpu(info);
	struct system_time_snapshot snap;
	clockid_t clk = sts ? ptpu_sts_clockid(sts) : CLOCK_REALTIME;
	bool same_read = clk == CLOCK_REALTIME || clk == CLOCK_MONOTONIC_RAW;

	/* Other clock bases have no value in the snapshot: bracket the read. */
	if (sts && !same_read)
		ptp_read_system_prets(sts);

	*ts = ns_to_timespec64(ptpu_clock_now(pd, &snap));

	if (!sts)
		return 0;
	if (same_read) {
		sts->pre_ts = ktime_to_timespec64(clk == CLOCK_REALTIME ?
						  snap.real : snap.raw);
		sts->post_ts = sts->pre_ts;
	} else {
		ptp_read_system_postts(sts);
	}
	return 0;
}

static int ptpu_getcrosststamp(struct ptp_clock_info *info,
			       struct system_device_crosststamp *xt)
{
	struct ptpu_dev *pd = info_to_ptpu(info);
	struct system_time_snapshot snap;

	xt->device = ns_to_ktime(ptpu_clock_now(pd, &snap));
	xt->sys_realtime = snap.real;
	xt->sys_monoraw = snap.raw;
	return 0;
}

static int ptpu_settime64(struct ptp_clock_info *info,
			  const struct timespec64 *ts)
{
	return -EOPNOTSUPP;
}

static int ptpu_adjtime(struct ptp_clock_info *info, s64 delta)
{
	return -EOPNOTSUPP;
}

static int ptpu_adjfine(struct ptp_clock_info *info, long scaled_ppm)
{
	return -EOPNOTSUPP;
}

/* The PTP core calls .enable unchecked for PTP_ENABLE_PPS: it must exist. */
static int ptpu_enable(struct ptp_clock_info *info,
		       struct ptp_clock_request *rq, int on)
{
	return -EOPNOTSUPP;
}

static const struct ptp_clock_info ptpu_clock_info = {
	.owner		= THIS_MODULE,
	.name		= PTPU_NAME,
	.gettimex64	= ptpu_gettimex64,
	.getcrosststamp	= ptpu_getcrosststamp,
	.settime64	= ptpu_settime64,
	.adjtime	= ptpu_adjtime,
	.adjfine	= ptpu_adjfine,
	.enable		= ptpu_enable,
};

static void ptpu_clock_unregister(void *ptp)
{
	ptp_clock_unregister(ptp);
}

/**
 * ptpu_clock_register() - register the PTP clock
 * @pd:	the clock, its time base initialised
 *
 * Return: 0 or a negative errno.
 */
int ptpu_clock_register(struct ptpu_dev *pd)
{
	pd->info = ptpu_clock_info;
	pd->ptp = ptp_clock_register(&pd->info, pd->dev);
	if (IS_ERR(pd->ptp))
		return PTR_ERR(pd->ptp);

	return devm_add_action_or_reset(pd->dev, ptpu_clock_unregister, pd->ptp);
}
