/* SPDX-License-Identifier: MIT */
/*
 * utest/utest.h - the unit-test framework of programs built with the C
 * library (libutest.a in the sysroot; Documentation/utest.md).
 *
 *	#include <utest/utest.h>
 *
 *	UTEST(stdio, fopen_roundtrip)
 *	{
 *		FILE *f = fopen("/tmp/x", "w");
 *		UT_ASSERT_MSG(f, "fopen: %s", errstr());
 *		UT_ASSERT_EQ(fclose(f), 0);
 *		int fd = UT_SYS(open("/tmp/x", O_RDONLY));   (fails the test on -1)
 *		UT_SYS(close(fd));
 *		UT_ASSERT_ERRNO(open("/none", O_RDONLY), ENOENT);
 *	}
 *	int main(int argc, char **argv)
 *	{
 *		return utest_main("libc_files", argc, argv);
 *	}
 *
 * UTEST(suite, name) registers a test in the "utest_cases" linker section;
 * utest_main() runs them grouped by suite, in source order, one after the
 * other in the one process, and prints on stdout (made unbuffered):
 *	utest: running PROG: N tests
 *	utest: suite begin SUITE: K tests
 *	utest: start SUITE.name
 *	utest: PASS SUITE.name
 *	utest: FAIL SUITE.name: file:line: message
 *	utest: SKIP SUITE.name: reason
 *	utest: suite end SUITE: P passed, F failed, S skipped
 *	utest: summary N passed, M failed
 * and returns M.  A "start" line without its result means the test killed
 * the process: scripts/run-ktests.sh (run_utest) reports it by name.
 *
 * Assertions leave the test at once (longjmp back to the runner), so they
 * work in helpers too; only the first failure of a test is printed.
 * Whatever the test held at that point stays open.  After a test that
 * passed, the runner checks for leaks: FDs open now that were not before
 * (from #proc/self/fd), malloc blocks not freed, file mappings left and
 * more than UTEST_MAP_SLACK bytes of new mappings (#proc/self/maps); a leak
 * is a FAIL naming it.  utest_no_leak_check() exempts the running test.
 *
 * argv: names select tests ("suite", "suite.name" or "name"; none: all, an
 * unknown name is a failure); "--list" prints the names; arguments after
 * "--" are the tests' own (utest_args()).
 * Single-threaded.  A forked child that fails an assertion prints its FAIL
 * line and _exits with UTEST_CHILD_FAILED; one that returns from the test
 * function _exits with 0.
 */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/* parlib's (<parlib/syscall.h>, not included here: its SYS_ names are
 * Vireo's, and a test may want <sys/syscall.h>'s). */
const char *errstr(void);
void errstr_set(const char *msg);

struct utest_case {
	const char *suite;      /* NULL: the program's name */
	const char *name;
	void (*fn)(void);
	const char *file;       /* NULL for tests given as a table */
	int line;
};

#define UTEST_CHILD_FAILED 99
#define UTEST_MAP_SLACK    (256 * 1024)

#define UTEST(suite_, name_)                                                \
	static void utest_fn_##suite_##__##name_(void);                     \
	static const struct utest_case utest_case_##suite_##__##name_ = {   \
		#suite_, #name_, utest_fn_##suite_##__##name_, __FILE__,    \
		__LINE__                                                    \
	};                                                                  \
	static const struct utest_case *const utest_ptr_##suite_##__##name_ \
		__attribute__((section("utest_cases"), used, aligned(8))) = \
		&utest_case_##suite_##__##name_;                            \
	static void utest_fn_##suite_##__##name_(void)

/* Runs the registered (UTEST) tests that argv selects; returns the failures. */
int utest_main(const char *prog, int argc, char **argv);

/* The same over a table of n tests, run in table order. */
int utest_main_cases(const char *prog, const struct utest_case *cases, int n,
                     int argc, char **argv);

/* Fails the running test: prints the FAIL line and leaves the test. */
__attribute__((noreturn, format(printf, 3, 4)))
void utest_fail(const char *file, int line, const char *fmt, ...);

/* Ends the running test as skipped (not passed, not failed). */
__attribute__((noreturn, format(printf, 1, 2)))
void utest_skip(const char *fmt, ...);

/* Prints "utest: note SUITE.name: ..." (information, no verdict). */
__attribute__((format(printf, 1, 2)))
void utest_note(const char *fmt, ...);

/* The running test leaves resources on purpose: no leak check after it. */
void utest_no_leak_check(void);

/* The arguments after "--" on the command line (*argc may be 0). */
char **utest_args(int *argc);

/* "ENOENT (No such file or directory), errstr 'open: ...'" for errno e. */
const char *utest_errdesc(int e);

/* "a b c": the names in dir (at most 32, . and .. left out), sorted, in a
 * static buffer; opendir failing fails the test. */
const char *utest_dir_names(const char *dir);

