/* SPDX-License-Identifier: MIT */
/*
 * cons_tty.c - the console as a terminal: #cons/stdin through the line
 * discipline (cons_ldisc.c), the window size, the console's session and
 * foreground process group, and #cons/consctl that reads and sets them.
 *
 * Input.  The UART interrupt queues each byte in console.c's ring and
 * calls cons_input_wake(), which queues one routine kernel message (the
 * "pump") and wakes readers.  The pump moves the ring's bytes through the
 * line discipline in order, prints the echo, and sends the foreground
 * group the signal a VINTR/VQUIT/VSUSP byte stands for (ISIG), so Ctrl-C
 * works while nobody reads.  A reader pumps too before it sleeps.  While
 * the kernel monitor waits for a line the pump leaves the ring alone: the
 * monitor's input is its own.
 *
 * Job control.  The console belongs to one session and has a foreground
 * group: at boot session 1 and group 1 (the first process's).  "ctty" in
 * consctl gives it to the writer's session when that session is gone
 * ("ctty steal": always); "pgrp N" sets the foreground group, from a
 * member of the console's session, to a group of that session.  A reader
 * of the console's session outside the foreground group gets SIGTTIN sent
 * to its group and EIO.  Signals go through proc_signal_group with the
 * session's leader as the sender; a session whose leader has gone loses
 * the console.  Writes are never checked.
 *
 * Locks: tty_lock (irqsave spinlock) guards the struct ldisc, the window
 * size, cons_sid and cons_pgrp, and is held for short copies only, never
 * over a sleep, a print, a signal or error().  tty_pump_lock (a qlock)
 * makes one pump at a time, so the bytes and their echo keep the order
 * typed; the pump takes bytes from the ring with interrupts on (with them
 * off, console.c would poll the UART directly, past bytes the interrupt
 * has not queued yet).
 */
#include <atomic.h>
#include <cons_ldisc.h>
#include <cons_tty.h>
#include <console.h>
#include <core_id.h>
#include <err.h>
#include <errno.h>
#include <kmsg.h>
#include <kstring.h>
#include <monitor.h>
#include <printk.h>
#include <process.h>
#include <rendez.h>
#include <sem.h>
#include <spinlock.h>
#include <time.h>

#define TTY_POLL_US    100000ul  /* a reader rechecks even without a wakeup */
#define TTY_CHUNK      256ul    /* bytes copied per read (a bounce buffer) */
#define SIGTTIN_NR     21       /* Linux's numbers, as proc_signal_group takes */
#define SIGWINCH_NR    28

struct tty_winsize {
	uint16_t rows, cols, xpixel, ypixel;
};

static spinlock_t tty_lock = SPINLOCK_INITIALIZER("cons tty");
static struct ldisc tty_ld;                             /* [tty_lock] */
static struct tty_winsize tty_size = { 24, 80, 0, 0 };  /* [tty_lock] */
static int cons_sid = 1, cons_pgrp = 1;                 /* [tty_lock] 0: none */
static struct sem tty_pump_lock = QLOCK_INITIALIZER(tty_pump_lock, "cons pump");
static atomic_t tty_pump_queued;                        /* a pump message is on its way */
static uint64_t tty_gen;                                /* [a] bumped when input may be ready */
static struct rendez tty_rv;
static struct fdtap_list tty_taps;                      /* of stdin */

/* ---------------------------------------------------------- sessions */

static bool tty_session_alive(int sid)
{
	return sid > 0 && proc_getsid(NULL, sid) == sid;
}

/* Whether a process of session sid, a zombie included, is in group pgid. */
static bool tty_group_in_session(int pgid, int sid)
{
	uint64_t flags = proc_list_acquire();
	bool found = false;

	for (struct proc *p = proc_list_next_locked(NULL); p && !found;
	     p = proc_list_next_locked(p))
		found = p->pgid == pgid && p->sid == sid;
	proc_list_release(flags);
	return found;
}

/* The console's session and foreground group (0 0: none), dropping a
 * session whose leader has gone. */
