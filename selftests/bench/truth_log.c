// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The benchmark's truth logger (make bench). In a nested-KVM guest, ptp_kvm
 * reads the host's (L1's) CLOCK_REALTIME; each PTP_SYS_OFFSET_PRECISE read
 * takes it and the guest's CLOCK_REALTIME and CLOCK_MONOTONIC_RAW from one
 * counter read, so the guest clock's offset to the truth is exact up to the
 * hypercall's own error. One line per sample, all integers in ns:
 *
 *   RAW KVM OFF [UOFF]
 *
 * RAW is CLOCK_MONOTONIC_RAW, KVM the host time (ptp_kvm), OFF the guest's
 * CLOCK_REALTIME minus KVM, UOFF (with -u) the unified clock minus the host
 * time: both PRECISE reads map to their own raw instant, so
 * UOFF = (unified - raw_u) - (kvm - raw_k), which ignores the raw counter's
 * drift over the few microseconds between the two reads.
 *
 * usage: truth_log -k KVMDEV [-u UNIFIEDDEV] [-r HZ] [-d SECONDS] [-o FILE]
 *        truth_log -k KVMDEV --stamp LABEL     one line "LABEL RAW KVM OFF"
 * Runs -d seconds of CLOCK_MONOTONIC (0, the default: until SIGTERM/SIGINT),
 * -r samples per second (default 20). A failed read is logged as
 * "# error ..." and sampling goes on.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/ptp_clock.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define NSEC 1000000000LL

static volatile sig_atomic_t stop;

static void on_sig(int sig)
{
	(void)sig;
	stop = 1;
}

static long long pct(const struct ptp_clock_time *t)
{
	return t->sec * NSEC + t->nsec;
}

/* One PRECISE read: device time, guest realtime and raw at one instant. */
static int precise(int fd, long long *dev, long long *rt, long long *raw)
{
	struct ptp_sys_offset_precise p;

	memset(&p, 0, sizeof(p));
	if (ioctl(fd, PTP_SYS_OFFSET_PRECISE, &p))
		return -1;
	*dev = pct(&p.device);
	*rt = pct(&p.sys_realtime);
	*raw = pct(&p.sys_monoraw);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: truth_log -k KVMDEV [-u UNIFIEDDEV] [-r HZ] [-d SECONDS] [-o FILE]\n"
			"       truth_log -k KVMDEV --stamp LABEL\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *kdev = NULL, *udev = NULL, *out = NULL, *stamp = NULL;
	double hz = 20, dur = 0;
	int kfd, ufd = -1, i;
	long long period, next, end = 0;
	struct timespec ts;
	FILE *f = stdout;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (i + 1 >= argc)
			usage();
		if (!strcmp(a, "-k"))
			kdev = argv[++i];
		else if (!strcmp(a, "-u"))
			udev = argv[++i];
		else if (!strcmp(a, "-r"))
			hz = atof(argv[++i]);
		else if (!strcmp(a, "-d"))
			dur = atof(argv[++i]);
		else if (!strcmp(a, "-o"))
			out = argv[++i];
		else if (!strcmp(a, "--stamp"))
			stamp = argv[++i];
		else
			usage();
	}
	if (!kdev || hz <= 0 || hz > 1000 || dur < 0)
		usage();
	kfd = open(kdev, O_RDONLY);
	if (kfd < 0) {
		fprintf(stderr, "truth_log: %s: %s\n", kdev, strerror(errno));
		return 1;
	}
	if (stamp) {
		long long dev, rt, raw;

		if (precise(kfd, &dev, &rt, &raw)) {
			fprintf(stderr, "truth_log: PRECISE on %s: %s\n", kdev, strerror(errno));
			return 1;
		}
		printf("%s %lld %lld %lld\n", stamp, raw, dev, rt - dev);
		return 0;
	}
	if (udev) {
		ufd = open(udev, O_RDONLY);
		if (ufd < 0) {
			fprintf(stderr, "truth_log: %s: %s\n", udev, strerror(errno));
			return 1;
		}
	}
	if (out) {
		f = fopen(out, "w");
		if (!f) {
			fprintf(stderr, "truth_log: %s: %s\n", out, strerror(errno));
			return 1;
		}
	}
	signal(SIGTERM, on_sig);
	signal(SIGINT, on_sig);
	period = (long long)(NSEC / hz);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	next = ts.tv_sec * NSEC + ts.tv_nsec;
	if (dur > 0)
		end = next + (long long)(dur * NSEC);
	fprintf(f, "# raw_ns kvm_ns realtime_minus_kvm_ns%s\n", ufd >= 0 ? " unified_minus_kvm_ns" : "");
	while (!stop) {
		long long kd, kr, kraw, ud, ur, uraw;

		if (precise(kfd, &kd, &kr, &kraw)) {
			fprintf(f, "# error kvm PRECISE: %s\n", strerror(errno));
		} else if (ufd >= 0) {
			if (precise(ufd, &ud, &ur, &uraw))
				fprintf(f, "# error unified PRECISE: %s\n", strerror(errno));
			else
				fprintf(f, "%lld %lld %lld %lld\n", kraw, kd, kr - kd,
					(ud - uraw) - (kd - kraw));
		} else {
			fprintf(f, "%lld %lld %lld\n", kraw, kd, kr - kd);
		}
		fflush(f);
		next += period;
		if (end && next >= end)
			break;
		ts.tv_sec = next / NSEC;
		ts.tv_nsec = next % NSEC;
		while (!stop && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
			;
		/* After a VM pause, resume the grid without a burst of catch-up. */
		clock_gettime(CLOCK_MONOTONIC, &ts);
		if (ts.tv_sec * NSEC + ts.tv_nsec > next + period)
			next = ts.tv_sec * NSEC + ts.tv_nsec;
	}
	if (f != stdout)
		fclose(f);
	return 0;
}
