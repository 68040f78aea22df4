/* SPDX-License-Identifier: MIT */
/*
 * tcp_output.c - what a connection sends: SYNs with their options, data cut
 * to the MSS, FINs, ACKs, resets and retransmissions.
 *
 * tcp_output() is the one decision point, called after anything that may
 * let data go (a write, an ACK, a timer): it sends while the peer's window
 * and cwnd allow (RFC 5681), holds back small segments while data is
 * unacknowledged unless nodelay is set (Nagle, RFC 1122 4.2.3.4, which is
 * also the sender's SWS avoidance), adds the FIN once the buffer is
 * drained, arms the retransmission or persist timer, and otherwise sends
 * the ACK that input or the delayed-ACK timer asked for.  Every segment
 * carries the current window (never shrunk, and grown only by a useful
 * amount: RFC 1122 4.2.3.3), timestamps (RFC 7323 3) and SACK blocks
 * (RFC 2018 4, the most recent first).  Caller's lock held.
 */
#include <tcp.h>

/* What the receive buffer can take, clipped to what 16 bits scale to. */
uint32_t tcp_rcv_window(const struct tcpcb *tp)
{
	uint32_t w = tp->rb.cap - tp->rb.len;
	uint32_t lim = (uint32_t)0xffff << tp->rcv_ws;

	return w < lim ? w : lim;
}

/* The window field for a segment sent now; moves rcv_adv. */
static uint16_t window_field(struct tcpcb *tp, bool syn)
{
	uint32_t cur = SEQ_GT(tp->rcv_adv, tp->rcv_nxt) ? tp->rcv_adv - tp->rcv_nxt : 0;
	uint32_t w = tcp_rcv_window(tp);
	uint32_t step = tp->rb.cap / 2 < tp->mss ? tp->rb.cap / 2 : tp->mss;
	uint8_t ws = syn ? 0 : tp->rcv_ws;
	uint32_t field;

	if (w < cur || w - cur < step)
		w = cur;                        /* receiver SWS avoidance */
	field = w >> ws;
	if ((field << ws) < cur)
		field = (cur + (1u << ws) - 1) >> ws;
	if (field > 0xffff)
		field = 0xffff;
	if (SEQ_GT(tp->rcv_nxt + (field << ws), tp->rcv_adv))
		tp->rcv_adv = tp->rcv_nxt + (field << ws);
	return (uint16_t)field;
}

static void add_sack(struct tcpcb *tp, struct tcp_seg *s)
{
	unsigned int n = 0;

	if (!tp->sack_ok || !tp->nooo)
		return;
	s->sack[n][0] = tp->ooo[tp->ooo_last].start;
	s->sack[n++][1] = tp->ooo[tp->ooo_last].end;
	for (unsigned int i = 0; i < tp->nooo && n < TCP_MAX_SACK; i++) {
		if (i == tp->ooo_last)
			continue;
		s->sack[n][0] = tp->ooo[i].start;
		s->sack[n++][1] = tp->ooo[i].end;
	}
	s->nsack = n;
}

/* Builds and sends one segment: len bytes of the send buffer from seq
 * (0 for none).  Every segment but a SYN_SENT SYN carries an ACK. */
static void emit(struct tcpcb *tp, uint32_t seq, uint8_t flags, uint32_t len)
{
	struct tcp_seg s = { .sport = tp->lport, .dport = tp->rport, .seq = seq };
	bool syn = flags & TCP_SYN;
	size_t n;

	if (tp->state != TCP_SYN_SENT && !(flags & TCP_RST && !(flags & TCP_ACK)))
		flags |= TCP_ACK;
	s.flags = flags;
	if (flags & TCP_ACK)
		s.ack = tp->rcv_nxt;
	s.wnd = window_field(tp, syn);
	if (syn) {
		s.mss = tp->cfg.mss;
		s.has_ws = tp->cfg.wscale && (tp->state == TCP_SYN_SENT || tp->ws_ok);
		s.ws = tp->rcv_ws;
		s.sack_ok = tp->cfg.sack && (tp->state == TCP_SYN_SENT || tp->sack_ok);
	}
	if ((syn && tp->cfg.tstamp && tp->state == TCP_SYN_SENT) || tp->ts_ok) {
		s.has_ts = true;
		s.tsval = (uint32_t)(tcp_now(tp) / 1000) + tp->ts_off;
		s.tsecr = tp->ts_recent;
	}
	if (!syn)
		add_sack(tp, &s);
	if (len) {
		tcp_ring_get(&tp->sb, seq - tp->sb_seq, tp->scratch + TCP_HDR_MAX, len);
		s.data = tp->scratch + TCP_HDR_MAX;
		s.len = len;
	}
	n = tcp_build(tp->scratch, &s, tp->laddr, tp->raddr);
	if (flags & TCP_ACK) {
		tp->last_ack_sent = tp->rcv_nxt;
		tp->ack_now = false;
		tp->unacked_segs = 0;
		tp->timer[TT_DELACK] = 0;
	}
	tp->st.segs_out++;
	tp->env->output(tp->arg, tp->laddr, tp->raddr, tp->scratch, n);
}

/* A segment without data: an ACK, a reset, a keep-alive probe. */
void tcp_send_ctl(struct tcpcb *tp, uint32_t seq, uint8_t flags)
{
	emit(tp, seq, flags, 0);
}

/* Sends up to maxlen bytes (at most one MSS) of queued data from seq,
 * with the FIN if it reaches it; used for retransmission and probes. */
