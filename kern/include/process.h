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
 * Field tags: [I] set by proc_create, [l] p->lock.
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
#include <fdtable.h>
#include <mm.h>

#define PROC_NAME_LEN    32
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
	struct mm *mm;                  /* [l] one reference; exec swaps it */
	struct fd_table fdt;            /* its own lock */
	struct pgrp *pgrp;              /* [I] one reference */
	struct kthread *kt;             /* [I] runs the user code */
	uint64_t entry, user_sp;        /* [I] first user context */
	int exit_status;                /* [l] WSTATUS_* once DEAD */
	struct sem exited;              /* up'ed once, when DEAD */
	struct list_head link;          /* [proc_list_lock] */
	char *args;                     /* [l] argv as NUL-separated strings */
	size_t args_len;                /* [l] bytes in args; exec replaces both */
	/* Pages shared with user space (proc_mm_shared.c): kernel addresses of
	 * procinfo (PROCINFO_NUM_PAGES, mapped read-only at UINFO).  procdata
	 * lives in user memory at UDATA; the kernel reaches it with uaccess. */
	struct procinfo *procinfo;      /* [I] */
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
/* The live process with the smallest pid above 'after', with a reference,
 * or NULL: walks every process without holding a lock across calls. */
struct proc *proc_next(int after);
/*
 * Ends p from outside (#proc ctl "kill", proc_destroy of another pid): p
 * stops running user code at its next kernel entry (a kernel message makes
 * one if it is in user mode), its sleeping syscalls are aborted, and it
 * exits with 'status'.  Returns at once, before p is DEAD; 0, or -ESRCH if
 * p is already DYING or DEAD.  A CREATED p is torn down right here.
 */
int proc_kill(struct proc *p, int status);
/* Wakes p if it is WAITING in proc_yield (an EVENT_WAKEUP event). */
void proc_wakeup(struct proc *p);
/* Copies p's state name ("CREATED", "RUNNING_S", "WAITING", "DYING",
 * "DEAD") for #proc. */
const char *proc_state_name(const struct proc *p);


/* Loading a program into a fresh, unused mm (proc_load.c).  0 or -errno
 * (with errstr set for a bad image). */
struct proc_image {
	uintptr_t entry;                /* first instruction */
	uintptr_t sp;                   /* initial stack pointer (argc there) */
	uintptr_t program_end;          /* end of the highest segment */
};
int proc_load(struct mm *mm, const char *path, const char *const *argv,
              const char *const *envp, struct proc_image *img);
