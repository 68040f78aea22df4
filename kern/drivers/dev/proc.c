/* SPDX-License-Identifier: MIT */
/*
 * proc.c - #proc (#p): the live processes, as files.
 *
 *	#proc/
 *	    self        the reader's own process (a walk to its pid directory)
 *	    <pid>/      one directory per process not yet reaped (decimal pid)
 *	        status  r  "pid ppid name state regions fds exit pgid sid"
 *	        args    r  argv, each string followed by a NUL
 *	        maps    r  one line per memory region
 *	        fd      r  one line per open FD
 *	        ns      r  the name space as bind commands (pgrp_print.h)
 *	        ctl     w  "kill", "close N", "closefds", "strace on|follow|off"
 *	        vcores  r  an MCP's vcores, one line each (empty for an SCP)
 *	        times   r  "user sys child_user child_sys\n": CPU time in ns
 *	        strace  r  the syscall trace, a line per record (strace.h); it
 *	                   waits for records and ends once tracing is off
 * Formats: Documentation/dev/proc.md.
 *
 * Lifetime: a chan below a pid directory holds a reference to its process
 * (struct procfs_chan in c->aux, made by walk, dropped by close), so a
 * process that exits while a chan names it is never freed under it: its
 * files then show the final state (status says DYING or DEAD, maps, fd and
 * ns are empty) and ctl fails with ESRCH.  The mm and pgrp of a process are
 * taken only under p->lock while it is not yet DYING: proc_exit() marks it
 * DYING (under p->lock) before it tears them down, so a reference taken
 * then is to a live object.
 *
 * Snapshots: a file's text is generated, from the live structures, by the
 * first read or any read at offset 0, and kept in the chan (a slice guarded
 * by the per-chan sem) so reads at rising offsets see one consistent text.
 *
 * Taps (fdtap.h) on status only, with the readiness filters: READABLE and
 * HANGUP once the process is DEAD (fired by proc_mark_dead, or at ADD when it already is), so
 * poll/epoll on #proc/PID/status waits for an exit as Linux's pidfd does.
 *
 * Permissions: there are no users yet, so every process may read every
 * file and write every ctl (like proc_destroy), but the tracer's: opening
 * strace and the ctl's strace commands take the right to signal the
 * process (proc_may_signal).  Once processes have
 * owners, ctl will be the owner's.  The top directory's "self" entry is listed
 * (and walkable) only for a reader that is a process.
 */
#include <cputime.h>
#include <err.h>
#include <errno.h>
#include <fdtable.h>
#include <fdtap.h>
#include <kmalloc.h>
#include <kstring.h>
#include <ns.h>
#include <kthread.h>
#include <mcp.h>
#include <pgrp_print.h>
#include <printk.h>
#include <process.h>
#include <ros/mmap.h>
#include <ros/procinfo.h>
#include <ros/syscall.h>
#include <sem.h>
#include <slice.h>
#include <spinlock.h>
#include <strace.h>
#include <sysfile.h>

/* qid.path = pid << 8 | one of these; the top directory is 0. */
enum { Qtop, Qpid, Qstatus, Qargs, Qmaps, Qfd, Qns, Qctl, Qvcores, Qtimes, Qstrace };

#define PROCFS_QID(pid, q) (((uint64_t)(uint32_t)(pid) << 8) | (uint64_t)(q))
#define PROCFS_CTL_MAX 64               /* longest ctl message */

static const struct dirtab procfs_files[] = {
	{ ".", { Qpid, 0, QTDIR }, 0, DMDIR | 0555 },
	{ "status", { Qstatus, 0, QTFILE }, 0, 0444 },
	{ "args", { Qargs, 0, QTFILE }, 0, 0444 },
	{ "maps", { Qmaps, 0, QTFILE }, 0, 0444 },
	{ "fd", { Qfd, 0, QTFILE }, 0, 0444 },
	{ "ns", { Qns, 0, QTFILE }, 0, 0444 },
	{ "ctl", { Qctl, 0, QTFILE }, 0, 0200 },
	{ "vcores", { Qvcores, 0, QTFILE }, 0, 0444 },
	{ "times", { Qtimes, 0, QTFILE }, 0, 0444 },
	{ "strace", { Qstrace, 0, QTFILE }, 0, 0444 },
};

