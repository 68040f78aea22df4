/* SPDX-License-Identifier: MIT */
/*
 * libc_epoll_mt.c - one epoll set shared by 8 threads (pthreads on the 2LS;
 * portable C, built with -pthread), issue 14's readiness acceptance:
 *  - a seeded, bounded producer stress test: 64 pipes in EPOLLIN |
 *    EPOLLONESHOT, 8 consumer threads in epoll_wait, the producer writes
 *    LM_TOKENS one-byte tokens to pipes it picks at random; every token is
 *    read exactly once (counts per pipe), no pipe is ever reported to two
 *    threads at once (ONESHOT: one waiter per event), and nothing is left
 *    when the consumers run dry (no lost wake-up: a wait that times out
 *    with tokens unread fails);
 *  - EPOLLET with 8 parked waiters: each write to an emptied pipe wakes
 *    exactly one of them (Linux's exclusive wake-up), counted;
 *  - the parked waiters do not spin: the process's CPU time while 8 threads
 *    wait and the main thread sleeps stays far below the time slept;
 *  - timeouts from 8 threads at once, each neither early nor very late,
 *    while one thread without a timeout waits on, and a level-triggered
 *    stop fd wakes every thread;
 *  - poll from 8 threads at once, each on its own pipe;
 *  - timed poll and epoll_wait from 8 threads at once, in rounds that leave
 *    each wait's alarm armed for the next: every wait lasts its own timeout.
 * Run by scripts/run-ktests.sh (run_utest libc_epoll_mt, 2 and 4 cores).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>
#include <utest/utest.h>

#define LM_THREADS 8
#define LM_PIPES   64
#define LM_TOKENS  4000
#define LM_STOP    UINT32_MAX

static int lm_ep;
static int lm_pipe[LM_PIPES][2];
static int lm_stop[2];

static int64_t lm_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void lm_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static void lm_pipes_open(uint32_t events)
{
	lm_ep = UT_SYS(epoll_create1(0));
	for (uint32_t p = 0; p < LM_PIPES; p++) {
		struct epoll_event ev = { .events = events, .data.u32 = p };

		UT_SYS(pipe2(lm_pipe[p], O_NONBLOCK));
		UT_SYS(epoll_ctl(lm_ep, EPOLL_CTL_ADD, lm_pipe[p][0], &ev));
	}
	UT_SYS(pipe2(lm_stop, O_NONBLOCK));
	struct epoll_event sev = { .events = EPOLLIN, .data.u32 = LM_STOP };

	UT_SYS(epoll_ctl(lm_ep, EPOLL_CTL_ADD, lm_stop[0], &sev));
}

static void lm_pipes_close(void)
{
	for (int p = 0; p < LM_PIPES; p++) {
		close(lm_pipe[p][0]);
		close(lm_pipe[p][1]);
	}
	close(lm_stop[0]);
	close(lm_stop[1]);
	close(lm_ep);
}

static void lm_start(pthread_t *t, void *(*fn)(void *))
{
	for (uintptr_t i = 0; i < LM_THREADS; i++)
		UT_ASSERT_EQ(pthread_create(&t[i], NULL, fn, (void *)i), 0);
}

static void lm_join(pthread_t *t)
{
	for (int i = 0; i < LM_THREADS; i++)
		UT_ASSERT_EQ(pthread_join(t[i], NULL), 0);
}

/* ------------------------------------------------------------ stress */

static uint32_t lm_sent[LM_PIPES], lm_got[LM_PIPES];    /* lm_got: atomic */
static int lm_in_hand[LM_PIPES];                        /* atomic: reported, not re-armed */
static int lm_dups, lm_lost, lm_errs, lm_total;         /* atomic */

