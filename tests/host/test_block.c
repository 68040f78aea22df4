/* SPDX-License-Identifier: MIT */
/*
 * test_block.c - host tests of blocks and block lists (kern/src/ns/allocb.c):
 * allocation and headroom, scatter-gather extra data (copy out, consume,
 * truncate), padblock both ways, copyblock, concatblock, pullupblock and
 * trimblock including their "not enough bytes" paths, bad arguments, and a
 * randomized run checking every operation against a flat byte array.
 *
 * kmalloc/krealloc/kfree are the counting shims of kmalloc_shim.c (live
 * objects), so every test checks that both that count and
 * block_live_count() are back to zero (ASan catches the rest).
 */
#include <block.h>
#include <errno.h>
#include <kmalloc.h>
#include <string.h>

#include "htest.h"

long kmalloc_shim_live(void);

#define HT_NO_LEAKS()                                   \
	do {                                            \
		HT_ASSERT_EQ(block_live_count(), 0);    \
		HT_ASSERT_EQ(kmalloc_shim_live(), 0);             \
	} while (0)

/* A block holding s in its header area. */
static struct block *mk(const char *s)
{
	struct block *b = allocb(strlen(s));

	memcpy(b->wp, s, strlen(s));
	b->wp += strlen(s);
	return b;
}

/* Appends s as one extra buffer, with 2 bytes of junk before it. */
static void add_extra(struct block *b, const char *s)
{
	size_t n = strlen(s);
	char *buf = kmalloc(n + 4, MEM_WAIT);

	memcpy(buf, "##", 2);
	memcpy(buf + 2, s, n);
	memcpy(buf + 2 + n, "@@", 2);
	HT_ASSERT_EQ(block_append_extra(b, buf, 2, n, MEM_WAIT), 0);
}

/* The list's bytes as a NUL-terminated static string. */
static const char *str(const struct block *b)
{
	static char out[4096];
	size_t n = block_list_copy_out(b, out, sizeof(out) - 1);

	out[n] = '\0';
	return out;
}

HTEST(alloc_headroom_and_free)
{
	struct block *b = allocb(100);

	HT_ASSERT_EQ(BLEN(b), 0);
	HT_ASSERT_EQ(BALLOC(b), BLOCK_HDR_RESERVE + 100);
	HT_ASSERT_EQ(b->rp - b->base, BLOCK_HDR_RESERVE);
	HT_ASSERT(b->next == NULL && b->extra_data == NULL);
	HT_ASSERT_EQ(block_live_count(), 1);
	freeb(b);
	freeb(NULL);
	htest_capture_begin();
	b = block_alloc((size_t)BLOCK_MAX_SIZE + 1, MEM_WAIT);
	HT_ASSERT(strstr(htest_capture_end(), "above") != NULL);
	HT_ASSERT(b == NULL);
	HT_NO_LEAKS();
}

HTEST(extra_copy_consume_truncate)
{
	struct block *b = mk("abc");
	char buf[16] = { 0 };

	add_extra(b, "defg");
	add_extra(b, "hij");
	HT_ASSERT_EQ(BLEN(b), 10);
	HT_ASSERT_EQ(BHLEN(b), 3);
	HT_ASSERT_STREQ(str(b), "abcdefghij");
	HT_ASSERT_EQ(block_copy_out(b, 4, buf, 4), 4);
	HT_ASSERT(memcmp(buf, "efgh", 4) == 0);
	HT_ASSERT_EQ(block_copy_out(b, 10, buf, 4), 0);
	HT_ASSERT_EQ(block_copy_out(b, 99, buf, 4), 0);
	HT_ASSERT_EQ(block_consume(b, 5), 5);             /* frees no buffer yet */
	HT_ASSERT_STREQ(str(b), "fghij");
	HT_ASSERT_EQ(block_consume(b, 2), 2);             /* "defg" emptied */
	HT_ASSERT_EQ(b->extra_data[0].base, 0);
	HT_ASSERT_STREQ(str(b), "hij");
	add_extra(b, "kl");                               /* reuses the slot */
	HT_ASSERT_EQ(b->nr_extra_bufs, 2);
	HT_ASSERT_STREQ(str(b), "hijkl");
	htest_capture_begin();
	HT_ASSERT_EQ(block_truncate(b, 99), -EINVAL);
	HT_ASSERT(strstr(htest_capture_end(), "block_truncate") != NULL);
	HT_ASSERT_EQ(block_truncate(b, 2), 0);
	HT_ASSERT_STREQ(str(b), "hi");
	HT_ASSERT_EQ(b->extra_len, 2);
	HT_ASSERT_EQ(block_consume(b, 50), 2);
	HT_ASSERT_EQ(BLEN(b), 0);
	freeb(b);
	HT_NO_LEAKS();
}

