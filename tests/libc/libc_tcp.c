/* SPDX-License-Identifier: MIT */
/*
 * libc_tcp.c - utests of TCP in #ip over loopback (127.0.0.1), through the
 * conversation files on /net/tcp: announce, connect (blocking until
 * Established), listen returning the new conversation's ctl (EAGAIN when
 * opened O_NONBLOCK with no call waiting), status showing the state, 1 MiB
 * each way checked byte by byte (a forked child on the client side),
 * EOF on FIN, shutdown wr (half-close) with the other half still flowing,
 * a refused connect, a connect written on an O_NONBLOCK ctl (POLLOUT on
 * data when it ends; status's err after a refusal), O_NONBLOCK reads (EAGAIN) and poll woken by data
 * and by the FIN, the listener's ctl polling readable with a call waiting
 * (FD taps), hangup (a reset seen by the peer) and refused ctl
 * messages, many connections in a row, and a hundred connections ended
 * by resets leaving conversations, blocks and kmalloc objects where they
 * were.  Run by
 * scripts/run-ktests.sh (run_utest libc_tcp "/test/libc_tcp tcp").
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <utest/utest.h>

static ssize_t lt_ctl(int fd, const char *msg)
{
	return write(fd, msg, strlen(msg));
}

static int lt_num(int ctl)
{
	char buf[16];
	ssize_t r = UT_SYS(pread(ctl, buf, sizeof(buf) - 1, 0));

	buf[r] = 0;
	return atoi(buf);
}

static int lt_open(int n, const char *file, int flags)
{
	char path[64];

	snprintf(path, sizeof(path), "/net/tcp/%d/%s", n, file);
	return UT_SYS(open(path, flags));
}

static void lt_status(int n, char *buf, size_t size)
{
	char path[64];
	int fd;
	ssize_t r;

	snprintf(path, sizeof(path), "/net/tcp/%d/status", n);
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		snprintf(buf, size, "(gone)");
		return;
	}
	r = read(fd, buf, size - 1);
	buf[r > 0 ? r : 0] = 0;
	close(fd);
}

/* An announced listener on port: its ctl fd. */
static int lt_announce(int port, int *n)
{
	char msg[32];
	int fd = UT_SYS(open("/net/tcp/clone", O_RDWR));

	*n = lt_num(fd);
	snprintf(msg, sizeof(msg), "announce %d", port);
	UT_SYS(lt_ctl(fd, msg));
	return fd;
}

/* A connected client: its ctl fd (connect blocks until Established). */
static int lt_connect(int port, int *n)
{
	char msg[40];
	int fd = UT_SYS(open("/net/tcp/clone", O_RDWR));

	*n = lt_num(fd);
	snprintf(msg, sizeof(msg), "connect 127.0.0.1!%d", port);
	UT_SYS(lt_ctl(fd, msg));
	return fd;
}

/* Accepts one call on listener ln: the new conversation's ctl. */
static int lt_accept(int ln, int *n)
{
	int fd = lt_open(ln, "listen", O_RDWR);

	*n = lt_num(fd);
	return fd;
}

static uint8_t lt_pat(size_t i, unsigned int seed)
{
	return (uint8_t)((i * 131 + (i >> 9) + seed) & 0xff);
}

/* Writes n pattern bytes to fd in uneven pieces. */
static int lt_send(int fd, size_t n, unsigned int seed)
{
	static uint8_t buf[9000];
	size_t done = 0;

	while (done < n) {
		size_t k = 1 + (done * 7919) % sizeof(buf);
		ssize_t w;

		if (k > n - done)
			k = n - done;
		for (size_t i = 0; i < k; i++)
			buf[i] = lt_pat(done + i, seed);
		w = write(fd, buf, k);
		if (w <= 0)
			return -1;
		done += (size_t)w;
	}
	return 0;
}

/* Reads until EOF or n bytes; -1 on a wrong byte, else the count. */
static long lt_recv(int fd, size_t n, unsigned int seed)
{
	static uint8_t buf[7000];
	size_t done = 0;

	while (done < n) {
		ssize_t r = read(fd, buf, sizeof(buf));

		if (r <= 0)
			break;
		for (ssize_t i = 0; i < r; i++)
			if (buf[i] != lt_pat(done + (size_t)i, seed))
				return -1;
		done += (size_t)r;
	}
	return (long)done;
}

