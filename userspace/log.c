// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Text and JSON-lines output (see log.h).
 */
#include <stdarg.h>
#include <stdint.h>

#include "log.h"
#include "timeutil.h"

void log_init(struct log *log, FILE *out, bool json)
{
	log->out = out;
	log->json = json;
}

static void prefix(FILE *out)
{
	int64_t t = mono_ns();

	fprintf(out, "phc-steer[%lld.%03lld]: ", (long long)(t / NS_PER_SEC),
		(long long)(t % NS_PER_SEC / NS_PER_MS));
}

static void vtext(struct log *log, const char *fmt, va_list ap)
{
	prefix(log->out);
	vfprintf(log->out, fmt, ap);
	fputc('\n', log->out);
	fflush(log->out);
}

void log_text(struct log *log, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vtext(log, fmt, ap);
	va_end(ap);
}

void log_notice(struct log *log, const char *fmt, ...)
{
	struct json_object *obj;
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	if (!log->json) {
		vtext(log, fmt, ap);
		va_end(ap);
		return;
	}
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	obj = log_event("notice");
	json_object_object_add(obj, "message", json_object_new_string(buf));
	log_emit(log, obj);
}

struct json_object *log_event(const char *event)
{
	struct json_object *obj = json_object_new_object();
	int64_t t = mono_ns();
	char buf[32];

	/* Fixed decimals: json-c's default %.17g would print 1.1 as 1.1000000000000001. */
	snprintf(buf, sizeof(buf), "%lld.%03lld", (long long)(t / NS_PER_SEC),
		 (long long)(t % NS_PER_SEC / NS_PER_MS));
	json_object_object_add(obj, "time", json_object_new_double_s(t / 1e9, buf));
	json_object_object_add(obj, "event", json_object_new_string(event));
	return obj;
}

void log_emit(struct log *log, struct json_object *obj)
{
	fputs(json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
						 JSON_C_TO_STRING_NOSLASHESCAPE),
	      log->out);
	fputc('\n', log->out);
	fflush(log->out);
	json_object_put(obj);
}
