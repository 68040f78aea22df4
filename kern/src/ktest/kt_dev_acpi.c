/* SPDX-License-Identifier: MIT */
/*
 * kt_dev_acpi.c - ktests of #acpi, suite dev_acpi: the table list names
 * the MADT, each raw file is its table (length and checksum), the decoded
 * views list what the parsers took (every CPU, every ECAM window, the NUMA
 * ranges when there is an SRAT), and nothing is writable.
 */
#include <acpi.h>
#include <arch/topology.h>
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <ktest.h>
#include <sysfile.h>

#include "kt_dev.h"

#define KT_ACPI_BUF 65536

static unsigned int kt_count(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	unsigned int c = 0;

	for (; *hay; hay++)
		c += !strncmp(hay, needle, n);
	return c;
}

KTEST(dev_acpi, tables_and_raw)
{
	int64_t chans = chan_nr_live();
	uint8_t *buf = kmalloc(KT_ACPI_BUF, MEM_WAIT);
	const struct acpi_header *madt = acpi_find_table("APIC", 0);
	ssize_t n;

	KT_ASSERT(buf);
	if (platform.source != PLATFORM_SRC_ACPI) {
		kfree(buf);
		return;                 /* noacpi or MP table: nothing to show */
	}
	KT_ASSERT(madt);
	KT_ASSERT(kt_dev_cat("#acpi/tables", (char *)buf, KT_ACPI_BUF) > 0);
	KT_ASSERT(kt_dev_has((char *)buf, "APIC "));
	n = kt_dev_cat("#acpi/raw/APIC", (char *)buf, KT_ACPI_BUF);
	KT_ASSERT_EQ(n, (ssize_t)madt->length);
	KT_ASSERT(!memcmp(buf, "APIC", 4));
	KT_ASSERT_EQ(acpi_checksum(buf, (size_t)n), 0);
	KT_ASSERT(sysopen("#acpi/raw/NOPE", O_READ, 0) < 0);
	KT_ASSERT(sysopen("#acpi/raw/APIC", O_WRITE, 0) < 0);
	kfree(buf);
	KT_ASSERT_EQ(chan_nr_live(), chans);
}

KTEST(dev_acpi, decoded_views)
{
	char *buf = kmalloc(KT_ACPI_BUF, MEM_WAIT);

	KT_ASSERT(buf);
	if (platform.source != PLATFORM_SRC_ACPI) {
		kfree(buf);
		return;
	}
	KT_ASSERT(kt_dev_cat("#acpi/madt", buf, KT_ACPI_BUF) > 0);
	KT_ASSERT(!strncmp(buf, "APIC length ", 12));
	KT_ASSERT(kt_count(buf, "\nlapic uid ") + kt_count(buf, "\nx2apic uid ") >=
	          platform.nr_cpus);
	KT_ASSERT(kt_count(buf, "\nioapic id ") >= platform.nr_ioapics);
	KT_ASSERT(kt_dev_cat("#acpi/mcfg", buf, KT_ACPI_BUF) > 0);
	KT_ASSERT(kt_count(buf, "ecam base ") >= platform.nr_ecam);
	if (!platform.nr_ecam)
		KT_ASSERT(kt_dev_has(buf, "no MCFG") || kt_dev_has(buf, "MCFG length"));
	KT_ASSERT(kt_dev_cat("#acpi/srat", buf, KT_ACPI_BUF) > 0);
	if (platform.numa.present)
		KT_ASSERT(kt_count(buf, "\nmemory base ") >= platform.numa.nr_ranges);
	else
		KT_ASSERT(kt_dev_has(buf, "no SRAT") || kt_dev_has(buf, "SRAT length"));
	kfree(buf);
}
