/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/virtqueue.c - libFuzzer target for the split virtqueue
 * (kern/drivers/virtio/virtqueue.c).
 *
 * The input is a script, two or three bytes a step: the driver adds a
 * chain (1-4 buffers, some device-writable), takes used entries, or
 * detaches everything after a "reset"; the device writes a used entry
 * with any id and length, sets the used index to any value, or scribbles
 * over the descriptor table and the available ring.  The ring size is
 * chosen by the first byte (1 to 64).  Beyond the sanitizers, it checks
 * the promises: every descriptor is either free or in exactly one chain in
 * flight, a cookie comes back at most once and only for a chain that was
 * added, and after a break vq_detach() gives every chain back.  A broken
 * promise aborts.
 */
#include <errno.h>
#include <virtqueue.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_CHECK(c) do { if (!(c)) abort(); } while (0)
#define FZ_COOKIES 4096

struct fz {
	struct virtqueue vq;
	void *ring;
	struct vq_slot *slots;
	uint8_t live[FZ_COOKIES];       /* cookie i + 1 is in flight */
	unsigned int next_cookie;
	uint16_t dev_used;
	uint8_t buf[64];
};

static void fz_invariant(struct fz *z)
{
	unsigned int held = 0, live = 0;

	for (unsigned int i = 0; i < z->vq.size; i++)
		if (z->vq.slot[i].cookie)
			held += z->vq.slot[i].nr_desc;
	for (unsigned int i = 0; i < FZ_COOKIES; i++)
		live += z->live[i];
	FZ_CHECK(held + z->vq.nr_free == z->vq.size);
	FZ_CHECK(live == z->vq.in_flight);
}

static void fz_returned(struct fz *z, void *cookie)
{
	uintptr_t c = (uintptr_t)cookie;

	FZ_CHECK(c >= 1 && c <= FZ_COOKIES && z->live[c - 1]);
	z->live[c - 1] = 0;
}

static void fz_add(struct fz *z, uint8_t arg)
{
	struct vq_buf b[4];
	unsigned int n = 1 + (arg & 3), n_out = (arg >> 2) % (n + 1);
	uintptr_t c;
	int r;

	if (z->next_cookie >= FZ_COOKIES)
		return;
	for (unsigned int i = 0; i < n; i++)
		b[i] = (struct vq_buf){ .addr = (uintptr_t)z->buf, .len = 1 + (arg >> 4) };
	c = z->next_cookie + 1;
	r = vq_add(&z->vq, b, n_out, b + n_out, n - n_out, (void *)c);
	FZ_CHECK(r == 0 || r == -ENOSPC || r == -EOVERFLOW);
	if (r == 0)
		z->live[z->next_cookie++] = 1;
}

static void fz_drain(struct fz *z)
{
	void *cookie;
	uint32_t len;
	int r;

	while ((r = vq_get_used(&z->vq, &cookie, &len)) != 0) {
		if (r == -EOVERFLOW)
			return;
		FZ_CHECK(r == 1 || r == -EMSGSIZE || r == -EBADMSG);
		if (r == -EBADMSG)
			FZ_CHECK(cookie == NULL);
		else
			fz_returned(z, cookie);
	}
}

static void fz_reset(struct fz *z)
{
	void *cookie;

	while ((cookie = vq_detach(&z->vq)))
		fz_returned(z, cookie);
	FZ_CHECK(z->vq.nr_free == z->vq.size && z->vq.in_flight == 0);
	vq_init(&z->vq, z->vq.size, z->ring, z->slots);
	z->dev_used = 0;
}

static void fz_step(struct fz *z, uint8_t op, uint8_t a, uint8_t b)
{
	switch (op % 6) {
	case 0:
		fz_add(z, a);
		break;
	case 1:                         /* device: one used entry */
		z->vq.used->ring[z->dev_used & z->vq.mask] =
			(struct vring_used_elem){ .id = a % (z->vq.size + 3), .len = b };
		z->vq.used->idx = ++z->dev_used;
		break;
	case 2:                         /* device: any used index */
		z->vq.used->idx = z->dev_used = (uint16_t)(a | b << 8);
		break;
	case 3:                         /* device: scribbles */
		((uint8_t *)z->vq.desc)[(a * 7u + b) % vq_used_offset(z->vq.size)] = b;
		break;
	case 4:
		fz_drain(z);
		break;
	case 5:
		if (z->vq.broken || a == 0)
			fz_reset(z);
		break;
	}
	fz_invariant(z);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz *z;
	unsigned int qsize;

	if (size < 1)
		return 0;
	qsize = 1u << (data[0] % 7);    /* 1 .. 64 */
	z = calloc(1, sizeof(*z));
	z->ring = malloc(vq_ring_bytes(qsize));
	z->slots = malloc(sizeof(struct vq_slot) * qsize);
	FZ_CHECK(vq_init(&z->vq, qsize, z->ring, z->slots) == 0);
	for (size_t i = 1; i + 2 < size; i += 3)
		fz_step(z, data[i], data[i + 1], data[i + 2]);
	fz_reset(z);
	free(z->ring);
	free(z->slots);
	free(z);
	return 0;
}
