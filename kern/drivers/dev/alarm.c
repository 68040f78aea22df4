/* SPDX-License-Identifier: MIT */
/*
 * alarm.c - #alarm (#A): per-process timers as files.
 *
 *	#alarm/
 *	    clone       opening it makes a new alarm aN; the open chan is aN/ctl
 *	    aN/         one directory per live alarm
 *	        ctl     r: "N\n" (the id); w: "cancel" disarms
 *	        timer   rw  absolute deadline in ns on the kernel clock (nsec_now,
 *	                    ns since boot); "+N" means N ns from now; 0 disarms.
 *	                    Reads give the armed deadline, or 0.
 *	        period  rw  ns between expirations after the first; 0: one-shot
 *	        count   r: expirations since the last read, as "N\n"; the read
 *	                    resets it, and blocks while it is 0 (EAGAIN on a
 *	                    non-blocking chan); w: sets it ("0" clears), or
 *	                    "set TIMER PERIOD" re-arms in one step: disarm,
 *	                    count 0, period PERIOD, then TIMER as the timer
 *	                    file takes it (Linux's timerfd_settime in one write)
 *
 * Numbers are decimal text.  A deadline in the past fires at once.  A
 * periodic alarm that fell behind counts every period it missed and
 * re-arms at the next future multiple, so count is the number of whole
 * periods that passed.  Bad numbers or messages: EINVAL naming the text.
 *
 * Taps (fdtap.h) on count: READABLE whenever an expiration is counted (or
 * a write sets a non-zero count), and at ADD if count is already non-zero
 * (the other readiness filters are accepted and never fire); the other
 * files have none.
 *
 * Lifetime: struct kalarm lives while a chan refers to it: opening clone
 * makes it (one reference, the open chan's); walking to aN from the top
 * takes one (kref_get_not_zero under kalarm_lock, so a dying alarm is not
 * found); every close drops one; the last unsets the timer and frees it.
 * So an alarm exists only while some process keeps a file of it open.
 * Locking: kalarm_lock (irqsave) guards the list of alarms; a->lock
 * (irqsave, taken in the IRQ handler) guards deadline/period/count; a->wlock
 * (a qlock) serialises writers that re-arm, since unset_alarm() may sleep.
 * The timer is an ALARM_IRQ waiter on the writer's core: the handler only
 * counts, re-arms and wakes readers of count.
 *
 * Signals: while a signal sent is not acknowledged (a read of signal), the
 * expirations only count as its overrun (POSIX timer_getoverrun), so one
 * alarm has at most one signal message outstanding.  The IRQ handler
 * decides and pushes the alarm (with a reference) on its owner's lock-free
 * list, proc->alarm_sigs; send_kernel_event may sleep, so the post happens
 * in kthread context: at the owner's next return to user mode
 * (proc_before_user calls devalarm_post_signals), or in a routine kernel
 * message to the core (holding a reference on the owner) if that comes
 * first, as when the owner sleeps.  An alarm is on the list at most once
 * (sig_queued).  A message the owner refuses (no signal queue) is dropped
 * and leaves nothing outstanding.
 *
 * Bounds (ros/limits.h): a periodic alarm re-arms its timer no sooner than
 * ALARM_MIN_REARM_NS from now, times the number of alarms its owner holds,
 * however short its period: expirations that come faster are counted at
 * the next interrupt (the missed periods), not one interrupt each, so
 * neither a 1 ns period nor a process's 64 of them can keep a core in its
 * timer handler (one process: at most 10,000 timer interrupts a second).  The process that opens clone is charged for the alarm until
 * the alarm is freed (it holds a reference on the process): at
 * ALARM_MAX_PER_PROC the open fails with EAGAIN.  Kernel kthreads are not
 * charged.
 */
#include <alarm.h>
#include <core_id.h>
#include <err.h>
#include <event.h>
#include <errno.h>
#include <fdtap.h>
#include <kmalloc.h>
#include <kmsg.h>
#include <kref.h>
#include <kstring.h>
#include <list.h>
#include <ns.h>
#include <printk.h>
#include <process.h>
#include <rendez.h>
#include <ros/limits.h>
#include <sem.h>
#include <spinlock.h>
#include <time.h>

