/* SPDX-License-Identifier: MIT */
/*
 * libc_fds.c - the special fds of the C library: eventfd over #eventfd
 * (counter and semaphore semantics, non-blocking, across fork), timerfd
 * over #alarm (one-shot, periodic, absolute, disarm, gettime, dup), pipe2's
 * flags and dup3, each with its bad-input errors (EBADF, EINVAL, EAGAIN).
 * Timing bounds are generous: QEMU under TCG is slow and jittery.
 * Run by scripts/run-ktests.sh (run_utest libc_fds) as the first process.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <parlib/syscall.h>
#include "lutest.h"

#define MS 1000000LL
#define LX_NR_DUP3 292          /* Linux's number (<sys/syscall.h> clashes with parlib's) */

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static struct itimerspec its_ms(long value_ms, long interval_ms)
{
	struct itimerspec its;

	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = value_ms / 1000;
	its.it_value.tv_nsec = value_ms % 1000 * MS;
	its.it_interval.tv_sec = interval_ms / 1000;
	its.it_interval.tv_nsec = interval_ms % 1000 * MS;
	return its;
}

/* ------------------------------------------------------------- eventfd */

LT_TEST(eventfd_counter_adds_and_read_resets)
{
	int fd = eventfd(5, EFD_NONBLOCK);
	uint64_t v = 3;

	LT_ASSERT_MSG(fd >= 0, "eventfd: %s (%s)", strerror(errno), errstr());
	LT_ASSERT_EQ(write(fd, &v, 8), 8);
	v = 0;
	LT_ASSERT_EQ(read(fd, &v, 8), 8);
	LT_ASSERT_EQ(v, 8);
	LT_ASSERT_EQ(read(fd, &v, 8), -1);
	LT_ASSERT_EQ(errno, EAGAIN);
	LT_ASSERT_EQ(eventfd_write(fd, 7), 0);
	LT_ASSERT_EQ(eventfd_read(fd, (eventfd_t *)&v), 0);
	LT_ASSERT_EQ(v, 7);
	LT_ASSERT_EQ(close(fd), 0);
}

LT_TEST(eventfd_semaphore_reads_one_at_a_time)
{
	int fd = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC);
	uint64_t v;

	LT_ASSERT(fd >= 0);
	LT_ASSERT(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	LT_ASSERT(fcntl(fd, F_GETFL) & O_NONBLOCK);
	for (int i = 0; i < 3; i++) {
		v = 0;
		LT_ASSERT_EQ(read(fd, &v, 8), 8);
		LT_ASSERT_EQ(v, 1);
	}
	LT_ASSERT_EQ(read(fd, &v, 8), -1);
	LT_ASSERT_EQ(errno, EAGAIN);
	close(fd);
}

LT_TEST(eventfd_wakes_a_blocked_reader_across_fork)
{
	int fd = eventfd(0, 0), status = -1;
	uint64_t v = 0;
	pid_t pid;

	LT_ASSERT(fd >= 0);
	LT_ASSERT(!(fcntl(fd, F_GETFD) & FD_CLOEXEC));
	pid = fork();
	if (pid == 0) {
		struct timespec ts = { 0, 50 * MS };
		uint64_t one = 41;

		nanosleep(&ts, NULL);
		_exit(write(fd, &one, 8) == 8 ? 0 : 1);
	}
	LT_ASSERT(pid > 0);
	LT_ASSERT_EQ(read(fd, &v, 8), 8);              /* blocks until the child writes */
	LT_ASSERT_EQ(v, 41);
	LT_ASSERT_EQ(waitpid(pid, &status, 0), pid);
	LT_ASSERT_EQ(status, 0);
	close(fd);
}

LT_TEST(eventfd_bad_input)
{
	int fd = eventfd(0, EFD_NONBLOCK);
	uint64_t v = UINT64_MAX;
	uint32_t small = 1;

	LT_ASSERT(fd >= 0);
	LT_ASSERT_EQ(eventfd(0, 0x1234), -1);
	LT_ASSERT_EQ(errno, EINVAL);
	LT_ASSERT_EQ(write(fd, &v, 8), -1);
	LT_ASSERT_EQ(errno, EINVAL);
	LT_ASSERT_EQ(write(fd, &small, 4), -1);
	LT_ASSERT_EQ(errno, EINVAL);
	LT_ASSERT_EQ(read(fd, &small, 4), -1);
	LT_ASSERT_EQ(errno, EINVAL);
	close(fd);
	LT_ASSERT_EQ(read(fd, &v, 8), -1);
	LT_ASSERT_EQ(errno, EBADF);
}

/* ------------------------------------------------------------- timerfd */

