// SPDX-License-Identifier: GPL-2.0-only
/*
 * sysfs: one directory per source under sources/ of the clock's device
 * (see sysfs.c): its state, read from a snapshot of the arbiter, and its
 * knobs, declared from the knob table (knob_table.h). Directories come and
 * go with the sources.
 */
#include <linux/kobject.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "sysfs.h"

static const char * const ptpu_class_names[PTPU_CLASS_COUNT] = {
	[PTPU_CLASS_KVM] = "kvm",
	[PTPU_CLASS_RTC] = "rtc",
	[PTPU_CLASS_NTP] = "ntp",
	[PTPU_CLASS_PHC] = "phc",
	[PTPU_CLASS_OTHER] = "other",
};

struct ptpu_source_kobj {
	struct kobject kobj;
	struct ptpu_dev *pd;
	int idx;
};

static struct ptpu_source_kobj *kobj_to_source(struct kobject *kobj)
{
	return container_of(kobj, struct ptpu_source_kobj, kobj);
}

enum ptpu_src_field {
	PTPU_SRC_CLASS,
	PTPU_SRC_AVAILABLE,
	PTPU_SRC_SELECTED,
	PTPU_SRC_FALSETICKER,
	PTPU_SRC_CALIBRATED,
	PTPU_SRC_SAMPLES,
	PTPU_SRC_OFFSET,
	PTPU_SRC_BOUND,
	PTPU_SRC_JITTER,
	PTPU_SRC_AGE,
	PTPU_SRC_FREQ,
};

struct ptpu_src_attr {
	struct kobj_attribute attr;
	enum ptpu_src_field field;
};

static ssize_t ptpu_src_emit(char *buf, const struct ptpu_source_status *st,
			     enum ptpu_src_field f)
{
	switch (f) {
	case PTPU_SRC_CLASS:
		return sysfs_emit(buf, "%s\n", ptpu_class_names[st->cls]);
	case PTPU_SRC_AVAILABLE:
		return sysfs_emit(buf, "%d\n", st->available);
	case PTPU_SRC_SELECTED:
		return sysfs_emit(buf, "%d\n", st->selected);
	case PTPU_SRC_FALSETICKER:
		return sysfs_emit(buf, "%d\n", st->falseticker);
	case PTPU_SRC_CALIBRATED:
		return sysfs_emit(buf, "%d\n", st->calibrated);
	case PTPU_SRC_SAMPLES:
		return sysfs_emit(buf, "%u\n", st->samples);
	case PTPU_SRC_OFFSET:
		return sysfs_emit(buf, "%lld\n", st->offset_ns);
	case PTPU_SRC_BOUND:
		return sysfs_emit(buf, "%llu\n", st->bound_ns);
	case PTPU_SRC_JITTER:
		return sysfs_emit(buf, "%llu\n", st->jitter_ns);
	case PTPU_SRC_AGE:
		return sysfs_emit(buf, "%lld\n", st->age_ns);
	case PTPU_SRC_FREQ:
		return sysfs_emit(buf, "%lld\n", st->freq_ppb);
	}
	return -EINVAL;
}

/* A source's status from a snapshot: all its fields from one update. */
static int ptpu_src_status(struct ptpu_source_kobj *sk, struct ptpu_source_status *st)
{
	struct ptpu_snapshot *snap = ptpu_snapshot_take(sk->pd);
	int ret;

	if (!snap)
		return -ENOMEM;
	ret = ptpu_view_source_status(&snap->view, sk->idx, snap->raw, st);
	kvfree(snap);
	return ret;
}

static ssize_t ptpu_src_show(struct kobject *kobj, struct kobj_attribute *kattr,
			     char *buf)
{
	enum ptpu_src_field f = container_of(kattr, struct ptpu_src_attr, attr)->field;
	struct ptpu_source_status st;
	int ret;

	ret = ptpu_src_status(kobj_to_source(kobj), &st);
	return ret ? ret : ptpu_src_emit(buf, &st, f);
}

#define PTPU_SRC_RO(_name, _field)					\
	static struct ptpu_src_attr ptpu_src_##_name = {		\
		.attr = __ATTR(_name, 0444, ptpu_src_show, NULL),	\
		.field = _field,					\
	}

PTPU_SRC_RO(class, PTPU_SRC_CLASS);
PTPU_SRC_RO(available, PTPU_SRC_AVAILABLE);
PTPU_SRC_RO(selected, PTPU_SRC_SELECTED);
PTPU_SRC_RO(falseticker, PTPU_SRC_FALSETICKER);
PTPU_SRC_RO(calibrated, PTPU_SRC_CALIBRATED);
PTPU_SRC_RO(samples, PTPU_SRC_SAMPLES);
PTPU_SRC_RO(offset_ns, PTPU_SRC_OFFSET);
PTPU_SRC_RO(bound_ns, PTPU_SRC_BOUND);
PTPU_SRC_RO(jitter_ns, PTPU_SRC_JITTER);
PTPU_SRC_RO(age_ns, PTPU_SRC_AGE);
PTPU_SRC_RO(freq_ppb, PTPU_SRC_FREQ);

struct ptpu_src_knob_attr {
	struct kobj_attribute attr;
	enum ptpu_source_knob_id knob;
};

static enum ptpu_source_knob_id kattr_to_knob(struct kobj_attribute *kattr)
{
	return container_of(kattr, struct ptpu_src_knob_attr, attr)->knob;
}