/* qid.path = id << 4 | kind; id 0 is the top level. */
enum { Qtop, Qclone, Qadir, Qctl, Qtimer, Qperiod, Qcount, Qsignal };
#define KA_KIND(path)   ((int)((path) & 15))
#define KA_ID(path)     ((path) >> 4)
#define KA_PATH(id, k)  (((uint64_t)(id) << 4) | (uint64_t)(k))

struct kalarm {
	struct kref ref;                /* [a] one per chan */
	struct proc *owner;             /* [I] charged for it, or NULL */
	uint64_t id;                    /* [I] */
	char name[24];                  /* [I] "aN" */
	struct list_head link;          /* [kalarm_lock] */
	spinlock_t lock;
	uint64_t deadline;              /* [lock] 0: disarmed */
	uint64_t period;                /* [lock] */
	uint64_t count;                 /* [lock] expirations not yet read */
	struct timer_chain *tc;         /* [lock] where it is armed */
	struct alarm_waiter waiter;     /* [wlock] to set/unset */
	struct sem wlock;               /* qlock for re-arming writers */
	struct rendez rv;               /* readers of count */
	struct fdtap_list taps;         /* of count */
	/* What an expiration sends (the signal file): sig 0 is nothing. */
	uint16_t sig;                   /* [lock] 1..64, or 0 */
	int32_t sig_code;               /* [lock] SI_TIMER or SI_KERNEL */
	uint32_t sig_id;                /* [lock] the timer id (SI_TIMER) */
	uint64_t sig_value;             /* [lock] si_value */
	bool sig_out;                   /* [lock] sent, not yet acknowledged */
	bool sig_queued;                /* [lock] on owner->alarm_sigs */
	struct kalarm *sig_next;        /* [queue] the next on owner->alarm_sigs */
	uint64_t overrun;               /* [lock] expirations while sig_out */
};

#define KA_SI_TIMER     (-2)            /* Linux's si_code values */
#define KA_SI_KERNEL    0x80
#define KA_OVERRUN_MAX  0x7fffffffull   /* Linux's DELAYTIMER_MAX */

static struct list_head kalarm_list = LIST_HEAD_INIT(kalarm_list);
static spinlock_t kalarm_lock = SPINLOCK_INITIALIZER("kalarm list");
static uint64_t kalarm_next_id = 1;     /* [kalarm_lock] */

/* Entry names live here between gen() and their use: devwalk/devdirread/
 * devstat use an entry right after gen returns, without sleeping, and
 * kthreads are not preempted, so one buffer per core is enough. */
static char kalarm_genbuf[MAX_CORES][24];

static const char *const kalarm_file_names[] = { "ctl", "timer", "period", "count", "signal" };

/* ------------------------------------------------------------ lifetime */

/* Charges the calling process for one alarm: it with a reference, or NULL
 * for a kernel kthread.  EAGAIN at ALARM_MAX_PER_PROC. */
static struct proc *kalarm_charge(void)
{
	struct proc *p = current_proc();

	if (!p)
		return NULL;
	if (atomic_fetch_add(&p->nr_alarms, 1) >= ALARM_MAX_PER_PROC) {
		atomic_dec(&p->nr_alarms);
		error(EAGAIN, "#alarm: process %d already holds %d alarms, the limit "
		      "(ALARM_MAX_PER_PROC)", p->pid, ALARM_MAX_PER_PROC);
	}
	kref_get(&p->ref);
	return p;
}

static void kalarm_uncharge(struct proc *p)
{
	if (!p)
		return;
	atomic_dec(&p->nr_alarms);
	proc_put(p);
}

static void kalarm_release(struct kref *r)
{
	struct kalarm *a = container_of(r, struct kalarm, ref);
	uint64_t flags;

	unset_alarm(a->waiter.tchain ? a->waiter.tchain : this_tchain(), &a->waiter);
	flags = spin_lock_irqsave(&kalarm_lock);
	list_del(&a->link);
	spin_unlock_irqrestore(&kalarm_lock, flags);
	kalarm_uncharge(a->owner);
	kfree(a);
}

static void kalarm_put(struct kalarm *a)
{
	kref_put(&a->ref, kalarm_release);
}

