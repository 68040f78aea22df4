/* SPDX-License-Identifier: MIT */
/*
 * cons.c - #cons (#c): the console and a few small kernel files.
 *
 *	#cons/
 *	    stdin    r    console input, raw bytes (no echo, no line editing);
 *	                  blocks until at least one byte came (EAGAIN if
 *	                  non-blocking), then returns what is there
 *	    stdout   w    to the console (printk: serial, screen, kmesg)
 *	    stderr   w    the same
 *	    null     rw   reads EOF, swallows writes
 *	    zero     rw   reads zero bytes (as many as asked), swallows writes
 *	    kmesg    r    the kernel log ring; the file offset is the log offset
 *	                  since boot (bytes overwritten since are skipped)
 *	    sysname  rw   the machine's name ("vireo"); a write sets it (1..63
 *	                  bytes, no NUL or '/'; a trailing newline is dropped)
 *	    time     rw   read: "uptime_ns wall_ns\n"; write "N": the wall clock
 *	                  is now N ns since 1970 (kept as an offset from uptime)
 *	    version  r    "Vireo <release>\n" (version.h)
 *
 * Input: console.c queues each byte typed (Ctrl-G still opens the monitor
 * first) and calls cons_input_wake(), which wakes readers of stdin sleeping
 * on cons_rv.  The monitor reads the same ring, so while it is open the
 * monitor and a stdin reader share the bytes.  Taps (fdtap.h): stdin
 * alone, READABLE (the other readiness filters accepted, never firing), fired by the same wake
 * (in IRQ context) and at ADD when input is waiting; the other files never
 * block, so they have none (tap_fds says EPERM).  Locking: cons_lock guards
 * sysname and the wall offset (copied under it, never held over error()).
 */
#include <console.h>
#include <err.h>
#include <errno.h>
#include <fdtap.h>
#include <kstring.h>
#include <ns.h>
#include <printk.h>
#include <rendez.h>
#include <spinlock.h>
#include <time.h>
#include <version.h>

#define SYSNAME_MAX   64
#define CONS_POLL_US  100000    /* stdin rechecks even without a wakeup */
#define CONS_WRITE_CHUNK 1024   /* printk precision is clamped at 4096 */

enum { Qtop, Qstdin, Qstdout, Qstderr, Qnull, Qzero, Qkmesg, Qsysname, Qtime,
       Qversion };

static const struct dirtab cons_tab[] = {
	{ ".", { Qtop, 0, QTDIR }, 0, DMDIR | 0555 },
	{ "stdin", { Qstdin, 0, QTFILE }, 0, 0444 },
	{ "stdout", { Qstdout, 0, QTFILE }, 0, 0222 },
	{ "stderr", { Qstderr, 0, QTFILE }, 0, 0222 },
	{ "null", { Qnull, 0, QTFILE }, 0, 0666 },
	{ "zero", { Qzero, 0, QTFILE }, 0, 0666 },
	{ "kmesg", { Qkmesg, 0, QTFILE }, 0, 0444 },
	{ "sysname", { Qsysname, 0, QTFILE }, 0, 0666 },
	{ "time", { Qtime, 0, QTFILE }, 0, 0666 },
	{ "version", { Qversion, 0, QTFILE }, 0, 0444 },
};

static spinlock_t cons_lock = SPINLOCK_INITIALIZER("cons");
static char cons_sysname[SYSNAME_MAX] = "vireo";        /* [cons_lock] */
static int64_t cons_wall_offset;                        /* [cons_lock] */
static struct rendez cons_rv;
static struct fdtap_list cons_taps;                     /* of stdin */

static void cons_input_wake(void)
{
	rendez_wakeup(&cons_rv);
	fdtap_list_fire(&cons_taps, FDTAP_FILT_READABLE);
}

static void cons_reset(void)
{
	rendez_init(&cons_rv);
	fdtap_list_init(&cons_taps, "cons taps");
	console_set_input_wake(cons_input_wake);
}

static struct chan *cons_attach(const char *spec)
{
	return devattach("cons", spec);
}

static struct walkqid *cons_walk(struct chan *c, struct chan *nc, const char **names,
                                 unsigned int nname)
{
	return devwalk(c, nc, names, nname, cons_tab, ARRAY_SIZE(cons_tab), devgen);
}

static size_t cons_stat(struct chan *c, uint8_t *db, size_t n)
{
	return devstat(c, db, n, cons_tab, ARRAY_SIZE(cons_tab), devgen);
}

static struct chan *cons_open(struct chan *c, int omode)
{
	c = devopen(c, omode, cons_tab, ARRAY_SIZE(cons_tab), devgen);
	return c;
}

static void cons_close(struct chan *c)
{
}


/* ------------------------------------------------------------ input */

static bool cons_input_ready(void *arg)
{
	return console_input_pending();
}

static size_t cons_take_input(uint8_t *buf, size_t n)
{
	size_t got = 0;
	int ch;

	while (got < n && (ch = console_getc_nonblock()) >= 0)
		buf[got++] = (uint8_t)ch;
	return got;
}

static size_t cons_read_stdin(struct chan *c, void *buf, size_t n)
{
	size_t got;

	if (n == 0)
		return 0;
	while (!(got = cons_take_input(buf, n))) {
		if (c->flag & CNONBLOCK)
			error(EAGAIN, "#cons/stdin: no input waiting");
		if (rendez_sleep_timeout(&cons_rv, cons_input_ready, NULL, CONS_POLL_US) ==
		    -ECANCELED)
			error(EINTR, "#cons/stdin: read interrupted");
	}
	return got;
}

