/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * phc-steer's output: one line per event on stdout, either text
 * ("phc-steer[<CLOCK_MONOTONIC seconds>]: ...", the phc2sys shape) or, with
 * --json, one JSON object per line. The line formats are an interface (people
 * grep them, tests parse them): they are listed in phc-steer.8 and must not
 * change without updating it.
 */
#ifndef PHC_STEER_LOG_H
#define PHC_STEER_LOG_H

#include <stdbool.h>
#include <stdio.h>

#include <json-c/json.h>

struct log {
	FILE *out;
	bool json;
};

void log_init(struct log *log, FILE *out, bool json);

/* A text line with the "phc-steer[t]: " prefix; no newline in fmt. */
void log_text(struct log *log, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * A free-form notice (a server became unreachable, the device vanished):
 * text as log_text(), JSON as {"time", "event": "notice", "message"}.
 */
void log_notice(struct log *log, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A new JSON event object with "time" and "event" already set. */
struct json_object *log_event(const char *event);

/* Print a JSON event object as one line and release it. */
void log_emit(struct log *log, struct json_object *obj);

#endif /* PHC_STEER_LOG_H */
