/* SPDX-License-Identifier: MIT */
/*
 * test_tcp_flow.c - two TCP engines over the simulated link of tcp_sim.c:
 * handshakes (normal, simultaneous, refused, timed out), bulk transfers
 * with every byte checked under loss, reordering, duplication and
 * corruption, SACK recovery of several holes without a timeout, a slow
 * reader behind a zero window, half-close, TIME_WAIT, keep-alive, many
 * connections, and sequence numbers wrapping around 2^32.  Every test
 * ends with all engine memory freed (kmalloc_shim_live() == 0).
 */
#include <errno.h>
#include <string.h>

#include "htest.h"
#include "tcp_sim.h"

long kmalloc_shim_live(void);

#define CPORT 40000
#define SPORT 80
#define SEC 1000000ull

static uint8_t pattern(uint64_t i, uint64_t seed)
{
	uint64_t x = (i + seed) * 0x9e3779b97f4a7c15ull;

	return (uint8_t)(x >> 56);
}

/* One direction of a transfer: a writer, a reader that checks bytes. */
struct pipe_end {
	struct tcpcb *w, *r;
	uint64_t total, sent, rcvd, seed;
	bool eof, shut, bad;
	uint64_t read_every_us, last_read;      /* a slow reader */
	uint32_t read_max;
};

static void pipe_write(struct pipe_end *p)
{
	uint8_t buf[16384];

	while (p->w && p->sent < p->total) {
		size_t n = p->total - p->sent < sizeof(buf) ? p->total - p->sent : sizeof(buf);
		long got;

		for (size_t k = 0; k < n; k++)
			buf[k] = pattern(p->sent + k, p->seed);
		got = tcp_write(p->w, buf, n);
		if (got <= 0)
			return;
		p->sent += (uint64_t)got;
	}
	if (p->w && p->sent == p->total && !p->shut) {
		p->shut = true;
		tcp_shutdown(p->w);
	}
}

static void pipe_read(struct pipe_end *p, uint64_t now)
{
	uint8_t buf[16384];

	if (!p->r || p->eof)
		return;
	if (p->read_every_us && now - p->last_read < p->read_every_us)
		return;
	p->last_read = now;
	for (;;) {
		size_t want = p->read_max ? p->read_max : sizeof(buf);
		long n = tcp_read(p->r, buf, want < sizeof(buf) ? want : sizeof(buf));

		if (n == 0)
			p->eof = true;
		if (n <= 0)
			return;
		for (long k = 0; k < n; k++)
			if (buf[k] != pattern(p->rcvd + (uint64_t)k, p->seed))
				p->bad = true;
		p->rcvd += (uint64_t)n;
		if (p->read_max)
			return;
	}
}

struct xfer {
	struct pipe_end up, down;       /* client to server, server to client */
};

static bool xfer_app(struct sim *s, void *arg)
{
	struct xfer *x = arg;

	if (!x->up.r && s->h[1].naccepted) {
		x->up.r = s->h[1].accepted[0];
		x->down.w = x->up.r;
	}
	pipe_write(&x->up);
	pipe_write(&x->down);
	pipe_read(&x->up, s->now);
	pipe_read(&x->down, s->now);
	return !(x->up.eof && x->down.eof);
}

