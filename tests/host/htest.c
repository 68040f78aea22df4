/* SPDX-License-Identifier: MIT */
/*
 * htest.c - runs the tests registered by HTEST(), each in a forked child.
 *
 * Usage: <suite> [test-name...]   (no names: run all, in registration order)
 * Exit status: 0 if every test passed, 1 otherwise.
 */
#include "htest.h"

#include <libgen.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_TESTS 512
#define TEST_TIMEOUT_SEC 60

static struct {
	const char *name;
	htest_fn fn;
} tests[MAX_TESTS];
static int nr_tests;
static const char *suite = "host";
static int expecting_panic;

void htest_register(const char *name, htest_fn fn)
{
	if (nr_tests == MAX_TESTS) {
		fprintf(stderr, "htest: more than %d tests\n", MAX_TESTS);
		exit(2);
	}
	tests[nr_tests].name = name;
	tests[nr_tests].fn = fn;
	nr_tests++;
}

void htest_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	_exit(1);
}

void htest_expect_panic(void)
{
	expecting_panic = 1;
}

/* Called by host_support.c's _panic(). */
int htest_panic_expected(void)
{
	return expecting_panic;
}

static int run_one(int i)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 0;
	}
	if (pid == 0) {
		alarm(TEST_TIMEOUT_SEC);
		tests[i].fn();
		_exit(expecting_panic ? 3 : 0);
	}
	if (waitpid(pid, &status, 0) < 0) {
		perror("waitpid");
		return 0;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		printf("host: PASS %s.%s\n", suite, tests[i].name);
		return 1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 3)
		printf("host: FAIL %s.%s: expected a panic that never came\n",
		       suite, tests[i].name);
	else if (WIFSIGNALED(status))
		printf("host: FAIL %s.%s: killed by signal %d%s\n", suite,
		       tests[i].name, WTERMSIG(status),
		       WTERMSIG(status) == SIGALRM ? " (timeout)" : "");
	else
		printf("host: FAIL %s.%s: exit status %d (see messages above)\n",
		       suite, tests[i].name, WEXITSTATUS(status));
	return 0;
}

static int wanted(const char *name, int argc, char **argv)
{
	if (argc < 2)
		return 1;
	for (int a = 1; a < argc; a++)
		if (strcmp(argv[a], name) == 0)
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	int failed = 0;

	suite = basename(argv[0]);
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 0; i < nr_tests; i++)
		if (wanted(tests[i].name, argc, argv) && !run_one(i))
			failed++;
	return failed ? 1 : 0;
}
