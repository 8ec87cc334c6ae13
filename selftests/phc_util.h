/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PHC helpers for the tests: find a PHC by its clock_name (guests have no
 * udev, so no /dev/ptp_unified symlink), turn its fd into a dynamic POSIX
 * clock id, read its offset from CLOCK_REALTIME by the best method it
 * has, and read a number from its sysfs.
 */
#ifndef PHC_UTIL_H
#define PHC_UTIL_H

#include <dirent.h>
#include <fcntl.h>
#include <linux/ptp_clock.h>
#include <sys/ioctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The number in sysfs file @dir/@name, or -1 when it cannot be read. */
static inline long long sysfs_ll(const char *dir, const char *name)
{
	char path[512], buf[64] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return atoll(buf);
}

#define CLOCKFD 3
#define FD_TO_CLOCKID(fd) ((clockid_t)((((unsigned int)~(fd)) << 3) | CLOCKFD))

/* Write "/dev/ptpN" of the clock named @name into @path; 0 if found. */
static inline int phc_find(const char *name, char *path, size_t len)
{
	struct dirent *de;
	DIR *d = opendir("/sys/class/ptp");
	int ret = -1;

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		char f[300], buf[64] = "";
		FILE *fp;

		if (strncmp(de->d_name, "ptp", 3))
			continue;
		snprintf(f, sizeof(f), "/sys/class/ptp/%s/clock_name", de->d_name);
		fp = fopen(f, "r");
		if (!fp)
			continue;
		if (fgets(buf, sizeof(buf), fp))
			buf[strcspn(buf, "\n")] = 0;
		fclose(fp);
		if (!strcmp(buf, name) &&
		    snprintf(path, len, "/dev/%.16s", de->d_name) < (int)len) {
			ret = 0;
			break;
		}
	}
	closedir(d);
	return ret;
}

static inline long long ts_ns(const struct timespec *ts)
{
	return ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

static inline long long pct_ns(const struct ptp_clock_time *t)
{
	return t->sec * 1000000000LL + t->nsec;
}

enum phc_method { PHC_PRECISE, PHC_EXTENDED, PHC_BASIC };
static const char * const phc_method_name[] = { "precise", "extended", "basic" };

/*
 * Device minus CLOCK_REALTIME, and how uncertain that is (half the system
 * time window around the device read; 0 for a cross timestamp). Tries
 * PRECISE, then EXTENDED, then basic PTP_SYS_OFFSET, from *method on, and
 * leaves in *method the one that worked: ptp_kvm cannot cross-timestamp
 * when the guest runs on the tsc clocksource, nor does it have EXTENDED.
 * Returns 0, or -1 with errno set when no method works.
 */
static inline int phc_offset(int fd, enum phc_method *method, long long *off,
			     long long *uncert)
{
	struct ptp_sys_offset_precise p;
	struct ptp_sys_offset_extended e;
	struct ptp_sys_offset b;
	unsigned int i;

	switch (*method) {
	case PHC_PRECISE:
		memset(&p, 0, sizeof(p));
		if (!ioctl(fd, PTP_SYS_OFFSET_PRECISE, &p)) {
			*off = pct_ns(&p.device) - pct_ns(&p.sys_realtime);
			*uncert = 0;
			return 0;
		}
		*method = PHC_EXTENDED;
		/* fall through */
	case PHC_EXTENDED:
		memset(&e, 0, sizeof(e));
		e.n_samples = 5;
		if (!ioctl(fd, PTP_SYS_OFFSET_EXTENDED, &e)) {
			*uncert = -1;
			for (i = 0; i < e.n_samples; i++) {
				long long pre = pct_ns(&e.ts[i][0]), post = pct_ns(&e.ts[i][2]);

				if (*uncert < 0 || (post - pre) / 2 < *uncert) {
					*uncert = (post - pre) / 2;
					*off = pct_ns(&e.ts[i][1]) - (pre + (post - pre) / 2);
				}
			}
			return 0;
		}
		*method = PHC_BASIC;
		/* fall through */
	case PHC_BASIC:
		memset(&b, 0, sizeof(b));
		b.n_samples = 5;
		if (ioctl(fd, PTP_SYS_OFFSET, &b))
			return -1;
		*uncert = -1;
		for (i = 0; i < b.n_samples; i++) {
			long long pre = pct_ns(&b.ts[2 * i]), post = pct_ns(&b.ts[2 * i + 2]);

			if (*uncert < 0 || (post - pre) / 2 < *uncert) {
				*uncert = (post - pre) / 2;
				*off = pct_ns(&b.ts[2 * i + 1]) - (pre + (post - pre) / 2);
			}
		}
		return 0;
	}
	return -1;
}

/*
 * Device time, device minus CLOCK_REALTIME and minus CLOCK_MONOTONIC_RAW
 * (ns), and how uncertain the differences are: from one cross timestamp
 * when the PHC has them (*method PHC_PRECISE), else phc_offset() and a
 * realtime/raw pair read around each other. The device time comes from the
 * same read, never from a later CLOCK_REALTIME read plus the difference: a
 * step of the system clock in between would move it. Returns 0, or -1 with
 * errno set.
 */
static inline int phc_vs_system(int fd, enum phc_method *method, long long *dev,
				long long *d_rt, long long *d_raw, long long *uncert)
{
	struct ptp_sys_offset_precise p;
	struct timespec r0, raw, r1;

	if (*method == PHC_PRECISE) {
		memset(&p, 0, sizeof(p));
		if (!ioctl(fd, PTP_SYS_OFFSET_PRECISE, &p)) {
			*dev = pct_ns(&p.device);
			*d_rt = *dev - pct_ns(&p.sys_realtime);
			*d_raw = *dev - pct_ns(&p.sys_monoraw);
			*uncert = 0;
			return 0;
		}
	}
	if (phc_offset(fd, method, d_rt, uncert))
		return -1;
	clock_gettime(CLOCK_REALTIME, &r0);
	clock_gettime(CLOCK_MONOTONIC_RAW, &raw);
	clock_gettime(CLOCK_REALTIME, &r1);
	*dev = (ts_ns(&r0) + ts_ns(&r1)) / 2 + *d_rt;
	*d_raw = *dev - ts_ns(&raw);
	return 0;
}

#endif
