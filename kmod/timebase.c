// SPDX-License-Identifier: GPL-2.0-only
/*
 * The time base: one arbiter per clock, fed by the sources, the model it
 * publishes for lock-free clock reads, and the events it raises for its
 * subscribers (sysfs and netlink). Every arbiter call that changes anything
 * happens under pd->lock, between ptpu_update_begin() and
 * ptpu_update_end(), that is inside a write section of pd->model_seq.
 *
 * Readers of the status (sysfs shows, netlink gets and dumps) never take
 * pd->lock: they copy the arbiter's view inside a read section of the same
 * seqcount (ptpu_snapshot_take(), ptpu_read_config()) and evaluate the
 * copy. The alternatives are worse for the writers: with pd->lock, an
 * unprivileged reader loop would delay every sample; a status struct
 * swapped with RCU would cost every update an allocation. Each update
 * fills the view (struct ptpu_arbiter_view: the status fields and each
 * source's fit, without the sample histories that are most of the
 * arbiter's 10 KiB), so a reader copies about 150 bytes per source
 * instead of the whole arbiter, retried when an update ran meanwhile, and
 * every copy is the state one update left: a source's fields always
 * belong together.
 */
#include <linux/device.h>
#include <linux/mm.h>
#include <linux/notifier.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>

#include "ptp_unified.h"

/* How often the arbiter ages its sources and re-anchors a slewing output. */
#define PTPU_TICK_MS 1000

/*
 * The system clock at load is all there is until a source speaks. It was
 * set from the RTC at boot (to the second) or by NTP; a second is an honest
 * guess at its error, and the seed is flagged unsynchronised anyway.
 */
#define PTPU_SEED_BOUND_NS NSEC_PER_SEC

/**
 * ptpu_update_begin() - start an arbiter call that may change the model
 * @pd:	the clock, with @pd->lock held
 *
 * Clock reads retry from here to ptpu_update_end(). The raw time handed to
 * the arbiter is read inside that section, so no reader can evaluate the old
 * model at a raw time after the one the new model was anchored at: the
 * output stays monotonic across a change of rate.
 *
 * Return: the current raw time, for the arbiter call.
 */
s64 ptpu_update_begin(struct ptpu_dev *pd)
{
	lockdep_assert_held(&pd->lock);
	write_seqcount_begin(&pd->model_seq);
	return ktime_get_raw_ns();
}

/**
 * ptpu_update_end() - publish the arbiter's model and act on its events
 * @pd:	the clock, with @pd->lock held, after ptpu_update_begin()
 * @ev:	what the arbiter reported for the call
 */
void ptpu_update_end(struct ptpu_dev *pd, const struct ptpu_events *ev)
{
	struct ptpu_event e = { .ev = ev, .view = &pd->view };

	pd->model = *ptpu_arbiter_model(&pd->arb);
	ptpu_arbiter_view_fill(&pd->arb, &pd->view);
	write_seqcount_end(&pd->model_seq);

	if (!ev->mask)
		return;
	if (ev->mask & PTPU_EV_DISRUPTION)
		dev_info_ratelimited(pd->dev, "disruption: clock stepped by %lld ns\n",
				     ev->step_ns);
	if (ev->mask & PTPU_EV_LEAP)
		dev_info(pd->dev, "leap second: clock stepped by %lld ns\n", ev->step_ns);
	raw_notifier_call_chain(&pd->subscribers, ev->mask, &e);
}

/**
 * ptpu_events_subscribe() - hear every event of the time base
 * @pd:	the clock
 * @nb:	its notifier_call gets the event mask (PTPU_EV_*) as action and a
 *	struct ptpu_event as data, with @pd->lock held, in the call that
 *	made the change (so events arrive in order, and a disruption reaches
 *	userspace within microseconds of the step)
 *
 * Return: 0 or a negative errno.
 */
int ptpu_events_subscribe(struct ptpu_dev *pd, struct notifier_block *nb)
{
	int ret;

	mutex_lock(&pd->lock);
	ret = raw_notifier_chain_register(&pd->subscribers, nb);
	mutex_unlock(&pd->lock);
	return ret;
}

/**
 * ptpu_events_unsubscribe() - stop hearing events
 * @pd:	the clock
 * @nb:	as subscribed
 *
 * Events are raised under @pd->lock, which this takes: when it returns, no
 * call of @nb is running and none will start.
 */
