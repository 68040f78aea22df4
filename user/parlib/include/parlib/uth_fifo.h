/* SPDX-License-Identifier: MIT */
/*
 * parlib/uth_fifo.h - parlib's default 2LS: a FIFO run queue shared by
 * every vcore, uthreads parked on syscalls, vcores asked for as work grows
 * and yielded when idle (Documentation/parlib.md).
 *
 *	uth_fifo_init(my_exit_hook);    // thread0: the process becomes an MCP
 *
 * exit_hook(u) runs in vcore context when a uthread ended (uthread_exit):
 * the C library wakes its joiners and frees its stack there.
 */
#pragma once

#include <stdint.h>
#include <parlib/uthread.h>

/* 0, or -errno from change_to_m (EBUSY: no core; the process stays an SCP). */
int uth_fifo_init(void (*exit_hook)(struct uthread *u));

/* parlib_fork_child's part (parlib/uthread.h): the queues, the vcore
 * counts and the syscall hooks as before uth_fifo_init; the other
 * uthreads of the parent are forgotten. */
void uth_fifo_after_fork(void);

/* Set by futex.c: wakes the timed waiters whose deadline passed; returns
 * how many timed waiters are left (an idle vcore then naps 1 ms instead of
 * yielding, to notice the next deadline). */
extern uint32_t (*fifo_timer_check)(void);
