/* SPDX-License-Identifier: MIT */
/*
 * htest.c - runs the tests registered by HTEST(), each in a forked child.
 *
 * Usage: <suite> [test-name...]   (no names: run all, in registration order)
 * Exit status: 0 if every test passed, 1 otherwise.
 *
 * Also the helpers tests share: stderr capture (fd 2 redirected into a
 * tmpfile, whose text any failure echoes into the log, so nothing that a
 * failing test printed is lost) and a seeded xorshift64 generator.
 */
#include "htest.h"

#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
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

	htest_capture_abort();
	va_start(ap, fmt);
	htest_vreport("", file, line, fmt, ap);
	va_end(ap);
	_exit(1);
}

void htest_vreport(const char *what, const char *file, int line,
                   const char *fmt, va_list ap)
{
	fprintf(stderr, "%s%s:%d: ", what, file, line);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	fflush(stderr);
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

/*
 * One tmpfile per run, opened by main() in append mode and emptied before
 * each test.  A test's child points fd 2 at it from htest_capture_begin()
 * to htest_capture_end(), which empties it again.  So when a child dies
 * while capturing - a sanitizer report, a signal, the time limit - the file
 * still holds what was captured, and run_one() echoes it into the log.
 * htest_fail() and _panic() echo it themselves (htest_capture_abort), so
 * that their own message comes after it.
 */
static struct {
	int fd;                 /* the capture file */
	int saved_fd;           /* the real stderr while capturing, else -1 */
	char *text;             /* the last capture's text (heap), or NULL */
} capture = { .fd = -1, .saved_fd = -1 };

static void capture_open(void)
{
	FILE *f = tmpfile();

	if (!f || fcntl(fileno(f), F_SETFL, O_APPEND) != 0) {
		perror("htest: capture file");
		exit(2);
	}
	capture.fd = fileno(f);         /* f stays open for the whole run */
}

static void capture_empty(void)
{
	if (ftruncate(capture.fd, 0) != 0)
		perror("htest: emptying the capture file");
}

/* The capture file's whole text into capture.text (NULL if it cannot). */
static void capture_read(void)
{
	struct stat st;
	ssize_t n;

	free(capture.text);
	capture.text = NULL;
	if (fstat(capture.fd, &st) != 0 || !(capture.text = malloc(st.st_size + 1)))
		return;
	n = pread(capture.fd, capture.text, st.st_size, 0);
	capture.text[n > 0 ? n : 0] = '\0';
}

/* Copies the capture file, if not empty, to stderr. */
static void capture_echo(void)
{
	char buf[4096];
	ssize_t n;
	off_t off = 0;

	fflush(stderr);
	if (lseek(capture.fd, 0, SEEK_END) <= 0)
		return;
	fputs("--- captured output:\n", stderr);
	while ((n = pread(capture.fd, buf, sizeof(buf), off)) > 0) {
		fwrite(buf, 1, n, stderr);
		off += n;
	}
	fputs("--- end of captured output\n", stderr);
	fflush(stderr);
}

/* Points fd 2 back at the real stderr; false if not capturing. */
static bool capture_restore(void)
{
	if (capture.saved_fd < 0)
		return false;
	fflush(stderr);
	dup2(capture.saved_fd, 2);
	close(capture.saved_fd);
	capture.saved_fd = -1;
	return true;
}

void htest_capture_begin(void)
{
	if (capture.saved_fd >= 0)
		htest_fail(__FILE__, __LINE__, "htest_capture_begin: already capturing");
	fflush(stderr);
	capture_empty();
	capture.saved_fd = dup(2);
	if (capture.saved_fd < 0)
		htest_fail(__FILE__, __LINE__, "htest_capture_begin: dup: %m");
	if (dup2(capture.fd, 2) != 2)
		htest_fail(__FILE__, __LINE__, "htest_capture_begin: dup2: %m");
}

const char *htest_capture_end(void)
{
	if (!capture_restore())
		htest_fail(__FILE__, __LINE__, "htest_capture_end: not capturing");
	capture_read();
	capture_empty();
	return capture.text ? capture.text : "";
}

void htest_capture_abort(void)
{
	if (!capture_restore())
		return;
	capture_echo();
	capture_empty();
}

/* ------------------------------------------------------------- random --- */

static uint64_t rand_state = HTEST_RAND_SEED;

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

/* Prints why test i failed, after what it was capturing when it died. */
static void report_failure(int i, int status)
{
	capture_echo();
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
}

static int run_one(int i)
{
	int status;
	pid_t pid;

	fflush(stdout);
	capture_empty();
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
	report_failure(i, status);
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
	capture_open();
	for (int i = 0; i < nr_tests; i++)
		if (wanted(tests[i].name, argc, argv) && !run_one(i))
			failed++;
	return failed ? 1 : 0;
}
