/* SPDX-License-Identifier: MIT */
/*
 * tcp.c - TCP in #ip: the engine of tcp_*.c (Documentation/tcp.md) wired to
 * conversations (conv.c), IPv4 (ip_output, rcv) and a timer kthread.
 *
 * Each conversation's struct tcp_conv (c->ptcl) holds one tcpcb under a
 * spinlock ("tcp conv"; a leaf like the stack's others).  The engine runs
 * only with that lock held, and everything it asks for that may take
 * another lock is deferred to tcp_settle() after the unlock: segments are
 * queued on tc->out and sent with ip_output, received bytes move from the
 * engine's buffer to c->rq (no further than rq's limit, so a full rq fires
 * QIO_WAKE_WRITABLE when the reader drains it and the ip_proto's
 * rq_drained hook pulls more: the engine's window is the flow control),
 * bytes written to c->wq move into the engine's send buffer, and state
 * changes wake the connect sleeper, queue an accepted call on its
 * listener (conv_incall) or end the conversation (conv_release).
 *
 * Ctl: connect ADDR!PORT (blocks until Established; ECONNREFUSED or
 * ETIMEDOUT; written with O_NONBLOCK it returns once the SYN is out, data
 * is not writable until the handshake ends, and then its WRITABLE taps
 * fire; status ends in "err N" after a failure), announce PORT, hangup (a reset), keepalive [on|off],
 * nodelay, shutdown wr.  The last close sends the FIN after the queued
 * data (a reset when unread data is thrown away, RFC 2525 2.17) and the
 * conversation lives on through FIN_WAIT and TIME_WAIT before
 * conv_release.  A timer kthread runs every TCP_TICK_US (20 times
 * slower while there is no TCP conversation) and fires the engine's
 * deadlines.
 */
#include <block.h>
#include <core_id.h>
#include <err.h>
#include <errno.h>
#include <fdtap.h>
#include <kmalloc.h>
#include <kstring.h>
#include <kthread.h>
#include <qio.h>
#include <rendez.h>
#include <slice.h>
#include <time.h>

#include <ip.h>
#include <tcp.h>

#define TCP_TICK_US 10000
#define TCP_MAXCONV 4096

struct tcp_pend {
	struct tcp_pend *next;
	struct block *b;
	uint32_t src, dst;
};

struct tcp_conv {
	spinlock_t lock;                /* "tcp conv" */
	struct tcpcb *tp;               /* [lock] NULL until connect/announce */
	struct tcp_pend *out, **outtail;        /* [lock] segments to send */
	struct conv *listener;          /* [I] an accepted call's, one reference */
	unsigned int nhalf;             /* [lock] a listener's SYN_RCVD children */
	bool user_closed, wr_shut;      /* [lock] */
	bool incalled, released, hungup;        /* [lock] */
	bool settling, resettle;        /* [lock] a tcp_settle runs; run again */
	bool wq_hungup;                 /* [lock] CLOSED seen: writes fail */
	bool connecting;                /* [lock] a non-blocking connect is out */
	struct rendez connr;            /* connect sleeps here */
};

struct tcp_gstats {
	atomic_t in, in_err, no_port, out, out_err, accepts, drops;
};

static struct tcp_gstats tcp_st;
static struct ip_proto tcp_proto;
static struct tcp_cfg tcp_defcfg;

/* ------------------------------------------------------------ environment */

static void tcp_env_output(void *arg, uint32_t src, uint32_t dst, const uint8_t *seg,
                           size_t len);

static uint64_t tcp_env_now(void *arg)
{
	return nsec_now() / 1000;
}

static uint64_t tcp_env_random(void *arg)
{
	return ip_random_u32() << 32 | ip_random_u32();
}

static void tcp_env_event(void *arg, struct tcpcb *tp, enum tcp_event ev)
{
	/* tcp_settle looks at the state afterwards; nothing to record */
}

static const struct tcp_env tcp_env = {
	.output = tcp_env_output,
	.now_us = tcp_env_now,
	.random = tcp_env_random,
	.event = tcp_env_event,
};

static void tcp_send_now(struct block *b, uint32_t src, uint32_t dst, uint8_t ttl)
{
	struct ip_out o = { .src = src, .dst = dst, .proto = IP_PROTO_TCP,
	                    .ttl = ttl ? ttl : IP4_DEFAULT_TTL };

	atomic_inc(&tcp_st.out);
	if (ip_output(b, &o))
		atomic_inc(&tcp_st.out_err);
}

