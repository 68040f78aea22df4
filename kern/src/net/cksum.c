/* SPDX-License-Identifier: MIT */
/*
 * cksum.c - the Internet checksum (RFC 1071) over buffers and block lists,
 * and the TCP/UDP pseudo header sum.
 *
 * Fast path: 8 bytes at a time into a 64-bit accumulator that is folded
 * once at the end (the one's-complement sum is byte-order independent in
 * the sense of RFC 1071 section 2(B), so the words are read big-endian
 * here only to keep the result in host order).  Block lists carry data
 * whose pieces may start at odd offsets; ip_csum_blist keeps the parity
 * and swaps a piece's sum when it starts on an odd byte (RFC 1071 2(C)).
 * Pure: no locks, no allocation, host-testable (tests/host/ip_wire.mk).
 */
#include <block.h>

#include <ipwire.h>

/* Folds a 64-bit accumulator to a 32-bit one without losing carries. */
static uint32_t csum_fold64(uint64_t s)
{
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffffffffu) + (s >> 32);
	return (uint32_t)s;
}

uint32_t ip_csum_add(uint32_t sum, const void *buf, size_t n)
{
	const uint8_t *p = buf;
	uint64_t s = sum;

	for (; n >= 8; p += 8, n -= 8)
		s += (uint64_t)get_be32(p) + get_be32(p + 4);
	for (; n >= 2; p += 2, n -= 2)
		s += get_be16(p);
	if (n)
		s += (uint32_t)p[0] << 8;
	return csum_fold64(s);
}

uint16_t ip_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t ip_csum(const void *p, size_t n)
{
	return ip_csum_fold(ip_csum_add(0, p, n));
}

/* Swaps the two bytes of each 16-bit half of a folded sum (a piece that
 * started at an odd offset was summed one byte out of phase). */
static uint32_t csum_swap(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ((sum & 0xff) << 8) | (sum >> 8);
}

/* Adds one contiguous piece whose first byte sits at overall offset pos. */
static uint32_t csum_piece(uint32_t sum, const uint8_t *p, size_t n, size_t pos)
{
	uint32_t part = ip_csum_add(0, p, n);

	if (pos & 1)
		part = csum_swap(part);
	return csum_fold64((uint64_t)sum + part);
}

/* Sums [off, off+len) of the bytes [p, p+n) that start at overall base. */
static uint32_t csum_range(uint32_t sum, const uint8_t *p, size_t n, size_t base,
                           size_t off, size_t end)
{
	size_t lo = off > base ? off - base : 0;
	size_t hi = end - base < n ? end - base : n;

	if (end <= base || lo >= n || lo >= hi)
		return sum;
	return csum_piece(sum, p + lo, hi - lo, base + lo - off);
}

uint32_t ip_csum_blist(const struct block *b, size_t off, size_t len, uint32_t sum)
{
	size_t base = 0, end = off + len;

	for (; b && base < end; b = b->next) {
		sum = csum_range(sum, b->rp, BHLEN(b), base, off, end);
		base += BHLEN(b);
		for (unsigned int i = 0; i < b->nr_extra_bufs && base < end; i++) {
			const struct extra_bdata *e = &b->extra_data[i];

			if (!e->base || !e->len)
				continue;
			sum = csum_range(sum, (const uint8_t *)e->base + e->off, e->len, base,
			                 off, end);
			base += e->len;
		}
	}
	return sum;
}

uint32_t ip_csum_pseudo(uint32_t src, uint32_t dst, uint8_t proto, uint16_t len)
{
	uint64_t s = (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff);

	s += proto;
	s += len;
	return csum_fold64(s);
}
