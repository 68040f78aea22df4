/* SPDX-License-Identifier: MIT */
/*
 * libc_sockets.c - utests of the BSD socket calls of the C library
 * (Documentation/sockets.md) over loopback: every call with bad fds
 * (EBADF; ENOTSOCK on a pipe and an epoll set), bad addresses (EFAULT on
 * NULL and on unmapped buffers), bad lengths and arguments (EINVAL,
 * EAFNOSUPPORT, EPROTONOSUPPORT, ENOPROTOOPT, EOPNOTSUPP), TCP connect and
 * accept with names and peers, MSG_PEEK, MSG_WAITALL, MSG_DONTWAIT,
 * shutdown both ways, EPIPE with and without SIGPIPE, non-blocking accept
 * and connect (EAGAIN, EINPROGRESS, POLLOUT, SO_ERROR 0 and
 * ECONNREFUSED), a refused blocking connect, UDP with addresses and
 * connected, UDP bursts kept whole below the receive buffer (the default
 * and SO_RCVBUF's) and cut at it past it, #ip's "rcvbuf" refusing bad
 * sizes, sendmsg/recvmsg with iovecs, AF_UNIX socketpair and named
 * sockets (a path and an abstract name: bind, listen, connect, accept, a
 * stale name taken over, another process connecting), poll and
 * epoll on a listener, a hundred concurrent connections served with poll,
 * dup/dup2/close, SO_RCVTIMEO, a fork whose both sides use one socket, an exec'ed
 * program using an inherited socket, options, getaddrinfo and
 * getnameinfo (numeric, and a name through musl's resolver asking a DNS
 * server of the test's own over UDP), and threads using sockets
 * at once (last: a process with threads cannot fork).  Run by
 * scripts/run-ktests.sh (run_utest libc_sockets).
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stddef.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <utest/utest.h>

#define LS_LOOP 0x7f000001

static struct sockaddr_in ls_addr(uint32_t host, uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };

	a.sin_addr.s_addr = htonl(host);
	a.sin_port = htons(port);
	return a;
}

/* A TCP listener on 127.0.0.1 (port 0: ephemeral); its port in *port. */
static int ls_listener(uint16_t *port, int flags)
{
	struct sockaddr_in a = ls_addr(LS_LOOP, *port);
	socklen_t len = sizeof(a);
	int fd = UT_SYS(socket(AF_INET, SOCK_STREAM | flags, 0));

	UT_SYS(bind(fd, (struct sockaddr *)&a, sizeof(a)));
	UT_SYS(listen(fd, 16));
	UT_SYS(getsockname(fd, (struct sockaddr *)&a, &len));
	UT_ASSERT_EQ(len, sizeof(a));
	UT_ASSERT_EQ(a.sin_family, AF_INET);
	*port = ntohs(a.sin_port);
	UT_ASSERT(*port != 0);
	return fd;
}

static int ls_client(uint16_t port)
{
	struct sockaddr_in a = ls_addr(LS_LOOP, port);
	int fd = UT_SYS(socket(AF_INET, SOCK_STREAM, 0));

	UT_SYS(connect(fd, (struct sockaddr *)&a, sizeof(a)));
	return fd;
}

/* A connected pair over loopback: client and server ends. */
static void ls_pair(int *c, int *s)
{
	uint16_t port = 0;
	int ln = ls_listener(&port, 0);

	*c = ls_client(port);
	*s = UT_SYS(accept(ln, NULL, NULL));
	UT_SYS(close(ln));
}

static void ls_recv_is(int fd, const char *want, int flags)
{
	char buf[64] = "";
	size_t n = strlen(want);

	UT_ASSERT_EQ(recv(fd, buf, n, flags), (ssize_t)n);
	UT_ASSERT_MSG(!memcmp(buf, want, n), "got '%.*s', wanted '%s'", (int)n, buf, want);
}

/* An address that is not mapped. */
static void *ls_unmapped(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	UT_ASSERT(p != MAP_FAILED);
	UT_SYS(munmap(p, 4096));
	return p;
}

/* ------------------------------------------------------------ bad input */

/* Every call on fd fails with e. */
static void ls_all_fail(int fd, int e)
{
	struct sockaddr_in a = ls_addr(LS_LOOP, 1);
	socklen_t len = sizeof(a);
	char buf[4];
	int v = 1;
	struct msghdr m = { 0 };

	UT_ASSERT_ERRNO(bind(fd, (struct sockaddr *)&a, sizeof(a)), e);
	UT_ASSERT_ERRNO(listen(fd, 1), e);
	UT_ASSERT_ERRNO(accept(fd, NULL, NULL), e);
	UT_ASSERT_ERRNO(accept4(fd, NULL, NULL, 0), e);
	UT_ASSERT_ERRNO(connect(fd, (struct sockaddr *)&a, sizeof(a)), e);
	UT_ASSERT_ERRNO(send(fd, "x", 1, 0), e);
	UT_ASSERT_ERRNO(sendto(fd, "x", 1, 0, (struct sockaddr *)&a, sizeof(a)), e);
	UT_ASSERT_ERRNO(sendmsg(fd, &m, 0), e);
	UT_ASSERT_ERRNO(recv(fd, buf, sizeof(buf), MSG_DONTWAIT), e);
	UT_ASSERT_ERRNO(recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, NULL, NULL), e);
	UT_ASSERT_ERRNO(recvmsg(fd, &m, MSG_DONTWAIT), e);
	UT_ASSERT_ERRNO(shutdown(fd, SHUT_RDWR), e);
	UT_ASSERT_ERRNO(getsockname(fd, (struct sockaddr *)&a, &len), e);
	UT_ASSERT_ERRNO(getpeername(fd, (struct sockaddr *)&a, &len), e);
	UT_ASSERT_ERRNO(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v)), e);
	UT_ASSERT_ERRNO(getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len), e);
}

UTEST(sock, bad_fds)
{
	int p[2], ep;

	ls_all_fail(-1, EBADF);
	ls_all_fail(1000, EBADF);
	UT_SYS(pipe(p));
	ls_all_fail(p[0], ENOTSOCK);
	ep = UT_SYS(epoll_create1(0));
	ls_all_fail(ep, ENOTSOCK);
	UT_SYS(close(ep));
	UT_SYS(close(p[0]));
	UT_SYS(close(p[1]));
	/* a closed socket's fd is not a socket any more */
	p[0] = UT_SYS(socket(AF_INET, SOCK_STREAM, 0));
	UT_SYS(close(p[0]));
	ls_all_fail(p[0], EBADF);
}

