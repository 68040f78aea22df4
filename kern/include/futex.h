/* SPDX-License-Identifier: MIT */
/*
 * futex.h - kernel futexes on shared memory (vm/futex.c; the syscall ABI
 * is ros/futex.h, the design Documentation/futex.md).
 *
 *	r = futex_wait(mm, uaddr, val, timed, usec);  // 0, -EAGAIN, -ETIMEDOUT,
 *	                                              // -EINTR, -EFAULT, -EINVAL, -EXDEV
 *	n = futex_wake(mm, uaddr, nr);                // woken, or -errno as above
 *
 * Both may sleep (mm->lock, to find and fault in the word's page); neither
 * allocates.  Core code: negative errno, never error().
 */
#pragma once

#include <types.h>

struct mm;

int futex_wait(struct mm *mm, uintptr_t uaddr, int val, bool timed, uint64_t usec);
int futex_wake(struct mm *mm, uintptr_t uaddr, int nr);
/* Waiters asleep right now, all words (for tests and the monitor). */
int futex_nr_waiters(void);
