/* SPDX-License-Identifier: MIT */
/*
 * g2g.c - the UDP side of the guest-to-guest benchmarks (tests/bench/
 * guests.py, Documentation/benchmarks.md "Guest to guest"): one source for
 * both systems, BSD sockets only (on Vireo the C library's, over /net/udp).
 *
 *	g2g echo PORT SECS            sends each datagram back where it came
 *	                              from; ends after SECS without one
 *	g2g rtt ADDR PORT N           N round trips of a 16-byte datagram to an
 *	                              echo; prints
 *	                              "G2G udp_rtt_us MEDIAN P10 P90 LOST"
 *	g2g sink PORT SECS            counts datagrams until an end marker (a
 *	                              datagram starting with 'E') or SECS
 *	                              without one; prints "G2G udp_stream_mbps
 *	                              MBIT_PER_S BYTES DATAGRAMS SECONDS", the
 *	                              time from the first datagram to the last
 *	g2g stream ADDR PORT SECS SIZE  sends SIZE-byte datagrams as fast as
 *	                              the stack takes them for SECS seconds,
 *	                              then end markers; prints "G2G sent ..."
 *
 * A round trip whose reply does not come within a second counts as lost.
 * Exit status 0, 1 when nothing came back or arrived, 2 on bad usage or a
 * failed call.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define G2G_MAX 65536
#define G2G_RTT_LEN 16
#define G2G_RTT_WAIT_MS 1000
#define G2G_RTT_MAX 100000
#define G2G_END_MARKERS 5

static char g2g_buf[G2G_MAX];

static double g2g_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int g2g_socket(int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0 || (port && bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)) {
		perror("g2g: socket/bind");
		exit(2);
	}
	return fd;
}

static struct sockaddr_in g2g_addr(const char *addr, const char *port)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port)) };

	if (inet_pton(AF_INET, addr, &to.sin_addr) != 1) {
		fprintf(stderr, "g2g: bad address %s\n", addr);
		exit(2);
	}
	return to;
}

/* A datagram into g2g_buf within ms, its length; -1 on a timeout. */
static ssize_t g2g_wait(int fd, int ms, struct sockaddr_in *from)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	socklen_t fl = sizeof(*from);

	if (poll(&p, 1, ms) <= 0)
		return -1;
	return recvfrom(fd, g2g_buf, sizeof(g2g_buf), 0, (struct sockaddr *)from, &fl);
}

static int g2g_echo(int port, int secs)
{
	int fd = g2g_socket(port), n = 0;
	struct sockaddr_in from;
	ssize_t len;

	while ((len = g2g_wait(fd, secs * 1000, &from)) >= 0) {
		if (sendto(fd, g2g_buf, (size_t)len, 0, (struct sockaddr *)&from, sizeof(from)) < 0)
			perror("g2g: echo sendto");
		n++;
	}
	printf("G2G echoed %d\n", n);
	return n ? 0 : 1;
}

static int g2g_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int g2g_rtt(const char *addr, const char *port, int n)
{
	struct sockaddr_in to = g2g_addr(addr, port), from;
	double *us = calloc((size_t)n, sizeof(*us));
	int fd = g2g_socket(0), got = 0;
	char msg[G2G_RTT_LEN];

	if (!us)
		return 2;
	for (int i = 0; i < n; i++) {
		double t0;
		ssize_t len;

		snprintf(msg, sizeof(msg), "g2g %11d", i);
		t0 = g2g_now();
		if (sendto(fd, msg, sizeof(msg), 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
			perror("g2g: sendto");
			return 2;
		}
		/* A late reply to an earlier round is skipped, not counted. */
		while ((len = g2g_wait(fd, G2G_RTT_WAIT_MS, &from)) >= 0 &&
		       (len != G2G_RTT_LEN || memcmp(g2g_buf, msg, sizeof(msg))))
			;
		if (len >= 0)
			us[got++] = (g2g_now() - t0) * 1e6;
	}
	if (!got) {
		printf("G2G udp_rtt_us none 0 0 %d\n", n);
		return 1;
	}
	qsort(us, (size_t)got, sizeof(*us), g2g_cmp);
	printf("G2G udp_rtt_us %.0f %.0f %.0f %d\n", us[got / 2], us[got / 10],
	       us[got * 9 / 10], n - got);
	free(us);
	return 0;
}

static int g2g_sink(int port, int secs)
{
	int fd = g2g_socket(port);
	double first = 0, last = 0;
	long long bytes = 0, n = 0;
	struct sockaddr_in from;
	ssize_t len;

	while ((len = g2g_wait(fd, secs * 1000, &from)) >= 0) {
		if (len > 0 && g2g_buf[0] == 'E')
			break;
		last = g2g_now();
		if (!n)
			first = last;
		n++;
		bytes += len;
	}
	if (n < 2) {
		printf("G2G udp_stream_mbps none %lld %lld 0\n", bytes, n);
		return 1;
	}
	/* The first datagram opens the clock: it is not counted in the rate. */
	printf("G2G udp_stream_mbps %.1f %lld %lld %.3f\n",
	       (double)(bytes - bytes / n) * 8 / 1e6 / (last - first), bytes, n, last - first);
	return 0;
}

static int g2g_stream(const char *addr, const char *port, int secs, int size)
{
	struct sockaddr_in to = g2g_addr(addr, port);
	int fd = g2g_socket(0);
	long long n = 0, busy = 0;
	double end;

	if (size < 1 || size > 65507) {
		fprintf(stderr, "g2g: size %d is not 1..65507\n", size);
		return 2;
	}
	memset(g2g_buf, 'D', (size_t)size);
	end = g2g_now() + secs;
	while (g2g_now() < end) {
		if (sendto(fd, g2g_buf, (size_t)size, 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
			if (errno != ENOBUFS && errno != EAGAIN) {
				perror("g2g: sendto");
				return 2;
			}
			busy++;
			usleep(100);
			continue;
		}
		n++;
	}
	for (int i = 0; i < G2G_END_MARKERS; i++) {
		usleep(100 * 1000);
		sendto(fd, "E", 1, 0, (struct sockaddr *)&to, sizeof(to));
	}
	printf("G2G sent %lld datagrams of %d bytes (%lld times the stack was full)\n", n, size,
	       busy);
	return 0;
}

static int g2g_usage(void)
{
	fprintf(stderr, "usage: g2g echo PORT SECS | rtt ADDR PORT N | sink PORT SECS |"
	                " stream ADDR PORT SECS SIZE\n");
	return 2;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 4 && !strcmp(argv[1], "echo"))
		return g2g_echo(atoi(argv[2]), atoi(argv[3]));
	if (argc == 5 && !strcmp(argv[1], "rtt") && atoi(argv[4]) > 0 &&
	    atoi(argv[4]) <= G2G_RTT_MAX)
		return g2g_rtt(argv[2], argv[3], atoi(argv[4]));
	if (argc == 4 && !strcmp(argv[1], "sink"))
		return g2g_sink(atoi(argv[2]), atoi(argv[3]));
	if (argc == 6 && !strcmp(argv[1], "stream"))
		return g2g_stream(argv[2], argv[3], atoi(argv[4]), atoi(argv[5]));
	return g2g_usage();
}
