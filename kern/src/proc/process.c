/* SPDX-License-Identifier: MIT */
/*
 * process.c - creating, running and ending processes (process.h).
 *
 * proc_create() builds a CREATED process: a fresh address space (mm.h)
 * with the program loaded (proc/load.c), an FD table with #cons on 0, 1
 * and 2, a copy of the creator's name space, and the kthread that will run
 * it.  proc_run() queues that kthread on the process's core; it enters user
 * mode (proc/scp_sched.c) and stays there except for traps and syscalls.  A
 * syscall that sleeps hands the user context to another kthread of the
 * process (syscall/async.c); whichever kthread owns it is p->user_kt.
 *
 * Ending: proc_exit() runs on the owner (exit, a fatal fault: proc/fault.c,
 * or a kill noticed on the way back to user mode).  It aborts the process's sleeping
 * syscalls and waits for their kthreads to finish, then releases the FDs,
 * the address space and the name space, hands its children to the first
 * process, marks the process DEAD and ends the kthread.  proc_kill() asks
 * for that from outside; proc_wait() sleeps until DEAD.
 *
 * References: the creator holds one until proc_wait (or, for an orphan
 * whose parent is gone, until it dies); a running process holds one until
 * proc_exit; every detached syscall kthread holds one.
 *
 * Locks: proc_list_lock (the list, pids, ppid, orphan) -> p->lock.  After
 * proc_alloc() sets CREATED, a state changes only in proc_set_state_locked()
 * (p->lock held), which checks the transition against a table of legal ones
 * and panics on any other (a kernel bug).
 */
#include <arch/mmu.h>
#include <arch/user.h>
#include <arch/x86.h>
#include <assert.h>
#include <cputime.h>
#include <err.h>
#include <errno.h>
#include <event.h>
#include <kmalloc.h>
#include <kstring.h>
#include <kmsg.h>
#include <ksched.h>
#include <kthread.h>
#include <mcp.h>
#include <mem_pressure.h>
#include <printk.h>
#include <page.h>
#include <pmap.h>
#include <process.h>
#include <ros/mmap.h>
#include <ros/syscall.h>
#include <smp.h>
#include <strace.h>
#include <syscall.h>
#include <sysfile.h>

static spinlock_t proc_list_lock = SPINLOCK_INITIALIZER("proc list");
static struct list_head proc_list = LIST_HEAD_INIT(proc_list);
static int proc_next_pid = 1;                   /* [proc_list_lock] */
static atomic_t proc_live = ATOMIC_INIT(0);

int64_t proc_nr_live(void)
{
	return atomic_read(&proc_live);
}

struct proc *current_proc(void)
{
	return kthread_current()->proc;
}

const char *proc_state_name(const struct proc *p)
{
	static const char *const names[] = {
		[PROC_CREATED] = "CREATED", [PROC_RUNNING_S] = "RUNNING_S",
		[PROC_WAITING] = "WAITING", [PROC_RUNNABLE_M] = "RUNNABLE_M",
		[PROC_RUNNING_M] = "RUNNING_M", [PROC_DYING] = "DYING", [PROC_DEAD] = "DEAD",
	};
	unsigned int s = READ_ONCE(p->state);

	if (READ_ONCE(p->stopped) && s < PROC_DYING)
		return "STOPPED";               /* job control (proc/jobctl.c) */
	return s < ARRAY_SIZE(names) && names[s] ? names[s] : "?";
}

/*
 * The legal transitions.  An SCP becomes an MCP (RUNNING_S -> RUNNABLE_M,
 * change_to_m) and never goes back; an MCP is RUNNING_M while it holds a
 * core and RUNNABLE_M while it waits for one.
 */
