// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * phc-steer status (see status.h). The text form, for people:
 *
 *   Reference clock : /dev/ptp0 (ptp_unified), synchronised, source kvm
 *   Error bound     : 2.3us
 *   Disruptions     : 1, last step +5.491687s 12m03s ago
 *   Leap seconds    : 0, none announced
 *   System clock    : 41ns ahead of the reference (read precise)
 *   Frequency       : -9.132 ppm
 *   Max/est error   : 18us / 2us, synchronised
 *
 *   MS Name            Class State        Offset      Bound     Jitter      Age Samples
 *   *  kvm             kvm   selected       +13ns     13.1us        1ns    0.3s      16
 *   +  rtc             rtc   calibrated  -313.2us     10.5ms      3.3ms    0.6s       3
 *
 * M is the mark (as in chronyc): * selected, + usable, x falseticker,
 * ! suspected jump, ? no usable estimate, - disabled. Offset is the source's
 * estimate minus the clock. --json prints the same as one JSON object.
 */
#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timex.h>

#include "clock/sysoff.h"
#include "exit_codes.h"
#include "lib/ptpu_nl.h"
#include "status.h"

struct status {
	struct ptpu_nl_status clock;
	struct ptpu_nl_source src[PTPU_NL_MAX_SOURCES];
	int n_src;
	char device[PATH_MAX];
	bool have_sys;
	struct sysoff_reading sys;	/* realtime - clock */
	struct timex tx;
};

/* A signed duration with a unit that keeps 4 significant digits. */
static const char *fmt_ns(char *buf, size_t len, double ns, bool sign)
{
	double a = ns < 0 ? -ns : ns;
	const char *fmt = sign ? "%+.*f%s" : "%.*f%s";

	if (a < 1e3)
		snprintf(buf, len, fmt, 0, ns, "ns");
	else if (a < 1e6)
		snprintf(buf, len, fmt, a < 1e4 ? 2 : 1, ns / 1e3, "us");
	else if (a < 1e9)
		snprintf(buf, len, fmt, a < 1e7 ? 2 : 1, ns / 1e6, "ms");
	else
		snprintf(buf, len, fmt, 3, ns / 1e9, "s");
	return buf;
}

static char mark(const struct ptpu_nl_source *s)
{
	if (s->selected)
		return '*';
	if (!s->enabled)
		return '-';
	if (s->falseticker)
		return 'x';
	if (s->suspect)
		return '!';
	if (!s->available)
		return '?';
	return '+';
}

static const char *state_word(const struct ptpu_nl_source *s)
{
	if (s->selected)
		return "selected";
	if (!s->enabled)
		return "disabled";
	if (s->falseticker)
		return "falseticker";
	if (s->suspect)
		return "suspect";
	if (!s->available)
		return "unavailable";
	if (s->cls == PTP_UNIFIED_CLASS_RTC)
		return s->calibrated ? "calibrated" : "uncalibrated";
	return "candidate";
}

