// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What phc-steer puts in the ClockBound segment for a poll (cb_compose):
 * the bound's parts, the max drift's, as_of and void_after, the status for
 * each servo and module state, a disruption that lasts until the servo is
 * locked again, and the disruption support flag always 0.
 */
#include <linux/ptp_unified.h>

#include "clockbound/cb_publish.h"
#include "tap.h"

#define S_NS 1000000000LL

static struct steer_poll poll_ = {
	.ok = true,
	.coarse_ns = 500 * S_NS + 123,
	.mono_ns = 500 * S_NS + 4000123,
	.offset_ns = -250,
	.uncert_ns = 40,
	.state = SERVO_LOCKED,
	.freq_ppb = 1234.5,
};

static struct cb_inputs base(void)
{
	struct cb_inputs in = {
		.poll = &poll_,
		.module_known = true,
		.module_bound_ns = 3000,
		.module_drift_ppb = 50000,
		.module_state = PTP_UNIFIED_STATE_SYNCED,
		.servo_doubt_ppb = 20.2,
		.servo_prior_ppb = 500000,
		.coarse_tick_ns = 4000000,
		.poll_s = 1.0,
	};

	return in;
}

static int status_for(struct cb_inputs in, enum servo_state state, bool *disrupted)
{
	struct steer_poll p = poll_;
	struct cb_shm_body b;

	p.state = state;
	p.stepped = state == SERVO_JUMP;
	in.poll = &p;
	cb_compose(&in, disrupted, &b);
	return b.status;
}

static void parts(void)
{
	struct cb_inputs in = base();
	bool disrupted = false;
	struct cb_shm_body b;

	cb_compose(&in, &disrupted, &b);
	/* 50000 + 20.2 rounded up; over one 4 ms tick: 200.084 ns, up to 201. */
	is_int(b.max_drift_ppb, 50021, "max drift = the module's + the servo's, rounded up");
	is_int(b.bound_ns, 3000 + 250 + 40 + 201,
	       "bound = the module's + |offset| + the read's uncertainty + a tick's growth");
	is_int(b.as_of_sec, 500, "as_of: the coarse clock before the read (s)");
	is_int(b.as_of_nsec, 123, "as_of (ns)");
	is_int(b.void_after_sec, 505, "void_after: 4 polls + 1 s later (s)");
	is_int(b.void_after_nsec, 123, "void_after (ns)");
	is_int(b.status, CB_STATUS_SYNCHRONIZED, "locked on a synchronised clock: synchronized");
	is_int(b.disruption_support, 0, "no disruption support (clients would need /dev/vmclock0)");
	is_int(b.disruption_marker, 0, "no disruption marker");

	in.servo_doubt_ppb = -1;
	cb_compose(&in, &disrupted, &b);
	is_int(b.max_drift_ppb, 550000, "no doubt measured yet: the servo's limit");
	in.servo_doubt_ppb = 2e9;
	cb_compose(&in, &disrupted, &b);
	is_int(b.max_drift_ppb, CB_SHM_MAX_DRIFT_PPB, "capped below what clients reject");
	in = base();
	in.poll_s = 0.5;
	cb_compose(&in, &disrupted, &b);
	is_int(b.void_after_sec, 503, "void_after at 0.5 s polls: 3 s later");
}

static void statuses(void)
{
	struct cb_inputs in = base();
	bool d = false;
	struct cb_shm_body b;

	is_int(status_for(in, SERVO_UNLOCKED, &d), CB_STATUS_UNKNOWN, "servo unlocked: unknown");
	is_int(status_for(in, SERVO_JUMP, &d), CB_STATUS_UNKNOWN, "servo stepping: unknown");
	in.module_state = PTP_UNIFIED_STATE_FREERUN;
	is_int(status_for(in, SERVO_LOCKED, &d), CB_STATUS_FREE_RUNNING,
	       "module free-running: free-running");
	in.module_state = PTP_UNIFIED_STATE_NO_MAJORITY;
	is_int(status_for(in, SERVO_LOCKED, &d), CB_STATUS_FREE_RUNNING,
	       "module without a majority: free-running");
	in.module_state = PTP_UNIFIED_STATE_UNSYNCED;
	is_int(status_for(in, SERVO_LOCKED, &d), CB_STATUS_UNKNOWN,
	       "module never synchronised: unknown");
	in = base();
	in.module_bound_ns = UINT64_MAX;
	is_int(status_for(in, SERVO_LOCKED, &d), CB_STATUS_UNKNOWN, "a module without a bound: unknown");
	in = base();
	in.module_known = false;
	cb_compose(&in, &d, &b);
	is_int(b.status, CB_STATUS_UNKNOWN, "no module (or another PHC): unknown");
	is_int(b.bound_ns, 250 + 40 + 1, "and its bound is only what phc-steer measured");

	in = base();
	d = true;
	is_int(status_for(in, SERVO_JUMP, &d), CB_STATUS_DISRUPTED, "disrupted: the step on the event");
	ok(d, "still disrupted");
	is_int(status_for(in, SERVO_UNLOCKED, &d), CB_STATUS_DISRUPTED,
	       "disrupted: the servo collecting again");
	is_int(status_for(in, SERVO_LOCKED, &d), CB_STATUS_SYNCHRONIZED,
	       "locked again: synchronized");
	ok(!d, "and the disruption is over");
	d = true;
	in.module_state = PTP_UNIFIED_STATE_UNSYNCED;
	is_int(status_for(in, SERVO_LOCKED, &d), CB_STATUS_UNKNOWN,
	       "locked after a disruption on an unsynchronised clock: unknown");
}

int main(void)
{
	parts();
	statuses();
	return tap_done();
}
