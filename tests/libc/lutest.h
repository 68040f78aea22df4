/* SPDX-License-Identifier: MIT */
/*
 * lutest.h - a small test harness for programs built with the C library.
 *
 *	LT_TEST(strings_work) { LT_ASSERT(strlen("ab") == 2); }
 *	static const struct lt_test tests[] = { LT_ENTRY(strings_work) };
 *	int main(int argc, char **argv)
 *	{ return lt_main("prog", tests, LT_COUNT(tests), argc, argv); }
 *
 * It prints on stdout the same lines as user/tiny/utest.h, which
 * scripts/run-ktests.sh (run_utest) parses:
 *	utest: running PROG: N tests
 *	utest: PASS PROG.name
 *	utest: FAIL PROG.name: file:line: message
 *	utest: summary N passed, M failed
 * and returns M.  stdout is made unbuffered first, so a crash loses no line.
 * LT_ASSERT* return from the test function: use them in its body only.
 * Header-only (static functions): include it from one file per program.
 */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

struct lt_test {
	const char *name;
	void (*fn)(void);
};

#define LT_TEST(name_) static void lt_fn_##name_(void)
#define LT_ENTRY(name_) { #name_, lt_fn_##name_ }
#define LT_COUNT(arr) ((int)(sizeof(arr) / sizeof((arr)[0])))

static const char *lt_prog;
static const char *lt_current;
static bool lt_failed;

__attribute__((format(printf, 3, 4), unused))
static void lt_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	if (lt_failed)
		return;
	lt_failed = true;
	printf("utest: FAIL %s.%s: %s:%d: ", lt_prog, lt_current, file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

#define LT_ASSERT_MSG(cond, ...)                                        \
	do {                                                            \
		if (!(cond)) {                                          \
			lt_fail(__FILE__, __LINE__, __VA_ARGS__);       \
			return;                                         \
		}                                                       \
	} while (0)
#define LT_ASSERT(cond) LT_ASSERT_MSG(cond, "%s", #cond)
#define LT_ASSERT_EQ(a, b)                                              \
	LT_ASSERT_MSG((long)(a) == (long)(b), "%s == %s: %ld != %ld", #a, #b, \
	              (long)(a), (long)(b))

static bool lt_selected(const char *name, int argc, char **argv)
{
	if (argc < 2)
		return true;
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], name))
			return true;
	return false;
}

__attribute__((unused))
static int lt_main(const char *prog, const struct lt_test *tests, int n, int argc, char **argv)
{
	int passed = 0, failed = 0;

	setvbuf(stdout, NULL, _IONBF, 0);
	lt_prog = prog;
	printf("utest: running %s: %d tests\n", prog, n);
	for (int i = 0; i < n; i++) {
		if (!lt_selected(tests[i].name, argc, argv))
			continue;
		lt_current = tests[i].name;
		lt_failed = false;
		tests[i].fn();
		if (lt_failed) {
			failed++;
		} else {
			passed++;
			printf("utest: PASS %s.%s\n", prog, tests[i].name);
		}
	}
	printf("utest: summary %d passed, %d failed\n", passed, failed);
	return failed;
}
