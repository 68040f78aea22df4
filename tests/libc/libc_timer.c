/* SPDX-License-Identifier: MIT */
/*
 * libc_timer.c - utest suite of POSIX timers and the interval timer
 * through the C library (lx_timer.c over #alarm's signal file): a
 * SIGEV_SIGNAL timer's signal comes with SI_TIMER, its si_value and timer
 * id (the EV_POSIX_SIGNAL message the kernel sent), no earlier than asked,
 * also to a process that never sleeps;
 * a periodic timer whose signal is blocked counts overruns (timer_getoverrun
 * and si_overrun agree) and signals again once delivered; SIGEV_NONE counts
 * down in timer_gettime and sends nothing; settime's old value, disarming,
 * TIMER_ABSTIME; a NULL sigevent (SIGALRM, value = the id); SIGEV_THREAD_ID
 * on our own tid; the 32-timer bound (EAGAIN); bad clocks, ids, flags,
 * times and NULL pointers; a fork child has no timers; setitimer, getitimer
 * and alarm() (ITIMER_REAL periodic, alarm's rounding, bad which/values,
 * ending a lone thread's futex wait); last, SIGEV_THREAD (musl's helper
 * thread calls the function with the value, and stops at the delete).
 * Handlers run when a system call returns (Documentation/libc.md,
 * "Signals"): the tests wait in short nanosleeps.  Run by
 * scripts/run-ktests.sh (run_utest libc_timer).
 */
#define _GNU_SOURCE             /* gettid, sigev_notify_thread_id */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <utest/utest.h>

#define LT_MS 1000000LL

static volatile int lt_caught;
static volatile int lt_code, lt_value, lt_timerid, lt_overrun, lt_sig;

static void lt_on_sig(int sig, siginfo_t *si, void *ctx)
{
	(void)ctx;
	lt_caught++;
	lt_sig = sig;
	lt_code = si->si_code;
	lt_value = si->si_value.sival_int;
	lt_timerid = si->si_timerid;
	lt_overrun = si->si_overrun;
}

static void lt_catch(int sig)
{
	struct sigaction sa = { .sa_sigaction = lt_on_sig, .sa_flags = SA_SIGINFO };

	sigemptyset(&sa.sa_mask);
	UT_SYS(sigaction(sig, &sa, NULL));
	lt_caught = 0;
}

static void lt_uncatch(int sig)
{
	signal(sig, SIG_DFL);
}

static int64_t lt_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void lt_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * LT_MS };

	nanosleep(&ts, NULL);
}

/* Sleeps in 5 ms steps until lt_caught reaches n (2 s at most). */
static void lt_wait_caught(int n)
{
	for (int i = 0; i < 400 && lt_caught < n; i++)
		lt_sleep_ms(5);
}

static timer_t lt_timer(clockid_t clk, int notify, int sig, int value)
{
	struct sigevent ev = { .sigev_notify = notify, .sigev_signo = sig };
	timer_t t;

	ev.sigev_value.sival_int = value;
	UT_SYS(timer_create(clk, &ev, &t));
	return t;
}

static void lt_arm(timer_t t, long value_ms, long interval_ms)
{
	struct itimerspec its = { { interval_ms / 1000, interval_ms % 1000 * LT_MS },
	                          { value_ms / 1000, value_ms % 1000 * LT_MS } };

	UT_SYS(timer_settime(t, 0, &its, NULL));
}

UTEST(timer, signal_carries_code_value_and_id)
{
	timer_t t;
	int64_t armed;

	lt_catch(SIGUSR1);
	t = lt_timer(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR1, 4242);
	armed = lt_now();
	lt_arm(t, 30, 0);
	lt_wait_caught(1);
	UT_ASSERT_EQ(lt_caught, 1);
	UT_ASSERT_GE(lt_now() - armed, 30 * LT_MS);
	UT_ASSERT_EQ(lt_sig, SIGUSR1);
	UT_ASSERT_EQ(lt_code, SI_TIMER);
	UT_ASSERT_EQ(lt_value, 4242);
	UT_ASSERT_EQ(lt_timerid, (int)(intptr_t)t);
	UT_ASSERT_EQ(lt_overrun, 0);
	UT_ASSERT_EQ(timer_getoverrun(t), 0);
	lt_sleep_ms(60);
	UT_ASSERT_EQ(lt_caught, 1);             /* one-shot */
	UT_SYS(timer_delete(t));
	lt_uncatch(SIGUSR1);
}

