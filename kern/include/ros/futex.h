/* SPDX-License-Identifier: MIT */
/*
 * ros/futex.h - the futex syscall (SYS_futex), shared by the kernel
 * (kern/src/vm/futex.c) and the C library (lx_thread.c).
 *
 *	SYS_futex(uaddr, FUTEX_OP_WAIT | [FUTEX_OP_TIMED], val, timeout_ns)
 *	    sleeps while *uaddr == val, until a FUTEX_OP_WAKE of the same word,
 *	    the timeout (relative, ns, with FUTEX_OP_TIMED: ETIMEDOUT) or an
 *	    abort of the call (EINTR); EAGAIN at once if *uaddr != val.
 *	SYS_futex(uaddr, FUTEX_OP_WAKE, n, 0): wakes up to n waiters of the
 *	    word (n <= 0 wakes none); returns how many.
 * Only words in shared mappings (MAP_SHARED: a file's page-cache page or
 * shared anonymous memory) are kernel futexes: they are keyed by the page
 * and offset, so every process mapping the page meets the same waiters.
 * A word in a private mapping is EXDEV: the process's own threads serve
 * it in user space (parlib futex.c).  Documentation/futex.md.
 */
#pragma once

#define FUTEX_OP_WAIT   0
#define FUTEX_OP_WAKE   1
#define FUTEX_OP_TIMED  0x100   /* WAIT: arg3 is a relative timeout in ns */
