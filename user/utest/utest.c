/* SPDX-License-Identifier: MIT */
/*
 * utest.c - libutest's runner: selection, suites, verdicts and the
 * result lines (the contract is in <utest/utest.h>, the prose in
 * Documentation/utest.md).
 *
 * utest_main() gathers the UTEST cases from the "utest_cases" section
 * (pointers, bounded by the linker's __start_/__stop_ symbols), sorts them
 * by file and line, and runs the selected ones grouped by suite (in the
 * order each suite first appears).  utest_main_cases() does the same for a
 * table (tests/libc/lutest.h), in table order.  Each test runs under a
 * setjmp: utest_fail() and utest_skip() print the verdict and longjmp
 * back; a passing test then gets the leak checks of leak.c.  The runner
 * remembers its pid, so a forked child that fails an assertion _exits
 * (UTEST_CHILD_FAILED) instead of jumping into its parent's runner.
 * Output goes through stdio with stdout unbuffered, so a crash loses no
 * line.  Single-threaded; state is static.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <utest/utest.h>
#include "utest_int.h"

enum ut_verdict { UT_PASS, UT_FAIL, UT_SKIP };

struct ut_run {
	const char *prog;
	const struct utest_case **cases;
	int n;
	char **sel;             /* the selecting arguments */
	int nsel;
	int passed, failed, skipped;
};

extern const struct utest_case *const __start_utest_cases[] __attribute__((weak));
extern const struct utest_case *const __stop_utest_cases[] __attribute__((weak));

static jmp_buf ut_jmp;
static const struct utest_case *ut_cur;
static const char *ut_prog = "utest";
static enum ut_verdict ut_verdict;
static bool ut_noleak;
static pid_t ut_pid;
static char **ut_args;
static int ut_nargs;

static const char *ut_suite(const struct utest_case *c)
{
	return c->suite ? c->suite : ut_prog;
}

const char *utest_dir_names(const char *dir)
{
	static char out[1024];
	char names[32][32];
	int n = 0;
	struct dirent *de;
	DIR *d = UT_PTR(opendir(dir));

	while ((de = readdir(d)) && n < 32)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			snprintf(names[n++], sizeof(names[0]), "%.31s", de->d_name);
	UT_SYS(closedir(d));
	qsort(names, (size_t)n, sizeof(names[0]), (int (*)(const void *, const void *))strcmp);
	out[0] = '\0';
	for (int i = 0; i < n; i++)
		snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%s", i ? " " : "", names[i]);
	return out;
}

const char *utest_errdesc(int e)
{
	static char buf[200];

	snprintf(buf, sizeof(buf), "errno %d (%s), errstr '%s'", e, e ? strerror(e) : "none",
	         errstr());
	return buf;
}

char **utest_args(int *argc)
{
	*argc = ut_nargs;
	return ut_args;
}

void utest_no_leak_check(void)
{
	ut_noleak = true;
}

/* ------------------------------------------------------------ verdicts */

__attribute__((noreturn))
static void ut_leave(enum ut_verdict v)
{
	if (!ut_cur)
		exit(1);
	if (getpid() != ut_pid)
		_exit(v == UT_FAIL ? UTEST_CHILD_FAILED : 0);
	ut_verdict = v;
	longjmp(ut_jmp, 1);
}

/* "utest: KIND SUITE.name: " (a forked child's lines are notes). */
static void ut_head(const char *kind)
{
	if (!ut_cur)
		printf("utest: %s %s.setup: ", kind, ut_prog);
	else if (getpid() != ut_pid)
		printf("utest: note %s.%s: child %d %s: ", ut_suite(ut_cur), ut_cur->name,
		       (int)getpid(), kind);
	else
		printf("utest: %s %s.%s: ", kind, ut_suite(ut_cur), ut_cur->name);
}

void utest_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	ut_head("FAIL");
	printf("%s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	ut_leave(UT_FAIL);
}

void utest_skip(const char *fmt, ...)
{
	va_list ap;

	ut_head("SKIP");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	ut_leave(UT_SKIP);
}