UTEST(sock, bad_socket_arguments)
{
	int sv[2];

	UT_ASSERT_ERRNO(socket(AF_INET6, SOCK_STREAM, 0), EAFNOSUPPORT);
	UT_ASSERT_ERRNO(socket(AF_UNIX, SOCK_DGRAM, 0), EPROTONOSUPPORT);
	UT_ASSERT_ERRNO(socket(AF_UNIX, 0xe, 0), EINVAL);
	UT_ASSERT_ERRNO(socket(12345, SOCK_STREAM, 0), EAFNOSUPPORT);
	UT_ASSERT_ERRNO(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP), EPROTONOSUPPORT);
	UT_ASSERT_ERRNO(socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP), EPROTONOSUPPORT);
	UT_ASSERT_ERRNO(socket(AF_INET, SOCK_RAW, 0), EPROTONOSUPPORT);
	UT_ASSERT_ERRNO(socket(AF_INET, 0xe, 0), EINVAL);
	UT_ASSERT_ERRNO(socket(AF_INET, SOCK_STREAM | 0x100000, 0), EINVAL);
	UT_ASSERT_ERRNO(socketpair(AF_INET, SOCK_STREAM, 0, sv), EOPNOTSUPP);
	UT_ASSERT_ERRNO(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), EOPNOTSUPP);
	UT_ASSERT_ERRNO(socketpair(AF_UNIX, SOCK_STREAM, 0, NULL), EFAULT);
}

UTEST(sock, bad_addresses_and_lengths)
{
	struct sockaddr_in a = ls_addr(LS_LOOP, 7301), six = a;
	socklen_t len = sizeof(a);
	int fd = UT_SYS(socket(AF_INET, SOCK_STREAM, 0));
	int u = UT_SYS(socket(AF_INET, SOCK_DGRAM, 0)), c, s, v = 0;
	char buf[8];
	void *bad = ls_unmapped();

	six.sin_family = AF_INET6;
	UT_ASSERT_ERRNO(bind(fd, NULL, sizeof(a)), EFAULT);
	UT_ASSERT_ERRNO(bind(fd, (struct sockaddr *)&a, 3), EINVAL);
	UT_ASSERT_ERRNO(bind(fd, (struct sockaddr *)&a, sizeof(a) - 1), EINVAL);
	UT_ASSERT_ERRNO(bind(fd, (struct sockaddr *)&six, sizeof(six)), EAFNOSUPPORT);
	UT_ASSERT_ERRNO(connect(fd, NULL, sizeof(a)), EFAULT);
	UT_ASSERT_ERRNO(connect(fd, (struct sockaddr *)&a, 1), EINVAL);
	UT_ASSERT_ERRNO(connect(fd, (struct sockaddr *)&six, sizeof(six)), EAFNOSUPPORT);
	UT_ASSERT_ERRNO(getsockname(fd, NULL, &len), EFAULT);
	UT_ASSERT_ERRNO(getsockname(fd, (struct sockaddr *)&a, NULL), EFAULT);
	UT_ASSERT_ERRNO(getpeername(fd, (struct sockaddr *)&a, &len), ENOTCONN);
	UT_ASSERT_ERRNO(accept(fd, NULL, NULL), EINVAL);        /* not listening */
	UT_ASSERT_ERRNO(send(fd, "x", 1, MSG_NOSIGNAL), ENOTCONN);
	UT_ASSERT_ERRNO(recv(fd, buf, 1, 0), ENOTCONN);
	UT_ASSERT_ERRNO(shutdown(fd, SHUT_WR), ENOTCONN);
	UT_ASSERT_ERRNO(listen(u, 1), EOPNOTSUPP);
	UT_ASSERT_ERRNO(sendto(u, "x", 1, 0, NULL, 0), EDESTADDRREQ);
	UT_ASSERT_ERRNO(sendto(u, "x", 1, 0, (struct sockaddr *)&a, 2), EINVAL);
	UT_ASSERT_ERRNO(sendto(u, NULL, 1, 0, (struct sockaddr *)&a, sizeof(a)), EFAULT);
	UT_ASSERT_ERRNO(send(u, "x", 1, MSG_OOB), EOPNOTSUPP);
	UT_ASSERT_ERRNO(getsockopt(fd, SOL_SOCKET, 12345, &v, &len), ENOPROTOOPT);
	UT_ASSERT_ERRNO(getsockopt(fd, 12345, SO_TYPE, &v, &len), ENOPROTOOPT);
	UT_ASSERT_ERRNO(getsockopt(fd, SOL_SOCKET, SO_TYPE, NULL, &len), EFAULT);
	UT_ASSERT_ERRNO(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, 2), EINVAL);
	UT_ASSERT_ERRNO(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, NULL, sizeof(v)), EFAULT);
	UT_ASSERT_ERRNO(setsockopt(fd, SOL_SOCKET, 12345, &v, sizeof(v)), ENOPROTOOPT);
	UT_ASSERT_ERRNO(setsockopt(u, IPPROTO_TCP, TCP_NODELAY, &v, sizeof(v)), ENOPROTOOPT);
	UT_ASSERT_ERRNO(shutdown(fd, 7), EINVAL);
	/* buffers the kernel finds unmapped */
	ls_pair(&c, &s);
	UT_ASSERT_ERRNO(send(c, bad, 8, 0), EFAULT);
	UT_ASSERT_EQ(send(c, "abc", 3, 0), 3);
	UT_ASSERT_ERRNO(recv(s, bad, 8, 0), EFAULT);
	UT_ASSERT_ERRNO(accept4(fd, NULL, NULL, 0x1234), EINVAL);
	UT_SYS(close(c));
	UT_SYS(close(s));
	UT_SYS(close(u));
	UT_SYS(close(fd));
}

/* ------------------------------------------------------------ TCP */

