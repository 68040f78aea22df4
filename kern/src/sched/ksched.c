/* SPDX-License-Identifier: MIT */
/*
 * ksched.c - the kernel scheduler for many-core processes (ksched.h): one
 * core allocator for the machine (corealloc.h), set up on first use, and
 * the grants published in each process's procinfo (vcoremap.h).
 *
 * Locks: ksched_lock, an irqsave leaf, covers the allocator and every
 * process's vcore ids (p->vcore_ids, made at its first grant, freed with
 * the process) and procinfo core maps.  Procdata is
 * read with uaccess before the lock is taken.
 */
#include <arch/topology.h>
#include <corealloc.h>
#include <core_id.h>
#include <errno.h>
#include <kmalloc.h>
#include <ksched.h>
#include <process.h>
#include <ros/procdata.h>
#include <spinlock.h>
#include <uaccess.h>
#include <vcoremap.h>

#define KSCHED_NR_LL 1                  /* core 0: SCPs and housekeeping */

static spinlock_t ksched_lock = SPINLOCK_INITIALIZER("ksched");
static struct corealloc ksched_ca;      /* [ksched_lock] */
static bool ksched_ready;               /* [ksched_lock] */

#ifdef CONFIG_COREALLOC_PACKED
#define KSCHED_POLICY (&corealloc_packed)
#else
#define KSCHED_POLICY (&corealloc_fcfs)
#endif

/* On one core there is nothing to split: an MCP shares it with the rest. */
static uint32_t ksched_nr_ll(void)
{
	return num_cores > KSCHED_NR_LL ? KSCHED_NR_LL : 0;
}

/* With ksched_lock held: the allocator, built on first use (after SMP
 * boot, so num_cores and the topology are known). */
static struct corealloc *ksched_ca_locked(void)
{
	if (ksched_ready)
		return &ksched_ca;
	corealloc_init(&ksched_ca, num_cores, ksched_nr_ll(), KSCHED_POLICY);
	for (uint32_t i = 0; i < num_cores; i++) {
		const struct cpu_topology *t = topology_of(i);

		if (t && t->valid)
			corealloc_set_topology(&ksched_ca, i, t->package, t->core, t->node);
	}
	ksched_ready = true;
	return &ksched_ca;
}

uint32_t ksched_max_vcores(void)
{
	return num_cores - ksched_nr_ll();
}

uint32_t ksched_nr_idle(void)
{
	uint64_t flags = spin_lock_irqsave(&ksched_lock);
	uint32_t n = ksched_ca_locked()->nr_idle;

	spin_unlock_irqrestore(&ksched_lock, flags);
	return n;
}

/* Does not build the allocator: nothing is held before its first use. */
bool ksched_core_held(uint32_t pcore)
{
	uint64_t flags = spin_lock_irqsave(&ksched_lock);
	struct corealloc *ca = &ksched_ca;
	bool held = ksched_ready && pcore < ca->nr_cores && ca->core[pcore].owner;

	spin_unlock_irqrestore(&ksched_lock, flags);
	return held;
}

int ksched_provision(int pid, uint32_t pcore)
{
	uint64_t flags = spin_lock_irqsave(&ksched_lock);
	int ret = corealloc_provision(ksched_ca_locked(), pid, pcore);

	spin_unlock_irqrestore(&ksched_lock, flags);
	return ret;
}

int ksched_provisioned_to(uint32_t pcore)
{
	uint64_t flags = spin_lock_irqsave(&ksched_lock);
	struct corealloc *ca = ksched_ca_locked();
	int ret = pcore < ca->nr_cores ? ca->core[pcore].prov : -EINVAL;

	spin_unlock_irqrestore(&ksched_lock, flags);
	return ret;
}

/* p's vcore ids, made at its first grant (an SCP never pays for them);
 * NULL: no memory.  Kthread context, ksched_lock not held. */
static struct vcore_ids *ksched_vcore_ids(struct proc *p)
{
	struct vcore_ids *ids = READ_ONCE(p->vcore_ids);
	uint64_t flags;

