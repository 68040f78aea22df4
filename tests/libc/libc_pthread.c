/* SPDX-License-Identifier: MIT */
/*
 * libc_pthread.c - utest suites of pthreads over parlib's 2LS (portable C,
 * built by x86_64-vireo-gcc with -pthread): 1000 threads created and
 * joined, __thread variables distinct per thread, a thread blocked in
 * read() on a pipe while another makes progress on the same vcore, mutex
 * and condvar ping-pong, a recursive mutex, semaphores between producers
 * and consumers, rwlocks, a barrier, once, keys with destructors, a
 * detached thread, a timed wait that times out, and pthread_cancel of a
 * thread waiting in pthread_cond_wait or read().  The first thread makes
 * the process an MCP (Documentation/pthreads.md).
 * Run by scripts/run-ktests.sh (run_utest libc_pthread, 2 and 4 cores).
 */
#define _GNU_SOURCE             /* pthread_getattr_np */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <threads.h>
#include <time.h>
#include <unistd.h>
#include <parlib/parlib.h>
#include <parlib/uthread.h>
#include <parlib/vcore.h>
#include <utest/utest.h>

#include "lswitch.h"

static void *lp_double(void *arg)
{
	return (void *)((uintptr_t)arg * 2);
}

UTEST(pthread, create_and_join_1000)
{
	/* The first thread makes the process an MCP, which maps the vcore
	 * stacks once (Documentation/mcp.md): not a leak of the threads. */
	utest_no_leak_check();
	for (uintptr_t i = 0; i < 1000; i++) {
		pthread_t t;
		void *ret;

		UT_ASSERT_EQ(pthread_create(&t, NULL, lp_double, (void *)i), 0);
		UT_ASSERT_EQ(pthread_join(t, &ret), 0);
		UT_ASSERT_EQ((uintptr_t)ret, i * 2);
	}
}

UTEST(pthread, many_at_once_with_small_stacks)
{
	pthread_t t[64];
	pthread_attr_t a;
	void *ret;

	UT_ASSERT_EQ(pthread_attr_init(&a), 0);
	UT_ASSERT_EQ(pthread_attr_setstacksize(&a, 32768), 0);
	for (uintptr_t i = 0; i < 64; i++)
		UT_ASSERT_EQ(pthread_create(&t[i], &a, lp_double, (void *)i), 0);
	for (uintptr_t i = 0; i < 64; i++) {
		UT_ASSERT_EQ(pthread_join(t[i], &ret), 0);
		UT_ASSERT_EQ((uintptr_t)ret, i * 2);
	}
	pthread_attr_destroy(&a);
}

static pthread_t lp_main;
static __thread int lp_tls = 7;
static __thread char lp_tls_buf[64];

static void *lp_tls_thread(void *arg)
{
	int id = (int)(uintptr_t)arg;

	if (lp_tls != 7 || lp_tls_buf[0])
		return (void *)1;       /* not a fresh copy of the TLS image */
	lp_tls = id;
	lp_tls_buf[0] = (char)id;
	for (int i = 0; i < 50; i++) {
		sched_yield();
		if (lp_tls != id || lp_tls_buf[0] != (char)id || errno == id + 1000)
			return (void *)2;
		errno = id;
	}
	return (void *)(uintptr_t)(pthread_equal(pthread_self(), lp_main) ? 3 : 0);
}

UTEST(pthread, tls_and_errno_per_thread)
{
	pthread_t t[8];
	void *ret;

	lp_tls = 99;
	lp_main = pthread_self();
	for (uintptr_t i = 0; i < 8; i++)
		UT_ASSERT_EQ(pthread_create(&t[i], NULL, lp_tls_thread, (void *)(i + 1)), 0);
	for (int i = 0; i < 8; i++) {
		UT_ASSERT_EQ(pthread_join(t[i], &ret), 0);
		UT_ASSERT_EQ((uintptr_t)ret, 0);
	}
	UT_ASSERT_EQ(lp_tls, 99);
	UT_ASSERT(!pthread_equal(t[0], pthread_self()));
}

static volatile int lp_progress;
static volatile int lp_reader_done;

static void *lp_reader(void *arg)
{
	int *p = arg;
	char c = 0;

	if (read(p[0], &c, 1) != 1)
		return (void *)-1;
	lp_reader_done = 1;
	return (void *)(uintptr_t)c;
}

UTEST(pthread, blocked_read_parks_only_its_thread)
{
	int p[2];
	pthread_t t;
	void *ret;

	UT_SYS(pipe(p));
	lp_progress = 0;
	lp_reader_done = 0;
	UT_ASSERT_EQ(pthread_create(&t, NULL, lp_reader, p), 0);
	/* The reader blocks in read(); this thread keeps running meanwhile. */
	for (int i = 0; i < 200; i++) {
		sched_yield();
		lp_progress++;
	}
	UT_ASSERT_EQ(lp_reader_done, 0);
	UT_ASSERT_EQ(lp_progress, 200);
	UT_ASSERT_EQ(write(p[1], "Z", 1), 1);
	UT_ASSERT_EQ(pthread_join(t, &ret), 0);
	UT_ASSERT_EQ((uintptr_t)ret, 'Z');
	UT_SYS(close(p[0]));
	UT_SYS(close(p[1]));
}

