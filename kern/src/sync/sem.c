/* SPDX-License-Identifier: MIT */
/*
 * sem.c - counting semaphores (sem.h) on the kthread blocking protocol
 * (kthread.h).  The lock is irqsave so sem_up() works in IRQ context.
 * sem_up() hands its unit directly to the oldest waiter, unlinked under the
 * lock and woken after it, so a woken sem_down() never has to retry and
 * the semaphore may be freed as soon as the last sem_down() returns.
 */
#include <arch/trap.h>
#include <assert.h>
#include <kthread.h>
#include <sem.h>

void sem_init(struct sem *s, int64_t count)
{
	spinlock_init(&s->lock, "sem");
	s->count = count;
	list_init(&s->waiters);
}

bool sem_trydown(struct sem *s)
{
	uint64_t flags = spin_lock_irqsave(&s->lock);
	bool ok = s->count > 0;

	if (ok)
		s->count--;
	spin_unlock_irqrestore(&s->lock, flags);
	return ok;
}

void sem_down(struct sem *s)
{
	uint64_t flags;

	assert(kthread_current() && !in_irq_ctx());
	flags = spin_lock_irqsave(&s->lock);
	if (s->count > 0) {
		s->count--;
		spin_unlock_irqrestore(&s->lock, flags);
		return;
	}
	list_add_tail(&kthread_current()->wait_link, &s->waiters);
	kthread_block(&s->lock);
	irq_restore(flags);
}

void sem_up(struct sem *s)
{
	struct kthread *kt = NULL;
	uint64_t flags = spin_lock_irqsave(&s->lock);

	if (list_empty(&s->waiters)) {
		s->count++;
	} else {
		kt = list_first_entry(&s->waiters, struct kthread, wait_link);
		list_del(&kt->wait_link);
	}
	spin_unlock_irqrestore(&s->lock, flags);
	if (kt)
		kthread_wake(kt);
}

int64_t sem_count(struct sem *s)
{
	return READ_ONCE(s->count);
}
