/* SPDX-License-Identifier: MIT */
/*
 * sem.c - counting semaphores (sem.h) on the kthread blocking protocol
 * (kthread.h).  The lock is irqsave so sem_up() works in IRQ context.
 * sem_up() hands its unit directly to the oldest waiter, unlinked under the
 * lock and woken after it, so a woken sem_down() never has to retry and
 * the semaphore may be freed as soon as the last sem_down() returns.
 * A qlock (a semaphore with a class) also goes on and off the current
 * kthread's lock-order stack (lockorder.h) under CONFIG_SPINLOCK_DEBUG.
 */
#include <arch/trap.h>
#include <assert.h>
#include <kthread.h>
#include <sem.h>

#ifdef CONFIG_SPINLOCK_DEBUG
/* The current kthread's qlock stack, if s is a qlock and there is one. */
static struct lockorder_stack *qlock_stack(struct sem *s)
{
	struct kthread *kt = kthread_current();

	return s->order.name && kt && !in_irq_ctx() ? &kt->qlocks : NULL;
}

static void qlock_taking(struct sem *s, const struct lock_site *site)
{
	struct lockorder_stack *st = qlock_stack(s);

	if (st)
		lockorder_sleep_acquire(st, &s->order, site);
}

static void qlock_taken(struct sem *s, const struct lock_site *site)
{
	struct lockorder_stack *st = qlock_stack(s);

	if (st)
		lockorder_sleep_acquired(st, &s->order, site);
}

static void qlock_released(struct sem *s)
{
	struct lockorder_stack *st = qlock_stack(s);

	if (st)
		lockorder_sleep_release(st, &s->order);
}

static void sem_set_class(struct sem *s, const char *cls)
{
	s->order = (struct lockorder_key){ .name = cls };
}
#else
static void qlock_taking(struct sem *s, const struct lock_site *site) { }
static void qlock_taken(struct sem *s, const struct lock_site *site) { }
static void qlock_released(struct sem *s) { }
static void sem_set_class(struct sem *s, const char *cls) { }
#endif

void sem_init(struct sem *s, int64_t count)
{
	spinlock_init(&s->lock, "sem");
	s->count = count;
	list_init(&s->waiters);
	sem_set_class(s, NULL);
}

void qlock_init(struct sem *s, const char *cls)
{
	sem_init(s, 1);
	sem_set_class(s, cls);
}

bool sem_trydown_at(struct sem *s, const struct lock_site *site)
{
	uint64_t flags = spin_lock_irqsave(&s->lock);
	bool ok = s->count > 0;

	if (ok)
		s->count--;
	spin_unlock_irqrestore(&s->lock, flags);
	if (ok)
		qlock_taken(s, site);
	return ok;
}

void sem_down_at(struct sem *s, const struct lock_site *site)
{
	uint64_t flags;

	assert(kthread_current() && !in_irq_ctx());
	qlock_taking(s, site);
	flags = spin_lock_irqsave(&s->lock);
	if (s->count > 0) {
		s->count--;
		spin_unlock_irqrestore(&s->lock, flags);
	} else {
		list_add_tail(&kthread_current()->wait_link, &s->waiters);
		kthread_block(&s->lock);
		irq_restore(flags);
	}
	qlock_taken(s, site);
}

void sem_up(struct sem *s)
{
	struct kthread *kt = NULL;
	uint64_t flags;

	qlock_released(s);
	flags = spin_lock_irqsave(&s->lock);

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