/* Client 0 to server 1: up bytes up, down bytes back, both checked. */
static void run_xfer(struct sim *s, struct xfer *x, const struct tcp_cfg *cfg,
                     uint64_t up, uint64_t down, uint64_t limit_us)
{
	sim_listen(s, 1, SPORT, cfg);
	x->up.total = up, x->up.seed = 1;
	x->down.total = down, x->down.seed = 2;
	x->up.w = sim_connect(s, 0, CPORT, SPORT, cfg);
	x->down.r = x->up.w;
	s->app = xfer_app;
	s->app_arg = x;
	sim_run(s, s->now + limit_us);
	HT_ASSERT_MSG(!x->up.bad && !x->down.bad, "corrupt bytes");
	HT_ASSERT_MSG(x->up.eof && x->down.eof, "no EOF: up %llu/%llu down %llu/%llu",
	              (unsigned long long)x->up.rcvd, (unsigned long long)up,
	              (unsigned long long)x->down.rcvd, (unsigned long long)down);
	HT_ASSERT_EQ(x->up.rcvd, up);
	HT_ASSERT_EQ(x->down.rcvd, down);
	s->app = NULL;
	sim_run(s, s->now + 300 * SEC);        /* past TIME_WAIT */
	HT_ASSERT_EQ(x->up.w->state, TCP_CLOSED);
	HT_ASSERT_EQ(x->up.r->state, TCP_CLOSED);
	HT_ASSERT_EQ(x->up.w->err, 0);
	HT_ASSERT_EQ(x->up.r->err, 0);
}

static void finish(struct sim *s)
{
	sim_free(s);
	HT_ASSERT_EQ(kmalloc_shim_live(), 0);
}

HTEST(tcp_handshake_options)
{
	struct sim s;
	struct tcp_cfg cfg;
	struct tcpcb *c, *l;

	tcp_cfg_default(&cfg);
	cfg.rcvbuf = 1 << 20;
	sim_init(&s, 1);
	l = sim_listen(&s, 1, SPORT, &cfg);
	c = sim_connect(&s, 0, CPORT, SPORT, &cfg);
	HT_ASSERT_EQ(c->state, TCP_SYN_SENT);
	sim_run(&s, s.now + SEC);
	HT_ASSERT_EQ(c->state, TCP_ESTABLISHED);
	HT_ASSERT_EQ(s.h[1].naccepted, 1);
	struct tcpcb *a = s.h[1].accepted[0];
	HT_ASSERT_EQ(a->state, TCP_ESTABLISHED);
	HT_ASSERT_EQ(l->state, TCP_LISTEN);
	HT_ASSERT(c->ws_ok && c->ts_ok && c->sack_ok);
	HT_ASSERT(a->ws_ok && a->ts_ok && a->sack_ok);
	HT_ASSERT_EQ(c->rcv_ws, 5);     /* 1 MiB >> 5 fits 16 bits */
	HT_ASSERT_EQ(a->snd_ws, 5);
	HT_ASSERT_EQ(c->mss, 1460 - 12);
	HT_ASSERT_EQ(s.delivered, 3);   /* SYN, SYN-ACK, ACK */
	HT_ASSERT(c->srtt >= 19000 && c->srtt <= 21000);
	HT_ASSERT_EQ(c->irs + 1, a->snd_una);
	finish(&s);
}

HTEST(tcp_handshake_no_options)
{
	struct sim s;
	struct tcp_cfg cfg, plain;
	struct xfer x = { 0 };

	tcp_cfg_default(&cfg);
	plain = cfg;
	plain.sack = plain.wscale = plain.tstamp = false;
	sim_init(&s, 2);
	sim_listen(&s, 1, SPORT, &plain);
	x.up.total = 200000, x.up.seed = 1;
	x.up.w = x.down.r = sim_connect(&s, 0, CPORT, SPORT, &cfg);
	s.app = xfer_app, s.app_arg = &x;
	sim_run(&s, s.now + 60 * SEC);
	HT_ASSERT(x.up.eof && !x.up.bad);
	HT_ASSERT(!x.up.w->ws_ok && !x.up.w->ts_ok && !x.up.w->sack_ok);
	HT_ASSERT_EQ(x.up.w->mss, 1460);
	HT_ASSERT_EQ(x.up.rcvd, 200000);
	finish(&s);
}

