/* SPDX-License-Identifier: MIT */
/*
 * icmp.c - ICMP (RFC 792, RFC 1122 3.2.2): echo answered in the kernel,
 * errors generated rate-limited, errors received passed to the protocol
 * they are about, and the raw "icmp" conversation that ping uses.
 *
 * The icmp conversation: "connect ADDR!N" names the peer (N is ignored;
 * the kernel picks the echo identifier, shown as the local port).  A write
 * to data is one ICMP message (header included; the checksum is computed
 * here, and an echo request's identifier is set to the conversation's);
 * a read returns one whole datagram received for it, IP header first, so
 * the reader sees the TTL.  Echo replies are matched by identifier and
 * sender; errors that quote one of our echo requests go to its
 * conversation too.
 *
 * Errors we send (icmp_error): never about an ICMP error, a datagram to or
 * from a broadcast or multicast address, or a fragment other than the
 * first (RFC 1122 3.2.2); at most ICMP_BURST back to back, refilled at
 * ICMP_RATE per second (RFC 1812 4.3.2.8 asks for a limit); the message
 * quotes the IP header and the first 8 bytes of data (RFC 792).
 *
 * Locks: "icmp ratelimit" (spinlock) for the token bucket; the rest is
 * conv.c's.  The receive path never raises error().
 */
#include <block.h>
#include <err.h>
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <qio.h>
#include <slice.h>
#include <time.h>

#include <ip.h>

#define ICMP_BURST 50
#define ICMP_RATE  100          /* tokens per second */

struct icmp_stats {
	atomic_t in, in_err, in_csum, in_echo, in_echo_rep, in_unreach, in_timex, in_other,
		out, out_echo_rep, out_err, out_limited, out_fail;
};

static struct icmp_stats icmp_st;
static spinlock_t icmp_rl_lock = SPINLOCK_INITIALIZER("icmp ratelimit");
static uint64_t icmp_tokens = ICMP_BURST;       /* [icmp_rl_lock] */
static uint64_t icmp_last_fill;                 /* [icmp_rl_lock] ns */
static struct ip_proto icmp_proto;

/* Takes one token; false: rate-limited. */
static bool icmp_rate_ok(void)
{
	uint64_t now = nsec_now(), add;
	bool ok;

	spin_lock(&icmp_rl_lock);
	add = (now - icmp_last_fill) * ICMP_RATE / 1000000000ull;
	if (add) {
		icmp_tokens = icmp_tokens + add > ICMP_BURST ? ICMP_BURST : icmp_tokens + add;
		icmp_last_fill = now;
	}
	ok = icmp_tokens > 0;
	if (ok)
		icmp_tokens--;
	spin_unlock(&icmp_rl_lock);
	return ok;
}

/* Fills the checksum of the message in b (linear) and sends it. */
static int icmp_send(struct block *b, uint32_t src, uint32_t dst, uint8_t ttl, uint8_t tos)
{
	struct ip_out o = { .src = src, .dst = dst, .proto = IP_PROTO_ICMP, .ttl = ttl,
	                    .tos = tos };

	icmp_set_csum(b->rp, 0);
	icmp_set_csum(b->rp, ip_csum(b->rp, BLEN(b)));
	atomic_inc(&icmp_st.out);
	return ip_output(b, &o);
}

/* Is this datagram one we must not send an error about? */
static bool icmp_error_forbidden(const struct block *b, const struct ip4_info *h)
{
	if (h->frag_off || ipifc_is_bcast(h->dst) || (h->dst >> 28) == 0xe)
		return true;
	if (h->src == 0 || ipifc_is_bcast(h->src) || (h->src >> 28) == 0xe)
		return true;
	if (h->proto == IP_PROTO_ICMP) {
		uint8_t type = BLEN(b) > h->hlen ? b->rp[h->hlen] : ICMP_UNREACH;

		return type != ICMP_ECHO && type != ICMP_ECHOREPLY;
	}
	return false;
}

