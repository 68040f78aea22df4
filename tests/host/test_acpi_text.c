/* SPDX-License-Identifier: MIT */
/*
 * test_acpi_text.c - host tests of the #acpi text views (acpi_text.c):
 * every MADT, SRAT and MCFG entry type comes out as its line, a short entry
 * is named and not read, a broken entry chain shows no entries, and random
 * entry bytes never read outside the table (each table is an exact-size
 * heap copy, so ASan sees any overread).
 */
#include <stdlib.h>
#include <string.h>

#include "acpi_images.h"
#include "htest.h"

#include <acpi.h>
#include <slice.h>

/* ------------------------------------------------- fake kmalloc --- */

void *kmalloc(size_t size, int flags);
void *krealloc(void *p, size_t size, int flags);
void kfree(void *p);

void *kmalloc(size_t size, int flags)
{
	return malloc(size);
}

void *krealloc(void *p, size_t size, int flags)
{
	return realloc(p, size);
}

void kfree(void *p)
{
	free(p);
}

/* ------------------------------------------------------- helpers --- */

static struct tb t;
static char text[8192];

/* Runs view on an exact-size copy of t; the text lands in 'text'. */
static void view(void (*fn)(struct slice *, const struct acpi_header *))
{
	uint8_t *buf = malloc(t.len);
	struct slice s;

	memcpy(buf, t.b, t.len);
	slice_init(&s);
	fn(&s, (const struct acpi_header *)buf);
	HT_ASSERT(!slice_error(&s));
	HT_ASSERT(slice_len(&s) < sizeof(text));
	memcpy(text, slice_str(&s), slice_len(&s) + 1);
	slice_free(&s);
	free(buf);
}

#define HT_ASSERT_HAS(needle) \
	HT_ASSERT_MSG(strstr(text, (needle)) != NULL, "no \"%s\" in:\n%s", (needle), text)

/* ---------------------------------------------------------- tests --- */

HTEST(madt_every_type)
{
	madt_begin(&t, 0xfee00000, 1);
	madt_lapic(&t, 0, 0, 1);
	madt_x2apic(&t, 300, 7, 1);
	madt_ioapic(&t, 2, 0xfec00000, 24);
	madt_iso(&t, 0, 9, 9, 0xd);
	madt_nmi(&t, 0xff, 0, 1);
	madt_x2nmi(&t, 0xffffffff, 0, 1);
	madt_lapic_override(&t, 0xfee00000);
	madt_raw(&t, 0x7f, 4, 2);
	tb_finish(&t);
	view(acpi_madt_text);
	HT_ASSERT(!strncmp(text, "APIC length ", 12));
	HT_ASSERT_HAS("lapic uid 0 apic 0 flags 0x1\n");
	HT_ASSERT_HAS("x2apic uid 7 apic 300 flags 0x1\n");
	HT_ASSERT_HAS("ioapic id 2 address 0xfec00000 gsi 24\n");
	HT_ASSERT_HAS("override bus 0 irq 9 gsi 9 flags 0xd\n");
	HT_ASSERT_HAS("lapic-nmi uid 255 lint 1 flags 0\n");
	HT_ASSERT_HAS("x2apic-nmi uid 4294967295 lint 1 flags 0\n");
	HT_ASSERT_HAS("lapic-address 0xfee00000\n");
	HT_ASSERT_HAS("type 127 length 4\n");
	HT_ASSERT_HAS("lapic-base 0xfee00000 flags 0x1\n");
}

HTEST(madt_short_entry_and_broken_chain)
{
	madt_begin(&t, 0xfee00000, 1);
	madt_raw(&t, ACPI_MADT_IOAPIC, 6, 4);           /* ioapic needs 12 */
	tb_finish(&t);
	view(acpi_madt_text);
	HT_ASSERT_HAS("type 1 short (length 6, needs 12)\n");
	madt_begin(&t, 0xfee00000, 1);
	madt_lapic(&t, 0, 0, 1);
	madt_raw(&t, ACPI_MADT_LAPIC, 0, 6);            /* length 0: a loop */
	tb_finish(&t);
	view(acpi_madt_text);
	HT_ASSERT_HAS("entries: broken chain, not shown\n");
	HT_ASSERT(!strstr(text, "lapic uid"));
	tb_acpi(&t, "APIC", 3);                         /* no LAPIC address */
	tb_finish(&t);
	view(acpi_madt_text);
	HT_ASSERT_HAS("too short for the local APIC address\n");
}

HTEST(srat_and_mcfg)
{
	srat_begin(&t);
	srat_cpu(&t, 0x10203, 5, 1);
	srat_mem(&t, 1, 0x100000, 0x40000000, 1);
	srat_x2apic(&t, 2, 400, 1);
	tb_finish(&t);
	view(acpi_srat_text);
	HT_ASSERT_HAS("cpu apic 5 domain 66051 flags 0x1\n");
	HT_ASSERT_HAS("memory base 0x100000 length 0x40000000 domain 1 flags 0x1\n");
	HT_ASSERT_HAS("x2apic apic 400 domain 2 flags 0x1\n");
	tb_acpi(&t, "MCFG", 1);
	tb_zeros(&t, 8);
	tb_u64(&t, 0xb0000000);
	tb_u16(&t, 0);
	tb_u8(&t, 0);
	tb_u8(&t, 255);
	tb_u32(&t, 0);
	tb_zeros(&t, 7);                                /* a partial entry */
	tb_finish(&t);
	view(acpi_mcfg_text);
	HT_ASSERT_HAS("ecam base 0xb0000000 segment 0 buses 0-255\n");
	HT_ASSERT(!strstr(strstr(text, "255\n") + 4, "ecam"));
}

/* Random entry bytes: whatever the view prints, it stays inside the table. */
HTEST(random_entries)
{
	srand(31337);
	for (int round = 0; round < 3000; round++) {
		if (round % 2)
			madt_begin(&t, 0xfee00000, 1);
		else
			srat_begin(&t);
		for (int i = 0, n = rand() % 40; i < n; i++)
			tb_u8(&t, (uint8_t)(i % 7 == 1 ? rand() % 24 : rand()));
		tb_finish(&t);
		view(round % 2 ? acpi_madt_text : acpi_srat_text);
	}
}