HTEST(tcp_bulk_clean)
{
	struct sim s;
	struct tcp_cfg cfg;
	struct xfer x = { 0 };

	tcp_cfg_default(&cfg);
	sim_init(&s, 3);
	run_xfer(&s, &x, &cfg, 4 << 20, 1 << 20, 600 * SEC);
	HT_ASSERT_EQ(x.up.w->st.rexmt_segs, 0);
	HT_ASSERT_EQ(x.up.r->st.rexmt_segs, 0);
	HT_ASSERT_EQ(s.dropped, 0);
	finish(&s);
}

static void lossy(uint64_t seed, uint32_t loss, uint32_t dup, uint32_t corrupt,
                  uint64_t jitter, uint64_t bytes)
{
	struct sim s;
	struct tcp_cfg cfg;
	struct xfer x = { 0 };

	tcp_cfg_default(&cfg);
	cfg.rcvbuf = cfg.sndbuf = 512 * 1024;
	sim_init(&s, seed);
	s.loss_ppm = loss, s.dup_ppm = dup, s.corrupt_ppm = corrupt;
	s.jitter_us = jitter;
	run_xfer(&s, &x, &cfg, bytes, bytes / 4, 3600 * SEC);
	if (loss) {
		HT_ASSERT(s.dropped > 0);
		HT_ASSERT(x.up.w->st.rexmt_segs > 0);
	}
	finish(&s);
}

HTEST(tcp_bulk_loss_1pct)
{
	lossy(4, 10000, 0, 0, 0, 4 << 20);
}

HTEST(tcp_bulk_loss_10pct)
{
	lossy(5, 100000, 0, 0, 0, 1 << 20);
}

HTEST(tcp_bulk_reorder_dup_corrupt)
{
	lossy(6, 10000, 20000, 5000, 15000, 2 << 20);
}

HTEST(tcp_fast_retransmit_counted)
{
	struct sim s;
	struct tcp_cfg cfg;
	struct xfer x = { 0 };

	tcp_cfg_default(&cfg);
	sim_init(&s, 7);
	s.loss_ppm = 10000;
	run_xfer(&s, &x, &cfg, 4 << 20, 0, 3600 * SEC);
	HT_ASSERT(x.up.w->st.fast_rexmt > 0);
	HT_ASSERT(x.up.r->st.ooo_segs > 0);
	HT_ASSERT(x.up.w->st.dupacks_in >= 3 * x.up.w->st.fast_rexmt);
	finish(&s);
}

/* Drops, once each, the data segments whose offsets are listed. */
static uint64_t holes[] = { 300000, 300000 + 3 * 1448, 300000 + 7 * 1448 };
static bool hole_dropped[3];
static uint32_t hole_iss;

static bool drop_holes(struct sim *s, uint32_t src, const uint8_t *p, size_t n)
{
	struct tcp_seg g;

	if (src != s->h[0].addr || tcp_parse(p, n, src, s->h[1].addr, &g) || !g.len)
		return false;
	for (int i = 0; i < 3; i++) {
		uint32_t at = hole_iss + 1 + (uint32_t)holes[i];

		if (!hole_dropped[i] && SEQ_LEQ(g.seq, at) && SEQ_LT(at, g.seq + g.len)) {
			hole_dropped[i] = true;
			return true;
		}
	}
	return false;
}

HTEST(tcp_sack_several_holes)
{
	struct sim s;
	struct tcp_cfg cfg;
	struct xfer x = { 0 };

	tcp_cfg_default(&cfg);
	cfg.rcvbuf = cfg.sndbuf = 1 << 20;
	sim_init(&s, 8);
	s.drop = drop_holes;
	sim_listen(&s, 1, SPORT, &cfg);
	x.up.total = 2 << 20, x.up.seed = 1;
	x.up.w = x.down.r = sim_connect(&s, 0, CPORT, SPORT, &cfg);
	hole_iss = x.up.w->iss;
	s.app = xfer_app, s.app_arg = &x;
	sim_run(&s, s.now + 600 * SEC);
	HT_ASSERT(hole_dropped[0] && hole_dropped[1] && hole_dropped[2]);
	HT_ASSERT(x.up.eof && !x.up.bad);
	HT_ASSERT_EQ(x.up.rcvd, 2 << 20);
	HT_ASSERT_EQ(x.up.w->st.fast_rexmt, 1);         /* one recovery ... */
	HT_ASSERT_EQ(x.up.w->st.rto_events, 0);         /* ... and no timeout */
	HT_ASSERT_EQ(x.up.w->st.rexmt_segs, 3);         /* just the holes */
	finish(&s);
}

