// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ClockBound segment: the writer's bytes against a golden copy (every
 * field at its offset, the magic as the reference clients compare it), the
 * generation protocol (odd while writing, even after, 65535 wrapping to 2),
 * a restart that keeps the segment, a bad file wiped, the file's mode under
 * a strict umask, the writer's errors; and the reader: what it refuses
 * (the protocol notes' byte order of the magic among them), consistent
 * copies, and the interval and status at given clock readings.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clockbound/cb_writer.h"
#include "clockbound/clockbound_shm.h"
#include "tap.h"

static char dir[] = "/tmp/phc-steer-test-clockbound-XXXXXX";
static char path[128];

#define S_NS 1000000000LL

/* Every field a distinct value, so that a field out of place shows. */
static const struct cb_shm_body sample = {
	.as_of_sec = 1234,
	.as_of_nsec = 567890123,
	.void_after_sec = 1239,
	.void_after_nsec = 567890123,
	.bound_ns = 40123,
	.disruption_marker = 0x1122334455667788ULL,
	.max_drift_ppb = 50007,
	.status = CB_STATUS_SYNCHRONIZED,
	.disruption_support = 1,
};

/* The file after the first write of sample on x86 (little-endian). */
static const unsigned char golden[CB_SHM_SEGSIZE] = {
	0x4e, 0x5a, 0x4d, 0x41, 0x00, 0x02, 0x42, 0x43,	/* magic */
	0x50, 0x00, 0x00, 0x00, 0x02, 0x00, 0x02, 0x00,	/* 80, version 2, generation 2 */
	0xd2, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,	/* as_of 1234 s */
	0xcb, 0x50, 0xd9, 0x21, 0x00, 0x00, 0x00, 0x00,	/* 567890123 ns */
	0xd7, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,	/* void_after 1239 s */
	0xcb, 0x50, 0xd9, 0x21, 0x00, 0x00, 0x00, 0x00,	/* 567890123 ns */
	0xbb, 0x9c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,	/* bound 40123 ns */
	0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,	/* disruption marker */
	0x57, 0xc3, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,	/* 50007 ppb, status 1 */
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,	/* support flag, padding */
};

static void file_bytes(unsigned char *buf, size_t len, ssize_t *got)
{
	int fd = open(path, O_RDONLY);

	*got = fd < 0 ? -1 : pread(fd, buf, len, 0);
	if (fd >= 0)
		close(fd);
}

static uint16_t file_generation(void)
{
	unsigned char b[16];
	ssize_t got;

	file_bytes(b, sizeof(b), &got);
	return got == 16 ? (uint16_t)(b[14] | b[15] << 8) : 0xdead;
}

static void put_bytes(off_t at, const void *bytes, size_t len)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || pwrite(fd, bytes, len, at) != (ssize_t)len)
		diag("cannot write %s", path);
	if (fd >= 0)
		close(fd);
}

static struct cb_writer *open_writer(void)
{
	char err[512];
	int ret;
	struct cb_writer *w = cb_writer_open(path, &ret, err, sizeof(err));

	if (!w)
		diag("cb_writer_open: %s", err);
	return w;
}

static void golden_bytes(void)
{
	unsigned char buf[CB_SHM_SEGSIZE + 8];
	struct cb_writer *w;
	struct stat st;
	ssize_t got;
	mode_t old = umask(077);
	int i, bad = -1;

	unlink(path);
	w = open_writer();
	umask(old);
	if (!ok(w, "a new segment is created"))
		return;
	if (stat(path, &st))
		st.st_mode = 0;
	is_int(st.st_mode & 07777, 0644, "mode 0644 under umask 077");
	file_bytes(buf, sizeof(buf), &got);
	is_int(got, CB_SHM_SEGSIZE, "the file is %d bytes", CB_SHM_SEGSIZE);
	ok(got >= 16 && !memcmp(buf, golden, 12) && buf[12] == 2 && buf[13] == 0 &&
	   buf[14] == 0 && buf[15] == 0,
	   "before the first write: magic, size and version 2, generation 0");
	cb_writer_write(w, &sample);
	file_bytes(buf, sizeof(buf), &got);
	for (i = 0; i < CB_SHM_SEGSIZE && got == CB_SHM_SEGSIZE; i++) {
		if (buf[i] != golden[i]) {
			bad = i;
			break;
		}
	}
	if (!ok(got == CB_SHM_SEGSIZE && bad < 0, "the written segment is the golden bytes")) {
		for (i = 0; i < CB_SHM_SEGSIZE; i += 8)
			diag("  %2d: %02x %02x %02x %02x %02x %02x %02x %02x  want %02x %02x %02x %02x %02x %02x %02x %02x",
			     i, buf[i], buf[i + 1], buf[i + 2], buf[i + 3], buf[i + 4],
			     buf[i + 5], buf[i + 6], buf[i + 7], golden[i], golden[i + 1],
			     golden[i + 2], golden[i + 3], golden[i + 4], golden[i + 5],
			     golden[i + 6], golden[i + 7]);
	}
	is_int(memcmp(buf, "\x4e\x5a\x4d\x41\x00\x02\x42\x43", 8), 0,
	       "the magic's bytes are 4E 5A 4D 41 00 02 42 43");
	cb_writer_close(w);
}

