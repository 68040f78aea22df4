/* SPDX-License-Identifier: MIT */
/*
 * libc_poll.c - utest suites of readiness through the C library, over FD
 * taps (Documentation/readiness.md): poll (pipes readable and writable, a
 * sleeper woken by a child's write, timeouts neither early nor late beyond
 * a bound, POLLNVAL and negative fds, regular files always ready, hangup,
 * eventfd, timerfd, an fd listed twice, 1,000 fds in one call), ppoll,
 * select and pselect (sets in and out, EBADF, timeouts), and epoll (Linux's
 * errors, level-triggered with re-checked readiness, EPOLLET, EPOLLONESHOT
 * and its MOD re-arm, DEL then no event, close removing, timeouts, hangup
 * and EPOLLRDHUP, data round-trip, eventfd and timerfd, one fd in two sets,
 * maxevents smaller than what is ready, a sleeper woken by a child, 1,000
 * fds in one set), timed waits over the layer's kept alarms (an earlier
 * wait's alarm never ends a later wait early, no fd left after 1,000
 * waits, close-on-exec, a fork child's own alarms), and tap_fds itself
 * with hostile arguments (bad pointers,
 * huge counts, an ev_q unmapped, misaligned or read-only, unknown flags, a
 * batch that stops part-way, a CEQ whose geometry user space corrupted).
 * Run by scripts/run-ktests.sh (run_utest libc_poll).
 */
#define _GNU_SOURCE    /* ppoll */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <utest/utest.h>
#include <parlib/event.h>
#include <parlib/syscall.h>
#include <ros/fdtap.h>

#define LATE_MS 500     /* TCG on a busy host: a generous bound for lateness */

static int64_t lp_ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void lp_close2(int p[2])
{
	close(p[0]);
	close(p[1]);
}

UTEST(poll, pipe_readable_only_after_a_write)
{
	int p[2];
	struct pollfd fd;

	UT_SYS(pipe(p));
	fd = (struct pollfd){ .fd = p[0], .events = POLLIN };
	UT_ASSERT_EQ(poll(&fd, 1, 0), 0);
	UT_ASSERT_EQ(fd.revents, 0);
	UT_ASSERT_EQ(write(p[1], "x", 1), 1);
	UT_ASSERT_EQ(poll(&fd, 1, 0), 1);
	UT_ASSERT_EQ(fd.revents, POLLIN);
	lp_close2(p);
}

UTEST(poll, pipe_write_end_is_writable)
{
	int p[2];
	struct pollfd fd;

	UT_SYS(pipe(p));
	fd = (struct pollfd){ .fd = p[1], .events = POLLOUT | POLLIN };
	UT_ASSERT_EQ(poll(&fd, 1, -1), 1);
	UT_ASSERT_EQ(fd.revents, POLLOUT);
	lp_close2(p);
}

UTEST(poll, sleeps_until_a_child_writes)
{
	int p[2], st;
	struct pollfd fd;
	int64_t t0;
	pid_t pid;

	UT_SYS(pipe(p));
	t0 = lp_ms_now();
	pid = UT_SYS(fork());
	if (pid == 0) {
		usleep(100 * 1000);
		_exit(write(p[1], "x", 1) == 1 ? 0 : 1);
	}
	fd = (struct pollfd){ .fd = p[0], .events = POLLIN };
	UT_ASSERT_EQ(poll(&fd, 1, -1), 1);
	UT_ASSERT_EQ(fd.revents, POLLIN);
	UT_ASSERT_GE(lp_ms_now() - t0, 90);
	UT_ASSERT_EQ(waitpid(pid, &st, 0), pid);
	UT_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	lp_close2(p);
}

/* #proc/PID/status as a pidfd: not ready while the child lives, POLLIN and
 * POLLHUP once it has exited, still before the parent reaps it. */
UTEST(poll, a_process_status_file_waits_for_its_exit)
{
	struct pollfd fd;
	char path[48];
	int64_t t0;
	pid_t pid;
	int st;

	t0 = lp_ms_now();
	pid = UT_SYS(fork());
	if (pid == 0) {
		usleep(100 * 1000);
		_exit(3);
	}
	snprintf(path, sizeof(path), "#proc/%d/status", pid);
	fd = (struct pollfd){ .fd = UT_SYS(open(path, O_RDONLY)), .events = POLLIN };
	UT_ASSERT_EQ(poll(&fd, 1, 0), 0);
	UT_ASSERT_EQ(poll(&fd, 1, -1), 1);
	UT_ASSERT_EQ(fd.revents, POLLIN | POLLHUP);
	UT_ASSERT_GE(lp_ms_now() - t0, 90);
	UT_ASSERT_EQ(waitpid(pid, &st, 0), pid);
	UT_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 3);
	close(fd.fd);
}

UTEST(poll, timeout_neither_early_nor_late)
{
	int p[2];
	struct pollfd fd;
	int64_t t0, dt;

	UT_SYS(pipe(p));
	fd = (struct pollfd){ .fd = p[0], .events = POLLIN };
	t0 = lp_ms_now();
	UT_ASSERT_EQ(poll(&fd, 1, 150), 0);
	dt = lp_ms_now() - t0;
	UT_ASSERT_GE(dt, 150);
	UT_ASSERT_LE(dt, 150 + LATE_MS);
	/* No fds at all: a plain sleep. */
	t0 = lp_ms_now();
	UT_ASSERT_EQ(poll(NULL, 0, 50), 0);
	UT_ASSERT_GE(lp_ms_now() - t0, 50);
	lp_close2(p);
}

