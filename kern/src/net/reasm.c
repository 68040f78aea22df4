/* SPDX-License-Identifier: MIT */
/*
 * reasm.c - IPv4 reassembly with limits (model and rules: reasm.h).
 *
 * A datagram in progress is keyed by (source, destination, protocol,
 * identification) (RFC 791) and holds its fragments sorted by offset, each
 * a payload block.  The fragment with MF clear fixes the total length;
 * the one at offset 0 gives the header that the finished datagram gets
 * (options included, total length and fragment fields rewritten, checksum
 * recomputed).  A datagram is complete when its fragments tile [0, total)
 * with no gap: with overlaps refused, that is "held bytes == total".
 * Anything inconsistent (a second, different end; data beyond the end; a
 * non-final fragment whose length is not a multiple of 8) drops the
 * datagram: a sender that follows RFC 791 never produces it.
 */
#include <block.h>
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>

#include "reasm.h"

const struct reasm_limits reasm_limits_default = {
	.max_dgrams = 64,
	.max_frags = 64,
	.max_bytes = 512 * 1024,
	.timeout_ns = 30ull * 1000 * 1000 * 1000,
};

struct reasm_frag {
	struct reasm_frag *next;        /* by offset */
	uint32_t off, len;
	struct block *b;                /* len payload bytes */
};

struct reasm_dgram {
	struct reasm_dgram *next;
	uint32_t src, dst;
	uint16_t id;
	uint8_t proto;
	uint8_t hlen;                   /* 0 until offset 0 arrives */
	uint64_t born;
	uint32_t total;                 /* 0 until the last fragment arrives */
	uint32_t have;                  /* payload bytes held */
	unsigned int nfrags;
	size_t bytes;                   /* charged to r->bytes */
	struct reasm_frag *frags;
	uint8_t hdr[IP4_MAX_HDR_LEN];
};

void reasm_init(struct reasm *r, const struct reasm_limits *lim)
{
	memset(r, 0, sizeof(*r));
	r->lim = *lim;
}

static size_t frag_cost(const struct block *b)
{
	return sizeof(struct reasm_frag) + sizeof(struct block) + BLEN(b);
}

/* Unlinks d (prev is its predecessor or NULL) and frees it. */
static void dgram_free(struct reasm *r, struct reasm_dgram *d, struct reasm_dgram *prev)
{
	if (prev)
		prev->next = d->next;
	else
		r->head = d->next;
	for (struct reasm_frag *f = d->frags, *n; f; f = n) {
		n = f->next;
		freeb(f->b);
		kfree(f);
	}
	r->bytes -= d->bytes;
	r->nr--;
	kfree(d);
}

/* The oldest datagram other than keep (the list is newest first). */
static bool drop_oldest(struct reasm *r, const struct reasm_dgram *keep)
{
	struct reasm_dgram *d, *prev = NULL, *victim = NULL, *vprev = NULL;

	for (d = r->head; d; prev = d, d = d->next)
		if (d != keep) {
			victim = d;
			vprev = prev;
		}
	if (!victim)
		return false;
	dgram_free(r, victim, vprev);
	r->st.evicted++;
	return true;
}

static struct reasm_dgram *dgram_find(struct reasm *r, const struct ip4_info *h,
                                      struct reasm_dgram **prevp)
{
	struct reasm_dgram *prev = NULL;

	for (struct reasm_dgram *d = r->head; d; prev = d, d = d->next)
		if (d->src == h->src && d->dst == h->dst && d->id == h->id &&
		    d->proto == h->proto) {
			*prevp = prev;
			return d;
		}
	return NULL;
}

static struct reasm_dgram *dgram_new(struct reasm *r, const struct ip4_info *h, uint64_t now)
{
	struct reasm_dgram *d;

	if (r->nr >= r->lim.max_dgrams && !drop_oldest(r, NULL))
		return NULL;
	d = kzmalloc(sizeof(*d), MEM_ATOMIC);
	if (!d)
		return NULL;
	d->src = h->src;
	d->dst = h->dst;
	d->id = h->id;
	d->proto = h->proto;
	d->born = now;
	d->bytes = sizeof(*d);
	d->next = r->head;
	r->head = d;
	r->nr++;
	r->bytes += d->bytes;
	return d;
}

enum { FRAG_OK, FRAG_DUP, FRAG_BAD };

/* Where a fragment [off, off+len) goes: *linkp is the link to change.
 * FRAG_DUP for an exact duplicate, FRAG_BAD for any other overlap. */
static int frag_place(struct reasm_dgram *d, uint32_t off, uint32_t len,
                      struct reasm_frag ***linkp)
{
	struct reasm_frag **link = &d->frags;

	for (struct reasm_frag *f = d->frags; f; link = &f->next, f = f->next) {
		if (f->off == off && f->len == len)
			return FRAG_DUP;
		if (off < f->off + f->len && f->off < off + len)
			return FRAG_BAD;
		if (f->off > off)
			break;
	}
	*linkp = link;
	return FRAG_OK;
}

/* The end of the highest fragment held (0 with none). */
static uint32_t frags_end(const struct reasm_dgram *d)
{
	uint32_t end = 0;

	for (const struct reasm_frag *f = d->frags; f; f = f->next)
		end = f->off + f->len;
	return end;
}

/* Checks a fragment against what d knows; false: drop d. */
static bool frag_consistent(const struct reasm_dgram *d, const struct ip4_info *h,
                            uint32_t len)
{
	uint32_t end = h->frag_off + len;

	if (len == 0)
		return false;
	if (h->mf && (len & 7))
		return false;
	if (!h->mf && d->total && d->total != end)
		return false;
	if (d->total && end > d->total)
		return false;
	if (!h->mf && frags_end(d) > end)
		return false;
	return true;
}

