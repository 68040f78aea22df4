/* SPDX-License-Identifier: MIT */
/*
 * parlib/syscall.h - issuing Vireo's native syscalls from C programs.
 *
 *	long fd = ros_syscall(SYS_openat, -100, path, len, O_READ, 0, 0);
 *	if (fd < 0)
 *		printf("open: %s (errno %d)\n", errstr(), errno);
 *
 *	long r = ros_syscall_raw(SYS_read, fd, buf, n, 0, 0, 0);   (r = -err)
 *
 * Every call is one struct syscall on the caller's stack issued through the
 * asynchronous ABI (ros/syscall.h): the trap runs it, and if it comes back
 * without SC_DONE (the call sleeps in the kernel), the SCP waits for it in
 * ros_syscall_blockon().  ros_syscall() returns the call's retval, or -1 with
 * errno set to the kernel's err; ros_syscall_raw() returns retval or -err and
 * leaves errno alone (the C library's translation layer uses it).  Both keep
 * the errstr of the last FAILED call: errstr() returns it ("" before any
 * failure), like errno it is not cleared by a call that works.
 *
 * The trap and the wait (syscall_wait.c) are freestanding: the test
 * programs of user/tiny link them too; the rest (syscall.c) needs the C
 * library.  Single uthread (thread0) only: the errstr buffer and the
 * wake-up queue are one per process.
 * Do not include this header together with <sys/syscall.h>: both define
 * SYS_* names (Vireo's and Linux's numbers).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <ros/syscall.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The trap alone (in C; vcore_pop.c has the only other one): does not wait. */
void ros_syscall_trap(struct syscall *scs, unsigned long count);

/* Runs *sc (num and args filled, flags 0) and waits until it is done. */
void ros_syscall_run(struct syscall *sc);

/* Waits until the kernel has finished with *sc (SC_DONE, then !SC_K_LOCK). */
void ros_syscall_blockon(struct syscall *sc);

/* Registers flag (SC_UEVENT or SC_UWAKE) with the CAS of ros/syscall.h:
 * false, and nothing set, once the call is done or made progress. */
static inline bool ros_syscall_flag_unless_done(struct syscall *sc, uint32_t flag)
{
	uint32_t f = __atomic_load_n(&sc->flags, __ATOMIC_ACQUIRE);

	do {
		if (f & (SC_DONE | SC_PROGRESS))
			return false;
	} while (!__atomic_compare_exchange_n(&sc->flags, &f, f | flag, false,
	                                      __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
	return true;
}

/* One call: retval, or -err (errstr() updated on failure). */
long ros_syscall_raw(unsigned int num, long a0, long a1, long a2, long a3, long a4, long a5);

/* One call: retval, or -1 with errno = err (errstr() updated on failure). */
long ros_syscall(unsigned int num, long a0, long a1, long a2, long a3, long a4, long a5);

/* The errstr of the last call that failed, NUL-terminated; "" if none. */
const char *errstr(void);

/* Sets the errstr that errstr() returns (user-space errors, e.g. emulation). */
void errstr_set(const char *msg);

/*
 * Called (when not NULL) after every ros_syscall_run() and after each
 * wake-up of a call that waits: the C library delivers signals from it.
 * It may issue syscalls itself (it then runs again, nested: guard it).
 * It is called in vcore context too: it must check in_vcore_context()
 * before it touches TLS or uthread state (a first look at plain globals
 * may come before, to keep the common call cheap).
 */
extern void (*ros_syscall_hook)(void);

/* The call this SCP waits for in ros_syscall_blockon(), while the hook
 * runs from a wake-up (so it can abort_sysc it: a signal handler ran);
 * NULL otherwise.  A nested call that waits (from the hook) shows its own
 * record until it is done. */
struct syscall *ros_syscall_waiting(void);

/* Gives up the core: SYS_proc_yield(being_nice), not waited for; on an
 * MCP with a 2LS, the calling uthread yields to the others instead. */
void ros_yield(int being_nice);

/* The 2LS's ways to wait (uth_fifo.c sets them; NULL in test programs):
 * true if it handled the wait (sc is done when ros_blockon_2ls returns
 * true), false to fall back to the SCP way. */
extern bool (*ros_yield_2ls)(int being_nice);
extern bool (*ros_blockon_2ls)(struct syscall *sc);

#ifdef __cplusplus
}
#endif
