// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Origin 2: an OpenStack config drive that is already mounted. phc-steer
 * never mounts anything (it runs sandboxed, and mounting a guest-visible
 * device is the image's business): it looks at the configured mount point
 * (config_drive, default /mnt/config), then, if the drive's by-label link
 * (/dev/disk/by-label/config-2, or CONFIG-2 as some vfat drives show it)
 * exists, at wherever the mount table says that device is mounted. A drive
 * that is there but not mounted is told once.
 *
 * Files, in order, the first with servers winning:
 * openstack/latest/vendor_data2.json, openstack/latest/vendor_data.json.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "discover/discover_int.h"

static const char *const labels[] = { "config-2", "CONFIG-2" };
static const char *const files[] = { "vendor_data2.json", "vendor_data.json" };

/* One field of a mount table line, its \ooo escapes decoded. */
static const char *field(const char *p, const char *end, char *out,
			 size_t outlen)
{
	size_t n = 0;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	while (p < end && *p != ' ' && *p != '\t') {
		char c = *p++;

		if (c == '\\' && end - p >= 3 && p[0] >= '0' && p[0] <= '3' &&
		    p[1] >= '0' && p[1] <= '7' && p[2] >= '0' && p[2] <= '7') {
			c = (char)((p[0] - '0') * 64 + (p[1] - '0') * 8 + (p[2] - '0'));
			p += 3;
		}
		if (n + 1 < outlen)
			out[n++] = c;
	}
	if (outlen)
		out[n] = '\0';
	return p;
}

int discover_mount_point(const char *table, size_t len, const char *dev,
			 char *out, size_t outlen)
{
	const char *p = table, *end = table + len, *eol;
	char src[PATH_MAX], dir[PATH_MAX];

	for (; p < end; p = eol + 1) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		p = field(p, eol, src, sizeof(src));
		field(p, eol, dir, sizeof(dir));
		if (src[0] && dir[0] && !strcmp(src, dev)) {
			snprintf(out, outlen, "%s", dir);
			return 0;
		}
	}
	return -1;
}

/* Where a config-2 device is mounted, if one exists: 1 found, 0 not. */
static int labelled_drive(const struct discover_opts *o, char *mnt,
			  size_t mntlen)
{
	struct discover_input in = { .label = "mount table", .source = o->mounts };
	char link[PATH_MAX], dev[PATH_MAX];
	size_t i, len;
	char *table;
	int found;

	for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
		snprintf(link, sizeof(link), "%s/%s", o->label_dir, labels[i]);
		if (realpath(link, dev))
			break;
	}
	if (i == sizeof(labels) / sizeof(labels[0]))
		return 0;
	if (discover_read_file(o, &in, &table, &len))
		return 0;
	/* The table names the device as mount(8) was given it. */
	found = !discover_mount_point(table, len, dev, mnt, mntlen) ||
		!discover_mount_point(table, len, link, mnt, mntlen);
	free(table);
	if (!found)
		discover_note(o, "discover: config drive %s (%s) is not mounted: phc-steer does not mount it",
			      link, dev);
	return found;
}

static void try_root(const struct discover_opts *o, const char *root,
		     struct discover_list *out)
{
	struct discover_input in = { .label = "config drive" };
	char path[PATH_MAX];
	size_t i, len;
	char *buf;

	for (i = 0; i < sizeof(files) / sizeof(files[0]) && !out->n; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/openstack/latest/%s",
				     root, files[i]) >= sizeof(path))
			return;
		in.source = path;
		if (discover_read_file(o, &in, &buf, &len))
			continue;
		discover_parse_vendor(o, &in, buf, len, out);
		free(buf);
	}
}

void discover_config_drive(const struct discover_opts *o,
			   struct discover_list *out)
{
	char mnt[PATH_MAX];

	if (!o->config_drive)
		return;
	try_root(o, o->config_drive, out);
	if (out->n || !o->label_dir || !o->mounts)
		return;
	if (labelled_drive(o, mnt, sizeof(mnt)) && strcmp(mnt, o->config_drive))
		try_root(o, mnt, out);
}
