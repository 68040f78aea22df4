/* SPDX-License-Identifier: MIT */
/*
 * allocb.c - blocks: allocation, scatter-gather extra data and the list
 * operations (pad, copy, concat, pull up, trim) that qio.c, devices and
 * protocols use.  The model is in block.h.
 *
 * A block is one kmalloc: the struct, then the header area [base, lim).
 * Extra data lives in separately kmalloc'd buffers, each owned by exactly
 * one block and freed with it; the extra_data array itself is kmalloc'd
 * and grown with krealloc.  Bytes of a block, in order: [rp, wp), then
 * each used extra slot's [base+off, base+off+len).  Unused slots (base 0)
 * may sit anywhere in the array; they carry no bytes.
 *
 * No locks: a block has one owner at a time (block.h).  The only shared
 * state is the live-block counter, an atomic.  Nothing here sleeps except
 * MEM_WAIT allocations and nothing calls error(), so this file also builds
 * for the host unit tests (tests/host/block.mk).
 */
#include <atomic.h>
#include <block.h>
#include <compiler.h>
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <printk.h>

static atomic_t block_live = ATOMIC_INIT(0);

#define BLOCK_STRUCT_SIZE ALIGN_UP(sizeof(struct block), 16)

/* ------------------------------------------------------------ one block */

struct block *block_alloc(size_t size, int mem_flags)
{
	struct block *b;
	size_t area = BLOCK_HDR_RESERVE + size;

	if (size > BLOCK_MAX_SIZE) {
		printk("block_alloc: %zu bytes is above the %u-byte maximum\n",
		       size, BLOCK_MAX_SIZE);
		return NULL;
	}
	b = kmalloc(BLOCK_STRUCT_SIZE + area, mem_flags);
	if (!b)
		return NULL;
	memset(b, 0, sizeof(*b));
	b->base = (uint8_t *)b + BLOCK_STRUCT_SIZE;
	b->lim = b->base + area;
	b->rp = b->base + BLOCK_HDR_RESERVE;
	b->wp = b->rp;
	atomic_inc(&block_live);
	return b;
}

struct block *allocb(size_t size)
{
	return block_alloc(size, MEM_WAIT);
}

void block_reset(struct block *b)
{
	b->next = NULL;
	b->flag = 0;
	b->rp = b->base + BLOCK_HDR_RESERVE;
	b->wp = b->rp;
}

size_t block_room(const struct block *b)
{
	return (size_t)(b->lim - b->base) - BLOCK_HDR_RESERVE;
}

static void block_free_extra(struct block *b)
{
	for (unsigned int i = 0; i < b->nr_extra_bufs; i++)
		kfree((void *)b->extra_data[i].base);
	kfree(b->extra_data);
	b->extra_data = NULL;
	b->nr_extra_bufs = 0;
	b->extra_len = 0;
}

void freeb(struct block *b)
{
	if (!b)
		return;
	block_free_extra(b);
	atomic_dec(&block_live);
	kfree(b);
}

int64_t block_live_count(void)
{
	return atomic_read(&block_live);
}

/* Gives nb the extra data of b (b keeps none). */
static void block_move_extra(struct block *nb, struct block *b)
{
	block_free_extra(nb);
	nb->extra_data = b->extra_data;
	nb->nr_extra_bufs = b->nr_extra_bufs;
	nb->extra_len = b->extra_len;
	b->extra_data = NULL;
	b->nr_extra_bufs = 0;
	b->extra_len = 0;
}

/* ------------------------------------------------------------ extra data */

int block_add_extd(struct block *b, unsigned int nr, int mem_flags)
{
	struct extra_bdata *ed;

	if (nr <= b->nr_extra_bufs)
		return 0;
	if (nr > UINT16_MAX)
		return -EINVAL;
	ed = krealloc(b->extra_data, nr * sizeof(*ed), mem_flags);
	if (!ed)
		return -ENOMEM;
	memset(&ed[b->nr_extra_bufs], 0,
	       (nr - b->nr_extra_bufs) * sizeof(*ed));
	b->extra_data = ed;
	b->nr_extra_bufs = nr;
	return 0;
}

/* Moves the used slots to the front, keeping their order; returns how
 * many are used. */
