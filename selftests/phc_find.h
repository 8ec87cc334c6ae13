/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Find a PHC by its clock_name (guests have no udev, so no /dev/ptp_unified
 * symlink) and turn its fd into a dynamic POSIX clock id.
 */
#ifndef PHC_FIND_H
#define PHC_FIND_H

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

#endif
