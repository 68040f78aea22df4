/* SPDX-License-Identifier: MIT */
/*
 * lx_sig_deliver.c - acting on a signal: calling its handler, or its
 * default action; the parlib hook that delivers after calls and wake-ups;
 * lx_sig_deliver_sync for signals a thread raises on itself (faults).
 *
 * A handler is called as a function, in the thread that took the signal,
 * on the alternate stack when SA_ONSTACK asks (lx_sigaltstack.c).  It gets
 * (sig) or, with SA_SIGINFO, (sig, &siginfo, &ucontext): the siginfo as
 * queued, a ucontext whose uc_sigmask is the mask before the handler and
 * uc_stack the alternate stack.  Meanwhile the mask adds sa_mask and the
 * signal itself (not with SA_NODEFER); afterwards it is uc_sigmask, as
 * rt_sigreturn does.  SA_RESETHAND resets the action first.
 *
 * Default actions: CHLD, CONT, URG and WINCH are ignored (SIGCONT's
 * continue is the kernel's, done before the signal was posted); SIGTSTP,
 * SIGTTIN and SIGTTOU stop the process (the proc_stop call: the kernel
 * holds us until SIGCONT, and the parent sees WIFSTOPPED); every other
 * signal ends the process "killed by" it (proc_destroy with
 * PROC_EXIT_SIGNALED), which its parent reads with WIFSIGNALED/WTERMSIG.
 *
 * The hook (parlib's ros_syscall_hook, which parlib calls in any context)
 * first looks without a lock and without TLS: nothing in the UCQ and
 * nothing queued returns at once, in vcore context too; past that look,
 * vcore context (another FS, no thread of ours) returns, and nothing
 * queued that this thread lets through returns.  When a handler ran while this thread
 * waits in a call, the call is aborted (lx_sig_intr.c); so is a
 * sigtimedwait whose set now has a signal pending.
 */
#include <string.h>
#include <parlib/parlib.h>
#include <parlib/vcore.h>
#include "lx_sig.h"

bool lx_sig_default_ignores(int sig)
{
	switch (sig) {
	case LX_SIGCHLD: case LX_SIGCONT: case LX_SIGURG: case LX_SIGWINCH:
		return true;
	default:
		return false;
	}
}

void lx_sig_stop_self(int sig)
{
	ros_syscall_raw(SYS_proc_stop, sig, 0, 0, 0, 0, 0);
}

void lx_sig_terminate(int sig)
{
	for (;;)
		ros_syscall_raw(SYS_proc_destroy, 0, PROC_EXIT_SIGNALED | (sig & 0x7f), 0, 0, 0, 0);
}

struct lx_sig_frame {
	int sig;
	const struct lx_k_sigaction *act;
	struct lx_siginfo *info;
	struct lx_ucontext *uc;
};

static void lx_sig_frame_run(void *arg)
{
	const struct lx_sig_frame *f = arg;

	if (f->act->flags & LX_SA_SIGINFO)
		((void (*)(int, void *, void *))f->act->handler)(f->sig, f->info, f->uc);
	else
		((void (*)(int))f->act->handler)(f->sig);
}

/* Calls act's handler for info; uc given (faults) or made here. */
static void lx_sig_call(const struct lx_siginfo *info, struct lx_k_sigaction act,
                        struct lx_ucontext *uc)
{
	struct lx_sig_thr *me = lx_sig_me();
	struct lx_ucontext own;
	struct lx_siginfo si = *info;
	struct lx_sig_frame f = { info->si_signo, &act, &si, uc ? uc : &own };
	uint64_t call_caught = me->call_caught;
	bool call_norestart = me->call_norestart;

	if (!uc)
		memset(&own, 0, sizeof(own));
	f.uc->uc_sigmask[0] = me->mask;
	me->mask |= (uint64_t)act.mask[0] | (uint64_t)act.mask[1] << 32;
	if (!(act.flags & LX_SA_NODEFER))
		me->mask |= LX_SIGBIT(f.sig);
	me->mask &= ~LX_UNBLOCKABLE;
	if (act.flags & LX_SA_RESETHAND) {
		lx_sigactions[f.sig].handler = LX_SIG_DFL;
		lx_sigactions[f.sig].flags &= ~LX_SA_SIGINFO;
	}
	lx_sig_run_on_stack(act.flags, lx_sig_frame_run, &f, &f.uc->uc_stack);
	me->mask = f.uc->uc_sigmask[0] & ~LX_UNBLOCKABLE;
	me->call_caught = call_caught;          /* the handler's own calls are done */
	me->call_norestart = call_norestart;
	me->caught++;
	lx_sig_note_handler(act.flags);
}

bool lx_sig_act(const struct lx_siginfo *info)
{
	int sig = info->si_signo;
	struct lx_k_sigaction act = lx_sigactions[sig];

	if (act.handler == LX_SIG_IGN)
		return false;
	if (act.handler == LX_SIG_DFL) {
		if (lx_sig_default_stops(sig))
			lx_sig_stop_self(sig);
		else if (!lx_sig_default_ignores(sig))
			lx_sig_terminate(sig);
		return false;
	}
	lx_sig_call(info, act, NULL);
	return true;
}

bool lx_sig_deliver(void)
{
	struct lx_sig_thr *me = lx_sig_me();
	struct lx_siginfo si;
	bool ran = false;

	lx_sigq_drain();
	while (lx_sigq_take(~me->mask, me->tid, &si))
		ran |= lx_sig_act(&si);
	return ran;
}

void lx_sig_deliver_sync(const struct lx_siginfo *info, struct lx_ucontext *uc)
{
	int sig = info->si_signo;
	struct lx_sig_thr *me = lx_sig_me();
	struct lx_k_sigaction act;

	if (sig < 1 || sig >= LX_NSIG)
		return;
	act = lx_sigactions[sig];
	if (act.handler != LX_SIG_DFL && act.handler != LX_SIG_IGN &&
	    !(me->mask & LX_SIGBIT(sig))) {
		lx_sig_call(info, act, uc);
		return;
	}
	if (lx_sig_default_stops(sig) && act.handler == LX_SIG_DFL)
		lx_sig_stop_self(sig);
	else if (!lx_sig_default_ignores(sig) && !lx_sig_default_stops(sig))
		lx_sig_terminate(sig);
}

/* Something is queued or in the UCQ, and this is a thread of ours. */
static __attribute__((noinline)) void lx_sig_hook_busy(void)
{
	uint64_t any = lx_sigq_any();
	struct lx_sig_thr *me = lx_sig_me();

	if (lx_sigq_idle() && !(any & (~me->mask | me->waiting_for)))
		return;
	if (lx_sig_deliver() ||
	    (me->waiting_for && (lx_sigq_pending(me->tid) & me->waiting_for)))
		lx_sig_abort_wait();
}

void lx_sig_hook(void)
{
	if (lx_sigq_quiet() || in_vcore_context())
		return;                 /* after most calls: nothing queued at all */
	lx_sig_hook_busy();
}

void lx_sig_after_fork(void)
{
	lx_sigq_clear();                /* the child has none of its parent's */
	lx_sig_me()->tid = (int)parlib_getpid();
}
