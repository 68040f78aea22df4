/* SPDX-License-Identifier: MIT */
/*
 * kthread.h - kernel threads: a stack, saved callee-saved registers, a core.
 *
 *	struct kthread *kt = kthread_create(fn, arg, "name");   // MEM_WAIT
 *	kthread_get(kt);              // only if you will kthread_join() it
 *	kthread_run_on(kt, core);     // fn(arg) starts there, IRQs on
 *	kthread_join(kt);             // waits until it exited; drops your ref
 *	inside:  kthread_yield(); kthread_usleep(us); kthread_exit();
 *
 * Model (Documentation/kthreads.md): a kthread is pinned to one core for its
 * whole life.  Each core has a FIFO run queue and an idle kthread running
 * smp_idle's loop.  Every scheduling decision goes through the idle
 * kthread: a blocking, yielding or exiting kthread switches to its core's
 * idle kthread, which runs routine kernel messages and then the next
 * kthread of the run queue, or halts.  No preemption: a kthread runs until
 * it blocks, yields or exits.  Waking (kthread_wake) only appends to the
 * run queue of the kthread's core and kicks that core with an IPI, so it
 * works from any core and from IRQ context, and cannot fail.
 *
 * Blocking protocol for sync primitives (sem.c, cv.c, rendez.c): with the
 * object's irqsave lock held, link current's wait_link on the object's
 * wait list, then kthread_block(&lock): it marks the kthread BLOCKED, drops
 * the lock (IRQs stay off), switches away and returns once woken.  A waker
 * takes the lock, unlinks the kthread and calls kthread_wake(): whoever
 * unlinks it owns the wakeup, so none is lost and none is doubled.
 *
 * If the idle kthread itself blocks (a routine message that sleeps), the
 * core's spare kthread becomes its idle kthread; the old one finishes the
 * message when woken and then exits.
 *
 * Field tags (legend: Documentation/style.md): [I] immutable once running, [c] owning core with IRQs off,
 * [a] atomic, [runq] core run-queue lock, [wait_lock] lock of the object slept on,
 * [sleep_lock] the kthread's sleep_lock.
 */
#pragma once

#include <arch/kthread.h>
#include <err.h>
#include <kref.h>
#include <list.h>
#include <percpu.h>
#include <sem.h>
#include <spinlock.h>
#include <types.h>

#define KTHREAD_NAME_LEN 24

enum kthread_state {
	KT_NEW = 0,             /* created, not yet given to a core */
	KT_RUNNABLE,            /* on its core's run queue */
	KT_RUNNING,             /* its core's cur_kthread */
	KT_BLOCKED,             /* asleep on some object's wait list */
	KT_DEAD,                /* exited; its core reaps it after the switch */
	KT_PARKING,             /* kthread_recycle: KT_NEW again once off its stack */
};

/* sleep_intr bits: why a rendez sleep was interrupted (rendez.c). */
#define KT_INTR_ABORT    (1u << 0)
#define KT_INTR_TIMEOUT  (1u << 1)

struct fd_table;
struct mm;
struct user_ext;
struct pgrp;
struct proc;

struct kthread {
	struct arch_kthread_ctx ctx;    /* [c] saved %rsp while switched out */
	int32_t state;                  /* [a] enum kthread_state */
	uint32_t core;                  /* [c] set by kthread_run_on, kthread_migrate */
	uint32_t migrate_to;            /* [c] kthread_migrate's target, or ~0u */
	void (*fn)(void *);             /* [I] while not KT_NEW (kthread_recycle) */
	void *arg;                      /* [I] while not KT_NEW */
	void *stack;                    /* [I] KSTACK_SIZE bytes, or NULL */
	bool stack_owned;               /* [I] reaper kpages_free()s it */
	char name[KTHREAD_NAME_LEN];    /* [I] */
	struct list_head runq_link;     /* [runq] */
	struct list_head wait_link;     /* [wait_lock] */
	struct kref ref;                /* [a] one for being alive + holders */
	struct sem exited;              /* up'ed once it is reaped */
	spinlock_t sleep_lock;
	struct rendez *sleep_rv;        /* [sleep_lock] rendez it sleeps on, or NULL */
	uint32_t sleep_intr;            /* [sleep_lock] KT_INTR_* */
	struct errstate err;            /* [c] error stack (err.h); own kthread only */
	/* A kthread that runs a process (process.c) has its address space and
	 * name space here; kernel kthreads leave them 0/NULL (kern_pml4, the
	 * kernel's FD table and pgrp). */
	uint64_t cr3;                   /* [c] page-table root, 0: kern_pml4 */
	struct user_ext *uext;          /* [c] user FPU/FS state it owns, or NULL */
	struct mm *mm;                  /* [c] one reference: the mm of cr3 */
	struct fd_table *fdt;           /* [I] FD table for sysfile.c, or NULL */
	struct pgrp *pgrp;              /* [I] name space for namec, or NULL */
	struct proc *proc;              /* [I] the process, or NULL */
	struct list_head proc_link;     /* [proc->lock] on proc->kthreads */
	/* The syscall this kthread runs (struct syscall_ctx), or NULL:
	 * written only by itself with plain stores, read by aborters under
	 * sleep_lock (syscall/async.c). */
	void *sysc;
	/* Run once by kthread_block() just before this kthread sleeps, with
	 * the slept-on object's lock held and IRQs off: it must not block or
	 * allocate.  The syscall layer hands the user context over here
	 * (syscall/async.c).  kthread_block() clears it before the call. */
	void (*block_hook)(void *arg);  /* [c] */
	void *block_arg;                /* [c] */
	/* kthread_recycle's hand-over, run once the kthread is off its stack. */
	void (*park)(struct kthread *kt); /* [c] */
#ifdef CONFIG_SPINLOCK_DEBUG
	struct lockorder_stack qlocks;  /* [c] held qlocks (sem.c, lockorder.h) */
#endif
};

