/* SPDX-License-Identifier: MIT */
/*
 * corealloc_packed.c - a topology-aware core-allocation policy
 * (corealloc.h): provisioned cores first, as in corealloc_fcfs.c; among
 * equals, the idle core nearest to the cores the asker already holds (an
 * SMT sibling, then the same package, then the same NUMA node), so an
 * MCP's vcores share caches and memory.  With no core held yet, the lowest
 * id.  Stateless; reads the allocator only.
 */
#include <corealloc.h>

/* 0 SMT sibling, 1 same package, 2 same node, 3 farther. */
static int packed_distance(const struct corealloc_core *a, const struct corealloc_core *b)
{
	if (a->pkg == b->pkg)
		return a->core == b->core ? 0 : 1;
	return a->node == b->node ? 2 : 3;
}

/* How near pcore is to the nearest core owner holds (4: holds none). */
static int packed_nearness(const struct corealloc *ca, uint32_t pcore, int owner)
{
	int best = 4;

	for (uint32_t i = 0; i < ca->nr_cores; i++) {
		int d;

		if (ca->core[i].owner != owner)
			continue;
		d = packed_distance(&ca->core[i], &ca->core[pcore]);
		if (d < best)
			best = d;
	}
	return best;
}

/* Provisioning first (rank), nearness second. */
static int packed_score(const struct corealloc *ca, uint32_t pcore, int owner)
{
	return corealloc_rank(ca, pcore, owner) * 8 + packed_nearness(ca, pcore, owner);
}

static int packed_find_best_core(const struct corealloc *ca, int owner)
{
	return corealloc_lowest(ca, owner, packed_score);
}

const struct corealloc_policy corealloc_packed = {
	.name = "packed",
	.find_best_core = packed_find_best_core,
};
