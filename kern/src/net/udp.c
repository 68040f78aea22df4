/* SPDX-License-Identifier: MIT */
/*
 * udp.c - UDP (RFC 768, RFC 1122 4.1): datagrams between conversations.
 *
 * Sending (a write to data is one datagram): without "headers" the
 * conversation must be connected and the datagram goes to its remote
 * end; with "headers" each write starts with struct ip_udp_hdrs
 * (ros/ip.h) naming the destination (and optionally the source address).
 * A conversation without a local port gets an ephemeral one.  The
 * checksum is always computed (RFC 1122 4.1.3.4 says it must be
 * possible; Vireo never turns it off).
 *
 * Receiving: a length field that disagrees with the IP payload drops the
 * datagram; a non-zero checksum is verified unless the NIC did
 * (BLOCK_F_RX_L4CK_OK); the conversation is looked up by local port,
 * preferring one connected to the sender; the datagram is queued on its
 * rq (dropped and counted when the queue is full: a datagram protocol
 * does not push back).  No conversation: a rate-limited ICMP port
 * unreachable, unless the datagram was a broadcast.  With "headers" the
 * reader gets the addresses in front of the data.
 *
 * The receive queue holds IP_CONV_QLIMIT bytes of datagrams unless ctl
 * "rcvbuf N" sets another limit (UDP_RCVBUF_MIN..UDP_RCVBUF_MAX bytes:
 * SO_RCVBUF of the C library's sockets); lowering it below what is queued
 * keeps the datagrams and drops new ones until the reader catches up.
 *
 * ICMP errors about our datagrams (advise) are recorded in the
 * conversation's err file.  Locks: conv.c's; the receive path never
 * raises error().
 */
#include <block.h>
#include <err.h>
#include <errno.h>
#include <kstring.h>
#include <qio.h>
#include <ros/ip.h>
#include <slice.h>

#include <ip.h>

struct udp_stats {
	atomic_t in, in_noport, in_err, in_csum, in_full, out, out_err;
};

#define UDP_RCVBUF_MIN 2048                  /* a datagram of an Ethernet frame */
#define UDP_RCVBUF_MAX (1024 * 1024)         /* 512 conversations: 512 MiB at most */

static struct udp_stats udp_st;
static struct ip_proto udp_proto;

/* ------------------------------------------------------------ headers mode */

static void v4mapped_put(uint8_t a[16], uint32_t addr)
{
	memset(a, 0, 10);
	a[10] = a[11] = 0xff;
	put_be32(a + 12, addr);
}

/* An address of the header; false if it is not IPv4-mapped (or zero). */
static bool v4mapped_get(const uint8_t a[16], uint32_t *addr)
{
	static const uint8_t prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	static const uint8_t zero[16];

	if (!memcmp(a, zero, 16)) {
		*addr = 0;
		return true;
	}
	if (memcmp(a, prefix, 12))
		return false;
	*addr = get_be32(a + 12);
	return true;
}

/* ------------------------------------------------------------ output */

/* Where a write goes: from the header (consumed from b) or the conv. */
static void udp_dest(struct conv *c, struct block *b, uint32_t *dst, uint16_t *dport,
                     uint32_t *src)
{
	struct ip_udp_hdrs hd;

	*src = c->laddr;
	if (!c->headers) {
		if (!c->raddr || !c->rport)
			error(EDESTADDRREQ, "#ip/udp/%u: not connected (or use headers)", c->x);
		*dst = c->raddr;
		*dport = c->rport;
		return;
	}
	if (BLEN(b) < IP_UDP_HDRS_LEN)
		error(EINVAL, "#ip/udp/%u: a write in headers mode starts with %d bytes of "
		      "addresses", c->x, IP_UDP_HDRS_LEN);
	block_copy_out(b, 0, &hd, sizeof(hd));
	block_consume(b, IP_UDP_HDRS_LEN);
	if (!v4mapped_get(hd.raddr, dst) || !*dst || !v4mapped_get(hd.laddr, src))
		error(EINVAL, "#ip/udp/%u: header addresses must be IPv4-mapped",
		      c->x);
	*dport = get_be16(hd.rport);
	if (!*dport)
		error(EINVAL, "#ip/udp/%u: destination port 0", c->x);
	if (*src && !ipifc_is_local(*src))
		error(EADDRNOTAVAIL, "#ip/udp/%u: source address is not ours", c->x);
}