static void generations(void)
{
	struct cb_shm_body *body, got;
	struct cb_reader fresh, seen;
	struct cb_writer *w = open_writer();
	uint16_t wrap = 65534;

	if (!ok(w, "the segment is kept on reopening"))
		return;
	is_int(file_generation(), 2, "a reopened segment keeps its generation");
	ok(!cb_reader_open(&seen, path) && !cb_reader_snapshot(&seen, &got),
	   "a reader takes a first copy");
	body = cb_writer_begin(w);
	is_int(file_generation(), 3, "odd while writing");
	body->bound_ns = 99999;
	ok(!cb_reader_open(&fresh, path), "a reader opens during the update");
	is_int(cb_reader_snapshot(&fresh, &got), -EBUSY,
	       "a reader without a copy gets no torn one");
	ok(!cb_reader_snapshot(&seen, &got) && got.bound_ns == sample.bound_ns,
	   "a reader with a copy keeps it during the update");
	cb_writer_commit(w);
	is_int(file_generation(), 4, "even once written");
	ok(!cb_reader_snapshot(&fresh, &got) && got.bound_ns == 99999,
	   "then the reader gets the new body");
	ok(!cb_reader_snapshot(&seen, &got) && got.bound_ns == 99999,
	   "so does the one that had a copy");
	cb_writer_close(w);

	put_bytes(14, &wrap, 2);
	w = open_writer();
	if (!ok(w, "reopened at generation 65534"))
		goto out;
	cb_writer_begin(w);
	is_int(file_generation(), 65535, "65535 while writing");
	cb_writer_commit(w);
	is_int(file_generation(), 2, "then 2, never 0");
	ok(!cb_reader_snapshot(&seen, &got), "a reader follows the wrap");
	/* A writer that died in an update left an odd generation. */
	wrap = 7;
	put_bytes(14, &wrap, 2);
	cb_writer_write(w, &sample);
	is_int(file_generation(), 8, "an update left odd is finished, not restarted");
	cb_writer_close(w);
out:
	cb_reader_close(&fresh);
	cb_reader_close(&seen);
}

static void wiped(void)
{
	static const unsigned char notes_magic[8] = { 0x41, 0x4d, 0x5a, 0x4e, 0x43, 0x42, 0x02, 0x00 };
	struct cb_reader r;
	struct cb_writer *w;
	uint16_t v = 1;

	/* The protocol notes' byte string: what a reader of the notes writes. */
	put_bytes(0, notes_magic, 8);
	is_int(cb_reader_open(&r, path), -EPROTO,
	       "the reader refuses the magic in the notes' byte order");
	w = open_writer();
	ok(w && file_generation() == 0, "the writer wipes it (generation 0 until written)");
	is_int(cb_reader_open(&r, path), -ENODATA, "a reader waits for the first write");
	cb_writer_write(w, &sample);
	is_int(cb_reader_open(&r, path), 0, "then opens it");
	cb_reader_close(&r);
	put_bytes(12, &v, 2);
	is_int(cb_reader_open(&r, path), -EPROTONOSUPPORT, "the reader refuses version 1");
	cb_writer_close(w);
	w = open_writer();
	cb_writer_write(w, &sample);
	is_int(cb_reader_open(&r, path), 0, "a version-1 file is rewritten as version 2");
	cb_reader_close(&r);
	cb_writer_close(w);
	if (truncate(path, 200))
		diag("truncate: %s", strerror(errno));
	w = open_writer();
	ok(w && file_generation() == 0, "a file of another size is wiped");
	cb_writer_close(w);
	{
		struct stat st;

		ok(!stat(path, &st) && st.st_size == CB_SHM_SEGSIZE, "and cut to %d bytes",
		   CB_SHM_SEGSIZE);
	}
}

static void writer_errors(void)
{
	char p[256], err[512];
	struct cb_writer *w;
	int ret;

	snprintf(p, sizeof(p), "%s/missing/shm0", dir);
	w = cb_writer_open(p, &ret, err, sizeof(err));
	ok(!w && ret == -ENOENT && strstr(err, "its directory does not exist"),
	   "a missing directory: %s", err);
	snprintf(p, sizeof(p), "%s/link", dir);
	if (symlink(path, p))
		diag("symlink: %s", strerror(errno));
	w = cb_writer_open(p, &ret, err, sizeof(err));
	ok(!w && ret == -ELOOP, "a symlink is not followed: %s", err);
	unlink(p);
	w = cb_writer_open(dir, &ret, err, sizeof(err));
	ok(!w && ret == -EISDIR, "a directory: %s", err);
}

