/* SPDX-License-Identifier: MIT */
/*
 * lx_spawn.h - posix_spawn's way into the translation layer.
 *
 * musl's posix_spawn (tools/compilers/musl/overlay/src/process/
 * posix_spawn.c) turns its file-action list into an array of struct
 * lx_spawn_op, in order, and calls __vireo_spawn(), which starts the
 * program with proc_create, applies the actions to the CREATED child and
 * runs it (lx_exec.c).  This header holds no Vireo or Linux names, so
 * musl's sources can include it.
 */
#pragma once

#include <stddef.h>

#define LX_SPAWN_CLOSE  1       /* the values of musl's FDOP_* */
#define LX_SPAWN_DUP2   2
#define LX_SPAWN_OPEN   3
#define LX_SPAWN_CHDIR  4
#define LX_SPAWN_FCHDIR 5

struct lx_spawn_op {
	int cmd;                /* LX_SPAWN_* */
	int fd;                 /* the child's fd the action is about */
	int srcfd;              /* DUP2: the child's fd to copy */
	int oflag;              /* OPEN: Linux open flags */
	unsigned int mode;      /* OPEN: the mode for O_CREAT */
	const char *path;       /* OPEN, CHDIR */
};

/*
 * Starts path with argv/envp (NULL-terminated; envp may be NULL) and the
 * ops applied in order; *pid gets the child's pid.  Returns 0 or a positive
 * errno (the posix_spawn convention): the child never runs then.
 */
int __vireo_spawn(int *pid, const char *path, const struct lx_spawn_op *ops, size_t nops,
                  char *const argv[], char *const envp[]);
