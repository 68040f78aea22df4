/* SPDX-License-Identifier: MIT */
/*
 * tiny/proc.h - starting and ending child processes from the freestanding
 * tests.
 *
 *	const char *argv[] = { "/test/hello", NULL };
 *	int64_t pid = tiny_spawn("/test/hello", argv);   // CREATED, or -errno
 *	tsys(SYS_proc_run, pid);
 *	int status;  tiny_wait(pid, &status);            // pid, or -errno
 *	tiny_exec(&sc, "/test/hello", argv);             // back only on failure
 *
 * tiny_spawn packs argv (no environment) with the kernel's own argenv code
 * (kern/src/lib/argenv.c, linked into every tiny program) and issues
 * SYS_proc_create; the child gets no FDs of ours unless the caller passes
 * them with SYS_dup_fds_to before running it.
 */
#pragma once

#include <stdint.h>
#include <ros/syscall.h>

int64_t tiny_spawn(const char *path, const char *const *argv);
/* The same through sc, which keeps err and errstr, with proc_create flags
 * (PROC_DUP_FGRP). */
int64_t tiny_spawn_sc(struct syscall *sc, const char *path, const char *const *argv,
                      uint64_t flags);
/* SYS_exec with argv (no environment) through sc; returns only on failure
 * (sc has err and errstr). */
int64_t tiny_exec(struct syscall *sc, const char *path, const char *const *argv);
int64_t tiny_wait(int64_t pid, int *status);
