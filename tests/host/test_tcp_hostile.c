/* SPDX-License-Identifier: MIT */
/*
 * test_tcp_hostile.c - segments a peer should not send, against the TCP
 * engine over tcp_sim.c: resets in every state (exact, in-window and
 * out-of-window: RFC 5961 3), SYNs on synchronized connections (RFC 5961
 * 4), their challenge ACKs rate-limited (RFC 5961 7), ACKs outside the
 * acceptable range (RFC 5961 5), SYN with data to a
 * listener, stray segments to a listener, PAWS (RFC 7323 5), and a storm
 * of random segments after which the connection still carries data.
 */
#include <errno.h>
#include <string.h>

#include "htest.h"
#include "tcp_sim.h"

long kmalloc_shim_live(void);

#define CPORT 40000
#define SPORT 80
#define SEC 1000000ull

static int host_idx(struct sim *s, struct tcpcb *tp)
{
	return tp->laddr == s->h[0].addr ? 0 : 1;
}

/* Delivers to tp a segment from its peer. */
static void inject(struct sim *s, struct tcpcb *tp, uint32_t seq, uint32_t ack,
                   uint8_t flags, const char *data)
{
	uint8_t p[TCP_HDR_MAX + 256];
	struct tcp_seg g = { .sport = tp->rport, .dport = tp->lport, .seq = seq,
	                     .ack = ack, .flags = flags, .wnd = 1000 };

	if (tp->ts_ok) {
		g.has_ts = true;
		g.tsval = tp->ts_recent + 1;
	}
	if (data) {
		g.data = (const uint8_t *)data;
		g.len = strlen(data);
	}
	sim_inject(s, host_idx(s, tp), p, tcp_build(p, &g, tp->raddr, tp->laddr));
}

/* Connects 0 to 1 (sim_pair); returns the client, *srv the accepted side. */
static struct tcpcb *pair(struct sim *s, struct tcp_cfg *cfg, struct tcpcb **srv)
{
	struct tcpcb *c = sim_pair(s, CPORT, SPORT, cfg, srv);

	HT_ASSERT_MSG(c, "no connection");
	return c;
}

/* Puts the connection under test into state st; *keep: what to check. */
static struct tcpcb *reach(struct sim *s, struct tcp_cfg *cfg, enum tcp_state st)
{
	struct tcpcb *c, *v;

	if (st == TCP_SYN_SENT) {
		s->drop_all = true;
		return sim_connect(s, 0, CPORT, SPORT, cfg);
	}
	if (st == TCP_SYN_RCVD) {
		struct tcp_seg g = { .sport = CPORT, .dport = SPORT, .seq = 5000,
		                     .flags = TCP_SYN, .wnd = 1000 };
		uint8_t p[TCP_HDR_MAX];

		sim_listen(s, 1, SPORT, cfg);
		s->drop_all = true;
		sim_inject(s, 1, p, tcp_build(p, &g, s->h[0].addr, s->h[1].addr));
		HT_ASSERT_EQ(s->h[1].nconn, 1);
		return s->h[1].conn[0];
	}
	c = pair(s, cfg, &v);
	switch (st) {
	case TCP_ESTABLISHED:
		return c;
	case TCP_FIN_WAIT1:
		s->drop_all = true;
		tcp_shutdown(c);
		return c;
	case TCP_FIN_WAIT2:
	case TCP_CLOSE_WAIT:
		tcp_shutdown(c);
		sim_run(s, s->now + SEC);
		return st == TCP_FIN_WAIT2 ? c : v;
	case TCP_CLOSING:
		s->drop_all = true;
		tcp_shutdown(c);
		inject(s, c, c->rcv_nxt, c->snd_una, TCP_FIN | TCP_ACK, NULL);
		return c;
	case TCP_LAST_ACK:
		tcp_shutdown(c);
		sim_run(s, s->now + SEC);
		s->drop_all = true;
		tcp_shutdown(v);
		return v;
	case TCP_TIME_WAIT:
		tcp_shutdown(c);
		sim_run(s, s->now + SEC);
		tcp_shutdown(v);
		sim_run(s, s->now + SEC);
		return c;
	default:
		HT_ASSERT_MSG(0, "no way to reach %s", tcp_state_name(st));
	}
}

static int rst_err(enum tcp_state st)
{
	switch (st) {
	case TCP_SYN_SENT:
	case TCP_SYN_RCVD:
		return -ECONNREFUSED;
	case TCP_CLOSING:
	case TCP_LAST_ACK:
		return 0;
	default:
		return -ECONNRESET;
	}
}

