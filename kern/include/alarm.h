/* SPDX-License-Identifier: MIT */
/*
 * alarm.h - per-core timer chains: run a function at a given time.
 *
 *	struct alarm_waiter a;
 *	init_alarm(&a, my_fn, my_data, ALARM_IRQ);   // or ALARM_RKM
 *	set_awaiter_rel(&a, 5 * NSEC_PER_MSEC);      // or set_awaiter_abs(&a, ns)
 *	set_alarm(this_tchain(), &a);
 *	...
 *	bool was_pending = unset_alarm(this_tchain(), &a);
 *
 *	kthread_usleep(1000);                        // sleep through an awaiter
 *
 * Each core has one timer chain: its pending alarms sorted by deadline
 * (nsec_now() nanoseconds; equal deadlines fire in the order they were
 * set), with the core's LAPIC timer armed one-shot for the earliest.  When
 * it fires, every alarm whose deadline has passed is taken off the chain
 * and fired, in deadline order: an ALARM_IRQ handler runs right there in
 * IRQ context (it must not block), an ALARM_RKM handler is sent to the same
 * core as a routine kernel message and runs in kthread context (it may
 * block).  An alarm never fires before its deadline.
 *
 * Rules: set_alarm() on an alarm that is already pending fails (-EBUSY);
 * use reset_alarm_*.  A handler may re-arm its own alarm.  unset_alarm()
 * returns whether the alarm was pending (and so will not fire); if the
 * handler is running (or, for ALARM_RKM, queued) it first waits for it to
 * finish, yielding if it is a kthread, except when called from that
 * handler itself.  So, after unset_alarm() returns, the alarm's memory may
 * be reused: always unset an alarm before freeing it.  An ALARM_RKM alarm
 * of this core must not be unset from IRQ context while it runs (it warns
 * and does not wait).  Every call works from any core and any context;
 * the chain's lock is irqsave.
 */
#pragma once

#include <list.h>
#include <spinlock.h>
#include <types.h>

struct kthread;
struct sem;

#define ALARM_IRQ 1
#define ALARM_RKM 2

struct timer_chain;

/* Tags (Documentation/style.md): [I] set by init_alarm, [tchain] the timer chain's lock */
struct alarm_waiter {
	uint64_t deadline;                          /* [tchain] ns */
	void (*func)(struct alarm_waiter *);        /* [I] */
	void *data;                                 /* [I] for func */
	int type;                                   /* [I] ALARM_IRQ or ALARM_RKM */
	bool pending;                               /* [tchain] on tchain->waiters */
	bool running;                               /* [tchain] fired, func not done */
	struct timer_chain *tchain;                 /* [tchain] last set on */
	struct kthread *runner;                     /* [tchain] ALARM_RKM: running func */
	struct list_head link;                      /* [tchain] */
};

struct timer_chain {
	spinlock_t lock;
	struct list_head waiters;       /* [tchain] pending alarms, by deadline */
	uint32_t core;                  /* [I] */
	uint64_t nr_fired;              /* [tchain] */
} __aligned(64);

struct timer_chain *tchain_of(uint32_t core);
struct timer_chain *this_tchain(void);

void init_alarm(struct alarm_waiter *a, void (*func)(struct alarm_waiter *),
                void *data, int type);
/* An ALARM_IRQ alarm whose handler ups sem. */
void init_awaiter(struct alarm_waiter *a, struct sem *sem);
void set_awaiter_abs(struct alarm_waiter *a, uint64_t abs_ns);
void set_awaiter_rel(struct alarm_waiter *a, uint64_t rel_ns);

int set_alarm(struct timer_chain *tc, struct alarm_waiter *a);
bool unset_alarm(struct timer_chain *tc, struct alarm_waiter *a);
bool reset_alarm_abs(struct timer_chain *tc, struct alarm_waiter *a, uint64_t abs_ns);
bool reset_alarm_rel(struct timer_chain *tc, struct alarm_waiter *a, uint64_t rel_ns);

void alarm_init(void);                  /* boot core, kernel_core_init */
void alarm_print_chain(uint32_t core);  /* monitor */
