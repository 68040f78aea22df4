/* SPDX-License-Identifier: MIT */
/*
 * lx_sched.c - the sched_* calls of the translation layer (rows
 * sched_setparam .. sched_rr_get_interval in linux_syscalls.c).
 *
 * Meaning on Vireo: a policy and priority are validated as Linux does and
 * recorded, per thread (the calling process's tids: thread0's is the pid,
 * the uthreads' lx_thread.c's), and read back; neither Vireo's scheduler
 * (SCP time slices, MCP cores) nor the 2LS looks at them
 * (Documentation/libc.md, "Scheduling").  Priorities are Linux's:
 * SCHED_OTHER, SCHED_BATCH and SCHED_IDLE take 0, SCHED_FIFO and SCHED_RR
 * 1..99; everybody is uid 0, so no EPERM.  Another process's attributes
 * cannot be recorded here: they read as SCHED_OTHER 0 and setting them is
 * EPERM; a pid that names no process is ESRCH.  sched_rr_get_interval
 * gives the SCP time slice (kern/src/proc/scp_sched.c, PROC_SLICE_NSEC).
 * musl's own sched_setscheduler/sched_getparam... answer ENOSYS without a
 * syscall (as on Linux); pthread_{get,set}schedparam come here with tids.
 * Single-threaded state (lx.h).
 */
#include <string.h>
#include <ros/kstat.h>
#include <parlib/parlib.h>
#include "lx.h"

#define LX_SCHED_OTHER  0
#define LX_SCHED_FIFO   1
#define LX_SCHED_RR     2
#define LX_SCHED_BATCH  3
#define LX_SCHED_IDLE   5
#define LX_SCHED_RESET_ON_FORK 0x40000000
#define LX_SCHED_SLICE_NS (10 * 1000 * 1000)    /* PROC_SLICE_NSEC */
#define LX_SCHED_THREADS 64

struct lx_sched_attr {
	int tid;                /* 0: free */
	int policy;
	int prio;
};

static struct lx_sched_attr lx_sched_attrs[LX_SCHED_THREADS];

static bool lx_policy_ok(long policy)
{
	return policy == LX_SCHED_OTHER || policy == LX_SCHED_FIFO || policy == LX_SCHED_RR ||
	       policy == LX_SCHED_BATCH || policy == LX_SCHED_IDLE;
}

static bool lx_policy_rt(long policy)
{
	return policy == LX_SCHED_FIFO || policy == LX_SCHED_RR;
}

long lx_sched_get_priority_max(const long *a)
{
	if (!lx_policy_ok(a[0]))
		return -LX_EINVAL;
	return lx_policy_rt(a[0]) ? 99 : 0;
}

long lx_sched_get_priority_min(const long *a)
{
	if (!lx_policy_ok(a[0]))
		return -LX_EINVAL;
	return lx_policy_rt(a[0]) ? 1 : 0;
}

/* Whom pid names: 1 one of our threads (*tid set), 0 another process,
 * or -EINVAL / -ESRCH. */
static long lx_sched_who(long pid, int *tid)
{
	char path[32] = "#proc/";
	struct kstat st;

	if ((int)pid < 0 || pid != (int)pid)
		return -LX_EINVAL;
	*tid = pid ? (int)pid : (int)lx_gettid(NULL);
	if (*tid == parlib_getpid() || lx_tid_is_thread(*tid))
		return 1;
	lx_utoa(path + 6, (uint64_t)pid);
	if (ros_syscall_raw(SYS_stat, (long)path, (long)strlen(path), (long)&st, 0, 0, 0) < 0)
		return -LX_ESRCH;
	return 0;
}

static struct lx_sched_attr *lx_sched_find(int tid, bool make)
{
	struct lx_sched_attr *free = NULL;

	for (int i = 0; i < LX_SCHED_THREADS; i++) {
		if (lx_sched_attrs[i].tid == tid)
			return &lx_sched_attrs[i];
		if (!free && !lx_sched_attrs[i].tid)
			free = &lx_sched_attrs[i];
	}
	if (make && free) {
		free->tid = tid;
		free->policy = LX_SCHED_OTHER;
		free->prio = 0;
	}
	return make ? free : NULL;
}

/* Records policy (-1: keep the thread's) and *prio for pid. */
static long lx_sched_set(long pid, long policy, const int32_t *prio)
{
	struct lx_sched_attr *at;
	int tid;
	long r;

	if (!prio || (int)pid < 0)
		return -LX_EINVAL;
	if ((r = lx_sched_who(pid, &tid)) < 0)
		return r;
	at = lx_sched_find(tid, false);
	if (policy == -1)
		policy = at ? at->policy : LX_SCHED_OTHER;
	policy &= ~(long)LX_SCHED_RESET_ON_FORK;
	if (!lx_policy_ok(policy) || *prio < (lx_policy_rt(policy) ? 1 : 0) ||
	    *prio > (lx_policy_rt(policy) ? 99 : 0))
		return -LX_EINVAL;
	if (r == 0) {
		lx_errstr("sched_setscheduler", "only the calling process's threads are recorded");
		return -LX_EPERM;
	}
	if (!at && !(at = lx_sched_find(tid, true))) {
		lx_errstr("sched_setscheduler", "the layer's table of 64 threads is full");
		return -LX_ENOMEM;
	}
	at->policy = (int)policy;
	at->prio = *prio;
	return 0;
}

long lx_sched_setscheduler(const long *a)
{
	if (a[1] < 0)
		return -LX_EINVAL;
	return lx_sched_set(a[0], a[1], (const int32_t *)a[2]);
}

long lx_sched_setparam(const long *a)
{
	return lx_sched_set(a[0], -1, (const int32_t *)a[1]);
}

long lx_sched_getscheduler(const long *a)
{
	struct lx_sched_attr *at;
	int tid;
	long r = lx_sched_who(a[0], &tid);

	if (r <= 0)
		return r < 0 ? r : LX_SCHED_OTHER;
	at = lx_sched_find(tid, false);
	return at ? at->policy : LX_SCHED_OTHER;
}

long lx_sched_getparam(const long *a)
{
	int32_t *prio = (int32_t *)a[1];
	struct lx_sched_attr *at;
	int tid;
	long r;

	if (!prio || (int)a[0] < 0)
		return -LX_EINVAL;
	if ((r = lx_sched_who(a[0], &tid)) < 0)
		return r;
	at = r ? lx_sched_find(tid, false) : NULL;
	*prio = at ? at->prio : 0;
	return 0;
}

long lx_sched_rr_get_interval(const long *a)
{
	struct lx_timespec *ts = (struct lx_timespec *)a[1];
	int tid;
	long r = lx_sched_who(a[0], &tid);

	if (r < 0)
		return r;
	if (!ts)
		return -LX_EFAULT;
	lx_ns_ts(LX_SCHED_SLICE_NS, ts);
	return 0;
}