HTEST(append_extra_rejects_bad_args)
{
	struct block *b = mk("x");
	char *buf = kmalloc(4, MEM_WAIT);

	htest_capture_begin();
	HT_ASSERT_EQ(block_append_extra(b, buf, 0, 0, MEM_WAIT), -EINVAL);
	HT_ASSERT_EQ(block_append_extra(b, NULL, 0, 4, MEM_WAIT), -EINVAL);
	HT_ASSERT_EQ(block_append_extra(b, buf, 0, (size_t)BLOCK_MAX_SIZE + 1,
	                                MEM_WAIT), -EINVAL);
	htest_capture_end();
	HT_ASSERT_EQ(BLEN(b), 1);
	kfree(buf);                     /* still the caller's */
	HT_ASSERT_EQ(block_add_extd(b, 70000, MEM_WAIT), -EINVAL);
	HT_ASSERT_EQ(block_add_extd(b, 3, MEM_WAIT), 0);
	HT_ASSERT_EQ(b->nr_extra_bufs, 3);
	HT_ASSERT_EQ(block_add_extd(b, 2, MEM_WAIT), 0);  /* never shrinks */
	HT_ASSERT_EQ(b->nr_extra_bufs, 3);
	freeb(b);
	HT_NO_LEAKS();
}

HTEST(padblock_front_and_back)
{
	struct block *b = mk("body"), *same, *tail = mk("T");
	uint8_t *rp = b->rp;

	b->next = tail;
	same = padblock(b, 8);                            /* fits the headroom */
	HT_ASSERT(same == b && b->rp == rp - 8);
	memcpy(b->rp, "HEADER: ", 8);
	HT_ASSERT_STREQ(str(b), "HEADER: bodyT");
	b = padblock(b, BLOCK_HDR_RESERVE);               /* needs a new block */
	HT_ASSERT(b != same && b->next == tail);
	HT_ASSERT_EQ(BHLEN(b), BLOCK_HDR_RESERVE + 12);
	HT_ASSERT(memcmp(b->rp + BLOCK_HDR_RESERVE, "HEADER: body", 12) == 0);
	b->rp += BLOCK_HDR_RESERVE;
	add_extra(b, "++");
	b = padblock(b, -100);                            /* room after all bytes */
	HT_ASSERT_EQ(b->extra_len, 0);
	HT_ASSERT((size_t)(b->lim - b->wp) >= 100);
	HT_ASSERT_STREQ(str(b), "HEADER: body++T");
	same = padblock(b, -10);
	HT_ASSERT(same == b);
	freeblist(b);
	HT_NO_LEAKS();
}

HTEST(copyblock_is_linear_and_independent)
{
	struct block *b = mk("abc"), *c;

	add_extra(b, "def");
	b->flag = 0x100;
	c = copyblock(b, MEM_WAIT);
	HT_ASSERT(c && c->extra_len == 0 && c->flag == 0x100);
	HT_ASSERT_STREQ(str(c), "abcdef");
	c->rp[0] = 'X';
	HT_ASSERT_STREQ(str(b), "abcdef");
	freeb(b);
	freeb(c);
	HT_NO_LEAKS();
}

HTEST(concatblock_list)
{
	struct block *b = mk("ab"), *c;

	b->next = mk("cd");
	add_extra(b->next, "ef");
	b->next->next = mk("");
	b->next->next->next = mk("g");
	HT_ASSERT_EQ(block_list_count(b), 4);
	HT_ASSERT_EQ(blocklen(b), 7);
	c = concatblock(b);
	HT_ASSERT(c->next == NULL && c->extra_len == 0);
	HT_ASSERT_STREQ(str(c), "abcdefg");
	HT_ASSERT_EQ(block_live_count(), 1);
	HT_ASSERT(concatblock(c) == c);                   /* already linear */
	HT_ASSERT(concatblock(NULL) == NULL);
	freeb(c);
	HT_NO_LEAKS();
}