/* Prepends the UDP header to b and fills its checksum. */
static struct block *udp_encap(struct block *b, uint32_t src, uint32_t dst, uint16_t sport,
                               uint16_t dport)
{
	struct udp_info u = { .sport = sport, .dport = dport,
	                      .len = (uint16_t)(BLEN(b) + UDP_HDR_LEN) };
	uint32_t sum;

	b = padblock(b, UDP_HDR_LEN);
	udp_build(b->rp, &u);
	sum = ip_csum_pseudo(src, dst, IP_PROTO_UDP, u.len);
	sum = ip_csum_blist(b, 0, u.len, sum);
	put_be16(b->rp + 6, udp_csum_final(sum));
	return b;
}

/* [qlock] held: gives c a local port if it has none. */
static void __udp_autobind(struct conv *c)
{
	if (!c->bound)
		__conv_bind_ephemeral(c);
}

static void udp_send(struct conv *c, struct block *b)
{
	ERRSTACK(1);
	struct ip_out o = { .proto = IP_PROTO_UDP };
	uint32_t dst, src;
	uint16_t dport;
	int ret;

	sem_down(&c->qlock);
	if (waserror()) {
		sem_up(&c->qlock);
		freeb(b);
		atomic_inc(&udp_st.out_err);
		nexterror();
	}
	udp_dest(c, b, &dst, &dport, &src);
	if (BLEN(b) + UDP_HDR_LEN + IP4_HDR_LEN > IP4_MAX_LEN)
		error(EMSGSIZE, "#ip/udp/%u: datagram of %zu bytes is too long", c->x, BLEN(b));
	__udp_autobind(c);
	if (!src)
		src = ip_route_src(dst);
	/* A limited broadcast may leave from 0.0.0.0 (RFC 2131 4.1: a DHCP
	 * client has no address yet); ip_output still needs a route for it. */
	if (!src && dst != IP4_BCAST)
		error(ENETUNREACH, "#ip/udp/%u: no route to the destination", c->x);
	o = (struct ip_out){ .src = src, .dst = dst, .proto = IP_PROTO_UDP, .ttl = c->ttl,
	                     .tos = c->tos, .df = c->df };
	b = udp_encap(b, src, dst, c->lport, dport);
	poperror();
	sem_up(&c->qlock);
	atomic_inc(&udp_st.out);
	ret = ip_output(b, &o);
	if (ret) {
		atomic_inc(&udp_st.out_err);
		error(-ret, "#ip/udp/%u: cannot send (%s)", c->x,
		      ret == -EMSGSIZE ? "too long" : "no route");
	}
}

/* ------------------------------------------------------------ input */

/* Checks the UDP header of b into u and trims the datagram to it. */
static bool udp_check(struct block *b, const struct ip4_info *h, struct udp_info *u)
{
	size_t len = BLEN(b) - h->hlen;
	const char *why = "";
	uint32_t sum;

	if (udp_parse(b->rp + h->hlen, len, u, &why)) {
		atomic_inc(&udp_st.in_err);
		netlog(NETLOG_UDP, "udp: dropped: %s\n", why);
		return false;
	}
	block_truncate(b, h->hlen + u->len);
	if (!u->csum || (b->flag & BLOCK_F_RX_L4CK_OK))
		return true;
	sum = ip_csum_pseudo(h->src, h->dst, IP_PROTO_UDP, u->len);
	sum = ip_csum_blist(b, h->hlen, u->len, sum);
	if (ip_csum_fold(sum) != 0) {
		atomic_inc(&udp_st.in_csum);
		netlog(NETLOG_UDP, "udp: dropped: bad checksum\n");
		return false;
	}
	return true;
}

