/* SPDX-License-Identifier: MIT */
/*
 * block.h - blocks: the unit of data that queues (qio.h), pipes, devices
 * and the network stack pass around (kern/src/ns/allocb.c).
 *
 *	struct block *b = allocb(100);          // MEM_WAIT, never NULL
 *	memcpy(b->wp, src, 100); b->wp += 100;  // produce into the header area
 *	n = BLEN(b);                            // bytes held, extra data included
 *	freeb(b);
 *
 * Layout: one allocation holds the struct and its "header area"
 * [base, lim); the valid bytes of that area are [rp, wp).  Producers write
 * at wp, consumers read at rp.  allocb() leaves BLOCK_HDR_RESERVE bytes of
 * headroom before rp so protocol layers can prepend headers in place
 * (padblock).  After the header bytes come optional scatter-gather "extra
 * data": an array of struct extra_bdata, each naming a separately
 * kmalloc'd buffer owned by the block (freed by freeb()).  A block's bytes,
 * in order, are the header bytes then each extra buffer's [off, off+len).
 *
 * Lists: blocks chain through ->next; a "block list" is the first block.
 * Functions that take a list say so; the others look at one block only.
 *
 * Ownership: whoever holds a block pointer owns it; there is no reference
 * count and no lock: a block is used by one kthread at a time.  Functions
 * that return a (possibly new) block consume the one they were given.
 *
 * Errors: allocation with MEM_WAIT never fails; MEM_ATOMIC variants return
 * NULL.  Bad arguments (a trim beyond the data) return NULL or a negative
 * errno as each function states, never a panic.  Nothing here calls
 * error(), so allocb.c also builds for host unit tests.
 *
 * Leak checks: block_live_count() is the number of blocks allocated and
 * not yet freed, for tests.
 */
#pragma once

#include <mem_flags.h>
#include <types.h>

/* Headroom allocb() leaves before rp for headers prepended later. */
#define BLOCK_HDR_RESERVE 64
/* Largest header area one block may have (larger requests fail). */
#define BLOCK_MAX_SIZE   (1u << 30)

/* b->flag: bits for protocol layers (checksum offload and the like);
 * copied by copyblock/padblock/concatblock (first block's), never
 * interpreted here. */

struct extra_bdata {
	uintptr_t base;         /* kmalloc'd buffer, owned; 0 = unused slot */
	uint32_t off;           /* first valid byte, from base */
	uint32_t len;           /* valid bytes */
};

struct block {
	struct block *next;     /* next block of a list or queue */
	uint8_t *rp;            /* first unread byte of the header area */
	uint8_t *wp;            /* first unwritten byte */
	uint8_t *lim;           /* end of the header area */
	uint8_t *base;          /* start of the header area */
	uint32_t flag;          /* protocol bits, see above */
	uint16_t nr_extra_bufs; /* slots in extra_data (used or not) */
	uint16_t _pad;
	size_t extra_len;       /* sum of extra_data[i].len */
	struct extra_bdata *extra_data; /* kmalloc'd array, or NULL */
};

/* Bytes in the header area; bytes in the whole block; header room after wp. */
#define BHLEN(b)  ((size_t)((b)->wp - (b)->rp))
#define BLEN(b)   (BHLEN(b) + (b)->extra_len)
#define BALLOC(b) ((size_t)((b)->lim - (b)->base))

/* ----------------------------------------------------------- one block */

/* A block whose header area holds size bytes after BLOCK_HDR_RESERVE bytes
 * of headroom; rp == wp (empty).  NULL only with MEM_ATOMIC or a size
 * above BLOCK_MAX_SIZE. */
struct block *block_alloc(size_t size, int mem_flags);
/* Plan 9's name: block_alloc(size, MEM_WAIT). */
struct block *allocb(size_t size);
/* Frees one block and its extra buffers (not ->next).  NULL is ignored. */
void freeb(struct block *b);
/* Empties b (no extra data) for reuse: as block_alloc left it. */
void block_reset(struct block *b);
/* The bytes block_alloc(size) gave room for after its reserve. */
size_t block_room(const struct block *b);

/* Grows b's extra_data array to at least nr slots.  0 or -ENOMEM. */
int block_add_extd(struct block *b, unsigned int nr, int mem_flags);
/* Appends buf (kmalloc'd; the block takes ownership) as extra data
 * [off, off+len) of buf.  0, or -ENOMEM (buf stays the caller's), or
 * -EINVAL for a len of 0 or above BLOCK_MAX_SIZE. */
int block_append_extra(struct block *b, void *buf, size_t off, size_t len,
                       int mem_flags);

/* Copies up to len bytes starting at byte 'off' of b (header then extra
 * data) into dst; returns the bytes copied (0 if off >= BLEN(b)). */
size_t block_copy_out(const struct block *b, size_t off, void *dst, size_t len);
/* Drops the first n bytes of b (header first, then extra buffers, which
 * are freed when emptied).  Returns the bytes dropped (<= BLEN(b)). */
size_t block_consume(struct block *b, size_t n);
/* Keeps only the first n bytes of b.  0, or -EINVAL if n > BLEN(b). */
int block_truncate(struct block *b, size_t n);

/* size >= 0: makes size bytes of room before rp and moves rp back over
 * them (the caller fills them in: a prepended header).  size < 0: makes
 * -size bytes of room after wp (wp is unchanged).  Returns b, or a new
 * block holding b's bytes (b is then freed).  MEM_WAIT. */
struct block *padblock(struct block *b, int size);
/* A new linear block (no extra data) with a copy of b's bytes; b is kept.
 * NULL only with MEM_ATOMIC. */
struct block *copyblock(const struct block *b, int mem_flags);
/* Makes the first n bytes of b contiguous in its header area, pulling
 * them from b's extra data and from the blocks after b in its list
 * (emptied ones are freed).  Returns the list, or NULL if the list holds
 * fewer than n bytes: then the whole list has been freed (Plan 9). */
struct block *pullupblock(struct block *b, size_t n);

/* ----------------------------------------------------------- lists */

/* Frees every block of the list. */
void freeblist(struct block *b);
/* Bytes in the list; number of blocks in the list. */
size_t blocklen(const struct block *b);
size_t block_list_count(const struct block *b);
/* One linear block holding the list's bytes; the list is consumed.  A
 * single block without extra data is returned as is.  NULL for NULL. */
struct block *concatblock(struct block *b);
/* Keeps bytes [off, off+len) of the list, freeing the rest; returns the
 * trimmed list, or NULL (the list freed) if it holds fewer than off+len
 * bytes or len is 0. */
struct block *trimblock(struct block *b, size_t off, size_t len);
/* Copies up to len bytes from the front of the list into dst; the list is
 * unchanged.  Returns the bytes copied. */
size_t block_list_copy_out(const struct block *b, void *dst, size_t len);

/* ----------------------------------------------------------- accounting */

/* Blocks allocated and not yet freed, system wide. */
int64_t block_live_count(void);
