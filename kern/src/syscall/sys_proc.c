/* SPDX-License-Identifier: MIT */
/*
 * sys_proc.c - syscall handlers of the "proc" and "vcore" groups for SCPs:
 * proc_create, proc_run, proc_destroy, proc_yield, waitpid, fork, exec,
 * getvcoreid, provision, poke_ksched, change_to_m, the process group
 * calls setpgid, getpgid, setsid, getsid, signal_group, signal_proc, and
 * proc_stop (process.c, proc/scp_sched.c, proc/fork.c, proc/mcp.c,
 * proc/session.c, proc/jobctl.c and sched/ksched.c do the work).
 */
#include <argenv.h>
#include <core_id.h>
#include <cputime.h>
#include <errno.h>
#include <kmalloc.h>
#include <ksched.h>
#include <mcp.h>
#include <kthread.h>
#include <process.h>
#include <ros/procdata.h>
#include <syscall.h>
#include <time.h>
#include <uaccess.h>

/* argv/envp arrays pointing into a validated argenv blob; kfree() both. */
static const char **sysc_argv_from_blob(struct syscall_ctx *ctx, const struct argenv *ae,
                                        const char ***envp)
{
	const char **v = kmalloc_array(ae->argc + ae->envc + 2, sizeof(char *), MEM_WAIT | MEM_USER);

	if (!v) {
		sysc_fail(ctx, ENOMEM, "no memory for %u arguments",
		          ae->argc + ae->envc);
		return NULL;
	}
	for (uint32_t i = 0; i < ae->argc; i++)
		v[i] = argenv_str(ae, i);
	v[ae->argc] = NULL;
	for (uint32_t i = 0; i < ae->envc; i++)
		v[ae->argc + 1 + i] = argenv_str(ae, ae->argc + i);
	v[ae->argc + 1 + ae->envc] = NULL;
	*envp = &v[ae->argc + 1];
	return v;
}

/* Copies in and checks the argenv blob; the blob is kmalloc'd. */
static void *sysc_copy_argenv(struct syscall_ctx *ctx, uint64_t uptr, uint64_t len,
                              struct argenv *ae)
{
	const char *why = NULL;
	void *blob;

	if (len == 0 || len > ARGENV_MAX_LEN) {
		sysc_fail(ctx, len ? E2BIG : EINVAL, "argument blob of %lu bytes (1..%d)", len,
		          ARGENV_MAX_LEN);
		return NULL;
	}
	blob = kmalloc(len, MEM_WAIT | MEM_USER);
	if (!blob) {
		sysc_fail(ctx, ENOMEM, "no memory for the arguments");
		return NULL;
	}
	if (copy_from_user(blob, (const void *)uptr, len)) {
		kfree(blob);
		sysc_fail(ctx, EFAULT, "arguments at %#lx are not readable", uptr);
		return NULL;
	}
	if (argenv_unpack(blob, len, ae, &why)) {
		kfree(blob);
		sysc_fail(ctx, EINVAL, "bad argument blob: %s", why ? why : "?");
		return NULL;
	}
	return blob;
}

/* A program to start: path and arguments copied in and checked. */
struct sysc_prog {
	char *path;
	void *blob;
	const char **argv, **envp;
};

static void sysc_prog_free(struct sysc_prog *pg)
{
	kfree(pg->argv);
	kfree(pg->blob);
	kfree(pg->path);
}

/* arg0..arg3 = path, path_len, argenv, argenv_len; false after sysc_fail. */
static bool sysc_prog_copy(struct syscall_ctx *ctx, const char *what, struct sysc_prog *pg)
{
	struct syscall *sc = &ctx->sc;
	struct argenv ae;

	*pg = (struct sysc_prog){ 0 };
	pg->path = sysc_copy_path(ctx, sc->arg0, sc->arg1, what);
	if (pg->path)
		pg->blob = sysc_copy_argenv(ctx, sc->arg2, sc->arg3, &ae);
	if (pg->blob)
		pg->argv = sysc_argv_from_blob(ctx, &ae, &pg->envp);
	if (!pg->argv)
		sysc_prog_free(pg);
	return pg->argv != NULL;
}

