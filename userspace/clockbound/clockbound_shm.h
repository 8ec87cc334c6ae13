/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ClockBound shared memory segment, protocol version 2 (AWS
 * ClockBound's daemon and clients, releases 2.0.0 and later): its layout,
 * and a reader. One header, no library: an application that wants
 * {earliest, latest} bounds on the current time includes this file and
 * calls cb_reader_open() once and cb_now() per reading (two vDSO clock
 * reads and a lock-free copy; no system call). phc-steer writes the
 * segment (clockbound/cb_writer.h); docs/interfaces.md has the byte table.
 *
 * The layout is the reference implementation's, which differs from its
 * protocol notes in one place: the magic is two native-endian u32 words,
 * 0x414D5A4E then 0x43420200, so on a little-endian machine the file
 * starts 4E 5A 4D 41 00 02 42 43 (the notes print 41 4D 5A 4E 43 42 02 00).
 *
 * Concurrency: the writer makes the generation odd before it changes the
 * body and even after, never 0 once written (it wraps from 65535 to 2). A
 * reader copies the body between two reads of an even, unchanged
 * generation. A struct cb_reader is not thread-safe: one per thread.
 *
 * What a reading means, as the reference clients compute it: at
 * CLOCK_REALTIME time real, with CLOCK_MONOTONIC_COARSE time mono read
 * after it,
 *   bound    = bound_ns + max_drift_ppb * (mono - as_of)
 *   earliest = real - bound, latest = real + bound
 * and the status is the segment's, except that synchronized or
 * free-running becomes free-running 5 s after as_of (the writer should
 * have written again by then) and unknown after void_after. A status of
 * unknown or disrupted means: do not trust the interval.
 */
#ifndef CLOCKBOUND_SHM_H
#define CLOCKBOUND_SHM_H

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Where the reference clients look (/var/run is /run on current systems). */
#define CB_SHM_PATH		"/run/clockbound/shm0"
#define CB_SHM_MAGIC0		0x414D5A4EU
#define CB_SHM_MAGIC1		0x43420200U
#define CB_SHM_VERSION		2
#define CB_SHM_SEGSIZE		80
/* Clients reject a max drift of 1e9 ppb (100 %) or more as malformed. */
#define CB_SHM_MAX_DRIFT_PPB	999999999U
/* After as_of, a synchronized status holds this long (the writer's restart). */
#define CB_SHM_GRACE_NS		5000000000LL
/* A monotonic time this much before as_of still counts as as_of. */
#define CB_SHM_CAUSALITY_NS	1000LL

enum cb_status {
	CB_STATUS_UNKNOWN = 0,		/* do not trust the interval */
	CB_STATUS_SYNCHRONIZED = 1,	/* kept on a reference */
	CB_STATUS_FREE_RUNNING = 2,	/* holding over: the bound grows */
	CB_STATUS_DISRUPTED = 3,	/* VM paused/restored/migrated: do not trust */
};

struct cb_shm_header {
	uint32_t magic[2];
	uint32_t segsize;
	uint16_t version;
	uint16_t generation;
};

/* The body: a struct timespec as two i64, as the reference's repr(C) has it. */
struct cb_shm_body {
	int64_t as_of_sec;		/* CLOCK_MONOTONIC_COARSE of the bound */
	int64_t as_of_nsec;
	int64_t void_after_sec;		/* CLOCK_MONOTONIC_COARSE: stale after */
	int64_t void_after_nsec;
	int64_t bound_ns;		/* |CLOCK_REALTIME - UTC| at as_of */
	uint64_t disruption_marker;	/* vmclock's, when supported */
	uint32_t max_drift_ppb;		/* growth of the bound after as_of */
	int32_t status;			/* enum cb_status */
	uint8_t disruption_support;	/* 1: clients open /dev/vmclock0 */
	uint8_t padding[7];
};

struct cb_shm {
	struct cb_shm_header h;
	struct cb_shm_body b;
};

_Static_assert(sizeof(struct cb_shm_header) == 16, "header is 16 bytes");
_Static_assert(sizeof(struct cb_shm) == CB_SHM_SEGSIZE, "segment is 80 bytes");
_Static_assert(offsetof(struct cb_shm, b.bound_ns) == 48, "bound at 48");
_Static_assert(offsetof(struct cb_shm, b.max_drift_ppb) == 64, "max drift at 64");
_Static_assert(offsetof(struct cb_shm, b.disruption_support) == 72, "flag at 72");

static inline const char *cb_status_name(int status)
{
	switch (status) {
	case CB_STATUS_UNKNOWN:
		return "unknown";
	case CB_STATUS_SYNCHRONIZED:
		return "synchronized";
	case CB_STATUS_FREE_RUNNING:
		return "free-running";
	case CB_STATUS_DISRUPTED:
		return "disrupted";
	}
	return "?";
}

/*
 * The errors below, in words: -ENODATA the writer has not written it yet
 * (or is re-creating it), -EPROTO not a ClockBound segment or malformed,
 * -EPROTONOSUPPORT another protocol version, -EBUSY the writer kept it in
 * an update, -EDOM CLOCK_MONOTONIC_COARSE before the segment's as_of,
 * -EBADF a reader that is not open.
 */
static inline const char *cb_strerror(int err)
{
	switch (err) {
	case -ENODATA:
		return "the segment has not been written yet";
	case -EPROTO:
		return "not a ClockBound segment, or a malformed one";
	case -EPROTONOSUPPORT:
		return "a ClockBound protocol version other than 2";
	case -EBUSY:
		return "the segment stayed in an update";
	case -EDOM:
		return "the monotonic clock is before the segment's as_of";
	}
	return strerror(-err);
}

static inline int64_t cb_ts_ns(int64_t sec, int64_t nsec)
{
	return sec * 1000000000LL + nsec;
}

struct cb_now {
	struct timespec earliest;
	struct timespec latest;
	int64_t bound_ns;
	enum cb_status status;
};

static inline struct timespec cb_ns_ts(int64_t ns)
{
	struct timespec ts = { ns / 1000000000LL, ns % 1000000000LL };

	if (ts.tv_nsec < 0) {
		ts.tv_sec--;
		ts.tv_nsec += 1000000000LL;
	}
	return ts;
}

/*
 * The interval at CLOCK_REALTIME time real_ns, CLOCK_MONOTONIC_COARSE time
 * mono_ns (read after real), from a consistent copy of the body. The drift
 * term is rounded up. Returns 0, -EPROTO or -EDOM.
 */
static inline int cb_bound_at(const struct cb_shm_body *b, int64_t real_ns,
			      int64_t mono_ns, struct cb_now *now)
{
	int64_t as_of = cb_ts_ns(b->as_of_sec, b->as_of_nsec);
	int64_t void_after = cb_ts_ns(b->void_after_sec, b->void_after_nsec);
	int64_t age = mono_ns - as_of, grow;

	if (b->max_drift_ppb > CB_SHM_MAX_DRIFT_PPB || b->bound_ns < 0 ||
	    b->status < CB_STATUS_UNKNOWN || b->status > CB_STATUS_DISRUPTED)
		return -EPROTO;
	if (age < -CB_SHM_CAUSALITY_NS)
		return -EDOM;
	if (age < 0)
		age = 0;
	now->status = (enum cb_status)b->status;
	if (now->status == CB_STATUS_SYNCHRONIZED || now->status == CB_STATUS_FREE_RUNNING) {
		if (mono_ns >= as_of + CB_SHM_GRACE_NS)
			now->status = mono_ns < void_after ? CB_STATUS_FREE_RUNNING :
							    CB_STATUS_UNKNOWN;
	}
	grow = (int64_t)(((__int128)age * b->max_drift_ppb + 999999999) / 1000000000);
	now->bound_ns = b->bound_ns + grow;
	now->earliest = cb_ns_ts(real_ns - now->bound_ns);
	now->latest = cb_ns_ts(real_ns + now->bound_ns);
	return 0;
}

struct cb_reader {
	const struct cb_shm *seg;	/* mapped read-only */
	struct cb_shm_body snap;	/* the last consistent copy */
	uint16_t snap_gen;		/* its generation; 0: none yet */
};

/* The header of an open segment file: 0, or the errors of cb_strerror(). */
static inline int cb_header_check(const struct cb_shm_header *h)
{
	if (h->magic[0] != CB_SHM_MAGIC0 || h->magic[1] != CB_SHM_MAGIC1 ||
	    h->segsize < CB_SHM_SEGSIZE)
		return -EPROTO;
	if (h->version == 0 || h->generation == 0)
		return -ENODATA;
	if (h->version != CB_SHM_VERSION)
		return -EPROTONOSUPPORT;
	return 0;
}

/* Map the segment at path (CB_SHM_PATH). Returns 0 or a negative errno. */
static inline int cb_reader_open(struct cb_reader *r, const char *path)
{
	struct cb_shm_header h;
	struct stat st;
	void *p;
	int fd, ret;

	memset(r, 0, sizeof(*r));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || st.st_size < CB_SHM_SEGSIZE ||
	    pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h)) {
		close(fd);
		return -EPROTO;
	}
	ret = cb_header_check(&h);
	if (ret) {
		close(fd);
		return ret;
	}
	p = mmap(NULL, CB_SHM_SEGSIZE, PROT_READ, MAP_SHARED, fd, 0);
	ret = p == MAP_FAILED ? -errno : 0;
	close(fd);
	if (!ret)
		r->seg = p;
	return ret;
}

