/* SPDX-License-Identifier: MIT */
/*
 * utest_fork.c - /test/utest_fork: fork with copy-on-write, exec, and
 * waitpid of many children (kern/src/proc/fork.c, process.c).
 *
 * After a fork each side writes its own copy of the same variables and
 * pages and must not see the other's writes; exec replaces the image but
 * keeps the pid and the FDs not marked close-on-exec; a failed exec leaves
 * the caller running; many children are reaped in any order, each with its
 * own status.
 */
#include <ros/fcntl.h>
#include <ros/mmap.h>
#include <tiny/print.h>
#include <tiny/proc.h>
#include <tiny/start.h>
#include <tiny/string.h>
#include <tiny/syscall.h>
#include <tiny/utest.h>

#define NR_PAGES    64
#define NR_CHILDREN 16
#define HELLO       "/test/hello"      /* a file to open, an image to exec */

static volatile uint64_t shared_word = 1;

static void child_exit(int code)
{
	tsys(SYS_proc_destroy, 0, (uint64_t)code);
	for (;;)
		;
}

static int wait_status(int64_t pid)
{
	int status = -1;

	return tiny_wait(pid, &status) == pid ? status : -1;
}

UTEST(fork_returns_twice_and_copies_on_write)
{
	int64_t pid;

	shared_word = 1;
	pid = tsys(SYS_fork);
	if (pid == 0) {
		int ok = shared_word == 1;

		shared_word = 2;
		child_exit(ok && shared_word == 2 ? 42 : 1);
	}
	UT_ASSERT_MSG(pid > 0, "fork: %lld", (long long)pid);
	UT_ASSERT_EQ(wait_status(pid), WSTATUS_EXITED(42));
	UT_ASSERT_EQ(shared_word, 1);
}

