// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ptp_unified generic netlink family and the sysfs knobs, through the
 * userspace library (userspace/lib/ptpu_nl.h): every command and every knob,
 * each with invalid input (unknown source, out-of-range and wrong-type
 * attributes, missing attributes, oversized strings, a writer without
 * CAP_SYS_TIME, garbage in every sysfs knob): the right errno, an extended
 * ACK that names the attribute, and the state read back unchanged. Then
 * the arbiter through pushed samples: an NTP source selected when best, a
 * falseticker among three, and the events of a selection change, a lost
 * source and a disruption (with its latency).
 *
 * Samples follow a "truth" line fixed at setup: the unified clock's time if
 * it follows the kvm source then (the host's clock), else CLOCK_REALTIME,
 * both against CLOCK_MONOTONIC_RAW from one PTP_SYS_OFFSET_PRECISE read.
 * Every test puts back the knobs it found and removes its "t-" sources.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/capability.h>
#include <linux/genetlink.h>
#include <linux/ptp_clock.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "phc_util.h"
#include "ptpu_nl.h"

#define NS_PER_SEC	1000000000LL
#define NS_PER_MS	1000000LL
#define BOUND_1MS	NS_PER_MS

FIXTURE(nl) {
	struct ptpu_nl *h;
	char sys[96];
	int phc;
	struct ptpu_nl_config saved;
	bool kvm;		/* a kvm source exists */
	bool rtc;		/* an rtc source exists */
	long long truth_raw0;
	long long truth_ref0;
	const char *truth_name;
};

static long long raw_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return ts_ns(&ts);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * NS_PER_MS };

	nanosleep(&ts, NULL);
}

