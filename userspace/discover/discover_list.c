// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Discovered servers: validation of one server string, and the
 * deduplicated list of at most NTP_MAX_SERVERS (see discover_int.h).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "discover/discover_int.h"

void discover_quote(const char *s, size_t len, char *out, size_t outlen)
{
	size_t i, n = len > DISCOVER_QUOTE_MAX ? DISCOVER_QUOTE_MAX : len;
	size_t o = 0;

	if (outlen < 8) {
		if (outlen)
			out[0] = '\0';
		return;
	}
	out[o++] = '\'';
	for (i = 0; i < n && o + 5 < outlen; i++) {
		unsigned char c = (unsigned char)s[i];

		out[o++] = c < 0x20 || c >= 0x7f ? '?' : (char)c;
	}
	if (i < len) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o++] = '\'';
	out[o] = '\0';
}

static bool all_digits(const char *s, size_t len)
{
	size_t i;

	if (!len)
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
	}
	return true;
}

/* RFC 1123 host name; the last label may not be all digits (RFC 3696). */
static bool host_name_ok(const char *h)
{
	size_t len = strlen(h), start = 0, i;

	if (len && h[len - 1] == '.')
		len--;
	if (!len || len > 253)
		return false;
	while (start < len) {
		size_t end = start;

		while (end < len && h[end] != '.')
			end++;
		if (end == start || end - start > 63 || h[start] == '-' ||
		    h[end - 1] == '-')
			return false;
		for (i = start; i < end; i++) {
			if (!isalnum((unsigned char)h[i]) && h[i] != '-')
				return false;
		}
		if (end == len && all_digits(h + start, end - start))
			return false;
		start = end + 1;
	}
	return true;
}

int discover_server_parse(const char *spec, size_t len, bool ipv4_only,
			  struct ntp_server_cfg *cfg, char *why, size_t whylen)
{
	char q[DISCOVER_QUOTE_MAX + 8], host[NTP_HOST_MAX];
	const char *h = spec, *port = NULL, *close, *c;
	size_t hlen = len, plen = 0, colons = 0, i;
	bool bracket = false;
	unsigned char addr[16];

	memset(cfg, 0, sizeof(*cfg));
	discover_quote(spec, len, q, sizeof(q));
	if (memchr(spec, '\0', len))
		goto bad;
	if (ipv4_only) {
		if (len >= INET_ADDRSTRLEN)
			goto bad4;
		memcpy(host, spec, len);
		host[len] = '\0';
		if (inet_pton(AF_INET, host, addr) != 1)
			goto bad4;
		inet_ntop(AF_INET, addr, cfg->host, sizeof(cfg->host));
		snprintf(cfg->port, sizeof(cfg->port), "%s", NTP_PORT);
		cfg->iburst = true;
		return 0;
	}
	if (len && spec[0] == '[') {
		close = memchr(spec, ']', len);
		if (!close)
			goto bad;
		bracket = true;
		h = spec + 1;
		hlen = (size_t)(close - h);
		c = close + 1;
		if (c < spec + len) {
			if (*c != ':')
				goto bad;
			port = c + 1;
			plen = (size_t)(spec + len - port);
		}
	} else {
		for (i = 0; i < len; i++)
			colons += spec[i] == ':';
		if (colons == 1) {
			c = memchr(spec, ':', len);
			hlen = (size_t)(c - spec);
			port = c + 1;
			plen = (size_t)(spec + len - port);
		}
	}
	if (!hlen || hlen >= sizeof(host))
		goto bad;
	memcpy(host, h, hlen);
	host[hlen] = '\0';

	if (port) {
		unsigned long p = 0;

		if (!plen || plen > 5 || !all_digits(port, plen))
			goto bad_port;
		for (i = 0; i < plen; i++)
			p = p * 10 + (unsigned long)(port[i] - '0');
		if (p < 1 || p > 65535)
			goto bad_port;
		snprintf(cfg->port, sizeof(cfg->port), "%lu", p);
	} else {
		snprintf(cfg->port, sizeof(cfg->port), "%s", NTP_PORT);
	}

	if (strchr(host, ':')) {
		if (inet_pton(AF_INET6, host, addr) != 1)
			goto bad;
		inet_ntop(AF_INET6, addr, cfg->host, sizeof(cfg->host));
	} else if (bracket) {
		goto bad;
	} else if (inet_pton(AF_INET, host, addr) == 1) {
		inet_ntop(AF_INET, addr, cfg->host, sizeof(cfg->host));
	} else if (host_name_ok(host)) {
		for (i = 0; host[i]; i++)
			cfg->host[i] = (char)tolower((unsigned char)host[i]);
		cfg->host[i] = '\0';
	} else {
		goto bad;
	}
	cfg->iburst = true;
	return 0;

bad_port:
	snprintf(why, whylen, "%s: the port is not a number from 1 to 65535", q);
	return -1;
bad4:
	snprintf(why, whylen, "%s is not an IPv4 address", q);
	return -1;
bad:
	snprintf(why, whylen, "%s is not HOST, HOST:PORT or [ADDRESS]:PORT", q);
	return -1;
}

void discover_list_init(struct discover_list *l)
{
	memset(l, 0, sizeof(*l));
}

int discover_list_add(struct discover_list *l, const struct ntp_server_cfg *cfg,
		      const char *source, const char *field)
{
	struct discover_server *s;
	unsigned int i;

	for (i = 0; i < l->n; i++) {
		if (!strcmp(l->s[i].cfg.host, cfg->host) &&
		    !strcmp(l->s[i].cfg.port, cfg->port))
			return 0;
	}
	if (l->n == NTP_MAX_SERVERS) {
		l->dropped++;
		return -1;
	}
	s = &l->s[l->n++];
	s->cfg = *cfg;
	snprintf(s->source, sizeof(s->source), "%s", source);
	snprintf(s->field, sizeof(s->field), "%s", field);
	return 1;
}

void discover_list_merge(struct discover_list *dst,
			 const struct discover_list *src)
{
	unsigned int i;

	for (i = 0; i < src->n; i++)
		discover_list_add(dst, &src->s[i].cfg, src->s[i].source,
				  src->s[i].field);
	dst->dropped += src->dropped;
}

void discover_list_note_dropped(const struct discover_opts *o,
				const char *what, const struct discover_list *l)
{
	if (l->dropped)
		discover_note(o, "discover: %s: %u more servers ignored (at most %d are kept)",
			      what, l->dropped, NTP_MAX_SERVERS);
}
