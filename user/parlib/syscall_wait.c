/* SPDX-License-Identifier: MIT */
/*
 * syscall_wait.c - the trap and the wait for completion (parlib/syscall.h),
 * shared by parlib and the freestanding test programs (user/tiny), which
 * both link this one file.
 *
 * ros_syscall_trap() is the C code that executes `syscall` (the other
 * is vcore_pop.c's trampoline): rdi = the array, rsi = the count; the kernel clobbers rcx and
 * r11, the compiler is told rax is clobbered too (nothing useful comes back
 * there), and "memory" because the kernel writes the records.
 *
 * After the trap a call that slept in the kernel comes back with SC_DONE
 * clear, and ros_syscall_blockon() waits for it: it does not spin (the
 * call can finish only when this SCP's core runs the kernel, which it
 * does not while we spin), it sets SC_UWAKE (a CAS that gives up once
 * SC_DONE is set: ros/syscall.h), so the completion wakes the process, and
 * sleeps in SYS_proc_yield(0) until SC_DONE is set: the process is WAITING,
 * not polling.  The kernel remembers a wakeup that lands before the yield,
 * so none is lost; a wakeup meant for something else (a signal's event,
 * another call's completion) only costs one more look at the flags.  Flags
 * are read with acquire loads, so err/retval/errstr written before SC_DONE
 * are visible; the record is not reused until SC_K_LOCK clears (it is set
 * only for a record someone registered an ev_q on).  The yield is a ctx
 * call: it completes before its trap returns.
 * That wait is for SCPs.  On an MCP a call from uthread context that
 * sleeps comes back unfinished too (the kernel detaches it,
 * kern/src/proc/mcp_sysc.c): with a 2LS installed, ros_blockon_2ls parks
 * just that uthread (uth_fifo.c); without one (the test programs) the
 * uthread spins until SC_DONE (the call's kthread shares the core by the
 * slice alarm).  Calls from vcore context complete before the trap
 * returns.  ros_yield goes through ros_yield_2ls the same way, since an
 * MCP's proc_yield would give the vcore away.
 *
 * ros_syscall_hook, when set (the C library sets it for signals over
 * events, Documentation/libc.md), runs after every ros_syscall_run() and
 * after each wake-up while a call waits, in vcore context too (the hook
 * checks in_vcore_context() before it touches thread state); ros_syscall_waiting() names the
 * call waited for meanwhile (the C library aborts it when a signal handler
 * ran: EINTR).  Tiny programs never set the hook.
 *
 * Freestanding (ros/ headers and compiler builtins only); single uthread
 * (thread0): ros_waiting is one per process.
 */
#include <parlib/syscall.h>
#include <parlib/vcore.h>
#include <ros/procinfo.h>

void ros_syscall_trap(struct syscall *scs, unsigned long count)
{
	__asm__ volatile("syscall"
	                 :
	                 : "D"(scs), "S"(count)
	                 : "rax", "rcx", "r11", "memory");
}

static uint32_t ros_syscall_flags(const struct syscall *sc)
{
	return __atomic_load_n(&sc->flags, __ATOMIC_ACQUIRE);
}

bool (*ros_yield_2ls)(int being_nice);
bool (*ros_blockon_2ls)(struct syscall *sc);

static bool ros_is_mcp(void)
{
	const volatile struct procinfo *pi = (const volatile struct procinfo *)UINFO;

	return pi->is_mcp != 0;
}

void ros_yield(int being_nice)
{
	bool (*y2)(int) = __atomic_load_n(&ros_yield_2ls, __ATOMIC_ACQUIRE);
	struct syscall y;

	if (y2 && y2(being_nice))
		return;

	y.num = SYS_proc_yield;         /* the kernel reads num, flags, args */
	y.flags = 0;
	y.arg0 = (uint64_t)(being_nice != 0);
	ros_syscall_trap(&y, 1);
}

void (*ros_syscall_hook)(void);

/* In any context: the hook itself (the C library's) returns at once in
 * vcore context, after a first look that needs no TLS (it runs after every
 * call, so that look is what the common call pays). */
static void ros_run_hook(void)
{
	void (*hook)(void) = __atomic_load_n(&ros_syscall_hook, __ATOMIC_RELAXED);

	if (hook)
		hook();
}

static struct syscall *ros_waiting;     /* SCP: the call blockon waits for */

struct syscall *ros_syscall_waiting(void)
{
	return ros_waiting;
}

static void ros_park(void)
{
	ros_yield(0);
	ros_run_hook();
}

void ros_syscall_blockon(struct syscall *sc)
{
	bool (*b2)(struct syscall *) = __atomic_load_n(&ros_blockon_2ls, __ATOMIC_ACQUIRE);

	if (!(ros_syscall_flags(sc) & SC_DONE) && b2 && b2(sc))
		return;
	if (!(ros_syscall_flags(sc) & SC_DONE) && ros_is_mcp()) {
		while (!(ros_syscall_flags(sc) & SC_DONE))
			__builtin_ia32_pause();
	}
	if (!(ros_syscall_flags(sc) & SC_DONE)) {
		struct syscall *outer = ros_waiting;    /* a call from the hook nests */

		ros_waiting = sc;
		if (ros_syscall_flag_unless_done(sc, SC_UWAKE))     /* the completion wakes us */
			while (!(ros_syscall_flags(sc) & SC_DONE))
				ros_park();
		ros_waiting = outer;
	}
	while (ros_syscall_flags(sc) & SC_K_LOCK)
		__builtin_ia32_pause();
}

void ros_syscall_run(struct syscall *sc)
{
	ros_syscall_trap(sc, 1);
	/* Mostly done in the trap, and not locked: nothing to wait for. */
	if ((ros_syscall_flags(sc) & (SC_DONE | SC_K_LOCK)) != SC_DONE)
		ros_syscall_blockon(sc);
	ros_run_hook();
}