/* A process that never sleeps (system calls that return at once) gets
 * its signal too: the kernel posts it on the way back to user mode, not
 * only when the core idles. */
UTEST(timer, busy_process_gets_its_signal)
{
	timer_t t;
	int64_t armed;
	long calls = 0;

	lt_catch(SIGUSR1);
	t = lt_timer(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR1, 5);
	armed = lt_now();
	lt_arm(t, 20, 0);
	while (!lt_caught && lt_now() - armed < 2000 * LT_MS) {
		close(-1);
		calls++;
	}
	UT_ASSERT_MSG(lt_caught == 1, "no signal after %ld system calls", calls);
	UT_ASSERT_LT(lt_now() - armed, 1000 * LT_MS);
	UT_SYS(timer_delete(t));
	lt_uncatch(SIGUSR1);
}

/* A real-time signal number, on the REALTIME clock. */
UTEST(timer, realtime_clock_and_rt_signal)
{
	timer_t t;

	lt_catch(SIGRTMIN + 1);
	t = lt_timer(CLOCK_REALTIME, SIGEV_SIGNAL, SIGRTMIN + 1, -7);
	lt_arm(t, 10, 0);
	lt_wait_caught(1);
	UT_ASSERT_EQ(lt_caught, 1);
	UT_ASSERT_EQ(lt_sig, SIGRTMIN + 1);
	UT_ASSERT_EQ(lt_value, -7);
	UT_SYS(timer_delete(t));
	lt_uncatch(SIGRTMIN + 1);
}

/* While the signal is blocked, the expirations are overruns of the one
 * pending signal; after it is delivered the timer signals again. */
UTEST(timer, blocked_signal_counts_overruns)
{
	sigset_t set, old;
	timer_t t;
	int64_t armed, blocked_ns;
	int over;

	lt_catch(SIGUSR2);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	UT_SYS(sigprocmask(SIG_BLOCK, &set, &old));
	t = lt_timer(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR2, 1);
	armed = lt_now();
	lt_arm(t, 10, 10);
	lt_sleep_ms(300);
	UT_ASSERT_EQ(lt_caught, 0);
	blocked_ns = lt_now() - armed;
	UT_SYS(sigprocmask(SIG_SETMASK, &old, NULL));
	UT_ASSERT_EQ(lt_caught, 1);
	over = timer_getoverrun(t);
	UT_ASSERT_EQ(lt_overrun, over);
	/* about 29; no more than the periods that passed */
	UT_ASSERT_MSG(over >= 10 && over <= blocked_ns / (10 * LT_MS) + 2, "overrun %d in %lld ms",
	              over, (long long)(blocked_ns / LT_MS));
	lt_wait_caught(3);
	UT_ASSERT_GE(lt_caught, 3);             /* signalling again */
	UT_ASSERT_LT(timer_getoverrun(t), over);
	UT_SYS(timer_delete(t));
	lt_sleep_ms(30);
	lt_uncatch(SIGUSR2);
}