static void print_text(const struct status *s, FILE *out)
{
	char a[32], b[32], c[32], d[32];
	int i;

	fprintf(out, "Reference clock : %s (ptp_unified), %s, source %s\n", s->device,
		ptpu_nl_state_name(s->clock.state),
		s->clock.selected[0] ? s->clock.selected : "none");
	fprintf(out, "Error bound     : %s\n", fmt_ns(a, sizeof(a), (double)s->clock.bound_ns, false));
	if (s->clock.last_step_raw_ns)
		fprintf(out, "Disruptions     : %" PRIu64 ", last step %s %.0fs ago (%" PRIu64 " steps in all)\n",
			s->clock.disruptions, fmt_ns(b, sizeof(b), (double)s->clock.last_step_ns, true),
			(double)(s->clock.raw_ns - s->clock.last_step_raw_ns) / 1e9, s->clock.steps);
	else
		fprintf(out, "Disruptions     : %" PRIu64 ", no step\n", s->clock.disruptions);
	fprintf(out, "Leap seconds    : %" PRIu64 ", %s\n", s->clock.leaps,
		s->clock.leap == PTP_UNIFIED_LEAP_INS ? "insertion announced for midnight UTC" :
		s->clock.leap == PTP_UNIFIED_LEAP_DEL ? "deletion announced for midnight UTC" :
							"none announced");
	if (s->have_sys)
		fprintf(out, "System clock    : %s %s the reference (read %s)\n",
			fmt_ns(c, sizeof(c), (double)llabs(s->sys.offset_ns), false),
			s->sys.offset_ns >= 0 ? "ahead of" : "behind",
			sysoff_method_name(s->sys.method));
	else
		fprintf(out, "System clock    : not read (cannot open %s)\n", s->device);
	fprintf(out, "Frequency       : %+.3f ppm\n", s->tx.freq / 65536.0);
	fprintf(out, "Max/est error   : %ldus / %ldus, %s\n", s->tx.maxerror, s->tx.esterror,
		(s->tx.status & STA_UNSYNC) ? "unsynchronised (STA_UNSYNC)" : "synchronised");
	fprintf(out, "\nMS Name            Class State           Offset      Bound     Jitter      Age Samples\n");
	for (i = 0; i < s->n_src; i++) {
		const struct ptpu_nl_source *x = &s->src[i];

		fprintf(out, "%c  %-15s %-5s %-12s %10s %10s %10s %8s %7u\n", mark(x), x->name,
			ptpu_nl_class_name(x->cls), state_word(x),
			x->samples ? fmt_ns(a, sizeof(a), (double)x->offset_ns, true) : "-",
			x->samples ? fmt_ns(b, sizeof(b), (double)x->bound_ns, false) : "-",
			x->samples ? fmt_ns(c, sizeof(c), (double)x->jitter_ns, false) : "-",
			x->age_ns >= 0 ? fmt_ns(d, sizeof(d), (double)x->age_ns, false) : "-",
			x->samples);
	}
}

