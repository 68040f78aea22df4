/* SPDX-License-Identifier: MIT */
/*
 * lx_exec.c - fork, exec and posix_spawn of the translation layer.
 *
 * fork/vfork: Vireo's SYS_fork (copy-on-write; the child sees 0), then the
 * child forgets the signals pending in its parent.  vfork is a fork.  From
 * a process with threads (an MCP) the child runs only the caller: it first
 * becomes a single-threaded SCP again (lx_threads_after_fork); musl's fork
 * runs the pthread_atfork handlers and resets its own locks around it.
 * execve: argv/envp packed by parlib_argenv_pack() (the kernel's blob
 * format) and SYS_exec; it returns only on failure.  execveat serves
 * AT_FDCWD, an absolute path, or AT_EMPTY_PATH (the fd's name from
 * fd2path), which is what fexecve needs.
 *
 * __vireo_spawn (lx_spawn.h), for musl's posix_spawn: proc_create with
 * PROC_DUP_FGRP gives the CREATED child a copy of our FD table; the file
 * actions are applied in order, the child's table followed by a model
 * (which of our FDs sits at each child fd): dup2 is dup_fds_to from the
 * model's source, close is a ctl "close", open is an open in this process
 * then dup_fds_to, chdir/fchdir are Vireo's chdir/fchdir of the child.  Last, as exec
 * would, the fds still holding our close-on-exec fds (#proc/self/fd says
 * which) are closed in the child through #proc/<child>/ctl ("close N";
 * ctl's "close" also serves the close action).  Differences: an
 * open's relative path and O_CLOEXEC are taken in this process (not after
 * an earlier chdir action, and the child's fd is not close-on-exec).  Any
 * failure kills the CREATED child (proc_destroy) and reaps it; then the
 * child never ran.  Finally proc_run.
 */
#include <string.h>
#include <ros/fcntl.h>
#include <ros/mmap.h>
#include <parlib/argenv.h>
#include <parlib/parlib.h>
#include "lx.h"
#include "lx_spawn.h"

#define LX_SMALL_BLOB 2048
#define LX_SPAWN_MODEL_MAX 64
#define LX_FDLIST_CHUNK 1024

/* ------------------------------------------------------------- the blob */

struct lx_blob {
	void *buf;
	long len;
	size_t mapped;          /* bytes mmap'ed for buf, 0 if buf is small */
	uint8_t small[LX_SMALL_BLOB];
};

