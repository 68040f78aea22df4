/* SPDX-License-Identifier: MIT */
/*
 * ip4_hdr.c - the IPv4 header (RFC 791 section 3.1): validation into a
 * host-order struct ip4_info, the options walk, and building a header.
 *
 * What ip4_parse refuses (RFC 1122 3.2.1): fewer than 20 bytes, a version
 * other than 4, a header length under 20 bytes or beyond the bytes
 * present, a total length under the header length or beyond the bytes
 * present, a bad header checksum (when asked to check), options that do
 * not parse, and a fragment whose end would pass 65535.  Options are
 * walked so that a malformed one is refused, and otherwise ignored
 * (RFC 1122 3.2.1.8 lets a host ignore the ones it does not implement;
 * Vireo implements none, so source routes are never followed).
 * Pure code: see ipwire.h.
 */
#include <block.h>
#include <errno.h>

#include <ipwire.h>

#define IPOPT_EOL 0
#define IPOPT_NOP 1

int ip4_opts_walk(const uint8_t *p, size_t len, uint8_t *nr, const char **why)
{
	size_t i = 0;

	*nr = 0;
	while (i < len) {
		size_t olen;

		if (p[i] == IPOPT_EOL)
			break;
		if (p[i] == IPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len) {
			*why = "option type without a length";
			return -EBADMSG;
		}
		olen = p[i + 1];
		if (olen < 2 || olen > len - i) {
			*why = "option length out of the header";
			return -EBADMSG;
		}
		i += olen;
		(*nr)++;
	}
	return 0;
}

/* The fixed fields; 0 or -EBADMSG. */
static int ip4_parse_fixed(const uint8_t *p, size_t len, struct ip4_info *h,
                           const char **why)
{
	uint16_t fo;

	if (len < IP4_HDR_LEN) {
		*why = "shorter than an IPv4 header";
		return -EBADMSG;
	}
	if (p[0] >> 4 != IP4_VERSION) {
		*why = "not IP version 4";
		return -EBADMSG;
	}
	h->hlen = (uint8_t)((p[0] & 0xf) * 4);
	h->tos = p[1];
	h->tot_len = get_be16(p + 2);
	h->id = get_be16(p + 4);
	fo = get_be16(p + 6);
	h->df = fo & IP4_DF;
	h->mf = fo & IP4_MF;
	h->frag_off = (uint16_t)((fo & IP4_OFF_MASK) * 8);
	h->ttl = p[8];
	h->proto = p[9];
	h->src = get_be32(p + 12);
	h->dst = get_be32(p + 16);
	if (h->hlen < IP4_HDR_LEN || h->hlen > len) {
		*why = "header length out of range";
		return -EBADMSG;
	}
	if (h->tot_len < h->hlen || h->tot_len > len) {
		*why = "total length out of range";
		return -EBADMSG;
	}
	if ((uint32_t)h->frag_off + h->tot_len - h->hlen > IP4_MAX_LEN) {
		*why = "fragment ends beyond 65535";
		return -EBADMSG;
	}
	return 0;
}

int ip4_parse(const uint8_t *p, size_t len, struct ip4_info *h, bool csum,
              const char **why)
{
	int ret = ip4_parse_fixed(p, len, h, why);

	if (ret)
		return ret;
	if (csum && ip_csum(p, h->hlen) != 0) {
		*why = "bad header checksum";
		return -EPROTO;
	}
	return ip4_opts_walk(p + IP4_HDR_LEN, h->hlen - IP4_HDR_LEN, &h->nr_opts, why);
}

size_t ip4_build(uint8_t *p, const struct ip4_info *h)
{
	uint16_t fo = (uint16_t)((h->frag_off / 8) & IP4_OFF_MASK);

	if (h->df)
		fo |= IP4_DF;
	if (h->mf)
		fo |= IP4_MF;
	p[0] = (IP4_VERSION << 4) | (IP4_HDR_LEN / 4);
	p[1] = h->tos;
	put_be16(p + 2, h->tot_len);
	put_be16(p + 4, h->id);
	put_be16(p + 6, fo);
	p[8] = h->ttl;
	p[9] = h->proto;
	put_be16(p + 10, 0);
	put_be32(p + 12, h->src);
	put_be32(p + 16, h->dst);
	put_be16(p + 10, ip_csum(p, IP4_HDR_LEN));
	return IP4_HDR_LEN;
}