static void cons_tapfd(struct chan *c, struct fd_tap *tap, int cmd)
{
	if (!fdtap_dev_tapfd(c->qid.path == Qstdin ? &cons_taps : NULL, tap, cmd, "#cons",
	                     "stdin"))
		return;
	if (console_input_pending() && (tap->filter & FDTAP_FILT_READABLE))
		fdtap_fire(tap, FDTAP_FILT_READABLE);
}

/* ------------------------------------------------------------ files */

static size_t cons_read_kmesg(struct chan *c, void *buf, size_t n, int64_t off)
{
	uint64_t next;

	if (off < 0)
		error(EINVAL, "#cons/kmesg: negative offset");
	return kmesg_read((uint64_t)off, buf, n, &next);
}

static size_t cons_read_sysname(void *buf, size_t n, int64_t off)
{
	char name[SYSNAME_MAX + 1];
	uint64_t flags = spin_lock_irqsave(&cons_lock);

	snprintf(name, sizeof(name), "%s\n", cons_sysname);
	spin_unlock_irqrestore(&cons_lock, flags);
	return readstr(off, buf, n, name);
}

static size_t cons_read_time(void *buf, size_t n, int64_t off)
{
	char text[48];
	uint64_t now = nsec_now();
	int64_t wall;
	uint64_t flags = spin_lock_irqsave(&cons_lock);

	wall = (int64_t)now + cons_wall_offset;
	spin_unlock_irqrestore(&cons_lock, flags);
	snprintf(text, sizeof(text), "%llu %lld\n", (unsigned long long)now, (long long)wall);
	return readstr(off, buf, n, text);
}

static size_t cons_read(struct chan *c, void *buf, size_t n, int64_t off)
{
	switch (c->qid.path) {
	case Qtop:
		return devdirread(c, buf, n, cons_tab, ARRAY_SIZE(cons_tab), devgen);
	case Qstdin:
		return cons_read_stdin(c, buf, n);
	case Qnull:
		return 0;
	case Qzero:
		memset(buf, 0, n);
		return n;
	case Qkmesg:
		return cons_read_kmesg(c, buf, n, off);
	case Qsysname:
		return cons_read_sysname(buf, n, off);
	case Qtime:
		return cons_read_time(buf, n, off);
	case Qversion:
		return readstr(off, buf, n, version_banner());
	}
	error(EPERM, "#cons: '%s' is not readable", c->name ? c->name->s : "?");
}

static size_t cons_write_console(const char *buf, size_t n)
{
	for (size_t done = 0; done < n;) {
		size_t m = n - done < CONS_WRITE_CHUNK ? n - done : CONS_WRITE_CHUNK;

		printk("%.*s", (int)m, buf + done);
		done += m;
	}
	return n;
}

/* Copies a write into msg as a string, dropping one trailing newline. */
static size_t cons_msg(char *msg, size_t size, const void *buf, size_t n, const char *file)
{
	if (n >= size)
		error(EINVAL, "#cons/%s: %zu bytes is too long (at most %zu)", file, n,
		      size - 1);
	memcpy(msg, buf, n);
	msg[n] = '\0';
	if (n && msg[n - 1] == '\n')
		msg[--n] = '\0';
	return n;
}

static size_t cons_write_sysname(const void *buf, size_t n)
{
	char name[SYSNAME_MAX];
	size_t len = cons_msg(name, sizeof(name), buf, n, "sysname");
	uint64_t flags;

	if (len == 0 || strlen(name) != len || strchr(name, '/'))
		error(EINVAL, "#cons/sysname: a name is 1..%d bytes without NUL or '/'",
		      SYSNAME_MAX - 1);
	flags = spin_lock_irqsave(&cons_lock);
	strlcpy(cons_sysname, name, sizeof(cons_sysname));
	spin_unlock_irqrestore(&cons_lock, flags);
	return n;
}

static size_t cons_write_time(const void *buf, size_t n)
{
	char msg[32];
	uint64_t v = 0;
	uint64_t flags;

	cons_msg(msg, sizeof(msg), buf, n, "time");
	if (!msg[0])
		error(EINVAL, "#cons/time: empty; want the wall clock in ns since 1970");
	if (kstrtou64(msg, strlen(msg), 10, &v) || v > (uint64_t)INT64_MAX)
		error(EINVAL, "#cons/time: bad number '%s' (want decimal ns below 2^63)", msg);
	flags = spin_lock_irqsave(&cons_lock);
	cons_wall_offset = (int64_t)v - (int64_t)nsec_now();
	spin_unlock_irqrestore(&cons_lock, flags);
	return n;
}

static size_t cons_write(struct chan *c, const void *buf, size_t n, int64_t off)
{
	switch (c->qid.path) {
	case Qstdout:
	case Qstderr:
		return cons_write_console(buf, n);
	case Qnull:
	case Qzero:
		return n;
	case Qsysname:
		return cons_write_sysname(buf, n);
	case Qtime:
		return cons_write_time(buf, n);
	}
	error(EPERM, "#cons: '%s' is not writable", c->name ? c->name->s : "?");
}

struct dev cons_devtab __devtab = {
	.name = "cons",
	.letter = 'c',
	.reset = cons_reset,
	.init = devinit,
	.shutdown = devshutdown,
	.attach = cons_attach,
	.walk = cons_walk,
	.stat = cons_stat,
	.open = cons_open,
	.create = devcreate,
	.close = cons_close,
	.read = cons_read,
	.bread = devbread,
	.write = cons_write,
	.bwrite = devbwrite,
	.remove = devremove,
	.rename = devrename,
	.wstat = devwstat,
	.tapfd = cons_tapfd,
};
