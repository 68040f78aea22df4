/* SPDX-License-Identifier: MIT */
/*
 * cv.c - condition variables (cv.h) on the kthread blocking protocol.
 * A waiter links itself on cv->waiters under cv->lock while still holding
 * the caller's lock, then drops the caller's lock and blocks; signal and
 * broadcast unlink waiters under cv->lock and wake them after dropping it.
 */
#include <arch/trap.h>
#include <assert.h>
#include <cv.h>
#include <kthread.h>

void cv_init(struct cv *cv)
{
	spinlock_init(&cv->lock, "cv");
	list_init(&cv->waiters);
	cv->nr_waiters = 0;
}

/* Queues current, drops lk, sleeps; returns with IRQs as on entry, lk free. */
static void cv_sleep(struct cv *cv, spinlock_t *lk)
{
	uint64_t flags;

	assert(kthread_current() && !in_irq_ctx());
	flags = spin_lock_irqsave(&cv->lock);
	list_add_tail(&kthread_current()->wait_link, &cv->waiters);
	cv->nr_waiters++;
	spin_unlock(lk);
	kthread_block(&cv->lock);
	irq_restore(flags);
}

void cv_wait(struct cv *cv, spinlock_t *lk)
{
	cv_sleep(cv, lk);
	spin_lock(lk);
}

void cv_wait_irqsave(struct cv *cv, spinlock_t *lk)
{
	cv_sleep(cv, lk);
	(void)spin_lock_irqsave(lk);    /* IRQs were off on entry: nothing to save */
}

/* Moves up to max waiters to 'out'; cv->lock held. */
static void __cv_take_waiters(struct cv *cv, struct list_head *out, uint64_t max)
{
	while (max-- && !list_empty(&cv->waiters)) {
		struct kthread *kt = list_first_entry(&cv->waiters, struct kthread, wait_link);

		list_del(&kt->wait_link);
		list_add_tail(&kt->wait_link, out);
		cv->nr_waiters--;
	}
}

static void cv_wake_list(struct list_head *l)
{
	while (!list_empty(l)) {
		struct kthread *kt = list_first_entry(l, struct kthread, wait_link);

		list_del(&kt->wait_link);
		kthread_wake(kt);
	}
}

static void cv_wake(struct cv *cv, uint64_t max)
{
	struct list_head woken = LIST_HEAD_INIT(woken);
	uint64_t flags = spin_lock_irqsave(&cv->lock);

	__cv_take_waiters(cv, &woken, max);
	spin_unlock_irqrestore(&cv->lock, flags);
	cv_wake_list(&woken);
}

void cv_signal(struct cv *cv)
{
	cv_wake(cv, 1);
}

void cv_broadcast(struct cv *cv)
{
	cv_wake(cv, UINT64_MAX);
}
