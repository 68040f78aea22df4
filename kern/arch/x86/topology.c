/* SPDX-License-Identifier: MIT */
/*
 * topology.c - each core's package, core and SMT thread, from CPUID.
 *
 * An APIC id is a packed bit field: the low smt_bits select the thread in
 * a core, the next core_bits the core in a package, the rest the package.
 * The widths come from CPUID leaf 0xB (x2APIC topology) when the CPU has
 * it, else from leaf 1 (logical processors per package) and leaf 4 (Intel)
 * or 0x80000008 (AMD) for cores per package.  Each core runs the CPUID
 * itself in topology_init_core(), because CPUID answers about the core that
 * executes it; the NUMA node comes from 'platform' (SRAT).
 *
 * The per-core table is indexed by core id, written once by its core
 * before that core is marked online, read-only afterwards.
 */
#include <arch/topology.h>
#include <arch/x86.h>
#include <assert.h>
#include <percpu.h>
#include <printk.h>

#define CPUID_LEAF_TOPO     0xb
#define TOPO_LEVEL_SMT      1
#define TOPO_LEVEL_CORE     2

static struct cpu_topology topo[MAX_CORES];

void topology_decode(uint32_t apic_id, unsigned int smt_bits,
                     unsigned int core_bits, struct cpu_topology *t)
{
	unsigned int pkg_shift = smt_bits + core_bits;

	t->apic_id = apic_id;
	t->smt_bits = smt_bits;
	t->core_bits = core_bits;
	t->thread = smt_bits >= 32 ? apic_id : apic_id & ((1u << smt_bits) - 1);
	t->core = smt_bits >= 32 ? 0 : (apic_id >> smt_bits) &
	          (core_bits >= 32 ? ~0u : (1u << core_bits) - 1);
	t->package = pkg_shift >= 32 ? 0 : apic_id >> pkg_shift;
}

/* Bits needed to number n things: ceil(log2(n)). */
static unsigned int topo_bits_for(uint32_t n)
{
	unsigned int b = 0;

	while (b < 32 && (1ull << b) < n)
		b++;
	return b;
}

/* Leaf 0xB: returns false when the CPU does not implement it. */
static bool topo_from_leaf_b(struct cpu_topology *t)
{
	unsigned int smt = 0, pkg = 0;
	uint32_t x2id = 0;
	bool any = false;

	if (cpuid(0, 0).eax < CPUID_LEAF_TOPO || cpuid(CPUID_LEAF_TOPO, 0).ebx == 0)
		return false;
	for (uint32_t sub = 0; sub < 8; sub++) {
		struct cpuid_regs r = cpuid(CPUID_LEAF_TOPO, sub);
		unsigned int type = (r.ecx >> 8) & 0xff;

		if (type == 0)
			break;
		x2id = r.edx;
		any = true;
		if (type == TOPO_LEVEL_SMT)
			smt = r.eax & 0x1f;
		pkg = r.eax & 0x1f;     /* the last level's shift is the package's */
	}
	if (!any || pkg < smt)
		return false;
	topology_decode(x2id, smt, pkg - smt, t);
	return true;
}

static uint32_t topo_cores_per_pkg(void)
{
	uint32_t max_ext = cpuid(0x80000000, 0).eax;
	struct cpuid_regs v = cpuid(0, 0);
	bool amd = v.ebx == 0x68747541;         /* "Auth"enticAMD */

	if (amd && max_ext >= 0x80000008)
		return (cpuid(0x80000008, 0).ecx & 0xff) + 1;
	if (!amd && v.eax >= 4 && (cpuid(4, 0).eax & 0x1f))
		return (cpuid(4, 0).eax >> 26) + 1;
	return 1;
}

/* Leaves 1 and 4 (or 0x80000008): an 8-bit APIC id. */
static void topo_from_leaf_1(struct cpu_topology *t)
{
	struct cpuid_regs r = cpuid(1, 0);
	uint32_t logical = (r.edx & (1u << 28)) ? (r.ebx >> 16) & 0xff : 1;
	uint32_t cores = topo_cores_per_pkg();
	uint32_t threads;

	if (logical == 0)
		logical = 1;
	if (cores > logical)
		cores = logical;
	threads = logical / cores;
	topology_decode(r.ebx >> 24, topo_bits_for(threads), topo_bits_for(cores), t);
}

void topology_init_core(uint32_t core)
{
	struct cpu_topology *t = &topo[core];
	const struct platform_cpu *c;

	assert(core < MAX_CORES);
	if (!topo_from_leaf_b(t))
		topo_from_leaf_1(t);
	c = platform_cpu_by_apic_id(&platform, t->apic_id);
	t->node = c ? c->node : 0;
	t->valid = true;
}

const struct cpu_topology *topology_of(uint32_t core)
{
	return core < MAX_CORES && topo[core].valid ? &topo[core] : NULL;
}

void topology_print(void)
{
	printk("core  apic  socket  core  thread  node  state\n");
	for (uint32_t i = 0; i < MAX_CORES; i++) {
		const struct cpu_topology *t = topology_of(i);

		if (!t)
			continue;
		printk("%4u  %4u  %6u  %4u  %6u  %4u  %s\n", i, t->apic_id,
		       t->package, t->core, t->thread, t->node,
		       READ_ONCE(percpu_of(i)->online) ? "online" : "offline");
	}
}
