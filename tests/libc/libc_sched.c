/* SPDX-License-Identifier: MIT */
/*
 * libc_sched.c - utest suite of the process-attribute calls of the
 * translation layer: sched_* (Linux's priority ranges, the recorded
 * policy and priority per thread through pthread_{get,set}schedparam and
 * the raw syscalls, EINVAL/ESRCH/EPERM, sched_rr_get_interval), mlock and
 * friends (a locked range is populated; unmapped ENOMEM, wrapping and bad
 * flags EINVAL), fsync/fdatasync (files and directories 0, pipes EINVAL,
 * bad fds EBADF) and the clock setters (bad clocks and values EINVAL,
 * then EPERM; adjtime reads).  Run by scripts/run-ktests.sh (run_utest
 * libc_sched).
 */
#define _GNU_SOURCE             /* adjtime, mlock2 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timex.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <utest/utest.h>

UTEST(sched, priority_ranges_as_linux)
{
	UT_ASSERT_EQ(sched_get_priority_min(SCHED_OTHER), 0);
	UT_ASSERT_EQ(sched_get_priority_max(SCHED_OTHER), 0);
	UT_ASSERT_EQ(sched_get_priority_min(SCHED_FIFO), 1);
	UT_ASSERT_EQ(sched_get_priority_max(SCHED_FIFO), 99);
	UT_ASSERT_EQ(sched_get_priority_min(SCHED_RR), 1);
	UT_ASSERT_EQ(sched_get_priority_max(SCHED_RR), 99);
	UT_ASSERT_EQ(sched_get_priority_max(SCHED_BATCH), 0);
	UT_ASSERT_EQ(sched_get_priority_max(SCHED_IDLE), 0);
	UT_ASSERT_ERRNO(sched_get_priority_max(4), EINVAL);
	UT_ASSERT_ERRNO(sched_get_priority_min(-1), EINVAL);
	UT_ASSERT_ERRNO(sched_get_priority_max(1000), EINVAL);
}

UTEST(sched, recorded_per_thread)
{
	struct sched_param sp = { .sched_priority = 42 };
	int policy = -1;

	UT_ASSERT_EQ(syscall(SYS_sched_getscheduler, 0), SCHED_OTHER);
	UT_ASSERT_EQ(pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp), 0);
	sp.sched_priority = 0;
	UT_ASSERT_EQ(pthread_getschedparam(pthread_self(), &policy, &sp), 0);
	UT_ASSERT_EQ(policy, SCHED_FIFO);
	UT_ASSERT_EQ(sp.sched_priority, 42);
	UT_ASSERT_EQ(syscall(SYS_sched_getscheduler, getpid()), SCHED_FIFO);
	sp.sched_priority = 7;
	UT_SYS(syscall(SYS_sched_setparam, 0, &sp));     /* keeps the policy */
	sp.sched_priority = 0;
	UT_SYS(syscall(SYS_sched_getparam, 0, &sp));
	UT_ASSERT_EQ(sp.sched_priority, 7);
	UT_ASSERT_EQ(pthread_setschedparam(pthread_self(), SCHED_FIFO,
	                                   &(struct sched_param){ .sched_priority = 0 }), EINVAL);
	UT_ASSERT_EQ(pthread_setschedparam(pthread_self(), SCHED_OTHER,
	                                   &(struct sched_param){ .sched_priority = 1 }), EINVAL);
	UT_ASSERT_EQ(pthread_setschedparam(pthread_self(), 9, &sp), EINVAL);
	sp.sched_priority = 0;
	UT_ASSERT_EQ(pthread_setschedparam(pthread_self(), SCHED_OTHER, &sp), 0);
	UT_ASSERT_EQ(syscall(SYS_sched_getscheduler, 0), SCHED_OTHER);
}

UTEST(sched, other_processes_and_bad_pids)
{
	struct sched_param sp = { 0 };
	struct timespec ts;
	int status;
	pid_t pid;

	UT_ASSERT_ERRNO(syscall(SYS_sched_getscheduler, -1), EINVAL);
	UT_ASSERT_ERRNO(syscall(SYS_sched_getparam, 0, NULL), EINVAL);
	UT_ASSERT_ERRNO(syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, NULL), EINVAL);
	UT_ASSERT_ERRNO(syscall(SYS_sched_getscheduler, 999999), ESRCH);
	UT_ASSERT_ERRNO(syscall(SYS_sched_getparam, 999999, &sp), ESRCH);
	UT_ASSERT_ERRNO(syscall(SYS_sched_rr_get_interval, 999999, &ts), ESRCH);
	/* Another live process (a child): read as OTHER 0, never set. */
	pid = UT_SYS(fork());
	if (pid == 0) {
		usleep(300 * 1000);
		_exit(0);
	}
	UT_ASSERT_EQ(syscall(SYS_sched_getscheduler, pid), SCHED_OTHER);
	sp.sched_priority = 5;
	UT_SYS(syscall(SYS_sched_getparam, pid, &sp));
	UT_ASSERT_EQ(sp.sched_priority, 0);
	UT_ASSERT_ERRNO(syscall(SYS_sched_setscheduler, pid, SCHED_OTHER, &sp), EPERM);
	UT_SYS(waitpid(pid, &status, 0));
}

UTEST(sched, rr_interval_and_yield)
{
	struct timespec ts = { -1, -1 };

	UT_SYS(sched_rr_get_interval(0, &ts));
	UT_ASSERT_EQ(ts.tv_sec, 0);
	UT_ASSERT_EQ(ts.tv_nsec, 10000000);
	UT_ASSERT_ERRNO(syscall(SYS_sched_rr_get_interval, 0, NULL), EFAULT);
	UT_ASSERT_EQ(sched_yield(), 0);
}

