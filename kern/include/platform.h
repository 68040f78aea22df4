/* SPDX-License-Identifier: MIT */
/*
 * platform.h - what the firmware tables say about the machine: processors,
 * IOAPICs, ISA interrupt overrides, the local APIC address, the HPET, the
 * NUMA layout and the PCI config-space (ECAM) windows.
 *
 * Producers: the ACPI parsers (kern/drivers/firmware/acpi.c, madt.c, srat.c,
 * hpet_table.c, mcfg.c) and, when there is no usable MADT, the Intel MultiProcessor
 * table (mptable.c).  Consumers: SMP bring-up, the LAPIC/IOAPIC/HPET drivers
 * the memory allocators and PCI.  Documentation/platform.md says what is
 * validated and how the fallbacks work.
 *
 * Usage:
 *	static struct platform_info pi;
 *	acpi_set_map(my_map);				// <acpi.h>
 *	platform_discover(&pi, mb2_rsdp, mb2_rsdp_len);	// ACPI, else MP table
 *	platform_print(&pi);
 *
 * Lifetime: the struct is filled once at boot by one core, before the other
 * cores start; afterwards every field is [I] (read-only, no lock needed).
 * The parsers never keep pointers into firmware memory inside it.
 *
 * Field tags ([I], [l], ...): the legend in Documentation/style.md.
 */
#pragma once

#include <types.h>

#define MAX_NUMA_NODES              64
#define PLATFORM_MAX_IOAPICS        32
#define PLATFORM_MAX_IRQ_OVERRIDES  32
#define PLATFORM_MAX_MEM_RANGES     64
#define PLATFORM_MAX_ECAM           16

#define PLATFORM_NO_NMI   0xff   /* platform_cpu.nmi_lint: no NMI entry */
#define PLATFORM_GSI_UNKNOWN 0xffffffffu /* platform_ioapic.gsi_base, see there */

enum platform_source {
	PLATFORM_SRC_NONE = 0,
	PLATFORM_SRC_ACPI,       /* processors came from the MADT */
	PLATFORM_SRC_MPTABLE,    /* processors came from the MP table */
};

/* Interrupt polarity and trigger mode, as the MPS "INTI" flags encode them. */
enum platform_polarity {
	PLATFORM_POL_CONFORM = 0,  /* as the bus specifies (ISA: active high) */
	PLATFORM_POL_HIGH = 1,
	PLATFORM_POL_LOW = 3,
};

enum platform_trigger {
	PLATFORM_TRIG_CONFORM = 0, /* as the bus specifies (ISA: edge) */
	PLATFORM_TRIG_EDGE = 1,
	PLATFORM_TRIG_LEVEL = 3,
};

/* A processor to start.  Disabled (not present) processors never appear. */
struct platform_cpu {
	uint32_t apic_id;      /* [I] local APIC id (x2APIC id when > 254) */
	uint32_t acpi_uid;     /* [I] ACPI processor UID; MP table: apic_id */
	uint16_t node;         /* [I] NUMA node (0 without an SRAT) */
	int8_t is_bsp;         /* [I] 1 or 0; -1 when the source cannot tell (ACPI) */
	bool x2apic_entry;     /* [I] listed by an x2APIC (type 9) MADT entry */
	uint8_t nmi_lint;      /* [I] LINT pin wired to NMI, or PLATFORM_NO_NMI */
	uint8_t nmi_polarity;  /* [I] enum platform_polarity */
	uint8_t nmi_trigger;   /* [I] enum platform_trigger */
};

struct platform_ioapic {
	uint32_t id;           /* [I] IOAPIC id */
	uint32_t phys_addr;    /* [I] register window */
	uint32_t gsi_base;     /* [I] first GSI it serves; from the MP table:
	                        * 0 for the first IOAPIC, PLATFORM_GSI_UNKNOWN
	                        * for the others (count the pins of the ones
	                        * before, from their version registers) */
};

/* ISA IRQ 'isa_irq' arrives on 'gsi' with the given polarity and trigger. */
struct platform_irq_override {
	uint8_t isa_irq;       /* [I] 0..15 */
	uint8_t polarity;      /* [I] enum platform_polarity */
	uint8_t trigger;       /* [I] enum platform_trigger */
	uint32_t gsi;          /* [I] */
};

