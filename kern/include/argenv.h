/* SPDX-License-Identifier: MIT */
/*
 * argenv.h - the argument/environment blob and the new program's stack.
 *
 * A program starts another with one blob holding argv and envp (the path
 * and the blob go to proc_create/exec as (pointer, length)); the kernel
 * copies it in, checks it with argenv_unpack(), and lays out the new user
 * stack with argenv_build_stack():
 *
 *	struct argenv ae;
 *	const char *why;
 *	if (argenv_unpack(kbuf, len, &ae, &why))    -> -EINVAL/-E2BIG, why says
 *	n = argenv_stack_size(&ae, &ai);            -> bytes the image needs
 *	argenv_build_stack(&ae, &ai, top, img, n, &st);
 *	copy img[0, st.size) to user [st.sp, top); start at entry with rsp = st.sp
 *
 * The blob's format, its limits and its packer (argenv_pack) are ABI, in
 * ros/argenv.h: user space links this same file to pack blobs.
 *
 * The stack image, from sp upward (x86-64 psABI process entry): argc,
 * argv[] and NULL, envp[] and NULL, auxv (type, value) pairs ending in
 * AT_NULL, then the information block: 16 AT_RANDOM bytes, "x86_64", the
 * AT_EXECFN path, the strings.  sp is 16-byte aligned.
 *
 * Pure code: no allocation, no locks, no printing; blobs are never
 * modified and a struct argenv points into its blob (keep the blob alive).
 */
#pragma once

#include <ros/argenv.h>
#include <types.h>

#define ARGENV_EXECFN_MAX   4096            /* AT_EXECFN path, NUL included */
#define ARGENV_AUXV_MAX     24              /* pairs, AT_NULL included */

/* Auxiliary vector types (System V / Linux values, which libcs expect). */
#define AT_NULL             0
#define AT_IGNORE           1
#define AT_PHDR             3
#define AT_PHENT            4
#define AT_PHNUM            5
#define AT_PAGESZ           6
#define AT_BASE             7
#define AT_FLAGS            8
#define AT_ENTRY            9
#define AT_UID              11
#define AT_EUID             12
#define AT_GID              13
#define AT_EGID             14
#define AT_PLATFORM         15
#define AT_HWCAP            16
#define AT_CLKTCK           17
#define AT_SECURE           23
#define AT_RANDOM           25
#define AT_HWCAP2           26
#define AT_EXECFN           31
#define AT_SYSINFO_EHDR     33

/* A validated blob, viewed in place. */
struct argenv {
	uint32_t argc;
	uint32_t envc;
	uint32_t strbytes;
	const uint8_t *offs;    /* argc + envc little-endian u32s */
	const char *strings;    /* strbytes bytes */
};

/* What the auxiliary vector tells the program. */
struct argenv_auxinfo {
	uint64_t entry;         /* AT_ENTRY */
	uint64_t phdr;          /* AT_PHDR; with phdr_mapped false, no AT_PH* */
	bool phdr_mapped;
	uint16_t phnum;         /* AT_PHNUM */
	uint16_t phent;         /* AT_PHENT */
	uint64_t base;          /* AT_BASE: interpreter base, 0 for static */
	uint64_t hwcap;         /* AT_HWCAP */
	uint64_t hwcap2;        /* AT_HWCAP2 */
	uint64_t sysinfo_ehdr;  /* AT_SYSINFO_EHDR, 0 for none */
	uint8_t random[16];     /* copied on the stack; AT_RANDOM points there */
	const char *execfn;     /* AT_EXECFN path, or NULL */
};

/* Where the built stack put things (user addresses). */
struct argenv_stack {
	uint64_t sp;            /* initial rsp: argc is here */
	size_t size;            /* the image covers [sp, top) */
	uint64_t argv;          /* argv[0] */
	uint64_t envp;          /* envp[0] */
	uint64_t auxv;          /* first auxv pair */
	uint64_t strings;       /* copy of the blob's string area */
};

/*
 * Checks the blob at buf (len bytes) and fills *ae.  Returns 0, -E2BIG when
 * a size or count limit is passed, or -EINVAL for a malformed blob; *why
 * (if why is not NULL) gets static text naming the problem, or NULL.
 */
int argenv_unpack(const void *buf, size_t len, struct argenv *ae, const char **why);

/* String i of a valid argenv (i < argc: argv[i], then envp[i - argc]). */
const char *argenv_str(const struct argenv *ae, uint32_t i);

/* Bytes of the stack image for ae and ai, or -EINVAL if ai->execfn is
 * longer than ARGENV_EXECFN_MAX. */
ssize_t argenv_stack_size(const struct argenv *ae, const struct argenv_auxinfo *ai);

/*
 * Builds the stack image for a stack whose highest byte is top - 1 into
 * buf (cap bytes; buf[0] is the byte at st->sp).  Returns 0, -EINVAL (top
 * not 16-byte aligned or above USER_LIMIT, or an execfn too long),
 * -ENOSPC (cap too small) or -E2BIG (the image would reach page 0).
 */
int argenv_build_stack(const struct argenv *ae, const struct argenv_auxinfo *ai,
                       uint64_t top, void *buf, size_t cap, struct argenv_stack *st);
