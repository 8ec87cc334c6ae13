/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a servo implementation sees: the ops it provides and the step policy
 * every servo shares (see servo.h for the conventions).
 */
#ifndef PHC_STEER_SERVO_PRIVATE_H
#define PHC_STEER_SERVO_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include "servo/servo.h"

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

struct servo_ops {
	void (*destroy)(struct servo *s);
	double (*sample)(struct servo *s, int64_t offset_ns,
			 uint64_t local_ts_ns, double weight,
			 enum servo_state *state);
	void (*reset)(struct servo *s);
	void (*sync_interval)(struct servo *s, double interval_s);
	void (*leap)(struct servo *s, int leap);	/* optional */
};

struct servo {
	const struct servo_ops *ops;
	int64_t step_threshold_ns;
	int64_t first_step_threshold_ns;
	double max_freq_ppb;
	bool first_update;	/* no update with a frequency estimate yet */
	unsigned int over_threshold;	/* consecutive samples beyond it */
};

struct servo *servo_pi_create(const struct servo_params *p,
			      double initial_freq_ppb);
struct servo *servo_linreg_create(const struct servo_params *p,
				  double initial_freq_ppb);

/* Fill the common part; called by each create function. */
void servo_init(struct servo *s, const struct servo_ops *ops,
		const struct servo_params *p);

/*
 * Called on the sample that gives the first frequency estimate (the first
 * update, or the first after a reset): true means jump.
 */
bool servo_first_update_steps(struct servo *s, int64_t offset_ns);

/*
 * For every later sample: SERVO_LOCKED (below the step threshold, go on),
 * SERVO_UNLOCKED (first sample beyond it: hold, do not learn from it) or
 * SERVO_JUMP (second consecutive one: step).
 */
enum servo_state servo_spike_check(struct servo *s, int64_t offset_ns);

double servo_clamp(const struct servo *s, double freq_ppb);

#endif /* PHC_STEER_SERVO_PRIVATE_H */
