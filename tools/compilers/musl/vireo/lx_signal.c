/* SPDX-License-Identifier: MIT */
/*
 * lx_signal.c - POSIX signals over Vireo's events: the actions, the masks,
 * the per-thread state and the start (rows rt_sigaction, rt_sigprocmask,
 * rt_sigpending in linux_syscalls.c).  lx_sig.h lists the other signal
 * files and the rules of the state; Documentation/libc.md (Signals) the
 * model and the EV_POSIX_SIGNAL message layout.
 *
 * Start.  Every program of the C library registers a UCQ for
 * EV_POSIX_SIGNAL in procdata's kernel_evts[] (EVENT_WAKEUP) at its first
 * system call, and sets parlib's ros_syscall_hook to lx_sig_hook, which
 * runs after each call and each wake-up of a waiting call, and parlib's
 * vcore_events_hook to lx_sig_vcore (threads that all wait).
 *
 * Threads.  thread0's state is static; every other thread's lives in its
 * TLS and is listed in lx_sig_thrs[] (slots taken and freed with atomics)
 * from lx_sig_thread_begin (its creator, at clone: musl has set up the new
 * TLS by then) to lx_sig_thread_end (the thread itself), so tgkill finds
 * it as soon as pthread_create returns.  It starts with its creator's mask.
 */
#include <string.h>
#include <ros/event.h>
#include <ros/mmap.h>
#include <ros/procdata.h>
#include <parlib/event.h>
#include <parlib/parlib.h>
#include <parlib/vcore.h>
#include "lx_sig.h"

#define LX_PGSIZE       4096
#define LX_SIG_THR_MAX  512

struct lx_k_sigaction lx_sigactions[LX_NSIG];
int lx_sig_state;

static struct event_queue_big lx_sig_q;
static struct lx_sig_thr lx_sig_t0;
static __thread struct lx_sig_thr lx_sig_tls;
static __thread bool lx_sig_tls_on;
static struct lx_sig_thr *lx_sig_thrs[LX_SIG_THR_MAX];  /* [a] */

/* musl's __reset_tls (lx_tls.h): this thread's state out to buf, and back. */
void lx_sig_tls_save(unsigned char *buf, size_t len)
{
	if (len < sizeof(lx_sig_tls) + 1)
		lx_sig_terminate(LX_SIGABRT);   /* lx_tls.h's room is too small */
	memcpy(buf, &lx_sig_tls, sizeof(lx_sig_tls));
	buf[sizeof(lx_sig_tls)] = lx_sig_tls_on;
}

void lx_sig_tls_restore(const unsigned char *buf)
{
	memcpy(&lx_sig_tls, buf, sizeof(lx_sig_tls));
	lx_sig_tls_on = buf[sizeof(lx_sig_tls)];
}

struct lx_sig_thr *lx_sig_me(void)
{
	/* No TLS may exist before threads do (musl's __init_tls makes calls). */
	if (!lx_threads_running() || !lx_sig_tls_on)
		return &lx_sig_t0;
	return &lx_sig_tls;
}

struct lx_sig_thr *lx_sig_thr_find(int tid)
{
	for (int i = 0; i < LX_SIG_THR_MAX; i++) {
		struct lx_sig_thr *t = __atomic_load_n(&lx_sig_thrs[i], __ATOMIC_ACQUIRE);

		if (t && t->tid == tid)
			return t;
	}
	return NULL;
}

bool lx_sig_thr_each(bool (*fn)(struct lx_sig_thr *t, void *arg), void *arg)
{
	if (fn(&lx_sig_t0, arg))
		return true;
	for (int i = 0; i < LX_SIG_THR_MAX; i++) {
		struct lx_sig_thr *t = __atomic_load_n(&lx_sig_thrs[i], __ATOMIC_ACQUIRE);

		if (t && fn(t, arg))
			return true;
	}
	return false;
}

/* The new thread's copy of a __thread variable of ours: the same offset
 * from its thread pointer (musl keeps the pointer itself at %fs:0). */
static void *lx_sig_tls_of(void *tp, void *mine)
{
	uintptr_t my_tp;

	__asm__("mov %%fs:0, %0" : "=r"(my_tp));
	return (char *)tp + ((uintptr_t)mine - my_tp);
}

/* Threads start: thread0 is a uthread now; an MCP's vcores are
 * interrupted for signals (lx_sig_vcore.c). */
void lx_sig_thread0(struct uthread *u)
{
	__atomic_store_n(&lx_sig_t0.uth, u, __ATOMIC_RELEASE);
	lx_sig_wait_start();
	if (lx_sig_state == 1 && in_multi_mode())
		__atomic_fetch_or(&lx_sig_q.q.ev_flags, EVENT_IPI, __ATOMIC_RELEASE);
}

