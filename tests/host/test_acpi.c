/* SPDX-License-Identifier: MIT */
/*
 * test_acpi.c - host tests of the firmware table parsers (ACPI RSDP, RSDT,
 * XSDT, MADT, HPET, SRAT, and the MP table fallback).
 *
 * Each test builds table images in the fake physical memory of
 * acpi_images.c (whose accessor hands out exact-length copies, so ASan
 * catches any read past a mapped length), runs the parser, and checks what
 * it took and what it refused.  Bad inputs must give an error or a skipped
 * item with a message, never a crash, a hang or an out-of-bounds read.
 * CAPTURED(expr) captures printk output (htest_capture_*) to check the
 * messages, and echoes it into the log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acpi_images.h"
#include "htest.h"

#include <acpi.h>
#include <errno.h>

#define RSDP_PA   0xe0040u
#define RSDT_PA   0x100000u
#define XSDT_PA   0x101000u
#define MADT_PA   0x102000u
#define MADT2_PA  0x103000u
#define HPET_PA   0x104000u
#define SRAT_PA   0x105000u
#define FACP_PA   0x106000u
#define MPC_PA    0xf1000u

static struct tb t;              /* big; keep it off the stack */
static struct platform_info pi;

/* ------------------------------------------------------ log capture --- */

/* Evaluates expr with printk output captured into cap_log; yields its value. */
static const char *cap_log;
#define CAPTURED(expr)                                                     \
	({                                                                 \
		htest_capture_begin();                                     \
		long _v = (expr);                                          \
		cap_log = htest_capture_end();                             \
		fputs(cap_log, stderr);        /* keep it in the log too */ \
		_v;                                                        \
	})

#define HT_ASSERT_LOG(log, text) \
	HT_ASSERT_MSG(strstr((log), (text)) != NULL, "log lacks \"%s\"", (text))

/* -------------------------------------------------------- fixtures --- */

/* MADT with 'n' enabled xAPIC CPUs (ids 0..n-1) and one IOAPIC. */
static void put_simple_madt(uint64_t pa, int n)
{
	madt_begin(&t, 0xfee00000, 1);
	for (int i = 0; i < n; i++)
		madt_lapic(&t, i, i, 1);
	madt_ioapic(&t, 0, 0xfec00000, 0);
	tb_finish(&t);
	tb_place(&t, pa);
}

/* A fresh image with a two-CPU MADT listed by an RSDT; the test adds an RSDP. */
static void put_madt_and_rsdt(void)
{
	static const uint32_t tabs[] = { MADT_PA };

	img_reset();
	put_simple_madt(MADT_PA, 2);
	img_rsdt(RSDT_PA, tabs, 1);
}

/* RSDP v1 in the BIOS area -> RSDT -> the given tables. */
static void put_v1_root(const uint32_t *tables, int n)
{
	img_rsdt(RSDT_PA, tables, n);
	img_rsdp(RSDP_PA, 0, RSDT_PA, 0);
}

/* -------------------------------------------------- RSDP and root --- */

HTEST(rsdp_v1_rsdt_found_by_scan)
{
	uint32_t tabs[] = { MADT_PA };

	img_reset();
	put_simple_madt(MADT_PA, 2);
	put_v1_root(tabs, 1);
	HT_ASSERT_EQ(acpi_init(&pi, NULL, 0), 0);
	HT_ASSERT_EQ(pi.source, PLATFORM_SRC_ACPI);
	HT_ASSERT_EQ(pi.nr_cpus, 2);
	HT_ASSERT_EQ(pi.nr_ioapics, 1);
	HT_ASSERT_EQ(pi.nr_rejected, 0);
	HT_ASSERT(acpi_find_table("APIC", 0) != NULL);
	HT_ASSERT(acpi_find_table("APIC", 1) == NULL);
	HT_ASSERT(acpi_find_table("HPET", 0) == NULL);
	HT_ASSERT(!pi.hpet.present);
	HT_ASSERT(!pi.numa.present);
}

HTEST(rsdp_v2_prefers_xsdt)
{
	uint32_t rtabs[] = { MADT_PA };
	uint64_t xtabs[] = { MADT2_PA };

	img_reset();
	put_simple_madt(MADT_PA, 1);
	put_simple_madt(MADT2_PA, 4);
	img_rsdt(RSDT_PA, rtabs, 1);
	img_xsdt(XSDT_PA, xtabs, 1);
	img_rsdp(RSDP_PA, 2, RSDT_PA, XSDT_PA);
	HT_ASSERT_EQ(acpi_init(&pi, NULL, 0), 0);
	HT_ASSERT_EQ(pi.nr_cpus, 4);
	HT_ASSERT_EQ(pi.nr_rejected, 0);
}

HTEST(rsdp_hint_from_boot_loader)
{
	uint64_t xtabs[] = { MADT_PA };
	uint8_t rsdp[36];
	uint8_t *hint = malloc(36);  /* exact size: ASan guards the tail */

	img_reset();
	put_simple_madt(MADT_PA, 3);
	img_xsdt(XSDT_PA, xtabs, 1);
	rsdp_bytes(rsdp, 2, 0, XSDT_PA);
	memcpy(hint, rsdp, 36);
	HT_ASSERT_EQ(acpi_init(&pi, hint, 36), 0);
	HT_ASSERT_EQ(pi.nr_cpus, 3);
	free(hint);
}

HTEST(rsdp_v1_hint_of_20_bytes)
{
	uint8_t rsdp[36];
	uint8_t *hint = malloc(20);

	put_madt_and_rsdt();
	rsdp_bytes(rsdp, 0, RSDT_PA, 0);
	memcpy(hint, rsdp, 20);
	HT_ASSERT_EQ(acpi_init(&pi, hint, 20), 0);
	HT_ASSERT_EQ(pi.nr_cpus, 2);
	free(hint);
}

HTEST(rsdp_bad_hint_falls_back_to_scan)
{
	uint32_t tabs[] = { MADT_PA };
	uint8_t hint[36];
	const char *log;

	img_reset();
	put_simple_madt(MADT_PA, 2);
	put_v1_root(tabs, 1);
	rsdp_bytes(hint, 0, 0x3000000, 0);
	hint[8] ^= 0x55;
	HT_ASSERT_EQ(CAPTURED(acpi_init(&pi, hint, sizeof(hint))), 0);
	log = cap_log;
	HT_ASSERT_LOG(log, "not valid; scanning");
	HT_ASSERT_EQ(pi.nr_cpus, 2);
}