/* Reads every token of pipe p; re-arms it (ONESHOT). */
static void lm_consume(uint32_t p)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLONESHOT, .data.u32 = p };
	char buf[256];
	ssize_t r;

	if (__atomic_exchange_n(&lm_in_hand[p], 1, __ATOMIC_ACQ_REL))
		__atomic_fetch_add(&lm_dups, 1, __ATOMIC_RELAXED);
	while ((r = read(lm_pipe[p][0], buf, sizeof(buf))) > 0) {
		__atomic_fetch_add(&lm_got[p], (uint32_t)r, __ATOMIC_RELAXED);
		__atomic_fetch_add(&lm_total, (int)r, __ATOMIC_RELAXED);
	}
	if (r == 0 || errno != EAGAIN)
		__atomic_fetch_add(&lm_errs, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&lm_in_hand[p], 0, __ATOMIC_RELEASE);
	if (epoll_ctl(lm_ep, EPOLL_CTL_MOD, lm_pipe[p][0], &ev))
		__atomic_fetch_add(&lm_errs, 1, __ATOMIC_RELAXED);
}

static void *lm_consumer(void *arg)
{
	struct epoll_event evs[4];

	(void)arg;
	for (;;) {
		int n = epoll_wait(lm_ep, evs, 4, 10 * 1000);

		if (n <= 0) {   /* 10 s with tokens unread: a wake-up was lost */
			__atomic_fetch_add(n == 0 ? &lm_lost : &lm_errs, 1, __ATOMIC_RELAXED);
			return NULL;
		}
		for (int k = 0; k < n; k++) {
			if (evs[k].data.u32 == LM_STOP)
				return NULL;
			lm_consume(evs[k].data.u32);
		}
	}
}

UTEST(epoll_mt, oneshot_stress_8_threads_every_token_once)
{
	pthread_t t[LM_THREADS];
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	int64_t t0;

	utest_no_leak_check();  /* the MCP's vcore stacks, the set kept for reuse */
	lm_pipes_open(EPOLLIN | EPOLLONESHOT);
	lm_start(t, lm_consumer);
	for (int i = 0; i < LM_TOKENS; i++) {
		uint32_t p;

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		p = (uint32_t)(seed >> 33) % LM_PIPES;
		UT_ASSERT_EQ(write(lm_pipe[p][1], "t", 1), 1);
		lm_sent[p]++;
		if (i % 64 == 63)
			sched_yield();  /* let consumers run between bursts */
	}
	t0 = lm_now_ms();
	while (__atomic_load_n(&lm_total, __ATOMIC_ACQUIRE) < LM_TOKENS && lm_now_ms() - t0 < 20000)
		lm_sleep_ms(5);
	UT_ASSERT_EQ(write(lm_stop[1], "s", 1), 1);
	lm_join(t);
	UT_ASSERT_EQ(lm_lost, 0);
	UT_ASSERT_EQ(lm_errs, 0);
	UT_ASSERT_EQ(lm_dups, 0);
	UT_ASSERT_EQ(lm_total, LM_TOKENS);
	for (int p = 0; p < LM_PIPES; p++)
		UT_ASSERT_EQ(lm_got[p], lm_sent[p]);
	printf("epoll_mt: %d tokens on %d pipes, %d threads, every token read once\n",
	       LM_TOKENS, LM_PIPES, LM_THREADS);
	lm_pipes_close();
}

/* ------------------------------------------------------------ EPOLLET */

static int lm_et_reports, lm_et_bad;    /* atomic */

static void *lm_et_waiter(void *arg)
{
	struct epoll_event ev;
	char c;

	(void)arg;
	for (;;) {
		int n = epoll_wait(lm_ep, &ev, 1, 20 * 1000);

		if (n != 1) {
			__atomic_fetch_add(&lm_et_bad, 1, __ATOMIC_RELAXED);
			return NULL;
		}
		if (ev.data.u32 == LM_STOP)
			return NULL;
		if (read(lm_pipe[0][0], &c, 1) != 1)
			__atomic_fetch_add(&lm_et_bad, 1, __ATOMIC_RELAXED);
		__atomic_fetch_add(&lm_et_reports, 1, __ATOMIC_RELEASE);
	}
}

