/* SPDX-License-Identifier: MIT */
/*
 * virtio9p.h - virtio-9p: 9P messages carried over a virtqueue to the
 * hypervisor's file server (QEMU's -device virtio-9p-pci).  The transport
 * is kern/drivers/virtio/9p.c; #virtio9p (kern/drivers/dev/virtio9p.c)
 * shows one file per device, named by its mount tag, which #mnt mounts
 * like any 9P server's chan.  Documentation/drivers/virtio-9p.md.
 *
 *	struct v9p *d = v9p_get(0);        // NULL past the last device
 *	v9p_open(d);                       // one session at a time (EBUSY)
 *	v9p_write(d, tmsg, n);             // exactly one whole T-message
 *	n = v9p_read(d, buf, len);         // replies, as a byte stream
 *	v9p_close(d);
 *
 * Each write is one request: the message goes out in one buffer with a
 * reply buffer of V9P_MSG_MAX bytes beside it; replies are read back in
 * the order the device completes them, any number of bytes at a time, so
 * the reader of #mnt sees the same stream a pipe would give it.  Reads and
 * writes sleep (abortably: EINTR) for a reply or for free descriptors.
 * The device is untrusted: a used entry the virtqueue refuses is dropped,
 * a broken queue makes every later call fail with EIO.  Replies of a
 * closed session are dropped, so a new session starts clean.
 */
#pragma once

#include <types.h>

#define V9P_MSG_MAX (64 * 1024 + 24)    /* #mnt's msize: the longest message */
#define V9P_TAG_MAX 64                  /* longest mount tag kept */

struct v9p;

/* The i-th device found (0..), or NULL. */
struct v9p *v9p_get(int i);
const char *v9p_tag(const struct v9p *d);
/* Raise EBUSY if a session is open, EIO if the device is broken. */
void v9p_open(struct v9p *d);
void v9p_close(struct v9p *d);
size_t v9p_write(struct v9p *d, const void *buf, size_t n);
size_t v9p_read(struct v9p *d, void *buf, size_t n);
/* Registers the PCI driver (once; #virtio9p's init). */
void virtio_9p_init(void);
