/* SPDX-License-Identifier: MIT */
/*
 * virtio_net_csum.c - finishing a checksum a virtio-net device left
 * partial (VIRTIO_NET_HDR_F_NEEDS_CSUM, virtio 1.2 section 5.1.6.4.1):
 * a frame from a sender on the same host whose TCP/UDP checksum field
 * holds only the pseudo-header sum.
 *
 * Pure code over the frame's bytes; the offsets come from the device and
 * are checked against the frame before anything is read or written.
 * Host tests: tests/host/test_virtio_net_csum.c.
 */
#include <virtio.h>

bool virtio_net_csum_complete(uint8_t *frame, size_t len, size_t start,
                              size_t off)
{
	uint32_t sum = 0;
	uint16_t c;

	if (start >= len || off > len || start + off + 2 > len)
		return false;
	for (size_t i = start; i < len; i += 2)
		sum += (uint32_t)frame[i] << 8 | (i + 1 < len ? frame[i + 1] : 0);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	c = (uint16_t)~sum;
	frame[start + off] = (uint8_t)(c >> 8);
	frame[start + off + 1] = (uint8_t)c;
	return true;
}
