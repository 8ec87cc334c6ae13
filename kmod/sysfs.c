// SPDX-License-Identifier: GPL-2.0-only
/*
 * sysfs: the clock's knobs and state on its platform device
 * (/sys/class/ptp/ptpN/device/), and one directory per source under
 * sources/. Every attribute is documented in docs/ABI/; the knobs' are
 * declared from the knob table (knob_table.h). A write needs CAP_SYS_TIME
 * (-EPERM); one that does not parse or is out of range returns -EINVAL and
 * changes nothing. Reads never take pd->lock: they evaluate a snapshot of
 * the arbiter (ptpu_snapshot_take()). The pollable files are woken by the
 * time base's events, which this file subscribes to while it exists. The
 * sources' directories are sysfs_source.c's.
 */
#include <linux/capability.h>
#include <linux/device.h>
#include <linux/kobject.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "sysfs.h"

static const char * const ptpu_state_names[] = {
	[PTPU_STATE_UNSYNCED] = "unsynchronised",
	[PTPU_STATE_SYNCED] = "synchronised",
	[PTPU_STATE_NO_MAJORITY] = "no-majority",
	[PTPU_STATE_FREERUN] = "free-running",
};

static struct ptpu_dev *dev_to_ptpu(struct device *dev)
{
	return dev_get_drvdata(dev);
}

/**
 * ptpu_sysfs_may_write() - whether the writer may change the clock
 *
 * sysfs checks only the file mode, which root passes without CAP_SYS_TIME.
 * Every store here moves the time all readers of the clock get, so it needs
 * what netlink's writes and clock_settime() need: CAP_SYS_TIME.
 *
 * Return: true with CAP_SYS_TIME.
 */
bool ptpu_sysfs_may_write(void)
{
	return capable(CAP_SYS_TIME);
}

/* ---- read-only state of the clock ---- */

enum ptpu_status_field {
	PTPU_ST_SELECTED,
	PTPU_ST_STATE,
	PTPU_ST_BOUND,
	PTPU_ST_DISRUPTIONS,
	PTPU_ST_LEAPS,
	PTPU_ST_STEPS,
	PTPU_ST_LAST_STEP,
	PTPU_ST_LAST_STEP_AGE,
};

static ssize_t ptpu_status_field_emit(char *buf, const struct ptpu_snapshot *snap,
				      enum ptpu_status_field f)
{
	char name[PTPU_NAME_LEN];
	struct ptpu_status st;

	ptpu_status_read(&snap->view, snap->raw, &st, name);
	switch (f) {
	case PTPU_ST_SELECTED:
		return sysfs_emit(buf, "%s\n", name[0] ? name : "none");
	case PTPU_ST_STATE:
		return sysfs_emit(buf, "%s\n", ptpu_state_names[st.state]);
	case PTPU_ST_BOUND:
		return sysfs_emit(buf, "%llu\n", st.bound_ns);
	case PTPU_ST_DISRUPTIONS:
		return sysfs_emit(buf, "%llu\n", st.disruptions);
	case PTPU_ST_LEAPS:
		return sysfs_emit(buf, "%llu\n", st.leaps);
	case PTPU_ST_STEPS:
		return sysfs_emit(buf, "%llu\n", st.steps);
	case PTPU_ST_LAST_STEP:
		return sysfs_emit(buf, "%lld\n", st.last_step_ns);
	case PTPU_ST_LAST_STEP_AGE:
		return sysfs_emit(buf, "%lld\n",
				  st.steps ? snap->raw - st.last_step_raw : -1LL);
	}
	return -EINVAL;
}

static ssize_t ptpu_status_field_show(struct device *dev, char *buf,
				      enum ptpu_status_field f)
{
	struct ptpu_snapshot *snap = ptpu_snapshot_take(dev_to_ptpu(dev));
	ssize_t ret;

	if (!snap)
		return -ENOMEM;
	ret = ptpu_status_field_emit(buf, snap, f);
	kvfree(snap);
	return ret;
}

#define PTPU_STATUS_ATTR(_name, _field)					\
static ssize_t _name##_show(struct device *dev,				\
			    struct device_attribute *attr, char *buf)	\
{									\
	return ptpu_status_field_show(dev, buf, _field);		\
}									\
static DEVICE_ATTR_RO(_name)

