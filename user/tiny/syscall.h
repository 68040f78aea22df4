/* SPDX-License-Identifier: MIT */
/*
 * tiny/syscall.h - the syscall stub of the freestanding test programs.
 *
 *	struct syscall sc;
 *	int64_t fd = sysc(&sc, SYS_openat, TINY_AT_FDCWD, UP(path), len, O_READ);
 *	if (fd < 0)
 *		tiny_printf("open: %s\n", sc.errstr);	(fd is -sc.err)
 *	int64_t n = tsys(SYS_read, fd, UP(buf), sizeof(buf));	(no errstr kept)
 *
 *	struct syscall batch[2];
 *	sysc_prep(&batch[0], SYS_null);
 *	sysc_prep(&batch[1], SYS_getpcoreid);
 *	sysc_run(batch, 2);	(each entry has its own err/retval/errstr)
 *
 * The ABI (kern/include/ros/syscall.h, Documentation/syscalls.md): the
 * `syscall` instruction with rdi = an array of struct syscall and rsi = its
 * count; the kernel runs every entry in order and marks each SC_DONE when
 * it is finished.  A call that sleeps comes back with SC_DONE clear and
 * completes later, so sysc_run() waits for every entry.  The trap and the
 * wait are parlib's own (user/parlib/syscall_wait.c, linked into every tiny
 * program; parlib/syscall.h): a short spin, then the process sleeps
 * WAITING for the call's EV_SYSCALL.
 * Arguments are given as uint64_t (cast pointers with UP()); at most six,
 * missing ones are 0 (more than six does not compile).
 * Single-threaded programs only.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <ros/syscall.h>
#include <parlib/syscall.h>

/* ABI values that ros/ does not carry yet (kern/include/sysfile.h has them). */
#define TINY_AT_FDCWD  (-100)       /* openat: relative to the current dir */
#define TINY_SEEK_SET  0
#define TINY_SEEK_CUR  1
#define TINY_SEEK_END  2
#define TINY_PID_SELF  0            /* proc_destroy: the calling process */

/* A pointer as a syscall argument. */
#define UP(p) ((uint64_t)(uintptr_t)(p))

/* The six arguments as an array; the missing ones are zero. */
#define SYSC_ARGS(...) ((const uint64_t[SYSC_MAX_ARGS]){ __VA_ARGS__ })

/* Zeroes *sc and fills num and the arguments (flags 0, no errstr). */
void sysc_fill(struct syscall *sc, uint32_t num, const uint64_t *args);
#define sysc_prep(sc, num, ...) sysc_fill((sc), (num), SYSC_ARGS(__VA_ARGS__))

/* The trap alone: does not wait for SC_DONE (tests of bad arrays use it). */
static inline void sysc_trap(struct syscall *scs, uint64_t count)
{
	ros_syscall_trap(scs, count);
}

/* Waits until the kernel has finished with sc (SC_DONE set, SC_K_LOCK clear). */
static inline void sysc_wait(struct syscall *sc)
{
	ros_syscall_blockon(sc);
}

/* Traps with scs[0..count) and waits for every entry. */
void sysc_run(struct syscall *scs, size_t count);

/* Fills *sc, runs it, returns retval, or -err when err is not 0. */
int64_t sysc_call(struct syscall *sc, uint32_t num, const uint64_t *args);
#define sysc(sc, num, ...) sysc_call((sc), (num), SYSC_ARGS(__VA_ARGS__))

/* The same with a struct on the stack, for callers that need no errstr. */
int64_t tsys_call(uint32_t num, const uint64_t *args);
#define tsys(num, ...) tsys_call((num), SYSC_ARGS(__VA_ARGS__))
