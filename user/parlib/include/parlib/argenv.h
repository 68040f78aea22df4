/* SPDX-License-Identifier: MIT */
/*
 * parlib/argenv.h - packing NULL-terminated argv and envp into the blob
 * that Vireo's proc_create and exec take (format and limits: ros/argenv.h;
 * the kernel checks every blob it is given).
 *
 *	ssize_t n = parlib_argenv_size(argv, envp);     (NULL-terminated vectors)
 *	void *blob = malloc(n);
 *	parlib_argenv_pack(argv, envp, blob, n);
 *	ros_syscall(SYS_exec, path, strlen(path), blob, n, 0, 0);
 *
 * These count the vectors and hand them to the one packer, argenv_pack()
 * (kern/src/lib/argenv.c, built into libparlib): the bytes are the
 * kernel's own.  Pure code: no allocation, no syscalls; the caller owns
 * the buffer.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <ros/argenv.h>

/*
 * Bytes of the blob for the NULL-terminated vectors argv and envp (envp
 * may be NULL: no environment), or -EINVAL (argv NULL or empty) or -E2BIG
 * (more than the kernel takes).
 */
ssize_t parlib_argenv_size(char *const argv[], char *const envp[]);

/* Writes the blob into buf (cap bytes); returns its length, the errors of
 * parlib_argenv_size(), or -ENOSPC when cap is too small or buf is NULL
 * (nothing written). */
ssize_t parlib_argenv_pack(char *const argv[], char *const envp[], void *buf, size_t cap);
