/* SPDX-License-Identifier: MIT */
/*
 * sysfile.c - the kernel file interface (sysfile.h): FD-based calls over
 * namec(), the device operations and the FD table.
 *
 * This is the boundary of the error idiom, and the only one: below it
 * everything raises error(); each sys* function here runs its body under
 * waserror() and returns -1 with the errno and message left in the
 * kthread's error state (get_errno()/get_errstr()).  The syscall layer does
 * no 9ns work of its own: it checks and copies arguments, calls one sys*
 * function, and turns a -1 into the user's err + errstr with
 * sysc_fail_from_kthread().  The calls that work on one chan share the
 * boundary in sys_chan_call(); their bodies are the chan_* functions it
 * runs.  Failures from core code that returns negative errnos (the FD
 * table) and argument checks that fail before anything runs are recorded
 * with set_error() (err.h), which leaves the same state without unwinding.
 * Every reference taken in a body is released on both paths.
 *
 * Messages that the syscalls pass on start with the call's name where the
 * body knows it ("rmdir: 'x' is not a directory"); otherwise the syscall
 * layer puts the name in front.
 *
 * Offsets: a chan keeps its own offset (shared by FDs that dup it), updated
 * under c->lock after each read/write; O_APPEND writes go to the length
 * stat reports.  Directories read 9P stat entries (ninep.h) and can only be
 * rewound (seek to 0).  "Current" FD table: the kernel's, or the one
 * installed by ns_swap_fdt() (see sysfile.h).
 */
#include <err.h>
#include <errno.h>
#include <fdtable.h>
#include <kmalloc.h>
#include <kstring.h>
#include <ninep.h>
#include <kthread.h>
#include <mnt.h>
#include <ns.h>
#include <printk.h>
#include <sysfile.h>

static struct fd_table kern_fdt = { .lock = SPINLOCK_INITIALIZER("kernel fds") };
static struct fd_table *fdt_current_ptr = &kern_fdt;

/* A process's kthread uses the process's table; others the kernel's. */
struct fd_table *current_fdt(void)
{
	struct kthread *kt = kthread_current();

	if (kt && kt->fdt)
		return kt->fdt;
	return READ_ONCE(fdt_current_ptr);
}

struct fd_table *ns_swap_fdt(struct fd_table *t)
{
	struct fd_table *old = fdt_current_ptr;

	WRITE_ONCE(fdt_current_ptr, t ? t : &kern_fdt);
	return old;
}

/* The chan of fd (a new reference), or error(EBADF). */
static struct chan *fd_chan(int fd)
{
	struct chan *c = fd_get_chan(current_fdt(), fd);

	if (!c)
		error(EBADF, "fd %d is not open", fd);
	return c;
}

/* Installs c (reference consumed on success) as a new fd, or error(). */
static int fd_install(struct chan *c, int omode)
{
	int fd = fd_alloc_chan(current_fdt(), c, 0, (omode & O_CLOEXEC) ? FD_CLOEXEC : 0);

	if (fd < 0)
		error(-fd, "open of '%s': %s", c->name ? c->name->s : "?", fd_strerror(fd));
	return fd;
}

/* A body run by sys_chan_call: may raise; its value is the call's. */
typedef int64_t (*chan_call_fn)(struct chan *c, void *arg);

/* A caller's buffer, for the bodies that fill or read one. */
struct chan_buf {
	void *buf;
	size_t n;
};

/*
 * The error boundary of the one-chan calls: takes the chan of fd (path
 * NULL) or namec(path, amode, omode), runs fn on it and closes it on both
 * paths.  Returns fn's value, or -1 with the error state set.
 */
static int64_t sys_chan_call(int fd, const char *path, int amode, int omode,
                             chan_call_fn fn, void *arg)
{
	ERRSTACK(1);
	struct chan *volatile c = NULL;
	int64_t r;

	if (waserror()) {
		cclose(c);
		return -1;
	}
	c = path ? namec(path, amode, omode, 0, NULL) : fd_chan(fd);
	r = fn(c, arg);
	poperror();
	cclose(c);
	return r;
}

