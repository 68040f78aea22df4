/* SPDX-License-Identifier: MIT */
/*
 * kt_ksched.c - ktests of the ksched (sched/ksched.c) on a real process:
 * grants recorded in procinfo under the sequence counter, vcore ids reused
 * most-recently-yielded first, provisioned cores first, the request read
 * from procdata (and clamped when it is absurd), every core back when the
 * process ends; and the process state table with the MCP states.  The
 * processes are CREATED and never run: granting records, it does not start
 * vcores yet.  On one core, core 0 is the only one to grant (a one-core
 * machine has no low-latency core).
 */
#include <core_id.h>
#include <errno.h>
#include <ktest.h>
#include <ksched.h>
#include <process.h>
#include <ros/procdata.h>
#include <ros/syscall.h>
#include <uaccess.h>

static struct proc *kt_idle_proc(void)
{
	const char *argv[] = { "/test/hello", NULL };
	struct proc *p = NULL;

	return proc_create("/test/hello", argv, NULL, &p) ? NULL : p;
}

/* Kills and reaps a CREATED p: its cores must all come back. */
static bool kt_end_proc(struct proc *p)
{
	return proc_kill(p, WSTATUS_KILLED) == 0 && proc_wait(p) == WSTATUS_KILLED;
}

/* The maps agree with each other and the seqctr is even. */
static bool kt_maps_consistent(const struct procinfo *pi)
{
	uint32_t n = 0;

	if (pi->coremap_seqctr & 1)
		return false;
	for (uint32_t v = 0; v < ROS_MAX_VCORES; v++) {
		uint32_t pc = pi->vcoremap[v].pcoreid;

		if (!pi->vcoremap[v].valid)
			continue;
		n++;
		if ((pc == 0 && num_cores > 1) || pc >= num_cores || !pi->pcoremap[pc].valid ||
		    pi->pcoremap[pc].vcoreid != v)
			return false;
	}
	return n == pi->num_vcores && pi->res_grant[RES_CORES] == n;
}