/* PROC_DUP_FGRP: the child's FDs become copies of ours (not its console),
 * except those marked close-on-exec: the child is a new program. */
static int sysc_dup_fgrp(struct proc *child, struct proc *parent)
{
	int ret;

	for (int fd = 0; fd < 3; fd++)
		fd_close(&child->fdt, fd);
	ret = fd_table_clone(&parent->fdt, &child->fdt);
	if (!ret)
		fd_table_close_on_exec(&child->fdt);
	return ret;
}

int64_t sys_proc_create(struct syscall_ctx *ctx)
{
	struct syscall *sc = &ctx->sc;
	struct proc *child = NULL;
	struct sysc_prog pg;
	int ret;

	if (sc->arg4 & ~(uint64_t)PROC_ALL_FLAGS)
		return sysc_fail(ctx, EINVAL, "proc_create: unknown flags %#lx", sc->arg4);
	if (!sysc_prog_copy(ctx, "proc_create", &pg))
		return -1;
	ret = proc_create(pg.path, pg.argv, pg.envp, &child);
	if (ret) {
		sysc_fail(ctx, -ret, "proc_create: %s: %s", pg.path, get_errstr());
	} else if ((sc->arg4 & PROC_DUP_FGRP) && (ret = sysc_dup_fgrp(child, ctx->p))) {
		proc_abandon(child);
		sysc_fail(ctx, -ret, "proc_create: cannot copy our FDs (error %d)", -ret);
	}
	sysc_prog_free(&pg);
	return ctx->failed ? -1 : child->pid;
}

/* Our child 'pid' (with a reference), or NULL after sysc_fail(). */
static struct proc *sysc_child(struct syscall_ctx *ctx, int pid, const char *what)
{
	struct proc *p = proc_lookup(pid);

	if (!p || READ_ONCE(p->ppid) != ctx->p->pid || READ_ONCE(p->orphan)) {
		if (p)
			proc_put(p);
		sysc_fail(ctx, ESRCH, "%s: %d is not a child of %d", what, pid, ctx->p->pid);
		return NULL;
	}
	return p;
}

int64_t sys_proc_run(struct syscall_ctx *ctx)
{
	struct proc *p = sysc_child(ctx, (int)ctx->sc.arg0, "proc_run");

	if (!p)
		return -1;
	if (proc_run(p)) {
		proc_put(p);
		return sysc_fail(ctx, EINVAL, "proc_run: %d is not a CREATED process (it is %s)",
		                 (int)ctx->sc.arg0, proc_state_name(p));
	}
	proc_put(p);
	return 0;
}

/*
 * proc_destroy(0 or self, code) exits with WSTATUS_EXITED(code), or with
 * WSTATUS_SIGNALED(sig) for PROC_EXIT_SIGNALED | sig; from a batch that
 * went asynchronous it becomes a kill of ourselves, acted on when the user
 * context next enters the kernel.  Another pid: a kill, WSTATUS_KILLED or
 * the signal given.  There are no users yet, so any process may end any
 * other (as through #proc/<pid>/ctl).
 */
int64_t sys_proc_destroy(struct syscall_ctx *ctx)
{
	int pid = (int)ctx->sc.arg0;
	uint64_t arg = ctx->sc.arg1;
	bool by_signal = arg & PROC_EXIT_SIGNALED;
	int sig = (int)(arg & 0x7f), code;
	struct proc *p;

	if (by_signal && (sig == 0 || (arg & ~(uint64_t)(PROC_EXIT_SIGNALED | 0x7f))))
		return sysc_fail(ctx, EINVAL, "proc_destroy: bad signal code %#lx", arg);
	if (pid == 0 || pid == ctx->p->pid)
		code = by_signal ? WSTATUS_SIGNALED(sig) : WSTATUS_EXITED((int)arg);
	else
		code = by_signal ? WSTATUS_SIGNALED(sig) : WSTATUS_KILLED;

	if (pid == 0 || pid == ctx->p->pid) {
		if (ctx->p->user_kt == kthread_current())
			proc_exit(ctx->p, code);
		proc_kill(ctx->p, code);
		return 0;
	}
	p = proc_lookup(pid);
	if (!p)
		return sysc_fail(ctx, ESRCH, "proc_destroy: no process %d", pid);
	if (proc_kill(p, code)) {
		proc_put(p);
		return sysc_fail(ctx, ESRCH, "proc_destroy: process %d is already %s", pid,
		                 proc_state_name(p));
	}
	proc_put(p);
	return 0;
}