static pthread_mutex_t lp_m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t lp_cv = PTHREAD_COND_INITIALIZER;
static int lp_turn, lp_rounds;

static void *lp_pong(void *arg)
{
	int me = (int)(uintptr_t)arg;

	pthread_mutex_lock(&lp_m);
	while (lp_rounds < 1000) {
		while (lp_turn != me && lp_rounds < 1000)
			pthread_cond_wait(&lp_cv, &lp_m);
		if (lp_rounds >= 1000)
			break;
		lp_rounds++;
		lp_turn = !me;
		pthread_cond_broadcast(&lp_cv);
	}
	pthread_mutex_unlock(&lp_m);
	return NULL;
}

UTEST(pthread, mutex_condvar_ping_pong)
{
	pthread_t a, b;

	lp_turn = 0;
	lp_rounds = 0;
	UT_ASSERT_EQ(pthread_create(&a, NULL, lp_pong, (void *)0), 0);
	UT_ASSERT_EQ(pthread_create(&b, NULL, lp_pong, (void *)1), 0);
	UT_ASSERT_EQ(pthread_join(a, NULL), 0);
	UT_ASSERT_EQ(pthread_join(b, NULL), 0);
	UT_ASSERT_EQ(lp_rounds, 1000);
}

static pthread_mutex_t lp_count_m = PTHREAD_MUTEX_INITIALIZER;
static long lp_count;

static void *lp_adder(void *arg)
{
	for (int i = 0; i < 2000; i++) {
		pthread_mutex_lock(&lp_count_m);
		lp_count++;
		pthread_mutex_unlock(&lp_count_m);
		if (i % 100 == 0)
			sched_yield();
	}
	return arg;
}

UTEST(pthread, mutex_counts_under_contention)
{
	pthread_t t[8];

	lp_count = 0;
	for (int i = 0; i < 8; i++)
		UT_ASSERT_EQ(pthread_create(&t[i], NULL, lp_adder, NULL), 0);
	for (int i = 0; i < 8; i++)
		UT_ASSERT_EQ(pthread_join(t[i], NULL), 0);
	UT_ASSERT_EQ(lp_count, 16000);
}

UTEST(pthread, recursive_mutex)
{
	pthread_mutexattr_t a;
	pthread_mutex_t m;

	UT_ASSERT_EQ(pthread_mutexattr_init(&a), 0);
	UT_ASSERT_EQ(pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE), 0);
	UT_ASSERT_EQ(pthread_mutex_init(&m, &a), 0);
	UT_ASSERT_EQ(pthread_mutex_lock(&m), 0);
	UT_ASSERT_EQ(pthread_mutex_lock(&m), 0);
	UT_ASSERT_EQ(pthread_mutex_trylock(&m), 0);
	UT_ASSERT_EQ(pthread_mutex_unlock(&m), 0);
	UT_ASSERT_EQ(pthread_mutex_unlock(&m), 0);
	UT_ASSERT_EQ(pthread_mutex_unlock(&m), 0);
	UT_ASSERT_EQ(pthread_mutex_unlock(&m), EPERM);
	pthread_mutex_destroy(&m);
	pthread_mutexattr_destroy(&a);
}

#define LP_SLOTS 8
static sem_t lp_full, lp_empty;
static pthread_mutex_t lp_buf_m = PTHREAD_MUTEX_INITIALIZER;
static int lp_buf[LP_SLOTS], lp_head, lp_tail;
static long lp_sum;

static void *lp_producer(void *arg)
{
	for (int i = 1; i <= 500; i++) {
		sem_wait(&lp_empty);
		pthread_mutex_lock(&lp_buf_m);
		lp_buf[lp_head++ % LP_SLOTS] = i;
		pthread_mutex_unlock(&lp_buf_m);
		sem_post(&lp_full);
	}
	return arg;
}

static void *lp_consumer(void *arg)
{
	for (int i = 0; i < 500; i++) {
		int v;

		sem_wait(&lp_full);
		pthread_mutex_lock(&lp_buf_m);
		v = lp_buf[lp_tail++ % LP_SLOTS];
		lp_sum += v;
		pthread_mutex_unlock(&lp_buf_m);
		sem_post(&lp_empty);
	}
	return arg;
}

UTEST(pthread, semaphores_producers_consumers)
{
	pthread_t p[3], c[3];

	UT_SYS(sem_init(&lp_full, 0, 0));
	UT_SYS(sem_init(&lp_empty, 0, LP_SLOTS));
	lp_head = lp_tail = 0;
	lp_sum = 0;
	for (int i = 0; i < 3; i++) {
		UT_ASSERT_EQ(pthread_create(&p[i], NULL, lp_producer, NULL), 0);
		UT_ASSERT_EQ(pthread_create(&c[i], NULL, lp_consumer, NULL), 0);
	}
	for (int i = 0; i < 3; i++) {
		UT_ASSERT_EQ(pthread_join(p[i], NULL), 0);
		UT_ASSERT_EQ(pthread_join(c[i], NULL), 0);
	}
	UT_ASSERT_EQ(lp_sum, 3L * 500 * 501 / 2);
	sem_destroy(&lp_full);
	sem_destroy(&lp_empty);
}

static pthread_rwlock_t lp_rw = PTHREAD_RWLOCK_INITIALIZER;
static int lp_rw_a, lp_rw_b, lp_rw_bad;