/* ------------------------------------------------------------------- open */

int sysopenat_n(int dirfd, const char *path, size_t len, int omode, uint32_t perm)
{
	ERRSTACK(1);
	struct chan *volatile dir = NULL, *volatile c = NULL;
	int fd;

	if (waserror()) {
		cclose(dir);
		cclose(c);
		return -1;
	}
	if (dirfd != AT_FDCWD && !(len && (path[0] == '/' || path[0] == '#')))
		dir = fd_chan(dirfd);
	c = namec_n(dir, path, len, (omode & O_CREAT) ? NAMEC_CREATE : NAMEC_OPEN,
	            omode, perm, NULL);
	fd = fd_install(c, omode);
	c = NULL;
	poperror();
	cclose(dir);
	return fd;
}

int sysopenat(int dirfd, const char *path, int omode, uint32_t perm)
{
	return sysopenat_n(dirfd, path, strnlen(path, MAX_PATH_LEN + 1), omode, perm);
}

int sysopen(const char *path, int omode, uint32_t perm)
{
	return sysopenat(AT_FDCWD, path, omode, perm);
}

int syscreate(const char *path, int omode, uint32_t perm)
{
	return sysopenat(AT_FDCWD, path, omode | O_CREAT, perm);
}

/* Creates path with perm/ext and closes it (mkdir, symlink). */
static int sys_make(const char *path, int omode, uint32_t perm, const char *ext)
{
	ERRSTACK(1);

	if (waserror())
		return -1;
	cclose(namec(path, NAMEC_CREATE, omode | O_EXCL, perm, ext));
	poperror();
	return 0;
}

int sysmkdir(const char *path, uint32_t perm)
{
	return sys_make(path, O_READ, DMDIR | (perm & 0777), NULL);
}

int syssymlink(const char *target, const char *path)
{
	return sys_make(path, O_READ | O_PATH, DMSYMLINK | 0777, target);
}

/* -------------------------------------------------------- read and write */

static int64_t chan_length(struct chan *c)
{
	struct dir *d = chan_dirstat(c);
	int64_t len = d->length;

	kfree(d);
	return len;
}

/* One read or write on c; off < 0 means at (and moving) c's offset. */
static size_t chan_rw(struct chan *c, void *buf, size_t n, int64_t off, bool write)
{
	bool use_off = off < 0;
	size_t r;

	if (n > (size_t)INT64_MAX)
		n = (size_t)INT64_MAX;
	if (use_off)
		off = READ_ONCE(c->offset);
	if (write && (c->flag & CAPPEND) && !(c->qid.type & QTDIR))
		off = chan_length(c);
	r = write ? chan_write(c, buf, n, off) : chan_read(c, buf, n, off);
	if (use_off) {
		spin_lock(&c->lock);
		c->offset = off + (int64_t)r;
		spin_unlock(&c->lock);
	}
	return r;
}

struct chan_rw_args {
	void *buf;
	size_t n;
	int64_t off;
	bool write;
};

static int64_t chan_rw_call(struct chan *c, void *arg)
{
	struct chan_rw_args *a = arg;

	return (int64_t)chan_rw(c, a->buf, a->n, a->off, a->write);
}

static ssize_t sys_rw(int fd, void *buf, size_t n, int64_t off, bool write)
{
	struct chan_rw_args a = { .buf = buf, .n = n, .off = off, .write = write };

	return sys_chan_call(fd, NULL, 0, 0, chan_rw_call, &a);
}

ssize_t sysread(int fd, void *buf, size_t n)
{
	return sys_rw(fd, buf, n, -1, false);
}

ssize_t syswrite(int fd, const void *buf, size_t n)
{
	return sys_rw(fd, (void *)buf, n, -1, true);
}