bool proc_state_change_legal(enum proc_state from, enum proc_state to)
{
	static const uint8_t legal[] = {
		[PROC_CREATED] = 1u << PROC_RUNNING_S | 1u << PROC_DYING,
		[PROC_RUNNING_S] = 1u << PROC_WAITING | 1u << PROC_RUNNABLE_M | 1u << PROC_DYING,
		[PROC_WAITING] = 1u << PROC_RUNNING_S | 1u << PROC_DYING,
		[PROC_RUNNABLE_M] = 1u << PROC_RUNNING_M | 1u << PROC_DYING,
		[PROC_RUNNING_M] = 1u << PROC_RUNNABLE_M | 1u << PROC_DYING,
		[PROC_DYING] = 1u << PROC_DEAD,
	};

	return (unsigned int)from < ARRAY_SIZE(legal) && (unsigned int)to < 8 &&
	       (legal[from] & (1u << to));
}

/* With p->lock held. */
void proc_set_state_locked(struct proc *p, enum proc_state to)
{
	if (!proc_state_change_legal(p->state, to))
		panic("proc %d: illegal state change %d -> %d", p->pid, p->state, to);
	WRITE_ONCE(p->state, to);
}


/* ------------------------------------------------------- the pieces */

/* #cons stdin, stdout, stderr as FDs 0, 1, 2 of the new process. */
static int proc_open_console(struct proc *p)
{
	static const struct { const char *path; int omode; } std[] = {
		{ "#cons/stdin", O_READ }, { "#cons/stdout", O_WRITE }, { "#cons/stderr", O_WRITE },
	};
	ERRSTACK(1);
	volatile size_t i = 0;

	if (waserror())
		return -get_errno();
	for (; i < ARRAY_SIZE(std); i++) {
		struct chan *c = namec(std[i].path, NAMEC_OPEN, std[i].omode, 0, NULL);

		if (fd_alloc_chan(&p->fdt, c, (int)i, 0) != (int)i) {
			cclose(c);
			error(EBADF, "proc: cannot install %s as fd %zu", std[i].path, i);
		}
	}
	poperror();
	return 0;
}

/* argv as NUL-separated strings, for #proc/<pid>/args; NULL: no memory. */
char *proc_pack_args(const char *const *argv, size_t *len)
{
	size_t n = 0;
	char *buf;

	for (size_t i = 0; argv && argv[i]; i++)
		n += strlen(argv[i]) + 1;
	buf = kmalloc(n ? n : 1, MEM_WAIT);
	if (!buf)
		return NULL;
	*len = 0;
	for (size_t i = 0; argv && argv[i]; i++) {
		size_t l = strlen(argv[i]) + 1;

		memcpy(buf + *len, argv[i], l);
		*len += l;
	}
	return buf;
}

void proc_set_args(struct proc *p, char *args, size_t len)
{
	uint64_t flags = spin_lock_irqsave(&p->lock);
	char *old = p->args;

	p->args = args;
	p->args_len = len;
	spin_unlock_irqrestore(&p->lock, flags);
	kfree(old);
}

static void proc_release(struct kref *ref)
{
	struct proc *p = container_of(ref, struct proc, ref);
	uint64_t flags = spin_lock_irqsave(&proc_list_lock);

	list_del(&p->link);
	spin_unlock_irqrestore(&proc_list_lock, flags);
	atomic_dec(&proc_live);
	strace_proc_gone(p);            /* a tracer that came after the teardown */
	kfree(p->vcores);
	kfree(p->vcore_ids);
	kfree(p->args);
	kfree(p);
}

void proc_put(struct proc *p)
{
	kref_put(&p->ref, proc_release);
}

/*
 * Core 0 keeps the monitor and the boot kthread; spread the rest, past the
 * cores the ksched has handed to MCPs (their vcores run there whole); if
 * every other core is handed out, core 0.  A core granted later is still
 * shared with the SCPs placed there before (Documentation/mcp.md).
 */
static uint32_t proc_pick_core(int pid)
{
	if (num_cores == 1)
		return 0;
	for (uint32_t i = 0; i < num_cores - 1; i++) {
		uint32_t c = 1 + ((uint32_t)pid + i) % (num_cores - 1);

		if (!ksched_core_held(c))
			return c;
	}
	return 0;
}