UTEST(timer, sigev_none_counts_down_silently)
{
	struct itimerspec its = { { 0, 0 }, { 2, 0 } }, cur, old;
	timer_t t = lt_timer(CLOCK_MONOTONIC, SIGEV_NONE, 0, 0);
	int64_t a, b;

	UT_SYS(timer_gettime(t, &cur));
	UT_ASSERT(!cur.it_value.tv_sec && !cur.it_value.tv_nsec);      /* disarmed */
	UT_SYS(timer_settime(t, 0, &its, NULL));
	UT_SYS(timer_gettime(t, &cur));
	a = cur.it_value.tv_sec * 1000000000LL + cur.it_value.tv_nsec;
	UT_ASSERT(a > 1000 * LT_MS && a <= 2000 * LT_MS);
	lt_sleep_ms(50);
	UT_SYS(timer_gettime(t, &cur));
	b = cur.it_value.tv_sec * 1000000000LL + cur.it_value.tv_nsec;
	UT_ASSERT_MSG(b <= a - 50 * LT_MS, "%lld then %lld", (long long)a, (long long)b);
	/* Re-armed one-shot 10 ms, with an interval read back; then expired. */
	its.it_value.tv_sec = 0;
	its.it_value.tv_nsec = 10 * LT_MS;
	UT_SYS(timer_settime(t, 0, &its, &old));
	UT_ASSERT(old.it_value.tv_sec == 1 || old.it_value.tv_sec == 0);
	UT_ASSERT(old.it_value.tv_sec * 1000000000LL + old.it_value.tv_nsec <= b);
	lt_sleep_ms(30);
	UT_SYS(timer_gettime(t, &cur));
	UT_ASSERT(!cur.it_value.tv_sec && !cur.it_value.tv_nsec);
	its.it_interval.tv_nsec = 20 * LT_MS;
	UT_SYS(timer_settime(t, 0, &its, NULL));
	UT_SYS(timer_gettime(t, &cur));
	UT_ASSERT_EQ(cur.it_interval.tv_nsec, 20 * LT_MS);
	UT_ASSERT_EQ(timer_getoverrun(t), 0);
	UT_SYS(timer_delete(t));
}

UTEST(timer, disarm_and_old_value)
{
	struct itimerspec zero = { { 0, 0 }, { 0, 0 } }, old;
	timer_t t;

	lt_catch(SIGUSR1);
	t = lt_timer(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR1, 0);
	lt_arm(t, 50, 25);
	UT_SYS(timer_settime(t, 0, &zero, &old));
	UT_ASSERT(old.it_value.tv_nsec > 0 && old.it_value.tv_nsec <= 50 * LT_MS);
	UT_ASSERT_EQ(old.it_interval.tv_nsec, 25 * LT_MS);
	lt_sleep_ms(120);
	UT_ASSERT_EQ(lt_caught, 0);
	UT_SYS(timer_delete(t));
	lt_uncatch(SIGUSR1);
}

UTEST(timer, abstime_in_future_and_past)
{
	struct itimerspec its = { { 0, 0 }, { 0, 0 } };
	struct timespec now;
	timer_t t;
	int64_t armed;

	lt_catch(SIGUSR1);
	t = lt_timer(CLOCK_REALTIME, SIGEV_SIGNAL, SIGUSR1, 0);
	UT_SYS(clock_gettime(CLOCK_REALTIME, &now));
	its.it_value = now;
	its.it_value.tv_nsec += 40 * LT_MS;
	if (its.it_value.tv_nsec >= 1000000000) {
		its.it_value.tv_sec++;
		its.it_value.tv_nsec -= 1000000000;
	}
	armed = lt_now();
	UT_SYS(timer_settime(t, TIMER_ABSTIME, &its, NULL));
	lt_wait_caught(1);
	UT_ASSERT_EQ(lt_caught, 1);
	UT_ASSERT_GE(lt_now() - armed, 35 * LT_MS);
	its.it_value.tv_sec -= 100;             /* long past: at once */
	UT_SYS(timer_settime(t, TIMER_ABSTIME, &its, NULL));
	lt_wait_caught(2);
	UT_ASSERT_EQ(lt_caught, 2);
	UT_SYS(timer_delete(t));
	lt_uncatch(SIGUSR1);
}

UTEST(timer, null_sigevent_is_sigalrm_with_the_id)
{
	timer_t t;

	lt_catch(SIGALRM);
	UT_SYS(timer_create(CLOCK_MONOTONIC, NULL, &t));
	lt_arm(t, 10, 0);
	lt_wait_caught(1);
	UT_ASSERT_EQ(lt_caught, 1);
	UT_ASSERT_EQ(lt_sig, SIGALRM);
	UT_ASSERT_EQ(lt_value, (int)(intptr_t)t);
	UT_SYS(timer_delete(t));
	lt_uncatch(SIGALRM);
}