/* arg: the conversation (its lock held), or NULL for a reset to nobody
 * (no lock held: sent at once). */
static void tcp_env_output(void *arg, uint32_t src, uint32_t dst, const uint8_t *seg,
                           size_t len)
{
	struct conv *c = arg;
	struct tcp_conv *tc;
	struct block *b = block_alloc(len, MEM_ATOMIC);
	struct tcp_pend *p;

	if (!b) {
		atomic_inc(&tcp_st.out_err);
		return;
	}
	memcpy(b->wp, seg, len);
	b->wp += len;
	if (!c) {
		tcp_send_now(b, src, dst, 0);
		return;
	}
	tc = c->ptcl;
	p = kmalloc(sizeof(*p), MEM_ATOMIC);
	if (!p) {
		freeb(b);
		atomic_inc(&tcp_st.out_err);
		return;
	}
	*p = (struct tcp_pend){ .b = b, .src = src, .dst = dst };
	*tc->outtail = p;
	tc->outtail = &p->next;
}

/* ------------------------------------------------------------ settling */

static void tcp_flush_out(struct conv *c)
{
	struct tcp_conv *tc = c->ptcl;
	struct tcp_pend *p;

	spin_lock(&tc->lock);
	p = tc->out;
	tc->out = NULL;
	tc->outtail = &tc->out;
	spin_unlock(&tc->lock);
	while (p) {
		struct tcp_pend *next = p->next;

		tcp_send_now(p->b, p->src, p->dst, READ_ONCE(c->ttl));
		kfree(p);
		p = next;
	}
}

/* Moves received bytes to rq while it has room; true if any moved. */
static bool tcp_move_in(struct conv *c)
{
	struct tcp_conv *tc = c->ptcl;
	size_t lim = qlimit(c->rq), have = qlen(c->rq);
	size_t n = have < lim ? lim - have : 0;
	struct block *b;
	uint32_t avail;
	long got;

	spin_lock(&tc->lock);           /* tcp_close may free a listener's tp */
	avail = tc->tp ? tc->tp->rb.len : 0;
	spin_unlock(&tc->lock);
	if (!avail || !n)
		return false;
	if (n > 65536)
		n = 65536;
	b = block_alloc(n, MEM_WAIT);
	spin_lock(&tc->lock);
	got = tc->tp ? tcp_read(tc->tp, b->wp, n) : 0;
	spin_unlock(&tc->lock);
	if (got <= 0) {
		freeb(b);
		return false;
	}
	b->wp += got;
	if (READ_ONCE(tc->user_closed))
		freeb(b);               /* nobody will read it */
	else
		qpass(c->rq, b);
	return true;
}

/* Moves written bytes from wq into the engine while it has room. */
static bool tcp_move_out(struct conv *c)
{
	struct tcp_conv *tc = c->ptcl;
	struct block *b;
	size_t room;
	bool moved = false;

	for (;;) {
		spin_lock(&tc->lock);
		room = tc->tp && tc->tp->state >= TCP_SYN_SENT ? tcp_writable(tc->tp) : 0;
		if (room > qlen(c->wq))
			room = qlen(c->wq);
		/* the engine's ring grows now, so tcp_write takes all of b (no
		 * memory: the bytes wait in wq for the next kick) */
		if (room && tcp_ring_reserve(&tc->tp->sb, tc->tp->sb.len + (uint32_t)room))
			room = 0;
		spin_unlock(&tc->lock);
		if (!room || !qlen(c->wq))
			return moved;
		b = qbread_nonblock(c->wq, room);
		if (!b)
			return moved;
		spin_lock(&tc->lock);
		if (tc->tp)
			tcp_write(tc->tp, b->rp, BLEN(b));
		spin_unlock(&tc->lock);
		freeb(b);
		moved = true;
	}
}

static void tcp_accept_call(struct conv *c);
static void tcp_unhalf(struct conv *lc);