/* c->aux of every chan at or below a pid directory (NULL for the top). */
struct procfs_chan {
	struct proc *p;                 /* [I] one reference, dropped at close */
	struct sem lock;                /* guards text and have_text */
	struct slice text;              /* [lock] what reads are served from */
	bool have_text;                 /* [lock] text holds a snapshot */
	struct strace *st;              /* [o] strace: the buffer (a reference) */
	struct strace_reader *srd;      /* [lock] strace: the partial line */
};

static int procfs_pid(const struct chan *c)
{
	return (int)(c->qid.path >> 8);
}

static int procfs_file(const struct chan *c)
{
	return (int)(c->qid.path & 0xff);
}

static struct proc *procfs_proc(const struct chan *c)
{
	const struct procfs_chan *pc = c->aux;

	return pc ? pc->p : NULL;
}

static const char *procfs_path(const struct chan *c)
{
	return c->name ? c->name->s : "#proc";
}

static bool procfs_proc_gone(struct proc *p)
{
	uint64_t flags = spin_lock_irqsave(&p->lock);
	bool gone = p->state == PROC_DYING || p->state == PROC_DEAD;

	spin_unlock_irqrestore(&p->lock, flags);
	return gone;
}

/* ----------------------------------------------- references into a proc */

/* p's address space with a reference, or NULL once p is DYING or DEAD. */
static struct mm *procfs_get_mm(struct proc *p)
{
	uint64_t flags = spin_lock_irqsave(&p->lock);
	struct mm *mm = NULL;

	if (p->state != PROC_DYING && p->state != PROC_DEAD && p->mm) {
		mm = p->mm;
		mm_get(mm);
	}
	spin_unlock_irqrestore(&p->lock, flags);
	return mm;
}

/* p's name space with a reference, or NULL once p is DYING or DEAD. */
static struct pgrp *procfs_get_pgrp(struct proc *p)
{
	uint64_t flags = spin_lock_irqsave(&p->lock);
	struct pgrp *pg = NULL;

	if (p->state != PROC_DYING && p->state != PROC_DEAD && p->pgrp) {
		pg = p->pgrp;
		kref_get(&pg->ref);
	}
	spin_unlock_irqrestore(&p->lock, flags);
	return pg;
}

/* Slots in p's FD table now (a bound for a scan; it only grows). */
static int procfs_fd_slots(struct fd_table *t)
{
	int n;

	spin_lock(&t->lock);
	n = t->max_files;
	spin_unlock(&t->lock);
	return n;
}

/* ---------------------------------------------------------- status */

static size_t procfs_nr_regions(struct proc *p)
{
	struct mm *mm = procfs_get_mm(p);
	size_t n;

	if (!mm)
		return 0;
	mm_lock(mm);
	n = mm->vmrs.nr;
	mm_unlock(mm);
	mm_put(mm);
	return n;
}

/* "pid ppid name state regions fds exit pgid sid\n"; exit is "-" until
 * DEAD. */
static int procfs_gen_status(struct proc *p, struct slice *s)
{
	char name[PROC_NAME_LEN], exit[16] = "-";
	size_t regions = procfs_nr_regions(p);
	int fds = fd_table_nr_open(&p->fdt);
	const char *state = proc_state_name(p);
	uint64_t flags;

	strlcpy(name, p->name, sizeof(name));
	for (char *q = name; *q; q++)
		if (*q <= ' ' || *q == 0x7f)
			*q = '_';
	flags = spin_lock_irqsave(&p->lock);
	if (p->state == PROC_DEAD)
		snprintf(exit, sizeof(exit), "%#x", (unsigned int)p->exit_status);
	spin_unlock_irqrestore(&p->lock, flags);
	slice_printf(s, "%d %d %s %s %zu %d %s %d %d\n", p->pid, READ_ONCE(p->ppid),
	             name[0] ? name : "-",
	             state, regions, fds, exit, READ_ONCE(p->pgid), READ_ONCE(p->sid));
	return slice_error(s);
}