/* being_nice != 0: give the core to whoever waits for it; 0: sleep until
 * an EVENT_WAKEUP event (or return at once if one came since last time). */
/* An MCP's vcore: 0, it leaves (or, the last one, waits) on its way out;
 * 1, refused (a notification is pending, or being_nice and no preemption). */
int64_t sys_proc_yield(struct syscall_ctx *ctx)
{
	if (proc_is_mcp(ctx->p))
		return mcp_yield(ctx->p, ctx->sc.arg0 != 0);
	proc_yield(ctx->p, ctx->sc.arg0 != 0);
	return 0;
}

/* change_to_m(): the caller continues as a uthread on vcore 0, from VCPD
 * 0's uthread_ctx; this kthread finishes the record and exits. */
int64_t sys_change_to_m(struct syscall_ctx *ctx)
{
	struct proc *p = ctx->p;
	const char *why = "";
	int ret;

	if (proc_is_mcp(p))
		return sysc_fail(ctx, EINVAL, "change_to_m: process %d is already an MCP", p->pid);
	ret = mcp_change_to_m(p, ctx->tf, &why);
	if (ret)
		return sysc_fail(ctx, -ret, "change_to_m: %s", why);
	kref_get(&p->ref);              /* as a detached kthread: sysc_detached_exit */
	atomic_inc(&p->nr_detached);
	ctx->detached = true;
	return 0;
}

/* The status word to the caller's pointer (if any); pid, or -1. */
static int64_t sysc_wait_out(struct syscall_ctx *ctx, int pid, int status)
{
	if (ctx->sc.arg1 && copy_to_user((void *)ctx->sc.arg1, &status, sizeof(status)))
		return sysc_fail(ctx, EFAULT, "waitpid: status at %#lx is not writable",
		                 ctx->sc.arg1);
	return pid;
}

/*
 * What child p (our reference and the creator's) has to report under
 * options: a stop or a continue (proc/jobctl.c), or its death, which reaps
 * it (WNOWAIT: only reads its status).  Its pid, 0 if nothing yet (our
 * reference kept), or -1.
 */
static int64_t sysc_wait_report(struct syscall_ctx *ctx, struct proc *p, int options)
{
	int pid = p->pid, status = proc_jobctl_take(p, options);

	if (!status && (READ_ONCE(p->state) != PROC_DEAD || (options & WNOEXIT)))
		return 0;
	if (status || (options & WNOWAIT)) {
		status = status ? status : READ_ONCE(p->exit_status);
		proc_put(p);
		return sysc_wait_out(ctx, pid, status);
	}
	proc_put(p);                    /* the lookup's reference */
	return sysc_wait_out(ctx, pid, proc_wait(p));   /* drops the creator's */
}

struct sysc_wait {
	struct proc *p;
	int options;
};

static bool sysc_child_news(void *arg)
{
	const struct sysc_wait *w = arg;
	struct proc *p = w->p;
	int r = READ_ONCE(p->jc_report);

	return (READ_ONCE(p->state) == PROC_DEAD && !(w->options & WNOEXIT)) ||
	       (r == WSTATUS_CONTINUED && (w->options & WCONTINUED)) ||
	       (r && r != WSTATUS_CONTINUED && (w->options & WUNTRACED));
}

