/* SPDX-License-Identifier: MIT */
/*
 * vbin.c - the helpers Vireo's tools share (vbin.h): error reports,
 * starting programs through the native process calls, and bind, mount and
 * unmount.  Linked into every /bin program built from user/bin/.
 *
 * Starting a program: the argv and environment are packed into the argenv
 * blob the kernel reads (parlib_argenv_pack), then
 * SYS_proc_create, SYS_dup_fds_to for whichever of fds 0-2 we have open,
 * SYS_proc_run.  A failure after proc_create destroys and reaps the child.
 *
 * Not thread-safe (one static blob buffer); no allocation.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <parlib/argenv.h>
#include <parlib/ns.h>
#include <parlib/syscall.h>
#include "vbin.h"

#define VBIN_BLOB_MAX     (64 * 1024)
#define VBIN_PATH_MAX     256

extern char **environ;

static uint8_t vbin_blob[VBIN_BLOB_MAX];

void vbin_fail(const char *prog, const char *what)
{
	int err = errno;
	const char *es = errstr();

	if (es && *es)
		fprintf(stderr, "%s: %s: %s (%s)\n", prog, what, strerror(err), es);
	else
		fprintf(stderr, "%s: %s: %s\n", prog, what, strerror(err));
	errno = err;
}

ssize_t vbin_slurp(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t n = 0;
	ssize_t r = 0;

	if (fd < 0)
		return -1;
	while (n + 1 < size && (r = read(fd, buf + n, size - 1 - n)) > 0)
		n += (size_t)r;
	close(fd);
	buf[n] = 0;
	if (r < 0)
		return -1;
	if (n + 1 >= size) {
		errno = EFBIG;
		return -1;
	}
	return (ssize_t)n;
}

int vbin_parse_pid(const char *s)
{
	long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 100000000)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return (int)v;
}

/* Packs argv and envp into vbin_blob (parlib's packer); its length, or -1
 * with errno E2BIG. */
static ssize_t vbin_pack(char *const *argv, char *const *envp)
{
	ssize_t n = argv && argv[0] ? parlib_argenv_pack(argv, envp, vbin_blob, VBIN_BLOB_MAX)
	                            : -1;

	if (n < 0) {
		errno = E2BIG;
		errstr_set("argument list too long for the argenv blob");
		return -1;
	}
	return n;
}

/* Gives the CREATED child our open fds among 0-2; 0 or -1. */
static int vbin_give_fds(int pid)
{
	struct childfdmap map[3];
	size_t n = 0;

	memset(map, 0, sizeof(map));
	for (int fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) < 0)
			continue;
		map[n].parentfd = (uint32_t)fd;
		map[n].childfd = (uint32_t)fd;
		n++;
	}
	if (n == 0)
		return 0;
	return ros_syscall(SYS_dup_fds_to, pid, (long)map, (long)n, 0, 0, 0) < 0 ? -1 : 0;
}

/* Destroys and reaps a child that never ran, keeping errno and errstr. */
static void vbin_abandon(int pid)
{
	int err = errno, st;

	ros_syscall_raw(SYS_proc_destroy, pid, 0, 0, 0, 0, 0);
	ros_syscall_raw(SYS_waitpid, pid, (long)&st, 0, 0, 0, 0);
	errno = err;
}

int vbin_spawn(char *const *argv)
{
	int pid = vbin_create(argv);

	return pid < 0 || vbin_start(pid) < 0 ? -1 : pid;
}

int vbin_create(char *const *argv)
{
	char path[VBIN_PATH_MAX];
	ssize_t len;
	long pid;

	if (!argv || !argv[0] || !*argv[0]) {
		errno = EINVAL;
		return -1;
	}
	if (strchr(argv[0], '/'))
		snprintf(path, sizeof(path), "%s", argv[0]);
	else
		snprintf(path, sizeof(path), "/bin/%s", argv[0]);
	len = vbin_pack(argv, environ);
	if (len < 0)
		return -1;
	pid = ros_syscall(SYS_proc_create, (long)path, (long)strlen(path), (long)vbin_blob,
			  len, 0, 0);
	if (pid < 0)
		return -1;
	if (vbin_give_fds((int)pid)) {
		vbin_abandon((int)pid);
		return -1;
	}
	return (int)pid;
}

int vbin_start(int pid)
{
	if (ros_syscall(SYS_proc_run, pid, 0, 0, 0, 0, 0) < 0) {
		vbin_abandon(pid);
		return -1;
	}
	return 0;
}

int vbin_wait(int pid, int *status, int options)
{
	long r = ros_syscall(SYS_waitpid, pid, (long)status, options, 0, 0, 0);

	return r < 0 ? -1 : (int)r;
}

int vbin_status_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 255;
}

int vbin_run(char *const *argv, const char *prog)
{
	int pid = vbin_spawn(argv), status;

	if (pid < 0) {
		vbin_fail(prog, argv && argv[0] ? argv[0] : "(no command)");
		return -1;
	}
	if (vbin_wait(pid, &status, 0) < 0) {
		vbin_fail(prog, "waitpid");
		return -1;
	}
	if (WIFSIGNALED(status))
		fprintf(stderr, "%s: %s: killed\n", prog, argv[0]);
	return vbin_status_code(status);
}