/*
 * Core pcore was handed whole to an MCP: every SCP placed there moves to
 * a low-latency core (its owner kthread follows at its next return to user
 * mode: proc_before_user), so no slice alarm interrupts the vcore.
 */
void proc_move_scps_off(uint32_t pcore)
{
	uint32_t nr_ll = ksched_nr_ll_cores();
	bool moved = false;
	uint64_t flags;
	struct proc *p;

	if (!nr_ll || pcore < nr_ll)
		return;
	flags = spin_lock_irqsave(&proc_list_lock);
	list_for_each_entry(p, &proc_list, link) {
		if (READ_ONCE(p->core) != pcore || proc_is_mcp(p))
			continue;
		WRITE_ONCE(p->core, (uint32_t)p->pid % nr_ll);
		moved = true;
	}
	spin_unlock_irqrestore(&proc_list_lock, flags);
	if (moved && pcore != core_id())
		kmsg_kick_core(pcore);
}

bool proc_mem_low(void)
{
	return nr_free_pages() <= nr_pages / PROC_MEM_RESERVE;
}

/*
 * Whether one more process may be made: at most PROC_MAX_LIVE, and not
 * when free memory is low (a fork bomb gets ENOMEM, the kernel keeps room
 * for its own work).
 */
static bool proc_may_alloc(void)
{
	if (atomic_read(&proc_live) >= PROC_MAX_LIVE)
		return false;
	if (proc_mem_low())
		mem_reclaim();          /* pages cached by slab count as free */
	return !proc_mem_low();
}

struct proc *proc_alloc(const char *name, int ppid)
{
	struct proc *p = proc_may_alloc() ? kzmalloc(sizeof(*p), MEM_WAIT) : NULL;
	uint64_t flags;

	if (!p)
		return NULL;
	strlcpy(p->name, name, sizeof(p->name));
	spinlock_init(&p->lock, "proc");
	kref_init(&p->ref);
	sem_init(&p->exited, 0);
	fdtap_list_init(&p->exit_taps, "proc exit taps");
	fd_table_init(&p->fdt);
	list_init(&p->kthreads);
	rendez_init(&p->drain_rv);
	rendez_init(&p->wait_rv);
	rendez_init(&p->child_rv);
	rendez_init(&p->exit_rv);
	rendez_init(&p->stop_rv);
	user_ext_init(&p->uext);
	p->state = PROC_CREATED;
	p->ppid = ppid;
	p->sysc_batch_max = SYSC_MAX_BATCH;     /* 0 while traced (strace.c) */
	flags = spin_lock_irqsave(&proc_list_lock);
	p->pid = proc_next_pid++;
	proc_session_inherit_locked(p, current_proc());
	list_add_tail(&p->link, &proc_list);
	spin_unlock_irqrestore(&proc_list_lock, flags);
	p->core = proc_pick_core(p->pid);
	atomic_inc(&proc_live);
	strace_inherit(p, current_proc());      /* "strace follow" */
	return p;
}

/* ------------------------------------------------------------ kthreads */

/* Puts kt on p->kthreads or takes it off, where sysc_abort looks. */
static void proc_kthread_link(struct proc *p, struct kthread *kt, bool on)
{
	uint64_t flags = spin_lock_irqsave(&p->lock);

	if (on)
		list_add_tail(&kt->proc_link, &p->kthreads);
	else
		list_del(&kt->proc_link);
	spin_unlock_irqrestore(&p->lock, flags);
}

/* Never waits for memory: a process cannot make the kernel panic by
 * asking for kthreads (callers fail or stay synchronous on NULL). */
struct kthread *proc_kthread_make(struct proc *p, void (*fn)(void *))
{
	return proc_kthread_make_arg(p, fn, p);
}

struct kthread *proc_kthread_make_arg(struct proc *p, void (*fn)(void *), void *arg)
{
	struct kthread *kt = kthread_try_create(fn, arg, p->name);