#define UT_ASSERT_MSG(cond, ...)                                         \
	do {                                                             \
		if (__builtin_expect(!(cond), 0))                        \
			utest_fail(__FILE__, __LINE__, __VA_ARGS__);     \
	} while (0)

#define UT_ASSERT(cond) UT_ASSERT_MSG(cond, "assertion failed: %s", #cond)

#define UT_CMP_(a, op, b)                                                     \
	do {                                                                  \
		long long ua_ = (long long)(a), ub_ = (long long)(b);         \
		UT_ASSERT_MSG(ua_ op ub_, "%s %s %s: %lld vs %lld (%s)", #a,  \
		              #op, #b, ua_, ub_, utest_errdesc(errno));       \
	} while (0)
#define UT_ASSERT_EQ(a, b) UT_CMP_(a, ==, b)
#define UT_ASSERT_NE(a, b) UT_CMP_(a, !=, b)
#define UT_ASSERT_LT(a, b) UT_CMP_(a, <, b)
#define UT_ASSERT_LE(a, b) UT_CMP_(a, <=, b)
#define UT_ASSERT_GT(a, b) UT_CMP_(a, >, b)
#define UT_ASSERT_GE(a, b) UT_CMP_(a, >=, b)

/* Two strings equal (NULL equals only NULL). */
#define UT_ASSERT_STREQ(a, b)                                                 \
	do {                                                                  \
		const char *us_ = (a), *ut_ = (b);                            \
		UT_ASSERT_MSG(us_ == ut_ || (us_ && ut_ && !strcmp(us_, ut_)), \
		              "%s == %s: '%s' vs '%s'", #a, #b,               \
		              us_ ? us_ : "(null)", ut_ ? ut_ : "(null)");    \
	} while (0)

#define UT_ASSERT_MEMEQ(a, b, n)                                        \
	UT_ASSERT_MSG(!memcmp((a), (b), (n)), "%s and %s differ in %zu bytes", \
	              #a, #b, (size_t)(n))

/* A call returning -1 on failure: its value, or the test fails. */
#define UT_SYS(expr)                                                        \
	({                                                                  \
		__typeof__(expr) uv_ = (expr);                              \
		UT_ASSERT_MSG(uv_ != (__typeof__(expr))-1, "%s failed: %s", \
		              #expr, utest_errdesc(errno));                 \
		uv_;                                                        \
	})

/* A call returning NULL on failure: its value, or the test fails. */
#define UT_PTR(expr)                                                          \
	({                                                                    \
		__typeof__(expr) uv_ = (expr);                                \
		UT_ASSERT_MSG(uv_ != NULL, "%s failed: %s", #expr,            \
		              utest_errdesc(errno));                          \
		uv_;                                                          \
	})

/* expr fails (-1) with errno e; errno is cleared first. */
#define UT_ASSERT_ERRNO(expr, e)                                              \
	do {                                                                  \
		errno = 0;                                                    \
		long long ue_ = (long long)(expr);                            \
		int uerr_ = errno;                                            \
		UT_ASSERT_MSG(ue_ == -1 && uerr_ == (e),                      \
		              "%s: got %lld, %s; wanted -1, %s", #expr, ue_,  \
		              utest_errdesc(uerr_), #e);                      \
	} while (0)

/* expr fails (NULL) with errno e. */
#define UT_ASSERT_ERRNO_P(expr, e)                                            \
	do {                                                                  \
		errno = 0;                                                    \
		const void *ue_ = (const void *)(expr);                       \
		int uerr_ = errno;                                            \
		UT_ASSERT_MSG(!ue_ && uerr_ == (e),                           \
		              "%s: got %p, %s; wanted NULL, %s", #expr, ue_,  \
		              utest_errdesc(uerr_), #e);                      \
	} while (0)

/* As UT_ASSERT_ERRNO, and the call leaves an errstr() containing sub
 * (errstr is cleared first; "" only asks for a non-empty errstr). */
#define UT_ASSERT_ERRSTR(expr, e, sub)                                        \
	do {                                                                  \
		errstr_set("");                                               \
		UT_ASSERT_ERRNO(expr, e);                                     \
		UT_ASSERT_MSG(errstr()[0] && strstr(errstr(), (sub)),         \
		              "%s: errstr '%s' lacks '%s'", #expr, errstr(),  \
		              (sub));                                         \
	} while (0)

/*
 * A reported, not yet fixed bug: when cond (the wrong behaviour) holds, the
 * test ends as SKIP "known bug: ..."; once it is fixed the test goes on
 * and checks the right behaviour.  The message must start with a literal.
 */
#define UT_KNOWN_BUG(cond, ...)                                        \
	do {                                                           \
		if (cond)                                              \
			utest_skip("known bug: " __VA_ARGS__);         \
	} while (0)

#ifdef __cplusplus
}
#endif