UTEST(sock, tcp_names_and_data)
{
	uint16_t port = 0;
	int ln = ls_listener(&port, 0), c, s;
	struct sockaddr_in a, p;
	socklen_t len = sizeof(a), plen = sizeof(p);
	char buf[16];

	c = ls_client(port);
	s = UT_SYS(accept(ln, (struct sockaddr *)&a, &len));
	UT_ASSERT_EQ(len, sizeof(a));
	UT_ASSERT_EQ(a.sin_family, AF_INET);
	UT_ASSERT_EQ(ntohl(a.sin_addr.s_addr), LS_LOOP);
	/* the accepted peer is the client's own name */
	UT_SYS(getsockname(c, (struct sockaddr *)&p, &plen));
	UT_ASSERT_EQ(p.sin_port, a.sin_port);
	UT_SYS(getpeername(c, (struct sockaddr *)&p, &plen));
	UT_ASSERT_EQ(ntohs(p.sin_port), port);
	UT_SYS(getpeername(s, (struct sockaddr *)&p, &plen));
	UT_ASSERT_EQ(p.sin_port, a.sin_port);
	/* a short length gets a truncated address and the full length */
	len = 4;
	UT_SYS(getsockname(s, (struct sockaddr *)&p, &len));
	UT_ASSERT_EQ(len, sizeof(p));
	UT_ASSERT_EQ(send(c, "hello", 5, 0), 5);
	ls_recv_is(s, "hel", MSG_PEEK);
	ls_recv_is(s, "he", MSG_PEEK);
	ls_recv_is(s, "h", 0);
	UT_ASSERT_EQ(read(s, buf, 2), 2);       /* read() sees peeked bytes too */
	UT_ASSERT(!memcmp(buf, "el", 2));
	ls_recv_is(s, "lo", 0);
	/* MSG_WAITALL gathers pieces */
	UT_ASSERT_EQ(send(c, "ab", 2, 0), 2);
	UT_ASSERT_EQ(send(c, "cd", 2, 0), 2);
	UT_ASSERT_EQ(write(c, "ef", 2), 2);
	ls_recv_is(s, "abcdef", MSG_WAITALL);
	UT_ASSERT_ERRNO(recv(s, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	UT_ASSERT_ERRNO(connect(c, (struct sockaddr *)&a, sizeof(a)), EISCONN);
	UT_ASSERT_ERRNO(listen(c, 1), EINVAL);
	UT_SYS(close(c));
	UT_SYS(close(s));
	UT_SYS(close(ln));
}

static volatile sig_atomic_t ls_pipes;

static void ls_on_sigpipe(int sig)
{
	(void)sig;
	ls_pipes++;
}

UTEST(sock, shutdown_and_epipe)
{
	int c, s;
	char buf[8];
	struct sigaction sa = { .sa_handler = ls_on_sigpipe }, old;

	ls_pair(&c, &s);
	UT_SYS(shutdown(c, SHUT_WR));
	UT_ASSERT_EQ(recv(s, buf, sizeof(buf), 0), 0);          /* the FIN */
	UT_ASSERT_EQ(send(s, "back", 4, 0), 4);                 /* the other half flows */
	ls_recv_is(c, "back", 0);
	UT_SYS(sigaction(SIGPIPE, &sa, &old));
	ls_pipes = 0;
	UT_ASSERT_ERRNO(send(c, "x", 1, MSG_NOSIGNAL), EPIPE);
	UT_ASSERT_EQ(ls_pipes, 0);
	UT_ASSERT_ERRNO(send(c, "x", 1, 0), EPIPE);
	UT_ASSERT_EQ(ls_pipes, 1);
	UT_SYS(sigaction(SIGPIPE, &old, NULL));
	/* SHUT_RD: receives end at once */
	UT_ASSERT_EQ(send(s, "more", 4, 0), 4);
	UT_SYS(shutdown(s, SHUT_RD));
	UT_ASSERT_EQ(recv(s, buf, sizeof(buf), 0), 0);
	UT_SYS(close(c));
	UT_SYS(close(s));
}

UTEST(sock, refused)
{
	struct sockaddr_in a = ls_addr(LS_LOOP, 7399);
	int fd = UT_SYS(socket(AF_INET, SOCK_STREAM, 0));

	UT_ASSERT_ERRNO(connect(fd, (struct sockaddr *)&a, sizeof(a)), ECONNREFUSED);
	UT_SYS(close(fd));
}

/* A non-blocking connect to port: EINPROGRESS, POLLOUT, then SO_ERROR. */
static int ls_connect_nb(uint16_t port, int *fd)
{
	struct sockaddr_in a = ls_addr(LS_LOOP, port);
	struct pollfd p;
	int err = -1;
	socklen_t len = sizeof(err);

	*fd = UT_SYS(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
	UT_ASSERT_ERRNO(connect(*fd, (struct sockaddr *)&a, sizeof(a)), EINPROGRESS);
	p = (struct pollfd){ .fd = *fd, .events = POLLOUT };
	UT_ASSERT_EQ(poll(&p, 1, 5000), 1);
	UT_SYS(getsockopt(*fd, SOL_SOCKET, SO_ERROR, &err, &len));
	UT_ASSERT_EQ(len, sizeof(err));
	return err;
}

UTEST(sock, nonblocking)
{
	uint16_t port = 0;
	int ln = ls_listener(&port, SOCK_NONBLOCK), c, s, err, fl;
	socklen_t len = sizeof(err);
	char buf[8];
	struct pollfd p;

	UT_ASSERT_ERRNO(accept(ln, NULL, NULL), EAGAIN);
	UT_ASSERT_EQ(ls_connect_nb(port, &c), 0);
	UT_SYS(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len));
	UT_ASSERT_EQ(err, 0);
	p = (struct pollfd){ .fd = ln, .events = POLLIN };
	UT_ASSERT_EQ(poll(&p, 1, 5000), 1);
	s = UT_SYS(accept4(ln, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC));
	UT_ASSERT(fcntl(s, F_GETFL) & O_NONBLOCK);
	UT_ASSERT(fcntl(s, F_GETFD) & FD_CLOEXEC);
	UT_ASSERT_ERRNO(recv(s, buf, sizeof(buf), 0), EAGAIN);
	UT_ASSERT_ERRNO(read(c, buf, sizeof(buf)), EAGAIN);
	UT_ASSERT_EQ(send(c, "nb", 2, 0), 2);
	p = (struct pollfd){ .fd = s, .events = POLLIN };
	UT_ASSERT_EQ(poll(&p, 1, 5000), 1);
	ls_recv_is(s, "nb", 0);
	/* fcntl turns blocking back on; MSG_DONTWAIT still does not wait */
	fl = UT_SYS(fcntl(s, F_GETFL));
	UT_SYS(fcntl(s, F_SETFL, fl & ~O_NONBLOCK));
	UT_ASSERT_ERRNO(recv(s, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	UT_SYS(close(s));
	UT_SYS(close(c));
	/* to a closed port: the outcome comes through SO_ERROR */
	UT_ASSERT_EQ(ls_connect_nb(7398, &c), ECONNREFUSED);
	UT_SYS(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len));
	UT_ASSERT_EQ(err, 0);                   /* read once, then cleared */
	UT_SYS(close(c));
	UT_SYS(close(ln));
}

UTEST(sock, listener_readiness_poll_and_epoll)
{
	uint16_t port = 0;
	int ln = ls_listener(&port, 0), c, s, ep;
	struct pollfd p = { .fd = ln, .events = POLLIN };
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = ln }, out;

	UT_ASSERT_EQ(poll(&p, 1, 0), 0);
	ep = UT_SYS(epoll_create1(0));
	UT_SYS(epoll_ctl(ep, EPOLL_CTL_ADD, ln, &ev));
	UT_ASSERT_EQ(epoll_wait(ep, &out, 1, 0), 0);
	c = ls_client(port);
	UT_ASSERT_EQ(poll(&p, 1, 5000), 1);
	UT_ASSERT(p.revents & POLLIN);
	UT_ASSERT_EQ(epoll_wait(ep, &out, 1, 5000), 1);
	UT_ASSERT_EQ(out.data.fd, ln);
	s = UT_SYS(accept(ln, NULL, NULL));
	UT_ASSERT_EQ(poll(&p, 1, 0), 0);
	UT_SYS(close(ep));
	UT_SYS(close(s));
	UT_SYS(close(c));
	UT_SYS(close(ln));
}

/* A hundred clients connect without blocking; one poll loop accepts,
 * echoes each client's name back, and the clients check it. */
#define LS_CONNS 100

UTEST(sock, hundred_connections_with_poll)
{
	uint16_t port = 0;
	int ln = ls_listener(&port, SOCK_NONBLOCK), c[LS_CONNS], s[LS_CONNS], ns = 0, echoed = 0;
	bool asked[LS_CONNS] = { false };
	struct pollfd p[2 * LS_CONNS + 1];
	struct sockaddr_in a = ls_addr(LS_LOOP, port);
	char buf[16], want[16];
	int total = 0;

	for (int i = 0; i < LS_CONNS; i++)
		total += snprintf(want, sizeof(want), "c%d", i);
	for (int i = 0; i < LS_CONNS; i++) {
		c[i] = UT_SYS(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
		UT_ASSERT_ERRNO(connect(c[i], (struct sockaddr *)&a, sizeof(a)), EINPROGRESS);
	}
	while (echoed < total) {
		int n = 0, polled;

		p[n++] = (struct pollfd){ .fd = ln, .events = POLLIN };
		for (int i = 0; i < ns; i++)
			p[n++] = (struct pollfd){ .fd = s[i], .events = POLLIN };
		for (int i = 0; i < LS_CONNS; i++)      /* clients waiting for their "?" */
			if (!asked[i])
				p[n++] = (struct pollfd){ .fd = c[i], .events = POLLIN };
		UT_ASSERT_MSG(poll(p, (nfds_t)n, 10000) > 0, "stuck at %d accepted, %d bytes echoed",
		              ns, echoed);
		polled = ns;
		while (p[0].revents && ns < LS_CONNS) {
			int fd = accept(ln, NULL, NULL);

			if (fd < 0) {
				UT_ASSERT_EQ(errno, EAGAIN);
				break;
			}
			s[ns++] = fd;
			UT_ASSERT_EQ(send(fd, "?", 1, 0), 1);
		}
		for (int i = 1; i <= polled; i++) {
			ssize_t r;

			if (!(p[i].revents & POLLIN))
				continue;
			r = recv(p[i].fd, buf, sizeof(buf), 0);
			if (r > 0) {
				UT_ASSERT_EQ(send(p[i].fd, buf, (size_t)r, 0), r);
				echoed += (int)r;
			}
		}
		/* clients answer the "?" with their number */
		for (int i = 0; i < LS_CONNS; i++) {
			ssize_t r = asked[i] ? 0 : recv(c[i], buf, 1, 0);

			if (r == 1 && buf[0] == '?') {
				asked[i] = true;
				int k = snprintf(want, sizeof(want), "c%d", i);

				UT_ASSERT_EQ(send(c[i], want, (size_t)k, 0), k);
			}
		}
	}
	for (int i = 0; i < LS_CONNS; i++) {
		struct pollfd q = { .fd = c[i], .events = POLLIN };

		snprintf(want, sizeof(want), "c%d", i);
		UT_ASSERT_EQ(poll(&q, 1, 5000), 1);
		ls_recv_is(c[i], want, MSG_WAITALL);
		UT_SYS(close(c[i]));
	}
	for (int i = 0; i < ns; i++)
		UT_SYS(close(s[i]));
	UT_SYS(close(ln));
}

/* ------------------------------------------------------------ UDP, UNIX */

UTEST(sock, udp_round_trip)
{
	struct sockaddr_in a = ls_addr(LS_LOOP, 0), from, peer;
	socklen_t len = sizeof(a), flen = sizeof(from);
	int srv = UT_SYS(socket(AF_INET, SOCK_DGRAM, 0));
	int cli = UT_SYS(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)), t;
	char buf[64], part1[3], part2[8];
	struct iovec iov[2] = { { "dat", 3 }, { "agram", 5 } };
	struct msghdr m = { .msg_name = &a, .msg_namelen = sizeof(a), .msg_iov = iov,
	                    .msg_iovlen = 2 };

	UT_SYS(bind(srv, (struct sockaddr *)&a, sizeof(a)));
	UT_SYS(getsockname(srv, (struct sockaddr *)&a, &len));
	UT_ASSERT(a.sin_port != 0);
	UT_ASSERT_EQ(sendto(cli, "one", 3, 0, (struct sockaddr *)&a, sizeof(a)), 3);
	UT_ASSERT_EQ(recvfrom(srv, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen), 3);
	UT_ASSERT(!memcmp(buf, "one", 3));
	UT_ASSERT_EQ(flen, sizeof(from));
	UT_ASSERT_EQ(ntohl(from.sin_addr.s_addr), LS_LOOP);
	UT_SYS(getsockname(cli, (struct sockaddr *)&peer, &len));
	UT_ASSERT_EQ(from.sin_port, peer.sin_port);
	/* the answer goes back to where it came from */
	UT_ASSERT_EQ(sendto(srv, "two", 3, 0, (struct sockaddr *)&from, flen), 3);
	UT_ASSERT_EQ(recv(cli, buf, sizeof(buf), 0), 3);
	UT_ASSERT(!memcmp(buf, "two", 3));
	/* gathered and scattered */
	UT_ASSERT_EQ(sendmsg(cli, &m, 0), 8);
	iov[0] = (struct iovec){ part1, sizeof(part1) };
	iov[1] = (struct iovec){ part2, sizeof(part2) };
	m.msg_name = &from;
	m.msg_namelen = sizeof(from);
	UT_ASSERT_EQ(recvmsg(srv, &m, 0), 8);
	UT_ASSERT(!memcmp(part1, "dat", 3) && !memcmp(part2, "agram", 5));
	UT_ASSERT_EQ(m.msg_namelen, sizeof(from));
	UT_ASSERT_EQ(from.sin_port, peer.sin_port);
	/* peeking a datagram leaves it for the next receive */
	UT_ASSERT_EQ(sendto(cli, "peek", 4, 0, (struct sockaddr *)&a, sizeof(a)), 4);
	UT_ASSERT_EQ(recv(srv, buf, 2, MSG_PEEK), 2);
	UT_ASSERT_EQ(recv(srv, buf, sizeof(buf), 0), 4);
	UT_ASSERT(!memcmp(buf, "peek", 4));
	UT_ASSERT_ERRNO(recv(srv, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	/* connected: plain send, recv, read and write */
	UT_SYS(connect(cli, (struct sockaddr *)&a, sizeof(a)));
	UT_SYS(getpeername(cli, (struct sockaddr *)&peer, &len));
	UT_ASSERT_EQ(peer.sin_port, a.sin_port);
	UT_ASSERT_ERRNO(sendto(cli, "x", 1, 0, (struct sockaddr *)&a, sizeof(a)), EISCONN);
	UT_ASSERT_EQ(send(cli, "three", 5, 0), 5);
	UT_ASSERT_EQ(recvfrom(srv, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen), 5);
	UT_ASSERT_EQ(sendto(srv, "four", 4, 0, (struct sockaddr *)&from, flen), 4);
	UT_ASSERT_EQ(read(cli, buf, sizeof(buf)), 4);
	UT_ASSERT(!memcmp(buf, "four", 4));
	t = SOCK_STREAM;
	len = sizeof(t);
	UT_SYS(getsockopt(cli, SOL_SOCKET, SO_TYPE, &t, &len));
	UT_ASSERT_EQ(t, SOCK_DGRAM);
	UT_SYS(close(cli));
	UT_SYS(close(srv));
}

/* A UDP counter of /net/udp/stats ("NAME: N"). */
static long ls_udp_stat(const char *name)
{
	char buf[512], *p;
	int fd = UT_SYS(open("/net/udp/stats", O_RDONLY));
	ssize_t n = UT_SYS(read(fd, buf, sizeof(buf) - 1));

	close(fd);
	buf[n] = '\0';
	p = strstr(buf, name);
	UT_ASSERT_MSG(p, "no %s in /net/udp/stats", name);
	return atol(p + strlen(name) + 2);
}

/* Sends n datagrams of len bytes from cli to a, waits until #ip has taken
 * them all in (InDatagrams), then counts what srv can read: each intact. */
static int ls_udp_burst(int cli, int srv, struct sockaddr_in *a, int n, size_t len)
{
	static char out[1400], in[2048];
	long in0 = ls_udp_stat("InDatagrams");
	int got = 0;
	ssize_t r;

	UT_ASSERT(len <= sizeof(out));
	for (int i = 0; i < n; i++) {
		memset(out, 'a' + i % 26, len);
		UT_ASSERT_EQ(sendto(cli, out, len, 0, (struct sockaddr *)a, sizeof(*a)), (ssize_t)len);
	}
	for (int t = 0; t < 500 && ls_udp_stat("InDatagrams") - in0 < n; t++)
		usleep(10000);
	UT_ASSERT(ls_udp_stat("InDatagrams") - in0 >= n);
	while ((r = recv(srv, in, sizeof(in), MSG_DONTWAIT)) >= 0) {
		UT_ASSERT_EQ(r, (ssize_t)len);
		UT_ASSERT_EQ(in[0], 'a' + got % 26);
		UT_ASSERT_EQ(in[len - 1], 'a' + got % 26);
		got++;
	}
	UT_ASSERT_EQ(errno, EAGAIN);
	return got;
}

UTEST(sock, udp_burst_rcvbuf)
{
	struct sockaddr_in a = ls_addr(LS_LOOP, 0);
	socklen_t len = sizeof(a);
	int srv = UT_SYS(socket(AF_INET, SOCK_DGRAM, 0));
	int cli = UT_SYS(socket(AF_INET, SOCK_DGRAM, 0)), v, ctl, got;
	long full;

	UT_SYS(bind(srv, (struct sockaddr *)&a, sizeof(a)));
	UT_SYS(getsockname(srv, (struct sockaddr *)&a, &len));
	/* The default buffer (256 KiB) holds 170 datagrams of 1400 bytes
	 * (each counted with the addresses #ip puts in front for recvfrom). */
	UT_ASSERT_EQ(ls_udp_burst(cli, srv, &a, 170, 1400), 170);
	/* SO_RCVBUF 32 KiB: doubled as Linux does, 64 KiB of datagrams. */
	v = 32768;
	UT_SYS(setsockopt(srv, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)));
	len = sizeof(v);
	UT_SYS(getsockopt(srv, SOL_SOCKET, SO_RCVBUF, &v, &len));
	UT_ASSERT_EQ(v, 65536);
	UT_ASSERT_EQ(ls_udp_burst(cli, srv, &a, 44, 1400), 44);
	/* Past it: the queue takes datagrams while it holds under 64 KiB (at
	 * most 47 of 1400 bytes, fewer with the addresses) and drops the
	 * rest, counted. */
	full = ls_udp_stat("RcvbufErrors");
	got = ls_udp_burst(cli, srv, &a, 100, 1400);
	UT_ASSERT_MSG(got >= 44 && got <= 47, "%d datagrams kept of 100", got);
	UT_ASSERT(ls_udp_stat("RcvbufErrors") - full >= 100 - got);
	/* Bad sizes on #ip's ctl. */
	ctl = UT_SYS(open("/net/udp/clone", O_RDWR));
	UT_ASSERT_ERRNO(write(ctl, "rcvbuf 2047", 11), EINVAL);
	UT_ASSERT_ERRNO(write(ctl, "rcvbuf 99999999999", 18), EINVAL);
	UT_ASSERT_ERRNO(write(ctl, "rcvbuf 4k", 9), EINVAL);
	UT_ASSERT_ERRNO(write(ctl, "rcvbuf", 6), EINVAL);
	UT_ASSERT_ERRNO(write(ctl, "rcvbuf 4096 1", 13), EINVAL);
	UT_ASSERT_EQ(write(ctl, "rcvbuf 4096", 11), 11);
	UT_SYS(close(ctl));
	UT_SYS(close(cli));
	UT_SYS(close(srv));
}

UTEST(sock, unix_pair)
{
	int sv[2], t = 0;
	char buf[8];
	struct sockaddr_un un;
	socklen_t len = sizeof(un);

	UT_SYS(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv));
	UT_ASSERT_EQ(send(sv[0], "ping", 4, 0), 4);
	ls_recv_is(sv[1], "ping", 0);
	UT_ASSERT_EQ(write(sv[1], "pong", 4), 4);
	ls_recv_is(sv[0], "pong", 0);
	UT_ASSERT_ERRNO(recv(sv[0], buf, sizeof(buf), 0), EAGAIN);
	/* each end is its own socket: one end's SHUT_RD is not the other's */
	UT_SYS(shutdown(sv[0], SHUT_RD));
	UT_ASSERT_EQ(send(sv[0], "x", 1, 0), 1);
	ls_recv_is(sv[1], "x", 0);
	UT_ASSERT_EQ(recv(sv[0], buf, sizeof(buf), 0), 0);
	UT_SYS(getsockname(sv[0], (struct sockaddr *)&un, &len));
	UT_ASSERT_EQ(un.sun_family, AF_UNIX);
	len = sizeof(t);
	UT_SYS(getsockopt(sv[1], SOL_SOCKET, SO_TYPE, &t, &len));
	UT_ASSERT_EQ(t, SOCK_STREAM);
	UT_ASSERT_ERRNO(listen(sv[0], 1), EINVAL);     /* connected already */
	UT_SYS(close(sv[0]));
	UT_ASSERT_EQ(recv(sv[1], buf, sizeof(buf), 0), 0);      /* the other end went */
	UT_SYS(close(sv[1]));
	/* blocking pair: MSG_DONTWAIT still does not wait */
	UT_SYS(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	UT_ASSERT_ERRNO(recv(sv[0], buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
	UT_SYS(close(sv[0]));
	UT_SYS(close(sv[1]));
}

static socklen_t ls_un(struct sockaddr_un *u, const char *path, size_t n)
{
	memset(u, 0, sizeof(*u));
	u->sun_family = AF_UNIX;
	memcpy(u->sun_path, path, n);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
}

UTEST(sock, unix_named)
{
	struct sockaddr_un u, got;
	socklen_t ul = ls_un(&u, "/tmp/ls.sock", 13), gl = sizeof(got);
	struct sockaddr_un none;
	socklen_t nl = ls_un(&none, "/tmp/ls-none.sock", 18);
	int ln = UT_SYS(socket(AF_UNIX, SOCK_STREAM, 0)), c, s, other, st;
	struct pollfd p = { .events = POLLIN };
	char buf[8];
	pid_t pid;

	UT_ASSERT_ERRNO(listen(ln, 4), EINVAL);         /* no name yet */
	UT_ASSERT_ERRNO(recv(ln, buf, 1, MSG_DONTWAIT), ENOTCONN);
	UT_SYS(bind(ln, (struct sockaddr *)&u, ul));
	UT_SYS(listen(ln, 4));
	UT_SYS(getsockname(ln, (struct sockaddr *)&got, &gl));
	UT_ASSERT_STREQ(got.sun_path, "/tmp/ls.sock");
	other = UT_SYS(socket(AF_UNIX, SOCK_STREAM, 0));
	UT_ASSERT_ERRNO(bind(other, (struct sockaddr *)&u, ul), EADDRINUSE);
	UT_ASSERT_ERRNO(connect(other, (struct sockaddr *)&none, nl), ENOENT);
	UT_ASSERT_ERRNO(bind(other, (struct sockaddr *)&u, 1), EINVAL);
	UT_SYS(close(other));
	/* a connection: the listener polls readable, accept gives the peer */
	c = UT_SYS(socket(AF_UNIX, SOCK_STREAM, 0));
	UT_SYS(connect(c, (struct sockaddr *)&u, ul));
	gl = sizeof(got);
	UT_SYS(getpeername(c, (struct sockaddr *)&got, &gl));
	UT_ASSERT_STREQ(got.sun_path, "/tmp/ls.sock");
	p.fd = ln;
	UT_ASSERT_EQ(poll(&p, 1, 5000), 1);
	s = UT_SYS(accept(ln, NULL, NULL));
	UT_ASSERT_EQ(send(c, "there", 5, 0), 5);
	ls_recv_is(s, "there", MSG_WAITALL);
	UT_ASSERT_EQ(write(s, "back", 4), 4);
	ls_recv_is(c, "back", MSG_WAITALL);
	UT_SYS(close(c));
	UT_ASSERT_EQ(recv(s, buf, sizeof(buf), 0), 0);
	UT_SYS(close(s));
	UT_SYS(fcntl(ln, F_SETFL, O_NONBLOCK));
	UT_ASSERT_ERRNO(accept(ln, NULL, NULL), EAGAIN);
	/* another process connects */
	pid = UT_SYS(fork());
	if (pid == 0) {
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);

		if (fd < 0 || connect(fd, (struct sockaddr *)&u, ul) || send(fd, "kid", 3, 0) != 3)
			_exit(1);
		_exit(0);
	}
	UT_SYS(waitpid(pid, &st, 0));
	UT_ASSERT_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x", st);
	s = UT_SYS(accept(ln, NULL, NULL));
	ls_recv_is(s, "kid", MSG_WAITALL);
	UT_SYS(close(s));
	/* the listener gone: refused, and the name can be bound again */
	UT_SYS(close(ln));
	c = UT_SYS(socket(AF_UNIX, SOCK_STREAM, 0));
	UT_ASSERT_ERRNO(connect(c, (struct sockaddr *)&u, ul), ECONNREFUSED);
	ln = UT_SYS(socket(AF_UNIX, SOCK_STREAM, 0));
	UT_SYS(bind(ln, (struct sockaddr *)&u, ul));
	UT_SYS(listen(ln, 4));
	UT_SYS(connect(c, (struct sockaddr *)&u, ul));
	UT_ASSERT_ERRNO(connect(c, (struct sockaddr *)&u, ul), EISCONN);
	s = UT_SYS(accept(ln, NULL, NULL));
	UT_SYS(close(s));
	UT_SYS(close(c));
	UT_SYS(close(ln));
}

UTEST(sock, unix_abstract_name)
{
	struct sockaddr_un u;
	socklen_t ul = ls_un(&u, "\0ls-abstract", 12);
	int ln = UT_SYS(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)), c, s;

	UT_SYS(bind(ln, (struct sockaddr *)&u, ul));
	UT_SYS(listen(ln, 1));
	UT_ASSERT(fcntl(ln, F_GETFD) & FD_CLOEXEC);     /* kept across the swap */
	c = UT_SYS(socket(AF_UNIX, SOCK_STREAM, 0));
	UT_SYS(connect(c, (struct sockaddr *)&u, ul));
	s = UT_SYS(accept4(ln, NULL, NULL, SOCK_NONBLOCK));
	UT_ASSERT_ERRNO(recv(s, (char[4]){ 0 }, 4, 0), EAGAIN);
	UT_ASSERT_EQ(send(c, "abs", 3, 0), 3);
	ls_recv_is(s, "abs", 0);
	UT_SYS(close(s));
	UT_SYS(close(c));
	UT_SYS(close(ln));
}

/* ------------------------------------------------------------ fds */

UTEST(sock, dup_dup2_and_close)
{
	int c, s, d, d2, p[2];
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	ls_pair(&c, &s);
	d = UT_SYS(dup(c));
	UT_SYS(close(c));
	UT_ASSERT_EQ(send(d, "dup", 3, 0), 3);          /* the copy is still the socket */
	ls_recv_is(s, "dup", 0);
	UT_SYS(getpeername(d, (struct sockaddr *)&a, &len));
	d2 = UT_SYS(fcntl(d, F_DUPFD_CLOEXEC, 40));
	UT_ASSERT(d2 >= 40);
	UT_SYS(shutdown(d2, SHUT_WR));                  /* shared: d is shut too */
	UT_ASSERT_ERRNO(send(d, "x", 1, MSG_NOSIGNAL), EPIPE);
	/* dup2 of a pipe over a socket fd: not a socket any more */
	UT_SYS(pipe(p));
	UT_SYS(dup2(p[0], d2));
	UT_ASSERT_ERRNO(getsockname(d2, (struct sockaddr *)&a, &len), ENOTSOCK);
	UT_SYS(close(p[0]));
	UT_SYS(close(p[1]));
	UT_SYS(close(d2));
	UT_SYS(close(d));
	UT_SYS(close(s));
}

UTEST(sock, receive_timeout)
{
	int c, s;
	char buf[8];
	struct timeval tv = { 0, 200000 };
	struct timespec t0, t1;
	long ms;

	ls_pair(&c, &s);
	UT_SYS(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	UT_ASSERT_ERRNO(recv(s, buf, sizeof(buf), 0), EAGAIN);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	UT_ASSERT_MSG(ms >= 150 && ms < 5000, "waited %ld ms for a 200 ms timeout", ms);
	UT_ASSERT_EQ(send(c, "late", 4, 0), 4);
	ls_recv_is(s, "late", MSG_WAITALL);             /* data in time: no EAGAIN */
	UT_SYS(close(c));
	UT_SYS(close(s));
}

UTEST(sock, options)
{
	uint16_t port = 0;
	int ln = ls_listener(&port, 0), c, s, v = 1;
	socklen_t len = sizeof(v);
	struct linger lg = { 1, 5 }, lg2;
	struct timeval tv = { 2, 0 }, tv2;

	UT_SYS(getsockopt(ln, SOL_SOCKET, SO_ACCEPTCONN, &v, &len));
	UT_ASSERT_EQ(v, 1);
	c = UT_SYS(socket(AF_INET, SOCK_STREAM, 0));
	v = 1;
	UT_SYS(setsockopt(c, SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v)));
	UT_SYS(setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &v, sizeof(v)));
	UT_SYS(setsockopt(c, SOL_SOCKET, SO_KEEPALIVE, &v, sizeof(v)));
	v = 0;
	UT_SYS(getsockopt(c, SOL_SOCKET, SO_REUSEADDR, &v, &len));
	UT_ASSERT_EQ(v, 1);
	UT_SYS(getsockopt(c, SOL_SOCKET, SO_RCVBUF, &v, &len));
	UT_ASSERT(v > 0);
	v = 4096;
	UT_SYS(setsockopt(c, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)));
	UT_SYS(getsockopt(c, SOL_SOCKET, SO_SNDBUF, &v, &len));
	UT_ASSERT_EQ(v, 8192);                  /* doubled, as Linux */
	UT_SYS(setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	len = sizeof(lg2);
	UT_SYS(getsockopt(c, SOL_SOCKET, SO_LINGER, &lg2, &len));
	UT_ASSERT(lg2.l_onoff == 1 && lg2.l_linger == 5);
	UT_SYS(setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	len = sizeof(tv2);
	UT_SYS(getsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv2, &len));
	UT_ASSERT_EQ(tv2.tv_sec, 2);
	tv2.tv_usec = 1000000;
	UT_ASSERT_ERRNO(setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv2, sizeof(tv2)), EDOM);
	/* set before connect, applied once connected: #ip's status shows
	 * nothing of them, so check the connection works and keeps them */
	struct sockaddr_in a = ls_addr(LS_LOOP, port);

	UT_SYS(connect(c, (struct sockaddr *)&a, sizeof(a)));
	s = UT_SYS(accept(ln, NULL, NULL));
	len = sizeof(v);
	UT_SYS(getsockopt(c, IPPROTO_TCP, TCP_NODELAY, &v, &len));
	UT_ASSERT_EQ(v, 1);
	UT_SYS(getsockopt(c, SOL_SOCKET, SO_KEEPALIVE, &v, &len));
	UT_ASSERT_EQ(v, 1);
	v = 0;
	UT_SYS(setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &v, sizeof(v)));
	len = 2;                                /* short: truncated */
	v = 0;
	UT_SYS(getsockopt(c, SOL_SOCKET, SO_TYPE, &v, &len));
	UT_ASSERT_EQ(len, 2);
	UT_ASSERT_EQ(v, SOCK_STREAM);
	UT_SYS(close(s));
	UT_SYS(close(c));
	UT_SYS(close(ln));
}

