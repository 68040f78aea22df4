/* SPDX-License-Identifier: MIT */
/*
 * tcp.h - the TCP engine (kern/src/net/tcp_*.c; the design is
 * Documentation/tcp.md).
 *
 * The engine is pure code: one struct tcpcb per connection, driven by its
 * caller and talking to the world only through struct tcp_env (send these
 * bytes, what time is it, a random number, something happened).  The same
 * files run in the kernel under #ip and in host tests over a simulated link.
 *
 *	tp = tcp_new(&env, arg, &cfg);             // CLOSED
 *	tcp_connect(tp, laddr, lport, raddr, rport);  or  tcp_listen(tp, ...)
 *	tcp_parse(pkt, n, src, dst, &seg);         // checksum checked
 *	tcp_input(tp, &seg);                       // or tcp_listen_input()
 *	tcp_write(tp, buf, n);  tcp_read(tp, buf, n);  tcp_shutdown(tp);
 *	tcp_timer(tp);  when now >= tcp_deadline(tp)
 *	tcp_free(tp);                              // after TCP_EV_CLOSED or anytime
 *
 * Rules callers keep: one caller at a time per tcpcb (the caller's lock
 * serialises input, timers and user calls); the env callbacks run inside
 * those calls and must not call back into the engine for the same tcpcb.
 * Nothing here sleeps or raises error(); memory comes from kmalloc with
 * MEM_ATOMIC and a failed allocation is an error return, never a panic.
 * Demultiplexing segments to connections, the listen backlog and port
 * choice belong to the caller (#ip's conversations, or the test harness).
 */
#pragma once

#include <types.h>

enum tcp_state {
	TCP_CLOSED,
	TCP_LISTEN,
	TCP_SYN_SENT,
	TCP_SYN_RCVD,
	TCP_ESTABLISHED,
	TCP_FIN_WAIT1,
	TCP_FIN_WAIT2,
	TCP_CLOSE_WAIT,
	TCP_CLOSING,
	TCP_LAST_ACK,
	TCP_TIME_WAIT,
	TCP_NSTATES
};

/* Header flags (RFC 9293 3.1). */
#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10
#define TCP_URG 0x20

#define TCP_HDR_MIN     20
#define TCP_HDR_MAX     60
#define TCP_MAX_SACK    4       /* blocks in one option */
#define TCP_MAX_WSCALE  14      /* RFC 7323 2.3 */
#define TCP_OOO_MAX     16      /* out-of-order ranges held by a receiver */
#define TCP_SB_MAX      8       /* SACKed ranges a sender remembers */
#define TCP_CHALLENGE_MAX 10    /* challenge ACKs per second per connection */

/* Sequence-number arithmetic modulo 2^32 (RFC 9293 3.4). */
#define SEQ_LT(a, b)  ((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define SEQ_LEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)
#define SEQ_GT(a, b)  SEQ_LT(b, a)
#define SEQ_GEQ(a, b) SEQ_LEQ(b, a)

/* One parsed segment.  data points into the caller's packet. */
struct tcp_seg {
	uint32_t src, dst;              /* IPv4 addresses, host order */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t wnd;                   /* as on the wire, unscaled */
	const uint8_t *data;
	size_t len;                     /* payload bytes */
	/* options (RFC 9293 3.2, 7323, 2018); absent ones are 0/false */
	uint16_t mss;
	bool has_ws, sack_ok, has_ts;
	uint8_t ws;
	uint32_t tsval, tsecr;
	unsigned int nsack;
	uint32_t sack[TCP_MAX_SACK][2]; /* [start, end) */
};

/* Events the engine reports through env->event. */
enum tcp_event {
	TCP_EV_CONNECTED,       /* reached ESTABLISHED */
	TCP_EV_READABLE,        /* data or EOF to read */
	TCP_EV_WRITABLE,        /* send buffer space freed */
	TCP_EV_CLOSED,          /* reached CLOSED; tp->err says why (0: clean) */
};

struct tcpcb;

struct tcp_env {
	/* Sends one TCP segment (header with checksum, then payload) from
	 * src to dst; the bytes are only valid during the call. */
	void (*output)(void *arg, uint32_t src, uint32_t dst, const uint8_t *seg,
	               size_t len);
	uint64_t (*now_us)(void *arg);          /* monotonic microseconds */
	uint64_t (*random)(void *arg);          /* unpredictable 64 bits */
	void (*event)(void *arg, struct tcpcb *tp, enum tcp_event ev);
};