static void kalarm_fire(struct alarm_waiter *w);

static struct kalarm *kalarm_new(void)
{
	struct proc *owner = kalarm_charge();
	struct kalarm *a = kzmalloc(sizeof(*a), MEM_WAIT);
	uint64_t flags;

	if (!a) {
		kalarm_uncharge(owner);
		error(ENOMEM, "#alarm: no memory for a new alarm");
	}
	a->owner = owner;
	kref_init(&a->ref);
	spinlock_init(&a->lock, "kalarm");
	qlock_init(&a->wlock, "kalarm wlock");
	rendez_init(&a->rv);
	fdtap_list_init(&a->taps, "kalarm taps");
	init_alarm(&a->waiter, kalarm_fire, a, ALARM_IRQ);
	flags = spin_lock_irqsave(&kalarm_lock);
	a->id = kalarm_next_id++;
	list_add_tail(&a->link, &kalarm_list);
	spin_unlock_irqrestore(&kalarm_lock, flags);
	snprintf(a->name, sizeof(a->name), "a%llu", (unsigned long long)a->id);
	return a;
}

/* The live alarm 'id' with a new reference, or NULL. */
static struct kalarm *kalarm_lookup(uint64_t id)
{
	struct kalarm *a, *found = NULL;
	uint64_t flags = spin_lock_irqsave(&kalarm_lock);

	list_for_each_entry(a, &kalarm_list, link) {
		if (a->id == id && kref_get_not_zero(&a->ref)) {
			found = a;
			break;
		}
	}
	spin_unlock_irqrestore(&kalarm_lock, flags);
	return found;
}

/* ------------------------------------------------------------ the timer */

/*
 * When the timer of a periodic alarm next fires: its next deadline, but no
 * sooner than ALARM_MIN_REARM_NS times the number of alarms its owner
 * holds, so all of one process's alarms together interrupt at most once
 * per ALARM_MIN_REARM_NS on average, however many it makes.
 */
static uint64_t kalarm_rearm_at(const struct kalarm *a, uint64_t now)
{
	uint64_t share = a->owner ? (uint64_t)MAX(atomic_read(&a->owner->nr_alarms), 1) : 1;

	return MAX(a->deadline, now + ALARM_MIN_REARM_NS * share);
}

/* Posts a's signal as it stands now (the IRQ handler queued it), then
 * drops the reference the queue held.  Kthread context: may sleep. */
static void kalarm_signal_post(struct kalarm *a)
{
	struct event_msg m = { .ev_type = EV_POSIX_SIGNAL };
	uint64_t flags = spin_lock_irqsave(&a->lock);
	bool send = a->sig && a->sig_out;

	a->sig_queued = false;
	m.ev_arg1 = a->sig;
	m.ev_arg3 = a->sig_value;
	m.ev_arg4 = (uint32_t)a->sig_code;
	if (a->sig_code == KA_SI_TIMER)
		m.ev_arg4 |= (uint64_t)a->sig_id << 32;
	spin_unlock_irqrestore(&a->lock, flags);
	if (send && send_kernel_event(a->owner, &m, 0) < 0) {
		flags = spin_lock_irqsave(&a->lock);
		a->sig_out = false;     /* dropped: the next expiration tries again */
		a->overrun = 0;
		spin_unlock_irqrestore(&a->lock, flags);
	}
	kalarm_put(a);
}

void devalarm_post_signals(struct proc *p)
{
	struct kalarm *a = __atomic_exchange_n(&p->alarm_sigs, NULL, __ATOMIC_ACQ_REL);

	while (a) {
		struct kalarm *next = a->sig_next;

		kalarm_signal_post(a);
		a = next;
	}
}

/* Routine kernel message: the owner may be asleep and not return to user
 * mode for long, so this core posts too; drops the message's reference. */
static void kalarm_signal_rkm(uint64_t arg, uint64_t a1, uint64_t a2)
{
	struct proc *p = (struct proc *)arg;

	devalarm_post_signals(p);
	proc_put(p);
}

/* IRQ context: puts a (with a reference) on its owner's list of signals to
 * post, which the owner's next return to user mode (proc_before_user) or a
 * routine message to this core, whichever comes first, posts. */
