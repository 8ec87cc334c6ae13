// SPDX-License-Identifier: GPL-2.0-only
/*
 * rtc source: the CMOS RTC through the rtc class API, as a timer of second
 * edges. The RTC only tells whole seconds, and its sub-second phase against
 * UTC is arbitrary (QEMU starts it at a whole host second from a random
 * instant and restarts it on every write), so each sample says "the RTC
 * ticked to second S at raw time R" and the arbiter calibrates the phase
 * against a better source. Once calibrated, this is a holdover with
 * sub-millisecond precision that follows the host's clock through a pause.
 *
 * Every RTC read is a VM exit, so edges are timed rarely (one per interval)
 * and in a narrow window around the predicted edge: the work sleeps (on
 * hrtimers) until just before it and reads every few hundred microseconds.
 * Only when there is no recent edge to predict from (at start, after a
 * phase change or a pause) does it search a whole second, more coarsely.
 */
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/rtc.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "ptp_unified.h"
#include "source_rtc.h"

/* Coarse search: a whole second (and a bit), a read every 5 ms. */
#define PTPU_RTC_SEARCH_NS	(1100 * NSEC_PER_MSEC)
#define PTPU_RTC_SEARCH_STEP_US	5000
/* Narrow window: predicted edge +/- 2 ms (+ the last edge's own bound). */
#define PTPU_RTC_WINDOW_NS	(2 * NSEC_PER_MSEC)
#define PTPU_RTC_WINDOW_STEP_US	250
/* Wake this long before the window, then sleep precisely into it. */
#define PTPU_RTC_WAKE_EARLY_NS	(50 * NSEC_PER_MSEC)

/* One RTC read, bracketed by raw time. */
static int ptpu_rtc_read(struct ptpu_rtc *r, time64_t *sec, s64 *t0, s64 *t1)
{
	struct rtc_time tm;
	int ret;

	*t0 = ktime_get_raw_ns();
	ret = rtc_read_time(r->rtc, &tm);
	*t1 = ktime_get_raw_ns();
	r->reads++;
	if (!ret && rtc_valid_tm(&tm))
		ret = -ERANGE;
	if (ret) {
		r->errors++;
		return ret;
	}
	*sec = rtc_tm_to_time64(&tm);
	return 0;
}

/*
 * Sleep until raw time @until: the long part on a wait queue that unloading
 * interrupts, the last few ms on an hrtimer. False when the source stops.
 */
static bool ptpu_rtc_sleep_until(struct ptpu_rtc *r, s64 until)
{
	s64 left = until - ktime_get_raw_ns();

	if (left > 20 * NSEC_PER_MSEC) {
		wait_event_timeout(r->stop_wait, READ_ONCE(r->stopping),
				   nsecs_to_jiffies(left - 10 * NSEC_PER_MSEC));
		left = until - ktime_get_raw_ns();
	}
	if (left > 0) {
		unsigned long us = div_s64(left, NSEC_PER_USEC);

		usleep_range(us, us + 50);
	}
	return !READ_ONCE(r->stopping);
}

/*
 * Read every @step_us until the second changes or raw time passes @deadline.
 * The edge lies between the start of the last read of the old second and
 * the end of the first read of the new one. An RTC past April 2262 has no
 * time in ns (-EOVERFLOW).
 */
static int ptpu_rtc_find_edge(struct ptpu_rtc *r, s64 deadline,
			      unsigned int step_us, struct ptpu_sample *smp)
{
	s64 a0, a1, b0, b1;
	time64_t s0, s;
	int ret;

	ret = ptpu_rtc_read(r, &s0, &a0, &a1);
	if (ret)
		return ret;
	while (a1 < deadline) {
		if (READ_ONCE(r->stopping))
			return -ECANCELED;
		usleep_range(step_us, step_us + step_us / 4);
		ret = ptpu_rtc_read(r, &s, &b0, &b1);
		if (ret)
			return ret;
		if (s != s0) {
			/* Anything but one second forward: the RTC was set. */
			if (s != s0 + 1)
				return -EAGAIN;
			if (!ptpu_sec_to_ns(s, 0, &smp->ref_ns))
				return -EOVERFLOW;
			smp->raw_ns = a0 + (b1 - a0) / 2;
			smp->bound_ns = max_t(s64, (b1 - a0) / 2, 1);
			return 0;
		}
		a0 = b0;
		a1 = b1;
	}
	return -ETIMEDOUT;
}

