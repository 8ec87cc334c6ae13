// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Every write path of ptp_unified from a process without CAP_SYS_TIME:
 * each one must be refused and the state read back must be unchanged.
 *
 * usage: unpriv nobody|nocap SYSFS_DEVICE_DIR
 *   nobody  the writer is uid/gid 65534 without supplementary groups
 *   nocap   the writer stays uid 0 (so file modes let it open everything)
 *           with CAP_SYS_TIME dropped from its bounding, effective,
 *           permitted and inheritable sets
 *
 * The parent (full root) adds a source "unpriv" with one sample, checks
 * that a privileged write goes through (so a refusal below means something),
 * and records the state: every writable attribute of the device directory
 * and of sources/<name>/, step_count and disruption_count, the list of
 * sources and the samples of "unpriv", the clock minus CLOCK_REALTIME, and
 * the kernel log's count of rtc device switches. A child drops the
 * privilege and tries:
 *   - netlink: every command number up to PTP_UNIFIED_CMD_MAX + 1 with an
 *     empty request (the three reads may answer; everything else must fail
 *     with EPERM, or EOPNOTSUPP where no such command exists), and each
 *     write command with a request that would change the clock: source-add,
 *     source-del, sample-push (to "unpriv" +1000 s, and creating a source),
 *     config-set of a knob and of a source's flags;
 *   - sysfs: every file with a write bit in the device directory and in
 *     sources/<name>/, with a valid value different from the current one
 *     (an attribute this test does not know fails: teach it the new one);
 *     the driver core's own files (uevent, driver_override) are skipped;
 *   - the PHC: clock_settime and clock_adjtime (ADJ_SETOFFSET,
 *     ADJ_FREQUENCY) through an O_RDWR and an O_RDONLY descriptor, and the
 *     ioctls that change state: PTP_ENABLE_PPS(2), PTP_EXTTS_REQUEST(2),
 *     PTP_PEROUT_REQUEST(2), PTP_PIN_SETFUNC(2).
 * Refused means EPERM or EACCES; for the PHC also EOPNOTSUPP (the clock is
 * a reference clock that nobody may set), ERANGE for a frequency (its
 * max_adj is 0) and EINVAL for the channel ioctls (the clock has no pins,
 * external timestamps or periodic outputs).
 * Then the parent records the state again and compares.
 * Exit 0 when everything was refused and nothing changed.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/ptp_clock.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/klog.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timex.h>
#include <sys/wait.h>

#include "phc_util.h"
#include "ptpu_nl.h"

#define NS_PER_SEC	1000000000LL
#define SRC		"unpriv"
#define NOBODY		65534

static const char *sysdir;
static int not_refused;

static long long now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts_ns(&ts);
}

static int read_file(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (!fgets(buf, len, f))
		buf[0] = 0;
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

/* ---- what "the state" is ---- */

/* Not knobs: the driver core's files in every device directory. */
static bool driver_core_file(const char *name)
{
	return !strcmp(name, "uevent") || !strcmp(name, "driver_override");
}

/* Append "rel=value" for every writable file of @dir (relative @rel). */
static void snap_dir(const char *dir, const char *rel, char *out, size_t len)
{
	struct dirent **names;
	char path[600], val[128];
	struct stat sb;
	int n, i;

	n = scandir(dir, &names, NULL, alphasort);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (!stat(path, &sb) && S_ISREG(sb.st_mode) && (sb.st_mode & 0222) &&
		    !driver_core_file(names[i]->d_name) && !read_file(path, val, sizeof(val)))
			snprintf(out + strlen(out), len - strlen(out), "%s%s=%s\n",
				 rel, names[i]->d_name, val);
		free(names[i]);
	}
	if (n >= 0)
		free(names);
}

static int rtc_switches(void)
{
	static char log[1 << 20];
	int n = klogctl(3, log, sizeof(log) - 1), c = 0;
	char *p = log;

	if (n < 0)
		return -1;
	log[n] = 0;
	while ((p = strstr(p, "rtc: now reading"))) {
		c++;
		p++;
	}
	return c;
}

