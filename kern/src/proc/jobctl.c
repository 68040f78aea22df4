/* SPDX-License-Identifier: MIT */
/*
 * jobctl.c - job control in the kernel: a process stopped by a stop
 * signal, continued by SIGCONT, and what its parent learns of both
 * (process.h; Documentation/processes.md, "Stop and continue").
 *
 * Model: 'stopped' is a mark beside the process's state, not a state of
 * its own: a stopped SCP may still be RUNNING_S or WAITING, a stopped MCP
 * RUNNING_M, and its kernel work (a sleeping syscall, a completion, an
 * event) goes on.  What stops is user code: every return to user mode
 * passes proc_stop_gate() (from proc_before_user, on the owner of the user
 * context or on a vcore's kthread), which sleeps on p->stop_rv while the
 * mark is set.  proc_stop kicks the process's cores so code spinning in
 * user mode enters the kernel and meets the gate; an MCP's vcores give
 * their cores back where the preemption rules allow (proc/mcp_preempt.c:
 * all but the last), and the ksched grants a stopped MCP nothing until
 * proc_continue asks for its cores again.  A kill wakes the gate, and the
 * process exits from there as from any return to user mode.
 *
 * Who calls: SIGSTOP from any sender that may signal the target
 * (session.c: proc_signal_deliver), SIGTSTP, SIGTTIN and SIGTTOU when the
 * C library of the target finds their action is the default (the
 * proc_stop syscall on itself) or from the kernel for a process that takes
 * no signal events, SIGCONT from any sender (before its message is
 * posted, so a handler runs once the process runs).
 *
 * The parent learns each change once: jc_report holds the waitpid status
 * not yet reported (a stop, or a continue: the later replaces the
 * earlier), taken by waitpid with WUNTRACED or WCONTINUED; SIGCHLD with
 * CLD_STOPPED or CLD_CONTINUED goes to its kernel_evts (the C library
 * drops it under SA_NOCLDSTOP), and its waitpid sleepers are woken.  A
 * stop is told once it is complete (__jc_settled: no user code of the
 * process runs), by proc_stop itself, by a kthread as it parks in the
 * gate, or by the last vcore to leave (proc_stop_settle); a continue at
 * once, unless the stop was never told.
 * POSIX's discarding of pending signals is the C library's (its queue):
 * a continue posts SIGCONT, which drops pending stop signals there, and a
 * stop posts a SIGSTOP message that only drops a pending SIGCONT.
 *
 * Locks: 'stopped', 'stop_told', 'stop_sig', 'nr_parked' and 'jc_report'
 * are [l] (p->lock); the parent is found under proc_list_lock; messages
 * are sent with no lock held.
 */
#include <core_id.h>
#include <errno.h>
#include <event.h>
#include <kmsg.h>
#include <ksched.h>
#include <mcp.h>
#include <process.h>
#include <ros/event_msg.h>
#include <ros/syscall.h>
#include <smp.h>

#define JC_SIGSTOP 19
#define JC_SIGTSTP 20
#define JC_SIGTTOU 22

static bool jc_is_stop_sig(int sig)
{
	return sig >= JC_SIGSTOP && sig <= JC_SIGTTOU && sig != EV_POSIX_SIGCONT;
}

/* The parent (if any: not an orphan) hears of p's change. */
static void jc_tell_parent(struct proc *p, uint32_t code, uint32_t value)
{
	uint64_t flags = proc_list_acquire();
	int ppid = p->orphan ? 0 : p->ppid;

	proc_list_release(flags);
	rendez_wakeup(&p->exit_rv);     /* a waitpid of this very pid */
	proc_sigchld(ppid, p->pid, code, value);
}

/* A stop drops a SIGCONT pending in p's C library (see the top). */
static void jc_post_stop(struct proc *p)
{
	struct event_msg m = { .ev_type = EV_POSIX_SIGNAL, .ev_arg1 = EV_POSIX_SIGSTOP,
	                       .ev_arg4 = EV_SI_KERNEL };

	(void)send_kernel_event(p, &m, 0);      /* none taken: nothing pending */
}

/* Gets p's user code into the kernel, where the gate holds it. */
static void jc_kick(struct proc *p)
{
	if (proc_is_mcp(p)) {
		for (uint32_t v = 0; v < p->nr_vcores_max; v++)
			(void)mcp_preempt(p, v, 0);     /* -EBUSY: the last stays, parked */
		mcp_kick_all(p);
		proc_wakeup(p);                 /* a last vcore waiting in its yield */
	} else if (READ_ONCE(p->core) != core_id()) {
		kmsg_kick_core(READ_ONCE(p->core));
	}
}

/* With p->lock: whether no user code of p runs: an SCP whose owner waits
 * in the gate, sleeps in proc_yield (WAITING) or never ran; an MCP whose
 * running vcores all wait in the gate (the others left). */
static bool __jc_settled(struct proc *p)
{
	if (proc_is_mcp(p))
		return p->nr_parked >= p->nr_running;
	return p->nr_parked || p->state == PROC_WAITING || p->state == PROC_CREATED;
}