	if (ids)
		return ids;
	ids = kmalloc(sizeof(*ids), MEM_WAIT);
	if (!ids)
		return NULL;
	vcore_ids_init(ids, ksched_max_vcores());
	flags = spin_lock_irqsave(&ksched_lock);
	if (!p->vcore_ids) {
		WRITE_ONCE(p->vcore_ids, ids);
		ids = NULL;
	}
	spin_unlock_irqrestore(&ksched_lock, flags);
	kfree(ids);                     /* lost a race: the other one stays */
	return p->vcore_ids;
}

uint32_t ksched_grant(struct proc *p, uint64_t want)
{
	struct vcore_ids *ids = ksched_vcore_ids(p);
	uint64_t flags;
	struct corealloc *ca;
	struct procinfo *pi;
	uint32_t have;

	flags = spin_lock_irqsave(&ksched_lock);
	/* Gone: its procinfo may be freed (and its pages someone else's). */
	if (p->ksched_gone || !ids) {
		have = p->ksched_gone ? 0 : p->procinfo->num_vcores;
		spin_unlock_irqrestore(&ksched_lock, flags);
		return have;
	}
	pi = p->procinfo;
	ca = ksched_ca_locked();
	if (want > ids->max)
		want = ids->max;
	coremap_write_begin(pi);
	while (pi->num_vcores < want) {
		int pc = corealloc_take(ca, p->pid);
		int v;

		if (pc < 0)
			break;
		v = vcore_id_get(ids);
		assert(v >= 0);                 /* num_vcores < max */
		vcoremap_map(pi, (uint32_t)v, (uint32_t)pc);
	}
	have = pi->num_vcores;
	coremap_write_end(pi);
	spin_unlock_irqrestore(&ksched_lock, flags);
	return have;
}

int ksched_poke(struct proc *p)
{
	const struct procdata *pd = (const struct procdata *)UDATA;
	uint64_t want;

	if (copy_from_user(&want, &pd->head.res_req[RES_CORES].amt_wanted, sizeof(want)))
		return -EFAULT;
	return (int)ksched_grant(p, want);
}

/* With ksched_lock held, between coremap_write_begin and _end. */
static void ksched_take_back_locked(struct proc *p, uint32_t vcoreid)
{
	struct procinfo *pi = p->procinfo;

	corealloc_give_back(&ksched_ca, pi->vcoremap[vcoreid].pcoreid);
	vcoremap_unmap(pi, vcoreid);
	vcore_id_put(p->vcore_ids, vcoreid);
}

void ksched_yield_vcore(struct proc *p, uint32_t vcoreid)
{
	uint64_t flags = spin_lock_irqsave(&ksched_lock);

	if (p->ksched_gone) {           /* ksched_proc_gone took every core back */
		spin_unlock_irqrestore(&ksched_lock, flags);
		return;
	}
	assert(vcoreid < ROS_MAX_VCORES && p->procinfo->vcoremap[vcoreid].valid);
	coremap_write_begin(p->procinfo);
	ksched_take_back_locked(p, vcoreid);
	coremap_write_end(p->procinfo);
	spin_unlock_irqrestore(&ksched_lock, flags);
}

void ksched_proc_gone(struct proc *p)
{
	uint64_t flags = spin_lock_irqsave(&ksched_lock);
	struct corealloc *ca = ksched_ca_locked();
	struct procinfo *pi = p->procinfo;

	p->ksched_gone = true;          /* no grant or yield touches pi after us */
	if (pi && pi->num_vcores) {
		coremap_write_begin(pi);
		for (uint32_t v = 0; v < ROS_MAX_VCORES && pi->num_vcores; v++)
			if (pi->vcoremap[v].valid)
				ksched_take_back_locked(p, v);
		coremap_write_end(pi);
	}
	corealloc_forget(ca, p->pid);
	spin_unlock_irqrestore(&ksched_lock, flags);
}

void ksched_set_mcp(struct proc *p, uint32_t max)
{
	uint64_t flags = spin_lock_irqsave(&ksched_lock);

	coremap_write_begin(p->procinfo);
	p->procinfo->is_mcp = 1;
	p->procinfo->max_vcores = max;
	coremap_write_end(p->procinfo);
	spin_unlock_irqrestore(&ksched_lock, flags);
}
