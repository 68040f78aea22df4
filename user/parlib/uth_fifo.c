/* SPDX-License-Identifier: MIT */
/*
 * uth_fifo.c - parlib's default 2LS (struct schedule_ops, parlib/uth_fifo.h):
 * one FIFO run queue for every vcore, uthreads parked on syscalls, vcores
 * asked for as work grows and yielded when idle.
 *
 * The run queue and the list of uthreads blocked on syscalls are guarded
 * by one spin-PDR lock (fifo_lock), taken in vcore context or, from
 * uthread context (thread_runnable), with notifications off.
 *
 * thread_next(v), the direct switch's pick when a uthread leaves v at a
 * yield or a block (uthread.c), is sched_entry's pick below without the
 * idle part: v is busy (it ran the uthread), and an empty queue sends v
 * through vcore context as before.
 *
 * sched_entry(v): v looks for finished syscalls (SC_DONE on a parked
 * uthread's record makes it runnable, SC_K_LOCK or not, and asks for
 * vcores to run it) and
 * expired timed waits; a uthread the kernel interrupted on v (a
 * notification) then runs again at once, unless it has run a whole slice
 * (FIFO_SLICE_TSC cycles since v started it) and others wait in the run
 * queue: then it goes to the back of the queue (it had notifications on,
 * so it holds no PDR lock).  There is no timer tick: a uthread that
 * spins without a system call keeps its vcore until some event (a
 * syscall's completion, a signal) interrupts it.  Otherwise v takes the
 * head of the run queue.  With nothing to run it yields the
 * vcore (the kernel keeps the last one, waiting for an EVENT_WAKEUP); a
 * yield refused because a notification is pending loops again.  With
 * timed waits outstanding (futex.c) an idle vcore sleeps 1 ms in the kernel
 * instead, so the deadlines are noticed.
 *
 * A syscall that did not complete at once (the kernel detached it,
 * kern/src/proc/mcp_sysc.c) parks its uthread: thread_blockon_sysc
 * registers vcore v's ev_q (EVENT_IPI | EVENT_WAKEUP into v's VCPD
 * mailbox) on the record and lists the uthread; the completion's event
 * interrupts or wakes a vcore, whose sched_entry scans the list.  Since
 * every vcore scans the whole list, an event left in the mailbox of a vcore
 * that yielded is harmless: the next vcore to enter vcore context finds
 * the uthread.  (A completion waits for some vcore to enter vcore context:
 * with every vcore busy in a uthread that never yields, it waits.)
 *
 * Vcores (fifo_vc_state, under fifo_lock): each is OFF, BUSY or LEAVING.
 * An enqueue asks for busy + leaving + queued vcores and notifies the
 * leaving ones first (fifo_want_vcores says why nothing is stranded); a
 * vcore that finds nothing to do becomes LEAVING under the lock, lowers
 * the want to the busy count, and yields.  Preemption (not built) will
 * have to keep these counts true when the kernel takes a vcore.
 *
 * On an SCP (uthread_on_scp: no core was free for change_to_m) the same
 * code runs on vcore 0's stack, entered only by uthread_yield: there are
 * no notifications, the idle "yield" is the SCP's proc_yield, which
 * sleeps until an EVENT_WAKEUP (a syscall completion) and returns.
 */
#include <stddef.h>
#include <parlib/event.h>
#include <parlib/pdr_lock.h>
#include <parlib/syscall.h>
#include <parlib/uth_fifo.h>
#include <parlib/uthread.h>
#include <parlib/vcore.h>
#include <ros/procdata.h>
#include <ros/procinfo.h>

#define FIFO_VC_OFF      0      /* never ran, or left */
#define FIFO_VC_BUSY     1      /* runs uthreads or schedules */
#define FIFO_VC_LEAVING  2      /* found nothing to do, is yielding */

static struct spin_pdr_lock fifo_lock = SPIN_PDR_INITIALIZER;
static struct uthread *fifo_head, *fifo_tail;     /* [fifo_lock] run queue */
static struct uthread *fifo_sysc;                 /* [fifo_lock] parked on syscalls */
static uint32_t fifo_nr_queued;                   /* [fifo_lock] */
static uint32_t fifo_nr_sysc;                     /* [a] parked on syscalls */
static uint8_t fifo_vc_state[ROS_MAX_VCORES];     /* [fifo_lock] FIFO_VC_* */
static uint32_t fifo_nr_busy, fifo_nr_leaving;    /* [fifo_lock] vcores in each */
static struct event_queue fifo_evq[ROS_MAX_VCORES];
static const volatile struct procinfo *const fifo_pinfo =
	(const volatile struct procinfo *)UINFO;

