/* SPDX-License-Identifier: MIT */
/*
 * test_virtqueue.c - host tests of the split virtqueue
 * (kern/drivers/virtio/virtqueue.c) against a simulated device: chains in
 * and out, a full ring, 16-bit index wrap-around over many thousands of
 * chains, and a hostile device (used ids out of range or not in flight,
 * lengths beyond the buffer, a used index that runs ahead, random used
 * entries).  "Bus addresses" are host pointers; ring memory and slots are
 * exact heap allocations so ASan sees any stray access.
 */
#include <stdlib.h>
#include <string.h>

#include "htest.h"

#include <errno.h>
#include <virtqueue.h>

struct simq {
	struct virtqueue vq;
	void *ring;
	struct vq_slot *slots;
	uint16_t dev_avail;     /* device: next available entry to read */
	uint16_t dev_used;      /* device: next used index to write */
};

static struct simq *simq_new(unsigned int size)
{
	struct simq *q = calloc(1, sizeof(*q));

	q->ring = malloc(vq_ring_bytes(size));
	q->slots = malloc(sizeof(struct vq_slot) * size);
	HT_ASSERT_EQ(vq_init(&q->vq, size, q->ring, q->slots), 0);
	return q;
}

static void simq_free(struct simq *q)
{
	free(q->ring);
	free(q->slots);
	free(q);
}

/* Device: publishes one used entry. */
static void dev_put_used(struct simq *q, uint32_t id, uint32_t len)
{
	struct vring_used_elem *e = &q->vq.used->ring[q->dev_used & q->vq.mask];

	e->id = id;
	e->len = len;
	q->dev_used++;
	__atomic_store_n(&q->vq.used->idx, q->dev_used, __ATOMIC_RELEASE);
}

/*
 * Device: takes the next available chain, walks it through the shared
 * descriptors (bounded by the ring size), fills its writable buffers with
 * 'fill' and returns its head; *wlen = writable bytes.  -1 when nothing
 * is available.
 */
static int dev_take(struct simq *q, uint8_t fill, uint32_t *wlen)
{
	uint16_t avail = __atomic_load_n(&q->vq.avail->idx, __ATOMIC_ACQUIRE);
	uint16_t head, i;
	unsigned int n = 0;

	*wlen = 0;
	if (avail == q->dev_avail)
		return -1;
	head = q->vq.avail->ring[q->dev_avail & q->vq.mask];
	q->dev_avail++;
	HT_ASSERT(head < q->vq.size);
	for (i = head;; i = q->vq.desc[i].next) {
		struct vring_desc *d = &q->vq.desc[i];

		HT_ASSERT(++n <= q->vq.size);
		if (d->flags & VRING_DESC_F_WRITE) {
			memset((void *)(uintptr_t)d->addr, fill, d->len);
			*wlen += d->len;
		}
		if (!(d->flags & VRING_DESC_F_NEXT))
			break;
		HT_ASSERT(d->next < q->vq.size);
	}
	return head;
}

/* Device: completes the next chain with all of its writable bytes. */
static bool dev_complete_one(struct simq *q, uint8_t fill)
{
	uint32_t wlen;
	int head = dev_take(q, fill, &wlen);

	if (head < 0)
		return false;
	dev_put_used(q, (uint32_t)head, wlen);
	return true;
}

static struct vq_buf vbuf(void *p, uint32_t len)
{
	return (struct vq_buf){ .addr = (uintptr_t)p, .len = len };
}

/* ------------------------------------------------------------- basics --- */

HTEST(init_refuses_bad_sizes)
{
	struct virtqueue vq;
	static uint8_t mem[64];
	struct vq_slot slots[4];

	HT_ASSERT_EQ(vq_init(&vq, 0, mem, slots), -EINVAL);
	HT_ASSERT_EQ(vq_init(&vq, 3, mem, slots), -EINVAL);
	HT_ASSERT_EQ(vq_init(&vq, 65536, mem, slots), -EINVAL);
	HT_ASSERT_EQ(vq_init(&vq, 6, mem, slots), -EINVAL);
}

HTEST(layout_follows_the_spec_alignment)
{
	/* desc 16-byte, avail 2-byte, used 4-byte aligned; no overlap. */
	HT_ASSERT_EQ(vq_avail_offset(256), 4096);
	HT_ASSERT(vq_used_offset(256) >= 4096 + 6 + 512);
	HT_ASSERT_EQ(vq_used_offset(256) % 4, 0);
	HT_ASSERT_EQ(vq_ring_bytes(256), vq_used_offset(256) + 6 + 8 * 256);
	HT_ASSERT(vq_ring_bytes(VQ_MAX_SIZE) > vq_used_offset(VQ_MAX_SIZE));
}