HTEST(tcp_slow_reader_zero_window)
{
	struct sim s;
	struct tcp_cfg cfg;
	struct xfer x = { 0 };

	tcp_cfg_default(&cfg);
	/* whole segments: the sender fills the window to exactly zero */
	cfg.rcvbuf = 1448 * 724;        /* about 1 MiB: a scaled window */
	sim_init(&s, 9);
	x.up.read_every_us = 2 * SEC;
	x.up.read_max = 1448 * 40;
	s.tick_us = 100000;
	run_xfer(&s, &x, &cfg, 3 << 20, 0, 3600 * SEC);
	HT_ASSERT(x.up.r->rcv_ws > 0);
	HT_ASSERT_MSG(x.up.w->st.probes > 0, "no zero-window probe");
	HT_ASSERT_EQ(x.up.w->st.fast_rexmt, 0);         /* probes' ACKs are not dupacks */
	HT_ASSERT_EQ(x.up.w->st.rto_events, 0);
	finish(&s);
}

HTEST(tcp_zero_window_update_lost)
{
	struct sim s;
	struct tcp_cfg cfg;
	struct xfer x = { 0 };

	tcp_cfg_default(&cfg);
	cfg.rcvbuf = 1448 * 45;
	sim_init(&s, 10);
	s.loss_ppm = 50000;
	x.up.read_every_us = 2 * SEC;
	x.up.read_max = 1448 * 10;
	s.tick_us = SEC;
	run_xfer(&s, &x, &cfg, 512 * 1024, 0, 36000 * SEC);
	HT_ASSERT(x.up.w->st.probes > 0);
	finish(&s);
}

HTEST(tcp_simultaneous_open)
{
	struct sim s;
	struct tcp_cfg cfg;
	struct tcpcb *a, *b;
	uint8_t buf[16];

	tcp_cfg_default(&cfg);
	sim_init(&s, 11);
	a = sim_connect(&s, 0, 5000, 6000, &cfg);
	b = sim_connect(&s, 1, 6000, 5000, &cfg);
	sim_run(&s, s.now + 5 * SEC);
	HT_ASSERT_EQ(a->state, TCP_ESTABLISHED);
	HT_ASSERT_EQ(b->state, TCP_ESTABLISHED);
	HT_ASSERT_EQ(s.h[0].connected, 1);
	HT_ASSERT_EQ(s.h[1].connected, 1);
	HT_ASSERT_EQ(tcp_write(a, "hello", 5), 5);
	HT_ASSERT_EQ(tcp_write(b, "world", 5), 5);
	sim_run(&s, s.now + SEC);
	HT_ASSERT_EQ(tcp_read(b, buf, sizeof(buf)), 5);
	HT_ASSERT(memcmp(buf, "hello", 5) == 0);
	HT_ASSERT_EQ(tcp_read(a, buf, sizeof(buf)), 5);
	HT_ASSERT(memcmp(buf, "world", 5) == 0);
	HT_ASSERT_EQ(tcp_read(a, buf, sizeof(buf)), -EAGAIN);
	finish(&s);
}

/* Connects 0 to 1 (sim_pair); returns the client, *srv the accepted side. */
static struct tcpcb *pair(struct sim *s, struct tcp_cfg *cfg, struct tcpcb **srv)
{
	struct tcpcb *c = sim_pair(s, CPORT, SPORT, cfg, srv);

	HT_ASSERT_MSG(c, "no connection");
	return c;
}