static uint32_t kt_min(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

KTEST(ksched, state_table_has_the_mcp_states)
{
	KT_ASSERT(proc_state_change_legal(PROC_RUNNING_S, PROC_RUNNABLE_M));
	KT_ASSERT(proc_state_change_legal(PROC_RUNNABLE_M, PROC_RUNNING_M));
	KT_ASSERT(proc_state_change_legal(PROC_RUNNING_M, PROC_RUNNABLE_M));
	KT_ASSERT(proc_state_change_legal(PROC_RUNNING_M, PROC_DYING));
	KT_ASSERT(proc_state_change_legal(PROC_RUNNABLE_M, PROC_DYING));
	KT_ASSERT(!proc_state_change_legal(PROC_RUNNING_M, PROC_RUNNING_S));  /* no M -> S */
	KT_ASSERT(!proc_state_change_legal(PROC_CREATED, PROC_RUNNING_M));
	KT_ASSERT(!proc_state_change_legal(PROC_WAITING, PROC_RUNNABLE_M));
	KT_ASSERT(!proc_state_change_legal(PROC_DEAD, PROC_RUNNING_M));
	KT_ASSERT(!proc_state_change_legal((enum proc_state)99, PROC_DYING));
	KT_ASSERT(!proc_state_change_legal(PROC_RUNNING_S, (enum proc_state)99));
}

KTEST(ksched, grant_yield_and_reuse)
{
	uint32_t idle = ksched_nr_idle(), want = kt_min(3, idle);
	struct proc *p = kt_idle_proc();
	struct procinfo *pi;
	uint64_t seq;

	KT_ASSERT(p);
	pi = p->procinfo;
	KT_ASSERT_EQ(idle, ksched_max_vcores());         /* nothing granted yet */
	seq = pi->coremap_seqctr;
	KT_ASSERT_EQ(ksched_grant(p, want), want);
	KT_ASSERT(kt_maps_consistent(pi));
	KT_ASSERT_EQ(ksched_nr_idle(), idle - want);
	KT_ASSERT_EQ(pi->coremap_seqctr, seq + 2);
	for (uint32_t v = 0; v < want; v++)
		KT_ASSERT(pi->vcoremap[v].valid);
	if (want >= 2) {
		ksched_yield_vcore(p, 0);
		ksched_yield_vcore(p, 1);
		KT_ASSERT(kt_maps_consistent(pi));
		KT_ASSERT(!pi->vcoremap[0].valid && !pi->vcoremap[1].valid);
		KT_ASSERT_EQ(ksched_grant(p, want - 1), want - 1);
		KT_ASSERT(pi->vcoremap[1].valid && !pi->vcoremap[0].valid);  /* 1 yielded last */
		KT_ASSERT(kt_maps_consistent(pi));
	}
	KT_ASSERT_EQ(ksched_grant(p, 0), pi->num_vcores);       /* a grant never shrinks */
	KT_ASSERT(kt_end_proc(p));
	KT_ASSERT_EQ(ksched_nr_idle(), idle);
}

KTEST(ksched, provisioned_core_first_and_forgotten)
{
	struct proc *p = kt_idle_proc(), *q = kt_idle_proc();
	uint32_t last = num_cores - 1;

	KT_ASSERT(p && q);
	if (num_cores > 1)
		KT_ASSERT_EQ(ksched_provision(p->pid, 0), -EINVAL);     /* the LL core */
	KT_ASSERT_EQ(ksched_provision(p->pid, num_cores), -EINVAL);
	if (num_cores > 2) {
		KT_ASSERT_EQ(ksched_provision(p->pid, last), 0);
		KT_ASSERT_EQ(ksched_provisioned_to(last), p->pid);
		KT_ASSERT_EQ(ksched_grant(q, 1), 1);
		KT_ASSERT(q->procinfo->vcoremap[0].pcoreid != last);    /* p's */
		KT_ASSERT_EQ(ksched_grant(p, 1), 1);
		KT_ASSERT_EQ(p->procinfo->vcoremap[0].pcoreid, last);
	}
	KT_ASSERT(kt_end_proc(p));
	if (num_cores > 2)
		KT_ASSERT_EQ(ksched_provisioned_to(last), 0);
	KT_ASSERT(kt_end_proc(q));
	KT_ASSERT_EQ(ksched_nr_idle(), ksched_max_vcores());
}

/* Writes amt_wanted into p's procdata and pokes, in p's address space. */
static int kt_poke_with(struct proc *p, uint64_t want)
{
	struct procdata *pd = (struct procdata *)UDATA;
	struct mm *prev;
	int ret;

	if (proc_switch_to(p, &prev))
		return -1000;
	ret = copy_to_user(&pd->head.res_req[RES_CORES].amt_wanted, &want, sizeof(want));
	if (!ret)
		ret = ksched_poke(p);
	proc_switch_back(prev);
	return ret;
}

KTEST(ksched, poke_reads_procdata_and_clamps)
{
	uint32_t idle = ksched_nr_idle();
	struct proc *p = kt_idle_proc();

	KT_ASSERT(p);
	KT_ASSERT_EQ(kt_poke_with(p, 1), kt_min(1, idle));
	KT_ASSERT_EQ(kt_poke_with(p, UINT64_MAX), kt_min(ksched_max_vcores(), idle));
	KT_ASSERT(kt_maps_consistent(p->procinfo));
	KT_ASSERT_EQ(ksched_nr_idle(), 0);
	KT_ASSERT(kt_end_proc(p));
	KT_ASSERT_EQ(ksched_nr_idle(), idle);
}

KTEST(ksched, new_scps_avoid_granted_cores)
{
	uint32_t idle = ksched_nr_idle();
	struct proc *p = kt_idle_proc(), *q;

	KT_ASSERT(p);
	KT_ASSERT_EQ(ksched_grant(p, idle), idle);      /* every core it can get */
	for (int i = 0; i < 4; i++) {
		q = kt_idle_proc();
		KT_ASSERT(q);
		KT_ASSERT_MSG(!ksched_core_held(q->core) || num_cores == 1, "pid %d on core %u",
		              q->pid, q->core);
		if (num_cores > 1 && idle == num_cores - 1)
			KT_ASSERT_EQ(q->core, 0);       /* all others are p's */
		KT_ASSERT(kt_end_proc(q));
	}
	KT_ASSERT(kt_end_proc(p));
	KT_ASSERT_EQ(ksched_nr_idle(), idle);
}
