// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * An application of the ClockBound segment: order an event across
 * machines by "commit wait". Take the event's timestamp T = latest now;
 * then wait until earliest > T: from then on T is in the past on every
 * machine whose clock is bounded the same way, so no later event anywhere
 * can be stamped before it. The wait is about twice the bound.
 *
 * Build: cc -O2 -I/usr/share/doc/phc-steer/examples/clockbound \
 *            clockbound_example.c -o clockbound_example
 * Run:   clockbound_example [SEGMENT]   (default /run/clockbound/shm0)
 */
#include <stdio.h>

#include "clockbound_shm.h"

static int now_trusted(struct cb_reader *r, struct cb_now *n)
{
	int err = cb_now(r, n);

	if (err) {
		fprintf(stderr, "clockbound: %s\n", cb_strerror(err));
		return -1;
	}
	if (n->status != CB_STATUS_SYNCHRONIZED && n->status != CB_STATUS_FREE_RUNNING) {
		fprintf(stderr, "clockbound: the clock is %s: no bound to trust\n",
			cb_status_name(n->status));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : CB_SHM_PATH;
	struct timespec t;
	struct cb_reader r;
	struct cb_now n;
	long waits = 0;
	int err;

	err = cb_reader_open(&r, path);
	if (err) {
		fprintf(stderr, "%s: %s\n", path, cb_strerror(err));
		return 1;
	}
	if (now_trusted(&r, &n))
		return 1;
	t = n.latest;
	printf("event at %lld.%09ld (bound %lld ns, %s)\n", (long long)t.tv_sec, t.tv_nsec,
	       (long long)n.bound_ns, cb_status_name(n.status));
	do {
		if (now_trusted(&r, &n))
			return 1;
		waits++;
	} while (cb_ts_ns(n.earliest.tv_sec, n.earliest.tv_nsec) <= cb_ts_ns(t.tv_sec, t.tv_nsec));
	printf("in the past everywhere from %lld.%09ld (%ld readings)\n",
	       (long long)n.earliest.tv_sec, n.earliest.tv_nsec, waits);
	cb_reader_close(&r);
	return 0;
}
