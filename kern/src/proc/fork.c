/* SPDX-License-Identifier: MIT */
/*
 * fork.c - fork and exec for SCPs.
 *
 * Both run on the kthread that owns the caller's user context (they are
 * ctx calls, never asynchronous) and take tf, the context the trap saved.
 *
 * exec builds the new program in a fresh mm first (proc_load); only if
 * that worked does it touch the caller: its syscalls still in flight are
 * aborted and drained (their records live in the old image), the mm is
 * swapped under p->lock, close-on-exec FDs are closed, the FPU/FS state is
 * reset and tf is pointed at the new entry.  The exec record is never
 * completed: it vanished with the old image.
 *
 * fork copies the address space (mm_dup, copy-on-write), then completes
 * the child's copy of the fork record with retval 0, through the child's
 * mm (its page made private first); the dispatcher then completes the
 * parent's record with the child's pid.  The parent's record never holds
 * the child's answer: if its completion failed, the parent would wait for
 * it, never run on as the child.  The child gets a copy of the FD table and of the
 * name space, the parent's registers and FPU state, and starts RUNNING on
 * its own core.  Syscalls of the parent still in flight are not the
 * child's: their records stay unfinished in the child's memory.
 */
#include <arch/x86.h>
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <kthread.h>
#include <pmap.h>
#include <process.h>
#include <syscall.h>
#include <uaccess.h>

int proc_exec(struct proc *p, const char *path, const char *const *argv,
              const char *const *envp, struct hw_trapframe *tf)
{
	struct proc_image img = { 0 };
	struct mm *mm = mm_create(), *old;
	size_t args_len;
	char *args;
	uint64_t flags;
	int ret;

	if (!mm)
		return -ENOMEM;
	ret = proc_load(mm, path, argv, envp, &img);
	if (!ret) {
		p->program_end = img.program_end;
		ret = proc_map_shared(p, mm);
	}
	args = ret ? NULL : proc_pack_args(argv, &args_len);
	if (!ret && !args)
		ret = -ENOMEM;
	if (ret) {
		mm_put(mm);
		return ret;
	}
	proc_drain_syscalls(p);
	proc_drop_spare(p);                     /* made for the old image */
	flags = spin_lock_irqsave(&p->lock);
	old = p->mm;
	p->mm = mm;
	spin_unlock_irqrestore(&p->lock, flags);
	mm_get(mm);
	mm_put(proc_kthread_swap_mm(mm));       /* this kthread's reference */
	mm_put(old);                            /* the process's */
	proc_set_args(p, args, args_len);
	fd_table_close_on_exec(&p->fdt);
	user_ext_init(&p->uext);
	user_ext_load(&p->uext);
	p->entry = img.entry;
	p->user_sp = img.sp;
	user_ctx_init(tf, img.entry, img.sp);
	proc_session_mark_exec(p);              /* its parent's setpgid: EACCES */
	return 0;
}

/* The child's copy of the fork record at usc reads "done, retval 0";
 * flags is what the parent's record held.  Through the child's mm, whose
 * page is made its own first: the parent's stays as it is. */
static int proc_fork_fill_child(struct mm *cmm, uintptr_t usc, uint32_t flags)
{
	struct syscall *u = (struct syscall *)usc;
	uint32_t done = (flags | SC_DONE) & ~(SC_K_LOCK | SC_UEVENT | SC_UWAKE);
	int64_t zero = 0;
	int32_t noerr = 0;
	int ret;

	mm_lock(cmm);
	ret = mm_populate_write(cmm, (uintptr_t)&u->err, sizeof(u->err) + sizeof(u->retval));
	if (!ret)
		ret = mm_populate_write(cmm, (uintptr_t)&u->flags, sizeof(u->flags));
	if (!ret)
		ret = mm_write(cmm, (uintptr_t)&u->retval, &zero, sizeof(zero));
	if (!ret)
		ret = mm_write(cmm, (uintptr_t)&u->err, &noerr, sizeof(noerr));
	if (!ret)
		ret = mm_write(cmm, (uintptr_t)&u->flags, &done, sizeof(done));
	mm_unlock(cmm);
	return ret;
}

/* p->args changes only by exec on p's owner, which is us: no lock. */
static int proc_fork_copy(struct proc *p, struct proc *c, uintptr_t usc, uint32_t flags)
{
	int ret;

	c->mm = mm_dup(p->mm);
	if (!c->mm)
		return -ENOMEM;
	ret = proc_fork_fill_child(c->mm, usc, flags);
	if (ret)
		return ret;
	c->program_end = p->program_end;
	if (proc_map_shared(c, c->mm))
		return -ENOMEM;
	if (fd_table_clone(&p->fdt, &c->fdt))
		return -ENOMEM;
	c->pgrp = pgrp_dup(p->pgrp);
	if (!c->pgrp)
		return -ENOMEM;
	c->args = kmalloc(p->args_len ? p->args_len : 1, MEM_WAIT);
	if (!c->args)
		return -ENOMEM;
	memcpy(c->args, p->args, p->args_len);
	c->args_len = p->args_len;
	return 0;
}

int proc_fork(struct proc *p, struct hw_trapframe *tf, uintptr_t usc)
{
	struct syscall *u = (struct syscall *)usc;
	struct proc *c;
	uint32_t flags;
	int ret;

	if (get_user_u32(&flags, &u->flags))
		return -EFAULT;
	c = proc_alloc(p->name, p->pid);
	ret = c ? proc_fork_copy(p, c, usc, flags) : -ENOMEM;
	if (!ret) {
		c->resume_tf = *tf;
		user_ext_save(&c->uext);        /* the parent's live FPU/FS state */
		c->user_kt = proc_kthread_make(c, proc_resume_main);
		if (!c->user_kt)
			ret = -ENOMEM;
	}
	if (ret) {
		if (c)
			proc_abandon(c);
		return ret;
	}
	proc_run(c);
	return c->pid;
}
