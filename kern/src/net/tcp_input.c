/* SPDX-License-Identifier: MIT */
/*
 * tcp_input.c - what a connection does with an arriving segment: the state
 * machine of RFC 9293 3.10.7 ("SEGMENT ARRIVES").
 *
 * Order of the checks, as the RFC gives them: LISTEN (tcp_listen_input)
 * and SYN-SENT have their own paths; every other state runs
 *	1. PAWS (RFC 7323 5) and the acceptability test (RFC 9293 table 6),
 *	   with the zero-window allowance for ACKs
 *	2. RST: only an exact rcv_nxt match resets; other in-window resets
 *	   draw a challenge ACK (RFC 5961 3)
 *	3. SYN in a synchronized state: a challenge ACK (RFC 5961 4)
 *	4. ACK: RFC 5961 5's range check, then snd_una, RTT (RFC 6298, 7323),
 *	   SACK (RFC 2018), duplicate ACKs and NewReno (tcp_cc.c), the send
 *	   window (snd_wl1/snd_wl2), and FIN-acknowledged state changes
 *	5. text: in-order bytes join the receive buffer, others are parked
 *	   (tcp_buf.c); the delayed ACK (RFC 1122 4.2.3.2, 5681 4.2)
 *	6. FIN, possibly parked until the bytes before it arrive
 * then tcp_output() sends whatever this made possible.  The segment was
 * parsed (tcp_parse) and matched to tp by the caller, whose lock is held.
 * Not done: URG (RFC 6093 deprecates its use), RFC 7323's 24-day idle
 * exception to PAWS.
 */
#include <errno.h>
#include <tcp.h>

/* Sends a reset answering s, for a segment no connection wants. */
void tcp_reply_rst(const struct tcp_env *env, void *arg, const struct tcp_seg *s)
{
	uint8_t buf[TCP_HDR_MAX];
	size_t n = tcp_build_rst(buf, s);

	if (n)
		env->output(arg, s->dst, s->src, buf, n);
}

/* RFC 5961's challenge ACK, at most TCP_CHALLENGE_MAX a second per
 * connection (section 7; per connection, not global, so the limit tells
 * an off-path attacker nothing about other connections). */
static void challenge_ack(struct tcpcb *tp)
{
	uint64_t now = tcp_now(tp);

	if (now - tp->challenge_start >= 1000000) {
		tp->challenge_start = now;
		tp->nchallenge = 0;
	}
	if (tp->nchallenge >= TCP_CHALLENGE_MAX) {
		tp->st.challenges_limited++;
		return;
	}
	tp->nchallenge++;
	tp->st.challenge_acks++;
	tcp_send_ctl(tp, tp->snd_nxt, TCP_ACK);
}

/* The options of a SYN, for the connection they open. */
static void take_syn_opts(struct tcpcb *tp, const struct tcp_seg *s)
{
	uint16_t peer = s->mss ? s->mss : 536;          /* RFC 9293 3.7.1 */

	if (peer < 64)
		peer = 64;
	tp->mss = peer < tp->cfg.mss ? peer : tp->cfg.mss;
	tp->ws_ok = tp->cfg.wscale && s->has_ws;
	tp->snd_ws = tp->ws_ok ? s->ws : 0;
	if (!tp->ws_ok)
		tp->rcv_ws = 0;
	tp->sack_ok = tp->cfg.sack && s->sack_ok;
	tp->ts_ok = tp->cfg.tstamp && s->has_ts;
	if (tp->ts_ok) {
		tp->ts_recent = s->tsval;
		tp->mss -= 12;          /* RFC 7323's option rides in every segment */
	}
	tcp_cc_init(tp);
}

/* ---------------------------------------------------------------- text */

static void fin_arrived(struct tcpcb *tp)
{
	tp->rcv_nxt++;
	tp->rcv_fin = true;
	tp->ooo_fin = false;
	tp->ack_now = true;
	switch (tp->state) {
	case TCP_SYN_RCVD:
	case TCP_ESTABLISHED:
		tcp_set_state(tp, TCP_CLOSE_WAIT);
		break;
	case TCP_FIN_WAIT1:
		/* our FIN not yet acknowledged, else we would be in FIN_WAIT2 */
		tcp_set_state(tp, TCP_CLOSING);
		break;
	case TCP_FIN_WAIT2:
		tcp_set_state(tp, TCP_TIME_WAIT);       /* output sends the ACK */
		break;
	default:
		break;
	}
	tp->env->event(tp->arg, tp, TCP_EV_READABLE);
}