void ptpu_events_unsubscribe(struct ptpu_dev *pd, struct notifier_block *nb)
{
	mutex_lock(&pd->lock);
	raw_notifier_chain_unregister(&pd->subscribers, nb);
	mutex_unlock(&pd->lock);
}

/**
 * ptpu_snapshot_take() - a consistent copy of the arbiter's view, without pd->lock
 * @pd:	the clock
 *
 * For readers of the status: evaluate the copy with ptpu_view_status()
 * and ptpu_view_source_status() at @raw. Only the view's sources up to the
 * last used one are copied. The copy is what one update
 * left, and @raw is read inside the same read section, so it is no earlier
 * than any raw time in the copy (ages are never negative).
 *
 * Return: the snapshot (free it with kvfree()), or NULL without memory.
 */
struct ptpu_snapshot *ptpu_snapshot_take(struct ptpu_dev *pd)
{
	struct ptpu_snapshot *snap;
	unsigned int seq, n;

	snap = kvmalloc(sizeof(*snap), GFP_KERNEL);
	if (!snap)
		return NULL;
	do {
		seq = read_seqcount_begin(&pd->model_seq);
		/* Read once: a torn read is retried, but must not overrun. */
		n = min_t(unsigned int, READ_ONCE(pd->view.n_slots), PTPU_MAX_SOURCES);
		memcpy(&snap->view, &pd->view, PTPU_VIEW_SIZE(n));
		snap->view.n_slots = n;
		snap->raw = ktime_get_raw_ns();
	} while (read_seqcount_retry(&pd->model_seq, seq));
	return snap;
}

/**
 * ptpu_status_read() - the clock's status, with its selected source's name
 * @v:		a snapshot's view, or the live one under pd->lock
 * @raw:	the raw time to evaluate it at
 * @st:		receives the status
 * @name:	receives the selected source's name ("" when there is none)
 */
void ptpu_status_read(const struct ptpu_arbiter_view *v, s64 raw,
		      struct ptpu_status *st, char name[PTPU_NAME_LEN])
{
	struct ptpu_source_status sel;

	ptpu_view_status(v, raw, st);
	name[0] = '\0';
	if (st->selected >= 0 &&
	    !ptpu_view_source_status(v, st->selected, raw, &sel))
		strscpy(name, sel.name, PTPU_NAME_LEN);
}

/**
 * ptpu_read_config() - the arbiter's knobs, without pd->lock
 * @pd:		the clock
 * @cfg:	receives a consistent copy
 *
 * Not inside an update: the read section would wait for itself.
 */
void ptpu_read_config(struct ptpu_dev *pd, struct ptpu_arbiter_config *cfg)
{
	unsigned int seq;

	do {
		seq = read_seqcount_begin(&pd->model_seq);
		*cfg = pd->arb.cfg;
	} while (read_seqcount_retry(&pd->model_seq, seq));
}

/**
 * ptpu_source_add() - register a source with the arbiter
 * @pd:		the clock
 * @name:	its name (at most 15 characters)
 * @cls:	its class
 *
 * Return: the source's index, or a negative errno.
 */
int ptpu_source_add(struct ptpu_dev *pd, const char *name, enum ptpu_class cls)
{
	struct ptpu_events ev = {};
	int idx;

	mutex_lock(&pd->lock);
	ptpu_update_begin(pd);
	idx = ptpu_arbiter_register(&pd->arb, name, cls);
	ptpu_update_end(pd, &ev);
	mutex_unlock(&pd->lock);
	return idx;
}

/**
 * ptpu_source_remove() - unregister a source; selection moves on without it
 * @pd:		the clock
 * @idx:	the source's index from ptpu_source_add()
 */
void ptpu_source_remove(struct ptpu_dev *pd, int idx)
{
	struct ptpu_events ev = {};

	mutex_lock(&pd->lock);
	ptpu_arbiter_unregister(&pd->arb, idx, ptpu_update_begin(pd), &ev);
	ptpu_update_end(pd, &ev);
	mutex_unlock(&pd->lock);
}

/**
 * ptpu_submit_sample() - hand one sample of a source to the arbiter
 * @pd:		the clock
 * @idx:	the source's index from ptpu_source_add()
 * @smp:	the sample
 *
 * The entry point for every source, in the module or outside it.
 *
 * Return: 0 or the arbiter's negative errno (nothing changes then).
 */