/* Lazy buffers: a new connection holds no ring memory; bytes make the
 * rings grow (a 20 KB message: past the first allocation, short of the
 * 128 KiB cap); once everything is read and acknowledged, TT_SHRINK gives
 * the memory back, and the next message works again. */
HTEST(tcp_buffers_lazy_and_shrink_when_idle)
{
	static uint8_t msg[20000], got[20000];
	struct sim s;
	struct tcp_cfg cfg;
	struct tcpcb *c, *v;
	size_t n = 0;
	uint32_t most;

	tcp_cfg_default(&cfg);
	cfg.sndbuf = cfg.rcvbuf = 128 * 1024;
	sim_init(&s, 23);
	c = pair(&s, &cfg, &v);
	HT_ASSERT(c->sb.size == 0 && c->rb.size == 0 && v->sb.size == 0 && v->rb.size == 0);
	for (int round = 0; round < 2; round++) {
		for (size_t i = 0; i < sizeof(msg); i++)
			msg[i] = (uint8_t)(i * 11 + (size_t)round);
		HT_ASSERT_EQ(tcp_write(c, msg, sizeof(msg)), (long)sizeof(msg));
		HT_ASSERT(c->sb.size >= sizeof(msg) && c->sb.size < cfg.sndbuf);
		for (n = 0, most = 0; n < sizeof(got) && s.now < 60 * SEC;) {
			long r;

			sim_run(&s, s.now + SEC / 10);
			most = v->rb.size > most ? v->rb.size : most;
			r = tcp_read(v, got + n, sizeof(got) - n);
			HT_ASSERT(r > 0 || r == -EAGAIN);
			n += r > 0 ? (size_t)r : 0;
		}
		HT_ASSERT_EQ(n, sizeof(got));
		HT_ASSERT(most >= TCP_RING_MIN && most < cfg.rcvbuf);
		HT_ASSERT(memcmp(got, msg, sizeof(msg)) == 0);
		sim_run(&s, s.now + SEC);
		HT_ASSERT_EQ(c->sb.size, 0);
		HT_ASSERT_EQ(v->rb.size, 0);
		HT_ASSERT(c->sb.buf == NULL && v->rb.buf == NULL);
	}
	finish(&s);
}

HTEST(tcp_simultaneous_close)
{
	struct sim s;
	struct tcp_cfg cfg;
	struct tcpcb *c, *v;

	tcp_cfg_default(&cfg);
	sim_init(&s, 12);
	c = pair(&s, &cfg, &v);
	tcp_shutdown(c);
	tcp_shutdown(v);
	HT_ASSERT_EQ(c->state, TCP_FIN_WAIT1);
	HT_ASSERT_EQ(v->state, TCP_FIN_WAIT1);
	sim_run(&s, s.now + 15000);     /* the FINs cross */
	HT_ASSERT_EQ(c->state, TCP_CLOSING);
	HT_ASSERT_EQ(v->state, TCP_CLOSING);
	sim_run(&s, s.now + SEC);
	HT_ASSERT_EQ(c->state, TCP_TIME_WAIT);
	HT_ASSERT_EQ(v->state, TCP_TIME_WAIT);
	sim_run(&s, s.now + 2 * cfg.msl_us + SEC);
	HT_ASSERT_EQ(c->state, TCP_CLOSED);
	HT_ASSERT_EQ(v->state, TCP_CLOSED);
	finish(&s);
}