HTEST(rsdp_bad_checksum_scan_goes_on)
{
	const char *log;

	put_madt_and_rsdt();
	img_rsdp(0xe0000, 0, 0x3000000, 0);
	img_ptr(0xe0000)[8] ^= 1;             /* bad: first candidate */
	img_rsdp(0xf0010, 0, RSDT_PA, 0);     /* good: a later one */
	HT_ASSERT_EQ(CAPTURED(acpi_init(&pi, NULL, 0)), 0);
	log = cap_log;
	HT_ASSERT_LOG(log, "RSDP at 0xe0000 has bad checksum");
	HT_ASSERT_EQ(pi.nr_cpus, 2);
}

HTEST(rsdp_only_bad_fails_cleanly)
{
	img_reset();
	img_rsdp(0xe0000, 0, RSDT_PA, 0);
	img_ptr(0xe0000)[8] ^= 1;
	memcpy(img_ptr(0xfffe0), "RSD PTR ", 8);  /* a lone signature at the end */
	HT_ASSERT_EQ(acpi_init(&pi, NULL, 0), -ENOENT);
	HT_ASSERT_EQ(pi.nr_cpus, 0);
	HT_ASSERT(acpi_find_table("APIC", 0) == NULL);
}

HTEST(rsdp_in_ebda)
{
	put_madt_and_rsdt();
	img_ptr(0x40e)[0] = 0xc0;                 /* EBDA segment 0x9fc0 */
	img_ptr(0x40e)[1] = 0x9f;
	img_rsdp(0x9fc00 + 0x30, 0, RSDT_PA, 0);
	HT_ASSERT_EQ(acpi_init(&pi, NULL, 0), 0);
	HT_ASSERT_EQ(pi.nr_cpus, 2);
}

HTEST(no_accessor_fails_cleanly)
{
	uint8_t hint[36];

	img_reset();
	acpi_set_map(NULL);
	rsdp_bytes(hint, 0, RSDT_PA, 0);
	HT_ASSERT_EQ(acpi_init(&pi, NULL, 0), -ENOENT);
	HT_ASSERT_EQ(acpi_init(&pi, hint, 20), -EINVAL);
	HT_ASSERT(acpi_map(0x1000, 16) == NULL);
}

HTEST(bad_extended_checksum_falls_back_to_rsdt)
{
	uint32_t rtabs[] = { MADT_PA };
	uint64_t xtabs[] = { MADT2_PA };
	const char *log;

	img_reset();
	put_simple_madt(MADT_PA, 1);
	put_simple_madt(MADT2_PA, 4);
	img_rsdt(RSDT_PA, rtabs, 1);
	img_xsdt(XSDT_PA, xtabs, 1);
	img_rsdp(RSDP_PA, 2, RSDT_PA, XSDT_PA);
	img_ptr(RSDP_PA)[33] ^= 0xff;         /* reserved byte: v1 sum still fine */
	HT_ASSERT_EQ(CAPTURED(acpi_init(&pi, NULL, 0)), 0);
	log = cap_log;
	HT_ASSERT_LOG(log, "bad extended checksum; using the RSDT");
	HT_ASSERT_EQ(pi.nr_cpus, 1);
}

HTEST(rsdp_v2_bad_length_falls_back_to_rsdt)
{
	uint32_t rtabs[] = { MADT_PA };

	img_reset();
	put_simple_madt(MADT_PA, 1);
	img_rsdt(RSDT_PA, rtabs, 1);
	img_rsdp(0xfffd0, 2, RSDT_PA, XSDT_PA);
	img_ptr(0xfffd0)[22] = 0x10;          /* length 1 MiB + 36 */
	img_fix_checksum(0xfffd0, 36, 32);
	HT_ASSERT_EQ(acpi_init(&pi, NULL, 0), 0);
	HT_ASSERT_EQ(pi.nr_cpus, 1);
}

HTEST(xsdt_outside_memory_falls_back_to_rsdt)
{
	const char *log;

	put_madt_and_rsdt();
	img_rsdp(RSDP_PA, 2, RSDT_PA, 0x80000000ull);
	HT_ASSERT_EQ(CAPTURED(acpi_init(&pi, NULL, 0)), 0);
	log = cap_log;
	HT_ASSERT_LOG(log, "table at 0x80000000 is outside known memory");
	HT_ASSERT_LOG(log, "falling back to the RSDT");
	HT_ASSERT_EQ(pi.nr_cpus, 2);
	HT_ASSERT_EQ(pi.nr_rejected, 1);
}

HTEST(xsdt_with_wrong_signature_falls_back)
{
	put_madt_and_rsdt();
	img_rsdp(RSDP_PA, 2, RSDT_PA, MADT_PA);  /* "XSDT" is really the MADT */
	HT_ASSERT_EQ(acpi_init(&pi, NULL, 0), 0);
	HT_ASSERT_EQ(pi.nr_cpus, 2);
	HT_ASSERT_EQ(pi.nr_rejected, 1);
}

HTEST(root_table_unusable_is_einval)
{
	img_reset();
	img_rsdp(RSDP_PA, 0, 0x3ffff0, 0);   /* header would cross the end */
	HT_ASSERT_EQ(acpi_init(&pi, NULL, 0), -EINVAL);
	HT_ASSERT_EQ(pi.nr_cpus, 0);
}

HTEST(root_entries_bad_or_zero_are_skipped)
{
	uint32_t tabs[] = { 0, 0x7ffffff0, MADT_PA, FACP_PA };

	img_reset();
	put_simple_madt(MADT_PA, 2);
	img_plain_table(FACP_PA, "FACP", 208);
	img_ptr(FACP_PA + 100)[0] ^= 1;          /* FACP checksum now wrong */
	put_v1_root(tabs, 4);
	HT_ASSERT_EQ(acpi_init(&pi, NULL, 0), 0);
	HT_ASSERT_EQ(pi.nr_rejected, 2);
	HT_ASSERT(acpi_find_table("FACP", 0) == NULL);
	HT_ASSERT(acpi_find_table("APIC", 0) != NULL);
}