PTPU_STATUS_ATTR(selected_source, PTPU_ST_SELECTED);
PTPU_STATUS_ATTR(state, PTPU_ST_STATE);
PTPU_STATUS_ATTR(bound_ns, PTPU_ST_BOUND);
PTPU_STATUS_ATTR(disruption_count, PTPU_ST_DISRUPTIONS);
PTPU_STATUS_ATTR(leap_count, PTPU_ST_LEAPS);
PTPU_STATUS_ATTR(step_count, PTPU_ST_STEPS);
PTPU_STATUS_ATTR(last_step_ns, PTPU_ST_LAST_STEP);
PTPU_STATUS_ATTR(last_step_age_ns, PTPU_ST_LAST_STEP_AGE);

static struct attribute *ptpu_state_attrs[] = {
	&dev_attr_selected_source.attr,
	&dev_attr_state.attr,
	&dev_attr_bound_ns.attr,
	&dev_attr_disruption_count.attr,
	&dev_attr_leap_count.attr,
	&dev_attr_step_count.attr,
	&dev_attr_last_step_ns.attr,
	&dev_attr_last_step_age_ns.attr,
	NULL
};

static const struct attribute_group ptpu_state_group = {
	.attrs = ptpu_state_attrs,
};

/* ---- knobs, from the knob table ---- */

/*
 * kstrtobool() looks at the first character only ("nonsense" is false): a
 * knob wants the whole word, so a typo is refused, not taken.
 */
static int ptpu_strict_bool(const char *buf, bool *v)
{
	static const char * const yes[] = { "1", "y", "yes", "on", "true" };
	static const char * const no[] = { "0", "n", "no", "off", "false" };
	int i;

	for (i = 0; i < ARRAY_SIZE(yes); i++) {
		if (sysfs_streq(buf, yes[i])) {
			*v = true;
			return 0;
		}
		if (sysfs_streq(buf, no[i])) {
			*v = false;
			return 0;
		}
	}
	return -EINVAL;
}

/**
 * ptpu_sysfs_knob_parse() - what was written to a knob, as a value of its type
 * @k:		the knob
 * @buf:	what was written
 * @count:	its length
 * @v:		receives the value (its range is for the setter to check)
 *
 * Return: 0, or -EINVAL when it does not parse.
 */
int ptpu_sysfs_knob_parse(const struct ptpu_knob *k, const char *buf,
			  size_t count, union ptpu_knob_value *v)
{
	size_t len = count;
	bool flag;

	switch (k->type) {
	case PTPU_KNOB_TYPE_BOOL:
		if (ptpu_strict_bool(buf, &flag))
			return -EINVAL;
		v->num = flag;
		return 0;
	case PTPU_KNOB_TYPE_STR:
		if (len && buf[len - 1] == '\n')
			len--;
		if (len >= sizeof(v->str) || memchr(buf, '\0', len))
			return -EINVAL;
		memcpy(v->str, buf, len);
		v->str[len] = '\0';
		return 0;
	default:
		return kstrtou64(buf, 0, &v->num) ? -EINVAL : 0;
	}
}

/**
 * ptpu_sysfs_knob_emit() - a knob's value as its attribute shows it
 * @buf:	the attribute's page
 * @k:		the knob
 * @v:		its value
 *
 * Return: the length written.
 */
ssize_t ptpu_sysfs_knob_emit(char *buf, const struct ptpu_knob *k,
			     const union ptpu_knob_value *v)
{
	if (k->type == PTPU_KNOB_TYPE_STR)
		return sysfs_emit(buf, "%s\n", v->str);
	return sysfs_emit(buf, "%llu\n", v->num);
}

struct ptpu_knob_attr {
	struct device_attribute attr;
	enum ptpu_knob_id knob;
};

static enum ptpu_knob_id attr_to_knob(struct device_attribute *attr)
{
	return container_of(attr, struct ptpu_knob_attr, attr)->knob;
}

static ssize_t ptpu_knob_show(struct device *dev, struct device_attribute *attr,
			      char *buf)
{
	enum ptpu_knob_id id = attr_to_knob(attr);
	union ptpu_knob_value v;

	ptpu_knob_get(dev_to_ptpu(dev), id, &v);
	return ptpu_sysfs_knob_emit(buf, &ptpu_knobs[id], &v);
}

static ssize_t ptpu_knob_store(struct device *dev, struct device_attribute *attr,
			       const char *buf, size_t count)
{
	enum ptpu_knob_id id = attr_to_knob(attr);
	union ptpu_knob_value vals[PTPU_KNOB_COUNT];
	int ret, bad;

	if (!ptpu_sysfs_may_write())
		return -EPERM;
	if (ptpu_sysfs_knob_parse(&ptpu_knobs[id], buf, count, &vals[id]))
		return -EINVAL;
	ret = ptpu_knobs_set(dev_to_ptpu(dev), BIT(id), vals, &bad);
	return ret ? ret : count;
}

