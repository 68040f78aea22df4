/* SPDX-License-Identifier: MIT */
/*
 * test_mcfg.c - host tests of the MCFG parser (kern/drivers/firmware/
 * mcfg.c): good windows are taken, each bad entry is reported and skipped
 * by itself, a bad table gives nothing, and acpi_init() finds the table
 * through the root.  Tables are parsed from exact-length heap copies, so
 * ASan reports any read past the end; a seeded loop feeds random entries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acpi_images.h"
#include "htest.h"

#include <acpi.h>
#include <errno.h>

#define MCFG_PA  0x107000u
#define MADT_PA  0x102000u
#define RSDT_PA  0x100000u

static struct tb t;
static struct platform_info pi;

static void mcfg_begin(void)
{
	tb_acpi(&t, "MCFG", 1);
	tb_zeros(&t, 8);
}

static void mcfg_entry(uint64_t base, uint16_t seg, uint8_t start, uint8_t end)
{
	tb_u64(&t, base);
	tb_u16(&t, seg);
	tb_u8(&t, start);
	tb_u8(&t, end);
	tb_u32(&t, 0);
}

/* Parses an exact-size copy of t with printk captured; returns the result. */
static int parse_mcfg(const char **log)
{
	uint8_t *buf = malloc(t.len);
	int err;

	memcpy(buf, t.b, t.len);
	memset(&pi, 0, sizeof(pi));
	htest_capture_begin();
	err = acpi_mcfg_parse(&pi, buf, t.len);
	*log = htest_capture_end();
	fputs(*log, stderr);
	free(buf);
	return err;
}

HTEST(mcfg_qemu_q35)
{
	const char *log;

	mcfg_begin();
	mcfg_entry(0xb0000000, 0, 0, 255);
	tb_finish(&t);
	HT_ASSERT_EQ(parse_mcfg(&log), 0);
	HT_ASSERT_EQ(pi.nr_ecam, 1);
	HT_ASSERT_EQ(pi.ecam[0].base, 0xb0000000);
	HT_ASSERT_EQ(pi.ecam[0].segment, 0);
	HT_ASSERT_EQ(pi.ecam[0].bus_start, 0);
	HT_ASSERT_EQ(pi.ecam[0].bus_end, 255);
	HT_ASSERT_EQ(pi.nr_rejected, 0);
}

HTEST(mcfg_bad_entries_skipped_one_by_one)
{
	const char *log;

	mcfg_begin();
	mcfg_entry(0, 0, 0, 0);                         /* base 0 */
	mcfg_entry(0xe0080000, 0, 0, 0);                /* not 1 MiB aligned */
	mcfg_entry(0xe0000000, 0, 9, 3);                /* start > end */
	mcfg_entry(0xfffffffffff00000ull, 0, 0, 1);     /* wraps */
	mcfg_entry(0xe0000000, 0, 0, 63);               /* good */
	mcfg_entry(0xd0000000, 0, 32, 127);             /* overlaps the last */
	mcfg_entry(0xd0000000, 1, 32, 127);             /* other segment: good */
	tb_finish(&t);
	HT_ASSERT_EQ(parse_mcfg(&log), 0);
	HT_ASSERT_EQ(pi.nr_ecam, 2);
	HT_ASSERT_EQ(pi.ecam[0].bus_end, 63);
	HT_ASSERT_EQ(pi.ecam[1].segment, 1);
	HT_ASSERT_EQ(pi.nr_rejected, 5);
	HT_ASSERT(strstr(log, "base address 0"));
	HT_ASSERT(strstr(log, "not 1 MiB aligned"));
	HT_ASSERT(strstr(log, "start bus after end bus"));
	HT_ASSERT(strstr(log, "wraps"));
	HT_ASSERT(strstr(log, "overlap"));
}