HTEST(xsdt_odd_length_tail_ignored)
{
	uint64_t xtabs[] = { MADT_PA };

	img_reset();
	put_simple_madt(MADT_PA, 2);
	tb_acpi(&t, "XSDT", 1);
	tb_u64(&t, MADT_PA);
	tb_u32(&t, 0xdeadbeef);               /* half an entry */
	tb_finish(&t);
	tb_place(&t, XSDT_PA);
	img_rsdp(RSDP_PA, 2, 0, XSDT_PA);
	(void)xtabs;
	HT_ASSERT_EQ(acpi_init(&pi, NULL, 0), 0);
	HT_ASSERT_EQ(pi.nr_cpus, 2);
}

HTEST(find_table_instances_are_validated_ones)
{
	uint32_t tabs[] = { 0x107000, 0x108000, 0x109000, MADT_PA };
	const struct acpi_header *h;

	img_reset();
	put_simple_madt(MADT_PA, 1);
	img_plain_table(0x107000, "SSDT", 10);
	img_plain_table(0x108000, "SSDT", 20);
	img_ptr(0x108000 + 40)[0] = 1;           /* bad checksum */
	img_plain_table(0x109000, "SSDT", 30);
	put_v1_root(tabs, 4);
	HT_ASSERT_EQ(acpi_init(&pi, NULL, 0), 0);
	h = acpi_find_table("SSDT", 0);
	HT_ASSERT(h && h->length == 46);
	h = acpi_find_table("SSDT", 1);
	HT_ASSERT(h && h->length == 66);
	HT_ASSERT(acpi_find_table("SSDT", 2) == NULL);
}

/* ---------------------------------------------------- table checks --- */

static const char *init_with_madt_log(void)
{
	uint32_t tabs[] = { MADT_PA };

	put_v1_root(tabs, 1);
	HT_ASSERT_EQ(CAPTURED(acpi_init(&pi, NULL, 0)), -EINVAL);
	HT_ASSERT_EQ(pi.nr_cpus, 0);
	HT_ASSERT(acpi_find_table("APIC", 0) == NULL);
	return cap_log;
}

HTEST(table_bad_checksum_reported_and_skipped)
{
	const char *log;

	img_reset();
	put_simple_madt(MADT_PA, 2);
	img_ptr(MADT_PA)[9] += 3;
	log = init_with_madt_log();
	HT_ASSERT_LOG(log, "acpi: MADT at 0x102000 has bad checksum (sum 0x03); skipped");
	HT_ASSERT_EQ(pi.nr_rejected, 1);
}

HTEST(table_length_smaller_than_header)
{
	img_reset();
	put_simple_madt(MADT_PA, 2);
	img_ptr(MADT_PA)[4] = 20;
	img_ptr(MADT_PA)[5] = 0;
	HT_ASSERT_LOG(init_with_madt_log(), "shorter than its header");
}

HTEST(table_huge_length)
{
	img_reset();
	put_simple_madt(MADT_PA, 2);
	img_ptr(MADT_PA)[7] = 0x7f;           /* about 2 GiB */
	HT_ASSERT_LOG(init_with_madt_log(), "over the 1048576 byte limit");
}

HTEST(table_running_out_of_memory)
{
	uint32_t tabs[] = { IMG_SIZE - 0x100 };

	img_reset();
	madt_begin(&t, 0xfee00000, 0);
	madt_lapic(&t, 0, 0, 1);
	tb_finish(&t);
	t.b[4] = 0; t.b[5] = 0; t.b[6] = 1;   /* 64 KiB, past the end */
	tb_place(&t, IMG_SIZE - 0x100);
	put_v1_root(tabs, 1);
	HT_ASSERT_EQ(CAPTURED(acpi_init(&pi, NULL, 0)), -EINVAL);
	HT_ASSERT_LOG(cap_log, "runs outside known memory");
}

HTEST(table_check_on_buffers)
{
	uint8_t *buf;

	madt_begin(&t, 0xfee00000, 0);
	madt_lapic(&t, 0, 0, 1);
	tb_finish(&t);
	buf = malloc(t.len);
	memcpy(buf, t.b, t.len);
	HT_ASSERT_EQ(acpi_table_check(buf, t.len, "APIC", 0), 0);
	HT_ASSERT_EQ(acpi_table_check(buf, t.len, "SRAT", 0), -EINVAL);
	HT_ASSERT_EQ(acpi_table_check(buf, t.len - 1, "APIC", 0), -EINVAL);
	HT_ASSERT_EQ(acpi_table_check(buf, 35, NULL, 0), -EINVAL);
	HT_ASSERT_EQ(acpi_table_check(NULL, 100, NULL, 0), -EINVAL);
	free(buf);
}

typedef int (*tb_parser)(struct platform_info *pi, const void *buf, size_t len);

/* Runs parse on an exact-size heap copy of t, so ASan sees any overread. */
static int parse_tb(tb_parser parse)
{
	uint8_t *buf = malloc(t.len);
	int err;

	HT_ASSERT(buf);
	memcpy(buf, t.b, t.len);
	err = parse(&pi, buf, t.len);
	free(buf);
	return err;
}

/* ------------------------------------------------------------- MADT --- */

static int parse_madt_tb(void)
{
	return parse_tb(acpi_madt_parse);
}

