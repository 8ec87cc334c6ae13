/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The knobs of knob_table.h as the module uses them: one struct ptpu_knob
 * per line, with the functions that read and apply it.
 */
#ifndef PTPU_KNOBS_H
#define PTPU_KNOBS_H

#include <linux/build_bug.h>
#include <net/netlink.h>

#include "ptp_unified.h"

/* The largest STR knob plus its NUL: an RTC's name in the rtc class. */
#define PTPU_KNOB_STR_LEN	16

enum ptpu_knob_type {
	PTPU_KNOB_TYPE_U32,
	PTPU_KNOB_TYPE_U64,
	PTPU_KNOB_TYPE_BOOL,
	PTPU_KNOB_TYPE_STR,
};

enum ptpu_knob_owner {
	PTPU_KNOB_OWNER_ARBITER,
	PTPU_KNOB_OWNER_KVM,
	PTPU_KNOB_OWNER_RTC,
	PTPU_KNOB_OWNER_SOURCE,
};

/*
 * enum ptpu_knob_id and enum ptpu_source_knob_id, the knobs' ids: in
 * arbiter.h, which takes its knobs' ranges and defaults from the table.
 */

/* Sets of knobs to change are bit masks of their ids. */
static_assert(PTPU_KNOB_COUNT <= BITS_PER_LONG);
static_assert(PTPU_SOURCE_KNOB_COUNT <= BITS_PER_LONG);

/* A knob's value: @num for numbers and flags, @str for STR knobs. */
union ptpu_knob_value {
	u64 num;
	char str[PTPU_KNOB_STR_LEN];
};

/**
 * struct ptpu_knob_ctx - what a knob's functions act on
 * @pd:		the clock (KVM and RTC knobs)
 * @cfg:	a copy of the arbiter's configuration (ARBITER knobs): filled
 *		before a read, committed at once after writes
 * @sc:		a copy of one source's configuration (SOURCE knobs), likewise
 */
struct ptpu_knob_ctx {
	struct ptpu_dev *pd;
	struct ptpu_arbiter_config *cfg;
	struct ptpu_source_config *sc;
};

/**
 * struct ptpu_knob - one line of knob_table.h
 * @name:	sysfs attribute and module parameter
 * @unit:	"" when it has none
 * @type:	enum ptpu_knob_type
 * @owner:	enum ptpu_knob_owner
 * @nl_attr:	its netlink attribute (CONFIG or SOURCE attribute set)
 * @range:	the values accepted (STR: the length), in the form netlink
 *		policies point at
 * @def:	the default of a number or flag
 * @def_str:	the default of a STR knob
 * @load:	read the knob's module parameter (clock knobs)
 * @get:	read the value from @ctx
 * @set:	write a value in range to @ctx; only STR knobs can fail
 */
struct ptpu_knob {
	const char *name;
	const char *unit;
	enum ptpu_knob_type type;
	enum ptpu_knob_owner owner;
	int nl_attr;
	struct netlink_range_validation range;
	u64 def;
	const char *def_str;
	void (*load)(union ptpu_knob_value *v);
	void (*get)(const struct ptpu_knob_ctx *ctx, union ptpu_knob_value *v);
	int (*set)(struct ptpu_knob_ctx *ctx, const union ptpu_knob_value *v);
};

/*
 * Not const: the netlink policies point at the ranges, and Linux 6.1's
 * struct nla_policy does so without const.
 */
extern struct ptpu_knob ptpu_knobs[PTPU_KNOB_COUNT];
extern struct ptpu_knob ptpu_source_knobs[PTPU_SOURCE_KNOB_COUNT];

bool ptpu_knob_present(const struct ptpu_dev *pd, const struct ptpu_knob *k);
bool ptpu_knob_in_range(const struct ptpu_knob *k, const union ptpu_knob_value *v);
void ptpu_knob_load(struct device *dev, enum ptpu_knob_id id,
		    union ptpu_knob_value *v);
void ptpu_knobs_load_config(struct device *dev, struct ptpu_arbiter_config *cfg);
void ptpu_knob_get(struct ptpu_dev *pd, enum ptpu_knob_id id,
		   union ptpu_knob_value *v);
void ptpu_knobs_get(struct ptpu_dev *pd, union ptpu_knob_value *vals);
int ptpu_knobs_set(struct ptpu_dev *pd, unsigned long given,
		   const union ptpu_knob_value *vals, int *bad);
void ptpu_source_knob_get(const struct ptpu_source_status *st,
			  enum ptpu_source_knob_id id, union ptpu_knob_value *v);
int ptpu_source_knobs_set(struct ptpu_dev *pd, int idx, unsigned long given,
			  const union ptpu_knob_value *vals);

#endif /* PTPU_KNOBS_H */
