/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel integer types and 64/128-bit arithmetic helpers for the code that
 * ptp_unified shares with userspace (the arbiter), so the same source builds
 * in the module and in the userspace unit tests and fuzzers.
 *
 * Only integer maths: the kernel has no floating point. Products that can
 * exceed 64 bits go through __int128 (x86_64 and arm64 both have it); 128-bit
 * division does not exist in the kernel (no __divti3), so a*b/c uses the
 * kernel's mul_u64_u64_div_u64() after a range check, since on x86 that helper
 * is a divq that faults when the quotient does not fit in 64 bits.
 */
#ifndef PTPU_TYPES_H
#define PTPU_TYPES_H

#ifdef __KERNEL__
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/math64.h>
#include <linux/string.h>
#include <linux/types.h>
#else
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <linux/types.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s8 s8;
typedef __s16 s16;
typedef __s32 s32;
typedef __s64 s64;

#define S64_MAX ((s64)(~0ULL >> 1))
#define S64_MIN (-S64_MAX - 1)
#define U64_MAX (~0ULL)
#define U32_MAX (~0U)
#define S32_MAX ((s32)(U32_MAX >> 1))

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#ifndef BIT
#define BIT(nr) (1UL << (nr))
#endif

static inline u64 mul_u64_u64_div_u64(u64 a, u64 b, u64 c)
{
	return (u64)(((__uint128_t)a * b) / c);
}

static inline s64 div64_s64(s64 a, s64 b)
{
	return a / b;
}

static inline u64 div64_u64(u64 a, u64 b)
{
	return a / b;
}
#endif /* __KERNEL__ */

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

/* a * b >> shift (arithmetic, toward -inf), 128-bit intermediate, saturated. */
static inline s64 ptpu_mul_shr_s64(s64 a, s64 b, unsigned int shift)
{
	__int128_t prod = (__int128_t)a * b;
	__int128_t r = prod >> shift;

	if (r > S64_MAX)
		return S64_MAX;
	if (r < S64_MIN)
		return S64_MIN;
	return (s64)r;
}

#endif /* PTPU_TYPES_H */
