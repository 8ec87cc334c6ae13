// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Read two PHCs side by side, each against CLOCK_REALTIME by the best
 * method it has (PRECISE cross timestamps where possible: then both are
 * read against the same system counter), and print how far each is from the
 * guest's CLOCK_REALTIME and how far apart they are: medians, and the spread
 * of (A - B), over N paired reads, with the read uncertainty of A - B.
 *
 * usage: phc_pair CLOCK_NAME_A CLOCK_NAME_B [N]
 * Exit 0 when every read succeeded, 1 otherwise.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "phc_util.h"

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

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int n = argc > 3 ? atoi(argv[3]) : 1000, i, fa, fb;
	enum phc_method ma = PHC_PRECISE, mb = PHC_PRECISE;
	long long *d, *da, *db, worst_u = 0;

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
		long long oa, ob, ua, ub;

		if (phc_offset(fa, &ma, &oa, &ua) || phc_offset(fb, &mb, &ob, &ub)) {
			fprintf(stderr, "phc_pair: read %d: %s\n", i, strerror(errno));
			return 1;
		}
		if (ua + ub > worst_u)
			worst_u = ua + ub;
		d[i] = oa - ob;
		da[i] = oa;
		db[i] = ob;
	}
	qsort(d, n, sizeof(*d), cmp_ll);
	qsort(da, n, sizeof(*da), cmp_ll);
	qsort(db, n, sizeof(*db), cmp_ll);
	printf("%s - CLOCK_REALTIME: median %lld ns (%s)\n", argv[1], da[n / 2],
	       phc_method_name[ma]);
	printf("%s - CLOCK_REALTIME: median %lld ns (%s)\n", argv[2], db[n / 2],
	       phc_method_name[mb]);
	printf("%s - %s over %d paired reads: median %lld ns, p1 %lld ns, p99 %lld ns, read uncertainty %lld ns\n",
	       argv[1], argv[2], n, d[n / 2], d[n / 100], d[n - 1 - n / 100], worst_u);
	free(d);
	free(da);
	free(db);
	return 0;
}
