/* SPDX-License-Identifier: MIT */
/*
 * argenv.c - the argv/envp blob packer of user space (parlib/argenv.h).
 *
 * Two passes over the vectors: the first counts strings and bytes against
 * the kernel's limits (so a huge environment is -E2BIG here, not a
 * half-written buffer), the second writes the header, the offsets and the
 * strings.  Multi-byte fields go through memcpy: the buffer needs no
 * alignment.  Used by the C library's execve and posix_spawn
 * (tools/compilers/musl/vireo/lx_exec.c).
 */
#include <errno.h>
#include <string.h>
#include <parlib/argenv.h>

static void argenv_put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

/* Strings in a NULL-terminated vector (NULL: none), at most limit + 1. */
static size_t argenv_count(char *const vec[], size_t limit)
{
	size_t n = 0;

	while (vec && vec[n] && n <= limit)
		n++;
	return n;
}

ssize_t parlib_argenv_size(char *const argv[], char *const envp[])
{
	size_t argc = argenv_count(argv, PARLIB_ARGENV_MAX_STRINGS);
	size_t envc = argenv_count(envp, PARLIB_ARGENV_MAX_STRINGS);
	size_t total;

	if (argc == 0)
		return -EINVAL;
	if (argc + envc > PARLIB_ARGENV_MAX_STRINGS)
		return -E2BIG;
	total = PARLIB_ARGENV_HDR_LEN + 4 * (argc + envc);
	for (size_t i = 0; i < argc + envc; i++) {
		const char *s = i < argc ? argv[i] : envp[i - argc];

		total += strnlen(s, PARLIB_ARGENV_MAX_LEN) + 1;
		if (total > PARLIB_ARGENV_MAX_LEN)
			return -E2BIG;
	}
	return (ssize_t)total;
}

ssize_t parlib_argenv_pack(char *const argv[], char *const envp[], void *buf, size_t cap)
{
	ssize_t total = parlib_argenv_size(argv, envp);
	size_t argc = argenv_count(argv, PARLIB_ARGENV_MAX_STRINGS);
	size_t envc = argenv_count(envp, PARLIB_ARGENV_MAX_STRINGS);
	uint8_t *b = buf, *str;
	uint32_t pos = 0;

	if (total < 0)
		return total;
	if ((size_t)total > cap || !buf)
		return -ENOSPC;
	str = b + PARLIB_ARGENV_HDR_LEN + 4 * (argc + envc);
	argenv_put32(b, PARLIB_ARGENV_MAGIC);
	argenv_put32(b + 4, (uint32_t)argc);
	argenv_put32(b + 8, (uint32_t)envc);
	argenv_put32(b + 12, (uint32_t)(b + total - str));
	for (size_t i = 0; i < argc + envc; i++) {
		const char *s = i < argc ? argv[i] : envp[i - argc];
		size_t len = strlen(s) + 1;

		argenv_put32(b + PARLIB_ARGENV_HDR_LEN + 4 * i, pos);
		memcpy(str + pos, s, len);
		pos += (uint32_t)len;
	}
	return total;
}
