/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The best-source arbiter of ptp_unified: plain C shared by the kernel module
 * and the userspace unit tests and fuzzers (integer maths only, no kernel
 * headers beyond ptpu_types.h, all state in caller-provided structs).
 *
 * Time base: every time is an s64 count of nanoseconds. "raw" is the guest's
 * CLOCK_MONOTONIC_RAW; "ref" is UTC. A source sample says "at raw time
 * raw_ns, UTC was ref_ns +/- bound_ns". The arbiter turns the samples of all
 * sources into one linear model of UTC against raw (struct ptpu_model) that
 * never runs backwards, only steps on a declared disruption (or once, at the
 * first synchronisation of an unsynchronised seed), and always publishes an
 * honest error bound.
 *
 * The arbiter takes no locks: callers serialise every call with one lock.
 */
#ifndef PTPU_ARBITER_H
#define PTPU_ARBITER_H

#include "ptpu_fixed.h"

#define PTPU_MAX_SOURCES	16
/* Source names: at most 15 characters plus the NUL. */
#define PTPU_NAME_LEN		16
/* Samples kept per source for its offset/frequency fit. */
#define PTPU_HIST_LEN		16

/* Bounds are u64 but never exceed this, so they also fit an s64. */
#define PTPU_BOUND_MAX		((u64)S64_MAX)
/* Largest sample bound accepted (1000 s); larger is not a measurement. */
#define PTPU_SAMPLE_BOUND_MAX	(1000ULL * PTPU_NSEC_PER_SEC)

/*
 * The knobs, in the knob table's order: the clock's and each source's.
 * The arbiter's own (struct ptpu_arbiter_config, struct
 * ptpu_source_config) take their ranges and defaults from the table's
 * lines, in the table's units, so the arbiter checks every configuration
 * it is given against what sysfs, netlink and the module parameters
 * accept, and starts a source where they say it starts.
 */
enum ptpu_knob_id {
#define PTPU_CLOCK_KNOB(id, ...) PTPU_KNOB_##id,
#include "knob_table.h"
	PTPU_KNOB_COUNT
};

enum ptpu_source_knob_id {
#define PTPU_SOURCE_KNOB(id, ...) PTPU_KNOB_##id,
#include "knob_table.h"
	PTPU_SOURCE_KNOB_COUNT
};

/* One arbiter knob's line of the knob table (zero for other owners'). */
struct ptpu_arbiter_knob {
	const char *name;
	const char *unit;
	u64 min;
	u64 max;
	u64 def;
};

extern const struct ptpu_arbiter_knob ptpu_arbiter_knobs[PTPU_KNOB_COUNT];
extern const struct ptpu_arbiter_knob
	ptpu_arbiter_source_knobs[PTPU_SOURCE_KNOB_COUNT];

#define PTPU_ARB_MIN(id)	(ptpu_arbiter_knobs[PTPU_KNOB_##id].min)
#define PTPU_ARB_MAX(id)	(ptpu_arbiter_knobs[PTPU_KNOB_##id].max)
#define PTPU_ARB_DEF(id)	(ptpu_arbiter_knobs[PTPU_KNOB_##id].def)
#define PTPU_SRC_DEF(id)	(ptpu_arbiter_source_knobs[PTPU_KNOB_##id].def)

/* The knobs' defaults and ranges in the configuration's units. */
#define PTPU_DEFAULT_MAX_DRIFT_PPB	((u32)PTPU_ARB_DEF(MAX_DRIFT_PPB))
#define PTPU_DEFAULT_SLEW_LIMIT_PPB	((u32)PTPU_ARB_DEF(SLEW_LIMIT_PPB))
#define PTPU_DEFAULT_HYSTERESIS_PCT	((u32)PTPU_ARB_DEF(HYSTERESIS_PCT))
#define PTPU_DEFAULT_STEP_THRESHOLD_NS	PTPU_ARB_DEF(STEP_THRESHOLD_NS)
#define PTPU_DEFAULT_STALE_NS		(PTPU_ARB_DEF(STALE_LIMIT_S) * PTPU_NSEC_PER_SEC)

