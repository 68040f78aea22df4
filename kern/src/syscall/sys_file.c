/* SPDX-License-Identifier: MIT */
/*
 * sys_file.c - syscall handlers of the "file" group (openat ... dup_fds_to),
 * over the kernel file interface of kern/src/ns/sysfile.c.
 *
 * Each handler copies its arguments in and checks them, calls one sys*
 * function (which works on the current FD table and name space), and
 * copies results out; syscall.h states the contract.  Nothing here runs
 * under waserror(): the 9ns work is in sysfile.c, the error boundary, and
 * a sys* failure (-1, errno and message in the kthread) becomes err +
 * errstr through sysc_fail_from_kthread(), named after the syscall.
 * (dup_fds_to works on FD tables directly: core code, negative errnos.)
 *
 * User memory is touched only through uaccess.h: data moves through a
 * kernel bounce buffer of at most SYSF_BOUNCE bytes at a time, so a huge
 * length costs no more kernel memory than a small one (up to SYSF_SMALL_IO
 * bytes, the buffer is on the kernel stack: no allocation).  A read's
 * buffer larger than kmalloc's slab classes (a read of 64 KiB that returns
 * one datagram, per call) comes from a free list of at most
 * SYSF_BOUNCE_KEEP whole SYSF_BOUNCE buffers ("sysf bounce", a leaf
 * spinlock) instead of the page arena each time.  Writes still allocate
 * theirs (MEM_WAIT): the device often allocates too, with MEM_ATOMIC
 * (tree_file.c), and counts on the wait having made room.  Reads and writes
 * loop over chunks and return the bytes moved before a failure, as POSIX
 * does; a read stops at the first short chunk (end of file, or a stream
 * with nothing more waiting).
 *
 * Stats arrive as 9P stat bytes and become a struct kstat (ros/kstat.h);
 * wstat/fwstat take a 9P stat blob and apply only the fields WSTAT_* names.
 * rmdir and unlink are sysrmdir/sysunlink (one lookup, the type checked
 * on the chan that is removed); chdir and fchdir are syschdir/sysfchdir
 * on the name space whose current directory changes.
 *
 * Other processes: chdir, fchdir and dup_fds_to may also act on a CREATED
 * child of the caller (set up before proc_run: its cwd, its FDs), never on
 * a process that runs.  Paths are still resolved in the caller's name
 * space.  st_readiness is 0: devices have no readiness query yet.  A
 * stream read longer than SYSF_BOUNCE that finds exactly a full chunk
 * waiting goes on to sleep for the next one: telling streams from files
 * needs a device attribute that does not exist.
 */
#include <errno.h>
#include <fdtable.h>
#include <kmalloc.h>
#include <kstring.h>
#include <ninep.h>
#include <ns.h>
#include <process.h>
#include <spinlock.h>
#include <ros/kstat.h>
#include <syscall.h>
#include <sysfile.h>
#include <uaccess.h>

#define SYSF_BOUNCE    (64 * 1024)              /* bytes per read/write chunk */
#define SYSF_SMALL_IO  256                      /* I/O this small bounces on the stack */
#define SYSF_SLAB_IO   8192                     /* kmalloc's largest slab class */
#define SYSF_BOUNCE_KEEP 4                      /* free SYSF_BOUNCE buffers kept */
#define SYSF_STAT_BUF  (MAX_PATH_LEN + 2048)    /* one stat entry, symlink included */
#define SYSF_PERM_MAX  07777                    /* mode bits a caller may pass */

/* ------------------------------------------------------------- helpers */

static int64_t sysf_nomem(struct syscall_ctx *ctx, const char *call)
{
	return sysc_fail(ctx, ENOMEM, "%s: no memory for a kernel buffer", call);
}

/*
 * The caller's CREATED child 'pid' (with a reference: proc_put it), or NULL
 * after sysc_fail.  Nothing runs in a CREATED process, and only its parent
 * can start it, on the kthread that is running this call: its FDs and
 * name space can be changed without racing with it.
 */
static struct proc *sysf_created_child(struct syscall_ctx *ctx, const char *call, int pid)
{
	struct proc *p = ctx->p ? proc_lookup(pid) : NULL;

	if (!p || p->ppid != ctx->p->pid)
		sysc_fail(ctx, ESRCH, "%s: pid %d is not a child of the caller", call, pid);
	else if (READ_ONCE(p->state) != PROC_CREATED)
		sysc_fail(ctx, EINVAL, "%s: child %d is already running (only a CREATED "
		          "child can be changed)", call, pid);
	else
		return p;
	if (p)
		proc_put(p);
	return NULL;
}

/* The name space chdir/fchdir change: the caller's (pid 0 or its own pid)
 * or a CREATED child's (then *child holds a reference); NULL after
 * sysc_fail. */
