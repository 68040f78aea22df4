/* SPDX-License-Identifier: MIT */
/*
 * libc_env.c - utest suites of the environment and the arguments a
 * program gets: env (the kernel's PATH=/bin, setenv with and without
 * overwrite, unsetenv, putenv, environ agreeing with getenv, bad names) and
 * args (argv[0] is the path init= named; the words after "--" on the
 * command line arrive unchanged: run_utest passes "-- one two=2 three").
 * musl keeps the environ array and setenv's strings it allocated for
 * good, so the env tests skip the malloc leak check.
 * Run by scripts/run-ktests.sh (run_utest libc_env).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <utest/utest.h>

extern char **environ;

static const char *le_argv0;

static int le_count(const char *name)
{
	size_t n = strlen(name);
	int count = 0;

	for (char **e = environ; *e; e++)
		count += !strncmp(*e, name, n) && (*e)[n] == '=';
	return count;
}

UTEST(env, path_from_the_kernel)
{
	UT_ASSERT_STREQ(getenv("PATH"), "/bin");
	UT_ASSERT_EQ(le_count("PATH"), 1);
	UT_ASSERT(!getenv("NO_SUCH_VARIABLE"));
}

UTEST(env, setenv_overwrite_and_unsetenv)
{
	utest_no_leak_check();
	UT_SYS(setenv("LE_A", "1", 0));
	UT_ASSERT_STREQ(getenv("LE_A"), "1");
	UT_SYS(setenv("LE_A", "2", 0));
	UT_ASSERT_STREQ(getenv("LE_A"), "1");
	UT_SYS(setenv("LE_A", "3=three", 1));
	UT_ASSERT_STREQ(getenv("LE_A"), "3=three");
	UT_ASSERT_EQ(le_count("LE_A"), 1);
	UT_SYS(setenv("LE_AB", "", 1));
	UT_ASSERT_STREQ(getenv("LE_AB"), "");
	UT_SYS(unsetenv("LE_A"));
	UT_ASSERT(!getenv("LE_A"));
	UT_ASSERT_STREQ(getenv("LE_AB"), "");
	UT_ASSERT_EQ(le_count("LE_A"), 0);
	UT_SYS(unsetenv("LE_AB"));
	UT_SYS(unsetenv("LE_NEVER_SET"));
	UT_ASSERT_STREQ(getenv("PATH"), "/bin");
}

UTEST(env, putenv_shares_the_string)
{
	static char var[] = "LE_PUT=before";

	utest_no_leak_check();
	UT_ASSERT_EQ(putenv(var), 0);
	UT_ASSERT_STREQ(getenv("LE_PUT"), "before");
	memcpy(var + 7, "after!", 7);
	UT_ASSERT_STREQ(getenv("LE_PUT"), "after!");
	UT_SYS(unsetenv("LE_PUT"));
	UT_ASSERT(!getenv("LE_PUT"));
}

UTEST(env, bad_names_are_einval)
{
	UT_ASSERT_ERRNO(setenv("", "x", 1), EINVAL);
	UT_ASSERT_ERRNO(setenv("A=B", "x", 1), EINVAL);
	UT_ASSERT_ERRNO(setenv(NULL, "x", 1), EINVAL);
	UT_ASSERT_ERRNO(unsetenv(""), EINVAL);
	UT_ASSERT_ERRNO(unsetenv("A=B"), EINVAL);
	UT_ASSERT(!getenv("A"));
}

/* ----------------------------------------------------------------- args */

UTEST(args, argv0_is_the_program_path)
{
	UT_ASSERT_STREQ(le_argv0, "/test/libc_env");
}

UTEST(args, words_after_the_separator_arrive_unchanged)
{
	static const char *const want[] = { "one", "two=2", "three" };
	int n;
	char **a = utest_args(&n);

	UT_ASSERT_MSG(n == 3, "%d arguments after '--' (run as: libc_env -- one two=2 three)", n);
	for (int i = 0; i < n; i++)
		UT_ASSERT_STREQ(a[i], want[i]);
	UT_ASSERT(!a[n]);
}

int main(int argc, char **argv)
{
	le_argv0 = argv[0];
	return utest_main("libc_env", argc, argv);
}