/*
 * No second edge where a whole second was searched: the RTC fails, returns
 * nonsense, jumps or stands still; or its edge reads a time past 2262,
 * which the clock cannot hold (@err -EOVERFLOW). Its old estimate is no
 * longer evidence, so the source is withdrawn now (as the kvm source is
 * when pairing is refused) rather than held until the staleness limit; its
 * next edge brings it back.
 */
static void ptpu_rtc_failed(struct ptpu_rtc *r, int err)
{
	if (!r->failing && err == -EOVERFLOW)
		dev_warn_ratelimited(r->pd->dev,
				     "rtc: %s reads a time past 2262, beyond the clock's range: withdrawn until it reads one within\n",
				     r->name);
	else if (!r->failing)
		dev_info_ratelimited(r->pd->dev,
				     "rtc: no second edge from %s (%d): withdrawn until it ticks again\n",
				     r->name, err);
	r->failing = true;
	ptpu_source_withdraw(r->pd, r->idx);
}

static void ptpu_rtc_work(struct work_struct *work)
{
	struct ptpu_rtc *r = container_of(to_delayed_work(work),
					  struct ptpu_rtc, work);
	struct ptpu_sample smp = {};
	s64 now = ktime_get_raw_ns(), next, target, window;
	int ret;

	if (!r->have_edge) {
		ret = ptpu_rtc_find_edge(r, now + PTPU_RTC_SEARCH_NS,
					 PTPU_RTC_SEARCH_STEP_US, &smp);
		if (ret == -ECANCELED)
			return;
		if (ret) {
			ptpu_rtc_failed(r, ret);
			goto resched;
		}
		/* Refine on the next edge: one second later, narrowly. */
		target = smp.raw_ns + NSEC_PER_SEC;
		window = PTPU_RTC_WINDOW_NS + smp.bound_ns;
	} else {
		s64 n = div_s64(now - r->edge_raw + PTPU_RTC_WINDOW_NS, NSEC_PER_SEC) + 1;

		target = r->edge_raw + n * NSEC_PER_SEC;
		window = PTPU_RTC_WINDOW_NS;
	}

	if (!ptpu_rtc_sleep_until(r, target - window))
		return;
	ret = ptpu_rtc_find_edge(r, target + window, PTPU_RTC_WINDOW_STEP_US, &smp);
	if (ret == -ECANCELED)
		return;
	if (ret == -EOVERFLOW) {
		r->have_edge = false;
		ptpu_rtc_failed(r, ret);
		goto resched;
	}
	if (ret) {
		/* No edge where one was due: the phase moved. Search again now. */
		if (r->have_edge)
			r->misses++;
		r->have_edge = false;
		queue_delayed_work(system_unbound_wq, &r->work, 0);
		return;
	}
	if (r->failing)
		dev_info_ratelimited(r->pd->dev, "rtc: %s ticks again\n", r->name);
	r->failing = false;
	r->have_edge = true;
	r->edge_raw = smp.raw_ns;
	r->edge_sec = div_s64(smp.ref_ns, NSEC_PER_SEC);
	r->edges++;
	ret = ptpu_submit_sample(r->pd, r->idx, &smp);
	if (ret)
		dev_dbg(r->pd->dev, "rtc: sample refused: %d\n", ret);

resched:
	if (r->have_edge)
		next = r->edge_raw + (s64)READ_ONCE(r->interval_s) * NSEC_PER_SEC -
		       PTPU_RTC_WAKE_EARLY_NS;
	else
		next = ktime_get_raw_ns() + (s64)READ_ONCE(r->interval_s) * NSEC_PER_SEC;
	now = ktime_get_raw_ns();
	queue_delayed_work(system_unbound_wq, &r->work,
			   nsecs_to_jiffies(max_t(s64, next - now, 0)));
}