struct state {
	char text[8192];
	long long off;		/* unified - CLOCK_REALTIME */
};

static void snapshot(struct state *s)
{
	char path[300], val[64];
	struct ptpu_nl_source srcs[PTPU_NL_MAX_SOURCES];
	struct ptpu_nl *h;
	struct dirent **names;
	int n, i, err;
	char dev[64];

	s->text[0] = 0;
	snap_dir(sysdir, "", s->text, sizeof(s->text));
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s", sysdir, i ? "disruption_count" : "step_count");
		read_file(path, val, sizeof(val));
		snprintf(s->text + strlen(s->text), sizeof(s->text) - strlen(s->text),
			 "%s=%s\n", i ? "disruption_count" : "step_count", val);
	}
	snprintf(path, sizeof(path), "%s/sources", sysdir);
	n = scandir(path, &names, NULL, alphasort);
	for (i = 0; i < n; i++) {
		char dir[600], rel[300];

		if (names[i]->d_name[0] != '.') {
			snprintf(dir, sizeof(dir), "%s/%s", path, names[i]->d_name);
			snprintf(rel, sizeof(rel), "sources/%s/", names[i]->d_name);
			snap_dir(dir, rel, s->text, sizeof(s->text));
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	h = ptpu_nl_open(&err);
	n = h ? ptpu_nl_source_list(h, srcs, PTPU_NL_MAX_SOURCES) : err;
	snprintf(s->text + strlen(s->text), sizeof(s->text) - strlen(s->text),
		 "netlink sources (%d):", n);
	for (i = 0; i < n && i < PTPU_NL_MAX_SOURCES; i++) {
		snprintf(s->text + strlen(s->text), sizeof(s->text) - strlen(s->text),
			 " %s", srcs[i].name);
		if (!strcmp(srcs[i].name, SRC))
			snprintf(s->text + strlen(s->text), sizeof(s->text) - strlen(s->text),
				 "(%u samples)", srcs[i].samples);
	}
	if (h)
		ptpu_nl_close(h);
	snprintf(s->text + strlen(s->text), sizeof(s->text) - strlen(s->text),
		 "\nrtc device switches in the kernel log: %d\n", rtc_switches());

	s->off = 0;
	if (!phc_find("ptp_unified", dev, sizeof(dev))) {
		struct ptp_sys_offset_precise p = {};
		int fd = open(dev, O_RDONLY);

		if (fd >= 0 && !ioctl(fd, PTP_SYS_OFFSET_PRECISE, &p))
			s->off = pct_ns(&p.device) - pct_ns(&p.sys_realtime);
		if (fd >= 0)
			close(fd);
	}
}

/* The clock and CLOCK_MONOTONIC_RAW from one counter read; true if read. */
static bool clock_sample(int64_t *raw, int64_t *ref)
{
	struct ptp_sys_offset_precise p = {};
	char dev[64];
	int fd, ret = -1;

	if (phc_find("ptp_unified", dev, sizeof(dev)))
		return false;
	fd = open(dev, O_RDONLY);
	if (fd >= 0) {
		ret = ioctl(fd, PTP_SYS_OFFSET_PRECISE, &p);
		close(fd);
	}
	*raw = pct_ns(&p.sys_monoraw);
	*ref = pct_ns(&p.device);
	return ret == 0;
}

/* ---- the attempts (in the child) ---- */

static void attempt(const char *what, int err, const int *refusals)
{
	int i;

	for (i = 0; refusals[i]; i++)
		if (err == refusals[i]) {
			printf("  refused: %-58s %s\n", what, strerrorname_np(err));
			return;
		}
	not_refused++;
	printf("  NOT REFUSED: %-54s %s\n", what, err ? strerrorname_np(err) : "succeeded");
}

static const int perm[] = { EPERM, EACCES, 0 };
static const int perm_or_none[] = { EPERM, EOPNOTSUPP, 0 };
static const int phc_refusals[] = { EPERM, EACCES, EOPNOTSUPP, 0 };
static const int chan_refusals[] = { EPERM, EACCES, EOPNOTSUPP, EINVAL, 0 };
static const int freq_refusals[] = { EPERM, EACCES, EOPNOTSUPP, ERANGE, 0 };

static int read_cmd(int cmd)
{
	return cmd == PTP_UNIFIED_CMD_SOURCE_GET || cmd == PTP_UNIFIED_CMD_CONFIG_GET ||
	       cmd == PTP_UNIFIED_CMD_STATUS_GET;
}

static void try_netlink(void)
{
	struct ptpu_nl_sample smp = { .source = SRC, .bound_ns = 1000000, .cls = -1 };
	struct ptpu_nl_config cfg;
	struct ptpu_nl *h;
	char what[80];
	int cmd, err;

	h = ptpu_nl_open(&err);
	if (!h) {
		printf("  cannot open the family: %s\n", strerror(-err));
		not_refused++;
		return;
	}
	for (cmd = 0; cmd <= PTP_UNIFIED_CMD_MAX + 1; cmd++) {
		struct nl_msg *m = ptpu_nl_msg(h, cmd, 0);

		err = m ? ptpu_nl_transact(h, m, NULL, NULL) : -ENOMEM;
		snprintf(what, sizeof(what), "netlink command %d, empty request", cmd);
		if (read_cmd(cmd))
			printf("  (read)   %-58s %s\n", what, err ? strerrorname_np(-err) : "answered");
		else
			attempt(what, -err, perm_or_none);
	}
	attempt("netlink source-add unpriv-new", -ptpu_nl_source_add(h, "unpriv-new",
				   PTP_UNIFIED_CLASS_NTP), perm);
	attempt("netlink source-del " SRC, -ptpu_nl_source_del(h, SRC), perm);
	smp.raw_ns = now_ns(CLOCK_MONOTONIC_RAW);
	smp.ref_ns = now_ns(CLOCK_REALTIME) + 1000 * NS_PER_SEC;
	attempt("netlink sample-push to " SRC ", +1000 s", -ptpu_nl_sample_push(h, &smp), perm);
	smp.source = "unpriv-new";
	smp.cls = PTP_UNIFIED_CLASS_NTP;
	attempt("netlink sample-push creating unpriv-new", -ptpu_nl_sample_push(h, &smp), perm);
	if (ptpu_nl_config_get(h, &cfg)) {
		printf("  config-get failed\n");
		not_refused++;
	} else {
		cfg.set = PTPU_NL_CFG_MAX_DRIFT;
		cfg.max_drift_ppb = cfg.max_drift_ppb == 12345 ? 23456 : 12345;
		cfg.n_sources = 0;
		attempt("netlink config-set max-drift", -ptpu_nl_config_set(h, &cfg), perm);
		cfg.set = 0;
		cfg.n_sources = 1;
		snprintf(cfg.sources[0].name, sizeof(cfg.sources[0].name), "%s", SRC);
		cfg.sources[0].set = PTPU_NL_SRC_ENABLED | PTPU_NL_SRC_PRIORITY | PTPU_NL_SRC_PREFER;
		cfg.sources[0].enabled = false;
		cfg.sources[0].priority = 99;
		cfg.sources[0].prefer = true;
		attempt("netlink config-set source " SRC " off, priority 99, prefer",
			-ptpu_nl_config_set(h, &cfg), perm);
	}
	ptpu_nl_close(h);
}

/* A valid value for @name different from @cur; NULL if unknown. */
static const char *other_value(const char *name, const char *cur)
{
	static const struct { const char *name, *a, *b; } vals[] = {
		{ "max_drift_ppb", "12345", "23456" },
		{ "slew_limit_ppb", "123456", "234567" },
		{ "hysteresis_pct", "11", "12" },
		{ "step_threshold_ns", "123456789", "234567890" },
		{ "stale_limit_s", "77", "78" },
		{ "rtc_interval_s", "7", "8" },
		{ "kvm_poll_ms", "777", "778" },
		/* Naming the RTC in use restarts its edge search: a change. */
		{ "rtc_device", "rtc0", "rtc0" },
		{ "enabled", "0", "1" },
		{ "prefer", "0", "1" },
		{ "priority", "7", "8" },
	};
	size_t i;

	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
		if (!strcmp(name, vals[i].name))
			return strcmp(cur, vals[i].a) ? vals[i].a : vals[i].b;
	return NULL;
}

static void try_sysfs_dir(const char *dir, const char *rel)
{
	struct dirent **names;
	char path[600], what[400], cur[64];
	struct stat sb;
	int n, i, fd, err;

	n = scandir(dir, &names, NULL, alphasort);
	for (i = 0; i < n; i++) {
		const char *name = names[i]->d_name, *val;

		snprintf(path, sizeof(path), "%s/%s", dir, name);
		if (stat(path, &sb) || !S_ISREG(sb.st_mode) || !(sb.st_mode & 0222))
			goto next;
		snprintf(what, sizeof(what), "sysfs %s%s", rel, name);
		if (driver_core_file(name)) {
			printf("  skipped: %-58s (driver core)\n", what);
			goto next;
		}
		read_file(path, cur, sizeof(cur));
		val = other_value(name, cur);
		if (!val) {
			printf("  UNKNOWN writable attribute %s: teach unpriv.c a value for it\n", what);
			not_refused++;
			goto next;
		}
		snprintf(what + strlen(what), sizeof(what) - strlen(what), " <- %s", val);
		fd = open(path, O_WRONLY);
		err = fd < 0 ? errno : 0;
		if (fd >= 0) {
			if (write(fd, val, strlen(val)) < 0)
				err = errno;
			close(fd);
		}
		attempt(what, err, perm);
next:
		free(names[i]);
	}
	if (n >= 0)
		free(names);
}

static void try_sysfs(void)
{
	struct dirent **names;
	char path[300], dir[600], rel[300];
	int n, i;

	try_sysfs_dir(sysdir, "");
	snprintf(path, sizeof(path), "%s/sources", sysdir);
	n = scandir(path, &names, NULL, alphasort);
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			snprintf(dir, sizeof(dir), "%s/%s", path, names[i]->d_name);
			snprintf(rel, sizeof(rel), "sources/%s/", names[i]->d_name);
			try_sysfs_dir(dir, rel);
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
}

static int try_ioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) ? errno : 0;
}