void icmp_error(const struct block *b, const struct ip4_info *h, uint8_t type, uint8_t code)
{
	size_t quote = h->hlen + 8u < BLEN(b) ? h->hlen + 8u : BLEN(b);
	struct icmp_info m = { .type = type, .code = code };
	struct block *e;

	if (icmp_error_forbidden(b, h))
		return;
	if (!icmp_rate_ok()) {
		atomic_inc(&icmp_st.out_limited);
		return;
	}
	e = block_alloc(ICMP_HDR_LEN + quote, MEM_ATOMIC);
	if (!e)
		return;
	icmp_build(e->wp, &m);
	block_copy_out(b, 0, e->wp + ICMP_HDR_LEN, quote);
	e->wp += ICMP_HDR_LEN + quote;
	atomic_inc(&icmp_st.out_err);
	if (icmp_send(e, ipifc_is_local(h->dst) ? h->dst : 0, h->src, 0, 0))
		atomic_inc(&icmp_st.out_fail);
}

/* ------------------------------------------------------------ input */

static void icmp_echo_reply(struct block *b, const struct ip4_info *h)
{
	atomic_inc(&icmp_st.in_echo);
	if (ipifc_is_bcast(h->dst)) {           /* RFC 1122 3.2.2.6: may ignore */
		freeb(b);
		return;
	}
	block_consume(b, h->hlen);
	b->rp[0] = ICMP_ECHOREPLY;
	atomic_inc(&icmp_st.out_echo_rep);
	if (icmp_send(b, h->dst, h->src, 0, h->tos))
		atomic_inc(&icmp_st.out_fail);
}

/* Gives datagram b (rp at its IP header) to the conversation with echo
 * identifier id talking to peer; frees it if there is none. */
static void icmp_deliver(struct block *b, uint16_t id, uint32_t peer)
{
	struct conv *c = conv_lookup(&icmp_proto, 0, id, peer, 0);

	if (!c) {
		freeb(b);
		return;
	}
	if (qpass(c->rq, b) <= 0)
		atomic_inc(&icmp_st.in_err);
	conv_put(c);
}

/* An error message: quoted header at q (len bytes from the ICMP data). */
static void icmp_error_in(struct block *b, const struct icmp_info *m, const uint8_t *q,
                          size_t len)
{
	struct ip4_info qh;
	struct ip_proto *p;
	const char *why = "";
	struct icmp_info qm;

	if (m->type == ICMP_UNREACH)
		atomic_inc(&icmp_st.in_unreach);
	else
		atomic_inc(&icmp_st.in_timex);
	if (len < IP4_HDR_LEN || ip4_parse(q, len, &qh, false, &why) == -EPROTO) {
		atomic_inc(&icmp_st.in_err);
		freeb(b);
		return;
	}
	/* The quote may be cut short: take the header length, not tot_len. */
	qh.hlen = (uint8_t)((q[0] & 0xf) * 4);
	if (qh.hlen < IP4_HDR_LEN || qh.hlen > len) {
		atomic_inc(&icmp_st.in_err);
		freeb(b);
		return;
	}
	if (qh.proto == IP_PROTO_ICMP && len >= qh.hlen + 8u && q[qh.hlen] == ICMP_ECHO) {
		qm.id = get_be16(q + qh.hlen + 4);
		icmp_deliver(b, qm.id, qh.dst);
		return;
	}
	p = ip_proto_by_num(qh.proto);
	if (p && p->advise)
		p->advise(&qh, q + qh.hlen, len - qh.hlen,
		          m->type == ICMP_UNREACH ? "unreachable" : "time exceeded");
	freeb(b);
}