UTEST(poll, bad_fds_are_pollnval_and_negative_ignored)
{
	int p[2];
	struct pollfd fds[3];

	UT_SYS(pipe(p));
	fds[0] = (struct pollfd){ .fd = 999, .events = POLLIN };
	fds[1] = (struct pollfd){ .fd = -1, .events = POLLIN, .revents = 7 };
	fds[2] = (struct pollfd){ .fd = p[0], .events = POLLIN };
	UT_ASSERT_EQ(poll(fds, 3, 0), 1);
	UT_ASSERT_EQ(fds[0].revents, POLLNVAL);
	UT_ASSERT_EQ(fds[1].revents, 0);
	UT_ASSERT_EQ(fds[2].revents, 0);
	lp_close2(p);
}

UTEST(poll, a_bad_fd_between_good_ones)
{
	int p[2];
	struct pollfd fds[3];

	UT_SYS(pipe(p));
	UT_ASSERT_EQ(write(p[1], "x", 1), 1);
	fds[0] = (struct pollfd){ .fd = p[0], .events = POLLIN };
	fds[1] = (struct pollfd){ .fd = 999, .events = POLLIN };
	fds[2] = (struct pollfd){ .fd = p[1], .events = POLLOUT };
	UT_ASSERT_EQ(poll(fds, 3, 0), 3);
	UT_ASSERT_EQ(fds[0].revents, POLLIN);
	UT_ASSERT_EQ(fds[1].revents, POLLNVAL);
	UT_ASSERT_EQ(fds[2].revents, POLLOUT);
	lp_close2(p);
}

UTEST(poll, regular_files_are_always_ready)
{
	int fd = UT_SYS(open("/tmp/lp_poll_file", O_RDWR | O_CREAT | O_TRUNC, 0644));
	struct pollfd pf = { .fd = fd, .events = POLLIN | POLLOUT };

	UT_ASSERT_EQ(poll(&pf, 1, -1), 1);
	UT_ASSERT_EQ(pf.revents, POLLIN | POLLOUT);
	close(fd);
	UT_SYS(unlink("/tmp/lp_poll_file"));
}

UTEST(poll, hangup_when_the_writer_closes)
{
	int p[2];
	struct pollfd fd;

	UT_SYS(pipe(p));
	close(p[1]);
	fd = (struct pollfd){ .fd = p[0], .events = POLLIN };
	UT_ASSERT_EQ(poll(&fd, 1, -1), 1);
	UT_ASSERT(fd.revents & POLLHUP);
	close(p[0]);
}

UTEST(poll, eventfd_writable_then_readable)
{
	int fd = UT_SYS(eventfd(0, 0));
	struct pollfd pf = { .fd = fd, .events = POLLIN | POLLOUT };
	uint64_t v = 3;

	UT_ASSERT_EQ(poll(&pf, 1, 0), 1);
	UT_ASSERT_EQ(pf.revents, POLLOUT);
	UT_ASSERT_EQ(write(fd, &v, 8), 8);
	pf.events = POLLIN;
	UT_ASSERT_EQ(poll(&pf, 1, 0), 1);
	UT_ASSERT_EQ(pf.revents, POLLIN);
	UT_ASSERT_EQ(read(fd, &v, 8), 8);
	UT_ASSERT_EQ(poll(&pf, 1, 0), 0);
	close(fd);
}

UTEST(poll, timerfd_wakes_the_sleeper)
{
	int fd = UT_SYS(timerfd_create(CLOCK_MONOTONIC, 0));
	struct itimerspec its = { .it_value = { 0, 80 * 1000 * 1000 } };
	struct pollfd pf = { .fd = fd, .events = POLLIN };
	uint64_t n;
	int64_t t0 = lp_ms_now();

	UT_SYS(timerfd_settime(fd, 0, &its, NULL));
	UT_ASSERT_EQ(poll(&pf, 1, 5000), 1);
	UT_ASSERT_EQ(pf.revents, POLLIN);
	UT_ASSERT_GE(lp_ms_now() - t0, 80);
	UT_ASSERT_LE(lp_ms_now() - t0, 80 + LATE_MS);
	UT_ASSERT_EQ(read(fd, &n, 8), 8);
	UT_ASSERT_EQ(n, 1);
	close(fd);
}

UTEST(poll, an_fd_listed_twice_reports_in_both)
{
	int p[2];
	struct pollfd fds[2];

	UT_SYS(pipe(p));
	UT_ASSERT_EQ(write(p[1], "x", 1), 1);
	fds[0] = (struct pollfd){ .fd = p[0], .events = POLLIN };
	fds[1] = (struct pollfd){ .fd = p[0], .events = POLLIN };
	UT_ASSERT_EQ(poll(fds, 2, 0), 2);
	UT_ASSERT_EQ(fds[0].revents, POLLIN);
	UT_ASSERT_EQ(fds[1].revents, POLLIN);
	lp_close2(p);
}