/* Places n bytes of data at seq (FIN after them when fin). */
static void text_input(struct tcpcb *tp, uint32_t seq, const uint8_t *p,
                       uint32_t n, bool fin)
{
	uint32_t fseq = seq + n;
	uint32_t edge = tp->rcv_nxt + (tp->rb.cap - tp->rb.len);

	if (SEQ_LT(seq, tp->rcv_nxt)) {
		uint32_t d = tp->rcv_nxt - seq;

		tp->ack_now = true;     /* a duplicate: say where we are */
		d = d < n ? d : n;
		p += d, seq += d, n -= d;
	}
	if (SEQ_GT(seq + n, edge)) {
		n = SEQ_LT(seq, edge) ? edge - seq : 0;
		fin = false;
	}
	if (n && tcp_ring_reserve(&tp->rb, tp->rb.len + (seq - tp->rcv_nxt) + n)) {
		n = 0;                  /* no memory: as if lost, sent again */
		fin = false;
	}
	if (n && seq == tp->rcv_nxt) {
		tcp_ring_put(&tp->rb, tp->rb.len, p, n);
		tp->rb.len += n;
		tp->rcv_nxt += n;
		if (tcp_ooo_advance(tp) || tp->nooo)
			tp->ack_now = true;     /* a hole filled, or one remains */
		if (++tp->unacked_segs >= 2)
			tp->ack_now = true;
		tp->env->event(tp->arg, tp, TCP_EV_READABLE);
	} else if (n) {
		tcp_ring_put(&tp->rb, tp->rb.len + (seq - tp->rcv_nxt), p, n);
		tcp_ooo_add(tp, seq, seq + n);
		tp->st.ooo_segs++;
		tp->ack_now = true;
	}
	if (fin && SEQ_GEQ(fseq, tp->rcv_nxt)) {
		tp->ooo_fin = true;
		tp->fin_seq = fseq;
	}
	if (tp->ooo_fin && tp->fin_seq == tp->rcv_nxt && !tp->rcv_fin)
		fin_arrived(tp);
	else if (fin)
		tp->ack_now = true;
	if (!tp->ack_now && tp->unacked_segs && !tp->timer[TT_DELACK])
		tcp_timer_set(tp, TT_DELACK, tp->cfg.delack_us);
}

/* ---------------------------------------------------------------- ACK */

/* Drops acknowledged bytes from the send buffer; true if any went. */
static bool ack_sendbuf(struct tcpcb *tp, uint32_t ack)
{
	uint32_t d;

	if (SEQ_LEQ(ack, tp->sb_seq))
		return false;
	d = ack - tp->sb_seq;
	if (d > tp->sb.len)
		d = tp->sb.len;         /* the rest is the FIN */
	tcp_ring_drop(&tp->sb, d);
	tp->sb_seq += d;
	if (d && tp->sb.len == 0)
		tcp_bufs_emptied(tp);
	return d > 0;
}

static void rtt_from_ack(struct tcpcb *tp, const struct tcp_seg *s)
{
	if (tp->ts_ok && s->has_ts && s->tsecr) {
		uint32_t now_ms = (uint32_t)(tcp_now(tp) / 1000) + tp->ts_off;
		uint32_t r = now_ms - s->tsecr;

		if (r < 60 * 1000)
			tcp_rtt_sample(tp, (uint64_t)r * 1000);
		tp->rtt_timing = false;
	} else if (tp->rtt_timing && SEQ_GT(s->ack, tp->rtt_seq)) {
		tcp_rtt_sample(tp, tcp_now(tp) - tp->rtt_start);
		tp->rtt_timing = false;
	}
}

static void new_ack(struct tcpcb *tp, const struct tcp_seg *s)
{
	uint32_t acked = s->ack - tp->snd_una;
	bool freed;

	rtt_from_ack(tp, s);
	freed = ack_sendbuf(tp, s->ack);
	tp->snd_una = s->ack;
	if (SEQ_LT(tp->snd_nxt, tp->snd_una))
		tp->snd_nxt = tp->snd_una;
	tp->nrexmt = 0;
	tp->npersist = 0;
	if (tp->sack_ok)
		tcp_sb_update(tp, s);
	tcp_cc_newack(tp, acked);
	if (tp->snd_una == tp->snd_max)
		tp->timer[TT_REXMT] = 0;
	else
		tcp_timer_set(tp, TT_REXMT, tp->rto);
	if (freed)
		tp->env->event(tp->arg, tp, TCP_EV_WRITABLE);
}

static bool fin_acked(const struct tcpcb *tp)
{
	return tp->fin_queued && tp->snd_una == tp->sb_seq + tp->sb.len + 1;
}