struct platform_hpet {
	bool present;          /* [I] a valid HPET table was found */
	uint64_t phys_addr;    /* [I] register block (system memory space) */
	uint8_t seq;           /* [I] HPET sequence number */
	uint16_t min_tick;     /* [I] minimum periodic tick, in counter ticks */
	uint8_t nr_comparators;/* [I] the table's hint; the device's own CAP reg rules */
	bool counter_64;       /* [I] the table's hint, likewise */
	uint16_t vendor_id;    /* [I] PCI vendor id of the block */
};

struct platform_mem_range {
	uint64_t base;         /* [I] */
	uint64_t len;          /* [I] never 0, base + len never overflows */
	uint16_t node;         /* [I] < MAX_NUMA_NODES */
	bool hotplug;          /* [I] */
	bool nonvolatile;      /* [I] */
};

struct platform_numa {
	bool present;          /* [I] a valid SRAT was applied */
	unsigned int nr_nodes; /* [I] highest enabled node id + 1 */
	unsigned int nr_ranges;/* [I] */
	struct platform_mem_range ranges[PLATFORM_MAX_MEM_RANGES]; /* [I] */
};

/* One ECAM window of the MCFG: config space of buses [bus_start, bus_end]
 * of a PCI segment; function (b, d, f) sits at base + (b << 20 | d << 15 |
 * f << 12), base being where bus 0 would be. */
struct platform_ecam {
	uint64_t base;         /* [I] 1 MiB aligned, never 0 */
	uint16_t segment;      /* [I] PCI segment group */
	uint8_t bus_start;     /* [I] <= bus_end */
	uint8_t bus_end;       /* [I] */
};

struct platform_info {
	enum platform_source source;       /* [I] */
	uint64_t lapic_phys;               /* [I] local APIC register window */
	bool has_8259;                     /* [I] dual 8259 PICs present */

	unsigned int nr_cpus;              /* [I] <= CONFIG_MAX_CORES */
	unsigned int nr_cpus_left_out;     /* [I] enabled, but over CONFIG_MAX_CORES */
	unsigned int nr_cpus_hotplug;      /* [I] online-capable, not enabled now */
	struct platform_cpu cpus[CONFIG_MAX_CORES];               /* [I] */

	unsigned int nr_ioapics;           /* [I] */
	struct platform_ioapic ioapics[PLATFORM_MAX_IOAPICS];     /* [I] */

	unsigned int nr_overrides;         /* [I] */
	struct platform_irq_override overrides[PLATFORM_MAX_IRQ_OVERRIDES]; /* [I] */

	struct platform_hpet hpet;         /* [I] */
	struct platform_numa numa;         /* [I] */

	unsigned int nr_ecam;              /* [I] from the MCFG; 0: none */
	struct platform_ecam ecam[PLATFORM_MAX_ECAM];               /* [I] */

	/* Tables and entries that failed validation and were skipped (each
	 * one was reported with printk).  Tests and ktests check it. */
	unsigned int nr_rejected;          /* [I] */
};

/* Zeroes *pi and sets the defaults (no NMI pins, source NONE). */
void platform_info_init(struct platform_info *pi);
/* Forgets processors, IOAPICs, overrides and the LAPIC address only. */
void platform_clear_irq_topology(struct platform_info *pi);

/*
 * Adds an enabled processor.  Returns 0, -EEXIST for a duplicate APIC id
 * (reported and dropped) or -ENOSPC past CONFIG_MAX_CORES (reported by
 * name, counted in nr_cpus_left_out).
 */
int platform_add_cpu(struct platform_info *pi, uint32_t apic_id,
                     uint32_t acpi_uid, int is_bsp, bool x2apic_entry);
/* Adds an IOAPIC: 0, -EEXIST (duplicate id), -EINVAL (address 0), -ENOSPC. */
int platform_add_ioapic(struct platform_info *pi, uint32_t id,
                        uint32_t phys_addr, uint32_t gsi_base);

struct platform_cpu *platform_cpu_by_apic_id(struct platform_info *pi,
                                             uint32_t apic_id);

/* ACPI first, then the MP table; 0 when processors were found, else -ENOENT. */
int platform_discover(struct platform_info *pi, const void *rsdp_hint,
                      size_t hint_len);
/* Prints the summary: source, CPUs with nodes, IOAPICs, overrides, HPET, NUMA. */
void platform_print(const struct platform_info *pi);