static struct pgrp *sysf_dot_pgrp(struct syscall_ctx *ctx, const char *call, int pid,
                                  struct proc **child)
{
	*child = NULL;
	if (pid == 0 || (ctx->p && pid == ctx->p->pid))
		return current_pgrp();
	*child = sysf_created_child(ctx, call, pid);
	return *child ? (*child)->pgrp : NULL;
}

/* Copies the NUL-terminated kstr (with its NUL) to [ubuf, ubuf + ulen). */
static int64_t sysf_put_string(struct syscall_ctx *ctx, const char *call,
                               const char *kstr, uint64_t ubuf, uint64_t ulen)
{
	size_t n = strlen(kstr) + 1;

	if (n > ulen)
		return sysc_fail(ctx, ERANGE, "%s: %zu bytes needed, buffer has %lu", call,
		                 n, ulen);
	if (copy_to_user((void *)ubuf, kstr, n))
		return sysc_fail(ctx, EFAULT, "%s: buffer at %#lx is not writable", call, ubuf);
	return (int64_t)n;
}

/* ------------------------------------------------- bounced read/write */

static spinlock_t sysf_bounce_lock = SPINLOCK_INITIALIZER("sysf bounce");
static void *sysf_bounce_free[SYSF_BOUNCE_KEEP];        /* [sysf_bounce_lock] */
static unsigned int sysf_bounce_nfree;                  /* [sysf_bounce_lock] */

/* Whether a bounce buffer of n bytes for a read or write is a kept one. */
static bool sysf_bounce_kept(size_t n, bool write)
{
	return !write && n > SYSF_SLAB_IO;
}

/* A bounce buffer of n bytes (SYSF_SMALL_IO < n <= SYSF_BOUNCE), or NULL. */
static void *sysf_bounce_get(size_t n, bool write)
{
	void *buf = NULL;

	if (!sysf_bounce_kept(n, write))
		return kmalloc(n, MEM_WAIT | MEM_USER);
	spin_lock(&sysf_bounce_lock);
	if (sysf_bounce_nfree)
		buf = sysf_bounce_free[--sysf_bounce_nfree];
	spin_unlock(&sysf_bounce_lock);
	return buf ? buf : kmalloc(SYSF_BOUNCE, MEM_WAIT | MEM_USER);
}

void sysf_bounce_drain(void)
{
	void *bufs[SYSF_BOUNCE_KEEP];
	unsigned int n;

	spin_lock(&sysf_bounce_lock);
	n = sysf_bounce_nfree;
	memcpy(bufs, sysf_bounce_free, n * sizeof(bufs[0]));
	sysf_bounce_nfree = 0;
	spin_unlock(&sysf_bounce_lock);
	while (n)
		kfree(bufs[--n]);
}

static void sysf_bounce_put(void *buf, size_t n, bool write)
{
	if (sysf_bounce_kept(n, write)) {
		spin_lock(&sysf_bounce_lock);
		if (sysf_bounce_nfree < SYSF_BOUNCE_KEEP) {
			sysf_bounce_free[sysf_bounce_nfree++] = buf;
			buf = NULL;
		}
		spin_unlock(&sysf_bounce_lock);
	}
	kfree(buf);
}

struct sysf_rw {
	const char *call;
	int fd;
	uint64_t ubuf;
	uint64_t len;
	int64_t off;            /* < 0: at the file's offset */
	uint8_t *kbuf;          /* SYSF_BOUNCE bytes, or len if smaller */
	uint8_t small[SYSF_SMALL_IO];   /* kbuf for a len that fits */
	bool write;
};

static ssize_t sysf_io(struct sysf_rw *rw, size_t n, uint64_t done)
{
	if (rw->off < 0)
		return rw->write ? syswrite(rw->fd, rw->kbuf, n) : sysread(rw->fd, rw->kbuf, n);
	if (rw->write)
		return syspwrite(rw->fd, rw->kbuf, n, rw->off + (int64_t)done);
	return syspread(rw->fd, rw->kbuf, n, rw->off + (int64_t)done);
}

/* The result after a chunk failed: the progress so far, else the error. */
static int64_t sysf_rw_stop(struct syscall_ctx *ctx, struct sysf_rw *rw, uint64_t done,
                            bool fault)
{
	if (done)
		return (int64_t)done;
	if (fault)
		return sysc_fail(ctx, EFAULT, "%s: buffer at %#lx is not %s", rw->call,
		                 rw->ubuf, rw->write ? "readable" : "writable");
	return sysc_fail_from_kthread(ctx, rw->call);
}

