/* SPDX-License-Identifier: MIT */
/*
 * fork.c - parlib in the child of a fork from a uthread (parlib/uthread.h:
 * parlib_fork_child).
 *
 * An MCP forks from one of its uthreads: the kernel makes an SCP whose
 * memory is a copy of the parent's and which runs that uthread's context
 * (kern/src/proc/fork.c).  Everything parlib kept about the parent's
 * other uthreads and vcores is a copy too, and false: the run queue, the
 * uthreads parked on syscalls, the futex waiters, the vcores' current
 * uthreads and the VCPDs' notification state, and locks another vcore may
 * have held at the moment of the copy.  parlib_fork_child, the child's
 * first step, puts it back as before threads started: no 2LS, thread0 (the
 * static struct uthread) stands for the caller, and the next
 * uthread_lib_init makes the child an MCP of its own.
 *
 * Rules: only in the child, first thing after the fork returned 0, before
 * any call that may block or look at uthreads (the C library's syscall
 * hook included); single-threaded by construction, so no locks.
 */
#include <parlib/futex.h>
#include <parlib/uth_fifo.h>
#include <parlib/uthread.h>
#include <parlib/vcore.h>

void parlib_fork_child(void)
{
	uth_fifo_after_fork();
	futex_after_fork();
	uthread_after_fork();           /* current_uthread() is thread0 from here */
	vcore_after_fork();
}
