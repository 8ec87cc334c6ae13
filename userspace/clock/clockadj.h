/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Every clock_adjtime() call of phc-steer, in one place. All functions return
 * 0 or -errno.
 */
#ifndef PHC_STEER_CLOCKADJ_H
#define PHC_STEER_CLOCKADJ_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* The kernel's frequency limit (MAXFREQ, 500 ppm) when it cannot be read. */
#define CLOCKADJ_KERNEL_MAX_PPB 500000.0

/* struct timex's freq is ppm with a 16-bit binary fraction. */
long clockadj_ppb_to_scaled_ppm(double ppb);
double clockadj_scaled_ppm_to_ppb(long scaled_ppm);

/* |ppb| within max_ppb (and a number at all). */
bool clockadj_freq_sane(double ppb, double max_ppb);

/* The kernel's maximum frequency adjustment (struct timex tolerance). */
int clockadj_max_freq(clockid_t clk, double *ppb);

int clockadj_get_freq(clockid_t clk, double *ppb);

/*
 * Set the frequency adjustment; -ERANGE (and no change) beyond the kernel's
 * limit, so a servo gone wrong cannot push an insane value.
 */
int clockadj_set_freq(clockid_t clk, double ppb);

/*
 * Take the clock over from whatever ran before, as chronyd does: the status
 * becomes plain STA_UNSYNC (no kernel PLL/FLL/PPS discipline, no armed leap
 * second) and a pending adjtime() slew is cancelled, so nothing but our
 * ADJ_FREQUENCY moves the clock's rate.
 */
int clockadj_init(clockid_t clk);

/* Step the clock by ns (ADJ_SETOFFSET | ADJ_NANO). */
int clockadj_step(clockid_t clk, int64_t ns);

/*
 * Declare the clock synchronised as chronyd and phc2sys do: set maxerror and
 * esterror (rounded up to the kernel's microseconds) and clear STA_UNSYNC,
 * keeping the other status bits.
 */
int clockadj_set_sync(clockid_t clk, int64_t maxerror_ns, int64_t esterror_ns);

/* Arm a leap second at the next UTC midnight: +1 STA_INS, -1 STA_DEL, 0 none. */
int clockadj_set_leap(clockid_t clk, int leap);

/*
 * Check that this process may adjust clk (CAP_SYS_TIME) by writing back the
 * current frequency, which changes nothing.
 */
int clockadj_check_permission(clockid_t clk);

#endif /* PHC_STEER_CLOCKADJ_H */