static void print_json(const struct status *s, FILE *out)
{
	struct json_object *o = json_object_new_object(), *c, *sys, *arr;
	int i;

	c = json_object_new_object();
	json_object_object_add(c, "device", json_object_new_string(s->device));
	json_object_object_add(c, "state", json_object_new_string(ptpu_nl_state_name(s->clock.state)));
	json_object_object_add(c, "selected", s->clock.selected[0] ?
			       json_object_new_string(s->clock.selected) : NULL);
	json_object_object_add(c, "bound_ns", json_object_new_int64((int64_t)s->clock.bound_ns));
	json_object_object_add(c, "disruptions", json_object_new_int64((int64_t)s->clock.disruptions));
	json_object_object_add(c, "leaps", json_object_new_int64((int64_t)s->clock.leaps));
	json_object_object_add(c, "leap", json_object_new_string(ptpu_nl_leap_name(s->clock.leap)));
	json_object_object_add(c, "steps", json_object_new_int64((int64_t)s->clock.steps));
	json_object_object_add(c, "last_step_ns", json_object_new_int64(s->clock.last_step_ns));
	json_object_object_add(c, "last_step_age_ns", s->clock.last_step_raw_ns ?
			       json_object_new_int64(s->clock.raw_ns - s->clock.last_step_raw_ns) : NULL);
	json_object_object_add(o, "clock", c);

	sys = json_object_new_object();
	json_object_object_add(sys, "offset_ns", s->have_sys ?
			       json_object_new_int64(s->sys.offset_ns) : NULL);
	json_object_object_add(sys, "read_method", s->have_sys ?
			       json_object_new_string(sysoff_method_name(s->sys.method)) : NULL);
	json_object_object_add(sys, "freq_ppb", json_object_new_double(s->tx.freq / 65.536));
	json_object_object_add(sys, "maxerror_us", json_object_new_int64(s->tx.maxerror));
	json_object_object_add(sys, "esterror_us", json_object_new_int64(s->tx.esterror));
	json_object_object_add(sys, "synchronised", json_object_new_boolean(!(s->tx.status & STA_UNSYNC)));
	json_object_object_add(o, "system", sys);

	arr = json_object_new_array();
	for (i = 0; i < s->n_src; i++) {
		const struct ptpu_nl_source *x = &s->src[i];
		struct json_object *j = json_object_new_object();
		char m[2] = { mark(x), 0 };

		json_object_object_add(j, "name", json_object_new_string(x->name));
		json_object_object_add(j, "class", json_object_new_string(ptpu_nl_class_name(x->cls)));
		json_object_object_add(j, "mark", json_object_new_string(m));
		json_object_object_add(j, "state", json_object_new_string(state_word(x)));
		json_object_object_add(j, "enabled", json_object_new_boolean(x->enabled));
		json_object_object_add(j, "prefer", json_object_new_boolean(x->prefer));
		json_object_object_add(j, "priority", json_object_new_int64(x->priority));
		json_object_object_add(j, "available", json_object_new_boolean(x->available));
		json_object_object_add(j, "selected", json_object_new_boolean(x->selected));
		json_object_object_add(j, "falseticker", json_object_new_boolean(x->falseticker));
		json_object_object_add(j, "calibrated", json_object_new_boolean(x->calibrated));
		json_object_object_add(j, "stratum", json_object_new_int(x->stratum));
		json_object_object_add(j, "leap", json_object_new_string(ptpu_nl_leap_name(x->leap)));
		json_object_object_add(j, "samples", json_object_new_int64(x->samples));
		json_object_object_add(j, "offset_ns", json_object_new_int64(x->offset_ns));
		json_object_object_add(j, "bound_ns", json_object_new_int64((int64_t)x->bound_ns));
		json_object_object_add(j, "jitter_ns", json_object_new_int64((int64_t)x->jitter_ns));
		json_object_object_add(j, "age_ns", x->age_ns >= 0 ? json_object_new_int64(x->age_ns) : NULL);
		json_object_object_add(j, "freq_ppb", json_object_new_int64(x->freq_ppb));
		json_object_array_add(arr, j);
	}
	json_object_object_add(o, "sources", arr);
	fprintf(out, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
							  JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

int status_run(const char *device, bool json, FILE *out)
{
	struct status *s = calloc(1, sizeof(*s));
	char err[PATH_MAX + 100];
	struct ptpu_nl *nl;
	struct phc phc;
	int ret, code = EXIT_OK;

	if (!s)
		return EXIT_RUNTIME;
	nl = ptpu_nl_open(&ret);
	if (!nl) {
		fprintf(stderr, "phc-steer: status: %s\n", ret == -ENOENT ?
			"the ptp_unified module is not loaded" : strerror(-ret));
		free(s);
		return EXIT_DEVICE;
	}
	ret = ptpu_nl_status_get(nl, &s->clock);
	if (!ret) {
		ret = ptpu_nl_source_list(nl, s->src, PTPU_NL_MAX_SOURCES);
		s->n_src = ret < 0 ? 0 : ret > PTPU_NL_MAX_SOURCES ? PTPU_NL_MAX_SOURCES : ret;
	}
	ptpu_nl_close(nl);
	if (ret < 0) {
		fprintf(stderr, "phc-steer: status: reading the module: %s\n", strerror(-ret));
		free(s);
		return EXIT_RUNTIME;
	}

	if (!phc_open(&phc, device, 5, err, sizeof(err))) {
		s->have_sys = !sysoff_read(&phc, &s->sys);
		snprintf(s->device, sizeof(s->device), "%s", phc.path);
		phc_close(&phc);
	} else {
		snprintf(s->device, sizeof(s->device), "%s", device ? device : PHC_DEFAULT_PATH);
	}
	s->tx.modes = 0;
	if (adjtimex(&s->tx) < 0)
		memset(&s->tx, 0, sizeof(s->tx));

	if (json)
		print_json(s, out);
	else
		print_text(s, out);
	free(s);
	return code;
}