UTEST(epoll_mt, edge_triggered_wakes_one_waiter_per_event)
{
	pthread_t t[LM_THREADS];

	utest_no_leak_check();
	lm_pipes_open(EPOLLIN | EPOLLET);
	lm_start(t, lm_et_waiter);
	lm_sleep_ms(100);       /* all parked */
	for (int i = 1; i <= 20; i++) {
		int64_t t0 = lm_now_ms();

		UT_ASSERT_EQ(write(lm_pipe[0][1], "e", 1), 1);
		while (__atomic_load_n(&lm_et_reports, __ATOMIC_ACQUIRE) < i &&
		       lm_now_ms() - t0 < 5000)
			lm_sleep_ms(1);
		lm_sleep_ms(20);        /* a second waiter woken would report by now */
		UT_ASSERT_EQ(__atomic_load_n(&lm_et_reports, __ATOMIC_ACQUIRE), i);
	}
	UT_ASSERT_EQ(write(lm_stop[1], "s", 1), 1);
	lm_join(t);
	UT_ASSERT_EQ(lm_et_bad, 0);
	lm_pipes_close();
}

/* ------------------------------------------------------------ no spinning */

static void *lm_idle_waiter(void *arg)
{
	struct epoll_event ev;

	(void)arg;
	if (epoll_wait(lm_ep, &ev, 1, -1) != 1 || ev.data.u32 != LM_STOP)
		__atomic_fetch_add(&lm_et_bad, 1, __ATOMIC_RELAXED);
	return NULL;
}

static int64_t lm_cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

UTEST(epoll_mt, parked_waiters_use_no_cpu)
{
	pthread_t t[LM_THREADS];
	int64_t c0, c1;

	utest_no_leak_check();
	lm_et_bad = 0;
	lm_pipes_open(EPOLLIN);
	lm_start(t, lm_idle_waiter);
	lm_sleep_ms(100);
	c0 = lm_cpu_ms();
	lm_sleep_ms(500);
	c1 = lm_cpu_ms();
	UT_ASSERT_EQ(write(lm_stop[1], "s", 1), 1);     /* level-triggered: wakes all 8 */
	lm_join(t);
	UT_ASSERT_EQ(lm_et_bad, 0);
	UT_ASSERT_MSG(c1 - c0 < 100, "%lld ms of CPU in 500 ms of waiting: the waiters spin",
	              (long long)(c1 - c0));
	printf("epoll_mt: %lld ms of CPU while 8 threads waited 500 ms\n", (long long)(c1 - c0));
	lm_pipes_close();
}

/* ------------------------------------------------------------ timeouts */

static int64_t lm_waited[LM_THREADS];
static int lm_to_bad;

static void *lm_timed_waiter(void *arg)
{
	uintptr_t i = (uintptr_t)arg;
	struct epoll_event ev;
	int ms = 50 + 25 * (int)i;
	int64_t t0 = lm_now_ms();

	if (i == 0) {           /* no timeout: the stop fd ends it */
		if (epoll_wait(lm_ep, &ev, 1, -1) != 1 || ev.data.u32 != LM_STOP)
			__atomic_fetch_add(&lm_to_bad, 1, __ATOMIC_RELAXED);
		return NULL;
	}
	if (epoll_wait(lm_ep, &ev, 1, ms) != 0)
		__atomic_fetch_add(&lm_to_bad, 1, __ATOMIC_RELAXED);
	lm_waited[i] = lm_now_ms() - t0;
	if (lm_waited[i] < ms || lm_waited[i] > ms + 1000)
		__atomic_fetch_add(&lm_to_bad, 1, __ATOMIC_RELAXED);
	return NULL;
}

UTEST(epoll_mt, timeouts_of_8_threads_and_one_without)
{
	pthread_t t[LM_THREADS];

	utest_no_leak_check();
	lm_pipes_open(EPOLLIN);
	lm_start(t, lm_timed_waiter);
	for (int i = 1; i < LM_THREADS; i++)
		UT_ASSERT_EQ(pthread_join(t[i], NULL), 0);
	UT_ASSERT_EQ(write(lm_stop[1], "s", 1), 1);
	UT_ASSERT_EQ(pthread_join(t[0], NULL), 0);
	for (int i = 1; i < LM_THREADS; i++)
		UT_ASSERT_MSG(lm_waited[i] >= 50 + 25 * i && lm_waited[i] <= 50 + 25 * i + 1000,
		              "thread %d waited %lld ms for %d", i, (long long)lm_waited[i],
		              50 + 25 * i);
	UT_ASSERT_EQ(lm_to_bad, 0);
	lm_pipes_close();
}

/* ------------------------------------------------------------ poll */

static int lm_poll_ok;

