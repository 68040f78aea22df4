/* SPDX-License-Identifier: MIT */
/*
 * libc_fork_mt.c - utest suite of fork in a process with threads (portable
 * C, built with -pthread like libc_pthread).  POSIX: the child has one
 * thread, the one that called fork; Vireo's MCP forks from that uthread
 * and the child starts as a single-threaded SCP (Documentation/pthreads.md,
 * "fork").  Checked: a fork while other threads spin, wait on a condvar,
 * sit in read() and malloc; in the child pthread_self() is the caller's,
 * gettid() is getpid(), malloc, stdio and a new thread work and exit()
 * ends it with its code; the same from a second thread, whose signal mask
 * the child keeps; the pthread_atfork handlers' order (prepare in reverse,
 * parent and child in registration order) with threads running; fifty
 * forks in a row while threads churn, every child reaped.
 * Run by scripts/run-ktests.sh (run_utest libc_fork_mt, 2 and 4 cores).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utest/utest.h>

/* ------------------------------------------------------ busy threads */

/* Threads that keep the parent busy while it forks: one spins on
 * sched_yield, one waits on a condvar, one sits in read() on a pipe, one
 * mallocs and frees.  fm_busy_stop() ends and joins them. */
struct fm_busy {
	pthread_t t[4];
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int pipe[2];
	volatile int stop;
	volatile int ran[4];
};

static void *fm_spin(void *arg)
{
	struct fm_busy *b = arg;

	while (!b->stop) {
		b->ran[0]++;
		sched_yield();
	}
	return NULL;
}

static void *fm_condwait(void *arg)
{
	struct fm_busy *b = arg;

	pthread_mutex_lock(&b->mu);
	b->ran[1] = 1;
	while (!b->stop)
		pthread_cond_wait(&b->cv, &b->mu);
	pthread_mutex_unlock(&b->mu);
	return NULL;
}

static void *fm_reader(void *arg)
{
	struct fm_busy *b = arg;
	char c;

	b->ran[2] = 1;
	return (void *)(intptr_t)read(b->pipe[0], &c, 1);
}

static void *fm_malloc(void *arg)
{
	struct fm_busy *b = arg;

	while (!b->stop) {
		void *p = malloc(64 + (size_t)(b->ran[3] % 4096));

		memset(p, 0x5a, 64);
		free(p);
		b->ran[3]++;
		if (b->ran[3] % 64 == 0)
			sched_yield();
	}
	return NULL;
}

static int fm_busy_start(struct fm_busy *b)
{
	void *(*fn[4])(void *) = { fm_spin, fm_condwait, fm_reader, fm_malloc };

	memset(b, 0, sizeof(*b));
	pthread_mutex_init(&b->mu, NULL);
	pthread_cond_init(&b->cv, NULL);
	if (pipe(b->pipe))
		return -1;
	for (int i = 0; i < 4; i++)
		if (pthread_create(&b->t[i], NULL, fn[i], b))
			return -1;
	for (int i = 0; i < 200 && !(b->ran[0] && b->ran[1] && b->ran[2] && b->ran[3]); i++)
		usleep(5000);
	return 0;
}

static void fm_busy_stop(struct fm_busy *b)
{
	pthread_mutex_lock(&b->mu);
	b->stop = 1;
	pthread_cond_broadcast(&b->cv);
	pthread_mutex_unlock(&b->mu);
	(void)!write(b->pipe[1], "x", 1);
	for (int i = 0; i < 4; i++)
		pthread_join(b->t[i], NULL);
	close(b->pipe[0]);
	close(b->pipe[1]);
}

/* Waits for pid and returns its exit code, or 1000 + the signal, or -1. */
static int fm_reap(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		return -1;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return WIFSIGNALED(st) ? 1000 + WTERMSIG(st) : -1;
}

/* ------------------------------------------------------ in the child */

static void *fm_child_thread(void *arg)
{
	return (void *)((uintptr_t)arg + 1);
}

/* The child's checks: a distinct code for each failure, 0 if all held.
 * self is the parent's pthread_self() of the thread that forked. */
static int fm_child_checks(pthread_t self, FILE *out)
{
	pthread_t t;
	void *ret;
	char *p;

	if (!pthread_equal(pthread_self(), self))
		return 10;
	if (syscall(SYS_gettid) != getpid())
		return 11;
	p = malloc(100000);
	if (!p)
		return 12;
	memset(p, 1, 100000);
	free(p);
	if (fprintf(out, "child %d\n", (int)getpid()) < 0 || fflush(out))
		return 13;
	if (pthread_create(&t, NULL, fm_child_thread, (void *)41))
		return 14;
	if (pthread_join(t, &ret) || (uintptr_t)ret != 42)
		return 15;
	return 0;
}

/* ------------------------------------------------------------ tests */

