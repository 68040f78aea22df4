/* SPDX-License-Identifier: MIT */
/*
 * reasm.h - IPv4 reassembly (RFC 791 section 3.2, RFC 815's hole idea
 * kept as a sorted fragment list), with hard limits (reasm.c).
 *
 *	reasm_init(&r, &reasm_limits_default);
 *	ret = reasm_add(&r, &h, hdr, payload, now, &whole);  // payload consumed
 *	    ret 1: whole is the datagram, header rebuilt; 0: held; < 0: dropped
 *	reasm_expire(&r, now, &quotes); // a timer, every second or so
 *	reasm_flush(&r);                // frees everything
 *
 * Limits (struct reasm_limits): datagrams in progress, fragments per
 * datagram, bytes held by all of them, and the time a datagram may wait
 * for its missing pieces (RFC 1122 3.3.2 suggests 60 to 120 s; 30 s is
 * Linux's).  When the bytes would pass the limit the oldest datagrams are
 * dropped first, so an endless or never-completed stream cannot pin
 * memory.  Overlaps: an exact duplicate fragment is ignored; any other
 * overlap drops the whole datagram (as Linux does since the FragmentSmack
 * fixes: a legitimate sender never overlaps, and trimming is what
 * teardrop-style attacks exploit).
 *
 * Locking: none inside.  The caller serialises all calls on one struct
 * reasm (ipv4_in.c holds its spinlock around them).  Memory: kmalloc with
 * MEM_ATOMIC and blocks (block.h); pure otherwise, so it builds for host
 * tests (tests/host/ip_reasm.mk) and libFuzzer (tests/fuzz/ip_reasm.mk).
 */
#pragma once

#include <types.h>

#include <ipwire.h>

struct block;

struct reasm_limits {
	unsigned int max_dgrams;        /* datagrams in progress */
	unsigned int max_frags;         /* fragments held per datagram */
	size_t max_bytes;               /* bytes held by all of them */
	uint64_t timeout_ns;            /* from a datagram's first fragment */
};

extern const struct reasm_limits reasm_limits_default;

struct reasm_frag;
struct reasm_dgram;

struct reasm_stats {
	uint64_t frags, done, timeouts, overlaps, dups, evicted, bad, nomem;
};

struct reasm {
	struct reasm_limits lim;
	struct reasm_dgram *head;       /* newest first */
	unsigned int nr;                /* datagrams */
	size_t bytes;                   /* held, blocks and bookkeeping */
	struct reasm_stats st;
};

void reasm_init(struct reasm *r, const struct reasm_limits *lim);
/* h: the parsed header of a fragment (h->mf or h->frag_off set), hdr its
 * raw header bytes (h->hlen of them), payload its data (exactly
 * h->tot_len - h->hlen bytes; consumed).  See above for the result. */
int reasm_add(struct reasm *r, const struct ip4_info *h, const uint8_t *hdr,
              struct block *payload, uint64_t now, struct block **whole);
/* Drops datagrams older than the timeout; returns how many.  If quotes
 * is not NULL, each dropped datagram whose first fragment had come adds
 * to the list *quotes a block holding that fragment's header and first 8
 * data bytes (what an ICMP time exceeded quotes, RFC 792); the caller
 * frees them.  Allocation failures just leave a quote out. */
unsigned int reasm_expire(struct reasm *r, uint64_t now, struct block **quotes);
void reasm_flush(struct reasm *r);
