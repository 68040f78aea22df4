/* SPDX-License-Identifier: MIT */
/*
 * session.c - POSIX process groups and sessions (process.h): setpgid,
 * getpgid, setsid, getsid, and a signal to a whole group or one process.
 *
 * Every process has a process group id and a session id (struct proc's
 * pgid and sid), inherited from its creator by proc_alloc (fork and
 * proc_create alike); the first process is its own group and session.
 * The rules are POSIX's: setpgid moves the caller or a child of it (ESRCH
 * otherwise) that has not run a new program yet (EACCES: an exec'd or
 * spawned child that already runs), is not a session leader (EPERM) and is
 * in the caller's session (EPERM), into a group of that session that exists
 * or is its own pid (EPERM otherwise); setsid makes a new session and group
 * unless the caller already leads a group (EPERM).
 *
 * Permission to signal (Vireo has no users yet): a process may signal
 * itself, its descendants and every process of its own session; pid 1 may
 * signal every process.  A group signal reaches the members the sender may
 * signal; EPERM if the group has members but none of them, ESRCH if none.
 *
 * Delivery (proc_signal_deliver, the same for one pid: signal_proc):
 * SIGKILL is proc_kill, SIGSTOP proc_stop (proc/jobctl.c), SIGCONT
 * proc_continue and then, like any other signal, an EV_POSIX_SIGNAL
 * message (ros/event_msg.h: the signal, the sender's pid, SI_USER) to the
 * member's kernel_evts queue; a member that takes no signal events (not a
 * C-library program) gets the default action from here: nothing for the
 * signals whose default is to ignore, a stop for SIGTSTP, SIGTTIN and
 * SIGTTOU, else the end "by signal".
 *
 * Locks: pgid, sid and execed are [proc_list_lock], so a walk sees one
 * truth; messages are sent after the walk, outside the lock, to processes
 * held by reference.
 */
#include <errno.h>
#include <event.h>
#include <kmalloc.h>
#include <process.h>
#include <ros/event_msg.h>
#include <ros/syscall.h>

#define SESS_SIGKILL  9
#define SESS_SIGCONT  18
#define SESS_SIGSTOP  19
#define SESS_SIGTTOU  22

/* ---------------------------------------------------- with the list lock */

static struct proc *sess_find_locked(int pid)
{
	for (struct proc *p = proc_list_next_locked(NULL); p; p = proc_list_next_locked(p))
		if (p->pid == pid && READ_ONCE(p->state) != PROC_DEAD)
			return p;
	return NULL;
}

/* A zombie (DEAD, not reaped yet) is still a member, as POSIX has it: the
 * first process of a pipeline may end before the others join its group. */
static bool sess_group_in_session_locked(int pgid, int sid)
{
	for (struct proc *p = proc_list_next_locked(NULL); p; p = proc_list_next_locked(p))
		if (p->pgid == pgid && p->sid == sid)
			return true;
	return false;
}

/* Whether t descends from anc (through live parents). */
static bool sess_descends_locked(const struct proc *t, int anc)
{
	for (int hops = 0; t && hops < PROC_MAX_LIVE; hops++) {
		if (t->ppid == anc)
			return true;
		t = t->ppid > 0 ? sess_find_locked(t->ppid) : NULL;
	}
	return false;
}

static bool sess_may_signal_locked(const struct proc *self, const struct proc *t)
{
	return t == self || self->pid == 1 || t->sid == self->sid ||
	       sess_descends_locked(t, self->pid);
}

bool proc_may_signal(struct proc *self, struct proc *t)
{
	uint64_t flags = proc_list_acquire();
	bool ok = sess_may_signal_locked(self, t);

	proc_list_release(flags);
	return ok;
}

void proc_session_inherit_locked(struct proc *p, const struct proc *creator)
{
	if (creator) {
		p->pgid = creator->pgid;
		p->sid = creator->sid;
	} else {
		p->pgid = p->sid = p->pid;
	}
}

/* ------------------------------------------------------------ the calls */

void proc_session_mark_exec(struct proc *p)
{
	uint64_t flags = proc_list_acquire();

	p->execed = true;
	proc_list_release(flags);
}

/* The checks of setpgid on target t: 0 or -errno with *why. */
static int sess_setpgid_check_locked(struct proc *self, struct proc *t, int pgid,
                                     const char **why)
{
	if (!t || (t != self && t->ppid != self->pid)) {
		*why = "setpgid: not the caller or a child of it";
		return -ESRCH;
	}
	if (t != self && t->execed && t->state != PROC_CREATED) {
		*why = "setpgid: the child already runs a new program (exec)";
		return -EACCES;
	}
	if (t->sid == t->pid) {
		*why = "setpgid: a session leader cannot change its group";
		return -EPERM;
	}
	if (t->sid != self->sid) {
		*why = "setpgid: the child is in another session";
		return -EPERM;
	}
	if (pgid != t->pid && !sess_group_in_session_locked(pgid, self->sid)) {
		*why = "setpgid: no such process group in the caller's session";
		return -EPERM;
	}
	return 0;
}

int proc_setpgid(struct proc *self, int pid, int pgid, const char **why)
{
	uint64_t flags;
	struct proc *t;
	int ret;

	if (pid < 0 || pgid < 0) {
		*why = "setpgid: a negative pid or process group";
		return -EINVAL;
	}
	flags = proc_list_acquire();
	t = pid ? sess_find_locked(pid) : self;
	if (!pgid && t)
		pgid = t->pid;
	ret = sess_setpgid_check_locked(self, t, pgid, why);
	if (!ret)
		t->pgid = pgid;
	proc_list_release(flags);
	return ret;
}