UTEST(tcp, connect_accept_status)
{
	int ln, sn, cn, lfd, sfd, cfd, sd, cd;
	char st[256], buf[16];

	lfd = lt_announce(7201, &ln);
	lt_status(ln, st, sizeof(st));
	UT_ASSERT_MSG(strstr(st, "Listen") != NULL, "%s", st);
	cfd = lt_connect(7201, &cn);
	lt_status(cn, st, sizeof(st));
	UT_ASSERT_MSG(strstr(st, "Established") != NULL, "%s", st);
	sfd = lt_accept(ln, &sn);
	UT_ASSERT(sn != ln && sn != cn);
	lt_status(sn, st, sizeof(st));
	UT_ASSERT_MSG(strstr(st, "Established") != NULL, "%s", st);
	sd = lt_open(sn, "data", O_RDWR);
	cd = lt_open(cn, "data", O_RDWR);
	UT_ASSERT_EQ(write(cd, "ping", 4), 4);
	UT_ASSERT_EQ(read(sd, buf, sizeof(buf)), 4);
	UT_ASSERT(!memcmp(buf, "ping", 4));
	UT_ASSERT_EQ(write(sd, "pong!", 5), 5);
	UT_ASSERT_EQ(read(cd, buf, sizeof(buf)), 5);
	UT_ASSERT(!memcmp(buf, "pong!", 5));
	/* the client closes: the server reads EOF */
	UT_SYS(close(cd));
	UT_SYS(close(cfd));
	UT_ASSERT_EQ(read(sd, buf, sizeof(buf)), 0);
	lt_status(sn, st, sizeof(st));
	UT_ASSERT_MSG(strstr(st, "Close_wait") != NULL, "%s", st);
	UT_SYS(close(sd));
	UT_SYS(close(sfd));
	UT_SYS(close(lfd));
}

UTEST(tcp, listen_nonblocking)
{
	int ln, lfd, fd;
	char path[64];

	lfd = lt_announce(7202, &ln);
	snprintf(path, sizeof(path), "/net/tcp/%d/listen", ln);
	fd = open(path, O_RDWR | O_NONBLOCK);
	UT_ASSERT_EQ(fd, -1);
	UT_ASSERT_EQ(errno, EAGAIN);
	UT_SYS(close(lfd));
}

UTEST(tcp, refused)
{
	int fd = UT_SYS(open("/net/tcp/clone", O_RDWR));

	UT_ASSERT_ERRNO(lt_ctl(fd, "connect 127.0.0.1!7299"), ECONNREFUSED);
	UT_SYS(close(fd));
}

/* A connect to port written on a ctl opened O_NONBLOCK, then a poll for
 * POLLOUT on data (which only comes when the handshake has ended); the
 * conversation's number in *n, its fds in fds[] (clone, ctl, data). */
static void lt_connect_nb(int port, int *n, int fds[3])
{
	char msg[40];
	struct pollfd p;

	fds[0] = UT_SYS(open("/net/tcp/clone", O_RDWR));
	*n = lt_num(fds[0]);
	fds[1] = lt_open(*n, "ctl", O_RDWR | O_NONBLOCK);
	fds[2] = lt_open(*n, "data", O_RDWR);
	snprintf(msg, sizeof(msg), "connect 127.0.0.1!%d", port);
	UT_SYS(lt_ctl(fds[1], msg));
	p = (struct pollfd){ .fd = fds[2], .events = POLLOUT };
	UT_ASSERT_EQ(poll(&p, 1, 5000), 1);
}

/* connect written on a ctl opened O_NONBLOCK: the write returns with the
 * SYN out, data is not writable until the handshake ends, then POLLOUT;
 * after a refusal status ends in "err 111". */
UTEST(tcp, connect_nonblocking)
{
	int ln, sn, cn, lfd = lt_announce(7209, &ln), fds[3], sfd;
	char st[256];

	lt_connect_nb(7209, &cn, fds);
	lt_status(cn, st, sizeof(st));
	UT_ASSERT_MSG(strstr(st, "Established") != NULL, "%s", st);
	sfd = lt_accept(ln, &sn);
	UT_SYS(close(sfd));
	for (int i = 0; i < 3; i++)
		UT_SYS(close(fds[i]));
	lt_connect_nb(7298, &cn, fds);                  /* refused */
	lt_status(cn, st, sizeof(st));
	UT_ASSERT_MSG(strstr(st, "Closed") && strstr(st, " err 111"), "%s", st);
	for (int i = 0; i < 3; i++)
		UT_SYS(close(fds[i]));
	UT_SYS(close(lfd));
}

