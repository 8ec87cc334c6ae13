// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz the ptp_unified generic netlink family from inside a guest: random
 * and mutated messages to every command (typed random attributes, mutated
 * valid requests, nested garbage, random headers, truncated and oversized
 * messages), random writes to the sysfs knobs, and an events listener
 * draining what all that sets off. Bounded by a message count and a time
 * limit, whichever comes first.
 *
 * Afterwards it removes the sources it created, puts every knob back and
 * checks that the clock still works: netlink status and dump answer, the
 * knobs read back as they were, and 1000 clock reads (and a cross
 * timestamp) succeed without going backwards. The kernel log is judged by
 * the suite's dmesg_clean check.
 *
 * usage: nl_fuzz [-n MESSAGES] [-t SECONDS] [-s SEED] [-d SYSFS_DEVICE_DIR] [-r]
 *   -r  the module is being reloaded meanwhile: resolve the family again
 *       now and then, tolerate its absence, skip sysfs and the final checks
 * SIGTERM or SIGINT ends the run early, as the limits would.
 * Exit 0 when the checks pass.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/ptp_clock.h>
#include <signal.h>
#include <stdint.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "phc_util.h"
#include "ptpu_nl.h"

#define NS_PER_SEC	1000000000LL
#define BUF_MAX		(64 * 1024)

static uint64_t rng_state;
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static long long raw_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return ts_ns(&ts);
}

static long long real_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts_ns(&ts);
}

/* ---- message building ---- */

struct msg {
	unsigned char buf[BUF_MAX];
	size_t len;
};

static struct nlmsghdr *msg_start(struct msg *m, int family, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)m->buf;
	struct genlmsghdr *g = NLMSG_DATA(nlh);

	memset(m->buf, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = rnd();
	g->cmd = cmd;
	g->version = PTP_UNIFIED_FAMILY_VERSION;
	m->len = NLMSG_HDRLEN + GENL_HDRLEN;
	return nlh;
}

/* Append one attribute (aligned); returns its offset, or -1 when full. */
static long put(struct msg *m, uint16_t type, const void *data, size_t len)
{
	struct nlattr *a;
	size_t need = NLA_ALIGN(NLA_HDRLEN + len);
	long off = m->len;

	if (m->len + need > BUF_MAX || NLA_HDRLEN + len > 0xffff)
		return -1;
	a = (struct nlattr *)(m->buf + m->len);
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy(a + 1, data, len);
	memset((char *)(a + 1) + len, 0, need - NLA_HDRLEN - len);
	m->len += need;
	return off;
}

static void put_u8(struct msg *m, uint16_t t, uint8_t v) { put(m, t, &v, 1); }
static void put_u32(struct msg *m, uint16_t t, uint32_t v) { put(m, t, &v, 4); }
static void put_u64(struct msg *m, uint16_t t, uint64_t v) { put(m, t, &v, 8); }
static void put_str(struct msg *m, uint16_t t, const char *s) { put(m, t, s, strlen(s) + 1); }

static long nest_start(struct msg *m, uint16_t type)
{
	return put(m, type | (below(2) ? NLA_F_NESTED : 0), NULL, 0);
}

static void nest_end(struct msg *m, long off)
{
	if (off >= 0)
		((struct nlattr *)(m->buf + off))->nla_len = m->len - off;
}

static void msg_finish(struct msg *m)
{
	((struct nlmsghdr *)m->buf)->nlmsg_len = m->len;
}

static const char *const names[] = {
	"fz0", "fz1", "fz2", "fz3", "fz-a.b", "fz_5", "kvm", "rtc", "", ".", "..", "a/b",
	"fz-0123456789ab", "fz-0123456789abc", "FZ",
};

static const char *pick_name(void)
{
	return names[below(sizeof(names) / sizeof(names[0]))];
}

static void rand_bytes(void *p, size_t n)
{
	unsigned char *c = p;

	while (n--)
		*c++ = rnd();
}

/* A value at or around the edges of [lo, hi], or anything. */
static uint64_t edge(uint64_t lo, uint64_t hi)
{
	switch (below(7)) {
	case 0: return lo ? lo - 1 : 0;
	case 1: return lo;
	case 2: return hi;
	case 3: return hi + 1;
	case 4: return lo + below(hi - lo + 1);
	case 5: return rnd();
	default: return below(3) ? lo + below(hi - lo + 1) : (uint64_t)-1;
	}
}