/* Per-connection settings; tcp_cfg_default() fills sensible ones. */
struct tcp_cfg {
	uint32_t sndbuf, rcvbuf;        /* bytes, at most 1 << 30 */
	uint16_t mss;                   /* our largest segment (MTU - 40) */
	bool nodelay;                   /* no Nagle (TCP_NODELAY) */
	bool sack, wscale, tstamp;      /* offer these options */
	uint64_t delack_us;             /* delayed-ACK limit (RFC 1122: < 0.5 s) */
	uint64_t rto_min_us, rto_max_us, rto_init_us;
	uint64_t msl_us;                /* TIME_WAIT lasts 2 * msl */
	uint64_t keep_idle_us, keep_intvl_us;
	unsigned int keep_cnt;
	unsigned int max_rexmt, max_syn_rexmt;
};

struct tcp_stats {
	uint64_t segs_out, segs_in, rexmt_segs, rto_events, fast_rexmt;
	uint64_t dupacks_in, ooo_segs, bad_segs, challenge_acks, challenges_limited, probes;
};

/* A ring of bytes (the send buffer, and the receive buffer with
 * out-of-order bytes parked beyond the in-order ones).  cap is the buffer
 * size the window is made of; only size bytes are allocated (none until
 * the first byte: tcp_ring_reserve grows it, doubling, up to cap), and an
 * idle connection gives them back (TT_SHRINK, tcp_timer.c). */
struct tcp_ring {
	uint8_t *buf;                   /* NULL while size is 0 */
	uint32_t cap, size, head, len;
};

#define TCP_RING_MIN   2048     /* the first allocation */
#define TCP_SHRINK_US  200000   /* an empty ring is freed after this */

struct tcp_range {
	uint32_t start, end;
};

enum tcp_timer_id { TT_REXMT, TT_PERSIST, TT_DELACK, TT_KEEP, TT_2MSL, TT_SHRINK, TT_N };

struct tcpcb {
	const struct tcp_env *env;      /* [I] */
	void *arg;                      /* passed to env; a listener's child
	                                 * starts with the listener's, which its
	                                 * owner may change once */
	void *user;                     /* the caller's (its conversation) */
	struct tcp_cfg cfg;
	enum tcp_state state;
	int err;                        /* why it closed: -ECONNRESET ... */
	bool passive;                   /* made by tcp_listen_input */
	bool keepalive;

	uint32_t laddr, raddr;
	uint16_t lport, rport;

	/* send sequence space (RFC 9293 3.3.1) */
	uint32_t iss, snd_una, snd_nxt, snd_max;
	uint32_t snd_wnd, max_snd_wnd, snd_wl1, snd_wl2;
	uint8_t snd_ws;                 /* peer's shift */
	uint16_t mss;                   /* effective send MSS */
	struct tcp_ring sb;             /* data from seq sb_seq */
	uint32_t sb_seq;
	bool fin_queued;                /* user shut down sending */
	bool rtt_timing;                /* Karn: one unretransmitted seq timed */
	uint32_t rtt_seq;
	uint64_t rtt_start;

	/* receive sequence space */
	uint32_t irs, rcv_nxt, rcv_adv; /* rcv_adv: right edge advertised */
	uint8_t rcv_ws;                 /* our shift */
	struct tcp_ring rb;             /* in order, then parked ranges */
	struct tcp_range ooo[TCP_OOO_MAX];
	unsigned int nooo, ooo_last;    /* ooo_last: most recent (RFC 2018) */
	bool rcv_fin;                   /* FIN consumed: EOF after rb */
	bool ooo_fin;                   /* a FIN waits at fin_seq */
	uint32_t fin_seq;
	unsigned int unacked_segs;      /* in-order segments since our ACK */
	bool ack_now;
	uint32_t last_ack_sent;

	/* options agreed */
	bool ws_ok, ts_ok, sack_ok;
	uint32_t ts_recent, ts_off;

	/* retransmission and congestion (RFC 6298, 5681, 6582, 2018) */
	uint64_t srtt, rttvar, rto;     /* microseconds; srtt 0: no sample */
	unsigned int nrexmt;            /* consecutive timeouts */
	uint32_t cwnd, ssthresh;
	unsigned int dupacks;
	bool in_recovery;
	uint32_t recover, rexmit_nxt;
	struct tcp_range sacked[TCP_SB_MAX];
	unsigned int nsacked;

	unsigned int nkeep, npersist;   /* probes sent */
	unsigned int nchallenge;        /* challenge ACKs in this second ... */
	uint64_t challenge_start;       /* ... which began then (RFC 5961 7) */
	uint64_t last_rcv;
	uint64_t timer[TT_N];           /* deadlines; 0 is off */

