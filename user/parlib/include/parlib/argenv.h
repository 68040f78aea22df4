/* SPDX-License-Identifier: MIT */
/*
 * parlib/argenv.h - packing argv and envp into the blob that Vireo's
 * proc_create and exec take (the user side of kern/include/argenv.h, whose
 * comment defines the format; the kernel checks every blob it is given).
 *
 *	ssize_t n = parlib_argenv_size(argv, envp);     (NULL-terminated vectors)
 *	void *blob = malloc(n);
 *	parlib_argenv_pack(argv, envp, blob, n);
 *	ros_syscall(SYS_exec, path, strlen(path), blob, n, 0, 0);
 *
 * The blob, little-endian, no alignment: u32 magic, u32 argc, u32 envc,
 * u32 strbytes, u32 offset[argc + envc] into the string area, then the
 * strings back to back, each NUL-terminated.  argc must be at least 1.
 * The packer writes the one canonical form the kernel accepts; the host
 * test libc_lx checks its bytes against the kernel's own unpacker.
 * Pure code: no allocation, no syscalls; the caller owns the buffer.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PARLIB_ARGENV_MAGIC       0x31564541u     /* "AEV1" in file order */
#define PARLIB_ARGENV_HDR_LEN     16
#define PARLIB_ARGENV_MAX_LEN     (256 * 1024)    /* the kernel's limits */
#define PARLIB_ARGENV_MAX_STRINGS 8192

/*
 * Bytes of the blob for the NULL-terminated vectors argv and envp (envp
 * may be NULL: no environment), or -EINVAL (argv NULL or empty) or -E2BIG
 * (more than the kernel takes).
 */
ssize_t parlib_argenv_size(char *const argv[], char *const envp[]);

/* Writes the blob into buf (cap bytes); returns its length, the errors of
 * parlib_argenv_size(), or -ENOSPC when cap is too small (nothing written). */
ssize_t parlib_argenv_pack(char *const argv[], char *const envp[], void *buf, size_t cap);
