/* SPDX-License-Identifier: MIT */
/*
 * htest.h - the host unit-test framework.
 *
 * Pure kernel code (formatters, allocators, parsers, queues) is compiled for
 * the host together with a test file and run under ASan and UBSan.  A test
 * file declares named tests; each runs in its own forked child with a time
 * limit, so a crash or sanitizer report fails that test only.
 *
 *	HTEST(arena_alloc_aligned) {
 *		HT_ASSERT(x == 4096);
 *		HT_ASSERT_MSG(p != NULL, "alloc of %zu bytes failed", n);
 *	}
 *
 * Helpers for test bodies:
 *	htest_capture_begin(); ...code that printk()s...;
 *	out = htest_capture_end();     (what went to stderr meanwhile)
 *	r = htest_rand();              (xorshift64, same sequence every run)
 * A test that fails, panics or trips a sanitizer while capturing gets the
 * captured text echoed to the real stderr before its failure message.
 *
 * Every test prints one line that scripts/check.sh counts:
 *	host: PASS <suite>.<test>
 *	host: FAIL <suite>.<test>: <file>:<line>: <message>
 * The suite name is the binary's name (tests/host/<suite>.mk).
 */
#pragma once

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef void (*htest_fn)(void);

void htest_register(const char *name, htest_fn fn);
void htest_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));

#define HTEST(name)                                                        \
	static void name(void);                                            \
	__attribute__((constructor)) static void htest_reg_##name(void)    \
	{                                                                  \
		htest_register(#name, name);                               \
	}                                                                  \
	static void name(void)

#define HT_ASSERT_MSG(cond, ...)                                           \
	do {                                                               \
		if (!(cond))                                               \
			htest_fail(__FILE__, __LINE__, __VA_ARGS__);       \
	} while (0)

#define HT_ASSERT(cond) HT_ASSERT_MSG(cond, "assertion failed: %s", #cond)

#define HT_ASSERT_EQ(a, b)                                                 \
	do {                                                               \
		long long _a = (long long)(a), _b = (long long)(b);        \
		HT_ASSERT_MSG(_a == _b, "%s == %s: %lld != %lld", #a, #b,  \
		              _a, _b);                                     \
	} while (0)

#define HT_ASSERT_STREQ(a, b)                                              \
	do {                                                               \
		const char *_a = (a), *_b = (b);                           \
		HT_ASSERT_MSG(_a && _b && strcmp(_a, _b) == 0,             \
		              "%s == %s: \"%s\" != \"%s\"", #a, #b,        \
		              _a ? _a : "(null)", _b ? _b : "(null)");     \
	} while (0)

/* Prints "<what><file>:<line>: <message>" and a newline to stderr. */
void htest_vreport(const char *what, const char *file, int line,
                   const char *fmt, va_list ap);

/* Expects the code under test to panic (kernel assert/panic) in this test. */
void htest_expect_panic(void);

/*
 * Redirects fd 2 (printk, warnings) into a temporary file until
 * htest_capture_end(), which restores it and returns everything written
 * meanwhile, NUL-terminated; the text stays valid until the next
 * htest_capture_end().  Captures do not nest.
 */
void htest_capture_begin(void);
const char *htest_capture_end(void);
/* Failure paths: if capturing, restore fd 2 and echo the captured text. */
void htest_capture_abort(void);

/*
 * xorshift64.  htest_rand() draws from one stream per test: it restarts at
 * the same seed in every test (each runs in a fresh child), so a failure
 * replays exactly.  htest_rand_r() advances a caller's own non-zero state,
 * for threads that each want a stream.
 */
#define HTEST_RAND_SEED 0x9e3779b97f4a7c15ull
uint64_t htest_rand(void);
uint64_t htest_rand_r(uint64_t *state);
