// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Listen to the ptp_unified events group until a disruption event arrives,
 * and say how long after the step it came: the event carries the raw time
 * (CLOCK_MONOTONIC_RAW) at which the clock stepped, and this takes the raw
 * time when the event is in hand. Started in the background by the pause
 * check of the guest suite; prints "listening" once subscribed.
 *
 * usage: event_listen [TIMEOUT_S [SYSFS_DEVICE_DIR]]
 * With SYSFS_DEVICE_DIR, the event's step and disruption count must match
 * last_step_ns and disruption_count there. Exit 0 when a disruption event
 * arrived (and matched), 1 otherwise.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "phc_util.h"
#include "ptpu_nl.h"

static long long raw_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long long timeout = (argc > 1 ? atoll(argv[1]) : 120) * 1000000000LL;
	const char *sysdir = argc > 2 ? argv[2] : NULL;
	struct ptpu_nl_event ev;
	struct ptpu_nl *h;
	long long start, at;
	int err = 0, ret;

	h = ptpu_nl_open(&err);
	if (!h) {
		printf("event_listen: cannot open the ptp_unified family: %s\n", strerror(-err));
		return 1;
	}
	ret = ptpu_nl_events_subscribe(h);
	if (ret) {
		printf("event_listen: cannot join the events group: %s\n", strerror(-ret));
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	start = raw_now();
	while (raw_now() - start < timeout) {
		ret = ptpu_nl_event_recv(h, &ev, 1000);
		at = raw_now();
		if (ret == -ENOBUFS) {
			printf("events lost (socket overrun)\n");
			continue;
		}
		if (ret < 0) {
			printf("event_listen: %s\n", strerror(-ret));
			return 1;
		}
		if (!ret)
			continue;
		switch (ev.cmd) {
		case PTP_UNIFIED_CMD_EV_SELECTION:
			printf("event: selection \"%s\" (%s)\n", ev.name, ptpu_nl_state_name(ev.state));
			break;
		case PTP_UNIFIED_CMD_EV_STATE:
			printf("event: state %s (\"%s\")\n", ptpu_nl_state_name(ev.state), ev.name);
			break;
		case PTP_UNIFIED_CMD_EV_SOURCE_LOST:
			printf("event: source lost \"%s\" (%s)\n", ev.name, ptpu_nl_class_name(ev.cls));
			break;
		case PTP_UNIFIED_CMD_EV_LEAP:
			printf("event: leap second, step %+lld ns (leaps %llu)\n",
			       (long long)ev.step_ns, (unsigned long long)ev.leaps);
			break;
		case PTP_UNIFIED_CMD_EV_DISRUPTION:
			printf("event: disruption %llu, step %+.6f s; the event arrived %.1f us after the step\n",
			       (unsigned long long)ev.disruptions, ev.step_ns / 1e9,
			       (at - ev.step_raw_ns) / 1e3);
			fflush(stdout);
			ptpu_nl_close(h);
			if (sysdir && (sysfs_ll(sysdir, "last_step_ns") != ev.step_ns ||
				       sysfs_ll(sysdir, "disruption_count") < (long long)ev.disruptions)) {
				printf("the event disagrees with sysfs: last_step_ns %lld, disruption_count %lld\n",
				       sysfs_ll(sysdir, "last_step_ns"),
				       sysfs_ll(sysdir, "disruption_count"));
				return 1;
			}
			return 0;
		}
		fflush(stdout);
	}
	printf("no disruption event within %lld s\n", timeout / 1000000000LL);
	ptpu_nl_close(h);
	return 1;
}
