/* SPDX-License-Identifier: MIT */
/*
 * test_libc_sig.c - host tests of the C library's pending-signal queue
 * (tools/compilers/musl/vireo/lx_sig_queue.c).
 *
 * parlib is faked: event_mbox_get() hands out the messages of fake_msgs[]
 * (what the kernel would have posted to the signal UCQ) and the spin-PDR
 * lock is a no-op (one thread).  The tests post messages in the fixed
 * EV_POSIX_SIGNAL layout (ros/event_msg.h) and check the siginfo_t the queue hands back, its
 * order, its bounds and its targets.  lx_timer_delivered() is faked too:
 * it records each acknowledgement of a timer's signal (lx_timer.c's side)
 * and answers an overrun, so the tests check each timer signal leaving the
 * queue is acknowledged exactly once.  lx_timer_target(), parlib_getpid()
 * and lx_sig_thr_find() answer from fake_timer_tid[], FAKE_PID and
 * FAKE_LIVE_TID: which timer signals a thread, and which threads live.
 * lx_sigactions[] is ours: the queue reads SIGCHLD's SA_NOCLDSTOP from it
 * (job control's rules).
 */
#include <string.h>
#include <parlib/event.h>
#include <parlib/pdr_lock.h>
#include "htest.h"
#include "lx_sig.h"

#define FAKE_MSGS 512

int lx_sig_state = 1;
struct lx_k_sigaction lx_sigactions[LX_NSIG];   /* SIGCHLD's SA_NOCLDSTOP */
static struct event_msg fake_msgs[FAKE_MSGS];
static int fake_n, fake_next;
static struct event_mbox fake_mbox;

bool event_mbox_get(struct event_mbox *mbox, struct event_msg *msg)
{
	(void)mbox;
	if (fake_next >= fake_n)
		return false;
	*msg = fake_msgs[fake_next++];
	return true;
}

void spin_pdr_lock(struct spin_pdr_lock *l)
{
	(void)l;
}

void spin_pdr_unlock(struct spin_pdr_lock *l)
{
	(void)l;
}

static int fake_acks, fake_ack_sig, fake_ack_code;
static uint32_t fake_ack_id;

int lx_timer_delivered(int sig, int32_t code, uint32_t id)
{
	fake_acks++;
	fake_ack_sig = sig;
	fake_ack_code = code;
	fake_ack_id = id;
	return 3;                       /* the overrun the alarm counted */
}

#define FAKE_PID      100
#define FAKE_LIVE_TID 0x20000001
static int fake_timer_tid[8];
static struct lx_sig_thr fake_live;

int lx_timer_target(uint32_t id)
{
	return id < 8 ? fake_timer_tid[id] : 0;
}

int parlib_getpid(void)
{
	return FAKE_PID;
}

struct lx_sig_thr *lx_sig_thr_find(int tid)
{
	return tid == FAKE_LIVE_TID ? &fake_live : NULL;
}

static void fake_post(uint16_t type, uint16_t sig, uint32_t pid, uint64_t value, uint64_t a4)
{
	struct event_msg *m = &fake_msgs[fake_n++];

	memset(m, 0, sizeof(*m));
	m->ev_type = type;
	m->ev_arg1 = sig;
	m->ev_arg2 = pid;
	m->ev_arg3 = value;
	m->ev_arg4 = a4;
}

static void fresh(void)
{
	fake_n = fake_next = 0;
	lx_sigq_init(&fake_mbox);
	lx_sigq_clear();
	fake_acks = 0;
}

HTEST(decode_the_fixed_message_layout)
{
	struct lx_siginfo si;

	fresh();
	fake_post(EV_POSIX_SIGNAL, 40, 77, 0x1234, (uint32_t)LX_SI_QUEUE);
	fake_post(EV_POSIX_SIGNAL, 41, 0, 99, (uint32_t)LX_SI_TIMER | (uint64_t)5 << 32);
	fake_post(EV_POSIX_SIGNAL, LX_SIGCHLD, 88, 0, 2 /* CLD_KILLED */ | (uint64_t)9 << 32);
	fake_post(EV_POSIX_SIGNAL, LX_SIGHUP, 66, 0, LX_SI_USER);
	lx_sigq_drain();
	HT_ASSERT(lx_sigq_take(~0ULL, 0, &si));
	HT_ASSERT_EQ(si.si_signo, LX_SIGHUP);
	HT_ASSERT_EQ(si.si_code, LX_SI_USER);
	HT_ASSERT_EQ(si.si_pid, 66);
	HT_ASSERT(lx_sigq_take(~0ULL, 0, &si));
	HT_ASSERT_EQ(si.si_signo, LX_SIGCHLD);
	HT_ASSERT_EQ(si.si_code, 2);
	HT_ASSERT_EQ(si.si_pid, 88);
	HT_ASSERT_EQ(si.si_status, 9);
	HT_ASSERT(lx_sigq_take(~0ULL, 0, &si));
	HT_ASSERT_EQ(si.si_signo, 40);
	HT_ASSERT_EQ(si.si_code, LX_SI_QUEUE);
	HT_ASSERT_EQ(si.si_pid, 77);
	HT_ASSERT_EQ(si.si_value, 0x1234u);
	HT_ASSERT(lx_sigq_take(~0ULL, 0, &si));
	HT_ASSERT_EQ(si.si_signo, 41);
	HT_ASSERT_EQ(si.si_code, LX_SI_TIMER);
	HT_ASSERT_EQ(si.si_timerid, 5);
	HT_ASSERT_EQ(si.si_value, 99u);
	HT_ASSERT(!lx_sigq_take(~0ULL, 0, &si));
}

