/* SPDX-License-Identifier: MIT */
/*
 * b_net.c - B15: three network round trips.
 *
 *	udp_loopback_rtt  a 16-byte UDP request and its echo between two
 *	                  processes over 127.0.0.1
 *	tcp_loopback_rtt  the same over a TCP connection (TCP_NODELAY), with
 *	                  BSD sockets on both systems (on Vireo the C
 *	                  library's, over /net/tcp: Documentation/sockets.md)
 *	ping_gateway      an ICMP echo request to QEMU's slirp gateway 10.0.2.2
 *	                  and its reply, over the e1000 (user networking,
 *	                  restrict=on; scripts/bench.py adds the NIC to both
 *	                  systems)
 *
 * On Vireo through #ip on /net: the echo server is a UDP conversation
 * announced in headers mode that writes back each datagram as read (the
 * header says where it goes), the client one connected to it; the ping
 * binds an interface to /net/ether0 with 10.0.2.15/24 and a default route
 * (as tests/libc/libc_net.c's slirp suite does) and writes echo requests to
 * an icmp conversation connected to the gateway (the kernel fills in the
 * identifier and the checksum).  On Linux through BSD sockets: the same
 * echo over UDP, and the ping on a raw ICMP socket (runall runs as root),
 * the interface brought up by /bench/net-up.sh (tests/bench/
 * linux-net-up.sh, busybox).  Both read the reply with its IP header.  A
 * reply that does not come within 5 s ends the program with BENCH-ERROR.
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#ifndef __vireo__
#include <spawn.h>
#endif

#include "bench.h"

#define UDP_PORT 7300
#define TCP_PORT 7302
#define UDP_LEN 16
#define IP_HDR 20
#define ICMP_HDR 8
#define ICMP_LEN (ICMP_HDR + 56)        /* ping's default payload */
#define REPLY_WAIT_MS 5000

static int udp_fd, tcp_fd, icmp_fd;
static unsigned int icmp_seq;

/* Waits for fd to be readable, dying after REPLY_WAIT_MS. */
static void wait_reply(int fd, const char *what)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, REPLY_WAIT_MS) != 1)
		bench_die(what);
}

#ifdef __vireo__

/* Writes a ctl message, dying if it is refused. */
static void net_ctl(int fd, const char *msg)
{
	if (write(fd, msg, strlen(msg)) != (ssize_t)strlen(msg))
		bench_die(msg);
}

/* Clones a conversation of proto: its ctl fd (kept open: it keeps the
 * conversation), its number in *n. */
static int net_clone(const char *proto, int *n)
{
	char path[32], num[16];
	int fd;
	ssize_t r;

	snprintf(path, sizeof(path), "/net/%s/clone", proto);
	fd = open(path, O_RDWR);
	if (fd < 0 || (r = read(fd, num, sizeof(num) - 1)) <= 0)
		bench_die(path);
	num[r] = 0;
	*n = atoi(num);
	return fd;
}

static int net_data(const char *proto, int n)
{
	char path[32];
	int fd;

	snprintf(path, sizeof(path), "/net/%s/%d/data", proto, n);
	fd = open(path, O_RDWR);
	if (fd < 0)
		bench_die(path);
	return fd;
}

/* The server's data fd: announced on UDP_PORT, headers mode. */
static int udp_server(void)
{
	char msg[32];
	int n, ctl = net_clone("udp", &n);

	net_ctl(ctl, "headers");
	snprintf(msg, sizeof(msg), "announce %d", UDP_PORT);
	net_ctl(ctl, msg);
	return net_data("udp", n);
}

static int udp_client(void)
{
	char msg[32];
	int n, ctl = net_clone("udp", &n);

	snprintf(msg, sizeof(msg), "connect 127.0.0.1!%d", UDP_PORT);
	net_ctl(ctl, msg);
	return net_data("udp", n);
}