	if (!kt)
		return NULL;
	mm_get(p->mm);
	kt->mm = p->mm;
	kt->cr3 = PADDR(p->mm->pml4);
	kt->fdt = &p->fdt;
	kt->pgrp = p->pgrp;
	kt->proc = p;
	proc_kthread_link(p, kt, true);
	return kt;
}

void proc_kthread_discard(struct kthread *kt)
{
	proc_kthread_link(kt->proc, kt, false);
	mm_put(kt->mm);
	kt->mm = NULL;
	kthread_discard(kt);
}

void proc_drop_spare(struct proc *p)
{
	if (p->spare_kt)
		proc_kthread_discard(p->spare_kt);
	p->spare_kt = NULL;
}

struct mm *proc_kthread_swap_mm(struct mm *mm)
{
	struct kthread *kt = kthread_current();
	uint64_t flags = irq_save();
	struct mm *old = kt->mm;

	kt->mm = mm;
	kt->cr3 = mm ? PADDR(mm->pml4) : 0;
	write_cr3(mm ? kt->cr3 : PADDR(kern_pml4));
	irq_restore(flags);
	return old;
}

void proc_kthread_release(struct kthread *kt)
{
	struct mm *mm;

	assert(kt == kthread_current());
	proc_kthread_link(kt->proc, kt, false);
	mm = proc_kthread_swap_mm(NULL);
	kt->uext = NULL;
	kt->fdt = NULL;
	kt->pgrp = NULL;
	kt->proc = NULL;
	if (mm)
		mm_put(mm);
}

int proc_switch_to(struct proc *target, struct mm **prev)
{
	uint64_t flags = spin_lock_irqsave(&target->lock);
	struct mm *mm = target->mm;

	if (mm)
		mm_get(mm);
	spin_unlock_irqrestore(&target->lock, flags);
	if (!mm)
		return -ESRCH;
	*prev = proc_kthread_swap_mm(mm);
	return 0;
}

void proc_switch_back(struct mm *prev)
{
	mm_put(proc_kthread_swap_mm(prev));
}

/* Drops everything a process holds but its struct; the owner kthread, if
 * any, has already let go of the address space. */
static void proc_free_resources(struct proc *p)
{
	uint64_t flags;
	struct mm *mm;
	struct pgrp *pg;

	strace_proc_gone(p);            /* its syscalls drained: no more records */
	fd_table_destroy(&p->fdt);
	proc_drop_spare(p);
	flags = spin_lock_irqsave(&p->lock);
	mm = p->mm;
	pg = p->pgrp;
	p->mm = NULL;
	p->pgrp = NULL;
	spin_unlock_irqrestore(&p->lock, flags);
	if (mm)
		mm_put(mm);
	if (pg)
		pgrp_close(pg);
	mcp_preempt_cancel_all(p);      /* deadline alarms, before the vcores go */
	ksched_proc_gone(p);            /* cores and provisions, before procinfo */
	ksched_offer_idle();            /* its cores may be others' claims */
	if (p->procinfo)
		procinfo_free(p->procinfo);
	p->procinfo = NULL;
}

/* procinfo for p, mapped with the global page and procdata into mm. */
int proc_map_shared(struct proc *p, struct mm *mm)
{
	if (!p->procinfo && !(p->procinfo = procinfo_alloc()))
		return -ENOMEM;
	procinfo_fill(p->procinfo, p->pid, p->ppid, p->program_end);
	return mm_map_shared(mm, p->procinfo);
}

/* ------------------------------------------------------------ creating */

void proc_abandon(struct proc *p)
{
	if (p->user_kt)
		proc_kthread_discard(p->user_kt);
	p->user_kt = NULL;
	proc_free_resources(p);
	proc_put(p);
}

int proc_create(const char *path, const char *const *argv, const char *const *envp,
                struct proc **out)
{
	const char *base = path;
	struct proc_image img = { 0 };
	struct proc *p;
	int ret;

