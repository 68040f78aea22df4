/* SPDX-License-Identifier: MIT */
/*
 * b_echo.c - B18, throughput part (issue 14): an epoll echo server's
 * requests per second, client and server in the same guest over loopback
 * TCP, BSD sockets and epoll on both systems (on Vireo the C library's:
 * sockets over /net/tcp, epoll over FD taps and a CEQ,
 * Documentation/readiness.md).
 *
 *	epoll_echo_32conn  one request: 64 bytes written on a connection and
 *	                   their echo read back; the client keeps 32
 *	                   connections busy (a request on each, then every
 *	                   echo), so the server's epoll_wait finds many ready
 *	                   at once.  The figure is ns per request;
 *	                   requests/s = 1e9 / it.
 *
 * The server is a forked child: a non-blocking listener and connections in
 * one level-triggered epoll set, reads and writes back until EAGAIN.  The
 * client checks every echoed byte.  Both sides set TCP_NODELAY.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "bench.h"

#define ECHO_PORT  7301
#define ECHO_CONNS 32
#define ECHO_LEN   64

static int echo_cli[ECHO_CONNS];

static struct sockaddr_in echo_addr(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(ECHO_PORT) };

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static void echo_nodelay(int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/* ------------------------------------------------------------ server */

static void server_add(int ep, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev))
		bench_die("server epoll_ctl");
}

/* Echoes what fd has; closes it at EOF or an error. */
static void server_echo(int ep, int fd)
{
	char buf[4096];

	for (;;) {
		ssize_t r = read(fd, buf, sizeof(buf)), off = 0;

		if (r < 0 && errno == EAGAIN)
			return;
		if (r <= 0) {
			epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
			close(fd);
			return;
		}
		while (off < r) {
			ssize_t w = write(fd, buf + off, (size_t)(r - off));

			if (w < 0 && errno != EAGAIN)
				return;
			off += w > 0 ? w : 0;
		}
	}
}

static void server(int ln)
{
	struct epoll_event evs[64];
	int ep = epoll_create1(0);

	if (ep < 0)
		bench_die("server epoll_create1");
	server_add(ep, ln);
	for (;;) {
		int n = epoll_wait(ep, evs, 64, -1);

		for (int k = 0; k < n; k++) {
			int fd = evs[k].data.fd;

			if (fd != ln) {
				server_echo(ep, fd);
				continue;
			}
			while ((fd = accept(ln, NULL, NULL)) >= 0) {
				fcntl(fd, F_SETFL, O_NONBLOCK);
				echo_nodelay(fd);
				server_add(ep, fd);
			}
		}
	}
}

/* ------------------------------------------------------------ client */

static void client_read(int fd, char *buf)
{
	size_t got = 0;

	while (got < ECHO_LEN) {
		ssize_t r = read(fd, buf + got, ECHO_LEN - got);

		if (r <= 0)
			bench_die("echo read");
		got += (size_t)r;
	}
}

/* iters requests: batches of one on every connection, then every echo. */
static void echo_round(void *arg, long iters)
{
	static unsigned int seq;
	char req[ECHO_LEN], rep[ECHO_LEN];

	(void)arg;
	for (long done = 0; done < iters; done += ECHO_CONNS) {
		for (int c = 0; c < ECHO_CONNS; c++) {
			memset(req, 'a' + (int)((seq + (unsigned int)c) % 26), sizeof(req));
			if (write(echo_cli[c], req, sizeof(req)) != sizeof(req))
				bench_die("echo write");
		}
		for (int c = 0; c < ECHO_CONNS; c++) {
			client_read(echo_cli[c], rep);
			memset(req, 'a' + (int)((seq + (unsigned int)c) % 26), sizeof(req));
			if (memcmp(req, rep, sizeof(rep)))
				bench_die("echo mismatch");
		}
		seq++;
	}
}

int main(void)
{
	struct sockaddr_in a = echo_addr();
	int one = 1, ln = socket(AF_INET, SOCK_STREAM, 0);
	pid_t child;

	if (ln < 0)
		bench_die("socket");
	setsockopt(ln, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(ln, (struct sockaddr *)&a, sizeof(a)) || listen(ln, ECHO_CONNS))
		bench_die("listen");
	fcntl(ln, F_SETFL, O_NONBLOCK);
	child = fork();
	if (child < 0)
		bench_die("fork");
	if (child == 0)
		server(ln);
	close(ln);
	for (int c = 0; c < ECHO_CONNS; c++) {
		echo_cli[c] = socket(AF_INET, SOCK_STREAM, 0);
		if (echo_cli[c] < 0 || connect(echo_cli[c], (struct sockaddr *)&a, sizeof(a)))
			bench_die("connect");
		echo_nodelay(echo_cli[c]);
	}
	bench_report("epoll_echo_32conn", "ns", echo_round, NULL, 3200);
	for (int c = 0; c < ECHO_CONNS; c++)
		close(echo_cli[c]);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return 0;
}
