// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Read two PHCs side by side with PTP_SYS_OFFSET_PRECISE (both are
 * cross-timestamped against the same system counter) and print how far each
 * is from the guest's CLOCK_REALTIME and how far apart they are: medians, and
 * the spread of (A - B), over N paired reads.
 *
 * usage: phc_pair CLOCK_NAME_A CLOCK_NAME_B [N]
 * Exit 0 when every read succeeded, 1 otherwise.
 */
#include <errno.h>
#include <linux/ptp_clock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "phc_find.h"

static int open_named(const char *name)
{
	char path[64];
	int fd;

	if (phc_find(name, path, sizeof(path))) {
		fprintf(stderr, "phc_pair: no PHC named \"%s\"\n", name);
		return -1;
	}
	fd = open(path, O_RDONLY);
	if (fd < 0)
		fprintf(stderr, "phc_pair: %s: %s\n", path, strerror(errno));
	return fd;
}

/* Device minus system realtime, from one cross timestamp. */
static int precise_offset(int fd, long long *off)
{
	struct ptp_sys_offset_precise p;

	memset(&p, 0, sizeof(p));
	if (ioctl(fd, PTP_SYS_OFFSET_PRECISE, &p))
		return -1;
	*off = (p.device.sec - p.sys_realtime.sec) * 1000000000LL +
	       (p.device.nsec - p.sys_realtime.nsec);
	return 0;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int n = argc > 3 ? atoi(argv[3]) : 1000, i, fa, fb;
	long long *d, *da, *db;

	if (argc < 3 || n <= 0) {
		fprintf(stderr, "usage: phc_pair CLOCK_NAME_A CLOCK_NAME_B [N]\n");
		return 2;
	}
	fa = open_named(argv[1]);
	fb = open_named(argv[2]);
	d = calloc(n, sizeof(*d));
	da = calloc(n, sizeof(*da));
	db = calloc(n, sizeof(*db));
	if (fa < 0 || fb < 0 || !d || !da || !db)
		return 1;
	for (i = 0; i < n; i++) {
		long long oa, ob;

		if (precise_offset(fa, &oa) || precise_offset(fb, &ob)) {
			fprintf(stderr, "phc_pair: read %d: %s\n", i, strerror(errno));
			return 1;
		}
		d[i] = oa - ob;
		da[i] = oa;
		db[i] = ob;
	}
	qsort(d, n, sizeof(*d), cmp_ll);
	qsort(da, n, sizeof(*da), cmp_ll);
	qsort(db, n, sizeof(*db), cmp_ll);
	printf("%s - CLOCK_REALTIME: median %lld ns\n", argv[1], da[n / 2]);
	printf("%s - CLOCK_REALTIME: median %lld ns\n", argv[2], db[n / 2]);
	printf("%s - %s over %d paired reads: median %lld ns, p1 %lld ns, p99 %lld ns\n",
	       argv[1], argv[2], n, d[n / 2], d[n / 100], d[n - 1 - n / 100]);
	free(d);
	free(da);
	free(db);
	return 0;
}