static ssize_t ptpu_src_knob_show(struct kobject *kobj,
				  struct kobj_attribute *kattr, char *buf)
{
	enum ptpu_source_knob_id id = kattr_to_knob(kattr);
	struct ptpu_source_status st;
	union ptpu_knob_value v;
	int ret;

	ret = ptpu_src_status(kobj_to_source(kobj), &st);
	if (ret)
		return ret;
	ptpu_source_knob_get(&st, id, &v);
	return ptpu_sysfs_knob_emit(buf, &ptpu_source_knobs[id], &v);
}

static ssize_t ptpu_src_knob_store(struct kobject *kobj,
				   struct kobj_attribute *kattr,
				   const char *buf, size_t count)
{
	struct ptpu_source_kobj *sk = kobj_to_source(kobj);
	enum ptpu_source_knob_id id = kattr_to_knob(kattr);
	union ptpu_knob_value vals[PTPU_SOURCE_KNOB_COUNT];
	int ret;

	if (!ptpu_sysfs_may_write())
		return -EPERM;
	if (ptpu_sysfs_knob_parse(&ptpu_source_knobs[id], buf, count, &vals[id]))
		return -EINVAL;
	ret = ptpu_source_knobs_set(sk->pd, sk->idx, BIT(id), vals);
	return ret ? ret : count;
}

static struct ptpu_src_knob_attr ptpu_src_knob_attrs[PTPU_SOURCE_KNOB_COUNT] = {
#define PTPU_SOURCE_KNOB(id, name, ...)					\
	[PTPU_KNOB_##id] = {						\
		.attr = __ATTR(name, 0644, ptpu_src_knob_show,		\
			       ptpu_src_knob_store),			\
		.knob = PTPU_KNOB_##id,					\
	},
#include "knob_table.h"
};

static struct attribute *ptpu_src_attrs[] = {
	&ptpu_src_class.attr.attr,
	&ptpu_src_available.attr.attr,
	&ptpu_src_selected.attr.attr,
	&ptpu_src_falseticker.attr.attr,
	&ptpu_src_calibrated.attr.attr,
	&ptpu_src_samples.attr.attr,
	&ptpu_src_offset_ns.attr.attr,
	&ptpu_src_bound_ns.attr.attr,
	&ptpu_src_jitter_ns.attr.attr,
	&ptpu_src_age_ns.attr.attr,
	&ptpu_src_freq_ppb.attr.attr,
	&ptpu_src_knob_attrs[PTPU_KNOB_ENABLED].attr.attr,
	&ptpu_src_knob_attrs[PTPU_KNOB_PRIORITY].attr.attr,
	&ptpu_src_knob_attrs[PTPU_KNOB_PREFER].attr.attr,
	NULL
};
ATTRIBUTE_GROUPS(ptpu_src);

static void ptpu_source_kobj_release(struct kobject *kobj)
{
	kfree(kobj_to_source(kobj));
}

static const struct kobj_type ptpu_source_ktype = {
	.release = ptpu_source_kobj_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = ptpu_src_groups,
};

/**
 * ptpu_sysfs_source_add() - create sources/<name>/ for a registered source
 * @pd:		the clock, with @pd->lock not held
 * @idx:	the source's arbiter index
 * @name:	its name
 *
 * Return: 0 or a negative errno.
 */
int ptpu_sysfs_source_add(struct ptpu_dev *pd, int idx, const char *name)
{
	struct ptpu_source_kobj *sk;
	int ret;

	/* Netlink, the caller, is detached before sysfs goes: see main.c. */
	if (WARN_ON_ONCE(!pd->sysfs))
		return -ENODEV;
	sk = kzalloc(sizeof(*sk), GFP_KERNEL);
	if (!sk)
		return -ENOMEM;
	sk->pd = pd;
	sk->idx = idx;
	ret = kobject_init_and_add(&sk->kobj, &ptpu_source_ktype, pd->sysfs->dir,
				   "%s", name);
	if (ret) {
		kobject_put(&sk->kobj);
		return ret;
	}
	pd->sysfs->src[idx] = sk;
	return 0;
}

/**
 * ptpu_sysfs_source_del() - remove sources/<name>/ of a source
 * @pd:		the clock, with @pd->lock not held (removal waits for the
 *		attributes' writers, which take it)
 * @idx:	the source's arbiter index
 */
void ptpu_sysfs_source_del(struct ptpu_dev *pd, int idx)
{
	struct ptpu_source_kobj *sk;

	if (WARN_ON_ONCE(!pd->sysfs))
		return;
	sk = pd->sysfs->src[idx];
	pd->sysfs->src[idx] = NULL;
	if (sk)
		kobject_put(&sk->kobj);
}

/**
 * ptpu_sysfs_add_sources() - sources/<name>/ of the sources already there
 * @pd:	the clock, its sysfs state set up
 *
 * For the sources registered before sysfs existed (the built-in ones).
 *
 * Return: 0 or a negative errno.
 */
int ptpu_sysfs_add_sources(struct ptpu_dev *pd)
{
	struct ptpu_snapshot *snap = ptpu_snapshot_take(pd);
	struct ptpu_source_status st;
	int i, ret = 0;

	if (!snap)
		return -ENOMEM;
	for (i = 0; i < PTPU_MAX_SOURCES && !ret; i++)
		if (!ptpu_view_source_status(&snap->view, i, snap->raw, &st))
			ret = ptpu_sysfs_source_add(pd, i, st.name);
	kvfree(snap);
	return ret;
}