/*
 * "vcore pcore sent done pending switches slices\n" for each vcore with a
 * core: its preemption counters, and the kthread switches and SCP slices
 * its core has made (they stay put while the core is the vcore's whole).
 */
static int procfs_gen_vcores(struct proc *p, struct slice *s)
{
	const struct procinfo *pi = procfs_proc_gone(p) ? NULL : p->procinfo;

	for (uint32_t v = 0; pi && proc_is_mcp(p) && v < p->nr_vcores_max; v++) {
		const struct vcore_info *vi = &pi->vcoremap[v];
		uint32_t pc = READ_ONCE(vi->pcoreid);

		if (!READ_ONCE(vi->valid) || pc >= num_cores)
			continue;
		slice_printf(s, "%u %u %u %u %d %lu %lu\n", v, pc, READ_ONCE(vi->nr_preempts_sent),
		             READ_ONCE(vi->nr_preempts_done), READ_ONCE(vi->preempt_pending) != 0,
		             kthread_nr_switches(pc), proc_nr_slices(pc));
	}
	return slice_error(s);
}

/* "user sys child_user child_sys\n": the CPU time figures (cputime.h), ns. */
static int procfs_gen_times(struct proc *p, struct slice *s)
{
	struct cputime t;

	cputime_read(p, &t);
	slice_printf(s, "%lu %lu %lu %lu\n", t.user_ns, t.sys_ns, t.child_user_ns,
	             t.child_sys_ns);
	return slice_error(s);
}

/* ------------------------------------------------------------ args */

static size_t procfs_args_len(struct proc *p)
{
	uint64_t flags = spin_lock_irqsave(&p->lock);
	size_t len = p->args ? p->args_len : 0;

	spin_unlock_irqrestore(&p->lock, flags);
	return len;
}

/* Copies p->args; exec may replace them meanwhile, so the copy is made
 * only if the length is still the one the buffer was sized for. */
static int procfs_gen_args(struct proc *p, struct slice *s)
{
	for (;;) {
		size_t len = procfs_args_len(p);
		bool copied = false;
		uint64_t flags;
		char *buf;

		if (!len)
			return 0;
		buf = kmalloc(len, MEM_WAIT);
		if (!buf)
			return -ENOMEM;
		flags = spin_lock_irqsave(&p->lock);
		if (p->args && p->args_len == len) {
			memcpy(buf, p->args, len);
			copied = true;
		}
		spin_unlock_irqrestore(&p->lock, flags);
		if (copied)
			slice_append(s, buf, len);
		kfree(buf);
		if (copied)
			return slice_error(s);
	}
}

/* ------------------------------------------------------------ maps */

static const char *procfs_vmr_name(const struct vmr *v)
{
	static const char *const types[] = {
		[VMR_ANON] = "anon", [VMR_FILE] = "file",
		[VMR_DEVICE] = "device", [VMR_RESERVED] = "reserved",
	};

	if (v->ops && v->ops->name)
		return v->ops->name;
	if ((unsigned int)v->type < ARRAY_SIZE(types) && types[v->type])
		return types[v->type];
	return "?";
}

/* "start-end rwxp name offset\n" per region (hex; p private, s shared). */
static int procfs_gen_maps(struct proc *p, struct slice *s)
{
	struct mm *mm = procfs_get_mm(p);

	if (!mm)
		return 0;
	mm_lock(mm);
	for (struct vmr *v = vmr_first(&mm->vmrs); v; v = vmr_next(v))
		slice_printf(s, "%016lx-%016lx %c%c%c%c %s %08llx\n",
		             (unsigned long)v->start, (unsigned long)v->end,
		             v->prot & PROT_READ ? 'r' : '-', v->prot & PROT_WRITE ? 'w' : '-',
		             v->prot & PROT_EXEC ? 'x' : '-',
		             v->flags & VMR_F_SHARED ? 's' : 'p', procfs_vmr_name(v),
		             (unsigned long long)v->offset);
	mm_unlock(mm);
	mm_put(mm);
	return slice_error(s);
}

