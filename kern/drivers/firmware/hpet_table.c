/* SPDX-License-Identifier: MIT */
/*
 * hpet_table.c - the ACPI "HPET" table: where the High Precision Event
 * Timer's registers are.
 *
 * Only the location and the table's hints are taken: the base address (which
 * must be in system memory, address space id 0, non-zero and 1 KiB aligned
 * as the register block is), the sequence number, the minimum periodic tick
 * and the comparator count / counter width / vendor from the block id.  The
 * HPET driver reads the period and the real comparator count from the
 * device's own capability register; this file touches no device.
 *
 * Boot-time, single-threaded; keeps no pointer into the table.
 */
#include <acpi.h>
#include <errno.h>
#include <printk.h>

static int hpet_reject(struct platform_info *pi, const char *why,
                       unsigned long long addr)
{
	printk("acpi: HPET table: %s (address 0x%llx); skipped\n", why, addr);
	pi->nr_rejected++;
	return -EINVAL;
}

int acpi_hpet_parse(struct platform_info *pi, const void *buf, size_t len)
{
	const struct acpi_hpet *t = buf;
	struct platform_hpet *h = &pi->hpet;

	if (acpi_table_check(buf, len, "HPET", (physaddr_t)(uintptr_t)buf)) {
		pi->nr_rejected++;
		return -EINVAL;
	}
	if (t->hdr.length < sizeof(*t))
		return hpet_reject(pi, "too short", 0);
	if (t->base.space_id != 0)
		return hpet_reject(pi, "registers not in system memory",
		                   t->base.address);
	if (t->base.address == 0 || !IS_ALIGNED(t->base.address, 1024))
		return hpet_reject(pi, "bad register address", t->base.address);
	h->present = true;
	h->phys_addr = t->base.address;
	h->seq = t->seq;
	h->min_tick = t->min_tick;
	h->nr_comparators = ((t->block_id >> 8) & 0x1f) + 1;
	h->counter_64 = (t->block_id >> 13) & 1;
	h->vendor_id = t->block_id >> 16;
	return 0;
}