#define PTPU_MAX_DRIFT_PPB_MIN		PTPU_ARB_MIN(MAX_DRIFT_PPB)
#define PTPU_MAX_DRIFT_PPB_MAX		PTPU_ARB_MAX(MAX_DRIFT_PPB)
#define PTPU_SLEW_LIMIT_PPB_MIN		PTPU_ARB_MIN(SLEW_LIMIT_PPB)
#define PTPU_SLEW_LIMIT_PPB_MAX		PTPU_ARB_MAX(SLEW_LIMIT_PPB)
#define PTPU_HYSTERESIS_PCT_MIN		PTPU_ARB_MIN(HYSTERESIS_PCT)
#define PTPU_HYSTERESIS_PCT_MAX		PTPU_ARB_MAX(HYSTERESIS_PCT)
#define PTPU_STEP_THRESHOLD_NS_MIN	PTPU_ARB_MIN(STEP_THRESHOLD_NS)
#define PTPU_STEP_THRESHOLD_NS_MAX	PTPU_ARB_MAX(STEP_THRESHOLD_NS)
#define PTPU_STALE_NS_MIN		(PTPU_ARB_MIN(STALE_LIMIT_S) * PTPU_NSEC_PER_SEC)
#define PTPU_STALE_NS_MAX		(PTPU_ARB_MAX(STALE_LIMIT_S) * PTPU_NSEC_PER_SEC)

/**
 * struct ptpu_arbiter_config - arbiter knobs; may change between any calls
 *
 * Each one's range and default is its line in knob_table.h.
 *
 * @max_drift_ppb: largest frequency error assumed for an extrapolated
 *	estimate, in ppb (raw oscillator wander plus estimation error): every
 *	source bound and the free-running output bound grow at least this fast
 *	with age.
 * @slew_limit_ppb: largest rate, in ppb, at which the output corrects a
 *	remaining offset (on a change of source or of estimate).
 * @hysteresis_pct: a challenger replaces the selected source only when its
 *	score (its bound, with the age term taken at no less than its mean
 *	sample interval) is smaller by this many percent.
 * @step_threshold_ns: a sample that deviates from its source's prediction
 *	and from the output by more than this is a suspected jump (VM pause,
 *	restore, migration).
 * @stale_ns: a source whose newest sample is older than this is lost (not
 *	selectable); also the span of history a fit uses (knob stale_limit_s,
 *	in seconds). Set it to a few poll intervals of the slowest source.
 */
struct ptpu_arbiter_config {
	u32 max_drift_ppb;
	u32 slew_limit_ppb;
	u32 hysteresis_pct;
	u64 step_threshold_ns;
	u64 stale_ns;
};

enum ptpu_class {
	PTPU_CLASS_KVM,
	PTPU_CLASS_RTC,
	PTPU_CLASS_NTP,
	PTPU_CLASS_PHC,
	PTPU_CLASS_OTHER,
	PTPU_CLASS_COUNT,
};

/* Leap indicator, as in NTP. */
#define PTPU_LEAP_NONE	0
#define PTPU_LEAP_INS	1	/* the last minute of the day has 61 s */
#define PTPU_LEAP_DEL	2	/* the last minute of the day has 59 s */
#define PTPU_LEAP_ALARM	3	/* unsynchronised: such samples are refused */

/**
 * struct ptpu_sample - one measurement of a source
 * @raw_ns: local CLOCK_MONOTONIC_RAW time of the measurement
 * @ref_ns: UTC at @raw_ns. For PTPU_CLASS_RTC: the whole second the RTC
 *	ticked to at @raw_ns (its sub-second phase is unknown to the source).
 * @bound_ns: error bound of the pair (for the RTC: of the edge timing);
 *	1..PTPU_SAMPLE_BOUND_MAX
 * @leap: PTPU_LEAP_NONE, _INS or _DEL
 * @stratum: informational, reported back in the source status
 */