/* ------------------------------------------------------- name spaces */

struct vbin_ns_req {
	enum vbin_ns_op op;
	int flags;              /* VBIN_M* (bind and mount) */
	const char *src;        /* bind: new; mount: /srv file or fd; unmount: new or NULL */
	const char *onto;       /* old */
	char *const *cmd;       /* NULL, or the command to run afterwards */
};

/* The program name and usage line of op ("bind", "[-abc] new old [cmd...]"). */
static const char *vbin_ns_name(enum vbin_ns_op op)
{
	return op == VBIN_BIND ? "bind" : op == VBIN_MOUNT ? "mount" : "unmount";
}

static const char *vbin_ns_usage(enum vbin_ns_op op)
{
	if (op == VBIN_BIND)
		return "[-abc] new old [-- cmd [args...]]";
	if (op == VBIN_MOUNT)
		return "[-abc] /srv/file|fd old [-- cmd [args...]]";
	return "[new] old [-- cmd [args...]]";
}

static int vbin_ns_bad(enum vbin_ns_op op, const char *why)
{
	fprintf(stderr, "%s: %s\nusage: %s %s\n", vbin_ns_name(op), why, vbin_ns_name(op),
		vbin_ns_usage(op));
	return -1;
}

/* Reads the leading -abch options; the index of the first operand, 0 for
 * -h, or -1 after a report. */
static int vbin_ns_options(enum vbin_ns_op op, int argc, char *const *argv, int *flags)
{
	int i;

	*flags = VBIN_MREPL;
	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (strcmp(argv[i], "--") == 0)
			return i + 1;
		for (const char *o = argv[i] + 1; *o; o++) {
			if (*o == 'h')
				return 0;
			if (op == VBIN_UNMOUNT || !strchr("abc", *o))
				return vbin_ns_bad(op, "unknown option");
			*flags |= *o == 'a' ? VBIN_MAFTER : *o == 'b' ? VBIN_MBEFORE : VBIN_MCREATE;
		}
	}
	if ((*flags & VBIN_MAFTER) && (*flags & VBIN_MBEFORE))
		return vbin_ns_bad(op, "-a and -b exclude each other");
	return i;
}

/* Parses argv (argv[0] the program, options from argv[1]) into req.
 * Returns 0, 1 for -h, or -1 after printing what is wrong and the usage. */
static int vbin_ns_parse(enum vbin_ns_op op, int argc, char *const *argv, struct vbin_ns_req *req)
{
	int first = vbin_ns_options(op, argc, argv, &req->flags), n = 0;

	if (first <= 0)
		return first == 0 ? 1 : -1;
	while (first + n < argc && strcmp(argv[first + n], "--") != 0)
		n++;
	req->op = op;
	req->cmd = NULL;
	if (first + n < argc) {
		if (first + n + 1 >= argc)
			return vbin_ns_bad(op, "no command after --");
		req->cmd = argv + first + n + 1;
	}
	if (n != 2 && !(op == VBIN_UNMOUNT && n == 1))
		return vbin_ns_bad(op, "wrong number of arguments");
	req->src = n == 2 ? argv[first] : NULL;
	req->onto = argv[first + n - 1];
	return 0;
}

/* mount: the source as an fd (a number, or a /srv file opened). */
static int vbin_mount(const struct vbin_ns_req *req)
{
	int fd = vbin_parse_pid(req->src), opened = -1;
	long r;

	if (fd < 0) {
		fd = opened = open(req->src, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			vbin_fail("mount", req->src);
			return -1;
		}
	}
	r = vireo_mount(fd, req->onto, req->flags);
	if (r < 0)
		vbin_fail("mount", req->onto);
	if (opened >= 0)
		close(opened);
	return r < 0 ? -1 : 0;
}

/* Changes our name space as req says; 0, or -1 after reporting the error. */
static int vbin_ns_apply(const struct vbin_ns_req *req)
{
	long r;

	if (req->op == VBIN_MOUNT)
		return vbin_mount(req);
	if (req->op == VBIN_BIND)
		r = vireo_bind(req->src, req->onto, req->flags);
	else
		r = vireo_unmount(req->src, req->onto);
	if (r < 0) {
		char what[512];

		snprintf(what, sizeof(what), "%s on %s", req->src ? req->src : "everything",
			 req->onto);
		vbin_fail(vbin_ns_name(req->op), what);
		return -1;
	}
	return 0;
}

int vbin_ns_main(enum vbin_ns_op op, int argc, char *const *argv)
{
	struct vbin_ns_req req;
	int r = vbin_ns_parse(op, argc, argv, &req);

	if (r == 1) {
		printf("usage: %s %s\n", vbin_ns_name(op), vbin_ns_usage(op));
		printf("Changes this process's name space; a name space is copied when a\n"
		       "process starts, so the change is seen only by the command after --.\n");
		return 0;
	}
	if (r < 0)
		return 2;
	if (vbin_ns_apply(&req))
		return 1;
	if (!req.cmd)
		return 0;
	fflush(stdout);
	r = vbin_run(req.cmd, vbin_ns_name(op));
	return r < 0 ? 1 : r;
}
