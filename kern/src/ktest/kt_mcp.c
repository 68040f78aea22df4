/* SPDX-License-Identifier: MIT */
/*
 * kt_mcp.c - ktests of the end of a many-core process whose threads are
 * blocked in the kernel (Documentation/mcp.md, "Ending an MCP"): the
 * C-library program /test/libc_mcp_exit in its child mode makes N pthreads
 * block in pipe reads and minute-long sleeps (each a detached syscall
 * kthread writing into the process's memory when it ends), then exits or
 * is killed.  The kernel must abort those calls and wait for their
 * kthreads before it frees the address space; afterwards no process or
 * kthread is left and the runner's leak check (pages, slab and kmalloc
 * objects, chans, blocks) finds everything back.
 */
#include <ktest.h>
#include <kthread.h>
#include <process.h>
#include <ros/syscall.h>

#define KT_MCP_PROG "/test/libc_mcp_exit"
#define KT_MCP_ROUNDS 2

static struct proc *kt_mcp_start(const char *mode, const char *nr)
{
	const char *argv[] = { KT_MCP_PROG, "child", mode, nr, NULL };
	struct proc *p;

	if (proc_create(KT_MCP_PROG, argv, NULL, &p))
		return NULL;
	if (proc_run(p)) {
		proc_kill(p, WSTATUS_KILLED);
		proc_wait(p);
		return NULL;
	}
	return p;
}

/* The child exits (code 7) with 8, 32, then 64 threads blocked. */
KTEST(mcp, exit_with_threads_blocked_in_syscalls_leaks_nothing)
{
	static const char *const nr[] = { "8", "32", "64" };
	int64_t before = proc_nr_live();
	uint64_t kts = kthread_nr_live();

	for (size_t i = 0; i < sizeof(nr) / sizeof(nr[0]) * KT_MCP_ROUNDS; i++) {
		struct proc *p = kt_mcp_start("exit", nr[i % 3]);
		int status;

		KT_ASSERT(p);
		status = proc_wait(p);
		KT_ASSERT_MSG(status == WSTATUS_EXITED(7), "%s threads: status %#x", nr[i % 3],
		              status);
	}
	KT_ASSERT_EQ(proc_nr_live(), before);
	KT_ASSERT_EQ(kthread_nr_live(), kts);
}

/* Killed from here while its 32 threads are (by then) blocked. */
KTEST(mcp, kill_with_threads_blocked_in_syscalls_leaks_nothing)
{
	int64_t before = proc_nr_live();
	uint64_t kts = kthread_nr_live();
	struct proc *p = kt_mcp_start("hold", "32");

	KT_ASSERT(p);
	kthread_usleep(300 * 1000);
	KT_ASSERT_EQ(proc_kill(p, WSTATUS_KILLED), 0);
	KT_ASSERT_EQ(proc_wait(p), WSTATUS_KILLED);
	KT_ASSERT_EQ(proc_nr_live(), before);
	KT_ASSERT_EQ(kthread_nr_live(), kts);
}