/* ------------------------------------------------------------ processes */

UTEST(sock, fork_both_sides_use_the_socket)
{
	int c, s, st;
	pid_t pid;

	ls_pair(&c, &s);
	pid = UT_SYS(fork());
	if (pid == 0) {
		char buf[8] = "";

		/* the child's copy of the record: send, then read the answer */
		if (send(c, "kid", 3, 0) != 3 || recv(c, buf, 3, MSG_WAITALL) != 3 ||
		    memcmp(buf, "ack", 3))
			_exit(1);
		_exit(0);
	}
	ls_recv_is(s, "kid", MSG_WAITALL);
	UT_ASSERT_EQ(send(s, "ack", 3, 0), 3);
	UT_SYS(waitpid(pid, &st, 0));
	UT_ASSERT_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x", st);
	/* the parent's end still works after the child is gone */
	UT_ASSERT_EQ(send(c, "dad", 3, 0), 3);
	ls_recv_is(s, "dad", MSG_WAITALL);
	UT_SYS(close(c));
	UT_SYS(close(s));
}

/* ------------------------------------------------------------ names */

/* A one-shot DNS server on 127.0.0.1:53 (musl's resolver asks there when
 * there is no /etc/resolv.conf nameserver): answers each A query with
 * 10.1.2.3, up to n queries, then exits. */
