/* SPDX-License-Identifier: MIT */
/*
 * lutest.h - the first test harness of the C library programs, kept as a
 * thin layer over libutest (<utest/utest.h>, Documentation/utest.md) for
 * the programs written against it:
 *
 *	LT_TEST(strings_work) { LT_ASSERT(strlen("ab") == 2); }
 *	static const struct lt_test tests[] = { LT_ENTRY(strings_work) };
 *	int main(int argc, char **argv)
 *	{ return lt_main("prog", tests, LT_COUNT(tests), argc, argv); }
 *
 * A table of tests is one suite named after the program, run in table
 * order by utest_main_cases(): the lines, the leak checks, the selection
 * by argv and "--" are libutest's.  LT_ASSERT* are UT_ASSERT*: they leave
 * the test at once (from helpers too).  New programs use UTEST(suite,
 * name) and utest_main() directly.
 */
#pragma once

#include <utest/utest.h>

/* struct lt_test is libutest's struct utest_case (name and fn set). */
#define lt_test utest_case

#define LT_TEST(name_)  static void lt_fn_##name_(void)
#define LT_ENTRY(name_) { .name = #name_, .fn = lt_fn_##name_ }
#define LT_COUNT(arr)   ((int)(sizeof(arr) / sizeof((arr)[0])))

#define LT_ASSERT_MSG(cond, ...) UT_ASSERT_MSG(cond, __VA_ARGS__)
#define LT_ASSERT(cond)          UT_ASSERT(cond)
#define LT_ASSERT_EQ(a, b)       UT_ASSERT_EQ(a, b)
#define LT_ASSERT_NE(a, b)       UT_ASSERT_NE(a, b)
#define LT_ASSERT_STREQ(a, b)    UT_ASSERT_STREQ(a, b)
#define LT_ASSERT_ERRNO(e, x)    UT_ASSERT_ERRNO(e, x)

static inline int lt_main(const char *prog, const struct utest_case *tests, int n, int argc,
                          char **argv)
{
	return utest_main_cases(prog, tests, n, argc, argv);
}
