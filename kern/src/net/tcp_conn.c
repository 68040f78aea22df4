/* SPDX-License-Identifier: MIT */
/*
 * tcp_conn.c - a TCP connection's life as its user sees it: create, open
 * (active or passive), read, write, shut down, abort, free.
 *
 * The user calls of RFC 9293 3.10.1-3.10.5 (OPEN, SEND, RECEIVE, CLOSE,
 * ABORT) over the buffers of tcp_buf.c.  Reads and writes copy bytes and
 * never block: a full send buffer takes fewer bytes, an empty receive
 * buffer answers -EAGAIN, and the caller sleeps until TCP_EV_WRITABLE or
 * TCP_EV_READABLE.  Initial sequence numbers follow RFC 6528's shape: a
 * 4-microsecond clock plus an offset the clock's reader cannot predict
 * (here env->random per connection).  The caller's lock is held.
 */
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <tcp.h>

void tcp_cfg_default(struct tcp_cfg *cfg)
{
	*cfg = (struct tcp_cfg){
		.sndbuf = 256 * 1024,
		.rcvbuf = 256 * 1024,
		.mss = 1460,
		.sack = true,
		.wscale = true,
		.tstamp = true,
		.delack_us = 40 * 1000,
		.rto_min_us = 200 * 1000,
		.rto_max_us = 60 * 1000 * 1000ull,
		.rto_init_us = 1000 * 1000,
		.msl_us = 30 * 1000 * 1000ull,
		.keep_idle_us = 7200 * 1000 * 1000ull,
		.keep_intvl_us = 75 * 1000 * 1000ull,
		.keep_cnt = 9,
		.max_rexmt = 12,
		.max_syn_rexmt = 6,
	};
}

/* The smallest shift that fits the receive buffer in 16 bits. */
static uint8_t wscale_for(uint32_t rcvbuf)
{
	uint8_t ws = 0;

	while (ws < TCP_MAX_WSCALE && (rcvbuf >> ws) > 0xffff)
		ws++;
	return ws;
}

/* A CLOSED connection with cfg's buffers, or NULL (bad cfg, no memory). */
struct tcpcb *tcp_new(const struct tcp_env *env, void *arg, const struct tcp_cfg *cfg)
{
	struct tcpcb *tp;

	if (cfg->sndbuf == 0 || cfg->rcvbuf == 0 || cfg->sndbuf > (1u << 30) ||
	    cfg->rcvbuf > (1u << 30) || cfg->mss < 64)
		return NULL;
	tp = kzmalloc(sizeof(*tp), MEM_ATOMIC);
	if (!tp)
		return NULL;
	tp->env = env;
	tp->arg = arg;
	tp->cfg = *cfg;
	tp->scratch = kmalloc(TCP_HDR_MAX + cfg->mss, MEM_ATOMIC);
	if (!tp->scratch || tcp_ring_init(&tp->sb, cfg->sndbuf) ||
	    tcp_ring_init(&tp->rb, cfg->rcvbuf)) {
		tcp_free(tp);
		return NULL;
	}
	tp->rcv_ws = cfg->wscale ? wscale_for(cfg->rcvbuf) : 0;
	tp->mss = cfg->mss;
	tp->rto = cfg->rto_init_us;
	tp->ts_off = (uint32_t)env->random(arg);
	return tp;
}

void tcp_free(struct tcpcb *tp)
{
	if (!tp)
		return;
	tcp_ring_free(&tp->sb);
	tcp_ring_free(&tp->rb);
	kfree(tp->scratch);
	kfree(tp);
}

uint32_t tcp_isn(struct tcpcb *tp)
{
	return (uint32_t)(tcp_now(tp) / 4) + (uint32_t)tp->env->random(tp->arg);
}

/* Sets the send side up at a fresh ISS. */
void tcp_init_send(struct tcpcb *tp)
{
	tp->iss = tcp_isn(tp);
	tp->snd_una = tp->snd_nxt = tp->snd_max = tp->iss;
	tp->sb_seq = tp->iss + 1;
	tp->recover = tp->iss;
	tcp_cc_init(tp);
}

/* Active open: sends the SYN.  0, or -EISCONN when tp is not CLOSED. */
int tcp_connect(struct tcpcb *tp, uint32_t laddr, uint16_t lport,
                uint32_t raddr, uint16_t rport)
{
	if (tp->state != TCP_CLOSED)
		return -EISCONN;
	tp->laddr = laddr, tp->lport = lport;
	tp->raddr = raddr, tp->rport = rport;
	tp->err = 0;
	tcp_init_send(tp);
	tp->last_rcv = tcp_now(tp);
	tcp_set_state(tp, TCP_SYN_SENT);
	tcp_output(tp);
	return 0;
}

/* Passive open: SYNs go to tcp_listen_input. */
int tcp_listen(struct tcpcb *tp, uint32_t laddr, uint16_t lport)
{
	if (tp->state != TCP_CLOSED)
		return -EISCONN;
	tp->laddr = laddr, tp->lport = lport;
	tcp_set_state(tp, TCP_LISTEN);
	return 0;
}