void tcp_send_at(struct tcpcb *tp, uint32_t seq, uint32_t maxlen)
{
	uint32_t off = seq - tp->sb_seq;
	uint32_t len = 0;
	uint8_t fl = 0;

	if (SEQ_LT(seq, tp->sb_seq) || off > tp->sb.len)
		return;
	len = tp->sb.len - off;
	if (len > maxlen)
		len = maxlen;
	if (len > tp->mss)
		len = tp->mss;
	if (tp->fin_queued && off + len == tp->sb.len &&
	    (len < maxlen || SEQ_GT(tp->snd_max, seq + len)))
		fl = TCP_FIN;
	if (!len && !fl)
		return;
	if (SEQ_LT(seq, tp->snd_max))
		tp->st.rexmt_segs++;
	emit(tp, seq, fl | (len ? TCP_PSH : 0), len);
	if (SEQ_GT(seq + len + !!fl, tp->snd_max))
		tp->snd_max = seq + len + !!fl;
}

static void send_syn(struct tcpcb *tp)
{
	if (tp->snd_max != tp->iss)
		tp->st.rexmt_segs++;
	else {
		tp->rtt_timing = true;
		tp->rtt_seq = tp->iss;
		tp->rtt_start = tcp_now(tp);
	}
	emit(tp, tp->iss, TCP_SYN, 0);
	tp->snd_nxt = tp->iss + 1;
	if (SEQ_GT(tp->snd_nxt, tp->snd_max))
		tp->snd_max = tp->snd_nxt;
	if (!tp->timer[TT_REXMT])
		tcp_timer_set(tp, TT_REXMT, tp->rto);
}

/* Nagle and sender SWS avoidance: may a segment of len (of avail
 * sendable) bytes go now? */
static bool worth_sending(const struct tcpcb *tp, uint32_t len, uint32_t avail)
{
	if (len >= tp->mss || SEQ_LT(tp->snd_nxt, tp->snd_max))
		return true;            /* full-sized, or a retransmission */
	if (len == avail && (tp->cfg.nodelay || tp->snd_una == tp->snd_max))
		return true;            /* the tail, nothing unacknowledged */
	return tp->max_snd_wnd && len >= tp->max_snd_wnd / 2;
}

/* Sends one new segment if allowed; false when nothing went. */
static bool send_one(struct tcpcb *tp)
{
	uint32_t off = tp->snd_nxt - tp->sb_seq;
	uint32_t avail = off <= tp->sb.len ? tp->sb.len - off : 0;
	uint32_t wnd = tp->snd_wnd < tp->cwnd ? tp->snd_wnd : tp->cwnd;
	uint32_t edge = tp->snd_una + wnd;
	uint32_t usable = SEQ_LT(tp->snd_nxt, edge) ? edge - tp->snd_nxt : 0;
	uint32_t len = avail < usable ? avail : usable;
	bool fin;

	if (off > tp->sb.len)
		return false;           /* FIN already sent */
	if (len > tp->mss)
		len = tp->mss;
	fin = tp->fin_queued && len == avail;
	if (!len && !fin)
		return false;
	if (len && !fin && !worth_sending(tp, len, avail))
		return false;
	if (!tp->rtt_timing && tp->snd_nxt == tp->snd_max && len) {
		tp->rtt_timing = true;
		tp->rtt_seq = tp->snd_nxt;
		tp->rtt_start = tcp_now(tp);
	}
	if (SEQ_LT(tp->snd_nxt, tp->snd_max))
		tp->st.rexmt_segs++;
	emit(tp, tp->snd_nxt, (fin ? TCP_FIN : 0) | (len ? TCP_PSH : 0), len);
	tp->snd_nxt += len + fin;
	if (SEQ_GT(tp->snd_nxt, tp->snd_max))
		tp->snd_max = tp->snd_nxt;
	if (!tp->timer[TT_REXMT])
		tcp_timer_set(tp, TT_REXMT, tp->rto);
	tp->timer[TT_PERSIST] = 0;
	return true;
}

/* Arms the persist timer when data waits behind a zero window and
 * nothing is in flight to bring a window update back. */
static void maybe_persist(struct tcpcb *tp)
{
	uint32_t off = tp->snd_nxt - tp->sb_seq;

	if (tp->snd_wnd == 0 && off < tp->sb.len && tp->snd_una == tp->snd_max &&
	    !tp->timer[TT_PERSIST]) {
		tp->timer[TT_REXMT] = 0;
		tcp_timer_set(tp, TT_PERSIST, tp->rto);
	}
}

void tcp_output(struct tcpcb *tp)
{
	bool sent = false;

	switch (tp->state) {
	case TCP_CLOSED:
	case TCP_LISTEN:
		return;
	case TCP_TIME_WAIT:
		if (tp->ack_now)
			tcp_send_ctl(tp, tp->snd_max, TCP_ACK);
		return;
	case TCP_SYN_SENT:
	case TCP_SYN_RCVD:
		if (tp->snd_nxt == tp->iss)
			send_syn(tp);
		else if (tp->ack_now)
			tcp_send_ctl(tp, tp->snd_nxt, TCP_ACK);
		return;
	default:
		break;
	}
	if (tp->snd_nxt == tp->iss)     /* SYN-ACK lost and we shut down */
		tp->snd_nxt = tp->iss + 1;
	while (send_one(tp))
		sent = true;
	maybe_persist(tp);
	if (!sent && tp->ack_now)
		tcp_send_ctl(tp, tp->snd_nxt, TCP_ACK);
}
