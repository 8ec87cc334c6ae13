// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Origin 3: the metadata service, over HTTP with libcurl.
 *
 * metadata_url (default http://169.254.169.254/openstack/latest/
 * vendor_data2.json) is fetched; when it ends in "/vendor_data2.json" and
 * gave no server but the service did answer, its sibling
 * "/vendor_data.json" is fetched too (a service that does not answer is
 * not waited for twice). Each request: connect within connect_timeout_ms,
 * the whole reply within timeout_ms, no proxy (the link-local service must
 * be asked directly, whatever http_proxy says), no redirect, HTTP and
 * HTTPS only, at most 1 MiB.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "discover/discover_int.h"

#define SUFFIX2 "/vendor_data2.json"
#define SIBLING "/vendor_data.json"

struct body {
	char *buf;
	size_t len;
	bool too_big;
};

static size_t on_data(char *p, size_t size, size_t nmemb, void *arg)
{
	struct body *b = arg;
	size_t n = size * nmemb;

	if (n > DISCOVER_MAX_INPUT - b->len) {
		b->too_big = true;
		return 0;	/* CURLE_WRITE_ERROR */
	}
	memcpy(b->buf + b->len, p, n);
	b->len += n;
	return n;
}

int discover_http_get(const struct discover_opts *o,
		      const struct discover_input *in, char **bodyp,
		      size_t *lenp)
{
	struct body b = { 0 };
	curl_off_t connect_us = 0;
	long status = 0;
	CURLcode rc;
	CURL *c;
	int ret = -1;

	if (curl_global_init(CURL_GLOBAL_DEFAULT)) {
		discover_note_in(o, in, "HTTP request failed: libcurl did not initialise");
		return -1;
	}
	b.buf = malloc(DISCOVER_MAX_INPUT + 1);
	c = curl_easy_init();
	if (!b.buf || !c) {
		discover_note_in(o, in, "out of memory");
		goto out;
	}
	curl_easy_setopt(c, CURLOPT_URL, in->source);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(c, CURLOPT_PROTOCOLS, CURLPROTO_HTTP | CURLPROTO_HTTPS);
#endif
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, o->timeout_ms);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
			 (curl_off_t)DISCOVER_MAX_INPUT);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "phc-steer");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);

	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(c, CURLINFO_CONNECT_TIME_T, &connect_us);
	if (rc == CURLE_FILESIZE_EXCEEDED || (rc == CURLE_WRITE_ERROR && b.too_big)) {
		discover_note_in(o, in, "reply larger than 1 MiB");
		ret = 1;
	} else if (rc == CURLE_OPERATION_TIMEDOUT) {
		if (connect_us)
			discover_note_in(o, in, "no complete reply within %g s",
					 o->timeout_ms / 1000.0);
		else
			discover_note_in(o, in, "no connection within %g s",
					 (o->connect_timeout_ms < o->timeout_ms ?
					  o->connect_timeout_ms : o->timeout_ms) / 1000.0);
	} else if (rc != CURLE_OK) {
		discover_note_in(o, in, "HTTP request failed: %s",
				 curl_easy_strerror(rc));
	} else if (status != 200) {
		discover_note_in(o, in, "HTTP status %ld", status);
		ret = 1;
	} else {
		b.buf[b.len] = '\0';
		*bodyp = b.buf;
		*lenp = b.len;
		b.buf = NULL;
		ret = 0;
	}
out:
	if (c)
		curl_easy_cleanup(c);
	free(b.buf);
	curl_global_cleanup();
	return ret;
}

void discover_metadata(const struct discover_opts *o, struct discover_list *out)
{
	struct discover_input in = { .label = "metadata" };
	char sibling[DISCOVER_SOURCE_MAX];
	const char *urls[2] = { o->metadata_url, NULL };
	size_t ulen, i, len;
	char *body;
	int r;

	if (!o->metadata_url)
		return;
	ulen = strlen(o->metadata_url);
	if (ulen > strlen(SUFFIX2) && ulen - strlen(SUFFIX2) + strlen(SIBLING) < sizeof(sibling) &&
	    !strcmp(o->metadata_url + ulen - strlen(SUFFIX2), SUFFIX2)) {
		snprintf(sibling, sizeof(sibling), "%.*s%s",
			 (int)(ulen - strlen(SUFFIX2)), o->metadata_url, SIBLING);
		urls[1] = sibling;
	}
	for (i = 0; i < 2 && urls[i] && !out->n; i++) {
		in.source = urls[i];
		r = discover_http_get(o, &in, &body, &len);
		if (r < 0)
			break;
		if (r > 0)
			continue;
		discover_parse_vendor(o, &in, body, len, out);
		free(body);
	}
}