uint32_t (*fifo_timer_check)(void);

#define FIFO_SLICE_TSC (1ULL << 24)     /* about 5 ms at 3 GHz */
static uint64_t fifo_run_since[ROS_MAX_VCORES];  /* [v] TSC when v started its uthread */

/* The call finished: its uthread may run again.  The kernel may still be
 * sending its event (SC_K_LOCK), and its wake-up may be the last one: a
 * vcore that waited for !SC_K_LOCK here would sleep again and never look
 * once more (Documentation/parlib.md, "a lost wake-up").  The uthread
 * itself waits for SC_K_LOCK to clear (fifo_sysc_finished) before its
 * record is reused. */
static bool fifo_sysc_done(const struct syscall *sc)
{
	return __atomic_load_n(&sc->flags, __ATOMIC_ACQUIRE) & SC_DONE;
}

/* The kernel is finished with sc: SC_DONE, and SC_K_LOCK clear. */
static bool fifo_sysc_finished(const struct syscall *sc)
{
	uint32_t f = __atomic_load_n(&sc->flags, __ATOMIC_ACQUIRE);

	return (f & SC_DONE) && !(f & SC_K_LOCK);
}

static void fifo_enqueue_locked(struct uthread *u)
{
	u->next = NULL;
	if (fifo_tail)
		fifo_tail->next = u;
	else
		fifo_head = u;
	fifo_tail = u;
	fifo_nr_queued++;
}

static struct uthread *fifo_dequeue_locked(void)
{
	struct uthread *u = fifo_head;

	if (u) {
		fifo_head = u->next;
		if (!fifo_head)
			fifo_tail = NULL;
		fifo_nr_queued--;
	}
	return u;
}

/* Vcore v is (again) one that runs uthreads: from OFF or LEAVING. */
static void fifo_vcore_busy_locked(uint32_t v)
{
	if (fifo_vc_state[v] == FIFO_VC_BUSY)
		return;
	if (fifo_vc_state[v] == FIFO_VC_LEAVING)
		fifo_nr_leaving--;
	fifo_vc_state[v] = FIFO_VC_BUSY;
	fifo_nr_busy++;
}

/*
 * After an enqueue (queued uthreads wait, busy and leaving as they were
 * under the lock): asks for busy + leaving + queued vcores (at most
 * max_vcores).  A leaving vcore counts as held, since the kernel still
 * counts it until it is gone; each one is notified first, so its yield is
 * refused (it comes back and finds the queue) unless the kernel already
 * took it, in which case the poke that follows sees it gone and grants.
 * No poke when every vcore is busy and they are enough.
 */
static void fifo_want_vcores(uint32_t queued, uint32_t busy, uint32_t leaving)
{
	uint32_t want = busy + leaving + queued, max = fifo_pinfo->max_vcores;

	if (!queued || (!leaving && busy >= max) || !in_multi_mode())
		return;                 /* every vcore busy, or an SCP's one */
	if (want > max)
		want = max;
	for (uint32_t v = 0; leaving && v < max && v < ROS_MAX_VCORES; v++) {
		if (__atomic_load_n(&fifo_vc_state[v], __ATOMIC_RELAXED) == FIFO_VC_LEAVING) {
			struct syscall sc = { .num = SYS_self_notify, .arg0 = v,
			                      .arg1 = EV_CHECK_MSGS };

			ros_syscall_run(&sc);   /* waits, should it ever sleep */
		}
	}
	if (leaving || want > busy)
		vcore_request_total(want);
}

static void fifo_thread_runnable(struct uthread *u)
{
	uint32_t queued, busy, leaving;

	spin_pdr_lock(&fifo_lock);
	__atomic_store_n(&u->state, UTHREAD_RUNNABLE, __ATOMIC_RELEASE);
	fifo_enqueue_locked(u);
	queued = fifo_nr_queued;
	busy = fifo_nr_busy;
	leaving = fifo_nr_leaving;
	spin_pdr_unlock(&fifo_lock);
	fifo_want_vcores(queued, busy, leaving);
}

static void fifo_thread_paused(struct uthread *u)
{
	fifo_thread_runnable(u);
}