static void *lp_rw_thread(void *arg)
{
	for (int i = 0; i < 300; i++) {
		if ((uintptr_t)arg && i % 3 == 0) {
			pthread_rwlock_wrlock(&lp_rw);
			lp_rw_a++;
			sched_yield();
			lp_rw_b++;
			pthread_rwlock_unlock(&lp_rw);
		} else {
			pthread_rwlock_rdlock(&lp_rw);
			if (lp_rw_a != lp_rw_b)
				lp_rw_bad++;
			pthread_rwlock_unlock(&lp_rw);
		}
	}
	return NULL;
}

UTEST(pthread, rwlock_writers_exclude_readers)
{
	pthread_t t[6];

	for (uintptr_t i = 0; i < 6; i++)
		UT_ASSERT_EQ(pthread_create(&t[i], NULL, lp_rw_thread, (void *)(i & 1)), 0);
	for (int i = 0; i < 6; i++)
		UT_ASSERT_EQ(pthread_join(t[i], NULL), 0);
	UT_ASSERT_EQ(lp_rw_bad, 0);
	UT_ASSERT_EQ(lp_rw_a, 300);
	UT_ASSERT_EQ(lp_rw_b, 300);
}

static pthread_barrier_t lp_bar;
static int lp_bar_arrived, lp_bar_early, lp_bar_serial;

static void *lp_bar_thread(void *arg)
{
	__atomic_fetch_add(&lp_bar_arrived, 1, __ATOMIC_SEQ_CST);
	if (pthread_barrier_wait(&lp_bar) == PTHREAD_BARRIER_SERIAL_THREAD)
		__atomic_fetch_add(&lp_bar_serial, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&lp_bar_arrived, __ATOMIC_SEQ_CST) != 5)
		__atomic_fetch_add(&lp_bar_early, 1, __ATOMIC_SEQ_CST);
	return arg;
}

UTEST(pthread, barrier_releases_all_at_once)
{
	pthread_t t[5];

	UT_ASSERT_EQ(pthread_barrier_init(&lp_bar, NULL, 5), 0);
	for (int i = 0; i < 5; i++)
		UT_ASSERT_EQ(pthread_create(&t[i], NULL, lp_bar_thread, NULL), 0);
	for (int i = 0; i < 5; i++)
		UT_ASSERT_EQ(pthread_join(t[i], NULL), 0);
	UT_ASSERT_EQ(lp_bar_early, 0);
	UT_ASSERT_EQ(lp_bar_serial, 1);
	pthread_barrier_destroy(&lp_bar);
}

static pthread_once_t lp_once = PTHREAD_ONCE_INIT;
static int lp_once_runs;
static pthread_key_t lp_key;
static int lp_dtor_runs;

static void lp_once_fn(void)
{
	lp_once_runs++;
}

static void lp_dtor(void *v)
{
	if (v)
		__atomic_fetch_add(&lp_dtor_runs, 1, __ATOMIC_SEQ_CST);
}

static void *lp_key_thread(void *arg)
{
	pthread_once(&lp_once, lp_once_fn);
	if (pthread_getspecific(lp_key))
		return (void *)1;
	pthread_setspecific(lp_key, arg);
	sched_yield();
	return pthread_getspecific(lp_key) == arg ? NULL : (void *)2;
}

UTEST(pthread, once_and_key_destructors)
{
	pthread_t t[10];
	void *ret;

	UT_ASSERT_EQ(pthread_key_create(&lp_key, lp_dtor), 0);
	for (uintptr_t i = 0; i < 10; i++)
		UT_ASSERT_EQ(pthread_create(&t[i], NULL, lp_key_thread, (void *)(i + 1)), 0);
	for (int i = 0; i < 10; i++) {
		UT_ASSERT_EQ(pthread_join(t[i], &ret), 0);
		UT_ASSERT_EQ((uintptr_t)ret, 0);
	}
	UT_ASSERT_EQ(lp_once_runs, 1);
	UT_ASSERT_EQ(lp_dtor_runs, 10);
	UT_ASSERT_EQ(pthread_key_delete(lp_key), 0);
}

static volatile int lp_detached_ran;

static void *lp_detached(void *arg)
{
	lp_detached_ran = 1;
	return arg;
}

UTEST(pthread, detached_thread_runs_and_frees_itself)
{
	pthread_t t;

	utest_no_leak_check();          /* its stack goes after it ends */
	UT_ASSERT_EQ(pthread_create(&t, NULL, lp_detached, NULL), 0);
	UT_ASSERT_EQ(pthread_detach(t), 0);
	for (int i = 0; i < 1000 && !lp_detached_ran; i++)
		sched_yield();
	UT_ASSERT_EQ(lp_detached_ran, 1);
}

UTEST(pthread, cond_timedwait_times_out)
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	pthread_cond_t c = PTHREAD_COND_INITIALIZER;
	struct timespec t0, t1, dl;

	clock_gettime(CLOCK_REALTIME, &dl);
	t0 = dl;
	dl.tv_nsec += 20 * 1000 * 1000;
	if (dl.tv_nsec >= 1000000000) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&m);
	UT_ASSERT_EQ(pthread_cond_timedwait(&c, &m, &dl), ETIMEDOUT);
	pthread_mutex_unlock(&m);
	clock_gettime(CLOCK_REALTIME, &t1);
	UT_ASSERT_GE((t1.tv_sec - t0.tv_sec) * 1000000000L + (t1.tv_nsec - t0.tv_nsec),
	             19 * 1000 * 1000L);
}

