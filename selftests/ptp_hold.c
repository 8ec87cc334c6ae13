// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Hold the unified clock open across an rmmod: read it, create READY_FILE,
 * wait until GO_FILE exists (the module is gone by then), read again. The
 * stale fd must fail with ENODEV on every path, never return a time or
 * crash. Exit 0 when it did, 1 otherwise (the reason on stderr).
 *
 * usage: ptp_hold READY_FILE GO_FILE
 *
 * Files rather than a pipe: the shell that drives this cannot then mistake
 * an earlier holder's output for this one's.
 */
#include <errno.h>
#include <linux/ptp_clock.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "phc_util.h"

static int expect_enodev(const char *what, int ret)
{
	if (ret == 0) {
		fprintf(stderr, "ptp_hold: %s on a stale fd succeeded\n", what);
		return 1;
	}
	if (errno != ENODEV) {
		fprintf(stderr, "ptp_hold: %s on a stale fd: %s, want ENODEV\n",
			what, strerror(errno));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct ptp_sys_offset_precise p;
	struct ptp_clock_caps caps;
	struct timespec ts;
	char path[64];
	int fd, i, bad = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: ptp_hold READY_FILE GO_FILE\n");
		return 2;
	}
	if (phc_find("ptp_unified", path, sizeof(path))) {
		fprintf(stderr, "ptp_hold: no ptp_unified clock\n");
		return 1;
	}
	fd = open(path, O_RDWR);
	if (fd < 0 || clock_gettime(FD_TO_CLOCKID(fd), &ts)) {
		fprintf(stderr, "ptp_hold: %s: %s\n", path, strerror(errno));
		return 1;
	}
	i = open(argv[1], O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (i < 0) {
		fprintf(stderr, "ptp_hold: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	close(i);
	/* Wait for the go, at most two minutes. */
	for (i = 0; access(argv[2], F_OK); i++) {
		struct timespec nap = { .tv_nsec = 10000000 };

		if (i == 12000) {
			fprintf(stderr, "ptp_hold: no %s after 120 s\n", argv[2]);
			return 1;
		}
		nanosleep(&nap, NULL);
	}

	bad |= expect_enodev("clock_gettime", clock_gettime(FD_TO_CLOCKID(fd), &ts));
	bad |= expect_enodev("PTP_SYS_OFFSET_PRECISE", ioctl(fd, PTP_SYS_OFFSET_PRECISE, &p));
	bad |= expect_enodev("PTP_CLOCK_GETCAPS", ioctl(fd, PTP_CLOCK_GETCAPS, &caps));
	close(fd);
	return bad;
}