/* -------------------------------------------------------------- fd */

/* "fd mode flags dev offset path\n" for the chan c at fd. */
static void procfs_fd_line(struct slice *s, int fd, struct chan *c, int fd_flags)
{
	struct cname *name;
	uint32_t mode, cflag;
	int64_t offset;
	char flags[32] = "";

	spin_lock(&c->lock);
	mode = c->mode;
	cflag = c->flag;
	offset = c->offset;
	name = c->name;
	if (name)
		kref_get(&name->ref);
	spin_unlock(&c->lock);
	if (fd_flags & FD_CLOEXEC)
		strlcpy(flags, "cloexec,", sizeof(flags));
	if (cflag & CNONBLOCK)
		strlcpy(flags + strlen(flags), "nonblock,", sizeof(flags) - strlen(flags));
	if (cflag & CAPPEND)
		strlcpy(flags + strlen(flags), "append,", sizeof(flags) - strlen(flags));
	if (flags[0])
		flags[strlen(flags) - 1] = '\0';
	slice_printf(s, "%d %c%c%c %s %s %lld %s\n", fd, mode & O_READ ? 'r' : '-',
	             mode & O_WRITE ? 'w' : '-', mode & O_EXEC ? 'x' : '-',
	             flags[0] ? flags : "-",
	             c->type >= 0 ? devtab_of(c)->name : "?", (long long)offset,
	             name ? name->s : "?");
	cnameclose(name);
}

static int procfs_gen_fd(struct proc *p, struct slice *s)
{
	int slots = procfs_fd_slots(&p->fdt);

	for (int fd = 0; fd < slots; fd++) {
		struct chan *c = fd_get_chan(&p->fdt, fd);
		int fd_flags;

		if (!c)
			continue;
		fd_flags = fd_get_flags(&p->fdt, fd);
		procfs_fd_line(s, fd, c, fd_flags < 0 ? 0 : fd_flags);
		cclose(c);
	}
	return slice_error(s);
}

/* -------------------------------------------------------------- ns */

static int procfs_gen_ns(struct proc *p, struct slice *s)
{
	struct pgrp *pg = procfs_get_pgrp(p);
	int err;

	if (!pg)
		return 0;
	err = pgrp_print(pg, s);
	pgrp_close(pg);
	return err;
}

/* ------------------------------------------------------- snapshots */

/* With pc->lock held: replaces the snapshot; 0 or a negative errno. */
static int __procfs_snapshot(struct procfs_chan *pc, int file)
{
	int err;

	slice_free(&pc->text);
	pc->have_text = false;
	switch (file) {
	case Qstatus: err = procfs_gen_status(pc->p, &pc->text); break;
	case Qargs: err = procfs_gen_args(pc->p, &pc->text); break;
	case Qmaps: err = procfs_gen_maps(pc->p, &pc->text); break;
	case Qfd: err = procfs_gen_fd(pc->p, &pc->text); break;
	case Qns: err = procfs_gen_ns(pc->p, &pc->text); break;
	case Qvcores: err = procfs_gen_vcores(pc->p, &pc->text); break;
	case Qtimes: err = procfs_gen_times(pc->p, &pc->text); break;
	default: err = -EINVAL; break;
	}
	if (err)
		slice_free(&pc->text);
	else
		pc->have_text = true;
	return err;
}

static size_t procfs_text_read(struct chan *c, void *buf, size_t n, int64_t off)
{
	struct procfs_chan *pc = c->aux;
	size_t got;
	int err = 0;

	sem_down(&pc->lock);
	if (off == 0 || !pc->have_text)
		err = __procfs_snapshot(pc, procfs_file(c));
	got = err ? 0 : slice_read(&pc->text, buf, n, off);
	sem_up(&pc->lock);
	if (err)
		error(-err, "#proc: cannot generate '%s'", procfs_path(c));
	return got;
}

/* ------------------------------------------------------ directories */

