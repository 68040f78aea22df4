/* SPDX-License-Identifier: MIT */
/*
 * udp_hdr.c - the UDP header (RFC 768): decoding with the length checks of
 * RFC 1122 4.1.3.4 (a length field under 8 or beyond the IP payload is
 * refused; one shorter than the payload means the rest is padding, which
 * the caller trims), building, and the checksum's final form.  The
 * checksum itself covers the pseudo header and the data, which live in
 * blocks: udp.c sums them with ip_csum_blist.  Pure code: see ipwire.h.
 */
#include <block.h>
#include <errno.h>

#include <ipwire.h>

int udp_parse(const uint8_t *p, size_t len, struct udp_info *u, const char **why)
{
	if (len < UDP_HDR_LEN) {
		*why = "shorter than a UDP header";
		return -EBADMSG;
	}
	u->sport = get_be16(p);
	u->dport = get_be16(p + 2);
	u->len = get_be16(p + 4);
	u->csum = get_be16(p + 6);
	if (u->len < UDP_HDR_LEN || u->len > len) {
		*why = "UDP length field out of range";
		return -EBADMSG;
	}
	return 0;
}

void udp_build(uint8_t *p, const struct udp_info *u)
{
	put_be16(p, u->sport);
	put_be16(p + 2, u->dport);
	put_be16(p + 4, u->len);
	put_be16(p + 6, u->csum);
}

uint16_t udp_csum_final(uint32_t sum)
{
	uint16_t c = ip_csum_fold(sum);

	return c ? c : 0xffff;
}
