/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/ip_reasm.c - libFuzzer target for IPv4 reassembly
 * (kern/src/net/reasm.c).  The input is a stream of 6-byte records: id,
 * offset (in 8-byte units), length, flags (MF; "advance the clock"); each
 * becomes a fragment of a small-limit reassembler.  Checked after every
 * step: the byte and datagram limits hold; a finished datagram parses as
 * IPv4 with its checksum and has no fragment fields; at the end, a flush
 * leaves no block and no allocation behind.
 */
#include <block.h>
#include <stdlib.h>
#include <string.h>

#include "reasm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
long kmalloc_shim_live(void);

#define FZ_CHECK(c) do { if (!(c)) abort(); } while (0)

static void fz_frag(struct reasm *r, const uint8_t *rec, uint64_t now)
{
	uint8_t hdr[IP4_HDR_LEN];
	struct ip4_info h = { .src = 1, .dst = 2, .proto = 17, .ttl = 1, .hlen = IP4_HDR_LEN };
	uint32_t off = (uint32_t)((rec[1] << 8) | rec[2]) * 8 % 65536;
	uint32_t len = (uint32_t)rec[3] * 8 + (rec[4] & 7);
	struct block *b, *whole = NULL;
	const char *why = NULL;
	struct ip4_info w;
	int ret;

	if (off + len + IP4_HDR_LEN > IP4_MAX_LEN)
		return;                 /* ip4_parse refuses these before reassembly */
	h.id = rec[0] & 3;
	h.mf = rec[4] & 0x80;
	h.frag_off = (uint16_t)off;
	h.tot_len = (uint16_t)(IP4_HDR_LEN + len);
	ip4_build(hdr, &h);
	b = allocb(len);
	memset(b->wp, rec[5], len);
	b->wp += len;
	ret = reasm_add(r, &h, hdr, b, now, &whole);
	FZ_CHECK(ret <= 1);
	FZ_CHECK((ret == 1) == (whole != NULL));
	if (whole) {
		FZ_CHECK(ip4_parse(whole->rp, BLEN(whole), &w, true, &why) == 0);
		FZ_CHECK(!w.mf && w.frag_off == 0 && w.tot_len == BLEN(whole));
		freeb(whole);
	}
	FZ_CHECK(r->bytes <= r->lim.max_bytes);
	FZ_CHECK(r->nr <= r->lim.max_dgrams);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reasm_limits lim = reasm_limits_default;
	struct reasm r;
	uint64_t now = 0;

	lim.max_bytes = 96 * 1024;
	lim.max_dgrams = 3;
	lim.max_frags = 16;
	lim.timeout_ns = 10;
	reasm_init(&r, &lim);
	for (size_t i = 0; i + 6 <= size; i += 6) {
		if (data[i + 4] & 0x40)
			reasm_expire(&r, ++now, NULL);
		fz_frag(&r, data + i, now);
	}
	reasm_flush(&r);
	FZ_CHECK(r.bytes == 0 && r.nr == 0);
	FZ_CHECK(block_live_count() == 0 && kmalloc_shim_live() == 0);
	return 0;
}
