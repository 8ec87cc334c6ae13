// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Watch a VM pause from inside the guest. Every 5 ms: read ptp_kvm against
 * the guest's CLOCK_MONOTONIC_RAW (a pause shows as host time jumping ahead
 * of the guest's clocks, which all stop with the VM) and
 * the unified clock's disruption count. Report when the pause ended, how
 * long after that the module declared the disruption, the step it took, and
 * whether the unified clock is then within its published bound of the host
 * (ptp_kvm).
 *
 * usage: pause_watch SYSFS_DEVICE_DIR [TIMEOUT_S [MIN_GAP_S]]
 * Exit 0 when the pause was handled: a jump of host time against the guest
 * was declared as exactly one disruption that stepped the right way (or, if
 * the guest's counter ran on and nothing jumped, none was declared), and the
 * clock then agrees with the host within its bound; 1 otherwise.
 *
 * Both print "watching" (flushed) once they hold their reference reading:
 * a caller that asks for the pause before that line may see it missed.
 *
 * usage: pause_watch --system SYSFS_DEVICE_DIR [TIMEOUT_S]
 * The same pause seen by the system clock that phc-steer steers: every 5 ms
 * ptp_kvm against CLOCK_MONOTONIC_RAW (which no step moves: the resume is
 * where host time jumps against it) and against CLOCK_REALTIME. Reports how
 * long after the resume CLOCK_REALTIME came within 1 ms of the host, then,
 * 3 s later, whether it is within the unified clock's published bound (plus
 * the read uncertainty) of the host. Exit 0 when it is, 1 otherwise.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "phc_util.h"

static const char *sysdir;

/*
 * A number from the clock's sysfs; unlike sysfs_ll() it exits when the file
 * cannot be read (last_step_ns may be -1, so -1 cannot mean "unreadable").
 */
static long long dev_ll(const char *name)
{
	char path[512], buf[64] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", sysdir, name);
	f = fopen(path, "r");
	if (!f || !fgets(buf, sizeof(buf), f)) {
		fprintf(stderr, "pause_watch: read %s: %s\n", path, strerror(errno));
		exit(1);
	}
	fclose(f);
	return atoll(buf);
}

static int open_named(const char *name)
{
	char path[64];

	if (phc_find(name, path, sizeof(path))) {
		fprintf(stderr, "pause_watch: no PHC named \"%s\"\n", name);
		exit(1);
	}
	return open(path, O_RDONLY);
}

/* Device minus CLOCK_REALTIME by the best method the clock has. */
static long long offset(int fd, enum phc_method *m, long long *uncert)
{
	long long off, u;

	if (phc_offset(fd, m, &off, &u)) {
		fprintf(stderr, "pause_watch: reading a PHC: %s\n", strerror(errno));
		exit(1);
	}
	if (uncert)
		*uncert = u;
	return off;
}

static long long raw_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return ts_ns(&ts);
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

/*
 * Host (ptp_kvm) minus CLOCK_MONOTONIC_RAW and minus CLOCK_REALTIME, and the
 * host's time of that read (when @host is not NULL). Latencies around the
 * resume are timed in host time: in a nested guest the guest's own clocks
 * are not to be trusted right at the resume (CLOCK_MONOTONIC_RAW was seen
 * 4.7 s lower just after the resume than at it, so that the disruption
 * seemed declared before the resume; the vCPUs' kvm-clock being restored
 * one after the other is the likely cause).
 */
static void host_vs_guest(int fk, enum phc_method *m, long long *h_raw, long long *h_rt,
			  long long *uncert, long long *host)
{
	long long t;

	if (phc_vs_system(fk, m, &t, h_rt, h_raw, uncert)) {
		fprintf(stderr, "pause_watch: reading a PHC: %s\n", strerror(errno));
		exit(1);
	}
	if (host)
		*host = t;
}

/* The reference reading is taken: the caller may ask for the pause now. */
static void watching(void)
{
	printf("watching\n");
	fflush(stdout);
}

#define RECOVERED_NS 1000000LL	/* the system clock within 1 ms of the host */

