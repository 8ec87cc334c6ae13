/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel's integer types and the few kernel maths helpers that the code
 * ptp_unified shares with userspace (the arbiter, ptpu_fixed.h) uses, so the
 * same source builds in the module and in the userspace unit tests and
 * fuzzers. In the kernel these are the kernel's own; in userspace, plain C
 * stand-ins with the same meaning.
 */
#ifndef PTPU_TYPES_H
#define PTPU_TYPES_H

#ifdef __KERNEL__
#include <linux/bitops.h>
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/math64.h>
#include <linux/overflow.h>
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

#define hweight32(w) ((unsigned int)__builtin_popcount(w))
#define check_add_overflow(a, b, d) __builtin_add_overflow(a, b, d)
#define check_mul_overflow(a, b, d) __builtin_mul_overflow(a, b, d)
#endif /* __KERNEL__ */

#endif /* PTPU_TYPES_H */
