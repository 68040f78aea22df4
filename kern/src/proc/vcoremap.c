/* SPDX-License-Identifier: MIT */
/*
 * vcoremap.c - vcore ids (a stack: most recently yielded first) and the
 * procinfo vcoremap/pcoremap kept under coremap_seqctr (vcoremap.h).
 *
 * Rules: one writer per process at a time (the ksched's lock); the maps
 * change only between coremap_write_begin() and coremap_write_end(), which
 * make the counter odd and then even again with release ordering, so a
 * reader that sees the same even count before and after read a consistent
 * picture.
 */
#include <assert.h>
#include <vcoremap.h>

void vcore_ids_init(struct vcore_ids *ids, uint32_t max)
{
	assert(max <= ROS_MAX_VCORES);
	ids->max = max;
	ids->next_fresh = 0;
	ids->nr_free = 0;
}

int vcore_id_get(struct vcore_ids *ids)
{
	if (ids->nr_free)
		return ids->free[--ids->nr_free];
	if (ids->next_fresh < ids->max)
		return (int)ids->next_fresh++;
	return -1;
}

void vcore_id_put(struct vcore_ids *ids, uint32_t vcoreid)
{
	assert(vcoreid < ids->next_fresh && ids->nr_free < ids->max);
	for (uint32_t i = 0; i < ids->nr_free; i++)
		assert(ids->free[i] != vcoreid);        /* put back twice */
	ids->free[ids->nr_free++] = (uint16_t)vcoreid;
}

int vcore_id_take(struct vcore_ids *ids, uint32_t vcoreid)
{
	for (uint32_t i = 0; i < ids->nr_free; i++) {
		if (ids->free[i] != vcoreid)
			continue;
		for (; i + 1 < ids->nr_free; i++)
			ids->free[i] = ids->free[i + 1];
		ids->nr_free--;
		return 0;
	}
	return -1;
}

void coremap_write_begin(struct procinfo *pi)
{
	uint64_t s = __atomic_load_n(&pi->coremap_seqctr, __ATOMIC_RELAXED);

	assert(!(s & 1));
	__atomic_store_n(&pi->coremap_seqctr, s + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);        /* odd before the data */
}

void coremap_write_end(struct procinfo *pi)
{
	uint64_t s = __atomic_load_n(&pi->coremap_seqctr, __ATOMIC_RELAXED);

	assert(s & 1);
	__atomic_store_n(&pi->coremap_seqctr, s + 1, __ATOMIC_RELEASE);
}

void vcoremap_map(struct procinfo *pi, uint32_t vcoreid, uint32_t pcore)
{
	assert(pi->coremap_seqctr & 1);
	assert(vcoreid < ROS_MAX_VCORES && pcore < ROS_MAX_PCORES);
	assert(!pi->vcoremap[vcoreid].valid && !pi->pcoremap[pcore].valid);
	pi->vcoremap[vcoreid].pcoreid = pcore;
	pi->vcoremap[vcoreid].valid = 1;
	pi->pcoremap[pcore].vcoreid = vcoreid;
	pi->pcoremap[pcore].valid = 1;
	pi->num_vcores++;
	pi->res_grant[RES_CORES] = pi->num_vcores;
}

void vcoremap_unmap(struct procinfo *pi, uint32_t vcoreid)
{
	uint32_t pcore;

	assert(pi->coremap_seqctr & 1);
	assert(vcoreid < ROS_MAX_VCORES && pi->vcoremap[vcoreid].valid);
	pcore = pi->vcoremap[vcoreid].pcoreid;
	pi->vcoremap[vcoreid].valid = 0;
	pi->pcoremap[pcore].valid = 0;
	pi->num_vcores--;
	pi->res_grant[RES_CORES] = pi->num_vcores;
}