/* Step 4.  Returns false when the segment is to be dropped here. */
static bool ack_input(struct tcpcb *tp, const struct tcp_seg *s)
{
	uint32_t wnd = (uint32_t)s->wnd << tp->snd_ws;
	uint32_t back = tp->max_snd_wnd ? tp->max_snd_wnd : 1;
	bool dup;

	if (SEQ_GT(s->ack, tp->snd_max)) {
		tp->ack_now = true;     /* acknowledges what we never sent */
		tcp_output(tp);
		return false;
	}
	if (SEQ_LT(s->ack, tp->snd_una - back)) {
		challenge_ack(tp);      /* RFC 5961 5.2 */
		return false;
	}
	if (tp->state == TCP_SYN_RCVD) {
		if (!SEQ_GT(s->ack, tp->snd_una)) {
			tcp_send_ctl(tp, s->ack, TCP_RST);
			return false;
		}
		tp->snd_wnd = wnd;
		tp->snd_wl1 = s->seq;
		tp->snd_wl2 = s->ack;
		tcp_set_state(tp, TCP_ESTABLISHED);
	}
	dup = s->ack == tp->snd_una && !s->len && !(s->flags & (TCP_SYN | TCP_FIN)) &&
	      tp->snd_max != tp->snd_una && wnd == tp->snd_wnd && wnd;       /* not a probe's answer */
	if (SEQ_GT(s->ack, tp->snd_una))
		new_ack(tp, s);
	else if (tp->sack_ok)
		tcp_sb_update(tp, s);
	if (SEQ_LT(tp->snd_wl1, s->seq) ||
	    (tp->snd_wl1 == s->seq && SEQ_LEQ(tp->snd_wl2, s->ack))) {
		tp->snd_wnd = wnd;
		tp->snd_wl1 = s->seq;
		tp->snd_wl2 = s->ack;
		if (wnd > tp->max_snd_wnd)
			tp->max_snd_wnd = wnd;
		if (wnd)
			tp->timer[TT_PERSIST] = 0;
	}
	if (dup)
		tcp_cc_dupack(tp);
	if (!fin_acked(tp))
		return true;
	switch (tp->state) {
	case TCP_FIN_WAIT1:
		tcp_set_state(tp, TCP_FIN_WAIT2);
		return true;
	case TCP_CLOSING:
		tcp_set_state(tp, TCP_TIME_WAIT);
		return false;
	case TCP_LAST_ACK:
		tcp_close_now(tp, 0);
		return false;
	default:
		return true;
	}
}

/* ---------------------------------------------------------------- checks */

/* RFC 9293 3.10.7.4's acceptability test against the advertised window. */
static bool acceptable(const struct tcpcb *tp, const struct tcp_seg *s)
{
	uint32_t wnd = SEQ_GT(tp->rcv_adv, tp->rcv_nxt) ? tp->rcv_adv - tp->rcv_nxt : 0;
	uint32_t len = (uint32_t)s->len + !!(s->flags & TCP_SYN) + !!(s->flags & TCP_FIN);
	uint32_t off = s->seq - tp->rcv_nxt;

	if (len == 0)
		return wnd ? off < wnd : s->seq == tp->rcv_nxt;
	if (wnd == 0)
		return false;
	return off < wnd || (s->seq + len - 1 - tp->rcv_nxt) < wnd;
}

static void rst_input(struct tcpcb *tp, const struct tcp_seg *s)
{
	if (s->seq != tp->rcv_nxt) {
		challenge_ack(tp);      /* RFC 5961 3.2 */
		return;
	}
	switch (tp->state) {
	case TCP_SYN_RCVD:
		tcp_close_now(tp, -ECONNREFUSED);
		break;
	case TCP_CLOSING:
	case TCP_LAST_ACK:
		tcp_close_now(tp, 0);
		break;
	case TCP_TIME_WAIT:
		break;                  /* RFC 1337: no TIME_WAIT assassination */
	default:
		tcp_close_now(tp, -ECONNRESET);
		break;
	}
}

/* Step 1; false: drop s (after an ACK if one is owed). */
static bool seq_check(struct tcpcb *tp, struct tcp_seg *s)
{
	bool paws = tp->ts_ok && s->has_ts && !(s->flags & TCP_RST) &&
	            SEQ_LT(s->tsval, tp->ts_recent);

	if (!paws && acceptable(tp, s)) {
		if (s->has_ts && tp->ts_ok && SEQ_GEQ(s->tsval, tp->ts_recent) &&
		    SEQ_LEQ(s->seq, tp->last_ack_sent))
			tp->ts_recent = s->tsval;       /* RFC 7323 4.3 */
		return true;
	}
	if (!paws && s->seq == tp->rcv_nxt && !(s->flags & TCP_SYN)) {
		s->len = 0;             /* zero window: still take the ACK */
		s->flags &= ~TCP_FIN;
		tp->ack_now = true;
		return true;
	}
	if (s->flags & TCP_RST)
		return false;
	if (tp->state == TCP_TIME_WAIT && (s->flags & TCP_FIN))
		tcp_timer_set(tp, TT_2MSL, 2 * tp->cfg.msl_us);
	tp->ack_now = true;
	tcp_output(tp);
	return false;
}

