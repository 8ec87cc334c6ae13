// SPDX-License-Identifier: GPL-2.0-only
/*
 * The knob table (kmod/knob_table.h) against the arbiter it configures.
 * The module accepts exactly the table's ranges on every interface, and the
 * arbiter, which checks every configuration it is given, reads its limits
 * and defaults from the same lines (ptpu_arbiter_knobs[]): its checks must
 * apply them to the right field in the right unit, or a value the table
 * allows would be refused as a whole configuration, or one the arbiter
 * cannot take would get through. So for each arbiter knob: the arbiter
 * takes the table's default, minimum and maximum and refuses one past
 * either end, and its default configuration is the table's defaults; a
 * new source starts with the table's defaults of the source knobs.
 */
#include <stdint.h>
#include <string.h>

#include "arbiter.h"
#include "tap.h"

struct knob {
	const char *name;
	unsigned long long min, max, def;
	/* How the knob sits in the arbiter's configuration; NULL: not its. */
	void (*set)(struct ptpu_arbiter_config *c, unsigned long long v);
};

static void set_max_drift_ppb(struct ptpu_arbiter_config *c, unsigned long long v)
{
	c->max_drift_ppb = v;
}

static void set_slew_limit_ppb(struct ptpu_arbiter_config *c, unsigned long long v)
{
	c->slew_limit_ppb = v;
}

static void set_hysteresis_pct(struct ptpu_arbiter_config *c, unsigned long long v)
{
	c->hysteresis_pct = v;
}

static void set_stale_limit_s(struct ptpu_arbiter_config *c, unsigned long long v)
{
	c->stale_ns = v * PTPU_NSEC_PER_SEC;
}

static void set_step_threshold_ns(struct ptpu_arbiter_config *c, unsigned long long v)
{
	c->step_threshold_ns = v;
}

#define SET_ARBITER(name) set_##name
#define SET_KVM(name) NULL
#define SET_RTC(name) NULL
/* The STR knob's default is a name: its numbers are lengths, not values. */
#define DEF_U32(def) (def)
#define DEF_U64(def) (def)
#define DEF_STR(def) 0

static const struct knob clock_knobs[] = {
#define PTPU_CLOCK_KNOB(id, name, type, unit, min, max, def, owner, ...) \
	{ #name, min, max, DEF_##type(def), SET_##owner(name) },
#include "knob_table.h"
};

static const struct knob source_knobs[] = {
#define PTPU_SOURCE_KNOB(id, name, type, unit, min, max, def, ...) \
	{ #name, min, max, def, NULL },
#include "knob_table.h"
};

/* Does the arbiter take @v for @k, the other knobs at their defaults? */
static bool takes(const struct knob *k, unsigned long long v)
{
	struct ptpu_arbiter_config c;
	struct ptpu_arbiter arb;

	ptpu_arbiter_default_config(&c);
	k->set(&c, v);
	memset(&arb, 0, sizeof(arb));
	return ptpu_arbiter_set_config(&arb, &c) == 0;
}

static void test_arbiter_knobs(void)
{
	struct ptpu_arbiter_config def, table;
	unsigned int i, n = 0;

	ptpu_arbiter_default_config(&def);
	table = def;
	for (i = 0; i < ARRAY_SIZE(clock_knobs); i++) {
		const struct knob *k = &clock_knobs[i];

		if (!k->set)
			continue;
		n++;
		ok(takes(k, k->def), "%s: the arbiter takes the default %llu", k->name, k->def);
		ok(takes(k, k->min), "%s: the arbiter takes the minimum %llu", k->name, k->min);
		ok(takes(k, k->max), "%s: the arbiter takes the maximum %llu", k->name, k->max);
		if (k->min > 0)
			ok(!takes(k, k->min - 1), "%s: the arbiter refuses %llu", k->name,
			   k->min - 1);
		ok(!takes(k, k->max + 1), "%s: the arbiter refuses %llu", k->name, k->max + 1);
		k->set(&table, k->def);
	}
	is_int(n, 5, "five knobs configure the arbiter");
	ok(!memcmp(&def, &table, sizeof(def)),
	   "the arbiter's default configuration has the table's defaults");
}

static void test_source_knobs(void)
{
	struct ptpu_arbiter_config cfg;
	struct ptpu_source_status st;
	struct ptpu_arbiter arb;
	struct ptpu_model seed = { .bound0 = PTPU_NSEC_PER_SEC };
	int idx;

	ptpu_arbiter_default_config(&cfg);
	is_int(ptpu_arbiter_init(&arb, &cfg, &seed, 0), 0, "arbiter init");
	idx = ptpu_arbiter_register(&arb, "new", PTPU_CLASS_NTP);
	is_int(ptpu_arbiter_source_status(&arb, idx, 0, &st), 0, "a new source");
	is_str(source_knobs[0].name, "enabled", "the first source knob");
	is_int(st.cfg.enabled, source_knobs[0].def, "a new source's enabled is the table's default");
	is_str(source_knobs[1].name, "priority", "the second source knob");
	is_int(st.cfg.priority, source_knobs[1].def, "a new source's priority is the table's default");
	is_int(source_knobs[1].max, UINT32_MAX, "priority takes every u32");
	is_str(source_knobs[2].name, "prefer", "the third source knob");
	is_int(st.cfg.prefer, source_knobs[2].def, "a new source's prefer is the table's default");
}

int main(void)
{
	test_arbiter_knobs();
	test_source_knobs();
	return tap_done();
}
