/* SPDX-License-Identifier: MIT */
/*
 * ksched.c - the kernel scheduler for many-core processes (ksched.h): one
 * core allocator for the machine (corealloc.h), set up on first use, and
 * the grants published in each process's procinfo (vcoremap.h).
 *
 * The policy (Documentation/mcp.md, "The ksched policy"):
 *  - cores [0, llcores) (the llcores= boot option, default 1) are the
 *    low-latency cores: SCPs, the monitor, kernel housekeeping (the
 *    preemption deadline alarms); never granted;
 *  - a poke grants idle cores up to max(amt_wanted, amt_wanted_min),
 *    provisioned-first (corealloc.h); what is still missing is remembered
 *    (ksched_wanting) and offered whenever a core comes back;
 *  - a core provisioned to the asker but held by another MCP is taken back:
 *    the holder's vcore is warned (KSCHED_WARN_NSEC) and then preempted,
 *    and the core goes to the claimant first when it frees; the holder
 *    keeps max(1, its amt_wanted_min) vcores all the same (mcp_preempt);
 *  - a granted core is whole: SCPs placed there earlier move to a
 *    low-latency core (proc_move_scps_off), so no slice alarm interrupts
 *    the vcore.
 *
 * Locks: ksched_lock, an irqsave leaf, covers the allocator, the wanting
 * list, and every process's vcore ids (p->vcore_ids, made at its first
 * grant, freed with the process), ks_want/ks_min and procinfo core maps.
 * Procdata is read with uaccess before the lock is taken; preemptions,
 * vcore starts and SCP moves happen after it is dropped.
 */
#include <arch/topology.h>
#include <cmdline.h>
#include <corealloc.h>
#include <core_id.h>
#include <errno.h>
#include <kmalloc.h>
#include <ksched.h>
#include <mcp.h>
#include <process.h>
#include <ros/procdata.h>
#include <spinlock.h>
#include <time.h>
#include <uaccess.h>
#include <vcoremap.h>

#define KSCHED_NR_LL 1                  /* core 0: SCPs and housekeeping */
#define KSCHED_WARN_NSEC (5 * NSEC_PER_MSEC)    /* a provisioned claim's warning */
#define KSCHED_NR_WANTING 32

static spinlock_t ksched_lock = SPINLOCK_INITIALIZER("ksched");
static struct corealloc ksched_ca;      /* [ksched_lock] */
static bool ksched_ready;               /* [ksched_lock] */
static int ksched_wanting[KSCHED_NR_WANTING];   /* [ksched_lock] pids short of cores */

/* A core taken back from its holder for a claimant. */
struct ksched_take {
	int holder;
	uint32_t pcore, vcore;
};

#ifdef CONFIG_COREALLOC_PACKED
#define KSCHED_POLICY (&corealloc_packed)
#else
#define KSCHED_POLICY (&corealloc_fcfs)
#endif

/* On one core there is nothing to split: an MCP shares it with the rest. */
static uint32_t ksched_nr_ll(void)
{
	uint64_t n = KSCHED_NR_LL;

	if (num_cores <= 1)
		return 0;
	if (cmdline_get_u64(&boot_cmdline, "llcores", &n) || n < 1)
		n = KSCHED_NR_LL;
	return n < num_cores ? (uint32_t)n : num_cores - 1;
}

uint32_t ksched_nr_ll_cores(void)
{
	return ksched_nr_ll();
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

/* With ksched_lock: p is (no longer) short of cores. */
static void ksched_wanting_set_locked(int pid, bool short_of)
{
	int free = -1;

	for (int i = 0; i < KSCHED_NR_WANTING; i++) {
		if (ksched_wanting[i] == pid) {
			if (!short_of)
				ksched_wanting[i] = 0;
			return;
		}
		if (!ksched_wanting[i] && free < 0)
			free = i;
	}
	if (short_of && free >= 0)
		ksched_wanting[free] = pid;     /* full: it waits for its next poke */
}

/* With ksched_lock: up to 'need' cores provisioned to p but held by other
 * processes are marked as p's claim and listed in t; how many. */
static uint32_t ksched_claim_locked(struct corealloc *ca, struct proc *p, uint64_t need,
                                    struct ksched_take *t, uint32_t max)
{
	uint32_t n = 0;

	for (uint32_t c = 0; c < ca->nr_cores && n < need && n < max; c++) {
		struct corealloc_core *cc = &ca->core[c];

		if (cc->prov != p->pid || !cc->owner || cc->owner == p->pid || cc->claim)
			continue;
		cc->claim = p->pid;     /* the holder is not gone: it holds the core */
		t[n++] = (struct ksched_take){ .holder = cc->owner, .pcore = c };
	}
	return n;
}

/* With ksched_lock: the vcore of h on pcore, or -1 (h lost it, or is gone). */
static int ksched_vcore_on_locked(struct proc *h, uint32_t pcore)
{
	const struct pcore_info *pc;

	if (h->ksched_gone || ksched_ca.core[pcore].owner != h->pid)
		return -1;
	pc = &h->procinfo->pcoremap[pcore];
	return pc->valid ? (int)pc->vcoreid : -1;
}

/* Preempts each listed core's vcore (warned); a refusal drops the claim. */
static void ksched_take_back(int claimant, struct ksched_take *t, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		struct proc *h = proc_lookup(t[i].holder);
		int ret = -ENOENT, v = -1;
		uint64_t flags;

		if (h) {
			flags = spin_lock_irqsave(&ksched_lock);
			v = ksched_vcore_on_locked(h, t[i].pcore);
			spin_unlock_irqrestore(&ksched_lock, flags);
		}
		if (v >= 0)
			ret = mcp_preempt(h, (uint32_t)v, KSCHED_WARN_NSEC);
		if (h)
			proc_put(h);
		if (!ret || ret == -EALREADY)
			continue;
		flags = spin_lock_irqsave(&ksched_lock);
		if (ksched_ca.core[t[i].pcore].claim == claimant)
			ksched_ca.core[t[i].pcore].claim = 0;
		spin_unlock_irqrestore(&ksched_lock, flags);
	}
}

