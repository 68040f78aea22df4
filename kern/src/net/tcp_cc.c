/* SPDX-License-Identifier: MIT */
/*
 * tcp_cc.c - congestion control: NewReno with SACK-guided retransmission.
 *
 *	slow start, congestion avoidance   RFC 5681 3.1 (byte counting, L = 1 SMSS)
 *	initial window                     RFC 5681 3.1 (min(4 MSS, max(2 MSS, 4380)))
 *	fast retransmit and recovery       RFC 5681 3.2, with RFC 6582's NewReno:
 *	                                   recovery lasts until `recover` (the
 *	                                   highest sequence sent when it began) is
 *	                                   acknowledged; each partial ACK
 *	                                   retransmits the next hole
 *	SACK                               RFC 2018: during recovery each further
 *	                                   duplicate ACK retransmits the next
 *	                                   un-SACKed hole before new data
 *	timeout                            RFC 5681 eq. 4, cwnd to one segment
 * Input calls tcp_cc_newack when snd_una moved and tcp_cc_dupack for a
 * duplicate ACK; the timer calls tcp_cc_timeout.  Caller's lock held.
 */
#include <tcp.h>

#define CWND_MAX (1u << 30)

uint32_t tcp_flight(const struct tcpcb *tp)
{
	return tp->snd_max - tp->snd_una;
}

static uint32_t half_flight(const struct tcpcb *tp)
{
	uint32_t h = tcp_flight(tp) / 2;

	return h > 2u * tp->mss ? h : 2u * tp->mss;
}

void tcp_cc_init(struct tcpcb *tp)
{
	uint32_t m = tp->mss;
	uint32_t floor = 2 * m > 4380 ? 2 * m : 4380;

	tp->cwnd = 4 * m < floor ? 4 * m : floor;
	tp->ssthresh = CWND_MAX;
	tp->dupacks = 0;
	tp->in_recovery = false;
}

/* Retransmits the hole at or after from: returns where it ended. */
static uint32_t rexmit_hole(struct tcpcb *tp, uint32_t from)
{
	struct tcp_range h = { from, tp->snd_max };

	if (SEQ_LT(h.start, tp->snd_una))
		h.start = tp->snd_una;
	if (tp->sack_ok && !tcp_sb_hole(tp, h.start, &h) && h.start != tp->snd_una)
		return from;
	if (SEQ_GEQ(h.start, tp->snd_max))
		return from;
	tcp_send_at(tp, h.start, h.end - h.start);
	tp->rtt_timing = false;
	return h.start + (h.end - h.start < tp->mss ? h.end - h.start : tp->mss);
}

void tcp_cc_dupack(struct tcpcb *tp)
{
	tp->dupacks++;
	tp->st.dupacks_in++;
	if (tp->in_recovery) {
		tp->cwnd += tp->mss;
		if (tp->sack_ok)
			tp->rexmit_nxt = rexmit_hole(tp, tp->rexmit_nxt);
		return;
	}
	/* RFC 6582 4.1: no new recovery for losses of the window the last
	 * one (or a timeout) already dealt with. */
	if (tp->dupacks != 3 || SEQ_LT(tp->snd_una, tp->recover))
		return;
	tp->st.fast_rexmt++;
	tp->recover = tp->snd_max;
	tp->ssthresh = half_flight(tp);
	tp->cwnd = tp->ssthresh + 3 * tp->mss;
	tp->in_recovery = true;
	tp->rexmit_nxt = rexmit_hole(tp, tp->snd_una);
	tcp_timer_set(tp, TT_REXMT, tp->rto);
}

/* snd_una advanced by acked bytes. */
void tcp_cc_newack(struct tcpcb *tp, uint32_t acked)
{
	uint32_t m = tp->mss;

	if (tp->in_recovery) {
		if (SEQ_GEQ(tp->snd_una, tp->recover)) {       /* full ACK */
			uint32_t f = tcp_flight(tp) + m;

			tp->cwnd = tp->ssthresh < f ? tp->ssthresh : f;
			tp->in_recovery = false;
			tp->dupacks = 0;
			return;
		}
		/* partial ACK: the next hole, deflate by what left */
		if (SEQ_LT(tp->rexmit_nxt, tp->snd_una))
			tp->rexmit_nxt = tp->snd_una;
		tp->rexmit_nxt = rexmit_hole(tp, tp->sack_ok ? tp->rexmit_nxt : tp->snd_una);
		tp->cwnd = tp->cwnd > acked ? tp->cwnd - acked : m;
		if (acked >= m)
			tp->cwnd += m;
		return;
	}
	tp->dupacks = 0;
	if (tp->cwnd < tp->ssthresh)
		tp->cwnd += acked < m ? acked : m;
	else
		tp->cwnd += (uint32_t)((uint64_t)m * m / tp->cwnd) ?: 1;
	if (tp->cwnd > CWND_MAX)
		tp->cwnd = CWND_MAX;
}

void tcp_cc_timeout(struct tcpcb *tp)
{
	tp->ssthresh = half_flight(tp);
	tp->cwnd = tp->mss;
	tp->in_recovery = false;
	tp->dupacks = 0;
	tp->recover = tp->snd_max;
	tp->nsacked = 0;        /* RFC 2018 8: forget SACK after a timeout */
}
