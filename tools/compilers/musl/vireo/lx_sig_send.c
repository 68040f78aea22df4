/* SPDX-License-Identifier: MIT */
/*
 * lx_sig_send.c - sending signals: kill, tkill, tgkill, rt_sigqueueinfo,
 * rt_tgsigqueueinfo, and the SIGPIPE of a write that found no reader.
 *
 * To another process: SYS_notify(pid, EV_POSIX_SIGNAL, msg) in the fixed
 * layout (lx_sig_queue.c decodes it: signal, our pid, si_value, si_code).
 * SIGKILL is not a message but proc_destroy of the target (its parent
 * reads WTERMSIG 9); SIGSTOP and SIGCONT are the kernel's signal_proc,
 * which stops or continues the target itself (kern/src/proc/jobctl.c:
 * SIGCONT's message follows from there).  A target that takes no signals
 * (notify: ENOENT, not a C-library program or not started yet) gets the
 * default action from us: nothing for a signal ignored by default, a stop
 * through signal_proc for SIGTSTP, SIGTTIN, SIGTTOU, else it ends "by" it.  A
 * real-time signal that finds the target's queue full is lost there (the
 * notify cannot tell); to ourselves it is EAGAIN.
 *
 * To ourselves (kill of our pid, raise, tkill/tgkill of one of our
 * threads): queued here, for the process or for that thread, and
 * delivered before the call returns when the calling thread may take it.
 * A signal for another of our threads is taken at that thread's next
 * call; lx_sig_kick aborts the call it is parked on, if any, and a
 * default "terminate" ends the process at once.  SIGSTOP to ourselves (or
 * a thread of ours) stops the whole process in the kernel at once.
 * Process groups (pid <= 0) are lx_pgrp.c's.
 */
#include <string.h>
#include <parlib/parlib.h>
#include "lx_sig.h"

static int lx_sig_mypid(void)
{
	return (int)parlib_getpid();
}

/* Queues info for us (tid 0: the process) and delivers what we may take. */
static long lx_sig_raise(const struct lx_siginfo *info, int tid)
{
	long r;

	if (info->si_signo == 0)
		return 0;
	if (info->si_signo == LX_SIGKILL)
		lx_sig_terminate(LX_SIGKILL);
	if (info->si_signo == LX_SIGSTOP)       /* the kernel's: stops us now */
		return ros_syscall_raw(SYS_signal_proc, lx_sig_mypid(), LX_SIGSTOP, 0, 0, 0, 0);
	r = lx_sigq_add(info, tid);
	if (r == 0) {
		lx_sig_deliver();
		lx_sig_kick();          /* for another thread, or one we block */
	}
	return r;
}

/* The message for info to pid, or the default action done for it. */
static long lx_sig_notify(long pid, const struct lx_siginfo *info)
{
	struct event_msg m;
	int sig = info->si_signo;
	long r;

	if (sig == LX_SIGKILL)
		return ros_syscall_raw(SYS_proc_destroy, pid, 0, 0, 0, 0, 0);
	if (sig == LX_SIGSTOP || sig == LX_SIGCONT)
		return ros_syscall_raw(SYS_signal_proc, pid, sig, 0, 0, 0, 0);
	memset(&m, 0, sizeof(m));
	m.ev_type = EV_POSIX_SIGNAL;
	m.ev_arg1 = (uint16_t)sig;
	m.ev_arg2 = (uint32_t)lx_sig_mypid();
	m.ev_arg3 = info->si_value;
	m.ev_arg4 = (uint32_t)info->si_code;
	r = ros_syscall_raw(SYS_notify, pid, EV_POSIX_SIGNAL, (long)&m, 0, 0, 0);
	if (r != -LX_ENOENT)
		return r;
	if (lx_sig_default_stops(sig))          /* the kernel stops it */
		return ros_syscall_raw(SYS_signal_proc, pid, sig, 0, 0, 0, 0);
	if (sig == 0 || lx_sig_default_ignores(sig))
		return 0;
	return ros_syscall_raw(SYS_proc_destroy, pid, PROC_EXIT_SIGNALED | (sig & 0x7f), 0, 0, 0,
	                       0);
}

