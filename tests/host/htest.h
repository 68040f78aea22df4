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
 * Every test prints one line that scripts/check.sh counts:
 *	host: PASS <suite>.<test>
 *	host: FAIL <suite>.<test>: <file>:<line>: <message>
 * The suite name is the binary's name (tests/host/<suite>.mk).
 */
#pragma once

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

/* Expects the code under test to panic (kernel assert/panic) in this test. */
void htest_expect_panic(void);
