// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Hold the unified clock open across an rmmod: read it, say "ready", wait
 * for a line on stdin (the module is gone by then), read again. The stale fd
 * must fail with ENODEV on every path, never return a time or crash.
 * Exit 0 when it did, 1 otherwise (the reason on stderr).
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

int main(void)
{
	struct ptp_sys_offset_precise p;
	struct ptp_clock_caps caps;
	struct timespec ts;
	char path[64], line[16];
	int fd, bad = 0;

	if (phc_find("ptp_unified", path, sizeof(path))) {
		fprintf(stderr, "ptp_hold: no ptp_unified clock\n");
		return 1;
	}
	fd = open(path, O_RDWR);
	if (fd < 0 || clock_gettime(FD_TO_CLOCKID(fd), &ts)) {
		fprintf(stderr, "ptp_hold: %s: %s\n", path, strerror(errno));
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return 1;

	bad |= expect_enodev("clock_gettime", clock_gettime(FD_TO_CLOCKID(fd), &ts));
	bad |= expect_enodev("PTP_SYS_OFFSET_PRECISE", ioctl(fd, PTP_SYS_OFFSET_PRECISE, &p));
	bad |= expect_enodev("PTP_CLOCK_GETCAPS", ioctl(fd, PTP_CLOCK_GETCAPS, &caps));
	close(fd);
	return bad;
}
