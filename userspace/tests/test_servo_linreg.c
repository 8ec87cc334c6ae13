// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Linear-regression servo: convergence on a simulated clock.
 */
#include "tests/servo_converge.h"

int main(void)
{
	check_convergence(SERVO_LINREG, 5e8);
	check_convergence(SERVO_LINREG, -5e8);
	check_tracking(SERVO_LINREG);
	check_noise(SERVO_LINREG, 100, 100);
	return tap_done();
}