static int64_t sysf_read_loop(struct syscall_ctx *ctx, struct sysf_rw *rw)
{
	uint64_t done = 0;

	do {
		size_t want = MIN(rw->len - done, (uint64_t)SYSF_BOUNCE);
		ssize_t r = sysf_io(rw, want, done);
		size_t put;

		if (r < 0)
			return sysf_rw_stop(ctx, rw, done, false);
		r = MIN(r, (ssize_t)want);      /* never trust a count past the buffer */
		put = copy_to_user_partial((void *)(rw->ubuf + done), rw->kbuf, (size_t)r);
		done += put;
		if (put < (size_t)r)
			return sysf_rw_stop(ctx, rw, done, true);
		if ((size_t)r < want)
			break;
	} while (done < rw->len);
	return (int64_t)done;
}

static int64_t sysf_write_loop(struct syscall_ctx *ctx, struct sysf_rw *rw)
{
	uint64_t done = 0;

	do {
		size_t want = MIN(rw->len - done, (uint64_t)SYSF_BOUNCE);
		size_t got = copy_from_user_partial(rw->kbuf, (const void *)(rw->ubuf + done), want);
		ssize_t r;

		if (got == 0 && want)
			return sysf_rw_stop(ctx, rw, done, true);
		r = sysf_io(rw, got, done);
		if (r < 0)
			return sysf_rw_stop(ctx, rw, done, false);
		r = MIN(r, (ssize_t)got);       /* never count more than was handed over */
		done += (uint64_t)r;
		if ((size_t)r < got || got < want)
			break;
	} while (done < rw->len);
	return (int64_t)done;
}

/* read, write, pread, pwrite: check, bounce through kbuf, report progress. */
static int64_t sysf_rw(struct syscall_ctx *ctx, const char *call, int64_t off, bool write)
{
	struct sysf_rw rw;      /* field by field: an initializer would zero small[] */
	int64_t ret;

	rw.call = call;
	rw.fd = (int)ctx->sc.arg0;
	rw.ubuf = ctx->sc.arg1;
	rw.len = ctx->sc.arg2;
	rw.off = off;
	rw.write = write;

	if (!user_range_ok(rw.ubuf, rw.len))
		return sysc_fail(ctx, EFAULT, "%s: buffer %#lx of %lu bytes is not in user space",
		                 call, rw.ubuf, rw.len);
	if (off != -1 && (off < 0 || off > INT64_MAX - (int64_t)rw.len))
		return sysc_fail(ctx, EINVAL, "%s: offset %ld with length %lu is out of range",
		                 call, (long)off, rw.len);
	if (rw.len <= SYSF_SMALL_IO) {
		rw.kbuf = rw.small;     /* the common small I/O: no allocation */
		if (!write)             /* a device that claims more than it wrote */
			memset(rw.small, 0, rw.len);    /* copies out zeros, not stack */
	}
	else if (!(rw.kbuf = sysf_bounce_get(MIN(rw.len, (uint64_t)SYSF_BOUNCE), write)))
		return sysf_nomem(ctx, call);
	ret = write ? sysf_write_loop(ctx, &rw) : sysf_read_loop(ctx, &rw);
	if (rw.kbuf != rw.small)
		sysf_bounce_put(rw.kbuf, MIN(rw.len, (uint64_t)SYSF_BOUNCE), write);
	return ret;
}

int64_t sys_read(struct syscall_ctx *ctx)
{
	return sysf_rw(ctx, "read", -1, false);
}

int64_t sys_write(struct syscall_ctx *ctx)
{
	return sysf_rw(ctx, "write", -1, true);
}

int64_t sys_pread(struct syscall_ctx *ctx)
{
	int64_t off = (int64_t)ctx->sc.arg3;

	if (off < 0)
		return sysc_fail(ctx, EINVAL, "pread: negative offset %ld", (long)off);
	return sysf_rw(ctx, "pread", off, false);
}

int64_t sys_pwrite(struct syscall_ctx *ctx)
{
	int64_t off = (int64_t)ctx->sc.arg3;

	if (off < 0)
		return sysc_fail(ctx, EINVAL, "pwrite: negative offset %ld", (long)off);
	return sysf_rw(ctx, "pwrite", off, true);
}

/* ------------------------------------------------------- open, seek, close */

int64_t sys_openat(struct syscall_ctx *ctx)
{
	int dirfd = (int)ctx->sc.arg0, oflags = (int)ctx->sc.arg3;
	uint64_t mode = ctx->sc.arg4;
	char *path;
	int fd;

	if (oflags & ~O_ALL_FLAGS)
		return sysc_fail(ctx, EINVAL, "openat: unknown flags %#x", oflags & ~O_ALL_FLAGS);
	if (mode & ~(uint64_t)SYSF_PERM_MAX)
		return sysc_fail(ctx, EINVAL, "openat: mode %#lo has bits beyond %#o", mode,
		                 SYSF_PERM_MAX);
	path = sysc_copy_path(ctx, ctx->sc.arg1, ctx->sc.arg2, "openat");
	if (!path)
		return -1;
	fd = sysopenat_n(dirfd, path, strlen(path), oflags, (uint32_t)mode & 0777);
	kfree(path);
	return fd < 0 ? sysc_fail_from_kthread(ctx, "openat") : fd;
}

