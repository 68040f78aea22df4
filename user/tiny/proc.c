/* SPDX-License-Identifier: MIT */
/*
 * proc.c - tiny_spawn and tiny_wait (tiny/proc.h).
 */
#include <argenv.h>
#include <tiny/proc.h>
#include <tiny/string.h>
#include <tiny/syscall.h>

#define TINY_ARGENV_MAX 4096

static uint8_t tiny_blob[TINY_ARGENV_MAX];

/* Packs argv into tiny_blob; its length or -errno. */
static ssize_t tiny_pack(const char *const *argv)
{
	uint32_t argc = 0;

	while (argv[argc])
		argc++;
	return argenv_pack(argv, argc, NULL, 0, tiny_blob, sizeof(tiny_blob));
}

int64_t tiny_spawn_sc(struct syscall *sc, const char *path, const char *const *argv,
                      uint64_t flags)
{
	ssize_t n = tiny_pack(argv);

	if (n < 0)
		return n;
	return sysc(sc, SYS_proc_create, UP(path), strlen(path), UP(tiny_blob), (uint64_t)n, flags);
}

int64_t tiny_spawn(const char *path, const char *const *argv)
{
	struct syscall sc;

	return tiny_spawn_sc(&sc, path, argv, 0);
}

int64_t tiny_exec(struct syscall *sc, const char *path, const char *const *argv)
{
	ssize_t n = tiny_pack(argv);

	if (n < 0)
		return n;
	return sysc(sc, SYS_exec, UP(path), strlen(path), UP(tiny_blob), (uint64_t)n);
}

int64_t tiny_wait(int64_t pid, int *status)
{
	return tsys(SYS_waitpid, (uint64_t)pid, UP(status), 0);
}