struct ptpu_sample {
	s64 raw_ns;
	s64 ref_ns;
	u64 bound_ns;
	u8 leap;
	u8 stratum;
};

/* struct ptpu_model.flags */
#define PTPU_MODEL_SYNCED	BIT(0)	/* a source is selected */
#define PTPU_MODEL_FREERUN	BIT(1)	/* was synced, no source now */
#define PTPU_MODEL_NO_MAJORITY	BIT(2)	/* synced, but sources disagree */
/* A majority of the surviving external sources announce for tonight: */
#define PTPU_MODEL_LEAP_INS	BIT(3)	/* a leap second inserted */
#define PTPU_MODEL_LEAP_DEL	BIT(4)	/* a leap second deleted */

/**
 * struct ptpu_model - the published output clock, a line in raw time
 * @raw0: anchor, raw ns
 * @ref0: UTC ns at @raw0
 * @freq: fractional frequency against raw, in 2^-32 units
 *	(T(raw) = ref0 + d + (d * freq + frac0) / 2^32, d = raw - raw0)
 * @bound0: error bound at @raw0, ns (<= PTPU_BOUND_MAX)
 * @drift_ppb: growth of the bound per ns of |d|, in ppb
 * @flags: PTPU_MODEL_*
 * @frac0: the fraction of a ns beyond @ref0 at @raw0, in 2^-32 ns
 *
 * Readers evaluate it with ptpu_model_time() and ptpu_model_bound(); the
 * module copies it under a seqcount. The output is re-anchored at every
 * arbiter call (ptpu_model_anchor()), and @frac0 keeps what a whole-ns
 * anchor would drop: up to a ns each time, which would leave the output
 * 1 to 2 ns behind its source for as long as the correction took to make
 * it up.
 */
struct ptpu_model {
	s64 raw0;
	s64 ref0;
	s64 freq;
	u64 bound0;
	u32 drift_ppb;
	u32 flags;
	u32 frac0;
};

/**
 * ptpu_model_time() - evaluate a model: UTC at a raw time
 * @m:		the model
 * @raw:	raw time, ns
 *
 * The arithmetic is 128-bit and saturates only at the end, so the result is
 * non-decreasing in @raw for every frequency the arbiter publishes
 * (|freq| < 2^31, a rate of at least 0.5).
 *
 * Return: UTC ns, saturated to the s64 range.
 */
static inline s64 ptpu_model_time(const struct ptpu_model *m, s64 raw)
{
	__int128_t d = (__int128_t)raw - m->raw0;
	__int128_t t = (__int128_t)m->ref0 + d + ((d * m->freq + m->frac0) >> 32);

	if (t > S64_MAX)
		return S64_MAX;
	if (t < S64_MIN)
		return S64_MIN;
	return (s64)t;
}

/**
 * ptpu_model_anchor() - move a model's anchor, keeping its line exactly
 * @m:		the model, changed in place
 * @raw:	the new anchor, raw ns
 *
 * ptpu_model_time() is unchanged at every raw time (but where the result
 * saturates); the bound is not touched: it is the caller's to set.
 */
static inline void ptpu_model_anchor(struct ptpu_model *m, s64 raw)
{
	__int128_t d = (__int128_t)raw - m->raw0;
	/* UTC at raw in 2^-32 ns: at most 2^66 * 2^32, well inside 2^127. */
	__int128_t t = ((__int128_t)m->ref0 + d) * ((__int128_t)1 << 32) +
		       d * m->freq + m->frac0;
	__int128_t ns = t >> 32;

	m->raw0 = raw;
	if (ns > S64_MAX || ns < S64_MIN) {
		m->ref0 = ns > S64_MAX ? S64_MAX : S64_MIN;
		m->frac0 = 0;
		return;
	}
	m->ref0 = (s64)ns;
	m->frac0 = (u32)(t - ns * ((__int128_t)1 << 32));
}