int64_t sys_llseek(struct syscall_ctx *ctx)
{
	int64_t r = sysseek((int)ctx->sc.arg0, (int64_t)ctx->sc.arg1, (int)ctx->sc.arg2);

	return r < 0 ? sysc_fail_from_kthread(ctx, "llseek") : r;
}

int64_t sys_close(struct syscall_ctx *ctx)
{
	return sysclose((int)ctx->sc.arg0) < 0 ? sysc_fail_from_kthread(ctx, "close") : 0;
}

/* ------------------------------------------------------------------ stat */

/* Decoded stat of fd (path NULL) or path: *d's strings point into the
 * returned block (kfree it); NULL after sysc_fail. */
static void *sysf_stat_dir(struct syscall_ctx *ctx, const char *call, int fd,
                           const char *path, int flags, struct dir *d)
{
	uint8_t *buf = kmalloc(2 * SYSF_STAT_BUF, MEM_WAIT | MEM_USER);
	ssize_t n;

	if (!buf) {
		sysf_nomem(ctx, call);
		return NULL;
	}
	n = path ? sysstat(path, buf, SYSF_STAT_BUF, flags) : sysfstat(fd, buf, SYSF_STAT_BUF);
	if (n < 0) {
		sysc_fail_from_kthread(ctx, call);
	} else if (convM2D(buf, (size_t)n, d, (char *)buf + SYSF_STAT_BUF) != (size_t)n) {
		sysc_fail(ctx, EIO, "%s: the device returned a malformed stat entry", call);
		n = -1;
	}
	if (n < 0) {
		kfree(buf);
		return NULL;
	}
	return buf;
}

static uint32_t sysf_mode_to_kstat(uint32_t dm)
{
	uint32_t type = S_IFREG;

	if (dm & DMDIR)
		type = S_IFDIR;
	else if (dm & DMSYMLINK)
		type = S_IFLNK;
	return type | (dm & 0777);
}

static void sysf_dir_to_kstat(const struct dir *d, struct kstat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = (uint64_t)d->type << 32 | d->dev;
	st->st_ino = d->qid.path;
	st->st_mode = sysf_mode_to_kstat(d->mode);
	st->st_nlink = 1;
	st->st_size = d->length;
	st->st_blksize = PGSIZE;
	if (d->length > 0)
		st->st_blocks = d->length / 512 + (d->length % 512 != 0);
	st->st_atim.tv_sec = (int64_t)d->atime;
	st->st_mtim.tv_sec = (int64_t)d->mtime;
	st->st_ctim = st->st_mtim;
	st->st_qid_vers = d->qid.vers;
	st->st_qid_type = d->qid.type;
}

/* fstat (path NULL), stat, lstat: stat, convert, copy the kstat out. */
static int64_t sysf_do_stat(struct syscall_ctx *ctx, const char *call, int fd,
                            const char *path, int flags, uint64_t ust)
{
	struct dir d;
	struct kstat st;
	void *mem = sysf_stat_dir(ctx, call, fd, path, flags, &d);

	if (!mem)
		return -1;
	sysf_dir_to_kstat(&d, &st);
	kfree(mem);
	if (copy_to_user((void *)ust, &st, sizeof(st)))
		return sysc_fail(ctx, EFAULT, "%s: kstat at %#lx is not writable", call, ust);
	return 0;
}

int64_t sys_fstat(struct syscall_ctx *ctx)
{
	return sysf_do_stat(ctx, "fstat", (int)ctx->sc.arg0, NULL, 0, ctx->sc.arg1);
}

static int64_t sysf_path_stat(struct syscall_ctx *ctx, const char *call, int flags)
{
	char *path = sysc_copy_path(ctx, ctx->sc.arg0, ctx->sc.arg1, call);
	int64_t r;

	if (!path)
		return -1;
	r = sysf_do_stat(ctx, call, -1, path, flags, ctx->sc.arg2);
	kfree(path);
	return r;
}

int64_t sys_stat(struct syscall_ctx *ctx)
{
	return sysf_path_stat(ctx, "stat", 0);
}

int64_t sys_lstat(struct syscall_ctx *ctx)
{
	return sysf_path_stat(ctx, "lstat", O_NOFOLLOW);
}

/* ----------------------------------------------------------------- fcntl */

static int64_t sysf_dupfd(struct syscall_ctx *ctx, int fd, uint64_t low, int fd_flags)
{
	int r;

	if (low >= NR_FILE_DESC_MAX)
		return sysc_fail(ctx, EINVAL, "fcntl: F_DUPFD lowest fd %lu is not below %d",
		                 low, NR_FILE_DESC_MAX);
	r = sysdup(fd, (int)low, fd_flags);
	return r < 0 ? sysc_fail_from_kthread(ctx, "fcntl") : r;
}

