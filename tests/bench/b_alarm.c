/* SPDX-License-Identifier: MIT */
/*
 * b_alarm.c - B13: a one-shot 1 µs timer armed and waited for, per alarm:
 * timerfd_settime then a blocking read of the expiration count.  The
 * figure is the whole cost of a short sleep on a timer (arming, the
 * interrupt, the wake-up, the read), so under icount it is mostly the
 * instructions of that path; the overshoot beyond 1 µs is figure - 1000.
 * Vireo's timerfd is the C library's layer over #alarm (Documentation/
 * alarms.md); Linux's is its own.
 */
#include <stdint.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "bench.h"

static void alarm_round(void *arg, long iters)
{
	int fd = *(int *)arg;
	struct itimerspec its = { .it_value = { .tv_sec = 0, .tv_nsec = 1000 } };
	uint64_t count;

	for (long i = 0; i < iters; i++) {
		if (timerfd_settime(fd, 0, &its, NULL) ||
		    read(fd, &count, sizeof(count)) != sizeof(count) || count != 1)
			bench_die("timerfd alarm");
	}
}

int main(void)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, 0);

	if (fd < 0)
		bench_die("timerfd_create");
	bench_report("alarm_1us", "ns", alarm_round, &fd, 500);
	close(fd);
	return 0;
}