static void ls_dns_server(int fd, int n)
{
	for (int i = 0; i < n; i++) {
		unsigned char q[512], *p;
		struct sockaddr_in from;
		socklen_t flen = sizeof(from);
		ssize_t r = recvfrom(fd, q, sizeof(q) - 16, 0, (struct sockaddr *)&from, &flen);
		static const unsigned char ans[] = { 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4,
		                                     10, 1, 2, 3 };

		if (r < 12)
			_exit(2);
		p = q + 12;                             /* past the header: the question */
		while (p < q + r && *p)
			p += *p + 1;
		p += 5;                                 /* the root label, type, class */
		if (p > q + r)
			_exit(3);
		q[2] = 0x81;                            /* a response, recursion desired */
		q[3] = 0x80;                            /* recursion available, NOERROR */
		q[7] = q[4] == 0 && q[5] == 1 && p[-3] == 1 ? 1 : 0;    /* answers: A only */
		memcpy(p, ans, sizeof(ans));
		r = (p - q) + (q[7] ? (ssize_t)sizeof(ans) : 0);
		if (sendto(fd, q, (size_t)r, 0, (struct sockaddr *)&from, flen) != r)
			_exit(4);
	}
	_exit(0);
}

UTEST(sock, getaddrinfo_numeric_and_over_dns)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *res;
	struct sockaddr_in a = ls_addr(LS_LOOP, 53);
	char host[64], serv[16];
	int fd, st;
	pid_t pid;

	UT_ASSERT_EQ(getaddrinfo("127.0.0.1", "8080", &hints, &res), 0);
	UT_ASSERT_EQ(res->ai_family, AF_INET);
	UT_ASSERT_EQ(ntohs(((struct sockaddr_in *)res->ai_addr)->sin_port), 8080);
	UT_ASSERT_EQ(getnameinfo(res->ai_addr, res->ai_addrlen, host, sizeof(host), serv,
	                         sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV), 0);
	UT_ASSERT_STREQ(host, "127.0.0.1");
	UT_ASSERT_STREQ(serv, "8080");
	freeaddrinfo(res);
	/* a name: musl's resolver asks the DNS server over a UDP socket */
	fd = UT_SYS(socket(AF_INET, SOCK_DGRAM, 0));
	UT_SYS(bind(fd, (struct sockaddr *)&a, sizeof(a)));
	pid = UT_SYS(fork());
	if (pid == 0)
		ls_dns_server(fd, 1);
	UT_SYS(close(fd));
	if (access("/etc/resolv.conf", R_OK) == 0) {
		/* a configured nameserver elsewhere: the name cannot come from us */
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		utest_note("/etc/resolv.conf exists: the DNS half is skipped");
		return;
	}
	UT_ASSERT_EQ(getaddrinfo("sockets.test", "80", &hints, &res), 0);
	UT_ASSERT_EQ(ntohl(((struct sockaddr_in *)res->ai_addr)->sin_addr.s_addr), 0x0a010203);
	freeaddrinfo(res);
	UT_SYS(waitpid(pid, &st, 0));
	UT_ASSERT_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "server status %#x", st);
}

