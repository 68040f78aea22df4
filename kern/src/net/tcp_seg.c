/* SPDX-License-Identifier: MIT */
/*
 * tcp_seg.c - the TCP segment on the wire: parse (checksum, header length,
 * options) and build (header, options, checksum over the pseudo header).
 *
 * Parsing trusts nothing: a header shorter than 20 bytes, a data offset
 * below 5 or past the packet, a bad checksum, or an option whose length
 * byte is below 2 or runs past the header rejects the segment with
 * -EBADMSG (RFC 9293 3.1 and 3.2; RFC 1122 4.2.2.5 lets us ignore unknown
 * options, which we do).  Known options with the wrong length are ignored
 * rather than trusted.  Pure code: no allocation, no locks.
 */
#include <errno.h>
#include <ipwire.h>
#include <kstring.h>
#include <tcp.h>

#define OPT_END   0
#define OPT_NOP   1
#define OPT_MSS   2
#define OPT_WS    3
#define OPT_SACKP 4
#define OPT_SACK  5
#define OPT_TS    8

static const char *const state_names[TCP_NSTATES] = {
	[TCP_CLOSED] = "Closed",           [TCP_LISTEN] = "Listen",
	[TCP_SYN_SENT] = "Syn_sent",       [TCP_SYN_RCVD] = "Syn_received",
	[TCP_ESTABLISHED] = "Established", [TCP_FIN_WAIT1] = "Finwait1",
	[TCP_FIN_WAIT2] = "Finwait2",      [TCP_CLOSE_WAIT] = "Close_wait",
	[TCP_CLOSING] = "Closing",         [TCP_LAST_ACK] = "Last_ack",
	[TCP_TIME_WAIT] = "Time_wait",
};

const char *tcp_state_name(enum tcp_state st)
{
	return (unsigned int)st < TCP_NSTATES ? state_names[st] : "Unknown";
}

static uint16_t tcp_csum(const uint8_t *p, size_t n, uint32_t src, uint32_t dst)
{
	uint32_t sum = ip_csum_pseudo(src, dst, IP_PROTO_TCP, (uint16_t)n);

	return ip_csum_fold(ip_csum_add(sum, p, n));
}

/* One option of kind k with olen bytes at o (olen includes kind and len). */
static void parse_opt(struct tcp_seg *s, uint8_t k, const uint8_t *o, size_t olen)
{
	switch (k) {
	case OPT_MSS:
		if (olen == 4)
			s->mss = get_be16(o + 2);
		break;
	case OPT_WS:
		if (olen == 3) {
			s->has_ws = true;
			s->ws = o[2] > TCP_MAX_WSCALE ? TCP_MAX_WSCALE : o[2];
		}
		break;
	case OPT_SACKP:
		if (olen == 2)
			s->sack_ok = true;
		break;
	case OPT_SACK:
		if (olen >= 10 && (olen - 2) % 8 == 0 && (olen - 2) / 8 <= TCP_MAX_SACK) {
			s->nsack = (olen - 2) / 8;
			for (unsigned int i = 0; i < s->nsack; i++) {
				s->sack[i][0] = get_be32(o + 2 + 8 * i);
				s->sack[i][1] = get_be32(o + 6 + 8 * i);
			}
		}
		break;
	case OPT_TS:
		if (olen == 10) {
			s->has_ts = true;
			s->tsval = get_be32(o + 2);
			s->tsecr = get_be32(o + 6);
		}
		break;
	}
}

static int parse_opts(struct tcp_seg *s, const uint8_t *o, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint8_t k = o[i];

		if (k == OPT_END)
			break;
		if (k == OPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= n || o[i + 1] < 2 || i + o[i + 1] > n)
			return -EBADMSG;
		parse_opt(s, k, o + i, o[i + 1]);
		i += o[i + 1];
	}
	return 0;
}

/* Fills *s from the n bytes at p (a TCP header and payload that came from
 * src to dst).  0, or -EBADMSG for a malformed or corrupt segment. */
int tcp_parse(const uint8_t *p, size_t n, uint32_t src, uint32_t dst,
              struct tcp_seg *s)
{
	size_t doff;