/* One pass of tcp_settle; only one context runs it at a time. */
static void tcp_settle_once(struct conv *c)
{
	struct tcp_conv *tc = c->ptcl;
	bool release = false, eof = false, incall = false, dead = false, half = false;
	struct conv *l = NULL;
	int err = 0;
	bool connected = false;

	do {
		tcp_flush_out(c);
	} while (tcp_move_in(c) | tcp_move_out(c));
	spin_lock(&tc->lock);
	if (tc->tp) {
		struct tcpcb *tp = tc->tp;

		if ((tc->user_closed || tc->wr_shut) && !tp->fin_queued && !qlen(c->wq) &&
		    tp->state >= TCP_SYN_RCVD)
			tcp_shutdown(tp);
		eof = tcp_eof(tp) || tp->state == TCP_CLOSED;
		err = tp->state == TCP_CLOSED ? tp->err : 0;
		dead = tp->state == TCP_CLOSED && !tc->wq_hungup;
		if (dead)
			tc->wq_hungup = true;
		connected = tc->connecting && tp->state != TCP_SYN_SENT &&
		            tp->state != TCP_SYN_RCVD;
		if (connected)
			tc->connecting = false;
		incall = tc->listener && !tc->incalled && tp->state >= TCP_ESTABLISHED;
		if (incall)
			tc->incalled = true;
		if (tp->state == TCP_CLOSED && !tc->released &&
		    (tc->user_closed || (tc->listener && !tc->incalled))) {
			tc->released = release = true;
			tcp_free(tp);
			tc->tp = NULL;
			if (!incall) {
				l = tc->listener;
				tc->listener = NULL;
				half = l && !tc->incalled;      /* died half-open */
			}
		}
	}
	if (eof && tc->hungup)
		eof = false;
	if (eof)
		tc->hungup = true;
	spin_unlock(&tc->lock);
	tcp_flush_out(c);
	rendez_wakeup(&tc->connr);
	if (connected)          /* a non-blocking connect ended, either way */
		fdtap_list_fire(&c->data_taps, FDTAP_FILT_WRITABLE |
		                (err ? FDTAP_FILT_ERROR : 0));
	if (eof)
		qhangup(c->rq, err == -ECONNRESET ? "connection reset" :
		               err == -ETIMEDOUT ? "connection timed out" : NULL);
	if (dead)               /* writers get EPIPE from now on */
		qhangup(c->wq, err ? "connection ended by a reset or timeout" :
		               "connection closed");
	if (incall)
		tcp_accept_call(c);
	if (release) {
		if (incall) {
			l = tc->listener;
			tc->listener = NULL;
		}
		if (half)
			tcp_unhalf(l);
		if (l)
			conv_put(l);
		qhangup(c->wq, NULL);
		conv_release(c);
	}
}

/* After any engine call: acts on what it left to do (see the top).  The
 * moves between queues and engine must keep byte order, so one context
 * at a time runs the passes; a caller that finds one running asks it for
 * another pass instead of waiting. */
static void tcp_settle(struct conv *c)
{
	struct tcp_conv *tc = c->ptcl;

	spin_lock(&tc->lock);
	if (tc->settling) {
		tc->resettle = true;
		spin_unlock(&tc->lock);
		return;
	}
	tc->settling = true;
	conv_get(c);            /* a pass may conv_release c */
	do {
		tc->resettle = false;
		spin_unlock(&tc->lock);
		tcp_settle_once(c);
		spin_lock(&tc->lock);
	} while (tc->resettle);
	tc->settling = false;
	spin_unlock(&tc->lock);
	conv_put(c);
}

/* ------------------------------------------------------------ calls */

/* A child of listener lc left SYN_RCVD (established or dead). */
static void tcp_unhalf(struct conv *lc)
{
	struct tcp_conv *ltc = lc->ptcl;

	spin_lock(&ltc->lock);
	if (ltc->nhalf)
		ltc->nhalf--;
	spin_unlock(&ltc->lock);
}

/* An accepted connection reached Established: on its listener's queue. */
static void tcp_accept_call(struct conv *c)
{
	struct tcp_conv *tc = c->ptcl;

	tcp_unhalf(tc->listener);
	if (conv_incall(tc->listener, c)) {
		atomic_inc(&tcp_st.accepts);
		return;
	}
	atomic_inc(&tcp_st.drops);
	spin_lock(&c->p->lock);
	c->closing = true;
	spin_unlock(&c->p->lock);
	tcp_proto.close(c);
}

/* A SYN made child on listener lc: its own conversation, or NULL (the
 * child is then aborted by the caller). */
static struct conv *tcp_new_call(struct conv *lc, struct tcpcb *child)
{
	ERRSTACK(1);
	struct conv *nc;
	struct tcp_conv *ntc;