/* The entry of the pid directory of p, named 'name'. */
static void procfs_pid_entry(struct dir *d, int pid, const char *name)
{
	mkdir_entry(d, mkqid(PROCFS_QID(pid, Qpid), 0, QTDIR), name, 0, "eve",
	            DMDIR | 0555);
}

/* devgen over procfs_files, with the chan's pid in every qid. */
static int procfs_gen(struct chan *c, const char *name, const struct dirtab *tab,
                      int ntab, int i, struct dir *dp)
{
	int r = devgen(c, name, tab, ntab, i, dp);

	if (r == DEVGEN_ENTRY)
		dp->qid.path |= PROCFS_QID(procfs_pid(c), 0);
	return r;
}

/*
 * The top directory: "self" (for a process), then each process by pid.
 * c->dri is 0 before "self" and, after it, 1 + the last pid listed, so a
 * listing survives processes coming and going between reads.
 */
static bool procfs_top_next(struct chan *c, struct dir *d, char *name, size_t len,
                            int *next_dri)
{
	struct proc *p;

	if (c->dri == 0 && current_proc()) {
		procfs_pid_entry(d, current_proc()->pid, "self");
		*next_dri = 1;
		return true;
	}
	p = proc_next(c->dri > 0 ? c->dri - 1 : 0);
	if (!p)
		return false;
	snprintf(name, len, "%d", p->pid);
	procfs_pid_entry(d, p->pid, name);
	*next_dri = p->pid + 1;
	proc_put(p);
	return true;
}

static size_t procfs_top_read(struct chan *c, uint8_t *buf, size_t n)
{
	size_t m = 0;
	char name[16];
	struct dir d;
	int next;
	bool full;

	while (procfs_top_next(c, &d, name, sizeof(name), &next)) {
		d.type = (uint16_t)c->type;
		d.dev = c->dev;
		m += dev_dirent_pack(c, &d, buf + m, n - m, &full);
		if (full) {
			if (m == 0)
				error(EINVAL, "read of directory '%s': buffer of %zu bytes "
				      "too small for entry '%s'", procfs_path(c), n, d.name);
			break;
		}
		c->dri = next;
	}
	return m;
}

/* ---------------------------------------------------------- strace */

/* Tracing p takes the right to signal it (a kernel thread has it). */
static void procfs_strace_perm(struct proc *p, const char *what)
{
	struct proc *self = current_proc();

	if (self && !proc_may_signal(self, p))
		error(EPERM, "#proc/%d/%s: process %d may not trace process %d (not its own, "
		      "a descendant or of its session)", p->pid, what, self->pid, p->pid);
}

static void procfs_strace_open(struct chan *c, struct procfs_chan *pc)
{
	procfs_strace_perm(pc->p, "strace");
	pc->srd = kzmalloc(sizeof(*pc->srd), MEM_WAIT);
	if (!pc->srd)
		error(ENOMEM, "#proc: no memory to open '%s'", procfs_path(c));
	pc->st = strace_open(pc->p);
	if (!pc->st) {
		kfree(pc->srd);
		pc->srd = NULL;
		error(EINVAL, "#proc/%d/strace: process %d is not traced (write 'strace on' "
		      "to its ctl)", pc->p->pid, pc->p->pid);
	}
}

static size_t procfs_strace_read(struct chan *c, void *buf, size_t n)
{
	struct procfs_chan *pc = c->aux;
	ssize_t got;

	sem_down(&pc->lock);
	got = strace_read(pc->st, pc->srd, buf, n, !(c->flag & CNONBLOCK));
	sem_up(&pc->lock);
	if (got == -EAGAIN)
		error(EAGAIN, "#proc/%d/strace: no record yet", pc->p->pid);
	if (got < 0)
		error(EINTR, "#proc/%d/strace: read interrupted", pc->p->pid);
	return (size_t)got;
}

