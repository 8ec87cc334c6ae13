/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A tiny TAP (Test Anything Protocol, version 13) producer for every
 * userspace unit test (the arbiter's and phc-steer's): results as
 * "ok N - what" / "not ok N - what", diagnostics as "# ...", the plan up
 * front (tap_plan()) or at the end (tap_done()), and an exit status that is
 * non-zero when anything failed or the plan was missed.
 *
 *	tap_plan(2);			(optional)
 *	tap_ok(x == 1, "x is %d", x);
 *	TAP_EQ(y, 2, "y");		(prints both values when they differ)
 *	ok(cond, "what %d", n);		(prints file:line when it fails)
 *	is_int(got, want, "what");	is_str(got, want, "what");
 *	return tap_done();
 */
#ifndef PTPU_TAP_H
#define PTPU_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int tap_count;
static int tap_failures;
static int tap_planned = -1;
static bool tap_started;

/* The version line must come before anything else. */
static inline void tap_start(void)
{
	if (!tap_started)
		printf("TAP version 13\n");
	tap_started = true;
}

static inline void tap_plan(int n)
{
	tap_start();
	tap_planned = n;
	printf("1..%d\n", n);
}

static inline void tap_diag(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static inline void tap_diag(const char *fmt, ...)
{
	va_list ap;

	tap_start();
	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

static inline bool tap_ok(bool pass, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline bool tap_ok(bool pass, const char *fmt, ...)
{
	va_list ap;

	tap_start();
	tap_count++;
	printf("%sok %d - ", pass ? "" : "not ", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
	if (!pass)
		tap_failures++;
	return pass;
}

/* Integer comparisons that show both sides when they fail. */
#define TAP_CMP(a, op, b, what) ({					\
	long long __a = (long long)(a), __b = (long long)(b);		\
	bool __p = tap_ok(__a op __b, "%s", what);			\
	if (!__p)							\
		tap_diag("  %s:%d: %s = %lld, expected %s %lld",	\
			 __FILE__, __LINE__, #a, __a, #op, __b);	\
	__p; })
#define TAP_EQ(a, b, what) TAP_CMP(a, ==, b, what)
#define TAP_LE(a, b, what) TAP_CMP(a, <=, b, what)
#define TAP_GE(a, b, what) TAP_CMP(a, >=, b, what)

/* Assertions that say where they failed. */
#define ok(cond, ...) ({						\
	bool __p = tap_ok(!!(cond), __VA_ARGS__);			\
	if (!__p)							\
		tap_diag("  failed at %s:%d", __FILE__, __LINE__);	\
	__p; })

#define is_int(got, want, ...)						\
	do {								\
		long long __g = (long long)(got), __w = (long long)(want); \
		if (!ok(__g == __w, __VA_ARGS__))			\
			tap_diag("  got %lld, want %lld", __g, __w);	\
	} while (0)

#define is_str(got, want, ...)						\
	do {								\
		const char *__g = (got), *__w = (want);			\
		if (!ok(__g && !strcmp(__g, __w), __VA_ARGS__))		\
			tap_diag("  got '%s', want '%s'",		\
				 __g ? __g : "(null)", __w);		\
	} while (0)

#define diag(...) tap_diag(__VA_ARGS__)

/* Finish: trailing plan if none was given; the process exit status. */
static inline int tap_done(void)
{
	tap_start();
	if (tap_planned < 0) {
		printf("1..%d\n", tap_count);
	} else if (tap_planned != tap_count) {
		tap_diag("planned %d tests but ran %d", tap_planned, tap_count);
		return 1;
	}
	if (tap_failures)
		tap_diag("%d of %d failed", tap_failures, tap_count);
	return tap_failures ? 1 : 0;
}

#endif /* PTPU_TAP_H */
