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
 * A qlock is a semaphore initialised to 1 with a class name:
 * qlock_init(&s, "name") or QLOCK_INITIALIZER(s, "name").  With
 * CONFIG_SPINLOCK_DEBUG the lock-order checker (lockorder.h) keeps each
 * kthread's held qlocks and checks their order among themselves, as it does
 * for spinlocks; a qlock must be released (sem_up) by the kthread that took
 * it.  Semaphores without a class are signals and are not checked.
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
#ifdef CONFIG_SPINLOCK_DEBUG
	struct lockorder_key order;     /* [I] a qlock's class; name NULL: a signal */
#endif
};

#ifdef CONFIG_SPINLOCK_DEBUG
#define SEM_ORDER_KEY(cls) .order = { .name = (cls), .class_id = 0 },
#else
#define SEM_ORDER_KEY(cls)
#endif

#define SEM_INITIALIZER_CLASS(name, n, cls) \
	{ .lock = SPINLOCK_INITIALIZER("sem " #name), .count = (n), \
	  .waiters = LIST_HEAD_INIT((name).waiters), SEM_ORDER_KEY(cls) }
#define SEM_INITIALIZER(name, n)     SEM_INITIALIZER_CLASS(name, n, NULL)
#define QLOCK_INITIALIZER(name, cls) SEM_INITIALIZER_CLASS(name, 1, cls)

void sem_init(struct sem *s, int64_t count);
/* sem_init(s, 1), and cls (a string literal) is its lock-order class. */
void qlock_init(struct sem *s, const char *cls);
void sem_down_at(struct sem *s, const struct lock_site *site);
bool sem_trydown_at(struct sem *s, const struct lock_site *site);
void sem_up(struct sem *s);
#define sem_down(s)     sem_down_at((s), LOCK_SITE_HERE)
#define sem_trydown(s)  sem_trydown_at((s), LOCK_SITE_HERE)
/* Units available now (racy: for diagnostics and tests). */
int64_t sem_count(struct sem *s);