/**
 * ptpu_ppb_of() - ns * ppb / 1e9, rounded up, saturated
 * @ns:		a duration
 * @ppb:	a rate in parts per billion
 *
 * Two 64-bit divisions by a constant instead of a 128-bit one, which the
 * kernel does not have.
 *
 * Return: the product, at most PTPU_BOUND_MAX.
 */
static inline u64 ptpu_ppb_of(u64 ns, u32 ppb)
{
	u64 sec = ns / PTPU_NSEC_PER_SEC, rem = ns % PTPU_NSEC_PER_SEC, hi;

	if (__builtin_mul_overflow(sec, (u64)ppb, &hi) || hi > PTPU_BOUND_MAX)
		return PTPU_BOUND_MAX;
	hi += (rem * ppb + PTPU_NSEC_PER_SEC - 1) / PTPU_NSEC_PER_SEC;
	return hi > PTPU_BOUND_MAX ? PTPU_BOUND_MAX : hi;
}

/**
 * ptpu_model_bound() - evaluate a model's error bound at a raw time
 * @m:		the model
 * @raw:	raw time, ns
 *
 * Return: bound0 + |raw - raw0| * drift_ppb / 1e9 ns, at most
 * PTPU_BOUND_MAX (so it is never negative as an s64).
 */
static inline u64 ptpu_model_bound(const struct ptpu_model *m, s64 raw)
{
	u64 ad = raw >= m->raw0 ? (u64)raw - (u64)m->raw0 : (u64)m->raw0 - (u64)raw;
	u64 b = ptpu_uadd_sat(m->bound0, ptpu_ppb_of(ad, m->drift_ppb));

	return b > PTPU_BOUND_MAX ? PTPU_BOUND_MAX : b;
}

/**
 * struct ptpu_source_config - per-source knobs
 * @enabled: the source may be selected and takes part in disruption votes
 *	(a disabled source is still estimated and reported)
 * @prefer: a surviving (not falseticker, not stale) preferred source wins
 *	over every non-preferred one
 * @priority: higher wins among sources whose bounds are within the
 *	hysteresis margin of the best
 */
struct ptpu_source_config {
	bool enabled;
	bool prefer;
	u32 priority;
};

/* struct ptpu_events.mask */
#define PTPU_EV_SELECTION	BIT(0)	/* selected source changed */
#define PTPU_EV_DISRUPTION	BIT(1)	/* disruption declared (also STEP) */
#define PTPU_EV_STEP		BIT(2)	/* output stepped by step_ns */
#define PTPU_EV_LOST		BIT(3)	/* sources in @lost went stale */
#define PTPU_EV_FALSETICKERS	BIT(4)	/* falseticker set changed */
#define PTPU_EV_STATE		BIT(5)	/* enum ptpu_state changed */
#define PTPU_EV_CALIBRATION	BIT(6)	/* an RTC's phase calibration changed */
#define PTPU_EV_LEAP		BIT(7)	/* the step is a leap second (also STEP) */

/**
 * struct ptpu_events - what happened during one arbiter call
 * @mask: PTPU_EV_*
 * @lost: bit i set: source i went stale during the call (reported once)
 * @step_ns: signed size of the output step when PTPU_EV_STEP is set
 */
struct ptpu_events {
	u32 mask;
	u32 lost;
	s64 step_ns;
};

enum ptpu_state {
	PTPU_STATE_UNSYNCED,	/* running on the seed, never synchronised */
	PTPU_STATE_SYNCED,	/* following a source chosen by a majority */
	PTPU_STATE_NO_MAJORITY,	/* following a source, no agreeing majority */
	PTPU_STATE_FREERUN,	/* was synchronised, no usable source now */
};