HTEST(madt_mixed_entries)
{
	madt_begin(&t, 0xfee00000, 1);
	madt_lapic(&t, 0, 0, 1);
	madt_lapic(&t, 1, 2, 1);
	madt_x2apic(&t, 300, 7, 1);
	madt_ioapic(&t, 4, 0xfec00000, 0);
	madt_ioapic(&t, 5, 0xfec01000, 24);
	madt_iso(&t, 0, 0, 2, 0);
	madt_iso(&t, 0, 9, 9, 0xd);           /* active high, level */
	madt_iso(&t, 0, 11, 11, 0xf);         /* active low, level */
	madt_nmi(&t, 0xff, 0x5, 1);           /* all: high, edge, LINT1 */
	madt_x2nmi(&t, 7, 0xf, 0);            /* uid 7 only: low, level, LINT0 */
	madt_lapic_override(&t, 0x1fee00000ull);
	madt_raw(&t, 0x7f, 4, 2);             /* unknown type: ignored */
	tb_finish(&t);
	platform_info_init(&pi);
	HT_ASSERT_EQ(parse_madt_tb(), 0);
	HT_ASSERT_EQ(pi.lapic_phys, 0x1fee00000ull);
	HT_ASSERT(pi.has_8259);
	HT_ASSERT_EQ(pi.nr_cpus, 3);
	HT_ASSERT_EQ(pi.cpus[1].apic_id, 2);
	HT_ASSERT_EQ(pi.cpus[1].acpi_uid, 1);
	HT_ASSERT_EQ(pi.cpus[1].is_bsp, -1);
	HT_ASSERT(!pi.cpus[1].x2apic_entry);
	HT_ASSERT_EQ(pi.cpus[2].apic_id, 300);
	HT_ASSERT_EQ(pi.cpus[2].acpi_uid, 7);
	HT_ASSERT(pi.cpus[2].x2apic_entry);
	HT_ASSERT_EQ(pi.cpus[0].nmi_lint, 1);
	HT_ASSERT_EQ(pi.cpus[0].nmi_polarity, PLATFORM_POL_HIGH);
	HT_ASSERT_EQ(pi.cpus[0].nmi_trigger, PLATFORM_TRIG_EDGE);
	HT_ASSERT_EQ(pi.cpus[2].nmi_lint, 0);
	HT_ASSERT_EQ(pi.cpus[2].nmi_polarity, PLATFORM_POL_LOW);
	HT_ASSERT_EQ(pi.cpus[2].nmi_trigger, PLATFORM_TRIG_LEVEL);
	HT_ASSERT_EQ(pi.nr_ioapics, 2);
	HT_ASSERT_EQ(pi.ioapics[1].id, 5);
	HT_ASSERT_EQ(pi.ioapics[1].phys_addr, 0xfec01000);
	HT_ASSERT_EQ(pi.ioapics[1].gsi_base, 24);
	HT_ASSERT_EQ(pi.nr_overrides, 3);
	HT_ASSERT_EQ(pi.overrides[2].isa_irq, 11);
	HT_ASSERT_EQ(pi.overrides[2].polarity, PLATFORM_POL_LOW);
	HT_ASSERT_EQ(pi.overrides[2].trigger, PLATFORM_TRIG_LEVEL);
	HT_ASSERT_EQ(pi.nr_rejected, 0);
}

HTEST(madt_entry_length_zero_rejected)
{
	madt_begin(&t, 0xfee00000, 0);
	madt_lapic(&t, 0, 0, 1);
	madt_raw(&t, 0, 0, 6);
	tb_finish(&t);
	HT_ASSERT_EQ(CAPTURED(parse_madt_tb()), -EINVAL);
	HT_ASSERT_LOG(cap_log, "has length 0; table skipped");
	HT_ASSERT_EQ(pi.nr_cpus, 0);
}

HTEST(madt_entry_length_one_rejected)
{
	madt_begin(&t, 0xfee00000, 0);
	madt_raw(&t, 1, 1, 0);
	tb_finish(&t);
	HT_ASSERT_EQ(parse_madt_tb(), -EINVAL);
}

HTEST(madt_entry_past_table_end)
{
	madt_begin(&t, 0xfee00000, 0);
	madt_lapic(&t, 0, 0, 1);
	madt_raw(&t, 9, 16, 6);               /* claims 16, has 8 */
	tb_finish(&t);
	HT_ASSERT_EQ(CAPTURED(parse_madt_tb()), -EINVAL);
	HT_ASSERT_LOG(cap_log, "runs past the table end");
	HT_ASSERT_EQ(pi.nr_cpus, 0);
}

HTEST(madt_one_byte_tail)
{
	madt_begin(&t, 0xfee00000, 0);
	madt_lapic(&t, 0, 0, 1);
	tb_u8(&t, 0);
	tb_finish(&t);
	HT_ASSERT_EQ(parse_madt_tb(), -EINVAL);
}

HTEST(madt_shorter_than_fixed_fields)
{
	tb_acpi(&t, "APIC", 3);
	tb_u32(&t, 0xfee00000);
	tb_finish(&t);
	HT_ASSERT_EQ(parse_madt_tb(), -EINVAL);
}

HTEST(madt_entry_short_for_type_skipped_alone)
{
	madt_begin(&t, 0xfee00000, 0);
	madt_raw(&t, 0, 6, 4);                /* LAPIC needs 8 */
	madt_lapic(&t, 1, 1, 1);
	madt_raw(&t, 2, 8, 6);                /* ISO needs 10 */
	madt_raw(&t, 4, 4, 2);                /* NMI needs 6 */
	tb_finish(&t);
	platform_info_init(&pi);
	HT_ASSERT_EQ(CAPTURED(parse_madt_tb()), 0);
	HT_ASSERT_LOG(cap_log, "shorter than its type");
	HT_ASSERT_EQ(pi.nr_cpus, 1);
	HT_ASSERT_EQ(pi.nr_overrides, 0);
	HT_ASSERT_EQ(pi.cpus[0].nmi_lint, PLATFORM_NO_NMI);
	HT_ASSERT_EQ(pi.nr_rejected, 3);
}

HTEST(madt_too_many_cpus)
{
	const char *log;

	madt_begin(&t, 0xfee00000, 0);
	for (int i = 0; i < 250; i++)
		madt_lapic(&t, i, i, 1);
	for (int i = 0; i < 30; i++)
		madt_x2apic(&t, 1000 + i, 1000 + i, 1);
	tb_finish(&t);
	platform_info_init(&pi);
	HT_ASSERT_EQ(CAPTURED(parse_madt_tb()), 0);
	log = cap_log;
	HT_ASSERT_EQ(pi.nr_cpus, CONFIG_MAX_CORES);
	HT_ASSERT_EQ(pi.nr_cpus_left_out, 280 - CONFIG_MAX_CORES);
	HT_ASSERT_EQ(pi.cpus[CONFIG_MAX_CORES - 1].apic_id, CONFIG_MAX_CORES - 1);
	HT_ASSERT_LOG(log, "APIC id 64 (uid 64) left out: CONFIG_MAX_CORES=64");
	HT_ASSERT_LOG(log, "APIC id 79 (uid 79) left out");
	HT_ASSERT(strstr(log, "APIC id 80 (uid 80)") == NULL);
	HT_ASSERT_LOG(log, "more CPUs left out");
}

HTEST(madt_duplicate_apic_ids)
{
	madt_begin(&t, 0xfee00000, 0);
	madt_lapic(&t, 0, 0, 1);
	madt_lapic(&t, 1, 1, 1);
	madt_lapic(&t, 2, 1, 1);              /* same APIC id, other uid */
	madt_x2apic(&t, 1, 3, 1);             /* and again as x2APIC */
	madt_ioapic(&t, 0, 0xfec00000, 0);
	madt_ioapic(&t, 0, 0xfec10000, 24);   /* duplicate IOAPIC id */
	tb_finish(&t);
	platform_info_init(&pi);
	HT_ASSERT_EQ(CAPTURED(parse_madt_tb()), 0);
	HT_ASSERT_LOG(cap_log, "duplicate APIC id 1 (uid 2) dropped");
	HT_ASSERT_EQ(pi.nr_cpus, 2);
	HT_ASSERT_EQ(pi.cpus[1].acpi_uid, 1);
	HT_ASSERT_EQ(pi.nr_ioapics, 1);
	HT_ASSERT_EQ(pi.nr_rejected, 3);
}