/* pid's pgid (sid: its session instead), or -ESRCH. */
static int sess_get(struct proc *self, int pid, bool sid)
{
	uint64_t flags;
	struct proc *t;
	int ret = -ESRCH;

	if (pid < 0)
		return -ESRCH;
	flags = proc_list_acquire();
	t = pid ? sess_find_locked(pid) : self;
	if (t)
		ret = sid ? t->sid : t->pgid;
	proc_list_release(flags);
	return ret;
}

int proc_getpgid(struct proc *self, int pid)
{
	return sess_get(self, pid, false);
}

int proc_getsid(struct proc *self, int pid)
{
	return sess_get(self, pid, true);
}

int proc_setsid(struct proc *self, const char **why)
{
	uint64_t flags = proc_list_acquire();
	int ret = self->pid;

	/* A group leader, or any process whose group has the caller's pid. */
	for (struct proc *p = proc_list_next_locked(NULL); p; p = proc_list_next_locked(p))
		if (p->pgid == self->pid && READ_ONCE(p->state) != PROC_DEAD)
			ret = -EPERM;
	if (ret > 0)
		self->pgid = self->sid = self->pid;
	else
		*why = "setsid: the caller already leads a process group";
	proc_list_release(flags);
	return ret;
}

/* ------------------------------------------------------ group signals */

/* Default action "ignore" (x86-64 Linux numbers): CHLD, CONT, URG,
 * WINCH. */
static bool sess_default_ignores(int sig)
{
	return sig == 17 || sig == 18 || sig == 23 || sig == 28;
}

/* Default action "stop": TSTP, TTIN, TTOU (and STOP, always the kernel's). */
static bool sess_default_stops(int sig)
{
	return sig >= SESS_SIGSTOP && sig <= SESS_SIGTTOU && sig != SESS_SIGCONT;
}

void proc_signal_deliver(struct proc *t, int sig, int sender)
{
	struct event_msg msg = { .ev_type = EV_POSIX_SIGNAL, .ev_arg1 = (uint16_t)sig,
	                         .ev_arg2 = (uint32_t)sender };

	if (sig == SESS_SIGKILL) {
		proc_kill(t, WSTATUS_KILLED);
		return;
	}
	if (sig == SESS_SIGSTOP) {
		proc_stop(t, sig);              /* uncatchable: never a message */
		return;
	}
	if (sig == SESS_SIGCONT)
		proc_continue(t);               /* first, so a handler can run */
	if (send_kernel_event(t, &msg, 0) != -ENOENT)
		return;
	if (sess_default_stops(sig))
		proc_stop(t, sig);
	else if (!sess_default_ignores(sig))
		proc_kill(t, WSTATUS_SIGNALED(sig));
}

/* Takes a reference to each member of pgid the caller may signal into
 * out[PROC_MAX_LIVE]; *seen counts all members.  The number taken. */
static int sess_collect(struct proc *self, int pgid, struct proc **out, int *seen)
{
	uint64_t flags = proc_list_acquire();
	int n = 0;

	*seen = 0;
	if (pgid == 0)
		pgid = self->pgid;
	for (struct proc *p = proc_list_next_locked(NULL); p; p = proc_list_next_locked(p)) {
		if (READ_ONCE(p->state) >= PROC_DYING || READ_ONCE(p->killed))
			continue;
		if (pgid == -1 ? (p->pid == 1 || p == self) : p->pgid != pgid)
			continue;
		(*seen)++;
		if (sess_may_signal_locked(self, p) && n < PROC_MAX_LIVE &&
		    kref_get_not_zero(&p->ref))
			out[n++] = p;
	}
	proc_list_release(flags);
	return n;
}

int proc_signal_group(struct proc *self, int pgid, int sig, const char **why)
{
	struct proc **targets;
	int n, seen;

	if (sig < 0 || sig > 64 || pgid < -1) {
		*why = "signal_group: a signal is 0..64, a group > 0 (0: ours, -1: all)";
		return -EINVAL;
	}
	targets = kmalloc_array(PROC_MAX_LIVE, sizeof(*targets), MEM_WAIT);
	if (!targets) {
		*why = "signal_group: no memory";
		return -ENOMEM;
	}
	n = sess_collect(self, pgid, targets, &seen);
	for (int i = 0; i < n; i++) {
		if (sig)
			proc_signal_deliver(targets[i], sig, self->pid);
		proc_put(targets[i]);
	}
	kfree(targets);
	if (!seen)
		*why = "signal_group: no process in that group";
	else if (!n)
		*why = "signal_group: no process of that group may be signalled by the caller";
	return !seen ? -ESRCH : !n ? -EPERM : 0;
}

int proc_signal_pid(struct proc *self, int pid, int sig, const char **why)
{
	uint64_t flags;
	struct proc *t;
	int ret = 0;

	if (sig < 0 || sig > 64 || pid <= 0) {
		*why = "signal_proc: a signal is 0..64, a pid > 0";
		return -EINVAL;
	}
	flags = proc_list_acquire();
	t = sess_find_locked(pid);
	if (!t || READ_ONCE(t->state) >= PROC_DYING || READ_ONCE(t->killed)) {
		*why = "signal_proc: no such process";
		ret = -ESRCH;
	} else if (!sess_may_signal_locked(self, t)) {
		*why = "signal_proc: the caller may not signal that process";
		ret = -EPERM;
	} else if (!kref_get_not_zero(&t->ref)) {
		*why = "signal_proc: no such process";
		ret = -ESRCH;
	}
	proc_list_release(flags);
	if (ret)
		return ret;
	if (sig)
		proc_signal_deliver(t, sig, self->pid);
	proc_put(t);
	return 0;
}
