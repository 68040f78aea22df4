/* SPDX-License-Identifier: MIT */
/*
 * b_ready.c - readiness latency (issue 14): the one-byte pipe ping-pong of
 * b_pipe.c, but each side waits for its pipe to become readable before it
 * reads, with epoll_wait (epoll_pingpong) or poll (poll_pingpong).  The
 * figure is one round trip: two writes, two readiness wake-ups in the other
 * process, two reads; beside pipe_pingpong it shows what waiting through
 * epoll or poll adds.  On Vireo both are built on FD taps and a CEQ in the
 * C library (Documentation/readiness.md); on Linux they are system calls.
 * The _timed variants wait with a 5 s timeout that never expires: what a
 * timed wait (a server loop's) costs beside an unbounded one.
 */
#include <poll.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

enum wait_kind { WAIT_EPOLL, WAIT_POLL };

struct side {
	enum wait_kind kind;
	int timeout_ms;         /* -1: none */
	int rfd, wfd;           /* the pipe ends this side reads and writes */
	int ep;                 /* its epoll set (WAIT_EPOLL) */
};

static void side_setup(struct side *s)
{
	struct epoll_event ev = { .events = EPOLLIN };

	if (s->kind != WAIT_EPOLL)
		return;
	s->ep = epoll_create1(0);
	ev.data.fd = s->rfd;
	if (s->ep < 0 || epoll_ctl(s->ep, EPOLL_CTL_ADD, s->rfd, &ev))
		bench_die("epoll set-up");
}

/* Waits until s->rfd is readable; false at EOF or an error. */
static int side_wait(struct side *s)
{
	struct epoll_event ev;
	struct pollfd pfd = { .fd = s->rfd, .events = POLLIN };

	if (s->kind == WAIT_EPOLL)
		return epoll_wait(s->ep, &ev, 1, s->timeout_ms) == 1;
	return poll(&pfd, 1, s->timeout_ms) == 1 && (pfd.revents & POLLIN);
}

static void pingpong_round(void *arg, long iters)
{
	struct side *s = arg;
	char c = 'x';

	for (long i = 0; i < iters; i++) {
		if (write(s->wfd, &c, 1) != 1 || !side_wait(s) || read(s->rfd, &c, 1) != 1)
			bench_die("ready ping");
	}
}

static void echo_forever(struct side *s)
{
	char c;

	side_setup(s);
	while (side_wait(s) && read(s->rfd, &c, 1) == 1)
		if (write(s->wfd, &c, 1) != 1)
			break;
	_exit(0);
}

static void run(const char *name, enum wait_kind kind, int timeout_ms)
{
	int to_child[2], to_parent[2];
	struct side me = { .kind = kind, .timeout_ms = timeout_ms };
	struct side peer = me;
	pid_t child;

	if (pipe(to_child) || pipe(to_parent))
		bench_die("pipe");
	child = fork();
	if (child < 0)
		bench_die("fork");
	if (child == 0) {
		close(to_child[1]);
		close(to_parent[0]);
		peer.rfd = to_child[0];
		peer.wfd = to_parent[1];
		echo_forever(&peer);
	}
	close(to_child[0]);
	close(to_parent[1]);
	me.rfd = to_parent[0];
	me.wfd = to_child[1];
	side_setup(&me);
	bench_report(name, "ns", pingpong_round, &me, 1000);
	close(to_child[1]);             /* the child sees EOF and exits */
	waitpid(child, NULL, 0);
	close(to_parent[0]);
	if (kind == WAIT_EPOLL)
		close(me.ep);
}

int main(void)
{
	run("epoll_pingpong", WAIT_EPOLL, -1);
	run("poll_pingpong", WAIT_POLL, -1);
	run("epoll_pingpong_timed", WAIT_EPOLL, 5000);
	run("poll_pingpong_timed", WAIT_POLL, 5000);
	return 0;
}