/* Headers mode: the datagram read names its sender, so writing it back
 * unchanged answers it. */
static void udp_echo(int fd)
{
	char buf[52 + UDP_LEN];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write(fd, buf, n) != n)
			break;
}

/* An interface on /net/ether0 as 10.0.2.15/24, the default route through
 * the gateway, and an icmp conversation connected to it. */
static int icmp_open(void)
{
	int n, ifc, rt, ctl;

	if (access("/net/ether0/clone", F_OK) < 0)
		bench_die("no /net/ether0 (no NIC)");
	ifc = open("/net/ipifc/clone", O_RDWR);         /* kept: it keeps the interface */
	if (ifc < 0)
		bench_die("/net/ipifc/clone");
	net_ctl(ifc, "bind ether /net/ether0");
	net_ctl(ifc, "add 10.0.2.15 255.255.255.0");
	rt = open("/net/iproute", O_RDWR);
	if (rt < 0)
		bench_die("/net/iproute");
	net_ctl(rt, "add 0.0.0.0 0.0.0.0 10.0.2.2");
	close(rt);
	ctl = net_clone("icmp", &n);
	net_ctl(ctl, "connect 10.0.2.2!1");
	return net_data("icmp", n);
}

/* The kernel sets the identifier and the checksum. */
static void icmp_finish(uint8_t *req)
{
}

#else

static struct sockaddr_in loopback(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(UDP_PORT) };

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static int udp_server(void)
{
	struct sockaddr_in a = loopback();
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		bench_die("udp bind");
	return fd;
}

static int udp_client(void)
{
	struct sockaddr_in a = loopback();
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		bench_die("udp connect");
	return fd;
}

static void udp_echo(int fd)
{
	char buf[UDP_LEN];
	struct sockaddr_in from;
	socklen_t len = sizeof(from);
	ssize_t n;

	while ((n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len)) > 0) {
		if (sendto(fd, buf, n, 0, (struct sockaddr *)&from, len) != n)
			break;
		len = sizeof(from);
	}
}

extern char **environ;

/* /bench/net-up.sh loads e1000 and configures eth0; then a raw ICMP
 * socket connected to the gateway (which filters what it reads). */
static int icmp_open(void)
{
	char *argv[] = { "sh", "/bench/net-up.sh", NULL };
	struct sockaddr_in gw = { .sin_family = AF_INET };
	pid_t pid;
	int status, fd;

	if (posix_spawn(&pid, "/bin/busybox", NULL, NULL, argv, environ) ||
	    waitpid(pid, &status, 0) != pid || status != 0)
		bench_die("/bench/net-up.sh");
	gw.sin_addr.s_addr = inet_addr("10.0.2.2");
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	if (fd < 0 || connect(fd, (struct sockaddr *)&gw, sizeof(gw)) < 0)
		bench_die("raw icmp socket");
	return fd;
}

/* Identifier and the Internet checksum, as the kernel does on Vireo. */
static void icmp_finish(uint8_t *req)
{
	uint32_t sum = 0;

	req[4] = (uint8_t)(getpid() >> 8);
	req[5] = (uint8_t)getpid();
	for (int i = 0; i < ICMP_LEN; i += 2)
		sum += (uint32_t)req[i] << 8 | req[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	req[2] = (uint8_t)(~sum >> 8);
	req[3] = (uint8_t)~sum;
}

#endif

static void udp_round(void *arg, long iters)
{
	char buf[UDP_LEN] = "request";

	for (long i = 0; i < iters; i++) {
		if (write(udp_fd, buf, UDP_LEN) != UDP_LEN)
			bench_die("udp write");
		wait_reply(udp_fd, "no udp echo within 5 s");
		if (read(udp_fd, buf, UDP_LEN) != UDP_LEN)
			bench_die("udp read");
	}
}

/* ------------------------------------------------------------ TCP, both systems */

static struct sockaddr_in tcp_addr(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(TCP_PORT) };

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static void tcp_nodelay(int fd)
{
	int one = 1;

	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0)
		bench_die("TCP_NODELAY");
}