static void fifo_thread_blockon_sysc(struct uthread *u, struct syscall *sc)
{
	uint32_t v = vcore_id();

	__atomic_store_n(&u->sysc, sc, __ATOMIC_RELEASE);
	/* A signal sent before the store found no call to abort: abort it
	 * here (it completes with EINTR, its event comes as for any call). */
	if (uthread_wait_interrupted(u))
		ros_syscall_raw(SYS_abort_sysc, (long)sc, 0, 0, 0, 0, 0);
	__atomic_store_n(&sc->u_data, (uint64_t)(uintptr_t)u, __ATOMIC_RELAXED);
	if (!event_syscall_register(sc, &fifo_evq[v])) {
		fifo_thread_runnable(u);        /* done meanwhile */
		return;
	}
	spin_pdr_lock(&fifo_lock);
	u->next = fifo_sysc;
	fifo_sysc = u;
	__atomic_fetch_add(&fifo_nr_sysc, 1, __ATOMIC_RELAXED);
	spin_pdr_unlock(&fifo_lock);
}


/* Vcore context: every parked uthread whose call finished is runnable. */
static void fifo_scan_syscalls(void)
{
	struct uthread **pp, *u;
	uint32_t woken = 0, queued, busy, leaving;

	if (!__atomic_load_n(&fifo_nr_sysc, __ATOMIC_RELAXED))
		return;
	spin_pdr_lock(&fifo_lock);
	for (pp = &fifo_sysc; (u = *pp);) {
		if (!fifo_sysc_done(u->sysc)) {
			pp = &u->next;
			continue;
		}
		*pp = u->next;
		u->sysc = NULL;
		__atomic_fetch_sub(&fifo_nr_sysc, 1, __ATOMIC_RELAXED);
		__atomic_store_n(&u->state, UTHREAD_RUNNABLE, __ATOMIC_RELEASE);
		fifo_enqueue_locked(u);
		woken++;
	}
	queued = fifo_nr_queued;
	busy = fifo_nr_busy;
	leaving = fifo_nr_leaving;
	spin_pdr_unlock(&fifo_lock);
	if (woken)
		fifo_want_vcores(queued, busy, leaving);
}

/* A 1 ms nap in the kernel.  On an MCP a call from vcore context is
 * synchronous; on an SCP it may detach, so the record is waited for
 * (proc_yield until it is done: other events wake us meanwhile too). */
static void fifo_nap(void)
{
	struct syscall sc = { .num = SYS_nanosleep };
	uint64_t ts[2] = { 0, 1000000 };

	sc.arg0 = (uintptr_t)ts;
	ros_syscall_trap(&sc, 1);
	if (fifo_sysc_done(&sc))
		return;
	event_syscall_register(&sc, &fifo_evq[0]);
	while (!fifo_sysc_done(&sc))
		ros_yield(0);
	while (!fifo_sysc_finished(&sc))
		__builtin_ia32_pause();
}

/*
 * Nothing to run on vcore v: it leaves, unless the queue filled up since it
 * looked (checked under the lock that enqueuers take, with v marked
 * LEAVING in the same hold).  The yield is the raw proc_yield: the want
 * was already lowered here (busy vcores, at least 1), not by vcore_yield.
 * Before the yield, vcore_help_stuck recovers every preempted vcore: a
 * uthread it steals is queued, and the enqueue notifies v (LEAVING), so
 * the yield is refused.  Refused (a notification came, e.g. from
 * fifo_want_vcores): v is busy again.  The last vcore does not come back here: the kernel keeps it
 * waiting and restarts it at vcore_entry.
 */
static void fifo_idle(uint32_t vcoreid)
{
	struct syscall y = { .num = SYS_proc_yield };
	uint32_t timers = fifo_timer_check ? fifo_timer_check() : 0;

	if (timers) {
		if (in_multi_mode())
			vcore_help_stuck(vcoreid);      /* idle too: the same look */
		fifo_nap();
		return;
	}
	spin_pdr_lock(&fifo_lock);
	if (fifo_nr_queued) {
		spin_pdr_unlock(&fifo_lock);
		return;
	}
	if (fifo_vc_state[vcoreid] == FIFO_VC_BUSY) {
		fifo_vc_state[vcoreid] = FIFO_VC_LEAVING;
		fifo_nr_busy--;
		fifo_nr_leaving++;
	}
	if (in_multi_mode())
		vcore_set_wanted(fifo_nr_busy ? fifo_nr_busy : 1);
	spin_pdr_unlock(&fifo_lock);
	if (in_multi_mode())
		vcore_help_stuck(vcoreid);      /* returns if no change (or it failed) */
	ros_syscall_trap(&y, 1);        /* gone, or refused (or an SCP woke) */
	vcore_handle_events(vcoreid);
	spin_pdr_lock(&fifo_lock);
	fifo_vcore_busy_locked(vcoreid);
	spin_pdr_unlock(&fifo_lock);
}

/* u, interrupted on v, has had its slice and others wait: true, and u is
 * queued (v runs another). */
