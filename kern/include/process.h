/* SPDX-License-Identifier: MIT */
/*
 * process.h - processes (SCPs for now; MCPs come with vcores).
 *
 *	struct proc *p;
 *	int err = proc_create("/test/hello", argv, envp, &p);  // CREATED
 *	proc_run(p);                                            // RUNNING_S
 *	int status = proc_wait(p);                              // reaps it
 *
 * A process is an address space (struct mm), an FD table, a name space
 * (pgrp) and a user context.  The kthread that owns the user context
 * (p->user_kt) enters user mode, and every trap or syscall from user mode
 * lands on its stack (arch/user.h).  A syscall that sleeps hands the user
 * context to a spare kthread and finishes on its own (syscall/async.c), so a
 * process may have several kthreads, all on its core (p->core).
 *
 * Lifetime: the creator's reference (dropped by proc_wait, or by an orphan
 * itself when it dies), one while running (dropped by proc_exit), one per
 * detached syscall kthread and per lookup.  proc_exit runs on the owner
 * (exit, a fatal fault, or a kill seen before returning to user mode): it
 * drains the syscall kthreads, tears everything down and ups 'exited'.
 * Locks: proc_list_lock before p->lock (process.c).

 * Field tags (legend: Documentation/style.md): [I] set by proc_create, [l] p->lock, [user_kt] only the kthread that
 * owns the user context (p->user_kt), [a] atomic.
 */
#pragma once

#include <arch/mmu.h>
#include <arch/trap.h>
#include <arch/user.h>
#include <kref.h>
#include <list.h>
#include <ns.h>
#include <rendez.h>
#include <sem.h>
#include <spinlock.h>
#include <types.h>
#include <fdtable.h>
#include <fdtap.h>
#include <mm.h>
#include <vcoremap.h>

#define PROC_NAME_LEN    32
#define PROC_STACK_SIZE  (8 * 1024 * 1024UL)    /* reserved; pages come on demand */
#define PROC_STACK_FILLED (4 * PGSIZE)          /* populated at creation */
#define PROC_MAX_IMAGE   (64 * 1024 * 1024UL)   /* largest executable we load */
#define PROC_MAX_LIVE    1024                   /* processes at once (ENOMEM past) */
#define PROC_MEM_RESERVE 16                     /* no new process below 1/16 free */

/* Free memory is below 1/PROC_MEM_RESERVE of all pages: a process gets no
 * new process and no new kthread for a detached syscall. */
bool proc_mem_low(void);

struct kalarm;                  /* dev/alarm.c */
struct strace;                  /* syscall/strace.c */

enum proc_state {
	PROC_CREATED = 1,
	PROC_RUNNING_S,         /* runnable or running (an SCP) */
	PROC_WAITING,           /* in proc_yield until an EVENT_WAKEUP event */
	PROC_RUNNABLE_M,        /* an MCP waiting for cores (none runs) */
	PROC_RUNNING_M,         /* an MCP with vcores on cores */
	PROC_DYING,
	PROC_DEAD,
};

