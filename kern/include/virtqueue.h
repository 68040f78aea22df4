/* SPDX-License-Identifier: MIT */
/*
 * virtqueue.h - split virtqueues (virtio 1.1/1.2 section 2.7): the
 * descriptor table, the available ring the driver fills and the used ring
 * the device fills, kept as pure code (kern/drivers/virtio/virtqueue.c)
 * that the host tests (tests/host/test_virtqueue.c) run against a
 * simulated device.
 *
 *	size_t n = vq_ring_bytes(256);          // zeroed, physically contiguous
 *	vq_init(vq, 256, ring_mem, slots);      // slots: struct vq_slot[256]
 *	struct vq_buf in = { .addr = PADDR(buf), .len = 1526 };
 *	vq_add(vq, NULL, 0, &in, 1, cookie);    // device-writable buffer
 *	if (vq_notify_needed(vq)) ...write the queue's notify register...
 *	while ((r = vq_get_used(vq, &cookie, &len)) != 0) { ... }
 *
 * The device is untrusted.  vq_get_used() checks each used entry: an id
 * past the ring or not the head of a chain in flight is refused
 * (-EBADMSG, nothing reclaimed), a length beyond what the chain let the
 * device write gives the cookie back with -EMSGSIZE (the chain is
 * reclaimed; the caller drops the data), and a used index that runs ahead
 * of the chains in flight breaks the queue (-EOVERFLOW until vq_init; the
 * caller resets the device and takes its buffers back with vq_detach()).
 * The chain links the driver follows are its own copies (vq_slot.next),
 * never the shared table, so the device cannot redirect a reclaim.
 *
 * Locking: none here; the caller serialises all calls on one queue (the
 * drivers hold a per-queue spinlock).  Ring memory is little-endian and
 * shared with the device: used-ring reads are ordered after the used
 * index with an acquire fence, the available index is published with a
 * release store.  Not done: event index (VIRTIO_F_RING_EVENT_IDX),
 * indirect descriptors, packed rings.
 */
#pragma once

#include <types.h>

#define VQ_MAX_SIZE 32768       /* split rings: a power of two up to this */

/* Descriptor flags. */
#define VRING_DESC_F_NEXT     1
#define VRING_DESC_F_WRITE    2
#define VRING_DESC_F_INDIRECT 4
/* avail->flags: the driver does not want interrupts. */
#define VRING_AVAIL_F_NO_INTERRUPT 1
/* used->flags: the device does not want notifications. */
#define VRING_USED_F_NO_NOTIFY 1

struct vring_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct vring_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];        /* size entries, then used_event */
};

struct vring_used_elem {
	uint32_t id;            /* head of the chain */
	uint32_t len;           /* bytes the device wrote */
};

struct vring_used {
	uint16_t flags;
	uint16_t idx;
	struct vring_used_elem ring[];  /* size entries, then avail_event */
};

/* One buffer of a chain: bus address and length (non-zero). */
struct vq_buf {
	uint64_t addr;
	uint32_t len;
};

/* Per descriptor, the driver's private state. */
struct vq_slot {
	void *cookie;           /* non-NULL: head of a chain in flight */
	uint32_t in_len;        /* head: device-writable bytes of the chain */
	uint16_t nr_desc;       /* head: descriptors in the chain */
	uint16_t next;          /* the free list, or the chain: our own copy */
};

/* Device misbehaviour seen, for statistics. */
struct vq_stats {
	uint64_t bad_id;        /* used id >= size */
	uint64_t not_in_flight; /* used id not the head of a chain in flight */
	uint64_t too_long;      /* used len beyond the chain's writable bytes */
	uint64_t idx_jump;      /* used idx ahead of the chains in flight */
};

struct virtqueue {
	uint16_t size;          /* power of two */
	uint16_t mask;          /* size - 1 */
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	struct vq_slot *slot;   /* size entries */
	uint16_t free_head;     /* first free descriptor */
	uint16_t nr_free;       /* free descriptors */
	uint16_t avail_idx;     /* next available index (published) */
	uint16_t last_used;     /* next used entry to read */
	unsigned int in_flight; /* chains handed to the device */
	bool broken;            /* -EOVERFLOW seen: only vq_detach() works */
	uint32_t last_bad_id;   /* id or len of the last refused entry */
	uint32_t last_bad_len;
	struct vq_stats stats;
	/* For the transport (not used here): */
	uint16_t index;         /* queue number on the device */
	volatile void *notify;  /* its notify register */
};

/* Offsets in the ring memory: descriptors at 0, available ring, used ring
 * (aligned to 64 bytes).  Total bytes for 'size' entries. */
size_t vq_avail_offset(unsigned int size);
size_t vq_used_offset(unsigned int size);
size_t vq_ring_bytes(unsigned int size);

/* Sets vq up over ring_mem (vq_ring_bytes(size), zeroed here) and slots
 * (size entries).  0, or -EINVAL for a size that is 0, not a power of two
 * or above VQ_MAX_SIZE. */
int vq_init(struct virtqueue *vq, unsigned int size, void *ring_mem,
            struct vq_slot *slots);

/*
 * Makes one chain of n_out device-readable then n_in device-writable
 * buffers available, remembered by cookie (non-NULL), and publishes it.
 * 0, -EINVAL (no buffers, a NULL cookie, a zero length, writable bytes
 * above 4 GiB), -ENOSPC (fewer free descriptors than buffers) or -EOVERFLOW
 * (the queue is broken).
 */
int vq_add(struct virtqueue *vq, const struct vq_buf *out, unsigned int n_out,
           const struct vq_buf *in, unsigned int n_in, void *cookie);

/* Whether the device asked to be notified of new buffers (call after
 * vq_add; a full fence orders the publication before the check). */
bool vq_notify_needed(struct virtqueue *vq);

/*
 * Takes the next used entry.  1: *cookie and *len (bytes written) are the
 * chain's, which is reclaimed.  0: nothing used.  -EBADMSG: the entry's id
 * was out of range or not in flight; it is skipped, *cookie is NULL.
 * -EMSGSIZE: *len exceeds the writable bytes; the chain is reclaimed and
 * *cookie given back for the caller to drop.  -EOVERFLOW: the used index ran
 * ahead of what is in flight; the queue is broken.  last_bad_id/len tell
 * what was refused.
 */
int vq_get_used(struct virtqueue *vq, void **cookie, uint32_t *len);

/* Whether used entries are waiting (no fence). */
bool vq_has_used(const struct virtqueue *vq);

/* Turns used-buffer interrupts off or on (a hint to the device).
 * vq_enable_intr() returns whether entries arrived meanwhile. */
void vq_disable_intr(struct virtqueue *vq);
bool vq_enable_intr(struct virtqueue *vq);

/* After the device was reset: takes back one chain still in flight,
 * returning its cookie (NULL when none is left). */
void *vq_detach(struct virtqueue *vq);
