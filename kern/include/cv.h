/* SPDX-License-Identifier: MIT */
/*
 * cv.h - condition variables for kthreads, used with a caller's spinlock.
 *
 *	spin_lock(&lk);
 *	while (!cond)
 *		cv_wait(&cv, &lk);          // drops lk while asleep, retakes it
 *	spin_unlock(&lk);
 *	waker: spin_lock(&lk); cond = true; cv_signal(&cv) or cv_broadcast(&cv);
 *	       spin_unlock(&lk);
 *
 * cv_wait() is for a lock taken with spin_lock(), cv_wait_irqsave() for
 * one taken with spin_lock_irqsave() (the caller's saved flags stay valid).
 * Waiters are queued on the CV before lk is dropped, so a waker that
 * changes the condition under lk cannot miss them.  Wakeups may be
 * spurious from the waiter's view (another waiter may consume the
 * condition first): always wait in a loop.  cv_signal/broadcast work in any
 * context and with or without lk held.  Lock order: lk -> cv.lock ->
 * kthread run queues.  Waiters are woken after cv.lock is dropped, so a
 * CV may be freed once its waiters have returned and no waker is inside.
 *
 * Field tags ([I], [l], ...): the legend in Documentation/style.md.
 */
#pragma once

#include <list.h>
#include <spinlock.h>
#include <types.h>

struct cv {
	spinlock_t lock;
	struct list_head waiters;       /* [l] kthreads, by kthread.wait_link */
	uint64_t nr_waiters;            /* [l] */
};

void cv_init(struct cv *cv);
void cv_wait(struct cv *cv, spinlock_t *lk);
void cv_wait_irqsave(struct cv *cv, spinlock_t *lk);
void cv_signal(struct cv *cv);
void cv_broadcast(struct cv *cv);
