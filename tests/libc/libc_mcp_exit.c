/* SPDX-License-Identifier: MIT */
/*
 * libc_mcp_exit.c - /test/libc_mcp_exit: a many-core process that ends
 * while its threads are blocked in the kernel (Documentation/mcp.md,
 * "Ending an MCP").  A pthread blocked in read() on a pipe nobody writes,
 * or in a long nanosleep(), is a uthread parked by the 2LS while a detached
 * kernel thread sleeps on its behalf; when the process exits, or is killed
 * from outside, the kernel must abort those calls and wait for their
 * kernel threads before it frees the address space they write to.
 *
 *	/test/libc_mcp_exit                 the utest suite (an SCP parent)
 *	/test/libc_mcp_exit child MODE N    the child: N threads, half of them
 *	                                    reading a pipe, half asleep for a
 *	                                    minute; then MODE 'exit' exits with
 *	                                    code 7, 'hold' waits to be killed
 *
 * The suite forks children (the parent stays an SCP), checks how each
 * ended, and after many rounds compares #mem/free with a snapshot: the
 * pages, kmalloc and slab objects the children used came back.  The
 * kernel's own exact leak check runs the child mode from a ktest
 * (kern/src/ktest/kt_mcp.c).  Run by scripts/run-ktests.sh on one core and
 * on four (run_utest mcp_exit, mcp_exit_smp4).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <parlib/syscall.h>
#include <utest/utest.h>

#define ME_MAX_THREADS 64
#define ME_ROUNDS 12

/* ------------------------------------------------------------ the child */

static int me_pipe[2];
static int me_started;

static void *me_reader(void *arg)
{
	char c;

	(void)arg;
	__atomic_fetch_add(&me_started, 1, __ATOMIC_SEQ_CST);
	return (void *)(long)read(me_pipe[0], &c, 1);   /* nobody writes */
}

static void *me_sleeper(void *arg)
{
	struct timespec ts = { 60, 0 };

	(void)arg;
	__atomic_fetch_add(&me_started, 1, __ATOMIC_SEQ_CST);
	return (void *)(long)nanosleep(&ts, NULL);
}

/* N threads blocked in the kernel, then MODE; ready_fd (or -1) gets a
 * byte once they all started.  Returns an exit code on a set-up failure. */
static int me_child(const char *mode, int n, int ready_fd)
{
	struct timespec settle = { 0, 100 * 1000 * 1000 };
	pthread_attr_t a;

	if (n < 1 || n > ME_MAX_THREADS || pipe(me_pipe) || pthread_attr_init(&a) ||
	    pthread_attr_setstacksize(&a, 32768) ||
	    pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED))
		return 90;
	for (int i = 0; i < n; i++) {
		pthread_t t;

		if (pthread_create(&t, &a, i % 2 ? me_sleeper : me_reader, NULL))
			return 91;
	}
	while (__atomic_load_n(&me_started, __ATOMIC_SEQ_CST) < n)
		sched_yield();
	nanosleep(&settle, NULL);       /* they reach their calls meanwhile */
	if (ready_fd >= 0 && write(ready_fd, "r", 1) != 1)
		return 92;
	if (!strcmp(mode, "exit"))
		exit(7);
	for (;;)
		nanosleep(&settle, NULL);       /* 'hold': until killed */
}

/* --------------------------------------------------------- kernel memory */

struct me_mem {
	long pages_free, kmalloc_objects, slab_objects;
};

static long me_field(const char *text, const char *name)
{
	const char *p = strstr(text, name);

	return p ? strtol(p + strlen(name), NULL, 10) : -1;
}

static struct me_mem me_mem_read(void)
{
	static char text[1024];
	struct me_mem m;
	int fd = open("#mem/free", O_RDONLY);
	ssize_t n;

	UT_ASSERT_MSG(fd >= 0, "open #mem/free: %s", utest_errdesc(errno));
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	UT_ASSERT(n > 0);
	text[n] = 0;
	m.pages_free = me_field(text, "pages_free ");
	m.kmalloc_objects = me_field(text, "kmalloc_objects ");
	m.slab_objects = me_field(text, "slab_objects ");
	UT_ASSERT(m.pages_free > 0 && m.kmalloc_objects >= 0 && m.slab_objects >= 0);
	return m;
}

