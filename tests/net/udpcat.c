/* SPDX-License-Identifier: MIT */
/*
 * udpcat.c - UDP datagrams for the Linux guest of the network tests
 * (tests/net/), since Debian's static busybox has no "nc -u".  Built with
 * musl-gcc -static (tests/net/net.mk).
 *
 *	udpcat send ADDR PORT TEXT [SRCPORT]   one datagram holding TEXT
 *	udpcat recv PORT SECS                  waits for one datagram, prints
 *	                                       "udpcat: from A.B.C.D:P N bytes: TEXT"
 *	udpcat echo PORT SECS COUNT            sends COUNT datagrams back where
 *	                                       they came from, SECS to wait for each
 *
 * Exits 0 when done, 1 on a timeout, 2 on a bad argument or a failed call.
 * TEXT is sent as it is; received bytes outside printable ASCII print as '.'.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define UDPCAT_MAX 65536

static int udpcat_socket(int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0 || (port && bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)) {
		perror("udpcat: socket/bind");
		exit(2);
	}
	return fd;
}

/* Waits up to secs for a datagram into buf; its length, or -1 on timeout. */
static ssize_t udpcat_wait(int fd, int secs, char *buf, struct sockaddr_in *from)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	socklen_t fl = sizeof(*from);

	if (poll(&p, 1, secs * 1000) <= 0)
		return -1;
	return recvfrom(fd, buf, UDPCAT_MAX, 0, (struct sockaddr *)from, &fl);
}

static int udpcat_send(char **argv, int argc)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[3])) };
	int fd = udpcat_socket(argc > 5 ? atoi(argv[5]) : 0);

	if (inet_pton(AF_INET, argv[2], &to.sin_addr) != 1) {
		fprintf(stderr, "udpcat: bad address %s\n", argv[2]);
		return 2;
	}
	if (sendto(fd, argv[4], strlen(argv[4]), 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
		perror("udpcat: sendto");
		return 2;
	}
	return 0;
}

static int udpcat_recv(char **argv)
{
	static char buf[UDPCAT_MAX];
	struct sockaddr_in from;
	int fd = udpcat_socket(atoi(argv[2]));
	ssize_t n = udpcat_wait(fd, atoi(argv[3]), buf, &from);

	if (n < 0) {
		printf("udpcat: timeout\n");
		return 1;
	}
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] < 32 || buf[i] > 126)
			buf[i] = '.';
	printf("udpcat: from %s:%d %zd bytes: %.*s\n", inet_ntoa(from.sin_addr),
	       ntohs(from.sin_port), n, (int)n, buf);
	return 0;
}

static int udpcat_echo(char **argv)
{
	static char buf[UDPCAT_MAX];
	struct sockaddr_in from;
	int fd = udpcat_socket(atoi(argv[2]));

	for (int i = 0; i < atoi(argv[4]); i++) {
		ssize_t n = udpcat_wait(fd, atoi(argv[3]), buf, &from);

		if (n < 0) {
			printf("udpcat: timeout after %d\n", i);
			return 1;
		}
		sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, sizeof(from));
	}
	printf("udpcat: echoed %s\n", argv[4]);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 5 && strcmp(argv[1], "send") == 0)
		return udpcat_send(argv, argc);
	if (argc == 4 && strcmp(argv[1], "recv") == 0)
		return udpcat_recv(argv);
	if (argc == 5 && strcmp(argv[1], "echo") == 0)
		return udpcat_echo(argv);
	fprintf(stderr, "usage: udpcat send ADDR PORT TEXT [SRCPORT] | recv PORT SECS | echo PORT SECS COUNT\n");
	return 2;
}