/* A random attribute of some shape, possibly nested garbage. */
static void rand_attr(struct msg *m, uint16_t type, int depth)
{
	char s[64];
	long n;
	int i;

	switch (below(depth < 3 ? 9 : 8)) {
	case 0: put_u8(m, type, rnd()); break;
	case 1: put_u32(m, type, below(2) ? below(8) : rnd()); break;
	case 2: put_u64(m, type, rnd()); break;
	case 3: {
		uint16_t v = rnd();

		put(m, type, &v, 2);
		break;
	}
	case 4: put_str(m, type, pick_name()); break;
	case 5:
		n = below(sizeof(s));
		rand_bytes(s, n);
		put(m, type, s, n);
		break;
	case 6:
		put(m, type, NULL, 0);
		break;
	case 7:
		memset(s, 'x', sizeof(s));
		put(m, type, s, 16 + below(48));
		break;
	default:
		n = nest_start(m, type);
		for (i = below(5); i > 0; i--)
			rand_attr(m, below(4) ? below(22) : rnd(), depth + 1);
		nest_end(m, n);
		break;
	}
}

static const uint8_t cmds[] = {
	PTP_UNIFIED_CMD_SOURCE_ADD, PTP_UNIFIED_CMD_SOURCE_DEL, PTP_UNIFIED_CMD_SOURCE_GET,
	PTP_UNIFIED_CMD_SAMPLE_PUSH, PTP_UNIFIED_CMD_CONFIG_GET, PTP_UNIFIED_CMD_CONFIG_SET,
	PTP_UNIFIED_CMD_STATUS_GET,
};

static uint8_t pick_cmd(void)
{
	if (!below(10))
		return below(4) ? below(PTP_UNIFIED_CMD_MAX + 3) : rnd();
	return cmds[below(sizeof(cmds))];
}

/* A request that is valid more often than not. */
static void template(struct msg *m, int family)
{
	uint8_t cmd = pick_cmd();
	long long raw, n;
	int i;

	msg_start(m, family, cmd, NLM_F_REQUEST | NLM_F_ACK |
		  (cmd == PTP_UNIFIED_CMD_SOURCE_GET && below(2) ? NLM_F_DUMP : 0));
	switch (cmd) {
	case PTP_UNIFIED_CMD_SOURCE_ADD:
		put_str(m, PTP_UNIFIED_A_SOURCE_NAME, pick_name());
		put_u32(m, PTP_UNIFIED_A_SOURCE_CLASS, below(4) ? 2 + below(3) : below(8));
		break;
	case PTP_UNIFIED_CMD_SOURCE_DEL:
	case PTP_UNIFIED_CMD_SOURCE_GET:
		if (below(5))
			put_str(m, PTP_UNIFIED_A_SOURCE_NAME, pick_name());
		break;
	case PTP_UNIFIED_CMD_SAMPLE_PUSH: {
		static const long long offs[] = {
			0, 0, 0, 1000, -1000, 1000000, NS_PER_SEC, -NS_PER_SEC, 10 * NS_PER_SEC,
			-100 * NS_PER_SEC, 3600 * NS_PER_SEC,
		};

		raw = raw_now() - below(2 * NS_PER_SEC);
		if (!below(20))
			raw = rnd();
		put_str(m, PTP_UNIFIED_A_SAMPLE_SOURCE, below(8) ? names[below(4)] : pick_name());
		put_u64(m, PTP_UNIFIED_A_SAMPLE_RAW, raw);
		put_u64(m, PTP_UNIFIED_A_SAMPLE_REF, real_now() - (raw_now() - raw) +
			offs[below(sizeof(offs) / sizeof(offs[0]))] + below(100000));
		put_u64(m, PTP_UNIFIED_A_SAMPLE_BOUND, below(3) ? 1 + below(10000000) :
			edge(1, 1000 * NS_PER_SEC));
		if (below(2))
			put_u32(m, PTP_UNIFIED_A_SAMPLE_CLASS, below(4) ? 2 + below(3) : below(6));
		if (below(2))
			put_u8(m, PTP_UNIFIED_A_SAMPLE_STRATUM, edge(0, 15));
		if (below(2))
			put_u8(m, PTP_UNIFIED_A_SAMPLE_LEAP, edge(0, 2));
		break;
	}
	case PTP_UNIFIED_CMD_CONFIG_SET:
		if (below(3))
			put_u32(m, PTP_UNIFIED_A_CONFIG_MAX_DRIFT_PPB, edge(0, 1000000));
		if (!below(3))
			put_u32(m, PTP_UNIFIED_A_CONFIG_SLEW_LIMIT_PPB, edge(1000, 100000000));
		if (!below(3))
			put_u32(m, PTP_UNIFIED_A_CONFIG_HYSTERESIS_PCT, edge(0, 90));
		if (!below(3))
			put_u32(m, PTP_UNIFIED_A_CONFIG_STALE_LIMIT_S, edge(1, 86400));
		if (!below(3))
			put_u32(m, PTP_UNIFIED_A_CONFIG_KVM_POLL_MS, edge(10, 60000));
		if (!below(3))
			put_u32(m, PTP_UNIFIED_A_CONFIG_RTC_INTERVAL_S, edge(2, 3600));
		if (!below(6))
			put_str(m, PTP_UNIFIED_A_CONFIG_RTC_DEVICE, below(2) ? "rtc0" : pick_name());
		if (!below(3))
			put_u64(m, PTP_UNIFIED_A_CONFIG_STEP_THRESHOLD_NS,
				edge(1000000, 1000 * NS_PER_SEC));
		for (i = below(3); i > 0; i--) {
			n = nest_start(m, PTP_UNIFIED_A_CONFIG_SOURCE);
			if (below(8))
				put_str(m, PTP_UNIFIED_A_SOURCE_NAME, pick_name());
			if (below(2))
				put_u8(m, PTP_UNIFIED_A_SOURCE_ENABLED, edge(0, 1));
			if (below(2))
				put_u32(m, PTP_UNIFIED_A_SOURCE_PRIORITY, below(5));
			if (below(2))
				put_u8(m, PTP_UNIFIED_A_SOURCE_PREFER, edge(0, 1));
			nest_end(m, n);
		}
		break;
	default:
		break;
	}
	msg_finish(m);
}

