// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The unified clock as a PHC: found by name, its capabilities, the three
 * PTP_SYS_OFFSET flavours agreeing, monotonic device time across CPUs, and
 * every write path refused.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/ptp_clock.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/timex.h>

#include "kselftest_harness.h"
#include "phc_util.h"

#define NS_PER_SEC 1000000000LL
/*
 * How far two readings of the same clock offset may disagree beyond their
 * own read windows: TCG guests see scheduling jitter of this order.
 */
#define AGREE_SLACK_NS 200000LL

FIXTURE(phc) {
	int fd;
	char path[64];
};

FIXTURE_SETUP(phc)
{
	ASSERT_EQ(0, phc_find("ptp_unified", self->path, sizeof(self->path)))
		TH_LOG("no /sys/class/ptp/*/clock_name is ptp_unified");
	self->fd = open(self->path, O_RDWR);
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", self->path, strerror(errno));
}

FIXTURE_TEARDOWN(phc)
{
	close(self->fd);
}

TEST_F(phc, caps)
{
	struct ptp_clock_caps caps;

	memset(&caps, 0xa5, sizeof(caps));
	ASSERT_EQ(0, ioctl(self->fd, PTP_CLOCK_GETCAPS, &caps));
	/* A reference clock: no adjustment, no pins, no alarms, no PPS. */
	EXPECT_EQ(0, caps.max_adj);
	EXPECT_EQ(0, caps.n_alarm);
	EXPECT_EQ(0, caps.n_ext_ts);
	EXPECT_EQ(0, caps.n_per_out);
	EXPECT_EQ(0, caps.pps);
	EXPECT_EQ(0, caps.n_pins);
	EXPECT_EQ(1, caps.cross_timestamping);
}

/* Offsets (device - system) from each method, with the read window. */
struct reading {
	long long offset;
	long long window;
};

static int read_precise(int fd, struct reading *r, long long *raw_ns)
{
	struct ptp_sys_offset_precise p;

	memset(&p, 0, sizeof(p));
	if (ioctl(fd, PTP_SYS_OFFSET_PRECISE, &p))
		return -1;
	r->offset = (p.device.sec * NS_PER_SEC + p.device.nsec) -
		    (p.sys_realtime.sec * NS_PER_SEC + p.sys_realtime.nsec);
	r->window = 0;
	*raw_ns = p.sys_monoraw.sec * NS_PER_SEC + p.sys_monoraw.nsec;
	return 0;
}

static int read_extended(int fd, struct reading *r)
{
	struct ptp_sys_offset_extended e;
	unsigned int i;

	memset(&e, 0, sizeof(e));
	e.n_samples = 5;
	if (ioctl(fd, PTP_SYS_OFFSET_EXTENDED, &e))
		return -1;
	r->window = -1;
	for (i = 0; i < e.n_samples; i++) {
		long long pre = pct_ns(&e.ts[i][0]), dev = pct_ns(&e.ts[i][1]);
		long long post = pct_ns(&e.ts[i][2]);

		if (r->window < 0 || post - pre < r->window) {
			r->window = post - pre;
			r->offset = dev - (pre + (post - pre) / 2);
		}
	}
	return 0;
}

static int read_basic(int fd, struct reading *r)
{
	struct ptp_sys_offset b;
	unsigned int i;

	memset(&b, 0, sizeof(b));
	b.n_samples = 5;
	if (ioctl(fd, PTP_SYS_OFFSET, &b))
		return -1;
	r->window = -1;
	for (i = 0; i < b.n_samples; i++) {
		long long pre = pct_ns(&b.ts[2 * i]), dev = pct_ns(&b.ts[2 * i + 1]);
		long long post = pct_ns(&b.ts[2 * i + 2]);

		if (r->window < 0 || post - pre < r->window) {
			r->window = post - pre;
			r->offset = dev - (pre + (post - pre) / 2);
		}
	}
	return 0;
}

