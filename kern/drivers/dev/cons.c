/* SPDX-License-Identifier: MIT */
/*
 * cons.c - #cons (#c): the console and a few small kernel files.
 *
 *	#cons/
 *	    stdin    r    the terminal: bytes typed, through the line discipline
 *	                  (cooked or raw mode, echo, signal characters)
 *	    consctl  rw   the terminal's mode, window size, session and
 *	                  foreground group (cons_tty.c says the commands)
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
 * stdin and consctl are the terminal, cons_tty.c (input, line discipline,
 * job control, stdin's FD taps); this file is the rest.  The other files
 * never block, so they have no taps (tap_fds says EPERM).  Locking:
 * cons_lock guards sysname and the wall offset (copied under it, never
 * held over error()).
 */
#include <console.h>
#include <cons_tty.h>
#include <err.h>
#include <errno.h>
#include <fdtap.h>
#include <kstring.h>
#include <ns.h>
#include <printk.h>
#include <spinlock.h>
#include <time.h>
#include <version.h>

#define SYSNAME_MAX   64
#define CONS_WRITE_CHUNK 1024   /* printk precision is clamped at 4096 */

enum { Qtop, Qstdin, Qstdout, Qstderr, Qnull, Qzero, Qkmesg, Qsysname, Qtime,
       Qversion, Qconsctl };

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
	{ "consctl", { Qconsctl, 0, QTFILE }, 0, 0666 },
};

static spinlock_t cons_lock = SPINLOCK_INITIALIZER("cons");
static char cons_sysname[SYSNAME_MAX] = "vireo";        /* [cons_lock] */
static int64_t cons_wall_offset;                        /* [cons_lock] */

static void cons_reset(void)
{
	cons_tty_reset();
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


/* Taps: stdin's are the terminal's (cons_tty.c); the other files never block. */
static void cons_tapfd(struct chan *c, struct fd_tap *tap, int cmd)
{
	if (c->qid.path == Qstdin)
		cons_tty_tapfd(c, tap, cmd);
	else
		fdtap_dev_tapfd(NULL, tap, cmd, "#cons", c->name ? c->name->s : "?");
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
		return cons_tty_read(c, buf, n);
	case Qconsctl:
		return cons_tty_ctl_read(buf, n, off);
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

static size_t cons_write_consctl(const void *buf, size_t n)
{
	char msg[CONS_TTY_CTL_MAX];

	cons_msg(msg, sizeof(msg), buf, n, "consctl");
	cons_tty_ctl_write(msg);
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
	case Qconsctl:
		return cons_write_consctl(buf, n);
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
