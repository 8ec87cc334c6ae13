/* SPDX-License-Identifier: GPL-2.0-only */
/* What sysfs.c (the device's files) and sysfs_source.c (sources/) share. */
#ifndef PTPU_SYSFS_H
#define PTPU_SYSFS_H

#include <linux/notifier.h>

#include "knobs.h"
#include "ptp_unified.h"

struct ptpu_source_kobj;

/**
 * struct ptpu_sysfs - the sources/ directory and one kobject per source
 * @pd:		the clock
 * @events:	subscription to the time base's events (pollable files)
 * @dir:	sources/
 * @src:	sources/<name>/, by arbiter index (NULL: none)
 */
struct ptpu_sysfs {
	struct ptpu_dev *pd;
	struct notifier_block events;
	struct kobject *dir;
	struct ptpu_source_kobj *src[PTPU_MAX_SOURCES];
};

bool ptpu_sysfs_may_write(void);
int ptpu_sysfs_knob_parse(const struct ptpu_knob *k, const char *buf,
			  size_t count, union ptpu_knob_value *v);
ssize_t ptpu_sysfs_knob_emit(char *buf, const struct ptpu_knob *k,
			     const union ptpu_knob_value *v);
int ptpu_sysfs_add_sources(struct ptpu_dev *pd);

#endif /* PTPU_SYSFS_H */
