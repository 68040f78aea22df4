/* SPDX-License-Identifier: MIT */
/*
 * corealloc_fcfs.c - the simplest core-allocation policy (corealloc.h):
 * an idle core provisioned to the asker, else one provisioned to nobody,
 * else one provisioned to someone else; the lowest id within each.
 * Stateless; reads the allocator only.
 */
#include <corealloc.h>

static int fcfs_find_best_core(const struct corealloc *ca, int owner)
{
	return corealloc_lowest(ca, owner, corealloc_rank);
}

const struct corealloc_policy corealloc_fcfs = {
	.name = "fcfs",
	.find_best_core = fcfs_find_best_core,
};