HTEST(madt_disabled_and_online_capable)
{
	madt_begin(&t, 0xfee00000, 0);
	madt_lapic(&t, 0, 0, 1);
	madt_lapic(&t, 1, 1, 0);              /* disabled: absent */
	madt_lapic(&t, 2, 2, 2);              /* online capable: later */
	madt_x2apic(&t, 400, 3, 0);
	madt_x2apic(&t, 401, 4, 2);
	madt_lapic(&t, 5, 0xff, 1);           /* broadcast id: bogus */
	madt_x2apic(&t, 0xffffffff, 6, 1);
	tb_finish(&t);
	platform_info_init(&pi);
	HT_ASSERT_EQ(parse_madt_tb(), 0);
	HT_ASSERT_EQ(pi.nr_cpus, 1);
	HT_ASSERT_EQ(pi.nr_cpus_hotplug, 2);
	HT_ASSERT_EQ(pi.nr_rejected, 2);
}

HTEST(madt_without_enabled_cpu_is_rejected)
{
	madt_begin(&t, 0xfee00000, 0);
	madt_lapic(&t, 0, 0, 0);
	madt_ioapic(&t, 0, 0xfec00000, 0);
	tb_finish(&t);
	HT_ASSERT_EQ(parse_madt_tb(), -EINVAL);
	HT_ASSERT_EQ(pi.nr_ioapics, 0);
	HT_ASSERT_EQ(pi.lapic_phys, 0);
}

HTEST(madt_bad_overrides_and_nmis_skipped)
{
	madt_begin(&t, 0xfee00000, 0);
	madt_lapic(&t, 0, 0, 1);
	madt_iso(&t, 1, 4, 4, 0);             /* not ISA */
	madt_iso(&t, 0, 16, 16, 0);           /* not an ISA IRQ */
	madt_iso(&t, 0, 3, 3, 0x2);           /* reserved polarity */
	madt_iso(&t, 0, 3, 3, 0x8);           /* reserved trigger */
	madt_iso(&t, 0, 0, 2, 0);
	madt_iso(&t, 0, 0, 5, 0);             /* IRQ 0 again */
	madt_nmi(&t, 0, 0, 2);                /* LINT2 does not exist */
	madt_lapic_override(&t, 0);
	tb_finish(&t);
	platform_info_init(&pi);
	HT_ASSERT_EQ(parse_madt_tb(), 0);
	HT_ASSERT_EQ(pi.nr_overrides, 1);
	HT_ASSERT_EQ(pi.overrides[0].gsi, 2);
	HT_ASSERT_EQ(pi.cpus[0].nmi_lint, PLATFORM_NO_NMI);
	HT_ASSERT_EQ(pi.lapic_phys, 0xfee00000);
	HT_ASSERT_EQ(pi.nr_rejected, 7);
}

HTEST(madt_corrupted_copy_then_fixed)
{
	uint8_t *buf;

	madt_begin(&t, 0xfee00000, 0);
	madt_lapic(&t, 0, 0, 1);
	madt_lapic(&t, 1, 1, 1);
	tb_finish(&t);
	buf = malloc(t.len);
	memcpy(buf, t.b, t.len);
	buf[45] ^= 0x40;                      /* one flipped bit */
	HT_ASSERT_EQ(acpi_madt_parse(&pi, buf, t.len), -EINVAL);
	HT_ASSERT_EQ(acpi_madt_parse(&pi, buf, 20), -EINVAL);
	buf[45] ^= 0x40;
	HT_ASSERT_EQ(acpi_madt_parse(&pi, buf, t.len), 0);
	HT_ASSERT_EQ(pi.nr_cpus, 2);
	free(buf);
}

/* ------------------------------------------------------------- HPET --- */

/* HPET and MP table parses start from an empty pi. */
static int parse_hpet_tb(void)
{
	platform_info_init(&pi);
	return parse_tb(acpi_hpet_parse);
}

HTEST(hpet_valid)
{
	hpet_build(&t, 0x8086a201, 0, 0xfed00000, 0, 128);
	HT_ASSERT_EQ(parse_hpet_tb(), 0);
	HT_ASSERT(pi.hpet.present);
	HT_ASSERT_EQ(pi.hpet.phys_addr, 0xfed00000);
	HT_ASSERT_EQ(pi.hpet.seq, 0);
	HT_ASSERT_EQ(pi.hpet.min_tick, 128);
	HT_ASSERT_EQ(pi.hpet.nr_comparators, 3);
	HT_ASSERT(pi.hpet.counter_64);
	HT_ASSERT_EQ(pi.hpet.vendor_id, 0x8086);
}

HTEST(hpet_bad_inputs)
{
	hpet_build(&t, 0, 1, 0xfed00000, 0, 128);       /* I/O space */
	HT_ASSERT_EQ(parse_hpet_tb(), -EINVAL);
	HT_ASSERT(!pi.hpet.present);
	hpet_build(&t, 0, 0, 0, 0, 128);                /* address 0 */
	HT_ASSERT_EQ(parse_hpet_tb(), -EINVAL);
	hpet_build(&t, 0, 0, 0xfed00100, 0, 128);       /* not 1 KiB aligned */
	HT_ASSERT_EQ(parse_hpet_tb(), -EINVAL);
	hpet_build(&t, 0, 0, 0xfed00000, 0, 128);
	t.len = 52;                                     /* cut the tail */
	tb_finish(&t);
	HT_ASSERT_EQ(parse_hpet_tb(), -EINVAL);
	HT_ASSERT_EQ(pi.nr_rejected, 1);
}

/* ------------------------------------------------------------- SRAT --- */

static int parse_srat_tb(void)
{
	return parse_tb(acpi_srat_parse);
}