static void try_phc_fd(int fd, const char *mode)
{
	struct ptp_extts_request ext = { .index = 0, .flags = PTP_ENABLE_FEATURE };
	struct ptp_perout_request per = { .index = 0, .period = { .sec = 1 } };
	struct ptp_pin_desc pin = { .index = 0, .func = PTP_PF_EXTTS };
	clockid_t clk = FD_TO_CLOCKID(fd);
	struct timex tx = {};
	struct timespec ts;
	char what[100];

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 1000;
	snprintf(what, sizeof(what), "clock_settime +1000 s (%s)", mode);
	attempt(what, clock_settime(clk, &ts) ? errno : 0, phc_refusals);
	tx.modes = ADJ_SETOFFSET | ADJ_NANO;
	tx.time.tv_sec = 1000;
	snprintf(what, sizeof(what), "clock_adjtime ADJ_SETOFFSET +1000 s (%s)", mode);
	attempt(what, clock_adjtime(clk, &tx) < 0 ? errno : 0, phc_refusals);
	memset(&tx, 0, sizeof(tx));
	tx.modes = ADJ_FREQUENCY;
	tx.freq = 100 << 16;
	snprintf(what, sizeof(what), "clock_adjtime ADJ_FREQUENCY +100 ppm (%s)", mode);
	attempt(what, clock_adjtime(clk, &tx) < 0 ? errno : 0, freq_refusals);

	snprintf(what, sizeof(what), "PTP_ENABLE_PPS (%s)", mode);
	attempt(what, try_ioctl(fd, PTP_ENABLE_PPS, (void *)1UL), phc_refusals);
	snprintf(what, sizeof(what), "PTP_ENABLE_PPS2 (%s)", mode);
	attempt(what, try_ioctl(fd, PTP_ENABLE_PPS2, (void *)1UL), phc_refusals);
	snprintf(what, sizeof(what), "PTP_EXTTS_REQUEST (%s)", mode);
	attempt(what, try_ioctl(fd, PTP_EXTTS_REQUEST, &ext), chan_refusals);
	snprintf(what, sizeof(what), "PTP_EXTTS_REQUEST2 (%s)", mode);
	attempt(what, try_ioctl(fd, PTP_EXTTS_REQUEST2, &ext), chan_refusals);
	snprintf(what, sizeof(what), "PTP_PEROUT_REQUEST (%s)", mode);
	attempt(what, try_ioctl(fd, PTP_PEROUT_REQUEST, &per), chan_refusals);
	snprintf(what, sizeof(what), "PTP_PEROUT_REQUEST2 (%s)", mode);
	attempt(what, try_ioctl(fd, PTP_PEROUT_REQUEST2, &per), chan_refusals);
	snprintf(what, sizeof(what), "PTP_PIN_SETFUNC (%s)", mode);
	attempt(what, try_ioctl(fd, PTP_PIN_SETFUNC, &pin), chan_refusals);
	snprintf(what, sizeof(what), "PTP_PIN_SETFUNC2 (%s)", mode);
	attempt(what, try_ioctl(fd, PTP_PIN_SETFUNC2, &pin), chan_refusals);
}

