/* SPDX-License-Identifier: MIT */
/*
 * ros/event_msg.h - the event message and the event type numbers, shared by
 * the kernel and user space.
 *
 * Split from ros/event.h because the mailboxes carry messages (ros/ucq.h
 * needs struct event_msg) while ros/event.h embeds the mailboxes; this file
 * includes nothing but <stdint.h>, so every mailbox header can include it.
 * Kernel side: kern/src/event/event.c (send_event and the mailbox producers).
 * User side: user/parlib/event.c (handlers by type, the mailbox consumers).
 */
#pragma once

#include <stdint.h>

/*
 * Event types.  0..EV_FIRST_DYNAMIC-1 are fixed here; the rest are handed out
 * at run time (FD taps name their own ev_id, for instance).  A type indexes
 * procdata's kernel_evts[] and an evbitmap, so every type < EV_NR_TYPES.
 *                             ev_arg1        ev_arg2      ev_arg3        ev_arg4
 */
#define EV_NONE             0
#define EV_PREEMPT_PENDING  1   /* vcoreid                                  deadline (TSC) */
#define EV_VCORE_PREEMPT    2   /* vcoreid                                                 */
#define EV_USER_IPI         3   /* (user's)     (user's)     (user's)       (user's)       */
#define EV_PAGE_FAULT       4   /* fault flags  -            address        -              */
#define EV_ALARM            5   /* -            alarm id     -              -              */
#define EV_EVENT            6   /* -            -            struct event_queue * to check */
#define EV_SYSCALL          7   /* -            -            struct syscall * completed    */
#define EV_CHECK_MSGS       8   /* vcoreid whose mailbox needs draining                    */
#define EV_POSIX_SIGNAL     9   /* signal nr    sender pid   si_value       si_code | x<<32 */
#define EV_NR_STATIC        10

/*
 * EV_POSIX_SIGNAL, the one layout every sender keeps (the kernel through
 * send_event, user space through SYS_notify); the C library decodes it
 * into a Linux siginfo_t (tools/compilers/musl/vireo/lx_sig_queue.c,
 * Documentation/libc.md "Signals"):
 *   ev_arg1  the signal, x86-64 Linux's numbering (1..64; real-time 32..64)
 *   ev_arg2  the sender's pid (0: the kernel)
 *   ev_arg3  si_value (sival_int in the low 32 bits, or sival_ptr); 0: none
 *   ev_arg4  bits 0..31 si_code as an int32 (Linux's: SI_USER 0, SI_KERNEL
 *            0x80, SI_QUEUE -1, SI_TIMER -2, SI_MESGQ -3, SI_TKILL -6,
 *            CLD_EXITED 1 .. CLD_CONTINUED 6); bits 32..63 by the code:
 *            SI_TIMER the timer id, CLD_* (with SIGCHLD) the child's
 *            si_status (exit code or signal), otherwise 0.
 * The kernel itself sends SIGCHLD to a parent whose child ended
 * (kern/src/proc/process.c): CLD_EXITED with the exit code, or CLD_KILLED
 * with the signal; and one whose child stopped or continued
 * (kern/src/proc/jobctl.c): CLD_STOPPED with the stop signal,
 * CLD_CONTINUED with SIGCONT.  To a process it stops it sends SIGSTOP
 * (sender 0, SI_KERNEL): never delivered, it tells the C library to drop
 * a pending SIGCONT, as POSIX asks of a stop.
 */
#define EV_POSIX_SIGCHLD    17
#define EV_POSIX_SIGCONT    18
#define EV_POSIX_SIGSTOP    19
#define EV_SIG_CLD_EXITED   1
#define EV_SIG_CLD_KILLED   2
#define EV_SIG_CLD_STOPPED  5
#define EV_SIG_CLD_CONTINUED 6
#define EV_SI_KERNEL        0x80
#define EV_FIRST_DYNAMIC    32
#define EV_NR_TYPES         64

/* One message: 24 bytes.  ev_arg3 is a user address when it names memory. */
struct event_msg {
	uint16_t ev_type;
	uint16_t ev_arg1;
	uint32_t ev_arg2;
	uint64_t ev_arg3;
	uint64_t ev_arg4;
};

_Static_assert(__builtin_offsetof(struct event_msg, ev_type) == 0, "event_msg.ev_type");
_Static_assert(__builtin_offsetof(struct event_msg, ev_arg1) == 2, "event_msg.ev_arg1");
_Static_assert(__builtin_offsetof(struct event_msg, ev_arg2) == 4, "event_msg.ev_arg2");
_Static_assert(__builtin_offsetof(struct event_msg, ev_arg3) == 8, "event_msg.ev_arg3");
_Static_assert(__builtin_offsetof(struct event_msg, ev_arg4) == 16, "event_msg.ev_arg4");
_Static_assert(sizeof(struct event_msg) == 24, "struct event_msg is 24 bytes");