ssize_t syspread(int fd, void *buf, size_t n, int64_t off)
{
	if (off < 0)
		return set_error(EINVAL, "pread at negative offset %lld", (long long)off);
	return sys_rw(fd, buf, n, off, false);
}

ssize_t syspwrite(int fd, const void *buf, size_t n, int64_t off)
{
	if (off < 0)
		return set_error(EINVAL, "pwrite at negative offset %lld", (long long)off);
	return sys_rw(fd, (void *)buf, n, off, true);
}

static int64_t seek_target(struct chan *c, int64_t off, int whence)
{
	int64_t base;

	if (devtab_of(c)->letter == '|')         /* Plan 9's "seek on a stream" */
		error(ESPIPE, "seek: a pipe has no position");
	switch (whence) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = READ_ONCE(c->offset); break;
	case SEEK_END: base = chan_length(c); break;
	default: error(EINVAL, "seek: bad whence %d", whence);
	}
	if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
		error(EINVAL, "seek: offset %lld from %lld is out of range",
		      (long long)off, (long long)base);
	if ((c->qid.type & QTDIR) && base + off != 0)
		error(EINVAL, "seek: a directory can only be rewound");
	return base + off;
}

struct chan_seek_args {
	int64_t off;
	int whence;
};

static int64_t chan_seek(struct chan *c, void *arg)
{
	struct chan_seek_args *a = arg;
	int64_t to = seek_target(c, a->off, a->whence);

	spin_lock(&c->lock);
	c->offset = to;
	spin_unlock(&c->lock);
	return to;
}

int64_t sysseek(int fd, int64_t off, int whence)
{
	struct chan_seek_args a = { .off = off, .whence = whence };

	return sys_chan_call(fd, NULL, 0, 0, chan_seek, &a);
}

/* ------------------------------------------------------------ FD calls */

int sysclose(int fd)
{
	int r = fd_close(current_fdt(), fd);

	return r < 0 ? set_error(-r, "close: fd %d is not open", fd) : 0;
}

int sysdup(int fd, int low, int fd_flags)
{
	int r = fd_dup(current_fdt(), fd, low, fd_flags);

	return r < 0 ? set_error(-r, "dup of fd %d from %d: %s", fd, low, fd_strerror(r)) : r;
}

int sysdup_to(int from, int to, int fd_flags)
{
	int r = fd_dup_to(current_fdt(), from, to, fd_flags);

	return r < 0 ? set_error(-r, "dup of fd %d to %d: %s", from, to, fd_strerror(r)) : r;
}

int sysgetfd(int fd)
{
	int r = fd_get_flags(current_fdt(), fd);

	return r < 0 ? set_error(-r, "fd %d is not open", fd) : r;
}

int syssetfd(int fd, int fd_flags)
{
	int r = fd_set_flags(current_fdt(), fd, fd_flags);

	return r < 0 ? set_error(-r, "set flags %#x on fd %d: %s", fd_flags, fd,
	                         fd_strerror(r)) : 0;
}

static int64_t chan_getfl(struct chan *c, void *arg)
{
	uint32_t flag;

	spin_lock(&c->lock);
	flag = c->flag;
	spin_unlock(&c->lock);
	return (c->mode & O_ACCMODE) | (flag & CAPPEND ? O_APPEND : 0) |
	       (flag & CNONBLOCK ? O_NONBLOCK : 0);
}

int sysgetfl(int fd)
{
	return (int)sys_chan_call(fd, NULL, 0, 0, chan_getfl, NULL);
}

/* arg: the chan flags (CAPPEND, CNONBLOCK) to hold from now on. */
static int64_t chan_setfl(struct chan *c, void *arg)
{
	uint32_t cf = *(uint32_t *)arg;

	if (devtab_of(c)->chan_ctl)
		devtab_of(c)->chan_ctl(c, CCTL_SET_FL, cf);
	spin_lock(&c->lock);
	c->flag = (c->flag & ~(CAPPEND | CNONBLOCK)) | cf;
	spin_unlock(&c->lock);
	return 0;
}

