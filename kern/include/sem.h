/* SPDX-License-Identifier: MIT */
/*
 * sem.h - counting semaphores for kthreads.
 *
 *	struct sem s;  sem_init(&s, 0);        // or SEM_INITIALIZER(s, 0)
 *	sleeper:  sem_down(&s);                // kthread context only
 *	waker:    sem_up(&s);                  // any context, IRQ included
 *	          if (sem_trydown(&s)) ...     // any context, never blocks
 *
 * sem_up() hands its unit straight to the oldest waiter (FIFO, no
 * barging), else adds it to the count.  The lock is irqsave, so sem_up()
 * works from interrupt handlers and alarm handlers.  A sleeper must not
 * hold a spinlock.  A semaphore may be freed by the last sem_down()er once
 * it returns: sem_up() takes the waiter off the list under the lock but
 * wakes it only after dropping the lock, and touches the struct no more.
 * A qlock is a semaphore initialised to 1.
 *
 * Field tags ([I], [l], ...): the legend in Documentation/style.md.
 */
#pragma once

#include <list.h>
#include <spinlock.h>
#include <types.h>

struct sem {
	spinlock_t lock;
	int64_t count;                  /* [l] units available */
	struct list_head waiters;       /* [l] kthreads, by kthread.wait_link */
};

#define SEM_INITIALIZER(name, n) \
	{ .lock = SPINLOCK_INITIALIZER("sem " #name), .count = (n), \
	  .waiters = LIST_HEAD_INIT((name).waiters) }

void sem_init(struct sem *s, int64_t count);
void sem_down(struct sem *s);
bool sem_trydown(struct sem *s);
void sem_up(struct sem *s);
/* Units available now (racy: for diagnostics and tests). */
int64_t sem_count(struct sem *s);