UTEST(timer, sigev_thread_id_on_our_tid)
{
	struct sigevent ev = { .sigev_notify = SIGEV_THREAD_ID, .sigev_signo = SIGUSR1 };
	timer_t t;

	lt_catch(SIGUSR1);
	ev.sigev_notify_thread_id = gettid();
	UT_SYS(timer_create(CLOCK_MONOTONIC, &ev, &t));
	lt_arm(t, 10, 0);
	lt_wait_caught(1);
	UT_ASSERT_EQ(lt_caught, 1);
	UT_SYS(timer_delete(t));
	ev.sigev_notify_thread_id = 0x7ffffff0;
	UT_ASSERT_ERRNO(timer_create(CLOCK_MONOTONIC, &ev, &t), EINVAL);
	lt_uncatch(SIGUSR1);
}

UTEST(timer, thirty_two_then_eagain)
{
	timer_t t[33];
	int n;

	for (n = 0; n < 33; n++)
		if (timer_create(CLOCK_MONOTONIC, &(struct sigevent){ .sigev_notify = SIGEV_NONE },
		                 &t[n]))
			break;
	UT_ASSERT_EQ(n, 32);
	UT_ASSERT_EQ(errno, EAGAIN);
	for (int i = 0; i < n; i++)
		UT_SYS(timer_delete(t[i]));
	UT_SYS(timer_create(CLOCK_MONOTONIC, &(struct sigevent){ .sigev_notify = SIGEV_NONE },
	                    &t[0]));
	UT_SYS(timer_delete(t[0]));
}

UTEST(timer, bad_create)
{
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
	timer_t t;
	int id;

	UT_ASSERT_ERRNO(timer_create((clockid_t)99, &ev, &t), EINVAL);
	UT_ASSERT_ERRNO(timer_create((clockid_t)-5, &ev, &t), EINVAL);
	ev.sigev_signo = 0;
	UT_ASSERT_ERRNO(timer_create(CLOCK_MONOTONIC, &ev, &t), EINVAL);
	ev.sigev_signo = 65;
	UT_ASSERT_ERRNO(timer_create(CLOCK_MONOTONIC, &ev, &t), EINVAL);
	ev.sigev_signo = SIGUSR1;
	ev.sigev_notify = 77;
	UT_ASSERT_ERRNO(timer_create(CLOCK_MONOTONIC, &ev, &t), EINVAL);
	ev.sigev_notify = SIGEV_SIGNAL;
	UT_ASSERT_ERRNO(syscall(SYS_timer_create, CLOCK_MONOTONIC, &ev, NULL), EFAULT);
	UT_SYS(syscall(SYS_timer_create, CLOCK_MONOTONIC, &ev, &id));
	UT_SYS(syscall(SYS_timer_delete, id));
}

UTEST(timer, bad_ids_flags_and_times)
{
	struct itimerspec its = { { 0, 0 }, { 0, 10 * LT_MS } }, cur;
	timer_t t = lt_timer(CLOCK_MONOTONIC, SIGEV_NONE, 0, 0);
	int id = (int)(intptr_t)t;
	static const long bad_ids[] = { -1, 32, 1000, 0x7fffffff };

	for (size_t i = 0; i < sizeof(bad_ids) / sizeof(bad_ids[0]); i++) {
		UT_ASSERT_ERRNO(syscall(SYS_timer_gettime, bad_ids[i], &cur), EINVAL);
		UT_ASSERT_ERRNO(syscall(SYS_timer_settime, bad_ids[i], 0, &its, NULL), EINVAL);
		UT_ASSERT_ERRNO(syscall(SYS_timer_getoverrun, bad_ids[i]), EINVAL);
		UT_ASSERT_ERRNO(syscall(SYS_timer_delete, bad_ids[i]), EINVAL);
	}
	UT_ASSERT_ERRNO(timer_settime(t, 2, &its, NULL), EINVAL);
	UT_ASSERT_ERRNO(syscall(SYS_timer_settime, id, 0, NULL, NULL), EINVAL);
	UT_ASSERT_ERRNO(syscall(SYS_timer_gettime, id, NULL), EFAULT);
	its.it_value.tv_nsec = 1000000000;
	UT_ASSERT_ERRNO(timer_settime(t, 0, &its, NULL), EINVAL);
	its.it_value.tv_nsec = -1;
	UT_ASSERT_ERRNO(timer_settime(t, 0, &its, NULL), EINVAL);
	its.it_value.tv_nsec = 0;
	its.it_value.tv_sec = -1;
	UT_ASSERT_ERRNO(timer_settime(t, 0, &its, NULL), EINVAL);
	its.it_value.tv_sec = 1;
	its.it_interval.tv_nsec = 1000000000;
	UT_ASSERT_ERRNO(timer_settime(t, 0, &its, NULL), EINVAL);
	/* Far in the future (overflowing ns): accepted, counted in centuries. */
	its.it_interval.tv_nsec = 0;
	its.it_value.tv_sec = INT64_MAX;
	UT_SYS(timer_settime(t, 0, &its, NULL));
	UT_SYS(timer_gettime(t, &cur));
	UT_ASSERT_GT(cur.it_value.tv_sec, 100LL * 365 * 86400);
	UT_SYS(timer_delete(t));
	UT_ASSERT_ERRNO(syscall(SYS_timer_gettime, id, &cur), EINVAL);        /* deleted */
}

