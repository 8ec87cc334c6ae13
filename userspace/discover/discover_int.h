/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NTP server discovery, the inside (see discover.h): the parsers, each over
 * a buffer (so the fuzz target and the tests call them directly), the server
 * list, and the origins.
 *
 * Every problem is told through discover_note() as one line
 *   "discover: LABEL SOURCE: what is wrong"
 * e.g. "discover: dhcp lease /var/lib/dhcp/dhclient.eth0.leases: line 3:
 * unterminated string". Values quoted from the input are cut to 64
 * characters and their control characters shown as '?'.
 */
#ifndef PHC_STEER_DISCOVER_INT_H
#define PHC_STEER_DISCOVER_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "discover/discover.h"

#define DISCOVER_QUOTE_MAX 64

/* What is being read: label ("dhcp lease", "config drive", "metadata") and
 * the file or URL. */
struct discover_input {
	const char *label;
	const char *source;
};

void discover_note(const struct discover_opts *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* discover_note() with the "discover: LABEL SOURCE: " prefix. */
void discover_note_in(const struct discover_opts *o,
		      const struct discover_input *in, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* 'value' (len bytes; cut, control characters as '?') into out. */
void discover_quote(const char *s, size_t len, char *out, size_t outlen);

/*
 * Read a regular file of at most DISCOVER_MAX_INPUT bytes into a malloc'd,
 * NUL-terminated buffer. 0: read; -ENOENT: absent (nothing told); -1: a
 * problem, told.
 */
int discover_read_file(const struct discover_opts *o,
		       const struct discover_input *in, char **buf,
		       size_t *len);

/*
 * A server: "HOST", "HOST:PORT", "[V6]" or "[V6]:PORT", or a bare IPv6
 * address; HOST a host name (RFC 1123 labels, not all-numeric at the end)
 * or an IPv4 address; with ipv4_only, an IPv4 address and nothing else.
 * Fills cfg (canonical address or lower-case name, numeric port, iburst).
 * Returns 0, or -1 with "'spec' is not ..." in why.
 */
int discover_server_parse(const char *spec, size_t len, bool ipv4_only,
			  struct ntp_server_cfg *cfg, char *why, size_t whylen);

void discover_list_init(struct discover_list *l);
/* 1 added, 0 a duplicate, -1 full (counted in dropped). */
int discover_list_add(struct discover_list *l, const struct ntp_server_cfg *cfg,
		      const char *source, const char *field);
void discover_list_merge(struct discover_list *dst,
			 const struct discover_list *src);
/* Tell once when servers were dropped for want of room. */
void discover_list_note_dropped(const struct discover_opts *o,
				const char *what, const struct discover_list *l);

/*
 * The parsers. Each adds what it finds to out and returns 0 (perhaps
 * nothing found: not a problem), or -1 when the input is malformed: then
 * out is unchanged and the problem was told. buf[len] must be '\0' (as
 * discover_read_file() and discover_http_get() leave it); a '\0' before
 * it is input like any other byte.
 */
int discover_parse_dhclient(const struct discover_opts *o,
			    const struct discover_input *in, const char *buf,
			    size_t len, struct discover_list *out);
int discover_parse_networkd(const struct discover_opts *o,
			    const struct discover_input *in, const char *buf,
			    size_t len, struct discover_list *out);
/* Vendor data: "ptp_unified", else "cloud-init" (see discover.h). */
int discover_parse_vendor(const struct discover_opts *o,
			  const struct discover_input *in, const char *buf,
			  size_t len, struct discover_list *out);
/* A "#cloud-config" document (anything else is not cloud-config: 0). */
int discover_parse_cloud_config(const struct discover_opts *o,
				const struct discover_input *in,
				const char *buf, size_t len,
				struct discover_list *out);

/*
 * The mount point of device dev in a mounts table (/proc/self/mounts
 * format, octal escapes decoded) into out. 0 or -1 (not mounted).
 */
int discover_mount_point(const char *table, size_t len, const char *dev,
			 char *out, size_t outlen);

/*
 * HTTP GET of url with the timeouts of o, no proxy, no redirect, at most
 * DISCOVER_MAX_INPUT bytes. 0: a 200 reply in *body (malloc'd,
 * NUL-terminated); 1: another HTTP status (told); -1: no reply (told).
 */
int discover_http_get(const struct discover_opts *o,
		      const struct discover_input *in, char **body,
		      size_t *len);

/* The origins: 0 or more servers added to out. */
void discover_dhcp(const struct discover_opts *o, struct discover_list *out);
void discover_config_drive(const struct discover_opts *o,
			   struct discover_list *out);
void discover_metadata(const struct discover_opts *o,
		       struct discover_list *out);

#endif /* PHC_STEER_DISCOVER_INT_H */