void lx_sig_threads_after_fork(void)
{
	struct lx_sig_thr *me = lx_sig_me();

	if (me != &lx_sig_t0) {
		lx_sig_t0 = *me;        /* mask, alternate stack: the caller's */
		lx_sig_tls_on = false;  /* lx_sig_me() is lx_sig_t0 from now on */
	}
	__atomic_store_n(&lx_sig_t0.uth, NULL, __ATOMIC_RELEASE);
	memset(lx_sig_thrs, 0, sizeof(lx_sig_thrs));
	__atomic_fetch_and(&lx_sig_q.q.ev_flags, ~EVENT_IPI, __ATOMIC_RELEASE);
	lx_sigq_fork_unlock();
}

void lx_sig_thread_begin(void *tp, int tid, struct uthread *u)
{
	struct lx_sig_thr *t = lx_sig_tls_of(tp, &lx_sig_tls);

	memset(t, 0, sizeof(*t));
	t->tid = tid;
	t->uth = u;
	t->mask = lx_sig_me()->mask;
	*(bool *)lx_sig_tls_of(tp, &lx_sig_tls_on) = true;
	for (int i = 0; i < LX_SIG_THR_MAX; i++) {
		struct lx_sig_thr *none = NULL;

		if (__atomic_compare_exchange_n(&lx_sig_thrs[i], &none, t, false, __ATOMIC_RELEASE,
		                                __ATOMIC_RELAXED))
			return;
	}
	/* More threads than slots: this one takes only process signals. */
}

void lx_sig_thread_end(void)
{
	struct lx_sig_thr *t = &lx_sig_tls;

	if (!lx_sig_tls_on)
		return;
	for (int i = 0; i < LX_SIG_THR_MAX; i++) {
		struct lx_sig_thr *me = t;

		if (__atomic_compare_exchange_n(&lx_sig_thrs[i], &me, NULL, false,
		                                __ATOMIC_RELEASE, __ATOMIC_RELAXED))
			break;
	}
	lx_sigq_forget_thread(t->tid);
	lx_sig_tls_on = false;
}

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
	lx_sig_t0.tid = (int)parlib_getpid();
	if (!parlib_procinfo())         /* an old kernel: no shared pages, no events */
		return;
	if (event_mbox_init_ucq(&lx_sig_q.mbox, &lx_sig_ucq_ops))
		return;
	event_queue_init(&lx_sig_q.q, &lx_sig_q.mbox, EVENT_WAKEUP);
	lx_sigq_init(&lx_sig_q.mbox);
	__atomic_store_n(&pd->head.kernel_evts[EV_POSIX_SIGNAL],
	                 (uint64_t)(uintptr_t)&lx_sig_q.q, __ATOMIC_RELEASE);
	lx_sig_state = 1;
	ros_syscall_hook = lx_sig_hook;
	__atomic_store_n(&vcore_events_hook, lx_sig_vcore, __ATOMIC_RELEASE);
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
	/* POSIX: pending instances of a signal now ignored are discarded. */
	if (act && (act->handler == LX_SIG_IGN ||
	            (act->handler == LX_SIG_DFL && lx_sig_default_ignores((int)sig))))
		lx_sigq_discard((int)sig);
	return 0;
}

/* The mask after how/set, or -EINVAL. */
static long lx_sigmask_apply(uint64_t *mask, long how, uint64_t set)
{
	if (how == LX_SIG_BLOCK)
		*mask |= set;
	else if (how == LX_SIG_UNBLOCK)
		*mask &= ~set;
	else if (how == LX_SIG_SETMASK)
		*mask = set;
	else
		return -LX_EINVAL;
	*mask &= ~LX_UNBLOCKABLE;
	return 0;
}

long lx_rt_sigprocmask(const long *a)
{
	const uint64_t *set = (const uint64_t *)a[1];
	uint64_t *old = (uint64_t *)a[2];
	struct lx_sig_thr *me = lx_sig_me();
	uint64_t want;
	long r;

	if (a[3] != 8 || (set && (a[0] < LX_SIG_BLOCK || a[0] > LX_SIG_SETMASK)))
		return -LX_EINVAL;
	want = set ? *set : 0;          /* read before *old is written: they may alias */
	if (old)
		*old = me->mask;
	if (!set)
		return 0;
	r = lx_sigmask_apply(&me->mask, a[0], want);
	if (r == 0)
		lx_sig_deliver();       /* what was unblocked, before we return */
	return r;
}

long lx_rt_sigpending(const long *a)
{
	uint64_t *set = (uint64_t *)a[0];
	struct lx_sig_thr *me = lx_sig_me();

	if (a[1] != 8)
		return -LX_EINVAL;
	if (!set)
		return -LX_EFAULT;
	lx_sigq_drain();
	*set = lx_sigq_pending(me->tid) & me->mask;
	return 0;
}