/* Waits for child p (we hold a reference and the creator's) to have news
 * options ask for.  The wait is abortable (abort_sysc: a signal handler in
 * the C library, or our own kill): EINTR, the child left unreaped. */
static int64_t sysc_wait_one(struct syscall_ctx *ctx, struct proc *p, int options)
{
	struct sysc_wait w = { p, options };
	int pid = p->pid;
	int64_t r;

	for (;;) {
		r = sysc_wait_report(ctx, p, options);
		if (r)
			return r;       /* our reference went with the report */
		if (options & WNOHANG)
			break;
		if (rendez_sleep(&p->exit_rv, sysc_child_news, &w)) {
			proc_put(p);
			return sysc_fail(ctx, EINTR, "waitpid: interrupted while child %d runs", pid);
		}
	}
	proc_put(p);
	return 0;
}

struct sysc_deaths {
	struct proc *p;
	int64_t seen;
};

static bool sysc_child_died(void *arg)
{
	struct sysc_deaths *d = arg;

	return atomic_read(&d->p->child_deaths) != d->seen;
}

/* waitpid(-1): the first of our children with news (not the first we
 * have: a background child must not hold up the others); ECHILD if we
 * have none. */
static int64_t sysc_wait_any(struct syscall_ctx *ctx, int options)
{
	struct sysc_deaths d = { ctx->p, 0 };
	struct proc *p;
	int64_t r;

	for (;;) {
		d.seen = atomic_read(&ctx->p->child_deaths);
		p = proc_find_child_report(ctx->p->pid, options);
		if (p && (r = sysc_wait_report(ctx, p, options)))
			return r;
		if (p)
			proc_put(p);    /* another waiter took its news first */
		p = proc_find_child(ctx->p->pid, false);
		if (!p)
			return sysc_fail(ctx, ECHILD, "waitpid: process %d has no children",
			                 ctx->p->pid);
		proc_put(p);
		if (options & WNOHANG)
			return 0;
		if (rendez_sleep(&ctx->p->child_rv, sysc_child_died, &d))
			return sysc_fail(ctx, EINTR, "waitpid: interrupted");
	}
}

/* cputime(times): the caller's figures (cputime.h), four words in ns. */
int64_t sys_cputime(struct syscall_ctx *ctx)
{
	struct cputime t;
	uint64_t w[4];

	cputime_read(ctx->p, &t);
	w[0] = t.user_ns;
	w[1] = t.sys_ns;
	w[2] = t.child_user_ns;
	w[3] = t.child_sys_ns;
	if (copy_to_user((void *)ctx->sc.arg0, w, sizeof(w)))
		return sysc_fail(ctx, EFAULT, "cputime: times at %#lx is not writable",
		                 ctx->sc.arg0);
	return 0;
}

int64_t sys_waitpid(struct syscall_ctx *ctx)
{
	int pid = (int)ctx->sc.arg0, options = (int)ctx->sc.arg2;
	struct proc *p;

	if (options & ~WAIT_ALL_OPTIONS)
		return sysc_fail(ctx, EINVAL, "waitpid: unknown options %#x", options);
	if (pid == -1)
		return sysc_wait_any(ctx, options);
	p = sysc_child(ctx, pid, "waitpid");
	if (!p)
		return -1;
	return sysc_wait_one(ctx, p, options);
}

/* An MCP forks from a uthread: tf is that uthread's context, which the
 * child (an SCP) runs.  From vcore context there is no thread to copy. */
static bool sysc_fork_from_uthread(void)
{
	struct mcp_vcore *vc = mcp_vcore_current();

	return vc && mcp_sysc_from_uthread(vc->id);
}

int64_t sys_fork(struct syscall_ctx *ctx)
{
	int ret;

	if (proc_is_mcp(ctx->p) && !sysc_fork_from_uthread())
		return sysc_fail(ctx, EPERM, "fork: process %d called it from vcore context; "
		                 "only a uthread forks (its child runs that uthread)", ctx->p->pid);
	ret = proc_fork(ctx->p, ctx->tf, ctx->usc);

	if (ret < 0)
		return sysc_fail(ctx, -ret, "fork: cannot copy process %d (error %d)",
		                 ctx->p->pid, -ret);
	return ret;
}

