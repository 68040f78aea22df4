/* SPDX-License-Identifier: MIT */
/*
 * tcp_timer.c - the engine's clocks: six deadlines per connection, the
 * round-trip estimator, and state changes.
 *
 * Timers are absolute deadlines in env->now_us time (0: off).  The engine
 * never waits: the caller asks tcp_deadline() for the earliest one and
 * calls tcp_timer() once the clock passes it (the kernel from its stack
 * timer, the host tests from a simulated clock).  The six:
 *	TT_REXMT    retransmission (RFC 6298 5.4-5.7: backoff, give up after
 *	            max_rexmt, or max_syn_rexmt for a SYN)
 *	TT_PERSIST  zero-window probes (RFC 9293 3.8.6.1, RFC 1122 4.2.2.17)
 *	TT_DELACK   the delayed ACK (RFC 1122 4.2.3.2)
 *	TT_KEEP     keep-alive probes (RFC 1122 4.2.3.6)
 *	TT_2MSL     TIME_WAIT's end (RFC 9293 3.10.7.4)
 *	TT_SHRINK   an emptied ring's memory given back (tcp_buf.c)
 * The caller's lock is held.
 */
#include <errno.h>
#include <tcp.h>

uint64_t tcp_now(const struct tcpcb *tp)
{
	return tp->env->now_us(tp->arg);
}

/* Arms timer t after_us from now (0 disarms it). */
void tcp_timer_set(struct tcpcb *tp, enum tcp_timer_id t, uint64_t after_us)
{
	tp->timer[t] = after_us ? tcp_now(tp) + after_us : 0;
}

uint64_t tcp_deadline(const struct tcpcb *tp)
{
	uint64_t d = UINT64_MAX;

	for (int t = 0; t < TT_N; t++)
		if (tp->timer[t] && tp->timer[t] < d)
			d = tp->timer[t];
	return d;
}

/* RFC 6298 section 2: the smoothed estimator (alpha 1/8, beta 1/4). */
void tcp_rtt_sample(struct tcpcb *tp, uint64_t r)
{
	uint64_t g = 1000;      /* clock granularity: 1 ms timestamps */

	if (r == 0)
		r = 1;
	if (tp->srtt == 0) {
		tp->srtt = r;
		tp->rttvar = r / 2;
	} else {
		uint64_t d = tp->srtt > r ? tp->srtt - r : r - tp->srtt;

		tp->rttvar = (3 * tp->rttvar + d) / 4;
		tp->srtt = (7 * tp->srtt + r) / 8;
	}
	tp->rto = tp->srtt + (4 * tp->rttvar > g ? 4 * tp->rttvar : g);
	if (tp->rto < tp->cfg.rto_min_us)
		tp->rto = tp->cfg.rto_min_us;
	if (tp->rto > tp->cfg.rto_max_us)
		tp->rto = tp->cfg.rto_max_us;
}

void tcp_set_state(struct tcpcb *tp, enum tcp_state st)
{
	enum tcp_state old = tp->state;

	tp->state = st;
	if (st == TCP_ESTABLISHED && (old == TCP_SYN_SENT || old == TCP_SYN_RCVD)) {
		if (tp->keepalive)
			tcp_timer_set(tp, TT_KEEP, tp->cfg.keep_idle_us);
		tp->env->event(tp->arg, tp, TCP_EV_CONNECTED);
		if (tp->fin_queued)     /* shut down while still opening */
			tp->state = TCP_FIN_WAIT1;
	}
	if (st == TCP_TIME_WAIT) {
		/* 2 MSL of waiting needs no send buffer, nor an empty receive
		 * one: give the memory back now (nothing touches their bytes
		 * in TIME_WAIT) */
		tcp_ring_free(&tp->sb);
		if (!tp->rb.len)
			tcp_ring_free(&tp->rb);
		for (int t = 0; t < TT_N; t++)
			tp->timer[t] = 0;
		tcp_timer_set(tp, TT_2MSL, 2 * tp->cfg.msl_us);
	}
}

/* Enters CLOSED with err (0 or a negative errno) and tells the user. */
void tcp_close_now(struct tcpcb *tp, int err)
{
	for (int t = 0; t < TT_N; t++)
		tp->timer[t] = 0;
	tp->state = TCP_CLOSED;
	tp->err = err;
	tp->env->event(tp->arg, tp, TCP_EV_CLOSED);
}

