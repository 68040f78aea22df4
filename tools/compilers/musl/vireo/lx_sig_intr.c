/* SPDX-License-Identifier: MIT */
/*
 * lx_sig_intr.c - system calls a signal interrupts: EINTR, or a restart
 * under SA_RESTART, as POSIX and Linux specify per call.
 *
 * The dispatcher (linux_syscalls.c) calls lx_sig_call_begin() before each
 * Linux call: the thread's handler count is noted.  When a handler runs
 * while the thread waits in a Vireo call (parlib's hook after a wake-up:
 * ros_syscall_waiting() names the call), the call is aborted with
 * SYS_abort_sysc: the kernel ends its sleep and it fails with EINTR (a
 * call that completes anyway returns its result).  A wait of the layer
 * itself (poll, select, epoll, pause, sigsuspend, sigtimedwait) asks
 * lx_sig_interrupted() after each wake-up and returns -EINTR.  Then the
 * dispatcher asks lx_sig_restart(nr): the call is issued again if every
 * handler that ran meanwhile had SA_RESTART and the call is one Linux
 * restarts (reads, writes, opens, waits for children, ioctl, futex,
 * sockets, locks); sleeps, readiness waits and signal waits never restart
 * (nanosleep and clock_nanosleep report the time left in rem).
 * Everything here is the calling thread's (struct lx_sig_thr).
 */
#include <parlib/parlib.h>
#include "lx_sig.h"

void lx_sig_call_begin(void)
{
	struct lx_sig_thr *me = lx_sig_me();

	me->call_caught = me->caught;
	me->call_norestart = false;
}

bool lx_sig_interrupted(void)
{
	struct lx_sig_thr *me = lx_sig_me();

	return me->caught != me->call_caught;
}

void lx_sig_note_handler(unsigned long sa_flags)
{
	if (!(sa_flags & LX_SA_RESTART))
		lx_sig_me()->call_norestart = true;
}

/* The abort is a call too, after which the hook runs again (nested) and
 * would abort again, for ever: not while one is under way. */
void lx_sig_abort_wait(void)
{
	struct lx_sig_thr *me = lx_sig_me();
	struct syscall *sc = ros_syscall_waiting();

	if (!sc || me->aborting)
		return;
	me->aborting = true;
	ros_syscall_raw(SYS_abort_sysc, (long)sc, 0, 0, 0, 0, 0);
	me->aborting = false;
}

/* Linux's numbers of the calls SA_RESTART restarts (signal(7)). */
static bool lx_sig_restartable(long nr)
{
	switch (nr) {
	case 0: case 1: case 2: case 16: case 17: case 18: case 19: case 20:  /* read..writev */
	case 42: case 43: case 44: case 45: case 46: case 47:   /* connect..recvmsg */
	case 61: case 72: case 73: case 202: case 247:  /* wait4 fcntl flock futex waitid */
	case 257: case 288: case 299: case 307:         /* openat accept4 recvmmsg sendmmsg */
	case 242: case 243: case 318:   /* mq_timedsend mq_timedreceive getrandom */
		return true;
	default:
		return false;
	}
}

bool lx_sig_restart(long nr)
{
	struct lx_sig_thr *me = lx_sig_me();

	return me->caught != me->call_caught && !me->call_norestart && lx_sig_restartable(nr);
}