uint32_t ksched_grant(struct proc *p, uint64_t want)
{
	struct vcore_ids *ids = ksched_vcore_ids(p);
	struct ksched_take take[8];
	uint32_t granted[8], nr_granted = 0, nr_take = 0;
	uint64_t flags;
	struct corealloc *ca;
	struct procinfo *pi;
	uint32_t have;

	flags = spin_lock_irqsave(&ksched_lock);
	/* Gone: its procinfo may be freed (and its pages someone else's).
	 * Stopped (proc/jobctl.c): nothing until it is continued. */
	if (p->ksched_gone || !ids || READ_ONCE(p->stopped)) {
		have = p->ksched_gone ? 0 : p->procinfo->num_vcores;
		spin_unlock_irqrestore(&ksched_lock, flags);
		return have;
	}
	pi = p->procinfo;
	ca = ksched_ca_locked();
	if (want > ids->max)
		want = ids->max;
	p->ks_want = want;
	coremap_write_begin(pi);
	while (pi->num_vcores < want) {
		int pc = corealloc_take(ca, p->pid);
		int v;

		if (pc < 0)
			break;
		v = vcore_id_get(ids);
		assert(v >= 0);                 /* num_vcores < max */
		vcoremap_map(pi, (uint32_t)v, (uint32_t)pc);
		if (nr_granted < 8)
			granted[nr_granted++] = (uint32_t)pc;
	}
	have = pi->num_vcores;
	coremap_write_end(pi);
	ksched_wanting_set_locked(p->pid, have < want);
	if (have < want)
		nr_take = ksched_claim_locked(ca, p, want - have, take, 8);
	spin_unlock_irqrestore(&ksched_lock, flags);
	for (uint32_t i = 0; i < nr_granted; i++)
		proc_move_scps_off(granted[i]);
	ksched_take_back(p->pid, take, nr_take);
	return have;
}

void ksched_note_short(struct proc *p, uint64_t want)
{
	uint64_t flags = spin_lock_irqsave(&ksched_lock);

	if (want < p->ks_want)
		p->ks_want = want;      /* a vcore_yield lowers it without a poke */
	if (!p->ksched_gone && p->ks_want > p->procinfo->num_vcores)
		ksched_wanting_set_locked(p->pid, true);
	spin_unlock_irqrestore(&ksched_lock, flags);
}

void ksched_offer_idle(void)
{
	int pids[KSCHED_NR_WANTING + 1];
	uint32_t n = 0;
	uint64_t flags = spin_lock_irqsave(&ksched_lock);
	struct corealloc *ca = ksched_ca_locked();

	/* Claimants of idle cores first, then the others short of cores. */
	for (uint32_t c = 0; c < ca->nr_cores && n < 1; c++)
		if (ca->core[c].claim && !ca->core[c].owner)
			pids[n++] = ca->core[c].claim;
	for (int i = 0; i < KSCHED_NR_WANTING && ca->nr_idle; i++)
		if (ksched_wanting[i])
			pids[n++] = ksched_wanting[i];
	spin_unlock_irqrestore(&ksched_lock, flags);
	for (uint32_t i = 0; i < n; i++) {
		struct proc *q = proc_lookup(pids[i]);

		if (!q)
			continue;
		if (proc_is_mcp(q) && !READ_ONCE(q->killed)) {
			ksched_grant(q, READ_ONCE(q->ks_want));
			mcp_start_vcores(q);
		}
		proc_put(q);
	}
}

int ksched_poke(struct proc *p)
{
	const struct procdata *pd = (const struct procdata *)UDATA;
	uint64_t want, min;

	if (copy_from_user(&want, &pd->head.res_req[RES_CORES].amt_wanted, sizeof(want)) ||
	    copy_from_user(&min, &pd->head.res_req[RES_CORES].amt_wanted_min, sizeof(min)))
		return -EFAULT;
	if (min > ksched_max_vcores())
		min = ksched_max_vcores();
	WRITE_ONCE(p->ks_min, min);
	return (int)ksched_grant(p, want > min ? want : min);
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

int ksched_change_vcore(struct proc *p, uint32_t from, uint32_t to)
{
	uint64_t flags = spin_lock_irqsave(&ksched_lock);
	struct procinfo *pi = p->procinfo;
	int ret = -EBUSY;

	assert(from < ROS_MAX_VCORES && to < ROS_MAX_VCORES);
	if (!p->ksched_gone && p->vcore_ids && pi->vcoremap[from].valid &&
	    !pi->vcoremap[to].valid && !vcore_id_take(p->vcore_ids, to)) {
		uint32_t pcore = pi->vcoremap[from].pcoreid;

		coremap_write_begin(pi);
		vcoremap_unmap(pi, from);
		vcore_id_put(p->vcore_ids, from);
		vcoremap_map(pi, to, pcore);
		coremap_write_end(pi);
		ret = 0;
	}
	spin_unlock_irqrestore(&ksched_lock, flags);
	return ret;
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
	ksched_wanting_set_locked(p->pid, false);
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