static void rexmt_expired(struct tcpcb *tp)
{
	bool syn = tp->state == TCP_SYN_SENT || tp->state == TCP_SYN_RCVD;
	unsigned int limit = syn ? tp->cfg.max_syn_rexmt : tp->cfg.max_rexmt;

	if (++tp->nrexmt > limit) {
		if (!syn || tp->state == TCP_SYN_RCVD)
			tcp_send_ctl(tp, tp->snd_nxt, TCP_RST | TCP_ACK);
		tcp_close_now(tp, -ETIMEDOUT);
		return;
	}
	tp->rto = tp->rto * 2 > tp->cfg.rto_max_us ? tp->cfg.rto_max_us : tp->rto * 2;
	tp->st.rto_events++;
	tp->rtt_timing = false;         /* Karn */
	if (syn && tp->srtt == 0 && tp->rto < 3 * tp->cfg.rto_init_us)
		tp->rto = 3 * tp->cfg.rto_init_us;      /* RFC 6298 5.7 */
	tcp_cc_timeout(tp);
	tp->snd_nxt = syn ? tp->iss : tp->snd_una;
	tcp_output(tp);
	if (!tp->timer[TT_REXMT] && tp->state != TCP_CLOSED &&
	    tp->snd_una != tp->snd_max)
		tcp_timer_set(tp, TT_REXMT, tp->rto);
}

/* Sends one byte past the closed window, backing off like the RTO. */
static void persist_expired(struct tcpcb *tp)
{
	uint32_t off = tp->snd_nxt - tp->sb_seq;
	uint64_t next = tp->rto << (tp->npersist < 6 ? tp->npersist : 6);

	if (tp->snd_wnd != 0 || off >= tp->sb.len) {
		tcp_output(tp);
		return;
	}
	tp->st.probes++;
	tp->npersist++;
	tcp_send_at(tp, tp->snd_nxt, 1);
	tcp_timer_set(tp, TT_PERSIST, next > tp->cfg.rto_max_us ? tp->cfg.rto_max_us : next);
}

static void keep_expired(struct tcpcb *tp)
{
	uint64_t idle = tcp_now(tp) - tp->last_rcv;

	if (!tp->keepalive || tp->state < TCP_ESTABLISHED || tp->state == TCP_TIME_WAIT)
		return;
	if (idle < tp->cfg.keep_idle_us && tp->nkeep == 0) {
		tcp_timer_set(tp, TT_KEEP, tp->cfg.keep_idle_us - idle);
		return;
	}
	if (tp->nkeep >= tp->cfg.keep_cnt) {
		tcp_send_ctl(tp, tp->snd_nxt, TCP_RST | TCP_ACK);
		tcp_close_now(tp, -ETIMEDOUT);
		return;
	}
	tp->nkeep++;
	tp->st.probes++;
	tcp_send_ctl(tp, tp->snd_una - 1, TCP_ACK);     /* RFC 1122 4.2.3.6 */
	tcp_timer_set(tp, TT_KEEP, tp->cfg.keep_intvl_us);
}

/* A ring just became empty: TT_SHRINK will free what is still empty. */
void tcp_bufs_emptied(struct tcpcb *tp)
{
	if (!tp->timer[TT_SHRINK] && tp->state != TCP_CLOSED)
		tcp_timer_set(tp, TT_SHRINK, TCP_SHRINK_US);
}

/* TT_SHRINK: frees the rings that hold nothing (nor parked bytes). */
void tcp_bufs_shrink(struct tcpcb *tp)
{
	if (tp->sb.len == 0)
		tcp_ring_free(&tp->sb);
	if (tp->rb.len == 0 && tp->nooo == 0)
		tcp_ring_free(&tp->rb);
}

/* Runs every timer whose deadline has passed. */
void tcp_timer(struct tcpcb *tp)
{
	uint64_t now = tcp_now(tp);

	for (int t = 0; t < TT_N && tp->state != TCP_CLOSED; t++) {
		if (!tp->timer[t] || tp->timer[t] > now)
			continue;
		tp->timer[t] = 0;
		switch (t) {
		case TT_REXMT:
			rexmt_expired(tp);
			break;
		case TT_PERSIST:
			persist_expired(tp);
			break;
		case TT_DELACK:
			tp->ack_now = true;
			tcp_output(tp);
			break;
		case TT_KEEP:
			keep_expired(tp);
			break;
		case TT_2MSL:
			tcp_close_now(tp, 0);
			break;
		case TT_SHRINK:
			tcp_bufs_shrink(tp);
			break;
		}
	}
}