/* Damage a finished message in 1 to 3 ways. */
static void mutate(struct msg *m, int family)
{
	size_t hdr = NLMSG_HDRLEN + GENL_HDRLEN, i;
	struct nlattr *a;
	int k;

	for (k = 1 + below(3); k > 0; k--) {
		switch (below(7)) {
		case 0:	/* flip a byte of the attributes */
			if (m->len > hdr)
				m->buf[hdr + below(m->len - hdr)] ^= 1 << below(8);
			break;
		case 1:	/* truncate */
			m->len = below(m->len + 1);
			break;
		case 2:	/* trailing garbage */
			i = below(40);
			if (m->len + i < BUF_MAX) {
				rand_bytes(m->buf + m->len, i);
				m->len += i;
			}
			break;
		case 3:	/* a lying attribute length */
			if (m->len >= hdr + NLA_HDRLEN) {
				a = (struct nlattr *)(m->buf + hdr);
				a->nla_len = below(3) ? below(64) : rnd();
			}
			break;
		case 4:	/* a random attribute type */
			if (m->len >= hdr + NLA_HDRLEN) {
				a = (struct nlattr *)(m->buf + hdr);
				a->nla_type = below(2) ? below(24) : rnd();
			}
			break;
		case 5:	/* duplicate the attributes */
			i = m->len - hdr;
			if (m->len > hdr && m->len + i < BUF_MAX) {
				memcpy(m->buf + m->len, m->buf + hdr, i);
				m->len += i;
			}
			break;
		default: /* a random header byte */
			if (m->len)
				m->buf[below(m->len < hdr ? m->len : hdr)] ^= 1 << below(8);
			break;
		}
	}
	if (m->len >= NLMSG_HDRLEN && below(4))
		((struct nlmsghdr *)m->buf)->nlmsg_len = m->len;
	/* Always this family: flipped type bits would fuzz other families. */
	if (m->len >= NLMSG_HDRLEN)
		((struct nlmsghdr *)m->buf)->nlmsg_type = family;
}