/* pi gets four CPUs, APIC ids 0, 1, 2 and 300. */
static void four_cpus(void)
{
	platform_info_init(&pi);
	for (uint32_t id = 0; id < 3; id++)
		HT_ASSERT_EQ(platform_add_cpu(&pi, id, id, -1, false), 0);
	HT_ASSERT_EQ(platform_add_cpu(&pi, 300, 3, -1, true), 0);
}

HTEST(srat_valid)
{
	four_cpus();
	srat_begin(&t);
	srat_cpu(&t, 0, 0, 1);
	srat_cpu(&t, 0, 1, 1);
	srat_cpu(&t, 1, 2, 1);
	srat_x2apic(&t, 1, 300, 1);
	srat_cpu(&t, 1, 9, 1);                /* no such CPU: ignored */
	srat_cpu(&t, 5, 1, 0);                /* disabled: ignored */
	srat_mem(&t, 0, 0, 0xa0000, 1);
	srat_mem(&t, 0, 0x100000, 0x7ff00000, 1);
	srat_mem(&t, 1, 0x80000000, 0x80000000, 1 | 2);
	srat_mem(&t, 7, 0x200000000ull, 0x1000, 0);  /* disabled */
	tb_finish(&t);
	HT_ASSERT_EQ(parse_srat_tb(), 0);
	HT_ASSERT(pi.numa.present);
	HT_ASSERT_EQ(pi.numa.nr_nodes, 2);
	HT_ASSERT_EQ(pi.cpus[0].node, 0);
	HT_ASSERT_EQ(pi.cpus[1].node, 0);
	HT_ASSERT_EQ(pi.cpus[2].node, 1);
	HT_ASSERT_EQ(pi.cpus[3].node, 1);
	HT_ASSERT_EQ(pi.numa.nr_ranges, 3);
	HT_ASSERT_EQ(pi.numa.ranges[2].base, 0x80000000ull);
	HT_ASSERT_EQ(pi.numa.ranges[2].len, 0x80000000ull);
	HT_ASSERT_EQ(pi.numa.ranges[2].node, 1);
	HT_ASSERT(pi.numa.ranges[2].hotplug);
	HT_ASSERT(!pi.numa.ranges[1].hotplug);
	HT_ASSERT_EQ(pi.nr_rejected, 0);
}

HTEST(srat_node_out_of_range)
{
	four_cpus();
	srat_begin(&t);
	srat_cpu(&t, 1, 0, 1);
	srat_cpu(&t, 0x100, 1, 1);            /* domain 256, high bytes used */
	srat_x2apic(&t, MAX_NUMA_NODES, 300, 1);
	srat_mem(&t, 1, 0, 0x100000, 1);
	srat_mem(&t, 1000, 0x100000, 0x100000, 1);
	tb_finish(&t);
	HT_ASSERT_EQ(CAPTURED(parse_srat_tb()), 0);
	HT_ASSERT_LOG(cap_log, "proximity domain 256 is not below 64");
	HT_ASSERT_EQ(pi.cpus[0].node, 1);
	HT_ASSERT_EQ(pi.cpus[1].node, 0);
	HT_ASSERT_EQ(pi.cpus[3].node, 0);
	HT_ASSERT_EQ(pi.numa.nr_ranges, 1);
	HT_ASSERT_EQ(pi.numa.nr_nodes, 2);
	HT_ASSERT_EQ(pi.nr_rejected, 3);
}

HTEST(srat_bad_structure_rejected_whole)
{
	four_cpus();
	srat_begin(&t);
	srat_cpu(&t, 1, 0, 1);
	madt_raw(&t, 1, 0, 10);               /* length 0 */
	tb_finish(&t);
	HT_ASSERT_EQ(parse_srat_tb(), -EINVAL);
	HT_ASSERT(!pi.numa.present);
	HT_ASSERT_EQ(pi.cpus[0].node, 0);
}

HTEST(srat_short_entries_and_bad_ranges)
{
	four_cpus();
	srat_begin(&t);
	madt_raw(&t, 1, 20, 18);              /* memory entry needs 40 */
	madt_raw(&t, 0, 8, 6);                /* CPU entry needs 16 */
	srat_mem(&t, 0, 0x1000, 0, 1);        /* empty */
	srat_mem(&t, 0, ~0ull - 0xfff, 0x2000, 1);  /* wraps */
	srat_mem(&t, 0, 0, 0x1000, 1);
	tb_finish(&t);
	HT_ASSERT_EQ(parse_srat_tb(), 0);
	HT_ASSERT_EQ(pi.numa.nr_ranges, 1);
	HT_ASSERT_EQ(pi.nr_rejected, 4);
}

HTEST(srat_too_short_header)
{
	four_cpus();
	tb_acpi(&t, "SRAT", 3);
	tb_u32(&t, 1);
	tb_finish(&t);
	HT_ASSERT_EQ(parse_srat_tb(), -EINVAL);
}

/* ------------------------------------------------------- MP tables --- */

/* An MP configuration: CPUs 0 (BSP), 1, 2 (disabled), 3; one IOAPIC. */
static void put_mp_config(uint64_t pa)
{
	mpc_begin(&t, 0xfee00000);
	mpc_cpu(&t, 0, 3);
	mpc_cpu(&t, 1, 1);
	mpc_cpu(&t, 2, 0);
	mpc_cpu(&t, 3, 1);
	mpc_bus(&t, 0, "ISA   ");
	mpc_ioapic(&t, 2, 1, 0xfec00000);
	mpc_ioapic(&t, 3, 0, 0xfec01000);     /* disabled */
	mpc_intr(&t, 3, 0, 0, 2, 2);
	mpc_intr(&t, 4, 0, 0, 0xff, 1);
	tb_finish(&t);
	tb_place(&t, pa);
}

HTEST(mptable_valid)
{
	img_reset();
	put_mp_config(MPC_PA);
	img_mp_fps(0xf0100, MPC_PA, 0);
	platform_info_init(&pi);
	HT_ASSERT_EQ(mptable_init(&pi), 0);
	HT_ASSERT_EQ(pi.source, PLATFORM_SRC_MPTABLE);
	HT_ASSERT_EQ(pi.lapic_phys, 0xfee00000);
	HT_ASSERT_EQ(pi.nr_cpus, 3);
	HT_ASSERT_EQ(pi.cpus[0].apic_id, 0);
	HT_ASSERT_EQ(pi.cpus[0].is_bsp, 1);
	HT_ASSERT_EQ(pi.cpus[1].is_bsp, 0);
	HT_ASSERT_EQ(pi.cpus[2].apic_id, 3);
	HT_ASSERT_EQ(pi.nr_ioapics, 1);
	HT_ASSERT_EQ(pi.ioapics[0].id, 2);
	HT_ASSERT_EQ(pi.ioapics[0].gsi_base, 0);
	HT_ASSERT_EQ(pi.nr_rejected, 0);
}