	for (const char *s = path; *s; s++)
		if (*s == '/' && s[1])
			base = s + 1;
	p = proc_alloc(base, current_proc() ? current_proc()->pid : 0);
	if (!p)
		return -ENOMEM;
	p->mm = mm_create();
	ret = p->mm ? proc_load(p->mm, path, argv, envp, &img) : -ENOMEM;
	p->entry = img.entry;
	p->user_sp = img.sp;
	p->program_end = img.program_end;
	if (!ret)
		ret = proc_map_shared(p, p->mm);
	proc_session_mark_exec(p);      /* a new program: setpgid says EACCES */
	if (!ret && !(p->args = proc_pack_args(argv, &p->args_len)))
		ret = -ENOMEM;
	if (!ret)
		ret = proc_open_console(p);
	if (!ret && !(p->pgrp = pgrp_dup(current_pgrp())))
		ret = -ENOMEM;
	if (!ret && !(p->user_kt = proc_kthread_make(p, proc_main)))
		ret = -ENOMEM;
	if (ret) {
		proc_abandon(p);
		return ret;
	}
	*out = p;
	return 0;
}

int proc_run(struct proc *p)
{
	uint64_t flags = spin_lock_irqsave(&p->lock);

	if (p->state != PROC_CREATED) {
		spin_unlock_irqrestore(&p->lock, flags);
		return -EINVAL;
	}
	proc_set_state_locked(p, PROC_RUNNING_S);
	kref_get(&p->ref);              /* running: dropped in proc_exit */
	p->user_kt->uext = &p->uext;
	spin_unlock_irqrestore(&p->lock, flags);
	kthread_run_on(p->user_kt, p->core);
	return 0;
}

/* The first kthread of a process: enter user mode at the ELF entry point. */
void proc_main(void *arg)
{
	struct proc *p = arg;
	struct hw_trapframe tf;

	user_ctx_init(&tf, p->entry, p->user_sp);
	proc_enter_user(&tf);
}

/* A spare that took over the user context (syscall/async.c, fork). */
void proc_resume_main(void *arg)
{
	struct proc *p = arg;
	struct hw_trapframe tf = p->resume_tf;

	proc_enter_user(&tf);
}

/* ------------------------------------------------------------- ending */

static bool proc_drained(void *arg)
{
	struct proc *p = arg;

	return atomic_read(&p->nr_detached) == 0;
}

void proc_drain_syscalls(struct proc *p)
{
	sysc_recycle_close(p);          /* a parked kthread counts as detached */
	sysc_abort(p, 0, -1);
	rendez_sleep(&p->drain_rv, proc_drained, p);
	sysc_recycle_open(p);
}

/*
 * p's children go to the first process (pid 1), which can wait for them;
 * if p is that process or it is gone, they become orphans that reap
 * themselves.  Returns a dead child whose creator reference we must drop
 * (one at a time, outside the lock), or NULL when done.
 */
static struct proc *proc_reparent_one(struct proc *p, bool *init_alive)
{
	uint64_t flags = spin_lock_irqsave(&proc_list_lock);
	struct proc *c, *zombie = NULL;

	*init_alive = false;
	list_for_each_entry(c, &proc_list, link)
		if (c->pid == 1 && p->pid != 1 && READ_ONCE(c->state) < PROC_DYING)
			*init_alive = true;
	list_for_each_entry(c, &proc_list, link) {
		if (c->ppid != p->pid || c->orphan)
			continue;
		if (*init_alive) {
			c->ppid = 1;
		} else if (READ_ONCE(c->state) == PROC_DEAD) {
			c->orphan = true;
			c->ppid = 0;
			zombie = c;
			break;
		} else {
			c->orphan = true;
			c->ppid = 0;            /* nobody's child any more */
		}
	}
	spin_unlock_irqrestore(&proc_list_lock, flags);
	return zombie;
}

