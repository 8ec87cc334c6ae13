/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the arbiter's libFuzzer targets share: reading the input as a
 * program (little-endian fields; bytes past its end read as zero) and the
 * invariant check that ends a run.
 */
#ifndef PTPU_FUZZ_INPUT_H
#define PTPU_FUZZ_INPUT_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "ptpu_types.h"

struct reader {
	const u8 *p;
	size_t n;
};

static inline u64 take(struct reader *r, unsigned int bytes)
{
	u64 v = 0;
	unsigned int i;

	for (i = 0; i < bytes; i++) {
		v |= (u64)(r->n ? *r->p : 0) << (8 * i);
		if (r->n) {
			r->p++;
			r->n--;
		}
	}
	return v;
}

static inline void fuzz_failed(const char *file, int line, const char *cond,
			       const char *fmt, ...)
	__attribute__((format(printf, 4, 5), noreturn));
static inline void fuzz_failed(const char *file, int line, const char *cond,
			       const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "invariant failed at %s:%d: %s", file, line, cond);
	if (*fmt) {
		fputs(": ", stderr);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
	}
	fputc('\n', stderr);
	abort();
}

/* CHECK(cond) or CHECK(cond, "what %d", x): abort() with the why when false. */
#define CHECK(cond, ...) do {						\
	if (!(cond))							\
		fuzz_failed(__FILE__, __LINE__, #cond, "" __VA_ARGS__);	\
} while (0)

#endif /* PTPU_FUZZ_INPUT_H */
