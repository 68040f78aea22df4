/* SPDX-License-Identifier: MIT */
/*
 * libc_echo.c - an epoll echo server over TCP on loopback, for issue 14's
 * readiness acceptance: one process serves LE_CONNS connections at once
 * from one epoll set (the listener's ctl for calls waiting, each
 * connection's data file, non-blocking, for bytes and EOF), while a forked
 * client opens every connection first, then in each of LE_ROUNDS rounds
 * writes a seeded message of its own length to every connection before it
 * reads any echo back, so the server always has many ready fds in one
 * epoll_wait.  Every echoed byte is checked by the client; the server
 * counts connections and bytes and must see every connection end with EOF.
 * Run by scripts/run-ktests.sh (run_utest libc_echo).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utest/utest.h>

#define LE_PORT   7007
#define LE_CONNS  1000          /* x2 conversations on one machine, + the listener */
#define LE_ROUNDS 4
#define LE_MAXMSG 3000

struct le_conn {
	int ctl, data;
	size_t echoed;          /* server: bytes written back */
};

static struct le_conn le_srv[LE_CONNS];
static int le_cli_ctl[LE_CONNS], le_cli_data[LE_CONNS];

static uint8_t le_byte(unsigned int conn, unsigned int round, size_t i)
{
	return (uint8_t)(conn * 31 + round * 7 + i * 13 + (i >> 8));
}

static size_t le_len(unsigned int conn, unsigned int round)
{
	return 1 + (conn * 977 + round * 131) % LE_MAXMSG;
}

static int le_ctl_num(int ctl)
{
	char buf[16];
	ssize_t r = pread(ctl, buf, sizeof(buf) - 1, 0);

	if (r <= 0)
		return -1;
	buf[r] = 0;
	return atoi(buf);
}

static int le_open_file(int ctl, const char *file, int flags)
{
	char path[64];

	snprintf(path, sizeof(path), "/net/tcp/%d/%s", le_ctl_num(ctl), file);
	return open(path, flags);
}

/* ------------------------------------------------------------ client */

static int le_client_connect(unsigned int c)
{
	char msg[40];
	int ctl = open("/net/tcp/clone", O_RDWR);

	if (ctl < 0)
		return -1;
	snprintf(msg, sizeof(msg), "connect 127.0.0.1!%d", LE_PORT);
	if (write(ctl, msg, strlen(msg)) < 0)
		return -1;
	le_cli_ctl[c] = ctl;
	le_cli_data[c] = le_open_file(ctl, "data", O_RDWR);
	return le_cli_data[c] < 0 ? -1 : 0;
}

static int le_client_send(unsigned int c, unsigned int round)
{
	static uint8_t buf[LE_MAXMSG];
	size_t n = le_len(c, round);

	for (size_t i = 0; i < n; i++)
		buf[i] = le_byte(c, round, i);
	return write(le_cli_data[c], buf, n) == (ssize_t)n ? 0 : -1;
}

/* Reads the echo of round back and checks it; 0 or the exit code. */
static int le_client_check(unsigned int c, unsigned int round)
{
	static uint8_t buf[LE_MAXMSG];
	size_t n = le_len(c, round), got = 0;

	while (got < n) {
		ssize_t r = read(le_cli_data[c], buf + got, n - got);

		if (r <= 0)
			return 3;
		got += (size_t)r;
	}
	for (size_t i = 0; i < n; i++)
		if (buf[i] != le_byte(c, round, i))
			return 4;
	return 0;
}

static int le_client(void)
{
	int bad;

	for (unsigned int c = 0; c < LE_CONNS; c++)
		if (le_client_connect(c))
			return 2;
	for (unsigned int round = 0; round < LE_ROUNDS; round++) {
		for (unsigned int c = 0; c < LE_CONNS; c++)
			if (le_client_send(c, round))
				return 5;
		for (unsigned int c = 0; c < LE_CONNS; c++)
			if ((bad = le_client_check(c, round)))
				return bad;
	}
	for (unsigned int c = 0; c < LE_CONNS; c++) {
		close(le_cli_data[c]);
		close(le_cli_ctl[c]);
	}
	return 0;
}