	if (waserror())
		return NULL;            /* error() popped the frame */
	nc = conv_new_call(&tcp_proto);
	poperror();
	ntc = nc->ptcl;
	conv_get(lc);
	ntc->listener = lc;
	conv_accept_identity(nc, child->laddr, child->lport, child->raddr, child->rport);
	nc->state = CONV_CONNECTED;
	spin_lock(&ntc->lock);
	child->arg = nc;
	ntc->tp = child;
	spin_unlock(&ntc->lock);
	return nc;
}

/* ------------------------------------------------------------ input */

/* The MSS for segments to dst: its interface's MTU less 40 (RFC 9293
 * 3.7.1; no path MTU discovery), 1460 when unknown. */
static uint16_t tcp_mss_for(uint32_t dst)
{
	unsigned int mtu = ip_route_mtu(dst);

	if (mtu < 576)
		return 1460;
	return mtu - 40 > 65495 ? 65495 : (uint16_t)(mtu - 40);
}


static void tcp_listen_seg(struct conv *c, const struct tcp_seg *seg)
{
	struct tcp_conv *tc = c->ptcl;
	uint16_t mss = tcp_mss_for(seg->src);
	struct tcpcb *child = NULL;
	struct conv *nc;

	spin_lock(&tc->lock);
	/* half-open children and calls waiting for accept share the bound:
	 * a SYN beyond it is dropped (the peer sends it again), so a burst
	 * of connects waits instead of being accepted and then hung up */
	if (tc->tp && tc->tp->state == TCP_LISTEN &&
	    tc->nhalf + READ_ONCE(c->nincall) < IP_LISTEN_MAX) {
		tc->tp->cfg.mss = mss;          /* the child's, toward this peer */
		child = tcp_listen_input(tc->tp, seg);
		if (child)
			tc->nhalf++;
	}
	spin_unlock(&tc->lock);
	tcp_flush_out(c);
	if (!child)
		return;
	nc = tcp_new_call(c, child);
	if (!nc) {
		spin_lock(&tc->lock);
		tc->nhalf--;
		spin_unlock(&tc->lock);
		atomic_inc(&tcp_st.drops);
		tcp_free(child);        /* its SYN-ACK went; the peer gets a reset later */
	}
}

static void tcp_rcv(struct ipifc *ifc, struct block *b, const struct ip4_info *h)
{
	size_t len = BLEN(b) - h->hlen;
	uint8_t *buf = kmalloc(len ? len : 1, MEM_WAIT);
	struct tcp_seg seg;
	struct tcp_conv *tc;
	struct conv *c;

	atomic_inc(&tcp_st.in);
	block_copy_out(b, h->hlen, buf, len);
	freeb(b);
	if (tcp_parse(buf, len, h->src, h->dst, &seg)) {
		atomic_inc(&tcp_st.in_err);
		kfree(buf);
		return;
	}
	c = conv_lookup(&tcp_proto, h->dst, seg.dport, h->src, seg.sport);
	tc = c ? c->ptcl : NULL;
	if (c && READ_ONCE(c->state) == CONV_ANNOUNCED && !c->raddr) {
		tcp_listen_seg(c, &seg);
	} else if (c && tc->tp) {
		spin_lock(&tc->lock);
		if (tc->tp)
			tcp_input(tc->tp, &seg);
		spin_unlock(&tc->lock);
		tcp_settle(c);
	} else {
		atomic_inc(&tcp_st.no_port);
		tcp_reply_rst(&tcp_env, NULL, &seg);
	}
	if (c)
		conv_put(c);
	kfree(buf);
}

/* ------------------------------------------------------------ user side */

static void tcp_create(struct conv *c)
{
	struct tcp_conv *tc = kzmalloc(sizeof(*tc), MEM_WAIT);

	if (!tc)
		error(ENOMEM, "#ip/tcp: no memory for a conversation");
	spinlock_init(&tc->lock, "tcp conv");
	tc->outtail = &tc->out;
	rendez_init(&tc->connr);
	c->ptcl = tc;
}

static struct tcpcb *tcp_make(struct conv *c, uint32_t dst)
{
	struct tcp_cfg cfg = tcp_defcfg;
	struct tcpcb *tp;

	if (dst)
		cfg.mss = tcp_mss_for(dst);
	tp = tcp_new(&tcp_env, c, &cfg);

	if (!tp)
		error(ENOMEM, "#ip/tcp/%u: no memory for a connection", c->x);
	return tp;
}

