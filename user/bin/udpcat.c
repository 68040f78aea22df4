/* SPDX-License-Identifier: MIT */
/*
 * udpcat.c - /bin/udpcat: UDP datagrams over #ip's conversations, with
 * the interface of the Linux guest's tests/net/udpcat.c so the network
 * tests (tests/net/twoguests.py) type the same commands on both sides.
 *
 *	udpcat send ADDR PORT TEXT [SRCPORT]   one datagram holding TEXT
 *	                                       ("connect ADDR!PORT [SRCPORT]")
 *	udpcat recv PORT SECS                  waits for one datagram, prints
 *	                                       "udpcat: from A.B.C.D:P N bytes: TEXT"
 *	udpcat echo PORT SECS COUNT            sends COUNT datagrams back where
 *	                                       they came from, SECS for each
 *
 * recv and echo use headers mode ("headers", "announce PORT"); they poll
 * the data file opened O_NONBLOCK.  Exits 0 when done, 1 on a timeout, 2 on
 * a bad argument or a failed call.  Bytes outside printable ASCII print
 * as '.'.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "ipaddr.h"
#include "netcfg.h"
#include "vbin.h"

#define UDPCAT_MAX 65536
#define UDPCAT_POLL_MS 10

static const char udpcat_usage[] =
	"usage: udpcat send ADDR PORT TEXT [SRCPORT] | recv PORT SECS | echo PORT SECS COUNT\n";

/* A conversation's data file; ctl stays open in *ctl. */
static int udpcat_open(const char *msg1, const char *msg2, int *ctl, int flags)
{
	char dir[NET_PATH_MAX], path[NET_PATH_MAX + 8];
	int fd;

	*ctl = net_clone("udp", dir, sizeof(dir));
	if (*ctl < 0) {
		vbin_fail("udpcat", NET_ROOT "/udp/clone");
		exit(2);
	}
	if (net_write_fd(*ctl, msg1) < 0 || (msg2 && net_write_fd(*ctl, msg2) < 0)) {
		vbin_fail("udpcat", msg2 ? msg2 : msg1);
		exit(2);
	}
	snprintf(path, sizeof(path), "%s/data", dir);
	fd = open(path, O_RDWR | flags);
	if (fd < 0) {
		vbin_fail("udpcat", path);
		exit(2);
	}
	return fd;
}

static int udpcat_send(char **argv, int argc)
{
	char msg[96];
	uint32_t a;
	int ctl, fd;

	if (!ip_parse(argv[2], &a)) {
		fprintf(stderr, "udpcat: bad address %s\n", argv[2]);
		return 2;
	}
	snprintf(msg, sizeof(msg), "connect %s!%d%s%s", argv[2], atoi(argv[3]),
		 argc > 5 ? " " : "", argc > 5 ? argv[5] : "");
	fd = udpcat_open(msg, NULL, &ctl, 0);
	if (write(fd, argv[4], strlen(argv[4])) < 0) {
		vbin_fail("udpcat", "write");
		return 2;
	}
	return 0;
}

/* Waits up to secs for a datagram (header + payload); its length, or -1. */
static ssize_t udpcat_wait(int fd, int secs, uint8_t *buf)
{
	struct timespec nap = { 0, UDPCAT_POLL_MS * 1000000L };

	for (long left = (long)secs * 1000; left > 0; left -= UDPCAT_POLL_MS) {
		ssize_t n = read(fd, buf, UDPCAT_MAX);

		if (n > UDP_HDR_LEN)
			return n;
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			vbin_fail("udpcat", "read");
			exit(2);
		}
		nanosleep(&nap, NULL);
	}
	return -1;
}

static int udpcat_recv(char **argv)
{
	static uint8_t buf[UDPCAT_MAX];
	char announce[32], from[IP_STR];
	struct udp_hdr h;
	int ctl, fd;
	ssize_t n;

	snprintf(announce, sizeof(announce), "announce %d", atoi(argv[2]));
	fd = udpcat_open("headers", announce, &ctl, O_NONBLOCK);
	n = udpcat_wait(fd, atoi(argv[3]), buf);
	if (n < 0) {
		printf("udpcat: timeout\n");
		return 1;
	}
	if (!udp_hdr_unpack(buf, &h)) {
		fprintf(stderr, "udpcat: a header that is not IPv4\n");
		return 2;
	}
	for (ssize_t i = UDP_HDR_LEN; i < n; i++)
		if (buf[i] < 32 || buf[i] > 126)
			buf[i] = '.';
	ip_format(h.raddr, from);
	printf("udpcat: from %s:%u %zd bytes: %.*s\n", from, h.rport, n - UDP_HDR_LEN,
	       (int)(n - UDP_HDR_LEN), (char *)buf + UDP_HDR_LEN);
	return 0;
}

static int udpcat_echo(char **argv)
{
	static uint8_t buf[UDPCAT_MAX];
	char announce[32];
	int ctl, fd, count = atoi(argv[4]);

	snprintf(announce, sizeof(announce), "announce %d", atoi(argv[2]));
	fd = udpcat_open("headers", announce, &ctl, O_NONBLOCK);
	for (int i = 0; i < count; i++) {
		ssize_t n = udpcat_wait(fd, atoi(argv[3]), buf);

		if (n < 0) {
			printf("udpcat: timeout after %d\n", i);
			return 1;
		}
		/* The header names the sender as remote: written back, it
		 * addresses the reply. */
		if (write(fd, buf, (size_t)n) < 0) {
			vbin_fail("udpcat", "write");
			return 2;
		}
	}
	printf("udpcat: echoed %d\n", count);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 5 && argc <= 6 && strcmp(argv[1], "send") == 0)
		return udpcat_send(argv, argc);
	if (argc == 4 && strcmp(argv[1], "recv") == 0)
		return udpcat_recv(argv);
	if (argc == 5 && strcmp(argv[1], "echo") == 0)
		return udpcat_echo(argv);
	fprintf(stderr, "%s", udpcat_usage);
	return argc > 1 && strcmp(argv[1], "-h") == 0 ? 0 : 2;
}
