/* SPDX-License-Identifier: MIT */
/*
 * ros/syscall.h - struct syscall, its flags, and the arguments of particular
 * calls; shared by the kernel and user space.
 *
 * Every syscall is asynchronous.  User space fills an array of struct
 * syscall in its own memory and traps with `syscall`: rdi = the array, rsi =
 * the count.  The kernel runs every entry in order.  An entry that finishes
 * gets retval/err/errstr written and SC_DONE set; one that must sleep is left
 * with SC_DONE clear while its kthread sleeps, and the kernel returns to user
 * space.  When it finishes later, the kernel completes it (below).
 *
 * Completion (kernel): write err and retval (errstr only when err != 0),
 * then set SC_DONE in one atomic update; if SC_UEVENT was set, the same
 * update sets SC_K_LOCK, EV_SYSCALL (ev_arg3 = the struct's user address)
 * goes to ev_q, and then SC_K_LOCK is cleared; if SC_UWAKE was set, the
 * process is woken afterwards as an EVENT_WAKEUP event would wake it (its
 * proc_yield(0) returns), with no event and no further access to the struct.
 * Registration (user, to get EV_SYSCALL instead of polling): write ev_q, then
 * CAS flags from f to f | SC_UEVENT, retrying while the CAS fails; give up if
 * SC_DONE or SC_PROGRESS is set (the event may never come: check the result
 * instead).  A user that reads SC_DONE waits until SC_K_LOCK is clear before
 * reusing the struct (the kernel may still be reading ev_q).  Either the
 * kernel sees SC_UEVENT, or the user sees SC_DONE: no wake-up is lost.
 * SC_UWAKE is registered the same way (CAS, give up on SC_DONE/SC_PROGRESS)
 * by a submitter that only waits in proc_yield: it needs no ev_q.
 *
 * Kernel side: kern/src/syscall/dispatch.c (dispatch, completion), the sys_*.c
 * handlers by area.  User side: the trap and the wait in
 * user/parlib/syscall_wait.c, the calls in user/parlib/syscall.c.
 * Numbers: kern/include/ros/syscall.list, generated into
 * <generated/syscall_nums.h> by scripts/mksyscalls.py.
 * All fields are fixed-width; user pointers travel as uint64_t and the kernel
 * touches them only through the uaccess copy routines.
 */
#pragma once

#include <stdint.h>
#include <generated/syscall_nums.h>

#define SYSC_ERRSTR_LEN   128     /* errstr bytes, NUL included */
#define SYSC_MAX_ARGS     6
#define SYSC_MAX_PATH_LEN 4096    /* longest path a syscall accepts */
#define SYSC_MAX_BATCH    1024    /* most entries in one trap */

/*
 * flags, [a]: both sides change it with atomic operations only.
 *   SC_DONE      retval, err and errstr are written; the kernel is done
 *                with the struct once SC_K_LOCK is also clear
 *   SC_PROGRESS  reserved for "partial progress was made"; the kernel never
 *                sets it yet, but registration already treats it as SC_DONE
 *   SC_UEVENT    the user registered ev_q (only the user sets it)
 *   SC_K_LOCK    the kernel is completing: the user spins until it clears
 *   SC_ABORT     reserved; the kernel never sets it yet.  An abort is asked
 *                for with abort_sysc/abort_sysc_fd, not with a flag, and an
 *                aborted call completes with err = EINTR
 *   SC_UWAKE     wake the process at completion (only the user sets it)
 */
#define SC_DONE      0x00000001u
#define SC_PROGRESS  0x00000002u
#define SC_UEVENT    0x00000004u
#define SC_K_LOCK    0x00000008u
#define SC_ABORT     0x00000010u
#define SC_UWAKE     0x00000020u
#define SC_ALL_FLAGS (SC_DONE | SC_PROGRESS | SC_UEVENT | SC_K_LOCK | SC_ABORT | SC_UWAKE)

/*
 * One call.  Field tags (Documentation/style.md): [u] written by the user before the trap, read by
 * the kernel (once: it copies in num to arg5, never the errstr, so a caller
 * need not clear the errstr; it clears flags); [SC_K_LOCK] written by the user any
 * time before SC_UEVENT, read by the kernel at completion (after it sees
 * SC_UEVENT, under SC_K_LOCK); [k] written by the kernel,
 * read by the user after SC_DONE; [a] atomic, both.
 */
