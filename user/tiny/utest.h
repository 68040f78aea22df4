/* SPDX-License-Identifier: MIT */
/*
 * tiny/utest.h - the test harness of the freestanding user-space tests.
 *
 *	UTEST(null_succeeds)
 *	{
 *		struct syscall sc;
 *		UT_ASSERT_EQ(sysc(&sc, SYS_null), 0);
 *		UT_SYSC_OK(&sc);
 *	}
 *	int main(int argc, char **argv, char **envp)
 *	{
 *		return utest_main("syscalls", argc, argv);
 *	}
 *
 * UTEST puts each test in the "utests" section (user/tiny/user.ld bounds
 * it), in link order.  utest_main() runs the tests named by argv[1..] (all
 * of them when there are none; an unknown name is a failure) and prints,
 * on fd 1, the same shape of lines as the kernel's ktests (N: the tests
 * selected):
 *	utest: running PROG: N tests
 *	utest: PASS PROG.name
 *	utest: FAIL PROG.name: file:line: message
 *	utest: summary N passed, M failed
 * and returns M, which becomes the program's exit code.  Tests run one
 * after another in the one process: a test that crashes the process ends
 * the run without a summary line, which the boot harness counts as a
 * failure.  Tests must clean up what they create (FDs, files).
 *
 * UT_ASSERT* return from the test function on failure, so use them in the
 * body only; helpers return a bool or a message that the body asserts.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <ros/errno.h>
#include <ros/syscall.h>

struct utest {
	const char *name;
	void (*fn)(void);
};

#define UTEST(name_)                                                   \
	static void utest_fn_##name_(void);                            \
	static const struct utest utest_##name_                        \
		__attribute__((section("utests"), used, aligned(8))) = { \
		.name = #name_,                                        \
		.fn = utest_fn_##name_,                                \
	};                                                             \
	static void utest_fn_##name_(void)

/* Records the running test's failure (the first one is printed). */
void utest_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Runs the selected tests; returns how many failed. */
int utest_main(const char *prog, int argc, char **argv);

/* Whether the running test has failed so far. */
bool utest_failed(void);

/*
 * NULL when sc is finished (SC_DONE) with err equal to want1 or want2 (0:
 * success) and, on failure, a non-empty NUL-terminated errstr; otherwise a
 * message saying what differs (static buffer, valid until the next call).
 */
const char *utest_sysc_check(const struct syscall *sc, int want1, int want2);

/* The SYS_ name of a syscall number, or "?". */
const char *utest_sysc_name(uint32_t num);

#define UT_ASSERT_MSG(cond, ...)                                    \
	do {                                                        \
		if (__builtin_expect(!(cond), 0)) {                 \
			utest_fail(__FILE__, __LINE__, __VA_ARGS__); \
			return;                                     \
		}                                                   \
	} while (0)

#define UT_ASSERT(cond) UT_ASSERT_MSG(cond, "assertion failed: %s", #cond)

#define UT_ASSERT_EQ(a, b)                                                  \
	do {                                                                \
		long long ua_ = (long long)(a), ub_ = (long long)(b);       \
		UT_ASSERT_MSG(ua_ == ub_, "%s == %s: %lld != %lld", #a, #b, \
		              ua_, ub_);                                    \
	} while (0)

/* sc finished with err e1 or e2 (or 0 for UT_SYSC_OK) and a real errstr. */
#define UT_SYSC_ERR2(sc, e1, e2)                                        \
	do {                                                            \
		const char *uw_ = utest_sysc_check((sc), (e1), (e2));   \
		UT_ASSERT_MSG(!uw_, "%s: %s", #sc, uw_);                \
	} while (0)
#define UT_SYSC_ERR(sc, e) UT_SYSC_ERR2(sc, e, e)
#define UT_SYSC_OK(sc)     UT_SYSC_ERR2(sc, 0, 0)
