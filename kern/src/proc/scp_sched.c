/* SPDX-License-Identifier: MIT */
/*
 * scp_sched.c - scheduling single-core processes (SCPs): the checks on
 * every return to user mode, time slices, and waiting for events.
 *
 * A process runs on one kthread pinned to the process's core; kthreads are
 * not preempted, so time sharing happens on the way back to user mode.
 * proc_before_user() runs after every trap, interrupt or syscall from user
 * mode, on the kthread that owns the user context, with interrupts on:
 *  - signals the process's #alarm timers queued are posted (dev/alarm.c);
 *  - a pending kill (proc_kill) ends the process right there;
 *  - a stopped process waits for SIGCONT (proc/jobctl.c), but a vcore
 *    about to be preempted, which mcp_before_user takes first;
 *  - if the core's slice expired, the kthread yields (kthread_yield puts it
 *    at the back of the core's FIFO run queue: round robin);
 *  - if other kthreads wait for the core, a slice alarm (PROC_SLICE_NSEC)
 *    is armed, whose IRQ marks the slice expired.  The IRQ interrupts the
 *    user code, and its own return to user mode does the yield.
 * An idle core has no alarm armed and halts (sched/idle.c).  The checks
 * repeat until no interrupt came during them (user_before_return), so none
 * is lost in the gap before the return.
 *
 * WAITING: proc_yield(p, false) parks an SCP until proc_wakeup() (an
 * EVENT_WAKEUP event, a kill).  A wakeup that arrives while the process is
 * not WAITING is remembered (p->wake_pending), so the next yield returns at
 * once and no wakeup is lost between a check of the mailbox and the yield.
 *
 * An SCP whose core was granted to an MCP (proc_move_scps_off changed
 * p->core) migrates there on its next return to user mode.
 *
 * Per-core state is touched only by its own core (IRQs off for the flag
 * shared with the alarm handler).
 */
#include <alarm.h>
#include <arch/irq.h>
#include <arch/user.h>
#include <assert.h>
#include <cputime.h>
#include <kthread.h>
#include <mcp.h>
#include <percpu.h>
#include <process.h>
#include <rendez.h>
#include <smp.h>
#include <time.h>

#define PROC_SLICE_NSEC (10 * NSEC_PER_MSEC)

struct sched_core {
	struct alarm_waiter slice;
	bool armed;                     /* the slice alarm is pending */
	bool expired;                   /* yield before the next user entry */
	uint64_t nr_slices;             /* slices that ended in a yield */
};

static struct sched_core sched_cores[MAX_CORES];

static void proc_slice_expired(struct alarm_waiter *a)
{
	struct sched_core *sc = a->data;

	sc->armed = false;
	sc->expired = true;
}

static void proc_arm_slice(struct sched_core *sc)
{
	uint64_t flags = irq_save();

	if (!sc->armed && !kthread_runq_empty()) {
		init_alarm(&sc->slice, proc_slice_expired, sc, ALARM_IRQ);
		set_awaiter_rel(&sc->slice, PROC_SLICE_NSEC);
		sc->armed = set_alarm(this_tchain(), &sc->slice) == 0;
	}
	irq_restore(flags);
}

/* Consumes an expired slice: true if the caller should yield. */
static bool proc_slice_take(struct sched_core *sc)
{
	uint64_t flags = irq_save();
	bool expired = sc->expired;

	sc->expired = false;
	if (expired)
		sc->nr_slices++;
	irq_restore(flags);
	return expired;
}

void proc_before_user(void)
{
	struct proc *p = current_proc();
	struct sched_core *sc = &sched_cores[core_id()];

	assert(p && (p->user_kt == kthread_current() || mcp_vcore_current()));
	if (READ_ONCE(p->alarm_sigs))
		devalarm_post_signals(p);       /* timer signals, posted in time */
	for (;;) {
		if (READ_ONCE(p->killed))
			proc_exit(p, READ_ONCE(p->kill_status));
		if (READ_ONCE(p->stopped) && !mcp_preempt_coming()) {
			proc_stop_gate(p);      /* job control: until continued */
			continue;
		}
		if (READ_ONCE(p->core) != core_id() && !mcp_vcore_current() &&
		    p->user_kt == kthread_current()) {
			kthread_migrate(READ_ONCE(p->core));    /* its core went to an MCP */
			sc = &sched_cores[core_id()];
			continue;
		}
		if (!proc_slice_take(sc))
			break;
		kthread_yield();
	}
	proc_arm_slice(sc);
}

