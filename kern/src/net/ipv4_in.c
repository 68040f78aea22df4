/* SPDX-License-Identifier: MIT */
/*
 * ipv4_in.c - receiving IPv4 datagrams (RFC 791, RFC 1122 3.2.1 and 3.3):
 * validate, keep only what is addressed to us, reassemble, hand to the
 * protocol.
 *
 * Path: the first bytes are pulled up so the header is contiguous, then
 * ip4_parse checks it (the header checksum is skipped when the NIC
 * verified it: BLOCK_F_RX_IPCK_OK).  Link padding past the total length is
 * trimmed.  A datagram for an address that is not ours (nor a broadcast of
 * ours) is dropped: Vireo is a host and does not forward (RFC 1122 3.3.1).
 * Fragments go to the reassembler (reasm.c) under "ip reasm"; a finished
 * datagram continues from the demultiplexing step.  A protocol we do not
 * have earns a rate-limited ICMP protocol unreachable.
 *
 * TTL: a host does not decrement it on delivery; it is checked only by
 * routers, so a datagram with TTL 0 addressed to us is still delivered
 * (RFC 1122 3.2.1.7 lets a host accept it).
 *
 * Every drop is counted (ip_stats) and logged under "ip"; nothing here
 * raises error().
 */
#include <block.h>
#include <errno.h>
#include <kstring.h>
#include <time.h>

#include <ip.h>
#include "reasm.h"

static spinlock_t reasm_lock = SPINLOCK_INITIALIZER("ip reasm");
static struct reasm ip_reasm;           /* [reasm_lock] */
static bool ip_reasm_ready;

static void ip_drop(struct block *b, atomic_t *counter, const char *why)
{
	char s[16];

	atomic_inc(counter);
	if (BHLEN(b) >= IP4_HDR_LEN)
		netlog(NETLOG_IP, "ip: drop from %s: %s\n", ip_fmt_addr(s, get_be32(b->rp + 12)),
		       why);
	else
		netlog(NETLOG_IP, "ip: drop: %s\n", why);
	freeblist(b);
}

/* Hands b (a fragment, rp at its header) to the reassembler: the whole
 * datagram when this completed it, else NULL. */
static struct block *ip_reassemble(struct block *b, struct ip4_info *h)
{
	uint8_t hdr[IP4_MAX_HDR_LEN];
	struct block *whole;
	const char *why = "";
	int ret;

	atomic_inc(&ipv4_st.reasm_reqds);
	memcpy(hdr, b->rp, h->hlen);
	block_consume(b, h->hlen);
	spin_lock(&reasm_lock);
	if (!ip_reasm_ready) {
		reasm_init(&ip_reasm, &reasm_limits_default);
		ip_reasm_ready = true;
	}
	ret = reasm_add(&ip_reasm, h, hdr, b, nsec_now(), &whole);
	spin_unlock(&reasm_lock);
	if (ret < 0)
		atomic_inc(&ipv4_st.reasm_fails);
	if (ret != 1)
		return NULL;
	atomic_inc(&ipv4_st.reasm_oks);
	if (ip4_parse(whole->rp, BLEN(whole), h, false, &why)) {
		ip_drop(whole, &ipv4_st.reasm_fails, why);
		return NULL;
	}
	return whole;
}

/* Sends a time exceeded (reassembly) for each quote (RFC 792, RFC 1122
 * 3.3.2: only when the first fragment had come) and frees them. */
static void ip_reasm_timex(struct block *quotes)
{
	while (quotes) {
		struct block *q = quotes;
		/* The header was validated when its fragment came in; its
		 * total length is the fragment's, so it is read, not parsed. */
		struct ip4_info h = { .hlen = (uint8_t)((q->rp[0] & 0xf) * 4),
		                      .proto = q->rp[9], .src = get_be32(q->rp + 12),
		                      .dst = get_be32(q->rp + 16) };

		quotes = q->next;
		q->next = NULL;
		icmp_error(q, &h, ICMP_TIMEX, ICMP_TIMEX_REASM);
		freeb(q);
	}
}

void ip_reasm_tick(uint64_t now)
{
	struct block *quotes = NULL;
	unsigned int n = 0;

	spin_lock(&reasm_lock);
	if (ip_reasm_ready)
		n = reasm_expire(&ip_reasm, now, &quotes);
	spin_unlock(&reasm_lock);
	atomic_add(&ipv4_st.reasm_fails, n);
	ip_reasm_timex(quotes);
}

/* Validates b's header into h and trims it; false: dropped. */
static bool ip_check(struct block **bp, struct ip4_info *h)
{
	struct block *b = *bp;
	size_t len = BLEN(b);
	const char *why = "";
	int ret;

	b = pullupblock(b, len < IP4_MAX_HDR_LEN ? len : IP4_MAX_HDR_LEN);
	*bp = b;
	if (!b || len == 0) {
		if (b)
			freeblist(b);
		atomic_inc(&ipv4_st.in_hdr_err);
		return false;
	}
	b = concatblock(b);
	*bp = b;
	ret = ip4_parse(b->rp, BLEN(b), h, !(b->flag & BLOCK_F_RX_IPCK_OK), &why);
	if (ret) {
		ip_drop(b, ret == -EPROTO ? &ipv4_st.in_csum_err : &ipv4_st.in_hdr_err, why);
		return false;
	}
	if (BLEN(b) > h->tot_len)
		block_truncate(b, h->tot_len);
	return true;
}

void ip_input(struct ipifc *ifc, struct block *b)
{
	struct ip_proto *p;
	struct ip4_info h;

	atomic_inc(&ipv4_st.in);
	if (!ip_check(&b, &h))
		return;
	if (!ipifc_is_local(h.dst) && !ipifc_is_bcast(h.dst)) {
		ip_drop(b, &ipv4_st.in_not_ours, "not addressed to us");
		return;
	}
	if (h.mf || h.frag_off) {
		b = ip_reassemble(b, &h);
		if (!b)
			return;
	}
	p = ip_proto_by_num(h.proto);
	if (!p || !p->rcv) {
		icmp_error(b, &h, ICMP_UNREACH, ICMP_UNREACH_PROTO);
		ip_drop(b, &ipv4_st.in_unknown_proto, "unknown protocol");
		return;
	}
	atomic_inc(&ipv4_st.in_delivered);
	p->rcv(ifc, b, &h);
}