/* On success the caller's image is gone: nothing to complete, and the
 * trap returns into the new program. */
int64_t sys_exec(struct syscall_ctx *ctx)
{
	struct sysc_prog pg;
	int ret;

	if (proc_is_mcp(ctx->p))
		return sysc_fail(ctx, EPERM, "exec: process %d is an MCP; only SCPs exec",
		                 ctx->p->pid);
	if (!sysc_prog_copy(ctx, "exec", &pg))
		return -1;
	ret = proc_exec(ctx->p, pg.path, pg.argv, pg.envp, ctx->tf);
	if (ret)
		sysc_fail(ctx, -ret, "exec: %s: %s", pg.path, get_errstr());
	else
		ctx->no_complete = true;
	sysc_prog_free(&pg);
	return ctx->failed ? -1 : 0;
}

int64_t sys_getvcoreid(struct syscall_ctx *ctx)
{
	struct mcp_vcore *vc = mcp_vcore_current();

	return vc ? vc->id : 0;         /* an SCP runs on vcore 0 */
}

/* provision's pid 0 takes pcore's provision away: only from nobody, the
 * caller or a child of the caller.  True if allowed, else after sysc_fail. */
static bool sysc_may_unprovision(struct syscall_ctx *ctx, uint32_t pcore)
{
	int holder = ksched_provisioned_to(pcore);
	struct proc *h;
	bool ok;

	if (holder <= 0 || holder == ctx->p->pid)
		return true;
	h = proc_lookup(holder);
	ok = !h || READ_ONCE(h->ppid) == ctx->p->pid;
	if (h)
		proc_put(h);
	if (!ok)
		sysc_fail(ctx, EPERM, "provision: core %u is provisioned to %d, not ours", pcore,
		          holder);
	return ok;
}

/* provision(pid, res, pcore): pcore becomes pid's first choice (pid 0: nobody's). */
int64_t sys_provision(struct syscall_ctx *ctx)
{
	int pid = (int)ctx->sc.arg0;
	uint64_t pcore = ctx->sc.arg2;
	struct proc *target;
	int ret;

	if (ctx->sc.arg1 != RES_CORES)
		return sysc_fail(ctx, EINVAL, "provision: resource %lu cannot be provisioned "
		                 "(only RES_CORES, %d)", ctx->sc.arg1, RES_CORES);
	if (pcore >= num_cores || ksched_provisioned_to((uint32_t)pcore) < 0)
		return sysc_fail(ctx, EINVAL, "provision: no core %lu (%u cores)", pcore, num_cores);
	if (pid == 0 && !sysc_may_unprovision(ctx, (uint32_t)pcore))
		return -1;
	if (pid != 0 && pid != ctx->p->pid) {
		if (!(target = sysc_child(ctx, pid, "provision")))
			return -1;
		proc_put(target);
	}
	ret = ksched_provision(pid, (uint32_t)pcore);
	if (ret)
		return sysc_fail(ctx, -ret, "provision: core %lu is a low-latency core "
		                 "(it runs SCPs and the kernel; never provisioned)", pcore);
	return 0;
}

/* poke_ksched(pid, res): the ksched rereads procdata's request (pid 0: us). */
int64_t sys_poke_ksched(struct syscall_ctx *ctx)
{
	int pid = (int)ctx->sc.arg0;
	int ret;

	if (pid != 0 && pid != ctx->p->pid)
		return sysc_fail(ctx, ESRCH, "poke_ksched: %d is not the caller (%d); only a "
		                 "process's own request can be poked", pid, ctx->p->pid);
	if (ctx->sc.arg1 != RES_CORES)
		return sysc_fail(ctx, EINVAL, "poke_ksched: resource %lu is not scheduled "
		                 "(only RES_CORES, %d)", ctx->sc.arg1, RES_CORES);
	if (!proc_is_mcp(ctx->p))
		return sysc_fail(ctx, EINVAL, "poke_ksched: process %d is an SCP; it gets "
		                 "cores only as an MCP (change_to_m)", ctx->p->pid);
	ret = ksched_poke(ctx->p);
	if (ret < 0)
		return sysc_fail(ctx, -ret, "poke_ksched: procdata is not readable");
	mcp_start_vcores(ctx->p);
	return ret;
}