static void tty_owner(int *sid, int *pgrp)
{
	uint64_t flags = spin_lock_irqsave(&tty_lock);

	*sid = cons_sid;
	*pgrp = cons_pgrp;
	spin_unlock_irqrestore(&tty_lock, flags);
	if (*sid && tty_session_alive(*sid))
		return;
	flags = spin_lock_irqsave(&tty_lock);
	if (cons_sid == *sid)
		cons_sid = cons_pgrp = 0;
	spin_unlock_irqrestore(&tty_lock, flags);
	*sid = *pgrp = 0;
}

/* sig to the console's foreground group, sent as its session's leader. */
static void tty_signal_fg(int sig)
{
	const char *why = NULL;
	struct proc *leader;
	int sid, pgrp;

	tty_owner(&sid, &pgrp);
	if (pgrp <= 0 || !(leader = proc_lookup(sid)))
		return;
	if (proc_signal_group(leader, pgrp, sig, &why) < 0)
		printk("#cons: signal %d to group %d: %s\n", sig, pgrp, why);
	proc_put(leader);
}

/* ------------------------------------------------------------- input */

static void tty_changed(void)
{
	WRITE_ONCE(tty_gen, READ_ONCE(tty_gen) + 1);
	rendez_wakeup(&tty_rv);
	fdtap_list_fire(&tty_taps, FDTAP_FILT_READABLE);
}

/* One byte from the ring through the line discipline and its echo out;
 * false when neither was left.  *sig: the signal to send, if any. */
static bool tty_pump_one(uint8_t *echo, size_t *n_echo, int *sig)
{
	int c = console_getc_nonblock();        /* IRQs on: the ring, never the UART */
	uint64_t flags = spin_lock_irqsave(&tty_lock);

	*sig = c >= 0 ? ldisc_input(&tty_ld, (uint8_t)c) : LDISC_SIG_NONE;
	*n_echo = ldisc_echo_take(&tty_ld, echo, TTY_CHUNK);
	spin_unlock_irqrestore(&tty_lock, flags);
	return c >= 0 || *n_echo;
}

static void tty_pump(void)
{
	uint8_t echo[TTY_CHUNK];
	bool moved = false;
	size_t n;
	int sig;

	if (monitor_reading())
		return;
	sem_down(&tty_pump_lock);
	while (!monitor_reading() && tty_pump_one(echo, &n, &sig)) {
		moved = true;
		if (n)
			printk("%.*s", (int)n, (const char *)echo);
		if (sig)
			tty_signal_fg(sig);
	}
	sem_up(&tty_pump_lock);
	if (moved)
		tty_changed();
}

static void tty_pump_kmsg(uint64_t a0, uint64_t a1, uint64_t a2)
{
	atomic_set(&tty_pump_queued, 0);
	tty_pump();
}

/* console.c's input hook: any context, IRQ included. */
static void cons_input_wake(void)
{
	if (!atomic_swap(&tty_pump_queued, 1) &&
	    send_kernel_message(core_id(), tty_pump_kmsg, 0, 0, 0, KMSG_ROUTINE) < 0)
		atomic_set(&tty_pump_queued, 0);
	rendez_wakeup(&tty_rv);
}

void cons_tty_reset(void)
{
	ldisc_init(&tty_ld);
	rendez_init(&tty_rv);
	fdtap_list_init(&tty_taps, "cons taps");
	console_set_input_wake(cons_input_wake);
}

/* ------------------------------------------------------------ readers */

/* A reader of the console's session outside its foreground group. */
static void tty_check_background(void)
{
	struct proc *me = current_proc();
	const char *why;
	int sid, pgrp, my_pgid;

	if (!me)
		return;
	tty_owner(&sid, &pgrp);
	my_pgid = proc_getpgid(me, 0);
	if (!sid || proc_getsid(me, 0) != sid || my_pgid == pgrp)
		return;
	proc_signal_group(me, my_pgid, SIGTTIN_NR, &why);
	error(EIO, "#cons/stdin: read from background group %d (the foreground is %d)",
	      my_pgid, pgrp);
}

struct tty_wait {
	uint64_t start_ns, first_ns;    /* the read began; the first byte came */
	uint64_t timeout_ns;            /* VTIME left, 0: none */
};