LT_TEST(timerfd_one_shot)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, 0);
	struct itimerspec its = its_ms(100, 0), cur;
	uint64_t count = 0;
	int64_t t0, dt;

	LT_ASSERT_MSG(fd >= 0, "timerfd_create: %s (%s)", strerror(errno), errstr());
	t0 = now_ns();
	LT_ASSERT_MSG(timerfd_settime(fd, 0, &its, NULL) == 0, "settime: %s (%s)",
	              strerror(errno), errstr());
	LT_ASSERT_EQ(timerfd_gettime(fd, &cur), 0);
	LT_ASSERT(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0 &&
	          cur.it_value.tv_nsec <= 100 * MS);
	LT_ASSERT_EQ(read(fd, &count, sizeof(count)), 8);
	dt = now_ns() - t0;
	LT_ASSERT_EQ(count, 1);
	LT_ASSERT_MSG(dt >= 90 * MS && dt < 5000 * MS, "expired after %lld ms", (long long)(dt / MS));
	LT_ASSERT_EQ(timerfd_gettime(fd, &cur), 0);
	LT_ASSERT(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0);
	close(fd);
}

LT_TEST(timerfd_periodic_counts_expirations)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	struct itimerspec its = its_ms(50, 50), cur;
	struct timespec nap = { 0, 400 * MS };
	uint64_t count = 0;

	LT_ASSERT(fd >= 0);
	LT_ASSERT(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	LT_ASSERT_EQ(timerfd_settime(fd, 0, &its, NULL), 0);
	nanosleep(&nap, NULL);
	LT_ASSERT_EQ(read(fd, &count, sizeof(count)), 8);
	LT_ASSERT_MSG(count >= 4 && count <= 40, "count %llu after 400 ms at 50 ms",
	              (unsigned long long)count);
	LT_ASSERT_EQ(read(fd, &count, sizeof(count)), 8);     /* blocks for the next one */
	LT_ASSERT_MSG(count >= 1 && count <= 40, "count %llu", (unsigned long long)count);
	LT_ASSERT_EQ(timerfd_gettime(fd, &cur), 0);
	LT_ASSERT_EQ(cur.it_interval.tv_nsec, 50 * MS);
	LT_ASSERT(cur.it_value.tv_nsec > 0 && cur.it_value.tv_nsec <= 50 * MS);
	close(fd);
}

LT_TEST(timerfd_nonblock_disarm_and_old_value)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	struct itimerspec its = its_ms(60000, 0), off = its_ms(0, 0), old;
	uint64_t count;

	LT_ASSERT(fd >= 0);
	LT_ASSERT_EQ(read(fd, &count, 8), -1);
	LT_ASSERT_EQ(errno, EAGAIN);
	LT_ASSERT_EQ(timerfd_settime(fd, 0, &its, NULL), 0);
	LT_ASSERT_EQ(read(fd, &count, 8), -1);
	LT_ASSERT_EQ(errno, EAGAIN);
	LT_ASSERT_EQ(timerfd_settime(fd, 0, &off, &old), 0);
	LT_ASSERT(old.it_value.tv_sec >= 50 && old.it_value.tv_sec < 60);
	LT_ASSERT_EQ(timerfd_gettime(fd, &old), 0);
	LT_ASSERT(old.it_value.tv_sec == 0 && old.it_value.tv_nsec == 0);
	close(fd);
}

LT_TEST(timerfd_absolute_realtime_and_dup)
{
	int fd = timerfd_create(CLOCK_REALTIME, 0), fd2;
	struct itimerspec its;
	struct timespec now;
	uint64_t count = 0;

	LT_ASSERT(fd >= 0);
	clock_gettime(CLOCK_REALTIME, &now);
	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = now.tv_sec + (now.tv_nsec + 80 * MS) / 1000000000;
	its.it_value.tv_nsec = (now.tv_nsec + 80 * MS) % 1000000000;
	LT_ASSERT_EQ(timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL), 0);
	fd2 = dup(fd);
	LT_ASSERT(fd2 >= 0);
	LT_ASSERT_EQ(read(fd2, &count, sizeof(count)), 8);     /* the dup reads binary too */
	LT_ASSERT_EQ(count, 1);
	close(fd);
	close(fd2);
}

