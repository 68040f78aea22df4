/* SPDX-License-Identifier: MIT */
/*
 * madt.c - the Multiple APIC Description Table ("APIC") parser.
 *
 * acpi_madt_parse() checks first and commits after: the table header
 * (acpi_table_check) and the whole entry chain (acpi_subtables_check: every
 * length >= 2 and inside the table) must be sound, or nothing is taken from
 * the table.  Then one pass takes processors (types 0 and 9), IOAPICs (1),
 * ISA interrupt source overrides (2) and the 64-bit local APIC address (5);
 * a second pass attaches the NMI pins (types 4 and 0xA) to the processors
 * already known.  An entry shorter than its type needs, or with reserved or
 * impossible values, is reported and skipped on its own.  Processors that
 * are not enabled are not started: online-capable ones are only counted
 * (nr_cpus_hotplug).  Duplicates and the CONFIG_MAX_CORES cap are handled by
 * platform_add_cpu().  Other entry types are skipped silently.
 *
 * Boot-time, single-threaded; keeps no pointer into the table.
 */
#include <acpi.h>
#include <errno.h>
#include <printk.h>

/* The smallest length each entry type we read may have; 0: not read. */
static const uint8_t madt_min_len[] = {
	[ACPI_MADT_LAPIC] = sizeof(struct acpi_madt_lapic),
	[ACPI_MADT_IOAPIC] = sizeof(struct acpi_madt_ioapic),
	[ACPI_MADT_ISO] = sizeof(struct acpi_madt_iso),
	[ACPI_MADT_LAPIC_NMI] = sizeof(struct acpi_madt_lapic_nmi),
	[ACPI_MADT_LAPIC_OVERRIDE] = sizeof(struct acpi_madt_lapic_override),
	[ACPI_MADT_X2APIC] = sizeof(struct acpi_madt_x2apic),
	[ACPI_MADT_X2APIC_NMI] = sizeof(struct acpi_madt_x2apic_nmi),
};

static void madt_reject(struct platform_info *pi, const uint8_t *e,
                        const char *why)
{
	printk("acpi: MADT entry type %u (length %u): %s; skipped\n",
	       e[0], e[1], why);
	pi->nr_rejected++;
}

/* True when entry e is one we read and is long enough for its type. */
static bool madt_entry_usable(struct platform_info *pi, const uint8_t *e)
{
	if (e[0] >= ARRAY_SIZE(madt_min_len) || madt_min_len[e[0]] == 0)
		return false;
	if (e[1] < madt_min_len[e[0]]) {
		madt_reject(pi, e, "shorter than its type");
		return false;
	}
	return true;
}

/* MPS INTI flags -> polarity and trigger; -EINVAL for the reserved value 2. */
static int madt_inti(uint16_t flags, uint8_t *pol, uint8_t *trig)
{
	*pol = flags & 3;
	*trig = (flags >> 2) & 3;
	return (*pol == 2 || *trig == 2) ? -EINVAL : 0;
}

static void madt_add_processor(struct platform_info *pi, const uint8_t *e,
                               uint32_t apic_id, uint32_t uid, uint32_t flags)
{
	bool x2 = e[0] == ACPI_MADT_X2APIC;

	if (!(flags & ACPI_MADT_ENABLED)) {
		if (flags & ACPI_MADT_ONLINE_CAPABLE)
			pi->nr_cpus_hotplug++;
		return;
	}
	if (apic_id == (x2 ? 0xffffffffu : 0xffu)) {
		madt_reject(pi, e, "broadcast APIC id");
		return;
	}
	platform_add_cpu(pi, apic_id, uid, -1, x2);
}

static void madt_add_override(struct platform_info *pi,
                              const struct acpi_madt_iso *iso)
{
	const uint8_t *e = (const uint8_t *)iso;
	struct platform_irq_override o = { .isa_irq = iso->source, .gsi = iso->gsi };

	if (iso->bus != 0 || iso->source >= 16)
		return madt_reject(pi, e, "not an ISA IRQ");
	if (madt_inti(iso->flags, &o.polarity, &o.trigger))
		return madt_reject(pi, e, "reserved polarity or trigger");
	for (unsigned int i = 0; i < pi->nr_overrides; i++) {
		if (pi->overrides[i].isa_irq == o.isa_irq)
			return madt_reject(pi, e, "second override of one IRQ");
	}
	if (pi->nr_overrides == PLATFORM_MAX_IRQ_OVERRIDES)
		return madt_reject(pi, e, "too many overrides");
	pi->overrides[pi->nr_overrides++] = o;
}

