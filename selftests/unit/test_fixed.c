// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the fixed-point maths shared with the kernel
 * (kmod/ptpu_fixed.h), at the edges of their ranges: the seconds-to-ns
 * conversion every source's time goes through (the rtc's whole seconds, the
 * kvm host's seconds and nanoseconds), rounding division and square roots.
 */
#include "ptpu_fixed.h"
#include "tap.h"

#define NS_MAX_SEC	9223372036LL	/* S64_MAX / 10^9: 2262-04-11 */
#define NS_MAX_NSEC	854775807LL	/* S64_MAX % 10^9 */

/* Does (sec, nsec) convert, and to what? *ns keeps 42 when refused. */
static bool conv(s64 sec, s64 nsec, s64 *ns)
{
	*ns = 42;
	return ptpu_sec_to_ns(sec, nsec, ns);
}

static void test_sec_to_ns(void)
{
	s64 ns;

	TAP_EQ(conv(1700000000, 123, &ns), 1, "sec_to_ns: 2023 converts");
	TAP_EQ(ns, 1700000000000000123LL, "sec_to_ns: to sec * 10^9 + nsec");
	TAP_EQ(conv(NS_MAX_SEC, NS_MAX_NSEC, &ns), 1, "sec_to_ns: the last ns of 2262 converts");
	TAP_EQ(ns, S64_MAX, "sec_to_ns: to S64_MAX");
	TAP_EQ(conv(NS_MAX_SEC, NS_MAX_NSEC + 1, &ns), 0, "sec_to_ns: one ns later is refused");
	TAP_EQ(ns, 42, "sec_to_ns: and the result untouched");
	TAP_EQ(conv(NS_MAX_SEC + 1, 0, &ns), 0, "sec_to_ns: a second later is refused");
	/* An RTC reading 2300-01-01 00:00:00, where s * 10^9 wraps to negative. */
	TAP_EQ(conv(10413792000LL, 0, &ns), 0, "sec_to_ns: the year 2300 is refused");
	TAP_EQ(conv(S64_MAX, 0, &ns), 0, "sec_to_ns: S64_MAX seconds are refused");
	TAP_EQ(conv(-NS_MAX_SEC, 0, &ns), 1, "sec_to_ns: 1677 converts");
	TAP_EQ(ns, -NS_MAX_SEC * 1000000000LL, "sec_to_ns: to a negative count");
	TAP_EQ(conv(-NS_MAX_SEC - 2, 0, &ns), 0, "sec_to_ns: before 1677 is refused");
	TAP_EQ(conv(S64_MIN, 0, &ns), 0, "sec_to_ns: S64_MIN seconds are refused");
	TAP_EQ(conv(0, -1, &ns), 0, "sec_to_ns: negative nanoseconds are refused");
	TAP_EQ(conv(0, PTPU_NSEC_PER_SEC, &ns), 0, "sec_to_ns: a whole second of ns is refused");
}

static void test_div_round(void)
{
	TAP_EQ(ptpu_div_round(7, 2), 4, "div_round: 3.5 rounds away from zero");
	TAP_EQ(ptpu_div_round(-7, 2), -4, "div_round: -3.5 too");
	TAP_EQ(ptpu_div_round(5, 3), 2, "div_round: 1.67 rounds up");
	TAP_EQ(ptpu_div_round(-4, 3), -1, "div_round: -1.33 rounds toward zero");
	TAP_EQ(ptpu_div_round(S64_MAX, 2), S64_MAX / 2 + 1, "div_round: S64_MAX / 2 does not overflow");
	TAP_EQ(ptpu_div_round(S64_MIN, 2), S64_MIN / 2, "div_round: S64_MIN / 2 is exact");
}

static void test_roots(void)
{
	__uint128_t big = (__uint128_t)U64_MAX * U64_MAX;

	TAP_EQ(ptpu_isqrt64(0), 0, "isqrt64: 0");
	TAP_EQ(ptpu_isqrt64(15), 3, "isqrt64: rounds down");
	TAP_EQ(ptpu_isqrt64(16), 4, "isqrt64: exact square");
	TAP_EQ(ptpu_isqrt64(U64_MAX), U32_MAX, "isqrt64: U64_MAX");
	TAP_EQ(ptpu_rms(3 * 25, 3), 5, "rms: three residuals of 5");
	TAP_CMP(ptpu_rms(big, 1) >> 32, >=, U32_MAX - 1,
		"rms: a sum of squares beyond 64 bits keeps its magnitude");
}

int main(void)
{
	test_sec_to_ns();
	test_div_round();
	test_roots();
	return tap_done();
}
