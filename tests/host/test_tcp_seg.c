/* SPDX-License-Identifier: MIT */
/*
 * test_tcp_seg.c - host tests of the TCP segment codec (tcp_seg.c) and the
 * engine's buffers (tcp_buf.c): options round trip, every malformed header
 * the parser must refuse, resets for unknown connections, state names,
 * ring wrap, out-of-order ranges and the SACK scoreboard.
 */
#include <errno.h>
#include <string.h>

#include <ipwire.h>
#include <tcp.h>

#include "htest.h"

long kmalloc_shim_live(void);

#define SRC 0x0a000001
#define DST 0x0a000002

static size_t build(uint8_t *p, const struct tcp_seg *s)
{
	return tcp_build(p, s, SRC, DST);
}

HTEST(tcp_seg_roundtrip_options)
{
	uint8_t p[TCP_HDR_MAX + 8];
	struct tcp_seg s = { .sport = 1234, .dport = 80, .seq = 0xfffffff0, .ack = 7,
	                     .flags = TCP_SYN | TCP_ACK, .wnd = 65535, .mss = 1460,
	                     .has_ws = true, .ws = 7, .sack_ok = true, .has_ts = true,
	                     .tsval = 11, .tsecr = 22, .data = (const uint8_t *)"abcd",
	                     .len = 4 };
	struct tcp_seg g;
	size_t n = build(p, &s);

	HT_ASSERT_EQ(n, 20 + 24 + 4);
	HT_ASSERT_EQ(tcp_parse(p, n, SRC, DST, &g), 0);
	HT_ASSERT_EQ(g.sport, 1234);
	HT_ASSERT_EQ(g.dport, 80);
	HT_ASSERT_EQ(g.seq, 0xfffffff0u);
	HT_ASSERT_EQ(g.ack, 7);
	HT_ASSERT_EQ(g.flags, TCP_SYN | TCP_ACK);
	HT_ASSERT_EQ(g.mss, 1460);
	HT_ASSERT(g.has_ws && g.ws == 7 && g.sack_ok && g.has_ts);
	HT_ASSERT_EQ(g.tsval, 11);
	HT_ASSERT_EQ(g.tsecr, 22);
	HT_ASSERT_EQ(g.len, 4);
	HT_ASSERT(memcmp(g.data, "abcd", 4) == 0);
}

HTEST(tcp_seg_sack_blocks)
{
	uint8_t p[TCP_HDR_MAX];
	struct tcp_seg s = { .flags = TCP_ACK, .has_ts = true, .nsack = 4 };
	struct tcp_seg g;
	size_t n;

	for (int i = 0; i < 4; i++) {
		s.sack[i][0] = 1000u * (uint32_t)i;
		s.sack[i][1] = 1000u * (uint32_t)i + 500;
	}
	n = build(p, &s);
	HT_ASSERT(n <= TCP_HDR_MAX);
	HT_ASSERT_EQ(tcp_parse(p, n, SRC, DST, &g), 0);
	HT_ASSERT_EQ(g.nsack, 3);       /* three fit beside timestamps */
	HT_ASSERT_EQ(g.sack[2][1], 2500);
	s.has_ts = false;
	n = build(p, &s);
	HT_ASSERT_EQ(tcp_parse(p, n, SRC, DST, &g), 0);
	HT_ASSERT_EQ(g.nsack, 4);
}

/* Rewrites the checksum after a test corrupted the header on purpose. */
static void refix(uint8_t *p, size_t n)
{
	uint16_t c;

	p[16] = p[17] = 0;
	c = ip_csum_fold(ip_csum_add(ip_csum_pseudo(SRC, DST, IP_PROTO_TCP, (uint16_t)n), p, n));
	put_be16(p + 16, c);
}