HTEST(tcp_rst_in_every_state)
{
	for (int st = TCP_SYN_SENT; st < TCP_NSTATES; st++) {
		struct sim s;
		struct tcp_cfg cfg;
		struct tcpcb *tp;
		uint64_t out, ch;

		tcp_cfg_default(&cfg);
		sim_init(&s, 100 + (uint64_t)st);
		tp = reach(&s, &cfg, st);
		HT_ASSERT_MSG(tp->state == (enum tcp_state)st, "wanted %s, got %s",
		              tcp_state_name(st), tcp_state_name(tp->state));
		out = tp->st.segs_out;
		ch = tp->st.challenge_acks;
		if (st == TCP_SYN_SENT) {
			/* a reset whose ACK is not for our SYN is ignored */
			inject(&s, tp, 0, tp->iss + 7, TCP_RST | TCP_ACK, NULL);
			HT_ASSERT_EQ(tp->state, TCP_SYN_SENT);
			inject(&s, tp, 0, tp->iss + 1, TCP_RST | TCP_ACK, NULL);
		} else {
			/* far outside the window: dropped silently */
			inject(&s, tp, tp->rcv_nxt + 0x40000000, tp->snd_nxt, TCP_RST, NULL);
			HT_ASSERT_EQ(tp->state, (enum tcp_state)st);
			HT_ASSERT_EQ(tp->st.segs_out, out);
			/* in the window but not rcv_nxt: a challenge ACK */
			inject(&s, tp, tp->rcv_nxt + 1, tp->snd_nxt, TCP_RST, NULL);
			HT_ASSERT_EQ(tp->state, (enum tcp_state)st);
			if (st != TCP_TIME_WAIT)
				HT_ASSERT_EQ(tp->st.challenge_acks, ch + 1);
			inject(&s, tp, tp->rcv_nxt, tp->snd_nxt, TCP_RST, NULL);
		}
		if (st == TCP_TIME_WAIT) {
			HT_ASSERT_EQ(tp->state, TCP_TIME_WAIT);         /* RFC 1337 */
		} else {
			HT_ASSERT_MSG(tp->state == TCP_CLOSED, "%s survived a reset",
			              tcp_state_name(st));
			HT_ASSERT_EQ(tp->err, rst_err(st));
		}
		sim_free(&s);
		HT_ASSERT_EQ(kmalloc_shim_live(), 0);
	}
}

HTEST(tcp_syn_on_established_challenged)
{
	struct sim s;
	struct tcp_cfg cfg;
	struct tcpcb *c, *v;
	uint8_t buf[16];

	tcp_cfg_default(&cfg);
	sim_init(&s, 20);
	c = pair(&s, &cfg, &v);
	inject(&s, c, c->rcv_nxt, 0, TCP_SYN, NULL);
	inject(&s, c, c->rcv_nxt + 100, 0, TCP_SYN, NULL);
	inject(&s, c, c->rcv_nxt - 100000, 0, TCP_SYN, NULL);   /* out of window */
	HT_ASSERT_EQ(c->state, TCP_ESTABLISHED);
	HT_ASSERT_EQ(c->st.challenge_acks, 2);
	sim_run(&s, s.now + SEC);
	HT_ASSERT_EQ(v->state, TCP_ESTABLISHED);        /* the challenges are harmless */
	HT_ASSERT_EQ(tcp_write(v, "still", 5), 5);
	sim_run(&s, s.now + SEC);
	HT_ASSERT_EQ(tcp_read(c, buf, sizeof(buf)), 5);
	sim_free(&s);
	HT_ASSERT_EQ(kmalloc_shim_live(), 0);
}

HTEST(tcp_challenge_acks_limited)
{
	struct sim s;
	struct tcp_cfg cfg;
	struct tcpcb *c, *v;
	uint64_t out;

	tcp_cfg_default(&cfg);
	sim_init(&s, 25);
	c = pair(&s, &cfg, &v);
	out = c->st.segs_out;
	for (int i = 0; i < 100; i++)           /* a burst within one second */
		inject(&s, c, c->rcv_nxt + 1 + (uint32_t)i, c->snd_nxt, TCP_RST, NULL);
	HT_ASSERT_EQ(c->state, TCP_ESTABLISHED);
	HT_ASSERT_EQ(c->st.challenge_acks, TCP_CHALLENGE_MAX);
	HT_ASSERT_EQ(c->st.challenges_limited, 100 - TCP_CHALLENGE_MAX);
	HT_ASSERT_EQ(c->st.segs_out, out + TCP_CHALLENGE_MAX);
	s.now += 1000000;                       /* a new second, new allowance */
	inject(&s, c, c->rcv_nxt, 0, TCP_SYN, NULL);
	HT_ASSERT_EQ(c->st.challenge_acks, TCP_CHALLENGE_MAX + 1);
	sim_free(&s);
	HT_ASSERT_EQ(kmalloc_shim_live(), 0);
}

