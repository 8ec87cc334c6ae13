// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PHC discovery and opening: the ptp_unified clock found by its udev link
 * or its sysfs clock_name, and the clear refusals (not a PHC, not a
 * character device, missing, permission denied); the gettime realtime/raw
 * pair. No PHC is needed (there is none on the build machine).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock/sysoff.h"
#include "tap.h"
#include "timeutil.h"

static char root[] = "/tmp/phc-steer-test-sysoff-XXXXXX";

static void put(const char *rel, const char *text)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	f = fopen(p, "w");
	fputs(text, f);
	fclose(f);
}

static void sub(const char *rel)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	mkdir(p, 0755);
}

static void discovery(void)
{
	char dev[128], sys[128], path[256], want[256];

	sub("dev");
	sub("sys");
	sub("sys/ptp0");
	sub("sys/ptp3");
	snprintf(dev, sizeof(dev), "%s/dev", root);
	snprintf(sys, sizeof(sys), "%s/sys", root);

	is_int(phc_find_unified(dev, sys, path, sizeof(path)), -ENOENT,
	       "no link and no named clock: -ENOENT");
	put("sys/ptp0/clock_name", "KVM virtual PTP\n");
	put("sys/ptp3/clock_name", "ptp_unified\n");
	is_int(phc_find_unified(dev, sys, path, sizeof(path)), 0,
	       "found by clock_name");
	snprintf(want, sizeof(want), "%s/ptp3", dev);
	is_str(path, want, "the ptpN whose clock_name is ptp_unified");
	put("dev/ptp_unified", "");
	is_int(phc_find_unified(dev, sys, path, sizeof(path)), 0,
	       "found by the udev link");
	snprintf(want, sizeof(want), "%s/ptp_unified", dev);
	is_str(path, want, "the link wins");
}

static void refusals(void)
{
	char err[512], p[256], want[512];
	struct phc phc;

	is_int(phc_open(&phc, "/dev/null", 5, err, sizeof(err)), -ENODEV,
	       "/dev/null is refused");
	is_str(err, "/dev/null is not a PTP hardware clock (PTP_CLOCK_GETCAPS: Inappropriate ioctl for device)",
	       "because it is not a PHC");
	snprintf(p, sizeof(p), "%s/dev/ptp_unified", root);
	is_int(phc_open(&phc, p, 5, err, sizeof(err)), -ENODEV,
	       "a regular file is refused");
	snprintf(want, sizeof(want),
		 "%s is not a PTP hardware clock (not a character device)", p);
	is_str(err, want, "because it is not a character device");
	snprintf(p, sizeof(p), "%s/dev/ptp9", root);
	is_int(phc_open(&phc, p, 5, err, sizeof(err)), -ENOENT, "a missing path");
	snprintf(want, sizeof(want), "%s: no such device", p);
	is_str(err, want, "says so");

	if (phc_find_unified("/dev", "/sys/class/ptp", p, sizeof(p)) == 0) {
		ok(1, "# SKIP a ptp_unified clock exists here");
		ok(1, "# SKIP a ptp_unified clock exists here");
		return;
	}
	is_int(phc_open(&phc, NULL, 5, err, sizeof(err)), -ENOENT,
	       "no ptp_unified clock on this machine");
	is_str(err, "no ptp_unified clock: /dev/ptp_unified does not exist and no /sys/class/ptp/ptp*/clock_name is \"ptp_unified\" (is the ptp_unified module loaded?)",
	       "the message says where it looked");
}

/* A character device only root may open, opened as nobody. */
static void permission(void)
{
	char p[256], err[512] = "", want[512];
	int fds[2], status, r = 0;
	struct phc phc;
	pid_t pid;

	snprintf(p, sizeof(p), "%s/dev/ptp_private", root);
	if (geteuid() != 0 || mknod(p, S_IFCHR | 0600, makedev(1, 3))) {
		ok(1, "# SKIP needs root and a filesystem allowing device nodes");
		ok(1, "# SKIP needs root and a filesystem allowing device nodes");
		return;
	}
	if (pipe(fds))
		return;
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		if (setgid(65534) || setuid(65534))
			_exit(2);
		r = phc_open(&phc, p, 5, err, sizeof(err));
		if (write(fds[1], &r, sizeof(r)) < 0 ||
		    write(fds[1], err, sizeof(err)) < 0)
			_exit(3);
		_exit(0);
	}
	close(fds[1]);
	if (read(fds[0], &r, sizeof(r)) != sizeof(r) ||
	    read(fds[0], err, sizeof(err)) <= 0)
		r = 1;
	close(fds[0]);
	waitpid(pid, &status, 0);
	unlink(p);
	is_int(r, -EACCES, "a device this user may not open: -EACCES");
	snprintf(want, sizeof(want),
		 "%s: permission denied (run as root, or give this user read access to the device)",
		 p);
	is_str(err, want, "with a message that says what to do");
}

static void pair(void)
{
	struct rt_raw_pair pr;
	int64_t rt, raw;

	is_int(sysoff_rt_raw_pair(NULL, &pr), 0, "realtime/raw pair without a PHC");
	rt = clock_ns(CLOCK_REALTIME);
	raw = clock_ns(CLOCK_MONOTONIC_RAW);
	ok(rt - pr.realtime_ns >= 0 && rt - pr.realtime_ns < 10 * NS_PER_MS,
	   "its realtime is now");
	ok(raw - pr.monoraw_ns >= 0 && raw - pr.monoraw_ns < 10 * NS_PER_MS,
	   "its raw time is now");
	ok(pr.uncertainty_ns > 0 && pr.uncertainty_ns < NS_PER_MS,
	   "uncertainty %lld ns: positive, below 1 ms", (long long)pr.uncertainty_ns);
	is_str(sysoff_method_name(SYSOFF_PRECISE), "precise", "method names");
	is_str(sysoff_method_name(SYSOFF_BASIC), "basic", "method names");
}

int main(void)
{
	char cmd[128];

	if (!mkdtemp(root)) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	discovery();
	refusals();
	permission();
	pair();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	if (system(cmd))
		diag("could not remove %s", root);
	return tap_done();
}
