/* SPDX-License-Identifier: MIT */
/*
 * shebang.h - the "#!" line of an interpreted program (kern/src/proc/shebang.c).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Linux's rules: the line is looked for in the file's first 256 bytes
 * (BINPRM_BUF_SIZE) and an interpreter may itself be a script, four deep. */
#define SHEBANG_BUF_MAX   256
#define SHEBANG_DEPTH_MAX 4

struct shebang {
	char interp[SHEBANG_BUF_MAX];   /* the interpreter's path */
	char arg[SHEBANG_BUF_MAX];      /* the one optional argument */
	bool has_arg;
};

/* Whether buf[0, len) starts with "#!". */
bool shebang_is_script(const void *buf, size_t len);
/*
 * Parses the "#!" line at the start of buf[0, len): 0 and *sb filled, or
 * -ENOEXEC with a static reason in *why (no interpreter named, or the name
 * does not end within SHEBANG_BUF_MAX bytes).  Pure: no allocation.
 */
int shebang_parse(const void *buf, size_t len, struct shebang *sb, const char **why);
