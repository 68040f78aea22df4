/* SPDX-License-Identifier: MIT */
/*
 * ktest.h - in-kernel tests.
 *
 * Tests are always compiled in and registered in the .ktests linker section:
 *
 *	KTEST(kmalloc, realloc_keeps_data)
 *	{
 *		char *p = kmalloc(16, MEM_WAIT);
 *		KT_ASSERT(p);
 *		KT_ASSERT_MSG(p[0] == 'a', "got %d", p[0]);
 *		kfree(p);
 *	}
 *
 * They are chosen on the kernel command line: ktest=all, ktest=SUITE,
 * ktest=SUITE.NAME, or a comma-separated list of those.  Each test runs in
 * its own kthread on the boot core, with interrupts on, and prints exactly
 * one result line:
 *	ktest: PASS suite.name (12.345 ms)
 *	ktest: FAIL suite.name: file:line: message
 * followed at the end by "ktest: summary N passed, M failed"; the boot then
 * leaves QEMU through isa-debug-exit (0 = all passed).  Around every test the
 * runner compares free pages, slab objects and kmalloc objects before and
 * after, and fails a test that leaks.
 *
 * KT_ASSERT* return from the test function on failure, so use them only in
 * the test body itself; helpers return a bool that the body asserts.
 */
#pragma once

#include <compiler.h>
#include <types.h>

struct ktest {
	const char *suite;
	const char *name;
	void (*fn)(void);
	uint32_t flags;
};

#define KTEST_NO_LEAK_CHECK (1u << 0)   /* the test keeps memory on purpose */

#define KTEST_FLAGS(suite_, name_, flags_)                                       \
	static void ktest_fn_##suite_##_##name_(void);                           \
	static const struct ktest ktest_##suite_##_##name_                       \
		__section(".ktests") __used __aligned(8) = {                     \
		.suite = #suite_,                                                \
		.name = #name_,                                                  \
		.fn = ktest_fn_##suite_##_##name_,                               \
		.flags = flags_,                                                 \
	};                                                                       \
	static void ktest_fn_##suite_##_##name_(void)

#define KTEST(suite_, name_) KTEST_FLAGS(suite_, name_, 0)

void ktest_fail(const char *file, int line, const char *fmt, ...) __printf(3, 4);

#define KT_ASSERT_MSG(cond, ...)                                    \
	do {                                                        \
		if (unlikely(!(cond))) {                            \
			ktest_fail(__FILE__, __LINE__, __VA_ARGS__); \
			return;                                     \
		}                                                   \
	} while (0)

#define KT_ASSERT(cond) KT_ASSERT_MSG(cond, "assertion failed: %s", #cond)

#define KT_ASSERT_EQ(a, b)                                                   \
	do {                                                                 \
		long long _ka = (long long)(a), _kb = (long long)(b);        \
		KT_ASSERT_MSG(_ka == _kb, "%s == %s: %lld != %lld", #a, #b,  \
		              _ka, _kb);                                     \
	} while (0)

/* Runs the tests that 'selection' names; returns the number that failed. */
int ktest_run_selection(const char *selection);
bool ktest_boot_active(void);

/* Whether the current test has failed so far (for helpers that loop). */
bool ktest_current_failed(void);
