/* SPDX-License-Identifier: MIT */
/*
 * icmp_hdr.c - the ICMP header (RFC 792): decoding with the checksum over
 * the whole message, and building the 8-byte header.  Echo and echo reply
 * carry an identifier and a sequence number in bytes 4..7; the other types
 * keep those bytes in 'rest' (unused, or the next-hop MTU of "fragmentation
 * needed", RFC 1191).  Pure code: see ipwire.h.
 */
#include <block.h>
#include <errno.h>

#include <ipwire.h>

int icmp_parse(const uint8_t *p, size_t len, struct icmp_info *m, const char **why)
{
	if (len < ICMP_HDR_LEN) {
		*why = "shorter than an ICMP header";
		return -EBADMSG;
	}
	if (ip_csum(p, len) != 0) {
		*why = "bad ICMP checksum";
		return -EPROTO;
	}
	m->type = p[0];
	m->code = p[1];
	m->rest = get_be32(p + 4);
	m->id = m->seq = 0;
	if (m->type == ICMP_ECHO || m->type == ICMP_ECHOREPLY) {
		m->id = get_be16(p + 4);
		m->seq = get_be16(p + 6);
	}
	return 0;
}

void icmp_build(uint8_t *p, const struct icmp_info *m)
{
	p[0] = m->type;
	p[1] = m->code;
	put_be16(p + 2, 0);
	if (m->type == ICMP_ECHO || m->type == ICMP_ECHOREPLY) {
		put_be16(p + 4, m->id);
		put_be16(p + 6, m->seq);
	} else {
		put_be32(p + 4, m->rest);
	}
}

void icmp_set_csum(uint8_t *p, uint16_t csum)
{
	put_be16(p + 2, csum);
}
