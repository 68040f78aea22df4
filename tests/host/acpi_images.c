/* SPDX-License-Identifier: MIT */
/*
 * acpi_images.c - the fake physical memory and the table builders declared
 * in acpi_images.h.  Field layouts follow the ACPI 6.x and MP 1.4 specs;
 * every multi-byte value is little-endian, written byte by byte.
 */
#include "acpi_images.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <acpi.h>

enum { TB_ACPI, TB_MP };

static uint8_t *img_mem;
static void **img_copies;
static size_t img_nr_copies, img_cap_copies;
static unsigned int img_failures;

static void img_free_copies(void)
{
	for (size_t i = 0; i < img_nr_copies; i++)
		free(img_copies[i]);
	img_nr_copies = 0;
}

void img_reset(void)
{
	if (!img_mem)
		img_mem = malloc(IMG_SIZE);
	if (!img_mem)
		abort();
	memset(img_mem, 0, IMG_SIZE);
	img_free_copies();
	img_failures = 0;
	acpi_set_map(img_map);
}

uint8_t *img_ptr(uint64_t pa)
{
	if (pa >= IMG_SIZE)
		abort();
	return img_mem + pa;
}

unsigned int img_map_failures(void)
{
	return img_failures;
}

const void *img_map(uintptr_t pa, size_t len)
{
	void *copy;

	if (pa >= IMG_SIZE || len > IMG_SIZE - pa) {
		img_failures++;
		return NULL;
	}
	if (img_nr_copies == img_cap_copies) {
		img_cap_copies = img_cap_copies ? 2 * img_cap_copies : 64;
		img_copies = realloc(img_copies, img_cap_copies * sizeof(void *));
		if (!img_copies)
			abort();
	}
	copy = malloc(len);
	if (!copy)
		abort();
	memcpy(copy, img_mem + pa, len);
	img_copies[img_nr_copies++] = copy;
	return copy;
}

static uint8_t sum_bytes(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	while (len--)
		s += *p++;
	return s;
}

void img_fix_checksum(uint64_t pa, size_t len, size_t cks_off)
{
	uint8_t *p = img_ptr(pa);

	p[cks_off] = 0;
	p[cks_off] = (uint8_t)-sum_bytes(p, len);
}

/* ------------------------------------------------------------ assembly --- */

static void tb_need(struct tb *t, size_t n)
{
	if (t->len + n > TB_MAX) {
		fprintf(stderr, "acpi_images: table over %d bytes\n", TB_MAX);
		abort();
	}
}

void tb_u8(struct tb *t, uint8_t v)
{
	tb_need(t, 1);
	t->b[t->len++] = v;
}

void tb_u16(struct tb *t, uint16_t v)
{
	tb_u8(t, v & 0xff);
	tb_u8(t, v >> 8);
}

void tb_u32(struct tb *t, uint32_t v)
{
	tb_u16(t, v & 0xffff);
	tb_u16(t, v >> 16);
}

void tb_u64(struct tb *t, uint64_t v)
{
	tb_u32(t, (uint32_t)v);
	tb_u32(t, (uint32_t)(v >> 32));
}

void tb_zeros(struct tb *t, size_t n)
{
	while (n--)
		tb_u8(t, 0);
}

static void tb_bytes(struct tb *t, const void *p, size_t n)
{
	tb_need(t, n);
	memcpy(t->b + t->len, p, n);
	t->len += n;
}

