/* SPDX-License-Identifier: MIT */
/*
 * acpi_text.c - the MADT, SRAT and MCFG written out as text, one line per
 * entry, as the firmware wrote them (the #acpi device's decoded views).
 *
 * These show the table, not what Vireo took from it (platform_print()
 * does that): entries the parsers skip are listed too.  The same checks
 * guard every read: the table has passed acpi_table_check() (it comes from
 * acpi_find_table()), the entry chain passes acpi_subtables_check() before
 * any entry is read, and an entry shorter than its type's layout is shown
 * as "short" instead of being read.  Output goes into a slice the caller
 * owns; nothing here keeps state or takes locks.
 */
#include <acpi.h>
#include <slice.h>

static void text_header(struct slice *s, const struct acpi_header *h)
{
	slice_printf(s, "%.4s length %u revision %u oem '%.6s' '%.8s' rev %#x\n",
	             h->sig, h->length, h->revision, h->oem_id, h->oem_table_id,
	             h->oem_revision);
}

/* Whether entry e is long enough for 'need' bytes; says so when not. */
static bool text_entry_fits(struct slice *s, const uint8_t *e, size_t need)
{
	if (e[1] >= need)
		return true;
	slice_printf(s, "type %u short (length %u, needs %zu)\n", e[0], e[1], need);
	return false;
}

static void madt_entry_text(struct slice *s, const uint8_t *e)
{
	const struct acpi_madt_lapic *l = (const void *)e;
	const struct acpi_madt_ioapic *io = (const void *)e;
	const struct acpi_madt_iso *iso = (const void *)e;
	const struct acpi_madt_lapic_nmi *nmi = (const void *)e;
	const struct acpi_madt_lapic_override *lo = (const void *)e;
	const struct acpi_madt_x2apic *x = (const void *)e;
	const struct acpi_madt_x2apic_nmi *xn = (const void *)e;

	switch (e[0]) {
	case ACPI_MADT_LAPIC:
		if (text_entry_fits(s, e, sizeof(*l)))
			slice_printf(s, "lapic uid %u apic %u flags %#x\n", l->acpi_uid,
			             l->apic_id, l->flags);
		return;
	case ACPI_MADT_IOAPIC:
		if (text_entry_fits(s, e, sizeof(*io)))
			slice_printf(s, "ioapic id %u address %#x gsi %u\n", io->id,
			             io->addr, io->gsi_base);
		return;
	case ACPI_MADT_ISO:
		if (text_entry_fits(s, e, sizeof(*iso)))
			slice_printf(s, "override bus %u irq %u gsi %u flags %#x\n", iso->bus,
			             iso->source, iso->gsi, iso->flags);
		return;
	case ACPI_MADT_LAPIC_NMI:
		if (text_entry_fits(s, e, sizeof(*nmi)))
			slice_printf(s, "lapic-nmi uid %u lint %u flags %#x\n", nmi->acpi_uid,
			             nmi->lint, nmi->flags);
		return;
	case ACPI_MADT_LAPIC_OVERRIDE:
		if (text_entry_fits(s, e, sizeof(*lo)))
			slice_printf(s, "lapic-address %#llx\n", (unsigned long long)lo->addr);
		return;
	case ACPI_MADT_X2APIC:
		if (text_entry_fits(s, e, sizeof(*x)))
			slice_printf(s, "x2apic uid %u apic %u flags %#x\n", x->acpi_uid,
			             x->x2apic_id, x->flags);
		return;
	case ACPI_MADT_X2APIC_NMI:
		if (text_entry_fits(s, e, sizeof(*xn)))
			slice_printf(s, "x2apic-nmi uid %u lint %u flags %#x\n", xn->acpi_uid,
			             xn->lint, xn->flags);
		return;
	}
	slice_printf(s, "type %u length %u\n", e[0], e[1]);
}

static void srat_entry_text(struct slice *s, const uint8_t *e)
{
	const struct acpi_srat_cpu *c = (const void *)e;
	const struct acpi_srat_mem *m = (const void *)e;
	const struct acpi_srat_x2apic *x = (const void *)e;

	switch (e[0]) {
	case ACPI_SRAT_CPU:
		if (text_entry_fits(s, e, sizeof(*c)))
			slice_printf(s, "cpu apic %u domain %u flags %#x\n", c->apic_id,
			             c->domain_lo | c->domain_hi[0] << 8 |
			             c->domain_hi[1] << 16 | c->domain_hi[2] << 24, c->flags);
		return;
	case ACPI_SRAT_MEM:
		if (text_entry_fits(s, e, sizeof(*m)))
			slice_printf(s, "memory base %#llx length %#llx domain %u flags %#x\n",
			             (unsigned long long)m->base, (unsigned long long)m->len,
			             m->domain, m->flags);
		return;
	case ACPI_SRAT_X2APIC:
		if (text_entry_fits(s, e, sizeof(*x)))
			slice_printf(s, "x2apic apic %u domain %u flags %#x\n", x->x2apic_id,
			             x->domain, x->flags);
		return;
	}
	slice_printf(s, "type %u length %u\n", e[0], e[1]);
}

static void subtables_text(struct slice *s, const struct acpi_header *h, size_t start,
                           void (*entry)(struct slice *, const uint8_t *))
{
	text_header(s, h);
	if (h->length < start || acpi_subtables_check(h, start)) {
		slice_printf(s, "entries: broken chain, not shown\n");
		return;
	}
	for (const uint8_t *e = NULL; (e = acpi_subtable_next(h, start, e)) != NULL;)
		entry(s, e);
}

void acpi_madt_text(struct slice *s, const struct acpi_header *h)
{
	const struct acpi_madt *m = (const void *)h;

	if (h->length < sizeof(*m)) {
		text_header(s, h);
		slice_printf(s, "too short for the local APIC address\n");
		return;
	}
	subtables_text(s, h, sizeof(*m), madt_entry_text);
	slice_printf(s, "lapic-base %#x flags %#x\n", m->lapic_addr, m->flags);
}

void acpi_srat_text(struct slice *s, const struct acpi_header *h)
{
	subtables_text(s, h, ACPI_SRAT_ENTRIES_OFF, srat_entry_text);
}

void acpi_mcfg_text(struct slice *s, const struct acpi_header *h)
{
	const uint8_t *p = (const void *)h;

	text_header(s, h);
	for (size_t off = ACPI_MCFG_ENTRIES_OFF;
	     off + sizeof(struct acpi_mcfg_entry) <= h->length;
	     off += sizeof(struct acpi_mcfg_entry)) {
		const struct acpi_mcfg_entry *e = (const void *)(p + off);

		slice_printf(s, "ecam base %#llx segment %u buses %u-%u\n",
		             (unsigned long long)e->base, e->segment, e->bus_start,
		             e->bus_end);
	}
}
