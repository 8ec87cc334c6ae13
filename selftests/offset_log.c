// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * make demo's offset sampler. Reads the host's clock (ptp_kvm, the truth)
 * against the guest's CLOCK_REALTIME and CLOCK_MONOTONIC_RAW, and the
 * unified clock against CLOCK_REALTIME, every INTERVAL ms, and writes one
 * line per sample to OUTFILE (flushed at once, so a reader can follow it):
 *
 *   s T SYS UNI DC   T: host time since the start (s); SYS: CLOCK_REALTIME
 *                    minus the host (ns); UNI: the unified clock minus the
 *                    host (ns, "-" while there is no unified clock); DC: its
 *                    disruption_count (-1 while there is none)
 *   m T LABEL        a mark: LABEL was written to MARKFILE (then removed)
 *   j T JUMP         host time jumped JUMP ns against CLOCK_MONOTONIC_RAW
 *                    since the last sample: the VM was paused (its clocks
 *                    stopped with it) and has just resumed
 *
 * The x axis is host time, so a pause shows as a gap. After a mark "pause"
 * it samples every FAST ms until 3 s after the next jump (or 60 s), to time
 * the recovery closely.
 *
 * usage: offset_log [-i INTERVAL_MS] [-f FAST_MS] [-m MARKFILE] [-t TIMEOUT_S] OUTFILE
 * Runs until SIGTERM or SIGINT (exit 0) or TIMEOUT_S (default 900) of host
 * time; exit 1 when the host's clock cannot be read, 2 on bad usage.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "phc_util.h"

#define NS 1000000000LL

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Host time, and host minus CLOCK_REALTIME and minus CLOCK_MONOTONIC_RAW (ns). */
static int read_host(int fk, enum phc_method *m, long long *host, long long *h_rt,
		     long long *h_raw)
{
	long long u;

	return phc_vs_system(fk, m, host, h_rt, h_raw, &u);
}

/* The unified clock, opened once it appears; its sysfs device directory. */
struct unified {
	int fd;
	enum phc_method m;
	char sysdir[128];
};

static void unified_open(struct unified *u)
{
	char path[64];

	if (u->fd >= 0 || phc_find("ptp_unified", path, sizeof(path)))
		return;
	u->fd = open(path, O_RDONLY);
	u->m = PHC_PRECISE;
	snprintf(u->sysdir, sizeof(u->sysdir), "/sys/class/ptp/%s/device", path + 5);
}

static long long disruptions(const struct unified *u)
{
	char path[192], buf[32] = "";
	FILE *f;

	if (u->fd < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/disruption_count", u->sysdir);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	return buf[0] ? atoll(buf) : -1;
}

/* A mark waiting in @file: its first line into @label, and the file removed. */
static bool take_mark(const char *file, char *label, size_t len)
{
	FILE *f;

	if (!file)
		return false;
	f = fopen(file, "r");
	if (!f)
		return false;
	if (!fgets(label, (int)len, f))
		label[0] = 0;
	fclose(f);
	unlink(file);
	label[strcspn(label, "\r\n")] = 0;
	return true;
}

static void nap_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = ms % 1000 * 1000000L };

	nanosleep(&ts, NULL);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: offset_log [-i INTERVAL_MS] [-f FAST_MS] [-m MARKFILE] [-t TIMEOUT_S] OUTFILE\n");
	exit(2);
}

int main(int argc, char **argv)
{
	long interval = 250, fast = 10, timeout = 900;
	long long host, h_rt, h_raw, start, raw_prev = 0, fast_until = 0;
	struct unified u = { .fd = -1 };
	enum phc_method mk = PHC_PRECISE;
	const char *markfile = NULL;
	char path[64], label[64];
	struct sigaction sa;
	bool fast_mode = false;
	FILE *out;
	int fk, i;

	for (i = 1; i < argc - 1; i += 2) {
		if (!strcmp(argv[i], "-i"))
			interval = atol(argv[i + 1]);
		else if (!strcmp(argv[i], "-f"))
			fast = atol(argv[i + 1]);
		else if (!strcmp(argv[i], "-m"))
			markfile = argv[i + 1];
		else if (!strcmp(argv[i], "-t"))
			timeout = atol(argv[i + 1]);
		else
			usage();
	}
	if (i != argc - 1 || interval <= 0 || fast <= 0 || timeout <= 0)
		usage();
	out = fopen(argv[argc - 1], "w");
	if (!out) {
		fprintf(stderr, "offset_log: %s: %s\n", argv[argc - 1], strerror(errno));
		return 1;
	}
	if (phc_find("KVM virtual PTP", path, sizeof(path))) {
		fprintf(stderr, "offset_log: no ptp_kvm clock (modprobe ptp_kvm)\n");
		return 1;
	}
	fk = open(path, O_RDONLY);
	if (fk < 0 || read_host(fk, &mk, &start, &h_rt, &h_raw)) {
		fprintf(stderr, "offset_log: %s: %s\n", path, strerror(errno));
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	while (!stop) {
		long long uni = 0, uu, t;
		bool have_uni = false;

		if (read_host(fk, &mk, &host, &h_rt, &h_raw)) {
			fprintf(stderr, "offset_log: %s: %s\n", path, strerror(errno));
			return 1;
		}
		t = host - start;
		if (t > timeout * NS)
			break;
		unified_open(&u);
		if (u.fd >= 0 && !phc_offset(u.fd, &u.m, &uni, &uu))
			have_uni = true;
		if (raw_prev && llabs(h_raw - raw_prev) > NS / 2) {
			fprintf(out, "j %.3f %lld\n", t / 1e9, h_raw - raw_prev);
			if (fast_mode)
				fast_until = t + 3 * NS;
		}
		raw_prev = h_raw;
		if (take_mark(markfile, label, sizeof(label))) {
			fprintf(out, "m %.3f %s\n", t / 1e9, label);
			if (!strcmp(label, "pause")) {
				fast_mode = true;
				fast_until = t + 60 * NS;
			}
		}
		/* unified - host = (unified - realtime) + (realtime - host) */
		if (have_uni)
			fprintf(out, "s %.3f %lld %lld %lld\n", t / 1e9, -h_rt, uni - h_rt,
				disruptions(&u));
		else
			fprintf(out, "s %.3f %lld - -1\n", t / 1e9, -h_rt);
		fflush(out);
		if (fast_mode && t > fast_until)
			fast_mode = false;
		nap_ms(fast_mode ? fast : interval);
	}
	fclose(out);
	return 0;
}