static void put_le(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void tb_acpi(struct tb *t, const char sig[4], uint8_t rev)
{
	memset(t, 0, sizeof(*t));
	t->kind = TB_ACPI;
	t->cks_off = 9;
	tb_bytes(t, sig, 4);
	tb_u32(t, 0);             /* length, by tb_finish */
	tb_u8(t, rev);
	tb_u8(t, 0);              /* checksum, by tb_finish */
	tb_bytes(t, "VIREO ", 6);
	tb_bytes(t, "HOSTTEST", 8);
	tb_u32(t, 1);
	tb_u32(t, 0x54534554);    /* creator "TEST" */
	tb_u32(t, 1);
}

void tb_finish(struct tb *t)
{
	if (t->kind == TB_ACPI) {
		put_le(t->b + 4, t->len, 4);
	} else {
		put_le(t->b + 4, t->len, 2);
		put_le(t->b + 34, t->count, 2);
	}
	t->b[t->cks_off] = 0;
	t->b[t->cks_off] = (uint8_t)-sum_bytes(t->b, t->len);
}

void tb_place(const struct tb *t, uint64_t pa)
{
	if (pa + t->len > IMG_SIZE)
		abort();
	memcpy(img_ptr(pa), t->b, t->len);
}

/* ---------------------------------------------------------------- ACPI --- */

void rsdp_bytes(uint8_t out[36], uint8_t rev, uint32_t rsdt, uint64_t xsdt)
{
	memset(out, 0, 36);
	memcpy(out, "RSD PTR ", 8);
	memcpy(out + 9, "VIREO ", 6);
	out[15] = rev;
	put_le(out + 16, rsdt, 4);
	out[8] = (uint8_t)-sum_bytes(out, 20);
	if (rev < 2)
		return;
	put_le(out + 20, 36, 4);
	put_le(out + 24, xsdt, 8);
	out[32] = (uint8_t)-sum_bytes(out, 36);
}

void img_rsdp(uint64_t pa, uint8_t rev, uint32_t rsdt, uint64_t xsdt)
{
	uint8_t b[36];

	rsdp_bytes(b, rev, rsdt, xsdt);
	memcpy(img_ptr(pa), b, rev < 2 ? 20 : 36);
}

void img_rsdt(uint64_t pa, const uint32_t *tables, int n)
{
	static struct tb t;

	tb_acpi(&t, "RSDT", 1);
	for (int i = 0; i < n; i++)
		tb_u32(&t, tables[i]);
	tb_finish(&t);
	tb_place(&t, pa);
}

void img_xsdt(uint64_t pa, const uint64_t *tables, int n)
{
	static struct tb t;

	tb_acpi(&t, "XSDT", 1);
	for (int i = 0; i < n; i++)
		tb_u64(&t, tables[i]);
	tb_finish(&t);
	tb_place(&t, pa);
}

void img_plain_table(uint64_t pa, const char sig[4], size_t body)
{
	static struct tb t;

	tb_acpi(&t, sig, 1);
	tb_zeros(&t, body);
	tb_finish(&t);
	tb_place(&t, pa);
}

void madt_begin(struct tb *t, uint32_t lapic, uint32_t flags)
{
	tb_acpi(t, "APIC", 3);
	tb_u32(t, lapic);
	tb_u32(t, flags);
}

void madt_lapic(struct tb *t, uint8_t uid, uint8_t apic_id, uint32_t flags)
{
	tb_u8(t, 0);
	tb_u8(t, 8);
	tb_u8(t, uid);
	tb_u8(t, apic_id);
	tb_u32(t, flags);
}

void madt_x2apic(struct tb *t, uint32_t x2apic_id, uint32_t uid, uint32_t flags)
{
	tb_u8(t, 9);
	tb_u8(t, 16);
	tb_u16(t, 0);
	tb_u32(t, x2apic_id);
	tb_u32(t, flags);
	tb_u32(t, uid);
}

void madt_ioapic(struct tb *t, uint8_t id, uint32_t addr, uint32_t gsi_base)
{
	tb_u8(t, 1);
	tb_u8(t, 12);
	tb_u8(t, id);
	tb_u8(t, 0);
	tb_u32(t, addr);
	tb_u32(t, gsi_base);
}

void madt_iso(struct tb *t, uint8_t bus, uint8_t irq, uint32_t gsi, uint16_t flags)
{
	tb_u8(t, 2);
	tb_u8(t, 10);
	tb_u8(t, bus);
	tb_u8(t, irq);
	tb_u32(t, gsi);
	tb_u16(t, flags);
}

void madt_nmi(struct tb *t, uint8_t uid, uint16_t flags, uint8_t lint)
{
	tb_u8(t, 4);
	tb_u8(t, 6);
	tb_u8(t, uid);
	tb_u16(t, flags);
	tb_u8(t, lint);
}

void madt_x2nmi(struct tb *t, uint32_t uid, uint16_t flags, uint8_t lint)
{
	tb_u8(t, 0xa);
	tb_u8(t, 12);
	tb_u16(t, flags);
	tb_u32(t, uid);
	tb_u8(t, lint);
	tb_zeros(t, 3);
}

void madt_lapic_override(struct tb *t, uint64_t addr)
{
	tb_u8(t, 5);
	tb_u8(t, 12);
	tb_u16(t, 0);
	tb_u64(t, addr);
}

void madt_raw(struct tb *t, uint8_t type, uint8_t length, size_t body)
{
	tb_u8(t, type);
	tb_u8(t, length);
	tb_zeros(t, body);
}

void hpet_build(struct tb *t, uint32_t block_id, uint8_t space_id,
                uint64_t addr, uint8_t seq, uint16_t min_tick)
{
	tb_acpi(t, "HPET", 1);
	tb_u32(t, block_id);
	tb_u8(t, space_id);
	tb_u8(t, 64);             /* register bit width */
	tb_u8(t, 0);
	tb_u8(t, 0);
	tb_u64(t, addr);
	tb_u8(t, seq);
	tb_u16(t, min_tick);
	tb_u8(t, 0);
	tb_finish(t);
}

void srat_begin(struct tb *t)
{
	tb_acpi(t, "SRAT", 3);
	tb_u32(t, 1);             /* table revision, reserved */
	tb_u64(t, 0);
}

void srat_cpu(struct tb *t, uint32_t domain, uint8_t apic_id, uint32_t flags)
{
	tb_u8(t, 0);
	tb_u8(t, 16);
	tb_u8(t, domain & 0xff);
	tb_u8(t, apic_id);
	tb_u32(t, flags);
	tb_u8(t, 0);
	tb_u8(t, (domain >> 8) & 0xff);
	tb_u8(t, (domain >> 16) & 0xff);
	tb_u8(t, domain >> 24);
	tb_u32(t, 0);
}

void srat_mem(struct tb *t, uint32_t domain, uint64_t base, uint64_t len,
              uint32_t flags)
{
	tb_u8(t, 1);
	tb_u8(t, 40);
	tb_u32(t, domain);
	tb_u16(t, 0);
	tb_u64(t, base);
	tb_u64(t, len);
	tb_u32(t, 0);
	tb_u32(t, flags);
	tb_u64(t, 0);
}

void srat_x2apic(struct tb *t, uint32_t domain, uint32_t x2apic_id,
                 uint32_t flags)
{
	tb_u8(t, 2);
	tb_u8(t, 24);
	tb_u16(t, 0);
	tb_u32(t, domain);
	tb_u32(t, x2apic_id);
	tb_u32(t, flags);
	tb_u32(t, 0);
	tb_u32(t, 0);
}

/* ------------------------------------------------------------------ MP --- */

void img_mp_fps(uint64_t pa, uint32_t cfg_pa, uint8_t feature1)
{
	uint8_t *p = img_ptr(pa);

	memset(p, 0, 16);
	memcpy(p, "_MP_", 4);
	put_le(p + 4, cfg_pa, 4);
	p[8] = 1;                 /* length in paragraphs */
	p[9] = 4;                 /* spec 1.4 */
	p[11] = feature1;
	p[10] = (uint8_t)-sum_bytes(p, 16);
}

void mpc_begin(struct tb *t, uint32_t lapic)
{
	memset(t, 0, sizeof(*t));
	t->kind = TB_MP;
	t->cks_off = 7;
	tb_bytes(t, "PCMP", 4);
	tb_u16(t, 0);             /* base length, by tb_finish */
	tb_u8(t, 4);
	tb_u8(t, 0);
	tb_bytes(t, "VIREO   ", 8);
	tb_bytes(t, "HOSTTEST    ", 12);
	tb_u32(t, 0);
	tb_u16(t, 0);
	tb_u16(t, 0);             /* entry count, by tb_finish */
	tb_u32(t, lapic);
	tb_u16(t, 0);
	tb_u8(t, 0);
	tb_u8(t, 0);
}

void mpc_cpu(struct tb *t, uint8_t apic_id, uint8_t flags)
{
	tb_u8(t, 0);
	tb_u8(t, apic_id);
	tb_u8(t, 0x14);
	tb_u8(t, flags);
	tb_u32(t, 0x600);
	tb_u32(t, 0x201);
	tb_zeros(t, 8);
	t->count++;
}

void mpc_bus(struct tb *t, uint8_t id, const char type[6])
{
	tb_u8(t, 1);
	tb_u8(t, id);
	tb_bytes(t, type, 6);
	t->count++;
}

void mpc_ioapic(struct tb *t, uint8_t id, uint8_t flags, uint32_t addr)
{
	tb_u8(t, 2);
	tb_u8(t, id);
	tb_u8(t, 0x11);
	tb_u8(t, flags);
	tb_u32(t, addr);
	t->count++;
}

void mpc_intr(struct tb *t, uint8_t type, uint8_t bus, uint8_t irq,
              uint8_t ioapic, uint8_t pin)
{
	tb_u8(t, type);           /* 3: I/O interrupt, 4: local */
	tb_u8(t, 0);              /* INT */
	tb_u16(t, 0);
	tb_u8(t, bus);
	tb_u8(t, irq);
	tb_u8(t, ioapic);
	tb_u8(t, pin);
	t->count++;
}