/* vcore_request(amt): amt_wanted becomes amt (0: keep procdata's), then
 * as poke_ksched: how many vcores the caller has. */
int64_t sys_vcore_request(struct syscall_ctx *ctx)
{
	struct procdata __user *pd = (struct procdata __user *)UDATA;
	uint64_t amt = ctx->sc.arg0;
	int ret;

	if (!proc_is_mcp(ctx->p))
		return sysc_fail(ctx, EINVAL, "vcore_request: process %d is an SCP; it gets "
		                 "cores only as an MCP (change_to_m)", ctx->p->pid);
	if (amt > ROS_MAX_VCORES)
		return sysc_fail(ctx, EINVAL, "vcore_request: %lu vcores (at most %u exist)", amt,
		                 ROS_MAX_VCORES);
	if (amt && put_user_u64(&pd->head.res_req[RES_CORES].amt_wanted, amt))
		return sysc_fail(ctx, EFAULT, "vcore_request: procdata is not writable");
	ret = ksched_poke(ctx->p);
	if (ret < 0)
		return sysc_fail(ctx, -ret, "vcore_request: procdata is not readable");
	mcp_start_vcores(ctx->p);
	return ret;
}

/* halt_core(usec): the calling vcore keeps its core and sleeps until an
 * event notifies it (notif_pending), a preemption, a kill, or usec pass
 * (0: no limit).  0. */
int64_t sys_halt_core(struct syscall_ctx *ctx)
{
	if (!mcp_vcore_current())
		return sysc_fail(ctx, EINVAL, "halt_core: process %d is an SCP; only an MCP's "
		                 "vcores halt their cores", ctx->p->pid);
	if (ctx->sc.arg0 > 60ull * 1000 * 1000)
		return sysc_fail(ctx, EINVAL, "halt_core: %lu usec is more than a minute",
		                 ctx->sc.arg0);
	return mcp_halt_core(ctx->p, ctx->sc.arg0);
}

/* change_vcore(vcore, enable_my_notif): from vcore context, hands the
 * caller's core to its process's preempted vcore, and the caller leaves as
 * if preempted (Documentation/mcp.md).  0 (seen when the caller runs
 * again). */
int64_t sys_change_vcore(struct syscall_ctx *ctx)
{
	uint64_t v = ctx->sc.arg0;
	int ret;

	if (v >= ROS_MAX_VCORES)
		return sysc_fail(ctx, EINVAL, "change_vcore: no vcore %lu", v);
	ret = mcp_change_vcore(ctx->p, (uint32_t)v, ctx->sc.arg1 != 0);
	switch (ret) {
	case 0:
		return 0;
	case -EINVAL:
		return sysc_fail(ctx, EINVAL, "change_vcore: only an MCP's vcore, in vcore "
		                 "context, hands its core over");
	case -ERANGE:
		return sysc_fail(ctx, EINVAL, "change_vcore: no vcore %lu", v);
	case -EDEADLK:
		return sysc_fail(ctx, EINVAL, "change_vcore: vcore %lu is the caller", v);
	case -ENOENT:
		return sysc_fail(ctx, ENOENT, "change_vcore: the process is being killed");
	default:
		return sysc_fail(ctx, EBUSY, "change_vcore: vcore %lu is not preempted", v);
	}
}

/* preempt(pid, vcore, warn_usec): takes vcore's core from process pid
 * (itself or a child), at once (0) or after a warning.  0. */