/* Builds the finished datagram: d's header with the fragment fields
 * cleared and the total length set, then every payload byte. */
static struct block *dgram_join(struct reasm_dgram *d)
{
	uint32_t len = d->hlen + d->total;
	struct block *b = block_alloc(len, MEM_ATOMIC);
	uint8_t *p;

	if (!b)
		return NULL;
	p = b->wp;
	memcpy(p, d->hdr, d->hlen);
	put_be16(p + 2, (uint16_t)len);
	put_be16(p + 6, 0);
	put_be16(p + 10, 0);
	put_be16(p + 10, ip_csum(p, d->hlen));
	for (struct reasm_frag *f = d->frags; f; f = f->next)
		block_copy_out(f->b, 0, p + d->hlen + f->off, f->len);
	b->wp += len;
	return b;
}

/* Adds a checked fragment to d; 0 held, -ENOMEM or -ENOSPC refused. */
static int frag_insert(struct reasm *r, struct reasm_dgram *d, struct reasm_frag **link,
                       const struct ip4_info *h, const uint8_t *hdr, struct block *b)
{
	size_t cost = frag_cost(b);
	struct reasm_frag *f;

	if (d->nfrags >= r->lim.max_frags)
		return -ENOSPC;
	while (r->bytes + cost > r->lim.max_bytes)
		if (!drop_oldest(r, d))
			return -ENOMEM;
	if (r->bytes + cost > r->lim.max_bytes)
		return -ENOMEM;
	f = kmalloc(sizeof(*f), MEM_ATOMIC);
	if (!f)
		return -ENOMEM;
	f->off = h->frag_off;
	f->len = (uint32_t)BLEN(b);
	f->b = b;
	f->next = *link;
	*link = f;
	d->nfrags++;
	d->have += f->len;
	d->bytes += cost;
	r->bytes += cost;
	if (!h->mf)
		d->total = h->frag_off + f->len;
	if (h->frag_off == 0) {
		d->hlen = h->hlen;
		memcpy(d->hdr, hdr, h->hlen);
	}
	return 0;
}

/* Drops the datagram d (found with predecessor prev) and the fragment b. */
static int reasm_drop(struct reasm *r, struct reasm_dgram *d, struct reasm_dgram *prev,
                      struct block *b, int err)
{
	if (d)
		dgram_free(r, d, prev);
	freeb(b);
	return err;
}

int reasm_add(struct reasm *r, const struct ip4_info *h, const uint8_t *hdr,
              struct block *b, uint64_t now, struct block **whole)
{
	struct reasm_dgram *prev = NULL, *d;
	struct reasm_frag **link = NULL;
	uint32_t len = (uint32_t)BLEN(b);
	int ret;

	r->st.frags++;
	*whole = NULL;
	d = dgram_find(r, h, &prev);
	if (!d) {
		prev = NULL;
		d = dgram_new(r, h, now);
		if (!d) {
			r->st.nomem++;
			return reasm_drop(r, NULL, NULL, b, -ENOMEM);
		}
	}
	if (!frag_consistent(d, h, len)) {
		r->st.bad++;
		return reasm_drop(r, d, prev, b, -EBADMSG);
	}
	ret = frag_place(d, h->frag_off, len, &link);
	if (ret == FRAG_DUP) {
		r->st.dups++;
		freeb(b);
		return 0;
	}
	if (ret == FRAG_BAD) {
		r->st.overlaps++;
		return reasm_drop(r, d, prev, b, -EBADMSG);
	}
	ret = frag_insert(r, d, link, h, hdr, b);
	if (ret) {
		r->st.nomem++;
		dgram_find(r, h, &prev);        /* eviction may have moved prev */
		return reasm_drop(r, d, prev, b, ret);
	}
	if (!d->total || d->have != d->total || !d->hlen)
		return 0;
	if (d->hlen + d->total > IP4_MAX_LEN) {
		r->st.bad++;
		dgram_find(r, h, &prev);
		return reasm_drop(r, d, prev, NULL, -EBADMSG);
	}
	*whole = dgram_join(d);
	dgram_find(r, h, &prev);
	dgram_free(r, d, prev);
	if (!*whole) {
		r->st.nomem++;
		return -ENOMEM;
	}
	r->st.done++;
	return 1;
}

/* The header and first 8 data bytes of d's first fragment, or NULL. */
static struct block *dgram_quote(const struct reasm_dgram *d)
{
	const struct reasm_frag *f = d->frags;
	size_t n = f && f->off == 0 ? (f->len < 8 ? f->len : 8) : 0;
	struct block *b;

	if (!d->hlen || !n)
		return NULL;
	b = block_alloc(d->hlen + n, MEM_ATOMIC);
	if (!b)
		return NULL;
	memcpy(b->wp, d->hdr, d->hlen);
	block_copy_out(f->b, 0, b->wp + d->hlen, n);
	b->wp += d->hlen + n;
	return b;
}

unsigned int reasm_expire(struct reasm *r, uint64_t now, struct block **quotes)
{
	struct reasm_dgram *d = r->head, *prev = NULL;
	unsigned int n = 0;

	while (d) {
		struct reasm_dgram *next = d->next;

		if (now - d->born >= r->lim.timeout_ns) {
			struct block *q = quotes ? dgram_quote(d) : NULL;

			if (q) {
				q->next = *quotes;
				*quotes = q;
			}
			dgram_free(r, d, prev);
			n++;
		} else {
			prev = d;
		}
		d = next;
	}
	r->st.timeouts += n;
	return n;
}

void reasm_flush(struct reasm *r)
{
	while (r->head)
		dgram_free(r, r->head, NULL);
}