/* One tap serves both entries: the second's POLLOUT widens its filter. */
UTEST(poll, an_fd_listed_twice_with_different_events)
{
	int efd = UT_SYS(eventfd(0, 0));
	struct pollfd fds[2];
	uint64_t one = 1;

	fds[0] = (struct pollfd){ .fd = efd, .events = POLLIN };
	fds[1] = (struct pollfd){ .fd = efd, .events = POLLOUT };
	UT_ASSERT_EQ(poll(fds, 2, 0), 1);
	UT_ASSERT_EQ(fds[0].revents, 0);
	UT_ASSERT_EQ(fds[1].revents, POLLOUT);
	UT_ASSERT_EQ(write(efd, &one, sizeof(one)), (ssize_t)sizeof(one));
	UT_ASSERT_EQ(poll(fds, 2, -1), 2);
	UT_ASSERT_EQ(fds[0].revents, POLLIN);
	UT_ASSERT_EQ(fds[1].revents, POLLOUT);
	close(efd);
}

#define LP_PIPES 500

static int lp_pipes[LP_PIPES][2];
static struct pollfd lp_pfds[2 * LP_PIPES];

UTEST(poll, a_thousand_fds_in_one_call)
{
	int n;

	for (int i = 0; i < LP_PIPES; i++)
		UT_SYS(pipe(lp_pipes[i]));
	for (int i = 0; i < LP_PIPES; i += 7)
		UT_ASSERT_EQ(write(lp_pipes[i][1], "x", 1), 1);
	for (int i = 0; i < LP_PIPES; i++) {
		lp_pfds[2 * i] = (struct pollfd){ .fd = lp_pipes[i][0], .events = POLLIN };
		lp_pfds[2 * i + 1] = (struct pollfd){ .fd = lp_pipes[i][1], .events = POLLIN };
	}
	n = poll(lp_pfds, 2 * LP_PIPES, 0);
	UT_ASSERT_EQ(n, (LP_PIPES + 6) / 7);
	for (int i = 0; i < LP_PIPES; i++) {
		UT_ASSERT_EQ(lp_pfds[2 * i].revents, i % 7 ? 0 : POLLIN);
		UT_ASSERT_EQ(lp_pfds[2 * i + 1].revents, 0);
	}
	for (int i = 0; i < LP_PIPES; i++)
		lp_close2(lp_pipes[i]);
}

UTEST(poll, ppoll_timespec_and_bad_timeout)
{
	int p[2];
	struct pollfd fd;
	struct timespec ts = { 0, 60 * 1000 * 1000 }, bad = { 0, 2000000000 };
	int64_t t0;

	UT_SYS(pipe(p));
	fd = (struct pollfd){ .fd = p[0], .events = POLLIN };
	t0 = lp_ms_now();
	UT_ASSERT_EQ(ppoll(&fd, 1, &ts, NULL), 0);
	UT_ASSERT_GE(lp_ms_now() - t0, 60);
	UT_ASSERT_ERRSTR(ppoll(&fd, 1, &bad, NULL), EINVAL, "timeout");
	lp_close2(p);
}

UTEST(select, readable_and_writable_sets)
{
	int p[2];
	fd_set r, w;
	struct timeval tv = { 0, 0 };

	UT_SYS(pipe(p));
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(p[0], &r);
	FD_SET(p[1], &w);
	UT_ASSERT_EQ(select(p[1] + 1, &r, &w, NULL, &tv), 1);
	UT_ASSERT(!FD_ISSET(p[0], &r));
	UT_ASSERT(FD_ISSET(p[1], &w));
	UT_ASSERT_EQ(write(p[1], "x", 1), 1);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	UT_ASSERT_EQ(select(p[0] + 1, &r, NULL, NULL, NULL), 1);
	UT_ASSERT(FD_ISSET(p[0], &r));
	lp_close2(p);
}

UTEST(select, bad_fd_is_ebadf)
{
	fd_set r;

	FD_ZERO(&r);
	FD_SET(900, &r);
	UT_ASSERT_ERRSTR(select(901, &r, NULL, NULL, NULL), EBADF, "not open");
	UT_ASSERT_ERRSTR(select(-1, NULL, NULL, NULL, NULL), EINVAL, "nfds");
}

UTEST(select, pselect_times_out)
{
	int p[2];
	fd_set r;
	struct timespec ts = { 0, 70 * 1000 * 1000 };
	sigset_t mask;
	int64_t t0, dt;

	UT_SYS(pipe(p));
	sigemptyset(&mask);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	t0 = lp_ms_now();
	UT_ASSERT_EQ(pselect(p[0] + 1, &r, NULL, NULL, &ts, &mask), 0);
	dt = lp_ms_now() - t0;
	UT_ASSERT_GE(dt, 70);
	UT_ASSERT_LE(dt, 70 + LATE_MS);
	UT_ASSERT(!FD_ISSET(p[0], &r));
	lp_close2(p);
}

