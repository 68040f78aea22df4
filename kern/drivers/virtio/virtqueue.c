/* SPDX-License-Identifier: MIT */
/*
 * virtqueue.c - split virtqueues (virtio 1.1/1.2 section 2.7): the free
 * descriptor list, making chains available, and taking used entries back
 * after checking them against what is in flight.
 *
 * Pure code (no locks, no allocation, no hardware): the caller serialises
 * calls on a queue and provides the memory.  The rules are in
 * virtqueue.h; the host tests drive it with a simulated device.
 */
#include <errno.h>
#include <kstring.h>
#include <virtqueue.h>

#define VQ_USED_ALIGN 64

static size_t align_up(size_t v, size_t a)
{
	return (v + a - 1) & ~(a - 1);
}

size_t vq_avail_offset(unsigned int size)
{
	return (size_t)size * sizeof(struct vring_desc);
}

size_t vq_used_offset(unsigned int size)
{
	/* flags, idx, ring[size], used_event */
	size_t avail_end = vq_avail_offset(size) + 2 * 3 + 2 * (size_t)size;

	return align_up(avail_end, VQ_USED_ALIGN);
}

size_t vq_ring_bytes(unsigned int size)
{
	/* flags, idx, ring[size], avail_event */
	return vq_used_offset(size) + 2 * 3 +
	       sizeof(struct vring_used_elem) * (size_t)size;
}

int vq_init(struct virtqueue *vq, unsigned int size, void *ring_mem,
            struct vq_slot *slots)
{
	uint8_t *m = ring_mem;

	if (size == 0 || size > VQ_MAX_SIZE || (size & (size - 1)))
		return -EINVAL;
	memset(ring_mem, 0, vq_ring_bytes(size));
	memset(slots, 0, sizeof(*slots) * size);
	vq->size = (uint16_t)size;
	vq->mask = (uint16_t)(size - 1);
	vq->desc = (struct vring_desc *)m;
	vq->avail = (struct vring_avail *)(m + vq_avail_offset(size));
	vq->used = (struct vring_used *)(m + vq_used_offset(size));
	vq->slot = slots;
	for (unsigned int i = 0; i < size; i++)
		slots[i].next = (uint16_t)(i + 1);
	vq->free_head = 0;
	vq->nr_free = (uint16_t)size;
	vq->avail_idx = 0;
	vq->last_used = 0;
	vq->in_flight = 0;
	vq->broken = false;
	vq->last_bad_id = vq->last_bad_len = 0;
	memset(&vq->stats, 0, sizeof(vq->stats));
	return 0;
}

/* Checks the buffers of a chain; their writable bytes in *in_len. */
static int vq_check_bufs(const struct vq_buf *out, unsigned int n_out,
                         const struct vq_buf *in, unsigned int n_in,
                         uint32_t *in_len)
{
	uint64_t sum = 0;

	for (unsigned int i = 0; i < n_out; i++)
		if (out[i].len == 0)
			return -EINVAL;
	for (unsigned int i = 0; i < n_in; i++) {
		if (in[i].len == 0)
			return -EINVAL;
		sum += in[i].len;
	}
	if (sum > 0xffffffffu)
		return -EINVAL;
	*in_len = (uint32_t)sum;
	return 0;
}

/* Fills the next free descriptor with b and returns its index. */
static uint16_t vq_take_desc(struct virtqueue *vq, const struct vq_buf *b,
                             uint16_t flags)
{
	uint16_t i = vq->free_head;
	struct vring_desc *d = &vq->desc[i];

	vq->free_head = vq->slot[i].next;
	vq->nr_free--;
	d->addr = b->addr;
	d->len = b->len;
	d->flags = flags;
	d->next = 0;
	return i;
}

