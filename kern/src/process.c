/* SPDX-License-Identifier: MIT */
/*
 * process.c - creating, running and ending processes (process.h).
 *
 * proc_create() builds a CREATED process: a fresh address space (mm.h)
 * with the program loaded (proc_load.c), an FD table with #cons on 0, 1 and 2, a copy of the
 * creator's name space, and the kthread that will run it.  proc_run() hands
 * that kthread to a core; it enters user mode and stays there except for
 * traps and syscalls.  proc_exit() runs on that kthread: it releases the
 * FDs, the name space and the address space, marks the process DEAD and
 * ends the kthread.  proc_wait() sleeps until then.
 *
 * The one place a state changes is proc_set_state(), which rejects an
 * illegal transition with a panic (a kernel bug).
 */
#include <arch/mmu.h>
#include <arch/user.h>
#include <arch/x86.h>
#include <assert.h>
#include <err.h>
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <kthread.h>
#include <printk.h>
#include <pmap.h>
#include <process.h>
#include <ros/mmap.h>
#include <ros/syscall.h>
#include <smp.h>
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

static void proc_set_state(struct proc *p, enum proc_state to)
{
	static const uint8_t legal[] = {
		[PROC_CREATED] = 1u << PROC_RUNNING_S | 1u << PROC_DYING,
		[PROC_RUNNING_S] = 1u << PROC_DYING,
		[PROC_DYING] = 1u << PROC_DEAD,
	};
	uint64_t flags = spin_lock_irqsave(&p->lock);

	if (p->state >= ARRAY_SIZE(legal) || !(legal[p->state] & (1u << to)))
		panic("proc %d: illegal state change %d -> %d", p->pid, p->state, to);
	p->state = to;
	spin_unlock_irqrestore(&p->lock, flags);
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

static void proc_release(struct kref *ref)
{
	struct proc *p = container_of(ref, struct proc, ref);
	uint64_t flags = spin_lock_irqsave(&proc_list_lock);

	list_del(&p->link);
	spin_unlock_irqrestore(&proc_list_lock, flags);
	atomic_dec(&proc_live);
	kfree(p);
}

void proc_put(struct proc *p)
{
	kref_put(&p->ref, proc_release);
}

static struct proc *proc_alloc(const char *path)
{
	struct proc *p = kzmalloc(sizeof(*p), MEM_WAIT);
	const char *base = path;
	uint64_t flags;

	if (!p)
		return NULL;
	for (const char *s = path; *s; s++)
		if (*s == '/' && s[1])
			base = s + 1;
	strlcpy(p->name, base, sizeof(p->name));
	spinlock_init(&p->lock, "proc");
	kref_init(&p->ref);
	sem_init(&p->exited, 0);
	fd_table_init(&p->fdt);
	p->state = PROC_CREATED;
	p->ppid = current_proc() ? current_proc()->pid : 0;
	flags = spin_lock_irqsave(&proc_list_lock);
	p->pid = proc_next_pid++;
	list_add_tail(&p->link, &proc_list);
	spin_unlock_irqrestore(&proc_list_lock, flags);
	atomic_inc(&proc_live);
	return p;
}

/* Undoes a half-made process (creation failed).  The kthread is the last
 * thing made, so a failed creation never has one. */
static void proc_abandon(struct proc *p)
{
	fd_table_destroy(&p->fdt);
	if (p->pgrp)
		pgrp_close(p->pgrp);
	if (p->mm)
		mm_put(p->mm);
	proc_put(p);
}

static void proc_main(void *arg);

static int proc_make_kthread(struct proc *p)
{
	p->kt = kthread_create(proc_main, p, p->name);
	if (!p->kt)
		return -ENOMEM;
	kthread_get(p->kt);             /* proc_wait joins it */
	p->kt->cr3 = PADDR(p->mm->pml4);
	p->kt->fdt = &p->fdt;
	p->kt->pgrp = p->pgrp;
	p->kt->proc = p;
	return 0;
}

int proc_create(const char *path, const char *const *argv, const char *const *envp,
                struct proc **out)
{
	struct proc *p = proc_alloc(path);
	struct proc_image img = { 0 };
	int ret;

	if (!p)
		return -ENOMEM;
	p->mm = mm_create();
	ret = p->mm ? proc_load(p->mm, path, argv, envp, &img) : -ENOMEM;
	p->entry = img.entry;
	p->user_sp = img.sp;
	if (!ret)
		ret = proc_open_console(p);
	if (!ret && !(p->pgrp = pgrp_dup(current_pgrp())))
		ret = -ENOMEM;
	if (!ret)
		ret = proc_make_kthread(p);
	if (ret) {
		proc_abandon(p);
		return ret;
	}
	*out = p;
	return 0;
}

/* --------------------------------------------------------- running */

static uint32_t proc_pick_core(struct proc *p)
{
	/* Core 0 keeps the monitor and the boot kthread; spread the rest. */
	if (num_cores == 1)
		return 0;
	return 1 + (uint32_t)p->pid % (num_cores - 1);
}

void proc_run(struct proc *p)
{
	proc_set_state(p, PROC_RUNNING_S);
	kref_get(&p->ref);              /* the kthread's, dropped in proc_exit */
	kthread_run_on(p->kt, proc_pick_core(p));
}

/* The process's kthread: enter user mode at the ELF entry point. */
static void proc_main(void *arg)
{
	struct proc *p = arg;
	struct hw_trapframe tf;

	user_ctx_init(&tf, p->entry, p->user_sp);
	user_ctx_pop(&tf);
}

void proc_exit(struct proc *p, int status)
{
	struct kthread *kt = kthread_current();

	assert(kt->proc == p);
	proc_set_state(p, PROC_DYING);
	fd_table_destroy(&p->fdt);
	/* Leave the process's page tables before freeing them. */
	kt->cr3 = 0;
	kt->fdt = NULL;
	kt->pgrp = NULL;
	write_cr3(PADDR(kern_pml4));
	mm_put(p->mm);
	p->mm = NULL;
	pgrp_close(p->pgrp);
	p->pgrp = NULL;
	p->exit_status = status;
	proc_set_state(p, PROC_DEAD);
	sem_up(&p->exited);
	proc_put(p);
	kthread_exit();
}

int proc_wait(struct proc *p)
{
	int status;

	sem_down(&p->exited);
	status = p->exit_status;
	kthread_join(p->kt);
	proc_put(p);
	return status;
}

/* ------------------------------------------------------------ faults */

static const char *user_trap_name(uint64_t vec)
{
	switch (vec) {
	case T_DIVIDE: return "divide error";
	case T_BRKPT: return "breakpoint";
	case T_ILLOP: return "invalid opcode";
	case T_GPFLT: return "general protection fault";
	case T_PGFLT: return "page fault";
	case T_STACK: return "stack fault";
	case T_ALIGN: return "alignment check";
	default: return "exception";
	}
}

void user_exception(struct hw_trapframe *tf)
{
	struct proc *p = current_proc();
	uintptr_t addr = tf->vector == T_PGFLT ? read_cr2() : tf->rip;

	assert(p);
	if (tf->vector == T_PGFLT &&
	    mm_fault(p->mm, addr, tf->err & 2, tf->err & 16))
		return;
	printk("proc %d (%s): %s at address %#lx, rip %#lx (error %#lx); killed\n",
	       p->pid, p->name, user_trap_name(tf->vector), addr, tf->rip, tf->err);
	proc_exit(p, WSTATUS_KILLED);
}

/* From uaccess with interrupts off: only a lock-free, non-sleeping try. */
bool user_demand_fault(struct hw_trapframe *tf, uintptr_t addr)
{
	struct proc *p = current_proc();

	return p && mm_fault_atomic(p->mm, addr, tf->err & 2);
}

/* ------------------------------------------------------------ lookup */

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

/* A child of 'parent' that is DEAD, or any child when 'any' is set. */
struct proc *proc_find_child(int parent, bool dead_only)
{
	uint64_t flags = spin_lock_irqsave(&proc_list_lock);
	struct proc *p, *found = NULL;

	list_for_each_entry(p, &proc_list, link) {
		if (p->ppid != parent || (dead_only && READ_ONCE(p->state) != PROC_DEAD))
			continue;
		if (kref_get_not_zero(&p->ref)) {
			found = p;
			break;
		}
	}
	spin_unlock_irqrestore(&proc_list_lock, flags);
	return found;
}
