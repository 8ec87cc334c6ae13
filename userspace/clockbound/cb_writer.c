// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ClockBound segment writer (see cb_writer.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clockbound/cb_writer.h"

#define CB_FILE_MODE 0644

struct cb_writer {
	struct cb_shm *seg;
};

/* A fresh segment: version and generation 0 tell readers "not yet". */
static int wipe(int fd)
{
	struct cb_shm fresh;

	memset(&fresh, 0, sizeof(fresh));
	fresh.h.magic[0] = CB_SHM_MAGIC0;
	fresh.h.magic[1] = CB_SHM_MAGIC1;
	fresh.h.segsize = CB_SHM_SEGSIZE;
	if (pwrite(fd, &fresh, sizeof(fresh), 0) != (ssize_t)sizeof(fresh))
		return errno ? -errno : -EIO;
	return ftruncate(fd, CB_SHM_SEGSIZE) ? -errno : 0;
}

/* Kept only as a whole version-2 segment of exactly our size. */
static bool reusable(int fd, const struct stat *st)
{
	struct cb_shm_header h;

	return st->st_size == CB_SHM_SEGSIZE &&
	       pread(fd, &h, sizeof(h), 0) == (ssize_t)sizeof(h) &&
	       !cb_header_check(&h) && h.segsize == CB_SHM_SEGSIZE;
}

struct cb_writer *cb_writer_open(const char *path, int *ret, char *err,
				 size_t errlen)
{
	struct cb_writer *w;
	struct stat st;
	void *p;
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, CB_FILE_MODE);
	if (fd < 0) {
		*ret = -errno;
		if (errno == ENOENT)
			snprintf(err, errlen,
				 "%s: cannot create: its directory does not exist (the phc-steer unit makes it with RuntimeDirectory=clockbound)",
				 path);
		else
			snprintf(err, errlen, "%s: cannot open for writing: %s",
				 path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		*ret = -EINVAL;
		snprintf(err, errlen, "%s: not a regular file", path);
		goto out_close;
	}
	/* The umask (the unit's is 0077) must not hide it from applications. */
	if ((st.st_mode & 07777) != CB_FILE_MODE && fchmod(fd, CB_FILE_MODE)) {
		*ret = -errno;
		snprintf(err, errlen, "%s: cannot make it readable by everyone: %s",
			 path, strerror(errno));
		goto out_close;
	}
	if (!reusable(fd, &st)) {
		*ret = wipe(fd);
		if (*ret) {
			snprintf(err, errlen, "%s: cannot write: %s", path,
				 strerror(-*ret));
			goto out_close;
		}
	}
	p = mmap(NULL, CB_SHM_SEGSIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		*ret = -errno;
		snprintf(err, errlen, "%s: cannot map: %s", path, strerror(errno));
		goto out_close;
	}
	close(fd);
	w = calloc(1, sizeof(*w));
	if (!w) {
		munmap(p, CB_SHM_SEGSIZE);
		*ret = -ENOMEM;
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	w->seg = p;
	/*
	 * The layout is defined from here on; readers still wait for a
	 * non-zero generation (a fresh segment) or go on (a kept one).
	 */
	__atomic_store_n(&w->seg->h.version, CB_SHM_VERSION, __ATOMIC_RELEASE);
	*ret = 0;
	return w;

out_close:
	close(fd);
	return NULL;
}

void cb_writer_close(struct cb_writer *w)
{
	if (!w)
		return;
	munmap(w->seg, CB_SHM_SEGSIZE);
	free(w);
}

struct cb_shm_body *cb_writer_begin(struct cb_writer *w)
{
	uint16_t g = __atomic_load_n(&w->seg->h.generation, __ATOMIC_RELAXED);

	/* Odd already: a writer died in an update; it is still one. */
	if (!(g & 1))
		g++;
	__atomic_store_n(&w->seg->h.generation, g, __ATOMIC_RELAXED);
	/* Readers that see a body change must also see the odd generation. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	return &w->seg->b;
}

void cb_writer_commit(struct cb_writer *w)
{
	uint16_t g = __atomic_load_n(&w->seg->h.generation, __ATOMIC_RELAXED) + 1;

	/* 0 means "never written": a reader could take a wipe for a write. */
	if (g == 0)
		g = 2;
	__atomic_store_n(&w->seg->h.generation, g, __ATOMIC_RELEASE);
}

void cb_writer_write(struct cb_writer *w, const struct cb_shm_body *b)
{
	struct cb_shm_body *dst = cb_writer_begin(w);

	memcpy(dst, b, sizeof(*dst));
	cb_writer_commit(w);
}

uint16_t cb_writer_generation(const struct cb_writer *w)
{
	return __atomic_load_n(&w->seg->h.generation, __ATOMIC_RELAXED);
}