static long lx_blob_make(struct lx_blob *b, char *const argv[], char *const envp[])
{
	long n = parlib_argenv_size(argv, envp);

	b->mapped = 0;
	b->buf = b->small;
	if (n < 0)
		return n;
	if (n > LX_SMALL_BLOB) {
		long va = ros_syscall_raw(SYS_mmap, 0, n, PROT_READ | PROT_WRITE,
		                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (va < 0 && va > -4096)
			return va;
		b->buf = (void *)va;
		b->mapped = (size_t)n;
	}
	b->len = parlib_argenv_pack(argv, envp, b->buf, (size_t)n);
	return b->len;
}

static void lx_blob_free(struct lx_blob *b)
{
	if (b->mapped)
		ros_syscall_raw(SYS_munmap, (long)b->buf, (long)b->mapped, 0, 0, 0, 0);
	b->mapped = 0;
}

/* ----------------------------------------------------------- fork, exec */

/* SYS_fork without parlib's syscall hook, which in a child of a process
 * with threads would look at the parent's threads before they are
 * dropped (lx_threads_after_fork).  Without threads, fork is the plain
 * call (the hook runs after it, in parent and child, as after any call). */
static long lx_fork_trap(void)
{
	struct syscall sc = { .num = SYS_fork };

	ros_syscall_trap(&sc, 1);
	if ((__atomic_load_n(&sc.flags, __ATOMIC_ACQUIRE) & (SC_DONE | SC_K_LOCK)) != SC_DONE)
		ros_syscall_blockon(&sc);       /* never a child: it starts done */
	if (!sc.err)
		return (long)sc.retval;
	sc.errstr[sizeof(sc.errstr) - 1] = 0;
	errstr_set(sc.errstr);
	return sc.err > 0 && sc.err < 4096 ? -(long)sc.err : -LX_EIO;
}

long lx_fork(const long *a)
{
	bool threads = lx_threads_running();
	long r;

	(void)a;
	r = threads ? lx_fork_trap() : ros_syscall_raw(SYS_fork, 0, 0, 0, 0, 0, 0);
	if (r == 0) {
		if (threads)
			lx_threads_after_fork();        /* before anything looks at threads */
		lx_timer_after_fork();  /* first: the drain must not acknowledge */
		lx_sig_after_fork();
		lx_ready_after_fork();  /* the parent's wait timers, untapped here */
		lx_ep_after_fork();
	}
	return r;
}

static long lx_exec_path(const char *path, char *const argv[], char *const envp[])
{
	struct lx_blob b;
	long len = lx_path_len(path), r;

	if (len < 0)
		return len;
	if (!argv)
		return -LX_EFAULT;
	r = lx_blob_make(&b, argv, envp);
	if (r >= 0)
		r = ros_syscall_raw(SYS_exec, (long)path, len, (long)b.buf, b.len, 0, 0);
	lx_blob_free(&b);
	return r;
}

long lx_execve(const long *a)
{
	return lx_exec_path((const char *)a[0], (char *const *)a[1], (char *const *)a[2]);
}

long lx_execveat(const long *a)
{
	const char *path = (const char *)a[1];
	char name[SYSC_MAX_PATH_LEN + 1];
	long r;

	if (a[4] & ~(long)(LX_AT_EMPTY_PATH | LX_AT_SYMLINK_NOFOLLOW))
		return -LX_EINVAL;
	if (path && !path[0] && (a[4] & LX_AT_EMPTY_PATH)) {
		r = ros_syscall_raw(SYS_fd2path, (int)a[0], (long)name, sizeof(name), 0, 0, 0);
		if (r < 0)
			return r;
		name[sizeof(name) - 1] = '\0';
		path = name;
	} else if (!path || ((int)a[0] != LX_AT_FDCWD && path[0] != '/')) {
		lx_errstr("execveat", "only AT_FDCWD, an absolute path or AT_EMPTY_PATH on Vireo");
		return path ? -LX_ENOSYS : -LX_EFAULT;
	}
	return lx_exec_path(path, (char *const *)a[2], (char *const *)a[3]);
}

/* ---------------------------------------------------------------- spawn */

struct lx_spawn {
	int pid;                        /* the CREATED child */
	int ctl;                        /* #proc/<pid>/ctl, or -1 */
	int nmodel;
	struct {
		int fd;                 /* the child's fd */
		int src;                /* our fd now at fd, or -1: closed */
		int temp;               /* src is ours to close at the end */
	} model[LX_SPAWN_MODEL_MAX];
};

static long lx_sys(unsigned int num, long a0, long a1, long a2)
{
	return ros_syscall_raw(num, a0, a1, a2, 0, 0, 0);
}

static long lx_open_path(const char *path, long vflags, long mode)
{
	return ros_syscall_raw(SYS_openat, LX_AT_FDCWD, (long)path, (long)strlen(path),
	                       vflags, mode, 0);
}

/* Writes "close N" to the child's ctl; a fd it does not have is fine. */
static long lx_spawn_close(struct lx_spawn *s, int fd)
{
	char msg[32] = "close ";
	size_t len = 6 + lx_utoa(msg + 6, (unsigned int)fd);
	long r = lx_sys(SYS_write, s->ctl, (long)msg, (long)len);

	return r == -LX_EBADF ? 0 : r < 0 ? r : 0;
}

/* The slot of the model for child fd, or -1. */
static int lx_model_find(const struct lx_spawn *s, int fd)
{
	for (int i = 0; i < s->nmodel; i++)
		if (s->model[i].fd == fd)
			return i;
	return -1;
}

/* Our fd that the child has at fd, or -1 if the child has none there.
 * Close-on-exec fds are still there while the actions run (POSIX). */
static long lx_model_src(const struct lx_spawn *s, int fd)
{
	int i = lx_model_find(s, fd);

	if (i >= 0)
		return s->model[i].src;
	return lx_sys(SYS_fcntl, fd, F_GETFD, 0) < 0 ? -1 : fd;
}

static long lx_model_set(struct lx_spawn *s, int fd, int src, int temp)
{
	int i = lx_model_find(s, fd);

	if (i < 0) {
		if (s->nmodel == LX_SPAWN_MODEL_MAX) {
			lx_errstr("posix_spawn", "too many file actions for Vireo's spawn (64 fds)");
			return -LX_ENOSYS;
		}
		i = s->nmodel++;
	} else if (s->model[i].temp) {
		lx_sys(SYS_close, s->model[i].src, 0, 0);
	}
	s->model[i].fd = fd;
	s->model[i].src = src;
	s->model[i].temp = temp;
	return 0;
}

/* Puts our fd src at the child's fd (dup_fds_to, one entry). */
static long lx_spawn_map(struct lx_spawn *s, long src, int fd)
{
	struct childfdmap m = { .parentfd = (uint32_t)src, .childfd = (uint32_t)fd };
	long r = lx_sys(SYS_dup_fds_to, s->pid, (long)&m, 1);

	return r < 0 ? r : 0;
}

static long lx_spawn_dup2(struct lx_spawn *s, const struct lx_spawn_op *op)
{
	long src = lx_model_src(s, op->srcfd), r;

	if (src < 0 || op->fd < 0)
		return -LX_EBADF;
	r = lx_spawn_map(s, src, op->fd);
	return r < 0 ? r : lx_model_set(s, op->fd, (int)src, 0);
}

static long lx_spawn_open(struct lx_spawn *s, const struct lx_spawn_op *op)
{
	long len = lx_path_len(op->path);
	long vflags = lx_oflags_to_vireo(op->oflag & ~(long)LX_O_CLOEXEC);
	long t, r;

	if (len < 0)
		return len;
	if (vflags < 0)
		return vflags;
	if (op->fd < 0)
		return -LX_EBADF;
	t = lx_open_path(op->path, vflags | O_CLOEXEC, (long)op->mode);
	if (t < 0)
		return t;
	r = lx_spawn_map(s, t, op->fd);
	if (r == 0)
		r = lx_model_set(s, op->fd, (int)t, 1);
	if (r < 0)
		lx_sys(SYS_close, t, 0, 0);
	return r;
}

static long lx_spawn_op(struct lx_spawn *s, const struct lx_spawn_op *op)
{
	long len, src, r;

	switch (op->cmd) {
	case LX_SPAWN_CLOSE:
		r = lx_model_src(s, op->fd) < 0 ? 0 : lx_spawn_close(s, op->fd);
		return r < 0 ? r : lx_model_set(s, op->fd, -1, 0);
	case LX_SPAWN_DUP2:
		return lx_spawn_dup2(s, op);
	case LX_SPAWN_OPEN:
		return lx_spawn_open(s, op);
	case LX_SPAWN_CHDIR:
		len = lx_path_len(op->path);
		return len < 0 ? len : lx_sys(SYS_chdir, s->pid, (long)op->path, len);
	case LX_SPAWN_FCHDIR:
		src = lx_model_src(s, op->fd);
		return src < 0 ? -LX_EBADF : lx_sys(SYS_fchdir, s->pid, src, 0);
	default:
		return -LX_EINVAL;
	}
}

/* One line "fd mode flags ..." of #proc/self/fd: closes fd in the child
 * when its flags say cloexec and no action put something else there (fds
 * we opened after proc_create are not in the child: EBADF, ignored). */
static long lx_spawn_fdline(struct lx_spawn *s, const char *line, size_t len)
{
	unsigned int fd = 0;
	size_t i = 0;
	const char *flags;

	while (i < len && line[i] >= '0' && line[i] <= '9')
		fd = fd * 10 + (unsigned int)(line[i++] - '0');
	if (i == 0 || i + 6 > len || line[i] != ' ')
		return 0;
	flags = line + i + 5;           /* past " rwx " */
	if (len - (size_t)(flags - line) >= 7 && !memcmp(flags, "cloexec", 7) &&
	    lx_model_find(s, (int)fd) < 0)
		return lx_spawn_close(s, (int)fd);
	return 0;
}

/* Reads #proc/self/fd line by line (lines carried across reads). */
static long lx_spawn_drop_cloexec(struct lx_spawn *s)
{
	char buf[LX_FDLIST_CHUNK];
	size_t have = 0;
	long fd = lx_open_path("#proc/self/fd", O_READ | O_CLOEXEC, 0), n = 0, r = 0;

	if (fd < 0)
		return fd;
	while (r >= 0 && (n = lx_sys(SYS_read, fd, (long)buf + (long)have,
	                             (long)(sizeof(buf) - have))) > 0) {
		char *nl, *start = buf;

		have += (size_t)n;
		while (r >= 0 && (nl = memchr(start, '\n', have - (size_t)(start - buf)))) {
			r = lx_spawn_fdline(s, start, (size_t)(nl - start));
			start = nl + 1;
		}
		have -= (size_t)(start - buf);
		memmove(buf, start, have);
		if (have == sizeof(buf))
			r = -LX_EIO;    /* a line longer than the buffer */
	}
	lx_sys(SYS_close, fd, 0, 0);
	return r < 0 ? r : n < 0 ? n : 0;
}

static long lx_spawn_open_ctl(struct lx_spawn *s)
{
	char path[40] = "#proc/";
	size_t len = 6 + lx_utoa(path + 6, (unsigned int)s->pid);

	memcpy(path + len, "/ctl", 5);
	s->ctl = (int)lx_open_path(path, O_WRITE | O_CLOEXEC, 0);
	return s->ctl < 0 ? s->ctl : 0;
}

static long lx_spawn_setup(struct lx_spawn *s, const struct lx_spawn_op *ops, size_t nops)
{
	long r = lx_spawn_open_ctl(s);

	for (size_t i = 0; r == 0 && i < nops; i++)
		r = lx_spawn_op(s, &ops[i]);
	return r == 0 ? lx_spawn_drop_cloexec(s) : r;
}

static void lx_spawn_release(struct lx_spawn *s)
{
	for (int i = 0; i < s->nmodel; i++)
		if (s->model[i].temp)
			lx_sys(SYS_close, s->model[i].src, 0, 0);
	if (s->ctl >= 0)
		lx_sys(SYS_close, s->ctl, 0, 0);
}

/* Kills and reaps a CREATED child that must never run. */
static void lx_spawn_abandon(int pid)
{
	int status;

	if (lx_sys(SYS_proc_destroy, pid, 0, 0) == 0)
		lx_sys(SYS_waitpid, pid, (long)&status, 0);
}

int __vireo_spawn(int *pid, const char *path, const struct lx_spawn_op *ops, size_t nops,
                  char *const argv[], char *const envp[])
{
	struct lx_spawn s = { .ctl = -1 };
	struct lx_blob b;
	long len = lx_path_len(path), r;

	if (len < 0)
		return (int)-len;
	if (!argv)
		return LX_EFAULT;
	r = lx_blob_make(&b, argv, envp);
	if (r >= 0)
		r = ros_syscall_raw(SYS_proc_create, (long)path, len, (long)b.buf, b.len,
		                    PROC_DUP_FGRP, 0);
	lx_blob_free(&b);
	if (r < 0)
		return (int)-r;
	s.pid = (int)r;
	r = lx_spawn_setup(&s, ops, nops);
	lx_spawn_release(&s);
	if (r >= 0)
		r = lx_sys(SYS_proc_run, s.pid, 0, 0);
	if (r < 0) {
		lx_spawn_abandon(s.pid);
		return (int)-r;
	}
	if (pid)
		*pid = s.pid;
	return 0;
}