HTEST(tcp_seg_hostile_headers)
{
	uint8_t p[TCP_HDR_MAX + 16];
	struct tcp_seg s = { .flags = TCP_ACK, .mss = 1460, .has_ts = true };
	struct tcp_seg g;
	size_t n = build(p, &s);

	HT_ASSERT_EQ(tcp_parse(p, 19, SRC, DST, &g), -EBADMSG);        /* short */
	HT_ASSERT_EQ(tcp_parse(p, n, SRC, DST + 1, &g), -EBADMSG);     /* checksum */
	p[12] = 4 << 4;                                                 /* doff < 5 */
	refix(p, n);
	HT_ASSERT_EQ(tcp_parse(p, n, SRC, DST, &g), -EBADMSG);
	p[12] = 15 << 4;                                                /* past packet */
	refix(p, n);
	HT_ASSERT_EQ(tcp_parse(p, n, SRC, DST, &g), -EBADMSG);
	/* an option whose length runs past the header */
	n = build(p, &(struct tcp_seg){ .flags = TCP_ACK, .mss = 1460 });
	p[21] = 40;
	refix(p, n);
	HT_ASSERT_EQ(tcp_parse(p, n, SRC, DST, &g), -EBADMSG);
	/* length 0 and 1 would loop or underflow */
	p[21] = 0;
	refix(p, n);
	HT_ASSERT_EQ(tcp_parse(p, n, SRC, DST, &g), -EBADMSG);
	p[21] = 1;
	refix(p, n);
	HT_ASSERT_EQ(tcp_parse(p, n, SRC, DST, &g), -EBADMSG);
	/* kind without a length byte at the header's end */
	p[20] = 1, p[21] = 1, p[22] = 1, p[23] = 2;
	refix(p, n);
	HT_ASSERT_EQ(tcp_parse(p, n, SRC, DST, &g), -EBADMSG);
	/* a known option of the wrong length is ignored, not trusted */
	p[20] = 2, p[21] = 3, p[22] = 9, p[23] = 1;
	refix(p, n);
	HT_ASSERT_EQ(tcp_parse(p, n, SRC, DST, &g), 0);
	HT_ASSERT_EQ(g.mss, 0);
	/* window scale above 14 is clamped (RFC 7323 2.3) */
	p[20] = 3, p[21] = 3, p[22] = 30, p[23] = 0;
	refix(p, n);
	HT_ASSERT_EQ(tcp_parse(p, n, SRC, DST, &g), 0);
	HT_ASSERT(g.has_ws && g.ws == 14);
}

HTEST(tcp_seg_random_bytes)
{
	uint8_t p[128];
	struct tcp_seg g;

	for (int i = 0; i < 200000; i++) {
		size_t n = htest_rand() % sizeof(p);

		for (size_t k = 0; k < n; k++)
			p[k] = (uint8_t)htest_rand();
		if (n >= 20 && (i & 1))
			refix(p, n);
		if (tcp_parse(p, n, SRC, DST, &g) == 0) {
			HT_ASSERT(g.data >= p + 20 && g.data + g.len == p + n);
			HT_ASSERT(g.nsack <= TCP_MAX_SACK && g.ws <= TCP_MAX_WSCALE);
		}
	}
}

HTEST(tcp_seg_rst_replies)
{
	uint8_t p[TCP_HDR_MAX];
	struct tcp_seg in = { .src = SRC, .dst = DST, .sport = 5, .dport = 6,
	                      .seq = 100, .flags = TCP_SYN, .len = 10 };
	struct tcp_seg g;
	size_t n = tcp_build_rst(p, &in);

	HT_ASSERT_EQ(tcp_parse(p, n, DST, SRC, &g), 0);
	HT_ASSERT_EQ(g.flags, TCP_RST | TCP_ACK);
	HT_ASSERT_EQ(g.ack, 111);
	HT_ASSERT_EQ(g.seq, 0);
	HT_ASSERT_EQ(g.sport, 6);
	in.flags = TCP_ACK;
	in.ack = 4242;
	n = tcp_build_rst(p, &in);
	HT_ASSERT_EQ(tcp_parse(p, n, DST, SRC, &g), 0);
	HT_ASSERT_EQ(g.flags, TCP_RST);
	HT_ASSERT_EQ(g.seq, 4242);
	in.flags = TCP_RST;
	HT_ASSERT_EQ(tcp_build_rst(p, &in), 0);         /* never answer a reset */
}

HTEST(tcp_seg_state_names)
{
	HT_ASSERT(strcmp(tcp_state_name(TCP_CLOSED), "Closed") == 0);
	HT_ASSERT(strcmp(tcp_state_name(TCP_TIME_WAIT), "Time_wait") == 0);
	HT_ASSERT(strcmp(tcp_state_name(TCP_NSTATES), "Unknown") == 0);
	for (int i = 0; i < TCP_NSTATES; i++)
		HT_ASSERT(tcp_state_name(i) != NULL);
}

HTEST(tcp_buf_ring_wrap)
{
	struct tcp_ring r;
	uint8_t in[7], out[7];

	HT_ASSERT_EQ(tcp_ring_init(&r, 10), 0);
	for (int round = 0; round < 50; round++) {
		for (int i = 0; i < 7; i++)
			in[i] = (uint8_t)(round * 7 + i);
		HT_ASSERT_EQ(tcp_ring_reserve(&r, r.len + 7), 0);
		tcp_ring_put(&r, r.len, in, 7);
		r.len += 7;
		tcp_ring_get(&r, 0, out, 7);
		HT_ASSERT(memcmp(in, out, 7) == 0);
		tcp_ring_drop(&r, 7);
		HT_ASSERT_EQ(r.len, 0);
	}
	tcp_ring_free(&r);
	HT_ASSERT_EQ(kmalloc_shim_live(), 0);
}

/* Lazy rings: nothing until the first byte, growth by doubling up to cap
 * with every byte (and a parked one beyond len) kept at its offset across
 * a wrap, never more than cap, and freed memory after tcp_ring_free. */