/* A child of parent died, stopped or continued (or a dead one became its
 * child): wakes its waitpid(-1). */
static void proc_child_died(struct proc *parent)
{
	atomic_inc(&parent->child_deaths);
	rendez_wakeup(&parent->child_rv);
}

static void proc_reparent_children(struct proc *p)
{
	struct proc *zombie, *init;
	bool init_alive;

	while ((zombie = proc_reparent_one(p, &init_alive)))
		proc_put(zombie);               /* its creator's reference */
	init = init_alive ? proc_lookup(1) : NULL;
	if (init) {                             /* some may be dead already */
		proc_child_died(init);
		proc_put(init);
	}
}

/*
 * DEAD, under proc_list_lock so the parent's reparenting sees one truth.
 * kt (the exiting owner, or NULL) is kept for proc_wait to join, so a
 * waiter finds even its stack freed; an orphan has no waiter.
 */
/* SIGCHLD for the parent: an EV_POSIX_SIGNAL message (the layout of
 * ros/event_msg.h: si_code CLD_* and si_status), dropped when the parent
 * takes no signal events (not a C-library program). */
void proc_sigchld(int ppid, int pid, uint32_t code, uint32_t value)
{
	struct event_msg msg = { .ev_type = EV_POSIX_SIGNAL, .ev_arg1 = EV_POSIX_SIGCHLD,
	                         .ev_arg2 = (uint32_t)pid,
	                         .ev_arg4 = code | (uint64_t)value << 32 };
	struct proc *parent = ppid > 0 ? proc_lookup(ppid) : NULL;

	if (!parent)
		return;
	proc_child_died(parent);
	send_kernel_event(parent, &msg, 0);
	proc_put(parent);
}

/* The SIGCHLD of a death: CLD_EXITED with the exit code, or CLD_KILLED
 * with the signal. */
static void proc_signal_parent(int ppid, int pid, int status)
{
	bool exited = (status & 0x7f) == 0;

	proc_sigchld(ppid, pid, exited ? EV_SIG_CLD_EXITED : EV_SIG_CLD_KILLED,
	             exited ? (status >> 8) & 0xff : status & 0x7f);
}

static void proc_mark_dead(struct proc *p, int status, struct kthread *kt)
{
	uint64_t flags = spin_lock_irqsave(&proc_list_lock);
	bool orphan = p->orphan;
	int ppid = p->ppid, pid = p->pid;
	uint64_t pflags = spin_lock_irqsave(&p->lock);

	if (kt && !orphan) {
		kthread_get(kt);
		p->exit_kt = kt;
	}
	p->exit_status = status;
	proc_set_state_locked(p, PROC_DEAD);
	spin_unlock_irqrestore(&p->lock, pflags);
	spin_unlock_irqrestore(&proc_list_lock, flags);
	sem_up(&p->exited);
	rendez_wakeup(&p->exit_rv);
	/* Posted by the tap drain's kernel message, not here: p's kthread
	 * has no address space left to post from. */
	fdtap_list_fire(&p->exit_taps, FDTAP_FILT_READABLE | FDTAP_FILT_HANGUP);
	if (orphan)
		proc_put(p);                    /* nobody will wait: the creator's */
	else
		proc_signal_parent(ppid, pid, status);
}

void proc_exit(struct proc *p, int status)
{
	struct kthread *kt = kthread_current();
	uint64_t flags;

	if (proc_is_mcp(p))
		mcp_exit_prepare(p);    /* returns on the one vcore that exits */
	assert(kt->proc == p && p->user_kt == kt);
	kt->block_hook = NULL;          /* sleeping below must not hand off */
	flags = spin_lock_irqsave(&p->lock);
	proc_set_state_locked(p, PROC_DYING);
	p->killed = true;               /* new syscalls fail, kills see ESRCH */
	spin_unlock_irqrestore(&p->lock, flags);
	sysc_track_forget();            /* the drain below must really sleep */
	proc_drain_syscalls(p);
	proc_kthread_release(kt);
	proc_free_resources(p);
	proc_reparent_children(p);
	proc_mark_dead(p, status, kt);
	proc_put(p);                    /* the running reference */
	kthread_exit();
}