static void build(struct msg *m, int family)
{
	struct genlmsghdr *g;
	int i, r = below(100);

	if (r < 35) {
		/* typed random attributes for a (mostly) real command */
		msg_start(m, family, pick_cmd(), NLM_F_REQUEST | NLM_F_ACK |
			  (below(6) ? 0 : NLM_F_DUMP));
		for (i = below(8); i > 0; i--)
			rand_attr(m, below(8) ? below(12) : rnd(), 0);
		msg_finish(m);
	} else if (r < 70) {
		template(m, family);
		if (below(3))
			mutate(m, family);
	} else if (r < 82) {
		/* nested garbage where nests belong */
		msg_start(m, family, PTP_UNIFIED_CMD_CONFIG_SET, NLM_F_REQUEST | NLM_F_ACK);
		for (i = 1 + below(4); i > 0; i--) {
			long n = nest_start(m, PTP_UNIFIED_A_CONFIG_SOURCE);
			int j;

			for (j = below(6); j > 0; j--)
				rand_attr(m, below(8), 1);
			nest_end(m, n);
		}
		msg_finish(m);
	} else if (r < 94) {
		/* random header fields, random payload */
		msg_start(m, family, pick_cmd(), rnd());
		g = (struct genlmsghdr *)(m->buf + NLMSG_HDRLEN);
		g->version = rnd();
		g->reserved = below(2) ? 0 : rnd();
		i = below(128);
		rand_bytes(m->buf + m->len, i);
		m->len += i;
		msg_finish(m);
	} else {
		/* oversized: many attributes, or one huge one */
		template(m, family);
		if (below(2)) {
			while (m->len < BUF_MAX - 256)
				rand_attr(m, below(12), 2);
		} else {
			static char big[60000];

			memset(big, 'A', sizeof(big));
			put(m, below(12), big, 1000 + below(sizeof(big) - 1000));
		}
		msg_finish(m);
	}
}

/* ---- the run ---- */

struct stats {
	unsigned long long sent, bytes, send_err, acks, replies, events, enobufs;
	unsigned long long err[140];
	unsigned long long sys_ok, sys_bad;
};

static void drain(int fd, struct stats *st)
{
	static unsigned char rb[BUF_MAX * 2];
	struct nlmsghdr *nlh;
	ssize_t n;
	int len;

	for (;;) {
		n = recv(fd, rb, sizeof(rb), MSG_DONTWAIT);
		if (n < 0) {
			if (errno == ENOBUFS) {
				st->enobufs++;
				continue;
			}
			return;
		}
		len = n;
		for (nlh = (struct nlmsghdr *)rb; NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				int e = -((struct nlmsgerr *)NLMSG_DATA(nlh))->error;

				if (!e)
					st->acks++;
				else
					st->err[e > 0 && e < 139 ? e : 139]++;
			} else if (nlh->nlmsg_type != NLMSG_DONE) {
				st->replies++;
			}
		}
	}
}

static const char *const knob_files[] = {
	"max_drift_ppb", "slew_limit_ppb", "hysteresis_pct", "step_threshold_ns",
	"stale_limit_s", "kvm_poll_ms", "rtc_interval_s", "rtc_device",
	"sources/kvm/enabled", "sources/kvm/priority", "sources/kvm/prefer",
	"sources/rtc/enabled", "sources/rtc/priority", "sources/rtc/prefer",
	"sources/fz0/enabled", "sources/fz1/priority", "sources/fz2/prefer",
};

#define N_KNOB_FILES (sizeof(knob_files) / sizeof(knob_files[0]))

static int file_rw(const char *dir, const char *rel, char *buf, size_t len, bool wr)
{
	char path[512];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	fd = open(path, wr ? O_WRONLY : O_RDONLY);
	if (fd < 0)
		return -errno;
	n = wr ? write(fd, buf, len) : read(fd, buf, len - 1);
	if (n < 0)
		n = -errno;
	else if (!wr)
		buf[n] = '\0';
	close(fd);
	return n < 0 ? n : 0;
}

