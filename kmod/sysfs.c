// SPDX-License-Identifier: GPL-2.0-only
/*
 * sysfs: the clock's knobs and state on its platform device
 * (/sys/class/ptp/ptpN/device/), and one directory per source under
 * sources/. Every attribute is documented in docs/ABI/. A write needs
 * CAP_SYS_TIME (-EPERM); one that does not parse or is out of range returns
 * -EINVAL and changes nothing. Reads never take pd->lock: they evaluate a
 * snapshot of the arbiter (ptpu_snapshot_take()). The pollable files are
 * woken by the time base's events, which this file subscribes to while it
 * exists.
 */
#include <linux/capability.h>
#include <linux/device.h>
#include <linux/kobject.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "ptp_unified.h"
#include "source_kvm.h"
#include "source_rtc.h"

static const char * const ptpu_class_names[PTPU_CLASS_COUNT] = {
	[PTPU_CLASS_KVM] = "kvm",
	[PTPU_CLASS_RTC] = "rtc",
	[PTPU_CLASS_NTP] = "ntp",
	[PTPU_CLASS_PHC] = "phc",
	[PTPU_CLASS_OTHER] = "other",
};

static const char * const ptpu_state_names[] = {
	[PTPU_STATE_UNSYNCED] = "unsynchronised",
	[PTPU_STATE_SYNCED] = "synchronised",
	[PTPU_STATE_NO_MAJORITY] = "no-majority",
	[PTPU_STATE_FREERUN] = "free-running",
};

struct ptpu_source_kobj {
	struct kobject kobj;
	struct ptpu_dev *pd;
	int idx;
};

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

static struct ptpu_dev *dev_to_ptpu(struct device *dev)
{
	return dev_get_drvdata(dev);
}

/*
 * sysfs checks only the file mode, which root passes without CAP_SYS_TIME.
 * Every store here moves the time all readers of the clock get, so it needs
 * what netlink's writes and clock_settime() need: CAP_SYS_TIME.
 */
static bool ptpu_may_write(void)
{
	return capable(CAP_SYS_TIME);
}

/* ---- read-only state of the clock ---- */

enum ptpu_status_field {
	PTPU_ST_SELECTED,
	PTPU_ST_STATE,
	PTPU_ST_BOUND,
	PTPU_ST_DISRUPTIONS,
	PTPU_ST_STEPS,
	PTPU_ST_LAST_STEP,
	PTPU_ST_LAST_STEP_AGE,
};

static ssize_t ptpu_status_field_emit(char *buf, const struct ptpu_snapshot *snap,
				      enum ptpu_status_field f)
{
	char name[PTPU_NAME_LEN];
	struct ptpu_status st;