static int lp_nap_ms(int ms)
{
	struct timespec ts = { 0, ms * 1000000L };

	return nanosleep(&ts, NULL);
}

static void *lp_late_writer(void *arg)
{
	int *p = arg;

	lp_nap_ms(30);
	return (void *)(intptr_t)write(p[1], "L", 1);
}

UTEST(pthread, every_thread_blocked_then_woken)
{
	int p[2];
	pthread_t r, w;
	void *ret;

	UT_SYS(pipe(p));
	lp_reader_done = 0;
	UT_ASSERT_EQ(pthread_create(&r, NULL, lp_reader, p), 0);
	UT_ASSERT_EQ(pthread_create(&w, NULL, lp_late_writer, p), 0);
	/* Main waits in a join, the reader in read(), the writer in nanosleep:
	 * the vcore has nothing to run until the sleep's completion wakes it. */
	UT_ASSERT_EQ(pthread_join(r, &ret), 0);
	UT_ASSERT_EQ((uintptr_t)ret, 'L');
	UT_ASSERT_EQ(pthread_join(w, &ret), 0);
	UT_ASSERT_EQ((intptr_t)ret, 1);
	UT_SYS(close(p[0]));
	UT_SYS(close(p[1]));
}

#define LP_BLOCKERS 200

UTEST(pthread, two_hundred_threads_blocked_in_read)
{
	static pthread_t t[LP_BLOCKERS];
	char bytes[LP_BLOCKERS];
	int p[2], sum = 0;
	void *ret;

	UT_SYS(pipe(p));
	for (int i = 0; i < LP_BLOCKERS; i++)
		UT_ASSERT_EQ(pthread_create(&t[i], NULL, lp_reader, p), 0);
	for (int i = 0; i < 20; i++)
		sched_yield();          /* let them all reach read() */
	for (int i = 0; i < LP_BLOCKERS; i++)
		bytes[i] = (char)(1 + i % 100);
	UT_ASSERT_EQ(write(p[1], bytes, sizeof(bytes)), sizeof(bytes));
	for (int i = 0; i < LP_BLOCKERS; i++) {
		UT_ASSERT_EQ(pthread_join(t[i], &ret), 0);
		sum += (int)(uintptr_t)ret;
	}
	for (int i = 0; i < LP_BLOCKERS; i++)
		sum -= bytes[i];
	UT_ASSERT_EQ(sum, 0);
	UT_SYS(close(p[0]));
	UT_SYS(close(p[1]));
}

static volatile int lp_sleeper_done;

static void *lp_sleeper(void *arg)
{
	lp_nap_ms(50);
	lp_sleeper_done = 1;
	return arg;
}

UTEST(pthread, sleep_parks_only_the_sleeper)
{
	pthread_t t;
	long spins = 0;

	lp_sleeper_done = 0;
	UT_ASSERT_EQ(pthread_create(&t, NULL, lp_sleeper, NULL), 0);
	while (!lp_sleeper_done) {
		sched_yield();
		spins++;
	}
	UT_ASSERT_EQ(pthread_join(t, NULL), 0);
	UT_ASSERT_GT(spins, 10);
}

#define LP_SPREAD 6
static uint32_t lp_seen_vcores[LP_SPREAD];
static volatile int lp_spread_go;

static uint64_t lp_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void *lp_spread(void *arg)
{
	int id = (int)(uintptr_t)arg;
	uint64_t until = lp_now_ms() + 5000;

	/* Spin (no yield, no syscall) until both threads have started: the
	 * other can only run on another vcore then.  Bounded: 5 s. */
	__atomic_fetch_add(&lp_spread_go, 1, __ATOMIC_SEQ_CST);
	while (lp_spread_go < 2 && lp_now_ms() < until)
		__builtin_ia32_pause();
	lp_seen_vcores[id] = vcore_id();
	return NULL;
}

UTEST(pthread, threads_spread_over_vcores)
{
	pthread_t t[2];
	const struct procinfo *pi = parlib_procinfo();

	if (!pi || pi->max_vcores < 2)
		utest_skip("one vcore on this machine");
	lp_spread_go = 0;
	for (uintptr_t i = 0; i < 2; i++)
		UT_ASSERT_EQ(pthread_create(&t[i], NULL, lp_spread, (void *)i), 0);
	for (int i = 0; i < 2; i++)
		UT_ASSERT_EQ(pthread_join(t[i], NULL), 0);
	UT_ASSERT_EQ(lp_spread_go, 2);
	UT_ASSERT_NE(lp_seen_vcores[0], lp_seen_vcores[1]);
	UT_ASSERT_GT(num_vcores(), 0);
}

static mtx_t lp_c11_m;
static cnd_t lp_c11_c;
static int lp_c11_v;

static int lp_c11_thread(void *arg)
{
	mtx_lock(&lp_c11_m);
	lp_c11_v = (int)(intptr_t)arg;
	cnd_signal(&lp_c11_c);
	mtx_unlock(&lp_c11_m);
	return 42;
}

