/* SPDX-License-Identifier: MIT */
/*
 * parlib/futex.h - Linux's futex, emulated over uthreads (futex.c): what
 * the C library's pthreads (musl's own mutexes, condvars, joins...) sleep
 * and wake on.  Documentation/pthreads.md.
 *
 *	futex_wait(&word, seen, NULL);      // sleeps while word == seen
 *	word = new; futex_wake(&word, 1);   // wakes one sleeper
 *
 * Results are Linux's: 0 or -EAGAIN (the word changed), -ETIMEDOUT,
 * -EINTR (futex_interrupt: a signal for the waiter);
 * futex_wake/futex_requeue return how many they woke (and moved).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct uthread;

/* Relative timeout in ns, or NULL: forever. */
int futex_wait(int *addr, int val, const uint64_t *timeout_ns);
int futex_wake(int *addr, int nr);
/* Wakes nr_wake sleepers on addr and moves up to nr_move others to addr2. */
int futex_requeue(int *addr, int nr_wake, int nr_move, int *addr2);
/* The monotonic clock in ns for deadlines, and the 2LS's deadline check
 * (uth_fifo.h: fifo_timer_check): the C library calls this once. */
extern uint64_t (*futex_now_ns)(void);
void futex_init_timers(uint64_t (*now_ns)(void));
/* parlib_fork_child's part (parlib/uthread.h): no waiters (they were the
 * parent's other uthreads), the lock free. */
void futex_after_fork(void);
/* Ends u's futex wait, if it waits, with -EINTR: true if it waited.  Any
 * context; not under the caller's own futex wait, of course. */
bool futex_interrupt(struct uthread *u);