int syssetfl(int fd, int o_flags)
{
	uint32_t cf = (o_flags & O_APPEND ? CAPPEND : 0) |
	              (o_flags & O_NONBLOCK ? CNONBLOCK : 0);

	if (o_flags & ~O_FILE_FLAGS)
		return set_error(EINVAL, "setfl: only O_APPEND and O_NONBLOCK can change (%#x)",
		                 o_flags);
	return (int)sys_chan_call(fd, NULL, 0, 0, chan_setfl, &cf);
}

/* ------------------------------------------------------------ stat/wstat */

static int64_t chan_stat(struct chan *c, void *arg)
{
	struct chan_buf *b = arg;

	return (int64_t)devtab_of(c)->stat(c, b->buf, b->n);
}

ssize_t sysfstat(int fd, uint8_t *buf, size_t n)
{
	struct chan_buf b = { .buf = buf, .n = n };

	return sys_chan_call(fd, NULL, 0, 0, chan_stat, &b);
}

ssize_t sysstat(const char *path, uint8_t *buf, size_t n, int flags)
{
	struct chan_buf b = { .buf = buf, .n = n };

	return sys_chan_call(-1, path, NAMEC_ACCESS, flags & O_NOFOLLOW, chan_stat, &b);
}

static int64_t chan_wstat(struct chan *c, void *arg)
{
	struct chan_buf *b = arg;
	const char *why = ninep_stat_error(b->buf, b->n);

	if (why)
		error(EINVAL, "wstat of '%s': %s", c->name->s, why);
	return (int64_t)devtab_of(c)->wstat(c, b->buf, b->n);
}

ssize_t sysfwstat(int fd, const uint8_t *buf, size_t n)
{
	struct chan_buf b = { .buf = (void *)buf, .n = n };

	return sys_chan_call(fd, NULL, 0, 0, chan_wstat, &b);
}

ssize_t syswstat(const char *path, const uint8_t *buf, size_t n)
{
	struct chan_buf b = { .buf = (void *)buf, .n = n };

	return sys_chan_call(-1, path, NAMEC_ACCESS, 0, chan_wstat, &b);
}

/* A dir that changes nothing in a wstat (Plan 9's nulldir). */
static void dir_null(struct dir *d)
{
	memset(d, 0xff, sizeof(*d));
	d->name = d->uid = d->gid = d->muid = d->ext = "";
}

int systruncate(const char *path, int64_t len)
{
	uint8_t buf[STATFIXLEN + 64];
	struct dir d;
	size_t n;

	if (len < 0)
		return set_error(EINVAL, "truncate of '%s' to negative length", path);
	dir_null(&d);
	d.length = len;
	n = convD2M(&d, buf, sizeof(buf));
	if (!n)
		return set_error(EINVAL, "truncate: cannot marshal a stat entry");
	return syswstat(path, buf, n) < 0 ? -1 : 0;
}

/* ------------------------------------------------------ remove and rename */

/* What rmdir and unlink insist on; NULL for sysremove: anything goes. */
struct chan_remove_args {
	const char *call;
	const char *path;
	bool want_dir;
};

/* The type is checked on the chan that is removed: one lookup, no race. */
static int64_t chan_remove(struct chan *c, void *arg)
{
	const struct chan_remove_args *a = arg;

	if (a && a->want_dir && !(c->qid.type & QTDIR))
		error(ENOTDIR, "%s: '%s' is not a directory", a->call, a->path);
	if (a && !a->want_dir && (c->qid.type & QTDIR))
		error(EISDIR, "%s: '%s' is a directory (use rmdir)", a->call, a->path);
	devtab_of(c)->remove(c);
	return 0;
}

int sysremove(const char *path)
{
	return (int)sys_chan_call(-1, path, NAMEC_REMOVE, 0, chan_remove, NULL);
}