LT_TEST(timerfd_bad_input)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, 0), p[2];
	struct itimerspec bad = its_ms(10, 0);
	uint32_t small;

	LT_ASSERT(fd >= 0);
	LT_ASSERT_EQ(timerfd_create(12345, 0), -1);
	LT_ASSERT_EQ(errno, EINVAL);
	LT_ASSERT_EQ(timerfd_create(CLOCK_MONOTONIC, 0x1), -1);
	LT_ASSERT_EQ(errno, EINVAL);
	bad.it_value.tv_nsec = 1000000000;
	LT_ASSERT_EQ(timerfd_settime(fd, 0, &bad, NULL), -1);
	LT_ASSERT_EQ(errno, EINVAL);
	bad = its_ms(10, 0);
	LT_ASSERT_EQ(timerfd_settime(fd, 0x40, &bad, NULL), -1);
	LT_ASSERT_EQ(errno, EINVAL);
	LT_ASSERT_EQ(timerfd_settime(fd, 0, &bad, NULL), 0);
	LT_ASSERT_EQ(read(fd, &small, 4), -1);
	LT_ASSERT_EQ(errno, EINVAL);
	LT_ASSERT_EQ(pipe(p), 0);
	LT_ASSERT_EQ(timerfd_settime(p[0], 0, &bad, NULL), -1);
	LT_ASSERT_EQ(errno, EINVAL);
	close(p[0]);
	close(p[1]);
	close(fd);
	LT_ASSERT_EQ(timerfd_settime(fd, 0, &bad, NULL), -1);
	LT_ASSERT_EQ(errno, EBADF);
	LT_ASSERT_EQ(timerfd_gettime(fd, &bad), -1);
	LT_ASSERT_EQ(errno, EBADF);
}

/* ------------------------------------------------------------ pipe2, dup3 */

LT_TEST(pipe2_flags)
{
	int p[2];
	char c;

	LT_ASSERT_EQ(pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
	for (int i = 0; i < 2; i++) {
		LT_ASSERT(fcntl(p[i], F_GETFD) & FD_CLOEXEC);
		LT_ASSERT(fcntl(p[i], F_GETFL) & O_NONBLOCK);
	}
	LT_ASSERT_EQ(read(p[0], &c, 1), -1);
	LT_ASSERT_EQ(errno, EAGAIN);
	LT_ASSERT_EQ(write(p[1], "x", 1), 1);
	LT_ASSERT_EQ(read(p[0], &c, 1), 1);
	LT_ASSERT_EQ(c, 'x');
	close(p[0]);
	close(p[1]);
	LT_ASSERT_EQ(pipe2(p, 0), 0);
	LT_ASSERT(!(fcntl(p[0], F_GETFD) & FD_CLOEXEC));
	LT_ASSERT(!(fcntl(p[1], F_GETFL) & O_NONBLOCK));
	close(p[0]);
	close(p[1]);
	LT_ASSERT_EQ(pipe2(p, O_APPEND), -1);
	LT_ASSERT_EQ(errno, EINVAL);
}

LT_TEST(dup3_flags_and_errors)
{
	int fd = open("/dev/null", O_RDONLY);

	LT_ASSERT(fd >= 0);
	LT_ASSERT_EQ(dup3(fd, 50, O_CLOEXEC), 50);
	LT_ASSERT(fcntl(50, F_GETFD) & FD_CLOEXEC);
	LT_ASSERT_EQ(dup3(fd, 50, 0), 50);
	LT_ASSERT(!(fcntl(50, F_GETFD) & FD_CLOEXEC));
	LT_ASSERT_EQ(dup3(fd, fd, 0), -1);
	LT_ASSERT_EQ(errno, EINVAL);
	/* musl's dup3 drops flags other than O_CLOEXEC; the layer refuses them. */
	LT_ASSERT_EQ(syscall(LX_NR_DUP3, fd, 51, O_NONBLOCK), -1);
	LT_ASSERT_EQ(errno, EINVAL);
	LT_ASSERT_EQ(dup3(-1, 51, 0), -1);
	LT_ASSERT_EQ(errno, EBADF);
	LT_ASSERT_EQ(dup3(fd, -1, 0), -1);
	LT_ASSERT_EQ(errno, EBADF);
	close(50);
	close(fd);
}

static const struct lt_test tests[] = {
	LT_ENTRY(eventfd_counter_adds_and_read_resets),
	LT_ENTRY(eventfd_semaphore_reads_one_at_a_time),
	LT_ENTRY(eventfd_wakes_a_blocked_reader_across_fork),
	LT_ENTRY(eventfd_bad_input),
	LT_ENTRY(timerfd_one_shot),
	LT_ENTRY(timerfd_periodic_counts_expirations),
	LT_ENTRY(timerfd_nonblock_disarm_and_old_value),
	LT_ENTRY(timerfd_absolute_realtime_and_dup),
	LT_ENTRY(timerfd_bad_input),
	LT_ENTRY(pipe2_flags),
	LT_ENTRY(dup3_flags_and_errors),
};

int main(int argc, char **argv)
{
	return lt_main("libc_fds", tests, LT_COUNT(tests), argc, argv);
}