TEST_F(phc, offsets_agree)
{
	struct reading p, e, b;
	long long raw, raw_now;
	struct timespec ts;

	ASSERT_EQ(0, read_precise(self->fd, &p, &raw))
		TH_LOG("PTP_SYS_OFFSET_PRECISE: %s", strerror(errno));
	ASSERT_EQ(0, clock_gettime(CLOCK_MONOTONIC_RAW, &ts));
	raw_now = ts_ns(&ts);
	/* The cross timestamp's raw stamp is a real, recent counter read. */
	EXPECT_LE(raw, raw_now);
	EXPECT_GT(raw, raw_now - NS_PER_SEC);

	ASSERT_EQ(0, read_extended(self->fd, &e))
		TH_LOG("PTP_SYS_OFFSET_EXTENDED: %s", strerror(errno));
	ASSERT_EQ(0, read_basic(self->fd, &b))
		TH_LOG("PTP_SYS_OFFSET: %s", strerror(errno));

	TH_LOG("offset precise %lld ns, extended %lld ns (window %lld), basic %lld ns (window %lld)",
	       p.offset, e.offset, e.window, b.offset, b.window);
	/* Extended takes both stamps from the one counter read it uses. */
	EXPECT_EQ(0, e.window);
	EXPECT_GE(AGREE_SLACK_NS, llabs(p.offset - e.offset));
	EXPECT_GE(b.window / 2 + AGREE_SLACK_NS, llabs(p.offset - b.offset));
}

TEST_F(phc, refuses_writes)
{
	struct timespec ts = { .tv_sec = 1000000000 };
	clockid_t clk = FD_TO_CLOCKID(self->fd);
	struct timex tx;

	errno = 0;
	EXPECT_EQ(-1, clock_settime(clk, &ts));
	EXPECT_EQ(EOPNOTSUPP, errno);

	memset(&tx, 0, sizeof(tx));
	tx.modes = ADJ_SETOFFSET | ADJ_NANO;
	tx.time.tv_sec = 1;
	errno = 0;
	EXPECT_EQ(-1, clock_adjtime(clk, &tx));
	EXPECT_EQ(EOPNOTSUPP, errno);

	memset(&tx, 0, sizeof(tx));
	tx.modes = ADJ_FREQUENCY;
	tx.freq = 0;
	errno = 0;
	EXPECT_EQ(-1, clock_adjtime(clk, &tx));
	EXPECT_EQ(EOPNOTSUPP, errno);

	errno = 0;
	EXPECT_EQ(-1, ioctl(self->fd, PTP_ENABLE_PPS, 1));
	EXPECT_EQ(EOPNOTSUPP, errno);
}

#define MONO_READS 50000

struct mono_arg {
	int fd;
	int cpu;
	_Atomic long long *latest;
	long long backwards;
	long long worst;
	int errors;
};

/*
 * Each read must not be older than any read that finished before it began,
 * on either CPU: @latest holds the newest device time any thread has seen.
 */
static void *mono_thread(void *p)
{
	struct mono_arg *a = p;
	clockid_t clk = FD_TO_CLOCKID(a->fd);
	cpu_set_t set;
	int i;

	CPU_ZERO(&set);
	CPU_SET(a->cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
	for (i = 0; i < MONO_READS; i++) {
		long long before = atomic_load(a->latest), t, seen;
		struct timespec ts;
		struct reading r;

		if (i % 4 == 3) {
			/* Mix in the cross-timestamp path: it must agree. */
			long long raw;

			if (read_precise(a->fd, &r, &raw)) {
				a->errors++;
				continue;
			}
			if (clock_gettime(clk, &ts)) {
				a->errors++;
				continue;
			}
		} else if (clock_gettime(clk, &ts)) {
			a->errors++;
			continue;
		}
		t = ts_ns(&ts);
		if (t < before) {
			a->backwards++;
			if (before - t > a->worst)
				a->worst = before - t;
		}
		seen = atomic_load(a->latest);
		while (t > seen && !atomic_compare_exchange_weak(a->latest, &seen, t))
			;
	}
	return NULL;
}

TEST_F(phc, monotonic_two_cpus)
{
	_Atomic long long latest = 0;
	struct mono_arg a[2];
	pthread_t th[2];
	int i, ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	if (ncpu < 2)
		SKIP(return, "needs 2 CPUs, have %d", ncpu);
	for (i = 0; i < 2; i++) {
		a[i] = (struct mono_arg){ .fd = self->fd, .cpu = i, .latest = &latest };
		ASSERT_EQ(0, pthread_create(&th[i], NULL, mono_thread, &a[i]));
	}
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	TH_LOG("%d reads on 2 CPUs: %lld backwards (worst %lld ns), %d errors",
	       2 * MONO_READS, a[0].backwards + a[1].backwards,
	       a[0].worst > a[1].worst ? a[0].worst : a[1].worst,
	       a[0].errors + a[1].errors);
	EXPECT_EQ(0, a[0].errors + a[1].errors);
	EXPECT_EQ(0, a[0].backwards + a[1].backwards);
}

TEST_HARNESS_MAIN
