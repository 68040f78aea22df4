/* SPDX-License-Identifier: MIT */
/*
 * test_ip_reasm.c - host tests of IPv4 reassembly (kern/src/net/reasm.c):
 * a 30,000-byte datagram in order, reversed and shuffled (contents and the
 * rebuilt header checked), exact duplicates ignored, overlaps dropping
 * the datagram, inconsistent ends, endless never-completing streams held
 * to the byte limit, the fragment and datagram limits, timeouts, and no
 * leaked blocks or memory after any of them.
 */
#include <block.h>
#include <errno.h>
#include <string.h>

#include "htest.h"
#include "reasm.h"

long kmalloc_shim_live(void);

#define DGRAM 30000
#define FRAG  1480

static uint8_t rz_data[DGRAM];

static void rz_fill(void)
{
	for (size_t i = 0; i < DGRAM; i++)
		rz_data[i] = (uint8_t)(i * 7 + (i >> 8));
}

/* Adds the fragment [off, off+len) of datagram id; the add's result. */
static int rz_add(struct reasm *r, uint16_t id, uint32_t off, uint32_t len, bool mf,
                  uint64_t now, struct block **whole)
{
	uint8_t hdr[IP4_HDR_LEN];
	struct ip4_info h = { .src = IP4(1, 2, 3, 4), .dst = IP4(5, 6, 7, 8), .id = id,
	                      .proto = IP_PROTO_ICMP, .ttl = 9, .frag_off = (uint16_t)off,
	                      .mf = mf, .tot_len = (uint16_t)(IP4_HDR_LEN + len) };
	struct block *b = allocb(len);

	memcpy(b->wp, rz_data + (off % DGRAM), off + len <= DGRAM ? len : 0);
	b->wp += len;
	ip4_build(hdr, &h);
	h.hlen = IP4_HDR_LEN;
	return reasm_add(r, &h, hdr, b, now, whole);
}

static void rz_check_whole(struct block *w, size_t len)
{
	struct ip4_info h;
	const char *why = NULL;

	HT_ASSERT(w != NULL);
	HT_ASSERT_EQ(BLEN(w), IP4_HDR_LEN + len);
	HT_ASSERT_EQ(ip4_parse(w->rp, BLEN(w), &h, true, &why), 0);
	HT_ASSERT(!h.mf && h.frag_off == 0 && h.tot_len == IP4_HDR_LEN + len);
	HT_ASSERT(!memcmp(w->rp + IP4_HDR_LEN, rz_data, len));
	freeb(w);
}

static void rz_done(struct reasm *r)
{
	reasm_flush(r);
	HT_ASSERT_EQ(r->nr, 0);
	HT_ASSERT_EQ(r->bytes, 0);
	HT_ASSERT_EQ(block_live_count(), 0);
	HT_ASSERT_EQ(kmalloc_shim_live(), 0);
}

/* Sends the fragments of one datagram in the order of idx[]. */
static void rz_run_order(const unsigned int *idx, unsigned int n)
{
	struct reasm r;
	struct block *w = NULL;
	int ret = 0;

	reasm_init(&r, &reasm_limits_default);
	for (unsigned int i = 0; i < n; i++) {
		uint32_t off = idx[i] * FRAG;
		uint32_t len = off + FRAG <= DGRAM ? FRAG : DGRAM - off;

		HT_ASSERT_EQ(ret, 0);
		ret = rz_add(&r, 1, off, len, off + len < DGRAM, 0, &w);
	}
	HT_ASSERT_EQ(ret, 1);
	rz_check_whole(w, DGRAM);
	HT_ASSERT_EQ(r.st.done, 1);
	rz_done(&r);
}

HTEST(in_order_reverse_shuffled)
{
	unsigned int n = (DGRAM + FRAG - 1) / FRAG, idx[32];

	rz_fill();
	for (unsigned int i = 0; i < n; i++)
		idx[i] = i;
	rz_run_order(idx, n);
	for (unsigned int i = 0; i < n; i++)
		idx[i] = n - 1 - i;
	rz_run_order(idx, n);
	for (int round = 0; round < 20; round++) {
		for (unsigned int i = n - 1; i > 0; i--) {
			unsigned int j = htest_rand() % (i + 1), t = idx[i];

			idx[i] = idx[j];
			idx[j] = t;
		}
		rz_run_order(idx, n);
	}
}

HTEST(duplicates_ignored_overlap_drops)
{
	struct reasm r;
	struct block *w;

	rz_fill();
	reasm_init(&r, &reasm_limits_default);
	HT_ASSERT_EQ(rz_add(&r, 2, 0, 800, true, 0, &w), 0);
	HT_ASSERT_EQ(rz_add(&r, 2, 0, 800, true, 0, &w), 0);
	HT_ASSERT_EQ(r.st.dups, 1);
	HT_ASSERT_EQ(rz_add(&r, 2, 400, 800, true, 0, &w), -EBADMSG);   /* overlap */
	HT_ASSERT_EQ(r.nr, 0);
	HT_ASSERT_EQ(r.st.overlaps, 1);
	/* The datagram is gone: the rest alone never completes it. */
	HT_ASSERT_EQ(rz_add(&r, 2, 800, 200, false, 0, &w), 0);
	HT_ASSERT(w == NULL);
	rz_done(&r);
}