HTEST(mcfg_stray_bytes_and_too_many)
{
	const char *log;

	mcfg_begin();
	for (int i = 0; i < PLATFORM_MAX_ECAM + 3; i++)
		mcfg_entry(0x100000000ull * (i + 1), (uint16_t)i, 0, 0);
	tb_zeros(&t, 5);
	tb_finish(&t);
	HT_ASSERT_EQ(parse_mcfg(&log), 0);
	HT_ASSERT_EQ(pi.nr_ecam, PLATFORM_MAX_ECAM);
	HT_ASSERT_EQ(pi.nr_rejected, 3);
	HT_ASSERT(strstr(log, "5 stray bytes"));
	HT_ASSERT(strstr(log, "too many windows"));
}

HTEST(mcfg_bad_tables)
{
	const char *log;

	tb_acpi(&t, "MCFG", 1);                         /* 36 bytes: too short */
	tb_finish(&t);
	HT_ASSERT_EQ(parse_mcfg(&log), -EINVAL);
	HT_ASSERT(strstr(log, "too short"));
	mcfg_begin();
	mcfg_entry(0xb0000000, 0, 0, 255);
	tb_finish(&t);
	t.b[9] ^= 1;                                    /* checksum */
	HT_ASSERT_EQ(parse_mcfg(&log), -EINVAL);
	HT_ASSERT_EQ(pi.nr_ecam, 0);
	mcfg_begin();
	tb_finish(&t);
	t.len = 40;                                     /* length says 44 */
	HT_ASSERT_EQ(parse_mcfg(&log), -EINVAL);
}

/* acpi_init() validates the MCFG through the root table and parses it. */
HTEST(mcfg_found_by_acpi_init)
{
	uint32_t tabs[] = { MADT_PA, MCFG_PA };

	img_reset();
	madt_begin(&t, 0xfee00000, 1);
	madt_lapic(&t, 0, 0, 1);
	tb_finish(&t);
	tb_place(&t, MADT_PA);
	mcfg_begin();
	mcfg_entry(0xb0000000, 0, 0, 255);
	tb_finish(&t);
	tb_place(&t, MCFG_PA);
	img_rsdt(RSDT_PA, tabs, 2);
	img_rsdp(0xf5a00, 0, RSDT_PA, 0);
	htest_capture_begin();
	HT_ASSERT_EQ(acpi_init(&pi, NULL, 0), 0);
	htest_capture_end();
	HT_ASSERT_EQ(pi.nr_ecam, 1);
	HT_ASSERT_EQ(pi.ecam[0].base, 0xb0000000);
	HT_ASSERT(acpi_table_at(1) != NULL && acpi_table_at(2) == NULL);
}

/* Random entries: whatever is taken obeys every rule. */
HTEST(mcfg_random_entries)
{
	const char *log;

	srand(4242);
	for (int round = 0; round < 500; round++) {
		mcfg_begin();
		for (int i = 0, n = rand() % 24; i < n; i++)
			mcfg_entry(((uint64_t)rand() << 33 ^ (uint64_t)rand() << 12) &
			           (rand() % 2 ? ~0xfffffull : ~0ull),
			           (uint16_t)(rand() % 3), (uint8_t)rand(), (uint8_t)rand());
		tb_zeros(&t, (size_t)(rand() % 16));
		tb_finish(&t);
		parse_mcfg(&log);
		HT_ASSERT(pi.nr_ecam <= PLATFORM_MAX_ECAM);
		for (unsigned int i = 0; i < pi.nr_ecam; i++) {
			const struct platform_ecam *w = &pi.ecam[i];

			HT_ASSERT(w->base && !(w->base & 0xfffff));
			HT_ASSERT(w->bus_start <= w->bus_end);
			for (unsigned int j = 0; j < i; j++)
				HT_ASSERT(pi.ecam[j].segment != w->segment ||
				          pi.ecam[j].bus_end < w->bus_start ||
				          w->bus_end < pi.ecam[j].bus_start);
		}
	}
}