UTEST(pthread, c11_threads)
{
	thrd_t t;
	int res = 0;

	UT_ASSERT_EQ(mtx_init(&lp_c11_m, mtx_plain), thrd_success);
	UT_ASSERT_EQ(cnd_init(&lp_c11_c), thrd_success);
	lp_c11_v = 0;
	mtx_lock(&lp_c11_m);
	UT_ASSERT_EQ(thrd_create(&t, lp_c11_thread, (void *)5), thrd_success);
	while (!lp_c11_v)
		cnd_wait(&lp_c11_c, &lp_c11_m);
	mtx_unlock(&lp_c11_m);
	UT_ASSERT_EQ(thrd_join(t, &res), thrd_success);
	UT_ASSERT_EQ(res, 42);
	UT_ASSERT_EQ(lp_c11_v, 5);
	mtx_destroy(&lp_c11_m);
	cnd_destroy(&lp_c11_c);
}

UTEST(pthread, futex_bad_arguments)
{
	int word = 0;
	struct timespec bad = { 0, 1000000000 };

	UT_ASSERT_ERRNO(syscall(SYS_futex, (int *)((char *)&word + 1), 1, 1, 0, 0, 0), EINVAL);
	UT_ASSERT_ERRNO(syscall(SYS_futex, NULL, 1, 1, 0, 0, 0), EINVAL);
	UT_ASSERT_ERRNO(syscall(SYS_futex, &word, 0, 0, &bad, 0, 0), EINVAL);
	UT_ASSERT_ERRNO(syscall(SYS_futex, &word, 0, 1, NULL, 0, 0), EAGAIN);
	UT_ASSERT_ERRNO(syscall(SYS_futex, &word, 5 /* WAKE_OP */, 1, NULL, &word, 0), ENOSYS);
	UT_ASSERT_ERRNO(syscall(SYS_futex, &word, 4 /* CMP_REQUEUE */, 1, 1, &word, 9), EAGAIN);
	UT_ASSERT_ERRNO(syscall(SYS_futex, &word, 3 /* REQUEUE */, 1, 1, NULL, 0), EINVAL);
	UT_ASSERT_EQ(syscall(SYS_futex, &word, 1, 10, NULL, 0, 0), 0);
	UT_ASSERT_ERRNO(syscall(SYS_clone, 0, 0, 0, 0, 0), ENOSYS);
}

#define LP_STRESS_THREADS 16
#define LP_STRESS_OPS 1500
static pthread_mutex_t lp_st_m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t lp_st_c = PTHREAD_COND_INITIALIZER;
static sem_t lp_st_sem;
static long lp_st_count, lp_st_tokens;

/* A seeded mix: locked counts, semaphore tokens taken and given back,
 * condvar broadcasts, yields, short sleeps, nested create/join. */
static void *lp_stress(void *arg)
{
	uint64_t x = 0x9e3779b97f4a7c15ull * ((uintptr_t)arg + 1);

	for (int i = 0; i < LP_STRESS_OPS; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		switch (x % 6) {
		case 0:
			pthread_mutex_lock(&lp_st_m);
			lp_st_count++;
			pthread_cond_broadcast(&lp_st_c);
			pthread_mutex_unlock(&lp_st_m);
			break;
		case 1:
			sem_wait(&lp_st_sem);
			__atomic_fetch_add(&lp_st_tokens, 1, __ATOMIC_RELAXED);
			sem_post(&lp_st_sem);
			break;
		case 2:
			sched_yield();
			break;
		case 3:
			if (i % 50 == 0)
				lp_nap_ms(1);
			break;
		case 4:
			if (i % 100 == 0) {
				pthread_t t;
				void *r;

				if (pthread_create(&t, NULL, lp_double, (void *)21) ||
				    pthread_join(t, &r) || (uintptr_t)r != 42)
					return (void *)1;
			}
			break;
		default: {
			struct timespec dl;

			clock_gettime(CLOCK_REALTIME, &dl);
			pthread_mutex_lock(&lp_st_m);
			pthread_cond_timedwait(&lp_st_c, &lp_st_m, &dl);   /* already due */
			lp_st_count++;
			pthread_mutex_unlock(&lp_st_m);
			break;
		}
		}
	}
	return NULL;
}

UTEST(pthread, stress_mixed_seeded)
{
	pthread_t t[LP_STRESS_THREADS];
	long want_count = 0, want_tokens = 0;
	void *ret;

	UT_SYS(sem_init(&lp_st_sem, 0, 3));
	lp_st_count = lp_st_tokens = 0;
	for (uintptr_t i = 0; i < LP_STRESS_THREADS; i++)
		UT_ASSERT_EQ(pthread_create(&t[i], NULL, lp_stress, (void *)i), 0);
	for (int i = 0; i < LP_STRESS_THREADS; i++) {
		UT_ASSERT_EQ(pthread_join(t[i], &ret), 0);
		UT_ASSERT_EQ((uintptr_t)ret, 0);
	}
	/* The same generator, replayed: what the threads must have counted. */
	for (uintptr_t a = 0; a < LP_STRESS_THREADS; a++) {
		uint64_t x = 0x9e3779b97f4a7c15ull * (a + 1);

		for (int i = 0; i < LP_STRESS_OPS; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			want_count += x % 6 == 0 || x % 6 == 5;
			want_tokens += x % 6 == 1;
		}
	}
	UT_ASSERT_EQ(lp_st_count, want_count);
	UT_ASSERT_EQ(lp_st_tokens, want_tokens);
	sem_destroy(&lp_st_sem);
}