UTEST(timer, fork_child_has_none)
{
	timer_t t = lt_timer(CLOCK_MONOTONIC, SIGEV_SIGNAL, SIGUSR1, 0);
	struct itimerspec cur;
	int status;
	pid_t pid;

	lt_catch(SIGUSR1);
	pid = UT_SYS(fork());
	if (pid == 0)
		_exit(timer_gettime(t, &cur) == -1 && errno == EINVAL ? 0 : 3);
	UT_SYS(waitpid(pid, &status, 0));
	UT_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	lt_arm(t, 10, 0);                       /* the parent's still works */
	lt_wait_caught(1);
	UT_ASSERT_EQ(lt_caught, 1);
	UT_SYS(timer_delete(t));
	lt_uncatch(SIGUSR1);
}

UTEST(itimer, real_periodic_and_getitimer)
{
	struct itimerval it = { { 0, 20000 }, { 0, 20000 } }, cur;

	lt_catch(SIGALRM);
	UT_SYS(setitimer(ITIMER_REAL, &it, NULL));
	UT_SYS(getitimer(ITIMER_REAL, &cur));
	UT_ASSERT_EQ(cur.it_interval.tv_usec, 20000);
	UT_ASSERT(cur.it_value.tv_usec > 0 && cur.it_value.tv_usec <= 20000);
	lt_wait_caught(3);
	UT_ASSERT_GE(lt_caught, 3);
	UT_ASSERT_EQ(lt_code, SI_KERNEL);
	it.it_value.tv_usec = 0;
	UT_SYS(setitimer(ITIMER_REAL, &it, &cur));
	UT_ASSERT_EQ(cur.it_interval.tv_usec, 20000);
	UT_SYS(getitimer(ITIMER_REAL, &cur));
	UT_ASSERT(!cur.it_value.tv_sec && !cur.it_value.tv_usec);
	lt_sleep_ms(10);
	lt_uncatch(SIGALRM);
}

UTEST(itimer, alarm_rounds_and_fires)
{
	lt_catch(SIGALRM);
	UT_ASSERT_EQ(alarm(5), 0);
	UT_ASSERT_EQ(alarm(3), 5);              /* 4.99.. rounds up */
	UT_ASSERT_EQ(alarm(0), 3);
	UT_ASSERT_EQ(alarm(0), 0);
	UT_SYS(setitimer(ITIMER_REAL, &(struct itimerval){ { 0, 0 }, { 0, 10000 } }, NULL));
	lt_wait_caught(1);
	UT_ASSERT_EQ(lt_caught, 1);
	UT_ASSERT_EQ(alarm(0), 0);
	lt_uncatch(SIGALRM);
}

UTEST(itimer, bad_which_and_values)
{
	struct itimerval it = { { 0, 0 }, { 0, 1000000 } }, cur;

	UT_ASSERT_ERRNO(setitimer(ITIMER_REAL, &it, NULL), EINVAL);
	it.it_value.tv_usec = -1;
	UT_ASSERT_ERRNO(setitimer(ITIMER_REAL, &it, NULL), EINVAL);
	it.it_value.tv_usec = 0;
	it.it_value.tv_sec = -1;
	UT_ASSERT_ERRNO(setitimer(ITIMER_REAL, &it, NULL), EINVAL);
	UT_ASSERT_ERRNO(setitimer(ITIMER_VIRTUAL, &it, NULL), EINVAL);
	UT_ASSERT_ERRNO(setitimer(ITIMER_PROF, &it, NULL), EINVAL);
	UT_ASSERT_ERRNO(setitimer(7, &it, NULL), EINVAL);
	UT_ASSERT_ERRNO(getitimer(7, &cur), EINVAL);
	UT_ASSERT_ERRNO(syscall(SYS_getitimer, ITIMER_REAL, NULL), EFAULT);
}

