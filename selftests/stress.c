// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Everything at once against one ptp_unified clock, then the module
 * unloaded and reloaded under the readers.
 *
 * Phase 1 (-t SECONDS): 4 readers (PTP_SYS_OFFSET_PRECISE and _EXTENDED in
 * turn, pinned to the CPUs in turn), 2 netlink pushers (sources stress0 and
 * stress1, class ntp, samples of CLOCK_REALTIME against CLOCK_MONOTONIC_RAW,
 * each with a bound that covers its own read window), a sysfs knob writer
 * (valid values must read back, invalid ones must fail with EINVAL and leave
 * the value it wrote last) and a toggler of sources/<name>/enabled.
 * Phase 2 (-r RELOADS): the knob writer and the toggler stop; readers and
 * pushers run on while the module is removed and loaded again RELOADS
 * times. Readers reopen the device (found by clock_name each time) and
 * pushers their netlink handle; errors are counted, never a wrong time.
 *
 * A wrong time. Every sample pushed says "UTC is CLOCK_REALTIME +/- its
 * bound" and nothing steers CLOCK_REALTIME meanwhile, so the truth the clock
 * is told is CLOCK_REALTIME (hence no kvm source, whose host time would
 * contradict it: the test refuses to run with one). Each reading gives the unified time and
 * CLOCK_REALTIME from one counter read (PRECISE; EXTENDED: the middle of its
 * window, half the window being the read uncertainty U). A reading is wrong
 * when
 *   - it is earlier than the same reader's previous reading of the same
 *     device and step_count did not change in between (no step excuses it), or
 *   - the clock was not unsynchronised (the state before any source) and
 *     |unified - CLOCK_REALTIME| > B + U + SLACK, where B is the largest
 *     bound_ns the reader saw published around it (its last two status
 *     reads before the reading and a fresh one after it), unless step_count
 *     changed meanwhile. SLACK (500 us) covers the growth of the bound
 *     between those status reads (at most 1000 ppm over them) and is
 *     printed.
 * A reading that looks wrong by the cached status is judged again with a
 * fresh status read; the device is then read once more, and if it has gone
 * meanwhile (a reload) the status may belong to the next module instance:
 * that reading is counted as unjudged, not as a violation.
 *
 * usage: stress [-t SECONDS] [-r RELOADS] [-s SEED]
 * Exit 0 when nothing was wrong and every actor did its work.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "phc_util.h"
#include "ptpu_nl.h"

#define NS_PER_SEC	1000000000LL
#define NS_PER_MS	1000000LL
#define SLACK_NS	(500 * 1000LL)
#define STATUS_MAX_AGE	(20 * NS_PER_MS)
#define N_READERS	4
#define N_PUSHERS	2
#define PUSH_BOUND_NS	(100 * 1000LL)
#define MODULE		"ptp_unified"

enum { K_PRECISE, K_EXTENDED, K_COUNT };

/* 0: run; 1: phase 2 (writers stop); 2: everyone stops */
static atomic_int phase;
static atomic_llong total_reads;
static char sysdir[128];
static pthread_mutex_t sysdir_lock = PTHREAD_MUTEX_INITIALIZER;
/*
 * Held for writing while modprobe runs, for reading by a reader opening the
 * device. posix_clock_register() (kernel/time/posix-clock.c, 6.1 to at
 * least 6.12) makes the character device openable (cdev_device_add) before
 * it sets clk->dev: an open in that window takes no device reference
 * (get_device(NULL)), and its close then drops one it never took:
 * "refcount_t: underflow; use-after-free" in posix_clock_release(), seen
 * here on 6.1 with readers reopening in a loop. That is the PTP core's race,
 * not this module's (any PHC driver has it), so opens wait for the load to
 * finish; opens during an unload and reads of stale descriptors are not
 * held back.
 */
static pthread_rwlock_t load_lock;

static long long now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts_ns(&ts);
}