static unsigned int block_extd_compact(struct block *b)
{
	unsigned int used = 0;

	for (unsigned int i = 0; i < b->nr_extra_bufs; i++) {
		if (!b->extra_data[i].base)
			continue;
		if (i != used) {
			b->extra_data[used] = b->extra_data[i];
			memset(&b->extra_data[i], 0, sizeof(b->extra_data[i]));
		}
		used++;
	}
	return used;
}

int block_append_extra(struct block *b, void *buf, size_t off, size_t len,
                       int mem_flags)
{
	unsigned int used;
	int ret;

	if (!buf || len == 0 || len > BLOCK_MAX_SIZE || off > BLOCK_MAX_SIZE) {
		printk("block_append_extra: bad buffer %p off %zu len %zu\n",
		       buf, off, len);
		return -EINVAL;
	}
	used = block_extd_compact(b);
	ret = block_add_extd(b, used + 1, mem_flags);
	if (ret)
		return ret;
	b->extra_data[used] = (struct extra_bdata){
		.base = (uintptr_t)buf, .off = off, .len = len };
	b->extra_len += len;
	return 0;
}

/* Copies up to len bytes from offset off of b's extra data. */
static size_t extra_copy_out(const struct block *b, size_t off, uint8_t *dst,
                             size_t len)
{
	size_t done = 0;

	for (unsigned int i = 0; i < b->nr_extra_bufs && done < len; i++) {
		const struct extra_bdata *e = &b->extra_data[i];
		size_t n;

		if (!e->base)
			continue;
		if (off >= e->len) {
			off -= e->len;
			continue;
		}
		n = MIN(e->len - off, len - done);
		memcpy(dst + done, (uint8_t *)e->base + e->off + off, n);
		done += n;
		off = 0;
	}
	return done;
}

/* Drops the first n bytes of b's extra data, freeing emptied buffers. */
static size_t extra_consume(struct block *b, size_t n)
{
	size_t done = 0;

	for (unsigned int i = 0; i < b->nr_extra_bufs && done < n; i++) {
		struct extra_bdata *e = &b->extra_data[i];
		size_t k;

		if (!e->base)
			continue;
		k = MIN((size_t)e->len, n - done);
		e->off += k;
		e->len -= k;
		done += k;
		if (e->len == 0) {
			kfree((void *)e->base);
			*e = (struct extra_bdata){ 0 };
		}
	}
	b->extra_len -= done;
	return done;
}

/* Keeps the first n bytes of b's extra data, freeing the rest. */
static void extra_truncate(struct block *b, size_t n)
{
	size_t kept = 0;

	for (unsigned int i = 0; i < b->nr_extra_bufs; i++) {
		struct extra_bdata *e = &b->extra_data[i];

		if (!e->base)
			continue;
		if (kept + e->len <= n) {
			kept += e->len;
			continue;
		}
		e->len = n - kept;
		kept = n;
		if (e->len == 0) {
			kfree((void *)e->base);
			*e = (struct extra_bdata){ 0 };
		}
	}
	b->extra_len = kept;
}

/* ------------------------------------------------------------ byte access */

size_t block_copy_out(const struct block *b, size_t off, void *dst, size_t len)
{
	uint8_t *d = dst;
	size_t hlen = BHLEN(b), done = 0;

	if (off < hlen) {
		done = MIN(hlen - off, len);
		memcpy(d, b->rp + off, done);
		off = 0;
	} else {
		off -= hlen;
	}
	if (done < len && b->extra_len)
		done += extra_copy_out(b, off, d + done, len - done);
	return done;
}

size_t block_consume(struct block *b, size_t n)
{
	size_t h = MIN(n, BHLEN(b));

	b->rp += h;
	if (h == n)
		return h;
	return h + extra_consume(b, n - h);
}

int block_truncate(struct block *b, size_t n)
{
	if (n > BLEN(b)) {
		printk("block_truncate: %zu bytes of a %zu-byte block\n", n, BLEN(b));
		return -EINVAL;
	}
	if (n <= BHLEN(b)) {
		b->wp = b->rp + n;
		block_free_extra(b);
		return 0;
	}
	extra_truncate(b, n - BHLEN(b));
	return 0;
}

/* ------------------------------------------------------------ reshaping */

/* A new block with 'head' bytes of room, then b's bytes, then 'tail'
 * bytes of free room; it takes b's place in its list and b is freed.
 * rp is at the start of the head room. */
static struct block *block_relayout(struct block *b, size_t head, size_t tail)
{
	struct block *nb;
	size_t hlen = BHLEN(b);