/* Raw mode's VMIN/VTIME: whether a read may return now. */
static bool tty_raw_ready(size_t n, struct tty_wait *w)
{
	size_t avail = ldisc_avail(&tty_ld), vmin = tty_ld.mode.cc[LDISC_VMIN];
	uint64_t vtime = tty_ld.mode.cc[LDISC_VTIME] * 100 * NSEC_PER_MSEC, now = nsec_now();
	uint64_t since;

	if (avail && !w->first_ns)
		w->first_ns = now;
	since = vmin ? w->first_ns : w->start_ns;
	w->timeout_ns = vtime && since ? since + vtime - MIN(now, since + vtime) : 0;
	if (avail >= (vmin ? MIN(vmin, n) : 1))
		return true;
	return (!vmin && !vtime) || (vtime && since && !w->timeout_ns);
}

/* One try: the bytes taken into kbuf (0: end of file, or VMIN/VTIME say
 * return now), or -1 to wait. */
static long tty_try_read(uint8_t *kbuf, size_t n, struct tty_wait *w)
{
	uint64_t flags = spin_lock_irqsave(&tty_lock);
	long r = -1;

	w->timeout_ns = 0;
	if (tty_ld.mode.lflag & LDISC_ICANON)
		r = ldisc_read(&tty_ld, kbuf, MIN(n, TTY_CHUNK));
	else if (tty_raw_ready(n, w))
		r = ldisc_avail(&tty_ld) ? ldisc_read(&tty_ld, kbuf, MIN(n, TTY_CHUNK)) : 0;
	spin_unlock_irqrestore(&tty_lock, flags);
	return r;
}

static bool tty_wait_cond(void *arg)
{
	return READ_ONCE(tty_gen) != *(uint64_t *)arg ||
	       (console_input_pending() && !monitor_reading());
}

size_t cons_tty_read(struct chan *c, void *buf, size_t n)
{
	struct tty_wait w = { .start_ns = nsec_now() };
	uint8_t kbuf[TTY_CHUNK];
	uint64_t gen, us;
	long r;

	if (n == 0)
		return 0;
	tty_check_background();
	for (;;) {
		gen = READ_ONCE(tty_gen);
		tty_pump();
		r = tty_try_read(kbuf, n, &w);
		if (r >= 0)
			break;
		if (c->flag & CNONBLOCK)
			error(EAGAIN, "#cons/stdin: no input waiting");
		us = w.timeout_ns ? MIN(TTY_POLL_US, w.timeout_ns / NSEC_PER_USEC + 1) : TTY_POLL_US;
		if (rendez_sleep_timeout(&tty_rv, tty_wait_cond, &gen, us) == -ECANCELED)
			error(EINTR, "#cons/stdin: read interrupted");
	}
	memcpy(buf, kbuf, (size_t)r);
	return (size_t)r;
}

void cons_tty_tapfd(struct chan *c, struct fd_tap *tap, int cmd)
{
	uint64_t flags;
	bool ready;

	if (!fdtap_dev_tapfd(&tty_taps, tap, cmd, "#cons", "stdin"))
		return;
	flags = spin_lock_irqsave(&tty_lock);
	ready = ldisc_readable(&tty_ld);
	spin_unlock_irqrestore(&tty_lock, flags);
	if ((ready || console_input_pending()) && (tap->filter & FDTAP_FILT_READABLE))
		fdtap_fire(tap, FDTAP_FILT_READABLE);
}

/* ------------------------------------------------------------ consctl */

size_t cons_tty_ctl_read(void *buf, size_t n, int64_t off)
{
	char mode[LDISC_MODE_TEXT], text[LDISC_MODE_TEXT + 96];
	struct tty_winsize ws;
	int sid, pgrp;
	uint64_t flags;

	tty_owner(&sid, &pgrp);
	flags = spin_lock_irqsave(&tty_lock);
	ldisc_mode_format(&tty_ld.mode, mode, sizeof(mode));
	ws = tty_size;
	spin_unlock_irqrestore(&tty_lock, flags);
	snprintf(text, sizeof(text), "mode %s\nwinsize %u %u %u %u\nsession %d %d\n", mode,
	         ws.rows, ws.cols, ws.xpixel, ws.ypixel, sid, pgrp);
	return readstr(off, buf, n, text);
}

/* Splits msg at blanks into at most max words; the count. */
static int tty_words(char *msg, char **w, int max)
{
	int n = 0;

	while (*msg && n < max) {
		while (*msg == ' ')
			*msg++ = '\0';
		if (!*msg)
			break;
		w[n++] = msg;
		while (*msg && *msg != ' ')
			msg++;
	}
	return *msg ? max + 1 : n;
}

