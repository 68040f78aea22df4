/* SPDX-License-Identifier: MIT */
/*
 * libc_iplib.c - utests of iplib (user/iplib) over loopback: dial9,
 * announce9, listen9, accept9 and reject9 with data both ways and the
 * folders they name; a refused dial (ECONNREFUSED); bad dial strings,
 * services and folders (EINVAL, nothing left open); names from /etc/hosts;
 * DNS over UDP to a server of our own on 127.0.0.1:53 (a forked child,
 * named in /etc/resolv.conf) that drops the first query (the retry), says
 * NXDOMAIN (ENOENT) or is silent (ETIMEDOUT); and a thousand dial, accept
 * and close rounds leaving /net/tcp's conversation count where it was
 * (a byte that does not come within 20 s fails the round with both
 * conversations' status, rather than hanging the boot).
 * Run by scripts/run-ktests.sh (run_utest libc_iplib /test/libc_iplib).
 */
#define _GNU_SOURCE             /* memmem */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utest/utest.h>
#include "iplib.h"

#define LI_RESOLV "/etc/resolv.conf"

static void li_read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t r = fd < 0 ? -1 : read(fd, buf, size - 1);

	buf[r > 0 ? r : 0] = 0;
	if (fd >= 0)
		close(fd);
}

static void li_write_file(const char *path, const char *text)
{
	int fd = UT_SYS(open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644));

	UT_ASSERT_EQ(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* A call on the listener of adir: its data fd, the call's ctl in *ctl. */
static int li_accept(const char *adir, int *ctl, char *ldir)
{
	*ctl = UT_SYS(listen9(adir, ldir));
	return UT_SYS(accept9(*ctl, ldir));
}

UTEST(iplib, dial_announce_listen_accept)
{
	char adir[IPL_DIR_MAX], ddir[IPL_DIR_MAX], ldir[IPL_DIR_MAX], buf[64], path[80];
	int afd = UT_SYS(announce9("tcp!*!7301", adir)), cfd, lcfd, dfd, sfd;

	UT_ASSERT(!strncmp(adir, "/net/tcp/", 9));
	dfd = UT_SYS(dial9("tcp!127.0.0.1!7301", NULL, ddir, &cfd));
	sfd = li_accept(adir, &lcfd, ldir);
	UT_ASSERT(strcmp(ddir, ldir) && strcmp(ddir, adir) && strcmp(ldir, adir));
	UT_ASSERT_EQ(write(dfd, "ping", 4), 4);
	UT_ASSERT_EQ(read(sfd, buf, sizeof(buf)), 4);
	UT_ASSERT_MEMEQ(buf, "ping", 4);
	UT_ASSERT_EQ(write(sfd, "pong!", 5), 5);
	UT_ASSERT_EQ(read(dfd, buf, sizeof(buf)), 5);
	UT_ASSERT_MEMEQ(buf, "pong!", 5);
	snprintf(path, sizeof(path), "%s/remote", ldir);
	li_read_file(path, buf, sizeof(buf));
	UT_ASSERT_MSG(!strncmp(buf, "127.0.0.1!", 10), "remote '%s'", buf);
	snprintf(path, sizeof(path), "%s/local", ddir);
	li_read_file(path, buf, sizeof(buf));
	UT_ASSERT_MSG(strstr(buf, "!") != NULL, "local '%s'", buf);
	UT_SYS(close(dfd));
	UT_SYS(close(cfd));                     /* the last file: FIN, EOF for the server */
	UT_ASSERT_EQ(read(sfd, buf, sizeof(buf)), 0);
	close(sfd);
	close(lcfd);
	close(afd);
}

UTEST(iplib, names_services_and_local_port)
{
	char adir[IPL_DIR_MAX], ddir[IPL_DIR_MAX], ldir[IPL_DIR_MAX], buf[64], path[80];
	uint32_t a[IPL_ADDRS_MAX];
	int afd, dfd, sfd, lcfd;

	UT_ASSERT_EQ(ipl_lookup("localhost", a, IPL_ADDRS_MAX), 1);
	UT_ASSERT_EQ(a[0], 0x7f000001);
	UT_ASSERT_EQ(ipl_lookup("10.1.2.3", a, 1), 1);
	UT_ASSERT_EQ(a[0], 0x0a010203);
	afd = UT_SYS(announce9("tcp!localhost!ttcp", adir));       /* 5001 */
	dfd = UT_SYS(dial9(netmkaddr("localhost", "net", "5001"), "tcp!*!7311", ddir, NULL));
	sfd = li_accept(adir, &lcfd, ldir);
	snprintf(path, sizeof(path), "%s/remote", ldir);
	li_read_file(path, buf, sizeof(buf));
	UT_ASSERT_MSG(strstr(buf, "!7311") != NULL, "the local port asked for: '%s'", buf);
	close(dfd);
	close(sfd);
	close(lcfd);
	close(afd);
}

UTEST(iplib, refused_and_rejected)
{
	char adir[IPL_DIR_MAX], ldir[IPL_DIR_MAX], buf[8];
	int afd, dfd, lcfd, sfd;
	ssize_t r;

	UT_ASSERT_ERRNO(dial9("tcp!127.0.0.1!7399", NULL, NULL, NULL), ECONNREFUSED);
	afd = UT_SYS(announce9("tcp!*!7302", adir));
	dfd = UT_SYS(dial9("tcp!127.0.0.1!7302", NULL, NULL, NULL));
	lcfd = UT_SYS(listen9(adir, ldir));
	UT_SYS(reject9(lcfd, ldir, "busy"));
	sfd = accept9(lcfd, ldir);
	r = read(dfd, buf, sizeof(buf));
	UT_ASSERT_MSG(r == 0 || (r < 0 && errno == ECONNRESET), "read after reject: %zd %s", r,
		      utest_errdesc(errno));
	if (sfd >= 0)
		close(sfd);
	close(dfd);
	close(lcfd);
	close(afd);
}

UTEST(iplib, bad_arguments)
{
	char dir[IPL_DIR_MAX];
	int cfd = -7;

	UT_ASSERT_ERRNO(dial9(NULL, NULL, dir, &cfd), EINVAL);
	UT_ASSERT_ERRNO(dial9("tcp!127.0.0.1", NULL, dir, &cfd), EINVAL);        /* no port */
	UT_ASSERT_ERRNO(dial9("tcp!127.0.0.1!nosuch", NULL, dir, &cfd), EINVAL);
	UT_ASSERT_ERRNO(dial9("tcp!127.0.0.1!70000", NULL, dir, &cfd), EINVAL);
	UT_ASSERT_ERRNO(dial9("il!127.0.0.1!80", NULL, dir, &cfd), EINVAL);
	UT_ASSERT_ERRNO(dial9("tcp!*!80", NULL, dir, &cfd), EINVAL);
	UT_ASSERT_ERRNO(dial9("tcp!bad name!80", NULL, dir, &cfd), EINVAL);
	UT_ASSERT_ERRNO(dial9("tcp!127.0.0.1!80", "tcp!*!x", dir, &cfd), EINVAL);
	UT_ASSERT_EQ(cfd, -7);                  /* untouched on failure */
	UT_ASSERT_ERRNO(announce9("tcp!*", dir), EINVAL);
	UT_ASSERT_ERRNO(announce9("tcp!10.9.9.9!7303", dir), EADDRNOTAVAIL);
	UT_ASSERT_ERRNO(listen9("/nowhere", dir), EINVAL);
	UT_ASSERT_ERRNO(listen9("/net/tcp/9999", dir), ENOENT);
	UT_ASSERT_ERRNO(accept9(3, NULL), EINVAL);
	UT_ASSERT_ERRNO(ipl_lookup("", (uint32_t[1]){ 0 }, 1), EINVAL);
	UT_ASSERT_ERRNO(ipl_lookup("a..b", (uint32_t[1]){ 0 }, 1), EINVAL);
}

/* ------------------------------------------------------- our DNS server */

/* Answers queries on udp 127.0.0.1:53 (headers mode): the first is
 * dropped; "ok.test" gets 10.20.30.40, "nx.test" NXDOMAIN; "quiet.test" is
 * never answered.  Runs until killed. */
static void li_dns_server(int ready)
{
	uint8_t m[52 + IPL_DNS_MAX];
	int ctl = open("/net/udp/clone", O_RDWR), data, n = 0;
	char num[16], path[48];
	ssize_t r;

	if (ctl < 0 || write(ctl, "headers", 7) < 0 || write(ctl, "announce 53", 11) < 0)
		_exit(2);
	r = pread(ctl, num, sizeof(num) - 1, 0);
	num[r > 0 ? r : 0] = 0;
	snprintf(path, sizeof(path), "/net/udp/%d/data", atoi(num));
	data = open(path, O_RDWR);
	if (data < 0 || write(ready, "r", 1) != 1)
		_exit(2);
	while ((r = read(data, m, sizeof(m))) > 52 + 12) {
		size_t len = (size_t)r;
		static const uint8_t rr[] = { 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4,
					      10, 20, 30, 40 };

		if (n++ == 0 || memmem(m + 52, len - 52, "\x05quiet", 6))
			continue;
		m[52 + 2] |= 0x80;
		m[52 + 3] = 0x80;
		if (memmem(m + 52, len - 52, "\x02nx", 3)) {
			m[52 + 3] |= 3;
		} else {
			m[52 + 7] = 1;
			memcpy(m + len, rr, sizeof(rr));
			len += sizeof(rr);
		}
		if (write(data, m, len) < 0)
			_exit(3);
	}
	_exit(0);
}

UTEST(iplib, dns_over_udp)
{
	char saved[1024];
	uint32_t a[4];
	int pfd[2], pid, st;
	char c;

	li_read_file(LI_RESOLV, saved, sizeof(saved));
	UT_SYS(pipe(pfd));
	pid = UT_SYS(fork());
	if (pid == 0)
		li_dns_server(pfd[1]);
	UT_ASSERT_EQ(read(pfd[0], &c, 1), 1);
	li_write_file(LI_RESOLV, "# libc_iplib\nnameserver 127.0.0.1\n");
	UT_ASSERT_EQ(ipl_lookup("ok.test", a, 4), 1);           /* after one retry */
	UT_ASSERT_EQ(a[0], 0x0a141e28);
	UT_ASSERT_EQ(ipl_lookup("OK.test.", a, 4), 1);
	UT_ASSERT_ERRNO(ipl_lookup("nx.test", a, 4), ENOENT);
	UT_ASSERT_ERRNO(ipl_lookup("quiet.test", a, 4), ETIMEDOUT);
	li_write_file(LI_RESOLV, "");
	UT_ASSERT_ERRNO(ipl_lookup("ok.test", a, 4), ENOENT);   /* no server at all */
	if (saved[0])
		li_write_file(LI_RESOLV, saved);
	else
		unlink(LI_RESOLV);
	kill(pid, SIGKILL);
	UT_SYS(waitpid(pid, &st, 0));
	close(pfd[0]);
	close(pfd[1]);
}

/* ----------------------------------------------------- a thousand rounds */

static long long li_convs(void)
{
	char buf[4096], *p;

	li_read_file("/net/tcp/stats", buf, sizeof(buf));
	p = strstr(buf, "Conversations: ");
	return p ? atoll(p + 15) : -1;
}

/* Reads one byte from fd within LI_WAIT_MS; a stall fails the test with
 * the round and both conversations' status lines. */
#define LI_WAIT_MS 20000
static void li_read1(int fd, char *b, int round, const char *ddir, const char *ldir)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char path[80], s1[256], s2[256];

	if (poll(&p, 1, LI_WAIT_MS) == 1) {
		UT_ASSERT_EQ(read(fd, b, 1), 1);
		return;
	}
	snprintf(path, sizeof(path), "%s/status", ddir);
	li_read_file(path, s1, sizeof(s1));
	snprintf(path, sizeof(path), "%s/status", ldir);
	li_read_file(path, s2, sizeof(s2));
	UT_ASSERT_MSG(false, "round %d: no byte in %d ms; client %s: %s; server %s: %s", round,
		      LI_WAIT_MS, ddir, s1, ldir, s2);
}

