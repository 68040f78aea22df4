/* SPDX-License-Identifier: MIT */
/*
 * lx_sig_queue.c - the pending signals: the EV_POSIX_SIGNAL messages of
 * the UCQ decoded into Linux siginfo_t, and kept until delivered or taken.
 *
 * The message (fixed; ros/event_msg.h): ev_arg1 the signal (1..64),
 * ev_arg2 the sender's pid (0 the kernel), ev_arg3 the si_value, ev_arg4's
 * low 32 bits the si_code; its high 32 bits the timer id for SI_TIMER and
 * the child's status for SIGCHLD's CLD_* codes.  A message with another
 * type or a signal out of range (kill(pid, 0) probes) is dropped.
 *
 * One array of entries, each a siginfo with its target (0 the process, or
 * a thread id: tkill's, or a SIGEV_THREAD_ID timer's while that thread
 * lives) and a sequence number.  A standard signal (1..31) is one
 * pending instance per target: a second is dropped.  Real-time signals
 * (32..64) queue every instance with its value; at most LX_SIGQ_RT_MAX of
 * them are pending at once (RLIMIT_SIGPENDING's role): sigqueue then
 * fails with EAGAIN and a message that finds it full is lost.  Taking
 * picks the lowest number, then the oldest.  All under lx_sigq_lock (a
 * spin-PDR lock: uthreads and vcore context), never held across a
 * handler or a system call; the UCQ is drained by one thread at a time
 * (lx_sigq_draining), since draining may unmap a UCQ page.
 *
 * Job control (lx_sigq_jobctl): a SIGCONT drops pending stop signals and
 * a stop signal a pending SIGCONT as they arrive; SIGSTOP and, under
 * SA_NOCLDSTOP, SIGCHLD of a child's stop or continue are never queued.
 *
 * Timers.  A signal a timer of ours sent (SI_TIMER, or SI_KERNEL: the
 * itimer) is acknowledged to lx_timer.c (lx_timer_delivered) exactly once,
 * when it leaves the queue: taken (delivered or accepted by sigwait; its
 * si_overrun filled then), dropped as a second pending instance of a
 * standard signal, or discarded by SIG_IGN.  Until then the alarm counts
 * further expirations as overruns instead of sending.  The acknowledgement
 * is a system call, so it is made after the lock is dropped.
 */
#include <string.h>
#include <parlib/event.h>
#include <parlib/parlib.h>
#include <parlib/pdr_lock.h>
#include "lx_sig.h"

#define LX_SIGQ_MAX     256
#define LX_SIGQ_RT_MAX  128
/* Timers' signals pending at once: a timer (at most LX_TIMERS_MAX) or the
 * itimer has one outstanding until acknowledged; room to spare. */
#define LX_SIGQ_TIMERS_MAX 64

struct lx_sigq_ent {
	struct lx_siginfo info;
	uint64_t seq;                   /* 0: free */
	int tid;
};

static struct lx_sigq_ent lx_sigq[LX_SIGQ_MAX];
static struct spin_pdr_lock lx_sigq_lock = SPIN_PDR_INITIALIZER;
static uint64_t lx_sigq_seq;
static int lx_sigq_nr_rt;
uint64_t lx_sigq_bits;                  /* [a] the signals of the entries */
static struct ucq lx_sigq_no_ucq;       /* empty: before lx_sigq_init */
struct ucq *lx_sigq_ucq = &lx_sigq_no_ucq;      /* [a] the mbox's UCQ */
static struct event_mbox *lx_sigq_mbox;
static int lx_sigq_draining;

void lx_sigq_init(struct event_mbox *mb)
{
	lx_sigq_mbox = mb;
	__atomic_store_n(&lx_sigq_ucq, &mb->ucq, __ATOMIC_RELEASE);
}

static bool lx_sigq_is_timer(const struct lx_siginfo *si)
{
	return si->si_code == LX_SI_TIMER || si->si_code == LX_SI_KERNEL;
}

/* Which timer sent a signal (what lx_timer_delivered needs). */
struct lx_sigq_timer {
	int sig;
	int32_t code;
	uint32_t id;
};

static struct lx_sigq_timer lx_sigq_timer_of(const struct lx_siginfo *si)
{
	return (struct lx_sigq_timer){
		.sig = si->si_signo, .code = si->si_code,
		.id = si->si_code == LX_SI_TIMER ? (uint32_t)si->si_timerid : 0,
	};
}

/* A timer's signal left the queue: acknowledged; its overrun returned. */
static int lx_sigq_timer_ack(struct lx_sigq_timer t)
{
	return lx_timer_delivered(t.sig, t.code, t.id);
}