struct proc {
	int pid;                        /* [I] */
	int ppid;                       /* [proc_list_lock] reparenting changes it */
	int pgid, sid;                  /* [proc_list_lock] process group, session (session.c) */
	bool execed;                    /* [proc_list_lock] runs a program its parent did not */
	bool orphan;                    /* [proc_list_lock] reaps itself when DEAD */
	char name[PROC_NAME_LEN];       /* [I] */
	spinlock_t lock;
	enum proc_state state;          /* [l] proc_set_state_locked() */
	struct kref ref;                /* [a] */
	struct mm *mm;                  /* [l] one reference; exec swaps it */
	struct fd_table fdt;            /* its own lock */
	struct pgrp *pgrp;              /* [I] one reference */
	uint32_t core;                  /* [I] every kthread of p runs here */
	/* The user context: one kthread owns it (returns to user mode with
	 * it); a syscall that sleeps hands it to the spare (syscall/async.c). */
	struct kthread *user_kt;        /* [user_kt] the owner (changes at a detach) */
	struct kthread *spare_kt;       /* [user_kt] made ahead for the next detach */
	struct user_ext uext;           /* [user_kt] FPU, FS base (arch/user.h) */
	struct hw_trapframe resume_tf;  /* [user_kt] registers handed to the spare */
	uint64_t entry, user_sp;        /* [I] first user context */
	struct list_head kthreads;      /* [l] its kthreads, by proc_link: the
	                                 * places abort looks for calls */
	atomic_t nr_detached;           /* [a] detached kthreads not yet done */
	struct kthread *recycled_kt;    /* [a] a finished detached kthread parked
	                                 * as the next spare (syscall/async.c) */
	atomic_t nr_alarms;             /* [a] #alarm timers it made (dev/alarm.c) */
	struct rendez drain_rv;         /* proc_exit waits for nr_detached == 0 */
	bool killed;                    /* [l] proc_kill was here */
	int kill_status;                /* [l] the status it asked for */
	bool wake_pending;              /* [l] a wakeup came while not WAITING */
	struct rendez wait_rv;          /* WAITING sleeps here */
	atomic_t child_deaths;          /* [a] children that died (waitpid(-1)) */
	struct rendez child_rv;         /* waitpid(-1) sleeps here for one */
	int exit_status;                /* [l] WSTATUS_* once DEAD */
	struct kthread *exit_kt;        /* [l] the owner that exited, for proc_wait */
	struct sem exited;              /* up'ed once, when DEAD */
	struct rendez exit_rv;          /* woken at DEAD, a stop or a continue:
	                                 * waitpid's abortable wait */
	/* Job control (proc/jobctl.c): stopped by a stop signal until SIGCONT
	 * or a kill; while stopped nothing returns to user mode. */
	bool stopped;                   /* [l] */
	bool stop_told;                 /* [l] the parent heard of this stop */
	int stop_sig;                   /* [l] the signal that stopped it */
	uint32_t nr_parked;             /* [l] kthreads waiting in the gate */
	int jc_report;                  /* [l] WSTATUS_STOPPED(sig) or WSTATUS_CONTINUED
	                                 * not yet reported to the parent, or 0 */
	struct rendez stop_rv;          /* the return to user mode waits here */
	struct fdtap_list exit_taps;    /* #proc/PID/status taps, fired at DEAD */
	struct list_head link;          /* [proc_list_lock] */
	char *args;                     /* [l] argv as NUL-separated strings */
	size_t args_len;                /* [l] bytes in args; exec replaces both */
	/* Pages shared with user space (vm/mm_shared.c): kernel addresses of
	 * procinfo (PROCINFO_NUM_PAGES, mapped read-only at UINFO).  procdata
	 * lives in user memory at UDATA; the kernel reaches it with uaccess. */
	struct procinfo *procinfo;      /* [I] */
	uintptr_t program_end;          /* [user_kt] end of the image (procinfo) */
	struct vcore_ids *vcore_ids;    /* [ksched_lock] made at the first grant (sched/ksched.c) */
	bool ksched_gone;               /* [ksched_lock] ksched_proc_gone ran: no more grants */
	uint64_t ks_want;               /* [ksched_lock] amt_wanted at the last poke (clamped) */
	uint64_t ks_min;                /* [ksched_lock] amt_wanted_min then: never taken below */
	/* An MCP (proc/mcp.c, mcp.h): NULL while an SCP. */
	struct mcp_vcore *vcores;       /* [l] set once by change_to_m */
	uint32_t nr_vcores_max;         /* [l] entries in vcores */
	uint32_t nr_running;            /* [l] vcores with a kthread, not yielding */
	struct kthread *mcp_exiter;     /* [l] the vcore kthread that runs proc_exit */
	/* The dispatcher's fast path takes batches of at most this many
	 * calls: SYSC_MAX_BATCH, or 0 while traced, so a traced process takes
	 * the slow path with no test of its own (syscall/dispatch.c).  Beside
	 * cpu_user, in the line every syscall touches. */
	uint64_t sysc_batch_max;        /* [l], read [a] by p's syscall path */
	/* The syscall tracer (strace.h): the switch, and the buffer (kept
	 * until strace_proc_gone). */
	bool strace_on;                 /* [l], read [a] */
	struct strace *strace;          /* [l] one reference */
	/* CPU time in TSC ticks (cputime.h): user mode, the kernel, and the
	 * same for reaped children. */
	uint64_t cpu_user, cpu_sys;     /* [a] */
	uint64_t cpu_child_user;        /* [a] */
	uint64_t cpu_child_sys;         /* [a] */
	struct kalarm *alarm_sigs;      /* [a] #alarm signals to post (dev/alarm.c) */
};