static inline struct kthread *kthread_current(void)
{
	return this_cpu()->cur_kthread;
}

/* Creation and life cycle (kthread context; MEM_WAIT allocations). */
struct kthread *kthread_create(void (*fn)(void *), void *arg, const char *name);
/* The same without waiting for memory: NULL when there is none at hand. */
struct kthread *kthread_try_create(void (*fn)(void *), void *arg, const char *name);
void kthread_run_on(struct kthread *kt, uint32_t core);
void kthread_get(struct kthread *kt);
void kthread_put(struct kthread *kt);
void kthread_join(struct kthread *kt);
/* Frees a kthread that was created but never run (KT_NEW). */
void kthread_discard(struct kthread *kt);
void kthread_exit(void) __noreturn;
/* Instead of exiting, the caller becomes a KT_NEW kthread again, to start
 * afresh at fn(arg) when run: once it is off its stack, the next kthread on
 * its core calls park(kt) (IRQs off, no lock held: it must not block), which
 * hands it to whoever will run or discard it.  The caller must hold nothing
 * (no lock, no waserror frame, no user context). */
void kthread_recycle(void (*fn)(void *), void *arg, void (*park)(struct kthread *kt))
	__noreturn;
void kthread_yield(void);
/* The caller moves to core and goes on there (not the idle kthread). */
void kthread_migrate(uint32_t core);
/* Switches core has made (for #proc and tests). */
uint64_t kthread_nr_switches(uint32_t core);
void kthread_usleep(uint64_t usec);       /* alarm.c */

/* Blocking protocol, see above. */
void kthread_block(spinlock_t *lock);
bool kthread_wake(struct kthread *kt);

/* Scheduler internals used by sched/idle.c, core_init.c and the monitor. */
void kthread_init_global(void);
void kthread_init_boot_core(void);
void kthread_init_ap_core(void);
bool kthread_run_next(void);
bool kthread_is_idle(void);
void kthread_refill_spare(void);

/* A core's scheduler state (kthread.c's; [l] under lock, [c] only its own
 * core touches it).  Here for kthread_runq_empty, which every return to
 * user mode asks (scp_sched.c), inline. */
struct kthread_core {
	spinlock_t lock;
	struct list_head runq;          /* [l] KT_RUNNABLE kthreads, FIFO */
	struct kthread *idle;           /* [c] runs smp_idle's loop */
	struct kthread *spare;          /* [c] next idle, if the idle blocks */
	struct kthread *prev;           /* [c] switched away from, to finish */
	uint64_t nr_switches;           /* [c] */
} __aligned(64);

extern struct kthread_core kthread_cores[MAX_CORES];

/* core's run queue (this core's) is empty: a look without the lock. */
static inline bool kthread_runq_empty_on(uint32_t core)
{
	return list_empty(&kthread_cores[core].runq);
}

static inline bool kthread_runq_empty(void)
{
	return kthread_runq_empty_on(core_id());
}
uint64_t kthread_nr_live(void);
/* kthreads ever allocated (for tests: recycling makes none). */
uint64_t kthread_nr_created(void);

/* ktest runner hook (kern/src/ktest/ktest_thread.c): runs fn in a fresh
 * kthread on the calling core and returns once it has exited. */
void ktest_thread_run(void (*fn)(void));