HTEST(chain_out_and_in_round_trip)
{
	struct simq *q = simq_new(8);
	uint8_t hdr[10] = { 1 }, in1[16], in2[32];
	struct vq_buf out = vbuf(hdr, sizeof(hdr));
	struct vq_buf in[2] = { vbuf(in1, sizeof(in1)), vbuf(in2, sizeof(in2)) };
	void *cookie;
	uint32_t len;

	HT_ASSERT_EQ(vq_add(&q->vq, &out, 1, in, 2, hdr), 0);
	HT_ASSERT_EQ(q->vq.nr_free, 5);
	HT_ASSERT_EQ(q->vq.avail->idx, 1);
	HT_ASSERT_EQ(vq_get_used(&q->vq, &cookie, &len), 0);
	HT_ASSERT(dev_complete_one(q, 0xab));
	HT_ASSERT_EQ(vq_get_used(&q->vq, &cookie, &len), 1);
	HT_ASSERT(cookie == hdr);
	HT_ASSERT_EQ(len, 48);
	HT_ASSERT_EQ(in1[0], 0xab);
	HT_ASSERT_EQ(in2[31], 0xab);
	HT_ASSERT_EQ(hdr[0], 1);        /* device-readable: untouched */
	HT_ASSERT_EQ(q->vq.nr_free, 8);
	HT_ASSERT_EQ(q->vq.in_flight, 0);
	HT_ASSERT_EQ(vq_get_used(&q->vq, &cookie, &len), 0);
	simq_free(q);
}

HTEST(add_refuses_bad_arguments)
{
	struct simq *q = simq_new(4);
	uint8_t b[4];
	struct vq_buf ok = vbuf(b, 4), zero = vbuf(b, 0);
	struct vq_buf huge[2] = { vbuf(b, 0xffffffffu), vbuf(b, 2) };

	HT_ASSERT_EQ(vq_add(&q->vq, NULL, 0, NULL, 0, b), -EINVAL);
	HT_ASSERT_EQ(vq_add(&q->vq, &ok, 1, NULL, 0, NULL), -EINVAL);
	HT_ASSERT_EQ(vq_add(&q->vq, &zero, 1, NULL, 0, b), -EINVAL);
	HT_ASSERT_EQ(vq_add(&q->vq, NULL, 0, &zero, 1, b), -EINVAL);
	HT_ASSERT_EQ(vq_add(&q->vq, NULL, 0, huge, 2, b), -EINVAL);
	HT_ASSERT_EQ(q->vq.nr_free, 4);
	HT_ASSERT_EQ(q->vq.avail->idx, 0);
	simq_free(q);
}

HTEST(full_ring_refuses_then_recovers)
{
	struct simq *q = simq_new(4);
	uint8_t b[4][8];
	struct vq_buf two[2] = { vbuf(b[0], 8), vbuf(b[1], 8) };
	void *cookie;
	uint32_t len;

	for (int i = 0; i < 4; i++) {
		struct vq_buf one = vbuf(b[i], 8);

		HT_ASSERT_EQ(vq_add(&q->vq, NULL, 0, &one, 1, b[i]), 0);
	}
	HT_ASSERT_EQ(q->vq.nr_free, 0);
	HT_ASSERT_EQ(vq_add(&q->vq, NULL, 0, two, 1, b), -ENOSPC);
	HT_ASSERT(dev_complete_one(q, 1));
	HT_ASSERT_EQ(vq_get_used(&q->vq, &cookie, &len), 1);
	HT_ASSERT(cookie == b[0]);
	HT_ASSERT_EQ(vq_add(&q->vq, NULL, 0, two, 2, b), -ENOSPC);
	HT_ASSERT_EQ(vq_add(&q->vq, NULL, 0, two, 1, b[0]), 0);
	HT_ASSERT_EQ(vq_add(&q->vq, NULL, 0, two, 1, b[0]), -ENOSPC);
	simq_free(q);
}

