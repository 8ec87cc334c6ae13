// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PHC reading (see sysoff.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/ptp_clock.h>

#include "clock/sysoff.h"
#include "timeutil.h"

static int64_t pct_ns(const struct ptp_clock_time *t)
{
	return t->sec * NS_PER_SEC + t->nsec;
}

const char *sysoff_method_name(enum sysoff_method m)
{
	switch (m) {
	case SYSOFF_PRECISE:
		return "precise";
	case SYSOFF_EXTENDED:
		return "extended";
	case SYSOFF_BASIC:
		return "basic";
	}
	return "?";
}

static bool read_clock_name(const char *dir, const char *entry, char *name,
			    size_t len)
{
	char p[PATH_MAX];
	FILE *f;
	bool ok;

	snprintf(p, sizeof(p), "%s/%s/clock_name", dir, entry);
	f = fopen(p, "re");
	if (!f)
		return false;
	ok = fgets(name, (int)len, f) != NULL;
	fclose(f);
	if (ok)
		name[strcspn(name, "\n")] = '\0';
	return ok;
}

int phc_find_unified(const char *dev_root, const char *sysfs_ptp_root,
		     char *path, size_t len)
{
	char name[64];
	struct dirent *de;
	DIR *d;
	int r = -ENOENT;

	snprintf(path, len, "%s/%s", dev_root, PHC_UNIFIED_NAME);
	if (access(path, F_OK) == 0)
		return 0;

	/* No udev rule (test guests): the clock's name identifies it. */
	d = opendir(sysfs_ptp_root);
	if (!d)
		return -ENOENT;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "ptp", 3))
			continue;
		if (!read_clock_name(sysfs_ptp_root, de->d_name, name, sizeof(name)))
			continue;
		if (!strcmp(name, PHC_UNIFIED_NAME)) {
			snprintf(path, len, "%s/%s", dev_root, de->d_name);
			r = 0;
			break;
		}
	}
	closedir(d);
	return r;
}

int phc_open(struct phc *phc, const char *path, unsigned int samples,
	     char *err, size_t errlen)
{
	struct ptp_clock_caps caps;
	struct stat st;
	int fd, e;

	memset(phc, 0, sizeof(*phc));
	phc->fd = -1;
	if (!path) {
		if (phc_find_unified("/dev", "/sys/class/ptp", phc->path,
				     sizeof(phc->path))) {
			snprintf(err, errlen,
				 "no ptp_unified clock: %s does not exist and no /sys/class/ptp/ptp*/clock_name is \"%s\" (is the ptp_unified module loaded?)",
				 PHC_DEFAULT_PATH, PHC_UNIFIED_NAME);
			return -ENOENT;
		}
	} else {
		snprintf(phc->path, sizeof(phc->path), "%s", path);
	}

	/* Reading needs no write access; a read-only group can run "read". */
	fd = open(phc->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		if (e == EACCES || e == EPERM)
			snprintf(err, errlen,
				 "%s: permission denied (run as root, or give this user read access to the device)",
				 phc->path);
		else if (e == ENOENT)
			snprintf(err, errlen, "%s: no such device", phc->path);
		else
			snprintf(err, errlen, "%s: %s", phc->path, strerror(e));
		return -e;
	}
	if (fstat(fd, &st) || !S_ISCHR(st.st_mode)) {
		snprintf(err, errlen,
			 "%s is not a PTP hardware clock (not a character device)",
			 phc->path);
		close(fd);
		return -ENODEV;
	}
	memset(&caps, 0, sizeof(caps));
	if (ioctl(fd, PTP_CLOCK_GETCAPS, &caps)) {
		e = errno;
		snprintf(err, errlen,
			 "%s is not a PTP hardware clock (PTP_CLOCK_GETCAPS: %s)",
			 phc->path, strerror(e));
		close(fd);
		return -ENODEV;
	}
	phc->fd = fd;
	phc->method = caps.cross_timestamping ? SYSOFF_PRECISE : SYSOFF_EXTENDED;
	if (samples < 1)
		samples = 1;
	if (samples > SYSOFF_MAX_SAMPLES)
		samples = SYSOFF_MAX_SAMPLES;
	phc->samples = samples;
	return 0;
}

void phc_close(struct phc *phc)
{
	if (phc->fd >= 0)
		close(phc->fd);
	phc->fd = -1;
}

/* The driver lacks the operation (or the kernel the ioctl): try the next. */
static bool unsupported(int e)
{
	return e == EOPNOTSUPP || e == ENOTTY;
}