static struct ptpu_knob_attr ptpu_knob_attrs[PTPU_KNOB_COUNT] = {
#define PTPU_CLOCK_KNOB(id, name, ...)					\
	[PTPU_KNOB_##id] = {						\
		.attr = __ATTR(name, 0644, ptpu_knob_show, ptpu_knob_store), \
		.knob = PTPU_KNOB_##id,					\
	},
#include "knob_table.h"
};

static struct attribute *ptpu_knob_attr_list[PTPU_KNOB_COUNT + 1] = {
#define PTPU_CLOCK_KNOB(id, ...)					\
	[PTPU_KNOB_##id] = &ptpu_knob_attrs[PTPU_KNOB_##id].attr.attr,
#include "knob_table.h"
};

/* A source's knobs exist only when the source does. */
static umode_t ptpu_knob_visible(struct kobject *kobj, struct attribute *attr,
				 int n)
{
	struct ptpu_dev *pd = dev_to_ptpu(kobj_to_dev(kobj));
	struct device_attribute *da = container_of(attr, struct device_attribute, attr);

	return ptpu_knob_present(pd, &ptpu_knobs[attr_to_knob(da)]) ? attr->mode : 0;
}

static const struct attribute_group ptpu_knob_group = {
	.attrs = ptpu_knob_attr_list,
	.is_visible = ptpu_knob_visible,
};

static const struct attribute_group *ptpu_groups[] = {
	&ptpu_state_group,
	&ptpu_knob_group,
	NULL
};

/* Wake the pollers of the files an event changed. */
static int ptpu_sysfs_on_event(struct notifier_block *nb, unsigned long mask,
			       void *data)
{
	struct ptpu_sysfs *s = container_of(nb, struct ptpu_sysfs, events);
	struct kobject *kobj = &s->pd->dev->kobj;

	if (mask & PTPU_EV_DISRUPTION)
		sysfs_notify(kobj, NULL, "disruption_count");
	if (mask & PTPU_EV_LEAP)
		sysfs_notify(kobj, NULL, "leap_count");
	if (mask & PTPU_EV_SELECTION)
		sysfs_notify(kobj, NULL, "selected_source");
	if (mask & PTPU_EV_STATE)
		sysfs_notify(kobj, NULL, "state");
	return NOTIFY_DONE;
}

/*
 * devm frees @pd->sysfs right after this returns, while the sources and the
 * tick, whose events it heard, still run until their own devm actions: so
 * the subscription ends first (no event reaches it once that returns), and
 * @pd->sysfs is cleared last, so nothing finds the freed state through @pd.
 */
static void ptpu_sysfs_remove(void *data)
{
	struct ptpu_dev *pd = data;
	int i;

	ptpu_events_unsubscribe(pd, &pd->sysfs->events);
	for (i = 0; i < PTPU_MAX_SOURCES; i++)
		ptpu_sysfs_source_del(pd, i);
	kobject_put(pd->sysfs->dir);
	device_remove_groups(pd->dev, ptpu_groups);
	pd->sysfs = NULL;
}

/**
 * ptpu_sysfs_init() - create the knobs, the state and sources/<name>/
 * @pd:	the clock, with its built-in sources started
 *
 * Return: 0 or a negative errno.
 */
int ptpu_sysfs_init(struct ptpu_dev *pd)
{
	struct ptpu_sysfs *s;
	int ret;

	s = devm_kzalloc(pd->dev, sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->pd = pd;
	s->events.notifier_call = ptpu_sysfs_on_event;
	ret = device_add_groups(pd->dev, ptpu_groups);
	if (ret)
		return ret;
	s->dir = kobject_create_and_add("sources", &pd->dev->kobj);
	if (!s->dir) {
		device_remove_groups(pd->dev, ptpu_groups);
		return -ENOMEM;
	}
	ret = ptpu_events_subscribe(pd, &s->events);
	if (ret) {
		kobject_put(s->dir);
		device_remove_groups(pd->dev, ptpu_groups);
		return ret;
	}
	pd->sysfs = s;
	ret = devm_add_action_or_reset(pd->dev, ptpu_sysfs_remove, pd);
	if (ret)
		return ret;
	return ptpu_sysfs_add_sources(pd);
}