int sysrmdir(const char *path)
{
	struct chan_remove_args a = { .call = "rmdir", .path = path, .want_dir = true };

	return (int)sys_chan_call(-1, path, NAMEC_REMOVE, 0, chan_remove, &a);
}

int sysunlink(const char *path)
{
	struct chan_remove_args a = { .call = "unlink", .path = path, .want_dir = false };

	return (int)sys_chan_call(-1, path, NAMEC_REMOVE, 0, chan_remove, &a);
}

/* Splits a cleaned copy of path into its directory (returned, kmalloc'd)
 * and its last element. */
static char *path_split(const char *path, const char **last)
{
	size_t len = strnlen(path, MAX_PATH_LEN + 1);
	char *p, *slash = NULL;

	if (len == 0 || len > MAX_PATH_LEN)
		error(len ? ENAMETOOLONG : ENOENT, "rename: bad target path");
	p = kmalloc(len + 3, MEM_WAIT);
	if (!p)
		error(ENOMEM, "rename: no memory");
	p[0] = '.';
	p[1] = '/';
	memcpy(p + 2, path, len + 1);
	cleanname(p + 2);
	if (p[2] == '/' || p[2] == '#')
		memmove(p, p + 2, strlen(p + 2) + 1);
	for (char *s = p; *s; s++)
		if (*s == '/')
			slash = s;
	*last = slash ? slash + 1 : "";
	if (!slash || !**last || !strcmp(*last, "..") || !strcmp(*last, ".")) {
		kfree(p);
		error(EINVAL, "rename: '%s' names no file in a directory", path);
	}
	*slash = '\0';
	return p;
}

/* arg: the new path. */
static int64_t chan_rename(struct chan *c, void *arg)
{
	ERRSTACK(1);
	const char *to = arg;
	char *volatile dirpath = NULL;
	struct chan *volatile dir = NULL;
	const char *last;

	if (waserror()) {
		kfree(dirpath);
		cclose(dir);
		nexterror();
	}
	dirpath = path_split(to, &last);
	dir = namec(dirpath[0] ? dirpath : "/", NAMEC_ACCESS, 0, 0, NULL);
	if (dir->type != c->type || dir->dev != c->dev)
		error(EXDEV, "rename: '%s' and '%s' are on different devices", c->name->s, to);
	devtab_of(c)->rename(c, dir, last);
	poperror();
	kfree(dirpath);
	cclose(dir);
	return 0;
}

int sysrename(const char *from, const char *to)
{
	return (int)sys_chan_call(-1, from, NAMEC_REMOVE, 0, chan_rename, (void *)to);
}

/* ------------------------------------------------------------ name space */

int sysbind(const char *src, const char *onto, int flag)
{
	ERRSTACK(1);
	struct chan *volatile s = NULL, *volatile o = NULL;
	int id;

	if (waserror()) {
		cclose(s);
		cclose(o);
		return -1;
	}
	s = namec(src, NAMEC_ACCESS, 0, 0, NULL);
	o = namec(onto, NAMEC_MOUNT, 0, 0, NULL);
	id = cmount(s, o, flag, NULL);
	poperror();
	cclose(s);
	cclose(o);
	return id;
}

struct chan_mount_args {
	const char *onto;
	int flag;
	const char *spec;
};

/* Mounts the 9P server on the other end of c (#mnt, mnt.h) on onto. */
static int64_t chan_mount(struct chan *c, void *arg)
{
	ERRSTACK(1);
	const struct chan_mount_args *a = arg;
	struct chan *volatile root = NULL, *volatile o = NULL;
	int id;

	if (waserror()) {
		cclose(root);
		cclose(o);
		nexterror();
	}
	o = namec(a->onto, NAMEC_MOUNT, 0, 0, NULL);
	root = mnt_attach(c, a->spec ? a->spec : "");
	id = cmount(root, o, a->flag, NULL);
	poperror();
	cclose(root);
	cclose(o);
	return id;
}

