/* SPDX-License-Identifier: MIT */
/*
 * b_thread.c - B7, B8, B9: threads, in portable pthreads C.
 *
 *   thread_create_join   pthread_create of a thread that returns at once,
 *                        then pthread_join (B8)
 *   thread_yield         sched_yield between two threads: per yield, one
 *                        switch to the other thread (B7)
 *   condvar_pingpong     two threads hand a turn back and forth with a
 *                        mutex and a condvar: per round trip (B7/B9)
 *   mutex_uncontended    pthread_mutex_lock + unlock, nobody else (B9)
 *
 * On Vireo the threads are uthreads of parlib's FIFO 2LS (the process is
 * an MCP from the first pthread_create, Documentation/pthreads.md); on
 * Linux they are NPTL-style kernel threads of musl.  Under icount (one
 * core) every switch on Linux is a kernel context switch.
 */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>

#include "bench.h"

static void *bt_nothing(void *arg)
{
	return arg;
}

static void create_join_round(void *arg, long iters)
{
	for (long i = 0; i < iters; i++) {
		pthread_t t;

		if (pthread_create(&t, NULL, bt_nothing, NULL) || pthread_join(t, NULL))
			bench_die("pthread_create/join");
	}
}

static volatile int bt_stop;

static void *bt_yielder(void *arg)
{
	while (!bt_stop)
		sched_yield();
	return arg;
}

static void yield_round(void *arg, long iters)
{
	for (long i = 0; i < iters; i++)
		sched_yield();
}

static pthread_mutex_t bt_m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t bt_cv = PTHREAD_COND_INITIALIZER;
static int bt_turn;

/* The partner: whenever the turn is 1, give it back (0), until stopped. */
static void *bt_ponger(void *arg)
{
	pthread_mutex_lock(&bt_m);
	while (!bt_stop) {
		while (bt_turn != 1 && !bt_stop)
			pthread_cond_wait(&bt_cv, &bt_m);
		bt_turn = 0;
		pthread_cond_signal(&bt_cv);
	}
	pthread_mutex_unlock(&bt_m);
	return arg;
}

static void condvar_round(void *arg, long iters)
{
	pthread_mutex_lock(&bt_m);
	for (long i = 0; i < iters; i++) {
		bt_turn = 1;
		pthread_cond_signal(&bt_cv);
		while (bt_turn != 0)
			pthread_cond_wait(&bt_cv, &bt_m);
	}
	pthread_mutex_unlock(&bt_m);
}

static void mutex_round(void *arg, long iters)
{
	pthread_mutex_t *m = arg;

	for (long i = 0; i < iters; i++) {
		pthread_mutex_lock(m);
		pthread_mutex_unlock(m);
	}
}

/* Runs a partner thread for the length of one benchmark. */
static void with_partner(void *(*partner)(void *), const char *name,
                         void (*round)(void *, long), long iters)
{
	pthread_t t;

	bt_stop = 0;
	if (pthread_create(&t, NULL, partner, NULL))
		bench_die("pthread_create");
	bench_report(name, "ns", round, NULL, iters);
	pthread_mutex_lock(&bt_m);
	bt_stop = 1;
	pthread_cond_broadcast(&bt_cv);
	pthread_mutex_unlock(&bt_m);
	if (pthread_join(t, NULL))
		bench_die("pthread_join");
}

int main(void)
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;

	bench_report("thread_create_join", "ns", create_join_round, NULL, 500);
	with_partner(bt_yielder, "thread_yield", yield_round, 5000);
	with_partner(bt_ponger, "condvar_pingpong", condvar_round, 2000);
	bench_report("mutex_uncontended", "ns", mutex_round, &m, 20000);
	return 0;
}