/* "strace on", "strace follow", "strace off". */
static void procfs_ctl_strace(struct proc *p, const char *arg)
{
	int err;

	procfs_strace_perm(p, "ctl");
	if (!strcmp(arg, "on") || !strcmp(arg, "follow")) {
		err = strace_on(p, !strcmp(arg, "follow"));
		if (err == -ESRCH)
			error(ESRCH, "#proc/%d/ctl: process %d has exited", p->pid, p->pid);
		if (err)
			error(-err, "#proc/%d/ctl: strace %s: no memory for the buffer", p->pid, arg);
	} else if (!strcmp(arg, "off")) {
		if (strace_off(p))
			error(EINVAL, "#proc/%d/ctl: strace off: process %d is not traced", p->pid,
			      p->pid);
	} else {
		error(EINVAL, "#proc/%d/ctl: strace: unknown argument '%s' (on, follow, off)",
		      p->pid, arg);
	}
}

/* ------------------------------------------------------------ walk */

/* Where a walk stands: a qid and the process it is in (a reference). */
struct procfs_pos {
	struct qid qid;
	struct proc *p;
};

/* A step that fails sets the errstr and returns false through this. */
static bool procfs_walk_failed(int err)
{
	errstate_current()->errno_ = err;
	return false;
}

/* A decimal pid, or -1. */
static int procfs_parse_pid(const char *s)
{
	int pid = 0;

	if (!*s || (*s == '0' && s[1]))
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || pid > (0x7fffffff - 9) / 10)
			return -1;
		pid = pid * 10 + (*s - '0');
	}
	return pid;
}

static bool procfs_walk_top(struct procfs_pos *pos, const char *name)
{
	struct proc *p;

	if (!strcmp(name, "self")) {
		p = current_proc();
		if (!p) {
			set_errstr("#proc/%s: a kernel thread has no process", name);
			return procfs_walk_failed(ENOENT);
		}
		kref_get(&p->ref);
	} else {
		int pid = procfs_parse_pid(name);

		p = pid > 0 ? proc_lookup(pid) : NULL;
		if (!p) {
			set_errstr("#proc/%s: no such process", name);
			return procfs_walk_failed(ENOENT);
		}
	}
	pos->p = p;
	pos->qid = mkqid(PROCFS_QID(p->pid, Qpid), 0, QTDIR);
	return true;
}

static bool procfs_walk_pid(struct procfs_pos *pos, const char *name)
{
	for (size_t i = 1; i < ARRAY_SIZE(procfs_files); i++) {
		if (!strcmp(name, procfs_files[i].name)) {
			pos->qid = procfs_files[i].qid;
			pos->qid.path |= PROCFS_QID(pos->p->pid, 0);
			return true;
		}
	}
	set_errstr("#proc: no file '%s' in a process directory", name);
	return procfs_walk_failed(ENOENT);
}

static bool procfs_walk_step(struct procfs_pos *pos, const char *name)
{
	if (!(pos->qid.type & QTDIR)) {
		set_errstr("#proc: walk to '%s' from a file", name);
		return procfs_walk_failed(ENOTDIR);
	}
	if (!strcmp(name, "."))
		return true;
	if (!pos->p)
		return procfs_walk_top(pos, name);
	return procfs_walk_pid(pos, name);
}

/* The chan a successful walk returns: nc (the caller's) or a clone of c,
 * at pos, owning pos's reference.  Frees wq and drops pos on failure. */
static struct chan *procfs_walk_finish(struct chan *c, struct chan *nc,
                                       struct procfs_pos *pos, struct walkqid *wq)
{
	ERRSTACK(1);
	struct procfs_chan *volatile pc = NULL;

	if (pos->p) {
		pc = kzmalloc(sizeof(*pc), MEM_WAIT);
		if (!pc) {
			proc_put(pos->p);
			kfree(wq);
			error(ENOMEM, "#proc: no memory to walk '%s'", procfs_path(c));
		}
		pc->p = pos->p;
		qlock_init(&pc->lock, "#proc chan");
		slice_init(&pc->text);
	}
	if (!nc) {
		if (waserror()) {
			if (pc)
				proc_put(pc->p);
			kfree(pc);
			kfree(wq);
			nexterror();
		}
		nc = devclone(c);
		poperror();
	}
	nc->qid = pos->qid;
	nc->aux = pc;           /* devclone copied c's pointer, not a reference */
	return nc;
}

