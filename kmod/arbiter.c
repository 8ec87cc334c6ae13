// SPDX-License-Identifier: GPL-2.0-only
/*
 * The best-source arbiter: per-source fits, falseticker rejection, selection
 * with hysteresis, a continuous slew-limited output, disruption (VM pause)
 * detection and RTC phase calibration. See arbiter.h for the time base.
 *
 * Every input may come from userspace (netlink samples, sysfs knobs), so all
 * arithmetic saturates instead of wrapping, and products that can exceed 64
 * bits use 128-bit intermediates without 128-bit division.
 */
#include "arbiter.h"

/* A fitted frequency beyond this is noise: no oscillator is that bad. */
#define PTPU_FREQ_MAX_PPB	1000000LL	/* 1000 ppm */
/* Shorter histories give no usable frequency: use the prior instead. */
#define PTPU_FREQ_MIN_SPAN_NS	PTPU_NSEC_PER_SEC
/*
 * The output removes a remaining offset with a time constant of two of the
 * selected source's sample intervals, within these limits: a source sampled
 * every second (kvm) is followed within seconds, so the output does not lag
 * it by what its first, rougher frequency fits left behind; one sampled
 * every minute (NTP) or every 16 s (rtc) is not chased faster than its own
 * samples can confirm.
 */
#define PTPU_SLEW_TAU_MIN_NS	(2 * PTPU_NSEC_PER_SEC)
#define PTPU_SLEW_TAU_NS	(10 * PTPU_NSEC_PER_SEC)
/*
 * A suspect is "precise" enough to declare a disruption alone when its
 * bound is below step_threshold / PTPU_PRECISE_DIV.
 */
#define PTPU_PRECISE_DIV	4

/*
 * An uncalibrated RTC reading N means UTC was in [N, N + 1 s) at the edge:
 * its effective sample is N + 0.5 s with a bound of 1 s (on top of its
 * edge-timing bound), generous on both sides.
 */
#define PTPU_RTC_UNCAL_OFFSET_NS	(PTPU_NSEC_PER_SEC / 2)
#define PTPU_RTC_UNCAL_BOUND_NS		PTPU_NSEC_PER_SEC
/* Phase calibration: edges averaged, and the output bound it needs. */
#define PTPU_RTC_CAL_EDGES		4
#define PTPU_RTC_CAL_MAX_BOUND_NS	(50LL * 1000 * 1000)
/* An RTC change this large is a jump, not a phase reset. */
#define PTPU_RTC_JUMP_NS		PTPU_NSEC_PER_SEC

static s64 ptpu_clamp128(__int128_t v)
{
	if (v > S64_MAX)
		return S64_MAX;
	if (v < S64_MIN)
		return S64_MIN;
	return (s64)v;
}

static s64 ptpu_clamp(s64 v, s64 lim)
{
	if (v > lim)
		return lim;
	if (v < -lim)
		return -lim;
	return v;
}

/* Bounds add saturating at PTPU_BOUND_MAX, so they stay valid s64s. */
static u64 ptpu_bsum(u64 a, u64 b)
{
	u64 r = ptpu_uadd_sat(a, b);

	return r > PTPU_BOUND_MAX ? PTPU_BOUND_MAX : r;
}

static u64 ptpu_umax(u64 a, u64 b)
{
	return a > b ? a : b;
}

static u64 ptpu_umin(u64 a, u64 b)
{
	return a < b ? a : b;
}

static u32 ptpu_u32_sat(u64 v)
{
	return v > U32_MAX ? U32_MAX : (u32)v;
}

static s64 ppb_to_q32(s64 ppb)
{
	return ptpu_mul_div_s64(ppb, 1LL << 32, PTPU_PPB);
}

/* |q| in 2^-32 units to ppb, rounded up. */
static u32 q32_to_ppb_up(s64 q)
{
	u64 a = ptpu_abs64(q);

	/* 2^40 in 2^-32 units is a rate of 256: far beyond any u32 ppb. */
	if (a >= 1ULL << 40)
		return U32_MAX;
	return ptpu_u32_sat((u64)ptpu_mul_div_s64((s64)a, PTPU_PPB, 1LL << 32) + 1);
}

/*
 * A line is fitted with its slope in 2^-56 units, the published models
 * carry it in 2^-32 (0.23 ppb). The fit's offset is taken at the newest
 * sample, about half a history (8 s for kvm) ahead of the centroid the line
 * goes through: a slope rounded to 2^-32 there put the kvm source's line
 * 2 to 3 ns off at the newest sample, the same way for as long as the
 * frequency stayed (seen in make bench as the unified clock 3 ns behind
 * ptp_kvm, and in a simulation at 10 ppm). The models are evaluated over
 * one poll, where 2^-32 is worth a tenth of a ns.
 */
#define PTPU_FIT_SHIFT	24	/* 2^-56 units = 2^-32 units << 24 */

/* A 2^-56 slope in 2^-32 units, rounded to nearest. */
static s64 fit_to_q32(s64 f)
{
	return (f + (1LL << (PTPU_FIT_SHIFT - 1))) >> PTPU_FIT_SHIFT;
}

/* v / n for n > 0, rounded to nearest (div64_s64 truncates toward 0). */
static s64 ptpu_div_round(s64 v, s64 n)
{
	s64 q = div64_s64(v, n), rem = v - q * n;

	/* Neither 2 * |rem| < 2n nor q +- 1 (|q| <= |v| / 2 for n >= 2) overflows. */
	if (2 * ptpu_abs64(rem) >= (u64)n)
		q += v < 0 ? -1 : 1;
	return q;
}

/* num * 2^56 / den for den > 0, saturated, without 128-bit division. */
static s64 ptpu_div128_fit(__int128_t num, __int128_t den)
{
	/* Dropping low bits of both keeps the ratio to 2^-60 relative. */
	while (den >= ((__int128_t)1 << 62)) {
		den >>= 1;
		num >>= 1;
	}
	if (num > S64_MAX)
		return S64_MAX;
	if (num < S64_MIN)
		return S64_MIN;
	return ptpu_mul_div_s64((s64)num, 1LL << (32 + PTPU_FIT_SHIFT), (s64)den);
}