static struct lx_sigq_ent *lx_sigq_find_locked(int sig, int tid)
{
	for (int i = 0; i < LX_SIGQ_MAX; i++)
		if (lx_sigq[i].seq && lx_sigq[i].info.si_signo == sig && lx_sigq[i].tid == tid)
			return &lx_sigq[i];
	return NULL;
}

/* 0 queued, 1 dropped (a standard signal already pending), -EAGAIN. */
static long lx_sigq_add_locked(const struct lx_siginfo *info, int tid)
{
	bool rt = info->si_signo >= LX_SIGRT_FIRST;
	struct lx_sigq_ent *e;

	if (!rt && lx_sigq_find_locked(info->si_signo, tid))
		return 1;
	if (rt && lx_sigq_nr_rt >= LX_SIGQ_RT_MAX)
		return -LX_EAGAIN;
	e = NULL;
	for (int i = 0; !e && i < LX_SIGQ_MAX; i++)
		if (!lx_sigq[i].seq)
			e = &lx_sigq[i];
	if (!e)
		return -LX_EAGAIN;
	e->info = *info;
	e->tid = tid;
	e->seq = ++lx_sigq_seq;
	if (rt)
		lx_sigq_nr_rt++;
	__atomic_fetch_or(&lx_sigq_bits, LX_SIGBIT(info->si_signo), __ATOMIC_RELEASE);
	return 0;
}

static void lx_sigq_drop(int sig, int tid, bool ack);

/*
 * Job control's rules as a signal arrives (POSIX, "Signal Generation"):
 * SIGCONT discards the pending stop signals, a stop signal a pending
 * SIGCONT.  SIGSTOP is the kernel's own (it stopped us already): its
 * message only discards, and is not queued; neither is a SIGCHLD about a
 * child's stop or continue when our SIGCHLD action has SA_NOCLDSTOP.
 * True: not to be queued.
 */
static bool lx_sigq_jobctl(const struct lx_siginfo *info)
{
	int sig = info->si_signo;

	if (sig == LX_SIGCONT) {
		for (int s = LX_SIGSTOP; s <= LX_SIGTTOU; s++)
			if (s != LX_SIGCONT)
				lx_sigq_drop(s, -1, false);
		return false;
	}
	if (lx_sig_default_stops(sig)) {
		lx_sigq_drop(LX_SIGCONT, -1, false);
		return sig == LX_SIGSTOP;
	}
	return sig == LX_SIGCHLD && (lx_sigactions[LX_SIGCHLD].flags & LX_SA_NOCLDSTOP) &&
	       (info->si_code == LX_CLD_STOPPED || info->si_code == LX_CLD_CONTINUED);
}

long lx_sigq_add(const struct lx_siginfo *info, int tid)
{
	long r;

	if (info->si_signo < 1 || info->si_signo >= LX_NSIG)
		return -LX_EINVAL;
	if (lx_sigq_jobctl(info))
		return 0;
	spin_pdr_lock(&lx_sigq_lock);
	r = lx_sigq_add_locked(info, tid);
	spin_pdr_unlock(&lx_sigq_lock);
	if (r == 0)
		return 0;
	if (lx_sigq_is_timer(info))     /* not queued: it leaves at once */
		lx_sigq_timer_ack(lx_sigq_timer_of(info));
	return r < 0 ? r : 0;
}

/* The message's siginfo (the layout above). */
static void lx_sigq_decode(const struct event_msg *m, struct lx_siginfo *si)
{
	memset(si, 0, sizeof(*si));
	si->si_signo = m->ev_arg1;
	si->si_code = (int32_t)(uint32_t)m->ev_arg4;
	if (si->si_code == LX_SI_TIMER) {
		si->si_timerid = (int32_t)(m->ev_arg4 >> 32);
		si->si_value = m->ev_arg3;
		return;
	}
	si->si_pid = (int32_t)m->ev_arg2;
	if (si->si_signo == LX_SIGCHLD && si->si_code >= LX_CLD_EXITED &&
	    si->si_code <= LX_CLD_CONTINUED)
		si->si_status = (int32_t)(m->ev_arg4 >> 32);
	else
		si->si_value = m->ev_arg3;
}

/* The thread a message is for: a SIGEV_THREAD_ID timer's, while it
 * lives (thread0's tid is the pid); otherwise 0, the process. */
static int lx_sigq_target(const struct lx_siginfo *si)
{
	int tid;

	if (si->si_code != LX_SI_TIMER || !(tid = lx_timer_target((uint32_t)si->si_timerid)))
		return 0;
	if (tid == (int)parlib_getpid() || lx_sig_thr_find(tid))
		return tid;
	return 0;
}

