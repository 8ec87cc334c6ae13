// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * OpenStack vendor data (vendor_data.json, vendor_data2.json), from the
 * config drive or the metadata service. A JSON object; two keys are read:
 *
 *   "ptp_unified": {"ntp_servers": ["HOST[:PORT]", ...]}
 *	our proposal (docs/operators-ntp-discovery.md). In vendor_data.json
 *	the operator writes it into nova's static vendordata file; in
 *	vendor_data2.json it is what a dynamic vendordata service named
 *	"ptp_unified" returns (nova keys each service's reply by its name).
 *   "cloud-init": "#cloud-config\n..."
 *	cloud-init's own vendor data (a string, or a list of parts that are
 *	strings), read for its ntp: servers: and pools: (discover_cloudcfg.c).
 *
 * "ptp_unified" is tried first; when it is absent or malformed (told), the
 * "cloud-init" key is tried. Every entry of a list must be valid, or the
 * list counts for nothing.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "discover/discover_int.h"

#define FIELD_PTPU "ptp_unified.ntp_servers"
#define JSON_DEPTH 32

static int ptp_unified(const struct discover_opts *o,
		       const struct discover_input *in, struct json_object *v,
		       struct discover_list *tmp)
{
	struct ntp_server_cfg cfg;
	struct json_object *list, *e;
	char why[200];
	size_t i, n;

	if (!json_object_is_type(v, json_type_object)) {
		discover_note_in(o, in, "ptp_unified is not an object");
		return -1;
	}
	if (!json_object_object_get_ex(v, "ntp_servers", &list)) {
		discover_note_in(o, in, "ptp_unified has no ntp_servers");
		return -1;
	}
	if (!json_object_is_type(list, json_type_array)) {
		discover_note_in(o, in, "ptp_unified.ntp_servers is not a list");
		return -1;
	}
	n = json_object_array_length(list);
	if (!n) {
		discover_note_in(o, in, "ptp_unified.ntp_servers is empty");
		return -1;
	}
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(list, i);
		if (!json_object_is_type(e, json_type_string)) {
			discover_note_in(o, in, "ptp_unified.ntp_servers[%zu] is not a string",
					 i);
			return -1;
		}
		if (discover_server_parse(json_object_get_string(e),
					  (size_t)json_object_get_string_len(e),
					  false, &cfg, why, sizeof(why))) {
			discover_note_in(o, in, "ptp_unified.ntp_servers[%zu]: %s", i,
					 why);
			return -1;
		}
		discover_list_add(tmp, &cfg, in->source, FIELD_PTPU);
	}
	return 0;
}

/* cloud-init's convert_vendordata(): a string, or a list of string parts. */
static void cloud_init(const struct discover_opts *o,
		       const struct discover_input *in, struct json_object *v,
		       struct discover_list *tmp)
{
	struct json_object *e;
	size_t i, n;

	switch (json_object_get_type(v)) {
	case json_type_null:
		return;
	case json_type_string:
		discover_parse_cloud_config(o, in, json_object_get_string(v),
					    (size_t)json_object_get_string_len(v),
					    tmp);
		return;
	case json_type_array:
		n = json_object_array_length(v);
		for (i = 0; i < n && !tmp->n; i++) {
			e = json_object_array_get_idx(v, i);
			if (!json_object_is_type(e, json_type_string)) {
				discover_note_in(o, in, "cloud-init[%zu] is not a string", i);
				continue;
			}
			discover_parse_cloud_config(o, in, json_object_get_string(e),
						    (size_t)json_object_get_string_len(e),
						    tmp);
		}
		return;
	default:
		discover_note_in(o, in, "cloud-init is not a string or a list");
		return;
	}
}

int discover_parse_vendor(const struct discover_opts *o,
			  const struct discover_input *in, const char *buf,
			  size_t len, struct discover_list *out)
{
	struct json_object *root = NULL, *v;
	struct discover_list *tmp = NULL;
	enum json_tokener_error jerr;
	struct json_tokener *tok;
	size_t i, end;
	int ret = -1;

	if (len > DISCOVER_MAX_INPUT) {
		discover_note_in(o, in, "larger than 1 MiB");
		return -1;
	}
	for (i = 0; i < len && isspace((unsigned char)buf[i]); i++)
		;
	if (i == len) {
		discover_note_in(o, in, "empty");
		return -1;
	}
	tok = json_tokener_new_ex(JSON_DEPTH);
	if (!tok) {
		discover_note_in(o, in, "out of memory");
		return -1;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	/* With the terminating NUL: a document that stops short is an error
	 * at once, not "continue". */
	root = json_tokener_parse_ex(tok, buf, (int)len + 1);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	if (root) {
		for (i = end; i < len && isspace((unsigned char)buf[i]); i++)
			;
		if (i < len) {
			jerr = json_tokener_error_parse_unexpected;
			end = i;
		}
	}
	json_tokener_free(tok);
	if (!root || jerr != json_tokener_success) {
		if (jerr == json_tokener_continue || jerr == json_tokener_success)
			jerr = json_tokener_error_parse_eof;
		discover_note_in(o, in, "not JSON: %s at offset %zu",
				 json_tokener_error_desc(jerr), end);
		goto out;
	}
	if (!json_object_is_type(root, json_type_object)) {
		discover_note_in(o, in, "not a JSON object");
		goto out;
	}
	tmp = malloc(sizeof(*tmp));
	if (!tmp) {
		discover_note_in(o, in, "out of memory");
		goto out;
	}
	ret = 0;
	discover_list_init(tmp);
	if (json_object_object_get_ex(root, "ptp_unified", &v) &&
	    !ptp_unified(o, in, v, tmp) && tmp->n) {
		discover_list_merge(out, tmp);
		goto out;
	}
	discover_list_init(tmp);
	if (json_object_object_get_ex(root, "cloud-init", &v))
		cloud_init(o, in, v, tmp);
	discover_list_merge(out, tmp);
out:
	free(tmp);
	json_object_put(root);
	return ret;
}