struct syscall {
	uint32_t num;                   /* [u] SYS_* */
	int32_t err;                    /* [k] errno (ros/errno.h), 0 on success */
	int64_t retval;                 /* [k] the call's result */
	uint32_t flags;                 /* [a] SC_* */
	uint32_t __pad0;                /* zero */
	uint64_t ev_q;                  /* [SC_K_LOCK] struct event_queue *, if SC_UEVENT */
	uint64_t u_data;                /* [u] the 2LS's cookie (blocked uthread) */
	uint64_t arg0;                  /* [u] arguments, by syscall.list */
	uint64_t arg1;
	uint64_t arg2;
	uint64_t arg3;
	uint64_t arg4;
	uint64_t arg5;
	char errstr[SYSC_ERRSTR_LEN];   /* [k] NUL-terminated message when err != 0 */
};

_Static_assert(__builtin_offsetof(struct syscall, num) == 0, "syscall.num");
_Static_assert(__builtin_offsetof(struct syscall, err) == 4, "syscall.err");
_Static_assert(__builtin_offsetof(struct syscall, retval) == 8, "syscall.retval");
_Static_assert(__builtin_offsetof(struct syscall, flags) == 16, "syscall.flags");
_Static_assert(__builtin_offsetof(struct syscall, ev_q) == 24, "syscall.ev_q");
_Static_assert(__builtin_offsetof(struct syscall, u_data) == 32, "syscall.u_data");
_Static_assert(__builtin_offsetof(struct syscall, arg0) == 40, "syscall.arg0");
_Static_assert(__builtin_offsetof(struct syscall, arg5) == 80, "syscall.arg5");
_Static_assert(__builtin_offsetof(struct syscall, errstr) == 88, "syscall.errstr");
_Static_assert(sizeof(struct syscall) == 216, "struct syscall is 216 bytes");

/* ------------------------------------------- arguments of particular calls */

/* proc_create flags */
#define PROC_DUP_FGRP    0x1u     /* the child starts with a copy of our FDs
                                   * (but the close-on-exec ones) */
#define PROC_ALL_FLAGS   PROC_DUP_FGRP

/*
 * waitpid: pid -1 = any child; options (Linux's bits).  A child's exit is
 * always reported (but with WNOEXIT: waitid without WEXITED); WUNTRACED
 * also reports a stop and WCONTINUED a continue, each once (WNOWAIT:
 * reported and left to report again).  proc/jobctl.c.
 */
#define WNOHANG          1
#define WUNTRACED        2
#define WCONTINUED       8
#define WNOEXIT          0x10
#define WNOWAIT          0x01000000
#define WAIT_ALL_OPTIONS (WNOHANG | WUNTRACED | WCONTINUED | WNOEXIT | WNOWAIT)
/*
 * waitpid's status word, in POSIX's shape so the C library's W* macros read
 * it unchanged: the exit code in bits 8..15 when the low 7 bits are 0;
 * otherwise the low 7 bits are the signal it was ended by (WSTATUS_KILLED:
 * a fault, or proc_destroy by another process without a signal).
 */
#define WSTATUS_EXITED(code)    (((code) & 0xff) << 8)
#define WSTATUS_SIGNALED(sig)   ((sig) & 0x7f)
#define WSTATUS_KILLED          WSTATUS_SIGNALED(9)
/* A stop by signal sig (WIFSTOPPED, WSTOPSIG) and a continue
 * (WIFCONTINUED), as waitpid reports them. */
#define WSTATUS_STOPPED(sig)    ((((sig) & 0xff) << 8) | 0x7f)
#define WSTATUS_CONTINUED       0xffff
/* proc_destroy's code: PROC_EXIT_SIGNALED | sig (1..127) ends the process
 * (itself or another) as "killed by signal sig"; without the flag, the code
 * is an exit code for oneself and ignored for others (SIGKILL). */
#define PROC_EXIT_SIGNALED      0x10000

/* access modes */
#define F_OK 0
#define X_OK 1
#define W_OK 2
#define R_OK 4

/* dup_fds_to: one entry of the map */
struct childfdmap {
	uint32_t parentfd;              /* [u] our FD */
	uint32_t childfd;               /* [u] the slot in the CREATED child */
	int32_t ok;                     /* [k] 0, or -errno for this entry */
	uint32_t __pad0;
};
_Static_assert(sizeof(struct childfdmap) == 16, "struct childfdmap is 16 bytes");

/* wstat/fwstat flags: which fields of the 9P stat blob to apply */
#define WSTAT_MODE   0x01
#define WSTAT_ATIME  0x02
#define WSTAT_MTIME  0x04
#define WSTAT_LENGTH 0x08
#define WSTAT_NAME   0x10
#define WSTAT_UID    0x20
#define WSTAT_GID    0x40
#define WSTAT_MUID   0x80
#define WSTAT_ALL    0xff