/* The exec'ed side (main with "exec-child FD"): the inherited fd is a
 * socket to its new program image too. */
static int ls_exec_child(int fd)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int t = 0;
	socklen_t tl = sizeof(t);

	if (getpeername(fd, (struct sockaddr *)&a, &len) || a.sin_family != AF_INET)
		return 2;
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &t, &tl) || t != SOCK_STREAM)
		return 3;
	if (send(fd, "exec", 4, MSG_NOSIGNAL) != 4)
		return 4;
	return 0;
}

UTEST(sock, exec_inherits_the_socket)
{
	int c, s, st;
	pid_t pid;
	char num[16];

	ls_pair(&c, &s);
	snprintf(num, sizeof(num), "%d", c);
	pid = UT_SYS(fork());
	if (pid == 0) {
		execl("/test/libc_sockets", "libc_sockets", "exec-child", num, (char *)NULL);
		_exit(127);
	}
	UT_SYS(waitpid(pid, &st, 0));
	UT_ASSERT_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x", st);
	ls_recv_is(s, "exec", MSG_WAITALL);
	UT_SYS(close(c));
	UT_SYS(close(s));
}

/* ------------------------------------------------------------ threads */

#define LS_THREADS 4
#define LS_ROUNDS  10

static uint16_t ls_thread_port;

