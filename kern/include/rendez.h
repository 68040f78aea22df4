/* SPDX-License-Identifier: MIT */
/*
 * rendez.h - sleep until a condition holds, with timeout and abort.
 *
 *	struct rendez rv;  rendez_init(&rv);
 *	sleeper:  err = rendez_sleep(&rv, cond_fn, arg);
 *	          err = rendez_sleep_timeout(&rv, cond_fn, arg, usec);
 *	waker:    make cond_fn(arg) true, then rendez_wakeup(&rv);  // any context
 *
 * cond_fn(arg) is evaluated with the rendez lock held and IRQs off: it must
 * be quick, must not block and must not take locks that are held around a
 * rendez_wakeup() of this rendez.  rendez_sleep* return 0 as soon as the
 * condition is true (checked first, and after every wakeup; the condition
 * wins over a timeout or abort that races with it), -ETIMEDOUT when the
 * timeout passed, -ECANCELED when the sleep was aborted.  Any number of
 * kthreads may sleep on one rendez; rendez_wakeup() wakes them all and each
 * rechecks its own condition.
 *
 * Abort: rendez_abort_kthread(kt), from any context, makes kt's current
 * and every later rendez sleep return -ECANCELED until kt itself calls
 * rendez_abort_clear().  The caller keeps kt alive while it aborts it (the
 * syscall layer lists each process's kthreads; a test holds the reference
 * kthread_join() needs).  No global lock is taken.
 * rendez_abort_kthread_if(kt, match, arg) aborts only if match, run under
 * kt's sleep_lock, agrees: the syscall layer matches on the call kt runs
 * (kt->sysc), which kt publishes and withdraws with plain stores, clearing
 * a late abort with rendez_abort_clear_quick().
 *
 * The rendez must outlive its sleepers and its wakers (owner's rule).
 * Lock order: kthread sleep_lock -> rendez lock -> run-queue locks;
 * rendez_wakeup() takes only the last two.
 */
#pragma once

#include <list.h>
#include <spinlock.h>
#include <types.h>

struct kthread;

struct rendez {
	spinlock_t lock;
	struct list_head waiters;       /* [l] kthreads, by kthread.wait_link */
};

void rendez_init(struct rendez *rv);
int rendez_sleep(struct rendez *rv, bool (*cond)(void *), void *arg);
int rendez_sleep_timeout(struct rendez *rv, bool (*cond)(void *), void *arg,
                         uint64_t usec);
void rendez_wakeup(struct rendez *rv);

void rendez_abort_kthread(struct kthread *kt);
void rendez_abort_clear(void);
/* Aborts kt only if match(kt, arg), run under kt's sleep_lock with IRQs
 * off (quick, no locks), says so; returns whether it did. */
bool rendez_abort_kthread_if(struct kthread *kt, bool (*match)(struct kthread *, void *),
                             void *arg);
/* rendez_abort_clear for a kthread that has just withdrawn, with a plain
 * store, the state match reads: no lock unless an abort may have landed. */
void rendez_abort_clear_quick(void);
