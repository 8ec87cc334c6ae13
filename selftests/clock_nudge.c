// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Put CLOCK_REALTIME into a known error for the phc-steer guest checks:
 * step it by N ns (ADJ_SETOFFSET), give it a frequency error with ADJ_TICK
 * (phc-steer owns ADJ_FREQUENCY and would overwrite an error set there),
 * reset the frequency, mark it unsynchronised; and, for the leap second
 * check's nested host, arm a leap second for the coming midnight UTC.
 * Actions run in the order unsync, leap, freq, tick, step, whatever their
 * order on the line; each is printed. Mark the clock unsynchronised before stepping it: while the
 * kernel thinks it synchronised (STA_UNSYNC clear), a step also makes it
 * write the wrong time into the RTC (RTC_SYSTOHC).
 *
 * usage: clock_nudge [--unsync] [--leap ins|del|none] [--freq PPB] [--tick-ppm PPM]
 *                    [--step NS] [--show]
 *   --unsync       set STA_UNSYNC (no RTC write, the clock is unsynchronised)
 *   --leap L       set STA_INS (ins), STA_DEL (del) or neither (none): the
 *                  kernel inserts or deletes a second at the next midnight UTC
 *   --freq PPB     set ADJ_FREQUENCY (0: nominal)
 *   --tick-ppm PPM set ADJ_TICK to nominal + PPM (a multiple of 1e6/USER_HZ
 *                  per tick unit: 100 ppm at USER_HZ 100; 0: nominal)
 *   --step NS      step CLOCK_REALTIME by NS (signed)
 *   --show         print tick, frequency, status, maxerror, esterror
 * Exit 0 on success, 1 when an adjustment fails, 2 on bad usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timex.h>
#include <time.h>
#include <unistd.h>

#define NSEC_PER_SEC 1000000000LL

static int adj(struct timex *tx, const char *what)
{
	if (clock_adjtime(CLOCK_REALTIME, tx) < 0) {
		fprintf(stderr, "clock_nudge: %s: %s\n", what, strerror(errno));
		return -1;
	}
	return 0;
}

static int show(long nominal)
{
	struct timex tx = { 0 };

	if (adj(&tx, "read"))
		return -1;
	printf("CLOCK_REALTIME: tick %ld (%+ld ppm), freq %+.3f ppm, status 0x%x (%s), maxerror %ld us, esterror %ld us\n",
	       tx.tick, (tx.tick - nominal) * 1000000L / nominal, tx.freq / 65536.0,
	       tx.status, (tx.status & STA_UNSYNC) ? "unsynchronised" : "synchronised",
	       tx.maxerror, tx.esterror);
	return 0;
}

static bool parse_ll(const char *s, long long *v)
{
	char *end;

	errno = 0;
	*v = strtoll(s, &end, 10);
	return *s && !*end && !errno;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: clock_nudge [--unsync] [--leap ins|del|none] [--freq PPB] [--tick-ppm PPM]\n"
		"                   [--step NS] [--show]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	bool unsync = false, do_show = false, do_freq = false, do_tick = false, do_step = false;
	long long freq_ppb = 0, tick_ppm = 0, step_ns = 0;
	const char *leap = NULL;
	long user_hz = sysconf(_SC_CLK_TCK), nominal, per_unit;
	struct timex tx;
	int i;

	if (user_hz <= 0)
		user_hz = 100;
	nominal = 1000000L / user_hz;
	per_unit = 1000000L / nominal;	/* ppm per tick unit */
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--unsync")) {
			unsync = true;
		} else if (!strcmp(argv[i], "--show")) {
			do_show = true;
		} else if (i + 1 < argc && !strcmp(argv[i], "--leap")) {
			leap = argv[++i];
			if (strcmp(leap, "ins") && strcmp(leap, "del") && strcmp(leap, "none"))
				usage();
		} else if (i + 1 < argc && !strcmp(argv[i], "--freq")) {
			if (!parse_ll(argv[++i], &freq_ppb) || freq_ppb < -500000 || freq_ppb > 500000)
				usage();
			do_freq = true;
		} else if (i + 1 < argc && !strcmp(argv[i], "--tick-ppm")) {
			if (!parse_ll(argv[++i], &tick_ppm) || tick_ppm % per_unit ||
			    tick_ppm < -100000 || tick_ppm > 100000)
				usage();
			do_tick = true;
		} else if (i + 1 < argc && !strcmp(argv[i], "--step")) {
			if (!parse_ll(argv[++i], &step_ns))
				usage();
			do_step = true;
		} else {
			usage();
		}
	}
	if (argc < 2)
		usage();

	if (unsync) {
		memset(&tx, 0, sizeof(tx));
		if (adj(&tx, "read status"))
			return 1;
		tx.modes = ADJ_STATUS;
		tx.status |= STA_UNSYNC;
		if (adj(&tx, "set STA_UNSYNC"))
			return 1;
		printf("CLOCK_REALTIME marked unsynchronised\n");
	}
	if (leap) {
		memset(&tx, 0, sizeof(tx));
		if (adj(&tx, "read status"))
			return 1;
		tx.modes = ADJ_STATUS;
		tx.status &= ~(STA_INS | STA_DEL);
		tx.status |= !strcmp(leap, "ins") ? STA_INS : !strcmp(leap, "del") ? STA_DEL : 0;
		if (adj(&tx, "set the leap status"))
			return 1;
		printf("CLOCK_REALTIME leap second: %s\n", !strcmp(leap, "ins") ?
		       "insertion armed for midnight UTC" : !strcmp(leap, "del") ?
		       "deletion armed for midnight UTC" : "none");
	}
	if (do_freq) {
		memset(&tx, 0, sizeof(tx));
		tx.modes = ADJ_FREQUENCY;
		tx.freq = (long)(freq_ppb * 65536 / 1000);
		if (adj(&tx, "set the frequency"))
			return 1;
		printf("CLOCK_REALTIME frequency set to %+lld ppb\n", freq_ppb);
	}
	if (do_tick) {
		memset(&tx, 0, sizeof(tx));
		tx.modes = ADJ_TICK;
		tx.tick = nominal + (long)(tick_ppm / per_unit);
		if (adj(&tx, "set the tick"))
			return 1;
		printf("CLOCK_REALTIME tick set to %ld us (nominal %ld): a %+lld ppm frequency error\n",
		       tx.tick, nominal, tick_ppm);
	}
	if (do_step) {
		long long sec = step_ns / NSEC_PER_SEC, ns = step_ns % NSEC_PER_SEC;

		if (ns < 0) {
			ns += NSEC_PER_SEC;
			sec--;
		}
		memset(&tx, 0, sizeof(tx));
		tx.modes = ADJ_SETOFFSET | ADJ_NANO;
		tx.time.tv_sec = sec;
		tx.time.tv_usec = ns;
		if (adj(&tx, "step"))
			return 1;
		printf("CLOCK_REALTIME stepped by %+lld ns\n", step_ns);
	}
	if (do_show && show(nominal))
		return 1;
	return 0;
}
