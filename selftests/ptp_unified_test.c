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

/* One reading by exactly method @m: fails when the clock lacks it. */
static int read_by(int fd, enum phc_method m, long long *off, long long *uncert)
{
	enum phc_method got = m;

	if (phc_offset(fd, &got, off, uncert))
		return -1;
	if (got != m) {
		errno = EOPNOTSUPP;
		return -1;
	}
	return 0;
}

/* The raw counter stamp of a cross timestamp. */
static int precise_raw(int fd, long long *raw_ns)
{
	struct ptp_sys_offset_precise p;

	memset(&p, 0, sizeof(p));
	if (ioctl(fd, PTP_SYS_OFFSET_PRECISE, &p))
		return -1;
	*raw_ns = pct_ns(&p.sys_monoraw);
	return 0;
}

TEST_F(phc, offsets_agree)
{
	long long p, e, b, pu, eu, bu, raw, raw_now;
	struct timespec ts;

	ASSERT_EQ(0, precise_raw(self->fd, &raw))
		TH_LOG("PTP_SYS_OFFSET_PRECISE: %s", strerror(errno));
	ASSERT_EQ(0, clock_gettime(CLOCK_MONOTONIC_RAW, &ts));
	raw_now = ts_ns(&ts);
	/* The cross timestamp's raw stamp is a real, recent counter read. */
	EXPECT_LE(raw, raw_now);
	EXPECT_GT(raw, raw_now - NS_PER_SEC);

	ASSERT_EQ(0, read_by(self->fd, PHC_PRECISE, &p, &pu))
		TH_LOG("PTP_SYS_OFFSET_PRECISE: %s", strerror(errno));
	ASSERT_EQ(0, read_by(self->fd, PHC_EXTENDED, &e, &eu))
		TH_LOG("PTP_SYS_OFFSET_EXTENDED: %s", strerror(errno));
	ASSERT_EQ(0, read_by(self->fd, PHC_BASIC, &b, &bu))
		TH_LOG("PTP_SYS_OFFSET: %s", strerror(errno));

	TH_LOG("offset precise %lld ns, extended %lld ns (+/- %lld), basic %lld ns (+/- %lld)",
	       p, e, eu, b, bu);
	/* Extended takes both stamps from the one counter read it uses. */
	EXPECT_EQ(0, eu);
	EXPECT_GE(AGREE_SLACK_NS, llabs(p - e));
	EXPECT_GE(bu + AGREE_SLACK_NS, llabs(p - b));
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

		if (i % 4 == 3) {
			/* Mix in the cross-timestamp path. */
			long long raw;

			if (precise_raw(a->fd, &raw)) {
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