int ptpu_submit_sample(struct ptpu_dev *pd, int idx,
		       const struct ptpu_sample *smp)
{
	struct ptpu_events ev = {};
	int ret;

	mutex_lock(&pd->lock);
	ret = ptpu_arbiter_sample(&pd->arb, idx, smp, ptpu_update_begin(pd), &ev);
	ptpu_update_end(pd, &ev);
	mutex_unlock(&pd->lock);
	return ret;
}

/**
 * ptpu_source_withdraw() - a source has no time to give for now
 * @pd:		the clock
 * @idx:	the source's index from ptpu_source_add()
 *
 * Selection moves on at once; the source's next sample brings it back.
 */
void ptpu_source_withdraw(struct ptpu_dev *pd, int idx)
{
	struct ptpu_events ev = {};

	mutex_lock(&pd->lock);
	ptpu_arbiter_withdraw(&pd->arb, idx, ptpu_update_begin(pd), &ev);
	ptpu_update_end(pd, &ev);
	mutex_unlock(&pd->lock);
}

/**
 * ptpu_clock_now() - the unified clock's time, with the counter read it used
 * @pd:		the clock
 * @snap:	filled with the system time snapshot the result belongs to
 *
 * The snapshot is taken inside the read section, so a reader never pairs a
 * counter value with a model published after it was evaluated.
 *
 * Return: nanoseconds of UTC at @snap->raw.
 */
s64 ptpu_clock_now(struct ptpu_dev *pd, struct system_time_snapshot *snap)
{
	unsigned int seq;
	s64 t;

	do {
		seq = read_seqcount_begin(&pd->model_seq);
		ktime_get_snapshot(snap);
		t = ptpu_model_time(&pd->model, ktime_to_ns(snap->raw));
	} while (read_seqcount_retry(&pd->model_seq, seq));

	return t;
}

static void ptpu_tick(struct work_struct *work)
{
	struct ptpu_dev *pd = container_of(to_delayed_work(work),
					   struct ptpu_dev, tick);
	struct ptpu_events ev = {};

	mutex_lock(&pd->lock);
	ptpu_arbiter_tick(&pd->arb, ptpu_update_begin(pd), &ev);
	ptpu_update_end(pd, &ev);
	mutex_unlock(&pd->lock);
	schedule_delayed_work(&pd->tick, msecs_to_jiffies(PTPU_TICK_MS));
}

/*
 * The time base's teardown, the last: every subscriber's state is freed by
 * now, so one still subscribed would be reached after it is gone.
 */
static void ptpu_tick_stop(void *data)
{
	struct ptpu_dev *pd = data;

	cancel_delayed_work_sync(&pd->tick);
	WARN(rcu_access_pointer(pd->subscribers.head),
	     "ptp_unified: a subscriber to the time base's events outlived it\n");
}

/**
 * ptpu_timebase_init() - seed the model from the system clock, start ticking
 * @pd:		the clock, with @pd->dev, @pd->lock and @pd->model_seq
 *		initialised
 * @cfg:	the arbiter's knobs at load
 *
 * Return: 0 or a negative errno.
 */
int ptpu_timebase_init(struct ptpu_dev *pd, const struct ptpu_arbiter_config *cfg)
{
	struct system_time_snapshot snap;
	struct ptpu_model seed = {
		.bound0 = PTPU_SEED_BOUND_NS,
	};
	struct ptpu_events ev = {};
	int ret;

	RAW_INIT_NOTIFIER_HEAD(&pd->subscribers);
	ktime_get_snapshot(&snap);
	seed.raw0 = ktime_to_ns(snap.raw);
	seed.ref0 = ktime_to_ns(snap.real);
	seed.drift_ppb = cfg->max_drift_ppb;

	mutex_lock(&pd->lock);
	ptpu_update_begin(pd);
	ret = ptpu_arbiter_init(&pd->arb, cfg, &seed, seed.raw0);
	ptpu_update_end(pd, &ev);
	mutex_unlock(&pd->lock);
	if (ret)
		return ret;

	INIT_DELAYED_WORK(&pd->tick, ptpu_tick);
	schedule_delayed_work(&pd->tick, msecs_to_jiffies(PTPU_TICK_MS));
	return devm_add_action_or_reset(pd->dev, ptpu_tick_stop, pd);
}