void lx_sigq_drain(void)
{
	struct event_msg m;
	struct lx_siginfo si;

	if (lx_sig_state != 1 || __atomic_exchange_n(&lx_sigq_draining, 1, __ATOMIC_ACQUIRE))
		return;
	while (event_mbox_get(lx_sigq_mbox, &m)) {
		if (m.ev_type != EV_POSIX_SIGNAL || m.ev_arg1 < 1 || m.ev_arg1 >= LX_NSIG)
			continue;
		lx_sigq_decode(&m, &si);
		lx_sigq_add(&si, lx_sigq_target(&si));
	}
	__atomic_store_n(&lx_sigq_draining, 0, __ATOMIC_RELEASE);
}

/* After a removal: the entries' signals again. */
static void lx_sigq_bits_locked(void)
{
	uint64_t set = 0;

	for (int i = 0; i < LX_SIGQ_MAX; i++)
		if (lx_sigq[i].seq)
			set |= LX_SIGBIT(lx_sigq[i].info.si_signo);
	__atomic_store_n(&lx_sigq_bits, set, __ATOMIC_RELEASE);
}

bool lx_sigq_idle(void)
{
	return lx_sig_state != 1 || ucq_is_empty(&lx_sigq_mbox->ucq);
}

uint64_t lx_sigq_any(void)
{
	return __atomic_load_n(&lx_sigq_bits, __ATOMIC_ACQUIRE);
}

static bool lx_sigq_for(const struct lx_sigq_ent *e, int tid)
{
	return e->seq && (e->tid == 0 || e->tid == tid);
}

bool lx_sigq_take(uint64_t allow, int tid, struct lx_siginfo *out)
{
	struct lx_sigq_ent *best = NULL;

	spin_pdr_lock(&lx_sigq_lock);
	for (int i = 0; i < LX_SIGQ_MAX; i++) {
		struct lx_sigq_ent *e = &lx_sigq[i];

		if (!lx_sigq_for(e, tid) || !(allow & LX_SIGBIT(e->info.si_signo)))
			continue;
		if (!best || e->info.si_signo < best->info.si_signo ||
		    (e->info.si_signo == best->info.si_signo && e->seq < best->seq))
			best = e;
	}
	if (best) {
		*out = best->info;
		if (best->info.si_signo >= LX_SIGRT_FIRST)
			lx_sigq_nr_rt--;
		memset(best, 0, sizeof(*best));
		lx_sigq_bits_locked();
	}
	spin_pdr_unlock(&lx_sigq_lock);
	if (best && lx_sigq_is_timer(out)) {
		int overrun = lx_sigq_timer_ack(lx_sigq_timer_of(out));

		if (out->si_code == LX_SI_TIMER)
			out->si_overrun = overrun;
	}
	return best != NULL;
}

uint64_t lx_sigq_pending(int tid)
{
	uint64_t set = 0;

	spin_pdr_lock(&lx_sigq_lock);
	for (int i = 0; i < LX_SIGQ_MAX; i++)
		if (lx_sigq_for(&lx_sigq[i], tid))
			set |= LX_SIGBIT(lx_sigq[i].info.si_signo);
	spin_pdr_unlock(&lx_sigq_lock);
	return set;
}

/* Drops the entries that match (sig, or -1 any; tid, or -1 any); timers'
 * signals among them are acknowledged (ack) or, in a fork child whose
 * timers are not its own, just forgotten. */
static void lx_sigq_drop(int sig, int tid, bool ack)
{
	struct lx_sigq_timer timer[LX_SIGQ_TIMERS_MAX];
	int nr_timer = 0;

	spin_pdr_lock(&lx_sigq_lock);
	for (int i = 0; i < LX_SIGQ_MAX; i++) {
		struct lx_sigq_ent *e = &lx_sigq[i];

		if (!e->seq || (sig >= 0 && e->info.si_signo != sig) || (tid >= 0 && e->tid != tid))
			continue;
		if (ack && lx_sigq_is_timer(&e->info) && nr_timer < LX_SIGQ_TIMERS_MAX)
			timer[nr_timer++] = lx_sigq_timer_of(&e->info);
		if (e->info.si_signo >= LX_SIGRT_FIRST)
			lx_sigq_nr_rt--;
		memset(e, 0, sizeof(*e));
	}
	lx_sigq_bits_locked();
	spin_pdr_unlock(&lx_sigq_lock);
	for (int i = 0; i < nr_timer; i++)
		lx_sigq_timer_ack(timer[i]);
}

void lx_sigq_discard(int sig)
{
	lx_sigq_drain();
	lx_sigq_drop(sig, -1, true);
}

void lx_sigq_forget_thread(int tid)
{
	if (tid > 0)
		lx_sigq_drop(-1, tid, true);
}

void lx_sigq_clear(void)
{
	lx_sigq_drain();                /* the parent's undelivered messages */
	lx_sigq_drop(-1, -1, false);
}

void lx_sigq_fork_unlock(void)
{
	memset(&lx_sigq_lock, 0, sizeof(lx_sigq_lock));
}
