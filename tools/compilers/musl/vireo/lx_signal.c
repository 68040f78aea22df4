/* SPDX-License-Identifier: MIT */
/*
 * lx_signal.c - POSIX signals over Vireo's events, for the translation
 * layer (rows rt_sigaction, rt_sigprocmask, rt_sigpending, rt_sigsuspend,
 * pause, kill, tkill, tgkill in linux_syscalls.c).
 *
 * Model.  A signal to another process is SYS_notify(pid, EV_POSIX_SIGNAL,
 * msg) with ev_arg1 = the signal and ev_arg2 = the sender's pid; the kernel
 * posts it to the target's procdata kernel_evts[EV_POSIX_SIGNAL].  Every
 * process of the C library registers a UCQ there (with EVENT_WAKEUP) at
 * its first system call (lx_sig_start).  SIGKILL is not a message: it is
 * proc_destroy of the target, whose parent then reads WSTATUS_KILLED (9).
 * A target that takes no signals (notify answers ENOENT: not a C-library
 * program, or not started yet) gets the default action from the sender:
 * nothing for the ignored signals, else proc_destroy "by signal sig".
 *
 * When handlers run.  parlib calls lx_sig_hook() after every system call
 * and after each wake-up while a call waits (ros_syscall_hook); it moves
 * the UCQ's messages into the pending set and acts on each pending signal
 * the mask allows: SIG_IGN drops it, a handler is called as a plain
 * function (with sa_mask and the signal itself blocked meanwhile, then
 * SA_RESETHAND honoured), and the default action ignores CHLD, CONT, URG,
 * WINCH and the stop signals (no job control) and ends the process for
 * the others as "killed by that signal" (proc_destroy with
 * PROC_EXIT_SIGNALED), which the parent reads with WIFSIGNALED/WTERMSIG.
 * A call that waits goes on waiting after a handler ran (as SA_RESTART).  Unblocking with
 * sigprocmask delivers what is pending; kill/raise of oneself delivers at
 * once.  Code that makes no system call never sees a signal.
 *
 * A message keeps its si_code, si_value and (SI_TIMER) timer id for the
 * handler's siginfo.  Signals of timers (SI_TIMER, or SI_KERNEL from
 * the itimer: #alarm sends them) are acknowledged with
 * lx_timer_delivered() when delivered or discarded, which gives their
 * overrun and lets the timer send the next one (lx_timer.c).
 * Pending signals are a set (no queueing, even for real-time signals).
 * State is per process; lx_sig_busy (taken with an atomic exchange) keeps
 * the hook from running inside itself (draining the UCQ may munmap a page)
 * or in two threads at once, and each pending bit is taken atomically, so
 * with threads a signal runs its handler once, in whichever thread got it.
 */
#include <string.h>
#include <ros/event.h>
#include <ros/mmap.h>
#include <ros/procdata.h>
#include <parlib/event.h>
#include <parlib/parlib.h>
#include "lx.h"

#define LX_SIGINT      2
#define LX_SIGKILL     9
#define LX_SIGCHLD    17
#define LX_SIGCONT    18
#define LX_SIGSTOP    19
#define LX_SIGTSTP    20
#define LX_SIGTTIN    21
#define LX_SIGTTOU    22
#define LX_SIGURG     23
#define LX_SIGWINCH   28
#define LX_SIG_BLOCK   0
#define LX_SIG_UNBLOCK 1
#define LX_SIG_SETMASK 2
#define LX_SIG_DFL    0UL
#define LX_SIG_IGN    1UL
#define LX_SA_SIGINFO   0x4UL
#define LX_SA_NODEFER   0x40000000UL
#define LX_SA_RESETHAND 0x80000000UL
#define LX_SI_USER      0
#define LX_SI_KERNEL    0x80
#define LX_SI_TIMER     (-2)
#define LX_PGSIZE       4096

#define LX_SIGBIT(s) (1ULL << ((s) - 1))
#define LX_UNBLOCKABLE (LX_SIGBIT(LX_SIGKILL) | LX_SIGBIT(LX_SIGSTOP))

/* What a handler with SA_SIGINFO gets: Linux's siginfo_t (128 bytes). */
struct lx_siginfo {
	int32_t si_signo;
	int32_t si_errno;
	int32_t si_code;
	int32_t __pad0;
	int32_t si_pid;                 /* SI_TIMER: si_timerid */
	uint32_t si_uid;                /* SI_TIMER: si_overrun */
	uint64_t si_value;
	uint8_t __rest[96];
};
_Static_assert(sizeof(struct lx_siginfo) == 128, "Linux siginfo_t");