HTEST(mptable_in_ebda_and_base_memory_top)
{
	img_reset();
	put_mp_config(MPC_PA);
	img_ptr(0x40e)[0] = 0x00;             /* EBDA at 0x9f000 */
	img_ptr(0x40e)[1] = 0x9f;
	img_mp_fps(0x9f000 + 0x40, MPC_PA, 0);
	HT_ASSERT_EQ(mptable_init(&pi), 0);
	HT_ASSERT_EQ(pi.nr_cpus, 3);

	img_reset();
	put_mp_config(MPC_PA);
	img_mp_fps(639 * 1024 + 0x3f0, MPC_PA, 0);
	HT_ASSERT_EQ(mptable_init(&pi), 0);
	HT_ASSERT_EQ(pi.nr_cpus, 3);
}

HTEST(mptable_bad_pointer_checksum_search_goes_on)
{
	img_reset();
	put_mp_config(MPC_PA);
	img_mp_fps(0xf0000, 0x3000000, 0);
	img_ptr(0xf0000)[10] ^= 1;
	img_mp_fps(0xffff0, MPC_PA, 0);       /* the very last paragraph */
	HT_ASSERT_EQ(CAPTURED(mptable_init(&pi)), 0);
	HT_ASSERT_LOG(cap_log, "pointer at 0xf0000 has bad checksum");
	HT_ASSERT_EQ(pi.nr_cpus, 3);

	img_reset();
	img_mp_fps(0xf0000, MPC_PA, 0);
	img_ptr(0xf0000)[10] ^= 1;
	HT_ASSERT_EQ(mptable_init(&pi), -ENOENT);
	img_reset();
	HT_ASSERT_EQ(mptable_init(&pi), -ENOENT);
}

HTEST(mptable_default_configuration_unsupported)
{
	img_reset();
	img_mp_fps(0xf0000, 0, 5);
	HT_ASSERT_EQ(mptable_init(&pi), -ENOTSUP);
}

HTEST(mptable_config_bad_checksum)
{
	img_reset();
	put_mp_config(MPC_PA);
	img_ptr(MPC_PA + 50)[0] ^= 0x10;
	img_mp_fps(0xf0000, MPC_PA, 0);
	HT_ASSERT_EQ(CAPTURED(mptable_init(&pi)), -EINVAL);
	HT_ASSERT_LOG(cap_log, "bad checksum");
	HT_ASSERT_EQ(pi.nr_cpus, 0);
	HT_ASSERT_EQ(pi.nr_rejected, 1);
}

HTEST(mptable_config_outside_memory)
{
	img_reset();
	img_mp_fps(0xf0000, IMG_SIZE - 8, 0);
	HT_ASSERT_EQ(mptable_init(&pi), -EINVAL);
}

static int parse_mpc_tb(void)
{
	platform_info_init(&pi);
	return parse_tb(mptable_parse);
}

HTEST(mptable_truncated_entries)
{
	mpc_begin(&t, 0xfee00000);
	mpc_cpu(&t, 0, 3);
	mpc_cpu(&t, 1, 1);
	t.count = 3;                          /* one more than there is */
	tb_finish(&t);
	HT_ASSERT_EQ(CAPTURED(parse_mpc_tb()), -EINVAL);
	HT_ASSERT_LOG(cap_log, "ends before entry");
	HT_ASSERT_EQ(pi.nr_cpus, 0);

	mpc_begin(&t, 0xfee00000);
	mpc_cpu(&t, 0, 3);
	mpc_cpu(&t, 1, 1);
	t.len -= 6;                           /* second processor cut short */
	tb_finish(&t);
	HT_ASSERT_EQ(CAPTURED(parse_mpc_tb()), -EINVAL);
	HT_ASSERT_LOG(cap_log, "truncated entry");
}

HTEST(mptable_unknown_entry_and_bad_headers)
{
	mpc_begin(&t, 0xfee00000);
	mpc_cpu(&t, 0, 3);
	mpc_intr(&t, 9, 0, 0, 0, 0);          /* type 9: size unknown */
	tb_finish(&t);
	HT_ASSERT_EQ(parse_mpc_tb(), -EINVAL);

	mpc_begin(&t, 0xfee00000);
	mpc_cpu(&t, 0, 3);
	tb_finish(&t);
	t.b[0] = 'X';
	HT_ASSERT_EQ(parse_mpc_tb(), -EINVAL);     /* signature */
	t.b[0] = 'P';
	HT_ASSERT_EQ(parse_mpc_tb(), 0);
	t.len = 40;
	HT_ASSERT_EQ(parse_mpc_tb(), -EINVAL);     /* buffer below the header */

	mpc_begin(&t, 0xfee00000);
	mpc_cpu(&t, 0, 0);                         /* no enabled CPU */
	tb_finish(&t);
	HT_ASSERT_EQ(parse_mpc_tb(), -EINVAL);
}

/* --------------------------------------------- fallback, QEMU set --- */

HTEST(discover_falls_back_to_mptable)
{
	uint32_t tabs[] = { FACP_PA, HPET_PA };
	const char *log;

	img_reset();
	img_plain_table(FACP_PA, "FACP", 208);
	hpet_build(&t, 0x8086a201, 0, 0xfed00000, 0, 128);
	tb_place(&t, HPET_PA);
	put_v1_root(tabs, 2);
	put_mp_config(MPC_PA);
	img_mp_fps(0xf0000, MPC_PA, 0);
	HT_ASSERT_EQ(CAPTURED(platform_discover(&pi, NULL, 0)), 0);
	log = cap_log;
	HT_ASSERT_LOG(log, "no usable MADT");
	HT_ASSERT_EQ(pi.source, PLATFORM_SRC_MPTABLE);
	HT_ASSERT_EQ(pi.nr_cpus, 3);
	HT_ASSERT(pi.hpet.present);

	img_reset();
	HT_ASSERT_EQ(platform_discover(&pi, NULL, 0), -ENOENT);
	HT_ASSERT_EQ(pi.nr_cpus, 0);
}

