/* SPDX-License-Identifier: MIT */
/*
 * virtio_internal.h - register accessors shared by the transport's files
 * (transport.c, queue.c).  Device memory is uncached and little-endian,
 * as x86 is; every access is one volatile load or store of its width.
 */
#pragma once

#include <virtio.h>

static inline uint8_t vio_r8(volatile uint8_t *p)
{
	return *p;
}

static inline uint16_t vio_r16(volatile uint8_t *p)
{
	return *(volatile uint16_t *)p;
}

static inline uint32_t vio_r32(volatile uint8_t *p)
{
	return *(volatile uint32_t *)p;
}

static inline void vio_w8(volatile uint8_t *p, uint8_t v)
{
	*p = v;
}

static inline void vio_w16(volatile uint8_t *p, uint16_t v)
{
	*(volatile uint16_t *)p = v;
}

static inline void vio_w32(volatile uint8_t *p, uint32_t v)
{
	*(volatile uint32_t *)p = v;
}

/* A 64-bit register as two 32-bit halves, low first (4.1.3.1). */
static inline void vio_w64(volatile uint8_t *p, uint64_t v)
{
	vio_w32(p, (uint32_t)v);
	vio_w32(p + 4, (uint32_t)(v >> 32));
}

/* ORs bits into the device status (the handshake only ever adds). */
void virtio_set_status(struct virtio_dev *vd, uint8_t bits);