static int64_t sysf_setfl(struct syscall_ctx *ctx, int fd, uint64_t arg)
{
	if (arg & ~(uint64_t)O_ALL_FLAGS)
		return sysc_fail(ctx, EINVAL, "fcntl: F_SETFL: unknown flags %#lx",
		                 arg & ~(uint64_t)O_ALL_FLAGS);
	if (syssetfl(fd, (int)(arg & O_FILE_FLAGS)) < 0)
		return sysc_fail_from_kthread(ctx, "fcntl");
	return 0;
}

static int64_t sysf_setfd(struct syscall_ctx *ctx, int fd, uint64_t arg)
{
	if (arg & ~(uint64_t)FD_CLOEXEC)
		return sysc_fail(ctx, EINVAL, "fcntl: F_SETFD: unknown fd flags %#lx", arg);
	return syssetfd(fd, (int)arg) < 0 ? sysc_fail_from_kthread(ctx, "fcntl") : 0;
}

int64_t sys_fcntl(struct syscall_ctx *ctx)
{
	int fd = (int)ctx->sc.arg0, cmd = (int)ctx->sc.arg1, r;
	uint64_t arg = ctx->sc.arg2;

	switch (cmd) {
	case F_DUPFD: return sysf_dupfd(ctx, fd, arg, 0);
	case F_DUPFD_CLOEXEC: return sysf_dupfd(ctx, fd, arg, FD_CLOEXEC);
	case F_GETFD:
		r = sysgetfd(fd);
		return r < 0 ? sysc_fail_from_kthread(ctx, "fcntl") : r;
	case F_SETFD: return sysf_setfd(ctx, fd, arg);
	case F_GETFL:
		r = sysgetfl(fd);
		return r < 0 ? sysc_fail_from_kthread(ctx, "fcntl") : r;
	case F_SETFL: return sysf_setfl(ctx, fd, arg);
	default:
		return sysc_fail(ctx, EINVAL, "fcntl: unknown command %d on fd %d", cmd, fd);
	}
}

/* ------------------------------------------------------- access, readlink */

static int64_t sysf_check_access(struct syscall_ctx *ctx, const char *path, int mode)
{
	struct dir d;
	void *mem = sysf_stat_dir(ctx, "access", -1, path, 0, &d);
	uint32_t perm;

	if (!mem)
		return -1;
	perm = d.mode & 0777;
	kfree(mem);
	/* No users yet: the owner's bits decide, as devpermcheck() does. */
	if ((((perm >> 6) & 7) & (uint32_t)mode) != (uint32_t)mode)
		return sysc_fail(ctx, EACCES, "access: '%s' (mode %03o) does not allow %s%s%s",
		                 path, perm, mode & R_OK ? "r" : "", mode & W_OK ? "w" : "",
		                 mode & X_OK ? "x" : "");
	return 0;
}

int64_t sys_access(struct syscall_ctx *ctx)
{
	int mode = (int)ctx->sc.arg2;
	char *path;
	int64_t r;

	if (mode & ~(F_OK | R_OK | W_OK | X_OK))
		return sysc_fail(ctx, EINVAL, "access: unknown mode bits %#x", mode);
	path = sysc_copy_path(ctx, ctx->sc.arg0, ctx->sc.arg1, "access");
	if (!path)
		return -1;
	r = sysf_check_access(ctx, path, mode);
	kfree(path);
	return r;
}

static int64_t sysf_put_link(struct syscall_ctx *ctx, const char *path, uint64_t ubuf,
                             uint64_t ulen)
{
	struct dir d;
	void *mem = sysf_stat_dir(ctx, "readlink", -1, path, O_NOFOLLOW, &d);
	size_t n;
	int64_t r;

	if (!mem)
		return -1;
	if (!(d.mode & DMSYMLINK)) {
		kfree(mem);
		return sysc_fail(ctx, EINVAL, "readlink: '%s' is not a symbolic link", path);
	}
	n = MIN(strlen(d.ext), ulen);   /* truncated, without a NUL, as POSIX says */
	r = (int64_t)n;
	if (copy_to_user((void *)ubuf, d.ext, n))
		r = sysc_fail(ctx, EFAULT, "readlink: buffer at %#lx is not writable", ubuf);
	kfree(mem);
	return r;
}

