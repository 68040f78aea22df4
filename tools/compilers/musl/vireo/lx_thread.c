/* SPDX-License-Identifier: MIT */
/*
 * lx_thread.c - threads for musl: its __clone makes a uthread run by
 * parlib's FIFO 2LS, and futex, set_tid_address, gettid and the thread
 * exit are served over uthreads (Documentation/pthreads.md).  musl's own
 * pthread code (mutexes, condvars, joins, keys, barriers, semaphores, C11
 * threads) runs unchanged on the emulated futex.  A futex without
 * FUTEX_PRIVATE_FLAG on a shared mapping (process-shared semaphores,
 * mutexes, condvars, barriers) is the kernel's instead (lx_futex_shared,
 * Documentation/futex.md).
 *
 * The first __clone makes the process an MCP (uth_fifo_init: change_to_m,
 * thread0 goes on as a uthread) and installs the 2LS; if no core is free
 * (EBUSY) the clone fails with EAGAIN and the process stays an SCP.  A new
 * thread's struct uthread and its start arguments sit at the top of the
 * stack musl gives (below its TLS): no allocation.  Its FS base is musl's
 * thread pointer, so %fs:0 and __thread work per thread; lx_self (a
 * __thread variable) lets parlib find the running uthread.  musl's
 * __reset_tls (a SIGEV_THREAD timer's thread) keeps it and the signal
 * state (__vireo_tls_save/restore, lx_tls.h).
 *
 * Thread ids: thread0's is the pid; the others LX_TID_BASE + n, below
 * musl's mutex owner bits (0x40000000) and above any pid.  Each thread
 * has its own signal mask and pending signals: the clone registers them
 * (lx_sig_thread_begin), so tkill of a thread id reaches that thread.
 *
 * Exit (SYS_exit of a thread, or __unmapself): uthread_exit; in vcore
 * context lx_thread_exited zeroes the clear-tid word (musl's thread list
 * lock; thread0's is the word musl gave set_tid_address at start-up) and
 * wakes it, then unmaps a detached thread's stack.  The last thread's
 * SYS_exit ends the process, as on Linux.
 *
 * Fork (lx_fork) from any thread: the kernel's child is an SCP running the
 * caller; lx_threads_after_fork makes the caller its only thread, thread0
 * again (tid = the child's pid, musl's _Fork reads it), with no 2LS, so
 * that the child's first clone starts the threads over (an MCP of its
 * own).
 */
#include <ros/futex.h>
#include <ros/procinfo.h>
#include <parlib/futex.h>
#include <parlib/uth_fifo.h>
#include <parlib/uthread.h>
#include <parlib/vcore.h>
#include "lx.h"
#include "lx_clock.h"
#include "lx_tls.h"

#define LX_CLONE_SETTLS          0x00080000
#define LX_CLONE_PARENT_SETTID   0x00100000
#define LX_CLONE_CHILD_CLEARTID  0x00200000
#define LX_TID_BASE              0x20000000
#define LX_FUTEX_WAIT            0
#define LX_FUTEX_WAKE            1
#define LX_FUTEX_REQUEUE         3
#define LX_FUTEX_CMP_REQUEUE     4
#define LX_FUTEX_CMD_MASK        0x7f   /* without PRIVATE and CLOCK_REALTIME */
#define LX_FUTEX_PRIVATE_FLAG    0x80
#define LX_EXDEV                 18
#define LX_FUTEX_MAX_SEC         1000000000ll   /* longer waits are untimed */

struct lx_start {
	int (*func)(void *);
	void *arg;
};

static __thread struct uthread *lx_self;
static int lx_threads_on;               /* [a] the 2LS is installed */
static int *lx_t0_clear_tid;            /* thread0's set_tid_address word */
static int lx_next_tid = LX_TID_BASE;   /* [a] */
static int lx_nr_threads = 1;           /* [a] live threads, thread0 included */

static struct uthread *lx_self_get(void)
{
	return lx_self;
}

