// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Proportional-integral servo, with phc2sys's defaults for a hardware clock
 * source: kp = min(0.7 * I^-0.3, 0.7 / I), ki = min(0.3 * I^0.4, 0.3 / I) for
 * a sync interval I in seconds (0.7 and 0.3 at one update per second). The
 * "/ I" caps keep the correction per interval (kp * I and ki * I of the
 * offset) at most 0.7 and 0.3, so slow polling stays stable.
 *
 * The first two samples give a frequency estimate from the offset's change;
 * the second is the first update (it may step). After that each sample is
 * frequency = drift - kp * offset - ki * offset, with the integral term
 * accumulated into drift unless the result had to be clamped (anti-windup).
 */
#include <math.h>
#include <stdlib.h>

#include "servo/servo_private.h"

#define PI_KP_SCALE 0.7
#define PI_KI_SCALE 0.3
#define PI_KP_EXPONENT -0.3
#define PI_KI_EXPONENT 0.4
#define PI_KP_NORM_MAX 0.7
#define PI_KI_NORM_MAX 0.3

struct pi {
	struct servo base;
	double drift;		/* ppb: the integral, the clock's frequency */
	double kp, ki;
	int64_t offset0;
	uint64_t local0;
	unsigned int count;	/* samples since reset, saturating at 2 */
};

static void pi_destroy(struct servo *base)
{
	free(container_of(base, struct pi, base));
}

static double pi_sample(struct servo *base, int64_t offset_ns,
			uint64_t local_ts_ns, double weight,
			enum servo_state *state)
{
	struct pi *s = container_of(base, struct pi, base);
	double freq = s->drift, ki_term;

	(void)weight;
	switch (s->count) {
	case 0:
		s->offset0 = offset_ns;
		s->local0 = local_ts_ns;
		s->count = 1;
		*state = SERVO_UNLOCKED;
		break;
	case 1:
		if (local_ts_ns <= s->local0) {
			/* No time elapsed: no estimate; start over from here. */
			s->offset0 = offset_ns;
			s->local0 = local_ts_ns;
			*state = SERVO_UNLOCKED;
			break;
		}
		/*
		 * The offset moved by (offset - offset0) over an interval
		 * measured on the local clock, which runs at (1e9 + drift) / 1e9
		 * of true time: scale the change to the current frequency.
		 */
		s->drift -= (1e9 + s->drift) * (double)(offset_ns - s->offset0) /
			    (double)(local_ts_ns - s->local0);
		s->drift = servo_clamp(base, s->drift);
		freq = s->drift;
		s->count = 2;
		*state = servo_first_update_steps(base, offset_ns) ? SERVO_JUMP :
								      SERVO_LOCKED;
		break;
	default:
		*state = servo_spike_check(base, offset_ns);
		if (*state != SERVO_LOCKED)
			break;
		ki_term = s->ki * (double)offset_ns;
		freq = s->drift - s->kp * (double)offset_ns - ki_term;
		if (fabs(freq) > base->max_freq_ppb)
			freq = servo_clamp(base, freq);
		else
			s->drift -= ki_term;
		break;
	}
	return freq;
}

static void pi_reset(struct servo *base)
{
	container_of(base, struct pi, base)->count = 0;
}

static void pi_sync_interval(struct servo *base, double interval_s)
{
	struct pi *s = container_of(base, struct pi, base);

	s->kp = fmin(PI_KP_SCALE * pow(interval_s, PI_KP_EXPONENT),
		     PI_KP_NORM_MAX / interval_s);
	s->ki = fmin(PI_KI_SCALE * pow(interval_s, PI_KI_EXPONENT),
		     PI_KI_NORM_MAX / interval_s);
}

static const struct servo_ops pi_ops = {
	.destroy = pi_destroy,
	.sample = pi_sample,
	.reset = pi_reset,
	.sync_interval = pi_sync_interval,
};

struct servo *servo_pi_create(const struct servo_params *p,
			      double initial_freq_ppb)
{
	struct pi *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	servo_init(&s->base, &pi_ops, p);
	s->drift = servo_clamp(&s->base, initial_freq_ppb);
	pi_sync_interval(&s->base, 1.0);
	return &s->base;
}