HTEST(garbage_messages_are_dropped)
{
	struct lx_siginfo si;

	fresh();
	fake_post(EV_POSIX_SIGNAL, 0, 1, 0, 0);         /* kill(pid, 0) probe */
	fake_post(EV_POSIX_SIGNAL, 65, 1, 0, 0);
	fake_post(EV_POSIX_SIGNAL, 0xffff, 1, 0, 0);
	fake_post(EV_SYSCALL, 10, 1, 0, 0);
	lx_sigq_drain();
	HT_ASSERT(!lx_sigq_take(~0ULL, 0, &si));
	HT_ASSERT_EQ(lx_sigq_any(), 0u);
}

HTEST(standard_once_realtime_queued_in_order_lowest_first)
{
	struct lx_siginfo si;

	fresh();
	for (int v = 1; v <= 3; v++) {
		fake_post(EV_POSIX_SIGNAL, 50, 1, (uint64_t)v, (uint32_t)LX_SI_QUEUE);
		fake_post(EV_POSIX_SIGNAL, LX_SIGINT, 1, 0, 0);
	}
	fake_post(EV_POSIX_SIGNAL, 45, 1, 7, (uint32_t)LX_SI_QUEUE);
	lx_sigq_drain();
	HT_ASSERT_EQ(lx_sigq_pending(0), LX_SIGBIT(LX_SIGINT) | LX_SIGBIT(45) | LX_SIGBIT(50));
	HT_ASSERT(lx_sigq_take(~0ULL, 0, &si));
	HT_ASSERT_EQ(si.si_signo, LX_SIGINT);
	HT_ASSERT(lx_sigq_take(~0ULL, 0, &si));
	HT_ASSERT_EQ(si.si_signo, 45);
	for (int v = 1; v <= 3; v++) {
		HT_ASSERT(lx_sigq_take(~0ULL, 0, &si));
		HT_ASSERT_EQ(si.si_signo, 50);
		HT_ASSERT_EQ(si.si_value, (uint64_t)v);
	}
	HT_ASSERT(!lx_sigq_take(~0ULL, 0, &si));
}

HTEST(realtime_bound_eagain_and_standard_still_fit)
{
	struct lx_siginfo si = { .si_signo = 33, .si_code = LX_SI_QUEUE };
	int n = 0;

	fresh();
	while (n < 1000 && lx_sigq_add(&si, 0) == 0)
		n++;
	HT_ASSERT_EQ(n, 128);
	HT_ASSERT_EQ(lx_sigq_add(&si, 0), -LX_EAGAIN);
	si.si_signo = LX_SIGQUIT;
	HT_ASSERT_EQ(lx_sigq_add(&si, 0), 0);
	si.si_signo = 0;
	HT_ASSERT_EQ(lx_sigq_add(&si, 0), -LX_EINVAL);
	si.si_signo = 65;
	HT_ASSERT_EQ(lx_sigq_add(&si, 0), -LX_EINVAL);
	HT_ASSERT(lx_sigq_take(LX_SIGBIT(33), 0, &si));
	si.si_signo = 33;
	HT_ASSERT_EQ(lx_sigq_add(&si, 0), 0);          /* room again */
}