/* pthread_cancel of a thread waiting in a cancellation point acts at
 * once: in pthread_cond_wait the cleanup handler runs with the mutex
 * held again; in read() on a pipe nobody writes. */
static pthread_mutex_t lp_cn_m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t lp_cn_c = PTHREAD_COND_INITIALIZER;
static volatile int lp_cn_waiting, lp_cn_cleaned, lp_cn_owned;

static void lp_cn_cleanup(void *arg)
{
	(void)arg;
	lp_cn_owned = pthread_mutex_trylock(&lp_cn_m) == EBUSY;  /* we hold it */
	lp_cn_cleaned++;
	pthread_mutex_unlock(&lp_cn_m);
}

static void *lp_cn_cond(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lp_cn_m);
	pthread_cleanup_push(lp_cn_cleanup, NULL);
	lp_cn_waiting = 1;
	for (;;)
		pthread_cond_wait(&lp_cn_c, &lp_cn_m);
	pthread_cleanup_pop(0);
	return NULL;
}

static void *lp_cn_read(void *arg)
{
	char c;

	lp_cn_waiting = 1;
	if (read(*(int *)arg, &c, 1) >= 0)
		return (void *)1;
	return (void *)2;
}

/* Starts fn(arg), waits until it waits, cancels it: what the join says. */
static void *lp_cn_cancelled(void *(*fn)(void *), void *arg)
{
	pthread_t t;
	void *ret = NULL;

	lp_cn_waiting = 0;
	if (pthread_create(&t, NULL, fn, arg))
		return NULL;
	while (!lp_cn_waiting)
		lp_nap_ms(5);
	lp_nap_ms(50);
	if (pthread_cancel(t) || pthread_join(t, &ret))
		return NULL;
	return ret;
}

UTEST(pthread, cancel_acts_in_cond_wait_and_read)
{
	int p[2];

	lp_cn_cleaned = lp_cn_owned = 0;
	UT_ASSERT(lp_cn_cancelled(lp_cn_cond, NULL) == PTHREAD_CANCELED);
	UT_ASSERT_EQ(lp_cn_cleaned, 1);
	UT_ASSERT_EQ(lp_cn_owned, 1);
	UT_SYS(pipe(p));
	UT_ASSERT(lp_cn_cancelled(lp_cn_read, &p[0]) == PTHREAD_CANCELED);
	close(p[0]);
	close(p[1]);
}

/* The cancel comes as the thread is about to block in read(): before or
 * after its cancellation point's check, before or after its uthread parks
 * on the call.  Every one must act: a cancel sent before the park found no
 * call to abort (parlib's uthread_wait_hook asks again at the park).  A
 * lost one leaves the thread in read() for good: the timed join says so
 * and a byte on the pipe lets it go. */
UTEST(pthread, cancel_racing_a_blocking_read_is_never_lost)
{
	int p[2], lost = 0, cancelled = 0;

	UT_SYS(pipe(p));
	for (int i = 0; i < 300; i++) {
		struct timespec until;
		pthread_t t;
		void *ret = NULL;

		lp_cn_waiting = 0;
		UT_ASSERT_EQ(pthread_create(&t, NULL, lp_cn_read, &p[0]), 0);
		/* Spin, so that the reader runs on another vcore and the cancel
		 * lands while it is on its way into the call; yield now and then
		 * for a process with one vcore. */
		for (long n = 1; !lp_cn_waiting; n++)
			if (n % 100000 == 0)
				sched_yield();
		for (int spin = i % 60 * 200; spin > 0; spin--)
			__asm__ volatile("pause");      /* land the cancel at spots apart */
		UT_ASSERT_EQ(pthread_cancel(t), 0);
		UT_SYS(clock_gettime(CLOCK_REALTIME, &until));
		until.tv_sec += 2;
		if (pthread_timedjoin_np(t, &ret, &until) == ETIMEDOUT) {
			lost++;
			UT_ASSERT_EQ(write(p[1], "x", 1), 1);
			UT_ASSERT_EQ(pthread_join(t, &ret), 0);
		}
		cancelled += ret == PTHREAD_CANCELED;
	}
	UT_SYS(close(p[0]));
	UT_SYS(close(p[1]));
	UT_ASSERT_MSG(!lost, "%d of 300 cancels lost (%d acted)", lost, cancelled);
	UT_ASSERT_EQ(cancelled, 300);
}

/* The child modes: threads blocked in read() on a pipe nobody writes,
 * then main exits with 7 ("exit") or blocks too ("hang").  3: no core was
 * free to make the child an MCP (this process holds it: 2 cores). */
#define LP_CHILD_NO_CORE 3

/* "main-exit": thread0 leaves with pthread_exit while a thread lives; that
 * thread makes and joins another (musl's thread-list lock must have been
 * released by thread0's exit), then ends the process with 9. */
static void *lp_last_one(void *arg)
{
	pthread_t t;

	lp_nap_ms(20);
	if (pthread_create(&t, NULL, lp_double, arg) || pthread_join(t, NULL))
		exit(6);
	exit(9);
}

static int lp_child_guard(void);

