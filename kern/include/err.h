/* SPDX-License-Identifier: MIT */
/*
 * err.h - error stacks: the error idiom of the 9ns, network and device
 * layers (Plan 9's waserror/error, see Documentation/kapi/err.md).
 *
 *	void *example(struct chan *c)
 *	{
 *		ERRSTACK(1);
 *		void *buf = kmalloc(64, MEM_WAIT);
 *
 *		if (waserror()) {          // we get here when error() is called below
 *			kfree(buf);
 *			nexterror();       // pass it on to our caller's waserror()
 *		}
 *		devtab_read(c, buf, 64);   // may call error(EIO, "disk on fire")
 *		poperror();
 *		return buf;
 *	}
 *
 * Rules:
 *  - ERRSTACK(n) declares room for n waserror() frames in this function;
 *    using more panics.  Every waserror() is paired with a poperror() (on
 *    the success path) or a nexterror() (in its error branch) on every path.
 *    Returning from the function with frames still pushed is a bug: the
 *    frames live in the returning function's stack frame.
 *  - error(errno, fmt, ...) records the errno and a formatted message in the
 *    current kthread and unwinds to the most recent waserror().  The message
 *    must say what was wrong ("bind: 'x': not a directory"), never nothing.
 *  - Never call error() holding a spinlock or in IRQ context (it panics if
 *    interrupts are off, which catches most of these).
 *  - Locals a function modifies after waserror() and reads in its error
 *    branch must be volatile (setjmp does not save them).
 *  - The sys* calls of sysfile.c catch every error() of this layer and
 *    leave it in the kthread; the syscall layer copies it into the user's
 *    err + errstr (sysc_fail_from_kthread); core code (mm, arch, kthreads)
 *    never calls error().
 *  - error() with no waserror() frame anywhere in the kthread panics.
 */
#pragma once

#include <arch/setjmp.h>
#include <compiler.h>
#include <types.h>

#define ERRSTR_MAX 128

struct errframe {
	struct jmpbuf jb;
	struct errframe *prev;
};

/* Per-kthread error state (a field of struct kthread). */
struct errstate {
	struct errframe *top;           /* innermost waserror() frame */
	int errno_;                     /* of the last error() */
	char errstr[ERRSTR_MAX];        /* its message */
};

struct errstate *errstate_current(void);
void errframe_push(struct errframe *f, struct errframe *limit);
void errframe_pop(struct errframe *f);
void error(int errno_, const char *fmt, ...) __noreturn __printf(2, 3);
void nexterror(void) __noreturn;

/* The last error() of this kthread: its errno and message. */
int get_errno(void);
const char *get_errstr(void);
/* Sets the message without unwinding (for a caught error re-raised later). */
void set_errstr(const char *fmt, ...) __printf(1, 2);
/* Records errno and message as error() does, without unwinding; returns -1.
 * For the error boundaries (sysfile.c) that fail without raising. */
int set_error(int errno_, const char *fmt, ...) __printf(2, 3);

#define ERRSTACK(n)                                                      \
	struct errframe __errframes[(n)];                                \
	int __errdepth = 0

/* Push a frame and set the jump point: 0 now, non-zero after error(). */
#define waserror()                                                       \
	(errframe_push(&__errframes[__errdepth++], &__errframes[ARRAY_SIZE(__errframes)]), \
	 kj_setjmp(&__errframes[__errdepth - 1].jb))

#define poperror()                                                       \
	errframe_pop(&__errframes[--__errdepth])