HTEST(thread_targets_and_mask)
{
	struct lx_siginfo si = { .si_signo = LX_SIGHUP };

	fresh();
	HT_ASSERT_EQ(lx_sigq_add(&si, 0x20000001), 0);
	HT_ASSERT_EQ(lx_sigq_add(&si, 0x20000002), 0); /* once per target */
	HT_ASSERT_EQ(lx_sigq_add(&si, 0x20000002), 0);
	HT_ASSERT_EQ(lx_sigq_pending(0), 0u);
	HT_ASSERT_EQ(lx_sigq_pending(0x20000001), LX_SIGBIT(LX_SIGHUP));
	HT_ASSERT(!lx_sigq_take(~LX_SIGBIT(LX_SIGHUP), 0x20000001, &si));
	HT_ASSERT(!lx_sigq_take(~0ULL, 0x20000003, &si));
	HT_ASSERT(lx_sigq_take(~0ULL, 0x20000001, &si));
	HT_ASSERT(!lx_sigq_take(~0ULL, 0x20000001, &si));
	lx_sigq_forget_thread(0x20000002);
	HT_ASSERT_EQ(lx_sigq_any(), 0u);
}

HTEST(a_thread_id_timers_signal_is_for_its_thread_while_it_lives)
{
	struct lx_siginfo si;

	fresh();
	fake_timer_tid[1] = FAKE_LIVE_TID;
	fake_timer_tid[2] = FAKE_PID;                   /* thread0 */
	fake_timer_tid[3] = 0x20000009;                 /* ended */
	for (uint64_t id = 0; id < 4; id++)
		fake_post(EV_POSIX_SIGNAL, 34, 0, id, (uint32_t)LX_SI_TIMER | id << 32);
	fake_post(EV_POSIX_SIGNAL, 34, 0, 9, (uint32_t)LX_SI_QUEUE | (uint64_t)1 << 32);
	lx_sigq_drain();
	HT_ASSERT(lx_sigq_take(~0ULL, FAKE_LIVE_TID, &si));    /* timer 0: the process */
	HT_ASSERT_EQ(si.si_value, 0u);
	HT_ASSERT(lx_sigq_take(~0ULL, FAKE_LIVE_TID, &si));    /* timer 1: this thread */
	HT_ASSERT_EQ(si.si_value, 1u);
	HT_ASSERT(lx_sigq_take(~0ULL, 0x20000002, &si));       /* timer 3: the process */
	HT_ASSERT_EQ(si.si_value, 3u);
	HT_ASSERT(lx_sigq_take(~0ULL, 0x20000002, &si));       /* not a timer's: the process */
	HT_ASSERT_EQ(si.si_value, 9u);
	HT_ASSERT(!lx_sigq_take(~0ULL, 0x20000002, &si));      /* timer 2 is thread0's */
	HT_ASSERT_EQ(lx_sigq_pending(FAKE_PID), LX_SIGBIT(34));
	HT_ASSERT(lx_sigq_take(~0ULL, FAKE_PID, &si));
	HT_ASSERT_EQ(si.si_value, 2u);
	memset(fake_timer_tid, 0, sizeof(fake_timer_tid));
}

HTEST(discard_and_clear)
{
	struct lx_siginfo si = { .si_signo = 60 };

	fresh();
	lx_sigq_add(&si, 0);
	lx_sigq_add(&si, 0);
	si.si_signo = LX_SIGHUP;
	lx_sigq_add(&si, 0);
	lx_sigq_discard(60);
	HT_ASSERT_EQ(lx_sigq_any(), LX_SIGBIT(LX_SIGHUP));
	fake_post(EV_POSIX_SIGNAL, 61, 1, 0, 0);
	lx_sigq_clear();                /* the undelivered messages too */
	HT_ASSERT_EQ(lx_sigq_any(), 0u);
	HT_ASSERT(!lx_sigq_take(~0ULL, 0, &si));
}

HTEST(a_timer_signal_is_acknowledged_once_when_taken)
{
	struct lx_siginfo si;

	fresh();
	fake_post(EV_POSIX_SIGNAL, 40, 0, 7, (uint32_t)LX_SI_TIMER | (uint64_t)5 << 32);
	lx_sigq_drain();
	HT_ASSERT_EQ(fake_acks, 0);             /* pending: not yet */
	HT_ASSERT(lx_sigq_take(~0ULL, 0, &si));
	HT_ASSERT_EQ(fake_acks, 1);
	HT_ASSERT_EQ(fake_ack_sig, 40);
	HT_ASSERT_EQ(fake_ack_code, LX_SI_TIMER);
	HT_ASSERT_EQ(fake_ack_id, 5u);
	HT_ASSERT_EQ(si.si_timerid, 5);
	HT_ASSERT_EQ(si.si_overrun, 3);
	HT_ASSERT(!lx_sigq_take(~0ULL, 0, &si));
	HT_ASSERT_EQ(fake_acks, 1);
}