/* afd (authentication) is not supported: 9P servers here need none. */
int sysmount(int fd, int afd, const char *onto, int flag, const char *spec)
{
	struct chan_mount_args a = { .onto = onto, .flag = flag, .spec = spec };

	(void)afd;
	return (int)sys_chan_call(fd, NULL, 0, 0, chan_mount, &a);
}

int sysunmount(const char *src, const char *onto)
{
	ERRSTACK(1);
	struct chan *volatile s = NULL, *volatile o = NULL;

	if (waserror()) {
		cclose(s);
		cclose(o);
		return -1;
	}
	o = namec(onto, NAMEC_MOUNT, 0, 0, NULL);
	if (src)
		s = namec(src, NAMEC_ACCESS, 0, 0, NULL);
	cunmount(o, s);
	poperror();
	cclose(s);
	cclose(o);
	return 0;
}

static int64_t chan_path_call(struct chan *c, void *arg)
{
	struct chan_buf *b = arg;

	chan_path(c, b->buf, b->n);
	return 0;
}

int sysfd2path(int fd, char *buf, size_t len)
{
	struct chan_buf b = { .buf = buf, .n = len };

	return (int)sys_chan_call(fd, NULL, 0, 0, chan_path_call, &b);
}

/* Whose current directory chdir/fchdir set (NULL: the current name
 * space's), and the names its messages use. */
struct chan_dot_args {
	struct pgrp *pg;
	const char *path;
	int fd;
};

/* namec has already raised if there is no name space (current_pgrp). */
static void dot_set(const struct chan_dot_args *a, struct chan *c)
{
	pgrp_set_dot(a->pg ? a->pg : current_pgrp(), c);
}

static int64_t chan_chdir(struct chan *c, void *arg)
{
	const struct chan_dot_args *a = arg;

	if (!(c->qid.type & QTDIR))
		error(ENOTDIR, "chdir: '%s' is not a directory", a->path);
	dot_set(a, c);
	return 0;
}

int syschdir(struct pgrp *pg, const char *path)
{
	struct chan_dot_args a = { .pg = pg, .path = path, .fd = -1 };

	return (int)sys_chan_call(-1, path, NAMEC_ACCESS, 0, chan_chdir, &a);
}

/*
 * The current directory becomes the directory c names.  A walk cannot
 * start from an open chan (it is never cloned), so an open directory
 * (opendir's fd) is looked up again by its name (namec_reopen, at any
 * depth) and must still be the same file; an O_PATH fd's chan is used as
 * it is.
 */
static int64_t chan_fchdir(struct chan *c, void *arg)
{
	ERRSTACK(1);
	const struct chan_dot_args *a = arg;
	struct chan *volatile nc = NULL;

	if (waserror()) {
		cclose(nc);
		nexterror();
	}
	if (!(c->qid.type & QTDIR))
		error(ENOTDIR, "fchdir: fd %d is not a directory", a->fd);
	if (READ_ONCE(c->flag) & COPEN) {
		nc = namec_reopen(c);
	} else {
		chan_incref(c);
		nc = c;
	}
	dot_set(a, nc);
	poperror();
	cclose(nc);
	return 0;
}

int sysfchdir(struct pgrp *pg, int fd)
{
	struct chan_dot_args a = { .pg = pg, .path = NULL, .fd = fd };

	return (int)sys_chan_call(fd, NULL, 0, 0, chan_fchdir, &a);
}

int sysgetcwd(char *buf, size_t len)
{
	ERRSTACK(1);
	struct chan *volatile dot = NULL;

	if (waserror()) {
		cclose(dot);
		return -1;
	}
	dot = pgrp_get_dot(current_pgrp());
	if (dot)
		chan_path(dot, buf, len);
	else if (len >= 2)
		strlcpy(buf, "/", len);
	else
		error(ERANGE, "getcwd: buffer of %zu bytes", len);
	poperror();
	cclose(dot);
	return 0;
}
