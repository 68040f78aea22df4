/* SPDX-License-Identifier: MIT */
/*
 * ttcp.c - /bin/ttcp: TCP throughput between two hosts, the classic
 * test's interface over iplib (Documentation/tools/ttcp.md).
 *
 *	ttcp -t [-l LEN] [-n NUM] [-p PORT] HOST    send NUM buffers of LEN
 *	ttcp -r [-l LEN] [-p PORT]                  receive one connection
 *
 * LEN 8192, NUM 2048, PORT 5001 by default.  The transmitter dials
 * tcp!HOST!PORT and writes a pattern (byte i of the stream is i % 251);
 * the receiver announces tcp!*!PORT, accepts one call, reads until EOF and
 * checks the pattern.  Each side ends with
 * "ttcp-t: B bytes in S real seconds = K KB/sec" (ttcp-r for the receiver;
 * KB is 1024 bytes) and, on the receiver, "ttcp-r: pattern ok" or the
 * offset of the first wrong byte.  Exit codes: 0, 1 on a failure or a
 * wrong byte, 2 on bad usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "iplib.h"
#include "vbin.h"

#define TT_PATTERN 251

static const char tt_usage[] =
	"usage: ttcp -t [-l len] [-n num] [-p port] host\n"
	"       ttcp -r [-l len] [-p port]\n";

struct tt_opts {
	int transmit;           /* 1 -t, 0 -r, -1 unset */
	long len, num;
	const char *port, *host;
};

static double tt_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void tt_report(const char *who, long long bytes, double secs)
{
	if (secs <= 0)
		secs = 1e-6;
	printf("%s: %lld bytes in %.3f real seconds = %.1f KB/sec\n", who, bytes, secs,
	       bytes / secs / 1024);
	fflush(stdout);
}

static int tt_transmit(const struct tt_opts *o)
{
	char addr[IPL_ADDR_MAX], *buf = malloc((size_t)o->len);
	long long sent = 0;
	double t0;
	int fd;

	snprintf(addr, sizeof(addr), "tcp!%s!%s", o->host, o->port);
	fd = buf ? dial9(addr, NULL, NULL, NULL) : -1;
	if (fd < 0) {
		vbin_fail("ttcp-t", addr);
		free(buf);
		return 1;
	}
	t0 = tt_now();
	for (long i = 0; i < o->num; i++) {
		for (long j = 0; j < o->len; j++)
			buf[j] = (char)((sent + j) % TT_PATTERN);
		if (write(fd, buf, (size_t)o->len) != o->len) {
			vbin_fail("ttcp-t", "write");
			close(fd);
			free(buf);
			return 1;
		}
		sent += o->len;
	}
	close(fd);
	free(buf);
	tt_report("ttcp-t", sent, tt_now() - t0);
	return 0;
}

/* Checks buf[0, n) against the pattern at stream offset off; the index of
 * the first wrong byte or -1. */
static long tt_check(const unsigned char *buf, long n, long long off)
{
	for (long i = 0; i < n; i++)
		if (buf[i] != (off + i) % TT_PATTERN)
			return i;
	return -1;
}

static int tt_receive(const struct tt_opts *o)
{
	char addr[IPL_ADDR_MAX], adir[IPL_DIR_MAX], ldir[IPL_DIR_MAX];
	unsigned char *buf = malloc((size_t)o->len);
	long long got = 0, bad = -1;
	double t0;
	ssize_t r;
	int afd, lcfd = -1, fd = -1;

	snprintf(addr, sizeof(addr), "tcp!*!%s", o->port);
	afd = buf ? announce9(addr, adir) : -1;
	if (afd >= 0)
		lcfd = listen9(adir, ldir);
	if (lcfd >= 0)
		fd = accept9(lcfd, ldir);
	if (fd < 0) {
		vbin_fail("ttcp-r", addr);
		free(buf);
		return 1;
	}
	t0 = tt_now();
	while ((r = read(fd, buf, (size_t)o->len)) > 0) {
		long b = bad < 0 ? tt_check(buf, r, got) : -1;

		if (b >= 0)
			bad = got + b;
		got += r;
	}
	if (r < 0)
		vbin_fail("ttcp-r", "read");
	tt_report("ttcp-r", got, tt_now() - t0);
	if (bad >= 0)
		printf("ttcp-r: wrong byte at offset %lld\n", bad);
	else
		printf("ttcp-r: pattern ok\n");
	close(fd);
	close(lcfd);
	close(afd);
	free(buf);
	return r < 0 || bad >= 0 ? 1 : 0;
}

static long tt_num(const char *s, long max)
{
	char *end;
	long v = strtol(s, &end, 10);

	return *end || v < 1 || v > max ? -1 : v;
}

int main(int argc, char **argv)
{
	struct tt_opts o = { -1, 8192, 2048, "5001", NULL };
	int opt;

	while ((opt = getopt(argc, argv, "trl:n:p:h")) != -1) {
		if (opt == 't' || opt == 'r')
			o.transmit = opt == 't';
		else if (opt == 'l')
			o.len = tt_num(optarg, 1 << 20);
		else if (opt == 'n')
			o.num = tt_num(optarg, 1L << 30);
		else if (opt == 'p')
			o.port = optarg;
		else {
			fputs(tt_usage, opt == 'h' ? stdout : stderr);
			return opt == 'h' ? 0 : 2;
		}
	}
	if (optind < argc)
		o.host = argv[optind++];
	if (o.transmit < 0 || o.len < 0 || o.num < 0 || optind != argc ||
	    (o.transmit == 1) != (o.host != NULL) || ipl_service_port(o.port, "tcp") <= 0) {
		fputs(tt_usage, stderr);
		return 2;
	}
	return o.transmit ? tt_transmit(&o) : tt_receive(&o);
}