static int lp_ep_add(int ep, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev = { .events = events, .data.u64 = data };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

UTEST(epoll, linux_errors)
{
	int ep = UT_SYS(epoll_create1(EPOLL_CLOEXEC)), p[2];
	int f = UT_SYS(open("/tmp/lp_ep_file", O_RDWR | O_CREAT | O_TRUNC, 0644));
	struct epoll_event ev = { .events = EPOLLIN }, out[1];

	UT_ASSERT_GE(ep, 3840);
	UT_SYS(pipe(p));
	UT_ASSERT_ERRNO(epoll_create1(0x1234), EINVAL);
	UT_ASSERT_ERRNO(epoll_ctl(999, EPOLL_CTL_ADD, p[0], &ev), EBADF);
	UT_ASSERT_ERRNO(epoll_ctl(p[0], EPOLL_CTL_ADD, p[1], &ev), EINVAL);
	UT_ASSERT_ERRNO(epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev), EINVAL);
	UT_ASSERT_ERRNO(epoll_ctl(ep, EPOLL_CTL_ADD, f, &ev), EPERM);
	UT_ASSERT_ERRNO(epoll_ctl(ep, EPOLL_CTL_ADD, 900, &ev), EBADF);
	UT_ASSERT_ERRNO(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev), ENOENT);
	UT_ASSERT_ERRNO(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), ENOENT);
	UT_ASSERT_ERRNO(epoll_ctl(ep, 99, p[0], &ev), EINVAL);
	UT_SYS(lp_ep_add(ep, p[0], EPOLLIN, 0));
	UT_ASSERT_ERRNO(lp_ep_add(ep, p[0], EPOLLIN, 0), EEXIST);
	UT_ASSERT_ERRNO(epoll_wait(ep, out, 0, 0), EINVAL);
	UT_ASSERT_ERRNO(epoll_wait(p[0], out, 1, 0), EINVAL);
	UT_ASSERT_ERRSTR(dup(ep), EINVAL, "epoll");
	close(f);
	UT_SYS(unlink("/tmp/lp_ep_file"));
	lp_close2(p);
	UT_SYS(close(ep));
	UT_ASSERT_ERRNO(epoll_wait(ep, out, 1, 0), EBADF);
}

UTEST(epoll, level_triggered_rechecks_readiness)
{
	int ep = UT_SYS(epoll_create1(0)), p[2];
	struct epoll_event out[2];
	char buf[8];

	UT_SYS(pipe(p));
	UT_SYS(lp_ep_add(ep, p[0], EPOLLIN, 0xfeedbeefcafe1234ull));
	UT_ASSERT_EQ(epoll_wait(ep, out, 2, 0), 0);
	UT_ASSERT_EQ(write(p[1], "ab", 2), 2);
	UT_ASSERT_EQ(epoll_wait(ep, out, 2, -1), 1);
	UT_ASSERT_EQ(out[0].events, EPOLLIN);
	UT_ASSERT_EQ(out[0].data.u64, 0xfeedbeefcafe1234ull);
	UT_ASSERT_EQ(epoll_wait(ep, out, 2, 0), 1);     /* still readable */
	UT_ASSERT_EQ(read(p[0], buf, 1), 1);
	UT_ASSERT_EQ(epoll_wait(ep, out, 2, 0), 1);
	UT_ASSERT_EQ(read(p[0], buf, 1), 1);
	UT_ASSERT_EQ(epoll_wait(ep, out, 2, 0), 0);     /* drained: no stale edge */
	lp_close2(p);
	close(ep);
}

UTEST(epoll, edge_triggered_reports_each_edge_once)
{
	int ep = UT_SYS(epoll_create1(0)), p[2];
	struct epoll_event out[2];
	char buf[8];

	UT_SYS(pipe(p));
	UT_SYS(lp_ep_add(ep, p[0], EPOLLIN | EPOLLET, 1));
	UT_ASSERT_EQ(write(p[1], "a", 1), 1);
	UT_ASSERT_EQ(epoll_wait(ep, out, 2, -1), 1);
	UT_ASSERT_EQ(epoll_wait(ep, out, 2, 0), 0);     /* no new edge */
	UT_ASSERT_EQ(read(p[0], buf, sizeof(buf)), 1);
	UT_ASSERT_EQ(write(p[1], "b", 1), 1);
	UT_ASSERT_EQ(epoll_wait(ep, out, 2, -1), 1);
	UT_ASSERT_EQ(out[0].data.u64, 1);
	lp_close2(p);
	close(ep);
}

UTEST(epoll, oneshot_until_mod_rearms)
{
	int ep = UT_SYS(epoll_create1(0)), p[2];
	struct epoll_event out[2], ev = { .events = EPOLLIN | EPOLLONESHOT, .data.u64 = 9 };

	UT_SYS(pipe(p));
	UT_SYS(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev));
	UT_ASSERT_EQ(write(p[1], "a", 1), 1);
	UT_ASSERT_EQ(epoll_wait(ep, out, 2, -1), 1);
	UT_ASSERT_EQ(epoll_wait(ep, out, 2, 0), 0);     /* disabled, though readable */
	UT_ASSERT_EQ(write(p[1], "b", 1), 1);
	UT_ASSERT_EQ(epoll_wait(ep, out, 2, 0), 0);
	ev.data.u64 = 10;
	UT_SYS(epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev));
	UT_ASSERT_EQ(epoll_wait(ep, out, 2, 0), 1);
	UT_ASSERT_EQ(out[0].data.u64, 10);
	lp_close2(p);
	close(ep);
}