static bool tcp_connect_done(void *arg)
{
	struct tcp_conv *tc = arg;
	struct tcpcb *tp = READ_ONCE(tc->tp);

	return !tp || (READ_ONCE(tp->state) != TCP_SYN_SENT &&
	               READ_ONCE(tp->state) != TCP_SYN_RCVD);
}

/* [qlock] held: sends the SYN and waits for the handshake. */
static void tcp_connect_conv(struct conv *c)
{
	struct tcp_conv *tc = c->ptcl;
	uint32_t src = c->laddr ? c->laddr : ip_route_src(c->raddr);
	struct tcpcb *tp;
	int err;

	if (!c->rport)
		error(EINVAL, "#ip/tcp/%u: connect needs a port", c->x);
	if (!src)
		error(ENETUNREACH, "#ip/tcp/%u: no route to the destination", c->x);
	tp = tcp_make(c, c->raddr);
	spin_lock(&c->p->lock);
	c->laddr = src;
	spin_unlock(&c->p->lock);
	spin_lock(&tc->lock);
	tc->tp = tp;
	tc->connecting = c->ctl_nonblock;
	tcp_connect(tp, src, c->lport, c->raddr, c->rport);
	spin_unlock(&tc->lock);
	tcp_settle(c);
	if (c->ctl_nonblock)
		return;
	if (rendez_sleep(&tc->connr, tcp_connect_done, tc))
		error(EINTR, "#ip/tcp/%u: connect interrupted", c->x);
	spin_lock(&tc->lock);
	err = tc->tp && tc->tp->state == TCP_CLOSED ? tc->tp->err : 0;
	spin_unlock(&tc->lock);
	if (err)
		error(-err, "#ip/tcp/%u: %s", c->x, err == -ECONNREFUSED ? "connection refused" :
		      err == -ETIMEDOUT ? "connection timed out" : "connection failed");
}

static void tcp_announce(struct conv *c)
{
	struct tcp_conv *tc = c->ptcl;
	struct tcpcb *tp = tcp_make(c, 0);

	spin_lock(&tc->lock);
	tc->tp = tp;
	tcp_listen(tp, c->laddr, c->lport);
	spin_unlock(&tc->lock);
}

static void tcp_ctl(struct conv *c, int argc, char **argv)
{
	struct tcp_conv *tc = c->ptcl;
	bool ok = true;

	spin_lock(&tc->lock);
	if (!strcmp(argv[0], "hangup") && argc == 1 && tc->tp)
		tcp_abort(tc->tp);
	else if (!strcmp(argv[0], "keepalive") && argc <= 2 && tc->tp)
		tcp_set_keepalive(tc->tp, argc == 1 || strcmp(argv[1], "off"));
	else if (!strcmp(argv[0], "nodelay") && argc == 1 && tc->tp)
		tc->tp->cfg.nodelay = true;
	else if (!strcmp(argv[0], "shutdown") && argc == 2 && !strcmp(argv[1], "wr"))
		tc->wr_shut = true;
	else
		ok = false;
	spin_unlock(&tc->lock);
	if (!ok)
		error(EINVAL, "#ip/tcp/%u: unknown or untimely ctl '%s'", c->x, argv[0]);
	tcp_settle(c);
}

/* The last chan closed: FIN after the queued data, or a reset when
 * received data goes unread; conv_release comes at CLOSED.  The caller
 * holds a reference: once user_closed is set, a settle elsewhere (input,
 * timer) may release c at any moment. */
static void tcp_close(struct conv *c)
{
	struct tcp_conv *tc = c->ptcl;
	bool now = false;

	spin_lock(&tc->lock);
	tc->user_closed = true;
	if (!tc->tp || tc->tp->state == TCP_LISTEN) {
		tcp_free(tc->tp);
		tc->tp = NULL;
		now = !tc->released;
		tc->released = true;
	} else if (tc->tp->rb.len || qlen(c->rq)) {
		tcp_abort(tc->tp);
	}
	spin_unlock(&tc->lock);
	qhangup(c->rq, NULL);
	if (now) {
		qhangup(c->wq, NULL);
		if (tc->listener)
			conv_put(tc->listener);
		tc->listener = NULL;
		conv_release(c);
		return;
	}
	tcp_settle(c);
}

static bool tcp_connecting(struct conv *c)
{
	struct tcp_conv *tc = c->ptcl;

	return READ_ONCE(tc->connecting);
}

