/* SPDX-License-Identifier: MIT */
/*
 * sys_proc.c - syscall handlers of the "proc" and "vcore" groups for SCPs:
 * proc_create, proc_run, proc_destroy, proc_yield, waitpid, getvcoreid.
 * fork and exec answer ENOSYS until they exist (Documentation/syscalls.md
 * lists what is missing); they never pretend to succeed.
 */
#include <argenv.h>
#include <errno.h>
#include <kmalloc.h>
#include <kthread.h>
#include <process.h>
#include <syscall.h>
#include <uaccess.h>

/* argv/envp arrays pointing into a validated argenv blob; kfree() both. */
static const char **sysc_argv_from_blob(struct syscall_ctx *ctx, const struct argenv *ae,
                                        const char ***envp)
{
	const char **v = kmalloc_array(ae->argc + ae->envc + 2, sizeof(char *), MEM_WAIT);

	if (!v) {
		sysc_fail(ctx, ENOMEM, "proc_create: no memory for %u arguments",
		          ae->argc + ae->envc);
		return NULL;
	}
	for (uint32_t i = 0; i < ae->argc; i++)
		v[i] = argenv_str(ae, i);
	v[ae->argc] = NULL;
	for (uint32_t i = 0; i < ae->envc; i++)
		v[ae->argc + 1 + i] = argenv_str(ae, ae->argc + i);
	v[ae->argc + 1 + ae->envc] = NULL;
	*envp = &v[ae->argc + 1];
	return v;
}

/* Copies in and checks the argenv blob; the blob is kmalloc'd. */
static void *sysc_copy_argenv(struct syscall_ctx *ctx, uint64_t uptr, uint64_t len,
                              struct argenv *ae)
{
	const char *why = NULL;
	void *blob;

	if (len == 0 || len > ARGENV_MAX_LEN) {
		sysc_fail(ctx, len ? E2BIG : EINVAL, "proc_create: argument blob of %lu bytes "
		          "(1..%d)", len, ARGENV_MAX_LEN);
		return NULL;
	}
	blob = kmalloc(len, MEM_WAIT);
	if (!blob) {
		sysc_fail(ctx, ENOMEM, "proc_create: no memory for the arguments");
		return NULL;
	}
	if (copy_from_user(blob, (const void *)uptr, len)) {
		kfree(blob);
		sysc_fail(ctx, EFAULT, "proc_create: arguments at %#lx are not readable", uptr);
		return NULL;
	}
	if (argenv_unpack(blob, len, ae, &why)) {
		kfree(blob);
		sysc_fail(ctx, EINVAL, "proc_create: bad argument blob: %s", why ? why : "?");
		return NULL;
	}
	return blob;
}

int64_t sys_proc_create(struct syscall_ctx *ctx)
{
	struct syscall *sc = &ctx->sc;
	const char **argv = NULL, **envp = NULL;
	struct argenv ae;
	struct proc *child = NULL;
	char *path;
	void *blob = NULL;
	int ret;

	if (sc->arg4 & ~(uint64_t)PROC_ALL_FLAGS)
		return sysc_fail(ctx, EINVAL, "proc_create: unknown flags %#lx", sc->arg4);
	path = sysc_copy_path(ctx, sc->arg0, sc->arg1, "proc_create");
	if (path)
		blob = sysc_copy_argenv(ctx, sc->arg2, sc->arg3, &ae);
	if (blob)
		argv = sysc_argv_from_blob(ctx, &ae, &envp);
	if (argv) {
		ret = proc_create(path, argv, envp, &child);
		if (ret)
			sysc_fail(ctx, -ret, "proc_create: %s: %s", path, get_errstr());
	}
	kfree(argv);
	kfree(blob);
	kfree(path);
	return ctx->failed ? -1 : child->pid;
}

/* Our child 'pid' (with a reference), or NULL after sysc_fail(). */
static struct proc *sysc_child(struct syscall_ctx *ctx, int pid, const char *what)
{
	struct proc *p = proc_lookup(pid);

	if (!p || p->ppid != ctx->p->pid) {
		if (p)
			proc_put(p);
		sysc_fail(ctx, ESRCH, "%s: %d is not a child of %d", what, pid, ctx->p->pid);
		return NULL;
	}
	return p;
}

int64_t sys_proc_run(struct syscall_ctx *ctx)
{
	struct proc *p = sysc_child(ctx, (int)ctx->sc.arg0, "proc_run");

	if (!p)
		return -1;
	if (READ_ONCE(p->state) != PROC_CREATED) {
		proc_put(p);
		return sysc_fail(ctx, EINVAL, "proc_run: %d is already running", (int)ctx->sc.arg0);
	}
	proc_run(p);
	proc_put(p);
	return 0;
}

int64_t sys_proc_destroy(struct syscall_ctx *ctx)
{
	int pid = (int)ctx->sc.arg0;

	if (pid == 0 || pid == ctx->p->pid)
		proc_exit(ctx->p, WSTATUS_EXITED((int)ctx->sc.arg1));
	return sysc_fail(ctx, ENOSYS, "proc_destroy: killing another process (%d) is not "
	                 "implemented yet", pid);
}

int64_t sys_proc_yield(struct syscall_ctx *ctx)
{
	kthread_yield();
	return 0;
}

/* Waits for child p (we hold a reference and the creator's); returns its pid. */
static int64_t sysc_reap(struct syscall_ctx *ctx, struct proc *p)
{
	int pid = p->pid;
	int status;

	proc_put(p);                    /* the lookup's reference */
	status = proc_wait(p);          /* drops the creator's */
	if (ctx->sc.arg1 && copy_to_user((void *)ctx->sc.arg1, &status, sizeof(status)))
		return sysc_fail(ctx, EFAULT, "waitpid: status at %#lx is not writable",
		                 ctx->sc.arg1);
	return pid;
}

/* waitpid(-1) found nothing: 0 if WNOHANG and children run, else ECHILD. */
static int64_t sysc_no_child(struct syscall_ctx *ctx, int options)
{
	struct proc *any = (options & WNOHANG) ? proc_find_child(ctx->p->pid, false) : NULL;

	if (any) {
		proc_put(any);
		return 0;
	}
	return sysc_fail(ctx, ECHILD, "waitpid: process %d has no children", ctx->p->pid);
}

int64_t sys_waitpid(struct syscall_ctx *ctx)
{
	int pid = (int)ctx->sc.arg0, options = (int)ctx->sc.arg2;
	struct proc *p;

	if (options & ~WAIT_ALL_OPTIONS)
		return sysc_fail(ctx, EINVAL, "waitpid: unknown options %#x", options);
	if (pid == -1) {
		p = proc_find_child(ctx->p->pid, options & WNOHANG);
		if (!p)
			return sysc_no_child(ctx, options);
	} else {
		p = sysc_child(ctx, pid, "waitpid");
		if (!p)
			return -1;
		if ((options & WNOHANG) && READ_ONCE(p->state) != PROC_DEAD) {
			proc_put(p);
			return 0;
		}
	}
	return sysc_reap(ctx, p);
}

int64_t sys_fork(struct syscall_ctx *ctx)
{
	return sysc_fail(ctx, ENOSYS, "fork: copy-on-write fork is not implemented yet");
}

int64_t sys_exec(struct syscall_ctx *ctx)
{
	return sysc_fail(ctx, ENOSYS, "exec: not implemented yet (use proc_create)");
}

int64_t sys_getvcoreid(struct syscall_ctx *ctx)
{
	return 0;                       /* an SCP runs on vcore 0 */
}
