/* SPDX-License-Identifier: MIT */
/*
 * parlib/vcore.h - vcores as user space sees them (Documentation/mcp.md).
 *
 *	vcore_change_to_m();            // thread0 continues as a uthread on vcore 0
 *	vcore_request_total(3);         // up to 3 vcores; each starts at vcore_entry
 *	...in vcore context: vcore_yield();
 *
 * An SCP runs as vcore 0, always in uthread context.  An MCP's vcores start
 * at vcore_entry() in vcore context (notifications disabled) on a stack and
 * TLS block parlib sets up in each VCPD; vcore_entry takes back the uthread
 * that was interrupted on that vcore, handles the VCPD's events (handlers
 * by type: vcore_register_ev_handler), calls the hook vcore_sched_entry,
 * and then the 2LS (parlib/uthread.h: sched_ops->sched_entry; without a
 * 2LS, thread0 if it is runnable), or yields.
 *
 * vcore_id() in vcore context comes from the stack (the vcore stacks are
 * one region), in uthread context from the current uthread.  num_vcores()
 * reads procinfo under its sequence counter.  Freestanding: tiny test
 * programs link this too.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <ros/event_msg.h>
#include <ros/vcore_ctx.h>

#define VCORE_STACK_SIZE (64 * 1024)

struct uthread;

/* The vcore this code runs on: 0 on an SCP. */
uint32_t vcore_id(void);
/* True while running in vcore context (the 2LS's scheduler), not a uthread. */
bool in_vcore_context(void);
/* How many vcores the process has now: 1 on an SCP. */
uint32_t num_vcores(void);
/* Whether the process is a many-core process. */
bool in_multi_mode(void);

/* SCP -> MCP: 0, or -errno (EBUSY: no idle core; the process stays an SCP). */
int vcore_change_to_m(void);
/* A 2LS on an SCP (no core for change_to_m): vcore 0's stack and VCPD
 * serve as its vcore context, entered only by the 2LS's own switches
 * (parlib.md, "A 2LS on an SCP").  0 or -errno. */
int vcore_scp_setup(void);
/* An SCP's faults reflected to user space as an MCP's are (VC_SCP_FAULTS:
 * vcore 0's stack and VCPD serve as the vcore context vcore_entry runs in,
 * and thread0 is the uthread that faulted; vcore_refl_fault_hook decides).
 * A copy made by fork keeps it; exec does not.  0 or -errno. */
int vcore_scp_faults(void);
/* parlib_fork_child's part (parlib/uthread.h), after uthread_after_fork:
 * the copied VCPDs as an SCP's (notifications on, nothing pending, empty
 * mailboxes, no uthread on any vcore; VC_SCP_FAULTS kept, with thread0
 * the uthread that faults). */
void vcore_after_fork(void);
/* Asks for nr vcores in all (procdata amt_wanted, then poke the ksched):
 * how many the process has afterwards, or -errno. */
int vcore_request_total(uint32_t nr);
/* procdata's amt_wanted = nr, without poking the ksched (a 2LS lowering
 * its want before it yields). */
void vcore_set_wanted(uint32_t nr);
/* In vcore context: gives this vcore's core back.  Returns only if the
 * kernel refused (a notification is pending: handle it, then try again). */
void vcore_yield(void);

/* Where the kernel starts a vcore (rdi = its id); not called by programs. */
void vcore_entry(uint32_t vcoreid) __attribute__((noreturn));
/* The 2LS hook, run in vcore context on every entry after the events. */
extern void (*vcore_sched_entry)(uint32_t vcoreid);
/* Handlers for events in the VCPD mailboxes, run in vcore context. */
typedef void (*vcore_ev_handler_t)(const struct event_msg *msg, uint32_t vcoreid);
void vcore_register_ev_handler(uint16_t ev_type, vcore_ev_handler_t fn);
/* Clears notif_pending, drains vcore v's private and public mailboxes,
 * runs vcore_events_hook, and gives the core back if a preemption is
 * pending (warned). */
void vcore_handle_events(uint32_t vcoreid);
/* Run in vcore context by every vcore_handle_events (NULL: none): the C
 * library looks at queues no mailbox message announces (its signal queue,
 * which wakes an idle process).  Must not block. */
extern void (*vcore_events_hook)(uint32_t vcoreid);

/* Restores ctx (and the FXSAVE image fx, if not NULL) on vcore v and
 * re-enables notifications; a notification that arrived meanwhile is taken
 * before the context runs (none is lost).  Vcore context only. */
void vcore_pop_ctx(const struct hw_user_ctx *ctx, const void *fx, uint32_t vcoreid)
	__attribute__((noreturn));

