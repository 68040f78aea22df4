/* SPDX-License-Identifier: MIT */
/*
 * conf-run.c - the guest side of make conformance, on Vireo and on Linux
 * (Documentation/conformance.md).
 *
 *	conf-run LIST [FIRST]
 *
 * LIST holds one test a line, "NAME PATH" (NAME is family/N-M, PATH the
 * program).  From line FIRST (0 when absent) to the end, each test runs
 * as a child of this program, in /tmp, with its output on the console,
 * and is waited for at most CONF_TIMEOUT_S seconds; past that it is killed
 * with SIGKILL (its process group too, where the system has them).  Lines
 * on the console, which scripts/conformance.py reads:
 *
 *	CONF-START index name
 *	CONF-RESULT name code | TIMEOUT | SIGNAL n | SPAWN-FAILED errno
 *	CONF-DONE count
 *
 * The wait polls waitpid(WNOHANG) instead of sleeping on a signal, so a
 * system whose signals do not interrupt blocking calls still times tests
 * out.  stdout is unbuffered: a line is on the console before the next
 * test starts, and the host's hang detector knows which test was running.
 */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CONF_TIMEOUT_S 20
#define LINE_MAX_LEN 512

extern char **environ;

static void die(const char *what)
{
	printf("CONF-ERROR %s: %s\n", what, strerror(errno));
	exit(1);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* The child's own group, so a timeout can end its children as well. */
static pid_t spawn_test(const char *path)
{
	posix_spawnattr_t attr;
	char *argv[] = { (char *)path, NULL };
	pid_t pid;
	int err;

	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setpgroup(&attr, 0);
	err = posix_spawn(&pid, path, NULL, &attr, argv, environ);
	if (err) {
		/* A system without process groups: spawn it plainly. */
		err = posix_spawn(&pid, path, NULL, NULL, argv, environ);
	}
	posix_spawnattr_destroy(&attr);
	if (err) {
		errno = err;
		return -1;
	}
	return pid;
}

/*
 * Waits for pid up to the timeout, polling more slowly as time passes
 * (most tests end within milliseconds).  Prints the result line.
 */
static void wait_test(const char *name, pid_t pid)
{
	long long deadline = now_ms() + CONF_TIMEOUT_S * 1000LL;
	long step = 1;
	int status;
	pid_t got;

	for (;;) {
		got = waitpid(pid, &status, WNOHANG);
		if (got == pid)
			break;
		if (got < 0 && errno != EINTR) {
			printf("CONF-RESULT %s WAIT-FAILED %d\n", name, errno);
			return;
		}
		if (now_ms() >= deadline) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			printf("CONF-RESULT %s TIMEOUT\n", name);
			return;
		}
		sleep_ms(step);
		if (step < 100)
			step *= 2;
	}
	if (WIFEXITED(status))
		printf("CONF-RESULT %s %d\n", name, WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		printf("CONF-RESULT %s SIGNAL %d\n", name, WTERMSIG(status));
	else
		printf("CONF-RESULT %s STATUS %#x\n", name, status);
}

/* Reaps what earlier tests left behind (their orphans came to us). */
static void reap_orphans(void)
{
	int status;

	while (waitpid(-1, &status, WNOHANG) > 0)
		;
}

int main(int argc, char **argv)
{
	char line[LINE_MAX_LEN], name[LINE_MAX_LEN], path[LINE_MAX_LEN];
	long first = argc > 2 ? atol(argv[2]) : 0, index = 0, ran = 0;
	FILE *list;
	pid_t pid;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc < 2) {
		printf("usage: conf-run LIST [FIRST]\n");
		return 2;
	}
	list = fopen(argv[1], "r");
	if (!list)
		die(argv[1]);
	if (chdir("/tmp"))
		die("chdir /tmp");
	for (; fgets(line, sizeof(line), list); index++) {
		if (index < first || sscanf(line, "%511s %511s", name, path) != 2)
			continue;
		printf("CONF-START %ld %s\n", index, name);
		pid = spawn_test(path);
		if (pid < 0)
			printf("CONF-RESULT %s SPAWN-FAILED %d\n", name, errno);
		else
			wait_test(name, pid);
		reap_orphans();
		ran++;
	}
	fclose(list);
	printf("CONF-DONE %ld\n", ran);
	return 0;
}