int64_t sys_readlink(struct syscall_ctx *ctx)
{
	uint64_t ubuf = ctx->sc.arg2, ulen = ctx->sc.arg3;
	char *path;
	int64_t r;

	if (ulen == 0)
		return sysc_fail(ctx, EINVAL, "readlink: buffer of 0 bytes");
	if (!user_range_ok(ubuf, ulen))
		return sysc_fail(ctx, EFAULT, "readlink: buffer %#lx of %lu bytes is not in "
		                 "user space", ubuf, ulen);
	path = sysc_copy_path(ctx, ctx->sc.arg0, ctx->sc.arg1, "readlink");
	if (!path)
		return -1;
	r = sysf_put_link(ctx, path, ubuf, ulen);
	kfree(path);
	return r;
}

/* ------------------------------------------ mkdir, rmdir, unlink, rename */

int64_t sys_mkdir(struct syscall_ctx *ctx)
{
	uint64_t mode = ctx->sc.arg2;
	char *path;
	int r;

	if (mode & ~(uint64_t)SYSF_PERM_MAX)
		return sysc_fail(ctx, EINVAL, "mkdir: mode %#lo has bits beyond %#o", mode,
		                 SYSF_PERM_MAX);
	path = sysc_copy_path(ctx, ctx->sc.arg0, ctx->sc.arg1, "mkdir");
	if (!path)
		return -1;
	r = sysmkdir(path, (uint32_t)mode & 0777);
	kfree(path);
	return r < 0 ? sysc_fail_from_kthread(ctx, "mkdir") : 0;
}

/* rmdir, unlink: one path in, one sysfile call. */
static int64_t sysf_remove(struct syscall_ctx *ctx, const char *call,
                           int (*op)(const char *path))
{
	char *path = sysc_copy_path(ctx, ctx->sc.arg0, ctx->sc.arg1, call);
	int r;

	if (!path)
		return -1;
	r = op(path);
	kfree(path);
	return r < 0 ? sysc_fail_from_kthread(ctx, call) : 0;
}

int64_t sys_rmdir(struct syscall_ctx *ctx)
{
	return sysf_remove(ctx, "rmdir", sysrmdir);
}

int64_t sys_unlink(struct syscall_ctx *ctx)
{
	return sysf_remove(ctx, "unlink", sysunlink);
}

/* rename, symlink: two paths in, one sysfile call. */
static int64_t sysf_two_paths(struct syscall_ctx *ctx, const char *call,
                              const char *what0, const char *what1,
                              int (*op)(const char *a, const char *b))
{
	char *a = sysc_copy_path(ctx, ctx->sc.arg0, ctx->sc.arg1, what0);
	char *b = a ? sysc_copy_path(ctx, ctx->sc.arg2, ctx->sc.arg3, what1) : NULL;
	int r = -1;

	if (b && op(a, b) < 0)
		sysc_fail_from_kthread(ctx, call);
	else if (b)
		r = 0;
	kfree(a);
	kfree(b);
	return r;
}

int64_t sys_rename(struct syscall_ctx *ctx)
{
	return sysf_two_paths(ctx, "rename", "rename (old path)", "rename (new path)",
	                      sysrename);
}

int64_t sys_symlink(struct syscall_ctx *ctx)
{
	return sysf_two_paths(ctx, "symlink", "symlink (target)", "symlink (link path)",
	                      syssymlink);
}

/* -------------------------------------------- cwd, chdir, fchdir, fd2path */

/* getcwd and fd2path: fill a bounded kernel buffer, copy the string out. */
static int64_t sysf_path_out(struct syscall_ctx *ctx, const char *call, int fd,
                             uint64_t ubuf, uint64_t ulen)
{
	size_t klen = MAX_PATH_LEN + 1;  /* the whole path; ERANGE is ours to say */
	char *kbuf;
	int64_t r;

	if (ulen == 0)
		return sysc_fail(ctx, ERANGE, "%s: buffer of 0 bytes", call);
	if (!user_range_ok(ubuf, ulen))
		return sysc_fail(ctx, EFAULT, "%s: buffer %#lx of %lu bytes is not in user "
		                 "space", call, ubuf, ulen);
	kbuf = kmalloc(klen, MEM_WAIT | MEM_USER);
	if (!kbuf)
		return sysf_nomem(ctx, call);
	if ((fd < 0 ? sysgetcwd(kbuf, klen) : sysfd2path(fd, kbuf, klen)) < 0)
		r = sysc_fail_from_kthread(ctx, call);
	else
		r = sysf_put_string(ctx, call, kbuf, ubuf, ulen);
	kfree(kbuf);
	return r;
}

int64_t sys_getcwd(struct syscall_ctx *ctx)
{
	return sysf_path_out(ctx, "getcwd", -1, ctx->sc.arg0, ctx->sc.arg1);
}

int64_t sys_fd2path(struct syscall_ctx *ctx)
{
	int fd = (int)ctx->sc.arg0;

	if (fd < 0)
		return sysc_fail(ctx, EBADF, "fd2path: fd %d is not open", fd);
	return sysf_path_out(ctx, "fd2path", fd, ctx->sc.arg1, ctx->sc.arg2);
}