static int lp_child(const char *mode)
{
	static pthread_t t[20];
	int p[2], r;

	if (!strcmp(mode, "guard"))
		return lp_child_guard();
	if (!strcmp(mode, "main-exit")) {
		if (pthread_create(&t[0], NULL, lp_last_one, NULL))
			return LP_CHILD_NO_CORE;
		pthread_exit(NULL);
	}
	if (pipe(p))
		return 2;
	for (int i = 0; i < 20; i++)
		if ((r = pthread_create(&t[i], NULL, lp_reader, p)))
			return r == EAGAIN ? LP_CHILD_NO_CORE : 5;
	for (int i = 0; i < 20; i++)
		sched_yield();
	if (!strcmp(mode, "exit"))
		exit(7);
	lp_reader(p);
	return 4;
}

static pid_t lp_spawn_child(const char *mode)
{
	char *argv[] = { "libc_pthread", "--child", (char *)mode, NULL };
	pid_t pid;

	if (posix_spawn(&pid, "/test/libc_pthread", NULL, NULL, argv, NULL))
		return -1;
	return pid;
}

UTEST(pthread, exit_with_threads_blocked_in_syscalls)
{
	pid_t pid = lp_spawn_child("exit");
	int st;

	UT_ASSERT_GT(pid, 0);
	UT_ASSERT_EQ(waitpid(pid, &st, 0), pid);
	UT_ASSERT(WIFEXITED(st));
	if (WEXITSTATUS(st) == LP_CHILD_NO_CORE)
		utest_skip("no free core for a second MCP");
	UT_ASSERT_EQ(WEXITSTATUS(st), 7);
}

UTEST(pthread, main_thread_exits_first)
{
	pid_t pid = lp_spawn_child("main-exit");
	int st;

	UT_ASSERT_GT(pid, 0);
	UT_ASSERT_EQ(waitpid(pid, &st, 0), pid);
	UT_ASSERT_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 9, "child status %#x", st);
}

UTEST(pthread, kill_with_threads_blocked_in_syscalls)
{
	pid_t pid = lp_spawn_child("hang");
	int st;

	UT_ASSERT_GT(pid, 0);
	lp_nap_ms(100);
	if (waitpid(pid, &st, WNOHANG) == pid) {
		UT_ASSERT(WIFEXITED(st));
		UT_ASSERT_EQ(WEXITSTATUS(st), LP_CHILD_NO_CORE);
		utest_skip("no free core for a second MCP");
	}
	UT_SYS(kill(pid, SIGKILL));
	UT_ASSERT_EQ(waitpid(pid, &st, 0), pid);
	UT_ASSERT(WIFSIGNALED(st));
	UT_ASSERT_EQ(WTERMSIG(st), SIGKILL);
}

/* ---------------------------------------- the direct switch, the stack cache */

struct lp_sw {
	uint64_t seed;
	long bad_regs, bad_fpu;
};

/* Yields 2000 times (sched_yield and parlib's uthread_yield in turn) with
 * a pattern in the callee-saved registers and its own rounding and
 * precision modes: a yield between runnable threads is a direct switch
 * (parlib.md). */
static void *lp_switcher(void *arg)
{
	struct lp_sw *s = arg;

	lsw_set_fpu_control(s->seed);
	for (int i = 0; i < 2000; i++) {
		uint64_t seed = s->seed + (uint64_t)i * 0x100;

		if (!((i & 1) ? lsw_uthread_yield_keeps_registers(seed)
		              : lsw_yield_keeps_registers(seed)))
			s->bad_regs++;
		if (!lsw_fpu_control_kept(s->seed))
			s->bad_fpu++;
	}
	return NULL;
}

UTEST(pthread, yield_keeps_callee_saved_and_fpu_control)
{
	struct lp_sw s[3] = { { .seed = 0x1111000000000001ull }, { .seed = 0x2222000000000026ull },
	                      { .seed = 0x333300000000003bull } };
	pthread_t t[2];

	for (int i = 0; i < 2; i++)
		UT_ASSERT_EQ(pthread_create(&t[i], NULL, lp_switcher, &s[i + 1]), 0);
	lp_switcher(&s[0]);
	for (int i = 0; i < 2; i++)
		UT_ASSERT_EQ(pthread_join(t[i], NULL), 0);
	lsw_set_fpu_control(8);         /* the defaults again: MXCSR 0x1f80, x87 0x37f */
	for (int i = 0; i < 3; i++) {
		UT_ASSERT_MSG(!s[i].bad_regs, "thread %d: %ld yields lost a callee-saved register", i,
		              s[i].bad_regs);
		UT_ASSERT_MSG(!s[i].bad_fpu, "thread %d: %ld yields lost MXCSR or the x87 control word",
		              i, s[i].bad_fpu);
	}
}

static __thread int lp_tls_seven = 7;
static __thread int lp_tls_zero;
static pthread_key_t lp_stack_key;

struct lp_stk {
	char *low;                      /* the stack's lowest byte */
	size_t size, guard;
	int tls_seven, tls_zero, cancel_was;
	void *key_val;
};

/* Notes what a new thread finds, then dirties all of it for the next. */
static void *lp_stack_probe(void *arg)
{
	struct lp_stk *s = arg;
	pthread_attr_t a;
	void *low;
	int old;

	if (!pthread_getattr_np(pthread_self(), &a)) {
		pthread_attr_getstack(&a, &low, &s->size);
		pthread_attr_getguardsize(&a, &s->guard);
		pthread_attr_destroy(&a);
		s->low = low;
	}
	s->tls_seven = lp_tls_seven;
	s->tls_zero = lp_tls_zero;
	s->key_val = pthread_getspecific(lp_stack_key);
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
	s->cancel_was = old;
	lp_tls_seven = 99;
	lp_tls_zero = 5;
	pthread_setspecific(lp_stack_key, s);
	return NULL;
}

