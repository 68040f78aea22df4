/* SPDX-License-Identifier: MIT */
/*
 * rendez.c - condition sleeps with timeout and abort (rendez.h).
 *
 * A sleeper, holding its own sleep_lock and then the rendez lock, clears
 * kt->sleep_rv, checks the condition and its interrupt bits; to sleep it
 * records sleep_rv = rv, links itself on rv->waiters, drops sleep_lock and
 * blocks, dropping the rendez lock.  Wakers (rendez_wakeup) unlink every
 * waiter under the rendez lock and wake it.  Interrupters (the timeout
 * alarm, rendez_abort_kthread) take the sleeper's sleep_lock, set an interrupt bit,
 * and, if sleep_rv is set, take that rendez's lock and wake the sleeper if
 * it is still linked.  Because the sleeper only leaves a rendez with its
 * sleep_lock held, sleep_rv is valid while an interrupter holds sleep_lock.
 * Whoever unlinks a sleeper wakes it, exactly once.
 *
 * An abort names the kthread itself: its caller keeps that kthread alive
 * (the syscall layer lists a process's kthreads), so no registry and no
 * global lock are needed.  A conditional abort decides under sleep_lock
 * whether the kthread still runs what it meant to abort, so the owner can
 * publish and withdraw that without a lock (rendez_abort_clear_quick).  The timeout is an IRQ alarm on the sleeper's
 * own core.
 */
#include <alarm.h>
#include <arch/trap.h>
#include <assert.h>
#include <atomic.h>
#include <errno.h>
#include <kthread.h>
#include <rendez.h>
#include <time.h>

void rendez_init(struct rendez *rv)
{
	spinlock_init(&rv->lock, "rendez");
	list_init(&rv->waiters);
}

/* ------------------------------------------------------------ sleeping --- */

static int rendez_intr_error(uint32_t intr)
{
	if (intr & KT_INTR_ABORT)
		return -ECANCELED;
	if (intr & KT_INTR_TIMEOUT)
		return -ETIMEDOUT;
	return 0;
}

/* One check-and-maybe-sleep round; returns 1 after a sleep, else the result. */
static int rendez_round(struct rendez *rv, bool (*cond)(void *), void *arg,
                        struct kthread *kt)
{
	uint64_t f1 = spin_lock_irqsave(&kt->sleep_lock);
	uint64_t f2 = spin_lock_irqsave(&rv->lock);
	int err;

	kt->sleep_rv = NULL;
	if (cond(arg))
		err = 0;
	else if (!(err = rendez_intr_error(kt->sleep_intr)))
		err = 1;        /* go to sleep */
	if (err != 1) {
		spin_unlock_irqrestore(&rv->lock, f2);
		spin_unlock_irqrestore(&kt->sleep_lock, f1);
		return err;
	}
	kt->sleep_rv = rv;
	list_add_tail(&kt->wait_link, &rv->waiters);
	spin_unlock(&kt->sleep_lock);
	kthread_block(&rv->lock);
	irq_restore(f2);
	irq_restore(f1);
	return 1;
}

static int rendez_sleep_loop(struct rendez *rv, bool (*cond)(void *), void *arg)
{
	struct kthread *kt = kthread_current();
	int ret;

	assert(kt && !in_irq_ctx());
	do {
		ret = rendez_round(rv, cond, arg, kt);
	} while (ret == 1);
	return ret;
}

int rendez_sleep(struct rendez *rv, bool (*cond)(void *), void *arg)
{
	return rendez_sleep_loop(rv, cond, arg);
}

/* -------------------------------------------------------- interruption --- */

/* Sets why in kt's interrupt bits and wakes it if it sleeps, unless match
 * (when given) says no: match runs under kt's sleep_lock, IRQs off. */
static bool rendez_interrupt(struct kthread *kt, uint32_t why,
                             bool (*match)(struct kthread *, void *), void *arg)
{
	uint64_t f1 = spin_lock_irqsave(&kt->sleep_lock);
	struct rendez *rv = kt->sleep_rv;
	bool hit = !match || match(kt, arg);

	if (hit)
		kt->sleep_intr |= why;
	if (hit && rv) {
		uint64_t f2 = spin_lock_irqsave(&rv->lock);

		if (!list_empty(&kt->wait_link)) {
			list_del(&kt->wait_link);
			kthread_wake(kt);
		}
		spin_unlock_irqrestore(&rv->lock, f2);
	}
	spin_unlock_irqrestore(&kt->sleep_lock, f1);
	return hit;
}

static void rendez_clear_intr(struct kthread *kt, uint32_t bits)
{
	uint64_t f = spin_lock_irqsave(&kt->sleep_lock);

	kt->sleep_intr &= ~bits;
	spin_unlock_irqrestore(&kt->sleep_lock, f);
}

static void rendez_timeout_fire(struct alarm_waiter *a)
{
	rendez_interrupt(a->data, KT_INTR_TIMEOUT, NULL, NULL);
}

int rendez_sleep_timeout(struct rendez *rv, bool (*cond)(void *), void *arg,
                         uint64_t usec)
{
	struct timer_chain *tc = this_tchain();
	struct kthread *kt = kthread_current();
	struct alarm_waiter a;
	int ret;

	rendez_clear_intr(kt, KT_INTR_TIMEOUT);
	init_alarm(&a, rendez_timeout_fire, kt, ALARM_IRQ);
	set_awaiter_rel(&a, usec * NSEC_PER_USEC);
	set_alarm(tc, &a);
	ret = rendez_sleep_loop(rv, cond, arg);
	unset_alarm(tc, &a);
	rendez_clear_intr(kt, KT_INTR_TIMEOUT);
	return ret;
}

void rendez_wakeup(struct rendez *rv)
{
	uint64_t flags = spin_lock_irqsave(&rv->lock);

	while (!list_empty(&rv->waiters)) {
		struct kthread *kt = list_first_entry(&rv->waiters, struct kthread, wait_link);

		list_del(&kt->wait_link);
		kthread_wake(kt);
	}
	spin_unlock_irqrestore(&rv->lock, flags);
}

/* --------------------------------------------------------------- abort --- */

void rendez_abort_kthread(struct kthread *kt)
{
	rendez_interrupt(kt, KT_INTR_ABORT, NULL, NULL);
}

bool rendez_abort_kthread_if(struct kthread *kt, bool (*match)(struct kthread *, void *),
                             void *arg)
{
	return rendez_interrupt(kt, KT_INTR_ABORT, match, arg);
}

void rendez_abort_clear(void)
{
	rendez_clear_intr(kthread_current(), KT_INTR_ABORT);
}

/*
 * The caller has just withdrawn (a plain store) what the matches of
 * rendez_abort_kthread_if read.  After the fence, an interrupter that takes
 * sleep_lock later sees the withdrawal and does not match; one that took it
 * earlier has set the bit, or still holds the lock: only then is the lock
 * needed, to clear the bit after it.
 */
void rendez_abort_clear_quick(void)
{
	struct kthread *kt = kthread_current();

	mb();
	if ((READ_ONCE(kt->sleep_intr) & KT_INTR_ABORT) || spin_is_locked(&kt->sleep_lock))
		rendez_clear_intr(kt, KT_INTR_ABORT);
}