/* info (signal checked) to process pid > 0, or to thread tid of ours. */
static long lx_sig_send_info(long pid, int tid, struct lx_siginfo *info)
{
	lx_sig_start();
	info->si_pid = lx_sig_mypid();
	info->si_uid = 0;
	if (pid != lx_sig_mypid())
		return lx_sig_notify(pid, info);
	if (tid && !lx_sig_thr_find(tid) && tid != lx_sig_mypid())
		return -LX_ESRCH;
	return lx_sig_raise(info, tid);         /* thread0's tid is the pid */
}

static long lx_sig_simple(long pid, int tid, long sig, int code)
{
	struct lx_siginfo si;

	if (sig < 0 || sig >= LX_NSIG)
		return -LX_EINVAL;
	memset(&si, 0, sizeof(si));
	si.si_signo = (int)sig;
	si.si_code = code;
	return lx_sig_send_info(pid, tid, &si);
}

long lx_kill(const long *a)
{
	int pid = (int)a[0];

	if ((int)a[1] < 0 || (int)a[1] >= LX_NSIG)
		return -LX_EINVAL;
	if (pid <= 0) {
		lx_errstr("kill", "no process groups on Vireo: the pid must be > 0");
		return -LX_ENOSYS;
	}
	return lx_sig_simple(pid, 0, (int)a[1], LX_SI_USER);
}

/* A thread id: one of ours (pid, tid), or another process's pid. */
static long lx_sig_to_tid(int tid, long sig, int code)
{
	if (lx_tid_is_thread(tid))
		return lx_sig_simple(lx_sig_mypid(), tid, sig, code);
	if (tid == lx_sig_mypid())
		return lx_sig_simple(tid, tid, sig, code);
	return lx_sig_simple(tid, 0, sig, code);
}

long lx_tkill(const long *a)
{
	if ((int)a[0] <= 0)
		return -LX_EINVAL;
	return lx_sig_to_tid((int)a[0], (int)a[1], LX_SI_TKILL);
}

long lx_tgkill(const long *a)
{
	int tgid = (int)a[0], tid = (int)a[1];

	if (tgid <= 0 || tid <= 0)
		return -LX_EINVAL;
	if (tgid == lx_sig_mypid() ? !(tid == tgid || lx_tid_is_thread(tid)) : tid != tgid)
		return -LX_ESRCH;
	return lx_sig_to_tid(tid, (int)a[2], LX_SI_TKILL);
}

/* The caller's siginfo for sigqueue: only its value and code are used.
 * Linux refuses codes of the kernel's (>= 0, or SI_TKILL) to another
 * process: EPERM. */
static long lx_sig_queue_info(long pid, int tid, long sig, const struct lx_siginfo *uinfo)
{
	struct lx_siginfo si;

	if (sig < 0 || sig >= LX_NSIG)
		return -LX_EINVAL;
	if (!uinfo)
		return -LX_EFAULT;
	if ((uinfo->si_code >= 0 || uinfo->si_code == LX_SI_TKILL) && pid != lx_sig_mypid())
		return -LX_EPERM;
	memset(&si, 0, sizeof(si));
	si.si_signo = (int)sig;
	si.si_code = uinfo->si_code;
	si.si_value = uinfo->si_value;
	return lx_sig_send_info(pid, tid, &si);
}

long lx_rt_sigqueueinfo(const long *a)
{
	if ((int)a[0] <= 0) {
		lx_errstr("sigqueue", "no process groups on Vireo: the pid must be > 0");
		return (int)a[0] == 0 ? -LX_ENOSYS : -LX_ESRCH;
	}
	return lx_sig_queue_info((int)a[0], 0, (int)a[1], (const struct lx_siginfo *)a[2]);
}

long lx_rt_tgsigqueueinfo(const long *a)
{
	int tgid = (int)a[0], tid = (int)a[1];

	if (tgid <= 0 || tid <= 0)
		return -LX_EINVAL;
	if (tgid == lx_sig_mypid()) {
		if (tid != tgid && !lx_tid_is_thread(tid))
			return -LX_ESRCH;
		return lx_sig_queue_info(tgid, tid, (int)a[2], (const struct lx_siginfo *)a[3]);
	}
	if (tid != tgid)
		return -LX_ESRCH;
	return lx_sig_queue_info(tgid, 0, (int)a[2], (const struct lx_siginfo *)a[3]);
}

void lx_sigpipe(void)
{
	const long none[6] = { 0 };
	const long k[6] = { lx_getpid(none), lx_gettid(none), LX_SIGPIPE };

	lx_tgkill(k);
}
