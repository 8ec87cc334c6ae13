// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The feed that logs each sample (see feed.h): text
 *   phc-steer[t]: feed <source> class <class> raw <ns> ref <ns> bound <ns> stratum <n> leap <n>
 * or a JSON "feed" event with the same fields.
 */
#include <stdlib.h>

#include "feed/feed.h"
#include "log.h"

struct feed_print {
	struct feed base;
	struct log *log;
};

const char *feed_class_name(enum feed_class cls)
{
	switch (cls) {
	case FEED_CLASS_NTP:
		return "ntp";
	case FEED_CLASS_PHC:
		return "phc";
	case FEED_CLASS_OTHER:
		break;
	}
	return "other";
}

static int print_push(struct feed *f, const struct feed_sample *s)
{
	struct log *log = ((struct feed_print *)f)->log;
	struct json_object *o;

	if (!log->json) {
		log_text(log,
			 "feed %s class %s raw %lld ref %lld bound %llu stratum %u leap %u",
			 s->source, feed_class_name(s->cls), (long long)s->raw_ns,
			 (long long)s->ref_ns, (unsigned long long)s->bound_ns,
			 s->stratum, s->leap);
		return 0;
	}
	o = log_event("feed");
	json_object_object_add(o, "source", json_object_new_string(s->source));
	json_object_object_add(o, "class",
			       json_object_new_string(feed_class_name(s->cls)));
	json_object_object_add(o, "raw_ns", json_object_new_int64(s->raw_ns));
	json_object_object_add(o, "ref_ns", json_object_new_int64(s->ref_ns));
	json_object_object_add(o, "bound_ns",
			       json_object_new_int64((int64_t)s->bound_ns));
	json_object_object_add(o, "stratum", json_object_new_int(s->stratum));
	json_object_object_add(o, "leap", json_object_new_int(s->leap));
	log_emit(log, o);
	return 0;
}

static void print_destroy(struct feed *f)
{
	free(f);
}

struct feed *feed_print_create(struct log *log)
{
	struct feed_print *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->base.push = print_push;
	p->base.destroy = print_destroy;
	p->log = log;
	return &p->base;
}