int64_t sys_chdir(struct syscall_ctx *ctx)
{
	struct proc *child;
	struct pgrp *pg = sysf_dot_pgrp(ctx, "chdir", (int)ctx->sc.arg0, &child);
	char *path = pg ? sysc_copy_path(ctx, ctx->sc.arg1, ctx->sc.arg2, "chdir") : NULL;
	int64_t r = -1;

	if (path)
		r = syschdir(pg, path) < 0 ? sysc_fail_from_kthread(ctx, "chdir") : 0;
	kfree(path);
	if (child)
		proc_put(child);
	return r;
}

int64_t sys_fchdir(struct syscall_ctx *ctx)
{
	struct proc *child;
	struct pgrp *pg = sysf_dot_pgrp(ctx, "fchdir", (int)ctx->sc.arg0, &child);
	int64_t r = -1;

	if (pg)
		r = sysfchdir(pg, (int)ctx->sc.arg1) < 0 ? sysc_fail_from_kthread(ctx, "fchdir") : 0;
	if (child)
		proc_put(child);
	return r;
}

/* ----------------------------------------------------------- wstat, fwstat */

/* A dir that changes nothing (Plan 9's nulldir), then the fields asked for. */
static void sysf_wstat_select(const struct dir *in, int flags, struct dir *out)
{
	memset(out, 0xff, sizeof(*out));
	out->name = out->uid = out->gid = out->muid = out->ext = "";
	if (flags & WSTAT_MODE)
		out->mode = in->mode;
	if (flags & WSTAT_ATIME)
		out->atime = in->atime;
	if (flags & WSTAT_MTIME)
		out->mtime = in->mtime;
	if (flags & WSTAT_LENGTH)
		out->length = in->length;
	if (flags & WSTAT_NAME)
		out->name = in->name;
	if (flags & WSTAT_UID)
		out->uid = in->uid;
	if (flags & WSTAT_GID)
		out->gid = in->gid;
	if (flags & WSTAT_MUID)
		out->muid = in->muid;
}

static int64_t sysf_wstat_check(struct syscall_ctx *ctx, const char *call, uint64_t len,
                                 int flags)
{
	if ((flags & ~WSTAT_ALL) || !flags)
		return sysc_fail(ctx, EINVAL, "%s: flags %#x: need some of WSTAT_ALL (%#x) "
		                 "and nothing else", call, flags, WSTAT_ALL);
	if (len < STATFIXLEN || len > STATMAXLEN)
		return sysc_fail(ctx, EINVAL, "%s: stat of %lu bytes (must be %d..%d)", call,
		                 len, STATFIXLEN, STATMAXLEN);
	return 0;
}

/* buf[0, len) holds the user's blob and has room for 3 * len bytes: checks
 * it and leaves the selected fields, re-encoded, at buf; their length, or 0
 * after sysc_fail. */
static size_t sysf_wstat_encode(struct syscall_ctx *ctx, const char *call, uint8_t *buf,
                                size_t len, int flags)
{
	const char *why = ninep_stat_error(buf, len);
	struct dir in, sel;
	size_t n;

	if (why) {
		sysc_fail(ctx, EINVAL, "%s: bad stat: %s", call, why);
		return 0;
	}
	if (convM2D(buf, len, &in, (char *)buf + len) != len) {
		sysc_fail(ctx, EINVAL, "%s: stat does not decode", call);
		return 0;
	}
	sysf_wstat_select(&in, flags, &sel);
	n = convD2M(&sel, buf + 2 * len, len);
	if (!n)
		sysc_fail(ctx, EINVAL, "%s: cannot re-encode the stat", call);
	memmove(buf, buf + 2 * len, n);
	return n;
}

/* The wstat blob to hand to sysfile, in *out (kfree it): its length, or 0
 * after sysc_fail. */
static size_t sysf_wstat_blob(struct syscall_ctx *ctx, const char *call, uint64_t ublob,
                              uint64_t len, int flags, uint8_t **out)
{
	uint8_t *buf;
	size_t n = 0;

	if (sysf_wstat_check(ctx, call, len, flags) < 0)
		return 0;
	buf = kmalloc(3 * len, MEM_WAIT | MEM_USER);
	if (!buf) {
		sysf_nomem(ctx, call);
		return 0;
	}
	if (copy_from_user(buf, (const void *)ublob, len))
		sysc_fail(ctx, EFAULT, "%s: stat at %#lx is not readable", call, ublob);
	else
		n = sysf_wstat_encode(ctx, call, buf, len, flags);
	if (!n)
		kfree(buf);
	else
		*out = buf;
	return n;
}