/* Each thread connects, sends its number and reads it back, ten times. */
static void *ls_client_thread(void *arg)
{
	long id = (long)arg;

	for (int i = 0; i < LS_ROUNDS; i++) {
		struct sockaddr_in a = ls_addr(LS_LOOP, ls_thread_port);
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		char buf[8];

		if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)))
			return (void *)1;
		buf[0] = (char)('a' + id);
		if (send(fd, buf, 1, 0) != 1 || recv(fd, buf + 1, 1, MSG_WAITALL) != 1 ||
		    buf[1] != buf[0])
			return (void *)2;
		if (close(fd))
			return (void *)3;
	}
	return NULL;
}

/* The server thread echoes one byte per accepted connection. */
static void *ls_server_thread(void *arg)
{
	int ln = (int)(long)arg;

	for (int i = 0; i < LS_THREADS * LS_ROUNDS; i++) {
		int fd = accept(ln, NULL, NULL);
		char b;

		if (fd < 0 || recv(fd, &b, 1, 0) != 1 || send(fd, &b, 1, 0) != 1)
			return (void *)1;
		close(fd);
	}
	return NULL;
}

UTEST(sock, threads_at_once)
{
	uint16_t port = 0;
	int ln = ls_listener(&port, 0);
	pthread_t srv, cli[LS_THREADS];
	void *r;

	/* The first thread makes the process an MCP, which maps the vcore
	 * stacks once (Documentation/mcp.md): not a leak of the sockets. */
	utest_no_leak_check();
	ls_thread_port = port;
	UT_ASSERT_EQ(pthread_create(&srv, NULL, ls_server_thread, (void *)(long)ln), 0);
	for (long i = 0; i < LS_THREADS; i++)
		UT_ASSERT_EQ(pthread_create(&cli[i], NULL, ls_client_thread, (void *)i), 0);
	for (int i = 0; i < LS_THREADS; i++) {
		UT_ASSERT_EQ(pthread_join(cli[i], &r), 0);
		UT_ASSERT_MSG(r == NULL, "client %d: %ld", i, (long)r);
	}
	UT_ASSERT_EQ(pthread_join(srv, &r), 0);
	UT_ASSERT(r == NULL);
	UT_SYS(close(ln));
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "exec-child"))
		return ls_exec_child(atoi(argv[2]));
	return utest_main("libc_sockets", argc, argv);
}