/* A joined thread's stack goes to the next thread (pthreads.md, the stack
 * cache), which finds its TLS, keys and cancellation state as new. */
UTEST(pthread, joined_stack_reused_clean)
{
	struct lp_stk s[2] = { { 0 } };
	pthread_t t;

	UT_ASSERT_EQ(pthread_key_create(&lp_stack_key, NULL), 0);
	for (int i = 0; i < 2; i++) {
		UT_ASSERT_EQ(pthread_create(&t, NULL, lp_stack_probe, &s[i]), 0);
		UT_ASSERT_EQ(pthread_join(t, NULL), 0);
	}
	UT_ASSERT_EQ(pthread_key_delete(lp_stack_key), 0);
	UT_ASSERT(s[0].low && s[0].guard > 0);
	UT_ASSERT_MSG(s[1].low == s[0].low, "the second thread's stack %p is not the first's %p",
	              (void *)s[1].low, (void *)s[0].low);
	UT_ASSERT_EQ(s[1].size, s[0].size);
	UT_ASSERT_EQ(s[1].guard, s[0].guard);
	for (int i = 0; i < 2; i++) {
		UT_ASSERT_EQ(s[i].tls_seven, 7);
		UT_ASSERT_EQ(s[i].tls_zero, 0);
		UT_ASSERT(s[i].key_val == NULL);
		UT_ASSERT_EQ(s[i].cancel_was, PTHREAD_CANCEL_ENABLE);
	}
}

static struct lp_stk lp_guard_first;

/* The child "guard": a reused stack's guard page still faults. */
static void *lp_guard_toucher(void *arg)
{
	struct lp_stk s = { 0 };

	(void)arg;
	lp_stack_probe(&s);
	if (s.low != lp_guard_first.low)
		return (void *)5;       /* not reused: nothing to check */
	*(volatile char *)(s.low - 1) = 1;      /* the guard: SIGSEGV */
	return (void *)6;
}

static int lp_child_guard(void)
{
	pthread_t t;
	void *r = NULL;

	if (pthread_key_create(&lp_stack_key, NULL) ||
	    pthread_create(&t, NULL, lp_stack_probe, &lp_guard_first) || pthread_join(t, NULL) ||
	    pthread_create(&t, NULL, lp_guard_toucher, NULL) || pthread_join(t, &r))
		return 4;
	return (int)(uintptr_t)r;
}

UTEST(pthread, reused_stack_keeps_its_guard_page)
{
	pid_t pid = lp_spawn_child("guard");
	int st;

	UT_ASSERT_GT(pid, 0);
	UT_ASSERT_EQ(waitpid(pid, &st, 0), pid);
	UT_ASSERT_MSG(!WIFEXITED(st) || WEXITSTATUS(st) != 5, "the stack was not reused");
	UT_ASSERT_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
	              "child status %#x: a write to the guard page did not fault", st);
}

/* With one core for MCPs, which this process holds, a second threaded
 * program runs its 2LS inside its SCP (Documentation/pthreads.md): the
 * suite's core tests pass there too (the direct switch and the stack cache
 * among them).  Its output comes back on a pipe. */
UTEST(pthread, suite_in_an_scp_child)
{
	static char out[16384];
	const struct procinfo *pi = parlib_procinfo();
	char *argv[] = { "libc_pthread", "create_and_join_1000", "tls_and_errno_per_thread",
	                 "blocked_read_parks_only_its_thread", "mutex_condvar_ping_pong",
	                 "semaphores_producers_consumers", "once_and_key_destructors",
	                 "cond_timedwait_times_out", "every_thread_blocked_then_woken",
	                 "two_hundred_threads_blocked_in_read", "c11_threads",
	                 "yield_keeps_callee_saved_and_fpu_control", "joined_stack_reused_clean",
	                 NULL };
	posix_spawn_file_actions_t fa;
	size_t got = 0;
	ssize_t r;
	pid_t pid;
	int p[2], st;

	if (!pi || pi->max_vcores != 1)
		utest_skip("more than one core for MCPs: the child would be an MCP");
	UT_SYS(pipe(p));
	UT_ASSERT_EQ(posix_spawn_file_actions_init(&fa), 0);
	UT_ASSERT_EQ(posix_spawn_file_actions_adddup2(&fa, p[1], 1), 0);
	UT_ASSERT_EQ(posix_spawn(&pid, "/test/libc_pthread", &fa, NULL, argv, NULL), 0);
	posix_spawn_file_actions_destroy(&fa);
	UT_SYS(close(p[1]));
	while (got < sizeof(out) - 1 && (r = read(p[0], out + got, sizeof(out) - 1 - got)) > 0)
		got += (size_t)r;
	out[got] = 0;
	UT_SYS(close(p[0]));
	UT_ASSERT_EQ(waitpid(pid, &st, 0), pid);
	UT_ASSERT_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x: %s", st, out);
	UT_ASSERT_MSG(strstr(out, "summary 12 passed, 0 failed"), "child said: %s", out);
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--child"))
		return lp_child(argv[2]);
	return utest_main("libc_pthread", argc, argv);
}
