// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PI servo: convergence on a simulated clock, gains per interval.
 */
#include "tests/servo_converge.h"

int main(void)
{
	check_convergence(SERVO_PI, 5e8);
	check_convergence(SERVO_PI, -5e8);
	check_tracking(SERVO_PI);
	check_noise(SERVO_PI, 100, 150);
	return tap_done();
}
