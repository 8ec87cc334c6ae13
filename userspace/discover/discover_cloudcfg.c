// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cloud-config in vendor data: the "ntp" key of cloud-init's ntp module,
 *
 *   #cloud-config
 *   ntp:
 *     enabled: true          (optional; false: nothing is taken)
 *     servers: [ntp1.example.org, "192.0.2.1"]
 *     pools: [0.pool.example.org]
 *
 * parsed with libyaml (the whole document, properly: flow and block
 * styles, quoting, anchors). servers: come before pools: (a pool name is
 * sampled as one server; the resolver picks its address). Every entry must
 * be valid, or the document counts for nothing. Only the first YAML
 * document is read, as cloud-init does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "discover/discover_int.h"

#define MAGIC "#cloud-config"

static bool scalar_is(const yaml_node_t *n, const char *s)
{
	return n && n->type == YAML_SCALAR_NODE &&
	       n->data.scalar.length == strlen(s) &&
	       !memcmp(n->data.scalar.value, s, n->data.scalar.length);
}

/* YAML 1.1 null: an empty plain scalar, ~, null. */
static bool is_null(const yaml_node_t *n)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	size_t i;

	if (n->type != YAML_SCALAR_NODE ||
	    n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	for (i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++) {
		if (scalar_is(n, nulls[i]))
			return true;
	}
	return false;
}

/* YAML 1.1 booleans as PyYAML reads them: 1, 0 or -1 (not a boolean). */
static int boolean(const yaml_node_t *n)
{
	static const char *const yes[] = { "yes", "Yes", "YES", "true", "True",
					   "TRUE", "on", "On", "ON" };
	static const char *const no[] = { "no", "No", "NO", "false", "False",
					  "FALSE", "off", "Off", "OFF" };
	size_t i;

	if (n->type != YAML_SCALAR_NODE ||
	    n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return -1;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (scalar_is(n, yes[i]))
			return 1;
		if (scalar_is(n, no[i]))
			return 0;
	}
	return -1;
}

/* The value of key in a mapping; the last one when it is repeated (PyYAML). */
static yaml_node_t *map_get(yaml_document_t *doc, yaml_node_t *map,
			    const char *key)
{
	yaml_node_pair_t *p;
	yaml_node_t *found = NULL;

	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		if (scalar_is(yaml_document_get_node(doc, p->key), key))
			found = yaml_document_get_node(doc, p->value);
	}
	return found;
}

static int take_list(const struct discover_opts *o,
		     const struct discover_input *in, yaml_document_t *doc,
		     yaml_node_t *seq, const char *name,
		     struct discover_list *tmp, unsigned int *n)
{
	char why[200], field[48];
	struct ntp_server_cfg cfg;
	yaml_node_item_t *it;
	yaml_node_t *e;
	size_t i = 0;

	if (!seq || is_null(seq))
		return 0;
	if (seq->type != YAML_SEQUENCE_NODE) {
		discover_note_in(o, in, "cloud-init: ntp.%s is not a list", name);
		return -1;
	}
	snprintf(field, sizeof(field), "cloud-init:ntp.%s", name);
	for (it = seq->data.sequence.items.start;
	     it < seq->data.sequence.items.top; it++, i++) {
		e = yaml_document_get_node(doc, *it);
		if (!e || e->type != YAML_SCALAR_NODE) {
			discover_note_in(o, in, "cloud-init: ntp.%s[%zu] is not a string",
					 name, i);
			return -1;
		}
		if (discover_server_parse((const char *)e->data.scalar.value,
					  e->data.scalar.length, false, &cfg, why,
					  sizeof(why))) {
			discover_note_in(o, in, "cloud-init: ntp.%s[%zu]: %s", name, i,
					 why);
			return -1;
		}
		discover_list_add(tmp, &cfg, in->source, field);
		(*n)++;
	}
	return 0;
}

static int ntp_section(const struct discover_opts *o,
		       const struct discover_input *in, yaml_document_t *doc,
		       struct discover_list *tmp)
{
	yaml_node_t *root = yaml_document_get_root_node(doc), *ntp, *en;
	unsigned int n = 0;

	if (!root)
		return 0;	/* "#cloud-config" and nothing else */
	if (root->type != YAML_MAPPING_NODE) {
		discover_note_in(o, in, "cloud-init: not a YAML mapping");
		return -1;
	}
	ntp = map_get(doc, root, "ntp");
	if (!ntp || is_null(ntp))
		return 0;
	if (ntp->type != YAML_MAPPING_NODE) {
		discover_note_in(o, in, "cloud-init: ntp is not a mapping");
		return -1;
	}
	en = map_get(doc, ntp, "enabled");
	if (en && !is_null(en)) {
		switch (boolean(en)) {
		case 0:
			discover_note_in(o, in, "cloud-init: ntp.enabled is false");
			return -1;
		case -1:
			discover_note_in(o, in,
					 "cloud-init: ntp.enabled is not true or false");
			return -1;
		}
	}
	if (take_list(o, in, doc, map_get(doc, ntp, "servers"), "servers", tmp,
		      &n) ||
	    take_list(o, in, doc, map_get(doc, ntp, "pools"), "pools", tmp, &n))
		return -1;
	if (!n) {
		discover_note_in(o, in, "cloud-init: ntp has no servers or pools");
		return -1;
	}
	return 0;
}

int discover_parse_cloud_config(const struct discover_opts *o,
				const struct discover_input *in,
				const char *buf, size_t len,
				struct discover_list *out)
{
	struct discover_list *tmp;
	yaml_parser_t parser;
	yaml_document_t doc;
	int ret = -1;

	/* Other vendor data (a script, MIME multipart) is not ours to judge. */
	if (len < strlen(MAGIC) || memcmp(buf, MAGIC, strlen(MAGIC)))
		return 0;
	if (len > DISCOVER_MAX_INPUT) {
		discover_note_in(o, in, "cloud-init: larger than 1 MiB");
		return -1;
	}
	tmp = malloc(sizeof(*tmp));
	if (!tmp || !yaml_parser_initialize(&parser)) {
		discover_note_in(o, in, "out of memory");
		free(tmp);
		return -1;
	}
	discover_list_init(tmp);
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		if (parser.problem)
			discover_note_in(o, in,
					 "cloud-init: YAML error at line %zu column %zu: %s",
					 parser.problem_mark.line + 1,
					 parser.problem_mark.column + 1, parser.problem);
		else
			discover_note_in(o, in, "cloud-init: YAML error (out of memory)");
		goto out;
	}
	if (!ntp_section(o, in, &doc, tmp)) {
		discover_list_merge(out, tmp);
		ret = 0;
	}
	yaml_document_delete(&doc);
out:
	yaml_parser_delete(&parser);
	free(tmp);
	return ret;
}