static void ptpu_rtc_stop(void *data)
{
	struct ptpu_rtc *r = data;

	WRITE_ONCE(r->stopping, true);
	wake_up(&r->stop_wait);
	cancel_delayed_work_sync(&r->work);
	rtc_class_close(r->rtc);
}

/**
 * ptpu_rtc_start() - start the rtc source
 * @pd:		the clock
 * @device:	the RTC's name in the rtc class (knob rtc_device at load);
 *		empty: no rtc source
 * @interval_s:	seconds between timed edges (knob rtc_interval_s), in range
 *
 * Return: 0 (also when there is no such RTC: @pd->rtc stays NULL) or a
 * negative errno.
 */
int ptpu_rtc_start(struct ptpu_dev *pd, const char *device,
		   unsigned int interval_s)
{
	struct rtc_device *rtc;
	struct ptpu_rtc *r;
	int ret;

	if (!device[0])
		return 0;
	rtc = rtc_class_open(device);
	if (!rtc) {
		dev_info(pd->dev, "rtc: no RTC named %s, rtc source absent\n",
			 device);
		return 0;
	}
	r = devm_kzalloc(pd->dev, sizeof(*r), GFP_KERNEL);
	if (!r) {
		rtc_class_close(rtc);
		return -ENOMEM;
	}
	r->pd = pd;
	r->rtc = rtc;
	r->interval_s = interval_s;
	INIT_DELAYED_WORK(&r->work, ptpu_rtc_work);
	init_waitqueue_head(&r->stop_wait);
	mutex_init(&r->dev_lock);
	strscpy(r->name, device, sizeof(r->name));
	ret = devm_add_action_or_reset(pd->dev, ptpu_rtc_stop, r);
	if (ret)
		return ret;

	r->idx = ptpu_source_add(pd, "rtc", PTPU_CLASS_RTC);
	if (r->idx < 0)
		return r->idx;
	pd->rtc = r;
	queue_delayed_work(system_unbound_wq, &r->work, 0);
	return 0;
}

/**
 * ptpu_rtc_set_device() - make the rtc source read another RTC
 * @r:		the rtc source
 * @name:	the RTC's name in the rtc class, e.g. "rtc1"
 *
 * Stops the edge timing, switches the device and starts timing afresh, also
 * when @name is the RTC in use (a way to restart the edge search). The new
 * RTC's phase is unrelated to the old one's, so the source is withdrawn
 * until its first edge, and the arbiter recalibrates it then. Runs from the
 * sysfs knob and netlink, which both go away before ptpu_rtc_stop() runs.
 *
 * Return: 0, or -EINVAL when there is no RTC of that name (nothing changes).
 */
int ptpu_rtc_set_device(struct ptpu_rtc *r, const char *name)
{
	struct rtc_device *rtc, *old;

	if (!name[0] || strlen(name) >= sizeof(r->name))
		return -EINVAL;
	mutex_lock(&r->dev_lock);
	rtc = rtc_class_open(name);
	if (!rtc) {
		mutex_unlock(&r->dev_lock);
		return -EINVAL;
	}
	WRITE_ONCE(r->stopping, true);
	wake_up(&r->stop_wait);
	cancel_delayed_work_sync(&r->work);
	old = r->rtc;
	r->rtc = rtc;
	strscpy(r->name, name, sizeof(r->name));
	r->have_edge = false;
	r->failing = false;
	WRITE_ONCE(r->stopping, false);
	ptpu_source_withdraw(r->pd, r->idx);
	queue_delayed_work(system_unbound_wq, &r->work, 0);
	mutex_unlock(&r->dev_lock);
	rtc_class_close(old);
	dev_info_ratelimited(r->pd->dev, "rtc: now reading %s\n", name);
	return 0;
}

/**
 * ptpu_rtc_get_device() - the name of the RTC the rtc source reads
 * @r:		the rtc source
 * @buf:	receives the name, NUL-terminated
 * @len:	size of @buf
 */
void ptpu_rtc_get_device(struct ptpu_rtc *r, char *buf, size_t len)
{
	mutex_lock(&r->dev_lock);
	strscpy(buf, r->name, len);
	mutex_unlock(&r->dev_lock);
}
