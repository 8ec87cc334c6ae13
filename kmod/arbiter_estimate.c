// SPDX-License-Identifier: GPL-2.0-only
/*
 * The arbiter's per-source estimates: each source's history of effective
 * samples (the last PTPU_HIST_LEN within the staleness limit) and the line
 * fitted to it, offset and frequency against raw time, with its jitter (RMS
 * of the residuals) and a bound that grows with distance from its newest
 * sample; and how far a new sample lies from that line.
 */
#include "arbiter_internal.h"

/* Shorter histories give no usable frequency: use the prior instead. */
#define PTPU_FREQ_MIN_SPAN_NS	PTPU_NSEC_PER_SEC

/*
 * A line is fitted with its slope in 2^-56 units, the published models
 * carry it in 2^-32 (0.23 ppb). The fit's offset is taken at the newest
 * sample, about half a history (8 s for kvm) ahead of the centroid the line
 * goes through, where a slope rounded to 2^-32 would put the line 2 to 3 ns
 * off, the same way for as long as the frequency stays: the output would
 * follow its source with that bias. The models are evaluated over one
 * poll, where 2^-32 is worth a tenth of a ns.
 */
#define PTPU_FIT_SHIFT	24	/* 2^-56 units = 2^-32 units << 24 */

/* A 2^-56 slope in 2^-32 units, rounded to nearest. */
static s64 fit_to_q32(s64 f)
{
	return (f + (1LL << (PTPU_FIT_SHIFT - 1))) >> PTPU_FIT_SHIFT;
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

/**
 * ptpu_src_refresh() - set the growth of a source's bound from the knobs now
 * @arb:	the arbiter
 * @s:		the source
 *
 * Bounds grow at the max drift knob as it is now, plus the fit's doubt.
 */
void ptpu_src_refresh(const struct ptpu_arbiter *arb, struct ptpu_source *s)
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

/**
 * ptpu_src_fit() - fit a source's estimate to its history
 * @arb:	the arbiter
 * @s:		the source, with at least one sample
 *
 * Fits offset (ref - raw) against raw over the history, anchored at the
 * newest sample so that every x fits in 47 bits (a history spans at most
 * PTPU_STALE_NS_MAX) and the sums fit in 128 bits. The frequency is the
 * least-squares slope when the history knows it better than the prior does
 * (the source's last good fit, else the output's frequency).
 */
void ptpu_src_fit(struct ptpu_arbiter *arb, struct ptpu_source *s)
{
	const struct ptpu_hist *last = &s->hist[s->count - 1];
	struct ptpu_sums m = { .n = s->count };
	__int128_t den;
	s64 lim = ptpu_ppb_to_q32(PTPU_FREQ_MAX_PPB), freq, a, lfreq, la, x, y;
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
	b = ptpu_bsum(last->bound, ptpu_src_phase_bound(s));
	s->score_base = ptpu_bsum(b, s->jitter);
	s->est.raw0 = last->raw;
	s->est.ref0 = ptpu_add_sat(ptpu_add_sat(last->raw, last->off), a);
	s->est.freq = fit_to_q32(freq);
	s->est.frac0 = 0;
	s->est.bound0 = ptpu_bsum(b, ptpu_umax(s->jitter, ptpu_abs64(a)));
	s->est.flags = 0;
	s->uf = uf;
	ptpu_src_refresh(arb, s);
}

/**
 * ptpu_hist_reset() - forget a source's history (its prior frequency stays)
 * @s:		the source
 */
void ptpu_hist_reset(struct ptpu_source *s)
{
	s->count = 0;
	s->jitter = 0;
	s->interval = 0;
}

/**
 * ptpu_hist_push() - add an effective sample to a source's history and refit
 * @arb:	the arbiter
 * @s:		the source
 * @h:		the sample, newer than any in the history
 */
void ptpu_hist_push(struct ptpu_arbiter *arb, struct ptpu_source *s,
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
	ptpu_src_fit(arb, s);
}

/**
 * ptpu_src_deviation() - how far a sample is from its source's prediction
 * @arb:	the arbiter
 * @s:		the source
 * @h:		the effective sample
 * @tol:	receives the bound of the deviation
 *
 * From the output instead while the source has no history. A class's phase
 * error is common to its sample and its prediction, and only counts against
 * the output.
 *
 * Return: the sample minus the prediction, ns.
 */
s64 ptpu_src_deviation(const struct ptpu_arbiter *arb,
		       const struct ptpu_source *s, const struct ptpu_hist *h,
		       u64 *tol)
{
	const struct ptpu_model *m = s->count ? &s->est : &arb->model;

	*tol = ptpu_bsum(ptpu_model_bound(m, h->raw), h->bound);
	if (!s->count)
		*tol = ptpu_bsum(*tol, ptpu_src_phase_bound(s));
	return ptpu_sub_sat(ptpu_add_sat(h->raw, h->off), ptpu_model_time(m, h->raw));
}