/* Within a slack that the kernel's per-core page caches explain (up to a
 * few hundred pages on four cores, none on one), but below what the rounds
 * (about 400 threads) would leave if each thread kept a page, or each
 * process a few objects.  The ktests check the exact counts, with those
 * caches drained. */
static bool me_mem_back(const struct me_mem *before, const struct me_mem *now)
{
	return now->pages_free + 256 >= before->pages_free &&
	       now->kmalloc_objects <= before->kmalloc_objects + 8 &&
	       now->slab_objects <= before->slab_objects + 64;
}

/* --------------------------------------------------------------- parent */

/* Forks a child running me_child(mode, n); kills it once it is ready if
 * 'kill_it'.  Its wait status. */
static int me_round(const char *mode, int n, bool kill_it)
{
	int fds[2], st = -1;
	char c;
	pid_t pid;

	UT_ASSERT_EQ(pipe(fds), 0);
	pid = fork();
	UT_ASSERT_MSG(pid >= 0, "fork: %s", utest_errdesc(errno));
	if (pid == 0) {
		close(fds[0]);
		_exit(me_child(mode, n, fds[1]));
	}
	close(fds[1]);
	if (read(fds[0], &c, 1) == 1 && kill_it)
		UT_ASSERT_EQ(ros_syscall_raw(SYS_proc_destroy, (uint64_t)pid, 0, 0, 0, 0, 0), 0);
	close(fds[0]);
	UT_ASSERT_EQ(waitpid(pid, &st, 0), pid);
	return st;
}

/* Children whose memory comes back before the snapshot: the program's
 * page-cache pages, and the per-core caches of slab objects and kernel
 * stacks, filled as high as the largest round fills them. */
static void me_warm_up(void)
{
	for (int i = 0; i < 3; i++) {
		int st = me_round("exit", ME_MAX_THREADS, false);

		UT_ASSERT_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 7, "warm-up status %#x", st);
	}
}

/* Rounds of fn, then #mem/free is compared with the snapshot (looked at
 * again for a while: reaping and per-core caches settle). */
static void me_check_mem(const struct me_mem *before)
{
	struct me_mem now = me_mem_read();
	struct timespec ts = { 0, 20 * 1000 * 1000 };

	for (int i = 0; i < 50 && !me_mem_back(before, &now); i++) {
		nanosleep(&ts, NULL);
		now = me_mem_read();
	}
	utest_note("pages_free %ld -> %ld, kmalloc_objects %ld -> %ld, slab_objects %ld -> %ld",
	           before->pages_free, now.pages_free, before->kmalloc_objects,
	           now.kmalloc_objects, before->slab_objects, now.slab_objects);
	UT_ASSERT_MSG(me_mem_back(before, &now), "kernel memory went missing");
	UT_ASSERT_EQ(ros_syscall_raw(SYS_null, 0, 0, 0, 0, 0, 0), 0);
}

UTEST(mcp_exit, exits_with_threads_blocked_in_reads_and_sleeps)
{
	struct me_mem before;

	me_warm_up();
	before = me_mem_read();
	for (int r = 0; r < ME_ROUNDS; r++) {
		int st = me_round("exit", 2 + r * (ME_MAX_THREADS - 2) / (ME_ROUNDS - 1), false);

		UT_ASSERT_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 7, "round %d: status %#x", r, st);
	}
	me_check_mem(&before);
}

UTEST(mcp_exit, killed_with_threads_blocked_in_reads_and_sleeps)
{
	struct me_mem before;

	me_warm_up();
	before = me_mem_read();
	for (int r = 0; r < ME_ROUNDS; r++) {
		int st = me_round("hold", 2 + r * (ME_MAX_THREADS - 2) / (ME_ROUNDS - 1), true);

		UT_ASSERT_MSG(WIFSIGNALED(st), "round %d: status %#x", r, st);
	}
	me_check_mem(&before);
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "child"))
		return me_child(argv[2], atoi(argv[3]), -1);
	return utest_main("libc_mcp_exit", argc, argv);
}