static struct lx_k_sigaction lx_sigactions[LX_NSIG];
static uint64_t lx_sigmask;
static uint64_t lx_sig_pending;
static int32_t lx_sig_sender[LX_NSIG];  /* pid of the last sender, by signal */
static int32_t lx_sig_code[LX_NSIG];    /* its si_code (ev_arg4's low half) */
static uint32_t lx_sig_timer[LX_NSIG];  /* SI_TIMER: the timer id */
static uint64_t lx_sig_value[LX_NSIG];  /* its si_value */
static uint64_t lx_sig_caught;          /* handlers called: sigsuspend waits on it */
static int lx_sig_state;                /* 0 not started, 1 registered, -1 none */
static int lx_sig_busy;
static struct event_queue_big lx_sig_q;

static void *lx_sig_page_alloc(void)
{
	long a = ros_syscall_raw(SYS_mmap, 0, LX_PGSIZE, PROT_READ | PROT_WRITE,
	                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	return a < 0 && a > -4096 ? NULL : (void *)a;
}

static void lx_sig_page_free(void *pg)
{
	ros_syscall_raw(SYS_munmap, (long)pg, LX_PGSIZE, 0, 0, 0, 0);
}

static const struct ucq_mem_ops lx_sig_ucq_ops = { lx_sig_page_alloc, lx_sig_page_free };

void lx_sig_start(void)
{
	struct procdata *pd = (struct procdata *)UDATA;

	if (lx_sig_state)
		return;
	lx_sig_state = -1;
	if (!parlib_procinfo())         /* an old kernel: no shared pages, no events */
		return;
	if (event_mbox_init_ucq(&lx_sig_q.mbox, &lx_sig_ucq_ops))
		return;
	event_queue_init(&lx_sig_q.q, &lx_sig_q.mbox, EVENT_WAKEUP);
	__atomic_store_n(&pd->head.kernel_evts[EV_POSIX_SIGNAL],
	                 (uint64_t)(uintptr_t)&lx_sig_q.q, __ATOMIC_RELEASE);
	lx_sig_state = 1;
	ros_syscall_hook = lx_sig_hook;
}

/* Whether pending sig came from a timer (lx_timer.c acknowledges it). */
static bool lx_sig_is_timer(int sig)
{
	return lx_sig_code[sig] == LX_SI_TIMER || lx_sig_code[sig] == LX_SI_KERNEL;
}

/* Moves the UCQ's messages into the pending set. */
static void lx_sig_drain(void)
{
	struct event_msg m;

	if (lx_sig_state != 1)
		return;
	while (event_mbox_get(&lx_sig_q.mbox, &m)) {
		if (m.ev_type != EV_POSIX_SIGNAL || m.ev_arg1 < 1 || m.ev_arg1 >= LX_NSIG)
			continue;       /* kill(pid, 0) probes, and garbage */
		/* A timer's signal that replaces a pending one of another
		 * timer: the older one is discarded (no queueing yet). */
		if ((lx_sig_pending & LX_SIGBIT(m.ev_arg1)) && lx_sig_is_timer(m.ev_arg1))
			lx_timer_delivered(m.ev_arg1, lx_sig_code[m.ev_arg1],
			                   lx_sig_timer[m.ev_arg1]);
		__atomic_fetch_or(&lx_sig_pending, LX_SIGBIT(m.ev_arg1), __ATOMIC_RELAXED);
		lx_sig_sender[m.ev_arg1] = (int32_t)m.ev_arg2;
		lx_sig_code[m.ev_arg1] = (int32_t)(uint32_t)m.ev_arg4;
		lx_sig_timer[m.ev_arg1] = (uint32_t)(m.ev_arg4 >> 32);
		lx_sig_value[m.ev_arg1] = m.ev_arg3;
	}
}

static bool lx_sig_default_ignores(int sig)
{
	switch (sig) {
	case LX_SIGCHLD: case LX_SIGCONT: case LX_SIGURG: case LX_SIGWINCH:
	case LX_SIGSTOP: case LX_SIGTSTP: case LX_SIGTTIN: case LX_SIGTTOU:
		return true;
	default:
		return false;
	}
}

/* The default action "terminate": ended "by signal sig" (see above). */
static void lx_sig_terminate(int sig)
{
	for (;;)
		ros_syscall_raw(SYS_proc_destroy, 0, PROC_EXIT_SIGNALED | (sig & 0x7f), 0, 0, 0, 0);
}

static void lx_sig_call(int sig, const struct lx_k_sigaction *act, int overrun)
{
	uint64_t saved = lx_sigmask;

	lx_sigmask |= (uint64_t)act->mask[0] | (uint64_t)act->mask[1] << 32;
	if (!(act->flags & LX_SA_NODEFER))
		lx_sigmask |= LX_SIGBIT(sig);
	lx_sigmask &= ~LX_UNBLOCKABLE;
	if (act->flags & LX_SA_RESETHAND)
		lx_sigactions[sig].handler = LX_SIG_DFL;
	lx_sig_caught++;
	if (act->flags & LX_SA_SIGINFO) {
		struct lx_siginfo info;

		memset(&info, 0, sizeof(info));
		info.si_signo = sig;
		info.si_code = lx_sig_code[sig];
		info.si_pid = lx_sig_sender[sig];
		info.si_value = lx_sig_value[sig];
		if (info.si_code == LX_SI_TIMER) {
			info.si_pid = (int32_t)lx_sig_timer[sig];
			info.si_uid = (uint32_t)overrun;
		}
		((void (*)(int, void *, void *))act->handler)(sig, &info, NULL);
	} else {
		((void (*)(int))act->handler)(sig);
	}
	lx_sigmask = saved;
}

static void lx_sig_act(int sig)
{
	struct lx_k_sigaction act = lx_sigactions[sig];
	int overrun = 0;

	if (lx_sig_is_timer(sig))       /* delivered or discarded: acknowledged */
		overrun = lx_timer_delivered(sig, lx_sig_code[sig], lx_sig_timer[sig]);

	if (act.handler == LX_SIG_IGN)
		return;
	if (act.handler == LX_SIG_DFL) {
		if (!lx_sig_default_ignores(sig))
			lx_sig_terminate(sig);
		return;
	}
	lx_sig_call(sig, &act, overrun);
}

/* Acts on every pending signal the mask lets through, lowest first. */
static void lx_sig_deliver(void)
{
	uint64_t ready;

	/* Threads (uthreads on several vcores) may get here at once: one
	 * drains, and each pending signal is taken by one of them. */
	if (__atomic_exchange_n(&lx_sig_busy, 1, __ATOMIC_ACQUIRE))
		return;
	lx_sig_drain();
	__atomic_store_n(&lx_sig_busy, 0, __ATOMIC_RELEASE);
	while ((ready = __atomic_load_n(&lx_sig_pending, __ATOMIC_RELAXED) & ~lx_sigmask)) {
		int sig = __builtin_ctzll(ready) + 1;

		if (__atomic_fetch_and(&lx_sig_pending, ~LX_SIGBIT(sig), __ATOMIC_RELAXED) &
		    LX_SIGBIT(sig))
			lx_sig_act(sig);
	}
}

void lx_sig_hook(void)
{
	if (lx_sig_busy || (!lx_sig_pending && ucq_is_empty(&lx_sig_q.mbox.ucq)))
		return;
	lx_sig_deliver();
}

void lx_sig_after_fork(void)
{
	lx_sig_busy = 1;
	lx_sig_drain();                 /* the parent's undelivered messages */
	lx_sig_busy = 0;
	lx_sig_pending = 0;
}

/* Signals to ourselves: pending now, delivered at once if not blocked. */
static long lx_sig_raise(int sig)
{
	if (sig == 0)
		return 0;
	if (sig == LX_SIGKILL)
		lx_sig_terminate(sig);
	lx_sig_pending |= LX_SIGBIT(sig);
	lx_sig_sender[sig] = parlib_getpid();
	lx_sig_code[sig] = LX_SI_USER;
	lx_sig_value[sig] = 0;
	lx_sig_deliver();
	return 0;
}

/* kill/tkill/tgkill of process pid (> 0) with sig (0..64). */
static long lx_sig_send(long pid, long sig)
{
	struct event_msg m;
	long r;

	if (sig < 0 || sig >= LX_NSIG)
		return -LX_EINVAL;
	if (pid <= 0) {
		lx_errstr("kill", "no process groups on Vireo: the pid must be > 0");
		return -LX_ENOSYS;
	}
	lx_sig_start();
	if (pid == parlib_getpid())
		return lx_sig_raise((int)sig);
	if (sig == LX_SIGKILL)
		return ros_syscall_raw(SYS_proc_destroy, pid, 0, 0, 0, 0, 0);
	if (sig == LX_SIGSTOP) {
		lx_errstr("kill", "no job control on Vireo (SIGSTOP)");
		return -LX_ENOSYS;
	}
	memset(&m, 0, sizeof(m));
	m.ev_type = EV_POSIX_SIGNAL;
	m.ev_arg1 = (uint16_t)sig;
	m.ev_arg2 = (uint32_t)parlib_getpid();
	r = ros_syscall_raw(SYS_notify, pid, EV_POSIX_SIGNAL, (long)&m, 0, 0, 0);
	if (r != -LX_ENOENT)
		return r;
	/* The target takes no signals (no C library, or not started yet): the
	 * default action, done for it. */
	if (sig == 0 || lx_sig_default_ignores((int)sig))
		return 0;
	return ros_syscall_raw(SYS_proc_destroy, pid, PROC_EXIT_SIGNALED | (sig & 0x7f), 0, 0, 0,
	                       0);
}

long lx_kill(const long *a)
{
	return lx_sig_send((int)a[0], (int)a[1]);
}

long lx_tkill(const long *a)
{
	if ((int)a[0] <= 0)
		return -LX_EINVAL;
	if (lx_tid_is_thread((int)a[0]))        /* signals are per process */
		return lx_sig_send(lx_getpid(a), (int)a[1]);
	return lx_sig_send((int)a[0], (int)a[1]);
}

long lx_tgkill(const long *a)
{
	if ((int)a[0] <= 0 || (int)a[1] <= 0)
		return -LX_EINVAL;
	if ((int)a[0] != (int)a[1])
		return -LX_ESRCH;       /* one thread per process: tid == pid */
	return lx_sig_send((int)a[1], (int)a[2]);
}

long lx_rt_sigaction(const long *a)
{
	long sig = a[0];
	const struct lx_k_sigaction *act = (const struct lx_k_sigaction *)a[1];
	struct lx_k_sigaction *old = (struct lx_k_sigaction *)a[2];

	if (sig < 1 || sig >= LX_NSIG || a[3] != 8)
		return -LX_EINVAL;
	if (act && (sig == LX_SIGKILL || sig == LX_SIGSTOP))
		return -LX_EINVAL;
	lx_sig_start();
	if (old)
		*old = lx_sigactions[sig];
	if (act)
		lx_sigactions[sig] = *act;
	if (act && act->handler == LX_SIG_IGN && (lx_sig_pending & LX_SIGBIT(sig))) {
		lx_sig_pending &= ~LX_SIGBIT(sig);      /* POSIX: discard it */
		if (lx_sig_is_timer((int)sig))
			lx_timer_delivered((int)sig, lx_sig_code[sig], lx_sig_timer[sig]);
	}
	return 0;
}

/* The mask after how/set, or -EINVAL. */
static long lx_sigmask_apply(long how, const uint64_t *set)
{
	if (how == LX_SIG_BLOCK)
		lx_sigmask |= *set;
	else if (how == LX_SIG_UNBLOCK)
		lx_sigmask &= ~*set;
	else if (how == LX_SIG_SETMASK)
		lx_sigmask = *set;
	else
		return -LX_EINVAL;
	lx_sigmask &= ~LX_UNBLOCKABLE;
	return 0;
}

long lx_rt_sigprocmask(const long *a)
{
	const uint64_t *set = (const uint64_t *)a[1];
	uint64_t *old = (uint64_t *)a[2];
	long r;

	if (a[3] != 8 || (set && (a[0] < LX_SIG_BLOCK || a[0] > LX_SIG_SETMASK)))
		return -LX_EINVAL;
	if (old)
		*old = lx_sigmask;
	if (!set)
		return 0;
	r = lx_sigmask_apply(a[0], set);
	if (r == 0)
		lx_sig_deliver();
	return r;
}

long lx_rt_sigpending(const long *a)
{
	uint64_t *set = (uint64_t *)a[0];

	if (a[1] != 8)
		return -LX_EINVAL;
	if (!set)
		return -LX_EFAULT;
	if (!lx_sig_busy) {
		lx_sig_busy = 1;
		lx_sig_drain();
		lx_sig_busy = 0;
	}
	*set = lx_sig_pending & lx_sigmask;
	return 0;
}

/* Sleeps (proc_yield: the signal queue wakes us) until a handler ran. */
static long lx_sig_wait_caught(uint64_t mask)
{
	uint64_t saved = lx_sigmask, caught = lx_sig_caught;

	lx_sigmask = mask & ~LX_UNBLOCKABLE;
	lx_sig_deliver();
	while (lx_sig_caught == caught) {
		if (lx_sig_state != 1) {
			lx_sigmask = saved;
			lx_errstr("sigsuspend", "no signal queue in this process: it would sleep forever");
			return -LX_ENOSYS;
		}
		ros_yield(0);
		lx_sig_deliver();
	}
	lx_sigmask = saved;
	return -LX_EINTR;
}

long lx_rt_sigsuspend(const long *a)
{
	const uint64_t *set = (const uint64_t *)a[0];

	if (a[1] != 8)
		return -LX_EINVAL;
	if (!set)
		return -LX_EFAULT;
	return lx_sig_wait_caught(*set);
}

long lx_pause(const long *a)
{
	(void)a;
	return lx_sig_wait_caught(lx_sigmask);
}