static void kalarm_signal_queue(struct kalarm *a)
{
	struct proc *p = a->owner;
	struct kalarm *head;

	kref_get(&a->ref);      /* alive: unset_alarm waits for this handler */
	do {
		head = __atomic_load_n(&p->alarm_sigs, __ATOMIC_ACQUIRE);
		a->sig_next = head;
	} while (!__atomic_compare_exchange_n(&p->alarm_sigs, &head, a, false,
	                                      __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
	kref_get(&p->ref);
	send_kernel_message(core_id(), kalarm_signal_rkm, (uint64_t)p, 0, 0, KMSG_ROUTINE);
}

/* Under a->lock: n expirations happened; true if a's signal must be queued
 * for posting (an owner's signal not yet sent nor queued). */
static bool __kalarm_signal_due(struct kalarm *a, uint64_t n)
{
	if (!a->sig)
		return false;
	if (a->sig_out) {
		a->overrun = MIN(a->overrun + n, KA_OVERRUN_MAX);
		return false;
	}
	a->sig_out = true;
	a->overrun = MIN(n - 1, KA_OVERRUN_MAX);
	if (!a->owner || a->sig_queued)
		return false;           /* nobody to tell, or the queued post will */
	a->sig_queued = true;
	return true;
}

/* IRQ context: count this expiration (and any missed periods), re-arm. */
static void kalarm_fire(struct alarm_waiter *w)
{
	struct kalarm *a = w->data;
	uint64_t now = nsec_now();
	uint64_t next = 0, n = 0;
	bool signal = false;
	uint64_t flags = spin_lock_irqsave(&a->lock);

	if (a->deadline) {
		n = 1;
		if (a->period) {
			uint64_t missed = now > a->deadline ? (now - a->deadline) / a->period : 0;

			n += missed;
			a->deadline += (missed + 1) * a->period;
			next = kalarm_rearm_at(a, now);
		} else {
			a->deadline = 0;
		}
		a->count += n;
		signal = __kalarm_signal_due(a, n);
	}
	spin_unlock_irqrestore(&a->lock, flags);
	if (signal)
		kalarm_signal_queue(a);
	if (next) {
		set_awaiter_abs(w, next);
		set_alarm(this_tchain(), w);
	}
	rendez_wakeup(&a->rv);
	fdtap_list_fire(&a->taps, FDTAP_FILT_READABLE);
}

/* Takes a's timer off its chain.  Caller holds wlock. */
static void __kalarm_disarm(struct kalarm *a)
{
	if (a->waiter.tchain)
		unset_alarm(a->waiter.tchain, &a->waiter);
}

/* Arms the disarmed a at deadline (0: stays disarmed).  Caller holds wlock. */
static void __kalarm_start(struct kalarm *a, uint64_t deadline)
{
	uint64_t flags = spin_lock_irqsave(&a->lock);

	a->deadline = deadline;
	spin_unlock_irqrestore(&a->lock, flags);
	if (!deadline)
		return;
	set_awaiter_abs(&a->waiter, deadline);
	if (set_alarm(this_tchain(), &a->waiter) < 0)
		warn("#alarm: a%llu was still pending after unset",
		     (unsigned long long)a->id);
}

static void kalarm_arm(struct kalarm *a, uint64_t deadline)
{
	sem_down(&a->wlock);
	__kalarm_disarm(a);
	__kalarm_start(a, deadline);
	sem_up(&a->wlock);
}

/* count's "set": disarm, count 0, the new period, then arm at deadline. */
static void kalarm_rearm(struct kalarm *a, uint64_t deadline, uint64_t period)
{
	uint64_t flags;

	sem_down(&a->wlock);
	__kalarm_disarm(a);
	flags = spin_lock_irqsave(&a->lock);
	a->count = 0;
	a->period = period;
	spin_unlock_irqrestore(&a->lock, flags);
	__kalarm_start(a, deadline);
	sem_up(&a->wlock);
}

/* ------------------------------------------------------------ gen/walk */

static int kalarm_gen_top(struct chan *c, int i, struct dir *dp)
{
	char *buf = kalarm_genbuf[core_id()];
	struct kalarm *a;
	uint64_t id = 0;
	uint64_t flags;

	if (i == 0) {
		mkdir_entry(dp, mkqid(KA_PATH(0, Qclone), 0, QTFILE), "clone", 0, "eve", 0666);
		return DEVGEN_ENTRY;
	}
	flags = spin_lock_irqsave(&kalarm_lock);
	list_for_each_entry(a, &kalarm_list, link) {
		if (--i == 0) {
			id = a->id;
			strlcpy(buf, a->name, sizeof(kalarm_genbuf[0]));
			break;
		}
	}
	spin_unlock_irqrestore(&kalarm_lock, flags);
	if (!id)
		return DEVGEN_END;
	mkdir_entry(dp, mkqid(KA_PATH(id, Qadir), 0, QTDIR), buf, 0, "eve", DMDIR | 0555);
	return DEVGEN_ENTRY;
}

/* Directory listings: c->qid says which directory (a file's is its alarm's). */
static int kalarm_gen(struct chan *c, const char *name, const struct dirtab *tab,
                      int ntab, int i, struct dir *dp)
{
	int kind = KA_KIND(c->qid.path);
	uint64_t id = KA_ID(c->qid.path);
	if (kind == Qtop || kind == Qclone)
		return kalarm_gen_top(c, i, dp);
	if (i < 0 || i >= (int)ARRAY_SIZE(kalarm_file_names))
		return DEVGEN_END;
	mkdir_entry(dp, mkqid(KA_PATH(id, Qctl + i), 0, QTFILE), kalarm_file_names[i], 0,
	            "eve", 0666);
	return DEVGEN_ENTRY;
}

static struct chan *kalarm_attach(const char *spec)
{
	return devattach("alarm", spec);
}

/* Makes clone->aux the alarm its qid names (walked down from the top). */
static bool kalarm_walk_fix_aux(struct chan *nc)
{
	struct kalarm *a = nc->aux;
	uint64_t id = KA_ID(nc->qid.path);

	if (a && a->id == id)
		return true;
	if (a)
		kalarm_put(a);
	nc->aux = id ? kalarm_lookup(id) : NULL;
	return !id || nc->aux;
}

static struct walkqid *kalarm_walk(struct chan *c, struct chan *nc, const char **names,
                                   unsigned int nname)
{
	struct walkqid *wq;

	if (nc && nc->aux)      /* the caller closes nc whatever happens */
		kref_get(&((struct kalarm *)nc->aux)->ref);
	wq = devwalk(c, nc, names, nname, NULL, 0, kalarm_gen);
	if (!wq->clone)
		return wq;
	if (!nc && wq->clone->aux)
		kref_get(&((struct kalarm *)wq->clone->aux)->ref);
	if (!kalarm_walk_fix_aux(wq->clone)) {
		cclose(wq->clone);
		kfree(wq);
		error(ENOENT, "#alarm: the alarm went away during the walk");
	}
	return wq;
}

static size_t kalarm_stat(struct chan *c, uint8_t *db, size_t n)
{
	return devstat(c, db, n, NULL, 0, kalarm_gen);
}

static struct chan *kalarm_open(struct chan *c, int omode)
{
	struct kalarm *a;

	c = devopen(c, omode, NULL, 0, kalarm_gen);
	if (KA_KIND(c->qid.path) != Qclone)
		return c;
	a = kalarm_new();
	if (c->aux)
		kalarm_put(c->aux);
	c->aux = a;
	c->qid = mkqid(KA_PATH(a->id, Qctl), 0, QTFILE);
	return c;
}

static void kalarm_close(struct chan *c)
{
	if (c->aux)
		kalarm_put(c->aux);
	c->aux = NULL;
}


/* ------------------------------------------------------------ read/write */

static bool kalarm_counted(void *arg)
{
	return READ_ONCE(((struct kalarm *)arg)->count) != 0;
}

static uint64_t kalarm_take_count(struct chan *c, struct kalarm *a)
{
	for (;;) {
		uint64_t flags = spin_lock_irqsave(&a->lock);
		uint64_t v = a->count;

		a->count = 0;
		spin_unlock_irqrestore(&a->lock, flags);
		if (v)
			return v;
		if (c->flag & CNONBLOCK)
			error(EAGAIN, "#alarm: a%llu has not expired", (unsigned long long)a->id);
		if (rendez_sleep(&a->rv, kalarm_counted, a) == -ECANCELED)
			error(EINTR, "#alarm: read of a%llu/count interrupted",
			      (unsigned long long)a->id);
	}
}

/* A read of signal: the overrun of the signal sent, which is now
 * acknowledged (the next expiration sends a new one). */
static uint64_t kalarm_take_overrun(struct kalarm *a)
{
	uint64_t flags = spin_lock_irqsave(&a->lock);
	uint64_t v = a->overrun;

	a->overrun = 0;
	a->sig_out = false;
	spin_unlock_irqrestore(&a->lock, flags);
	return v;
}

static size_t kalarm_read(struct chan *c, void *buf, size_t n, int64_t off)
{
	struct kalarm *a = c->aux;
	char text[32];
	uint64_t v;

	switch (KA_KIND(c->qid.path)) {
	case Qtop:
	case Qadir:
		return devdirread(c, buf, n, NULL, 0, kalarm_gen);
	case Qctl:
		v = a->id;
		break;
	case Qtimer:
		v = READ_ONCE(a->deadline);
		break;
	case Qperiod:
		v = READ_ONCE(a->period);
		break;
	case Qcount:
		v = kalarm_take_count(c, a);
		snprintf(text, sizeof(text), "%llu\n", (unsigned long long)v);
		return readstr(0, buf, n, text);
	case Qsignal:
		v = kalarm_take_overrun(a);
		snprintf(text, sizeof(text), "%llu\n", (unsigned long long)v);
		return readstr(0, buf, n, text);
	default:
		error(EINVAL, "#alarm: read of '%s' not supported", c->name ? c->name->s : "?");
	}
	snprintf(text, sizeof(text), "%llu\n", (unsigned long long)v);
	return readstr(off, buf, n, text);
}

/* Copies a write into a NUL-terminated string without a trailing newline. */
static void kalarm_msg(char *msg, size_t size, const void *buf, size_t n)
{
	if (n >= size)
		error(EINVAL, "#alarm: message of %zu bytes is too long", n);
	memcpy(msg, buf, n);
	msg[n] = '\0';
	if (n && msg[n - 1] == '\n')
		msg[n - 1] = '\0';
}

static uint64_t kalarm_parse(const char *s, const char *what)
{
	uint64_t v;
	int ret = kstrtou64(s, strlen(s), 10, &v);

	if (ret == -ERANGE)
		error(EINVAL, "#alarm/%s: number '%s' is over 2^64 - 1", what, s);
	if (ret)
		error(EINVAL, "#alarm/%s: '%s' is not a decimal number", what, s);
	return v;
}

/* A timer value: "+N" (N ns from now) or an absolute deadline (0: none). */
static uint64_t kalarm_deadline(const char *msg, const char *what)
{
	uint64_t v;

	if (msg[0] != '+')
		return kalarm_parse(msg, what);
	v = kalarm_parse(msg + 1, what);
	if (__builtin_add_overflow(v, nsec_now(), &v))
		error(EINVAL, "#alarm/%s: '%s' from now is past 2^64 - 1 ns", what, msg);
	return v;
}

/* count's "set TIMER PERIOD" (msg points past "set "). */
static void kalarm_write_set(struct kalarm *a, char *msg)
{
	char *period = strchr(msg, ' ');
	uint64_t deadline;

	if (!period)
		error(EINVAL, "#alarm/count: want 'set TIMER PERIOD', not 'set %s'", msg);
	*period++ = '\0';
	deadline = kalarm_deadline(msg, "count");
	kalarm_rearm(a, deadline, kalarm_parse(period, "count"));
}

/* The next space-separated word of *msg (which moves past it), or "". */
static char *kalarm_word(char **msg)
{
	char *w = *msg, *sp = strchr(w, ' ');

	if (sp) {
		*sp = '\0';
		*msg = sp + 1;
	} else {
		*msg = w + strlen(w);
	}
	return w;
}

static uint16_t kalarm_parse_sig(const char *s)
{
	uint64_t sig = kalarm_parse(s, "signal");

	if (sig < 1 || sig > 64)
		error(EINVAL, "#alarm/signal: signal %s is not in 1..64", s);
	return (uint16_t)sig;
}

/* signal's "timer SIG VALUE ID", "kernel SIG" or "off". */
static void kalarm_write_signal(struct kalarm *a, char *msg)
{
	const char *how = kalarm_word(&msg);
	uint16_t sig = 0;
	int32_t code = 0;
	uint64_t value = 0, id = 0, flags;

	if (!strcmp(how, "timer")) {
		sig = kalarm_parse_sig(kalarm_word(&msg));
		value = kalarm_parse(kalarm_word(&msg), "signal");
		id = kalarm_parse(kalarm_word(&msg), "signal");
		if (id > 0x7fffffff)
			error(EINVAL, "#alarm/signal: timer id %llu is over 2^31 - 1",
			      (unsigned long long)id);
		code = KA_SI_TIMER;
	} else if (!strcmp(how, "kernel")) {
		sig = kalarm_parse_sig(kalarm_word(&msg));
		code = KA_SI_KERNEL;
	} else if (strcmp(how, "off")) {
		error(EINVAL, "#alarm/signal: want 'timer SIG VALUE ID', 'kernel SIG' or "
		      "'off', not '%s'", how);
	}
	if (*msg)
		error(EINVAL, "#alarm/signal: trailing '%s'", msg);
	flags = spin_lock_irqsave(&a->lock);
	a->sig = sig;
	a->sig_code = code;
	a->sig_value = value;
	a->sig_id = (uint32_t)id;
	a->sig_out = false;
	a->overrun = 0;
	spin_unlock_irqrestore(&a->lock, flags);
}

static void kalarm_set_field(struct kalarm *a, uint64_t *field, uint64_t v)
{
	uint64_t flags = spin_lock_irqsave(&a->lock);

	*field = v;
	spin_unlock_irqrestore(&a->lock, flags);
}

static size_t kalarm_write(struct chan *c, const void *buf, size_t n, int64_t off)
{
	struct kalarm *a = c->aux;
	char msg[64];

	kalarm_msg(msg, sizeof(msg), buf, n);
	switch (KA_KIND(c->qid.path)) {
	case Qctl:
		if (strcmp(msg, "cancel"))
			error(EINVAL, "#alarm/ctl: unknown message '%s' (want 'cancel')", msg);
		kalarm_arm(a, 0);
		break;
	case Qtimer:
		kalarm_arm(a, kalarm_deadline(msg, "timer"));
		break;
	case Qperiod:
		kalarm_set_field(a, &a->period, kalarm_parse(msg, "period"));
		break;
	case Qcount:
		if (!strncmp(msg, "set ", 4)) {
			kalarm_write_set(a, msg + 4);
			break;
		}
		kalarm_set_field(a, &a->count, kalarm_parse(msg, "count"));
		rendez_wakeup(&a->rv);
		if (READ_ONCE(a->count))
			fdtap_list_fire(&a->taps, FDTAP_FILT_READABLE);
		fdtap_flush();
		break;
	case Qsignal:
		kalarm_write_signal(a, msg);
		break;
	default:
		error(EPERM, "#alarm: '%s' is not writable", c->name ? c->name->s : "?");
	}
	return n;
}

static void kalarm_tapfd(struct chan *c, struct fd_tap *tap, int cmd)
{
	struct kalarm *a = c->aux;

	if (!fdtap_dev_tapfd(KA_KIND(c->qid.path) == Qcount && a ? &a->taps : NULL, tap, cmd,
	                     "#alarm", "the count files"))
		return;
	if (READ_ONCE(a->count))
		fdtap_fire(tap, FDTAP_FILT_READABLE);
}

struct dev alarm_devtab __devtab = {
	.name = "alarm",
	.letter = 'A',
	.reset = devreset,
	.init = devinit,
	.shutdown = devshutdown,
	.attach = kalarm_attach,
	.walk = kalarm_walk,
	.stat = kalarm_stat,
	.open = kalarm_open,
	.create = devcreate,
	.close = kalarm_close,
	.read = kalarm_read,
	.bread = devbread,
	.write = kalarm_write,
	.bwrite = devbwrite,
	.remove = devremove,
	.rename = devrename,
	.wstat = devwstat,
	.tapfd = kalarm_tapfd,
};