/* ------------------------------------------------------------ server */

static int le_listener(void)
{
	char msg[32];
	int ctl = UT_SYS(open("/net/tcp/clone", O_RDWR));

	snprintf(msg, sizeof(msg), "announce %d", LE_PORT);
	UT_SYS(write(ctl, msg, strlen(msg)));
	return ctl;
}

/* A call waits on the listener: accept it into slot *nconns. */
static void le_accept(int ep, int ln, int *nconns)
{
	struct le_conn *c = &le_srv[*nconns];
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)*nconns };

	UT_ASSERT(*nconns < LE_CONNS);
	c->ctl = UT_SYS(le_open_file(ln, "listen", O_RDWR));
	c->data = UT_SYS(le_open_file(c->ctl, "data", O_RDWR | O_NONBLOCK));
	UT_SYS(epoll_ctl(ep, EPOLL_CTL_ADD, c->data, &ev));
	(*nconns)++;
}

/* Echoes what connection i has; true once it reached EOF (then closed). */
static bool le_echo(int ep, unsigned int i)
{
	struct le_conn *c = &le_srv[i];
	static uint8_t buf[8192];

	for (;;) {
		ssize_t r = read(c->data, buf, sizeof(buf)), off = 0;

		if (r < 0 && errno == EAGAIN)
			return false;
		UT_ASSERT(r >= 0);
		if (r == 0) {
			UT_SYS(epoll_ctl(ep, EPOLL_CTL_DEL, c->data, NULL));
			close(c->data);
			close(c->ctl);
			return true;
		}
		while (off < r) {       /* blocking would only be a full window: rare */
			ssize_t w = write(c->data, buf + off, (size_t)(r - off));

			if (w < 0 && errno == EAGAIN)
				continue;
			UT_ASSERT(w > 0);
			off += w;
		}
		c->echoed += (size_t)r;
	}
}

UTEST(echo, epoll_server_many_connections_every_byte_checked)
{
	static struct epoll_event evs[64];
	struct epoll_event lev = { .events = EPOLLIN, .data.u32 = UINT32_MAX };
	int ln = le_listener(), ep = UT_SYS(epoll_create1(0)), nconns = 0, ended = 0, st;
	size_t want = 0, total = 0;
	int most = 0;
	pid_t pid;

	UT_SYS(epoll_ctl(ep, EPOLL_CTL_ADD, ln, &lev));
	pid = UT_SYS(fork());
	if (pid == 0)
		_exit(le_client());
	while (ended < LE_CONNS) {
		int n = UT_SYS(epoll_wait(ep, evs, 64, 60 * 1000));

		UT_ASSERT_MSG(n > 0, "epoll_wait timed out with %d of %d connections ended",
		              ended, LE_CONNS);
		most = n > most ? n : most;
		for (int k = 0; k < n; k++) {
			if (evs[k].data.u32 == UINT32_MAX)
				le_accept(ep, ln, &nconns);
			else
				ended += le_echo(ep, evs[k].data.u32);
		}
	}
	UT_ASSERT_EQ(waitpid(pid, &st, 0), pid);
	UT_ASSERT_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "client status %#x", st);
	for (unsigned int c = 0; c < LE_CONNS; c++) {
		for (unsigned int round = 0; round < LE_ROUNDS; round++)
			want += le_len(c, round);
		total += le_srv[c].echoed;
	}
	UT_ASSERT_EQ(nconns, LE_CONNS);
	UT_ASSERT_EQ(total, want);
	UT_ASSERT_MSG(most > 1, "every epoll_wait reported one fd: no concurrency seen");
	printf("echo: %d connections, %zu bytes echoed, at most %d fds per epoll_wait\n",
	       LE_CONNS, total, most);
	close(ep);
	close(ln);
}

int main(int argc, char **argv)
{
	return utest_main("libc_echo", argc, argv);
}
