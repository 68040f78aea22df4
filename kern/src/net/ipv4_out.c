/* SPDX-License-Identifier: MIT */
/*
 * ipv4_out.c - sending IPv4 datagrams (RFC 791, RFC 1122 3.3): route,
 * choose the source address, fragment to the interface's MTU, hand each
 * piece to the link.
 *
 * Routing: a destination that is one of our own addresses goes out of the
 * loopback interface; anything else takes the longest-prefix route, whose
 * gateway (or the destination itself, on link) is the next hop.  The link
 * is held by reference for the whole send (ipifc_link_get), so an unbind
 * on another core waits for nothing and frees nothing under us.
 *
 * Fragmentation: a datagram larger than the MTU is cut into pieces of
 * (MTU - 20) rounded down to 8 bytes, each a fresh block with its own
 * header (options are never sent, so no option copying rules apply);
 * with DF set it is refused with -EMSGSIZE instead.  The identification
 * comes from one counter started at a random value.
 *
 * Locks: none of our own; iproute_lookup and the interface's spinlock are
 * taken and dropped inside the calls.  Never raises error().
 */
#include <block.h>
#include <errno.h>
#include <kstring.h>
#include <slice.h>

#include <ip.h>
#include "route_table.h"

struct ipv4_stats ipv4_st;
static atomic_t ip_next_id;

/* Finds where dst goes: the interface and the next hop; false: no route. */
static bool ip_route(uint32_t dst, struct ipifc **ifc, uint32_t *nexthop)
{
	struct route r;

	if (ipifc_is_local(dst)) {
		*ifc = ipifc_loopback();
		*nexthop = dst;
		return *ifc != NULL;
	}
	if (!iproute_lookup(dst, &r))
		return false;
	*ifc = &ipifcs[r.ifc];
	*nexthop = r.gw ? r.gw : dst;
	return true;
}

uint32_t ip_route_src(uint32_t dst)
{
	struct ipifc *ifc;
	uint32_t nexthop;

	if (ipifc_is_local(dst))
		return dst;
	if (!ip_route(dst, &ifc, &nexthop))
		return 0;
	return ipifc_src_for(ifc, dst);
}

unsigned int ip_route_mtu(uint32_t dst)
{
	struct ipifc *ifc;
	uint32_t nexthop;

	if (ipifc_is_local(dst))
		ifc = ipifc_loopback();
	else if (!ip_route(dst, &ifc, &nexthop))
		ifc = NULL;
	return ifc ? READ_ONCE(ifc->mtu) : 0;
}

static void ip_fill(struct ip4_info *h, const struct ip_out *o, uint32_t src, uint16_t id)
{
	*h = (struct ip4_info){ .src = src, .dst = o->dst, .id = id, .proto = o->proto,
	                        .ttl = o->ttl ? o->ttl : IP4_DEFAULT_TTL, .tos = o->tos,
	                        .df = o->df };
}

/* Sends b (consumed) whole: it fits the MTU. */
static void ip_send_one(struct iplink *link, struct block *b, struct ip4_info *h,
                        uint32_t nexthop)
{
	h->tot_len = (uint16_t)(BLEN(b) + IP4_HDR_LEN);
	b = padblock(b, IP4_HDR_LEN);
	ip4_build(b->rp, h);
	link->m->send(link, b, nexthop);
}

/* Sends b (consumed) in fragments of at most mtu bytes. */
static void ip_send_frags(struct iplink *link, struct block *b, struct ip4_info *h,
                          uint32_t nexthop, unsigned int mtu)
{
	size_t len = BLEN(b), per = (mtu - IP4_HDR_LEN) & ~7u;

	for (size_t off = 0; off < len; off += per) {
		size_t n = len - off < per ? len - off : per;
		struct block *f = allocb(IP4_HDR_LEN + n);

		h->frag_off = (uint16_t)off;
		h->mf = off + n < len;
		h->tot_len = (uint16_t)(IP4_HDR_LEN + n);
		f->wp += ip4_build(f->wp, h);
		f->wp += block_copy_out(b, off, f->wp, n);
		atomic_inc(&ipv4_st.out_frags);
		link->m->send(link, f, nexthop);
	}
	freeb(b);
}

int ip_output(struct block *b, const struct ip_out *o)
{
	struct ipifc *ifc;
	struct iplink *link;
	struct ip4_info h;
	uint32_t nexthop, src;
	unsigned int mtu;

	atomic_inc(&ipv4_st.out);
	if (BLEN(b) + IP4_HDR_LEN > IP4_MAX_LEN) {
		freeb(b);
		atomic_inc(&ipv4_st.out_discards);
		return -EMSGSIZE;
	}
	if (!ip_route(o->dst, &ifc, &nexthop) || !(link = ipifc_link_get(ifc))) {
		freeb(b);
		atomic_inc(&ipv4_st.out_noroute);
		return -ENETUNREACH;
	}
	src = o->src ? o->src : ipifc_src_for(ifc, o->dst);
	mtu = READ_ONCE(ifc->mtu);
	ip_fill(&h, o, src, (uint16_t)atomic_fetch_add(&ip_next_id, 1));
	if (BLEN(b) + IP4_HDR_LEN <= mtu) {
		ip_send_one(link, b, &h, nexthop);
	} else if (o->df || mtu < IP4_HDR_LEN + 8) {
		freeb(b);
		iplink_put(link);
		atomic_inc(&ipv4_st.out_discards);
		return -EMSGSIZE;
	} else {
		ip_send_frags(link, b, &h, nexthop, mtu);
	}
	iplink_put(link);
	return 0;
}

void ipv4_init(void)
{
	atomic_set(&ip_next_id, (int64_t)(ip_random_u32() & 0xffff));
}

#define IPSTAT(name, field) slice_printf(s, "%s: %lld\n", name, \
	(long long)atomic_read(&ipv4_st.field))

void ip_stats(struct slice *s)
{
	IPSTAT("OutRequests", out);
	IPSTAT("OutFragCreates", out_frags);
	IPSTAT("OutNoRoutes", out_noroute);
	IPSTAT("OutDiscards", out_discards);
	IPSTAT("InReceives", in);
	IPSTAT("InHdrErrors", in_hdr_err);
	IPSTAT("InCsumErrors", in_csum_err);
	IPSTAT("InAddrErrors", in_not_ours);
	IPSTAT("InUnknownProtos", in_unknown_proto);
	IPSTAT("InDelivers", in_delivered);
	IPSTAT("ReasmReqds", reasm_reqds);
	IPSTAT("ReasmOKs", reasm_oks);
	IPSTAT("ReasmFails", reasm_fails);
	slice_printf(s, "Blocks: %lld\n", (long long)block_live_count());
}