	memset(s, 0, sizeof(*s));
	if (n < TCP_HDR_MIN || n > 0xffff)
		return -EBADMSG;
	doff = (size_t)(p[12] >> 4) * 4;
	if (doff < TCP_HDR_MIN || doff > n)
		return -EBADMSG;
	if (tcp_csum(p, n, src, dst) != 0)
		return -EBADMSG;
	s->src = src;
	s->dst = dst;
	s->sport = get_be16(p);
	s->dport = get_be16(p + 2);
	s->seq = get_be32(p + 4);
	s->ack = get_be32(p + 8);
	s->flags = p[13] & 0x3f;
	s->wnd = get_be16(p + 14);
	s->data = p + doff;
	s->len = n - doff;
	return parse_opts(s, p + TCP_HDR_MIN, doff - TCP_HDR_MIN);
}

static size_t put_opts(uint8_t *o, const struct tcp_seg *s)
{
	size_t i = 0;

	if (s->mss) {
		o[i] = OPT_MSS, o[i + 1] = 4;
		put_be16(o + i + 2, s->mss);
		i += 4;
	}
	if (s->has_ws) {
		o[i] = OPT_NOP, o[i + 1] = OPT_WS, o[i + 2] = 3, o[i + 3] = s->ws;
		i += 4;
	}
	if (s->sack_ok) {
		o[i] = OPT_NOP, o[i + 1] = OPT_NOP, o[i + 2] = OPT_SACKP, o[i + 3] = 2;
		i += 4;
	}
	if (s->has_ts) {
		o[i] = OPT_NOP, o[i + 1] = OPT_NOP, o[i + 2] = OPT_TS, o[i + 3] = 10;
		put_be32(o + i + 4, s->tsval);
		put_be32(o + i + 8, s->tsecr);
		i += 12;
	}
	if (s->nsack) {
		unsigned int nb = s->nsack;

		/* 40 option bytes: 3 blocks fit beside timestamps, 4 alone */
		if (nb > (s->has_ts || s->mss ? 3u : 4u))
			nb = s->has_ts || s->mss ? 3 : 4;
		o[i] = OPT_NOP, o[i + 1] = OPT_NOP, o[i + 2] = OPT_SACK;
		o[i + 3] = (uint8_t)(2 + 8 * nb);
		for (unsigned int b = 0; b < nb; b++) {
			put_be32(o + i + 4 + 8 * b, s->sack[b][0]);
			put_be32(o + i + 8 + 8 * b, s->sack[b][1]);
		}
		i += 4 + 8 * nb;
	}
	return i;
}

/* Writes the header for *s (options from its fields) and s->len bytes of
 * s->data after it, with the checksum; p holds TCP_HDR_MAX + s->len bytes.
 * Returns the segment's length. */
size_t tcp_build(uint8_t *p, const struct tcp_seg *s, uint32_t src, uint32_t dst)
{
	size_t hl = TCP_HDR_MIN + put_opts(p + TCP_HDR_MIN, s);
	size_t n = hl + s->len;

	put_be16(p, s->sport);
	put_be16(p + 2, s->dport);
	put_be32(p + 4, s->seq);
	put_be32(p + 8, s->ack);
	p[12] = (uint8_t)((hl / 4) << 4);
	p[13] = s->flags;
	put_be16(p + 14, s->wnd);
	put_be16(p + 16, 0);
	put_be16(p + 18, 0);
	if (s->len && p + hl != s->data)
		memmove(p + hl, s->data, s->len);
	put_be16(p + 16, tcp_csum(p, n, src, dst));
	return n;
}

/* The reset answering segment in, for a connection that does not exist
 * (RFC 9293 3.10.7.1).  p holds TCP_HDR_MIN bytes; returns 0 when in is
 * itself a reset (never answer one). */
size_t tcp_build_rst(uint8_t *p, const struct tcp_seg *in)
{
	struct tcp_seg r = { .sport = in->dport, .dport = in->sport };

	if (in->flags & TCP_RST)
		return 0;
	if (in->flags & TCP_ACK) {
		r.seq = in->ack;
		r.flags = TCP_RST;
	} else {
		r.ack = in->seq + (uint32_t)in->len + !!(in->flags & TCP_SYN) +
		        !!(in->flags & TCP_FIN);
		r.flags = TCP_RST | TCP_ACK;
	}
	return tcp_build(p, &r, in->dst, in->src);
}