HTEST(tcp_ack_out_of_range)
{
	struct sim s;
	struct tcp_cfg cfg;
	struct tcpcb *c, *v;
	uint32_t una;
	uint64_t out;

	tcp_cfg_default(&cfg);
	sim_init(&s, 21);
	c = pair(&s, &cfg, &v);
	s.drop_all = true;
	HT_ASSERT_EQ(tcp_write(c, "0123456789", 10), 10);
	una = c->snd_una;
	out = c->st.segs_out;
	/* acknowledges data never sent: an ACK back, nothing taken */
	inject(&s, c, c->rcv_nxt, c->snd_max + 100000, TCP_ACK, "evil");
	HT_ASSERT_EQ(c->snd_una, una);
	HT_ASSERT_EQ(c->st.segs_out, out + 1);
	HT_ASSERT_EQ(tcp_readable(c), 0);
	/* far below snd_una - max window: a challenge ACK (RFC 5961 5.2) */
	inject(&s, c, c->rcv_nxt, una - 0x40000000, TCP_ACK, "evil");
	HT_ASSERT_EQ(c->st.challenge_acks, 1);
	HT_ASSERT_EQ(tcp_readable(c), 0);
	HT_ASSERT_EQ(c->snd_una, una);
	/* a good one still works */
	inject(&s, c, c->rcv_nxt, c->snd_max, TCP_ACK, "good");
	HT_ASSERT_EQ(c->snd_una, c->snd_max);
	HT_ASSERT_EQ(tcp_readable(c), 4);
	sim_free(&s);
	HT_ASSERT_EQ(kmalloc_shim_live(), 0);
}

HTEST(tcp_listener_hostile)
{
	struct sim s;
	struct tcp_cfg cfg;
	struct tcpcb *l, *child;
	uint8_t p[TCP_HDR_MAX + 128], buf[16];
	struct tcp_seg g = { .sport = CPORT, .dport = SPORT, .seq = 7000,
	                     .flags = TCP_SYN, .wnd = 5000,
	                     .data = (const uint8_t *)"syn payload", .len = 11 };
	uint32_t src, dst;

	tcp_cfg_default(&cfg);
	sim_init(&s, 22);
	l = sim_listen(&s, 1, SPORT, &cfg);
	src = s.h[0].addr, dst = s.h[1].addr;
	/* RST and FIN-only: ignored; ACK: answered with a reset */
	sim_inject(&s, 1, p, tcp_build(p, &(struct tcp_seg){ .sport = 1, .dport = SPORT,
	           .flags = TCP_RST }, src, dst));
	sim_inject(&s, 1, p, tcp_build(p, &(struct tcp_seg){ .sport = 1, .dport = SPORT,
	           .flags = TCP_FIN }, src, dst));
	HT_ASSERT_EQ(s.sent, 0);
	sim_inject(&s, 1, p, tcp_build(p, &(struct tcp_seg){ .sport = 1, .dport = SPORT,
	           .flags = TCP_ACK, .ack = 99 }, src, dst));
	HT_ASSERT_EQ(s.sent, 1);
	HT_ASSERT_EQ(s.h[1].nconn, 0);
	HT_ASSERT_EQ(l->state, TCP_LISTEN);
	/* SYN with data: a child, the data not taken (the peer resends it) */
	sim_inject(&s, 1, p, tcp_build(p, &g, src, dst));
	HT_ASSERT_EQ(s.h[1].nconn, 1);
	child = s.h[1].conn[0];
	HT_ASSERT_EQ(child->state, TCP_SYN_RCVD);
	HT_ASSERT_EQ(child->rcv_nxt, 7001);
	HT_ASSERT_EQ(child->mss, 536);          /* no MSS option: RFC 9293 default */
	HT_ASSERT_EQ(tcp_readable(child), 0);
	/* the SYN again: the SYN-ACK again, same child */
	sim_inject(&s, 1, p, tcp_build(p, &g, src, dst));
	HT_ASSERT_EQ(s.h[1].nconn, 1);
	HT_ASSERT_EQ(child->st.rexmt_segs, 1);
	/* an ACK that is not for our SYN: reset, still SYN_RCVD */
	inject(&s, child, 7001, child->iss, TCP_ACK, NULL);
	HT_ASSERT_EQ(child->state, TCP_SYN_RCVD);
	inject(&s, child, 7001, child->iss + 1, TCP_ACK, "hello");
	HT_ASSERT_EQ(child->state, TCP_ESTABLISHED);
	HT_ASSERT_EQ(tcp_read(child, buf, sizeof(buf)), 5);
	HT_ASSERT(memcmp(buf, "hello", 5) == 0);
	sim_free(&s);
	HT_ASSERT_EQ(kmalloc_shim_live(), 0);
}