static uint64_t lx_now_ns(void)
{
	struct lx_timespec ts;

	__vireo_clock_gettime(1 /* CLOCK_MONOTONIC */, (struct timespec *)&ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Vcore context: u ended.  Nothing of u is touched after the wake (its
 * joiner may free the stack u lives on). */
static void lx_thread_exited(struct uthread *u)
{
	int *ct = u->clear_tid;
	void *base = u->unmap_base;
	struct syscall sc = { .num = SYS_munmap, .arg0 = (uintptr_t)base, .arg1 = u->unmap_len };

	__atomic_fetch_sub(&lx_nr_threads, 1, __ATOMIC_RELAXED);
	if (ct) {
		__atomic_store_n(ct, 0, __ATOMIC_SEQ_CST);
		futex_wake(ct, 1);
	}
	if (base)
		ros_syscall_trap(&sc, 1);       /* vcore context: synchronous */
}

/* thread0, the first time: the 2LS, the MCP.  0 or -EAGAIN. */
static int lx_threads_start(void)
{
	struct uthread *t0;
	long pid = lx_getpid(NULL);

	if (__atomic_load_n(&lx_threads_on, __ATOMIC_ACQUIRE))
		return 0;
	t0 = current_uthread();
	t0->tid = (int)pid;
	t0->clear_tid = lx_t0_clear_tid;        /* musl's thread-list lock */
	lx_now_ns();                    /* the info page is probed from here */
	futex_init_timers(lx_now_ns);
	if (uth_fifo_init(lx_thread_exited))
		return -LX_EAGAIN;
	lx_self = t0;
	lx_cpu_thread0_start(t0);       /* its clock goes on from the process's */
	lx_sig_thread0(t0);
	__atomic_store_n(&uthread_self_hook, lx_self_get, __ATOMIC_RELEASE);
	__atomic_store_n(&lx_threads_on, 1, __ATOMIC_RELEASE);
	return 0;
}

static void lx_thread_start(void *arg)
{
	struct uthread *u = arg;
	struct lx_start *st = (struct lx_start *)u - 1;

	lx_self = u;                    /* FS is this thread's TLS now */
	lx_exit(&(long){ st->func(st->arg) });
}

int __vireo_clone(int (*func)(void *), void *stack, int flags, void *arg, int *ptid,
                  void *tls, int *ctid);
int __vireo_clone(int (*func)(void *), void *stack, int flags, void *arg, int *ptid,
                  void *tls, int *ctid)
{
	struct uthread *u;
	struct lx_start *st;
	int r, tid;

	if (!(flags & LX_CLONE_SETTLS) || !stack)
		return -LX_EINVAL;      /* only musl's threads: a stack and a TLS */
	if ((r = lx_threads_start()))
		return r;
	u = (struct uthread *)(((uintptr_t)stack - sizeof(*u)) & ~(uintptr_t)63);
	st = (struct lx_start *)u - 1;
	uthread_init(u, lx_thread_start, u, st, tls);
	st->func = func;
	st->arg = arg;
	tid = __atomic_fetch_add(&lx_next_tid, 1, __ATOMIC_RELAXED);
	u->tid = tid;
	u->name = "pthread";
	if (flags & LX_CLONE_CHILD_CLEARTID)
		u->clear_tid = ctid;
	if (flags & LX_CLONE_PARENT_SETTID)
		*ptid = tid;
	__atomic_fetch_add(&lx_nr_threads, 1, __ATOMIC_RELAXED);
	lx_sig_thread_begin(tls, tid, u);
	uthread_runnable(u);
	return tid;
}

/* musl's __unmapself: a detached thread's last step. */
void __vireo_unmapself(void *base, unsigned long len) __attribute__((noreturn));
void __vireo_unmapself(void *base, unsigned long len)
{
	struct uthread *u = current_uthread();

	u->unmap_base = base;
	u->unmap_len = len;
	lx_sig_thread_end();
	uthread_exit();
}

void __vireo_tls_save(struct lx_tls_saved *s)
{
	s->self = lx_self;
	lx_sig_tls_save(s->sig, sizeof(s->sig));
}

void __vireo_tls_restore(const struct lx_tls_saved *s)
{
	lx_self = s->self;
	lx_sig_tls_restore(s->sig);
}

long lx_exit_thread(const long *a)
{
	if (__atomic_load_n(&lx_threads_on, __ATOMIC_ACQUIRE) &&
	    __atomic_load_n(&lx_nr_threads, __ATOMIC_RELAXED) > 1) {
		lx_sig_thread_end();
		uthread_exit();
	}
	return lx_exit(a);
}

long lx_set_tid_address(const long *a)
{
	if (__atomic_load_n(&lx_threads_on, __ATOMIC_ACQUIRE)) {
		struct uthread *u = current_uthread();

		u->clear_tid = (int *)a[0];
		return u->tid;
	}
	lx_t0_clear_tid = (int *)a[0];  /* musl's __init_tls: used at thread0's exit */
	return lx_getpid(a);
}

bool lx_threads_running(void)
{
	return __atomic_load_n(&lx_threads_on, __ATOMIC_ACQUIRE) != 0;
}

void lx_threads_after_fork(void)
{
	lx_sig_threads_after_fork();    /* while lx_sig_me() is still the caller's */
	__atomic_store_n(&lx_threads_on, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&lx_nr_threads, 1, __ATOMIC_RELAXED);
	parlib_fork_child();
}

long lx_gettid(const long *a)
{
	if (__atomic_load_n(&lx_threads_on, __ATOMIC_ACQUIRE))
		return current_uthread()->tid;
	return lx_getpid(a);
}

bool lx_tid_is_thread(int tid)
{
	return tid >= LX_TID_BASE && tid < __atomic_load_n(&lx_next_tid, __ATOMIC_RELAXED);
}

/* One thread, no 2LS: only a signal handler can change the word, so an
 * untimed wait on a word still at val sleeps until an event comes (a
 * signal: its handler runs, or its default action ends us, as the call
 * returns) and says -EINTR; a timed one sleeps its timeout. */
static long lx_futex_alone(int op, const int *addr, int val, const struct lx_timespec *ts)
{
	long r;

	if (op != LX_FUTEX_WAIT)
		return op == LX_FUTEX_WAKE || op == LX_FUTEX_REQUEUE ||
		       op == LX_FUTEX_CMP_REQUEUE ? 0 : -LX_ENOSYS;
	if (__atomic_load_n(addr, __ATOMIC_ACQUIRE) != val)
		return -LX_EAGAIN;
	if (!ts) {
		ros_syscall_raw(SYS_proc_yield, 0, 0, 0, 0, 0, 0);
		return -LX_EINTR;
	}
	r = ros_syscall_raw(SYS_nanosleep, (long)ts, 0, 0, 0, 0, 0);
	return r < 0 ? r : -LX_ETIMEDOUT;
}

/* A futex without FUTEX_PRIVATE_FLAG whose word is in a shared mapping is
 * the kernel's (ros/futex.h): every process mapping it meets the same
 * waiters.  -EXDEV when the word is private memory: then this process's
 * threads are all that can wait on it, and the 2LS serves it as before.
 * REQUEUE stays in the 2LS (musl requeues only private condvars). */
static long lx_futex_shared(int *addr, int op, int val, const struct lx_timespec *ts)
{
	uint64_t ns;

	if (op == LX_FUTEX_WAKE)
		return ros_syscall_raw(SYS_futex, (long)addr, FUTEX_OP_WAKE, val, 0, 0, 0);
	if (op != LX_FUTEX_WAIT)
		return -LX_EXDEV;
	if (!ts || ts->tv_sec > LX_FUTEX_MAX_SEC)
		return ros_syscall_raw(SYS_futex, (long)addr, FUTEX_OP_WAIT, val, 0, 0, 0);
	ns = (uint64_t)ts->tv_sec * 1000000000ull + (uint64_t)ts->tv_nsec;
	return ros_syscall_raw(SYS_futex, (long)addr, FUTEX_OP_WAIT | FUTEX_OP_TIMED, val,
	                       (long)ns, 0, 0);
}

/* The 2LS's wait.  A signal for this thread ends it (futex_interrupt,
 * lx_sig_vcore.c): its handler runs here, and the wait fails with -EINTR
 * (the dispatcher may restart it: SA_RESTART); if another thread took the
 * signal first, it is a spurious wake-up (0), which every futex user
 * allows. */
static long lx_futex_wait(int *addr, int val, const uint64_t *ns)
{
	long r = futex_wait(addr, val, ns);

	if (r != -LX_EINTR)
		return r;
	lx_sig_hook();
	return lx_sig_interrupted() ? r : 0;
}

long lx_futex(const long *a)
{
	int *addr = (int *)a[0], op = (int)a[1] & LX_FUTEX_CMD_MASK, val = (int)a[2];
	const struct lx_timespec *ts = (const struct lx_timespec *)a[3];
	uint64_t ns;

	if (!addr || ((uintptr_t)addr & 3))
		return -LX_EINVAL;
	if (op == LX_FUTEX_WAIT && ts &&
	    (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000))
		return -LX_EINVAL;
	if (!((int)a[1] & LX_FUTEX_PRIVATE_FLAG)) {
		long r = lx_futex_shared(addr, op, val, ts);

		if (r != -LX_EXDEV)
			return r;
	}
	if (!__atomic_load_n(&lx_threads_on, __ATOMIC_ACQUIRE))
		return lx_futex_alone(op, addr, val, ts);
	switch (op) {
	case LX_FUTEX_WAIT:
		if (!ts)
			return lx_futex_wait(addr, val, NULL);
		ns = (uint64_t)ts->tv_sec * 1000000000ull + (uint64_t)ts->tv_nsec;
		return lx_futex_wait(addr, val, &ns);
	case LX_FUTEX_WAKE:
		return futex_wake(addr, val);
	case LX_FUTEX_CMP_REQUEUE:
		if (__atomic_load_n(addr, __ATOMIC_SEQ_CST) != (int)a[5])
			return -LX_EAGAIN;
		/* fall through */
	case LX_FUTEX_REQUEUE:
		if (!a[4] || ((uintptr_t)a[4] & 3))
			return -LX_EINVAL;
		return futex_requeue(addr, val, (int)a[3], (int *)a[4]);
	default:
		return -LX_ENOSYS;
	}
}