/* Replaces the IP and UDP headers of b with the headers-mode header. */
static struct block *udp_hdrs(struct block *b, const struct ip4_info *h,
                              const struct udp_info *u)
{
	struct ip_udp_hdrs *hd;

	b = padblock(b, IP_UDP_HDRS_LEN);
	hd = (struct ip_udp_hdrs *)b->rp;
	v4mapped_put(hd->raddr, h->src);
	v4mapped_put(hd->laddr, h->dst);
	v4mapped_put(hd->ifcaddr, h->dst);
	put_be16(hd->rport, u->sport);
	put_be16(hd->lport, u->dport);
	return b;
}

static void udp_rcv(struct ipifc *ifc, struct block *b, const struct ip4_info *h)
{
	struct udp_info u;
	struct conv *c;

	atomic_inc(&udp_st.in);
	if (!udp_check(b, h, &u)) {
		freeb(b);
		return;
	}
	c = conv_lookup(&udp_proto, h->dst, u.dport, h->src, u.sport);
	if (!c) {
		atomic_inc(&udp_st.in_noport);
		icmp_error(b, h, ICMP_UNREACH, ICMP_UNREACH_PORT);
		freeb(b);
		return;
	}
	block_consume(b, h->hlen + UDP_HDR_LEN);
	if (READ_ONCE(c->headers))
		b = udp_hdrs(b, h, &u);
	if (qpass(c->rq, b) <= 0)
		atomic_inc(&udp_st.in_full);
	conv_put(c);
}

static void udp_advise(const struct ip4_info *h, const uint8_t *l4, size_t len,
                       const char *why)
{
	struct udp_info u;
	struct conv *c;

	if (len < UDP_HDR_LEN)
		return;
	u.sport = get_be16(l4);
	u.dport = get_be16(l4 + 2);
	c = conv_lookup(&udp_proto, h->src, u.sport, h->dst, u.dport);
	if (!c)
		return;
	conv_set_err(c, why);
	conv_put(c);
}

/* ------------------------------------------------------------ conversations */

static void udp_connect(struct conv *c)
{
	if (!c->rport)
		error(EINVAL, "#ip/udp/%u: connect needs a port", c->x);
}

/* [qlock] held: "rcvbuf N" sets the receive queue's limit in bytes. */
static void udp_ctl(struct conv *c, int argc, char **argv)
{
	uint64_t v;

	if (strcmp(argv[0], "rcvbuf"))
		error(EINVAL, "#ip/udp/%u: unknown ctl '%s'", c->x, argv[0]);
	if (argc != 2 || kstrtou64(argv[1], strlen(argv[1]), 10, &v) || v < UDP_RCVBUF_MIN ||
	    v > UDP_RCVBUF_MAX)
		error(EINVAL, "#ip/udp/%u: want 'rcvbuf N' with N in %d..%d", c->x,
		      UDP_RCVBUF_MIN, UDP_RCVBUF_MAX);
	qsetlimit(c->rq, (size_t)v);
}

static void udp_close(struct conv *c)
{
	qhangup(c->rq, NULL);
	conv_release(c);
}

static void udp_state(struct conv *c, struct slice *s)
{
	slice_printf(s, "udp/%u %d %s qin %zu rcvbuf %zu\n", c->x, c->inuse,
	             c->state == CONV_IDLE ? "Idle" : c->state == CONV_ANNOUNCED ? "Announced" :
	             "Connected", qlen(c->rq), qlimit(c->rq));
}

#define UDPSTAT(name, f) slice_printf(s, "%s: %lld\n", name, (long long)atomic_read(&udp_st.f))

static void udp_stats(struct slice *s)
{
	UDPSTAT("InDatagrams", in);
	UDPSTAT("NoPorts", in_noport);
	UDPSTAT("InErrors", in_err);
	UDPSTAT("InCsumErrors", in_csum);
	UDPSTAT("RcvbufErrors", in_full);
	UDPSTAT("OutDatagrams", out);
	UDPSTAT("OutErrors", out_err);
}

static struct ip_proto udp_proto = {
	.name = "udp",
	.ipproto = IP_PROTO_UDP,
	.maxconv = 512,
	.connect = udp_connect,
	.ctl = udp_ctl,
	.close = udp_close,
	.send = udp_send,
	.rcv = udp_rcv,
	.advise = udp_advise,
	.state = udp_state,
	.stats = udp_stats,
};

void udp_init(void)
{
	ip_proto_register(&udp_proto);
}