/* First pass: everything but the NMI entries. */
static void madt_apply_entry(struct platform_info *pi, const uint8_t *e)
{
	const struct acpi_madt_lapic *l = (const void *)e;
	const struct acpi_madt_x2apic *x = (const void *)e;
	const struct acpi_madt_ioapic *io = (const void *)e;
	const struct acpi_madt_lapic_override *ov = (const void *)e;

	switch (e[0]) {
	case ACPI_MADT_LAPIC:
		madt_add_processor(pi, e, l->apic_id, l->acpi_uid, l->flags);
		break;
	case ACPI_MADT_X2APIC:
		madt_add_processor(pi, e, x->x2apic_id, x->acpi_uid, x->flags);
		break;
	case ACPI_MADT_IOAPIC:
		platform_add_ioapic(pi, io->id, io->addr, io->gsi_base);
		break;
	case ACPI_MADT_ISO:
		madt_add_override(pi, (const void *)e);
		break;
	case ACPI_MADT_LAPIC_OVERRIDE:
		if (ov->addr == 0)
			madt_reject(pi, e, "address 0");
		else
			pi->lapic_phys = ov->addr;
		break;
	}
}

/* Second pass: wires LINT 'lint' to NMI on processor 'uid' (or all). */
static void madt_apply_nmi(struct platform_info *pi, const uint8_t *e,
                           uint32_t uid, bool all, uint16_t flags, uint8_t lint)
{
	uint8_t pol, trig;

	if (lint > 1)
		return madt_reject(pi, e, "LINT pin not 0 or 1");
	if (madt_inti(flags, &pol, &trig))
		return madt_reject(pi, e, "reserved polarity or trigger");
	for (unsigned int i = 0; i < pi->nr_cpus; i++) {
		struct platform_cpu *c = &pi->cpus[i];

		if (!all && c->acpi_uid != uid)
			continue;
		c->nmi_lint = lint;
		c->nmi_polarity = pol;
		c->nmi_trigger = trig;
	}
}

static void madt_apply_nmi_entry(struct platform_info *pi, const uint8_t *e)
{
	const struct acpi_madt_lapic_nmi *n = (const void *)e;
	const struct acpi_madt_x2apic_nmi *x = (const void *)e;

	if (e[0] == ACPI_MADT_LAPIC_NMI)
		madt_apply_nmi(pi, e, n->acpi_uid, n->acpi_uid == 0xff,
		               n->flags, n->lint);
	else if (e[0] == ACPI_MADT_X2APIC_NMI)
		madt_apply_nmi(pi, e, x->acpi_uid, x->acpi_uid == 0xffffffffu,
		               x->flags, x->lint);
}

/* The header and the entry chain; reports and returns -EINVAL if unsound. */
static int madt_check(const void *buf, size_t len)
{
	const struct acpi_madt *m = buf;

	if (acpi_table_check(buf, len, "APIC", (physaddr_t)(uintptr_t)buf))
		return -EINVAL;
	if (m->hdr.length < sizeof(*m)) {
		printk("acpi: MADT length %u leaves no room for its fixed fields; skipped\n",
		       m->hdr.length);
		return -EINVAL;
	}
	return acpi_subtables_check(&m->hdr, sizeof(*m));
}

int acpi_madt_parse(struct platform_info *pi, const void *buf, size_t len)
{
	const struct acpi_madt *m = buf;
	const uint8_t *e = NULL;

	platform_clear_irq_topology(pi);
	if (madt_check(buf, len)) {
		pi->nr_rejected++;
		return -EINVAL;
	}
	pi->lapic_phys = m->lapic_addr;
	pi->has_8259 = m->flags & ACPI_MADT_PCAT_COMPAT;
	while ((e = acpi_subtable_next(&m->hdr, sizeof(*m), e)) != NULL) {
		if (madt_entry_usable(pi, e))
			madt_apply_entry(pi, e);
	}
	while ((e = acpi_subtable_next(&m->hdr, sizeof(*m), e)) != NULL) {
		if (e[0] < ARRAY_SIZE(madt_min_len) && e[1] >= madt_min_len[e[0]])
			madt_apply_nmi_entry(pi, e);
	}
	if (pi->nr_cpus == 0) {
		printk("acpi: MADT lists no usable processor; skipped\n");
		platform_clear_irq_topology(pi);
		pi->nr_rejected++;
		return -EINVAL;
	}
	return 0;
}