HTEST(indices_wrap_around_16_bits)
{
	/* 200,000 chains of 1-3 descriptors through an 8-entry ring: the
	 * 16-bit available and used indices wrap three times. */
	struct simq *q = simq_new(8);
	uint8_t *buf = malloc(8 * 64);
	unsigned long added = 0, done = 0;
	void *cookie;
	uint32_t len;

	while (done < 200000) {
		unsigned int n = 1 + (unsigned int)(htest_rand() % 3);
		struct vq_buf in[3];

		for (unsigned int k = 0; k < n; k++)
			in[k] = vbuf(buf + 64 * (added % 8), 16);
		if (vq_add(&q->vq, NULL, 0, in, n, (void *)(uintptr_t)(added + 1)) == 0)
			added++;
		if (htest_rand() % 2 || q->vq.nr_free < 3)
			dev_complete_one(q, 7);
		while (vq_get_used(&q->vq, &cookie, &len) == 1) {
			done++;
			HT_ASSERT_EQ((uintptr_t)cookie, done);   /* in order */
			HT_ASSERT(len >= 16 && len <= 48);
		}
		HT_ASSERT(q->vq.nr_free <= 8);
	}
	HT_ASSERT(added > 3 * 65536);
	HT_ASSERT_EQ(q->vq.avail_idx, (uint16_t)added);
	HT_ASSERT_EQ(q->vq.stats.bad_id + q->vq.stats.not_in_flight, 0);
	free(buf);
	simq_free(q);
}

HTEST(notify_suppression_is_honoured)
{
	struct simq *q = simq_new(4);

	HT_ASSERT(vq_notify_needed(&q->vq));
	q->vq.used->flags = VRING_USED_F_NO_NOTIFY;
	HT_ASSERT(!vq_notify_needed(&q->vq));
	vq_disable_intr(&q->vq);
	HT_ASSERT_EQ(q->vq.avail->flags, VRING_AVAIL_F_NO_INTERRUPT);
	HT_ASSERT(!vq_enable_intr(&q->vq));
	HT_ASSERT_EQ(q->vq.avail->flags, 0);
	simq_free(q);
}

/* ---------------------------------------------------- hostile device --- */

HTEST(used_index_running_ahead_breaks_the_queue)
{
	struct simq *q = simq_new(8);
	uint8_t b[16];
	struct vq_buf in = vbuf(b, 16);
	void *cookie;
	uint32_t len;

	HT_ASSERT_EQ(vq_add(&q->vq, NULL, 0, &in, 1, b), 0);
	dev_put_used(q, 8, 4);
	dev_put_used(q, 0xffffffffu, 4);
	HT_ASSERT_EQ(vq_get_used(&q->vq, &cookie, &len), -EOVERFLOW);
	/* Two entries for one chain in flight: the index ran ahead. */
	HT_ASSERT(q->vq.broken);
	HT_ASSERT_EQ(q->vq.stats.idx_jump, 1);
	HT_ASSERT(vq_detach(&q->vq) == b);
	HT_ASSERT(vq_detach(&q->vq) == NULL);
	HT_ASSERT_EQ(q->vq.nr_free, 8);
	HT_ASSERT_EQ(vq_add(&q->vq, NULL, 0, &in, 1, b), -EOVERFLOW);
	simq_free(q);
}

HTEST(used_id_bad_then_good_entries)
{
	struct simq *q = simq_new(8);
	uint8_t b[2][16];
	struct vq_buf in0 = vbuf(b[0], 16), in1 = vbuf(b[1], 16);
	void *cookie;
	uint32_t len, wlen;
	int head;

	HT_ASSERT_EQ(vq_add(&q->vq, NULL, 0, &in0, 1, b[0]), 0);
	HT_ASSERT_EQ(vq_add(&q->vq, NULL, 0, &in1, 1, b[1]), 0);
	dev_put_used(q, 9, 4);                  /* past the ring */
	HT_ASSERT_EQ(vq_get_used(&q->vq, &cookie, &len), -EBADMSG);
	HT_ASSERT(cookie == NULL);
	HT_ASSERT_EQ(q->vq.stats.bad_id, 1);
	HT_ASSERT_EQ(q->vq.last_bad_id, 9);
	head = dev_take(q, 3, &wlen);
	dev_put_used(q, (uint32_t)head, wlen);
	HT_ASSERT_EQ(vq_get_used(&q->vq, &cookie, &len), 1);
	HT_ASSERT(cookie == b[0]);
	HT_ASSERT_EQ(q->vq.in_flight, 1);
	simq_free(q);
}

HTEST(used_id_not_in_flight_is_refused)
{
	struct simq *q = simq_new(8);
	uint8_t b[3][16];
	struct vq_buf in[3] = { vbuf(b[0], 16), vbuf(b[1], 16), vbuf(b[2], 16) };
	void *cookie;
	uint32_t len;

	HT_ASSERT_EQ(vq_add(&q->vq, NULL, 0, in, 3, b), 0);        /* descs 0-2 */
	HT_ASSERT_EQ(vq_add(&q->vq, NULL, 0, in, 1, b[1]), 0);     /* desc 3 */
	dev_put_used(q, 1, 4);                  /* the middle of a chain */
	HT_ASSERT_EQ(vq_get_used(&q->vq, &cookie, &len), -EBADMSG);
	HT_ASSERT_EQ(q->vq.stats.not_in_flight, 1);
	dev_put_used(q, 0, 48);                 /* good */
	HT_ASSERT_EQ(vq_get_used(&q->vq, &cookie, &len), 1);
	HT_ASSERT(cookie == b);
	HT_ASSERT_EQ(q->vq.nr_free, 7);
	/* The same id again: no longer in flight (a duplicate).  One chain
	 * is still in flight, so the index itself is plausible. */
	dev_put_used(q, 0, 48);
	HT_ASSERT_EQ(vq_get_used(&q->vq, &cookie, &len), -EBADMSG);
	HT_ASSERT_EQ(q->vq.stats.not_in_flight, 2);
	HT_ASSERT_EQ(q->vq.nr_free, 7);
	HT_ASSERT(!q->vq.broken);
	simq_free(q);
}