int proc_create(const char *path, const char *const *argv, const char *const *envp,
                struct proc **out);
/* Posts the signals p's #alarm timers queued (kthread context, p's own or
 * any: it may sleep); kern/drivers/dev/alarm.c. */
void devalarm_post_signals(struct proc *p);
int proc_run(struct proc *p);           /* -EINVAL unless CREATED */
void proc_move_scps_off(uint32_t pcore);        /* pcore became an MCP's */
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
/*
 * Runs the calling kthread in target's address space, so uaccess reaches
 * target's memory (event delivery to another process): 0 and the previous
 * mm in *prev, or -ESRCH if target has none left.  Undo with
 * proc_switch_back(prev) before sleeping long or returning to user mode.
 */
int proc_switch_to(struct proc *target, struct mm **prev);
void proc_switch_back(struct mm *prev);
/* Wakes p if it is WAITING in proc_yield (an EVENT_WAKEUP event). */
void proc_wakeup(struct proc *p);
/* Copies p's state name ("CREATED", "RUNNING_S", "WAITING", "RUNNABLE_M",
 * "RUNNING_M", "DYING", "DEAD"; "STOPPED" for a live process that is
 * stopped) for #proc. */
const char *proc_state_name(const struct proc *p);
/* The process list, locked (no sleeping inside): the process after prev
 * (NULL: the first), or NULL at the end.  For session.c's walks. */
uint64_t proc_list_acquire(void);
void proc_list_release(uint64_t flags);
struct proc *proc_list_next_locked(struct proc *prev);

/*
 * Process groups and sessions (proc/session.c; Documentation/processes.md,
 * "Process groups and sessions").  Each returns the POSIX answer or
 * -errno, with *why naming the reason of an error.  self is the caller.
 */
void proc_session_inherit_locked(struct proc *p, const struct proc *creator);
void proc_session_mark_exec(struct proc *p);
int proc_setpgid(struct proc *self, int pid, int pgid, const char **why);
int proc_getpgid(struct proc *self, int pid);
int proc_setsid(struct proc *self, const char **why);
int proc_getsid(struct proc *self, int pid);
/* sig (0: none, an existence and permission check) to every process of
 * group pgid (0: the caller's; -1: every process but pid 1 and the
 * caller) that the caller may signal: 0, -ESRCH (no such process), or
 * -EPERM (none it may signal). */
int proc_signal_group(struct proc *self, int pgid, int sig, const char **why);
/* sig (0: a check only) to process pid, under the same permission rules
 * and with the same delivery as one member of a group: 0, -ESRCH, -EPERM,
 * -EINVAL (a signal outside 0..64). */
int proc_signal_pid(struct proc *self, int pid, int sig, const char **why);
/* Whether self may signal t (the rule above; also who may trace t). */
bool proc_may_signal(struct proc *self, struct proc *t);
/* A signal's effect on a process that is the kernel's (SIGKILL, SIGSTOP,
 * SIGCONT), then its message or the default action of a process that
 * takes none (session.c; sender: the sender's pid, 0 for the kernel). */
void proc_signal_deliver(struct proc *t, int sig, int sender);

/*
 * Job control (proc/jobctl.c; Documentation/processes.md, "Stop and
 * continue").  proc_stop stops p with stop signal sig: 0, -ESRCH (p is
 * ending), -EINVAL (sig is not SIGSTOP, SIGTSTP, SIGTTIN or SIGTTOU); a
 * stopped p stays stopped.  proc_continue ends a stop: 0, or -ESRCH.
 * The parent hears of each once (SIGCHLD with CLD_STOPPED or
 * CLD_CONTINUED, and a report for waitpid): of a stop once no user code
 * of p runs any more.  proc_stop_gate, on the way to user mode,
 * sleeps while p is stopped (returns at once if not, or once killed):
 * whether it slept.
 */
int proc_stop(struct proc *p, int sig);
int proc_continue(struct proc *p);
bool proc_stop_gate(struct proc *p);
/* A vcore of stopped p left: the stop may be complete now. */
void proc_stop_settle(struct proc *p);
/* A report of child c that options (WUNTRACED, WCONTINUED) ask for: its
 * status word, taken unless WNOWAIT; 0 if none. */
