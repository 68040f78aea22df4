/* SPDX-License-Identifier: MIT */
/*
 * srat.c - the System Resource Affinity Table ("SRAT"): which NUMA node
 * each processor and each memory range belongs to.
 *
 * acpi_srat_parse() checks the header and the whole entry chain before it
 * takes anything (as madt.c does).  Then it reads processor local APIC
 * affinity (type 0), memory affinity (type 1) and x2APIC affinity (type 2);
 * entries without the enabled flag are ignored.  A proximity domain is used
 * directly as the node id and must be below MAX_NUMA_NODES; an entry with a
 * larger one, a memory range that is empty or wraps, or one past
 * PLATFORM_MAX_MEM_RANGES, is reported and skipped on its own.  Processor
 * entries set cpus[].node of processors already known, so the MADT must be
 * parsed first; entries for unknown APIC ids are ignored.  Other types
 * (GICC, generic initiators) are skipped.
 *
 * Boot-time, single-threaded; keeps no pointer into the table.
 */
#include <acpi.h>
#include <errno.h>
#include <kstring.h>
#include <printk.h>

static bool srat_node_ok(struct platform_info *pi, const uint8_t *e,
                         uint32_t domain)
{
	if (domain < MAX_NUMA_NODES)
		return true;
	printk("acpi: SRAT entry type %u: proximity domain %u is not below %d; skipped\n",
	       e[0], domain, MAX_NUMA_NODES);
	pi->nr_rejected++;
	return false;
}

static void srat_note_node(struct platform_info *pi, uint32_t node)
{
	if (node + 1 > pi->numa.nr_nodes)
		pi->numa.nr_nodes = node + 1;
}

static void srat_set_cpu_node(struct platform_info *pi, const uint8_t *e,
                              uint32_t apic_id, uint32_t domain, uint32_t flags)
{
	struct platform_cpu *c;

	if (!(flags & ACPI_SRAT_ENABLED) || !srat_node_ok(pi, e, domain))
		return;
	srat_note_node(pi, domain);
	c = platform_cpu_by_apic_id(pi, apic_id);
	if (c)
		c->node = (uint16_t)domain;
}

static void srat_add_mem(struct platform_info *pi, const struct acpi_srat_mem *m)
{
	struct platform_numa *n = &pi->numa;
	uint64_t end;

	if (!(m->flags & ACPI_SRAT_ENABLED) ||
	    !srat_node_ok(pi, (const uint8_t *)m, m->domain))
		return;
	if (m->len == 0 || __builtin_add_overflow(m->base, m->len, &end)) {
		printk("acpi: SRAT memory range 0x%llx+0x%llx is empty or wraps; skipped\n",
		       (unsigned long long)m->base, (unsigned long long)m->len);
		pi->nr_rejected++;
		return;
	}
	if (n->nr_ranges == PLATFORM_MAX_MEM_RANGES) {
		printk("acpi: SRAT has more than %d memory ranges; 0x%llx skipped\n",
		       PLATFORM_MAX_MEM_RANGES, (unsigned long long)m->base);
		return;
	}
	srat_note_node(pi, m->domain);
	n->ranges[n->nr_ranges++] = (struct platform_mem_range){
		.base = m->base, .len = m->len, .node = (uint16_t)m->domain,
		.hotplug = m->flags & ACPI_SRAT_HOTPLUG,
		.nonvolatile = m->flags & ACPI_SRAT_NONVOLATILE,
	};
}

static void srat_apply_entry(struct platform_info *pi, const uint8_t *e)
{
	const struct acpi_srat_cpu *c = (const void *)e;
	const struct acpi_srat_x2apic *x = (const void *)e;
	uint32_t domain;

	if (e[0] == ACPI_SRAT_CPU && e[1] >= sizeof(*c)) {
		domain = c->domain_lo | (uint32_t)c->domain_hi[0] << 8 |
		         (uint32_t)c->domain_hi[1] << 16 |
		         (uint32_t)c->domain_hi[2] << 24;
		srat_set_cpu_node(pi, e, c->apic_id, domain, c->flags);
	} else if (e[0] == ACPI_SRAT_MEM && e[1] >= sizeof(struct acpi_srat_mem)) {
		srat_add_mem(pi, (const void *)e);
	} else if (e[0] == ACPI_SRAT_X2APIC && e[1] >= sizeof(*x)) {
		srat_set_cpu_node(pi, e, x->x2apic_id, x->domain, x->flags);
	} else if (e[0] <= ACPI_SRAT_X2APIC) {
		printk("acpi: SRAT entry type %u has length %u, too short; skipped\n",
		       e[0], e[1]);
		pi->nr_rejected++;
	}
}

int acpi_srat_parse(struct platform_info *pi, const void *buf, size_t len)
{
	const struct acpi_header *h = buf;
	const uint8_t *e = NULL;

	if (acpi_table_check(buf, len, "SRAT", (physaddr_t)(uintptr_t)buf)) {
		pi->nr_rejected++;
		return -EINVAL;
	}
	if (h->length < ACPI_SRAT_ENTRIES_OFF ||
	    acpi_subtables_check(h, ACPI_SRAT_ENTRIES_OFF)) {
		if (h->length < ACPI_SRAT_ENTRIES_OFF)
			printk("acpi: SRAT length %u is too short; skipped\n", h->length);
		pi->nr_rejected++;
		return -EINVAL;
	}
	memset(&pi->numa, 0, sizeof(pi->numa));
	for (unsigned int i = 0; i < pi->nr_cpus; i++)
		pi->cpus[i].node = 0;
	while ((e = acpi_subtable_next(h, ACPI_SRAT_ENTRIES_OFF, e)) != NULL)
		srat_apply_entry(pi, e);
	pi->numa.present = pi->numa.nr_nodes > 0;
	return 0;
}