HTEST(used_len_beyond_buffer_gives_the_cookie_back)
{
	struct simq *q = simq_new(4);
	uint8_t b[16], hdr[4];
	struct vq_buf out = vbuf(hdr, 4), in = vbuf(b, 16);
	void *cookie;
	uint32_t len;

	HT_ASSERT_EQ(vq_add(&q->vq, &out, 1, &in, 1, b), 0);
	dev_put_used(q, 0, 17);         /* readable bytes do not count */
	HT_ASSERT_EQ(vq_get_used(&q->vq, &cookie, &len), -EMSGSIZE);
	HT_ASSERT(cookie == b);
	HT_ASSERT_EQ(len, 17);
	HT_ASSERT_EQ(q->vq.stats.too_long, 1);
	HT_ASSERT_EQ(q->vq.nr_free, 4);
	HT_ASSERT_EQ(q->vq.in_flight, 0);
	simq_free(q);
}

HTEST(shared_descriptor_scribbles_do_not_redirect_reclaim)
{
	struct simq *q = simq_new(8);
	uint8_t b[2][16];
	struct vq_buf in[2] = { vbuf(b[0], 16), vbuf(b[1], 16) };
	void *cookie;
	uint32_t len;

	HT_ASSERT_EQ(vq_add(&q->vq, NULL, 0, in, 2, b), 0);
	q->vq.desc[0].next = 5;         /* the device overwrites the link */
	q->vq.desc[0].flags = 0xffff;
	dev_put_used(q, 0, 32);
	HT_ASSERT_EQ(vq_get_used(&q->vq, &cookie, &len), 1);
	HT_ASSERT_EQ(q->vq.nr_free, 8);
	/* All eight descriptors can be handed out again, each once. */
	for (int i = 0; i < 8; i++)
		HT_ASSERT_EQ(vq_add(&q->vq, NULL, 0, in, 1, b[0]), 0);
	HT_ASSERT_EQ(vq_add(&q->vq, NULL, 0, in, 1, b[0]), -ENOSPC);
	simq_free(q);
}

HTEST(random_used_entries_never_corrupt_the_queue)
{
	struct simq *q = simq_new(16);
	uint8_t *buf = malloc(16 * 32);
	unsigned long good = 0, bad = 0;

	for (int round = 0; round < 20000; round++) {
		void *cookie;
		uint32_t len;
		int r;

		while (q->vq.nr_free >= 2) {
			struct vq_buf in[2] = { vbuf(buf, 16), vbuf(buf + 16, 16) };

			HT_ASSERT_EQ(vq_add(&q->vq, NULL, 0, in,
			                    1 + (unsigned int)(htest_rand() % 2), buf), 0);
		}
		if (htest_rand() % 4 == 0) {
			/* garbage: any id, any length */
			dev_put_used(q, (uint32_t)htest_rand() % 40,
			             (uint32_t)htest_rand() % 64);
		} else {
			dev_complete_one(q, 0);
		}
		while ((r = vq_get_used(&q->vq, &cookie, &len)) != 0) {
			if (r == -EOVERFLOW)
				break;
			r == 1 ? good++ : bad++;
		}
		if (q->vq.broken) {
			/* reset: everything back, then start afresh */
			while (vq_detach(&q->vq))
				;
			HT_ASSERT_EQ(q->vq.nr_free, 16);
			HT_ASSERT_EQ(vq_init(&q->vq, 16, q->ring, q->slots), 0);
			q->dev_avail = q->dev_used = 0;
			continue;
		}
		/* Descriptors are either free or in a chain in flight. */
		unsigned int held = 0;

		for (unsigned int i = 0; i < 16; i++)
			if (q->vq.slot[i].cookie)
				held += q->vq.slot[i].nr_desc;
		HT_ASSERT_EQ(held + q->vq.nr_free, 16);
	}
	HT_ASSERT(good > 1000 && bad > 100);
	free(buf);
	simq_free(q);
}