HTEST(tcp_half_close)
{
	struct sim s;
	struct tcp_cfg cfg;
	struct tcpcb *c, *v;
	uint8_t buf[4096];
	long n;

	tcp_cfg_default(&cfg);
	sim_init(&s, 13);
	c = pair(&s, &cfg, &v);
	HT_ASSERT_EQ(tcp_write(c, "request", 7), 7);
	tcp_shutdown(c);
	sim_run(&s, s.now + SEC);
	HT_ASSERT_EQ(c->state, TCP_FIN_WAIT2);
	HT_ASSERT_EQ(v->state, TCP_CLOSE_WAIT);
	HT_ASSERT_EQ(tcp_read(v, buf, sizeof(buf)), 7);
	HT_ASSERT_EQ(tcp_read(v, buf, sizeof(buf)), 0);         /* EOF */
	HT_ASSERT(tcp_eof(v));
	HT_ASSERT_EQ(tcp_write(c, "x", 1), -EPIPE);
	/* the other half still flows */
	for (int i = 0; i < 100; i++) {
		memset(buf, i, sizeof(buf));
		HT_ASSERT_EQ(tcp_write(v, buf, 1000), 1000);
	}
	tcp_shutdown(v);
	HT_ASSERT_EQ(v->state, TCP_LAST_ACK);
	sim_run(&s, s.now + SEC);
	for (int i = 0; i < 100; i++) {
		n = tcp_read(c, buf, 1000);
		HT_ASSERT_EQ(n, 1000);
		HT_ASSERT(buf[0] == i && buf[999] == i);
	}
	HT_ASSERT_EQ(tcp_read(c, buf, 1), 0);
	HT_ASSERT_EQ(c->state, TCP_TIME_WAIT);
	HT_ASSERT_EQ(v->state, TCP_CLOSED);
	finish(&s);
}

HTEST(tcp_time_wait)
{
	struct sim s;
	struct tcp_cfg cfg;
	struct tcpcb *c, *v;
	uint8_t p[TCP_HDR_MAX];
	uint64_t acks;

	tcp_cfg_default(&cfg);
	sim_init(&s, 14);
	c = pair(&s, &cfg, &v);
	tcp_shutdown(c);
	sim_run(&s, s.now + SEC);
	tcp_shutdown(v);
	sim_run(&s, s.now + SEC);
	HT_ASSERT_EQ(c->state, TCP_TIME_WAIT);
	HT_ASSERT_EQ(v->state, TCP_CLOSED);
	HT_ASSERT(c->sb.buf == NULL && c->rb.buf == NULL);      /* memory back */
	sim_run(&s, s.now + cfg.msl_us);
	HT_ASSERT_EQ(c->state, TCP_TIME_WAIT);
	/* the peer's FIN again: re-acknowledged, 2MSL restarts */
	struct tcp_seg fin = { .sport = SPORT, .dport = CPORT, .seq = c->rcv_nxt - 1,
	                       .ack = c->snd_nxt, .flags = TCP_FIN | TCP_ACK,
	                       .wnd = 1000, .has_ts = true, .tsval = c->ts_recent + 1 };
	acks = c->st.segs_out;
	sim_inject(&s, 0, p, tcp_build(p, &fin, s.h[1].addr, s.h[0].addr));
	HT_ASSERT_EQ(c->st.segs_out, acks + 1);
	sim_run(&s, s.now + 2 * cfg.msl_us - SEC);
	HT_ASSERT_EQ(c->state, TCP_TIME_WAIT);
	sim_run(&s, s.now + 2 * SEC);
	HT_ASSERT_EQ(c->state, TCP_CLOSED);
	HT_ASSERT_EQ(c->err, 0);
	finish(&s);
}

HTEST(tcp_keepalive)
{
	struct sim s;
	struct tcp_cfg cfg;
	struct tcpcb *c, *v;

	tcp_cfg_default(&cfg);
	cfg.keep_idle_us = 10 * SEC;
	cfg.keep_intvl_us = 2 * SEC;
	cfg.keep_cnt = 3;
	sim_init(&s, 15);
	c = pair(&s, &cfg, &v);
	tcp_set_keepalive(c, true);
	sim_run(&s, s.now + 100 * SEC);         /* a live peer answers */
	HT_ASSERT_EQ(c->state, TCP_ESTABLISHED);
	HT_ASSERT(c->st.probes >= 9);
	s.drop_all = true;                      /* the wire is cut */
	sim_run(&s, s.now + 100 * SEC);
	HT_ASSERT_EQ(c->state, TCP_CLOSED);
	HT_ASSERT_EQ(c->err, -ETIMEDOUT);
	HT_ASSERT_EQ(v->state, TCP_ESTABLISHED);
	finish(&s);
}

