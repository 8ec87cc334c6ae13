// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The benchmark's read cost (make bench): how long one read of the time
 * takes, per method, timed read by read with the vDSO's CLOCK_MONOTONIC
 * around it (the median cost of an empty pair of those calls is measured
 * too and subtracted). Prints one line per method:
 *
 *   NAME median NS p99 NS n N method M
 *
 * unified_precise / kvm_precise: PTP_SYS_OFFSET_PRECISE;
 * unified_extended / kvm_extended: PTP_SYS_OFFSET_EXTENDED with one sample;
 * a driver without EXTENDED (ptp_kvm has no gettimex64) is read with the
 * basic PTP_SYS_OFFSET, one sample, instead, and its method says "basic";
 * syscall: syscall(SYS_clock_gettime, CLOCK_REALTIME), not the vDSO;
 * ioctl_floor: an ioctl the PTP core refuses (ENOTTY) on the unified clock,
 * the cost of any PHC read before the driver does anything.
 * With -c SEGMENT, what an application pays for bounds on the time:
 * clockbound_now: {earliest, latest} from ClockBound's segment (cb_now() of
 * userspace/clockbound/clockbound_shm.h: a copy of the segment, then
 * CLOCK_REALTIME and CLOCK_MONOTONIC_COARSE from the vDSO); vdso_realtime:
 * clock_gettime(CLOCK_REALTIME) from the vDSO, its floor.
 *
 * usage: read_cost -k KVMDEV -u UNIFIEDDEV [-c SEGMENT] [-n READS]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/ptp_clock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "clockbound/clockbound_shm.h"

enum kind { K_EMPTY, K_PRECISE, K_EXTENDED, K_BASIC, K_SYSCALL, K_NOTTY,
	    K_CLOCKBOUND, K_VDSO };

static struct cb_reader cb;

static long long now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int one(enum kind k, int fd)
{
	struct ptp_sys_offset_precise p;
	struct ptp_sys_offset_extended e;
	struct ptp_sys_offset b;
	struct timespec ts;
	struct cb_now n;

	switch (k) {
	case K_EMPTY:
		return 0;
	case K_PRECISE:
		memset(&p, 0, sizeof(p));
		return ioctl(fd, PTP_SYS_OFFSET_PRECISE, &p);
	case K_EXTENDED:
		memset(&e, 0, sizeof(e));
		e.n_samples = 1;
		return ioctl(fd, PTP_SYS_OFFSET_EXTENDED, &e);
	case K_BASIC:
		memset(&b, 0, sizeof(b));
		b.n_samples = 1;
		return ioctl(fd, PTP_SYS_OFFSET, &b);
	case K_SYSCALL:
		return (int)syscall(SYS_clock_gettime, CLOCK_REALTIME, &ts);
	case K_NOTTY:
		/* Through the posix-clock and PTP ioctl paths to ENOTTY. */
		return ioctl(fd, _IO('=', 0xff)) < 0 && errno == ENOTTY ? 0 : -1;
	case K_CLOCKBOUND:
		return cb_now(&cb, &n);
	case K_VDSO:
		return clock_gettime(CLOCK_REALTIME, &ts);
	}
	return -1;
}

static int cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/* Median and 99th percentile of n timed reads; -1 when the read fails. */
static int measure(enum kind k, int fd, int n, long long *med, long long *p99)
{
	long long *d = calloc(n, sizeof(*d));
	int i;

	if (!d)
		return -1;
	for (i = 0; i < 50; i++)
		if (one(k, fd)) {
			free(d);
			return -1;
		}
	for (i = 0; i < n; i++) {
		long long t0 = now();

		one(k, fd);
		d[i] = now() - t0;
	}
	qsort(d, n, sizeof(*d), cmp);
	*med = d[n / 2];
	*p99 = d[(n * 99) / 100];
	free(d);
	return 0;
}

int main(int argc, char **argv)
{
	const char *kdev = NULL, *udev = NULL, *seg = NULL;
	int n = 3000, i, kfd, ufd;
	long long base, bp99, med, p99;
	struct { const char *name; int *fd; } devs[2] = { { "unified", &ufd }, { "kvm", &kfd } };

	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "-k"))
			kdev = argv[i + 1];
		else if (!strcmp(argv[i], "-u"))
			udev = argv[i + 1];
		else if (!strcmp(argv[i], "-n"))
			n = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "-c"))
			seg = argv[i + 1];
	}
	if (!kdev || !udev || n < 100 || i != argc) {
		fprintf(stderr, "usage: read_cost -k KVMDEV -u UNIFIEDDEV [-c SEGMENT] [-n READS]\n");
		return 2;
	}
	kfd = open(kdev, O_RDONLY);
	ufd = open(udev, O_RDONLY);
	if (kfd < 0 || ufd < 0) {
		fprintf(stderr, "read_cost: open: %s\n", strerror(errno));
		return 1;
	}
	measure(K_EMPTY, -1, n, &base, &bp99);
	printf("timer_overhead median %lld p99 %lld n %d method vdso\n", base, bp99, n);
	for (i = 0; i < 2; i++) {
		if (measure(K_PRECISE, *devs[i].fd, n, &med, &p99)) {
			fprintf(stderr, "read_cost: %s PRECISE: %s\n", devs[i].name, strerror(errno));
			return 1;
		}
		printf("%s_precise median %lld p99 %lld n %d method precise\n",
		       devs[i].name, med - base, p99 - base, n);
		if (!measure(K_EXTENDED, *devs[i].fd, n, &med, &p99)) {
			printf("%s_extended median %lld p99 %lld n %d method extended\n",
			       devs[i].name, med - base, p99 - base, n);
		} else if (!measure(K_BASIC, *devs[i].fd, n, &med, &p99)) {
			printf("%s_extended median %lld p99 %lld n %d method basic\n",
			       devs[i].name, med - base, p99 - base, n);
		} else {
			fprintf(stderr, "read_cost: %s: no EXTENDED nor basic read: %s\n",
				devs[i].name, strerror(errno));
			return 1;
		}
	}
	if (measure(K_SYSCALL, -1, n, &med, &p99))
		return 1;
	printf("syscall median %lld p99 %lld n %d method syscall\n", med - base, p99 - base, n);
	if (!measure(K_NOTTY, ufd, n, &med, &p99))
		printf("ioctl_floor median %lld p99 %lld n %d method enotty\n", med - base, p99 - base, n);
	if (!seg)
		return 0;
	i = cb_reader_open(&cb, seg);
	if (i || measure(K_CLOCKBOUND, -1, n, &med, &p99)) {
		fprintf(stderr, "read_cost: %s: %s\n", seg, cb_strerror(i ? i : -EPROTO));
		return 1;
	}
	printf("clockbound_now median %lld p99 %lld n %d method shm\n", med - base, p99 - base, n);
	if (measure(K_VDSO, -1, n, &med, &p99))
		return 1;
	printf("vdso_realtime median %lld p99 %lld n %d method vdso\n", med - base, p99 - base, n);
	return 0;
}
