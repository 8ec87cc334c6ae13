// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `phc-steer now` (see cb_print.h).
 */
#include <json-c/json.h>

#include "clockbound/cb_print.h"
#include "clockbound/clockbound_shm.h"
#include "exit_codes.h"

int cb_print_now(const char *path, bool json, FILE *out)
{
	struct cb_reader r;
	struct cb_now now;
	struct json_object *o;
	int ret;

	ret = cb_reader_open(&r, path);
	if (!ret) {
		ret = cb_now(&r, &now);
		cb_reader_close(&r);
	}
	if (ret) {
		fprintf(stderr, "phc-steer: now: %s: %s\n", path, cb_strerror(ret));
		return EXIT_RUNTIME;
	}
	if (json) {
		o = json_object_new_object();
		json_object_object_add(o, "earliest_ns", json_object_new_int64(
			cb_ts_ns(now.earliest.tv_sec, now.earliest.tv_nsec)));
		json_object_object_add(o, "latest_ns", json_object_new_int64(
			cb_ts_ns(now.latest.tv_sec, now.latest.tv_nsec)));
		json_object_object_add(o, "bound_ns", json_object_new_int64(now.bound_ns));
		json_object_object_add(o, "status",
				       json_object_new_string(cb_status_name(now.status)));
		fprintf(out, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		json_object_put(o);
	} else {
		fprintf(out, "earliest %lld.%09ld latest %lld.%09ld bound %lld status %s\n",
			(long long)now.earliest.tv_sec, now.earliest.tv_nsec,
			(long long)now.latest.tv_sec, now.latest.tv_nsec,
			(long long)now.bound_ns, cb_status_name(now.status));
	}
	return now.status == CB_STATUS_SYNCHRONIZED ||
	       now.status == CB_STATUS_FREE_RUNNING ? EXIT_OK : EXIT_RUNTIME;
}
