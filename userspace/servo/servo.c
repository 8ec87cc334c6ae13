// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Servo registry and the step policy shared by every servo.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "servo/servo_private.h"

static const struct {
	const char *name;
	struct servo *(*create)(const struct servo_params *p,
				double initial_freq_ppb);
} servo_types[] = {
	[SERVO_PI] = { "pi", servo_pi_create },
	[SERVO_LINREG] = { "linreg", servo_linreg_create },
};

static uint64_t abs64(int64_t v)
{
	return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

int servo_type_parse(const char *name, enum servo_type *type)
{
	size_t i;

	for (i = 0; i < sizeof(servo_types) / sizeof(servo_types[0]); i++) {
		if (!strcmp(name, servo_types[i].name)) {
			*type = (enum servo_type)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *servo_type_name(enum servo_type type)
{
	return servo_types[type].name;
}

struct servo *servo_create(enum servo_type type, const struct servo_params *p,
			   double initial_freq_ppb)
{
	return servo_types[type].create(p, initial_freq_ppb);
}

void servo_init(struct servo *s, const struct servo_ops *ops,
		const struct servo_params *p)
{
	s->ops = ops;
	s->step_threshold_ns = p->step_threshold_ns;
	s->first_step_threshold_ns = p->first_step_threshold_ns;
	s->max_freq_ppb = p->max_freq_ppb;
	s->first_update = true;
	s->over_threshold = 0;
}

void servo_destroy(struct servo *s)
{
	if (s)
		s->ops->destroy(s);
}

double servo_sample(struct servo *s, int64_t offset_ns, uint64_t local_ts_ns,
		    double weight, enum servo_state *state)
{
	return s->ops->sample(s, offset_ns, local_ts_ns, weight, state);
}

void servo_reset(struct servo *s)
{
	s->over_threshold = 0;
	s->ops->reset(s);
}

void servo_sync_interval(struct servo *s, double interval_s)
{
	s->ops->sync_interval(s, interval_s);
}

void servo_leap(struct servo *s, int leap)
{
	if (s->ops->leap)
		s->ops->leap(s, leap);
}

static bool beyond(int64_t threshold_ns, int64_t offset_ns)
{
	return threshold_ns > 0 && abs64(offset_ns) > (uint64_t)threshold_ns;
}

bool servo_first_update_steps(struct servo *s, int64_t offset_ns)
{
	bool first = s->first_update;

	s->first_update = false;
	s->over_threshold = 0;
	return (first && beyond(s->first_step_threshold_ns, offset_ns)) ||
	       beyond(s->step_threshold_ns, offset_ns);
}

enum servo_state servo_spike_check(struct servo *s, int64_t offset_ns)
{
	if (!beyond(s->step_threshold_ns, offset_ns)) {
		s->over_threshold = 0;
		return SERVO_LOCKED;
	}
	if (++s->over_threshold < 2)
		return SERVO_UNLOCKED;
	s->over_threshold = 0;
	return SERVO_JUMP;
}

double servo_clamp(const struct servo *s, double freq_ppb)
{
	if (freq_ppb > s->max_freq_ppb)
		return s->max_freq_ppb;
	if (freq_ppb < -s->max_freq_ppb)
		return -s->max_freq_ppb;
	return freq_ppb;
}