static struct cb_shm_body body_at(int64_t as_of_ns, int64_t void_ns, int status)
{
	struct cb_shm_body b = {
		.as_of_sec = as_of_ns / S_NS, .as_of_nsec = as_of_ns % S_NS,
		.void_after_sec = void_ns / S_NS, .void_after_nsec = void_ns % S_NS,
		.bound_ns = 1000, .max_drift_ppb = 50000, .status = status,
	};

	return b;
}

static int64_t ns(struct timespec ts)
{
	return cb_ts_ns(ts.tv_sec, ts.tv_nsec);
}

static void intervals(void)
{
	int64_t t0 = 100 * S_NS, real = 1700000000LL * S_NS;
	struct cb_shm_body b = body_at(t0, t0 + 10 * S_NS, CB_STATUS_SYNCHRONIZED);
	struct cb_now n;

	is_int(cb_bound_at(&b, real, t0 + 2 * S_NS, &n), 0, "an interval 2 s after as_of");
	is_int(n.bound_ns, 1000 + 100000, "bound + 50000 ppb x 2 s");
	is_int(ns(n.earliest), real - 101000, "earliest = real - bound");
	is_int(ns(n.latest), real + 101000, "latest = real + bound");
	is_int(n.status, CB_STATUS_SYNCHRONIZED, "synchronized within the grace");
	cb_bound_at(&b, real, t0 + 1, &n);
	is_int(n.bound_ns, 1001, "the drift is rounded up (1 ns at 50 ppm is 0.00005 ns)");
	cb_bound_at(&b, real, t0 + 5 * S_NS, &n);
	is_int(n.status, CB_STATUS_FREE_RUNNING, "free-running 5 s after as_of");
	cb_bound_at(&b, real, t0 + 10 * S_NS, &n);
	is_int(n.status, CB_STATUS_UNKNOWN, "unknown from void_after on");
	b = body_at(t0, t0 + 3 * S_NS, CB_STATUS_SYNCHRONIZED);
	cb_bound_at(&b, real, t0 + 4 * S_NS, &n);
	is_int(n.status, CB_STATUS_SYNCHRONIZED,
	       "a void_after inside the grace counts only after it (as the clients)");
	cb_bound_at(&b, real, t0 + 5 * S_NS, &n);
	is_int(n.status, CB_STATUS_UNKNOWN, "and then it is unknown at once");
	b = body_at(t0, t0 + 10 * S_NS, CB_STATUS_FREE_RUNNING);
	cb_bound_at(&b, real, t0 + S_NS, &n);
	is_int(n.status, CB_STATUS_FREE_RUNNING, "free-running stays free-running");
	b = body_at(t0, t0 + 10 * S_NS, CB_STATUS_DISRUPTED);
	cb_bound_at(&b, real, t0 + 20 * S_NS, &n);
	is_int(n.status, CB_STATUS_DISRUPTED, "disrupted stays disrupted");
	b = body_at(t0, t0 + 10 * S_NS, CB_STATUS_SYNCHRONIZED);
	is_int(cb_bound_at(&b, real, t0 - 999, &n), 0, "a coarse clock 999 ns early is as_of");
	is_int(n.bound_ns, 1000, "with no growth");
	is_int(cb_bound_at(&b, real, t0 - 1001, &n), -EDOM, "1001 ns early is a causality breach");
	b.max_drift_ppb = 1000000000;
	is_int(cb_bound_at(&b, real, t0, &n), -EPROTO, "a max drift of 1e9 ppb is malformed");
	b = body_at(t0, t0 + 10 * S_NS, 4);
	is_int(cb_bound_at(&b, real, t0, &n), -EPROTO, "status 4 is malformed");
}

/* A live reading brackets CLOCK_REALTIME read around it. */
static void live(void)
{
	struct cb_writer *w = open_writer();
	struct timespec mono, r0, r1;
	struct cb_shm_body b = sample;
	struct cb_reader r;
	struct cb_now n;

	if (!w)
		return;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &mono);
	b.as_of_sec = mono.tv_sec;
	b.as_of_nsec = mono.tv_nsec;
	b.void_after_sec = mono.tv_sec + 5;
	b.void_after_nsec = mono.tv_nsec;
	b.disruption_support = 0;
	cb_writer_write(w, &b);
	ok(!cb_reader_open(&r, path), "cb_reader_open");
	clock_gettime(CLOCK_REALTIME, &r0);
	is_int(cb_now(&r, &n), 0, "cb_now");
	clock_gettime(CLOCK_REALTIME, &r1);
	ok(ns(n.earliest) <= ns(r1) - 40123 && ns(n.latest) >= ns(r0) + 40123 &&
	   n.status == CB_STATUS_SYNCHRONIZED,
	   "cb_now: [earliest, latest] is CLOCK_REALTIME +/- the bound, synchronized (bound %lld)",
	   (long long)n.bound_ns);
	cb_reader_close(&r);
	cb_writer_close(w);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/shm0", dir);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	golden_bytes();
#else
	tap_ok(true, "# SKIP the golden bytes are little-endian");
#endif
	generations();
	wiped();
	writer_errors();
	intervals();
	live();
	unlink(path);
	rmdir(dir);
	return tap_done();
}