/* Read a sysfs file (relative to the device directory) without the newline. */
static int sys_read(FIXTURE_DATA(nl) *self, const char *rel, char *buf, size_t len)
{
	char path[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", self->sys, rel);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static long long sys_ll(FIXTURE_DATA(nl) *self, const char *rel)
{
	char buf[64] = "";

	if (sys_read(self, rel, buf, sizeof(buf)))
		return -999999;
	return atoll(buf);
}

/* One write(2) of @val; 0 or -errno. */
static int sys_write(FIXTURE_DATA(nl) *self, const char *rel, const char *val)
{
	char path[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", self->sys, rel);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	n = n < 0 ? -errno : 0;
	close(fd);
	return n;
}

static bool sys_exists(FIXTURE_DATA(nl) *self, const char *rel)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", self->sys, rel);
	return !stat(path, &st);
}

/*
 * A request that must fail with -@err. The extended ACK must carry a
 * message (unless @msg is false: refusals by the genetlink core's command
 * lookup have none) and name the refused attribute (@attr) or the missing
 * one (@missing) when those are >= 0.
 */
static void expect_fail(struct __test_metadata *_metadata, struct ptpu_nl *h,
			const char *what, int ret, int err, int attr, int missing,
			bool msg)
{
	TH_LOG("%-46s -> %s; extack \"%s\" attr %d missing %d", what,
	       ret ? strerror(-ret) : "success", ptpu_nl_ext_ack(h),
	       ptpu_nl_ext_ack_attr(h), ptpu_nl_ext_ack_missing(h));
	EXPECT_EQ(-err, ret);
	if (msg)
		EXPECT_NE(0, ptpu_nl_ext_ack(h)[0]);
	if (attr >= 0)
		EXPECT_EQ(attr, ptpu_nl_ext_ack_attr(h));
	if (missing >= 0)
		EXPECT_EQ(missing, ptpu_nl_ext_ack_missing(h));
}

#define FAIL_ATTR(what, call, err, attr) \
	expect_fail(_metadata, self->h, what, (call), err, attr, -1, true)
#define FAIL_MISSING(what, call, err, missing) \
	expect_fail(_metadata, self->h, what, (call), err, -1, missing, true)
#define FAIL_MSG(what, call, err) \
	expect_fail(_metadata, self->h, what, (call), err, -1, -1, true)

/* The truth line: see the comment at the top. */
static void truth_init(struct __test_metadata *_metadata, FIXTURE_DATA(nl) *self)
{
	struct ptp_sys_offset_precise p;
	struct ptpu_nl_status st;

	memset(&p, 0, sizeof(p));
	ASSERT_EQ(0, ioctl(self->phc, PTP_SYS_OFFSET_PRECISE, &p));
	ASSERT_EQ(0, ptpu_nl_status_get(self->h, &st));
	self->truth_raw0 = pct_ns(&p.sys_monoraw);
	if (!strcmp(st.selected, "kvm")) {
		self->truth_ref0 = pct_ns(&p.device);
		self->truth_name = "the host's clock (via the kvm source)";
	} else {
		self->truth_ref0 = pct_ns(&p.sys_realtime);
		self->truth_name = "CLOCK_REALTIME";
	}
}

static void truth_read(FIXTURE_DATA(nl) *self, long long *raw, long long *ref)
{
	*raw = raw_now();
	*ref = self->truth_ref0 + (*raw - self->truth_raw0);
}

/* Push one sample of @name that is @off_ns off the truth. */
static int push(FIXTURE_DATA(nl) *self, const char *name, long long off_ns)
{
	struct ptpu_nl_sample s = {
		.source = name,
		.bound_ns = BOUND_1MS,
		.cls = PTP_UNIFIED_CLASS_NTP,
		.stratum = 2,
	};
	long long raw, ref;

	truth_read(self, &raw, &ref);
	s.raw_ns = raw;
	s.ref_ns = ref + off_ns;
	return ptpu_nl_sample_push(self->h, &s);
}

static int source_of(FIXTURE_DATA(nl) *self, const char *name, struct ptpu_nl_source *s)
{
	return ptpu_nl_source_get(self->h, name, s);
}

static void config_source(struct ptpu_nl_config *c, const char *name, unsigned int set,
			  bool enabled, uint32_t prio, bool prefer)
{
	struct ptpu_nl_source_cfg *sc = &c->sources[c->n_sources++];

	snprintf(sc->name, sizeof(sc->name), "%s", name);
	sc->set = set;
	sc->enabled = enabled;
	sc->priority = prio;
	sc->prefer = prefer;
}

/* Built-in sources out of the vote: only the pushed ones count. */
static int disable_builtins(FIXTURE_DATA(nl) *self, bool keep_uncalibrated_rtc)
{
	struct ptpu_nl_config c = {};
	struct ptpu_nl_source s;

	if (self->kvm)
		config_source(&c, "kvm", PTPU_NL_SRC_ENABLED, false, 0, false);
	if (self->rtc && !(keep_uncalibrated_rtc && !source_of(self, "rtc", &s) &&
			   !s.calibrated))
		config_source(&c, "rtc", PTPU_NL_SRC_ENABLED, false, 0, false);
	return c.n_sources ? ptpu_nl_config_set(self->h, &c) : 0;
}

/* Remove the sources the tests made (listed first: not during the dump). */
static void del_test_sources(struct ptpu_nl *h)
{
	struct ptpu_nl_source all[PTPU_NL_MAX_SOURCES];
	int n, i;

	n = ptpu_nl_source_list(h, all, PTPU_NL_MAX_SOURCES);
	for (i = 0; i < n && i < PTPU_NL_MAX_SOURCES; i++)
		if (!strncmp(all[i].name, "t-", 2))
			ptpu_nl_source_del(h, all[i].name);
}

FIXTURE_SETUP(nl)
{
	char dev[64];
	int err = 0;

	ASSERT_EQ(0, phc_find("ptp_unified", dev, sizeof(dev)))
		TH_LOG("no /sys/class/ptp/*/clock_name is ptp_unified");
	snprintf(self->sys, sizeof(self->sys), "/sys/class/ptp/%s/device", dev + 5);
	self->phc = open(dev, O_RDONLY);
	ASSERT_LE(0, self->phc);
	self->h = ptpu_nl_open(&err);
	ASSERT_NE(NULL, self->h) TH_LOG("ptpu_nl_open: %s", strerror(-err));
	ASSERT_EQ(0, ptpu_nl_config_get(self->h, &self->saved));
	self->kvm = sys_exists(self, "sources/kvm");
	self->rtc = sys_exists(self, "sources/rtc");
	truth_init(_metadata, self);
}

FIXTURE_TEARDOWN(nl)
{
	if (!self->h)
		return;
	del_test_sources(self->h);
	/* Only the sources that were there before have knobs to restore. */
	EXPECT_EQ(0, ptpu_nl_config_set(self->h, &self->saved))
		TH_LOG("restoring the knobs: %s", ptpu_nl_ext_ack(self->h));
	ptpu_nl_close(self->h);
	close(self->phc);
}

/* ---- the clock ---- */

TEST_F(nl, status)
{
	struct ptp_sys_offset_precise p;
	struct ptpu_nl_status st;
	struct nl_msg *m;
	char state[32] = "";
	long long now;

	ASSERT_EQ(0, ptpu_nl_status_get(self->h, &st));
	memset(&p, 0, sizeof(p));
	ASSERT_EQ(0, ioctl(self->phc, PTP_SYS_OFFSET_PRECISE, &p));
	now = raw_now();
	TH_LOG("state %s, selected \"%s\", bound %llu ns growing %u ppb, disruptions %llu, steps %llu, last step %lld ns",
	       ptpu_nl_state_name(st.state), st.selected, (unsigned long long)st.bound_ns,
	       st.drift_ppb, (unsigned long long)st.disruptions, (unsigned long long)st.steps,
	       (long long)st.last_step_ns);
	EXPECT_GE(PTP_UNIFIED_STATE_FREERUN, st.state);
	EXPECT_LT(0, st.bound_ns);
	/* Every model's bound grows: at the max drift knob at least. */
	EXPECT_TRUE(st.has_drift);
	EXPECT_LT(0, st.drift_ppb);
	EXPECT_GE(now, st.raw_ns);
	EXPECT_LT(now - NS_PER_SEC, st.raw_ns);
	/* The time at one raw instant is the clock's own model. */
	EXPECT_GT(NS_PER_MS, llabs((st.time_ns - st.raw_ns) -
				   (pct_ns(&p.device) - pct_ns(&p.sys_monoraw))));
	ASSERT_EQ(0, sys_read(self, "state", state, sizeof(state)));
	EXPECT_STREQ(ptpu_nl_state_name(st.state), state);
	EXPECT_EQ(sys_ll(self, "disruption_count"), (long long)st.disruptions);
	EXPECT_EQ(sys_ll(self, "leap_count"), (long long)st.leaps);
	EXPECT_EQ(sys_ll(self, "step_count"), (long long)st.steps);

	/* STATUS_GET takes no attribute at all. */
	m = ptpu_nl_msg(self->h, PTP_UNIFIED_CMD_STATUS_GET, 0);
	nla_put_u32(m, 1, 0);
	FAIL_ATTR("status-get with an attribute", ptpu_nl_transact(self->h, m, NULL, NULL),
		  EINVAL, 1);
	m = ptpu_nl_msg(self->h, PTP_UNIFIED_CMD_CONFIG_GET, 0);
	nla_put_string(m, PTP_UNIFIED_A_CONFIG_RTC_DEVICE, "rtc0");
	FAIL_ATTR("config-get with an attribute", ptpu_nl_transact(self->h, m, NULL, NULL),
		  EINVAL, PTP_UNIFIED_A_CONFIG_RTC_DEVICE);
}

/* Strict validation: the header, unknown commands and attributes, framing. */
TEST_F(nl, strict)
{
	struct genlmsghdr *g;
	struct nlattr *a;
	struct nl_msg *m;

	m = ptpu_nl_msg(self->h, PTP_UNIFIED_CMD_STATUS_GET, 0);
	g = nlmsg_data(nlmsg_hdr(m));
	g->reserved = 1;
	FAIL_MSG("genetlink header reserved field 1", ptpu_nl_transact(self->h, m, NULL, NULL),
		 EINVAL);
	m = ptpu_nl_msg(self->h, PTP_UNIFIED_CMD_STATUS_GET, NLM_F_EXCL);
	FAIL_MSG("nlmsg_flags with NLM_F_EXCL", ptpu_nl_transact(self->h, m, NULL, NULL), EINVAL);
	m = ptpu_nl_msg(self->h, 99, 0);
	expect_fail(_metadata, self->h, "unknown command 99",
		    ptpu_nl_transact(self->h, m, NULL, NULL), EOPNOTSUPP, -1, -1, false);
	m = ptpu_nl_msg(self->h, 0, 0);
	expect_fail(_metadata, self->h, "command 0", ptpu_nl_transact(self->h, m, NULL, NULL),
		    EOPNOTSUPP, -1, -1, false);
	m = ptpu_nl_msg(self->h, PTP_UNIFIED_CMD_EV_DISRUPTION, 0);
	expect_fail(_metadata, self->h, "an event's command as a request",
		    ptpu_nl_transact(self->h, m, NULL, NULL), EOPNOTSUPP, -1, -1, false);
	m = ptpu_nl_msg(self->h, PTP_UNIFIED_CMD_SOURCE_GET, 0);
	nla_put_string(m, PTP_UNIFIED_A_SOURCE_NAME, "rtc");
	nla_put_u32(m, 31, 1);
	FAIL_ATTR("unknown attribute type 31", ptpu_nl_transact(self->h, m, NULL, NULL),
		  EINVAL, 31);
	m = ptpu_nl_msg(self->h, PTP_UNIFIED_CMD_SOURCE_GET, 0);
	nla_put_u32(m, PTP_UNIFIED_A_SOURCE_CLASS, 2);
	FAIL_ATTR("attribute of another command (class)",
		  ptpu_nl_transact(self->h, m, NULL, NULL), EINVAL, PTP_UNIFIED_A_SOURCE_CLASS);
	/* An attribute whose length runs past the message. */
	m = ptpu_nl_msg(self->h, PTP_UNIFIED_CMD_SOURCE_GET, 0);
	nla_put_string(m, PTP_UNIFIED_A_SOURCE_NAME, "rtc");
	a = (struct nlattr *)genlmsg_attrdata(nlmsg_data(nlmsg_hdr(m)), 0);
	a->nla_len = 200;
	FAIL_MSG("attribute longer than the message", ptpu_nl_transact(self->h, m, NULL, NULL),
		 EINVAL);
}

/* ---- sources ---- */

TEST_F(nl, source_add_del)
{
	struct ptpu_nl_source s;
	struct nl_msg *m;
	char buf[32];

	ASSERT_EQ(0, ptpu_nl_source_add(self->h, "t-add", PTP_UNIFIED_CLASS_PHC));
	ASSERT_EQ(0, source_of(self, "t-add", &s));
	EXPECT_EQ(PTP_UNIFIED_CLASS_PHC, s.cls);
	EXPECT_TRUE(s.enabled);
	EXPECT_FALSE(s.available);
	EXPECT_EQ(0, s.samples);
	EXPECT_EQ(-1, s.age_ns);
	ASSERT_EQ(0, sys_read(self, "sources/t-add/class", buf, sizeof(buf)));
	EXPECT_STREQ("phc", buf);

	FAIL_ATTR("add a name that exists",
		  ptpu_nl_source_add(self->h, "t-add", PTP_UNIFIED_CLASS_NTP), EEXIST,
		  PTP_UNIFIED_A_SOURCE_NAME);
	FAIL_ATTR("add class kvm (built in)",
		  ptpu_nl_source_add(self->h, "t-kvm", PTP_UNIFIED_CLASS_KVM), ERANGE,
		  PTP_UNIFIED_A_SOURCE_CLASS);
	FAIL_ATTR("add class 99", ptpu_nl_source_add(self->h, "t-99", 99), ERANGE,
		  PTP_UNIFIED_A_SOURCE_CLASS);
	FAIL_ATTR("add a 16-character name",
		  ptpu_nl_source_add(self->h, "t-0123456789abcd", PTP_UNIFIED_CLASS_NTP), EINVAL,
		  PTP_UNIFIED_A_SOURCE_NAME);
	FAIL_ATTR("add a name with '/'",
		  ptpu_nl_source_add(self->h, "t-a/b", PTP_UNIFIED_CLASS_NTP), EINVAL,
		  PTP_UNIFIED_A_SOURCE_NAME);
	FAIL_ATTR("add the name \"..\"",
		  ptpu_nl_source_add(self->h, "..", PTP_UNIFIED_CLASS_NTP), EINVAL,
		  PTP_UNIFIED_A_SOURCE_NAME);
	FAIL_ATTR("add an empty name",
		  ptpu_nl_source_add(self->h, "", PTP_UNIFIED_CLASS_NTP), EINVAL,
		  PTP_UNIFIED_A_SOURCE_NAME);

	m = ptpu_nl_msg(self->h, PTP_UNIFIED_CMD_SOURCE_ADD, 0);
	nla_put_u32(m, PTP_UNIFIED_A_SOURCE_CLASS, PTP_UNIFIED_CLASS_NTP);
	FAIL_MISSING("add without a name", ptpu_nl_transact(self->h, m, NULL, NULL), EINVAL,
		     PTP_UNIFIED_A_SOURCE_NAME);
	m = ptpu_nl_msg(self->h, PTP_UNIFIED_CMD_SOURCE_ADD, 0);
	nla_put_string(m, PTP_UNIFIED_A_SOURCE_NAME, "t-nocls");
	FAIL_MISSING("add without a class", ptpu_nl_transact(self->h, m, NULL, NULL), EINVAL,
		     PTP_UNIFIED_A_SOURCE_CLASS);
	m = ptpu_nl_msg(self->h, PTP_UNIFIED_CMD_SOURCE_ADD, 0);
	nla_put_string(m, PTP_UNIFIED_A_SOURCE_NAME, "t-u8");
	nla_put_u8(m, PTP_UNIFIED_A_SOURCE_CLASS, PTP_UNIFIED_CLASS_NTP);
	FAIL_ATTR("add with the class as a u8", ptpu_nl_transact(self->h, m, NULL, NULL),
		  EINVAL, PTP_UNIFIED_A_SOURCE_CLASS);
	m = ptpu_nl_msg(self->h, PTP_UNIFIED_CMD_SOURCE_ADD, 0);
	nla_put(m, PTP_UNIFIED_A_SOURCE_NAME, 4, "t-nn");
	nla_put_u32(m, PTP_UNIFIED_A_SOURCE_CLASS, PTP_UNIFIED_CLASS_NTP);
	FAIL_ATTR("add a name without its NUL", ptpu_nl_transact(self->h, m, NULL, NULL),
		  EINVAL, PTP_UNIFIED_A_SOURCE_NAME);
	EXPECT_EQ(-ENOENT, source_of(self, "t-nocls", &s));
	EXPECT_EQ(-ENOENT, source_of(self, "t-u8", &s));
	EXPECT_FALSE(sys_exists(self, "sources/t-u8"));

	FAIL_ATTR("delete an unknown source", ptpu_nl_source_del(self->h, "t-nosuch"), ENOENT,
		  PTP_UNIFIED_A_SOURCE_NAME);
	if (self->rtc) {
		FAIL_ATTR("delete the built-in rtc source", ptpu_nl_source_del(self->h, "rtc"),
			  EOPNOTSUPP, PTP_UNIFIED_A_SOURCE_NAME);
		EXPECT_EQ(0, source_of(self, "rtc", &s));
	}
	m = ptpu_nl_msg(self->h, PTP_UNIFIED_CMD_SOURCE_DEL, 0);
	FAIL_MISSING("delete without a name", ptpu_nl_transact(self->h, m, NULL, NULL), EINVAL,
		     PTP_UNIFIED_A_SOURCE_NAME);
	EXPECT_EQ(0, source_of(self, "t-add", &s));

	EXPECT_EQ(0, ptpu_nl_source_del(self->h, "t-add"));
	EXPECT_EQ(-ENOENT, source_of(self, "t-add", &s));
	EXPECT_FALSE(sys_exists(self, "sources/t-add"));
}

/* Sixteen slots: the seventeenth source is refused. */
TEST_F(nl, source_slots)
{
	struct ptpu_nl_source all[PTPU_NL_MAX_SOURCES + 1];
	int n, i, added = 0, ret = 0;
	char name[16];

	n = ptpu_nl_source_list(self->h, all, PTPU_NL_MAX_SOURCES);
	ASSERT_LE(0, n);
	for (i = 0; i < PTPU_NL_MAX_SOURCES - n; i++) {
		snprintf(name, sizeof(name), "t-slot%d", i);
		ret = ptpu_nl_source_add(self->h, name, PTP_UNIFIED_CLASS_OTHER);
		if (ret)
			break;
		added++;
	}
	EXPECT_EQ(0, ret);
	EXPECT_EQ(PTPU_NL_MAX_SOURCES, ptpu_nl_source_list(self->h, all, PTPU_NL_MAX_SOURCES));
	FAIL_MSG("add a seventeenth source",
		 ptpu_nl_source_add(self->h, "t-slot-x", PTP_UNIFIED_CLASS_OTHER), ENOSPC);
	TH_LOG("%d sources before, %d added, the next refused", n, added);
}

struct dump_check {
	struct __test_metadata *md;
	FIXTURE_DATA(nl) *self;
	int n;
};

/* Every dumped source agrees with its sysfs directory. */
static int dump_vs_sysfs(const struct ptpu_nl_source *s, void *arg)
{
	struct dump_check *d = arg;
	struct __test_metadata *_metadata = d->md;
	char rel[64], buf[32] = "";

	d->n++;
	TH_LOG("  %-15s %-5s enabled %d prio %u prefer %d avail %d sel %d cal %d ft %d samples %u offset %lld bound %llu jitter %llu age %lld freq %lld",
	       s->name, ptpu_nl_class_name(s->cls), s->enabled, s->priority, s->prefer,
	       s->available, s->selected, s->calibrated, s->falseticker, s->samples,
	       (long long)s->offset_ns, (unsigned long long)s->bound_ns,
	       (unsigned long long)s->jitter_ns, (long long)s->age_ns,
	       (long long)s->freq_ppb);
	snprintf(rel, sizeof(rel), "sources/%s/class", s->name);
	EXPECT_EQ(0, sys_read(d->self, rel, buf, sizeof(buf)));
	EXPECT_STREQ(ptpu_nl_class_name(s->cls), buf);
	snprintf(rel, sizeof(rel), "sources/%s/enabled", s->name);
	EXPECT_EQ(s->enabled, sys_ll(d->self, rel));
	snprintf(rel, sizeof(rel), "sources/%s/priority", s->name);
	EXPECT_EQ(s->priority, sys_ll(d->self, rel));
	snprintf(rel, sizeof(rel), "sources/%s/prefer", s->name);
	EXPECT_EQ(s->prefer, sys_ll(d->self, rel));
	return 0;
}

TEST_F(nl, source_get_dump)
{
	struct dump_check d = { .md = _metadata, .self = self };
	struct ptpu_nl_source s;
	struct dirent *de;
	struct nl_msg *m;
	char path[160];
	int dirs = 0;
	DIR *dir;

	ASSERT_EQ(0, ptpu_nl_source_add(self->h, "t-get", PTP_UNIFIED_CLASS_OTHER));
	ASSERT_EQ(0, source_of(self, "t-get", &s));
	EXPECT_STREQ("t-get", s.name);
	EXPECT_EQ(PTP_UNIFIED_CLASS_OTHER, s.cls);

	EXPECT_LE(1, ptpu_nl_source_dump(self->h, dump_vs_sysfs, &d));
	snprintf(path, sizeof(path), "%s/sources", self->sys);
	dir = opendir(path);
	ASSERT_NE(NULL, dir);
	while ((de = readdir(dir)))
		if (de->d_name[0] != '.')
			dirs++;
	closedir(dir);
	EXPECT_EQ(dirs, d.n) TH_LOG("%d sources dumped, %d sysfs directories", d.n, dirs);

	FAIL_ATTR("get an unknown source", source_of(self, "t-nosuch", &s), ENOENT,
		  PTP_UNIFIED_A_SOURCE_NAME);
	m = ptpu_nl_msg(self->h, PTP_UNIFIED_CMD_SOURCE_GET, 0);
	FAIL_MISSING("get without a name", ptpu_nl_transact(self->h, m, NULL, NULL), EINVAL,
		     PTP_UNIFIED_A_SOURCE_NAME);
	m = ptpu_nl_msg(self->h, PTP_UNIFIED_CMD_SOURCE_GET, 0);
	nla_put_u64(m, PTP_UNIFIED_A_SOURCE_NAME, 0x4141414141414141ULL);
	FAIL_ATTR("get with a u64 as the name", ptpu_nl_transact(self->h, m, NULL, NULL),
		  EINVAL, PTP_UNIFIED_A_SOURCE_NAME);
	m = ptpu_nl_msg(self->h, PTP_UNIFIED_CMD_SOURCE_GET, NLM_F_DUMP);
	nla_put_u8(m, PTP_UNIFIED_A_SOURCE_SELECTED, 1);
	FAIL_ATTR("dump with an unknown attribute", ptpu_nl_transact(self->h, m, NULL, NULL),
		  EINVAL, PTP_UNIFIED_A_SOURCE_SELECTED);
}

/* ---- samples ---- */

static struct nl_msg *sample_msg(FIXTURE_DATA(nl) *self, const char *name, bool raw, bool ref,
				 bool bound)
{
	struct nl_msg *m = ptpu_nl_msg(self->h, PTP_UNIFIED_CMD_SAMPLE_PUSH, 0);
	long long r, t;

	truth_read(self, &r, &t);
	if (name)
		nla_put_string(m, PTP_UNIFIED_A_SAMPLE_SOURCE, name);
	if (raw)
		nla_put_s64(m, PTP_UNIFIED_A_SAMPLE_RAW, r);
	if (ref)
		nla_put_s64(m, PTP_UNIFIED_A_SAMPLE_REF, t);
	if (bound)
		nla_put_u64(m, PTP_UNIFIED_A_SAMPLE_BOUND, BOUND_1MS);
	return m;
}

TEST_F(nl, sample_push)
{
	struct ptpu_nl_sample smp = { .source = "t-smp", .bound_ns = BOUND_1MS, .cls = -1 };
	struct ptpu_nl_source s;
	long long raw, ref, prev_raw;
	struct nl_msg *m;
	uint32_t n;

	truth_read(self, &raw, &ref);
	smp.raw_ns = raw;
	smp.ref_ns = ref;
	FAIL_ATTR("push to an unknown source, no class", ptpu_nl_sample_push(self->h, &smp),
		  ENOENT, PTP_UNIFIED_A_SAMPLE_SOURCE);
	EXPECT_EQ(-ENOENT, source_of(self, "t-smp", &s));
	/* Created by its first sample, with a class. */
	ASSERT_EQ(0, push(self, "t-smp", 0));
	ASSERT_EQ(0, source_of(self, "t-smp", &s));
	EXPECT_EQ(PTP_UNIFIED_CLASS_NTP, s.cls);
	EXPECT_EQ(1, s.samples);
	EXPECT_EQ(2, s.stratum);
	EXPECT_LE(0, s.age_ns);
	EXPECT_TRUE(sys_exists(self, "sources/t-smp"));
	sleep_ms(20);
	truth_read(self, &raw, &ref);
	smp.raw_ns = raw;
	smp.ref_ns = ref;
	smp.leap = PTP_UNIFIED_LEAP_INS;
	smp.stratum = 3;
	ASSERT_EQ(0, ptpu_nl_sample_push(self->h, &smp));
	ASSERT_EQ(0, source_of(self, "t-smp", &s));
	EXPECT_EQ(2, s.samples);
	EXPECT_EQ(PTP_UNIFIED_LEAP_INS, s.leap);
	EXPECT_EQ(3, s.stratum);
	n = s.samples;
	prev_raw = raw;
	smp.leap = 0;

	smp.cls = PTP_UNIFIED_CLASS_PHC;
	FAIL_ATTR("push with another class", ptpu_nl_sample_push(self->h, &smp), EINVAL,
		  PTP_UNIFIED_A_SAMPLE_CLASS);
	smp.cls = -1;
	if (self->rtc) {
		smp.source = "rtc";
		FAIL_ATTR("push to the built-in rtc source", ptpu_nl_sample_push(self->h, &smp),
			  EOPNOTSUPP, PTP_UNIFIED_A_SAMPLE_SOURCE);
		smp.source = "t-smp";
	}
	truth_read(self, &raw, &ref);
	smp.ref_ns = ref;
	smp.raw_ns = raw + 10 * NS_PER_SEC;
	FAIL_ATTR("raw time 10 s in the future", ptpu_nl_sample_push(self->h, &smp), EINVAL,
		  PTP_UNIFIED_A_SAMPLE_RAW);
	smp.raw_ns = prev_raw;
	FAIL_ATTR("raw time not after the previous sample", ptpu_nl_sample_push(self->h, &smp),
		  EINVAL, PTP_UNIFIED_A_SAMPLE_RAW);
	truth_read(self, &raw, &ref);
	smp.raw_ns = raw;
	smp.ref_ns = INT64_MIN + 1;
	FAIL_ATTR("ref - raw overflows", ptpu_nl_sample_push(self->h, &smp), ERANGE,
		  PTP_UNIFIED_A_SAMPLE_REF);
	smp.ref_ns = ref;
	smp.bound_ns = 0;
	FAIL_ATTR("bound 0", ptpu_nl_sample_push(self->h, &smp), ERANGE,
		  PTP_UNIFIED_A_SAMPLE_BOUND);
	smp.bound_ns = 1000 * NS_PER_SEC + 1;
	FAIL_ATTR("bound 1000 s + 1 ns", ptpu_nl_sample_push(self->h, &smp), ERANGE,
		  PTP_UNIFIED_A_SAMPLE_BOUND);
	smp.bound_ns = BOUND_1MS;
	smp.leap = 3;
	FAIL_ATTR("leap indicator 3 (alarm)", ptpu_nl_sample_push(self->h, &smp), ERANGE,
		  PTP_UNIFIED_A_SAMPLE_LEAP);
	smp.leap = 0;
	smp.stratum = 16;
	FAIL_ATTR("stratum 16", ptpu_nl_sample_push(self->h, &smp), ERANGE,
		  PTP_UNIFIED_A_SAMPLE_STRATUM);
	smp.stratum = 0;
	smp.cls = PTP_UNIFIED_CLASS_RTC;
	FAIL_ATTR("class rtc", ptpu_nl_sample_push(self->h, &smp), ERANGE,
		  PTP_UNIFIED_A_SAMPLE_CLASS);
	smp.cls = -1;
	smp.source = "t-0123456789abcdef";
	FAIL_ATTR("an 18-character source name", ptpu_nl_sample_push(self->h, &smp), EINVAL,
		  PTP_UNIFIED_A_SAMPLE_SOURCE);

	m = sample_msg(self, NULL, true, true, true);
	FAIL_MISSING("no source", ptpu_nl_transact(self->h, m, NULL, NULL), EINVAL,
		     PTP_UNIFIED_A_SAMPLE_SOURCE);
	m = sample_msg(self, "t-smp", false, true, true);
	FAIL_MISSING("no raw time", ptpu_nl_transact(self->h, m, NULL, NULL), EINVAL,
		     PTP_UNIFIED_A_SAMPLE_RAW);
	m = sample_msg(self, "t-smp", true, false, true);
	FAIL_MISSING("no reference time", ptpu_nl_transact(self->h, m, NULL, NULL), EINVAL,
		     PTP_UNIFIED_A_SAMPLE_REF);
	m = sample_msg(self, "t-smp", true, true, false);
	FAIL_MISSING("no bound", ptpu_nl_transact(self->h, m, NULL, NULL), EINVAL,
		     PTP_UNIFIED_A_SAMPLE_BOUND);
	m = sample_msg(self, "t-smp", false, true, true);
	nla_put_u32(m, PTP_UNIFIED_A_SAMPLE_RAW, 5);
	FAIL_ATTR("raw time as a u32", ptpu_nl_transact(self->h, m, NULL, NULL), EINVAL,
		  PTP_UNIFIED_A_SAMPLE_RAW);
	m = sample_msg(self, "t-smp", true, true, false);
	nla_put_string(m, PTP_UNIFIED_A_SAMPLE_BOUND, "1ms");
	FAIL_ATTR("bound as a string", ptpu_nl_transact(self->h, m, NULL, NULL), EINVAL,
		  PTP_UNIFIED_A_SAMPLE_BOUND);

	ASSERT_EQ(0, source_of(self, "t-smp", &s));
	EXPECT_EQ(n, s.samples) TH_LOG("a refused sample changed the history");

	/* All or nothing: a refused first sample leaves no source behind. */
	smp.source = "t-stale";
	smp.cls = PTP_UNIFIED_CLASS_NTP;
	truth_read(self, &raw, &ref);
	smp.raw_ns = raw - 400 * NS_PER_SEC;
	smp.ref_ns = ref - 400 * NS_PER_SEC;
	FAIL_ATTR("sample older than the staleness limit", ptpu_nl_sample_push(self->h, &smp),
		  ESTALE, PTP_UNIFIED_A_SAMPLE_RAW);
	EXPECT_EQ(-ENOENT, source_of(self, "t-stale", &s));
	smp.source = "t-new";
	smp.cls = PTP_UNIFIED_CLASS_NTP;
	truth_read(self, &raw, &ref);
	smp.raw_ns = raw + 10 * NS_PER_SEC;
	smp.ref_ns = ref;
	FAIL_ATTR("first sample of a new source refused", ptpu_nl_sample_push(self->h, &smp),
		  EINVAL, PTP_UNIFIED_A_SAMPLE_RAW);
	EXPECT_EQ(-ENOENT, source_of(self, "t-new", &s));
	EXPECT_FALSE(sys_exists(self, "sources/t-new"));
}

/* ---- knobs over netlink ---- */

struct knob {
	unsigned int bit;
	int attr;
	const char *sysfs;
	long long good;
	long long lo;	/* first value below the range (-1: none) */
	long long hi;	/* first value above it */
};

static const struct knob knobs[] = {
	{ PTPU_NL_CFG_MAX_DRIFT, PTP_UNIFIED_A_CONFIG_MAX_DRIFT_PPB, "max_drift_ppb",
	  70000, -1, 1000001 },
	{ PTPU_NL_CFG_SLEW_LIMIT, PTP_UNIFIED_A_CONFIG_SLEW_LIMIT_PPB, "slew_limit_ppb",
	  400000, 999, 100000001 },
	{ PTPU_NL_CFG_HYSTERESIS, PTP_UNIFIED_A_CONFIG_HYSTERESIS_PCT, "hysteresis_pct",
	  30, -1, 91 },
	{ PTPU_NL_CFG_STALE_LIMIT, PTP_UNIFIED_A_CONFIG_STALE_LIMIT_S, "stale_limit_s",
	  200, 0, 86401 },
	{ PTPU_NL_CFG_STEP_THRESHOLD, PTP_UNIFIED_A_CONFIG_STEP_THRESHOLD_NS, "step_threshold_ns",
	  200000000, 999999, 1000000000001LL },
	{ PTPU_NL_CFG_KVM_POLL, PTP_UNIFIED_A_CONFIG_KVM_POLL_MS, "kvm_poll_ms",
	  500, 9, 60001 },
	{ PTPU_NL_CFG_RTC_INTERVAL, PTP_UNIFIED_A_CONFIG_RTC_INTERVAL_S, "rtc_interval_s",
	  20, 1, 3601 },
};

#define N_KNOBS (sizeof(knobs) / sizeof(knobs[0]))

static long long cfg_value(const struct ptpu_nl_config *c, unsigned int bit)
{
	switch (bit) {
	case PTPU_NL_CFG_MAX_DRIFT: return c->max_drift_ppb;
	case PTPU_NL_CFG_SLEW_LIMIT: return c->slew_limit_ppb;
	case PTPU_NL_CFG_HYSTERESIS: return c->hysteresis_pct;
	case PTPU_NL_CFG_STALE_LIMIT: return c->stale_limit_s;
	case PTPU_NL_CFG_STEP_THRESHOLD: return c->step_threshold_ns;
	case PTPU_NL_CFG_KVM_POLL: return c->kvm_poll_ms;
	case PTPU_NL_CFG_RTC_INTERVAL: return c->rtc_interval_s;
	}
	return -1;
}

/* A CONFIG_SET with one knob attribute of the width the caller says. */
static struct nl_msg *knob_msg(FIXTURE_DATA(nl) *self, int attr, int width, long long v)
{
	struct nl_msg *m = ptpu_nl_msg(self->h, PTP_UNIFIED_CMD_CONFIG_SET, 0);

	if (width == 8)
		nla_put_u64(m, attr, v);
	else if (width == 4)
		nla_put_u32(m, attr, v);
	else
		nla_put_u8(m, attr, v);
	return m;
}

static bool knob_present(FIXTURE_DATA(nl) *self, const struct knob *k)
{
	return self->saved.set & k->bit;
}

TEST_F(nl, config)
{
	struct ptpu_nl_config c;
	unsigned int i;
	char what[96];
	int width;

	ASSERT_EQ(0, ptpu_nl_config_get(self->h, &c));
	for (i = 0; i < N_KNOBS; i++) {
		const struct knob *k = &knobs[i];

		width = k->bit == PTPU_NL_CFG_STEP_THRESHOLD ? 8 : 4;
		if (!knob_present(self, k)) {
			snprintf(what, sizeof(what), "%s without its source", k->sysfs);
			FAIL_MSG(what, ptpu_nl_transact(self->h, knob_msg(self, k->attr, width,
									k->good), NULL, NULL),
				 EOPNOTSUPP);
			EXPECT_FALSE(sys_exists(self, k->sysfs));
			continue;
		}
		EXPECT_EQ(sys_ll(self, k->sysfs), cfg_value(&c, k->bit))
			TH_LOG("%s: netlink and sysfs disagree", k->sysfs);
		ASSERT_EQ(0, ptpu_nl_transact(self->h, knob_msg(self, k->attr, width, k->good),
					      NULL, NULL))
			TH_LOG("set %s: %s", k->sysfs, ptpu_nl_ext_ack(self->h));
		ASSERT_EQ(0, ptpu_nl_config_get(self->h, &c));
		EXPECT_EQ(k->good, cfg_value(&c, k->bit));
		EXPECT_EQ(k->good, sys_ll(self, k->sysfs));

		if (k->lo >= 0) {
			snprintf(what, sizeof(what), "%s = %lld (below range)", k->sysfs, k->lo);
			FAIL_ATTR(what, ptpu_nl_transact(self->h, knob_msg(self, k->attr, width,
									 k->lo), NULL, NULL),
				  ERANGE, k->attr);
		}
		snprintf(what, sizeof(what), "%s = %lld (above range)", k->sysfs, k->hi);
		FAIL_ATTR(what, ptpu_nl_transact(self->h, knob_msg(self, k->attr, width, k->hi),
						 NULL, NULL), ERANGE, k->attr);
		snprintf(what, sizeof(what), "%s as a u8", k->sysfs);
		FAIL_ATTR(what, ptpu_nl_transact(self->h, knob_msg(self, k->attr, 1, 1), NULL,
						 NULL), EINVAL, k->attr);
		snprintf(what, sizeof(what), "%s as a %s", k->sysfs, width == 8 ? "u32" : "u64");
		FAIL_ATTR(what, ptpu_nl_transact(self->h, knob_msg(self, k->attr, 12 - width,
								 k->good), NULL, NULL),
			  EINVAL, k->attr);
		ASSERT_EQ(0, ptpu_nl_config_get(self->h, &c));
		EXPECT_EQ(k->good, cfg_value(&c, k->bit)) TH_LOG("%s changed by a refused set",
								 k->sysfs);
		EXPECT_EQ(k->good, sys_ll(self, k->sysfs));
	}

	/* All or nothing: a good knob next to a bad one is not applied. */
	c.set = PTPU_NL_CFG_MAX_DRIFT | PTPU_NL_CFG_SLEW_LIMIT;
	c.n_sources = 0;
	c.max_drift_ppb = 80000;
	c.slew_limit_ppb = 5;
	FAIL_ATTR("max_drift good, slew_limit bad", ptpu_nl_config_set(self->h, &c), ERANGE,
		  PTP_UNIFIED_A_CONFIG_SLEW_LIMIT_PPB);
	EXPECT_EQ(knobs[0].good, sys_ll(self, "max_drift_ppb"));

	FAIL_MSG("config-set with nothing", ptpu_nl_transact(self->h,
		 ptpu_nl_msg(self->h, PTP_UNIFIED_CMD_CONFIG_SET, 0), NULL, NULL), EINVAL);
}

TEST_F(nl, source_knobs)
{
	struct ptpu_nl_config c = {};
	struct ptpu_nl_source s;
	struct nlattr *nest;
	struct nl_msg *m;

	ASSERT_EQ(0, ptpu_nl_source_add(self->h, "t-knob", PTP_UNIFIED_CLASS_NTP));
	config_source(&c, "t-knob", PTPU_NL_SRC_ENABLED | PTPU_NL_SRC_PRIORITY | PTPU_NL_SRC_PREFER,
		      false, 7, true);
	ASSERT_EQ(0, ptpu_nl_config_set(self->h, &c)) TH_LOG("%s", ptpu_nl_ext_ack(self->h));
	ASSERT_EQ(0, source_of(self, "t-knob", &s));
	EXPECT_FALSE(s.enabled);
	EXPECT_EQ(7, s.priority);
	EXPECT_TRUE(s.prefer);
	EXPECT_EQ(0, sys_ll(self, "sources/t-knob/enabled"));
	EXPECT_EQ(7, sys_ll(self, "sources/t-knob/priority"));
	EXPECT_EQ(1, sys_ll(self, "sources/t-knob/prefer"));
	/* Only what is given changes. */
	c.n_sources = 0;
	config_source(&c, "t-knob", PTPU_NL_SRC_PRIORITY, false, 9, false);
	ASSERT_EQ(0, ptpu_nl_config_set(self->h, &c));
	ASSERT_EQ(0, source_of(self, "t-knob", &s));
	EXPECT_FALSE(s.enabled);
	EXPECT_EQ(9, s.priority);
	EXPECT_TRUE(s.prefer);
	ASSERT_EQ(0, ptpu_nl_config_get(self->h, &c));
	EXPECT_LE(1, c.n_sources);

	c.set = PTPU_NL_CFG_MAX_DRIFT;
	c.max_drift_ppb = 60000;
	c.n_sources = 0;
	config_source(&c, "t-nosuch", PTPU_NL_SRC_ENABLED, true, 0, false);
	FAIL_ATTR("knobs of an unknown source (and a good knob)",
		  ptpu_nl_config_set(self->h, &c), ENOENT, PTP_UNIFIED_A_SOURCE_NAME);
	EXPECT_EQ(self->saved.max_drift_ppb, sys_ll(self, "max_drift_ppb"));

	m = ptpu_nl_msg(self->h, PTP_UNIFIED_CMD_CONFIG_SET, 0);
	nest = nla_nest_start(m, PTP_UNIFIED_A_CONFIG_SOURCE);
	nla_put_u8(m, PTP_UNIFIED_A_SOURCE_ENABLED, 1);
	nla_nest_end(m, nest);
	FAIL_MISSING("source knobs without a name", ptpu_nl_transact(self->h, m, NULL, NULL),
		     EINVAL, PTP_UNIFIED_A_SOURCE_NAME);
	m = ptpu_nl_msg(self->h, PTP_UNIFIED_CMD_CONFIG_SET, 0);
	nest = nla_nest_start(m, PTP_UNIFIED_A_CONFIG_SOURCE);
	nla_put_string(m, PTP_UNIFIED_A_SOURCE_NAME, "t-knob");
	nla_put_u8(m, PTP_UNIFIED_A_SOURCE_ENABLED, 2);
	nla_nest_end(m, nest);
	FAIL_ATTR("enabled = 2", ptpu_nl_transact(self->h, m, NULL, NULL), ERANGE,
		  PTP_UNIFIED_A_SOURCE_ENABLED);
	m = ptpu_nl_msg(self->h, PTP_UNIFIED_CMD_CONFIG_SET, 0);
	nest = nla_nest_start(m, PTP_UNIFIED_A_CONFIG_SOURCE);
	nla_put_string(m, PTP_UNIFIED_A_SOURCE_NAME, "t-knob");
	nla_put_u64(m, PTP_UNIFIED_A_SOURCE_PRIORITY, 3);
	nla_nest_end(m, nest);
	FAIL_ATTR("priority as a u64", ptpu_nl_transact(self->h, m, NULL, NULL), EINVAL,
		  PTP_UNIFIED_A_SOURCE_PRIORITY);
	m = ptpu_nl_msg(self->h, PTP_UNIFIED_CMD_CONFIG_SET, 0);
	nest = nla_nest_start(m, PTP_UNIFIED_A_CONFIG_SOURCE);
	nla_put_string(m, PTP_UNIFIED_A_SOURCE_NAME, "t-knob");
	nla_put_u32(m, PTP_UNIFIED_A_SOURCE_SAMPLES, 3);
	nla_nest_end(m, nest);
	FAIL_ATTR("a read-only source attribute", ptpu_nl_transact(self->h, m, NULL, NULL),
		  EINVAL, PTP_UNIFIED_A_SOURCE_SAMPLES);
	m = ptpu_nl_msg(self->h, PTP_UNIFIED_CMD_CONFIG_SET, 0);
	nla_put_u32(m, PTP_UNIFIED_A_CONFIG_SOURCE, 1);
	FAIL_ATTR("source knobs that are not a nest", ptpu_nl_transact(self->h, m, NULL, NULL),
		  EINVAL, PTP_UNIFIED_A_CONFIG_SOURCE);
	ASSERT_EQ(0, source_of(self, "t-knob", &s));
	EXPECT_FALSE(s.enabled);
	EXPECT_EQ(9, s.priority);
}

TEST_F_TIMEOUT(nl, rtc_device, 60)
{
	struct ptpu_nl_config c = {};
	struct ptpu_nl_source s;
	char buf[32] = "";
	struct nl_msg *m;
	long long t0;

	if (!self->rtc)
		SKIP(return, "no rtc source");
	ASSERT_EQ(0, sys_read(self, "rtc_device", buf, sizeof(buf)));
	EXPECT_STREQ(self->saved.rtc_device, buf);
	/* The same RTC again: timing restarts, the source is back after an edge. */
	c.set = PTPU_NL_CFG_RTC_DEVICE;
	snprintf(c.rtc_device, sizeof(c.rtc_device), "%s", buf);
	ASSERT_EQ(0, ptpu_nl_config_set(self->h, &c));
	ASSERT_EQ(0, source_of(self, "rtc", &s));
	EXPECT_FALSE(s.available) TH_LOG("the rtc source was not withdrawn on the switch");
	t0 = raw_now();
	do {
		sleep_ms(200);
		ASSERT_EQ(0, source_of(self, "rtc", &s));
	} while (!(s.available && s.age_ns < raw_now() - t0) && raw_now() - t0 < 20 * NS_PER_SEC);
	TH_LOG("rtc_device %s set again: the rtc source had a new edge after %.1f s",
	       buf, (raw_now() - t0 - s.age_ns) / 1e9);
	EXPECT_TRUE(s.available);
	EXPECT_GT(raw_now() - t0, s.age_ns);
	EXPECT_EQ(0, sys_write(self, "rtc_device", buf));
	snprintf(c.rtc_device, sizeof(c.rtc_device), "rtc9");
	FAIL_ATTR("rtc_device = rtc9 (none)", ptpu_nl_config_set(self->h, &c), EINVAL,
		  PTP_UNIFIED_A_CONFIG_RTC_DEVICE);
	m = ptpu_nl_msg(self->h, PTP_UNIFIED_CMD_CONFIG_SET, 0);
	nla_put_string(m, PTP_UNIFIED_A_CONFIG_RTC_DEVICE, "rtc0123456789abc");
	FAIL_ATTR("rtc_device of 16 characters", ptpu_nl_transact(self->h, m, NULL, NULL),
		  EINVAL, PTP_UNIFIED_A_CONFIG_RTC_DEVICE);
	/* A bad device next to a good knob: neither applies. */
	c.set |= PTPU_NL_CFG_HYSTERESIS;
	c.hysteresis_pct = 33;
	snprintf(c.rtc_device, sizeof(c.rtc_device), "nortc");
	FAIL_ATTR("rtc_device none and a good knob", ptpu_nl_config_set(self->h, &c), EINVAL,
		  PTP_UNIFIED_A_CONFIG_RTC_DEVICE);
	EXPECT_EQ(self->saved.hysteresis_pct, sys_ll(self, "hysteresis_pct"));
	ASSERT_EQ(0, sys_read(self, "rtc_device", buf, sizeof(buf)));
	EXPECT_STREQ(self->saved.rtc_device, buf);
}

/* ---- sysfs ---- */

/* Garbage in one knob: EINVAL and the value read back unchanged. */
static void garbage(struct __test_metadata *_metadata, FIXTURE_DATA(nl) *self,
		    const char *rel, const char *const *bad)
{
	char before[64] = "", after[64] = "";
	int i, ret;

	ASSERT_EQ(0, sys_read(self, rel, before, sizeof(before))) TH_LOG("read %s", rel);
	for (i = 0; bad[i]; i++) {
		ret = sys_write(self, rel, bad[i]);
		EXPECT_EQ(-EINVAL, ret) TH_LOG("%s <- \"%s\": %s", rel, bad[i], strerror(-ret));
		ASSERT_EQ(0, sys_read(self, rel, after, sizeof(after)));
		EXPECT_STREQ(before, after) TH_LOG("%s <- \"%s\" changed it", rel, bad[i]);
	}
	TH_LOG("%-22s = %-8s: %d bad writes refused, value kept", rel, before, i);
}

/* A good write takes, and a second one puts the value back. */
static void good(struct __test_metadata *_metadata, FIXTURE_DATA(nl) *self,
		 const char *rel, const char *val)
{
	char before[64] = "", after[64] = "";

	ASSERT_EQ(0, sys_read(self, rel, before, sizeof(before)));
	EXPECT_EQ(0, sys_write(self, rel, val)) TH_LOG("%s <- %s", rel, val);
	ASSERT_EQ(0, sys_read(self, rel, after, sizeof(after)));
	EXPECT_STREQ(val, after);
	EXPECT_EQ(0, sys_write(self, rel, before));
}

TEST_F_TIMEOUT(nl, sysfs_knobs, 120)
{
	static const char *const common[] = {
		"garbage", "\n", "-1", "12abc", "0x", " ", "99999999999999999999999", "1.5",
		NULL };
	static const char *const bools[] = {
		"garbage", "\n", "2", "-1", "x", "99999999999999999999999", "nonsense",
		"yesterday", "on1", NULL };
	static const char *const prios[] = {
		"garbage", "\n", "-1", "4294967296", "1.5", "0x", NULL };
	static const char *const rtcs[] = {
		"rtc9", "\n", "rtc0123456789abcdef", "../rtc0", "nortc", NULL };
	const char *src[] = { "t-sysfs", "kvm", "rtc" };
	char rel[64], val[32];
	unsigned int i, k;

	for (i = 0; i < N_KNOBS; i++) {
		const struct knob *kn = &knobs[i];
		const char *bad[sizeof(common) / sizeof(common[0]) + 2];

		if (!sys_exists(self, kn->sysfs))
			continue;
		for (k = 0; common[k]; k++)
			bad[k] = common[k];
		bad[k] = NULL;
		if (kn->lo >= 0) {
			snprintf(val, sizeof(val), "%lld", kn->lo);
			bad[k++] = strdup(val);
		}
		snprintf(val, sizeof(val), "%lld", kn->hi);
		bad[k++] = strdup(val);
		bad[k] = NULL;
		garbage(_metadata, self, kn->sysfs, bad);
		snprintf(val, sizeof(val), "%lld", kn->good);
		good(_metadata, self, kn->sysfs, val);
	}
	if (self->rtc) {
		garbage(_metadata, self, "rtc_device", rtcs);
		ASSERT_EQ(0, sys_read(self, "rtc_device", val, sizeof(val)));
		EXPECT_EQ(0, sys_write(self, "rtc_device", val));
	}

	ASSERT_EQ(0, ptpu_nl_source_add(self->h, "t-sysfs", PTP_UNIFIED_CLASS_NTP));
	for (i = 0; i < sizeof(src) / sizeof(src[0]); i++) {
		snprintf(rel, sizeof(rel), "sources/%s", src[i]);
		if (!sys_exists(self, rel))
			continue;
		snprintf(rel, sizeof(rel), "sources/%s/enabled", src[i]);
		garbage(_metadata, self, rel, bools);
		good(_metadata, self, rel, "0");
		snprintf(rel, sizeof(rel), "sources/%s/prefer", src[i]);
		garbage(_metadata, self, rel, bools);
		good(_metadata, self, rel, "1");
		snprintf(rel, sizeof(rel), "sources/%s/priority", src[i]);
		garbage(_metadata, self, rel, prios);
		good(_metadata, self, rel, "5");
	}
}

/* ---- permissions ---- */

static int drop_cap_sys_time(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -1;
	data[CAP_SYS_TIME >> 5].effective &= ~(1u << (CAP_SYS_TIME & 31));
	data[CAP_SYS_TIME >> 5].permitted &= ~(1u << (CAP_SYS_TIME & 31));
	data[CAP_SYS_TIME >> 5].inheritable &= ~(1u << (CAP_SYS_TIME & 31));
	return syscall(SYS_capset, &hdr, data);
}

/* In a child without CAP_SYS_TIME: every write refused, every read open. */
static void unprivileged(struct __test_metadata *_metadata, FIXTURE_DATA(nl) *self)
{
	struct ptpu_nl_sample smp = { .source = "t-priv", .bound_ns = BOUND_1MS, .cls = -1 };
	struct ptpu_nl_config cfg;
	struct ptpu_nl_status st;
	struct ptpu_nl_source s;
	struct ptpu_nl *h;
	struct timespec now;
	long long raw, ref;
	int err;

	EXPECT_EQ(0, drop_cap_sys_time());
	clock_gettime(CLOCK_REALTIME, &now);
	EXPECT_EQ(-1, clock_settime(CLOCK_REALTIME, &now)) TH_LOG("CAP_SYS_TIME still there");
	h = ptpu_nl_open(&err);
	if (!h) {
		EXPECT_NE(NULL, h);
		return;
	}
	/* The handle macros name self->h: point it at the child's handle. */
	self->h = h;
	FAIL_MSG("unprivileged source-add", ptpu_nl_source_add(h, "t-priv2", PTP_UNIFIED_CLASS_NTP),
		 EPERM);
	FAIL_MSG("unprivileged source-del", ptpu_nl_source_del(h, "t-priv"), EPERM);
	truth_read(self, &raw, &ref);
	smp.raw_ns = raw;
	smp.ref_ns = ref;
	FAIL_MSG("unprivileged sample-push", ptpu_nl_sample_push(h, &smp), EPERM);
	cfg = self->saved;
	cfg.set = PTPU_NL_CFG_MAX_DRIFT;
	cfg.max_drift_ppb = 12345;
	cfg.n_sources = 0;
	FAIL_MSG("unprivileged config-set", ptpu_nl_config_set(h, &cfg), EPERM);
	EXPECT_EQ(0, ptpu_nl_status_get(h, &st));
	EXPECT_EQ(0, ptpu_nl_config_get(h, &cfg));
	EXPECT_EQ(0, ptpu_nl_source_get(h, "t-priv", &s));
	EXPECT_LE(1, ptpu_nl_source_list(h, NULL, 0));
	EXPECT_EQ(0, ptpu_nl_events_subscribe(h));
	TH_LOG("unprivileged: status, config, source get and dump, and events all open");
	ptpu_nl_close(h);
}

TEST_F(nl, needs_cap_sys_time)
{
	struct ptpu_nl_config cfg;
	struct ptpu_nl_source s;
	int status;
	pid_t pid;

	ASSERT_EQ(0, push(self, "t-priv", 0));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		unprivileged(_metadata, self);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	/* Nothing changed. */
	ASSERT_EQ(0, source_of(self, "t-priv", &s));
	EXPECT_EQ(1, s.samples);
	EXPECT_EQ(-ENOENT, source_of(self, "t-priv2", &s));
	ASSERT_EQ(0, ptpu_nl_config_get(self->h, &cfg));
	EXPECT_EQ(self->saved.max_drift_ppb, cfg.max_drift_ppb);
}

/* ---- the arbiter and the events ---- */

struct evlog {
	struct ptpu_nl_event ev[64];
	long long at[64];	/* raw time of arrival */
	int n;
};

static void events_drain(struct __test_metadata *_metadata, struct ptpu_nl *h,
			 struct evlog *l, int timeout_ms)
{
	struct ptpu_nl_event ev;
	int ret;

	while ((ret = ptpu_nl_event_recv(h, &ev, timeout_ms)) > 0 || ret == -ENOBUFS) {
		if (ret < 0 || l->n >= 64)
			continue;
		l->at[l->n] = raw_now();
		l->ev[l->n++] = ev;
		timeout_ms = 0;
	}
	EXPECT_LE(0, ret);
}

static int events_find(const struct evlog *l, unsigned int cmd, const char *name)
{
	int i;

	for (i = 0; i < l->n; i++)
		if (l->ev[i].cmd == cmd && (!name || !strcmp(l->ev[i].name, name)))
			return i;
	return -1;
}

static void events_show(struct __test_metadata *_metadata, const struct evlog *l)
{
	static const char *const names[] = {
		[PTP_UNIFIED_CMD_EV_SELECTION] = "selection",
		[PTP_UNIFIED_CMD_EV_DISRUPTION] = "disruption",
		[PTP_UNIFIED_CMD_EV_SOURCE_LOST] = "source-lost",
		[PTP_UNIFIED_CMD_EV_STATE] = "state",
	};
	const struct ptpu_nl_event *e;
	int i;

	for (i = 0; i < l->n; i++) {
		e = &l->ev[i];
		if (e->cmd == PTP_UNIFIED_CMD_EV_DISRUPTION)
			TH_LOG("  event %-11s step %+lld ns, disruptions %llu", names[e->cmd],
			       (long long)e->step_ns, (unsigned long long)e->disruptions);
		else
			TH_LOG("  event %-11s \"%s\" state %s", e->cmd <= PTP_UNIFIED_CMD_EV_STATE ?
			       names[e->cmd] : "?", e->name, ptpu_nl_state_name(e->state));
	}
}

TEST_F_TIMEOUT(nl, ntp_selected, 60)
{
	struct ptpu_nl_config c = {};
	struct evlog log = {};
	struct ptpu_nl_status st;
	struct ptpu_nl_source s;
	char sel[32] = "";
	long long t0;
	int i;

	ASSERT_EQ(0, ptpu_nl_events_subscribe(self->h));
	ASSERT_EQ(0, disable_builtins(self, true));
	TH_LOG("samples follow %s, 1 ms bound, 10 per second", self->truth_name);
	for (i = 0; i < 15; i++) {
		ASSERT_EQ(0, push(self, "t-ntp", 0)) TH_LOG("%s", ptpu_nl_ext_ack(self->h));
		sleep_ms(100);
	}
	ASSERT_EQ(0, ptpu_nl_status_get(self->h, &st));
	ASSERT_EQ(0, source_of(self, "t-ntp", &s));
	TH_LOG("after 15 samples: state %s, selected \"%s\", bound %llu ns; t-ntp offset %lld ns bound %llu ns jitter %llu ns",
	       ptpu_nl_state_name(st.state), st.selected, (unsigned long long)st.bound_ns,
	       (long long)s.offset_ns, (unsigned long long)s.bound_ns,
	       (unsigned long long)s.jitter_ns);
	EXPECT_STREQ("t-ntp", st.selected);
	EXPECT_TRUE(s.selected);
	EXPECT_TRUE(s.available);
	EXPECT_FALSE(s.falseticker);
	EXPECT_GT(2 * BOUND_1MS, s.bound_ns);
	EXPECT_GT(BOUND_1MS, llabs(s.offset_ns));
	ASSERT_EQ(0, sys_read(self, "selected_source", sel, sizeof(sel)));
	EXPECT_STREQ("t-ntp", sel);
	events_drain(_metadata, self->h, &log, 200);
	EXPECT_LE(0, events_find(&log, PTP_UNIFIED_CMD_EV_SELECTION, "t-ntp"))
		TH_LOG("no selection event for t-ntp");

	/* Silence with a 1 s staleness limit: the source is lost, and said so. */
	c.set = PTPU_NL_CFG_STALE_LIMIT;
	c.stale_limit_s = 1;
	ASSERT_EQ(0, ptpu_nl_config_set(self->h, &c));
	t0 = raw_now();
	while (events_find(&log, PTP_UNIFIED_CMD_EV_SOURCE_LOST, "t-ntp") < 0 &&
	       raw_now() - t0 < 5 * NS_PER_SEC)
		events_drain(_metadata, self->h, &log, 500);
	ASSERT_EQ(0, source_of(self, "t-ntp", &s));
	EXPECT_FALSE(s.available);
	EXPECT_FALSE(s.selected);
	c.stale_limit_s = self->saved.stale_limit_s;
	EXPECT_EQ(0, ptpu_nl_config_set(self->h, &c));
	events_show(_metadata, &log);
	i = events_find(&log, PTP_UNIFIED_CMD_EV_SOURCE_LOST, "t-ntp");
	EXPECT_LE(0, i) TH_LOG("no source-lost event for t-ntp");
	if (i >= 0) {
		EXPECT_EQ(PTP_UNIFIED_CLASS_NTP, log.ev[i].cls);
		TH_LOG("t-ntp lost %.2f s after its last sample",
		       (log.at[i] - t0) / 1e9 + 0.1);
	}
}

TEST_F_TIMEOUT(nl, falseticker, 60)
{
	struct ptpu_nl_source a, b, c;
	int i;

	ASSERT_EQ(0, disable_builtins(self, false));
	for (i = 0; i < 10; i++) {
		ASSERT_EQ(0, push(self, "t-a", 0));
		ASSERT_EQ(0, push(self, "t-b", 200000));
		ASSERT_EQ(0, push(self, "t-c", NS_PER_SEC));
		sleep_ms(100);
	}
	ASSERT_EQ(0, source_of(self, "t-a", &a));
	ASSERT_EQ(0, source_of(self, "t-b", &b));
	ASSERT_EQ(0, source_of(self, "t-c", &c));
	TH_LOG("t-a: offset %lld bound %llu falseticker %d selected %d",
	       (long long)a.offset_ns, (unsigned long long)a.bound_ns, a.falseticker, a.selected);
	TH_LOG("t-b: offset %lld bound %llu falseticker %d selected %d",
	       (long long)b.offset_ns, (unsigned long long)b.bound_ns, b.falseticker, b.selected);
	TH_LOG("t-c: offset %lld bound %llu falseticker %d selected %d",
	       (long long)c.offset_ns, (unsigned long long)c.bound_ns, c.falseticker, c.selected);
	EXPECT_FALSE(a.falseticker);
	EXPECT_FALSE(b.falseticker);
	EXPECT_TRUE(c.falseticker);
	EXPECT_FALSE(c.selected);
	EXPECT_TRUE(a.selected || b.selected);
	EXPECT_EQ(1, sys_ll(self, "sources/t-c/falseticker"));
}

/* A 10 s jump of the only source: declared at once, and the event with it. */
TEST_F_TIMEOUT(nl, disruption_event, 60)
{
	struct ptpu_nl_status st0, st;
	struct evlog log = {};
	const struct ptpu_nl_event *e;
	int i, k;

	ASSERT_EQ(0, ptpu_nl_events_subscribe(self->h));
	ASSERT_EQ(0, disable_builtins(self, false));
	for (i = 0; i < 10; i++) {
		ASSERT_EQ(0, push(self, "t-jump", 0));
		sleep_ms(100);
	}
	ASSERT_EQ(0, ptpu_nl_status_get(self->h, &st0));
	EXPECT_STREQ("t-jump", st0.selected);
	events_drain(_metadata, self->h, &log, 100);
	k = log.n;

	ASSERT_EQ(0, push(self, "t-jump", 10 * NS_PER_SEC));
	events_drain(_metadata, self->h, &log, 2000);
	for (i = 0; i < 5; i++) {
		ASSERT_EQ(0, push(self, "t-jump", 10 * NS_PER_SEC));
		sleep_ms(100);
	}
	ASSERT_EQ(0, ptpu_nl_status_get(self->h, &st));
	i = events_find(&log, PTP_UNIFIED_CMD_EV_DISRUPTION, NULL);
	ASSERT_LE(k, i) TH_LOG("no disruption event");
	e = &log.ev[i];
	TH_LOG("disruption event: step %+.6f s, arrived %.1f us after the step (raw time)",
	       e->step_ns / 1e9, (log.at[i] - e->step_raw_ns) / 1e3);
	EXPECT_GT(10 * NS_PER_MS, llabs(e->step_ns - 10 * NS_PER_SEC));
	EXPECT_EQ(st0.disruptions + 1, e->disruptions);
	EXPECT_EQ(st0.disruptions + 1, st.disruptions);
	EXPECT_EQ(st.last_step_ns, e->step_ns);
	EXPECT_EQ(st.last_step_raw_ns, e->step_raw_ns);
	EXPECT_EQ((long long)st.disruptions, sys_ll(self, "disruption_count"));
	EXPECT_EQ(st.last_step_ns, sys_ll(self, "last_step_ns"));
	EXPECT_GT(100 * NS_PER_MS, log.at[i] - e->step_raw_ns);

	/* And back: the source returns to the truth, the clock with it. */
	k = log.n;
	ASSERT_EQ(0, push(self, "t-jump", 0));
	events_drain(_metadata, self->h, &log, 2000);
	for (i = k; i < log.n && log.ev[i].cmd != PTP_UNIFIED_CMD_EV_DISRUPTION; i++)
		;
	ASSERT_GT(log.n, i) TH_LOG("no disruption event for the way back");
	TH_LOG("back: step %+.6f s, event %.1f us after the step",
	       log.ev[i].step_ns / 1e9, (log.at[i] - log.ev[i].step_raw_ns) / 1e3);
	EXPECT_GT(10 * NS_PER_MS, llabs(log.ev[i].step_ns + 10 * NS_PER_SEC));
	events_show(_metadata, &log);
	EXPECT_LE(0, events_find(&log, PTP_UNIFIED_CMD_EV_STATE, NULL))
		TH_LOG("no state event");
}

TEST_HARNESS_MAIN