static void try_phc(void)
{
	static const int modes[] = { O_RDWR, O_RDONLY };
	char dev[64], what[200];
	int i, fd;

	if (phc_find("ptp_unified", dev, sizeof(dev))) {
		printf("  no ptp_unified clock\n");
		not_refused++;
		return;
	}
	for (i = 0; i < 2; i++) {
		const char *mode = modes[i] == O_RDWR ? "O_RDWR" : "O_RDONLY";

		fd = open(dev, modes[i]);
		if (fd < 0) {
			snprintf(what, sizeof(what), "open %s %s (so no PHC call at all)", dev, mode);
			attempt(what, errno, perm);
			continue;
		}
		try_phc_fd(fd, mode);
		close(fd);
	}
}

static int drop(const char *who)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];
	struct timespec now;
	char line[128];
	FILE *f;

	if (!strcmp(who, "nobody")) {
		if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY))
			return -1;
	} else {
		if (prctl(PR_CAPBSET_DROP, CAP_SYS_TIME, 0, 0, 0) ||
		    syscall(SYS_capget, &hdr, data))
			return -1;
		data[CAP_SYS_TIME >> 5].effective &= ~(1u << (CAP_SYS_TIME & 31));
		data[CAP_SYS_TIME >> 5].permitted &= ~(1u << (CAP_SYS_TIME & 31));
		data[CAP_SYS_TIME >> 5].inheritable &= ~(1u << (CAP_SYS_TIME & 31));
		if (syscall(SYS_capset, &hdr, data))
			return -1;
	}
	f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "Uid:", 4) || !strncmp(line, "CapEff:", 7) ||
		    !strncmp(line, "CapBnd:", 7))
			printf("  writer %s", line);
	if (f)
		fclose(f);
	/* The proof that CAP_SYS_TIME is gone. */
	clock_gettime(CLOCK_REALTIME, &now);
	if (!clock_settime(CLOCK_REALTIME, &now) || errno != EPERM) {
		printf("  clock_settime(CLOCK_REALTIME) did not fail with EPERM: CAP_SYS_TIME still there\n");
		return -1;
	}
	printf("  writer: clock_settime(CLOCK_REALTIME) fails with EPERM: no CAP_SYS_TIME\n");
	return 0;
}

