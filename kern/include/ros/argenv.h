/* SPDX-License-Identifier: MIT */
/*
 * ros/argenv.h - the argv/envp blob that proc_create and exec take (ABI),
 * and its one packer.
 *
 * The blob (all fields little-endian, no alignment needed):
 *	u32 magic (ARGENV_MAGIC), u32 argc, u32 envc, u32 strbytes,
 *	u32 offset[argc + envc]      (into the string area: argv, then envp)
 *	char strings[strbytes]       (each NUL-terminated)
 * It must be canonical: strings packed back to back in order, offset[0] = 0,
 * each next offset just past the previous NUL, the last NUL the last byte,
 * and the length exactly 16 + 4 * (argc + envc) + strbytes.  argc >= 1.
 * So one blob has one meaning, and packing an unpacked blob gives it back.
 *
 * argenv_pack() (kern/src/lib/argenv.c) writes it.  That one file is
 * linked by the kernel (the programs it starts itself), by the tiny test
 * programs, and by parlib, whose parlib_argenv_pack() (the C library's
 * execve and posix_spawn) only counts NULL-terminated vectors and calls
 * it: there is no second packer.  The kernel's checker and the stack
 * builder are in kern/include/argenv.h.  Pure code: no allocation, no
 * locks, no system calls; the caller owns the buffer.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define ARGENV_MAGIC        0x31564541u     /* "AEV1" in file order */
#define ARGENV_HDR_LEN      16
#define ARGENV_MAX_LEN      (256 * 1024)    /* whole blob */
#define ARGENV_MAX_STRINGS  8192            /* argc + envc */

/*
 * Bytes argenv_pack() writes for these vectors, or -EINVAL (argc 0, a
 * NULL string) or -E2BIG (over the limits above).
 */
int64_t argenv_packed_size(const char *const *argv, uint32_t argc,
                           const char *const *envp, uint32_t envc);

/* Writes the canonical blob into buf; returns its length, the errors of
 * argenv_packed_size(), or -ENOSPC if cap is too small (nothing written). */
int64_t argenv_pack(const char *const *argv, uint32_t argc,
                    const char *const *envp, uint32_t envc, void *buf, size_t cap);