static uint32_t tty_number(const char *s, uint64_t max, const char *what)
{
	uint64_t v;

	if (kstrtou64(s, strlen(s), 10, &v) || v > max)
		error(EINVAL, "#cons/consctl: bad %s '%s' (0..%llu)", what, s,
		      (unsigned long long)max);
	return (uint32_t)v;
}

static void tty_ctl_mode(const char *text)
{
	struct ldisc_mode m;
	uint64_t flags;

	if (ldisc_mode_parse(&m, text) < 0)
		error(EINVAL, "#cons/consctl: mode wants 'IFLAG OFLAG CFLAG LFLAG CC' in hex");
	flags = spin_lock_irqsave(&tty_lock);
	ldisc_set_mode(&tty_ld, &m);
	spin_unlock_irqrestore(&tty_lock, flags);
	tty_changed();
}

static void tty_ctl_winsize(char **w)
{
	struct tty_winsize ws = {
		tty_number(w[1], 0xffff, "rows"), tty_number(w[2], 0xffff, "columns"),
		tty_number(w[3], 0xffff, "x pixels"), tty_number(w[4], 0xffff, "y pixels"),
	};
	uint64_t flags = spin_lock_irqsave(&tty_lock);
	bool changed = memcmp(&ws, &tty_size, sizeof(ws)) != 0;

	tty_size = ws;
	spin_unlock_irqrestore(&tty_lock, flags);
	if (changed)
		tty_signal_fg(SIGWINCH_NR);
}

/* "pgrp N": from the console's session, to a group of that session. */
static void tty_ctl_pgrp(const char *arg)
{
	struct proc *me = current_proc();
	int pgrp = (int)tty_number(arg, 0x7fffffff, "process group"), sid, fg;
	uint64_t flags;

	tty_owner(&sid, &fg);
	if (!me || !sid || proc_getsid(me, 0) != sid)
		error(ENOTTY, "#cons/consctl: the console is not the caller's terminal");
	if (pgrp <= 0 || !tty_group_in_session(pgrp, sid))
		error(EPERM, "#cons/consctl: %d is no process group of session %d", pgrp, sid);
	flags = spin_lock_irqsave(&tty_lock);
	if (cons_sid == sid)
		cons_pgrp = pgrp;
	spin_unlock_irqrestore(&tty_lock, flags);
}

/* "ctty [steal]": the console becomes the calling session leader's. */
static void tty_ctl_ctty(bool steal)
{
	struct proc *me = current_proc();
	int sid, fg, my_sid;
	uint64_t flags;

	if (!me || (my_sid = proc_getsid(me, 0)) != me->pid)
		error(EPERM, "#cons/consctl: ctty: the caller does not lead a session");
	tty_owner(&sid, &fg);
	if (sid && sid != my_sid && !steal)
		error(EPERM, "#cons/consctl: ctty: the console is session %d's", sid);
	flags = spin_lock_irqsave(&tty_lock);
	if (cons_sid != my_sid) {
		cons_sid = my_sid;
		cons_pgrp = my_sid;
	}
	spin_unlock_irqrestore(&tty_lock, flags);
}

void cons_tty_ctl_write(char *msg)
{
	char *w[6];
	int nw;

	if (strncmp(msg, "mode ", 5) == 0) {
		tty_ctl_mode(msg + 5);
		return;
	}
	nw = tty_words(msg, w, 5);
	if (nw == 1 && strcmp(w[0], "flush") == 0) {
		uint64_t flags = spin_lock_irqsave(&tty_lock);

		ldisc_flush_input(&tty_ld);
		spin_unlock_irqrestore(&tty_lock, flags);
	} else if (nw == 5 && strcmp(w[0], "winsize") == 0) {
		tty_ctl_winsize(w);
	} else if (nw == 2 && strcmp(w[0], "pgrp") == 0) {
		tty_ctl_pgrp(w[1]);
	} else if (nw >= 1 && strcmp(w[0], "ctty") == 0 &&
	           (nw == 1 || (nw == 2 && strcmp(w[1], "steal") == 0))) {
		tty_ctl_ctty(nw == 2);
	} else {
		error(EINVAL, "#cons/consctl: unknown command (mode, flush, winsize, pgrp, ctty)");
	}
}
