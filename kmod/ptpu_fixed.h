/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fixed-point and saturating integer maths for the code ptp_unified shares
 * with userspace (the arbiter): units, saturating conversions and sums,
 * ppb <-> 2^-32 rate conversion, rounding division, integer square roots.
 *
 * Only integer maths: the kernel has no floating point. Every input may come
 * from userspace (netlink samples, sysfs knobs), so results saturate instead
 * of wrapping. Products that can exceed 64 bits go through __int128 (x86_64 and
 * arm64 both have it); 128-bit division does not exist in the kernel
 * (no __divti3), so a*b/c uses the kernel's mul_u64_u64_div_u64() after a
 * range check, since on x86 that helper is a divq that faults when the
 * quotient does not fit in 64 bits.
 */
#ifndef PTPU_FIXED_H
#define PTPU_FIXED_H

#include "ptpu_types.h"

#define PTPU_NSEC_PER_SEC 1000000000LL
#define PTPU_PPB 1000000000LL

/* |v| as u64, defined for S64_MIN too. */
static inline u64 ptpu_abs64(s64 v)
{
	return v < 0 ? (u64)0 - (u64)v : (u64)v;
}

/* Saturating conversions and additions: inputs may come from userspace. */
static inline s64 ptpu_sat_s64_from_u64(u64 v, bool negative)
{
	if (negative)
		return v > (u64)S64_MAX ? S64_MIN : -(s64)v;
	return v > (u64)S64_MAX ? S64_MAX : (s64)v;
}

static inline s64 ptpu_add_sat(s64 a, s64 b)
{
	s64 r;

	if (__builtin_add_overflow(a, b, &r))
		return a < 0 ? S64_MIN : S64_MAX;
	return r;
}

static inline s64 ptpu_sub_sat(s64 a, s64 b)
{
	s64 r;

	if (__builtin_sub_overflow(a, b, &r))
		return a < 0 ? S64_MIN : S64_MAX;
	return r;
}

static inline u64 ptpu_uadd_sat(u64 a, u64 b)
{
	u64 r;

	if (__builtin_add_overflow(a, b, &r))
		return U64_MAX;
	return r;
}

static inline s64 ptpu_clamp128(__int128_t v)
{
	if (v > S64_MAX)
		return S64_MAX;
	if (v < S64_MIN)
		return S64_MIN;
	return (s64)v;
}

/* v within [-lim, lim], for lim >= 0. */
static inline s64 ptpu_clamp(s64 v, s64 lim)
{
	if (v > lim)
		return lim;
	if (v < -lim)
		return -lim;
	return v;
}

static inline u64 ptpu_umax(u64 a, u64 b)
{
	return a > b ? a : b;
}

static inline u64 ptpu_umin(u64 a, u64 b)
{
	return a < b ? a : b;
}

static inline u32 ptpu_u32_sat(u64 v)
{
	return v > U32_MAX ? U32_MAX : (u32)v;
}

/*
 * a * b / c rounded toward zero, 128-bit intermediate, saturated to s64.
 * c == 0 saturates by the sign of a * b.
 */
static inline s64 ptpu_mul_div_s64(s64 a, s64 b, s64 c)
{
	bool neg = (a < 0) ^ (b < 0) ^ (c < 0);
	u64 ua = ptpu_abs64(a), ub = ptpu_abs64(b), uc = ptpu_abs64(c);
	__uint128_t prod = (__uint128_t)ua * ub;

	if (!prod)
		return 0;
	if (!uc || (u64)(prod >> 64) >= uc)
		return neg ? S64_MIN : S64_MAX;
	return ptpu_sat_s64_from_u64(mul_u64_u64_div_u64(ua, ub, uc), neg);
}

/* A rate in ppb as a fraction in 2^-32 units, rounded toward zero. */
static inline s64 ptpu_ppb_to_q32(s64 ppb)
{
	return ptpu_mul_div_s64(ppb, 1LL << 32, PTPU_PPB);
}

/* |q| in 2^-32 units to ppb, rounded up. */
static inline u32 ptpu_q32_to_ppb_up(s64 q)
{
	u64 a = ptpu_abs64(q);

	/* 2^40 in 2^-32 units is a rate of 256: far beyond any u32 ppb. */
	if (a >= 1ULL << 40)
		return U32_MAX;
	return ptpu_u32_sat((u64)ptpu_mul_div_s64((s64)a, PTPU_PPB, 1LL << 32) + 1);
}

/* v / n for n > 0, rounded to nearest (div64_s64 truncates toward 0). */
static inline s64 ptpu_div_round(s64 v, s64 n)
{
	s64 q = div64_s64(v, n), rem = v - q * n;

	/* Neither 2 * |rem| < 2n nor q +- 1 (|q| <= |v| / 2 for n >= 2) overflows. */
	if (2 * ptpu_abs64(rem) >= (u64)n)
		q += v < 0 ? -1 : 1;
	return q;
}

/**
 * ptpu_sec_to_ns() - seconds and nanoseconds as one s64 count of ns
 * @sec:	seconds (of UTC, say: from a device or a host, so anything)
 * @nsec:	nanoseconds, 0 to PTPU_NSEC_PER_SEC - 1
 * @ns:		receives @sec * 10^9 + @nsec; untouched on failure
 *
 * An s64 of ns ends in April 2262 (and began in 1677): a later time, or an
 * @nsec out of its range, is refused rather than wrapped into a wrong one.
 *
 * Return: true if *@ns holds the time, false if it does not fit.
 */
static inline bool ptpu_sec_to_ns(s64 sec, s64 nsec, s64 *ns)
{
	s64 t;

	if (nsec < 0 || nsec >= PTPU_NSEC_PER_SEC ||
	    check_mul_overflow(sec, PTPU_NSEC_PER_SEC, &t) ||
	    check_add_overflow(t, nsec, &t))
		return false;
	*ns = t;
	return true;
}

/* floor(sqrt(v)), bit by bit. */
static inline u64 ptpu_isqrt64(u64 v)
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
static inline u64 ptpu_rms(__uint128_t ss, u32 k)
{
	unsigned int sh = 0;

	while (ss >> 64) {
		ss >>= 2;
		sh++;
	}
	return ptpu_isqrt64(div64_u64((u64)ss, k)) << sh;
}

#endif /* PTPU_FIXED_H */