UTEST(tcp, megabyte_both_ways)
{
	const size_t n = 1 << 20;
	int ln, sn, cn, lfd, sfd, cfd, sd, cd, status;
	struct timespec t0, t1;
	long long us;
	pid_t pid;

	lfd = lt_announce(7203, &ln);
	cfd = lt_connect(7203, &cn);
	sfd = lt_accept(ln, &sn);
	sd = lt_open(sn, "data", O_RDWR);
	cd = lt_open(cn, "data", O_RDWR);
	pid = UT_SYS(fork());
	if (pid == 0) {
		if (lt_send(cd, n, 1))
			_exit(2);
		_exit(lt_recv(cd, n, 2) == (long)n ? 0 : 3);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	UT_ASSERT_EQ(lt_recv(sd, n, 1), (long)n);
	UT_ASSERT_EQ(lt_send(sd, n, 2), 0);
	UT_SYS(waitpid(pid, &status, 0));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	us = (t1.tv_sec - t0.tv_sec) * 1000000 + (t1.tv_nsec - t0.tv_nsec) / 1000;
	printf("tcp: 1 MiB each way over loopback in %lld us (%lld KiB/s)\n", us,
	       us ? 2048 * 1000000LL / us : 0);
	UT_ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
	UT_SYS(close(cd));
	UT_SYS(close(cfd));
	UT_SYS(close(sd));
	UT_SYS(close(sfd));
	UT_SYS(close(lfd));
}

UTEST(tcp, half_close)
{
	int ln, sn, cn, lfd, sfd, cfd, sd, cd;
	char buf[64];

	lfd = lt_announce(7204, &ln);
	cfd = lt_connect(7204, &cn);
	sfd = lt_accept(ln, &sn);
	sd = lt_open(sn, "data", O_RDWR);
	cd = lt_open(cn, "data", O_RDWR);
	UT_ASSERT_EQ(write(cd, "question", 8), 8);
	UT_SYS(lt_ctl(cfd, "shutdown wr"));
	UT_ASSERT_EQ(read(sd, buf, sizeof(buf)), 8);
	UT_ASSERT_EQ(read(sd, buf, sizeof(buf)), 0);            /* the FIN */
	UT_ASSERT_EQ(lt_send(sd, 100000, 5), 0);                /* still flows back */
	UT_SYS(close(sd));
	UT_SYS(close(sfd));
	UT_ASSERT_EQ(lt_recv(cd, 200000, 5), 100000);           /* then EOF */
	UT_SYS(close(cd));
	UT_SYS(close(cfd));
	UT_SYS(close(lfd));
}

UTEST(tcp, nonblocking_and_poll)
{
	int ln, sn, cn, lfd, sfd = -1, cfd, sd, cd;
	struct pollfd pf;
	char c;

	lfd = lt_announce(7206, &ln);
	cfd = lt_connect(7206, &cn);
	/* the listener's ctl polls readable once the call is queued */
	pf = (struct pollfd){ .fd = lfd, .events = POLLIN };
	UT_ASSERT_EQ(poll(&pf, 1, 5000), 1);
	UT_ASSERT(pf.revents & POLLIN);
	sfd = lt_open(ln, "listen", O_RDWR | O_NONBLOCK);
	UT_ASSERT(sfd >= 0);
	sn = lt_num(sfd);
	sd = lt_open(sn, "data", O_RDWR | O_NONBLOCK);
	cd = lt_open(cn, "data", O_RDWR);
	UT_ASSERT_ERRNO(read(sd, &c, 1), EAGAIN);
	pf = (struct pollfd){ .fd = sd, .events = POLLIN };
	UT_ASSERT_EQ(poll(&pf, 1, 0), 0);
	UT_ASSERT_EQ(write(cd, "q", 1), 1);
	UT_ASSERT_EQ(poll(&pf, 1, 5000), 1);
	UT_ASSERT(pf.revents & POLLIN);
	UT_ASSERT_EQ(read(sd, &c, 1), 1);
	UT_ASSERT_EQ(c, 'q');
	UT_ASSERT_ERRNO(read(sd, &c, 1), EAGAIN);
	UT_SYS(close(cd));
	UT_SYS(close(cfd));
	UT_ASSERT_EQ(poll(&pf, 1, 5000), 1);            /* the FIN: readable, EOF */
	UT_ASSERT_EQ(read(sd, &c, 1), 0);
	UT_SYS(close(sd));
	UT_SYS(close(sfd));
	UT_SYS(close(lfd));
}

UTEST(tcp, hangup_and_ctl_messages)
{
	int ln, sn, cn, lfd, sfd, cfd, sd, cd;
	char st[256], buf[16];
	ssize_t r;

	lfd = lt_announce(7207, &ln);
	cfd = lt_connect(7207, &cn);
	sfd = lt_accept(ln, &sn);
	sd = lt_open(sn, "data", O_RDWR);
	cd = lt_open(cn, "data", O_RDWR);
	UT_SYS(lt_ctl(cfd, "keepalive"));
	UT_SYS(lt_ctl(cfd, "keepalive off"));
	UT_SYS(lt_ctl(cfd, "nodelay"));
	UT_ASSERT_ERRNO(lt_ctl(cfd, "frobnicate"), EINVAL);
	UT_ASSERT_ERRNO(lt_ctl(cfd, "shutdown sideways"), EINVAL);
	UT_ASSERT_ERRNO(lt_ctl(cfd, "connect 127.0.0.1!7207"), EISCONN);
	UT_SYS(lt_ctl(cfd, "hangup"));                  /* a reset */
	lt_status(cn, st, sizeof(st));
	UT_ASSERT_MSG(strstr(st, "Closed") != NULL, "%s", st);
	r = read(sd, buf, sizeof(buf));                 /* the peer sees it end */
	UT_ASSERT(r <= 0);
	lt_status(sn, st, sizeof(st));
	UT_ASSERT_MSG(strstr(st, "Closed") != NULL, "%s", st);
	signal(SIGPIPE, SIG_IGN);       /* as Linux: a write after the reset raises it */
	UT_ASSERT_ERRNO(write(cd, "x", 1), EPIPE);
	signal(SIGPIPE, SIG_DFL);
	UT_SYS(close(cd));
	UT_SYS(close(cfd));
	UT_SYS(close(sd));
	UT_SYS(close(sfd));
	UT_SYS(close(lfd));
}

UTEST(tcp, many_connections)
{
	int ln, lfd;

	lfd = lt_announce(7205, &ln);
	for (int i = 0; i < 40; i++) {
		int sn, cn, sfd, cfd, sd, cd;

		cfd = lt_connect(7205, &cn);
		sfd = lt_accept(ln, &sn);
		sd = lt_open(sn, "data", O_RDWR);
		cd = lt_open(cn, "data", O_RDWR);
		UT_ASSERT_EQ(lt_send(cd, 3000 + (size_t)i * 100, (unsigned int)i), 0);
		UT_SYS(lt_ctl(cfd, "shutdown wr"));
		UT_ASSERT_EQ(lt_recv(sd, 1 << 20, (unsigned int)i), 3000 + i * 100);
		UT_SYS(close(sd));
		UT_SYS(close(sfd));
		UT_SYS(close(cd));
		UT_SYS(close(cfd));
	}
	UT_SYS(close(lfd));
}

/* The number after key in the file at path (-1 if absent). */
static long long lt_stat(const char *path, const char *key)
{
	static char buf[4096];
	ssize_t r;
	char *p;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	r = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[r > 0 ? r : 0] = 0;
	p = strstr(buf, key);
	return p ? atoll(p + strlen(key)) : -1;
}

/* One connection with some data both ways, ended by a reset from the
 * client (so neither side waits in TIME_WAIT). */
static void lt_reset_conn(int ln, int port, int i)
{
	int sn, cn, sfd, cfd, sd, cd;
	char buf[64];

	cfd = lt_connect(port, &cn);
	sfd = lt_accept(ln, &sn);
	sd = lt_open(sn, "data", O_RDWR);
	cd = lt_open(cn, "data", O_RDWR);
	UT_ASSERT_EQ(write(cd, "hello", 5), 5);
	UT_ASSERT_EQ(read(sd, buf, sizeof(buf)), 5);
	UT_ASSERT_EQ(write(sd, "world", 5), 5);
	if (i & 1)
		UT_ASSERT_EQ(read(cd, buf, sizeof(buf)), 5);    /* else left unread */
	UT_SYS(lt_ctl(cfd, "hangup"));
	UT_SYS(close(cd));
	UT_SYS(close(cfd));
	UT_SYS(close(sd));
	UT_SYS(close(sfd));
}

UTEST(tcp, conversations_do_not_leak)
{
	long long kobjs, blocks, convs;
	int ln, lfd = lt_announce(7208, &ln);
	bool back = false;

	lt_reset_conn(ln, 7208, 0);                     /* warm up */
	usleep(100000);
	convs = lt_stat("/net/tcp/stats", "Conversations: ");
	blocks = lt_stat("/net/stats", "Blocks: ");
	kobjs = lt_stat("#mem/free", "kmalloc_objects ");
	UT_ASSERT(convs >= 1 && blocks >= 0 && kobjs > 0);
	for (int i = 0; i < 100; i++)
		lt_reset_conn(ln, 7208, i);
	for (int i = 0; i < 200 && !back; i++) {
		back = lt_stat("/net/tcp/stats", "Conversations: ") == convs &&
		       lt_stat("/net/stats", "Blocks: ") == blocks &&
		       lt_stat("#mem/free", "kmalloc_objects ") == kobjs;
		if (!back)
			usleep(10000);
	}
	UT_ASSERT_MSG(back, "convs %lld -> %lld, blocks %lld -> %lld, kmalloc objects %lld -> %lld",
	              convs, lt_stat("/net/tcp/stats", "Conversations: "), blocks,
	              lt_stat("/net/stats", "Blocks: "), kobjs,
	              lt_stat("#mem/free", "kmalloc_objects "));
	UT_SYS(close(lfd));
}

int main(int argc, char **argv)
{
	return utest_main("libc_tcp", argc, argv);
}