static int child(const char *who)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (drop(who)) {
		printf("  dropping the privilege failed: %s\n", strerror(errno));
		return 100;
	}
	try_netlink();
	try_sysfs();
	try_phc();
	return not_refused > 99 ? 99 : not_refused;
}

/* Print the lines of @a missing from @b, prefixed. */
static void diff_lines(const char *a, const char *b, const char *prefix)
{
	char line[256];
	const char *p = a, *nl;

	while (*p && (nl = strchr(p, '\n'))) {
		snprintf(line, sizeof(line), "%.*s", (int)(nl - p + 1), p);
		if (!strstr(b, line))
			printf("%s%s", prefix, line);
		p = nl + 1;
	}
}

int main(int argc, char **argv)
{
	static struct state before, after;
	struct ptpu_nl_sample smp = { .source = SRC, .bound_ns = 1000000,
				      .cls = PTP_UNIFIED_CLASS_NTP, .stratum = 2 };
	char path[300];
	struct ptpu_nl *h;
	int err, status, fail = 0, changed;
	long long jump;
	pid_t pid;

	if (argc != 3 || (strcmp(argv[1], "nobody") && strcmp(argv[1], "nocap"))) {
		fprintf(stderr, "usage: %s nobody|nocap SYSFS_DEVICE_DIR\n", argv[0]);
		return 2;
	}
	sysdir = argv[2];
	setvbuf(stdout, NULL, _IOLBF, 0);

	h = ptpu_nl_open(&err);
	if (!h) {
		printf("cannot open the ptp_unified family: %s\n", strerror(-err));
		return 1;
	}
	/* The clock's own time as the sample: it agrees with any source. */
	if (!clock_sample(&smp.raw_ns, &smp.ref_ns)) {
		printf("cannot read the ptp_unified clock\n");
		return 1;
	}
	err = ptpu_nl_sample_push(h, &smp);
	if (err) {
		printf("privileged sample-push to a new source %s failed: %s\n", SRC, strerror(-err));
		return 1;
	}
	/* The control: with CAP_SYS_TIME the same sysfs path is writable. */
	snprintf(path, sizeof(path), "%s/sources/%s/priority", sysdir, SRC);
	{
		FILE *f = fopen(path, "w");

		if (!f || fputs("0", f) < 0 || fclose(f)) {
			printf("privileged write of %s failed: %s\n", path, strerror(errno));
			return 1;
		}
	}
	printf("control: with CAP_SYS_TIME, sample-push created source %s and %s took a write\n",
	       SRC, path);

	snapshot(&before);
	printf("state before:\n%s", before.text);
	printf("writer: %s\n", strcmp(argv[1], "nobody") ? "uid 0 without CAP_SYS_TIME" :
	       "uid 65534 (nobody)");
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(child(argv[1]));
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status)) {
		printf("the writer did not exit normally\n");
		return 1;
	}
	snapshot(&after);
	jump = after.off - before.off;
	changed = strcmp(before.text, after.text) != 0;
	if (changed) {
		printf("state changed:\n");
		diff_lines(before.text, after.text, "  before: ");
		diff_lines(after.text, before.text, "  after:  ");
	}
	printf("unified - CLOCK_REALTIME: %lld ns before, %lld ns after (moved %lld ns)\n",
	       before.off, after.off, jump);
	if (WEXITSTATUS(status) == 100) {
		fail = 1;
	} else if (WEXITSTATUS(status)) {
		printf("%d write paths were not refused\n", WEXITSTATUS(status));
		fail = 1;
	}
	/* +1000 s was asked for everywhere; drift over a second is far less. */
	if (changed || jump > NS_PER_SEC / 10 || jump < -NS_PER_SEC / 10)
		fail = 1;

	err = ptpu_nl_source_del(h, SRC);
	if (err)
		printf("removing source %s failed: %s\n", SRC, strerror(-err));
	ptpu_nl_close(h);
	printf("%s\n", fail ? "FAIL" : "every write refused, nothing changed");
	return fail || err;
}
