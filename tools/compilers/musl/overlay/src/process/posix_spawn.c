/* SPDX-License-Identifier: MIT */
/*
 * posix_spawn.c - Vireo's posix_spawn, replacing musl's (which clones a
 * thread that runs the file actions and then execs: Vireo has no clone).
 *
 * The file actions (musl's fdop list, oldest at the end of the next chain)
 * become an array of struct lx_spawn_op handed to __vireo_spawn() in the
 * translation layer (tools/compilers/musl/vireo/lx_exec.c), which creates
 * the child with proc_create, applies them to it and runs it.
 * posix_spawnp (musl's own file) sets attr->__fn to __execvpe: then a name
 * without a '/' is looked up along PATH here, as execvp does, the first
 * candidate that exists being spawned.
 * Attributes: RESETIDS and SETSIGDEF hold already (no user ids; a new
 * program starts with every signal at its default), SETSIGMASK with an
 * empty mask likewise; SETPGROUP, SETSID, SETSCHEDPARAM, SETSCHEDULER and a
 * non-empty SETSIGMASK are ENOSYS.  USEVFORK is ignored.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fdop.h"
#include "../vireo/lx_spawn.h"

#define SPAWN_UNSUPPORTED (POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSID | \
                           POSIX_SPAWN_SETSCHEDPARAM | POSIX_SPAWN_SETSCHEDULER)

int __execvpe(const char *, char *const *, char *const *);

static int spawn_attr_check(const posix_spawnattr_t *attr)
{
	sigset_t empty;

	if (!attr)
		return 0;
	if (attr->__flags & SPAWN_UNSUPPORTED)
		return ENOSYS;
	sigemptyset(&empty);
	if ((attr->__flags & POSIX_SPAWN_SETSIGMASK) &&
	    memcmp(&attr->__mask, &empty, sizeof(empty)))
		return ENOSYS;
	return 0;
}

/* The actions, oldest first, in a malloc'ed array (*out NULL if none). */
static int spawn_ops(const posix_spawn_file_actions_t *fa, struct lx_spawn_op **out,
                     size_t *n)
{
	struct fdop *op = fa ? fa->__actions : NULL;
	size_t count = 0;

	*out = NULL;
	*n = 0;
	if (!op)
		return 0;
	while (op->next)
		op = op->next;
	for (struct fdop *o = op; o; o = o->prev)
		count++;
	*out = calloc(count, sizeof(**out));
	if (!*out)
		return ENOMEM;
	for (; op; op = op->prev, (*n)++) {
		struct lx_spawn_op *s = &(*out)[*n];

		s->cmd = op->cmd;
		s->fd = op->fd;
		s->srcfd = op->srcfd;
		s->oflag = op->oflag;
		s->mode = op->mode;
		s->path = op->path;
	}
	return 0;
}

/* posix_spawnp's PATH search: ENOENT, ENOTDIR and EACCES try the next. */
static int spawn_search(int *pid, const char *file, const struct lx_spawn_op *ops,
                        size_t nops, char *const argv[], char *const envp[])
{
	const char *path = getenv("PATH"), *p, *z;
	size_t k = strnlen(file, NAME_MAX + 1);
	char buf[PATH_MAX];
	int err = ENOENT, seen_eacces = 0;

	if (k > NAME_MAX)
		return ENAMETOOLONG;
	if (!path)
		path = "/usr/local/bin:/bin:/usr/bin";
	for (p = path;; p = z + 1) {
		z = strchrnul(p, ':');
		if ((size_t)(z - p) + 1 + k < sizeof(buf)) {
			memcpy(buf, p, (size_t)(z - p));
			buf[z - p] = '/';
			memcpy(buf + (z - p) + (z > p), file, k + 1);
			err = __vireo_spawn(pid, buf, ops, nops, argv, envp);
			if (err != ENOENT && err != ENOTDIR && err != EACCES)
				return err;
			seen_eacces |= err == EACCES;
		}
		if (!*z)
			break;
	}
	return seen_eacces ? EACCES : err;
}

int posix_spawn(pid_t *restrict res, const char *restrict path,
                const posix_spawn_file_actions_t *fa, const posix_spawnattr_t *restrict attr,
                char *const argv[restrict], char *const envp[restrict])
{
	struct lx_spawn_op *ops;
	size_t nops;
	int pid = -1, err = spawn_attr_check(attr);

	if (err)
		return err;
	err = spawn_ops(fa, &ops, &nops);
	if (err)
		return err;
	if (attr && attr->__fn == (void *)__execvpe && !strchr(path, '/'))
		err = *path ? spawn_search(&pid, path, ops, nops, argv, envp) : ENOENT;
	else
		err = __vireo_spawn(&pid, path, ops, nops, argv, envp);
	free(ops);
	if (!err && res)
		*res = pid;
	return err;
}