UTEST(fork_mt, fork_while_threads_run)
{
	struct fm_busy b;
	pthread_t self = pthread_self();
	char line[64] = { 0 };
	int p[2];
	pid_t pid;

	utest_no_leak_check();          /* the first thread maps the vcore stacks */
	UT_ASSERT_EQ(fm_busy_start(&b), 0);
	UT_SYS(pipe(p));
	fflush(NULL);                   /* the child's exit flushes its copy */
	pid = fork();
	if (pid == 0) {
		FILE *out = fdopen(p[1], "w");

		close(p[0]);
		exit(out ? fm_child_checks(self, out) : 9);
	}
	UT_ASSERT_MSG(pid > 0, "fork: %s", strerror(errno));
	UT_SYS(close(p[1]));
	UT_ASSERT_GT(read(p[0], line, sizeof(line) - 1), 0);
	UT_SYS(close(p[0]));
	UT_ASSERT_EQ(fm_reap(pid), 0);
	UT_ASSERT_EQ(atoi(line + 6), pid);
	fm_busy_stop(&b);               /* the parent's threads went on */
}

struct fm_fork_arg {
	pthread_t self;
	pid_t pid;
	int code;
};

static void *fm_forker(void *arg)
{
	struct fm_fork_arg *a = arg;
	sigset_t s;

	a->self = pthread_self();
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &s, NULL);   /* this thread's mask only */
	fflush(NULL);
	a->pid = fork();
	if (a->pid == 0) {
		sigset_t now;
		int code = fm_child_checks(a->self, stdout);

		sigprocmask(SIG_BLOCK, NULL, &now);
		if (!code && !sigismember(&now, SIGUSR1))
			code = 20;
		if (!code && sigismember(&now, SIGUSR2))
			code = 21;
		exit(code);
	}
	a->code = a->pid > 0 ? fm_reap(a->pid) : -1;
	return NULL;
}

UTEST(fork_mt, fork_from_a_second_thread)
{
	struct fm_fork_arg a = { .code = -1 };
	struct fm_busy b;
	pthread_t t;
	sigset_t now;

	utest_no_leak_check();
	UT_ASSERT_EQ(fm_busy_start(&b), 0);
	UT_ASSERT_EQ(pthread_create(&t, NULL, fm_forker, &a), 0);
	UT_ASSERT_EQ(pthread_join(t, NULL), 0);
	UT_ASSERT_MSG(a.pid > 0, "fork: %d", (int)a.pid);
	UT_ASSERT_EQ(a.code, 0);
	UT_SYS(sigprocmask(SIG_BLOCK, NULL, &now));
	UT_ASSERT(!sigismember(&now, SIGUSR1));         /* main's mask unchanged */
	fm_busy_stop(&b);
}

static char fm_order[32];
static int fm_norder;

static void fm_mark(char c)
{
	if (fm_norder < (int)sizeof(fm_order) - 1)
		fm_order[fm_norder++] = c;
}

static void fm_prep1(void) { fm_mark('a'); }
static void fm_prep2(void) { fm_mark('b'); }
static void fm_parent1(void) { fm_mark('P'); }
static void fm_parent2(void) { fm_mark('Q'); }
static void fm_child1(void) { fm_mark('C'); }
static void fm_child2(void) { fm_mark('D'); }

UTEST(fork_mt, atfork_handlers_in_order)
{
	struct fm_busy b;
	pid_t pid;

	utest_no_leak_check();
	UT_ASSERT_EQ(fm_busy_start(&b), 0);
	UT_ASSERT_EQ(pthread_atfork(fm_prep1, fm_parent1, fm_child1), 0);
	UT_ASSERT_EQ(pthread_atfork(fm_prep2, fm_parent2, fm_child2), 0);
	fm_norder = 0;
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		exit(strcmp(fm_order, "baCD") ? 30 : 0);
	UT_ASSERT_MSG(pid > 0, "fork: %s", strerror(errno));
	UT_ASSERT_STREQ(fm_order, "baPQ");
	UT_ASSERT_EQ(fm_reap(pid), 0);
	fm_busy_stop(&b);
}

UTEST(fork_mt, fifty_forks_while_threads_churn)
{
	struct fm_busy b;

	utest_no_leak_check();
	UT_ASSERT_EQ(fm_busy_start(&b), 0);
	for (int i = 0; i < 50; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			void *q = malloc(1000 + (size_t)i);

			_exit(q ? i % 100 : 99);
		}
		UT_ASSERT_MSG(pid > 0, "fork %d: %s", i, strerror(errno));
		UT_ASSERT_EQ(fm_reap(pid), i % 100);
	}
	UT_ASSERT_GT(b.ran[3], 0);
	fm_busy_stop(&b);
}

int main(int argc, char **argv)
{
	return utest_main("libc_fork_mt", argc, argv);
}
