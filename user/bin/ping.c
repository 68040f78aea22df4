/* SPDX-License-Identifier: MIT */
/*
 * ping.c - /bin/ping: ICMP echo through an #ip icmp conversation, with
 * Akaros's interface and output (Documentation/dev/ip.md).
 *
 *	ping [-halq] [-s size] [-i ms] [-n count] [-w ms] [-x netdir] dest
 *
 * dest is a dotted quad.  size is the whole datagram (IP header, ICMP
 * header, data: 64..65535, default 64); larger than the link's MTU it is
 * fragmented by the kernel and reassembled by the peer.  -i is the gap
 * between requests (default 1000 ms), -n how many (default 4), -w how long
 * to wait for a reply (default 5000 ms).  -a prints addresses, -l only the
 * lost messages, -q only the summary.  Output:
 *
 *	sending 4 64 byte messages 1000 ms apart to icmp!10.0.2.2!1
 *	  0: rtt 512 usec, avg rtt 512 usec, ttl = 255
 *	  1: lost
 *	1 out of 4 messages lost
 *
 * How: clone netdir/icmp (default /net), "connect DEST!1", then for each
 * sequence number write an echo request (the kernel sets the identifier
 * and the checksum) carrying the send time and a pattern, and read whole
 * datagrams (IP header first, so the TTL is known) until the reply with
 * that sequence number comes or the wait runs out (poll on the data file).
 * A reply whose data differs from what was sent is reported as corrupted
 * and counted as lost.  Exit status: 0 if every message came back, 1 if
 * any was lost, 2 on a usage or set-up error.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "vbin.h"

#define PING_IPHDR   20
#define PING_ICMPHDR 8
#define PING_MIN     64
#define PING_MAX     65535

struct ping_opts {
	bool addrs, lostonly, quiet;
	int size, gap_ms, count, wait_ms;
	const char *netdir, *dest;
};

struct ping_state {
	int data;
	uint8_t *req, *rep;
	long long rtt_sum;
	int got, lost;
};

static const char ping_usage[] =
	"usage: ping [-halq] [-s size] [-i ms] [-n count] [-w ms] [-x netdir] dest\n";

static long long ping_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int ping_num(const char *s, int lo, int hi)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < lo || v > hi) {
		fprintf(stderr, "ping: '%s' is not a number in %d..%d\n", s, lo, hi);
		exit(2);
	}
	return (int)v;
}

static void ping_args(int argc, char **argv, struct ping_opts *o)
{
	int ch;

	*o = (struct ping_opts){ .size = PING_MIN, .gap_ms = 1000, .count = 4,
	                         .wait_ms = 5000, .netdir = "/net" };
	while ((ch = getopt(argc, argv, "halqs:i:n:w:x:")) != -1) {
		switch (ch) {
		case 'h': fputs(ping_usage, stdout); exit(0);
		case 'a': o->addrs = true; break;
		case 'l': o->lostonly = true; break;
		case 'q': o->quiet = true; break;
		case 's': o->size = ping_num(optarg, PING_MIN, PING_MAX); break;
		case 'i': o->gap_ms = ping_num(optarg, 0, 3600000); break;
		case 'n': o->count = ping_num(optarg, 1, 1000000); break;
		case 'w': o->wait_ms = ping_num(optarg, 1, 3600000); break;
		case 'x': o->netdir = optarg; break;
		default: fputs(ping_usage, stderr); exit(2);
		}
	}
	if (optind != argc - 1) {
		fputs(ping_usage, stderr);
		exit(2);
	}
	o->dest = argv[optind];
}

/* Writes msg to the file dir/name; 0 or -1. */
static int ping_ctl(int fd, const char *msg)
{
	return write(fd, msg, strlen(msg)) == (ssize_t)strlen(msg) ? 0 : -1;
}