/* One round: dial, accept, a byte each way, the server's reject9 (a
 * reset: neither side waits in TIME_WAIT), every fd closed. */
static void li_round(const char *adir, int i)
{
	char ddir[IPL_DIR_MAX], ldir[IPL_DIR_MAX], b = (char)i;
	int dfd = UT_SYS(dial9("tcp!127.0.0.1!7304", NULL, ddir, NULL)), lcfd;
	int sfd = li_accept(adir, &lcfd, ldir);

	UT_ASSERT_EQ(write(dfd, &b, 1), 1);
	li_read1(sfd, &b, i, ddir, ldir);
	UT_ASSERT_EQ(write(sfd, &b, 1), 1);
	li_read1(dfd, &b, i, ddir, ldir);
	UT_ASSERT_EQ(b, (char)i);
	UT_SYS(reject9(lcfd, ldir, "done"));
	close(sfd);
	close(lcfd);
	close(dfd);
}

UTEST(iplib, thousand_rounds_leave_nothing)
{
	char adir[IPL_DIR_MAX];
	int afd = UT_SYS(announce9("tcp!*!7304", adir));
	long long before, after = -1;

	li_round(adir, 0);                      /* warm up */
	usleep(100000);
	before = li_convs();
	UT_ASSERT(before >= 1);
	for (int i = 1; i <= 1000; i++)
		li_round(adir, i);
	for (int i = 0; i < 200 && after != before; i++) {
		after = li_convs();
		if (after != before)
			usleep(10000);
	}
	UT_ASSERT_MSG(after == before, "conversations %lld before, %lld after", before, after);
	close(afd);
}

int main(int argc, char **argv)
{
	return utest_main("libc_iplib", argc, argv);
}
