/* SPDX-License-Identifier: MIT */
/*
 * lx_sig.h - what the signal files of the translation layer share (the
 * rest of the layer sees only lx.h).  The files, one idea each:
 *   lx_signal.c     actions, masks, the per-thread state, the queue's start
 *   lx_sig_queue.c  pending signals: the UCQ's messages decoded, queued
 *   lx_sig_deliver.c running an action: handler, default, the hook
 *   lx_sig_intr.c   calls a handler interrupts: abort, EINTR or restart
 *   lx_sig_wait.c   sigsuspend, pause, sigtimedwait
 *   lx_sig_send.c   kill, tkill, tgkill, sigqueue
 *   lx_sigaltstack.c the alternate stack
 *   lx_sig_vcore.c  from vcore context: a process whose threads all wait
 *
 * State and its rules.  Actions are per process (lx_sigactions, plain
 * stores: musl's sigaction takes its own lock).  Each thread has a struct
 * lx_sig_thr (thread0's is static, the others' in their TLS), touched only
 * by its own thread except `pending`, which other threads set atomically
 * (tgkill) and the owner clears atomically.  The queue (lx_sig_queue.c) is
 * under a spin-PDR lock, never held across a handler.
 */
#pragma once

#include <parlib/ucq.h>
#include "lx.h"

#define LX_SIGHUP      1
#define LX_SIGINT      2
#define LX_SIGQUIT     3
#define LX_SIGABRT     6
#define LX_SIGKILL     9
#define LX_SIGCHLD    17
#define LX_SIGCONT    18
#define LX_SIGSTOP    19
#define LX_SIGTSTP    20
#define LX_SIGTTIN    21
#define LX_SIGTTOU    22
#define LX_SIGURG     23
#define LX_SIGWINCH   28
#define LX_SIGRT_FIRST 32       /* the kernel's SIGRTMIN: queued from here up */

#define LX_SIG_BLOCK   0
#define LX_SIG_UNBLOCK 1
#define LX_SIG_SETMASK 2
#define LX_SIG_DFL    0UL
#define LX_SIG_IGN    1UL
#define LX_SA_SIGINFO   0x4UL
#define LX_SA_ONSTACK   0x08000000UL
#define LX_SA_RESTART   0x10000000UL
#define LX_SA_NODEFER   0x40000000UL
#define LX_SA_RESETHAND 0x80000000UL
#define LX_SA_NOCLDSTOP 0x1UL
#define LX_CLD_EXITED   1
#define LX_CLD_KILLED   2
#define LX_CLD_DUMPED   3
#define LX_CLD_STOPPED  5
#define LX_CLD_CONTINUED 6

#define LX_SIGBIT(s) (1ULL << ((s) - 1))
#define LX_UNBLOCKABLE (LX_SIGBIT(LX_SIGKILL) | LX_SIGBIT(LX_SIGSTOP))

/* Per thread (see above). */
struct lx_sig_thr {
	uint64_t mask;                  /* blocked signals */
	uint64_t caught;                /* handlers run in this thread */
	uint64_t call_caught;           /* caught when the running Linux call began */
	bool call_norestart;            /* a handler without SA_RESTART ran in it */
	bool aborting;                  /* lx_sig_abort_wait's call is under way */
	uint64_t waiting_for;           /* sigtimedwait's set while it waits */
	struct lx_stack alt;            /* sigaltstack; ss_size 0: none */
	int tid;                        /* thread0's is the pid */
	struct uthread *uth;            /* [a] its uthread, once threads run */
};

extern struct lx_k_sigaction lx_sigactions[LX_NSIG];
extern int lx_sig_state;                /* 0 not started, 1 registered, -1 none */

/* lx_signal.c: the calling thread's state; a thread's by tid (NULL if
 * none: not a live thread of ours). */
struct lx_sig_thr *lx_sig_me(void);
struct lx_sig_thr *lx_sig_thr_find(int tid);
/* Every live thread's state to fn, until it returns true (then true). */
bool lx_sig_thr_each(bool (*fn)(struct lx_sig_thr *t, void *arg), void *arg);