static inline void cb_reader_close(struct cb_reader *r)
{
	if (r->seg)
		munmap((void *)r->seg, CB_SHM_SEGSIZE);
	r->seg = NULL;
}

/*
 * A consistent copy of the body into *out. While the writer is in an
 * update, the previous copy is as good (its bound only grows with age);
 * without one, wait for the update to end.
 */
static inline int cb_reader_snapshot(struct cb_reader *r, struct cb_shm_body *out)
{
	const volatile struct cb_shm_body *vb = &r->seg->b;
	uint16_t g1, g2, version;
	int tries;

	if (!r->seg)
		return -EBADF;
	for (tries = 0; tries < 1000000; tries++) {
		version = __atomic_load_n(&r->seg->h.version, __ATOMIC_ACQUIRE);
		g1 = __atomic_load_n(&r->seg->h.generation, __ATOMIC_ACQUIRE);
		if (version && version != CB_SHM_VERSION)
			return -EPROTONOSUPPORT;
		/* Being re-created (0) or in an update (odd). */
		if (!version || g1 == 0 || (g1 & 1)) {
			if (r->snap_gen)
				break;
			if (!(g1 & 1))
				return -ENODATA;
			continue;
		}
		if (g1 == r->snap_gen)
			break;
		memcpy(out, (const void *)vb, sizeof(*out));
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		g2 = __atomic_load_n(&r->seg->h.generation, __ATOMIC_RELAXED);
		if (g1 == g2) {
			r->snap = *out;
			r->snap_gen = g1;
			return 0;
		}
	}
	if (!r->snap_gen)
		return -EBUSY;
	*out = r->snap;
	return 0;
}

/*
 * {earliest, latest} now and the status: the reference clients' now().
 * CLOCK_REALTIME first, the monotonic clock after: a delay between them
 * only makes the bound larger.
 */
static inline int cb_now(struct cb_reader *r, struct cb_now *now)
{
	struct timespec real, mono;
	struct cb_shm_body b;
	int ret = cb_reader_snapshot(r, &b);

	if (ret)
		return ret;
	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_MONOTONIC_COARSE, &mono);
	return cb_bound_at(&b, cb_ts_ns(real.tv_sec, real.tv_nsec),
			   cb_ts_ns(mono.tv_sec, mono.tv_nsec), now);
}

#endif /* CLOCKBOUND_SHM_H */