/* Both sides write every page of a populated mapping after the fork. */
UTEST(fork_pages_are_private_to_each_side)
{
	int64_t va = tsys(SYS_mmap, 0, NR_PAGES * 4096, PROT_READ | PROT_WRITE,
	                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	uint64_t *w = (uint64_t *)va;
	int64_t pid;

	UT_ASSERT(va > 0);
	for (int i = 0; i < NR_PAGES; i++)
		w[i * 512] = 1000 + i;
	pid = tsys(SYS_fork);
	if (pid == 0) {
		for (int i = 0; i < NR_PAGES; i++) {
			if (w[i * 512] != 1000u + i)
				child_exit(1);
			w[i * 512] = 5000 + i;
		}
		for (int i = 0; i < NR_PAGES; i++)
			if (w[i * 512] != 5000u + i)
				child_exit(2);
		child_exit(0);
	}
	UT_ASSERT(pid > 0);
	for (int i = 0; i < NR_PAGES; i += 2)
		w[i * 512] = 9000 + i;                  /* ours, while the child runs */
	UT_ASSERT_EQ(wait_status(pid), WSTATUS_EXITED(0));
	for (int i = 0; i < NR_PAGES; i++)
		UT_ASSERT_EQ(w[i * 512], (i % 2 ? 1000u : 9000u) + i);
	UT_ASSERT_EQ(tsys(SYS_munmap, (uint64_t)va, NR_PAGES * 4096), 0);
}

UTEST(waitpid_reaps_many_children)
{
	int64_t pids[NR_CHILDREN];
	bool seen[NR_CHILDREN] = { false };
	int status;

	for (int i = 0; i < NR_CHILDREN; i++) {
		pids[i] = tsys(SYS_fork);
		if (pids[i] == 0)
			child_exit(i);
		UT_ASSERT(pids[i] > 0);
	}
	for (int n = 0; n < NR_CHILDREN; n++) {
		int64_t pid = tiny_wait(-1, &status);
		int i = 0;

		while (i < NR_CHILDREN && pids[i] != pid)
			i++;
		UT_ASSERT_MSG(i < NR_CHILDREN, "waitpid(-1) returned %lld", (long long)pid);
		UT_ASSERT_EQ(status, WSTATUS_EXITED(i));
		UT_ASSERT(!seen[i]);
		seen[i] = true;
	}
	UT_ASSERT_EQ(tiny_wait(-1, &status), -ECHILD);
}

/* We run as pid 1 (init=): a grandchild whose parent exits becomes ours. */
UTEST(orphans_go_to_the_first_process)
{
	int64_t child = tsys(SYS_fork), orphan;
	int status = -1;

	if (child == 0) {
		if (tsys(SYS_fork) == 0) {
			tsys(SYS_block, 200 * 1000);
			child_exit(5);
		}
		child_exit(0);
	}
	UT_ASSERT(child > 0);
	UT_ASSERT_EQ(wait_status(child), WSTATUS_EXITED(0));
	orphan = tiny_wait(-1, &status);
	UT_ASSERT_MSG(orphan > child, "waitpid(-1) = %lld", (long long)orphan);
	UT_ASSERT_EQ(status, WSTATUS_EXITED(5));
}

/* A fork bomb meets ENOMEM (PROC_MAX_LIVE or the memory reserve); its
 * children are orphans that come to us (pid 1) and are reaped. */
UTEST(fork_bomb_gets_enomem)
{
	const char *argv[] = { "/test/victim", "forkbomb", NULL };
	int64_t pid = tiny_spawn("/test/victim", argv), got;
	int status = -1, reaped = 0;

	UT_ASSERT(pid > 0);
	UT_ASSERT_EQ(tsys(SYS_proc_run, (uint64_t)pid), 0);
	UT_ASSERT_EQ(wait_status(pid), WSTATUS_EXITED(0));
	while ((got = tiny_wait(-1, &status)) > 0) {
		UT_ASSERT_EQ(status, WSTATUS_EXITED(0));
		reaped++;
	}
	UT_ASSERT_EQ(got, -ECHILD);
	UT_ASSERT(reaped > 10);
}

UTEST(exec_replaces_the_image_and_keeps_fds)
{
	const char *argv[] = { "/test/victim", "fds", NULL };
	int64_t pid, keep, gone;
	struct syscall sc;

	keep = tsys(SYS_openat, (uint64_t)TINY_AT_FDCWD, UP(HELLO), sizeof(HELLO) - 1, O_READ, 0);
	gone = tsys(SYS_openat, (uint64_t)TINY_AT_FDCWD, UP(HELLO), sizeof(HELLO) - 1,
	            O_READ | O_CLOEXEC, 0);
	UT_ASSERT(keep == 3 && gone == 4);
	pid = tsys(SYS_fork);
	if (pid == 0) {
		tiny_exec(&sc, "/test/victim", argv);
		child_exit(99);                 /* exec failed */
	}
	UT_ASSERT(pid > 0);
	UT_ASSERT_EQ(wait_status(pid), WSTATUS_EXITED(0));
	tsys(SYS_close, (uint64_t)keep);
	tsys(SYS_close, (uint64_t)gone);
}

/* proc_create with PROC_DUP_FGRP: the child gets our FDs instead of the
 * console, but not the close-on-exec ones (victim "fds" wants fd 3 open
 * and fd 4 closed). */
UTEST(proc_create_dup_fgrp)
{
	const char *argv[] = { "/test/victim", "fds", NULL };
	int64_t fd = tsys(SYS_openat, (uint64_t)TINY_AT_FDCWD, UP(HELLO), sizeof(HELLO) - 1, O_READ, 0);
	int64_t cloexec = tsys(SYS_openat, (uint64_t)TINY_AT_FDCWD, UP(HELLO), sizeof(HELLO) - 1,
	                       O_READ | O_CLOEXEC, 0);
	struct syscall sc;
	int64_t with, without;

	UT_ASSERT_EQ(fd, 3);
	UT_ASSERT_EQ(cloexec, 4);
	with = tiny_spawn_sc(&sc, "/test/victim", argv, PROC_DUP_FGRP);
	without = tiny_spawn_sc(&sc, "/test/victim", argv, 0);
	UT_ASSERT(with > 0 && without > 0);
	UT_ASSERT_EQ(tsys(SYS_proc_run, (uint64_t)with), 0);
	UT_ASSERT_EQ(tsys(SYS_proc_run, (uint64_t)without), 0);
	UT_ASSERT_EQ(wait_status(with), WSTATUS_EXITED(0));
	UT_ASSERT_EQ(wait_status(without), WSTATUS_EXITED(1));
	tiny_spawn_sc(&sc, "/test/victim", argv, 0x100);
	UT_SYSC_ERR(&sc, EINVAL);
	tsys(SYS_close, (uint64_t)fd);
	tsys(SYS_close, (uint64_t)cloexec);
}

UTEST(failed_exec_leaves_the_caller_running)
{
	const char *argv[] = { "x", NULL };
	struct syscall sc;

	tiny_exec(&sc, "/bin/no-such-program", argv);
	UT_SYSC_ERR(&sc, ENOENT);
	tiny_exec(&sc, "/bin", argv);
	UT_ASSERT(sc.err != 0);
	tiny_exec(&sc, "/etc/issue", argv);
	UT_SYSC_ERR(&sc, ENOEXEC);
	sysc(&sc, SYS_exec, UP(HELLO), sizeof(HELLO) - 1, 0x10, 64);
	UT_SYSC_ERR(&sc, EFAULT);
	sysc(&sc, SYS_exec, UP(HELLO), sizeof(HELLO) - 1, UP("garbage"), 7);
	UT_SYSC_ERR(&sc, EINVAL);
	shared_word = 7;
	UT_ASSERT_EQ(shared_word, 7);           /* still our image */
}

UTEST(fork_in_a_batch_must_be_last)
{
	struct syscall b[2];

	sysc_prep(&b[0], SYS_fork);
	sysc_prep(&b[1], SYS_null);
	sysc_run(b, 2);
	UT_SYSC_ERR(&b[0], EINVAL);
	UT_SYSC_OK(&b[1]);
}

int main(int argc, char **argv, char **envp)
{
	(void)envp;
	return utest_main("fork", argc, argv);
}
