// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * NTP server discovery: the order of the origins, and what they share
 * (telling problems, reading a file). See discover.h for the order and why.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "discover/discover_int.h"

static void vnote(const struct discover_opts *o, const char *prefix,
		  const char *fmt, va_list ap)
{
	char msg[DISCOVER_NOTE_MAX];
	size_t n = 0, i;

	if (!o->note)
		return;
	if (prefix)
		n = (size_t)snprintf(msg, sizeof(msg), "%s", prefix);
	if (n < sizeof(msg))
		vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
	/* One line in the log, whatever a file name or a value holds. */
	for (i = 0; msg[i]; i++) {
		unsigned char c = (unsigned char)msg[i];

		if (c < 0x20 || c >= 0x7f)
			msg[i] = '?';
	}
	o->note(o->note_arg, msg);
}

void discover_note(const struct discover_opts *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vnote(o, NULL, fmt, ap);
	va_end(ap);
}

void discover_note_in(const struct discover_opts *o,
		      const struct discover_input *in, const char *fmt, ...)
{
	char prefix[DISCOVER_NOTE_MAX];
	va_list ap;

	snprintf(prefix, sizeof(prefix), "discover: %s %s: ", in->label,
		 in->source);
	va_start(ap, fmt);
	vnote(o, prefix, fmt, ap);
	va_end(ap);
}

int discover_read_file(const struct discover_opts *o,
		       const struct discover_input *in, char **bufp,
		       size_t *lenp)
{
	size_t len = 0;
	struct stat st;
	char *buf;
	ssize_t r;
	int fd;

	/* O_NONBLOCK: a FIFO put in place of a lease file must not hang us. */
	fd = open(in->source, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return -ENOENT;
		discover_note_in(o, in, "cannot read: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		discover_note_in(o, in, "not a regular file");
		close(fd);
		return -1;
	}
	if (st.st_size > DISCOVER_MAX_INPUT)
		goto too_big;
	buf = malloc(DISCOVER_MAX_INPUT + 2);
	if (!buf) {
		discover_note_in(o, in, "out of memory");
		close(fd);
		return -1;
	}
	/* The size may have changed since fstat(): read one byte too many. */
	while (len <= DISCOVER_MAX_INPUT) {
		r = read(fd, buf + len, DISCOVER_MAX_INPUT + 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			discover_note_in(o, in, "cannot read: %s", strerror(errno));
			free(buf);
			close(fd);
			return -1;
		}
		if (!r)
			break;
		len += (size_t)r;
	}
	close(fd);
	if (len > DISCOVER_MAX_INPUT) {
		free(buf);
		goto too_big_closed;
	}
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	return 0;

too_big:
	close(fd);
too_big_closed:
	discover_note_in(o, in, "larger than 1 MiB");
	return -1;
}

const char *discover_origin_name(enum discover_origin origin)
{
	switch (origin) {
	case DISCOVER_DHCP: return "dhcp";
	case DISCOVER_CONFIG_DRIVE: return "config-drive";
	case DISCOVER_METADATA: return "metadata";
	case DISCOVER_NONE: break;
	}
	return "none";
}

void discover_opts_from_config(struct discover_opts *o,
			       const struct config *cfg)
{
	memset(o, 0, sizeof(*o));
	o->lease_dirs = cfg->dhcp_lease_dirs;
	o->config_drive = cfg->config_drive[0] ? cfg->config_drive : NULL;
	o->label_dir = DISCOVER_DEFAULT_LABEL_DIR;
	o->mounts = DISCOVER_DEFAULT_MOUNTS;
	o->metadata_url = cfg->metadata_url[0] ? cfg->metadata_url : NULL;
	o->connect_timeout_ms = DISCOVER_CONNECT_TIMEOUT_MS;
	o->timeout_ms = DISCOVER_TIMEOUT_MS;
}

unsigned int discover_run(const struct discover_opts *o,
			  struct discover_result *r)
{
	static const struct {
		enum discover_origin origin;
		void (*run)(const struct discover_opts *o,
			    struct discover_list *out);
		const char *what;
	} origins[] = {
		{ DISCOVER_DHCP, discover_dhcp, "dhcp leases" },
		{ DISCOVER_CONFIG_DRIVE, discover_config_drive, "config drive" },
		{ DISCOVER_METADATA, discover_metadata, "metadata service" },
	};
	char tried[128] = "";
	size_t i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < sizeof(origins) / sizeof(origins[0]); i++) {
		bool enabled = origins[i].origin == DISCOVER_DHCP ?
				       o->lease_dirs && o->lease_dirs[0] :
			       origins[i].origin == DISCOVER_CONFIG_DRIVE ?
				       o->config_drive != NULL :
				       o->metadata_url != NULL;

		if (!enabled)
			continue;
		snprintf(tried + strlen(tried), sizeof(tried) - strlen(tried),
			 "%s%s", tried[0] ? ", " : "", origins[i].what);
		discover_list_init(&r->list);
		origins[i].run(o, &r->list);
		if (r->list.n) {
			r->origin = origins[i].origin;
			discover_list_note_dropped(o, discover_origin_name(r->origin),
						   &r->list);
			return r->list.n;
		}
	}
	discover_list_init(&r->list);
	if (tried[0])
		discover_note(o, "discover: no NTP server found (%s): running without NTP",
			      tried);
	else
		discover_note(o, "discover: every origin is off: running without NTP");
	return 0;
}