int64_t sys_wstat(struct syscall_ctx *ctx)
{
	uint8_t *blob = NULL;
	size_t n = sysf_wstat_blob(ctx, "wstat", ctx->sc.arg2, ctx->sc.arg3,
	                           (int)ctx->sc.arg4, &blob);
	char *path;
	int64_t r = -1;

	if (!n)
		return -1;
	path = sysc_copy_path(ctx, ctx->sc.arg0, ctx->sc.arg1, "wstat");
	if (path)
		r = syswstat(path, blob, n) < 0 ? sysc_fail_from_kthread(ctx, "wstat") : 0;
	kfree(path);
	kfree(blob);
	return r;
}

int64_t sys_fwstat(struct syscall_ctx *ctx)
{
	uint8_t *blob = NULL;
	size_t n = sysf_wstat_blob(ctx, "fwstat", ctx->sc.arg1, ctx->sc.arg2,
	                           (int)ctx->sc.arg3, &blob);
	int64_t r;

	if (!n)
		return -1;
	r = sysfwstat((int)ctx->sc.arg0, blob, n) < 0 ? sysc_fail_from_kthread(ctx, "fwstat") : 0;
	kfree(blob);
	return r;
}

/* ------------------------------------------------------------ dup_fds_to */

/* Installs our fd m->parentfd as fd m->childfd of the table 'to', replacing
 * what was there; 0 or -errno. */
static int sysf_dup_one(struct fd_table *to, const struct childfdmap *m)
{
	struct chan *c;
	int r;

	if (m->childfd >= NR_FILE_DESC_MAX)
		return -EBADF;
	c = fd_get_chan(current_fdt(), (int)m->parentfd);
	if (!c)
		return -EBADF;
	fd_close(to, (int)m->childfd);  /* -EBADF when the slot was free: fine */
	r = fd_alloc_chan(to, c, (int)m->childfd, 0);
	if (r < 0) {
		cclose(c);
		return r;
	}
	if (r != (int)m->childfd) {     /* refilled under us: cannot happen to a CREATED child */
		fd_close(to, r);
		return -EBUSY;
	}
	return 0;
}

/* Runs every entry (each gets its ok); the index of the first failure, or -1. */
static int64_t sysf_dup_all(struct fd_table *to, struct childfdmap *map, uint64_t nr)
{
	int64_t first_bad = -1;

	for (uint64_t i = 0; i < nr; i++) {
		map[i].ok = sysf_dup_one(to, &map[i]);
		if (map[i].ok && first_bad < 0)
			first_bad = (int64_t)i;
	}
	return first_bad;
}

static int64_t sysf_dup_report(struct syscall_ctx *ctx, const struct childfdmap *map,
                               uint64_t nr, int64_t bad)
{
	const struct childfdmap *m;

	if (bad < 0)
		return (int64_t)nr;
	m = &map[bad];
	return sysc_fail(ctx, -m->ok, "dup_fds_to: entry %ld (our fd %u to child fd %u): %s",
	                 (long)bad, m->parentfd, m->childfd,
	                 fd_strerror(m->ok));
}

/*
 * Every entry is tried; each gets ok = 0 or -errno, and the map is copied
 * back.  Returns nr_entries when all succeeded, else fails with the first
 * failing entry's error.  The map must be readable and writable: that is
 * checked (by writing it back unchanged) before anything changes.
 */
int64_t sys_dup_fds_to(struct syscall_ctx *ctx)
{
	uint64_t umap = ctx->sc.arg1, nr = ctx->sc.arg2;
	struct childfdmap *map;
	struct proc *child;
	int64_t bad;

	if (nr == 0 || nr > NR_FILE_DESC_MAX)
		return sysc_fail(ctx, EINVAL, "dup_fds_to: %lu entries (must be 1..%d)", nr,
		                 NR_FILE_DESC_MAX);
	map = kmalloc_array(nr, sizeof(*map), MEM_WAIT | MEM_USER);
	if (!map)
		return sysf_nomem(ctx, "dup_fds_to");
	if (copy_from_user(map, (const void *)umap, nr * sizeof(*map)) ||
	    copy_to_user((void *)umap, map, nr * sizeof(*map))) {
		kfree(map);
		return sysc_fail(ctx, EFAULT, "dup_fds_to: map at %#lx (%lu entries) is not "
		                 "readable and writable", umap, nr);
	}
	child = sysf_created_child(ctx, "dup_fds_to", (int)ctx->sc.arg0);
	if (!child) {
		kfree(map);
		return -1;
	}
	bad = sysf_dup_all(&child->fdt, map, nr);
	proc_put(child);
	if (copy_to_user((void *)umap, map, nr * sizeof(*map)))
		bad = sysc_fail(ctx, EFAULT, "dup_fds_to: map at %#lx became unwritable", umap);
	else
		bad = sysf_dup_report(ctx, map, nr, bad);
	kfree(map);
	return bad;
}