int vq_add(struct virtqueue *vq, const struct vq_buf *out, unsigned int n_out,
           const struct vq_buf *in, unsigned int n_in, void *cookie)
{
	unsigned int n = n_out + n_in;
	uint16_t head = 0, prev = 0;
	uint32_t in_len;
	int r;

	if (vq->broken)
		return -EOVERFLOW;
	if (n == 0 || !cookie || n_out > VQ_MAX_SIZE || n_in > VQ_MAX_SIZE)
		return -EINVAL;
	r = vq_check_bufs(out, n_out, in, n_in, &in_len);
	if (r)
		return r;
	if (n > vq->nr_free)
		return -ENOSPC;
	for (unsigned int k = 0; k < n; k++) {
		bool w = k >= n_out;
		uint16_t i = vq_take_desc(vq, w ? &in[k - n_out] : &out[k],
		                          w ? VRING_DESC_F_WRITE : 0);

		if (k == 0) {
			head = i;
		} else {
			vq->desc[prev].flags |= VRING_DESC_F_NEXT;
			vq->desc[prev].next = i;
			vq->slot[prev].next = i;
		}
		prev = i;
	}
	vq->slot[head].cookie = cookie;
	vq->slot[head].in_len = in_len;
	vq->slot[head].nr_desc = (uint16_t)n;
	vq->avail->ring[vq->avail_idx & vq->mask] = head;
	vq->avail_idx++;
	vq->in_flight++;
	/* The descriptors and the ring entry before the index. */
	__atomic_store_n(&vq->avail->idx, vq->avail_idx, __ATOMIC_RELEASE);
	return 0;
}

bool vq_notify_needed(struct virtqueue *vq)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return !(__atomic_load_n(&vq->used->flags, __ATOMIC_RELAXED) &
	         VRING_USED_F_NO_NOTIFY);
}

/* Puts the chain starting at head back on the free list. */
static void vq_free_chain(struct virtqueue *vq, uint16_t head)
{
	struct vq_slot *s = &vq->slot[head];
	uint16_t last = head;

	for (unsigned int k = 1; k < s->nr_desc; k++)
		last = vq->slot[last].next;
	vq->slot[last].next = vq->free_head;
	vq->free_head = head;
	vq->nr_free = (uint16_t)(vq->nr_free + s->nr_desc);
	s->cookie = NULL;
	s->nr_desc = 0;
	s->in_len = 0;
	vq->in_flight--;
}

bool vq_has_used(const struct virtqueue *vq)
{
	return __atomic_load_n(&vq->used->idx, __ATOMIC_RELAXED) != vq->last_used;
}

int vq_get_used(struct virtqueue *vq, void **cookie, uint32_t *len)
{
	uint16_t idx, pending;
	struct vring_used_elem e;

	*cookie = NULL;
	*len = 0;
	if (vq->broken)
		return -EOVERFLOW;
	idx = __atomic_load_n(&vq->used->idx, __ATOMIC_ACQUIRE);
	pending = (uint16_t)(idx - vq->last_used);
	if (pending == 0)
		return 0;
	if (pending > vq->in_flight) {
		vq->stats.idx_jump++;
		vq->last_bad_id = idx;
		vq->broken = true;
		return -EOVERFLOW;
	}
	e = vq->used->ring[vq->last_used & vq->mask];
	vq->last_used++;
	vq->last_bad_id = e.id;
	vq->last_bad_len = e.len;
	if (e.id >= vq->size) {
		vq->stats.bad_id++;
		return -EBADMSG;
	}
	if (!vq->slot[e.id].cookie) {
		vq->stats.not_in_flight++;
		return -EBADMSG;
	}
	*cookie = vq->slot[e.id].cookie;
	*len = e.len;
	if (e.len > vq->slot[e.id].in_len) {
		vq->stats.too_long++;
		vq_free_chain(vq, (uint16_t)e.id);
		return -EMSGSIZE;
	}
	vq_free_chain(vq, (uint16_t)e.id);
	return 1;
}

void vq_disable_intr(struct virtqueue *vq)
{
	__atomic_store_n(&vq->avail->flags, VRING_AVAIL_F_NO_INTERRUPT,
	                 __ATOMIC_RELAXED);
}

bool vq_enable_intr(struct virtqueue *vq)
{
	__atomic_store_n(&vq->avail->flags, 0, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return vq_has_used(vq);
}

void *vq_detach(struct virtqueue *vq)
{
	for (unsigned int i = 0; i < vq->size; i++) {
		void *c = vq->slot[i].cookie;

		if (c) {
			vq_free_chain(vq, (uint16_t)i);
			return c;
		}
	}
	return NULL;
}
