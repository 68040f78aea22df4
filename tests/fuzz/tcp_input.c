/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/tcp_input.c - libFuzzer target for the TCP engine's input
 * path (kern/src/net/tcp_input.c and everything it calls), through the
 * simulated hosts of tests/host/tcp_sim.c: host 0 holds a connection
 * established with host 1, which also listens.
 *
 * The input is a stream of records, each 14 bytes then options and data:
 *	mode, flags, seq[4], ack[4], wnd[2], optlen, datalen
 * mode bit 0: seq is an offset from the target's rcv_nxt; bit 1: ack an
 * offset from its snd_una; bit 2: to the listener (host 1) from a port
 * chosen by seq; bit 3: a data offset taken from the input, not computed;
 * bit 4: let wnd milliseconds of simulated time pass afterwards (timers,
 * retransmissions, the real peers talking); bit 5: the connection writes
 * 1000 bytes first.  Checksums are made right so the parser lets segments
 * through to the state machine.  Checked: the buffer invariants after
 * every record, and no allocation left once the hosts are freed.
 */
#include <ipwire.h>
#include <stdlib.h>
#include <string.h>

#include "tcp_sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
long kmalloc_shim_live(void);

#define FZ_CHECK(c) do { if (!(c)) abort(); } while (0)

static const uint8_t junk[1000];

static void check(const struct tcpcb *tp)
{
	FZ_CHECK(tp->rb.len <= tp->rb.cap && tp->sb.len <= tp->sb.cap);
	FZ_CHECK(tp->nooo <= TCP_OOO_MAX && tp->nsacked <= TCP_SB_MAX);
	FZ_CHECK(tp->state < TCP_NSTATES);
	FZ_CHECK(SEQ_LEQ(tp->snd_una, tp->snd_max) || tp->state <= TCP_SYN_SENT);
}

static void drain(struct tcpcb *tp)
{
	uint8_t buf[2048];

	while (tcp_read(tp, buf, sizeof(buf)) > 0)
		;
}

/* Builds and delivers one record's segment; returns bytes consumed. */
static size_t one(struct sim *s, struct tcpcb *c, const uint8_t *d, size_t n)
{
	uint8_t p[TCP_HDR_MAX + 256];
	uint8_t mode = d[0], optlen = d[12] % 41, datalen = d[13];
	uint32_t seq = get_be32(d + 2), ack = get_be32(d + 6);
	size_t hl, len;
	int to;

	if (n < 14u + optlen + datalen)
		return n;
	if (mode & 32)
		tcp_write(c, junk, sizeof(junk));
	if (mode & 1)
		seq += c->rcv_nxt;
	if (mode & 2)
		ack += c->snd_una;
	memset(p, 0, sizeof(p));
	put_be16(p, (mode & 4) ? (uint16_t)(1000 + (seq & 7)) : c->rport);
	put_be16(p + 2, (mode & 4) ? 80 : c->lport);
	to = (mode & 4) ? 1 : 0;
	put_be32(p + 4, seq);
	put_be32(p + 8, ack);
	hl = 20 + (optlen + 3u) / 4 * 4;
	p[12] = (mode & 8) ? d[1] & 0xf0 : (uint8_t)((hl / 4) << 4);
	p[13] = d[1] & 0x3f;
	memcpy(p + 14, d + 10, 2);
	memcpy(p + 20, d + 14, optlen);
	memcpy(p + hl, d + 14 + optlen, datalen);
	len = hl + datalen;
	put_be16(p + 16, ip_csum_fold(ip_csum_add(ip_csum_pseudo(s->h[!to].addr,
	         s->h[to].addr, IP_PROTO_TCP, (uint16_t)len), p, len)));
	sim_inject(s, to, p, len);
	if (mode & 16)
		sim_run(s, s->now + (uint64_t)get_be16(d + 10) * 1000);
	drain(c);
	for (int h = 0; h < 2; h++)
		for (unsigned int i = 0; i < s->h[h].nconn; i++) {
			check(s->h[h].conn[i]);
			drain(s->h[h].conn[i]);
		}
	return 14u + optlen + datalen;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sim s;
	struct tcp_cfg cfg;
	struct tcpcb *c;
	size_t off = 0;

	tcp_cfg_default(&cfg);
	cfg.sndbuf = cfg.rcvbuf = 16384;
	sim_init(&s, 1);
	sim_listen(&s, 1, 80, &cfg);
	c = sim_connect(&s, 0, 40000, 80, &cfg);
	sim_run(&s, s.now + 100000);
	FZ_CHECK(c->state == TCP_ESTABLISHED);
	while (off + 14 <= size)
		off += one(&s, c, data + off, size - off);
	sim_run(&s, s.now + 1000000);
	sim_free(&s);
	FZ_CHECK(kmalloc_shim_live() == 0);
	return 0;
}