	ptpu_status_read(&snap->arb, snap->raw, &st, name);
	switch (f) {
	case PTPU_ST_SELECTED:
		return sysfs_emit(buf, "%s\n", name[0] ? name : "none");
	case PTPU_ST_STATE:
		return sysfs_emit(buf, "%s\n", ptpu_state_names[st.state]);
	case PTPU_ST_BOUND:
		return sysfs_emit(buf, "%llu\n", st.bound_ns);
	case PTPU_ST_DISRUPTIONS:
		return sysfs_emit(buf, "%llu\n", st.disruptions);
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
PTPU_STATUS_ATTR(step_count, PTPU_ST_STEPS);
PTPU_STATUS_ATTR(last_step_ns, PTPU_ST_LAST_STEP);
PTPU_STATUS_ATTR(last_step_age_ns, PTPU_ST_LAST_STEP_AGE);

/* ---- arbiter knobs ---- */

enum ptpu_knob {
	PTPU_KNOB_MAX_DRIFT,
	PTPU_KNOB_SLEW_LIMIT,
	PTPU_KNOB_HYSTERESIS,
	PTPU_KNOB_STEP_THRESHOLD,
	PTPU_KNOB_STALE,
};

static u64 ptpu_knob_get(const struct ptpu_arbiter_config *c, enum ptpu_knob k)
{
	switch (k) {
	case PTPU_KNOB_MAX_DRIFT:
		return c->max_drift_ppb;
	case PTPU_KNOB_SLEW_LIMIT:
		return c->slew_limit_ppb;
	case PTPU_KNOB_HYSTERESIS:
		return c->hysteresis_pct;
	case PTPU_KNOB_STEP_THRESHOLD:
		return c->step_threshold_ns;
	case PTPU_KNOB_STALE:
		return div_u64(c->stale_ns, NSEC_PER_SEC);
	}
	return 0;
}

static int ptpu_knob_set(struct ptpu_arbiter_config *c, enum ptpu_knob k, u64 v)
{
	switch (k) {
	case PTPU_KNOB_MAX_DRIFT:
		if (v > U32_MAX)
			return -EINVAL;
		c->max_drift_ppb = v;
		break;
	case PTPU_KNOB_SLEW_LIMIT:
		if (v > U32_MAX)
			return -EINVAL;
		c->slew_limit_ppb = v;
		break;
	case PTPU_KNOB_HYSTERESIS:
		if (v > U32_MAX)
			return -EINVAL;
		c->hysteresis_pct = v;
		break;
	case PTPU_KNOB_STEP_THRESHOLD:
		c->step_threshold_ns = v;
		break;
	case PTPU_KNOB_STALE:
		if (v > PTPU_STALE_NS_MAX / NSEC_PER_SEC)
			return -EINVAL;
		c->stale_ns = v * NSEC_PER_SEC;
		break;
	}
	return 0;
}

struct ptpu_knob_attr {
	struct device_attribute attr;
	enum ptpu_knob knob;
};

static enum ptpu_knob attr_to_knob(struct device_attribute *attr)
{
	return container_of(attr, struct ptpu_knob_attr, attr)->knob;
}

static ssize_t ptpu_knob_show(struct device *dev, struct device_attribute *attr,
			      char *buf)
{
	struct ptpu_arbiter_config cfg;

	ptpu_read_config(dev_to_ptpu(dev), &cfg);
	return sysfs_emit(buf, "%llu\n", ptpu_knob_get(&cfg, attr_to_knob(attr)));
}

static ssize_t ptpu_knob_store(struct device *dev, struct device_attribute *attr,
			       const char *buf, size_t count)
{
	struct ptpu_dev *pd = dev_to_ptpu(dev);
	struct ptpu_arbiter_config cfg;
	struct ptpu_events ev = {};
	u64 v;
	int ret;

	if (!ptpu_may_write())
		return -EPERM;
	ret = kstrtou64(buf, 0, &v);
	if (ret)
		return -EINVAL;

	mutex_lock(&pd->lock);
	ptpu_update_begin(pd);
	cfg = pd->arb.cfg;
	ret = ptpu_knob_set(&cfg, attr_to_knob(attr), v);
	if (!ret)
		ret = ptpu_arbiter_set_config(&pd->arb, &cfg);
	ptpu_update_end(pd, &ev);
	mutex_unlock(&pd->lock);
	return ret ? -EINVAL : count;
}

#define PTPU_KNOB_ATTR(_name, _knob)					\
	static struct ptpu_knob_attr dev_attr_##_name = {		\
		.attr = __ATTR(_name, 0644, ptpu_knob_show, ptpu_knob_store), \
		.knob = _knob,						\
	}

PTPU_KNOB_ATTR(max_drift_ppb, PTPU_KNOB_MAX_DRIFT);
PTPU_KNOB_ATTR(slew_limit_ppb, PTPU_KNOB_SLEW_LIMIT);
PTPU_KNOB_ATTR(hysteresis_pct, PTPU_KNOB_HYSTERESIS);
PTPU_KNOB_ATTR(step_threshold_ns, PTPU_KNOB_STEP_THRESHOLD);
PTPU_KNOB_ATTR(stale_limit_s, PTPU_KNOB_STALE);

/* ---- source knobs that live with the source, not the arbiter ---- */

static ssize_t ptpu_uint_store(const char *buf, size_t count, unsigned int min,
			       unsigned int max, unsigned int *dst)
{
	unsigned int v;

	if (!ptpu_may_write())
		return -EPERM;
	if (kstrtouint(buf, 0, &v) || v < min || v > max)
		return -EINVAL;
	WRITE_ONCE(*dst, v);
	return count;
}

static ssize_t kvm_poll_ms_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(dev_to_ptpu(dev)->kvm->poll_ms));
}