HTEST(tcp_connect_refused_and_timeout)
{
	struct sim s;
	struct tcp_cfg cfg;
	struct tcpcb *c;

	tcp_cfg_default(&cfg);
	sim_init(&s, 16);
	c = sim_connect(&s, 0, CPORT, 9, &cfg);        /* nobody listens */
	sim_run(&s, s.now + SEC);
	HT_ASSERT_EQ(c->state, TCP_CLOSED);
	HT_ASSERT_EQ(c->err, -ECONNREFUSED);
	HT_ASSERT_EQ(s.h[1].rsts_sent, 1);
	s.drop_all = true;
	c = sim_connect(&s, 0, CPORT + 1, 9, &cfg);
	sim_run(&s, s.now + 3600 * SEC);
	HT_ASSERT_EQ(c->state, TCP_CLOSED);
	HT_ASSERT_EQ(c->err, -ETIMEDOUT);
	HT_ASSERT_EQ(c->st.rexmt_segs, cfg.max_syn_rexmt);
	finish(&s);
}

struct many {
	struct pipe_end p[20];
	unsigned int n;
};

static bool many_app(struct sim *s, void *arg)
{
	struct many *m = arg;
	bool all = true;

	for (unsigned int i = 0; i < s->h[1].naccepted; i++)
		for (unsigned int k = 0; k < m->n; k++)
			if (m->p[k].w->lport == s->h[1].accepted[i]->rport)
				m->p[k].r = s->h[1].accepted[i];
	for (unsigned int k = 0; k < m->n; k++) {
		pipe_write(&m->p[k]);
		pipe_read(&m->p[k], s->now);
		all = all && m->p[k].eof;
	}
	return !all;
}

HTEST(tcp_many_connections)
{
	struct sim s;
	struct tcp_cfg cfg;
	struct many m = { .n = 20 };

	tcp_cfg_default(&cfg);
	cfg.sndbuf = cfg.rcvbuf = 32 * 1024;
	sim_init(&s, 17);
	s.loss_ppm = 5000;
	s.jitter_us = 3000;
	sim_listen(&s, 1, SPORT, &cfg);
	for (unsigned int k = 0; k < m.n; k++) {
		m.p[k].total = 100000 + 1000 * k;
		m.p[k].seed = k;
		m.p[k].w = sim_connect(&s, 0, (uint16_t)(CPORT + k), SPORT, &cfg);
	}
	s.app = many_app, s.app_arg = &m;
	sim_run(&s, s.now + 3600 * SEC);
	HT_ASSERT_EQ(s.h[1].naccepted, m.n);
	for (unsigned int k = 0; k < m.n; k++) {
		HT_ASSERT(m.p[k].eof && !m.p[k].bad);
		HT_ASSERT_EQ(m.p[k].rcvd, m.p[k].total);
	}
	finish(&s);
}

HTEST(tcp_sequence_wrap)
{
	struct sim s;
	struct tcp_cfg cfg;
	struct xfer x = { 0 };

	tcp_cfg_default(&cfg);
	sim_init(&s, 18);
	s.isn_target = 0xfffff000;      /* both ISNs a few KB below 2^32 */
	s.loss_ppm = 10000;
	s.jitter_us = 5000;
	run_xfer(&s, &x, &cfg, 1 << 20, 1 << 20, 3600 * SEC);
	HT_ASSERT(SEQ_GT(x.up.w->iss, 0xffff0000));
	HT_ASSERT(x.up.w->snd_una < 0x00200000);        /* wrapped */
	finish(&s);
}
