/* SPDX-License-Identifier: MIT */
/*
 * utest.c - runs the UTEST table and prints the verdict lines (tiny/utest.h).
 *
 * The table is the "utests" section between utests_start and utests_end
 * (user/tiny/user.ld).  One test runs at a time; utest_fail() marks the
 * running one failed and prints its FAIL line on the first failure only, so
 * every test prints exactly one PASS or FAIL line.  The selection is the
 * program's arguments: each names one test.
 */
#include <stdarg.h>
#include <tiny/print.h>
#include <tiny/string.h>
#include <tiny/utest.h>

extern const struct utest utests_start[], utests_end[];

static const char *utest_prog;          /* the name in the result lines */
static const struct utest *utest_cur;   /* the running test */
static bool utest_cur_failed;

void utest_fail(const char *file, int line, const char *fmt, ...)
{
	char msg[TINY_PRINTF_MAX - 64];
	va_list ap;

	if (utest_cur_failed)
		return;
	utest_cur_failed = true;
	va_start(ap, fmt);
	tiny_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tiny_printf("utest: FAIL %s.%s: %s:%d: %s\n", utest_prog,
	            utest_cur ? utest_cur->name : "?", file, line, msg);
}

bool utest_failed(void)
{
	return utest_cur_failed;
}

const char *utest_sysc_name(uint32_t num)
{
	switch (num) {
#define UTEST_SYSC_CASE(nr, name, nargs, reserved) case nr: return #name;
	SYS_FOREACH(UTEST_SYSC_CASE)
#undef UTEST_SYSC_CASE
	default:
		return "?";
	}
}

static const char *utest_wanted(int want1, int want2)
{
	static char buf[32];

	if (want1 == want2)
		tiny_snprintf(buf, sizeof(buf), "%d", want1);
	else
		tiny_snprintf(buf, sizeof(buf), "%d or %d", want1, want2);
	return buf;
}

const char *utest_sysc_check(const struct syscall *sc, int want1, int want2)
{
	static char why[256];
	uint32_t flags = __atomic_load_n(&sc->flags, __ATOMIC_ACQUIRE);
	const char *name = utest_sysc_name(sc->num);
	char unknown[24];
	size_t elen = strnlen(sc->errstr, SYSC_ERRSTR_LEN);

	if (strcmp(name, "?") == 0) {
		tiny_snprintf(unknown, sizeof(unknown), "syscall %u", sc->num);
		name = unknown;
	}
	if (!(flags & SC_DONE))
		tiny_snprintf(why, sizeof(why), "%s not done (flags %#x)", name, flags);
	else if (sc->err != want1 && sc->err != want2)
		tiny_snprintf(why, sizeof(why), "%s: err %d (retval %ld, errstr '%.*s'), wanted %s",
		              name, sc->err, (long)sc->retval, (int)elen, sc->errstr,
		              utest_wanted(want1, want2));
	else if (sc->err && elen == 0)
		tiny_snprintf(why, sizeof(why), "%s: err %d with an empty errstr", name, sc->err);
	else if (sc->err && elen == SYSC_ERRSTR_LEN)
		tiny_snprintf(why, sizeof(why), "%s: errstr is not NUL-terminated", name);
	else
		return NULL;
	return why;
}

static bool utest_selected(const struct utest *t, int argc, char **argv)
{
	if (argc < 2)
		return true;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], t->name) == 0)
			return true;
	return false;
}

/* Selection names that match no test; each is one failure. */
static int utest_check_selection(int argc, char **argv)
{
	int bad = 0;

	for (int i = 1; i < argc; i++) {
		const struct utest *t = utests_start;

		while (t < utests_end && strcmp(argv[i], t->name) != 0)
			t++;
		if (t == utests_end) {
			tiny_printf("utest: FAIL %s.selection: no test matches '%s'\n",
			            utest_prog, argv[i]);
			bad++;
		}
	}
	return bad;
}

int utest_main(const char *prog, int argc, char **argv)
{
	int passed = 0, failed, nr = 0;

	utest_prog = prog;
	for (const struct utest *t = utests_start; t < utests_end; t++)
		nr += utest_selected(t, argc, argv);
	tiny_printf("utest: running %s: %d tests\n", prog, nr);     /* those selected */
	failed = utest_check_selection(argc, argv);
	for (const struct utest *t = utests_start; t < utests_end; t++) {
		if (!utest_selected(t, argc, argv))
			continue;
		utest_cur = t;
		utest_cur_failed = false;
		t->fn();
		if (utest_cur_failed)
			failed++;
		else
			tiny_printf("utest: PASS %s.%s\n", prog, t->name);
		passed += !utest_cur_failed;
	}
	utest_cur = NULL;
	tiny_printf("utest: summary %d passed, %d failed\n", passed, failed);
	return failed;
}
