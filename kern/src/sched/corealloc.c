/* SPDX-License-Identifier: MIT */
/*
 * corealloc.c - the core allocator's bookkeeping (corealloc.h): which
 * cores are idle, held by an MCP, or provisioned to one.  The choice of
 * core is the policy's (corealloc_fcfs.c, corealloc_packed.c).
 *
 * Rules: callers serialize every call on one struct corealloc; nothing here
 * locks, sleeps or allocates.
 */
#include <assert.h>
#include <corealloc.h>
#include <errno.h>
#include <kstring.h>

void corealloc_init(struct corealloc *ca, uint32_t nr_cores, uint32_t nr_ll,
                    const struct corealloc_policy *policy)
{
	assert(nr_cores <= COREALLOC_MAX && nr_ll <= nr_cores);
	memset(ca, 0, sizeof(*ca));
	ca->nr_cores = nr_cores;
	ca->nr_idle = nr_cores - nr_ll;
	ca->policy = policy;
	for (uint32_t i = 0; i < nr_ll; i++)
		ca->core[i].ll = true;
	for (uint32_t i = 0; i < nr_cores; i++)
		ca->core[i].core = i;
}

void corealloc_set_topology(struct corealloc *ca, uint32_t pcore, uint32_t pkg,
                            uint32_t core, uint32_t node)
{
	assert(pcore < ca->nr_cores);
	ca->core[pcore].pkg = pkg;
	ca->core[pcore].core = core;
	ca->core[pcore].node = node;
}

int corealloc_rank(const struct corealloc *ca, uint32_t pcore, int owner)
{
	const struct corealloc_core *c;

	if (pcore >= ca->nr_cores)
		return -1;
	c = &ca->core[pcore];
	if (c->ll || c->owner || (c->claim && c->claim != owner))
		return -1;              /* a claimed core waits for its claimant */
	if (c->prov == owner)
		return 0;
	return c->prov ? 2 : 1;
}

int corealloc_lowest(const struct corealloc *ca, int owner,
                     int (*score)(const struct corealloc *ca, uint32_t pcore, int owner))
{
	int best = -1, best_score = 0;

	for (uint32_t i = 0; i < ca->nr_cores; i++) {
		int s;

		if (corealloc_rank(ca, i, owner) < 0)
			continue;
		s = score(ca, i, owner);
		if (best < 0 || s < best_score) {
			best = (int)i;
			best_score = s;
		}
	}
	return best;
}

int corealloc_take(struct corealloc *ca, int owner)
{
	int pc;

	assert(owner > 0);
	if (!ca->nr_idle)
		return -1;
	pc = ca->policy->find_best_core(ca, owner);
	if (pc < 0)
		return -1;
	assert(corealloc_rank(ca, (uint32_t)pc, owner) >= 0);
	ca->core[pc].owner = owner;
	ca->core[pc].claim = 0;
	ca->nr_idle--;
	return pc;
}

void corealloc_give_back(struct corealloc *ca, uint32_t pcore)
{
	assert(pcore < ca->nr_cores && ca->core[pcore].owner);
	ca->core[pcore].owner = 0;
	ca->nr_idle++;
}

int corealloc_provision(struct corealloc *ca, int pid, uint32_t pcore)
{
	if (pid < 0 || pcore >= ca->nr_cores || ca->core[pcore].ll)
		return -EINVAL;
	ca->core[pcore].prov = pid;
	return 0;
}

void corealloc_forget(struct corealloc *ca, int pid)
{
	for (uint32_t i = 0; i < ca->nr_cores; i++) {
		assert(ca->core[i].owner != pid);
		if (ca->core[i].prov == pid)
			ca->core[i].prov = 0;
		if (ca->core[i].claim == pid)
			ca->core[i].claim = 0;
	}
}

uint32_t corealloc_nr_held(const struct corealloc *ca, int owner)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < ca->nr_cores; i++)
		n += ca->core[i].owner == owner;
	return n;
}