int proc_jobctl_take(struct proc *c, int options);
/* A child of parent with a report options ask for (or DEAD, with
 * WEXITED), with a reference, or NULL. */
struct proc *proc_find_child_report(int parent, int options);
/* SIGCHLD to ppid about child pid (si_code CLD_*, si_status value); it
 * also wakes the parent's waitpid(-1).  Dropped for an orphan (ppid 0). */
void proc_sigchld(int ppid, int pid, uint32_t code, uint32_t value);


/* Process internals shared by process.c, proc/scp_sched.c, proc/fork.c and
 * syscall/async.c. */
struct proc *proc_alloc(const char *name, int ppid);
/* Allocates p's procinfo if needed, fills it and maps the shared pages
 * (global info, procinfo, procdata) into mm. */
int proc_map_shared(struct proc *p, struct mm *mm);
/* Undoes a CREATED process that never ran (its creation failed). */
void proc_abandon(struct proc *p);
void proc_set_state_locked(struct proc *p, enum proc_state to);
/* Whether proc_set_state_locked() allows from -> to. */
bool proc_state_change_legal(enum proc_state from, enum proc_state to);
void proc_set_args(struct proc *p, char *args, size_t len);
/* argv as NUL-separated strings (kmalloc'd), for p->args. */
char *proc_pack_args(const char *const *argv, size_t *len);
/* A kthread that runs for p: p's address space (a reference), FD table and
 * name space; fn(p) starts it.  NULL: no memory. */
struct kthread *proc_kthread_make(struct proc *p, void (*fn)(void *));
/* The same, with fn(arg) instead of fn(p). */
struct kthread *proc_kthread_make_arg(struct proc *p, void (*fn)(void *), void *arg);
/* Frees a process kthread that never ran. */
void proc_kthread_discard(struct kthread *kt);
/* Frees p's spare kthread, if it has one (exit, exec). */
void proc_drop_spare(struct proc *p);
/* The calling process kthread lets go of p's address space (kernel cr3). */
void proc_kthread_release(struct kthread *kt);
/* Loads mm (NULL: the kernel's) on the calling kthread, handing it the
 * caller's reference; returns the old one, whose reference is now the
 * caller's. */
struct mm *proc_kthread_swap_mm(struct mm *mm);
void proc_main(void *arg);              /* first entry to user mode */
/* Aborts p's sleeping syscalls (but the caller's) and waits until every
 * detached syscall kthread of p is gone. */
void proc_drain_syscalls(struct proc *p);
/* exec on the owner of p's user context: loads path into a new address
 * space and, only if that worked, replaces p's with it and points tf at
 * the new program.  0 or -errno (errstr set); on failure p is untouched. */
int proc_exec(struct proc *p, const char *path, const char *const *argv,
              const char *const *envp, struct hw_trapframe *tf);
/* fork on the owner: a RUNNING copy of p whose user context is tf with the
 * fork record already completed (retval 0) in its memory.  Its pid, or
 * -errno. */
int proc_fork(struct proc *p, struct hw_trapframe *tf, uintptr_t usc);
void proc_resume_main(void *arg);       /* enters user mode with p->resume_tf */

/* Scheduling (proc/scp_sched.c).  proc_enter_user runs the checks due before
 * every return to user mode (a pending kill ends the process here; an
 * expired time slice yields the core) and enters user mode with tf. */
void proc_enter_user(struct hw_trapframe *tf) __noreturn;
void proc_before_user(void);            /* the same checks, then return */
uint64_t proc_nr_slices(uint32_t core); /* SCP slices that ended in a yield */
void proc_yield(struct proc *p, bool being_nice);
/* Sleeps until proc_wakeup() or a kill, without changing p's state; a
 * wakeup that came since the last such sleep returns at once. */
void proc_wait_wakeup(struct proc *p);

/* Loading a program into a fresh, unused mm (proc/load.c).  0 or -errno
 * (with errstr set for a bad image). */
struct proc_image {
	uintptr_t entry;                /* first instruction */
	uintptr_t sp;                   /* initial stack pointer (argc there) */
	uintptr_t program_end;          /* end of the highest segment */
};
int proc_load(struct mm *mm, const char *path, const char *const *argv,
              const char *const *envp, struct proc_image *img);
