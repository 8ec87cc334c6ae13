// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Read the ClockBound segment as an application would, against the truth:
 * every 2 ms, one cross timestamp of ptp_kvm (the host's time together
 * with this guest's CLOCK_REALTIME and CLOCK_MONOTONIC_RAW of the same
 * counter read), then CLOCK_MONOTONIC_COARSE, and the segment's interval
 * at that CLOCK_REALTIME (userspace/clockbound/clockbound_shm.h, the same
 * computation as the reference clients' now()). A reading whose status
 * says the interval may be trusted (synchronized, free-running) must have
 * earliest <= host time <= latest (plus ptp_kvm's read uncertainty, 0 for
 * a cross timestamp).
 *
 * A VM pause shows as host time jumping against CLOCK_MONOTONIC_RAW. The
 * post-resume window runs from the first reading after the resume to the
 * first reading that says disrupted: until phc-steer hears of the
 * disruption, the segment still describes the clock before the pause
 * (CLOCK_MONOTONIC_COARSE did not advance during it), and readings in the
 * window are reported, not judged. Times around the resume are host time.
 *
 * usage: clockbound_watch [--pause] [--expire] [--free-running]
 *                         [--not-synced] SEGMENT SECONDS
 *   --pause         a pause must be seen, then disrupted, then synchronized
 *                   again by the end; prints the window
 *   --expire        nothing writes the segment any more: it must turn
 *                   unknown within SECONDS; prints when, after its as_of
 *   --free-running  with --expire: free-running must come first (phc-steer
 *                   stopped cleanly says so)
 *   --not-synced    no reading may say synchronized
 * Prints "watching" (flushed) once it holds its first reading. Exit 0 when
 * every judged reading held and what the options ask for was seen.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clockbound/clockbound_shm.h"
#include "phc_util.h"

#define NS 1000000000LL
#define MS 1000000LL

struct counts {
	long long reads[4];	/* by status */
	long long judged, outside;
	long long worst_excess;	/* largest |error| - bound among those outside */
	long long min_margin;	/* smallest bound - |error| among the judged */
	long long max_bound, min_bound;
};

static void count(struct counts *c, const struct cb_now *n, long long err,
		  long long uncert, bool judge)
{
	long long margin = n->bound_ns + uncert - llabs(err);

	c->reads[n->status]++;
	if (!judge || (n->status != CB_STATUS_SYNCHRONIZED &&
		       n->status != CB_STATUS_FREE_RUNNING))
		return;
	if (!c->judged || margin < c->min_margin)
		c->min_margin = margin;
	if (!c->judged || n->bound_ns > c->max_bound)
		c->max_bound = n->bound_ns;
	if (!c->judged || n->bound_ns < c->min_bound)
		c->min_bound = n->bound_ns;
	c->judged++;
	if (margin < 0) {
		c->outside++;
		if (-margin > c->worst_excess)
			c->worst_excess = -margin;
	}
}

static void print_counts(const char *what, const struct counts *c)
{
	printf("%s: %lld synchronized, %lld free-running, %lld unknown, %lld disrupted; %lld judged, %lld outside the bound",
	       what, c->reads[1], c->reads[2], c->reads[0], c->reads[3], c->judged, c->outside);
	if (c->outside)
		printf(" (worst by %lld ns)", c->worst_excess);
	if (c->judged)
		printf("; bound %lld to %lld ns, least margin %lld ns", c->min_bound,
		       c->max_bound, c->min_margin);
	printf("\n");
}

int main(int argc, char **argv)
{
	bool want_pause = false, want_expire = false, want_free = false, not_synced = false;
	long long host, d_rt = 0, d_raw, uncert, prev_d_raw = 0, start = 0, resume = 0;
	long long window_end = 0, resynced = 0, last_in_window = 0, expired = 0;
	long long first_free = 0, last_as_of = 0, err;
	struct counts before = { 0 }, in_window = { 0 }, after = { 0 };
	enum phc_method m = PHC_PRECISE;
	struct cb_reader r;
	struct cb_shm_body b;
	struct timespec mono, nap = { 0, 2 * MS };
	struct cb_now n;
	char kvm[64];
	int i, fk, ret, bad = 0, last_status = -1;
	long long secs;

	for (i = 1; i < argc && !strncmp(argv[i], "--", 2); i++) {
		if (!strcmp(argv[i], "--pause"))
			want_pause = true;
		else if (!strcmp(argv[i], "--expire"))
			want_expire = true;
		else if (!strcmp(argv[i], "--free-running"))
			want_free = true;
		else if (!strcmp(argv[i], "--not-synced"))
			not_synced = true;
		else
			break;
	}
	if (argc - i != 2 || (secs = atoll(argv[i + 1])) <= 0) {
		fprintf(stderr, "usage: clockbound_watch [--pause] [--expire] [--free-running] [--not-synced] SEGMENT SECONDS\n");
		return 2;
	}
	if (phc_find("KVM virtual PTP", kvm, sizeof(kvm)) || (fk = open(kvm, O_RDONLY)) < 0) {
		printf("no ptp_kvm: the truth is missing\n");
		return 1;
	}
	ret = cb_reader_open(&r, argv[i]);
	if (ret) {
		printf("%s: %s\n", argv[i], cb_strerror(ret));
		return 1;
	}
	for (;;) {
		if (phc_vs_system(fk, &m, &host, &d_rt, &d_raw, &uncert)) {
			printf("reading ptp_kvm: %s\n", strerror(errno));
			return 1;
		}
		clock_gettime(CLOCK_MONOTONIC_COARSE, &mono);
		ret = cb_reader_snapshot(&r, &b);
		if (!ret)
			ret = cb_bound_at(&b, host - d_rt, ts_ns(&mono), &n);
		if (ret) {
			printf("reading %s: %s\n", argv[i], cb_strerror(ret));
			return 1;
		}
		/* Host time minus this guest's: what CLOCK_REALTIME is off by. */
		err = d_rt;
		if (!start) {
			start = host;
			printf("first reading: status %s, bound %lld ns, CLOCK_REALTIME %+lld ns from the host (ptp_kvm %s)\n",
			       cb_status_name(n.status), (long long)n.bound_ns, -err,
			       phc_method_name[m]);
			printf("watching\n");
			fflush(stdout);
		}
		if (prev_d_raw && !resume && llabs(d_raw - prev_d_raw) > NS) {
			resume = host;
			printf("pause seen: host time jumped %+.3f s against CLOCK_MONOTONIC_RAW; the segment says %s, bound %lld ns, CLOCK_REALTIME %+.6f s from the host\n",
			       (d_raw - prev_d_raw) / 1e9, cb_status_name(n.status),
			       (long long)n.bound_ns, -err / 1e9);
		}
		prev_d_raw = d_raw;
		if (resume && !window_end && n.status == CB_STATUS_DISRUPTED)
			window_end = host;
		if (!resume) {
			count(&before, &n, err, uncert, true);
		} else if (!window_end) {
			count(&in_window, &n, err, uncert, true);
			if (llabs(err) > n.bound_ns + uncert)
				last_in_window = host;
		} else {
			count(&after, &n, err, uncert, true);
			if (!resynced && n.status == CB_STATUS_SYNCHRONIZED)
				resynced = host;
		}
		if ((int)n.status != last_status)
			printf("%.3f s: %s (bound %lld ns, max drift %u ppb, generation %u)\n",
			       (host - start) / 1e9, cb_status_name(n.status),
			       (long long)n.bound_ns, b.max_drift_ppb,
			       (unsigned int)r.snap_gen);
		last_status = n.status;
		last_as_of = cb_ts_ns(b.as_of_sec, b.as_of_nsec);
		if (want_free && !first_free && n.status == CB_STATUS_FREE_RUNNING)
			first_free = host;
		if (want_expire && n.status == CB_STATUS_UNKNOWN) {
			expired = host;
			printf("expired: unknown %.3f s after the last write's as_of (void_after %.3f s after it)\n",
			       (ts_ns(&mono) - last_as_of) / 1e9,
			       (cb_ts_ns(b.void_after_sec, b.void_after_nsec) - last_as_of) / 1e9);
			break;
		}
		if (host - start > secs * NS)
			break;
		nanosleep(&nap, NULL);
	}

	print_counts(resume ? "before the pause" : "readings", &before);
	if (before.outside) {
		printf("FAILED: readings outside the bound\n");
		bad = 1;
	}
	if (not_synced && before.reads[CB_STATUS_SYNCHRONIZED]) {
		printf("FAILED: a reading said synchronized\n");
		bad = 1;
	}
	if (want_expire && !expired) {
		printf("FAILED: the segment did not expire within %lld s\n", secs);
		bad = 1;
	}
	if (want_free && (!first_free || (expired && first_free > expired))) {
		printf("FAILED: no free-running before it expired\n");
		bad = 1;
	}
	if (want_pause && !resume) {
		printf("FAILED: no pause seen in %lld s\n", secs);
		return 1;
	}
	if (!resume)
		return bad;
	print_counts("post-resume window", &in_window);
	if (!window_end) {
		printf("FAILED: no reading said disrupted after the resume\n");
		return 1;
	}
	printf("post-resume window: %.1f ms (host time, from the first reading after the resume to the first that said disrupted)",
	       (window_end - resume) / 1e6);
	if (last_in_window)
		printf("; the last reading outside the bound in it %.1f ms after the resume",
		       (last_in_window - resume) / 1e6);
	printf("\n");
	print_counts("after the window", &after);
	if (after.outside) {
		printf("FAILED: readings outside the bound after the window\n");
		bad = 1;
	}
	if (!resynced) {
		printf("FAILED: not synchronized again within %lld s of the start\n", secs);
		bad = 1;
	} else {
		printf("disrupted for %.1f ms; synchronized again %.3f s after the resume\n",
		       (resynced - window_end) / 1e6, (resynced - resume) / 1e9);
	}
	return bad;
}