static int watch_system(long long timeout)
{
	long long start, now, resumed = 0, recovered = 0, jump = 0, at_resume = 0;
	long long hr, hs, hr_prev, u, worst_u = 0, diffs[200], bound, d0, host;
	enum phc_method mk = PHC_PRECISE;
	int fk, i, bad = 0;

	fk = open_named("KVM virtual PTP");
	d0 = dev_ll("disruption_count");
	host_vs_guest(fk, &mk, &hr_prev, &hs, &u, NULL);
	printf("before the pause: system clock %+lld ns from the host (ptp_kvm %s)\n", -hs,
	       phc_method_name[mk]);
	start = raw_now();
	watching();
	while ((now = raw_now()) - start < timeout) {
		struct timespec nap = { .tv_nsec = 5000000 };

		nanosleep(&nap, NULL);
		host_vs_guest(fk, &mk, &hr, &hs, &u, &host);
		if (!resumed && llabs(hr - hr_prev) > 1000000000LL) {
			resumed = host;
			jump = hr - hr_prev;
			at_resume = hs;
		}
		hr_prev = hr;
		if (resumed && llabs(hs) < RECOVERED_NS) {
			recovered = host;
			break;
		}
	}
	if (!resumed) {
		printf("no pause seen in %lld s (host time never jumped against CLOCK_MONOTONIC_RAW)\n",
		       timeout / 1000000000LL);
		return 1;
	}
	printf("pause seen: host time jumped %+.3f s against CLOCK_MONOTONIC_RAW; the system clock was then %+.6f s from the host\n",
	       jump / 1e9, -at_resume / 1e9);
	if (!recovered) {
		printf("the system clock did not come within 1 ms of the host within %lld s (now %+.6f s)\n",
		       timeout / 1000000000LL, -hs / 1e9);
		return 1;
	}
	printf("recovery: the system clock was within 1 ms of the host %.3f s (host time) after the resume was seen (%+lld ns; disruptions %lld -> %lld)\n",
	       (recovered - resumed) / 1e9, -hs, d0, dev_ll("disruption_count"));

	sleep(3);
	for (i = 0; i < 200; i++) {
		host_vs_guest(fk, &mk, &hr, &hs, &u, NULL);
		diffs[i] = -hs;
		worst_u = u > worst_u ? u : worst_u;
	}
	qsort(diffs, 200, sizeof(diffs[0]), cmp_ll);
	bound = dev_ll("bound_ns");
	printf("3 s later: system clock - host median %lld ns (p1 %lld, p99 %lld) over 200 reads, unified bound %lld ns, read uncertainty %lld ns (ptp_kvm %s)\n",
	       diffs[100], diffs[2], diffs[197], bound, worst_u, phc_method_name[mk]);
	if (llabs(diffs[100]) > bound + worst_u) {
		printf("outside the unified clock's bound\n");
		bad = 1;
	}
	return bad;
}