HTEST(tcp_buf_ring_grows_lazily)
{
	struct tcp_ring r;
	uint8_t in[3000], out[3000];
	uint32_t cap = 3 * TCP_RING_MIN + 100;

	HT_ASSERT_EQ(tcp_ring_init(&r, cap), 0);
	HT_ASSERT(r.buf == NULL);
	HT_ASSERT_EQ(r.size, 0);
	HT_ASSERT_EQ(kmalloc_shim_live(), 0);
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 7 + 3);
	HT_ASSERT_EQ(tcp_ring_reserve(&r, 1500), 0);
	HT_ASSERT_EQ(r.size, TCP_RING_MIN);
	tcp_ring_put(&r, 0, in, 1500);
	r.len = 1500;
	tcp_ring_drop(&r, 1000);                /* head moves: the next put wraps */
	HT_ASSERT_EQ(tcp_ring_reserve(&r, 500 + 1500), 0);
	tcp_ring_put(&r, 500, in + 1500, 1500); /* wraps around the 2 KiB ring */
	r.len = 2000;
	HT_ASSERT_EQ(tcp_ring_reserve(&r, 2000 + 100 + 1000), 0);      /* grows */
	HT_ASSERT_EQ(r.size, 2 * TCP_RING_MIN);
	tcp_ring_put(&r, 2100, in, 1000);       /* parked past a 100-byte hole */
	tcp_ring_get(&r, 0, out, 2000);
	HT_ASSERT(memcmp(out, in + 1000, 2000) == 0);
	tcp_ring_get(&r, 2100, out, 1000);
	HT_ASSERT(memcmp(out, in, 1000) == 0);
	HT_ASSERT_EQ(tcp_ring_reserve(&r, cap), 0);
	HT_ASSERT_EQ(r.size, cap);              /* never past cap */
	HT_ASSERT_EQ(tcp_ring_reserve(&r, cap + 1), -EINVAL);
	tcp_ring_get(&r, 0, out, 2000);
	HT_ASSERT(memcmp(out, in + 1000, 2000) == 0);
	tcp_ring_free(&r);
	HT_ASSERT_EQ(r.size, 0);
	HT_ASSERT_EQ(kmalloc_shim_live(), 0);
}

HTEST(tcp_buf_ooo_and_scoreboard)
{
	static struct tcpcb tp;

	memset(&tp, 0, sizeof(tp));
	tp.rcv_nxt = 0xfffffff0;        /* ranges across the wrap */
	tp.rb.cap = 1 << 20;
	tcp_ooo_add(&tp, 0x10, 0x20);
	tcp_ooo_add(&tp, 0xfffffff8, 0x4);
	tcp_ooo_add(&tp, 0x30, 0x40);
	HT_ASSERT_EQ(tp.nooo, 3);
	HT_ASSERT_EQ(tp.ooo[0].start, 0xfffffff8);
	tcp_ooo_add(&tp, 0x4, 0x10);    /* bridges the first two */
	HT_ASSERT_EQ(tp.nooo, 2);
	HT_ASSERT_EQ(tp.ooo[0].end, 0x20);
	tp.rcv_nxt = 0xfffffff8;
	HT_ASSERT_EQ(tcp_ooo_advance(&tp), 0x28);
	HT_ASSERT_EQ(tp.rcv_nxt, 0x20);
	HT_ASSERT_EQ(tp.nooo, 1);
	for (uint32_t i = 0; i < 40; i++)
		tcp_ooo_add(&tp, 0x1000 + 0x100 * i, 0x1000 + 0x100 * i + 0x10);
	HT_ASSERT_EQ(tp.nooo, TCP_OOO_MAX);

	tp.snd_una = 0xffffff00;
	tp.snd_max = 0x1000;
	struct tcp_seg s = { .nsack = 3 };
	s.sack[0][0] = 0xffffff80, s.sack[0][1] = 0x0;
	s.sack[1][0] = 0x100, s.sack[1][1] = 0x200;
	s.sack[2][0] = 0x800, s.sack[2][1] = 0x2000;     /* past snd_max: ignored */
	tcp_sb_update(&tp, &s);
	HT_ASSERT_EQ(tp.nsacked, 2);
	struct tcp_range h;
	HT_ASSERT(tcp_sb_hole(&tp, tp.snd_una, &h));
	HT_ASSERT_EQ(h.start, 0xffffff00);
	HT_ASSERT_EQ(h.end, 0xffffff80);
	HT_ASSERT(tcp_sb_hole(&tp, 0xffffff90, &h));
	HT_ASSERT_EQ(h.start, 0x0);
	HT_ASSERT_EQ(h.end, 0x100);
	HT_ASSERT(!tcp_sb_hole(&tp, 0x150, &h));
	tp.snd_una = 0x180;
	tcp_sb_update(&tp, &(struct tcp_seg){ 0 });
	HT_ASSERT_EQ(tp.nsacked, 1);
	HT_ASSERT_EQ(tp.sacked[0].start, 0x180);
}