static int read_precise(struct phc *phc, struct sysoff_reading *r)
{
	struct ptp_sys_offset_precise p;

	memset(&p, 0, sizeof(p));
	if (ioctl(phc->fd, PTP_SYS_OFFSET_PRECISE, &p))
		return -errno;
	r->method = SYSOFF_PRECISE;
	r->phc_ns = pct_ns(&p.device);
	r->realtime_ns = pct_ns(&p.sys_realtime);
	r->offset_ns = r->realtime_ns - r->phc_ns;
	r->delay_ns = 0;
	r->has_monoraw = true;
	r->monoraw_ns = pct_ns(&p.sys_monoraw);
	return 0;
}

/* Keep the sample with the shortest system-time window around the PHC read. */
static void best_of(struct sysoff_reading *r, int64_t before, int64_t phc,
		    int64_t after, bool first)
{
	int64_t window = after - before;

	if (!first && window >= r->delay_ns)
		return;
	r->delay_ns = window;
	r->realtime_ns = before + window / 2;
	r->phc_ns = phc;
	r->offset_ns = r->realtime_ns - phc;
}

static int read_extended(struct phc *phc, struct sysoff_reading *r)
{
	struct ptp_sys_offset_extended x;
	unsigned int i;

	memset(&x, 0, sizeof(x));
	x.n_samples = phc->samples;
	if (ioctl(phc->fd, PTP_SYS_OFFSET_EXTENDED, &x))
		return -errno;
	r->method = SYSOFF_EXTENDED;
	r->has_monoraw = false;
	for (i = 0; i < x.n_samples; i++)
		best_of(r, pct_ns(&x.ts[i][0]), pct_ns(&x.ts[i][1]),
			pct_ns(&x.ts[i][2]), i == 0);
	return 0;
}

static int read_basic(struct phc *phc, struct sysoff_reading *r)
{
	struct ptp_sys_offset b;
	unsigned int i;

	memset(&b, 0, sizeof(b));
	b.n_samples = phc->samples;
	if (ioctl(phc->fd, PTP_SYS_OFFSET, &b))
		return -errno;
	r->method = SYSOFF_BASIC;
	r->has_monoraw = false;
	for (i = 0; i < b.n_samples; i++)
		best_of(r, pct_ns(&b.ts[2 * i]), pct_ns(&b.ts[2 * i + 1]),
			pct_ns(&b.ts[2 * i + 2]), i == 0);
	return 0;
}

int sysoff_read(struct phc *phc, struct sysoff_reading *r)
{
	int ret;

	memset(r, 0, sizeof(*r));
	for (;;) {
		switch (phc->method) {
		case SYSOFF_PRECISE:
			ret = read_precise(phc, r);
			break;
		case SYSOFF_EXTENDED:
			ret = read_extended(phc, r);
			break;
		default:
			return read_basic(phc, r);
		}
		if (ret == 0 || !unsupported(-ret))
			return ret;
		/*
		 * ptp_kvm, for one, refuses PRECISE when the host is not on a
		 * TSC clocksource: fall back for good rather than fail each poll.
		 */
		phc->method++;
	}
}

static void pair_from_gettime(struct rt_raw_pair *pair)
{
	int64_t rt1, raw, rt2;
	int i;

	for (i = 0; i < 3; i++) {
		rt1 = clock_ns(CLOCK_REALTIME);
		raw = clock_ns(CLOCK_MONOTONIC_RAW);
		rt2 = clock_ns(CLOCK_REALTIME);
		if (i && (rt2 - rt1) / 2 + 1 >= pair->uncertainty_ns)
			continue;
		pair->realtime_ns = rt1 + (rt2 - rt1) / 2;
		pair->monoraw_ns = raw;
		/* +1: the halving rounds down, and a step makes rt2 < rt1. */
		pair->uncertainty_ns = (rt2 > rt1 ? rt2 - rt1 : 0) / 2 + 1;
	}
}

int sysoff_rt_raw_pair(struct phc *phc, struct rt_raw_pair *pair)
{
	struct sysoff_reading r;
	int ret;

	if (phc && phc->fd >= 0 && phc->method == SYSOFF_PRECISE) {
		ret = read_precise(phc, &r);
		if (ret == 0) {
			pair->realtime_ns = r.realtime_ns;
			pair->monoraw_ns = r.monoraw_ns;
			pair->uncertainty_ns = 0;
			return 0;
		}
		if (!unsupported(-ret))
			return ret;
		phc->method = SYSOFF_EXTENDED;
	}
	pair_from_gettime(pair);
	return 0;
}