	uint8_t *scratch;               /* TCP_HDR_MAX + cfg.mss bytes */
	struct tcp_stats st;
};

/* ---------------------------------------------------- tcp_seg.c */
int tcp_parse(const uint8_t *p, size_t n, uint32_t src, uint32_t dst,
              struct tcp_seg *s);
size_t tcp_build(uint8_t *p, const struct tcp_seg *s, uint32_t src, uint32_t dst);
size_t tcp_build_rst(uint8_t *p, const struct tcp_seg *in);
const char *tcp_state_name(enum tcp_state st);

/* ---------------------------------------------------- tcp_conn.c */
void tcp_cfg_default(struct tcp_cfg *cfg);
struct tcpcb *tcp_new(const struct tcp_env *env, void *arg, const struct tcp_cfg *cfg);
void tcp_free(struct tcpcb *tp);
int tcp_connect(struct tcpcb *tp, uint32_t laddr, uint16_t lport,
                uint32_t raddr, uint16_t rport);
int tcp_listen(struct tcpcb *tp, uint32_t laddr, uint16_t lport);
long tcp_write(struct tcpcb *tp, const void *buf, size_t n);
long tcp_read(struct tcpcb *tp, void *buf, size_t n);
bool tcp_eof(const struct tcpcb *tp);
size_t tcp_readable(const struct tcpcb *tp);
size_t tcp_writable(const struct tcpcb *tp);
int tcp_shutdown(struct tcpcb *tp);
void tcp_abort(struct tcpcb *tp);
void tcp_set_keepalive(struct tcpcb *tp, bool on);
uint32_t tcp_isn(struct tcpcb *tp);
void tcp_init_send(struct tcpcb *tp);

/* ---------------------------------------------------- tcp_input.c */
void tcp_input(struct tcpcb *tp, const struct tcp_seg *s);
struct tcpcb *tcp_listen_input(struct tcpcb *l, const struct tcp_seg *s);
void tcp_reply_rst(const struct tcp_env *env, void *arg, const struct tcp_seg *s);

/* ---------------------------------------------------- tcp_output.c */
void tcp_output(struct tcpcb *tp);
void tcp_send_ctl(struct tcpcb *tp, uint32_t seq, uint8_t flags);
void tcp_send_at(struct tcpcb *tp, uint32_t seq, uint32_t maxlen);
uint32_t tcp_rcv_window(const struct tcpcb *tp);

/* ---------------------------------------------------- tcp_timer.c */
uint64_t tcp_deadline(const struct tcpcb *tp);
void tcp_timer(struct tcpcb *tp);
void tcp_timer_set(struct tcpcb *tp, enum tcp_timer_id t, uint64_t after_us);
void tcp_rtt_sample(struct tcpcb *tp, uint64_t rtt_us);
void tcp_set_state(struct tcpcb *tp, enum tcp_state st);
void tcp_close_now(struct tcpcb *tp, int err);
uint64_t tcp_now(const struct tcpcb *tp);

/* ---------------------------------------------------- tcp_cc.c */
void tcp_cc_init(struct tcpcb *tp);
void tcp_cc_newack(struct tcpcb *tp, uint32_t acked);
void tcp_cc_dupack(struct tcpcb *tp);
void tcp_cc_timeout(struct tcpcb *tp);
uint32_t tcp_flight(const struct tcpcb *tp);

/* ---------------------------------------------------- tcp_buf.c */
int tcp_ring_init(struct tcp_ring *r, uint32_t cap);
void tcp_ring_free(struct tcp_ring *r);
int tcp_ring_reserve(struct tcp_ring *r, uint32_t need);
void tcp_ring_put(struct tcp_ring *r, uint32_t off, const uint8_t *p, uint32_t n);
void tcp_ring_get(const struct tcp_ring *r, uint32_t off, uint8_t *p, uint32_t n);
void tcp_ring_drop(struct tcp_ring *r, uint32_t n);
void tcp_bufs_emptied(struct tcpcb *tp);
void tcp_bufs_shrink(struct tcpcb *tp);
void tcp_ooo_add(struct tcpcb *tp, uint32_t start, uint32_t end);
uint32_t tcp_ooo_advance(struct tcpcb *tp);
void tcp_sb_update(struct tcpcb *tp, const struct tcp_seg *s);
bool tcp_sb_hole(const struct tcpcb *tp, uint32_t from, struct tcp_range *hole);
