/* SPDX-License-Identifier: MIT */
/*
 * arch/topology.h - where each core sits: package (socket), core and SMT
 * thread from CPUID, NUMA node from the firmware tables; and the platform
 * description itself ('platform', filled by platform_init in platform.c).
 *
 * Usage: every core calls topology_init_core() on itself once while it
 * boots (before it is marked online); afterwards topology_of(core) is
 * read-only and needs no lock.  topology_print() is the monitor's 'cpus'.
 *
 * Field tags ([I], [l], ...): the legend in Documentation/style.md.
 */
#pragma once

#include <platform.h>
#include <types.h>

/* What the firmware said; [I] once platform_init() returned. */
extern struct platform_info platform;

struct cpu_topology {
	uint32_t apic_id;       /* [I] the core's (x2)APIC id, from CPUID */
	uint32_t package;       /* [I] socket */
	uint32_t core;          /* [I] core within the package */
	uint32_t thread;        /* [I] SMT thread within the core */
	uint16_t node;          /* [I] NUMA node, 0 without an SRAT */
	uint8_t smt_bits;       /* [I] APIC id bits that select the thread */
	uint8_t core_bits;      /* [I] bits above those that select the core */
	bool valid;             /* [I] topology_init_core() ran */
};

/* Splits an APIC id given the field widths (pure; tested). */
void topology_decode(uint32_t apic_id, unsigned int smt_bits,
                     unsigned int core_bits, struct cpu_topology *t);
/* On the core itself, while it boots. */
void topology_init_core(uint32_t core);
const struct cpu_topology *topology_of(uint32_t core);
void topology_print(void);