static int tcp_listener(void)
{
	struct sockaddr_in a = tcp_addr();
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 1) < 0)
		bench_die("tcp listen");
	return fd;
}

/* Reads exactly n bytes (after a poll bounded by REPLY_WAIT_MS when
 * wait is set); false at EOF or an error. */
static bool tcp_read_all(int fd, char *buf, size_t n, bool wait)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r;

		if (wait)
			wait_reply(fd, "no tcp echo within 5 s");
		r = read(fd, buf + got, n - got);
		if (r <= 0)
			return false;
		got += (size_t)r;
	}
	return true;
}

/* The server: one connection, each 16-byte request written back. */
static void tcp_echo(int ln)
{
	char buf[UDP_LEN];
	int fd = accept(ln, NULL, NULL);

	if (fd < 0)
		return;
	tcp_nodelay(fd);
	while (tcp_read_all(fd, buf, UDP_LEN, false))
		if (write(fd, buf, UDP_LEN) != UDP_LEN)
			break;
}

static int tcp_client(void)
{
	struct sockaddr_in a = tcp_addr();
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		bench_die("tcp connect");
	tcp_nodelay(fd);
	return fd;
}

static void tcp_round(void *arg, long iters)
{
	char buf[UDP_LEN] = "request";

	for (long i = 0; i < iters; i++) {
		if (write(tcp_fd, buf, UDP_LEN) != UDP_LEN)
			bench_die("tcp write");
		if (!tcp_read_all(tcp_fd, buf, UDP_LEN, true))
			bench_die("tcp read");
	}
}

/* An echo server in a child of its own for round(): started, measured,
 * killed. */
static void echo_bench(const char *name, int (*server)(void), void (*echo)(int),
                       int (*client)(void), int *fd, void (*round)(void *, long))
{
	int sfd = server();
	pid_t child = fork();

	if (child < 0)
		bench_die("fork");
	if (child == 0) {
		echo(sfd);
		_exit(0);
	}
	close(sfd);
	*fd = client();
	bench_report(name, "ns", round, NULL, 2000);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	close(*fd);
}

static void ping_round(void *arg, long iters)
{
	uint8_t req[ICMP_LEN], rep[IP_HDR + ICMP_LEN + 64];

	for (long i = 0; i < iters; i++) {
		unsigned int seq = ++icmp_seq & 0xffff;
		ssize_t n;

		memset(req, 0, ICMP_HDR);
		req[0] = 8;                             /* echo request */
		req[6] = (uint8_t)(seq >> 8);
		req[7] = (uint8_t)seq;
		for (int j = ICMP_HDR; j < ICMP_LEN; j++)
			req[j] = (uint8_t)j;
		icmp_finish(req);
		if (write(icmp_fd, req, ICMP_LEN) != ICMP_LEN)
			bench_die("icmp write");
		/* Skip anything that is not our reply (a late one, say). */
		do {
			wait_reply(icmp_fd, "no echo reply from 10.0.2.2 within 5 s");
			n = read(icmp_fd, rep, sizeof(rep));
			if (n < 0)
				bench_die("icmp read");
		} while (n != IP_HDR + ICMP_LEN || rep[IP_HDR] != 0 ||
		         (rep[IP_HDR + 6] << 8 | rep[IP_HDR + 7]) != (int)seq);
	}
}

int main(void)
{
	echo_bench("udp_loopback_rtt", udp_server, udp_echo, udp_client, &udp_fd, udp_round);
	echo_bench("tcp_loopback_rtt", tcp_listener, tcp_echo, tcp_client, &tcp_fd, tcp_round);

	icmp_fd = icmp_open();
	bench_report("ping_gateway", "ns", ping_round, NULL, 200);
	return 0;
}
