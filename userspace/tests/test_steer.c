// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The steering loop's checks that need no PHC: which days may end in a
 * leap second, and a clean refusal when the device is absent or wrong
 * (before any clock is touched).
 */
#include "config.h"
#include "evloop.h"
#include "exit_codes.h"
#include "log.h"
#include "steer.h"
#include "tap.h"
#include "timeutil.h"

#define DAY(unix_s) ((int64_t)(unix_s) * NS_PER_SEC)

static void refuse(const char *device, const char *msg)
{
	struct config cfg;
	struct evloop *loop = evloop_create();
	struct log log;
	struct steer *st;
	char err[512] = "";
	int code = -1;

	config_defaults(&cfg);
	snprintf(cfg.device, sizeof(cfg.device), "%s", device);
	log_init(&log, stdout, false);
	st = steer_create(&cfg, loop, &log, &code, err, sizeof(err));
	ok(!st, "%s: not steered", device);
	is_int(code, EXIT_DEVICE, "%s: exit code 3", device);
	is_str(err, msg, "%s: message", device);
	evloop_destroy(loop);
}

int main(void)
{
	ok(steer_leap_day(DAY(1483185600)), "2016-12-31 12:00 UTC may end in a leap");
	ok(steer_leap_day(DAY(1435708799)), "2015-06-30 23:59:59 UTC too");
	ok(!steer_leap_day(DAY(1435708800)), "2015-07-01 00:00:00 UTC not");
	ok(!steer_leap_day(DAY(1483099200)), "2016-12-30 not");
	ok(!steer_leap_day(DAY(1709164800)), "2024-02-29 (a month end) not");
	ok(!steer_leap_day(DAY(1706659200)), "2024-01-31 not");

	refuse("/dev/null",
	       "/dev/null is not a PTP hardware clock (PTP_CLOCK_GETCAPS: Inappropriate ioctl for device)");
	refuse("/nonexistent/ptp0", "/nonexistent/ptp0: no such device");
	return tap_done();
}