/* Clones an icmp conversation connected to dest; its data fd or -1. */
static int ping_dial(const struct ping_opts *o)
{
	char path[256], num[16], msg[64];
	int ctl, data;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/icmp/clone", o->netdir);
	ctl = open(path, O_RDWR);
	if (ctl < 0 || (n = read(ctl, num, sizeof(num) - 1)) <= 0) {
		vbin_fail("ping", path);
		return -1;
	}
	num[n] = 0;
	snprintf(msg, sizeof(msg), "connect %s!1", o->dest);
	if (ping_ctl(ctl, msg) < 0) {
		vbin_fail("ping", o->dest);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/icmp/%s/data", o->netdir, num);
	data = open(path, O_RDWR);
	if (data < 0)
		vbin_fail("ping", path);
	/* ctl stays open for the life of the program: it keeps the conversation */
	return data;
}

static void put16(uint8_t *p, unsigned int v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static unsigned int get16(const uint8_t *p)
{
	return (unsigned int)(p[0] << 8 | p[1]);
}

/* Fills the echo request for seq: type 8, seq, send time, a pattern. */
static size_t ping_fill(uint8_t *req, const struct ping_opts *o, int seq, long long now)
{
	size_t len = (size_t)o->size - PING_IPHDR;

	memset(req, 0, PING_ICMPHDR);
	req[0] = 8;
	put16(req + 6, (unsigned int)seq & 0xffff);
	memcpy(req + PING_ICMPHDR, &now, sizeof(now));
	for (size_t i = PING_ICMPHDR + sizeof(now); i < len; i++)
		req[i] = (uint8_t)(i + seq);
	return len;
}

/* Waits up to ms for a datagram; its length, 0 on timeout, -1 on error. */
static ssize_t ping_recv(struct ping_state *st, int ms)
{
	struct pollfd p = { .fd = st->data, .events = POLLIN };
	int r = poll(&p, 1, ms);

	if (r <= 0)
		return r;
	return read(st->data, st->rep, PING_MAX);
}

static void ping_print_reply(const struct ping_opts *o, struct ping_state *st, int seq,
                             long long rtt)
{
	const uint8_t *ip = st->rep;

	st->got++;
	st->rtt_sum += rtt;
	if (o->quiet || o->lostonly)
		return;
	if (o->addrs)
		printf("%d: %u.%u.%u.%u -> %u.%u.%u.%u rtt %lld usec, avg rtt %lld usec, ttl = %u\n",
		       seq, ip[12], ip[13], ip[14], ip[15], ip[16], ip[17], ip[18], ip[19], rtt,
		       st->rtt_sum / st->got, ip[8]);
	else
		printf("%3d: rtt %lld usec, avg rtt %lld usec, ttl = %u\n", seq, rtt,
		       st->rtt_sum / st->got, ip[8]);
}

/* Checks a received datagram for seq: 1 ours and good, 0 someone else's
 * or an older one, -1 ours but corrupted. */
static int ping_check(const struct ping_opts *o, struct ping_state *st, ssize_t n, int seq,
                      size_t len)
{
	const uint8_t *icmp = st->rep + PING_IPHDR;

	if (n < PING_IPHDR + PING_ICMPHDR || icmp[0] != 0 ||
	    get16(icmp + 6) != ((unsigned int)seq & 0xffff))
		return 0;
	if ((size_t)n != PING_IPHDR + len ||
	    memcmp(icmp + PING_ICMPHDR, st->req + PING_ICMPHDR, len - PING_ICMPHDR)) {
		if (!o->quiet)
			printf("%3d: corrupted reply (%zd bytes)\n", seq, n);
		return -1;
	}
	return 1;
}

/* Sends request seq and waits for its reply; true if it came back. */
static bool ping_one(const struct ping_opts *o, struct ping_state *st, int seq)
{
	long long sent = ping_now_us(), left;
	size_t len = ping_fill(st->req, o, seq, sent);

	if (write(st->data, st->req, len) != (ssize_t)len) {
		vbin_fail("ping", "write");
		return false;
	}
	while ((left = o->wait_ms - (ping_now_us() - sent) / 1000) > 0) {
		ssize_t n = ping_recv(st, (int)left);
		int ok;

		if (n <= 0)
			break;
		ok = ping_check(o, st, n, seq, len);
		if (ok < 0)
			return false;
		if (ok > 0) {
			ping_print_reply(o, st, seq, ping_now_us() - sent);
			return true;
		}
	}
	if (!o->quiet)
		printf("%3d: lost\n", seq);
	return false;
}

int main(int argc, char **argv)
{
	struct ping_opts o;
	struct ping_state st = { 0 };

	ping_args(argc, argv, &o);
	st.data = ping_dial(&o);
	st.req = malloc(PING_MAX);
	st.rep = malloc(PING_MAX);
	if (st.data < 0 || !st.req || !st.rep)
		return 2;
	if (!o.quiet)
		printf("sending %d %d byte messages %d ms apart to icmp!%s!1\n", o.count, o.size,
		       o.gap_ms, o.dest);
	for (int seq = 0; seq < o.count; seq++) {
		long long start = ping_now_us();

		if (!ping_one(&o, &st, seq))
			st.lost++;
		if (seq + 1 < o.count) {
			long long spent = ping_now_us() - start;

			if (spent < o.gap_ms * 1000LL)
				usleep((useconds_t)(o.gap_ms * 1000LL - spent));
		}
	}
	printf("%d out of %d messages lost\n", st.lost, o.count);
	return st.lost ? 1 : 0;
}