static bool fifo_slice_over(uint32_t v, struct uthread *u)
{
	if (!__atomic_load_n(&fifo_nr_queued, __ATOMIC_RELAXED) ||
	    __builtin_ia32_rdtsc() - fifo_run_since[v] < FIFO_SLICE_TSC)
		return false;
	vcore_set_current(v, NULL);
	fifo_thread_runnable(u);
	return true;
}

/* What finished is queued, then the head of the run queue, claimed for
 * vcore v (sched_entry's pick, and the direct switch's: v is busy). */
static struct uthread *fifo_thread_next(uint32_t vcoreid)
{
	struct uthread *u;

	if (fifo_timer_check)
		fifo_timer_check();
	fifo_scan_syscalls();
	spin_pdr_lock(&fifo_lock);
	u = fifo_dequeue_locked();
	spin_pdr_unlock(&fifo_lock);
	if (u) {
		__atomic_store_n(&u->state, UTHREAD_RUNNING, __ATOMIC_RELAXED);
		fifo_run_since[vcoreid] = __builtin_ia32_rdtsc();
	}
	return u;
}

static void __attribute__((noreturn)) fifo_sched_entry(uint32_t vcoreid)
{
	struct uthread *u = vcore_current_of(vcoreid);

	if (fifo_vc_state[vcoreid] != FIFO_VC_BUSY) {
		spin_pdr_lock(&fifo_lock);
		fifo_vcore_busy_locked(vcoreid);
		spin_pdr_unlock(&fifo_lock);
	}
	if (u) {                        /* interrupted: it goes on, but what the
	                                 * event finished is queued first (another
	                                 * vcore may take it) */
		if (fifo_timer_check)
			fifo_timer_check();
		fifo_scan_syscalls();
		if (!fifo_slice_over(vcoreid, u))
			uthread_run(u, vcoreid);
	}
	for (;;) {
		if ((u = fifo_thread_next(vcoreid)))
			uthread_run(u, vcoreid);
		fifo_idle(vcoreid);
	}
}

static void (*fifo_exit_hook)(struct uthread *u);

static void fifo_thread_exited(struct uthread *u)
{
	if (fifo_exit_hook)
		fifo_exit_hook(u);
}

static const struct schedule_ops fifo_ops = {
	.sched_entry = fifo_sched_entry,
	.thread_runnable = fifo_thread_runnable,
	.thread_paused = fifo_thread_paused,
	.thread_blockon_sysc = fifo_thread_blockon_sysc,
	.thread_exited = fifo_thread_exited,
	.thread_next = fifo_thread_next,
};

/* ------------------------------------------------- uthread-side waits */

static void fifo_blockon_cb(struct uthread *u, void *arg)
{
	sched_ops->thread_blockon_sysc(u, arg);
}

static bool fifo_blockon(struct syscall *sc)
{
	if (in_vcore_context())
		return false;
	uthread_yield(true, fifo_blockon_cb, sc);
	while (!fifo_sysc_finished(sc))        /* the kernel's event is going out */
		__builtin_ia32_pause();
	return true;
}

static bool fifo_yield(int being_nice)
{
	(void)being_nice;
	if (in_vcore_context())
		return false;
	uthread_yield(true, NULL, NULL);
	return true;
}

int uth_fifo_init(void (*exit_hook)(struct uthread *u))
{
	int ret;

	if (sched_ops)
		return 0;
	for (uint32_t v = 0; v < ROS_MAX_VCORES; v++) {
		event_queue_init(&fifo_evq[v], NULL, EVENT_IPI | EVENT_WAKEUP);
		fifo_evq[v].ev_vcore = v;
	}
	fifo_exit_hook = exit_hook;
	if ((ret = uthread_lib_init(&fifo_ops)))
		return ret;
	__atomic_store_n(&ros_blockon_2ls, fifo_blockon, __ATOMIC_RELEASE);
	__atomic_store_n(&ros_yield_2ls, fifo_yield, __ATOMIC_RELEASE);
	return 0;
}

void uth_fifo_after_fork(void)
{
	__builtin_memset(&fifo_lock, 0, sizeof(fifo_lock));
	fifo_head = fifo_tail = fifo_sysc = NULL;
	fifo_nr_queued = 0;
	__atomic_store_n(&fifo_nr_sysc, 0, __ATOMIC_RELAXED);
	__builtin_memset(fifo_vc_state, 0, sizeof(fifo_vc_state));
	fifo_nr_busy = fifo_nr_leaving = 0;
	__atomic_store_n(&ros_blockon_2ls, NULL, __ATOMIC_RELEASE);
	__atomic_store_n(&ros_yield_2ls, NULL, __ATOMIC_RELEASE);
}