static u64 ptpu_isqrt64(u64 v)
{
	u64 r = 0, bit = 1ULL << 62;

	while (bit > v)
		bit >>= 2;
	while (bit) {
		if (v >= r + bit) {
			v -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return r;
}

/* sqrt(ss / k) for a 128-bit sum of squares, without 128-bit division. */
static u64 ptpu_rms(__uint128_t ss, u32 k)
{
	unsigned int sh = 0;

	while (ss >> 64) {
		ss >>= 2;
		sh++;
	}
	return ptpu_isqrt64(div64_u64((u64)ss, k)) << sh;
}

static bool cfg_valid(const struct ptpu_arbiter_config *c)
{
	return c->max_drift_ppb <= PTPU_MAX_DRIFT_PPB_MAX &&
	       c->slew_limit_ppb >= PTPU_SLEW_LIMIT_PPB_MIN &&
	       c->slew_limit_ppb <= PTPU_SLEW_LIMIT_PPB_MAX &&
	       c->hysteresis_pct <= PTPU_HYSTERESIS_PCT_MAX &&
	       c->step_threshold_ns >= PTPU_STEP_THRESHOLD_NS_MIN &&
	       c->step_threshold_ns <= PTPU_STEP_THRESHOLD_NS_MAX &&
	       c->stale_ns >= PTPU_STALE_NS_MIN &&
	       c->stale_ns <= PTPU_STALE_NS_MAX;
}

static struct ptpu_source *src_at(struct ptpu_arbiter *arb, int idx)
{
	if (idx < 0 || idx >= PTPU_MAX_SOURCES || !arb->src[idx].used)
		return NULL;
	return &arb->src[idx];
}

static bool src_is_rtc(const struct ptpu_source *s)
{
	return s->cls == PTPU_CLASS_RTC;
}

static s64 src_age(const struct ptpu_source *s, s64 now)
{
	return s->has_last ? ptpu_sub_sat(now, s->last_raw) : S64_MAX;
}

/* Has an estimate and its newest sample is recent enough to select it. */
static bool src_fresh(const struct ptpu_arbiter *arb,
		      const struct ptpu_source *s)
{
	return s->used && s->count && !s->withdrawn &&
	       src_age(s, arb->now) <= (s64)arb->cfg.stale_ns;
}

/* The part of an RTC's bound that comes from its unknown phase. */
static u64 src_extra(const struct ptpu_source *s)
{
	if (!src_is_rtc(s))
		return 0;
	return s->calibrated ? s->cal_err : PTPU_RTC_UNCAL_BOUND_NS;
}

static s64 rtc_phase(const struct ptpu_source *s)
{
	return s->calibrated ? s->phase : PTPU_RTC_UNCAL_OFFSET_NS;
}

static u64 src_score(const struct ptpu_arbiter *arb,
		     const struct ptpu_source *s)
{
	s64 age = ptpu_sub_sat(arb->now, s->est.raw0);
	u64 span = ptpu_umax(ptpu_abs64(age), s->interval);

	/*
	 * Sources polled at different instants differ in age by up to one
	 * interval; comparing them at no less than their interval keeps the
	 * choice from following whichever was sampled last.
	 */
	return ptpu_bsum(s->score_base, ptpu_ppb_of(span, s->est.drift_ppb));
}

/* Bounds grow at the max drift knob as it is now, plus the fit's doubt. */
static void src_refresh(const struct ptpu_arbiter *arb, struct ptpu_source *s)
{
	s->est.drift_ppb = ptpu_u32_sat((u64)arb->cfg.max_drift_ppb + s->uf);
}

/* Sums over a history, with x = raw and y = offset taken from its newest sample. */
struct ptpu_sums {
	__int128_t sx, sy, sxx, sxy;
	u64 bmax;
	u64 span;
	u32 n;
};

/*
 * The line of slope @freq (2^-56 units) through the centroid of the
 * history: *a receives its offset at the newest sample (relative to that
 * sample), the return value is the RMS of the residuals over @dof degrees
 * of freedom.
 */
static u64 fit_line(const struct ptpu_source *s, const struct ptpu_sums *m,
		    s64 freq, u32 dof, s64 *a)
{
	const struct ptpu_hist *last = &s->hist[m->n - 1];
	__uint128_t ss = 0;
	__int128_t r;
	s64 x, y;
	u32 i;

	*a = ptpu_div_round(ptpu_clamp128(m->sy - ((m->sx * freq) >> (32 + PTPU_FIT_SHIFT))),
			    m->n);
	if (!dof)
		return 0;
	for (i = 0; i < m->n; i++) {
		x = ptpu_sub_sat(s->hist[i].raw, last->raw);
		y = ptpu_sub_sat(s->hist[i].off, last->off);
		r = (__int128_t)y - *a - (((__int128_t)x * freq) >> (32 + PTPU_FIT_SHIFT));
		/* 2^59 squared, 16 times, still fits in 128 bits. */
		if (r > ((__int128_t)1 << 59) || r < -((__int128_t)1 << 59))
			r = (__int128_t)1 << 59;
		ss += (__uint128_t)(r * r);
	}
	return ptpu_rms(ss, dof);
}

/*
 * Fit offset (ref - raw) against raw over the history, anchored at the
 * newest sample so that every x fits in 47 bits (a history spans at most
 * PTPU_STALE_NS_MAX) and the sums fit in 128 bits. The frequency is the
 * least-squares slope when the history knows it better than the prior does
 * (the source's last good fit, else the output's frequency).
 */
static void src_fit(struct ptpu_arbiter *arb, struct ptpu_source *s)
{
	const struct ptpu_hist *last = &s->hist[s->count - 1];
	struct ptpu_sums m = { .n = s->count };
	__int128_t den;
	s64 lim = ppb_to_q32(PTPU_FREQ_MAX_PPB), freq, a, lfreq, la, x, y;
	u64 uf, luf, jit, ljit, b;
	u32 i;

	for (i = 0; i < m.n; i++) {
		x = ptpu_sub_sat(s->hist[i].raw, last->raw);
		y = ptpu_sub_sat(s->hist[i].off, last->off);
		m.sx += x;
		m.sy += y;
		m.sxx += (__int128_t)x * x;
		m.sxy += (__int128_t)x * y;
		m.bmax = ptpu_umax(m.bmax, s->hist[i].bound);
	}
	m.span = ptpu_abs64(ptpu_sub_sat(s->hist[0].raw, last->raw));

	/* Slopes in 2^-56 units, limits applied before the scaling. */
	freq = s->has_prior ? s->freq_prior :
	       ptpu_clamp(arb->base_freq, lim) * (1LL << PTPU_FIT_SHIFT);
	lim *= 1LL << PTPU_FIT_SHIFT;
	uf = s->has_prior ? s->prior_uf : arb->cfg.max_drift_ppb;
	jit = fit_line(s, &m, freq, m.n - 1, &a);

	den = m.sxx * m.n - m.sx * m.sx;
	if (m.n >= 2 && m.span >= PTPU_FREQ_MIN_SPAN_NS && den > 0) {
		lfreq = ptpu_clamp(ptpu_div128_fit(m.sxy * m.n - m.sx * m.sy, den), lim);
		ljit = fit_line(s, &m, lfreq, m.n - 2, &la);
		/*
		 * With every sample within E of a straight line, the slope is
		 * off by at most about 3 E / span for evenly spaced samples; 4
		 * leaves room for uneven spacing, and the residuals count in E
		 * so that a history that is no line (a jump inside it) loses
		 * to the prior. An RTC's phase error is common to all samples
		 * and cancels.
		 */
		luf = (u64)ptpu_mul_div_s64((s64)ptpu_bsum(m.bmax, ljit), 4 * PTPU_PPB,
					    (s64)m.span);
		/*
		 * Within the max drift the fit is trusted even if an older fit
		 * looked better: the frequency must follow the oscillator.
		 */
		if (luf < uf || luf <= arb->cfg.max_drift_ppb) {
			freq = lfreq;
			a = la;
			jit = ljit;
			uf = luf;
			s->freq_prior = freq;
			s->prior_uf = uf;
			s->has_prior = true;
		}
	}
	s->jitter = jit;
	s->interval = m.n >= 2 ? div64_u64(m.span, m.n - 1) : 0;

	/*
	 * The newest sample proves UTC within its bound at its raw time; the
	 * fit differs from it by |a|, and typically from any sample by the
	 * jitter: cover both.
	 */
	b = ptpu_bsum(last->bound, src_extra(s));
	s->score_base = ptpu_bsum(b, s->jitter);
	s->est.raw0 = last->raw;
	s->est.ref0 = ptpu_add_sat(ptpu_add_sat(last->raw, last->off), a);
	s->est.freq = fit_to_q32(freq);
	s->est.frac0 = 0;
	s->est.bound0 = ptpu_bsum(b, ptpu_umax(s->jitter, ptpu_abs64(a)));
	s->est.flags = 0;
	s->uf = uf;
	src_refresh(arb, s);
}

static void hist_reset(struct ptpu_source *s)
{
	s->count = 0;
	s->jitter = 0;
	s->interval = 0;
}

static void hist_push(struct ptpu_arbiter *arb, struct ptpu_source *s,
		      const struct ptpu_hist *h)
{
	s64 horizon = ptpu_sub_sat(h->raw, (s64)arb->cfg.stale_ns);
	u32 drop = 0;

	/* Samples older than the staleness limit no longer describe now. */
	while (drop < s->count && s->hist[drop].raw < horizon)
		drop++;
	if (drop == 0 && s->count == PTPU_HIST_LEN)
		drop = 1;
	if (drop) {
		memmove(&s->hist[0], &s->hist[drop],
			(s->count - drop) * sizeof(s->hist[0]));
		s->count -= drop;
	}
	s->hist[s->count++] = *h;
	src_fit(arb, s);
}

/*
 * Is the output good enough to measure an RTC's phase against (or to
 * re-measure it after a phase reset)?
 */
static bool rtc_can_calibrate(const struct ptpu_arbiter *arb, u32 idx,
			      s64 raw)
{
	const struct ptpu_source *sel;

	if (arb->selected < 0 || arb->selected == (int)idx ||
	    arb->state != PTPU_STATE_SYNCED || arb->jump.active)
		return false;
	sel = &arb->src[arb->selected];
	return !src_is_rtc(sel) &&
	       ptpu_model_bound(&arb->model, raw) <= PTPU_RTC_CAL_MAX_BOUND_NS;
}

/* An RTC second edge at @raw reading @ref: one phase measurement. */
static void rtc_cal_edge(struct ptpu_arbiter *arb, u32 idx, s64 raw, s64 ref,
			 struct ptpu_events *ev)
{
	struct ptpu_source *s = &arb->src[idx];
	s64 phase, shift;
	u32 i;

	if (!src_is_rtc(s) || s->calibrated)
		return;
	if (!rtc_can_calibrate(arb, idx, raw)) {
		s->cal_n = 0;
		return;
	}
	phase = ptpu_sub_sat(ptpu_model_time(&arb->model, raw), ref);
	/* A phase outside the uncalibrated claim means a wrong RTC. */
	if (ptpu_abs64(ptpu_sub_sat(phase, PTPU_RTC_UNCAL_OFFSET_NS)) >
	    PTPU_RTC_UNCAL_BOUND_NS) {
		s->cal_n = 0;
		return;
	}
	if (!s->cal_n) {
		s->cal_sum = 0;
		s->cal_min = phase;
		s->cal_max = phase;
		s->cal_mbound = 0;
	}
	s->cal_sum += phase;
	s->cal_min = phase < s->cal_min ? phase : s->cal_min;
	s->cal_max = phase > s->cal_max ? phase : s->cal_max;
	s->cal_mbound = ptpu_umax(s->cal_mbound, ptpu_model_bound(&arb->model, raw));
	if (++s->cal_n < PTPU_RTC_CAL_EDGES)
		return;

	s->phase = div64_s64(s->cal_sum, PTPU_RTC_CAL_EDGES);
	s->cal_err = ptpu_bsum((u64)(s->cal_max - s->cal_min) / 2 + 1, s->cal_mbound);
	s->cal_n = 0;
	/* The history was taken with the assumed phase: move it to the real one. */
	shift = s->phase - PTPU_RTC_UNCAL_OFFSET_NS;
	for (i = 0; i < s->count; i++)
		s->hist[i].off = ptpu_add_sat(s->hist[i].off, shift);
	s->calibrated = true;
	src_fit(arb, s);
	ev->mask |= PTPU_EV_CALIBRATION;
}

static s64 rtc_ref_of(const struct ptpu_source *s, const struct ptpu_hist *h)
{
	return ptpu_sub_sat(ptpu_add_sat(h->raw, h->off), rtc_phase(s));
}

/*
 * A calibrated RTC moved by itself (QEMU restarts its phase when the guest
 * writes it): measure the phase again against a good output, or, with none,
 * re-base it so the RTC continues its own prediction. Never a step.
 */
static void rtc_recalibrate(struct ptpu_arbiter *arb, u32 idx,
			    const struct ptpu_hist *h, struct ptpu_events *ev)
{
	struct ptpu_source *s = &arb->src[idx];
	struct ptpu_hist nh = *h;
	s64 ref = rtc_ref_of(s, h), pred, moved;

	ev->mask |= PTPU_EV_CALIBRATION;
	if (rtc_can_calibrate(arb, idx, h->raw) || !s->count) {
		s->calibrated = false;
		s->cal_n = 0;
		hist_reset(s);
		nh.off = ptpu_add_sat(ptpu_sub_sat(ref, h->raw), PTPU_RTC_UNCAL_OFFSET_NS);
		hist_push(arb, s, &nh);
		rtc_cal_edge(arb, idx, h->raw, ref, ev);
		return;
	}
	pred = ptpu_model_time(&s->est, h->raw);
	moved = ptpu_sub_sat(pred, ptpu_add_sat(h->raw, h->off));
	s->phase = ptpu_add_sat(s->phase, moved);
	/*
	 * The new phase is only as good as the prediction it came from, and
	 * alone the RTC cannot tell a phase reset from a pause shorter than a
	 * second: until a better source settles it, either may be the truth.
	 */
	s->cal_err = ptpu_bsum(ptpu_umax(s->cal_err, ptpu_model_bound(&s->est, h->raw)),
			       ptpu_abs64(moved));
	nh.off = ptpu_sub_sat(pred, h->raw);
	hist_push(arb, s, &nh);
}

/* An RTC that jumped by seconds against everyone else was set wrong. */
static void rtc_uncalibrate(struct ptpu_arbiter *arb, u32 idx,
			    const struct ptpu_hist *h, struct ptpu_events *ev)
{
	struct ptpu_source *s = &arb->src[idx];
	struct ptpu_hist nh = *h;
	s64 ref = rtc_ref_of(s, h);

	s->calibrated = false;
	s->cal_n = 0;
	hist_reset(s);
	nh.off = ptpu_add_sat(ptpu_sub_sat(ref, h->raw), PTPU_RTC_UNCAL_OFFSET_NS);
	hist_push(arb, s, &nh);
	ev->mask |= PTPU_EV_CALIBRATION;
}

/*
 * Deviation of an effective sample from a source's own prediction, or from
 * the output when the source has no history; *tol receives its bound. An
 * RTC's phase error is common to its sample and its prediction, and only
 * counts against the output.
 */
static s64 src_deviation(const struct ptpu_arbiter *arb,
			 const struct ptpu_source *s, const struct ptpu_hist *h,
			 u64 *tol)
{
	const struct ptpu_model *m = s->count ? &s->est : &arb->model;

	*tol = ptpu_bsum(ptpu_model_bound(m, h->raw), h->bound);
	if (!s->count)
		*tol = ptpu_bsum(*tol, src_extra(s));
	return ptpu_sub_sat(ptpu_add_sat(h->raw, h->off), ptpu_model_time(m, h->raw));
}

/*
 * The suspect turned out right, or the others confirmed it: the raw counter
 * stood still while UTC went on. Every pre-jump history is now wrong by the
 * jump, so all are dropped; the post-jump samples start the new ones, and
 * steer() steps the output to the selected one.
 */
static void jump_declare(struct ptpu_arbiter *arb, struct ptpu_events *ev)
{
	struct ptpu_source *s;
	u32 i;

	arb->jump.active = false;
	for (i = 0; i < PTPU_MAX_SOURCES; i++) {
		s = &arb->src[i];
		if (!s->used)
			continue;
		hist_reset(s);
		if (s->has_post) {
			s->has_post = false;
			hist_push(arb, s, &s->post);
		}
	}
	arb->step_hint = arb->jump.shift;
	arb->step_tol = arb->jump.tol;
	arb->force_step = true;
	arb->disruptions++;
	ev->mask |= PTPU_EV_DISRUPTION;
}

/*
 * No disruption after all. With @blame, fresh sources contradicted the
 * suspect: the fault is its own (for a calibrated RTC: a phase reset or a
 * wrong setting). Without, the suspect withdrew its claim or went away.
 */
static void jump_cancel(struct ptpu_arbiter *arb, bool blame,
			struct ptpu_events *ev)
{
	struct ptpu_jump *j = &arb->jump;
	struct ptpu_source *s;
	u32 i;

	j->active = false;
	for (i = 0; i < PTPU_MAX_SOURCES; i++) {
		s = &arb->src[i];
		if (!s->used || !s->has_post || i == j->src)
			continue;
		s->has_post = false;
		/* It saw the same bogus shift: as wrong as the suspect. */
		if (j->agreed & BIT(i))
			hist_reset(s);
		hist_push(arb, s, &s->post);
	}
	s = &arb->src[j->src];
	if (!s->used || !s->has_post)
		return;
	s->has_post = false;
	if (!blame)
		return;
	if (j->rtc && j->phase) {
		rtc_recalibrate(arb, j->src, &s->post, ev);
	} else if (j->rtc) {
		rtc_uncalibrate(arb, j->src, &s->post, ev);
	} else {
		/* Its offset really changed: start over, selection judges it. */
		hist_reset(s);
		hist_push(arb, s, &s->post);
	}
}

/* Decide a pending jump if the sources that matter have spoken. */
static void jump_check(struct ptpu_arbiter *arb, struct ptpu_events *ev)
{
	struct ptpu_jump *j = &arb->jump;
	struct ptpu_source *s;
	u32 wait = 0, i;

	if (!j->active)
		return;
	s = &arb->src[j->src];
	if (!s->used || !s->cfg.enabled) {
		jump_cancel(arb, false, ev);
		return;
	}
	for (i = 0; i < PTPU_MAX_SOURCES; i++)
		if (i != j->src && src_fresh(arb, &arb->src[i]) && arb->src[i].cfg.enabled)
			wait |= BIT(i);

	if (!wait) {
		/* Alone: a lone RTC's sub-second move is a phase reset. */
		if (j->phase)
			jump_cancel(arb, true, ev);
		else
			jump_declare(arb, ev);
		return;
	}
	/*
	 * A precise source is believed at once: the others may take a poll
	 * interval to speak, and the output would be wrong all that time. Not
	 * an RTC while others are fresh: it has phase resets of its own.
	 */
	if (j->precise && !j->rtc) {
		jump_declare(arb, ev);
		return;
	}
	if (wait & ~j->heard)
		return;
	if (j->phase && !j->agreed)
		jump_cancel(arb, true, ev);
	else
		jump_declare(arb, ev);
}

static void jump_start(struct ptpu_arbiter *arb, u32 idx,
		       const struct ptpu_hist *h, s64 dev, u64 tol, bool rtc,
		       bool phase)
{
	struct ptpu_source *s = &arb->src[idx];
	struct ptpu_jump *j = &arb->jump;
	u64 b = ptpu_bsum(ptpu_bsum(h->bound, s->jitter), src_extra(s));

	memset(j, 0, sizeof(*j));
	j->active = true;
	j->precise = b <= arb->cfg.step_threshold_ns / PTPU_PRECISE_DIV;
	j->rtc = rtc;
	j->phase = phase;
	j->src = idx;
	j->raw = h->raw;
	j->shift = dev;
	j->tol = tol;
	s->post = *h;
	s->has_post = true;
}

/*
 * A sample taken after a pending suspect: a vote. Return: true if the
 * sample was kept as a vote, false if it should be processed as usual.
 */
static bool jump_vote(struct ptpu_arbiter *arb, u32 idx,
		      const struct ptpu_hist *h, struct ptpu_events *ev)
{
	struct ptpu_jump *j = &arb->jump;
	struct ptpu_source *s = &arb->src[idx];
	u64 tol;
	s64 dev = src_deviation(arb, s, h, &tol);
	bool agree = ptpu_abs64(ptpu_sub_sat(dev, j->shift)) <= ptpu_bsum(tol, j->tol);
	bool same = ptpu_abs64(dev) <= tol;

	if (idx == j->src) {
		if (agree) {
			s->post = *h;
			return true;
		}
		/* It went back on its claim: the suspect sample was an outlier. */
		jump_cancel(arb, false, ev);
		return false;
	}
	if (agree) {
		s->post = *h;
		s->has_post = true;
		j->heard |= BIT(idx);
		if (!same)
			j->agreed |= BIT(idx);
		return true;
	}
	jump_cancel(arb, true, ev);
	return false;
}

/* Is another enabled source fresh enough to confirm or deny an RTC? */
static bool others_fresh(const struct ptpu_arbiter *arb, u32 idx)
{
	u32 i;

	for (i = 0; i < PTPU_MAX_SOURCES; i++)
		if (i != idx && src_fresh(arb, &arb->src[i]) && arb->src[i].cfg.enabled)
			return true;
	return false;
}

static void sample_process(struct ptpu_arbiter *arb, u32 idx,
			   const struct ptpu_sample *smp,
			   struct ptpu_events *ev)
{
	struct ptpu_source *s = &arb->src[idx];
	s64 thr = (s64)arb->cfg.step_threshold_ns, dev_own, dev_mod;
	struct ptpu_hist h;
	u64 tol_own, tol_mod, mbound, a;
	bool own, mod, suspect;

	h.raw = smp->raw_ns;
	h.off = smp->ref_ns - smp->raw_ns;	/* checked not to overflow */
	if (src_is_rtc(s))
		h.off = ptpu_add_sat(h.off, rtc_phase(s));
	h.bound = smp->bound_ns;

	s->last_raw = smp->raw_ns;
	s->has_last = true;
	s->leap = smp->leap;
	s->stratum = smp->stratum;
	s->lost = false;
	s->withdrawn = false;

	dev_own = src_deviation(arb, s, &h, &tol_own);
	dev_mod = ptpu_sub_sat(ptpu_add_sat(h.raw, h.off),
			       ptpu_model_time(&arb->model, h.raw));
	mbound = ptpu_model_bound(&arb->model, h.raw);
	tol_mod = ptpu_bsum(mbound, ptpu_bsum(h.bound, src_extra(s)));
	/*
	 * A sample that misses the output's interval by more than its own
	 * source's estimate could be off proves the output's model wrong (a
	 * pause too short to declare, say): a source held against that model
	 * must be followed again. Judged by the source's estimate, jitter
	 * included, as the hold is: one sample of a jittery source (an RTC in
	 * a nested VM) must not end it.
	 */
	if (s->cfg.enabled &&
	    ptpu_abs64(dev_mod) > ptpu_bsum(mbound, tol_own))
		arb->taught_by = -1;

	if (arb->jump.active && h.raw > arb->jump.raw && s->cfg.enabled &&
	    jump_vote(arb, idx, &h, ev))
		return;

	if (!s->count) {
		hist_push(arb, s, &h);
		rtc_cal_edge(arb, idx, h.raw, smp->ref_ns, ev);
		return;
	}

	a = ptpu_abs64(dev_own);
	own = a > ptpu_umax(thr, tol_own);
	mod = ptpu_abs64(dev_mod) > ptpu_umax(thr, tol_mod);

	/*
	 * Seen a little before a pending suspect's raw time (samples reach us
	 * late): most likely the same jump, so it votes.
	 */
	if (own && mod && s->cfg.enabled && arb->jump.active &&
	    jump_vote(arb, idx, &h, ev))
		return;
	suspect = mod && s->cfg.enabled && !arb->jump.active;

	if (src_is_rtc(s) && s->calibrated && a > tol_own) {
		if (a >= ptpu_bsum(PTPU_RTC_JUMP_NS, tol_own) && suspect)
			jump_start(arb, idx, &h, dev_own, tol_own, true, false);
		else if (own && suspect && others_fresh(arb, idx))
			jump_start(arb, idx, &h, dev_own, tol_own, true, true);
		else
			rtc_recalibrate(arb, idx, &h, ev);
		return;
	}
	if (own && suspect) {
		jump_start(arb, idx, &h, dev_own, tol_own, false, false);
		return;
	}
	/* A discontinuity of this source alone, toward the output: start over. */
	if (own)
		hist_reset(s);
	hist_push(arb, s, &h);
	rtc_cal_edge(arb, idx, h.raw, smp->ref_ns, ev);
}

static void mark_lost(struct ptpu_arbiter *arb, struct ptpu_events *ev)
{
	struct ptpu_source *s;
	u32 i;

	for (i = 0; i < PTPU_MAX_SOURCES; i++) {
		s = &arb->src[i];
		if (!s->used || !s->count || s->lost || src_fresh(arb, s))
			continue;
		s->lost = true;
		ev->mask |= PTPU_EV_LOST;
		ev->lost |= BIT(i);
	}
}

/*
 * Among the survivors: a preferred one wins outright; otherwise every
 * source whose score the best does not beat by the hysteresis margin is a
 * contender, and among contenders the higher priority wins, then the
 * incumbent, then the smaller score.
 */
static int pick(const struct ptpu_arbiter *arb, u32 surv)
{
	u32 pref = 0, i;
	u64 score, best_score = 0, min = PTPU_BOUND_MAX;
	s64 lim;
	int best = -1;
	const struct ptpu_source *s, *b;

	for (i = 0; i < PTPU_MAX_SOURCES; i++)
		if ((surv & BIT(i)) && arb->src[i].cfg.prefer)
			pref |= BIT(i);
	if (pref)
		surv = pref;
	for (i = 0; i < PTPU_MAX_SOURCES; i++)
		if (surv & BIT(i))
			min = ptpu_umin(min, src_score(arb, &arb->src[i]));
	lim = ptpu_mul_div_s64((s64)min, 100, 100 - (s64)arb->cfg.hysteresis_pct);

	for (i = 0; i < PTPU_MAX_SOURCES; i++) {
		if (!(surv & BIT(i)))
			continue;
		s = &arb->src[i];
		score = src_score(arb, s);
		if (score > (u64)lim)
			continue;
		if (best >= 0) {
			b = &arb->src[best];
			if (s->cfg.priority < b->cfg.priority)
				continue;
			if (s->cfg.priority == b->cfg.priority &&
			    (best == arb->selected ||
			     ((int)i != arb->selected && score >= best_score)))
				continue;
		}
		best = i;
		best_score = score;
	}
	return best;
}

/*
 * Marzullo-style intersection: the largest set of mutually overlapping
 * intervals. It is always reached at some interval's lower end, so testing
 * each lower end is enough (n <= 16). Two different largest sets, or one
 * that is not a strict majority, mean the sources cannot be told apart.
 */
static void select_sources(struct ptpu_arbiter *arb, struct ptpu_events *ev)
{
	u32 cand = 0, best_mask = 0, mask, fts = 0, c, best_c = 0, n = 0, i, k;
	bool ambiguous = false, majority;
	struct ptpu_source *s, *t;
	enum ptpu_state state;
	s64 lo;
	int sel;

	for (i = 0; i < PTPU_MAX_SOURCES; i++) {
		s = &arb->src[i];
		if (!s->used || !s->count)
			continue;
		src_refresh(arb, s);
		s->cur_est = ptpu_model_time(&s->est, arb->now);
		s->cur_bound = ptpu_model_bound(&s->est, arb->now);
		if (!s->cfg.enabled || !src_fresh(arb, s) ||
		    (arb->jump.active && arb->jump.src == i))
			continue;
		cand |= BIT(i);
		n++;
	}
	for (i = 0; i < PTPU_MAX_SOURCES; i++) {
		if (!(cand & BIT(i)))
			continue;
		s = &arb->src[i];
		lo = ptpu_sub_sat(s->cur_est, (s64)s->cur_bound);
		mask = 0;
		c = 0;
		for (k = 0; k < PTPU_MAX_SOURCES; k++) {
			if (!(cand & BIT(k)))
				continue;
			t = &arb->src[k];
			if (ptpu_sub_sat(t->cur_est, (s64)t->cur_bound) <= lo &&
			    lo <= ptpu_add_sat(t->cur_est, (s64)t->cur_bound)) {
				mask |= BIT(k);
				c++;
			}
		}
		if (c > best_c) {
			best_c = c;
			best_mask = mask;
			ambiguous = false;
		} else if (c == best_c && mask != best_mask) {
			ambiguous = true;
		}
	}
	majority = n && !ambiguous && 2 * best_c > n;
	if (majority)
		fts = cand & ~best_mask;

	if (!n)
		sel = -1;
	else if (majority)
		sel = pick(arb, best_mask);
	else if (arb->selected >= 0 && (cand & BIT(arb->selected)))
		sel = arb->selected;	/* no better judgement than before */
	else
		sel = pick(arb, cand);

	for (i = 0; i < PTPU_MAX_SOURCES; i++)
		arb->src[i].falseticker = !!(fts & BIT(i));
	if (fts != arb->falsetickers)
		ev->mask |= PTPU_EV_FALSETICKERS;
	if (sel != arb->selected)
		ev->mask |= PTPU_EV_SELECTION;

	if (sel >= 0)
		state = majority ? PTPU_STATE_SYNCED : PTPU_STATE_NO_MAJORITY;
	else
		state = arb->ever_synced ? PTPU_STATE_FREERUN : PTPU_STATE_UNSYNCED;
	if (state != arb->state)
		ev->mask |= PTPU_EV_STATE;

	arb->candidates = cand;
	arb->falsetickers = fts;
	arb->selected = sel;
	arb->state = state;
	arb->no_majority = n && !majority;
}

/* Widen @m so that its interval at raw0 covers [est - bound, est + bound]. */
static void cover(struct ptpu_model *m, s64 est, u64 bound, s64 freq, u32 drift)
{
	u64 need = ptpu_bsum(ptpu_abs64(ptpu_sub_sat(est, m->ref0)), bound);

	m->bound0 = ptpu_umax(m->bound0, need);
	m->drift_ppb = ptpu_u32_sat(ptpu_umax(m->drift_ppb,
					      (u64)drift + q32_to_ppb_up(m->freq - freq)));
}

/* Until it is decided, a suspect's claim is as likely as the output. */
static void cover_suspect(const struct ptpu_arbiter *arb, struct ptpu_model *m)
{
	const struct ptpu_source *s = &arb->src[arb->jump.src];
	s64 age = ptpu_sub_sat(arb->now, s->post.raw);
	s64 est = ptpu_add_sat(ptpu_add_sat(s->post.raw, s->post.off), age);
	u64 bound = ptpu_bsum(arb->jump.tol, ptpu_ppb_of(ptpu_abs64(age), s->est.drift_ppb));

	if (s->has_post)
		cover(m, est, bound, s->est.freq, s->est.drift_ppb);
}

/*
 * Re-anchor the output at now, continuous with the old model, and steer it
 * toward the selected source: its frequency plus a correction that removes
 * the remaining offset with time constant slew_tau(), never faster than the
 * slew limit. What is not yet corrected is added to the bound, and
 * so is the correction rate to its growth: the bound stays honest even if
 * no call comes to stop the correction. A source coarser than what the
 * output already knows is not followed but held against (hold_model()).
 */
static s64 slew_tau(const struct ptpu_source *s)
{
	return (s64)ptpu_umin(ptpu_umax(2 * s->interval, PTPU_SLEW_TAU_MIN_NS),
			      PTPU_SLEW_TAU_NS);
}

/*
 * Is the selected source coarser than what the output already knows? The
 * output still runs on the frequency of the source that last taught it
 * (kvm, say), and expects to be off by the bound it had from that source
 * then plus its frequency doubt times the time since (taught_by is reset
 * when a step or a sample disproves that); the published bound, which grows
 * at the max drift knob, would give a good model up within a minute. A
 * source whose interval holds the output and is wider than that expected
 * error, with a frequency it knows worse, has nothing to teach it: a
 * calibrated RTC whose phase is off by milliseconds would pull the output
 * onto its centre and its rougher frequency. Never against the teacher
 * itself (its own newer fits are worth following), nor after a step.
 */
static bool hold_model(const struct ptpu_arbiter *arb,
		       const struct ptpu_source *s, s64 r)
{
	u64 since, expect;

	if (arb->taught_by < 0 || arb->taught_by == arb->selected ||
	    s->uf <= arb->taught_uf || ptpu_abs64(r) > s->cur_bound)
		return false;
	since = ptpu_abs64(ptpu_sub_sat(arb->now, arb->taught_raw));
	expect = ptpu_bsum(arb->taught_bound,
			   ptpu_ppb_of(since, ptpu_u32_sat(arb->taught_uf)));
	return s->cur_bound > expect;
}

/*
 * Keep the output's model: no correction (the output lies inside the
 * source's interval, where the source cannot tell it anything), the
 * teacher's frequency, and a bound that is the old one or what the source
 * proves, whichever is smaller. The growth covers both: the old bound's
 * (the free-run rule) and the distance to the source's line.
 */
static void steer_hold(const struct ptpu_arbiter *arb,
		       const struct ptpu_source *s, s64 r, struct ptpu_model *m)
{
	u64 own = ptpu_umax(arb->base_drift, arb->cfg.max_drift_ppb);
	u64 src = (u64)s->est.drift_ppb + q32_to_ppb_up(arb->base_freq - s->est.freq);

	m->freq = arb->base_freq;
	m->bound0 = ptpu_umin(ptpu_model_bound(&arb->model, arb->now),
			      ptpu_bsum(s->cur_bound, ptpu_abs64(r)));
	m->drift_ppb = ptpu_u32_sat(ptpu_umax(own, src));
}

/* Steer toward the source, which becomes the output's teacher. */
static void steer_follow(struct ptpu_arbiter *arb, const struct ptpu_source *s,
			 s64 r, struct ptpu_model *m)
{
	s64 corr = r, c, slew;

	/*
	 * A coarse source (an uncalibrated RTC: its centre is a guess
	 * within a second) is only worth following where the output
	 * lies outside its interval; chasing its centre would run the
	 * clock at the slew limit for many minutes for nothing.
	 */
	if (s->cur_bound > arb->cfg.step_threshold_ns)
		corr -= ptpu_clamp(r, (s64)s->cur_bound);
	/*
	 * The source's frequency may itself be off by its doubt: the
	 * correction leaves room for it (up to half the limit), so
	 * that the clock's error changes no faster than the limit.
	 */
	slew = ppb_to_q32(arb->cfg.slew_limit_ppb -
			  ptpu_umin(s->uf, arb->cfg.slew_limit_ppb / 2));
	c = ptpu_clamp(ptpu_mul_div_s64(corr, 1LL << 32, slew_tau(s)), slew);
	m->freq = s->est.freq + c;
	/* The bound owns up to all of the offset, corrected or not. */
	m->bound0 = ptpu_bsum(s->cur_bound, ptpu_abs64(r));
	m->drift_ppb = ptpu_u32_sat((u64)s->est.drift_ppb + q32_to_ppb_up(c));
	arb->base_freq = s->est.freq;
	arb->base_drift = s->est.drift_ppb;
	arb->ever_synced = true;
	arb->taught_by = arb->selected;
	arb->taught_raw = arb->now;
	arb->taught_bound = m->bound0;
	arb->taught_uf = s->uf;
}

static void steer(struct ptpu_arbiter *arb, struct ptpu_events *ev)
{
	const struct ptpu_model *old = &arb->model;
	s64 now = arb->now, mnow, r;
	struct ptpu_model m = { .raw0 = old->raw0, .ref0 = old->ref0,
				.freq = old->freq, .frac0 = old->frac0 };
	bool step = arb->force_step;
	struct ptpu_source *s;
	u32 i;

	/* Continuous with the old line to a fraction of a ns; mnow is its time now. */
	ptpu_model_anchor(&m, now);
	mnow = m.ref0;
	arb->force_step = false;
	if (arb->selected < 0) {
		/* Free-run: keep the source's frequency, not the correction. */
		m.freq = arb->base_freq;
		m.bound0 = ptpu_model_bound(old, now);
		m.drift_ppb = arb->base_drift > arb->cfg.max_drift_ppb ?
			      arb->base_drift : arb->cfg.max_drift_ppb;
		m.flags = arb->ever_synced ? PTPU_MODEL_FREERUN : 0;
		/*
		 * Stepped by the suspect's own measure of the jump, and its
		 * doubt: what the output learned before no longer holds.
		 */
		if (step) {
			m.ref0 = ptpu_add_sat(mnow, arb->step_hint);
			m.frac0 = 0;
			m.bound0 = ptpu_bsum(m.bound0, arb->step_tol);
			arb->taught_by = -1;
		}
	} else {
		s = &arb->src[arb->selected];
		r = ptpu_sub_sat(s->cur_est, mnow);
		/*
		 * Until the output has once been better than the step
		 * threshold it has promised nothing worth slewing for: the
		 * first synchronisation steps onto the source, however small
		 * the offset (slewing 50 ms at 500 ppm would take 100 s).
		 */
		if (!arb->settled && ptpu_abs64(r) > s->cur_bound)
			step = true;
		if (step) {
			m.ref0 = s->cur_est;
			m.frac0 = 0;
			r = 0;
		}
		if (!step && hold_model(arb, s, r))
			steer_hold(arb, s, r, &m);
		else
			steer_follow(arb, s, r, &m);
		m.flags = PTPU_MODEL_SYNCED;
		if (arb->no_majority) {
			m.flags |= PTPU_MODEL_NO_MAJORITY;
			for (i = 0; i < PTPU_MAX_SOURCES; i++)
				if (arb->candidates & BIT(i))
					cover(&m, arb->src[i].cur_est, arb->src[i].cur_bound,
					      arb->src[i].est.freq, arb->src[i].est.drift_ppb);
		}
		if (s->leap == PTPU_LEAP_INS)
			m.flags |= PTPU_MODEL_LEAP_INS;
		else if (s->leap == PTPU_LEAP_DEL)
			m.flags |= PTPU_MODEL_LEAP_DEL;
	}

	if (arb->jump.active)
		cover_suspect(arb, &m);

	if (step) {
		arb->steps++;
		arb->last_step_raw = now;
		arb->last_step_ns = ptpu_sub_sat(m.ref0, mnow);
		ev->mask |= PTPU_EV_STEP;
		ev->step_ns = arb->last_step_ns;
	}
	if ((m.flags & PTPU_MODEL_SYNCED) && m.bound0 < arb->cfg.step_threshold_ns)
		arb->settled = true;
	arb->model = m;
}

static void update(struct ptpu_arbiter *arb, struct ptpu_events *ev)
{
	mark_lost(arb, ev);
	jump_check(arb, ev);
	select_sources(arb, ev);
	steer(arb, ev);
}

/* Callers may pass no event struct; the arbiter always needs one. */
static struct ptpu_events *events_begin(struct ptpu_events *ev,
					struct ptpu_events *scratch)
{
	if (!ev)
		ev = scratch;
	memset(ev, 0, sizeof(*ev));
	return ev;
}

/* A raw time that went backwards would let the output do the same. */
static void advance(struct ptpu_arbiter *arb, s64 now_raw)
{
	if (now_raw > arb->now)
		arb->now = now_raw;
}

/**
 * ptpu_arbiter_default_config() - fill in the default knobs
 * @cfg: filled with the PTPU_DEFAULT_* values
 */
void ptpu_arbiter_default_config(struct ptpu_arbiter_config *cfg)
{
	cfg->max_drift_ppb = PTPU_DEFAULT_MAX_DRIFT_PPB;
	cfg->slew_limit_ppb = PTPU_DEFAULT_SLEW_LIMIT_PPB;
	cfg->hysteresis_pct = PTPU_DEFAULT_HYSTERESIS_PCT;
	cfg->step_threshold_ns = PTPU_DEFAULT_STEP_THRESHOLD_NS;
	cfg->stale_ns = PTPU_DEFAULT_STALE_NS;
}

/**
 * ptpu_arbiter_init() - start an arbiter with no sources
 * @arb:	the state to initialise (any previous content is discarded)
 * @cfg:	knobs, or NULL for the defaults
 * @seed:	initial output (e.g. CLOCK_REALTIME at load with a large bound);
 *		it runs unsynchronised until a source is selected
 * @now_raw:	current raw time
 *
 * Return: 0, or -EINVAL for invalid knobs or a seed whose frequency exceeds
 * 1000 ppm or whose bound exceeds PTPU_BOUND_MAX (@arb is then untouched).
 */
int ptpu_arbiter_init(struct ptpu_arbiter *arb,
		      const struct ptpu_arbiter_config *cfg,
		      const struct ptpu_model *seed, s64 now_raw)
{
	struct ptpu_arbiter_config def;

	if (!cfg) {
		ptpu_arbiter_default_config(&def);
		cfg = &def;
	}
	if (!arb || !seed || !cfg_valid(cfg) || seed->bound0 > PTPU_BOUND_MAX ||
	    ptpu_abs64(seed->freq) > (u64)ppb_to_q32(PTPU_FREQ_MAX_PPB))
		return -EINVAL;

	memset(arb, 0, sizeof(*arb));
	arb->cfg = *cfg;
	arb->now = now_raw;
	arb->model = *seed;
	ptpu_model_anchor(&arb->model, now_raw);
	arb->model.flags = 0;
	arb->model.bound0 = ptpu_model_bound(seed, now_raw);
	arb->model.drift_ppb = seed->drift_ppb > cfg->max_drift_ppb ?
			       seed->drift_ppb : cfg->max_drift_ppb;
	arb->base_freq = seed->freq;
	arb->base_drift = arb->model.drift_ppb;
	arb->taught_by = -1;
	arb->selected = -1;
	arb->state = PTPU_STATE_UNSYNCED;
	return 0;
}

/**
 * ptpu_arbiter_set_config() - change the knobs
 * @arb:	the arbiter
 * @cfg:	new knobs; they take effect at the next sample or tick
 *
 * Return: 0, or -EINVAL if a knob is out of range (nothing changed).
 */
int ptpu_arbiter_set_config(struct ptpu_arbiter *arb,
			    const struct ptpu_arbiter_config *cfg)
{
	if (!cfg_valid(cfg))
		return -EINVAL;
	arb->cfg = *cfg;
	return 0;
}

/**
 * ptpu_arbiter_find() - look a source up by name
 * @arb:	the arbiter
 * @name:	the name it was registered with
 *
 * Return: its index, or -ENOENT.
 */
int ptpu_arbiter_find(const struct ptpu_arbiter *arb, const char *name)
{
	int i;

	for (i = 0; i < PTPU_MAX_SOURCES; i++)
		if (arb->src[i].used &&
		    !strncmp(arb->src[i].name, name, PTPU_NAME_LEN))
			return i;
	return -ENOENT;
}

/**
 * ptpu_arbiter_register() - add a source
 * @arb:	the arbiter
 * @name:	unique name, 1 to PTPU_NAME_LEN - 1 characters
 * @cls:	its class; PTPU_CLASS_RTC samples get the RTC phase treatment
 *
 * The source starts enabled, priority 0, not preferred, with no samples.
 *
 * Return: its index (0..PTPU_MAX_SOURCES - 1), -EINVAL for a bad name or
 * class, -EEXIST if the name is taken, -ENOSPC if all slots are used.
 */
int ptpu_arbiter_register(struct ptpu_arbiter *arb, const char *name,
			  enum ptpu_class cls)
{
	size_t len;
	int i;

	if (!name || (u32)cls >= PTPU_CLASS_COUNT)
		return -EINVAL;
	len = strnlen(name, PTPU_NAME_LEN);
	if (!len || len >= PTPU_NAME_LEN)
		return -EINVAL;
	if (ptpu_arbiter_find(arb, name) >= 0)
		return -EEXIST;
	for (i = 0; i < PTPU_MAX_SOURCES; i++)
		if (!arb->src[i].used)
			break;
	if (i == PTPU_MAX_SOURCES)
		return -ENOSPC;

	memset(&arb->src[i], 0, sizeof(arb->src[i]));
	memcpy(arb->src[i].name, name, len);
	arb->src[i].cls = cls;
	arb->src[i].used = true;
	arb->src[i].cfg.enabled = true;
	return i;
}

/**
 * ptpu_arbiter_unregister() - remove a source and re-select without it
 * @arb:	the arbiter
 * @idx:	its index
 * @now_raw:	current raw time
 * @ev:		receives what happened (may be NULL)
 *
 * Return: 0, or -ENOENT if there is no such source.
 */
int ptpu_arbiter_unregister(struct ptpu_arbiter *arb, int idx, s64 now_raw,
			    struct ptpu_events *ev)
{
	struct ptpu_events scratch;
	struct ptpu_jump *j = &arb->jump;

	if (!src_at(arb, idx))
		return -ENOENT;
	ev = events_begin(ev, &scratch);
	advance(arb, now_raw);
	if (j->active && j->src == (u32)idx)
		jump_cancel(arb, false, ev);
	j->heard &= ~BIT(idx);
	j->agreed &= ~BIT(idx);
	memset(&arb->src[idx], 0, sizeof(arb->src[idx]));
	update(arb, ev);
	return 0;
}

/**
 * ptpu_arbiter_source_config() - change a source's knobs and re-select
 * @arb:	the arbiter
 * @idx:	its index
 * @sc:		new knobs
 * @now_raw:	current raw time
 * @ev:		receives what happened (may be NULL)
 *
 * Return: 0, or -ENOENT if there is no such source.
 */
int ptpu_arbiter_source_config(struct ptpu_arbiter *arb, int idx,
			       const struct ptpu_source_config *sc,
			       s64 now_raw, struct ptpu_events *ev)
{
	struct ptpu_events scratch;
	struct ptpu_source *s = src_at(arb, idx);

	if (!s)
		return -ENOENT;
	ev = events_begin(ev, &scratch);
	advance(arb, now_raw);
	s->cfg = *sc;
	update(arb, ev);
	return 0;
}

/**
 * ptpu_arbiter_withdraw() - a source's owner knows it has no time to give
 * @arb:	the arbiter
 * @idx:	the source's index
 * @now_raw:	current raw time
 * @ev:		receives what happened (may be NULL)
 *
 * For a source whose owner sees it fail (the host refuses KVM clock
 * pairing, say): it is lost now rather than after the staleness limit, so
 * selection moves on at once. Its estimate is kept for its status, and its
 * next accepted sample brings it back.
 *
 * Return: 0, or -ENOENT if there is no such source.
 */
int ptpu_arbiter_withdraw(struct ptpu_arbiter *arb, int idx, s64 now_raw,
			  struct ptpu_events *ev)
{
	struct ptpu_events scratch;
	struct ptpu_source *s = src_at(arb, idx);

	if (!s)
		return -ENOENT;
	ev = events_begin(ev, &scratch);
	advance(arb, now_raw);
	s->withdrawn = true;
	update(arb, ev);
	return 0;
}

/**
 * ptpu_arbiter_sample() - feed one sample of a source, then re-select
 * @arb:	the arbiter
 * @idx:	the source's index
 * @smp:	the sample
 * @now_raw:	current raw time (not before @smp->raw_ns)
 * @ev:		receives what happened (may be NULL)
 *
 * Runs everything ptpu_arbiter_tick() does after taking the sample.
 *
 * Return: 0; -ENOENT for no such source; -EINVAL for a zero bound, a leap
 * indicator of PTPU_LEAP_ALARM or above, a raw time after @now_raw or not
 * after the source's previous sample; -ERANGE for a bound above
 * PTPU_SAMPLE_BOUND_MAX or an offset ref - raw outside the s64 range;
 * -ESTALE for a sample already older than the staleness limit. On error
 * nothing changes.
 */
int ptpu_arbiter_sample(struct ptpu_arbiter *arb, int idx,
			const struct ptpu_sample *smp, s64 now_raw,
			struct ptpu_events *ev)
{
	struct ptpu_events scratch;
	struct ptpu_source *s = src_at(arb, idx);
	s64 now = now_raw > arb->now ? now_raw : arb->now, off;

	if (!s)
		return -ENOENT;
	if (!smp->bound_ns || smp->leap >= PTPU_LEAP_ALARM ||
	    smp->raw_ns > now || (s->has_last && smp->raw_ns <= s->last_raw))
		return -EINVAL;
	if (smp->bound_ns > PTPU_SAMPLE_BOUND_MAX ||
	    __builtin_sub_overflow(smp->ref_ns, smp->raw_ns, &off))
		return -ERANGE;
	if (ptpu_sub_sat(now, smp->raw_ns) > (s64)arb->cfg.stale_ns)
		return -ESTALE;

	ev = events_begin(ev, &scratch);
	arb->now = now;
	sample_process(arb, idx, smp, ev);
	update(arb, ev);
	return 0;
}

/**
 * ptpu_arbiter_tick() - re-evaluate at a raw time
 * @arb:	the arbiter
 * @now_raw:	current raw time; a value before the last one seen is taken
 *		as the last one
 * @ev:		receives what happened (may be NULL)
 *
 * Marks stale sources lost, settles a pending jump whose voters went
 * silent, re-selects and re-anchors the output at @now_raw. Call it at
 * least once a second: between calls the output keeps correcting at the
 * last rate and its bound grows accordingly.
 */
void ptpu_arbiter_tick(struct ptpu_arbiter *arb, s64 now_raw,
		       struct ptpu_events *ev)
{
	struct ptpu_events scratch;

	ev = events_begin(ev, &scratch);
	advance(arb, now_raw);
	update(arb, ev);
}

/**
 * ptpu_arbiter_model() - the current output model
 * @arb:	the arbiter
 *
 * Return: the model; copy it (under the caller's lock) before publishing.
 */
const struct ptpu_model *ptpu_arbiter_model(const struct ptpu_arbiter *arb)
{
	return &arb->model;
}

/**
 * ptpu_arbiter_status() - the arbiter's state at a raw time
 * @arb:	the arbiter
 * @now_raw:	raw time for @st->time_ns and @st->bound_ns
 * @st:		filled in
 */
void ptpu_arbiter_status(const struct ptpu_arbiter *arb, s64 now_raw,
			 struct ptpu_status *st)
{
	memset(st, 0, sizeof(*st));
	st->selected = arb->selected;
	st->state = arb->state;
	st->candidates = arb->candidates;
	st->falsetickers = arb->falsetickers;
	st->jump_pending = arb->jump.active;
	st->settled = arb->settled;
	st->disruptions = arb->disruptions;
	st->steps = arb->steps;
	st->last_step_raw = arb->last_step_raw;
	st->last_step_ns = arb->last_step_ns;
	st->time_ns = ptpu_model_time(&arb->model, now_raw);
	st->bound_ns = ptpu_model_bound(&arb->model, now_raw);
	st->drift_ppb = arb->model.drift_ppb;
}

/**
 * ptpu_arbiter_source_status() - one source's state at a raw time
 * @arb:	the arbiter
 * @idx:	the source's index
 * @now_raw:	raw time for the offset, bound and age
 * @st:		filled in
 *
 * Return: 0, or -ENOENT if there is no such source.
 */
int ptpu_arbiter_source_status(const struct ptpu_arbiter *arb, int idx,
			       s64 now_raw, struct ptpu_source_status *st)
{
	const struct ptpu_source *s;

	if (idx < 0 || idx >= PTPU_MAX_SOURCES || !arb->src[idx].used)
		return -ENOENT;
	s = &arb->src[idx];
	memset(st, 0, sizeof(*st));
	memcpy(st->name, s->name, PTPU_NAME_LEN);
	st->cls = s->cls;
	st->cfg = s->cfg;
	st->available = s->count && !s->withdrawn &&
			src_age(s, now_raw) <= (s64)arb->cfg.stale_ns;
	st->selected = arb->selected == idx;
	st->falseticker = s->falseticker;
	st->suspect = arb->jump.active && arb->jump.src == (u32)idx;
	st->calibrated = s->calibrated;
	st->leap = s->leap;
	st->stratum = s->stratum;
	st->samples = s->count;
	st->age_ns = s->has_last ? ptpu_sub_sat(now_raw, s->last_raw) : -1;
	if (!s->count) {
		st->bound_ns = PTPU_BOUND_MAX;
		return 0;
	}
	st->offset_ns = ptpu_sub_sat(ptpu_model_time(&s->est, now_raw),
				     ptpu_model_time(&arb->model, now_raw));
	st->bound_ns = ptpu_model_bound(&s->est, now_raw);
	st->jitter_ns = s->jitter;
	st->freq_ppb = ptpu_mul_div_s64(s->est.freq, PTPU_PPB, 1LL << 32);
	return 0;
}