UTEST(epoll, del_then_no_event_and_close_removes)
{
	int ep = UT_SYS(epoll_create1(0)), p[2], q[2];
	struct epoll_event out[2];

	UT_SYS(pipe(p));
	UT_SYS(lp_ep_add(ep, p[0], EPOLLIN, 0));
	UT_SYS(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL));
	UT_ASSERT_EQ(write(p[1], "a", 1), 1);
	UT_ASSERT_EQ(epoll_wait(ep, out, 2, 0), 0);
	UT_SYS(lp_ep_add(ep, p[0], EPOLLIN, 0));
	UT_ASSERT_EQ(epoll_wait(ep, out, 2, 0), 1);
	close(p[0]);                                    /* its tap goes with it */
	UT_ASSERT_EQ(epoll_wait(ep, out, 2, 0), 0);
	UT_ASSERT_ERRNO(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), ENOENT);
	UT_SYS(pipe(q));                                /* q[0] reuses the number */
	UT_ASSERT_EQ(q[0], p[0]);
	UT_SYS(lp_ep_add(ep, q[0], EPOLLIN, 5));
	UT_ASSERT_EQ(write(q[1], "a", 1), 1);
	UT_ASSERT_EQ(epoll_wait(ep, out, 2, 0), 1);
	UT_ASSERT_EQ(out[0].data.u64, 5);
	close(p[1]);
	lp_close2(q);
	close(ep);
}

UTEST(epoll, timeout_neither_early_nor_late)
{
	int ep = UT_SYS(epoll_create1(0)), p[2];
	struct epoll_event out[1];
	int64_t t0, dt;

	UT_SYS(pipe(p));
	UT_SYS(lp_ep_add(ep, p[0], EPOLLIN, 0));
	t0 = lp_ms_now();
	UT_ASSERT_EQ(epoll_wait(ep, out, 1, 120), 0);
	dt = lp_ms_now() - t0;
	UT_ASSERT_GE(dt, 120);
	UT_ASSERT_LE(dt, 120 + LATE_MS);
	lp_close2(p);
	close(ep);
}

UTEST(epoll, hangup_and_rdhup)
{
	int ep = UT_SYS(epoll_create1(0)), p[2], q[2];
	struct epoll_event out[2];

	UT_SYS(pipe(p));
	UT_SYS(pipe(q));
	UT_SYS(lp_ep_add(ep, p[0], EPOLLIN, 1));
	UT_SYS(lp_ep_add(ep, q[0], EPOLLIN | EPOLLRDHUP, 2));
	close(p[1]);
	close(q[1]);
	UT_ASSERT_EQ(epoll_wait(ep, out, 2, -1), 2);
	for (int i = 0; i < 2; i++) {
		UT_ASSERT(out[i].events & EPOLLHUP);
		UT_ASSERT_EQ(!!(out[i].events & EPOLLRDHUP), out[i].data.u64 == 2);
	}
	close(p[0]);
	close(q[0]);
	close(ep);
}

UTEST(epoll, eventfd_and_timerfd)
{
	int ep = UT_SYS(epoll_create1(0));
	int efd = UT_SYS(eventfd(0, EFD_NONBLOCK));
	int tfd = UT_SYS(timerfd_create(CLOCK_MONOTONIC, 0));
	struct itimerspec its = { .it_value = { 0, 60 * 1000 * 1000 } };
	struct epoll_event out[2];
	uint64_t v = 1;
	int64_t t0 = lp_ms_now();

	UT_SYS(lp_ep_add(ep, efd, EPOLLIN, 100));
	UT_SYS(lp_ep_add(ep, tfd, EPOLLIN, 200));
	UT_SYS(timerfd_settime(tfd, 0, &its, NULL));
	UT_ASSERT_EQ(epoll_wait(ep, out, 2, -1), 1);
	UT_ASSERT_EQ(out[0].data.u64, 200);
	UT_ASSERT_GE(lp_ms_now() - t0, 60);
	UT_ASSERT_EQ(read(tfd, &v, 8), 8);
	UT_ASSERT_EQ(write(efd, &v, 8), 8);
	UT_ASSERT_EQ(epoll_wait(ep, out, 2, -1), 1);
	UT_ASSERT_EQ(out[0].data.u64, 100);
	close(tfd);
	close(efd);
	close(ep);
}

UTEST(epoll, one_fd_in_two_sets)
{
	int ep1 = UT_SYS(epoll_create1(0)), ep2 = UT_SYS(epoll_create1(0)), p[2];
	struct epoll_event out[1];

	UT_SYS(pipe(p));
	UT_SYS(lp_ep_add(ep1, p[0], EPOLLIN, 1));
	UT_SYS(lp_ep_add(ep2, p[0], EPOLLIN, 2));
	UT_ASSERT_EQ(write(p[1], "a", 1), 1);
	UT_ASSERT_EQ(epoll_wait(ep1, out, 1, -1), 1);
	UT_ASSERT_EQ(out[0].data.u64, 1);
	UT_ASSERT_EQ(epoll_wait(ep2, out, 1, -1), 1);
	UT_ASSERT_EQ(out[0].data.u64, 2);
	close(ep1);                                     /* ep2 keeps its tap */
	UT_ASSERT_EQ(epoll_wait(ep2, out, 1, 0), 1);
	lp_close2(p);
	close(ep2);
}