HTEST(inconsistent_ends)
{
	struct reasm r;
	struct block *w;

	rz_fill();
	reasm_init(&r, &reasm_limits_default);
	HT_ASSERT_EQ(rz_add(&r, 3, 800, 100, false, 0, &w), 0);         /* end 900 */
	HT_ASSERT_EQ(rz_add(&r, 3, 1600, 100, false, 0, &w), -EBADMSG); /* end 1700 */
	HT_ASSERT_EQ(rz_add(&r, 4, 0, 800, true, 0, &w), 0);
	HT_ASSERT_EQ(rz_add(&r, 4, 400, 100, false, 0, &w), -EBADMSG);  /* end before held */
	HT_ASSERT_EQ(rz_add(&r, 5, 0, 801, true, 0, &w), -EBADMSG);     /* not 8-aligned */
	HT_ASSERT_EQ(rz_add(&r, 6, 0, 0, true, 0, &w), -EBADMSG);       /* empty */
	/* Oversize: the pieces end at 65520, the header would make it 65540. */
	HT_ASSERT_EQ(rz_add(&r, 7, 64000, 1520, false, 0, &w), 0);
	HT_ASSERT_EQ(rz_add(&r, 7, 0, 64000, true, 0, &w), -EBADMSG);
	HT_ASSERT(w == NULL);
	rz_done(&r);
}

HTEST(endless_stream_held_to_limits)
{
	struct reasm_limits lim = reasm_limits_default;
	struct reasm r;
	struct block *w;

	rz_fill();
	lim.max_bytes = 64 * 1024;
	reasm_init(&r, &lim);
	for (uint32_t i = 0; i < 5000; i++) {
		rz_add(&r, (uint16_t)(i / 40), (i % 40) * 1480, 1480, true, i, &w);
		HT_ASSERT(w == NULL);
		HT_ASSERT(r.bytes <= lim.max_bytes);
		HT_ASSERT(r.nr <= lim.max_dgrams);
	}
	HT_ASSERT(r.st.evicted > 0);
	/* Fragment limit: 64 per datagram, the 65th refused. */
	reasm_flush(&r);
	lim.max_bytes = 1 << 20;
	reasm_init(&r, &lim);
	for (uint32_t i = 0; i < 64; i++)
		HT_ASSERT_EQ(rz_add(&r, 9, i * 8, 8, true, 0, &w), 0);
	HT_ASSERT(rz_add(&r, 9, 64 * 8, 8, true, 0, &w) < 0);
	rz_done(&r);
}

HTEST(many_datagrams_and_timeout)
{
	struct reasm r;
	struct block *w;
	uint64_t s = 1000000000ull;

	rz_fill();
	reasm_init(&r, &reasm_limits_default);
	for (uint16_t id = 0; id < 200; id++)
		HT_ASSERT_EQ(rz_add(&r, id, 0, 8, true, s, &w), 0);
	HT_ASSERT_EQ(r.nr, reasm_limits_default.max_dgrams);
	HT_ASSERT_EQ(reasm_expire(&r, s + reasm_limits_default.timeout_ns - 1, NULL), 0);
	HT_ASSERT_EQ(reasm_expire(&r, s + reasm_limits_default.timeout_ns, NULL), 64);
	HT_ASSERT_EQ(r.nr, 0);
	/* A datagram finished just before its time is still delivered. */
	HT_ASSERT_EQ(rz_add(&r, 1, 0, 8, true, 0, &w), 0);
	HT_ASSERT_EQ(reasm_expire(&r, 5, NULL), 0);
	HT_ASSERT_EQ(rz_add(&r, 1, 8, 8, false, 6, &w), 1);
	rz_check_whole(w, 16);
	rz_done(&r);
}

HTEST(timeout_quotes_first_fragment)
{
	struct reasm r;
	struct block *w, *quotes = NULL;
	struct ip4_info h;
	const char *why = NULL;

	rz_fill();
	reasm_init(&r, &reasm_limits_default);
	HT_ASSERT_EQ(rz_add(&r, 1, 0, 800, true, 0, &w), 0);      /* first came */
	HT_ASSERT_EQ(rz_add(&r, 2, 800, 80, false, 0, &w), 0);    /* first never came */
	HT_ASSERT_EQ(reasm_expire(&r, reasm_limits_default.timeout_ns, &quotes), 2);
	HT_ASSERT_EQ(block_list_count(quotes), 1);
	HT_ASSERT_EQ(BLEN(quotes), IP4_HDR_LEN + 8);
	HT_ASSERT(!memcmp(quotes->rp + IP4_HDR_LEN, rz_data, 8));
	/* The quoted header is the fragment's: its total length is 820. */
	HT_ASSERT_EQ(ip4_parse(quotes->rp, IP4_HDR_LEN + 800, &h, true, &why), 0);
	HT_ASSERT(h.id == 1 && h.mf && h.tot_len == IP4_HDR_LEN + 800);
	freeblist(quotes);
	rz_done(&r);
}

HTEST(random_fragments)
{
	struct reasm_limits lim = reasm_limits_default;
	struct reasm r;

	rz_fill();
	lim.max_bytes = 128 * 1024;
	reasm_init(&r, &lim);
	for (int i = 0; i < 20000; i++) {
		struct block *w;
		uint32_t off = (uint32_t)(htest_rand() % 8) * 8 * (htest_rand() % 300);
		uint32_t len = (uint32_t)(htest_rand() % 2000);
		int ret;

		if (off + len + IP4_HDR_LEN > IP4_MAX_LEN)
			continue;
		ret = rz_add(&r, (uint16_t)(htest_rand() % 4), off, len, htest_rand() % 3, i, &w);
		if (ret == 1)
			freeb(w);
		HT_ASSERT(r.bytes <= lim.max_bytes);
		if (i % 1000 == 0)
			reasm_expire(&r, i, NULL);
	}
	rz_done(&r);
}