/* With p->lock: whether the parent is to hear of p's stop now. */
static bool __jc_settle(struct proc *p)
{
	if (!p->stopped || p->stop_told || p->killed || !__jc_settled(p))
		return false;
	p->stop_told = true;
	p->jc_report = WSTATUS_STOPPED(p->stop_sig);
	return true;
}

void proc_stop_settle(struct proc *p)
{
	uint64_t flags = spin_lock_irqsave(&p->lock);
	bool tell = __jc_settle(p);
	int sig = p->stop_sig;

	spin_unlock_irqrestore(&p->lock, flags);
	if (tell)
		jc_tell_parent(p, EV_SIG_CLD_STOPPED, (uint32_t)sig);
}

int proc_stop(struct proc *p, int sig)
{
	uint64_t flags;
	bool now, tell;

	if (!jc_is_stop_sig(sig))
		return -EINVAL;
	flags = spin_lock_irqsave(&p->lock);
	if (p->state >= PROC_DYING || p->killed) {
		spin_unlock_irqrestore(&p->lock, flags);
		return -ESRCH;
	}
	now = !p->stopped;
	if (now) {
		WRITE_ONCE(p->stopped, true);
		p->stop_told = false;
		p->stop_sig = sig;
	}
	tell = __jc_settle(p);
	spin_unlock_irqrestore(&p->lock, flags);
	if (!now)
		return 0;               /* stopped already: nothing new to tell */
	jc_post_stop(p);
	jc_kick(p);
	if (tell)
		jc_tell_parent(p, EV_SIG_CLD_STOPPED, (uint32_t)sig);
	return 0;
}

int proc_continue(struct proc *p)
{
	uint64_t flags = spin_lock_irqsave(&p->lock);
	bool was, told;

	if (p->state >= PROC_DYING || p->killed) {
		spin_unlock_irqrestore(&p->lock, flags);
		return -ESRCH;
	}
	was = p->stopped;
	told = was && p->stop_told;
	if (was) {
		WRITE_ONCE(p->stopped, false);
		/* A stop the parent never heard of ends unheard of too. */
		p->jc_report = told ? WSTATUS_CONTINUED : 0;
	}
	spin_unlock_irqrestore(&p->lock, flags);
	if (!was)
		return 0;
	rendez_wakeup(&p->stop_rv);
	if (proc_is_mcp(p)) {           /* the cores it gave back at the stop */
		ksched_grant(p, READ_ONCE(p->ks_want));
		mcp_start_vcores(p);
	}
	if (told)
		jc_tell_parent(p, EV_SIG_CLD_CONTINUED, EV_POSIX_SIGCONT);
	return 0;
}

static bool jc_may_run(void *arg)
{
	struct proc *p = arg;

	return !READ_ONCE(p->stopped) || READ_ONCE(p->killed);
}

/* The kthread parks (in) or leaves (out) the gate; the first to park
 * may complete the stop. */
static void jc_park(struct proc *p, bool in)
{
	uint64_t flags = spin_lock_irqsave(&p->lock);
	bool tell = false;
	int sig = p->stop_sig;

	if (in) {
		p->nr_parked++;
		tell = __jc_settle(p);
	} else {
		p->nr_parked--;
	}
	spin_unlock_irqrestore(&p->lock, flags);
	if (tell)
		jc_tell_parent(p, EV_SIG_CLD_STOPPED, (uint32_t)sig);
}

bool proc_stop_gate(struct proc *p)
{
	if (jc_may_run(p))
		return false;
	jc_park(p, true);
	while (!jc_may_run(p))
		rendez_sleep(&p->stop_rv, jc_may_run, p);
	jc_park(p, false);
	return true;
}

/* ------------------------------------------------------------ reports */

/* With c->lock: whether c's report is one options ask for. */
static bool jc_report_wanted(const struct proc *c, int options)
{
	int r = c->jc_report;

	if (r == WSTATUS_CONTINUED)
		return options & WCONTINUED;
	return r && (options & WUNTRACED) && c->stopped && c->state < PROC_DYING;
}

int proc_jobctl_take(struct proc *c, int options)
{
	uint64_t flags = spin_lock_irqsave(&c->lock);
	int r = jc_report_wanted(c, options) ? c->jc_report : 0;

	if (r && !(options & WNOWAIT))
		c->jc_report = 0;
	spin_unlock_irqrestore(&c->lock, flags);
	return r;
}

struct proc *proc_find_child_report(int parent, int options)
{
	uint64_t flags = proc_list_acquire();
	struct proc *c, *found = NULL;

	for (c = proc_list_next_locked(NULL); c && !found; c = proc_list_next_locked(c)) {
		bool dead = READ_ONCE(c->state) == PROC_DEAD, wanted;

		if (c->ppid != parent || c->orphan)
			continue;
		uint64_t cflags = spin_lock_irqsave(&c->lock);

		wanted = jc_report_wanted(c, options);
		spin_unlock_irqrestore(&c->lock, cflags);
		if ((wanted || (dead && !(options & WNOEXIT))) && kref_get_not_zero(&c->ref))
			found = c;
	}
	proc_list_release(flags);
	return found;
}