static void sysfs_poke(const char *dir, struct stats *st)
{
	static const char *const junk[] = {
		"garbage", "-1", "", "\n", "0x", "1e9", "99999999999999999999", "rtc9", "rtc0",
		"y", "n", "on", "off", "\x01\x02\x03", "  7",
	};
	const char *rel = knob_files[below(N_KNOB_FILES)];
	char v[32];

	switch (below(3)) {
	case 0:
		snprintf(v, sizeof(v), "%s", junk[below(sizeof(junk) / sizeof(junk[0]))]);
		break;
	case 1:
		snprintf(v, sizeof(v), "%llu", (unsigned long long)below(2000000));
		break;
	default:
		snprintf(v, sizeof(v), "%llu", (unsigned long long)rnd());
		break;
	}
	if (file_rw(dir, rel, v, strlen(v), true))
		st->sys_bad++;
	else
		st->sys_ok++;
}

/* Remove every external source (listed first: not during the dump). */
static void del_fuzz_sources(struct ptpu_nl *h)
{
	struct ptpu_nl_source all[PTPU_NL_MAX_SOURCES];
	int n, i;

	n = ptpu_nl_source_list(h, all, PTPU_NL_MAX_SOURCES);
	for (i = 0; i < n && i < PTPU_NL_MAX_SOURCES; i++)
		if (all[i].cls >= PTP_UNIFIED_CLASS_NTP)
			ptpu_nl_source_del(h, all[i].name);
}

/* The clock's step_count, or -1. */
static long long step_count(const char *dev)
{
	char dir[128];

	snprintf(dir, sizeof(dir), "/sys/class/ptp/%s/device", dev + 5);
	return sysfs_ll(dir, "step_count");
}

/*
 * The clock after the storm: it reads, and its reads go forward. A step
 * (a source that comes back after the storm may step a free-running clock,
 * either way) is the one thing that may move it back: a pass that saw one
 * is taken again, up to three times.
 */
static int check_clock(void)
{
	struct ptp_sys_offset_precise p;
	long long prev, t, steps;
	struct timespec ts;
	char dev[64];
	int fd, i, bad = 0, back = 0, pass;

	if (phc_find("ptp_unified", dev, sizeof(dev)) || (fd = open(dev, O_RDONLY)) < 0) {
		printf("no ptp_unified clock\n");
		return 1;
	}
	for (pass = 1; pass <= 3; pass++) {
		steps = step_count(dev);
		bad = 0;
		back = 0;
		/* Fuzzed samples may have put it before 1970: that is no error. */
		prev = LLONG_MIN;
		for (i = 0; i < 1000; i++) {
			if (clock_gettime(FD_TO_CLOCKID(fd), &ts)) {
				bad++;
				continue;
			}
			t = ts_ns(&ts);
			if (t < prev)
				back++;
			prev = t;
		}
		if (step_count(dev) == steps)
			break;
		printf("the clock stepped during pass %d of the reads (step_count %lld -> %lld): again\n",
		       pass, steps, step_count(dev));
	}
	memset(&p, 0, sizeof(p));
	if (ioctl(fd, PTP_SYS_OFFSET_PRECISE, &p))
		bad++;
	close(fd);
	printf("clock after fuzzing: 1000 reads and a cross timestamp, %d failed, %d went backwards",
	       bad, back);
	printf(" (last read %lld ns)\n", prev);
	return bad + back != 0;
}