int proc_kill(struct proc *p, int status)
{
	uint64_t flags = spin_lock_irqsave(&p->lock);
	enum proc_state st = p->state;

	if (st >= PROC_DYING || p->killed) {
		spin_unlock_irqrestore(&p->lock, flags);
		return -ESRCH;
	}
	p->killed = true;
	p->kill_status = status;
	if (st == PROC_CREATED)
		proc_set_state_locked(p, PROC_DYING);
	spin_unlock_irqrestore(&p->lock, flags);
	if (st == PROC_CREATED) {
		/* Never ran: nothing of it executes anywhere; undo it here. */
		proc_kthread_discard(p->user_kt);
		p->user_kt = NULL;
		proc_free_resources(p);
		proc_reparent_children(p);
		proc_mark_dead(p, status, NULL);
		return 0;
	}
	sysc_abort(p, 0, -1);
	proc_wakeup(p);
	rendez_wakeup(&p->stop_rv);     /* a stopped process ends too */
	if (proc_is_mcp(p))
		mcp_kick_all(p);                /* every vcore leaves user mode */
	else if (p->core != core_id())
		kmsg_kick_core(p->core);        /* leave user mode, see the kill */
	return 0;
}

int proc_wait(struct proc *p)
{
	int status;

	sem_down(&p->exited);
	status = p->exit_status;
	if (p->exit_kt)
		kthread_join(p->exit_kt);       /* its stack is freed too */
	p->exit_kt = NULL;
	if (current_proc())
		cputime_reap(current_proc(), p);
	proc_put(p);
	return status;
}

/* ------------------------------------------------------------ lookup */

uint64_t proc_list_acquire(void)
{
	return spin_lock_irqsave(&proc_list_lock);
}

void proc_list_release(uint64_t flags)
{
	spin_unlock_irqrestore(&proc_list_lock, flags);
}

struct proc *proc_list_next_locked(struct proc *prev)
{
	struct list_head *n = prev ? prev->link.next : proc_list.next;

	return n == &proc_list ? NULL : list_entry(n, struct proc, link);
}

/* The process with this pid, with a reference, or NULL. */
struct proc *proc_lookup(int pid)
{
	uint64_t flags = spin_lock_irqsave(&proc_list_lock);
	struct proc *p, *found = NULL;

	list_for_each_entry(p, &proc_list, link) {
		if (p->pid == pid && kref_get_not_zero(&p->ref)) {
			found = p;
			break;
		}
	}
	spin_unlock_irqrestore(&proc_list_lock, flags);
	return found;
}

struct proc *proc_next(int after)
{
	uint64_t flags = spin_lock_irqsave(&proc_list_lock);
	struct proc *p, *best;

	do {
		best = NULL;
		list_for_each_entry(p, &proc_list, link)
			if (p->pid > after && (!best || p->pid < best->pid))
				best = p;
		if (best)
			after = best->pid;      /* if it is being freed, look further */
	} while (best && !kref_get_not_zero(&best->ref));
	spin_unlock_irqrestore(&proc_list_lock, flags);
	return best;
}

/* A child of 'parent' that is DEAD, or any child when !dead_only. */
struct proc *proc_find_child(int parent, bool dead_only)
{
	uint64_t flags = spin_lock_irqsave(&proc_list_lock);
	struct proc *p, *found = NULL;

	list_for_each_entry(p, &proc_list, link) {
		if (p->ppid != parent || p->orphan ||
		    (dead_only && READ_ONCE(p->state) != PROC_DEAD))
			continue;
		if (kref_get_not_zero(&p->ref)) {
			found = p;
			break;
		}
	}
	spin_unlock_irqrestore(&proc_list_lock, flags);
	return found;
}