static void tcp_kick(struct conv *c)
{
	tcp_settle(c);
}

static void tcp_rq_drained(struct conv *c)
{
	tcp_settle(c);
}

static void tcp_state(struct conv *c, struct slice *s)
{
	struct tcp_conv *tc = c->ptcl;
	struct tcpcb snap;
	bool have, released;

	/* a copy under the lock: printing may allocate, which may sleep */
	spin_lock(&tc->lock);
	have = tc->tp != NULL;
	if (have)
		snap = *tc->tp;
	released = tc->released;
	spin_unlock(&tc->lock);
	if (!have) {
		slice_printf(s, "tcp/%u %d %s\n", c->x, c->inuse, released ? "Closed" : "Idle");
		return;
	}
	slice_printf(s, "tcp/%u %d %s qin %u qout %u srtt %llu rto %llu cwnd %u ssthresh %u "
	             "mss %u segsout %llu segsin %llu rexmt %llu timeouts %llu fastrexmt %llu",
	             c->x, c->inuse, tcp_state_name(snap.state), snap.rb.len, snap.sb.len,
	             (unsigned long long)snap.srtt, (unsigned long long)snap.rto, snap.cwnd,
	             snap.ssthresh, snap.mss, (unsigned long long)snap.st.segs_out,
	             (unsigned long long)snap.st.segs_in, (unsigned long long)snap.st.rexmt_segs,
	             (unsigned long long)snap.st.rto_events,
	             (unsigned long long)snap.st.fast_rexmt);
	if (snap.state == TCP_CLOSED && snap.err)
		slice_printf(s, " err %d", -snap.err);
	slice_printf(s, "\n");
}

#define TCPSTAT(name, f) slice_printf(s, "%s: %lld\n", name, (long long)atomic_read(&tcp_st.f))

static void tcp_stats(struct slice *s)
{
	TCPSTAT("InSegs", in);
	TCPSTAT("InErrs", in_err);
	TCPSTAT("NoPort", no_port);
	TCPSTAT("OutSegs", out);
	TCPSTAT("OutErrs", out_err);
	TCPSTAT("Accepts", accepts);
	TCPSTAT("ListenDrops", drops);
}

/* ------------------------------------------------------------ timers */

static void tcp_tick_one(struct conv *c, uint64_t now)
{
	struct tcp_conv *tc = c->ptcl;
	bool due;

	spin_lock(&tc->lock);
	due = tc->tp && tcp_deadline(tc->tp) <= now;
	if (due)
		tcp_timer(tc->tp);
	spin_unlock(&tc->lock);
	if (due)
		tcp_settle(c);
}

static void tcp_timer_kthread(void *arg)
{
	for (;;) {
		uint64_t now;

		/* idle without connections: a slower tick costs less */
		kthread_usleep(atomic_read(&tcp_proto.nconv) ? TCP_TICK_US : 20 * TCP_TICK_US);
		now = tcp_env_now(NULL);
		for (unsigned int x = 0; x < tcp_proto.maxconv; x++) {
			struct conv *c;

			spin_lock(&tcp_proto.lock);
			c = tcp_proto.conv[x];
			if (c)
				conv_get(c);
			spin_unlock(&tcp_proto.lock);
			if (!c)
				continue;
			if (c->ptcl)
				tcp_tick_one(c, now);
			conv_put(c);
		}
	}
}

static struct ip_proto tcp_proto = {
	.name = "tcp",
	.ipproto = IP_PROTO_TCP,
	.maxconv = TCP_MAXCONV,
	.create = tcp_create,
	.connect = tcp_connect_conv,
	.connecting = tcp_connecting,
	.announce = tcp_announce,
	.ctl = tcp_ctl,
	.close = tcp_close,
	.kick = tcp_kick,
	.rq_drained = tcp_rq_drained,
	.rcv = tcp_rcv,
	.state = tcp_state,
	.stats = tcp_stats,
};

void tcp_init(void)
{
	tcp_cfg_default(&tcp_defcfg);
	/* 128 KiB each way at most: buffers are allocated as bytes come
	 * (tcp_buf.c), so half-open calls and idle connections hold none */
	tcp_defcfg.sndbuf = tcp_defcfg.rcvbuf = 128 * 1024;
	ip_proto_register(&tcp_proto);
	kthread_run_on(kthread_create(tcp_timer_kthread, NULL, "tcp timer"), core_id());
}