UTEST(epoll, maxevents_smaller_than_ready)
{
	int ep = UT_SYS(epoll_create1(0)), p[3][2];
	struct epoll_event out[2];
	unsigned seen = 0;

	for (int i = 0; i < 3; i++) {
		UT_SYS(pipe(p[i]));
		UT_SYS(lp_ep_add(ep, p[i][0], EPOLLIN | EPOLLET, 1u << i));
		UT_ASSERT_EQ(write(p[i][1], "a", 1), 1);
	}
	UT_ASSERT_EQ(epoll_wait(ep, out, 2, 0), 2);
	seen |= (unsigned)(out[0].data.u64 | out[1].data.u64);
	UT_ASSERT_EQ(epoll_wait(ep, out, 2, 0), 1);
	seen |= (unsigned)out[0].data.u64;
	UT_ASSERT_EQ(seen, 7);
	for (int i = 0; i < 3; i++)
		lp_close2(p[i]);
	close(ep);
}

UTEST(epoll, sleeps_until_a_child_writes)
{
	int ep = UT_SYS(epoll_create1(0)), p[2], st;
	struct epoll_event out[1];
	int64_t t0;
	pid_t pid;

	UT_SYS(pipe(p));
	UT_SYS(lp_ep_add(ep, p[0], EPOLLIN, 3));
	t0 = lp_ms_now();
	pid = UT_SYS(fork());
	if (pid == 0) {
		struct epoll_event o[1];

		/* The child's copy of the set is empty. */
		if (epoll_wait(ep, o, 1, 0) != 0)
			_exit(2);
		usleep(100 * 1000);
		_exit(write(p[1], "x", 1) == 1 ? 0 : 1);
	}
	UT_ASSERT_EQ(epoll_wait(ep, out, 1, 5000), 1);
	UT_ASSERT_EQ(out[0].data.u64, 3);
	UT_ASSERT_GE(lp_ms_now() - t0, 90);
	UT_ASSERT_EQ(waitpid(pid, &st, 0), pid);
	UT_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	lp_close2(p);
	close(ep);
}

static struct epoll_event lp_ep_out[LP_PIPES];

UTEST(epoll, a_thousand_fds_in_one_set)
{
	int ep = UT_SYS(epoll_create1(0)), n;
	unsigned char seen[LP_PIPES] = { 0 };

	for (int i = 0; i < LP_PIPES; i++) {
		UT_SYS(pipe(lp_pipes[i]));
		UT_SYS(lp_ep_add(ep, lp_pipes[i][0], EPOLLIN, (uint64_t)i));
		UT_SYS(lp_ep_add(ep, lp_pipes[i][1], EPOLLIN, (uint64_t)i + LP_PIPES));
	}
	for (int i = 0; i < LP_PIPES; i += 7)
		UT_ASSERT_EQ(write(lp_pipes[i][1], "x", 1), 1);
	n = epoll_wait(ep, lp_ep_out, LP_PIPES, -1);
	UT_ASSERT_EQ(n, (LP_PIPES + 6) / 7);
	for (int i = 0; i < n; i++) {
		uint64_t d = lp_ep_out[i].data.u64;

		UT_ASSERT(d < LP_PIPES && d % 7 == 0 && !seen[d]);
		seen[d] = 1;
	}
	for (int i = 0; i < LP_PIPES; i++)
		lp_close2(lp_pipes[i]);
	close(ep);
}

/* ------------------------------------------------------------ timed waits
 * The layer keeps one #alarm per poll context and per epoll timeout slot,
 * re-armed for each timed wait and left armed when a wait ends early
 * (readiness.md, "Timeouts"): an earlier wait's expiry must never end a
 * later wait early, a re-arm must replace a longer earlier deadline, no fd
 * may pile up, and a fork child must not share its parent's alarms. */

/* Open fds, 0..4095 (the layer's own fds sit high, above utest's check). */
static int lp_nfds(void)
{
	int n = 0;

	for (int fd = 0; fd < 4096; fd++)
		n += fcntl(fd, F_GETFD) >= 0;
	return n;
}

/* One wait of kind k (0 poll, 1 select, 2 epoll on ep) on rfd for ms;
 * returns what it returned, *dt the milliseconds it took. */
static int lp_timed(int k, int ep, int rfd, int ms, int64_t *dt)
{
	struct pollfd pf = { .fd = rfd, .events = POLLIN };
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
	struct epoll_event ev;
	fd_set r;
	int64_t t0 = lp_ms_now();
	int ret;

	FD_ZERO(&r);
	FD_SET(rfd, &r);
	if (k == 0)
		ret = poll(&pf, 1, ms);
	else if (k == 1)
		ret = select(rfd + 1, &r, NULL, NULL, &tv);
	else
		ret = epoll_wait(ep, &ev, 1, ms);
	*dt = lp_ms_now() - t0;
	return ret;
}

/* For poll, select and epoll: a wait that returns at once leaves its
 * alarm armed; it expires while nothing waits; the next wait, longer,
 * still lasts its own timeout.  Then a long wait returning at once, and a
 * short one that must end on its own time, not the long one's. */