HTEST(tcp_paws_drops_old_segments)
{
	struct sim s;
	struct tcp_cfg cfg;
	struct tcpcb *c, *v;
	uint8_t p[TCP_HDR_MAX + 16];
	uint64_t out;

	tcp_cfg_default(&cfg);
	sim_init(&s, 23);
	c = pair(&s, &cfg, &v);
	HT_ASSERT(c->ts_ok);
	out = c->st.segs_out;
	struct tcp_seg g = { .sport = SPORT, .dport = CPORT, .seq = c->rcv_nxt,
	                     .ack = c->snd_una, .flags = TCP_ACK, .wnd = 1000,
	                     .has_ts = true, .tsval = c->ts_recent - 5,
	                     .data = (const uint8_t *)"old", .len = 3 };
	sim_inject(&s, 0, p, tcp_build(p, &g, s.h[1].addr, s.h[0].addr));
	HT_ASSERT_EQ(tcp_readable(c), 0);
	HT_ASSERT_EQ(c->st.segs_out, out + 1);  /* an ACK, per RFC 7323 5.3 */
	g.tsval = c->ts_recent + 5;
	sim_inject(&s, 0, p, tcp_build(p, &g, s.h[1].addr, s.h[0].addr));
	HT_ASSERT_EQ(tcp_readable(c), 3);
	HT_ASSERT_EQ(c->ts_recent, g.tsval);
	sim_free(&s);
	HT_ASSERT_EQ(kmalloc_shim_live(), 0);
}

HTEST(tcp_random_segment_storm)
{
	struct sim s;
	struct tcp_cfg cfg;
	struct tcpcb *c, *v;
	uint8_t p[TCP_HDR_MAX + 64], buf[64], junk[64];
	static const uint8_t flagset[] = { TCP_ACK, TCP_SYN, TCP_ACK | TCP_URG | TCP_PSH,
	                                   TCP_SYN | TCP_ACK, TCP_ACK | TCP_PSH, 0,
	                                   TCP_URG | TCP_ACK, TCP_SYN | TCP_FIN };

	tcp_cfg_default(&cfg);
	sim_init(&s, 24);
	c = pair(&s, &cfg, &v);
	for (size_t k = 0; k < sizeof(junk); k++)
		junk[k] = (uint8_t)k;
	for (int i = 0; i < 20000; i++) {
		uint64_t r = htest_rand();
		struct tcp_seg g = { .sport = SPORT, .dport = CPORT,
		                     .flags = flagset[r % 8], .wnd = (uint16_t)(r >> 8),
		                     .data = junk, .len = (r >> 24) % 40 };
		/* near the window edges, or anywhere */
		g.seq = (r & 0x100) ? c->rcv_nxt - 2000000000u + (uint32_t)(r >> 32)
		                    : c->rcv_nxt + (uint32_t)((r >> 40) % 300000) - 150000;
		g.ack = (r & 0x200) ? (uint32_t)(r >> 16) : c->snd_una + (uint32_t)((r >> 48) % 64) - 32;
		g.has_ts = r & 0x400;
		g.tsval = c->ts_recent + (uint32_t)((r >> 12) % 9) - 4;
		g.nsack = (r >> 60) % 3;
		g.sack[0][0] = (uint32_t)r, g.sack[0][1] = (uint32_t)(r >> 20);
		g.sack[1][0] = c->snd_una - 10, g.sack[1][1] = c->snd_una + 1000;
		sim_inject(&s, 0, p, tcp_build(p, &g, s.h[1].addr, s.h[0].addr));
		if (c->state != TCP_ESTABLISHED)
			break;
		tcp_read(c, buf, sizeof(buf));  /* storm data may land in window */
		HT_ASSERT(c->rb.len <= c->rb.cap && c->sb.len <= c->sb.cap);
		HT_ASSERT(c->nooo <= TCP_OOO_MAX && c->nsacked <= TCP_SB_MAX);
	}
	/* no RST or FIN in the storm: the connection survives it */
	HT_ASSERT_EQ(c->state, TCP_ESTABLISHED);
	sim_free(&s);
	HT_ASSERT_EQ(kmalloc_shim_live(), 0);
}
