// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * clock_adjtime helpers: the ppb <-> scaled ppm conversion, the sanity
 * limit, the kernel's limit read back, and the refusal of an insane
 * frequency. Nothing here may change the build machine's clock: the one
 * call that could runs in a child without CAP_SYS_TIME, so a broken check
 * shows up as -EPERM instead of a changed frequency.
 */
#include <errno.h>
#include <math.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock/clockadj.h"
#include "tap.h"

static int refused_as_nobody(double ppb)
{
	int fds[2], r = 1, status;
	pid_t pid;

	if (pipe(fds))
		return 1;
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		if (geteuid() == 0 && (setgid(65534) || setuid(65534)))
			_exit(2);
		r = clockadj_set_freq(CLOCK_REALTIME, ppb);
		if (write(fds[1], &r, sizeof(r)) < 0)
			_exit(3);
		_exit(0);
	}
	close(fds[1]);
	if (read(fds[0], &r, sizeof(r)) != sizeof(r))
		r = 1;
	close(fds[0]);
	waitpid(pid, &status, 0);
	return r;
}

int main(void)
{
	double max, before, after;

	is_int(clockadj_ppb_to_scaled_ppm(1000), 65536, "1 ppm is 65536 scaled");
	is_int(clockadj_ppb_to_scaled_ppm(-500000), -32768000, "-500 ppm");
	is_int(clockadj_ppb_to_scaled_ppm(1), 66, "1 ppb is 65.536, rounded to 66");
	is_int(clockadj_ppb_to_scaled_ppm(-1), -66, "-1 ppb rounds away from zero");
	ok(clockadj_scaled_ppm_to_ppb(65536) == 1000, "and back: 65536 is 1000 ppb");
	ok(fabs(clockadj_scaled_ppm_to_ppb(66) - 1.00708) < 1e-5, "66 is 1.007 ppb");

	ok(clockadj_freq_sane(500000, 500000), "500 ppm is within 500 ppm");
	ok(clockadj_freq_sane(-500000, 500000), "-500 ppm too");
	ok(!clockadj_freq_sane(500001, 500000), "500.001 ppm is not");
	ok(!clockadj_freq_sane(NAN, 500000), "NaN is not");
	ok(!clockadj_freq_sane(INFINITY, 500000), "infinity is not");

	is_int(clockadj_max_freq(CLOCK_REALTIME, &max), 0, "kernel limit readable");
	ok(fabs(max - 500000) < 1, "the kernel's limit is 500 ppm (%.0f ppb)", max);

	clockadj_get_freq(CLOCK_REALTIME, &before);
	is_int(refused_as_nobody(600000), -ERANGE, "600 ppm refused with -ERANGE");
	is_int(refused_as_nobody(-600000), -ERANGE, "-600 ppm refused");
	is_int(refused_as_nobody(NAN), -ERANGE, "NaN refused");
	clockadj_get_freq(CLOCK_REALTIME, &after);
	ok(before == after, "the frequency did not change");
	return tap_done();
}