/* The register restore under vcore_pop_ctx: ctx (and fx if not NULL),
 * clearing notif[0] and trapping first if notif[1] is set.  Outside vcore
 * context (a signal handler's context resumed) notif is a private pair
 * {x, 0}: a plain restore of every register, the FS base untouched. */
void vcore_pop_raw(const struct hw_user_ctx *ctx, volatile uint8_t *notif, const void *fx)
	__attribute__((noreturn));

/* parlib internals (uthread.c, vcore_pop.c): the top of vcore v's stack;
 * the uthread running on v (NULL: none); what vcore context does after
 * taking back a uthread (events, the 2LS hook, thread0 or a yield); the FS
 * base for the code about to be popped. */
uintptr_t vcore_stack_top(uint32_t vcoreid);
/* vcore_preempt.c: kernel_evts queues for EV_PREEMPT_PENDING and
 * EV_VCORE_PREEMPT and their handlers (at change_to_m). */
void vcore_preempt_init(void);
/* A preemption of vcore v is pending: gives its core back (being nice). */
void vcore_preempt_check(uint32_t vcoreid);
/* Takes the uthread stranded on preempted vcore v (VC_UTHREAD_STEALING)
 * and drains v's public mailbox: true if a uthread was made runnable. */
bool vcore_recover(uint32_t v, uint32_t me);
/* halt_core: this vcore keeps its core, asleep until an event for it
 * (or usec, 0: no limit). */
void vcore_halt(uint64_t usec);
/* change_vcore: hands this vcore's core to preempted vcore v, which only
 * its own restart can resume (preempted in vcore context, or with
 * notifications off); this vcore is then preempted itself.  With
 * notifications off only (vcore context, or between uth_disable_notifs and
 * uth_enable_notifs).  Returns 0 when this vcore runs again (its context
 * was saved), or never with enable_my_notif (it restarts at vcore_entry);
 * -EBUSY if v is not preempted or got a core meanwhile, -EINVAL for v
 * itself, no such vcore, or notifications on. */
int vcore_change_to(uint32_t v, bool enable_my_notif);
/* Makes sure vcore v runs (the PDR locks call it for a holder or an MCS
 * predecessor that does not seem to move): nothing if v runs or is
 * ourselves; a preempted v's uthread is taken if it may be (vcore
 * context, v's notifications were on), or v gets this vcore's core
 * (change_vcore, this vcore's state saved: the call returns when it runs
 * again).  Either context; nothing on an SCP. */
void ensure_vcore_runs(uint32_t v);
/* End of vcore_handle_events: if EV_VCORE_PREEMPT found a vcore preempted
 * with a uthread bound to it, this vcore puts its own uthread back in the
 * 2LS and hands it its core (change_vcore, notifications on: this vcore
 * restarts at vcore_entry).  Returns if there was none, or it got a core
 * meanwhile. */
void vp_change_to_stuck(uint32_t vcoreid);
/* The same without waiting for the event, and more: a vcore about to yield
 * for lack of work calls it first.  It recovers every preempted vcore (the
 * event may be stranded in the preempted vcore's own mailbox), then hands
 * its core to one with a uthread bound to it or preempted in vcore context
 * (which may hold a uthread no VCPD names): the kernel owes the process no
 * core for it after a change_vcore, and a want lowered by the yield would
 * strand it. */
void vcore_help_stuck(uint32_t vcoreid);
/* A uthread faulted (the kernel reflected it: VCPD refl_fault): the hook
 * the 2LS sets; NULL (the default) prints the fault and ends the process. */
struct vcpd_refl_fault;
extern void (*vcore_refl_fault_hook)(struct uthread *u, const struct vcpd_refl_fault *f);
void vcore_uthread_faulted(struct uthread *u, const struct vcpd_refl_fault *f);
/* vcore.c internals for vcore_preempt.c. */
struct event_mbox;
void vc_take_back(uint32_t v, struct uthread *u);
/* uthread.c: u's current run ends (its CPU time, uthread_cpu_tsc). */
void uthread_cpu_stop(struct uthread *u);
void vc_dispatch(struct event_mbox *mbox, uint32_t vcoreid);
struct uthread *vcore_current_of(uint32_t vcoreid);
void vcore_set_current(uint32_t vcoreid, struct uthread *u);
/* uthread.c: the 2LS's sched_entry if one is installed, else thread0's
 * default: run the interrupted uthread or thread0 if runnable; returns if
 * there is nothing to run (the caller yields). */
void uthread_vcore_schedule(uint32_t vcoreid);
void vcore_continue(uint32_t vcoreid) __attribute__((noreturn));
void vcore_set_fs_base(uint64_t base);