static void syn_sent_input(struct tcpcb *tp, const struct tcp_seg *s)
{
	if ((s->flags & TCP_ACK) && (SEQ_LEQ(s->ack, tp->iss) || SEQ_GT(s->ack, tp->snd_max))) {
		if (!(s->flags & TCP_RST))
			tcp_send_ctl(tp, s->ack, TCP_RST);
		return;
	}
	if (s->flags & TCP_RST) {
		if (s->flags & TCP_ACK)
			tcp_close_now(tp, -ECONNREFUSED);
		return;
	}
	if (!(s->flags & TCP_SYN))
		return;
	tp->irs = s->seq;
	tp->rcv_nxt = tp->rcv_adv = s->seq + 1;
	take_syn_opts(tp, s);
	tp->snd_wnd = tp->max_snd_wnd = s->wnd;         /* never scaled in a SYN */
	tp->snd_wl1 = s->seq;
	tp->snd_wl2 = s->ack;
	if (!(s->flags & TCP_ACK)) {                    /* simultaneous open */
		tcp_set_state(tp, TCP_SYN_RCVD);
		tp->snd_nxt = tp->iss;
		tcp_output(tp);
		return;
	}
	rtt_from_ack(tp, s);
	tp->snd_una = s->ack;
	tp->nrexmt = 0;
	tp->timer[TT_REXMT] = 0;
	tcp_set_state(tp, TCP_ESTABLISHED);
	tp->ack_now = true;
	text_input(tp, s->seq + 1, s->data, (uint32_t)s->len, s->flags & TCP_FIN);
	tcp_output(tp);
}

/* A segment for tp, which is not LISTEN (see tcp_listen_input). */
void tcp_input(struct tcpcb *tp, const struct tcp_seg *in)
{
	struct tcp_seg s = *in;

	tp->st.segs_in++;
	if (tp->state == TCP_CLOSED || tp->state == TCP_LISTEN)
		return;
	tp->last_rcv = tcp_now(tp);
	tp->nkeep = 0;
	if (tp->state == TCP_SYN_SENT) {
		syn_sent_input(tp, &s);
		return;
	}
	if (tp->state == TCP_SYN_RCVD && (s.flags & (TCP_SYN | TCP_ACK | TCP_RST)) == TCP_SYN &&
	    s.seq == tp->irs) {
		tp->snd_nxt = tp->iss;          /* our SYN-ACK was lost: again */
		tcp_output(tp);
		return;
	}
	if (!seq_check(tp, &s))
		return;
	if (s.flags & TCP_RST) {
		rst_input(tp, &s);
		return;
	}
	if (s.flags & TCP_SYN) {
		challenge_ack(tp);              /* RFC 5961 4.2 */
		return;
	}
	if (!(s.flags & TCP_ACK) || !ack_input(tp, &s))
		return;
	switch (tp->state) {
	case TCP_ESTABLISHED:
	case TCP_FIN_WAIT1:
	case TCP_FIN_WAIT2:
		text_input(tp, s.seq, s.data, (uint32_t)s.len, s.flags & TCP_FIN);
		break;
	default:
		break;                  /* the peer's FIN came: nothing more to take */
	}
	tcp_output(tp);
}

/* A segment for the listener l: a new connection in SYN_RCVD for a good
 * SYN (its SYN-ACK sent), else NULL.  The caller bounds how many such
 * children a listener may have (its backlog) and demultiplexes their
 * later segments to them. */
struct tcpcb *tcp_listen_input(struct tcpcb *l, const struct tcp_seg *s)
{
	struct tcpcb *tp;

	l->st.segs_in++;
	if (s->flags & TCP_RST)
		return NULL;
	if (s->flags & TCP_ACK) {
		tcp_reply_rst(l->env, l->arg, s);
		return NULL;
	}
	if (!(s->flags & TCP_SYN) || (s->flags & TCP_FIN))
		return NULL;
	tp = tcp_new(l->env, l->arg, &l->cfg);
	if (!tp)
		return NULL;
	tp->passive = true;
	tp->keepalive = l->keepalive;
	tp->laddr = s->dst, tp->lport = s->dport;
	tp->raddr = s->src, tp->rport = s->sport;
	tp->irs = s->seq;
	tp->rcv_nxt = tp->rcv_adv = s->seq + 1;     /* SYN data is not kept */
	tcp_init_send(tp);
	take_syn_opts(tp, s);
	tp->snd_wnd = tp->max_snd_wnd = s->wnd;
	tp->snd_wl1 = s->seq;
	tp->snd_wl2 = tp->iss;
	tp->last_rcv = tcp_now(tp);
	tcp_set_state(tp, TCP_SYN_RCVD);
	tcp_output(tp);
	return tp;
}