/* What QEMU's i440fx machine with -smp 8 gives (the layout of its tables). */
static void put_qemu_like_set(void)
{
	uint32_t tabs[] = { FACP_PA, MADT_PA, HPET_PA };

	img_reset();
	img_plain_table(FACP_PA, "FACP", 80);
	madt_begin(&t, 0xfee00000, 1);
	for (int i = 0; i < 8; i++)
		madt_lapic(&t, i, i, 1);
	madt_ioapic(&t, 0, 0xfec00000, 0);
	madt_iso(&t, 0, 0, 2, 0);
	madt_iso(&t, 0, 5, 5, 0xd);
	madt_iso(&t, 0, 9, 9, 0xd);
	madt_iso(&t, 0, 10, 10, 0xd);
	madt_iso(&t, 0, 11, 11, 0xd);
	madt_nmi(&t, 0xff, 0, 1);
	tb_finish(&t);
	tb_place(&t, MADT_PA);
	hpet_build(&t, 0x8086a201, 0, 0xfed00000, 0, 128);
	tb_place(&t, HPET_PA);
	img_rsdt(RSDT_PA, tabs, 3);
	img_rsdp(0xf5a00, 0, RSDT_PA, 0);
}

HTEST(qemu_like_set_every_field)
{
	static const uint8_t irqs[] = { 0, 5, 9, 10, 11 };

	put_qemu_like_set();
	HT_ASSERT_EQ(platform_discover(&pi, NULL, 0), 0);
	HT_ASSERT_EQ(pi.source, PLATFORM_SRC_ACPI);
	HT_ASSERT_EQ(pi.lapic_phys, 0xfee00000);
	HT_ASSERT(pi.has_8259);
	HT_ASSERT_EQ(pi.nr_cpus, 8);
	HT_ASSERT_EQ(pi.nr_cpus_left_out, 0);
	HT_ASSERT_EQ(pi.nr_cpus_hotplug, 0);
	for (unsigned int i = 0; i < 8; i++) {
		HT_ASSERT_EQ(pi.cpus[i].apic_id, i);
		HT_ASSERT_EQ(pi.cpus[i].acpi_uid, i);
		HT_ASSERT_EQ(pi.cpus[i].node, 0);
		HT_ASSERT_EQ(pi.cpus[i].is_bsp, -1);
		HT_ASSERT(!pi.cpus[i].x2apic_entry);
		HT_ASSERT_EQ(pi.cpus[i].nmi_lint, 1);
		HT_ASSERT_EQ(pi.cpus[i].nmi_polarity, PLATFORM_POL_CONFORM);
		HT_ASSERT_EQ(pi.cpus[i].nmi_trigger, PLATFORM_TRIG_CONFORM);
	}
	HT_ASSERT_EQ(pi.nr_ioapics, 1);
	HT_ASSERT_EQ(pi.ioapics[0].id, 0);
	HT_ASSERT_EQ(pi.ioapics[0].phys_addr, 0xfec00000);
	HT_ASSERT_EQ(pi.ioapics[0].gsi_base, 0);
	HT_ASSERT_EQ(pi.nr_overrides, 5);
	for (unsigned int i = 0; i < 5; i++) {
		const struct platform_irq_override *o = &pi.overrides[i];

		HT_ASSERT_EQ(o->isa_irq, irqs[i]);
		HT_ASSERT_EQ(o->gsi, i == 0 ? 2 : irqs[i]);
		HT_ASSERT_EQ(o->polarity, i == 0 ? PLATFORM_POL_CONFORM : PLATFORM_POL_HIGH);
		HT_ASSERT_EQ(o->trigger, i == 0 ? PLATFORM_TRIG_CONFORM : PLATFORM_TRIG_LEVEL);
	}
	HT_ASSERT(pi.hpet.present);
	HT_ASSERT_EQ(pi.hpet.phys_addr, 0xfed00000);
	HT_ASSERT_EQ(pi.hpet.seq, 0);
	HT_ASSERT_EQ(pi.hpet.min_tick, 128);
	HT_ASSERT_EQ(pi.hpet.nr_comparators, 3);
	HT_ASSERT(!pi.numa.present);
	HT_ASSERT_EQ(pi.nr_rejected, 0);
	HT_ASSERT(acpi_find_table("FACP", 0) != NULL);
	HT_ASSERT_EQ(img_map_failures(), 0);
}

HTEST(platform_print_summary)
{
	const char *log;

	put_qemu_like_set();
	HT_ASSERT_EQ(acpi_init(&pi, NULL, 0), 0);
	CAPTURED((platform_print(&pi), 0));
	log = cap_log;
	HT_ASSERT_LOG(log, "platform: from ACPI; local APIC at 0xfee00000");
	HT_ASSERT_LOG(log, "8 CPUs");
	HT_ASSERT_LOG(log, " 0/0 1/0 2/0");
	HT_ASSERT_LOG(log, "IOAPIC id 0 at 0xfec00000, GSI base 0");
	HT_ASSERT_LOG(log, "ISA IRQ 0 -> GSI 2, conforming, conforming");
	HT_ASSERT_LOG(log, "ISA IRQ 9 -> GSI 9, high, level");
	HT_ASSERT_LOG(log, "HPET #0 at 0xfed00000, min tick 128");
}

/*
 * Flips random bytes of the QEMU-like set (tables and RSDP) and reparses,
 * many times: any result is fine, a crash, hang or ASan report is not.
 */
HTEST(qemu_like_set_random_corruption)
{
	static const uint32_t spots[][2] = {
		{ 0xf5a00, 20 }, { RSDT_PA, 48 }, { MADT_PA, 140 },
		{ HPET_PA, 56 }, { FACP_PA, 116 },
	};

	srand(12345);
	htest_capture_begin();            /* the parsers' complaints: not checked */
	for (int i = 0; i < 3000; i++) {
		put_qemu_like_set();
		for (int k = 0; k < 1 + i % 3; k++) {
			const uint32_t *s = spots[rand() % 5];

			img_ptr(s[0] + rand() % s[1])[0] = (uint8_t)rand();
		}
		if (i % 2)                        /* half: keep checksums right */
			img_fix_checksum(MADT_PA, MIN(0x1000, img_ptr(MADT_PA)[4] |
			                 img_ptr(MADT_PA)[5] << 8), 9);
		platform_discover(&pi, NULL, 0);
		HT_ASSERT(pi.nr_cpus <= CONFIG_MAX_CORES);
		HT_ASSERT(pi.nr_ioapics <= PLATFORM_MAX_IOAPICS);
	}
	htest_capture_end();
}