/* One entry of a source's history: an effective sample. */
struct ptpu_hist {
	s64 raw;
	s64 off;	/* effective ref - raw (RTC: phase applied) */
	u64 bound;	/* the sample's own bound */
};

struct ptpu_class_ops;

/*
 * PTPU_CLASS_RTC: the phase = UTC - RTC reading at a second edge, and its
 * measurement (arbiter_rtc.c).
 */
struct ptpu_rtc_cal {
	bool calibrated;	/* @phase was measured; else it is assumed */
	s64 phase;
	u64 err;		/* bound of @phase */
	u32 n;			/* edges measured so far, and over them: */
	s64 sum;		/* sum of the phases */
	s64 min;
	s64 max;
	u64 mbound;		/* largest output bound */
};

/*
 * Per-source state. Private to the arbiter's units (kmod/arbiter*.c): it is
 * here only so that callers can allocate struct ptpu_arbiter.
 */
struct ptpu_source {
	char name[PTPU_NAME_LEN];
	u8 cls;
	bool used;
	const struct ptpu_class_ops *ops;	/* its class's hooks */
	struct ptpu_source_config cfg;

	struct ptpu_hist hist[PTPU_HIST_LEN];	/* oldest first */
	u32 count;
	s64 last_raw;		/* newest accepted sample, kept or pending */
	bool has_last;
	u8 leap;
	u8 stratum;
	u8 leap_ann;		/* its latest leap announcement (INS, DEL) */
	s64 leap_ann_day;	/* the output's UTC day number then */

	struct ptpu_model est;	/* fit: UTC vs raw, bound and its growth */
	u64 jitter;		/* RMS of the fit residuals */
	u64 score_base;		/* selection score without age growth */
	u64 interval;		/* mean sample spacing */
	u64 uf;			/* frequency uncertainty of the fit, ppb */
	s64 freq_prior;		/* last fitted frequency (2^-56), kept over resets */
	u64 prior_uf;		/* its uncertainty, ppb */
	bool has_prior;

	bool lost;
	bool withdrawn;		/* its owner says it has no time now */
	bool falseticker;
	/*
	 * External only: it lied (flagged, or blamed for a jump) and is not
	 * selected nor counted until it has agreed since @agree_since for
	 * the retrust time (ptpu_select()).
	 */
	bool distrusted;
	s64 agree_since;
	s64 cur_est;		/* estimate and bound at the last selection */
	u64 cur_bound;

	struct ptpu_hist post;	/* newest sample after a suspected jump */
	bool has_post;

	struct ptpu_rtc_cal rtc;	/* PTPU_CLASS_RTC only */
};

/* A suspected jump waiting for the other sources' verdict. */
struct ptpu_jump {
	bool active;
	bool precise;	/* suspect's bound well below the step threshold */
	/*
	 * The suspect's class has moves of its own (an RTC's phase resets):
	 * even a precise suspect waits for the others, and if they contradict
	 * it, its class judges the sample (ptpu_class_ops.blamed).
	 */
	bool own_moves;
	/* ... and this move is small enough to be one: alone, it is */
	bool maybe_own;
	u32 src;
	s64 raw;	/* raw time of the suspect sample */
	s64 shift;	/* its deviation from its own prediction */
	u64 tol;	/* the bound of that deviation */
	u32 heard;	/* sources with a post-jump sample not contradicting */
	u32 agreed;	/* ... that saw the same shift */
	bool external;	/* the suspect is an external source (untrusted) */
};

/*
 * The whole arbiter state, private to the arbiter's units like struct
 * ptpu_source: allocate it (about 10 KiB, e.g. inside a kzalloc'd device
 * struct) and use only the functions below.
 */
