/* SPDX-License-Identifier: MIT */
/*
 * tcp_sim.c - the simulated link and hosts of tcp_sim.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcp_sim.h"

static struct sim_host *host_of(void *arg)
{
	return arg;
}

uint64_t sim_rand(struct sim *s)
{
	s->rng ^= s->rng << 13;
	s->rng ^= s->rng >> 7;
	s->rng ^= s->rng << 17;
	return s->rng;
}

static bool chance(struct sim *s, uint32_t ppm)
{
	return ppm && sim_rand(s) % 1000000 < ppm;
}

static void enqueue(struct sim *s, uint32_t src, uint32_t dst, const uint8_t *p,
                    size_t n, uint64_t at)
{
	struct sim_pkt *k = malloc(sizeof(*k) + n);

	k->at = at;
	k->id = s->ids++;
	k->src = src, k->dst = dst;
	k->len = n;
	memcpy(k->data, p, n);
	k->next = s->q;
	s->q = k;
}

static void sim_output(void *arg, uint32_t src, uint32_t dst, const uint8_t *p, size_t n)
{
	struct sim *s = host_of(arg)->sim;
	int copies = 1 + chance(s, s->dup_ppm);

	s->sent++;
	if (s->drop_all || chance(s, s->loss_ppm) || (s->drop && s->drop(s, src, p, n))) {
		s->dropped++;
		return;
	}
	for (int c = 0; c < copies; c++) {
		uint64_t j = s->jitter_us ? sim_rand(s) % s->jitter_us : 0;

		enqueue(s, src, dst, p, n, s->now + s->delay_us + j);
		if (chance(s, s->corrupt_ppm))
			s->q->data[sim_rand(s) % n] ^= (uint8_t)(1 + sim_rand(s) % 255);
	}
}

static uint64_t sim_now(void *arg)
{
	return host_of(arg)->sim->now;
}

static uint64_t sim_random(void *arg)
{
	struct sim *s = host_of(arg)->sim;

	if (s->isn_target)
		return s->isn_target - (uint32_t)(s->now / 4);
	return sim_rand(s);
}

static void sim_event(void *arg, struct tcpcb *tp, enum tcp_event ev)
{
	struct sim_host *h = host_of(arg);

	switch (ev) {
	case TCP_EV_CONNECTED:
		h->connected++;
		if (tp->passive && h->naccepted < SIM_MAXCONN)
			h->accepted[h->naccepted++] = tp;
		break;
	case TCP_EV_CLOSED:
		h->closed++;
		break;
	case TCP_EV_READABLE:
		h->readable++;
		break;
	case TCP_EV_WRITABLE:
		h->writable++;
		break;
	}
}

const struct tcp_env sim_env = {
	.output = sim_output,
	.now_us = sim_now,
	.random = sim_random,
	.event = sim_event,
};

void sim_init(struct sim *s, uint64_t seed)
{
	memset(s, 0, sizeof(*s));
	s->rng = seed * 0x9e3779b97f4a7c15ull + 1;
	s->now = 1000000;
	s->delay_us = 10000;
	for (int i = 0; i < 2; i++) {
		s->h[i].sim = s;
		s->h[i].addr = 0x0a000001 + (uint32_t)i;
	}
}

static void add_conn(struct sim_host *h, struct tcpcb *tp)
{
	if (h->nconn < SIM_MAXCONN)
		h->conn[h->nconn++] = tp;
	else
		tcp_free(tp);
}

struct tcpcb *sim_connect(struct sim *s, int from, uint16_t lport, uint16_t rport,
                          const struct tcp_cfg *cfg)
{
	struct sim_host *h = &s->h[from];
	struct tcpcb *tp = tcp_new(&sim_env, h, cfg);

	if (!tp)
		return NULL;
	add_conn(h, tp);
	tcp_connect(tp, h->addr, lport, s->h[!from].addr, rport);
	return tp;
}

struct tcpcb *sim_listen(struct sim *s, int on, uint16_t port, const struct tcp_cfg *cfg)
{
	struct sim_host *h = &s->h[on];

	h->listener = tcp_new(&sim_env, h, cfg);
	tcp_listen(h->listener, h->addr, port);
	return h->listener;
}

struct tcpcb *sim_pair(struct sim *s, uint16_t cport, uint16_t sport,
                       const struct tcp_cfg *cfg, struct tcpcb **srv)
{
	struct tcpcb *c;

	sim_listen(s, 1, sport, cfg);
	c = sim_connect(s, 0, cport, sport, cfg);
	sim_run(s, s->now + 1000000);
	if (!c || c->state != TCP_ESTABLISHED || s->h[1].naccepted != 1)
		return NULL;
	*srv = s->h[1].accepted[0];
	return c;
}

static struct tcpcb *lookup(struct sim_host *h, const struct tcp_seg *g)
{
	for (unsigned int i = 0; i < h->nconn; i++) {
		struct tcpcb *tp = h->conn[i];

		if (tp->state != TCP_CLOSED && tp->lport == g->dport &&
		    tp->rport == g->sport && tp->raddr == g->src)
			return tp;
	}
	return NULL;
}

static void deliver(struct sim *s, uint32_t src, uint32_t dst, const uint8_t *p, size_t n)
{
	struct sim_host *h = dst == s->h[0].addr ? &s->h[0] : &s->h[1];
	struct tcp_seg g;
	struct tcpcb *tp;

	if (tcp_parse(p, n, src, dst, &g))
		return;
	s->delivered++;
	if (getenv("SIM_TRACE"))
		fprintf(stderr, "%8llu %s %u>%u f%02x seq %u ack %u len %zu wnd %u\n",
		        (unsigned long long)s->now, h == &s->h[0] ? "->0" : "->1",
		        g.sport, g.dport, g.flags, g.seq, g.ack, g.len, g.wnd);
	if (s->tap)
		s->tap(s, &g);
	tp = lookup(h, &g);
	if (tp) {
		tcp_input(tp, &g);
	} else if (h->listener && h->listener->state == TCP_LISTEN &&
	           h->listener->lport == g.dport) {
		tp = tcp_listen_input(h->listener, &g);
		if (tp)
			add_conn(h, tp);
	} else {
		h->rsts_sent++;
		tcp_reply_rst(&sim_env, h, &g);
	}
}

void sim_inject(struct sim *s, int to, const uint8_t *seg, size_t len)
{
	deliver(s, s->h[!to].addr, s->h[to].addr, seg, len);
}

static uint64_t next_time(struct sim *s)
{
	uint64_t t = UINT64_MAX;

	for (struct sim_pkt *k = s->q; k; k = k->next)
		if (k->at < t)
			t = k->at;
	for (int i = 0; i < 2; i++)
		for (unsigned int c = 0; c < s->h[i].nconn; c++) {
			uint64_t d = tcp_deadline(s->h[i].conn[c]);

			if (d < t)
				t = d;
		}
	if (s->app && s->tick_us && s->now + s->tick_us < t)
		t = s->now + s->tick_us;
	return t;
}

/* Delivers the earliest due packet; false when none is due. */
static bool deliver_one(struct sim *s)
{
	struct sim_pkt **best = NULL, *k;

	for (struct sim_pkt **pp = &s->q; *pp; pp = &(*pp)->next)
		if ((*pp)->at <= s->now && (!best || (*pp)->at < (*best)->at ||
		    ((*pp)->at == (*best)->at && (*pp)->id < (*best)->id)))
			best = pp;
	if (!best)
		return false;
	k = *best;
	*best = k->next;
	deliver(s, k->src, k->dst, k->data, k->len);
	free(k);
	return true;
}

void sim_run(struct sim *s, uint64_t until_us)
{
	for (;;) {
		uint64_t t;

		if (s->app && !s->app(s, s->app_arg))
			return;
		t = next_time(s);
		if (t == UINT64_MAX || t > until_us) {
			if (until_us != UINT64_MAX && until_us > s->now)
				s->now = until_us;      /* the quiet time passes too */
			return;
		}
		if (t > s->now)
			s->now = t;
		while (deliver_one(s))
			;
		for (int i = 0; i < 2; i++)
			for (unsigned int c = 0; c < s->h[i].nconn; c++)
				if (tcp_deadline(s->h[i].conn[c]) <= s->now)
					tcp_timer(s->h[i].conn[c]);
	}
}

void sim_free(struct sim *s)
{
	while (s->q) {
		struct sim_pkt *k = s->q;

		s->q = k->next;
		free(k);
	}
	for (int i = 0; i < 2; i++) {
		for (unsigned int c = 0; c < s->h[i].nconn; c++)
			tcp_free(s->h[i].conn[c]);
		tcp_free(s->h[i].listener);
		s->h[i].nconn = 0;
		s->h[i].listener = NULL;
	}
}