static struct walkqid *procfs_walk(struct chan *c, struct chan *nc, const char **names,
                                   unsigned int nname)
{
	struct walkqid *wq = kzmalloc(sizeof(*wq) + nname * sizeof(struct qid), MEM_WAIT);
	struct procfs_pos pos = { .qid = c->qid, .p = procfs_proc(c) };
	char msg[ERRSTR_MAX];

	if (!wq)
		error(ENOMEM, "#proc: no memory to walk '%s'", procfs_path(c));
	if (pos.p)
		kref_get(&pos.p->ref);
	for (unsigned int j = 0; j < nname; j++) {
		if (!procfs_walk_step(&pos, names[j]))
			break;
		wq->qid[wq->nqid++] = pos.qid;
	}
	if (wq->nqid == nname) {
		wq->clone = procfs_walk_finish(c, nc, &pos, wq);
		return wq;
	}
	if (pos.p)
		proc_put(pos.p);
	if (wq->nqid)
		return wq;
	kfree(wq);
	strlcpy(msg, get_errstr(), sizeof(msg));
	error(get_errno(), "%s", msg);
}

/* ------------------------------------------------- attach, stat, open */

static struct chan *procfs_attach(const char *spec)
{
	return devattach("proc", spec);
}

/* The directory entry of c itself; name is room for a pid. */
static void procfs_dir_of(struct chan *c, struct dir *d, char *name, size_t len)
{
	int file = procfs_file(c);

	mkdir_entry(d, c->qid, "?", 0, "eve", 0);
	if (c->qid.path == Qtop) {
		mkdir_entry(d, c->qid, "proc", 0, "eve", DMDIR | 0555);
	} else if (file == Qpid) {
		snprintf(name, len, "%d", procfs_pid(c));
		procfs_pid_entry(d, procfs_pid(c), name);
	} else {
		for (size_t i = 1; i < ARRAY_SIZE(procfs_files); i++)
			if (procfs_files[i].qid.path == (uint64_t)file)
				mkdir_entry(d, c->qid, procfs_files[i].name, 0, "eve",
				            procfs_files[i].perm);
	}
	d->type = (uint16_t)c->type;
	d->dev = c->dev;
}

static size_t procfs_stat(struct chan *c, uint8_t *db, size_t n)
{
	struct dir d;
	char name[16];

	procfs_dir_of(c, &d, name, sizeof(name));
	return dev_stat_pack(&d, db, n);
}

static struct chan *procfs_open(struct chan *c, int omode)
{
	struct dir d;
	char name[16];

	if ((c->qid.type & QTDIR) && (omode & O_WRITE))
		error(EISDIR, "open: '%s' is a directory", procfs_path(c));
	procfs_dir_of(c, &d, name, sizeof(name));
	devpermcheck(d.uid, d.mode, omode);
	if (procfs_file(c) == Qstrace)
		procfs_strace_open(c, c->aux);
	c->mode = (uint32_t)(omode & O_ACCMODE);
	c->flag |= COPEN;
	c->offset = 0;
	return c;
}

static void procfs_close(struct chan *c)
{
	struct procfs_chan *pc = c->aux;

	if (!pc)
		return;
	c->aux = NULL;
	slice_free(&pc->text);
	if (pc->st)
		strace_close(pc->st);
	kfree(pc->srd);
	proc_put(pc->p);
	kfree(pc);
}

static void procfs_tapfd(struct chan *c, struct fd_tap *tap, int cmd)
{
	struct proc *p = procfs_file(c) == Qstatus ? procfs_proc(c) : NULL;
	uint32_t bits = tap->filter & (FDTAP_FILT_READABLE | FDTAP_FILT_HANGUP);

	if (!fdtap_dev_tapfd_filters(p ? &p->exit_taps : NULL, tap, cmd, "#proc",
	                             "a process's status", FDTAP_FILT_READINESS))
		return;
	/* Linked, then the state read: proc_mark_dead stores DEAD and then
	 * looks at the list (behind sem_up's locked instruction), so one of
	 * the two sees the other.  The fence keeps our load after our store. */
	mb();
	if (READ_ONCE(p->state) == PROC_DEAD && bits)
		fdtap_fire(tap, bits);
}