static ssize_t kvm_poll_ms_store(struct device *dev,
				 struct device_attribute *attr,
				 const char *buf, size_t count)
{
	return ptpu_uint_store(buf, count, PTPU_KVM_POLL_MS_MIN,
			       PTPU_KVM_POLL_MS_MAX, &dev_to_ptpu(dev)->kvm->poll_ms);
}
static DEVICE_ATTR_RW(kvm_poll_ms);

static ssize_t rtc_interval_s_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n",
			  READ_ONCE(dev_to_ptpu(dev)->rtc->interval_s));
}

static ssize_t rtc_interval_s_store(struct device *dev,
				    struct device_attribute *attr,
				    const char *buf, size_t count)
{
	return ptpu_uint_store(buf, count, PTPU_RTC_INTERVAL_S_MIN,
			       PTPU_RTC_INTERVAL_S_MAX,
			       &dev_to_ptpu(dev)->rtc->interval_s);
}
static DEVICE_ATTR_RW(rtc_interval_s);

static ssize_t rtc_device_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	char name[PTPU_RTC_NAME_LEN];

	ptpu_rtc_get_device(dev_to_ptpu(dev)->rtc, name, sizeof(name));
	return sysfs_emit(buf, "%s\n", name);
}

static ssize_t rtc_device_store(struct device *dev,
				struct device_attribute *attr,
				const char *buf, size_t count)
{
	char name[PTPU_RTC_NAME_LEN];
	size_t len = count;
	int ret;

	if (!ptpu_may_write())
		return -EPERM;
	if (len && buf[len - 1] == '\n')
		len--;
	if (!len || len >= sizeof(name) || memchr(buf, '\0', len))
		return -EINVAL;
	memcpy(name, buf, len);
	name[len] = '\0';
	ret = ptpu_rtc_set_device(dev_to_ptpu(dev)->rtc, name);
	return ret ? ret : count;
}
static DEVICE_ATTR_RW(rtc_device);

static struct attribute *ptpu_attrs[] = {
	&dev_attr_selected_source.attr,
	&dev_attr_state.attr,
	&dev_attr_bound_ns.attr,
	&dev_attr_disruption_count.attr,
	&dev_attr_step_count.attr,
	&dev_attr_last_step_ns.attr,
	&dev_attr_last_step_age_ns.attr,
	&dev_attr_max_drift_ppb.attr.attr,
	&dev_attr_slew_limit_ppb.attr.attr,
	&dev_attr_hysteresis_pct.attr.attr,
	&dev_attr_step_threshold_ns.attr.attr,
	&dev_attr_stale_limit_s.attr.attr,
	&dev_attr_kvm_poll_ms.attr,
	&dev_attr_rtc_interval_s.attr,
	&dev_attr_rtc_device.attr,
	NULL
};

/* A source's knobs exist only when the source does. */
static umode_t ptpu_attr_visible(struct kobject *kobj, struct attribute *attr,
				 int n)
{
	struct ptpu_dev *pd = dev_to_ptpu(kobj_to_dev(kobj));

	if (attr == &dev_attr_kvm_poll_ms.attr && !pd->kvm)
		return 0;
	if ((attr == &dev_attr_rtc_interval_s.attr ||
	     attr == &dev_attr_rtc_device.attr) && !pd->rtc)
		return 0;
	return attr->mode;
}