HTEST(a_dropped_or_discarded_timer_signal_is_acknowledged)
{
	struct lx_siginfo si;

	fresh();
	/* SIGALRM is standard: a second pending instance is dropped at once. */
	fake_post(EV_POSIX_SIGNAL, 14, 0, 0, LX_SI_KERNEL);
	fake_post(EV_POSIX_SIGNAL, 14, 0, 0, LX_SI_KERNEL);
	lx_sigq_drain();
	HT_ASSERT_EQ(fake_acks, 1);
	HT_ASSERT_EQ(fake_ack_code, LX_SI_KERNEL);
	lx_sigq_discard(14);                    /* SIG_IGN set */
	HT_ASSERT_EQ(fake_acks, 2);
	HT_ASSERT(!lx_sigq_take(~0ULL, 0, &si));
	/* A user's signal is never acknowledged to the timers. */
	fake_post(EV_POSIX_SIGNAL, 40, 9, 1, (uint32_t)LX_SI_QUEUE);
	lx_sigq_drain();
	HT_ASSERT(lx_sigq_take(~0ULL, 0, &si));
	HT_ASSERT_EQ(fake_acks, 2);
}

HTEST(a_fork_child_forgets_its_parents_timer_signals)
{
	fresh();
	fake_post(EV_POSIX_SIGNAL, 41, 0, 0, (uint32_t)LX_SI_TIMER | (uint64_t)2 << 32);
	lx_sigq_drain();
	lx_sigq_clear();
	HT_ASSERT_EQ(fake_acks, 0);             /* the timer is not the child's */
	HT_ASSERT_EQ(lx_sigq_any(), 0u);
}

/* The signals pending for the process, as a set. */
static uint64_t pending_now(void)
{
	lx_sigq_drain();
	return lx_sigq_pending(0);
}

HTEST(sigcont_drops_pending_stop_signals)
{
	fresh();
	fake_post(EV_POSIX_SIGNAL, LX_SIGTSTP, 1, 0, LX_SI_USER);
	fake_post(EV_POSIX_SIGNAL, LX_SIGTTIN, 1, 0, LX_SI_USER);
	fake_post(EV_POSIX_SIGNAL, LX_SIGINT, 1, 0, LX_SI_USER);
	HT_ASSERT_EQ(pending_now(), LX_SIGBIT(LX_SIGTSTP) | LX_SIGBIT(LX_SIGTTIN) |
	             LX_SIGBIT(LX_SIGINT));
	fake_post(EV_POSIX_SIGNAL, LX_SIGCONT, 1, 0, LX_SI_USER);
	HT_ASSERT_EQ(pending_now(), LX_SIGBIT(LX_SIGCONT) | LX_SIGBIT(LX_SIGINT));
}

HTEST(a_stop_signal_drops_a_pending_sigcont)
{
	fresh();
	fake_post(EV_POSIX_SIGNAL, LX_SIGCONT, 1, 0, LX_SI_USER);
	fake_post(EV_POSIX_SIGNAL, LX_SIGTTOU, 1, 0, LX_SI_USER);
	HT_ASSERT_EQ(pending_now(), LX_SIGBIT(LX_SIGTTOU));
	fresh();
	fake_post(EV_POSIX_SIGNAL, LX_SIGCONT, 1, 0, LX_SI_USER);
	fake_post(EV_POSIX_SIGNAL, LX_SIGSTOP, 0, 0, LX_SI_KERNEL);     /* the kernel stopped us */
	HT_ASSERT_EQ(pending_now(), 0u);        /* SIGSTOP itself is never queued */
	fake_post(EV_POSIX_SIGNAL, LX_SIGCONT, 1, 0, LX_SI_USER);
	HT_ASSERT_EQ(pending_now(), LX_SIGBIT(LX_SIGCONT));
}

HTEST(sa_nocldstop_drops_only_stop_and_continue_reports)
{
	static const uint32_t codes[] = { 5 /* CLD_STOPPED */, 6 /* CLD_CONTINUED */,
	                                  1 /* CLD_EXITED */ };
	struct lx_siginfo si;

	for (int nocldstop = 0; nocldstop < 2; nocldstop++) {
		lx_sigactions[LX_SIGCHLD].flags = nocldstop ? LX_SA_NOCLDSTOP : 0;
		for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
			bool kept = !nocldstop || codes[i] == 1;

			fresh();
			fake_post(EV_POSIX_SIGNAL, LX_SIGCHLD, 9, 0, codes[i] | (uint64_t)19 << 32);
			lx_sigq_drain();
			HT_ASSERT_EQ(lx_sigq_take(~0ULL, 0, &si), kept);
			if (kept)
				HT_ASSERT_EQ(si.si_code, (int)codes[i]);
		}
	}
	lx_sigactions[LX_SIGCHLD].flags = 0;
}
