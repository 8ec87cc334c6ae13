/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading a PTP hardware clock against CLOCK_REALTIME, in one place:
 * PTP_SYS_OFFSET_PRECISE (one counter read gives device time, realtime and
 * monotonic raw), else PTP_SYS_OFFSET_EXTENDED (best of N by the shortest
 * system-time window), else the basic PTP_SYS_OFFSET (best of N likewise).
 */
#ifndef PHC_STEER_SYSOFF_H
#define PHC_STEER_SYSOFF_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PHC_DEFAULT_PATH "/dev/ptp_unified"
#define PHC_UNIFIED_NAME "ptp_unified"
#define SYSOFF_MAX_SAMPLES 25	/* PTP_MAX_SAMPLES */

enum sysoff_method {
	SYSOFF_PRECISE,
	SYSOFF_EXTENDED,
	SYSOFF_BASIC,
};

struct phc {
	int fd;
	char path[PATH_MAX];
	enum sysoff_method method;	/* the best method not yet refused */
	unsigned int samples;		/* N for EXTENDED and BASIC */
};

struct sysoff_reading {
	enum sysoff_method method;
	int64_t offset_ns;	/* CLOCK_REALTIME - PHC */
	int64_t delay_ns;	/* system-time window of the read; 0 if PRECISE */
	int64_t phc_ns;		/* PHC time of the read */
	int64_t realtime_ns;	/* CLOCK_REALTIME at the read (window midpoint) */
	bool has_monoraw;	/* PRECISE only */
	int64_t monoraw_ns;	/* CLOCK_MONOTONIC_RAW of the same counter read */
};

/* A CLOCK_REALTIME / CLOCK_MONOTONIC_RAW pair taken at one instant. */
struct rt_raw_pair {
	int64_t realtime_ns;
	int64_t monoraw_ns;
	int64_t uncertainty_ns;	/* 0 when both come from one counter read */
};

/*
 * Find the ptp_unified clock: PHC_DEFAULT_PATH under dev_root if it exists,
 * else the /dev/ptpN whose sysfs clock_name is "ptp_unified". The roots are
 * "/dev" and "/sys/class/ptp" except in tests. Returns 0 or -ENOENT.
 */
int phc_find_unified(const char *dev_root, const char *sysfs_ptp_root,
		     char *path, size_t len);

/*
 * Open a PHC for reading (path NULL: find the ptp_unified clock). Checks it
 * is a PHC with PTP_CLOCK_GETCAPS. On failure returns -errno and writes a
 * one-line message for the operator to err.
 */
int phc_open(struct phc *phc, const char *path, unsigned int samples,
	     char *err, size_t errlen);
void phc_close(struct phc *phc);

/* One reading with the best method available; returns 0 or -errno. */
int sysoff_read(struct phc *phc, struct sysoff_reading *r);

/*
 * A realtime/raw pair: from PTP_SYS_OFFSET_PRECISE when phc (may be NULL)
 * supports it, else from clock_gettime() realtime-raw-realtime (best of 3,
 * uncertainty half the realtime window).
 */
int sysoff_rt_raw_pair(struct phc *phc, struct rt_raw_pair *pair);

const char *sysoff_method_name(enum sysoff_method m);

#endif /* PHC_STEER_SYSOFF_H */