HTEST(pullupblock_across_extra_and_blocks)
{
	struct block *b = mk("ab"), *p;

	add_extra(b, "cde");
	b->next = mk("fg");
	add_extra(b->next, "hi");
	b->next->next = mk("jk");
	p = pullupblock(b, 3);                            /* from own extra */
	HT_ASSERT(p && BHLEN(p) >= 3);
	HT_ASSERT_STREQ(str(p), "abcdefghijk");
	p = pullupblock(p, 8);                            /* across blocks */
	HT_ASSERT(p && BHLEN(p) >= 8);
	HT_ASSERT(memcmp(p->rp, "abcdefgh", 8) == 0);
	HT_ASSERT_STREQ(str(p), "abcdefghijk");
	p = pullupblock(p, 11);
	HT_ASSERT(p && BHLEN(p) == 11 && p->next == NULL);
	HT_ASSERT_EQ(block_live_count(), 1);
	p = pullupblock(p, 12);                           /* too few: list freed */
	HT_ASSERT(p == NULL);
	HT_NO_LEAKS();
}

HTEST(trimblock_keeps_a_window)
{
	struct block *b = mk("abc"), *t;

	b->next = mk("defg");
	add_extra(b->next, "hi");
	b->next->next = mk("jkl");
	t = trimblock(b, 4, 5);                           /* "efghi" */
	HT_ASSERT(t);
	HT_ASSERT_STREQ(str(t), "efghi");
	HT_ASSERT_EQ(block_list_count(t), 1);
	t = trimblock(t, 0, 5);
	HT_ASSERT_STREQ(str(t), "efghi");
	HT_ASSERT(trimblock(t, 3, 3) == NULL);            /* too short: freed */
	HT_ASSERT_EQ(block_live_count(), 0);
	t = trimblock(mk("xyz"), 1, 0);                   /* empty window */
	HT_ASSERT(t == NULL);
	t = trimblock(mk("xyz"), SIZE_MAX, 2);            /* overflowing window */
	HT_ASSERT(t == NULL);
	HT_NO_LEAKS();
}

/* ------------------------------------------------------------ randomized */

#define RMAX 512

/* A random list of total length *len, its bytes in ref. */
static struct block *rand_list(char *ref, size_t *len)
{
	struct block *head = NULL, **tail = &head;
	int nb = 1 + htest_rand() % 5;

	*len = 0;
	for (int i = 0; i < nb; i++) {
		size_t h = htest_rand() % 40;
		struct block *b = allocb(h);

		for (size_t k = 0; k < h; k++)
			ref[(*len)++] = *b->wp++ = 'a' + htest_rand() % 26;
		for (int e = htest_rand() % 3; e > 0; e--) {
			size_t n = 1 + htest_rand() % 30;
			char *buf = kmalloc(n, MEM_WAIT);

			for (size_t k = 0; k < n; k++)
				ref[(*len)++] = buf[k] = 'A' + htest_rand() % 26;
			HT_ASSERT_EQ(block_append_extra(b, buf, 0, n, MEM_WAIT), 0);
		}
		*tail = b;
		tail = &b->next;
	}
	return head;
}

static void check_list(const struct block *b, const char *ref, size_t len)
{
	static char got[RMAX];

	HT_ASSERT_EQ(blocklen(b), len);
	HT_ASSERT_EQ(block_list_copy_out(b, got, sizeof(got)), len);
	HT_ASSERT(memcmp(got, ref, len) == 0);
}

HTEST(randomized_ops_match_flat_bytes)
{
	static char ref[RMAX];

	for (int round = 0; round < 2000; round++) {
		size_t len, a, n;
		struct block *b = rand_list(ref, &len);

		check_list(b, ref, len);
		switch (htest_rand() % 4) {
		case 0:
			a = len ? htest_rand() % (len + 2) : 0;
			b = pullupblock(b, a);
			if (a > len) {
				HT_ASSERT(b == NULL);
				break;
			}
			HT_ASSERT(b && BHLEN(b) >= a);
			check_list(b, ref, len);
			break;
		case 1:
			a = htest_rand() % (len + 1);
			n = htest_rand() % (len + 1);
			b = trimblock(b, a, n);
			if (n == 0 || a + n > len) {
				HT_ASSERT(b == NULL);
				break;
			}
			check_list(b, ref + a, n);
			break;
		case 2:
			b = concatblock(b);
			check_list(b, ref, len);
			HT_ASSERT(b == NULL || b->next == NULL || len == 0);
			break;
		default:
			a = htest_rand() % (len + 1);
			n = block_consume(b, a);
			HT_ASSERT(n == MIN(a, BLEN(b) + n));
			check_list(b, ref + n, len - n);
			break;
		}
		freeblist(b);
		HT_NO_LEAKS();
	}
}