void utest_note(const char *fmt, ...)
{
	va_list ap;

	if (ut_cur)
		ut_head("note");
	else
		printf("utest: note %s: ", ut_prog);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* ------------------------------------------------------------- running */

static enum ut_verdict ut_run_one(const struct utest_case *c)
{
	static struct utest_snap before;
	char msg[300];

	printf("utest: start %s.%s\n", ut_suite(c), c->name);
	utest_snap_take(&before);
	ut_noleak = false;
	ut_verdict = UT_PASS;
	ut_cur = c;
	if (!setjmp(ut_jmp))
		c->fn();
	if (getpid() != ut_pid)
		_exit(0);       /* a forked child returned from the test */
	if (ut_verdict == UT_PASS && !ut_noleak && utest_snap_leaks(&before, msg, sizeof(msg))) {
		printf("utest: FAIL %s.%s: %s\n", ut_suite(c), c->name, msg);
		ut_verdict = UT_FAIL;
	} else if (ut_verdict == UT_PASS) {
		printf("utest: PASS %s.%s\n", ut_suite(c), c->name);
	}
	ut_cur = NULL;
	return ut_verdict;
}

static bool ut_matches(const struct utest_case *c, const char *sel)
{
	const char *s = ut_suite(c);
	size_t n = strlen(s);

	return !strcmp(sel, s) || !strcmp(sel, c->name) ||
	       (!strncmp(sel, s, n) && sel[n] == '.' && !strcmp(sel + n + 1, c->name));
}

static bool ut_selected(const struct ut_run *r, const struct utest_case *c)
{
	if (!r->nsel)
		return true;
	for (int i = 0; i < r->nsel; i++)
		if (ut_matches(c, r->sel[i]))
			return true;
	return false;
}

static void ut_run_suite(struct ut_run *r, int first)
{
	const char *s = ut_suite(r->cases[first]);
	int count = 0, p = r->passed, f = r->failed, k = r->skipped;

	for (int i = first; i < r->n; i++)
		count += !strcmp(ut_suite(r->cases[i]), s) && ut_selected(r, r->cases[i]);
	if (!count)
		return;
	printf("utest: suite begin %s: %d tests\n", s, count);
	for (int i = first; i < r->n; i++) {
		if (strcmp(ut_suite(r->cases[i]), s) || !ut_selected(r, r->cases[i]))
			continue;
		switch (ut_run_one(r->cases[i])) {
		case UT_PASS: r->passed++; break;
		case UT_FAIL: r->failed++; break;
		case UT_SKIP: r->skipped++; break;
		}
	}
	printf("utest: suite end %s: %d passed, %d failed, %d skipped\n", s, r->passed - p,
	       r->failed - f, r->skipped - k);
}

/* Whether case i is the first of its suite. */
static bool ut_suite_first(const struct ut_run *r, int i)
{
	for (int j = 0; j < i; j++)
		if (!strcmp(ut_suite(r->cases[j]), ut_suite(r->cases[i])))
			return false;
	return true;
}

/* Splits argv into selections, --list and the tests' own arguments. */
static bool ut_parse_args(struct ut_run *r, int argc, char **argv)
{
	bool list = false;

	r->sel = argv + 1;
	r->nsel = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			ut_args = argv + i + 1;
			ut_nargs = argc - i - 1;
			break;
		}
		if (!strcmp(argv[i], "--list"))
			list = true;
		else
			argv[1 + r->nsel++] = argv[i];
	}
	return list;
}

static void ut_check_selection(struct ut_run *r)
{
	for (int i = 0; i < r->nsel; i++) {
		bool any = false;

		for (int j = 0; j < r->n && !any; j++)
			any = ut_matches(r->cases[j], r->sel[i]);
		if (!any) {
			printf("utest: FAIL %s.selection: no test matches '%s'\n", r->prog, r->sel[i]);
			r->failed++;
		}
	}
}

static int ut_run_all(struct ut_run *r, int argc, char **argv)
{
	int total = 0;

	setvbuf(stdout, NULL, _IONBF, 0);
	ut_prog = r->prog;
	ut_pid = getpid();
	if (ut_parse_args(r, argc, argv)) {
		for (int i = 0; i < r->n; i++)
			printf("utest: list %s.%s\n", ut_suite(r->cases[i]), r->cases[i]->name);
		return 0;
	}
	for (int i = 0; i < r->n; i++)
		total += ut_selected(r, r->cases[i]);
	printf("utest: running %s: %d tests\n", r->prog, total);
	ut_check_selection(r);
	for (int i = 0; i < r->n; i++)
		if (ut_suite_first(r, i))
			ut_run_suite(r, i);
	printf("utest: summary %d passed, %d failed\n", r->passed, r->failed);
	return r->failed;
}

static int ut_cmp_place(const void *a, const void *b)
{
	const struct utest_case *x = *(const struct utest_case *const *)a;
	const struct utest_case *y = *(const struct utest_case *const *)b;
	int c = strcmp(x->file, y->file);

	return c ? c : (x->line > y->line) - (x->line < y->line);
}

int utest_main(const char *prog, int argc, char **argv)
{
	struct ut_run r = { .prog = prog };
	size_t n = 0;
	int ret;

	if (__start_utest_cases && __stop_utest_cases)
		n = (size_t)(__stop_utest_cases - __start_utest_cases);
	r.cases = malloc((n ? n : 1) * sizeof(*r.cases));
	if (!r.cases) {
		printf("utest: FAIL %s.setup: no memory for %zu tests\n", prog, n);
		return 1;
	}
	if (n)
		memcpy(r.cases, __start_utest_cases, n * sizeof(*r.cases));
	qsort(r.cases, n, sizeof(*r.cases), ut_cmp_place);
	r.n = (int)n;
	ret = ut_run_all(&r, argc, argv);
	free(r.cases);
	return ret;
}

int utest_main_cases(const char *prog, const struct utest_case *cases, int n, int argc,
                     char **argv)
{
	struct ut_run r = { .prog = prog, .n = n > 0 ? n : 0 };
	int ret;

	r.cases = malloc((r.n ? (size_t)r.n : 1) * sizeof(*r.cases));
	if (!r.cases) {
		printf("utest: FAIL %s.setup: no memory for %d tests\n", prog, n);
		return 1;
	}
	for (int i = 0; i < r.n; i++)
		r.cases[i] = &cases[i];
	ret = ut_run_all(&r, argc, argv);
	free(r.cases);
	return ret;
}
