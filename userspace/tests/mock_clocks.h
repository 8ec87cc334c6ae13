/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The simulated clocks of mock_clocks.c, for tests to set and inspect.
 */
#ifndef PHC_STEER_MOCK_CLOCKS_H
#define PHC_STEER_MOCK_CLOCKS_H

#include <stdbool.h>
#include <stdint.h>

struct mock {
	double offset_ns;	/* CLOCK_REALTIME - PHC */
	double err_ppb;		/* CLOCK_REALTIME's own frequency error */
	double adj_ppb;		/* the frequency the loop set */
	int64_t last_ns;
	bool device_gone;
	bool unsync;
	unsigned int opens, reads, steps, syncs;
	int64_t last_step_ns, last_step_at;
	int64_t maxerror_ns, esterror_ns;
	double max_abs_freq;
	int leap;
};

extern struct mock mock;

#endif /* PHC_STEER_MOCK_CLOCKS_H */