/* Queues up to n bytes; returns how many (0: buffer full), or -EPIPE after
 * shutdown or reset, -ENOTCONN before an open. */
long tcp_write(struct tcpcb *tp, const void *buf, size_t n)
{
	uint32_t room;

	switch (tp->state) {
	case TCP_SYN_SENT:
	case TCP_SYN_RCVD:
	case TCP_ESTABLISHED:
	case TCP_CLOSE_WAIT:
		break;
	case TCP_CLOSED:
	case TCP_LISTEN:
		return tp->err ? -EPIPE : -ENOTCONN;
	default:
		return -EPIPE;
	}
	if (tp->fin_queued)
		return -EPIPE;
	room = tp->sb.cap - tp->sb.len;
	if (n > room)
		n = room;
	if (tcp_ring_reserve(&tp->sb, tp->sb.len + (uint32_t)n))
		return -ENOMEM;
	tcp_ring_put(&tp->sb, tp->sb.len, buf, (uint32_t)n);
	tp->sb.len += (uint32_t)n;
	tcp_output(tp);
	return (long)n;
}

size_t tcp_readable(const struct tcpcb *tp)
{
	return tp->rb.len;
}

size_t tcp_writable(const struct tcpcb *tp)
{
	return tp->sb.cap - tp->sb.len;
}

/* True once every byte before the peer's FIN was read. */
bool tcp_eof(const struct tcpcb *tp)
{
	return tp->rcv_fin && tp->rb.len == 0;
}

/* After a read: tells the peer when the window opened enough to matter
 * (RFC 1122 4.2.3.3: by min(buffer / 2, 2 * MSS) or more). */
static void window_update(struct tcpcb *tp)
{
	uint32_t cur = SEQ_GT(tp->rcv_adv, tp->rcv_nxt) ? tp->rcv_adv - tp->rcv_nxt : 0;
	uint32_t room = tcp_rcv_window(tp);
	uint32_t step = tp->rb.cap / 2 < 2u * tp->mss ? tp->rb.cap / 2 : 2u * tp->mss;

	if (tp->rcv_fin || tp->state < TCP_ESTABLISHED)
		return;
	if (room > cur && room - cur >= step) {
		tp->ack_now = true;
		tcp_output(tp);
	}
}

/* Copies up to n received bytes.  Returns the count, 0 at EOF, -EAGAIN
 * when nothing is there yet, or tp->err after a reset. */
long tcp_read(struct tcpcb *tp, void *buf, size_t n)
{
	uint32_t got = n < tp->rb.len ? (uint32_t)n : tp->rb.len;

	if (got == 0) {
		if (tp->rcv_fin)
			return 0;
		if (tp->state == TCP_CLOSED)
			return tp->err ? tp->err : 0;
		return tp->state == TCP_LISTEN ? -ENOTCONN : -EAGAIN;
	}
	tcp_ring_get(&tp->rb, 0, buf, got);
	tcp_ring_drop(&tp->rb, got);
	if (tp->rb.len == 0 && tp->nooo == 0)
		tcp_bufs_emptied(tp);
	window_update(tp);
	return got;
}

/* CLOSE of RFC 9293 3.10.4: no more sending; a FIN follows the queued
 * data.  Reading goes on until the peer's FIN. */
int tcp_shutdown(struct tcpcb *tp)
{
	switch (tp->state) {
	case TCP_CLOSED:
		return -ENOTCONN;
	case TCP_LISTEN:
		tcp_close_now(tp, 0);
		return 0;
	case TCP_SYN_SENT:
		/* RFC 9293 deletes the TCB; with data queued, BSD's choice is
		 * kinder: the FIN follows it once the connection opens */
		if (tp->sb.len == 0) {
			tcp_close_now(tp, 0);
			return 0;
		}
		tp->fin_queued = true;
		return 0;
	case TCP_SYN_RCVD:
	case TCP_ESTABLISHED:
		tp->fin_queued = true;
		tcp_set_state(tp, TCP_FIN_WAIT1);
		break;
	case TCP_CLOSE_WAIT:
		tp->fin_queued = true;
		tcp_set_state(tp, TCP_LAST_ACK);
		break;
	default:
		return 0;       /* already closing */
	}
	tcp_output(tp);
	return 0;
}

/* ABORT: a reset to a synchronized peer, then CLOSED at once. */
void tcp_abort(struct tcpcb *tp)
{
	if (tp->state >= TCP_SYN_RCVD && tp->state != TCP_TIME_WAIT)
		tcp_send_ctl(tp, tp->snd_nxt, TCP_RST | TCP_ACK);
	if (tp->state != TCP_CLOSED)
		tcp_close_now(tp, -ECONNABORTED);
}

void tcp_set_keepalive(struct tcpcb *tp, bool on)
{
	tp->keepalive = on;
	tp->nkeep = 0;
	if (on && tp->state >= TCP_ESTABLISHED && tp->state != TCP_TIME_WAIT)
		tcp_timer_set(tp, TT_KEEP, tp->cfg.keep_idle_us);
	else
		tcp_timer_set(tp, TT_KEEP, 0);
}