UTEST(timed_wait, an_earlier_waits_alarm_ends_no_later_wait)
{
	int ep = UT_SYS(epoll_create1(0)), p[2];
	int64_t dt;
	char c;

	UT_SYS(pipe(p));
	UT_SYS(lp_ep_add(ep, p[0], EPOLLIN, 0));
	for (int k = 0; k < 3; k++) {
		UT_ASSERT_EQ(write(p[1], "x", 1), 1);
		UT_ASSERT_EQ(lp_timed(k, ep, p[0], 40, &dt), 1);
		UT_ASSERT_EQ(read(p[0], &c, 1), 1);
		usleep(100 * 1000);     /* the 40 ms alarm expires meanwhile */
		UT_ASSERT_EQ(lp_timed(k, ep, p[0], 200, &dt), 0);
		UT_ASSERT_MSG(dt >= 200 && dt <= 200 + LATE_MS, "kind %d: %lld ms for 200", k,
		              (long long)dt);
		UT_ASSERT_EQ(write(p[1], "x", 1), 1);
		UT_ASSERT_EQ(lp_timed(k, ep, p[0], 5000, &dt), 1);
		UT_ASSERT_EQ(read(p[0], &c, 1), 1);
		UT_ASSERT_EQ(lp_timed(k, ep, p[0], 60, &dt), 0);
		UT_ASSERT_MSG(dt >= 60 && dt <= 60 + LATE_MS, "kind %d: %lld ms for 60", k,
		              (long long)dt);
	}
	lp_close2(p);
	close(ep);
}

/* 1,000 timed waits of each kind, most ending at once, some timing out:
 * the fd count is what it was; an epoll set's alarms go with the set. */
UTEST(timed_wait, a_thousand_timed_waits_leave_no_fd_open)
{
	int p[2], n0, ep;
	int64_t dt;
	char c;

	UT_SYS(pipe(p));
	for (int k = 0; k < 3; k++) {
		n0 = lp_nfds();
		ep = k == 2 ? UT_SYS(epoll_create1(0)) : -1;
		if (ep >= 0)
			UT_SYS(lp_ep_add(ep, p[0], EPOLLIN, 0));
		for (int i = 0; i < 1000; i++) {
			bool idle = i % 100 == 99;

			if (!idle)
				UT_ASSERT_EQ(write(p[1], "x", 1), 1);
			UT_ASSERT_EQ(lp_timed(k, ep, p[0], idle ? 1 : 1000, &dt), idle ? 0 : 1);
			if (!idle)
				UT_ASSERT_EQ(read(p[0], &c, 1), 1);
		}
		/* poll and select keep one alarm from now on (the first kind's
		 * run made it), the set one while it lives */
		UT_ASSERT_MSG(lp_nfds() - n0 <= 1, "kind %d: %d fds before, %d after", k, n0,
		              lp_nfds());
		if (ep >= 0)
			close(ep);
		UT_ASSERT_MSG(lp_nfds() <= n0, "kind %d: %d fds before, %d after", k, n0,
		              lp_nfds());
	}
	lp_close2(p);
}

/* The layer's own fds are close-on-exec (an exec'd program inherits no
 * alarm of ours). */
UTEST(timed_wait, the_alarms_are_close_on_exec)
{
	struct pollfd pf = { .fd = -1 };
	int seen = 0;

	UT_ASSERT_EQ(poll(&pf, 1, 1), 0);
	for (int fd = 1024; fd < 4096; fd++) {
		int fl = fcntl(fd, F_GETFD);

		if (fl < 0)
			continue;
		seen++;
		UT_ASSERT_MSG(fl & FD_CLOEXEC, "fd %d is not close-on-exec", fd);
	}
	UT_ASSERT_GE(seen, 1);
}

/* After fork the child closes the alarms it inherited (its parent's, not
 * tapped in the child) and makes its own: its timed waits end on time, and
 * the parent's, running at once, neither early nor late. */
UTEST(timed_wait, a_forked_child_times_out_on_its_own)
{
	int ep = UT_SYS(epoll_create1(0)), p[2], q[2], st = 0, n0;
	int64_t dt;
	pid_t pid;

	UT_SYS(pipe(p));
	UT_SYS(pipe(q));
	UT_SYS(lp_ep_add(ep, p[0], EPOLLIN, 0));
	UT_ASSERT_EQ(lp_timed(0, ep, p[0], 1, &dt), 0);   /* both alarms exist */
	UT_ASSERT_EQ(lp_timed(2, ep, p[0], 1, &dt), 0);
	n0 = lp_nfds();
	pid = UT_SYS(fork());
	if (pid == 0) {
		int c0 = lp_nfds(), bad = 0;

		bad |= c0 > n0 - 2;                     /* the two were closed */
		bad |= (lp_timed(0, ep, p[0], 100, &dt) != 0 || dt < 100 ||
		        dt > 100 + LATE_MS) << 1;
		bad |= (lp_timed(2, ep, p[0], 100, &dt) != 0 || dt < 100 ||
		        dt > 100 + LATE_MS) << 2;       /* its copy of the set is empty */
		bad |= (lp_nfds() > c0 + 2) << 3;       /* an alarm each, no more */
		_exit(bad ? 10 + bad : 0);
	}
	UT_ASSERT_EQ(lp_timed(0, ep, q[0], 400, &dt), 0);
	UT_ASSERT_MSG(dt >= 400 && dt <= 400 + LATE_MS, "poll: %lld ms for 400", (long long)dt);
	for (int i = 0; i < 100 && waitpid(pid, &st, WNOHANG) == 0; i++)
		usleep(50 * 1000);
	if (waitpid(pid, &st, WNOHANG) == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		UT_ASSERT_MSG(false, "the child's timed waits did not end in 5 s");
	}
	UT_ASSERT_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x", st);
	lp_close2(p);
	lp_close2(q);
	close(ep);
}