	if (tail) {             /* linear copy: the room must follow all bytes */
		hlen = BLEN(b);
		nb = allocb(head + hlen + tail);
		block_copy_out(b, 0, nb->wp + head, hlen);
	} else {                /* header bytes copied, extra data moved */
		nb = allocb(head + hlen);
		memcpy(nb->wp + head, b->rp, hlen);
		block_move_extra(nb, b);
	}
	nb->wp += head + hlen;
	nb->flag = b->flag;
	nb->next = b->next;
	b->next = NULL;
	freeb(b);
	return nb;
}

struct block *padblock(struct block *b, int size)
{
	size_t room;

	if (size >= 0) {
		room = (size_t)size;
		if ((size_t)(b->rp - b->base) < room)
			b = block_relayout(b, room, 0);
		else
			b->rp -= room;
		return b;
	}
	room = (size_t)(-(int64_t)size);
	if (b->extra_len == 0 && (size_t)(b->lim - b->wp) >= room)
		return b;
	return block_relayout(b, 0, room);
}

struct block *copyblock(const struct block *b, int mem_flags)
{
	struct block *nb = block_alloc(BLEN(b), mem_flags);

	if (!nb)
		return NULL;
	nb->wp += block_copy_out(b, 0, nb->wp, BLEN(b));
	nb->flag = b->flag;
	return nb;
}

/* Moves up to n bytes from the front of src to b's wp (room is there). */
static size_t block_pull_from(struct block *b, struct block *src, size_t n)
{
	size_t k = block_copy_out(src, 0, b->wp, n);

	block_consume(src, k);
	b->wp += k;
	return k;
}

struct block *pullupblock(struct block *b, size_t n)
{
	size_t need, k;

	if (!b)
		return NULL;
	if (BHLEN(b) >= n)
		return b;
	if (blocklen(b) < n) {
		freeblist(b);
		return NULL;
	}
	if ((size_t)(b->lim - b->rp) < n) {     /* a header area of n bytes */
		struct block *nb = allocb(n);

		nb->wp += block_copy_out(b, 0, nb->wp, BHLEN(b));
		b->rp = b->wp;
		block_move_extra(nb, b);
		nb->flag = b->flag;
		nb->next = b->next;
		b->next = NULL;
		freeb(b);
		b = nb;
	}
	need = n - BHLEN(b);
	k = extra_copy_out(b, 0, b->wp, need);
	extra_consume(b, k);
	b->wp += k;
	need -= k;
	while (need) {
		struct block *nx = b->next;

		need -= block_pull_from(b, nx, need);
		if (BLEN(nx) == 0) {
			b->next = nx->next;
			freeb(nx);
		}
	}
	return b;
}

/* ------------------------------------------------------------ lists */

void freeblist(struct block *b)
{
	while (b) {
		struct block *next = b->next;

		freeb(b);
		b = next;
	}
}

size_t blocklen(const struct block *b)
{
	size_t len = 0;

	for (; b; b = b->next)
		len += BLEN(b);
	return len;
}

size_t block_list_count(const struct block *b)
{
	size_t n = 0;

	for (; b; b = b->next)
		n++;
	return n;
}

size_t block_list_copy_out(const struct block *b, void *dst, size_t len)
{
	uint8_t *d = dst;
	size_t done = 0;

	for (; b && done < len; b = b->next)
		done += block_copy_out(b, 0, d + done, len - done);
	return done;
}

struct block *concatblock(struct block *b)
{
	struct block *nb;
	size_t len;

	if (!b || (!b->next && !b->extra_len))
		return b;
	len = blocklen(b);
	nb = allocb(len);
	nb->wp += block_list_copy_out(b, nb->wp, len);
	nb->flag = b->flag;
	freeblist(b);
	return nb;
}

struct block *trimblock(struct block *b, size_t off, size_t len)
{
	struct block *keep, *cut;
	size_t left;

	if (len == 0 || off + len < off || blocklen(b) < off + len) {
		freeblist(b);
		return NULL;
	}
	while (BLEN(b) <= off) {        /* whole blocks before off */
		struct block *next = b->next;

		off -= BLEN(b);
		freeb(b);
		b = next;
	}
	block_consume(b, off);
	for (keep = b, left = len; BLEN(keep) < left; keep = keep->next)
		left -= BLEN(keep);
	block_truncate(keep, left);
	cut = keep->next;
	keep->next = NULL;
	freeblist(cut);
	return b;
}
