// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "phc-steer discover" output (see discover.h).
 */
#include <stdlib.h>

#include <json-c/json.h>

#include "discover/discover.h"

void discover_print(FILE *out, const struct discover_result *r, bool json,
		    const char *const *notes, unsigned int n_notes)
{
	struct json_object *o, *arr, *s;
	char name[NTP_HOST_MAX + 16];
	unsigned int i;

	if (!json) {
		fprintf(out, "origin %s\n", discover_origin_name(r->origin));
		for (i = 0; i < r->list.n; i++) {
			ntp_server_name(&r->list.s[i].cfg, name, sizeof(name));
			fprintf(out, "server %s source %s field %s\n", name,
				r->list.s[i].source, r->list.s[i].field);
		}
		fflush(out);
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "origin", json_object_new_string(
					   discover_origin_name(r->origin)));
	arr = json_object_new_array();
	for (i = 0; i < r->list.n; i++) {
		const struct discover_server *d = &r->list.s[i];

		ntp_server_name(&d->cfg, name, sizeof(name));
		s = json_object_new_object();
		json_object_object_add(s, "server", json_object_new_string(name));
		json_object_object_add(s, "host", json_object_new_string(d->cfg.host));
		json_object_object_add(s, "port",
				       json_object_new_int(atoi(d->cfg.port)));
		json_object_object_add(s, "source", json_object_new_string(d->source));
		json_object_object_add(s, "field", json_object_new_string(d->field));
		json_object_array_add(arr, s);
	}
	json_object_object_add(o, "servers", arr);
	arr = json_object_new_array();
	for (i = 0; notes && i < n_notes; i++)
		json_object_array_add(arr, json_object_new_string(notes[i]));
	json_object_object_add(o, "notes", arr);
	fputs(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						 JSON_C_TO_STRING_NOSLASHESCAPE),
	      out);
	fputc('\n', out);
	fflush(out);
	json_object_put(o);
}