int main(int argc, char **argv)
{
	static struct msg m;
	static struct stats st;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	long long limit = 100000, secs = 60, start, end;
	char saved[N_KNOB_FILES][32];
	struct ptpu_nl_config cfg, after;
	const char *sysdir = NULL;
	struct ptpu_nl_event ev;
	struct ptpu_nl_status s;
	struct ptpu_nl *h;
	bool reload = false, have_saved[N_KNOB_FILES] = {};
	int fd, one = 1, size = 4 << 20, opt, err = 0, family, bad = 0, ret;
	unsigned int i;

	rng_state = raw_now() | 1;
	while ((opt = getopt(argc, argv, "n:t:s:d:r")) != -1) {
		switch (opt) {
		case 'n': limit = atoll(optarg); break;
		case 't': secs = atoll(optarg); break;
		case 's': rng_state = strtoull(optarg, NULL, 0) | 1; break;
		case 'd': sysdir = optarg; break;
		case 'r': reload = true; break;
		default:
			fprintf(stderr, "usage: nl_fuzz [-n MESSAGES] [-t SECONDS] [-s SEED] [-d SYSFS_DIR] [-r]\n");
			return 2;
		}
	}
	printf("seed %llu\n", (unsigned long long)rng_state);
	h = ptpu_nl_open(&err);
	if (!h) {
		printf("cannot open the ptp_unified family: %s\n", strerror(-err));
		return 1;
	}
	family = ptpu_nl_family_id(h);
	if (ptpu_nl_config_get(h, &cfg) || ptpu_nl_events_subscribe(h)) {
		printf("config-get or subscribing failed\n");
		return 1;
	}
	if (reload)
		sysdir = NULL;
	for (i = 0; sysdir && i < N_KNOB_FILES; i++)
		have_saved[i] = !file_rw(sysdir, knob_files[i], saved[i], sizeof(saved[i]), false);

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0 || bind(fd, (struct sockaddr *)&kernel, sizeof(kernel))) {
		perror("netlink socket");
		return 1;
	}
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));

	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	start = raw_now();
	end = start + secs * NS_PER_SEC;
	while (!stop && (long long)st.sent < limit && raw_now() < end) {
		if (reload && !(st.sent % 100)) {
			ptpu_nl_close(h);
			h = ptpu_nl_open(NULL);
			if (!h) {
				struct timespec nap = { .tv_nsec = 5000000 };

				nanosleep(&nap, NULL);
				h = ptpu_nl_open(NULL);
			}
			if (h) {
				family = ptpu_nl_family_id(h);
				ptpu_nl_events_subscribe(h);
			}
		}
		build(&m, family);
		if (sendto(fd, m.buf, m.len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
			st.send_err++;
		st.sent++;
		st.bytes += m.len;
		drain(fd, &st);
		while (h && (ret = ptpu_nl_event_recv(h, &ev, 0)) != 0) {
			if (ret == -ENOBUFS)
				st.enobufs++;
			else if (ret < 0)
				break;
			else
				st.events++;
		}
		if (sysdir && !below(50))
			sysfs_poke(sysdir, &st);
	}
	secs = raw_now() - start;
	drain(fd, &st);
	close(fd);

	printf("%llu messages (%llu bytes) in %.1f s, %.0f/s; %llu send errors\n",
	       st.sent, st.bytes, secs / 1e9, st.sent / (secs / 1e9), st.send_err);
	printf("answers: %llu ACKs, %llu replies, errors:", st.acks, st.replies);
	for (i = 1; i < 140; i++)
		if (st.err[i])
			printf(" %s %llu;", i < 139 ? strerrorname_np(i) : "other", st.err[i]);
	printf("\n%llu events received, %llu overruns; sysfs writes: %llu taken, %llu refused\n",
	       st.events, st.enobufs, st.sys_ok, st.sys_bad);

	if (!h) {
		h = ptpu_nl_open(&err);
		if (!h) {
			printf("the family is gone: %s\n", strerror(-err));
			return reload ? 0 : 1;
		}
	}
	/* Put everything back. */
	del_fuzz_sources(h);
	for (i = 0; sysdir && i < N_KNOB_FILES; i++)
		if (have_saved[i])
			file_rw(sysdir, knob_files[i], saved[i], strlen(saved[i]), true);
	if (!reload && ptpu_nl_config_set(h, &cfg)) {
		printf("restoring the knobs failed: %s\n", ptpu_nl_ext_ack(h));
		bad = 1;
	}
	if (reload) {
		ptpu_nl_close(h);
		return 0;
	}

	if (ptpu_nl_status_get(h, &s)) {
		printf("status-get failed after fuzzing\n");
		bad = 1;
	} else {
		printf("after: state %s, selected \"%s\", bound %llu ns, disruptions %llu, steps %llu, %d sources\n",
		       ptpu_nl_state_name(s.state), s.selected, (unsigned long long)s.bound_ns,
		       (unsigned long long)s.disruptions, (unsigned long long)s.steps,
		       ptpu_nl_source_list(h, NULL, 0));
	}
	if (ptpu_nl_config_get(h, &after) || after.max_drift_ppb != cfg.max_drift_ppb ||
	    after.slew_limit_ppb != cfg.slew_limit_ppb ||
	    after.hysteresis_pct != cfg.hysteresis_pct ||
	    after.stale_limit_s != cfg.stale_limit_s ||
	    after.step_threshold_ns != cfg.step_threshold_ns ||
	    after.n_sources != cfg.n_sources) {
		printf("the knobs did not come back\n");
		bad = 1;
	}
	ptpu_nl_close(h);
	return bad | check_clock();
}