/*
 * The common case, decided with interrupts off so that none can land
 * between the look and the return: an SCP on its own kthread and core, no
 * timer signals, no kill, no stop, no expired slice, and either a slice armed or
 * nobody else waiting for the core.  Then there is nothing to do.
 */
static bool proc_nothing_before_user(void)
{
	struct kthread *kt = kthread_current();
	struct proc *p = kt->proc;
	uint32_t core = core_id();      /* interrupts are off: it stays */
	struct sched_core *sc;

	if (!p || p->user_kt != kt || READ_ONCE(p->alarm_sigs) || READ_ONCE(p->killed) ||
	    READ_ONCE(p->stopped) || READ_ONCE(p->core) != core)
		return false;
	sc = &sched_cores[core];
	return !sc->expired && (sc->armed || kthread_runq_empty_on(core));
}

/*
 * The checks run with interrupts on; an interrupt that lands after them,
 * before the return, came from kernel mode, so no check follows it: a
 * kill's or a preemption's kick, a slice that expired, a kthread woken on
 * this core with no slice armed would wait for the next trap, forever for
 * user code that spins.  So the checks repeat until a pass saw no
 * interrupt on this core, and that pass returns with interrupts off (every
 * caller disables them before the return anyway).
 */
static __attribute__((noinline)) void user_before_return_checks(struct hw_trapframe *tf)
{
	irq_enable();
	for (;;) {
		uint32_t core = core_id();
		uint64_t seen = READ_ONCE(this_cpu()->nr_irqs);

		proc_before_user();
		mcp_before_user(tf);    /* a vcore of an MCP: yields, notifications */
		irq_disable();
		if (core_id() == core && READ_ONCE(this_cpu()->nr_irqs) == seen) {
			cputime_user_enter();   /* the kernel's time ends here */
			return;
		}
		irq_enable();
	}
}

/* Returns with interrupts off.  Mostly nothing is to be done, which one
 * look with interrupts already off tells; otherwise the checks. */
void user_before_return(struct hw_trapframe *tf)
{
	irq_disable();
	if (proc_nothing_before_user())
		cputime_user_enter();   /* the kernel's time ends here */
	else
		user_before_return_checks(tf);
}

void proc_enter_user(struct hw_trapframe *tf)
{
	user_before_return(tf);
	user_ctx_pop(tf);
}

uint64_t proc_nr_slices(uint32_t core)
{
	return core < MAX_CORES ? READ_ONCE(sched_cores[core].nr_slices) : 0;
}

/* ------------------------------------------------------------- waiting */

static bool proc_woken(void *arg)
{
	struct proc *p = arg;

	return READ_ONCE(p->wake_pending) || READ_ONCE(p->killed);
}

/* WAITING (an SCP: 'waiting') until proc_wakeup() or a kill. */
static void proc_sleep_woken(struct proc *p, bool waiting)
{
	uint64_t flags = spin_lock_irqsave(&p->lock);

	if (p->wake_pending || p->killed) {
		p->wake_pending = false;
		spin_unlock_irqrestore(&p->lock, flags);
		return;
	}
	if (waiting)
		proc_set_state_locked(p, PROC_WAITING);
	spin_unlock_irqrestore(&p->lock, flags);
	rendez_sleep(&p->wait_rv, proc_woken, p);       /* -ECANCELED: a kill */
	flags = spin_lock_irqsave(&p->lock);
	p->wake_pending = false;
	if (p->state == PROC_WAITING)
		proc_set_state_locked(p, PROC_RUNNING_S);
	spin_unlock_irqrestore(&p->lock, flags);
}

void proc_wait_wakeup(struct proc *p)
{
	proc_sleep_woken(p, false);
}

void proc_yield(struct proc *p, bool being_nice)
{
	if (being_nice) {
		kthread_yield();
		return;
	}
	proc_sleep_woken(p, true);
}

void proc_wakeup(struct proc *p)
{
	uint64_t flags = spin_lock_irqsave(&p->lock);

	p->wake_pending = true;
	spin_unlock_irqrestore(&p->lock, flags);
	rendez_wakeup(&p->wait_rv);
}