/* lx_sig_vcore.c: parlib's vcore_events_hook; the same look from a
 * thread (after queueing a signal another thread may take). */
void lx_sig_vcore(uint32_t vcoreid);
void lx_sig_kick(void);
/* Installs parlib's wait hook (threads start): a thread that begins a futex
 * wait, or parks on a system call, with a signal for it pending is woken
 * at once. */
void lx_sig_wait_start(void);

/* lx_sig_queue.c */
struct event_mbox;
void lx_sigq_init(struct event_mbox *mb);
/* Queues info for the process (tid 0) or one thread: 0, or -EAGAIN when
 * a real-time signal finds the queue full.  A standard signal already
 * pending for that target stays one (the new one is dropped). */
long lx_sigq_add(const struct lx_siginfo *info, int tid);
/* Moves the UCQ's messages into the queue. */
void lx_sigq_drain(void);
/* Takes the first pending signal of `allow` for the process or thread tid
 * (lowest number first, in order within a number): true and *out. */
bool lx_sigq_take(uint64_t allow, int tid, struct lx_siginfo *out);
/* The signals pending for the process or thread tid. */
uint64_t lx_sigq_pending(int tid);
/* Drops every pending instance of sig (an action set to SIG_IGN). */
void lx_sigq_discard(int sig);
/* Empties the queue (a fork child); drops a thread's (its end); is the
 * UCQ empty? */
void lx_sigq_clear(void);
/* A fork child of a process with threads: the lock as if free (its holder,
 * another thread, is not in the child). */
void lx_sigq_fork_unlock(void);
void lx_sigq_forget_thread(int tid);
bool lx_sigq_idle(void);
/* The signals of the queued entries, any target (a cheap first look). */
uint64_t lx_sigq_any(void);

/* For lx_sigq_quiet only (the queue's own file owns them; the UCQ is an
 * empty one until lx_sigq_init). */
extern uint64_t lx_sigq_bits;
extern struct ucq *lx_sigq_ucq;

/* Nothing queued and nothing in the UCQ: the hook's first look after every
 * call, inline (no lock, no TLS: valid in vcore context too). */
static inline bool lx_sigq_quiet(void)
{
	return !__atomic_load_n(&lx_sigq_bits, __ATOMIC_ACQUIRE) &&
	       ucq_is_empty(__atomic_load_n(&lx_sigq_ucq, __ATOMIC_ACQUIRE));
}

/* lx_sig_deliver.c */
bool lx_sig_default_ignores(int sig);
/* SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU: the default action stops the
 * process (SIGSTOP is never queued: the kernel stops at once). */
static inline bool lx_sig_default_stops(int sig)
{
	return sig == LX_SIGSTOP || sig == LX_SIGTSTP || sig == LX_SIGTTIN || sig == LX_SIGTTOU;
}
/* The default action of a stop signal: the kernel stops us (proc_stop)
 * and the call returns once we are continued. */
void lx_sig_stop_self(int sig);
void lx_sig_terminate(int sig) __attribute__((noreturn));
/* Acts on every signal pending for this thread that its mask lets
 * through, lowest first; true if a handler ran. */
bool lx_sig_deliver(void);
/* The action of one taken signal (not blocked): handler, ignore, or the
 * default; true if a handler ran. */
bool lx_sig_act(const struct lx_siginfo *info);

/* lx_sig_intr.c: a handler ran while this thread waited in a call. */
void lx_sig_note_handler(unsigned long sa_flags);
void lx_sig_abort_wait(void);

/* lx_sigaltstack.c: calls fn(arg) on the alternate stack if sa_flags has
 * SA_ONSTACK, one is set and we are not on it already; uc_stack filled. */
void lx_sig_run_on_stack(unsigned long sa_flags, void (*fn)(void *), void *arg,
                         struct lx_stack *uc_stack);