static volatile int lt_word;

static void lt_set_word(int sig)
{
	(void)sig;
	lt_word = 1;
}

/* A single thread's futex wait sleeps until a signal: the handler runs
 * and the wait ends with EINTR (without SA_RESTART), or is restarted and
 * finds the word changed (EAGAIN, as Linux restarts FUTEX_WAIT under
 * SA_RESTART); with the default action, alarm() ends a process blocked on
 * its own lock (no busy loop, no hang). */
UTEST(itimer, alarm_ends_a_futex_wait)
{
	struct sigaction sa = { .sa_handler = lt_set_word };
	int status;
	pid_t pid;

	sigemptyset(&sa.sa_mask);
	lt_word = 0;
	UT_SYS(sigaction(SIGALRM, &sa, NULL));
	UT_SYS(setitimer(ITIMER_REAL, &(struct itimerval){ { 0, 0 }, { 0, 20000 } }, NULL));
	UT_ASSERT_ERRNO(syscall(SYS_futex, &lt_word, 0 /* FUTEX_WAIT */, 0, NULL), EINTR);
	UT_ASSERT_EQ(lt_word, 1);
	UT_ASSERT_ERRNO(syscall(SYS_futex, &lt_word, 0, 0, NULL), EAGAIN);    /* not 0 */
	lt_word = 0;
	sa.sa_flags = SA_RESTART;
	UT_SYS(sigaction(SIGALRM, &sa, NULL));
	UT_SYS(setitimer(ITIMER_REAL, &(struct itimerval){ { 0, 0 }, { 0, 20000 } }, NULL));
	UT_ASSERT_ERRNO(syscall(SYS_futex, &lt_word, 0, 0, NULL), EAGAIN);    /* restarted */
	UT_ASSERT_EQ(lt_word, 1);
	lt_uncatch(SIGALRM);
	pid = UT_SYS(fork());
	if (pid == 0) {
		alarm(1);
		syscall(SYS_futex, &lt_word, 0, 1, NULL);
		_exit(3);
	}
	UT_SYS(waitpid(pid, &status, 0));
	UT_ASSERT_MSG(WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM, "status %#x", status);
}

static volatile int lt_thr_calls, lt_thr_value, lt_thr_other;
static pthread_t lt_main;

static void lt_thr_fn(union sigval v)
{
	lt_thr_value = v.sival_int;
	lt_thr_other = !pthread_equal(pthread_self(), lt_main);
	lt_thr_calls++;
}

/* Last: musl's SIGEV_THREAD starts a thread (the process becomes an MCP)
 * that waits for the timer's signal and calls the function per expiry. */
UTEST(thread, sigev_thread_calls_the_function_in_a_thread)
{
	struct sigevent ev = { .sigev_notify = SIGEV_THREAD, .sigev_notify_function = lt_thr_fn };
	timer_t t;
	int n;

	utest_no_leak_check();          /* the first thread maps the vcore stacks */
	lt_main = pthread_self();
	ev.sigev_value.sival_int = 42;
	UT_SYS(timer_create(CLOCK_MONOTONIC, &ev, &t));
	lt_arm(t, 10, 20);
	for (int i = 0; i < 400 && lt_thr_calls < 3; i++)
		lt_sleep_ms(5);
	UT_ASSERT_GE(lt_thr_calls, 3);
	UT_ASSERT_EQ(lt_thr_value, 42);
	UT_ASSERT(lt_thr_other);
	UT_SYS(timer_delete(t));
	lt_sleep_ms(30);                /* a call under way ends */
	n = lt_thr_calls;
	lt_sleep_ms(100);
	UT_ASSERT_EQ(lt_thr_calls, n);  /* none after the delete */
}

int main(int argc, char **argv)
{
	return utest_main("libc_timer", argc, argv);
}