static const struct attribute_group ptpu_group = {
	.attrs = ptpu_attrs,
	.is_visible = ptpu_attr_visible,
};

/* ---- sources/<name>/ ---- */

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
	PTPU_SRC_ENABLED,
	PTPU_SRC_PRIORITY,
	PTPU_SRC_PREFER,
};

struct ptpu_src_attr {
	struct kobj_attribute attr;
	enum ptpu_src_field field;
};

/* A source's status from a snapshot: all its fields from one update. */
static int ptpu_src_status(struct ptpu_source_kobj *sk, struct ptpu_source_status *st)
{
	struct ptpu_snapshot *snap = ptpu_snapshot_take(sk->pd);
	int ret;

	if (!snap)
		return -ENOMEM;
	ret = ptpu_arbiter_source_status(&snap->arb, sk->idx, snap->raw, st);
	kvfree(snap);
	return ret;
}

static ssize_t ptpu_src_show(struct kobject *kobj, struct kobj_attribute *kattr,
			     char *buf)
{
	struct ptpu_source_kobj *sk = container_of(kobj, struct ptpu_source_kobj, kobj);
	enum ptpu_src_field f = container_of(kattr, struct ptpu_src_attr, attr)->field;
	struct ptpu_source_status st;
	int ret;

	ret = ptpu_src_status(sk, &st);
	if (ret)
		return ret;

	switch (f) {
	case PTPU_SRC_CLASS:
		return sysfs_emit(buf, "%s\n", ptpu_class_names[st.cls]);
	case PTPU_SRC_AVAILABLE:
		return sysfs_emit(buf, "%d\n", st.available);
	case PTPU_SRC_SELECTED:
		return sysfs_emit(buf, "%d\n", st.selected);
	case PTPU_SRC_FALSETICKER:
		return sysfs_emit(buf, "%d\n", st.falseticker);
	case PTPU_SRC_CALIBRATED:
		return sysfs_emit(buf, "%d\n", st.calibrated);
	case PTPU_SRC_SAMPLES:
		return sysfs_emit(buf, "%u\n", st.samples);
	case PTPU_SRC_OFFSET:
		return sysfs_emit(buf, "%lld\n", st.offset_ns);
	case PTPU_SRC_BOUND:
		return sysfs_emit(buf, "%llu\n", st.bound_ns);
	case PTPU_SRC_JITTER:
		return sysfs_emit(buf, "%llu\n", st.jitter_ns);
	case PTPU_SRC_AGE:
		return sysfs_emit(buf, "%lld\n", st.age_ns);
	case PTPU_SRC_FREQ:
		return sysfs_emit(buf, "%lld\n", st.freq_ppb);
	case PTPU_SRC_ENABLED:
		return sysfs_emit(buf, "%d\n", st.cfg.enabled);
	case PTPU_SRC_PRIORITY:
		return sysfs_emit(buf, "%u\n", st.cfg.priority);
	case PTPU_SRC_PREFER:
		return sysfs_emit(buf, "%d\n", st.cfg.prefer);
	}
	return -EINVAL;
}

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