static void icmp_rcv(struct ipifc *ifc, struct block *b, const struct ip4_info *h)
{
	size_t len = BLEN(b) - h->hlen;
	const uint8_t *msg = b->rp + h->hlen;
	const char *why = "";
	struct icmp_info m;
	int ret;

	atomic_inc(&icmp_st.in);
	ret = icmp_parse(msg, len, &m, &why);
	if (ret) {
		atomic_inc(ret == -EPROTO ? &icmp_st.in_csum : &icmp_st.in_err);
		netlog(NETLOG_ICMP, "icmp: dropped: %s\n", why);
		freeb(b);
		return;
	}
	switch (m.type) {
	case ICMP_ECHO:
		icmp_echo_reply(b, h);
		break;
	case ICMP_ECHOREPLY:
		atomic_inc(&icmp_st.in_echo_rep);
		icmp_deliver(b, m.id, h->src);
		break;
	case ICMP_UNREACH:
	case ICMP_TIMEX:
		icmp_error_in(b, &m, msg + ICMP_HDR_LEN, len - ICMP_HDR_LEN);
		break;
	default:
		atomic_inc(&icmp_st.in_other);
		freeb(b);
	}
}

/* ------------------------------------------------------------ conversations */

static void icmp_conv_send(struct conv *c, struct block *b)
{
	struct ip_out o = { .dst = c->raddr, .proto = IP_PROTO_ICMP };
	int ret;

	if (!c->raddr) {
		freeb(b);
		error(EDESTADDRREQ, "#ip/icmp/%u: not connected", c->x);
	}
	b = concatblock(b);
	if (BLEN(b) < ICMP_HDR_LEN) {
		freeb(b);
		error(EINVAL, "#ip/icmp/%u: a write must hold an 8-byte ICMP header", c->x);
	}
	if (b->rp[0] == ICMP_ECHO)
		put_be16(b->rp + 4, c->lport);
	ret = icmp_send(b, 0, o.dst, c->ttl, c->tos);
	if (ret)
		error(-ret, "#ip/icmp/%u: cannot send: %s", c->x,
		      ret == -EMSGSIZE ? "too long" : "no route");
}

/* The port of "connect ADDR!N" means nothing to ICMP: replies are matched
 * on the identifier (our local port) and the peer alone. */
static void icmp_conv_connect(struct conv *c)
{
	spin_lock(&c->p->lock);
	c->rport = 0;
	spin_unlock(&c->p->lock);
}

static void icmp_conv_announce(struct conv *c)
{
	error(EOPNOTSUPP, "#ip/icmp: conversations connect, they do not announce");
}

static void icmp_conv_close(struct conv *c)
{
	qhangup(c->rq, NULL);
	conv_release(c);
}

#define ICMPSTAT(name, f) slice_printf(s, "%s: %lld\n", name, (long long)atomic_read(&icmp_st.f))

static void icmp_stats(struct slice *s)
{
	ICMPSTAT("InMsgs", in);
	ICMPSTAT("InErrors", in_err);
	ICMPSTAT("InCsumErrors", in_csum);
	ICMPSTAT("InEchos", in_echo);
	ICMPSTAT("InEchoReps", in_echo_rep);
	ICMPSTAT("InDestUnreachs", in_unreach);
	ICMPSTAT("InTimeExcds", in_timex);
	ICMPSTAT("InOther", in_other);
	ICMPSTAT("OutMsgs", out);
	ICMPSTAT("OutEchoReps", out_echo_rep);
	ICMPSTAT("OutErrors", out_err);
	ICMPSTAT("OutRateLimited", out_limited);
	ICMPSTAT("OutFailed", out_fail);
}

static struct ip_proto icmp_proto = {
	.name = "icmp",
	.ipproto = IP_PROTO_ICMP,
	.maxconv = 128,
	.connect = icmp_conv_connect,
	.announce = icmp_conv_announce,
	.close = icmp_conv_close,
	.send = icmp_conv_send,
	.rcv = icmp_rcv,
	.stats = icmp_stats,
};

void icmp_init(void)
{
	icmp_last_fill = nsec_now();
	ip_proto_register(&icmp_proto);
}
