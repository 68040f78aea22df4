/* SPDX-License-Identifier: MIT */
/*
 * process.h - processes (SCPs for now; MCPs come with vcores).
 *
 *	struct proc *p;
 *	int err = proc_create("/bin/hello", argv, envp, &p);   // CREATED
 *	proc_run(p);                                            // RUNNING_S
 *	int status = proc_wait(p);                              // reaps it
 *
 * A process is an address space (a PML4 whose upper half is the kernel's,
 * and a VMR set), an FD table, a name space (pgrp), and one kthread that
 * runs its user code: user mode is entered from that kthread, and every
 * trap or syscall from user mode lands back on its stack (arch/user.h).  A
 * syscall that sleeps sleeps that kthread: asynchronous completion (the
 * call returning unfinished) comes next, see Documentation/processes.md.
 *
 * Lifetime: one reference for being alive plus one per holder.  The process
 * exits on its own kthread (proc_exit: from SYS_proc_destroy or a fatal
 * fault), tears down its address space and FDs there, ups 'exited', and the
 * kthread ends.  proc_wait() drops the creator's reference; the last
 * reference frees the struct.
 *
 * Field tags: [I] set by proc_create, [l] p->lock, [m] p->mm_lock (a
 * semaphore: page allocation may sleep).
 */
#pragma once

#include <arch/mmu.h>
#include <arch/trap.h>
#include <kref.h>
#include <list.h>
#include <ns.h>
#include <sem.h>
#include <spinlock.h>
#include <types.h>
#include <vmr.h>
#include <fdtable.h>

#define PROC_NAME_LEN    32
#define PROC_STACK_TOP   0x00007ffffffff000UL   /* below one guard page */
#define PROC_STACK_SIZE  (8 * 1024 * 1024UL)    /* reserved; pages come on demand */
#define PROC_STACK_FILLED (4 * PGSIZE)          /* populated at creation */
#define PROC_MAX_IMAGE   (64 * 1024 * 1024UL)   /* largest executable we load */

enum proc_state {
	PROC_CREATED = 1,
	PROC_RUNNING_S,
	PROC_DYING,
	PROC_DEAD,
};

struct proc {
	int pid;                        /* [I] */
	int ppid;                       /* [I] */
	char name[PROC_NAME_LEN];       /* [I] */
	spinlock_t lock;
	enum proc_state state;          /* [l] only through proc_set_state() */
	struct kref ref;                /* [a] */
	pte_t *pml4;                    /* [I] */
	struct sem mm_lock;             /* guards [m] */
	struct vmr_set vmrs;            /* [m] */
	struct fd_table fdt;            /* its own lock */
	struct pgrp *pgrp;              /* [I] one reference */
	struct kthread *kt;             /* [I] runs the user code */
	uint64_t entry, user_sp;        /* [I] first user context */
	int exit_status;                /* [l] WSTATUS_* once DEAD */
	struct sem exited;              /* up'ed once, when DEAD */
	struct list_head link;          /* [proc_list_lock] */
};

int proc_create(const char *path, const char *const *argv, const char *const *envp,
                struct proc **out);
void proc_run(struct proc *p);
int proc_wait(struct proc *p);          /* blocks; returns the status; drops p */
void proc_exit(struct proc *p, int status) __noreturn;   /* on p's own kthread */
struct proc *current_proc(void);        /* NULL in kernel kthreads */
void proc_put(struct proc *p);
struct proc *proc_lookup(int pid);                       /* with a reference */
struct proc *proc_find_child(int parent, bool dead_only); /* with a reference */
int64_t proc_nr_live(void);


/* Address space (proc_mm.c). */
extern const struct vmr_ops proc_anon_ops;
int proc_mm_init(struct proc *p);
void proc_mm_destroy(struct proc *p);
int proc_mm_populate(struct proc *p, uintptr_t va, size_t len, int mem_flags);
int proc_mm_write(struct proc *p, uintptr_t va, const void *buf, size_t len);
bool proc_mm_fault(struct proc *p, uintptr_t va, bool write, bool exec);
bool proc_mm_fault_atomic(struct proc *p, uintptr_t va, bool write);