struct ptpu_arbiter {
	struct ptpu_arbiter_config cfg;
	struct ptpu_model model;
	struct ptpu_source src[PTPU_MAX_SOURCES];
	struct ptpu_jump jump;
	s64 now;
	s64 base_freq;		/* freq of the last source followed */
	u32 base_drift;		/* its bound growth, ppb */
	int taught_by;		/* that source; -1: none, or disproved */
	s64 taught_raw;		/* when it was last followed */
	u64 taught_bound;	/* the output's bound from it then */
	u64 taught_uf;		/* its frequency doubt then, ppb */
	int selected;
	enum ptpu_state state;
	bool ever_synced;
	bool settled;		/* output bound was once below the threshold */
	bool no_majority;
	bool force_step;
	s64 step_hint;		/* shift of the last declared jump */
	u64 step_tol;		/* and its bound */
	u32 candidates;
	u32 falsetickers;
	/*
	 * What the survivors' intervals prove even if a minority of them
	 * lie: the truth lies in every honest one, so no lower than the
	 * (n - f)-th lowest lower end and no higher than the (n - f)-th
	 * highest upper end, f = (n - 1) / 2 (at the last selection; set
	 * only with a majority of at least 3).
	 */
	bool proven;
	s64 proven_lo;
	s64 proven_hi;
	u64 disruptions;
	u64 leaps;
	s64 leap_end_day;	/* day number after the last leap taken (0: none) */
	u64 steps;
	s64 last_step_raw;
	s64 last_step_ns;
};

/**
 * struct ptpu_source_status - a source as seen at one raw time
 * @name: registered name
 * @cls: enum ptpu_class
 * @cfg: its knobs
 * @available: has an estimate and is not stale
 * @selected: the output follows it
 * @falseticker: outside the majority's intersection at the last selection
 * @suspect: its last sample is a suspected jump awaiting confirmation
 * @calibrated: RTC only: its phase is known, it has a small bound
 * @leap: leap indicator of its newest sample
 * @stratum: stratum of its newest sample
 * @samples: samples in its history
 * @offset_ns: its estimate minus the output, at the raw time asked
 * @bound_ns: its bound at that time (PTPU_BOUND_MAX without estimate)
 * @jitter_ns: RMS of its fit residuals
 * @age_ns: raw time asked minus its newest sample's raw time (-1: none)
 * @freq_ppb: its frequency against raw
 */
struct ptpu_source_status {
	char name[PTPU_NAME_LEN];
	enum ptpu_class cls;
	struct ptpu_source_config cfg;
	bool available;
	bool selected;
	bool falseticker;
	bool suspect;
	bool calibrated;
	u8 leap;
	u8 stratum;
	u32 samples;
	s64 offset_ns;
	u64 bound_ns;
	u64 jitter_ns;
	s64 age_ns;
	s64 freq_ppb;
};

/**
 * struct ptpu_status - the arbiter as seen at one raw time
 * @selected: index of the selected source, or -1
 * @state: enum ptpu_state
 * @candidates: bit mask of the sources that took part in the last selection
 * @falsetickers: bit mask of the sources it rejected
 * @jump_pending: a suspected jump awaits confirmation
 * @settled: the output bound has once been below the step threshold; until
 *	then the output steps to its selected source instead of slewing
 * @disruptions: disruptions declared since init
 * @leaps: leap seconds the output stepped by since init (not disruptions)
 * @steps: output steps since init (disruptions, leaps and the initial sync)
 * @last_step_raw: raw time of the last step (0: none)
 * @last_step_ns: signed size of the last step
 * @time_ns: output time at the raw time asked
 * @bound_ns: output bound at that time
 * @drift_ppb: how fast that bound grows from then on under the current
 *	model, in ppb (the knob's drift, the fit's doubt and any slew)
 */
struct ptpu_status {
	int selected;
	enum ptpu_state state;
	u32 candidates;
	u32 falsetickers;
	bool jump_pending;
	bool settled;
	u64 disruptions;
	u64 leaps;
	u64 steps;
	s64 last_step_raw;
	s64 last_step_ns;
	s64 time_ns;
	u64 bound_ns;
	u32 drift_ppb;
};

