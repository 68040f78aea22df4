/* SPDX-License-Identifier: MIT */
/*
 * argenv.c - parlib's argv/envp packer (parlib/argenv.h) over the kernel's
 * own, argenv_pack() of kern/src/lib/argenv.c (ros/argenv.h), which
 * libparlib links: this file only turns NULL-terminated vectors into
 * counts.  Counting stops one past the kernel's string limit, so a huge
 * vector is -E2BIG without being walked to its end.  Used by the C
 * library's execve and posix_spawn (tools/compilers/musl/vireo/lx_exec.c)
 * and the tools' spawn helper (user/bin/lib/vbin.c).
 */
#include <parlib/argenv.h>

/* Strings in a NULL-terminated vector (NULL: none), at most limit + 1. */
static uint32_t argenv_count(char *const vec[], uint32_t limit)
{
	uint32_t n = 0;

	while (vec && vec[n] && n <= limit)
		n++;
	return n;
}

/* The vectors as the packer takes them. */
#define ARGENV_VECS(argv, envp)                                                  \
	(const char *const *)(argv), argenv_count((argv), ARGENV_MAX_STRINGS),  \
	(const char *const *)(envp), argenv_count((envp), ARGENV_MAX_STRINGS)

ssize_t parlib_argenv_size(char *const argv[], char *const envp[])
{
	return argenv_packed_size(ARGENV_VECS(argv, envp));
}

/* A NULL buf has no room: -ENOSPC once the vectors are known to be good. */
ssize_t parlib_argenv_pack(char *const argv[], char *const envp[], void *buf, size_t cap)
{
	return argenv_pack(ARGENV_VECS(argv, envp), buf, buf ? cap : 0);
}