int64_t sys_preempt(struct syscall_ctx *ctx)
{
	int pid = (int)ctx->sc.arg0;
	uint64_t v = ctx->sc.arg1, usec = ctx->sc.arg2;
	struct proc *p = ctx->p;
	int ret;

	if (usec > 10ull * 1000 * 1000)
		return sysc_fail(ctx, EINVAL, "preempt: a warning of %lu usec is more than 10 s",
		                 usec);
	if (pid != 0 && pid != p->pid && !(p = sysc_child(ctx, pid, "preempt")))
		return -1;
	if (!proc_is_mcp(p))
		ret = -EINVAL;
	else if (v >= p->nr_vcores_max)
		ret = -ERANGE;
	else
		ret = mcp_preempt(p, (uint32_t)v, usec * NSEC_PER_USEC);
	if (p != ctx->p)
		proc_put(p);
	switch (ret) {
	case 0:
		return 0;
	case -EINVAL:
		return sysc_fail(ctx, EINVAL, "preempt: process %d is an SCP", pid);
	case -ERANGE:
		return sysc_fail(ctx, EINVAL, "preempt: no vcore %lu", v);
	case -ENOENT:
		return sysc_fail(ctx, ENOENT, "preempt: vcore %lu has no core", v);
	case -EALREADY:
		return sysc_fail(ctx, EALREADY, "preempt: vcore %lu is already warned", v);
	default:
		return sysc_fail(ctx, EBUSY, "preempt: vcore %lu is one the process keeps "
		                 "(its last, or amt_wanted_min)", v);
	}
}

/* ------------------------------------------------------ groups, sessions */

/* A session.c answer: the value, or the error with its reason. */
static int64_t sysc_session_ret(struct syscall_ctx *ctx, int ret, const char *why)
{
	if (ret >= 0)
		return ret;
	return sysc_fail(ctx, -ret, "%s", why ? why : "no such process");
}

int64_t sys_setpgid(struct syscall_ctx *ctx)
{
	const char *why = NULL;

	return sysc_session_ret(ctx, proc_setpgid(ctx->p, (int)ctx->sc.arg0, (int)ctx->sc.arg1,
	                                          &why), why);
}

int64_t sys_getpgid(struct syscall_ctx *ctx)
{
	return sysc_session_ret(ctx, proc_getpgid(ctx->p, (int)ctx->sc.arg0),
	                        "getpgid: no such process");
}

int64_t sys_setsid(struct syscall_ctx *ctx)
{
	const char *why = NULL;

	return sysc_session_ret(ctx, proc_setsid(ctx->p, &why), why);
}

int64_t sys_getsid(struct syscall_ctx *ctx)
{
	return sysc_session_ret(ctx, proc_getsid(ctx->p, (int)ctx->sc.arg0),
	                        "getsid: no such process");
}

int64_t sys_signal_group(struct syscall_ctx *ctx)
{
	const char *why = NULL;

	return sysc_session_ret(ctx, proc_signal_group(ctx->p, (int)ctx->sc.arg0,
	                                               (int)ctx->sc.arg1, &why), why);
}

int64_t sys_signal_proc(struct syscall_ctx *ctx)
{
	const char *why = NULL;

	return sysc_session_ret(ctx, proc_signal_pid(ctx->p, (int)ctx->sc.arg0,
	                                             (int)ctx->sc.arg1, &why), why);
}

/* proc_stop(sig): the caller stops itself with stop signal sig (the C
 * library's default action of SIGTSTP, SIGTTIN, SIGTTOU); the call returns
 * once the process is continued (the return to user mode waits). */
int64_t sys_proc_stop(struct syscall_ctx *ctx)
{
	int sig = (int)ctx->sc.arg0;
	int ret = proc_stop(ctx->p, sig);

	if (ret == -EINVAL)
		return sysc_fail(ctx, EINVAL, "proc_stop: %d is not a stop signal "
		                 "(SIGSTOP 19, SIGTSTP 20, SIGTTIN 21, SIGTTOU 22)", sig);
	if (ret)
		return sysc_fail(ctx, -ret, "proc_stop: process %d is ending", ctx->p->pid);
	return 0;
}