static struct event_queue_big lp_tq;

static long lp_tap(int fd, int cmd, uint32_t filter, uint64_t evq)
{
	struct fd_tap_req r = { .fd = fd, .cmd = cmd, .filter = filter, .ev_id = 1,
	                        .ev_q = evq };

	return ros_syscall(SYS_tap_fds, (long)&r, 1, 0, 0, 0, 0);
}

UTEST(tap_fds, hostile_arguments_are_errors)
{
	int p[2];
	void *ro;
	struct fd_tap_req two[2];

	UT_SYS(pipe(p));
	event_mbox_init_bitmap(&lp_tq.mbox);
	event_queue_init(&lp_tq.q, &lp_tq.mbox, 0);
	UT_ASSERT_ERRSTR(ros_syscall(SYS_tap_fds, 16, 1, 0, 0, 0, 0), EFAULT, "request 0");
	UT_ASSERT_ERRSTR(ros_syscall(SYS_tap_fds, (long)two, 1u << 30, 0, 0, 0, 0), EINVAL,
	                 "at most");
	UT_ASSERT_ERRSTR(lp_tap(p[0], FDTAP_CMD_ADD, FDTAP_FILT_READABLE, 0x1000), EFAULT,
	                 "event queue");
	UT_ASSERT_ERRSTR(lp_tap(p[0], FDTAP_CMD_ADD, FDTAP_FILT_READABLE, (uint64_t)&lp_tq.q + 4),
	                 EFAULT, "aligned");
	lp_tq.q.ev_flags = 0x80000000u;
	UT_ASSERT_ERRSTR(lp_tap(p[0], FDTAP_CMD_ADD, FDTAP_FILT_READABLE, (uint64_t)&lp_tq.q),
	                 EINVAL, "ev_flags");
	lp_tq.q.ev_flags = 0;
	UT_ASSERT_ERRSTR(lp_tap(p[0], 7, FDTAP_FILT_READABLE, (uint64_t)&lp_tq.q), EINVAL, "cmd");
	UT_ASSERT_ERRSTR(lp_tap(p[0], FDTAP_CMD_ADD, 0x4000, (uint64_t)&lp_tq.q), EINVAL, "filter");
	UT_ASSERT_ERRSTR(lp_tap(999, FDTAP_CMD_ADD, FDTAP_FILT_READABLE, (uint64_t)&lp_tq.q), EBADF,
	                 "not open");
	/* A read-only queue: the tap is taken; its posts fail and are dropped. */
	ro = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	UT_ASSERT(ro != MAP_FAILED);
	memcpy(ro, &lp_tq, sizeof(lp_tq.q));
	UT_SYS(mprotect(ro, 4096, PROT_READ));
	UT_SYS(lp_tap(p[0], FDTAP_CMD_ADD, FDTAP_FILT_READABLE, (uint64_t)ro));
	UT_ASSERT_EQ(write(p[1], "x", 1), 1);
	/* A batch stops at its first bad request and says how far it got. */
	two[0] = (struct fd_tap_req){ .fd = p[1], .cmd = FDTAP_CMD_ADD,
	                              .filter = FDTAP_FILT_WRITABLE, .ev_q = (uint64_t)&lp_tq.q };
	two[1] = (struct fd_tap_req){ .fd = 998, .cmd = FDTAP_CMD_ADD,
	                              .filter = FDTAP_FILT_WRITABLE, .ev_q = (uint64_t)&lp_tq.q };
	UT_ASSERT_EQ(ros_syscall(SYS_tap_fds, (long)two, 2, 0, 0, 0, 0), 1);
	UT_ASSERT_ERRSTR(ros_syscall(SYS_tap_fds, (long)&two[1], 1, 0, 0, 0, 0), EBADF, "998");
	lp_close2(p);                                   /* removes both taps */
	UT_SYS(munmap(ro, 4096));
}

static struct ceq_event lp_cev[4];
static int32_t lp_cring[4];

UTEST(tap_fds, corrupted_ceq_is_refused_not_a_fault)
{
	int p[2];

	UT_SYS(pipe(p));
	UT_ASSERT_EQ(event_mbox_init_ceq(&lp_tq.mbox, CEQ_OR, lp_cev, 4, lp_cring, 4), 0);
	event_queue_init(&lp_tq.q, &lp_tq.mbox, 0);
	UT_SYS(lp_tap(p[0], FDTAP_CMD_ADD, FDTAP_FILT_READABLE, (uint64_t)&lp_tq.q));
	lp_tq.mbox.ceq.nr_events = 0xffffffffu;         /* lies about its size */
	lp_tq.mbox.ceq.events = 0xdead0000ull;          /* and points nowhere */
	UT_ASSERT_EQ(write(p[1], "x", 1), 1);           /* the post fails in the kernel */
	UT_SYS(lp_tap(p[0], FDTAP_CMD_REM, 0, (uint64_t)&lp_tq.q));
	lp_close2(p);
}

int main(int argc, char **argv)
{
	return utest_main("libc_poll", argc, argv);
}
