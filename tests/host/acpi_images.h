/* SPDX-License-Identifier: MIT */
/*
 * acpi_images.h - builders of synthetic firmware-table images for the ACPI
 * and MP-table host tests (tests/host/test_acpi.c).
 *
 * A fake physical memory of IMG_SIZE bytes stands for phys [0, IMG_SIZE).
 * img_reset() zeroes it and installs img_map() as the acpi_map accessor.
 * img_map() returns a fresh heap copy of exactly the bytes asked for, so
 * ASan reports any read past the length the parser mapped; anything not
 * wholly inside the image gets NULL.  Copies live until the next img_reset().
 *
 * Tables are assembled in a struct tb with append helpers and closed with
 * tb_finish(), which fills in the length and checksum, so tests read as
 * lists of entries:
 *	madt_begin(&t, 0xfee00000, 1);
 *	madt_lapic(&t, 0, 0, 1);
 *	tb_finish(&t);
 *	tb_place(&t, 0x100000);
 * Tests corrupt an image after placing it (img_ptr) to build bad cases.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define IMG_SIZE  (4u << 20)
#define TB_MAX    16384

struct tb {
	uint8_t b[TB_MAX];
	size_t len;
	unsigned int count;      /* entries appended (MP tables use it) */
	size_t cks_off;          /* checksum byte offset */
	int kind;                /* TB_ACPI or TB_MP */
};

void img_reset(void);
uint8_t *img_ptr(uint64_t pa);
const void *img_map(uintptr_t pa, size_t len);
/* Number of img_map() calls since img_reset() that returned NULL. */
unsigned int img_map_failures(void);
/* Recomputes the checksum byte at cks_off over len bytes at pa. */
void img_fix_checksum(uint64_t pa, size_t len, size_t cks_off);

/* ---- generic table assembly ---- */
void tb_acpi(struct tb *t, const char sig[4], uint8_t rev);
void tb_u8(struct tb *t, uint8_t v);
void tb_u16(struct tb *t, uint16_t v);
void tb_u32(struct tb *t, uint32_t v);
void tb_u64(struct tb *t, uint64_t v);
void tb_zeros(struct tb *t, size_t n);
void tb_finish(struct tb *t);
void tb_place(const struct tb *t, uint64_t pa);

/* ---- ACPI ---- */
/* 36 bytes: revision 0 (v1, checksum over 20) or 2 (both checksums). */
void rsdp_bytes(uint8_t out[36], uint8_t rev, uint32_t rsdt, uint64_t xsdt);
void img_rsdp(uint64_t pa, uint8_t rev, uint32_t rsdt, uint64_t xsdt);
void img_rsdt(uint64_t pa, const uint32_t *tables, int n);
void img_xsdt(uint64_t pa, const uint64_t *tables, int n);
/* A table with only a header and 'body' zero bytes (FACP, SSDT...). */
void img_plain_table(uint64_t pa, const char sig[4], size_t body);

void madt_begin(struct tb *t, uint32_t lapic, uint32_t flags);
void madt_lapic(struct tb *t, uint8_t uid, uint8_t apic_id, uint32_t flags);
void madt_x2apic(struct tb *t, uint32_t x2apic_id, uint32_t uid, uint32_t flags);
void madt_ioapic(struct tb *t, uint8_t id, uint32_t addr, uint32_t gsi_base);
void madt_iso(struct tb *t, uint8_t bus, uint8_t irq, uint32_t gsi, uint16_t flags);
void madt_nmi(struct tb *t, uint8_t uid, uint16_t flags, uint8_t lint);
void madt_x2nmi(struct tb *t, uint32_t uid, uint16_t flags, uint8_t lint);
void madt_lapic_override(struct tb *t, uint64_t addr);
/* A raw entry: type, length byte, then len-2 zero bytes (at least 0). */
void madt_raw(struct tb *t, uint8_t type, uint8_t length, size_t body);

void hpet_build(struct tb *t, uint32_t block_id, uint8_t space_id,
                uint64_t addr, uint8_t seq, uint16_t min_tick);

void srat_begin(struct tb *t);
void srat_cpu(struct tb *t, uint32_t domain, uint8_t apic_id, uint32_t flags);
void srat_mem(struct tb *t, uint32_t domain, uint64_t base, uint64_t len,
              uint32_t flags);
void srat_x2apic(struct tb *t, uint32_t domain, uint32_t x2apic_id,
                 uint32_t flags);

/* ---- MultiProcessor tables ---- */
void img_mp_fps(uint64_t pa, uint32_t cfg_pa, uint8_t feature1);
void mpc_begin(struct tb *t, uint32_t lapic);
void mpc_cpu(struct tb *t, uint8_t apic_id, uint8_t flags);
void mpc_bus(struct tb *t, uint8_t id, const char type[6]);
void mpc_ioapic(struct tb *t, uint8_t id, uint8_t flags, uint32_t addr);
void mpc_intr(struct tb *t, uint8_t type, uint8_t bus, uint8_t irq,
              uint8_t ioapic, uint8_t pin);