static void *lm_poller(void *arg)
{
	uintptr_t i = (uintptr_t)arg;
	struct pollfd pf = { .fd = lm_pipe[i][0], .events = POLLIN };
	char c;

	if (poll(&pf, 1, 10 * 1000) == 1 && (pf.revents & POLLIN) &&
	    read(lm_pipe[i][0], &c, 1) == 1 && c == (char)('a' + i))
		__atomic_fetch_add(&lm_poll_ok, 1, __ATOMIC_RELAXED);
	return NULL;
}

UTEST(epoll_mt, poll_from_8_threads_at_once)
{
	pthread_t t[LM_THREADS];

	utest_no_leak_check();
	lm_pipes_open(EPOLLIN);
	lm_start(t, lm_poller);
	lm_sleep_ms(100);       /* every thread in poll */
	for (int i = LM_THREADS - 1; i >= 0; i--) {
		char c = (char)('a' + i);

		UT_ASSERT_EQ(write(lm_pipe[i][1], &c, 1), 1);
	}
	lm_join(t);
	UT_ASSERT_EQ(lm_poll_ok, LM_THREADS);
	lm_pipes_close();
}

/* ------------------------------------------------------------ timed rounds */

#define LM_ROUNDS 4

static int lm_tr_bad;

/* Thread i, LM_ROUNDS times: a timed wait that data ends at once (its
 * alarm stays armed), a pause past that alarm, then a wait on nothing
 * that must last its own timeout; poll on its own pipe, or epoll on the
 * shared set (slots and their alarms reused by other threads). */
static void lm_timed_rounds(uintptr_t i, bool use_epoll)
{
	struct pollfd pf = { .fd = lm_pipe[i][0], .events = POLLIN };
	struct epoll_event ev;
	char c;

	for (int r = 0; r < LM_ROUNDS; r++) {
		int ms = 60 + 20 * (int)i + 10 * r, got;
		int64_t t0;

		if (!use_epoll) {
			if (write(lm_pipe[i][1], "x", 1) != 1 || poll(&pf, 1, 30) != 1 ||
			    read(lm_pipe[i][0], &c, 1) != 1)
				__atomic_fetch_add(&lm_tr_bad, 1, __ATOMIC_RELAXED);
			lm_sleep_ms(50);
		}
		t0 = lm_now_ms();
		got = use_epoll ? epoll_wait(lm_ep, &ev, 1, ms) : poll(&pf, 1, ms);
		t0 = lm_now_ms() - t0;
		if (got != 0 || t0 < ms || t0 > ms + 1000) {
			fprintf(stderr, "thread %d round %d: %d after %lld ms for %d\n", (int)i, r,
			        got, (long long)t0, ms);
			__atomic_fetch_add(&lm_tr_bad, 1, __ATOMIC_RELAXED);
		}
	}
}

static void *lm_poll_rounds(void *arg)
{
	lm_timed_rounds((uintptr_t)arg, false);
	return NULL;
}

static void *lm_epoll_rounds(void *arg)
{
	lm_timed_rounds((uintptr_t)arg, true);
	return NULL;
}

UTEST(epoll_mt, timed_polls_of_8_threads_each_on_time)
{
	pthread_t t[LM_THREADS];

	utest_no_leak_check();
	lm_tr_bad = 0;
	lm_pipes_open(EPOLLIN);
	lm_start(t, lm_poll_rounds);
	lm_join(t);
	UT_ASSERT_EQ(lm_tr_bad, 0);
	lm_pipes_close();
}

/* Epoll: a thread whose wait ends early keeps no slot; the next timed
 * wait on the slot re-arms its alarm, and an expiry meant for an ended
 * wait ends none. */
UTEST(epoll_mt, timed_epoll_waits_of_8_threads_in_rounds)
{
	pthread_t t[LM_THREADS];

	utest_no_leak_check();
	lm_tr_bad = 0;
	lm_pipes_open(EPOLLIN);
	lm_start(t, lm_epoll_rounds);
	lm_join(t);
	UT_ASSERT_EQ(lm_tr_bad, 0);
	lm_pipes_close();
}

int main(int argc, char **argv)
{
	return utest_main("libc_epoll_mt", argc, argv);
}