int main(int argc, char **argv)
{
	long long timeout = (argc > 2 ? atoll(argv[2]) : 120) * 1000000000LL;
	/*
	 * A gap in raw time shorter than this is the guest not being run for a
	 * while (a loaded host), not the pause: default 1 s; a caller that
	 * knows the pause is long can say so.
	 */
	long long min_gap = (argc > 3 ? atoll(argv[3]) : 1) * 1000000000LL;
	long long d0, k_prev, k, k_rt, k_u, resumed = 0, jump = 0, gap = 0;
	long long start, now, prev, host, host_resumed = 0, host_declared = 0;
	bool declared = false;
	enum phc_method mk = PHC_PRECISE, mu = PHC_PRECISE;
	long long diffs[200], bound, step, u, worst_u = 0;
	int fk, fu, i, bad = 0;

	if (argc > 2 && !strcmp(argv[1], "--system")) {
		sysdir = argv[2];
		return watch_system((argc > 3 ? atoll(argv[3]) : 120) * 1000000000LL);
	}
	if (argc < 2) {
		fprintf(stderr, "usage: pause_watch [--system] SYSFS_DEVICE_DIR [TIMEOUT_S [MIN_GAP_S]]\n");
		return 2;
	}
	sysdir = argv[1];
	fk = open_named("KVM virtual PTP");
	fu = open_named("ptp_unified");
	d0 = dev_ll("disruption_count");
	/*
	 * Host time against CLOCK_MONOTONIC_RAW, which stops with the VM like
	 * the guest's other clocks but which no one steps: phc-steer, if it
	 * runs, steps CLOCK_REALTIME on the disruption, and against that a
	 * late sample would see the pause undone, a jump the other way.
	 */
	host_vs_guest(fk, &mk, &k_prev, &k_rt, &k_u, NULL);
	start = raw_now();
	prev = start;
	watching();
	/*
	 * A pause shows either as host time jumping against the guest's clocks
	 * (kvm-clock guests: the clocks stop with the VM), or, when the guest's
	 * counter ran on through the pause (tsc guests), as a gap in raw time
	 * with no jump: then the guest lost nothing and there is nothing to
	 * declare.
	 */
	while ((now = raw_now()) - start < timeout) {
		struct timespec nap = { .tv_nsec = 5000000 };

		if (!resumed && now - prev > min_gap) {
			resumed = now;
			gap = now - prev;
		}
		prev = now;
		nanosleep(&nap, NULL);
		host_vs_guest(fk, &mk, &k, &k_rt, &k_u, &host);
		if (llabs(k - k_prev) > 1000000000LL) {
			resumed = raw_now();
			host_resumed = host;
			jump = k - k_prev;
		}
		k_prev = k;
		if (dev_ll("disruption_count") != d0) {
			declared = true;
			host_declared = host;
			break;
		}
		/* No jump 5 s after a gap: the guest kept time, wait no longer. */
		if (resumed && !jump && raw_now() - resumed > 5000000000LL)
			break;
	}
	if (!resumed) {
		if (declared)
			printf("a disruption was declared (step %lld ns) but no pause was seen: did it come before the watch began?\n",
			       dev_ll("last_step_ns"));
		else
			printf("no pause seen in %lld s\n", timeout / 1000000000LL);
		return 1;
	}
	if (!jump) {
		printf("pause seen as a %.3f s gap in raw time, and host time did not jump against the guest's: the guest's counter ran on, nothing was lost\n",
		       gap / 1e9);
		if (declared) {
			printf("yet a disruption was declared (step %lld ns)\n",
			       dev_ll("last_step_ns"));
			bad = 1;
		}
	} else {
		printf("pause seen: host time jumped %.3f s against the guest's\n", jump / 1e9);
		if (!declared) {
			printf("no disruption declared within %lld s\n", timeout / 1000000000LL);
			return 1;
		}
		step = dev_ll("last_step_ns");
		printf("disruption declared %.3f s (host time) after the resume was seen; step %+.6f s\n",
		       (host_declared - host_resumed) / 1e9, step / 1e9);
		if (dev_ll("disruption_count") != d0 + 1) {
			printf("disruption count went from %lld to %lld, want +1\n", d0,
			       dev_ll("disruption_count"));
			bad = 1;
		}
		if ((step > 0) != (jump > 0)) {
			printf("stepped the wrong way\n");
			bad = 1;
		}
		if (llabs(step - jump) > 1000000000LL) {
			printf("step differs from the jump by more than 1 s\n");
			bad = 1;
		}
	}

	/* Now: within the published bound of the host's time. */
	for (i = 0; i < 200; i++) {
		long long uo = offset(fu, &mu, NULL), ho = offset(fk, &mk, &u);

		diffs[i] = uo - ho;
		worst_u = u > worst_u ? u : worst_u;
	}
	qsort(diffs, 200, sizeof(diffs[0]), cmp_ll);
	bound = dev_ll("bound_ns");
	printf("after the pause: unified - host median %lld ns, published bound %lld ns, read uncertainty %lld ns (ptp_kvm %s)\n",
	       diffs[100], bound, worst_u, phc_method_name[mk]);
	if (llabs(diffs[100]) > bound + worst_u) {
		printf("outside the published bound\n");
		bad = 1;
	}
	return bad;
}
