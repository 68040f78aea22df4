/* SPDX-License-Identifier: MIT */
/*
 * lx_sig_vcore.c - signals for a threaded process (a 2LS) whose threads
 * all wait: in user-level sync objects (mutexes, condvars: futexes) or
 * parked on system calls, so no thread passes the syscall hook.
 *
 * The signal queue has EVENT_WAKEUP: a message wakes the idle process,
 * whose vcore enters vcore context and handles its events; parlib then
 * calls vcore_events_hook, which is lx_sig_vcore.  It drains the UCQ and,
 * for each live thread, looks at what is pending for it that its mask
 * lets through:
 *   - a signal whose action is the default "terminate" ends the process
 *     here, in vcore context (as SIGALRM of alarm() must end a program
 *     deadlocked on its own mutex); one whose default is "stop" (SIGTSTP,
 *     SIGTTIN, SIGTTOU) is taken and stops the process here;
 *   - a signal with a handler: when the thread is parked on a system
 *     call (uthread.sysc), the call is aborted, so the thread runs again,
 *     takes the signal at the hook after the call, and the call returns
 *     EINTR or restarts (lx_sig_intr.c); when it waits on a futex (a
 *     mutex, condvar, semaphore, join), the wait ends with -EINTR
 *     (futex_interrupt) and lx_futex runs the handler before it returns.
 * A thread that lists itself as a futex waiter, or parks on a system call,
 * just after its signal came asks again (lx_sig_wait_check, parlib's
 * uthread_wait_hook), so none is missed.
 * Ignored signals are left for the threads to drop.  lx_sig_kick does the
 * same from a thread, after a signal it queued for another thread (tkill)
 * or one it blocks itself.  Once the process is an MCP its signal queue
 * also has EVENT_IPI, so a vcore that runs a thread comes here too.
 * Vcore context: no
 * TLS of the C library here (the registry and the queue are global), no
 * blocking (the queue's lock is a spin-PDR lock; the aborts and
 * proc_destroy complete at once).
 */
#include <parlib/futex.h>
#include <parlib/parlib.h>
#include <parlib/uthread.h>
#include <parlib/vcore.h>
#include "lx_sig.h"

/* The first signal of set whose action is the default "terminate"
 * (stop: the default "stop" instead). */
static int lx_sig_default_of(uint64_t set, bool stop)
{
	for (; set; set &= set - 1) {
		int sig = __builtin_ctzll(set) + 1;
		unsigned long h = lx_sigactions[sig].handler;

		if (h == LX_SIG_DFL && !lx_sig_default_ignores(sig) &&
		    lx_sig_default_stops(sig) == stop)
			return sig;
	}
	return 0;
}

static bool lx_sig_has_handler(uint64_t set)
{
	for (; set; set &= set - 1) {
		unsigned long h = lx_sigactions[__builtin_ctzll(set) + 1].handler;

		if (h != LX_SIG_DFL && h != LX_SIG_IGN)
			return true;
	}
	return false;
}

static bool lx_sig_kick_thread(struct lx_sig_thr *t, void *arg)
{
	uint64_t ready = lx_sigq_pending(t->tid) & ~__atomic_load_n(&t->mask, __ATOMIC_RELAXED);
	struct uthread *u = __atomic_load_n(&t->uth, __ATOMIC_ACQUIRE);
	struct lx_siginfo si;
	struct syscall *sc;
	int sig;

	(void)arg;
	if (!ready)
		return false;
	if ((sig = lx_sig_default_of(ready, false)))
		lx_sig_terminate(sig);
	if ((sig = lx_sig_default_of(ready, true)) &&
	    lx_sigq_take(LX_SIGBIT(sig), t->tid, &si))
		lx_sig_stop_self(sig);  /* returns once continued */
	if (!u || !lx_sig_has_handler(ready))
		return false;
	if ((sc = __atomic_load_n(&u->sysc, __ATOMIC_ACQUIRE)))
		ros_syscall_raw(SYS_abort_sysc, (long)sc, 0, 0, 0, 0, 0);
	else
		futex_interrupt(u);
	return false;
}

struct lx_sig_waiter {
	struct uthread *u;
	bool wake;
};

static bool lx_sig_check_waiter(struct lx_sig_thr *t, void *arg)
{
	struct lx_sig_waiter *w = arg;
	uint64_t ready;

	if (__atomic_load_n(&t->uth, __ATOMIC_ACQUIRE) != w->u)
		return false;
	ready = lx_sigq_pending(t->tid) & ~__atomic_load_n(&t->mask, __ATOMIC_RELAXED);
	w->wake = lx_sig_has_handler(ready) || lx_sig_default_of(ready, false);
	return true;
}

/* parlib's uthread_wait_hook (vcore context): u is listed as a futex
 * waiter, or parked on a call, now; true if a signal it should act on is
 * pending already. */
static bool lx_sig_wait_check(struct uthread *u)
{
	struct lx_sig_waiter w = { u, false };

	if (lx_sigq_any())
		lx_sig_thr_each(lx_sig_check_waiter, &w);
	return w.wake;
}

void lx_sig_wait_start(void)
{
	__atomic_store_n(&uthread_wait_hook, lx_sig_wait_check, __ATOMIC_RELEASE);
}

void lx_sig_vcore(uint32_t vcoreid)
{
	(void)vcoreid;
	if (!lx_threads_running() || (lx_sigq_idle() && !lx_sigq_any()))
		return;
	lx_sigq_drain();
	if (lx_sigq_any())
		lx_sig_thr_each(lx_sig_kick_thread, NULL);
}

void lx_sig_kick(void)
{
	if (lx_threads_running() && lx_sigq_any())
		lx_sig_thr_each(lx_sig_kick_thread, NULL);
}