static size_t procfs_read(struct chan *c, void *buf, size_t n, int64_t off)
{
	switch (procfs_file(c)) {
	case Qtop:
		return procfs_top_read(c, buf, n);
	case Qpid:
		return devdirread(c, buf, n, procfs_files, ARRAY_SIZE(procfs_files),
		                  procfs_gen);
	case Qctl:
		error(EPERM, "#proc: '%s' is write-only", procfs_path(c));
	case Qstrace:
		return procfs_strace_read(c, buf, n);
	}
	return procfs_text_read(c, buf, n, off);
}

/* ------------------------------------------------------------- ctl */

static void procfs_ctl_kill(struct proc *p)
{
	if (proc_kill(p, WSTATUS_KILLED) == -ESRCH)
		error(ESRCH, "#proc/%d/ctl: process %d has exited", p->pid, p->pid);
}

static void procfs_ctl_close(struct proc *p, const char *arg)
{
	int fd = procfs_parse_pid(arg);
	int err;

	if (fd < 0 || fd >= NR_FILE_DESC_MAX)
		error(EINVAL, "#proc/%d/ctl: close: bad fd '%s'", p->pid, arg);
	err = fd_close(&p->fdt, fd);
	if (err)
		error(-err, "#proc/%d/ctl: close %d: fd not open", p->pid, fd);
}

static void procfs_ctl_closefds(struct proc *p)
{
	int slots = procfs_fd_slots(&p->fdt);

	for (int fd = 0; fd < slots; fd++)
		fd_close(&p->fdt, fd);  /* -EBADF for the free slots */
}

static size_t procfs_ctl_write(struct chan *c, const void *buf, size_t n)
{
	struct proc *p = procfs_proc(c);
	char msg[PROCFS_CTL_MAX];

	if (n >= sizeof(msg))
		error(EINVAL, "#proc/%d/ctl: message of %zu bytes is too long", p->pid, n);
	memcpy(msg, buf, n);
	msg[n] = '\0';
	if (strnlen(msg, n) != n)
		error(EINVAL, "#proc/%d/ctl: message holds a NUL byte", p->pid);
	if (n && msg[n - 1] == '\n')
		msg[n - 1] = '\0';
	if (procfs_proc_gone(p))
		error(ESRCH, "#proc/%d/ctl: process %d has exited", p->pid, p->pid);
	if (!strcmp(msg, "kill"))
		procfs_ctl_kill(p);
	else if (!strcmp(msg, "closefds"))
		procfs_ctl_closefds(p);
	else if (!strncmp(msg, "close ", 6))
		procfs_ctl_close(p, msg + 6);
	else if (!strncmp(msg, "strace ", 7))
		procfs_ctl_strace(p, msg + 7);
	else
		error(EINVAL, "#proc/%d/ctl: unknown command '%s'", p->pid, msg);
	return n;
}

static size_t procfs_write(struct chan *c, const void *buf, size_t n, int64_t off)
{
	if (procfs_file(c) != Qctl)
		error(EPERM, "#proc: '%s' is not writable", procfs_path(c));
	return procfs_ctl_write(c, buf, n);
}

struct dev proc_devtab __devtab = {
	.name = "proc",
	.letter = 'p',
	.reset = devreset,
	.init = devinit,
	.shutdown = devshutdown,
	.attach = procfs_attach,
	.walk = procfs_walk,
	.stat = procfs_stat,
	.open = procfs_open,
	.create = devcreate,
	.close = procfs_close,
	.tapfd = procfs_tapfd,
	.read = procfs_read,
	.bread = devbread,
	.write = procfs_write,
	.bwrite = devbwrite,
	.remove = devremove,
	.rename = devrename,
	.wstat = devwstat,
};
