/* SPDX-License-Identifier: MIT */
/*
 * mcfg.c - the ACPI "MCFG" table: where PCI Express enhanced configuration
 * (ECAM) windows are, one per segment and bus range.
 *
 * Model: the table is untrusted.  After acpi_table_check(), each 16-byte
 * allocation entry is checked on its own and a bad one is reported and
 * skipped: base 0 or not 1 MiB aligned, bus_start > bus_end, a window whose
 * end (base + (bus_end + 1) MiB) wraps, or buses that overlap a window
 * already taken for the same segment.  Bytes after the last whole entry
 * are reported and ignored; entries beyond PLATFORM_MAX_ECAM are reported
 * and left out.  Only the windows go into pi->ecam; nothing here touches a
 * device, and no pointer into the table is kept.
 *
 * Boot-time, single-threaded (or on a caller's private platform_info).
 */
#include <acpi.h>
#include <errno.h>
#include <kstring.h>
#include <printk.h>

#define MCFG_BUS_SHIFT 20

static void mcfg_skip(struct platform_info *pi, unsigned int i, const char *why,
                      const struct acpi_mcfg_entry *e)
{
	printk("acpi: MCFG entry %u (segment %u, buses %u-%u, base 0x%llx): %s; skipped\n",
	       i, e->segment, e->bus_start, e->bus_end,
	       (unsigned long long)e->base, why);
	pi->nr_rejected++;
}

static bool mcfg_overlaps(const struct platform_info *pi,
                          const struct acpi_mcfg_entry *e)
{
	for (unsigned int i = 0; i < pi->nr_ecam; i++) {
		const struct platform_ecam *w = &pi->ecam[i];

		if (w->segment == e->segment && e->bus_start <= w->bus_end &&
		    w->bus_start <= e->bus_end)
			return true;
	}
	return false;
}

/* Why the entry cannot be used, or NULL. */
static const char *mcfg_entry_problem(const struct platform_info *pi,
                                      const struct acpi_mcfg_entry *e)
{
	uint64_t end;

	if (e->base == 0)
		return "base address 0";
	if (e->base & ((1ull << MCFG_BUS_SHIFT) - 1))
		return "base not 1 MiB aligned";
	if (e->bus_start > e->bus_end)
		return "start bus after end bus";
	if (__builtin_add_overflow(e->base,
	                           ((uint64_t)e->bus_end + 1) << MCFG_BUS_SHIFT, &end))
		return "window wraps past 2^64";
	if (mcfg_overlaps(pi, e))
		return "buses overlap an earlier window";
	return NULL;
}

static void mcfg_take(struct platform_info *pi, unsigned int i,
                      const struct acpi_mcfg_entry *e)
{
	const char *why = mcfg_entry_problem(pi, e);

	if (why) {
		mcfg_skip(pi, i, why, e);
		return;
	}
	if (pi->nr_ecam >= PLATFORM_MAX_ECAM) {
		mcfg_skip(pi, i, "too many windows", e);
		return;
	}
	pi->ecam[pi->nr_ecam++] = (struct platform_ecam){
		.base = e->base,
		.segment = e->segment,
		.bus_start = e->bus_start,
		.bus_end = e->bus_end,
	};
}

int acpi_mcfg_parse(struct platform_info *pi, const void *buf, size_t len)
{
	const struct acpi_header *h = buf;
	const uint8_t *p = buf;
	size_t body, n;

	pi->nr_ecam = 0;
	if (acpi_table_check(buf, len, "MCFG", (physaddr_t)(uintptr_t)buf)) {
		pi->nr_rejected++;
		return -EINVAL;
	}
	if (h->length < ACPI_MCFG_ENTRIES_OFF) {
		printk("acpi: MCFG of %u bytes is too short; skipped\n", h->length);
		pi->nr_rejected++;
		return -EINVAL;
	}
	body = h->length - ACPI_MCFG_ENTRIES_OFF;
	n = body / sizeof(struct acpi_mcfg_entry);
	if (body % sizeof(struct acpi_mcfg_entry))
		printk("acpi: MCFG has %zu stray bytes after its %zu entries; ignored\n",
		       body % sizeof(struct acpi_mcfg_entry), n);
	for (size_t i = 0; i < n; i++) {
		struct acpi_mcfg_entry e;

		memcpy(&e, p + ACPI_MCFG_ENTRIES_OFF + i * sizeof(e), sizeof(e));
		mcfg_take(pi, (unsigned int)i, &e);
	}
	return 0;
}
