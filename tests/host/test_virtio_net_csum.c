/* SPDX-License-Identifier: MIT */
/*
 * test_virtio_net_csum.c - host tests of virtio_net_csum_complete(): a
 * UDP and a TCP frame whose checksum field holds the pseudo-header sum (as
 * a sender that leaves the sum to the device writes it) come out with the
 * checksum a straightforward reference computes; offsets outside the
 * frame are refused without a byte touched; random offsets never reach
 * outside the (exactly sized, ASan-checked) frame.
 */
#include <stdlib.h>
#include <string.h>

#include "htest.h"

#include <virtio.h>

#define L2 14
#define L3 20

/* Ones' complement sum of n bytes as big-endian words, folded. */
static uint32_t ref_sum(const uint8_t *p, size_t n, uint32_t sum)
{
	for (size_t i = 0; i < n; i += 2)
		sum += (uint32_t)p[i] << 8 | (i + 1 < n ? p[i + 1] : 0);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/* The pseudo-header sum (source, destination, protocol, L4 length). */
static uint32_t pseudo_sum(const uint8_t *ip, uint8_t proto, size_t l4len)
{
	uint8_t ph[12];

	memcpy(ph, ip + 12, 8);
	ph[8] = 0;
	ph[9] = proto;
	ph[10] = (uint8_t)(l4len >> 8);
	ph[11] = (uint8_t)l4len;
	return ref_sum(ph, sizeof(ph), 0);
}

/* An Ethernet + IPv4 frame with an L4 part of l4len bytes (header and a
 * pattern); the L4 checksum field at csum_off is 0. */
static uint8_t *frame_new(uint8_t proto, size_t l4len, size_t *len)
{
	uint8_t *f = calloc(1, L2 + L3 + l4len);

	f[12] = 0x08;
	f[L2] = 0x45;
	f[L2 + 9] = proto;
	memcpy(f + L2 + 12, (uint8_t[]){ 10, 0, 2, 15, 10, 0, 2, 2 }, 8);
	for (size_t i = 0; i < l4len; i++)
		f[L2 + L3 + i] = (uint8_t)(i * 7 + 3);
	*len = L2 + L3 + l4len;
	return f;
}

/* Puts the partial sum in the field, completes it, and compares with the
 * reference checksum over the pseudo header and the L4 bytes. */
static void check_proto(uint8_t proto, size_t l4len, size_t csum_off)
{
	size_t len, start = L2 + L3;
	uint8_t *f = frame_new(proto, l4len, &len);
	uint32_t partial, want;

	f[start + csum_off] = f[start + csum_off + 1] = 0;
	want = (uint16_t)~ref_sum(f + start, l4len, pseudo_sum(f + L2, proto, l4len));
	partial = pseudo_sum(f + L2, proto, l4len);
	f[start + csum_off] = (uint8_t)(partial >> 8);
	f[start + csum_off + 1] = (uint8_t)partial;
	HT_ASSERT(virtio_net_csum_complete(f, len, start, csum_off));
	HT_ASSERT_EQ(f[start + csum_off] << 8 | f[start + csum_off + 1], want);
	/* The receiver's check: everything sums to all ones. */
	HT_ASSERT_EQ(ref_sum(f + start, l4len, pseudo_sum(f + L2, proto, l4len)), 0xffff);
	free(f);
}

HTEST(udp_odd_length)
{
	check_proto(17, 8 + 13, 6);
}

HTEST(tcp_even_length)
{
	check_proto(6, 20 + 100, 16);
}

HTEST(field_outside_the_frame_is_refused)
{
	size_t len;
	uint8_t *f = frame_new(17, 8, &len);
	uint8_t *copy = malloc(len);

	memcpy(copy, f, len);
	HT_ASSERT(!virtio_net_csum_complete(f, len, len, 0));
	HT_ASSERT(!virtio_net_csum_complete(f, len, len - 1, 0));       /* 1 byte left */
	HT_ASSERT(!virtio_net_csum_complete(f, len, L2 + L3, 7));       /* ends past */
	HT_ASSERT(!virtio_net_csum_complete(f, len, L2 + L3, (size_t)-1));
	HT_ASSERT(!virtio_net_csum_complete(f, len, (size_t)-2, 1));
	HT_ASSERT(!virtio_net_csum_complete(f, 0, 0, 0));
	HT_ASSERT(!memcmp(f, copy, len));
	HT_ASSERT(virtio_net_csum_complete(f, len, len - 2, 0));        /* just fits */
	free(copy);
	free(f);
}

HTEST(random_offsets_stay_inside)
{
	for (int i = 0; i < 20000; i++) {
		size_t len = 1 + htest_rand() % 200;
		uint8_t *f = malloc(len);

		memset(f, (int)i, len);
		virtio_net_csum_complete(f, len, htest_rand() % 256, htest_rand() % 256);
		free(f);
	}
}