static void sleep_ns(long long ns)
{
	struct timespec ts = { .tv_sec = ns / NS_PER_SEC, .tv_nsec = ns % NS_PER_SEC };

	nanosleep(&ts, NULL);
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static long long llabs_(long long v)
{
	return v < 0 ? -v : v;
}

static long long max3(long long a, long long b, long long c)
{
	long long m = a > b ? a : b;

	return m > c ? m : c;
}

/* /sys/class/ptp/ptpN/device of the current instance; 0 if found. */
static int find_sysdir(char *out, size_t len)
{
	char dev[64];

	if (phc_find("ptp_unified", dev, sizeof(dev)))
		return -1;
	snprintf(out, len, "/sys/class/ptp/%s/device", dev + 5);
	return 0;
}

static int sys_read(const char *rel, char *buf, size_t len)
{
	char path[256];
	ssize_t n;
	int fd;

	pthread_mutex_lock(&sysdir_lock);
	snprintf(path, sizeof(path), "%s/%s", sysdir, rel);
	pthread_mutex_unlock(&sysdir_lock);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

static int sys_write(const char *rel, const char *val)
{
	char path[256];
	int fd, ret = 0;

	pthread_mutex_lock(&sysdir_lock);
	snprintf(path, sizeof(path), "%s/%s", sysdir, rel);
	pthread_mutex_unlock(&sysdir_lock);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* ---- readers ---- */

struct status {
	bool valid;
	unsigned int state;
	long long bound;
	unsigned long long steps;
	long long at;		/* CLOCK_MONOTONIC of the read */
};

struct reader {
	pthread_t tid;
	int id;
	int fd;
	struct ptpu_nl *nl;
	struct status cur, prev;
	long long reads[K_COUNT], errors[K_COUNT];
	long long err_nodev, err_other, last_other_errno;
	long long opens, open_waits;
	long long backwards, dishonest, unjudged, excused;
	long long worst_off, worst_off_bound;	/* largest |off| while judged */
	long long worst_ratio_pm;		/* largest |off| / B, per mille */
	char first_violation[200];
};

static int status_read(struct reader *r, struct status *st)
{
	struct ptpu_nl_status s;
	int err;

	st->valid = false;
	if (!r->nl) {
		r->nl = ptpu_nl_open(&err);
		if (!r->nl)
			return err;
	}
	err = ptpu_nl_status_get(r->nl, &s);
	if (err) {
		ptpu_nl_close(r->nl);
		r->nl = NULL;
		return err;
	}
	st->valid = true;
	st->state = s.state;
	st->bound = s.bound_ns > (uint64_t)INT64_MAX ? INT64_MAX : (long long)s.bound_ns;
	st->steps = s.steps;
	st->at = now_ns(CLOCK_MONOTONIC);
	return 0;
}

static void reader_refresh(struct reader *r)
{
	r->prev = r->cur;
	status_read(r, &r->cur);
}

static bool reader_open(struct reader *r)
{
	char dev[64];

	pthread_rwlock_rdlock(&load_lock);
	r->fd = phc_find("ptp_unified", dev, sizeof(dev)) ? -1 : open(dev, O_RDONLY);
	pthread_rwlock_unlock(&load_lock);
	if (r->fd < 0) {
		r->open_waits++;
		return false;
	}
	r->opens++;
	/* Status only from after the open: see the header. */
	r->cur.valid = false;
	reader_refresh(r);
	r->prev = r->cur;
	return true;
}

static void reader_close(struct reader *r)
{
	close(r->fd);
	r->fd = -1;
}

/* One reading: device time, CLOCK_REALTIME and its uncertainty. */
static int read_one(int fd, int kind, long long *dev, long long *real, long long *unc)
{
	struct ptp_sys_offset_precise p;
	struct ptp_sys_offset_extended e;

	if (kind == K_PRECISE) {
		memset(&p, 0, sizeof(p));
		if (ioctl(fd, PTP_SYS_OFFSET_PRECISE, &p))
			return -errno;
		*dev = pct_ns(&p.device);
		*real = pct_ns(&p.sys_realtime);
		*unc = 0;
		return 0;
	}
	memset(&e, 0, sizeof(e));
	e.n_samples = 1;
	if (ioctl(fd, PTP_SYS_OFFSET_EXTENDED, &e))
		return -errno;
	*dev = pct_ns(&e.ts[0][1]);
	*real = (pct_ns(&e.ts[0][0]) + pct_ns(&e.ts[0][2])) / 2;
	*unc = (pct_ns(&e.ts[0][2]) - pct_ns(&e.ts[0][0]) + 1) / 2;
	return 0;
}

static void violation(struct reader *r, const char *fmt, long long a, long long b, long long c)
{
	if (r->first_violation[0])
		return;
	snprintf(r->first_violation, sizeof(r->first_violation), fmt, a, b, c);
}

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	long long last_dev = 0, dev, real, unc, off, allowed;
	unsigned long long steps_at_last = 0;
	bool have_last = false;
	cpu_set_t cpus;
	int kind = r->id & 1, ret, ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	long n = 0;

	CPU_ZERO(&cpus);
	CPU_SET(r->id % (ncpu > 0 ? ncpu : 1), &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);
	r->fd = -1;

	while (atomic_load(&phase) < 2) {
		if (r->fd < 0) {
			if (!reader_open(r)) {
				sleep_ns(NS_PER_MS);
				continue;
			}
			have_last = false;
		}
		if (!r->cur.valid || (++n & 63) == 0 ||
		    now_ns(CLOCK_MONOTONIC) - r->cur.at > STATUS_MAX_AGE)
			reader_refresh(r);
		kind ^= 1;
		ret = read_one(r->fd, kind, &dev, &real, &unc);
		if (ret) {
			r->errors[kind]++;
			if (ret == -ENODEV) {
				r->err_nodev++;
			} else {
				r->err_other++;
				r->last_other_errno = -ret;
			}
			reader_close(r);
			continue;
		}
		r->reads[kind]++;
		atomic_fetch_add(&total_reads, 1);
		off = dev - real;

		/* The reading against the status cached before it. */
		bool back = have_last && dev < last_dev;
		bool judged = r->cur.valid && r->prev.valid &&
			      r->cur.state != PTP_UNIFIED_STATE_UNSYNCED &&
			      r->prev.state != PTP_UNIFIED_STATE_UNSYNCED;
		allowed = judged ? max3(r->cur.bound, r->prev.bound, 0) + unc + SLACK_NS : 0;
		bool wrong = judged && llabs_(off) > allowed;

		if (back || wrong) {
			/* Judge again with a fresh status, if the device is still there. */
			struct status fresh;
			long long d2, r2, u2;

			status_read(r, &fresh);
			if (read_one(r->fd, K_PRECISE, &d2, &r2, &u2)) {
				r->unjudged++;
				reader_close(r);
				continue;
			}
			if (!fresh.valid) {
				r->unjudged++;
			} else if (fresh.steps != steps_at_last ||
				   fresh.steps != r->cur.steps) {
				r->excused++;
			} else if (back) {
				r->backwards++;
				violation(r, "device time went back %lld ns (steps %lld, off %lld ns)",
					  last_dev - dev, fresh.steps, off);
			} else if (fresh.state != PTP_UNIFIED_STATE_UNSYNCED &&
				   llabs_(off) > max3(r->cur.bound, r->prev.bound, fresh.bound) +
						 unc + SLACK_NS) {
				r->dishonest++;
				violation(r, "unified - CLOCK_REALTIME = %lld ns, bound %lld ns, uncertainty %lld ns",
					  off, max3(r->cur.bound, r->prev.bound, fresh.bound), unc);
			}
		}
		if (judged) {
			long long b = max3(r->cur.bound, r->prev.bound, 1);

			if (llabs_(off) > r->worst_off) {
				r->worst_off = llabs_(off);
				r->worst_off_bound = b;
			}
			if (llabs_(off) * 1000 / b > r->worst_ratio_pm)
				r->worst_ratio_pm = llabs_(off) * 1000 / b;
		}
		last_dev = dev;
		steps_at_last = r->cur.steps;
		have_last = true;
	}
	if (r->fd >= 0)
		reader_close(r);
	if (r->nl)
		ptpu_nl_close(r->nl);
	return NULL;
}

/* ---- pushers ---- */

struct pusher {
	pthread_t tid;
	int id;
	long long pushes, errors, reopens, last_errno;
};

static void *pusher_main(void *arg)
{
	struct pusher *p = arg;
	struct ptpu_nl *h = NULL;
	char name[16];
	int err;

	snprintf(name, sizeof(name), "stress%d", p->id);
	while (atomic_load(&phase) < 2) {
		struct ptpu_nl_sample s = {
			.source = name, .cls = PTP_UNIFIED_CLASS_NTP, .stratum = 2,
		};
		long long raw1, raw2, real;

		if (!h) {
			h = ptpu_nl_open(&err);
			if (!h) {
				sleep_ns(5 * NS_PER_MS);
				continue;
			}
			p->reopens++;
		}
		raw1 = now_ns(CLOCK_MONOTONIC_RAW);
		real = now_ns(CLOCK_REALTIME);
		raw2 = now_ns(CLOCK_MONOTONIC_RAW);
		s.raw_ns = raw1 + (raw2 - raw1) / 2;
		s.ref_ns = real;
		s.bound_ns = PUSH_BOUND_NS + (raw2 - raw1);
		err = ptpu_nl_sample_push(h, &s);
		if (err) {
			p->errors++;
			p->last_errno = -err;
			ptpu_nl_close(h);
			h = NULL;
		} else {
			p->pushes++;
		}
		sleep_ns(10 * NS_PER_MS);
	}
	if (h) {
		ptpu_nl_source_del(h, name);
		ptpu_nl_close(h);
	}
	return NULL;
}

/* ---- sysfs knob writer ---- */

struct knob {
	const char *name;
	unsigned long long lo, hi;	/* valid values this test writes */
	const char *bad[3];		/* out of range for the module */
	char orig[32];
	char last[32];			/* what this writer wrote last */
	bool present;
};

static struct knob knobs[] = {
	{ .name = "max_drift_ppb", .lo = 10000, .hi = 200000, .bad = { "1000001", "4294967296" } },
	{ .name = "slew_limit_ppb", .lo = 100000, .hi = 10000000, .bad = { "999", "100000001" } },
	{ .name = "hysteresis_pct", .lo = 0, .hi = 90, .bad = { "91", "4294967296" } },
	{ .name = "step_threshold_ns", .lo = 10000000, .hi = 1000000000, .bad = { "999999", "1000000000001" } },
	{ .name = "stale_limit_s", .lo = 5, .hi = 600, .bad = { "0", "86401" } },
	{ .name = "rtc_interval_s", .lo = 2, .hi = 60, .bad = { "1", "3601" } },
	{ .name = "kvm_poll_ms", .lo = 10, .hi = 1000, .bad = { "9", "60001" } },
};
static const char * const garbage[] = { "abc", "-1", "12abc", "\n", "99999999999999999999999", "0x" };

struct writer {
	pthread_t tid;
	long long valid, invalid, refused_ok, violations, errors;
	char first_violation[200];
};

static void writer_fail(struct writer *w, const char *what, const char *knob,
			const char *val, const char *got)
{
	w->violations++;
	if (!w->first_violation[0])
		snprintf(w->first_violation, sizeof(w->first_violation),
			 "%s: %s <- '%s': %s", what, knob, val, got);
}

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	uint64_t rng = 0x9e3779b97f4a7c15ULL;
	char val[32], got[32];
	size_t i;
	int ret;

	while (atomic_load(&phase) < 1) {
		struct knob *k = &knobs[xorshift(&rng) % (sizeof(knobs) / sizeof(knobs[0]))];

		if (!k->present)
			continue;
		snprintf(val, sizeof(val), "%llu",
			 k->lo + xorshift(&rng) % (k->hi - k->lo + 1));
		ret = sys_write(k->name, val);
		if (ret) {
			writer_fail(w, "valid value refused", k->name, val, strerror(-ret));
		} else {
			w->valid++;
			snprintf(k->last, sizeof(k->last), "%s", val);
			if (sys_read(k->name, got, sizeof(got)) || strcmp(got, val))
				writer_fail(w, "valid value not read back", k->name, val, got);
		}
		/* An invalid value: EINVAL, and the value written last stays. */
		i = xorshift(&rng) % 5;
		const char *bad = i < 2 && k->bad[i] ? k->bad[i] :
				  garbage[xorshift(&rng) % (sizeof(garbage) / sizeof(garbage[0]))];
		ret = sys_write(k->name, bad);
		w->invalid++;
		if (ret != -EINVAL) {
			writer_fail(w, "invalid value not refused with EINVAL", k->name, bad,
				    ret ? strerror(-ret) : "accepted");
		} else if (sys_read(k->name, got, sizeof(got)) || strcmp(got, k->last)) {
			writer_fail(w, "invalid value changed the knob", k->name, bad, got);
		} else {
			w->refused_ok++;
		}
		sleep_ns(10 * NS_PER_MS);
	}
	for (i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++)
		if (knobs[i].present && sys_write(knobs[i].name, knobs[i].orig))
			w->errors++;
	return NULL;
}

/* ---- source toggler ---- */

struct toggler {
	pthread_t tid;
	long long toggles, errors, last_errno;
	char seen[256];
};

static void *toggler_main(void *arg)
{
	struct toggler *t = arg;
	uint64_t rng = 0x2545f4914f6cdd1dULL;
	char names[16][32], rel[64], got[8];
	int n, i, ret;

	while (atomic_load(&phase) < 1) {
		char dir[200];
		DIR *d;
		struct dirent *de;

		pthread_mutex_lock(&sysdir_lock);
		snprintf(dir, sizeof(dir), "%s/sources", sysdir);
		pthread_mutex_unlock(&sysdir_lock);
		d = opendir(dir);
		n = 0;
		while (d && (de = readdir(d)) && n < 16)
			if (de->d_name[0] != '.')
				snprintf(names[n++], sizeof(names[0]), "%.31s", de->d_name);
		if (d)
			closedir(d);
		if (!n) {
			sleep_ns(50 * NS_PER_MS);
			continue;
		}
		i = xorshift(&rng) % n;
		if (!strstr(t->seen, names[i]) && strlen(t->seen) + strlen(names[i]) + 2 < sizeof(t->seen)) {
			strcat(t->seen, " ");
			strcat(t->seen, names[i]);
		}
		snprintf(rel, sizeof(rel), "sources/%s/enabled", names[i]);
		ret = sys_write(rel, "0");
		if (ret) {
			t->errors++;
			t->last_errno = -ret;
			continue;
		}
		sleep_ns(100 * NS_PER_MS);
		/* Back on; a source that was deleted meanwhile may have gone. */
		ret = sys_write(rel, "1");
		if (ret || sys_read(rel, got, sizeof(got)) || strcmp(got, "1")) {
			t->errors++;
			t->last_errno = ret ? -ret : EIO;
		} else {
			t->toggles++;
		}
		sleep_ns(50 * NS_PER_MS);
	}
	return NULL;
}

/* ---- module reloads ---- */

static int run(const char *prog, const char *arg)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		execlp(prog, prog, arg, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int unload(long long *busy)
{
	int i;

	for (i = 0; i < 200; i++) {
		if (!syscall(SYS_delete_module, MODULE, O_NONBLOCK))
			return 0;
		if (errno != EBUSY && errno != EAGAIN)
			return -errno;
		(*busy)++;
		sleep_ns(20 * NS_PER_MS);
	}
	return -EBUSY;
}

int main(int argc, char **argv)
{
	struct reader readers[N_READERS] = {};
	struct pusher pushers[N_PUSHERS] = {};
	struct writer w = {};
	struct toggler t = {};
	long long secs = 90, reloads = 100, done = 0, busy = 0, min_reads = -1, r0;
	long long sum_reads[K_COUNT] = {}, sum_errors[K_COUNT] = {}, nodev = 0, other = 0;
	long long opens = 0, back = 0, dishonest = 0, unjudged = 0, excused = 0;
	long long worst = 0, worst_bound = 0, worst_pm = 0, pushes = 0, push_err = 0;
	long long push_reopen = 0, last_other = 0, t0;
	uint64_t rng = 0x853c49e6748fea9bULL;
	int opt, i, ret, fail = 0;
	char buf[32];

	while ((opt = getopt(argc, argv, "t:r:s:")) != -1) {
		switch (opt) {
		case 't': secs = atoll(optarg); break;
		case 'r': reloads = atoll(optarg); break;
		case 's': rng = strtoull(optarg, NULL, 0) | 1; break;
		default:
			fprintf(stderr, "usage: %s [-t SECONDS] [-r RELOADS] [-s SEED]\n", argv[0]);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	{
		pthread_rwlockattr_t a;

		/* modprobe must not wait for a moment without reopening readers. */
		pthread_rwlockattr_init(&a);
		pthread_rwlockattr_setkind_np(&a, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
		pthread_rwlock_init(&load_lock, &a);
	}
	if (find_sysdir(sysdir, sizeof(sysdir))) {
		printf("no ptp_unified clock: is the module loaded?\n");
		return 1;
	}
	if (!sys_read("sources/kvm/class", buf, sizeof(buf))) {
		printf("a kvm source serves the host's time, which the samples (CLOCK_REALTIME) would contradict: run this in a guest without one (TCG)\n");
		return 1;
	}
	for (i = 0; i < (int)(sizeof(knobs) / sizeof(knobs[0])); i++) {
		knobs[i].present = !sys_read(knobs[i].name, knobs[i].orig, sizeof(knobs[i].orig));
		snprintf(knobs[i].last, sizeof(knobs[i].last), "%s", knobs[i].orig);
	}
	printf("clock %s; phase 1: %lld s of 4 readers, 2 pushers, a knob writer and a toggler; phase 2: %lld reloads under readers and pushers\n",
	       sysdir, secs, reloads);
	printf("wrong time: a reader's device time going back without a step, or |unified - CLOCK_REALTIME| > bound + read uncertainty + %lld ns while not unsynchronised\n",
	       SLACK_NS);

	t0 = now_ns(CLOCK_MONOTONIC);
	for (i = 0; i < N_READERS; i++) {
		readers[i].id = i;
		pthread_create(&readers[i].tid, NULL, reader_main, &readers[i]);
	}
	for (i = 0; i < N_PUSHERS; i++) {
		pushers[i].id = i;
		pthread_create(&pushers[i].tid, NULL, pusher_main, &pushers[i]);
	}
	pthread_create(&w.tid, NULL, writer_main, &w);
	pthread_create(&t.tid, NULL, toggler_main, &t);
	sleep_ns(secs * NS_PER_SEC);

	atomic_store(&phase, 1);
	pthread_join(w.tid, NULL);
	pthread_join(t.tid, NULL);
	printf("phase 1 done after %lld s: %lld reads so far\n",
	       (now_ns(CLOCK_MONOTONIC) - t0) / NS_PER_SEC, atomic_load(&total_reads));

	for (done = 0; done < reloads; done++) {
		r0 = atomic_load(&total_reads);
		sleep_ns((50 + xorshift(&rng) % 200) * NS_PER_MS);
		ret = unload(&busy);
		if (ret) {
			printf("reload %lld: removing the module failed: %s\n", done + 1, strerror(-ret));
			fail = 1;
			break;
		}
		r0 = atomic_load(&total_reads) - r0;
		if (min_reads < 0 || r0 < min_reads)
			min_reads = r0;
		pthread_rwlock_wrlock(&load_lock);
		ret = run("modprobe", MODULE);
		pthread_rwlock_unlock(&load_lock);
		if (ret) {
			printf("reload %lld: modprobe exited %d\n", done + 1, ret);
			fail = 1;
			break;
		}
		pthread_mutex_lock(&sysdir_lock);
		ret = find_sysdir(sysdir, sizeof(sysdir));
		pthread_mutex_unlock(&sysdir_lock);
		if (ret) {
			printf("reload %lld: no clock after modprobe\n", done + 1);
			fail = 1;
			break;
		}
	}
	/* A last stretch on the final instance, then everyone stops. */
	sleep_ns(500 * NS_PER_MS);
	atomic_store(&phase, 2);
	for (i = 0; i < N_READERS; i++)
		pthread_join(readers[i].tid, NULL);
	for (i = 0; i < N_PUSHERS; i++)
		pthread_join(pushers[i].tid, NULL);

	for (i = 0; i < N_READERS; i++) {
		struct reader *r = &readers[i];

		printf("reader %d: %lld PRECISE, %lld EXTENDED reads; errors %lld/%lld (ENODEV %lld, other %lld%s%s); opened %lld times; backwards %lld, dishonest %lld, excused by a step %lld, unjudged %lld\n",
		       i, r->reads[K_PRECISE], r->reads[K_EXTENDED], r->errors[K_PRECISE],
		       r->errors[K_EXTENDED], r->err_nodev, r->err_other,
		       r->err_other ? ", last " : "", r->err_other ? strerror(r->last_other_errno) : "",
		       r->opens, r->backwards, r->dishonest, r->excused, r->unjudged);
		if (r->first_violation[0])
			printf("reader %d: first violation: %s\n", i, r->first_violation);
		sum_reads[K_PRECISE] += r->reads[K_PRECISE];
		sum_reads[K_EXTENDED] += r->reads[K_EXTENDED];
		sum_errors[K_PRECISE] += r->errors[K_PRECISE];
		sum_errors[K_EXTENDED] += r->errors[K_EXTENDED];
		nodev += r->err_nodev;
		other += r->err_other;
		if (r->err_other)
			last_other = r->last_other_errno;
		opens += r->opens;
		back += r->backwards;
		dishonest += r->dishonest;
		unjudged += r->unjudged;
		excused += r->excused;
		if (r->worst_off > worst) {
			worst = r->worst_off;
			worst_bound = r->worst_off_bound;
		}
		if (r->worst_ratio_pm > worst_pm)
			worst_pm = r->worst_ratio_pm;
	}
	for (i = 0; i < N_PUSHERS; i++) {
		pushes += pushers[i].pushes;
		push_err += pushers[i].errors;
		push_reopen += pushers[i].reopens;
		printf("pusher %d (source stress%d): %lld samples pushed, %lld errors%s%s, %lld netlink opens\n",
		       i, i, pushers[i].pushes, pushers[i].errors,
		       pushers[i].errors ? ", last " : "",
		       pushers[i].errors ? strerror(pushers[i].last_errno) : "", pushers[i].reopens);
	}
	printf("knob writer: %lld valid writes read back, %lld invalid writes (%lld refused with EINVAL and the old value kept), %lld violations, %lld failed restores\n",
	       w.valid, w.invalid, w.refused_ok, w.violations, w.errors);
	if (w.first_violation[0])
		printf("knob writer: first violation: %s\n", w.first_violation);
	printf("toggler: %lld disable/enable toggles of sources (%s ), %lld errors\n",
	       t.toggles, t.seen, t.errors);
	printf("reloads: %lld of %lld (rmmod found the module busy %lld times); fewest reads during one module instance: %lld\n",
	       done, reloads, busy, min_reads);
	printf("reads: PRECISE %lld (errors %lld), EXTENDED %lld (errors %lld); ENODEV %lld, other errors %lld%s%s; device opened %lld times\n",
	       sum_reads[K_PRECISE], sum_errors[K_PRECISE], sum_reads[K_EXTENDED],
	       sum_errors[K_EXTENDED], nodev, other, other ? ", last " : "",
	       other ? strerror(last_other) : "", opens);
	printf("pushes: %lld samples, %lld errors, %lld netlink opens\n", pushes, push_err, push_reopen);
	printf("worst |unified - CLOCK_REALTIME| while judged: %lld ns (bound then %lld ns); largest |offset| / bound: %lld.%lld%%\n",
	       worst, worst_bound, worst_pm / 10, worst_pm % 10);
	printf("violations: %lld backwards, %lld outside the bound, %lld knob; %lld excused by a step, %lld unjudged (device gone)\n",
	       back, dishonest, w.violations, excused, unjudged);

	if (find_sysdir(sysdir, sizeof(sysdir)) || sys_read("state", buf, sizeof(buf))) {
		printf("no clock at the end\n");
		fail = 1;
	} else {
		printf("at the end: state %s\n", buf);
	}
	if (back || dishonest || w.violations || w.errors)
		fail = 1;
	if (!sum_reads[K_PRECISE] || !sum_reads[K_EXTENDED] || !pushes || !w.valid ||
	    !w.invalid || !t.toggles || done != reloads) {
		printf("an actor did no work\n");
		fail = 1;
	}
	printf("%s\n", fail ? "FAIL" : "PASS");
	return fail;
}
