// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Watch a VM pause from inside the guest. Every 5 ms: read ptp_kvm against
 * the raw counter (a pause shows as host time jumping ahead of raw time) and
 * the unified clock's disruption count. Report when the pause ended, how
 * long after that the module declared the disruption, the step it took, and
 * whether the unified clock is then within its published bound of the host
 * (ptp_kvm).
 *
 * usage: pause_watch SYSFS_DEVICE_DIR [TIMEOUT_S]
 * Exit 0 when exactly one disruption was declared, stepped the right way,
 * and the clock then agrees with the host within its bound; 1 otherwise.
 */
#include <errno.h>
#include <linux/ptp_clock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "phc_find.h"

static const char *sysdir;

static long long sysfs_ll(const char *name)
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

/* device - sys_monoraw, and - sys_realtime, from one cross timestamp */
static void precise(int fd, long long *minus_raw, long long *minus_real)
{
	struct ptp_sys_offset_precise p;
	long long dev;

	memset(&p, 0, sizeof(p));
	if (ioctl(fd, PTP_SYS_OFFSET_PRECISE, &p)) {
		fprintf(stderr, "pause_watch: PTP_SYS_OFFSET_PRECISE: %s\n", strerror(errno));
		exit(1);
	}
	dev = p.device.sec * 1000000000LL + p.device.nsec;
	*minus_raw = dev - (p.sys_monoraw.sec * 1000000000LL + p.sys_monoraw.nsec);
	if (minus_real)
		*minus_real = dev - (p.sys_realtime.sec * 1000000000LL + p.sys_realtime.nsec);
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

int main(int argc, char **argv)
{
	long long timeout = (argc > 2 ? atoll(argv[2]) : 120) * 1000000000LL;
	long long d0, k_prev, k, resumed = 0, jump = 0, declared = 0, start;
	long long diffs[200], bound, step;
	int fk, fu, i, bad = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: pause_watch SYSFS_DEVICE_DIR [TIMEOUT_S]\n");
		return 2;
	}
	sysdir = argv[1];
	fk = open_named("KVM virtual PTP");
	fu = open_named("ptp_unified");
	d0 = sysfs_ll("disruption_count");
	precise(fk, &k_prev, NULL);
	start = raw_now();
	while (raw_now() - start < timeout) {
		struct timespec nap = { .tv_nsec = 5000000 };

		nanosleep(&nap, NULL);
		precise(fk, &k, NULL);
		if (!resumed && llabs(k - k_prev) > 1000000000LL) {
			resumed = raw_now();
			jump = k - k_prev;
		}
		k_prev = k;
		if (sysfs_ll("disruption_count") != d0) {
			declared = raw_now();
			break;
		}
	}
	if (!resumed) {
		printf("no pause seen (host time never jumped against raw time)\n");
		bad = 1;
	} else {
		printf("pause seen: host time jumped %.3f s against raw time\n", jump / 1e9);
	}
	if (!declared) {
		printf("no disruption declared within %lld s\n", timeout / 1000000000LL);
		return 1;
	}
	step = sysfs_ll("last_step_ns");
	printf("disruption declared %.3f s after the resume was seen; step %+.6f s\n",
	       resumed ? (declared - resumed) / 1e9 : -1.0, step / 1e9);
	if (sysfs_ll("disruption_count") != d0 + 1) {
		printf("disruption count went from %lld to %lld, want +1\n", d0,
		       sysfs_ll("disruption_count"));
		bad = 1;
	}
	if (resumed && (step > 0) != (jump > 0)) {
		printf("stepped the wrong way\n");
		bad = 1;
	}
	if (resumed && llabs(step - jump) > 1000000000LL) {
		printf("step differs from the jump by more than 1 s\n");
		bad = 1;
	}

	/* After the step: within the published bound of the host's time. */
	for (i = 0; i < 200; i++) {
		long long u, h, ur, hr;

		precise(fu, &u, &ur);
		precise(fk, &h, &hr);
		diffs[i] = ur - hr;
	}
	qsort(diffs, 200, sizeof(diffs[0]), cmp_ll);
	bound = sysfs_ll("bound_ns");
	printf("after the step: unified - host median %lld ns, published bound %lld ns\n",
	       diffs[100], bound);
	if (llabs(diffs[100]) > bound) {
		printf("outside the published bound\n");
		bad = 1;
	}
	return bad;
}