UTEST(mlock, locks_populate_and_check)
{
	size_t len = 16 * 4096;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	UT_ASSERT(p != MAP_FAILED);
	UT_SYS(mlock(p + 100, len - 200));      /* unaligned: the pages around */
	UT_SYS(munlock(p, len));
	UT_SYS(mlock(p, 0));
	UT_SYS(syscall(SYS_mlock2, p, len, 1 /* MLOCK_ONFAULT */));
	UT_ASSERT_ERRNO(syscall(SYS_mlock2, p, len, 2), EINVAL);
	p[0] = 1;
	UT_SYS(munmap(p + 4 * 4096, 4096));
	UT_ASSERT_ERRNO(mlock(p, len), ENOMEM);         /* a hole */
	UT_ASSERT_ERRNO(munlock(p, len), ENOMEM);
	UT_ASSERT_ERRNO(mlock((void *)0x10, 4096), ENOMEM);
	UT_ASSERT_ERRNO(mlock((void *)(uintptr_t)-4096, 8192), EINVAL);  /* wraps */
	UT_ASSERT_ERRNO(mlock((void *)0xffff800000000000ull, 4096), ENOMEM);
	UT_SYS(munmap(p, len));
}

UTEST(mlock, mlockall_flags)
{
	UT_SYS(mlockall(MCL_CURRENT));
	UT_SYS(mlockall(MCL_CURRENT | MCL_FUTURE));
	UT_SYS(mlockall(MCL_FUTURE | 4 /* MCL_ONFAULT */));
	UT_SYS(munlockall());
	UT_ASSERT_ERRNO(mlockall(0), EINVAL);
	UT_ASSERT_ERRNO(mlockall(4), EINVAL);
	UT_ASSERT_ERRNO(mlockall(8), EINVAL);
}

UTEST(fsync, files_pipes_and_bad_fds)
{
	int fd = UT_SYS(open("/tmp/libc_sched_fsync", O_RDWR | O_CREAT | O_TRUNC, 0644));
	int dir = UT_SYS(open("/tmp", O_RDONLY | O_DIRECTORY));
	int pfd[2];

	UT_SYS(write(fd, "x", 1));
	UT_SYS(fsync(fd));
	UT_SYS(fdatasync(fd));
	UT_SYS(fsync(dir));
	UT_SYS(pipe(pfd));
	UT_ASSERT_ERRNO(fsync(pfd[0]), EINVAL);
	UT_ASSERT_ERRNO(fdatasync(pfd[1]), EINVAL);
	UT_SYS(close(pfd[0]));
	UT_SYS(close(pfd[1]));
	UT_SYS(close(dir));
	UT_SYS(close(fd));
	UT_SYS(unlink("/tmp/libc_sched_fsync"));
	UT_ASSERT_ERRNO(fsync(fd), EBADF);
	UT_ASSERT_ERRNO(fsync(-1), EBADF);
	UT_ASSERT_ERRNO(fdatasync(1000), EBADF);
}

UTEST(clockset, einval_first_then_eperm)
{
	struct timespec ts;
	struct timeval tv = { 0, 0 }, old;
	struct timex tx = { 0 };

	UT_SYS(clock_gettime(CLOCK_REALTIME, &ts));
	UT_ASSERT_ERRSTR(clock_settime(CLOCK_REALTIME, &ts), EPERM, "kernel");
	UT_ASSERT_ERRNO(clock_settime(CLOCK_MONOTONIC, &ts), EINVAL);
	UT_ASSERT_ERRNO(clock_settime((clockid_t)99, &ts), EINVAL);
	ts.tv_nsec = 1000000000;
	UT_ASSERT_ERRNO(clock_settime(CLOCK_REALTIME, &ts), EINVAL);
	ts.tv_nsec = -1;
	UT_ASSERT_ERRNO(clock_settime(CLOCK_REALTIME, &ts), EINVAL);
	UT_ASSERT_ERRNO(syscall(SYS_clock_settime, CLOCK_REALTIME, NULL), EFAULT);
	UT_ASSERT_ERRNO(settimeofday(&tv, NULL), EPERM);
	tv.tv_usec = 1000000;
	UT_ASSERT_ERRNO(settimeofday(&tv, NULL), EINVAL);
	tv.tv_usec = 0;
	tv.tv_sec = 1;
	UT_ASSERT_ERRNO(adjtime(&tv, NULL), EPERM);
	UT_SYS(adjtime(NULL, &old));                    /* reading is allowed */
	UT_ASSERT(old.tv_sec == 0 && old.tv_usec == 0);
	UT_ASSERT_EQ(adjtimex(&tx), TIME_ERROR);        /* unsynchronised */
	UT_ASSERT(tx.status & STA_UNSYNC);
	UT_ASSERT_GT(tx.time.tv_sec, 0);
	tx.modes = ADJ_FREQUENCY;
	UT_ASSERT_ERRNO(adjtimex(&tx), EPERM);
	UT_ASSERT_ERRNO(clock_adjtime(CLOCK_MONOTONIC, &tx), EOPNOTSUPP);
	UT_ASSERT_ERRNO(clock_adjtime((clockid_t)99, &tx), EINVAL);
	UT_ASSERT_ERRNO(syscall(SYS_adjtimex, NULL), EFAULT);
}

int main(int argc, char **argv)
{
	return utest_main("libc_sched", argc, argv);
}
