/* SPDX-License-Identifier: MIT */
/*
 * kt_proc.c - ktests of processes: create, run and reap a user program from
 * the initramfs, a program that faults, and the loader's refusals (a
 * missing file, a file that is not ELF), and the recycling of the kthreads
 * that blocking syscalls detach.  Each test checks that no process,
 * page or chan is left behind (the runner's leak check, plus the process
 * count).
 */
#include <errno.h>
#include <ktest.h>
#include <kthread.h>
#include <process.h>
#include <ros/syscall.h>

static int run_and_wait(const char *path, const char *const *argv, int *status)
{
	struct proc *p;
	int ret = proc_create(path, argv, NULL, &p);

	if (ret)
		return ret;
	ret = proc_run(p);
	*status = proc_wait(p);
	return ret;
}

KTEST(proc, hello_runs_and_exits_zero)
{
	const char *argv[] = { "/test/hello", NULL };
	int64_t before = proc_nr_live();
	int status = -1;

	KT_ASSERT_EQ(run_and_wait("/test/hello", argv, &status), 0);
	KT_ASSERT_MSG(status == WSTATUS_EXITED(0), "status %#x", status);
	KT_ASSERT_EQ(proc_nr_live(), before);
}

KTEST(proc, many_processes_in_a_row)
{
	const char *argv[] = { "/test/hello", NULL };
	int64_t before = proc_nr_live();

	for (int i = 0; i < 8; i++) {
		int status = -1;

		KT_ASSERT_EQ(run_and_wait("/test/hello", argv, &status), 0);
		KT_ASSERT_EQ(status, WSTATUS_EXITED(0));
	}
	KT_ASSERT_EQ(proc_nr_live(), before);
}

KTEST(proc, missing_file_is_refused)
{
	const char *argv[] = { "/bin/no-such-program", NULL };
	struct proc *p = NULL;

	KT_ASSERT_EQ(proc_create("/bin/no-such-program", argv, NULL, &p), -ENOENT);
	KT_ASSERT(p == NULL);
}

KTEST(proc, non_elf_is_refused_with_enoexec)
{
	const char *argv[] = { "/etc/motd", NULL };
	struct proc *p = NULL;
	int64_t before = proc_nr_live();

	KT_ASSERT_EQ(proc_create("/etc/motd", argv, NULL, &p), -ENOEXEC);
	KT_ASSERT_EQ(proc_nr_live(), before);
}

/* A process that exits with three 60 s nanosleeps in flight: its syscall
 * kthreads are aborted and drained, and nothing is left behind (the
 * runner compares pages, slab and kmalloc objects, chans and blocks). */
KTEST(proc, exit_with_sleeping_syscalls_leaks_nothing)
{
	const char *argv[] = { "/test/victim", "exit-asleep", NULL };
	int64_t before = proc_nr_live();
	uint64_t kts = kthread_nr_live();
	int status = -1;

	KT_ASSERT_EQ(run_and_wait("/test/victim", argv, &status), 0);
	KT_ASSERT_MSG(status == WSTATUS_EXITED(7), "status %#x", status);
	KT_ASSERT_EQ(proc_nr_live(), before);
	KT_ASSERT_EQ(kthread_nr_live(), kts);
}

/* 32 calls that sleep, one after the other: each detaches, and the
 * finished kthread becomes the next spare (syscall/async.c, "Recycling"),
 * so the run makes the owner and one spare, not a kthread per call; all
 * of them are gone once the process is reaped. */
KTEST(proc, blocking_calls_recycle_their_kthreads)
{
	const char *argv[] = { "/test/victim", "naps", NULL };
	int64_t before = proc_nr_live();
	uint64_t kts = kthread_nr_live(), made = kthread_nr_created();
	int status = -1;

	KT_ASSERT_EQ(run_and_wait("/test/victim", argv, &status), 0);
	KT_ASSERT_MSG(status == WSTATUS_EXITED(0), "status %#x", status);
	made = kthread_nr_created() - made;
	KT_ASSERT_MSG(made >= 2 && made <= 4, "%lu kthreads made for 32 blocking calls", made);
	KT_ASSERT_EQ(proc_nr_live(), before);
	KT_ASSERT_EQ(kthread_nr_live(), kts);
}

/* Killed while a syscall sleeps in the kernel on its behalf. */
KTEST(proc, kill_while_asleep_leaks_nothing)
{
	const char *argv[] = { "/test/victim", "sleep", NULL };
	int64_t before = proc_nr_live();
	uint64_t kts = kthread_nr_live();
	struct proc *p;

	KT_ASSERT_EQ(proc_create("/test/victim", argv, NULL, &p), 0);
	KT_ASSERT_EQ(proc_run(p), 0);
	kthread_usleep(30 * 1000);
	KT_ASSERT_EQ(proc_kill(p, WSTATUS_KILLED), 0);
	KT_ASSERT_EQ(proc_kill(p, WSTATUS_KILLED), -ESRCH);
	KT_ASSERT_EQ(proc_wait(p), WSTATUS_KILLED);
	KT_ASSERT_EQ(proc_nr_live(), before);
	KT_ASSERT_EQ(kthread_nr_live(), kts);
}

/* A CREATED process is torn down by the kill itself. */
KTEST(proc, kill_of_a_created_process)
{
	const char *argv[] = { "/test/victim", "spin", NULL };
	int64_t before = proc_nr_live();
	struct proc *p;

	KT_ASSERT_EQ(proc_create("/test/victim", argv, NULL, &p), 0);
	KT_ASSERT_EQ(proc_kill(p, WSTATUS_KILLED), 0);
	KT_ASSERT_EQ(proc_run(p), -EINVAL);
	KT_ASSERT_EQ(proc_wait(p), WSTATUS_KILLED);
	KT_ASSERT_EQ(proc_nr_live(), before);
}