static ssize_t ptpu_src_store(struct kobject *kobj, struct kobj_attribute *kattr,
			      const char *buf, size_t count)
{
	struct ptpu_source_kobj *sk = container_of(kobj, struct ptpu_source_kobj, kobj);
	enum ptpu_src_field f = container_of(kattr, struct ptpu_src_attr, attr)->field;
	struct ptpu_dev *pd = sk->pd;
	struct ptpu_source_status st;
	struct ptpu_events ev = {};
	struct ptpu_source_config sc;
	unsigned int prio = 0;
	bool flag = false;
	s64 now;
	int ret;

	if (!ptpu_may_write())
		return -EPERM;
	if (f == PTPU_SRC_PRIORITY ? kstrtouint(buf, 0, &prio) : ptpu_strict_bool(buf, &flag))
		return -EINVAL;

	mutex_lock(&pd->lock);
	now = ptpu_update_begin(pd);
	ret = ptpu_arbiter_source_status(&pd->arb, sk->idx, now, &st);
	if (!ret) {
		sc = st.cfg;
		if (f == PTPU_SRC_ENABLED)
			sc.enabled = flag;
		else if (f == PTPU_SRC_PREFER)
			sc.prefer = flag;
		else
			sc.priority = prio;
		ret = ptpu_arbiter_source_config(&pd->arb, sk->idx, &sc, now, &ev);
	}
	ptpu_update_end(pd, &ev);
	mutex_unlock(&pd->lock);
	return ret ? ret : count;
}

#define PTPU_SRC_RO(_name, _field)					\
	static struct ptpu_src_attr ptpu_src_##_name = {		\
		.attr = __ATTR(_name, 0444, ptpu_src_show, NULL),	\
		.field = _field,					\
	}
#define PTPU_SRC_RW(_name, _field)					\
	static struct ptpu_src_attr ptpu_src_##_name = {		\
		.attr = __ATTR(_name, 0644, ptpu_src_show, ptpu_src_store), \
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
PTPU_SRC_RW(enabled, PTPU_SRC_ENABLED);
PTPU_SRC_RW(priority, PTPU_SRC_PRIORITY);
PTPU_SRC_RW(prefer, PTPU_SRC_PREFER);

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
	&ptpu_src_enabled.attr.attr,
	&ptpu_src_priority.attr.attr,
	&ptpu_src_prefer.attr.attr,
	NULL
};
ATTRIBUTE_GROUPS(ptpu_src);

static void ptpu_source_kobj_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct ptpu_source_kobj, kobj));
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
 * @pd:		the clock, with @pd->lock not held (removal waits for
 *		readers, which take it)
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

/* Wake the pollers of the files an event changed. */
static int ptpu_sysfs_on_event(struct notifier_block *nb, unsigned long mask,
			       void *data)
{
	struct ptpu_sysfs *s = container_of(nb, struct ptpu_sysfs, events);
	struct kobject *kobj = &s->pd->dev->kobj;

	if (mask & PTPU_EV_DISRUPTION)
		sysfs_notify(kobj, NULL, "disruption_count");
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
	device_remove_group(pd->dev, &ptpu_group);
	pd->sysfs = NULL;
}

/* sources/<name>/ for the sources registered before sysfs existed. */
static int ptpu_sysfs_add_sources(struct ptpu_dev *pd)
{
	struct ptpu_snapshot *snap = ptpu_snapshot_take(pd);
	struct ptpu_source_status st;
	int i, ret = 0;

	if (!snap)
		return -ENOMEM;
	for (i = 0; i < PTPU_MAX_SOURCES && !ret; i++)
		if (!ptpu_arbiter_source_status(&snap->arb, i, snap->raw, &st))
			ret = ptpu_sysfs_source_add(pd, i, st.name);
	kvfree(snap);
	return ret;
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
	ret = device_add_group(pd->dev, &ptpu_group);
	if (ret)
		return ret;
	s->dir = kobject_create_and_add("sources", &pd->dev->kobj);
	if (!s->dir) {
		device_remove_group(pd->dev, &ptpu_group);
		return -ENOMEM;
	}
	ret = ptpu_events_subscribe(pd, &s->events);
	if (ret) {
		kobject_put(s->dir);
		device_remove_group(pd->dev, &ptpu_group);
		return ret;
	}
	pd->sysfs = s;
	ret = devm_add_action_or_reset(pd->dev, ptpu_sysfs_remove, pd);
	if (ret)
		return ret;
	return ptpu_sysfs_add_sources(pd);
}
