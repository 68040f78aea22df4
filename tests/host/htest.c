/* SPDX-License-Identifier: MIT */
/*
 * htest.c - runs the tests registered by HTEST(), each in a forked child.
 *
 * Usage: <suite> [test-name...]   (no names: run all, in registration order)
 * Exit status: 0 if every test passed, 1 otherwise.
 *
 * Also the helpers tests share: stderr capture (fd 2 redirected into a
 * tmpfile; every failure path - htest_fail, a kernel panic, a sanitizer
 * report - first restores fd 2 and echoes what was captured, so nothing is
 * lost from the log) and a seeded xorshift64 generator.
 */
#include "htest.h"

#include <libgen.h>
#include <sanitizer/common_interface_defs.h>
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

static struct {
	FILE *file;             /* NULL when not capturing */
	int saved_fd;           /* the real stderr */
	char *text;             /* the last capture's text (heap) */
} capture = { .saved_fd = -1 };

static uint64_t rand_state = HTEST_RAND_SEED;

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

	htest_capture_abort();
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

/* ------------------------------------------------------------ capture --- */

void htest_capture_begin(void)
{
	if (capture.file)
		htest_fail(__FILE__, __LINE__, "htest_capture_begin: already capturing");
	fflush(stderr);
	capture.file = tmpfile();
	if (!capture.file)
		htest_fail(__FILE__, __LINE__, "htest_capture_begin: tmpfile failed");
	capture.saved_fd = dup(2);
	if (capture.saved_fd < 0 || dup2(fileno(capture.file), 2) != 2) {
		fclose(capture.file);
		capture.file = NULL;
		htest_fail(__FILE__, __LINE__, "htest_capture_begin: cannot redirect fd 2");
	}
}

/* Reads the whole capture file into capture.text (NULL if it cannot). */
static void capture_read(void)
{
	long n;

	free(capture.text);
	capture.text = NULL;
	if (fseek(capture.file, 0, SEEK_END) != 0 || (n = ftell(capture.file)) < 0)
		return;
	capture.text = malloc((size_t)n + 1);
	if (!capture.text)
		return;
	rewind(capture.file);
	capture.text[fread(capture.text, 1, (size_t)n, capture.file)] = '\0';
}

/* Puts the real stderr back and collects the text; false if not capturing. */
static int capture_stop(void)
{
	if (!capture.file)
		return 0;
	fflush(stderr);
	dup2(capture.saved_fd, 2);
	close(capture.saved_fd);
	capture.saved_fd = -1;
	capture_read();
	fclose(capture.file);
	capture.file = NULL;
	return 1;
}

const char *htest_capture_end(void)
{
	if (!capture_stop())
		htest_fail(__FILE__, __LINE__, "htest_capture_end: not capturing");
	return capture.text ? capture.text : "";
}

void htest_capture_abort(void)
{
	if (!capture_stop())
		return;
	fputs("--- captured output:\n", stderr);
	if (capture.text)
		fputs(capture.text, stderr);
	fputs("--- end of captured output\n", stderr);
	fflush(stderr);
}

/* ------------------------------------------------------------- random --- */

uint64_t htest_rand_r(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return x;
}

uint64_t htest_rand(void)
{
	return htest_rand_r(&rand_state);
}

/* ------------------------------------------------------------- runner --- */

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
	__sanitizer_set_death_callback(htest_capture_abort);
	for (int i = 0; i < nr_tests; i++)
		if (wanted(tests[i].name, argc, argv) && !run_one(i))
			failed++;
	return failed ? 1 : 0;
}