void ptpu_arbiter_default_config(struct ptpu_arbiter_config *cfg);
int ptpu_arbiter_init(struct ptpu_arbiter *arb,
		      const struct ptpu_arbiter_config *cfg,
		      const struct ptpu_model *seed, s64 now_raw);
int ptpu_arbiter_set_config(struct ptpu_arbiter *arb,
			    const struct ptpu_arbiter_config *cfg);

int ptpu_arbiter_register(struct ptpu_arbiter *arb, const char *name,
			  enum ptpu_class cls);
int ptpu_arbiter_find(const struct ptpu_arbiter *arb, const char *name);
int ptpu_arbiter_unregister(struct ptpu_arbiter *arb, int idx, s64 now_raw,
			    struct ptpu_events *ev);
int ptpu_arbiter_source_config(struct ptpu_arbiter *arb, int idx,
			       const struct ptpu_source_config *sc,
			       s64 now_raw, struct ptpu_events *ev);

int ptpu_arbiter_withdraw(struct ptpu_arbiter *arb, int idx, s64 now_raw,
			  struct ptpu_events *ev);
int ptpu_arbiter_sample(struct ptpu_arbiter *arb, int idx,
			const struct ptpu_sample *smp, s64 now_raw,
			struct ptpu_events *ev);
void ptpu_arbiter_tick(struct ptpu_arbiter *arb, s64 now_raw,
		       struct ptpu_events *ev);

/**
 * struct ptpu_source_view - what a source's status is evaluated from
 * @st:		its status but the fields that age (filled at the raw time asked)
 * @est:	its fit
 * @last_raw:	raw time of its newest accepted sample, if @has_last
 * @has_last:	it has one
 * @fresh:	it has an estimate and is not withdrawn (it is available while
 *		its newest sample is not stale)
 * @used:	the slot holds a source
 */
struct ptpu_source_view {
	struct ptpu_source_status st;
	struct ptpu_model est;
	s64 last_raw;
	bool has_last;
	bool fresh;
	bool used;
};

/**
 * struct ptpu_arbiter_view - the arbiter as its status readers see it
 * @st:		the clock's status but the fields that age
 * @model:	the output model
 * @stale_ns:	age at which a source is no longer available
 * @n_slots:	every used source is in @src[0 .. @n_slots - 1]
 * @src:	the sources; only the first @n_slots are filled in
 *
 * Filled by the writer once per arbiter call (ptpu_arbiter_view_fill()), so
 * a reader copies this (its first @n_slots sources) instead of the whole
 * arbiter, whose sample histories are most of its size.
 */
struct ptpu_arbiter_view {
	struct ptpu_status st;
	struct ptpu_model model;
	u64 stale_ns;
	u32 n_slots;
	struct ptpu_source_view src[PTPU_MAX_SOURCES];
};

/* The size of a view whose first @n sources are filled in. */
#define PTPU_VIEW_SIZE(n) offsetof(struct ptpu_arbiter_view, src[n])

const struct ptpu_model *ptpu_arbiter_model(const struct ptpu_arbiter *arb);
void ptpu_arbiter_view_fill(const struct ptpu_arbiter *arb,
			    struct ptpu_arbiter_view *v);
void ptpu_view_status(const struct ptpu_arbiter_view *v, s64 now_raw,
		      struct ptpu_status *st);
int ptpu_view_source_status(const struct ptpu_arbiter_view *v, int idx,
			    s64 now_raw, struct ptpu_source_status *st);
int ptpu_view_find(const struct ptpu_arbiter_view *v, const char *name);
void ptpu_arbiter_status(const struct ptpu_arbiter *arb, s64 now_raw,
			 struct ptpu_status *st);
int ptpu_arbiter_source_status(const struct ptpu_arbiter *arb, int idx,
			       s64 now_raw, struct ptpu_source_status *st);

#endif /* PTPU_ARBITER_H */
