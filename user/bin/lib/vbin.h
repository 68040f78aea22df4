/* SPDX-License-Identifier: MIT */
/*
 * vbin.h - what Vireo's small tools (user/bin/X.c -> /bin/X) share:
 * error reports, starting programs, and the name-space commands.
 *
 *	vbin_fail("ls", path);                 // "ls: PATH: strerror (errstr)"
 *	int pid = vbin_spawn(argv);            // CREATED child with our 0-2, run
 *	pid = vbin_create(argv); ...; vbin_start(pid);   // the same, in two steps
 *	int st; vbin_wait(pid, &st, 0);        // waitpid; -1 on error
 *	int code = vbin_run(argv, "init");     // spawn + wait: exit code or -1
 *	return vbin_ns_main(VBIN_BIND, argc, argv);   // all of /bin/bind
 *
 * Programs start through Vireo's native calls (proc_create with an argenv
 * blob, dup_fds_to for fds 0-2, proc_run), not fork/exec, so a program
 * works whatever the C library's process calls can do.  The child gets
 * our environment and a copy of our name space (taken at proc_create).
 *
 * Name spaces are copied when a process is created, so a bind made by
 * /bin/bind lasts only as long as that process: bind, mount and unmount
 * take an optional command to run in the changed name space (/etc/rc
 * starts the console's shell that way).  Single-threaded programs only.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Bind/mount flags, ros/fcntl.h's values (that header cannot be included
 * next to the C library's <fcntl.h>). */
#define VBIN_MREPL   0x0
#define VBIN_MBEFORE 0x1
#define VBIN_MAFTER  0x2
#define VBIN_MCREATE 0x4

/* Prints "PROG: WHAT: strerror(errno) (errstr)" on stderr; errstr only if
 * set.  Call right after the failing call. */
void vbin_fail(const char *prog, const char *what);

/* Reads all of path into buf, NUL-terminated: its length, or -1 (errno;
 * EFBIG when the file does not fit in size - 1 bytes). */
ssize_t vbin_slurp(const char *path, char *buf, size_t size);

/* Parses a whole decimal int >= 0 ("12"); -1 if it is not one. */
int vbin_parse_pid(const char *s);

/* Starts argv[0] (a path, or a name looked up in /bin) with argv and our
 * environment, our fds 0-2 in its 0-2.  Returns its pid, or -1 (errno and
 * errstr say why; nothing is left behind). */
int vbin_spawn(char *const *argv);

/* vbin_spawn in two steps, for a caller that acts on the child before it
 * runs (/bin/strace turns tracing on): the CREATED child's pid or -1, then
 * proc_run: 0, or -1 after destroying and reaping the child. */
int vbin_create(char *const *argv);
int vbin_start(int pid);

/* waitpid(pid, status, options): the pid, 0 (WNOHANG, nothing yet) or -1. */
int vbin_wait(int pid, int *status, int options);

/* An exit code for a wait status: the code, or 128 + the signal. */
int vbin_status_code(int status);

/* Spawns argv and waits for it, reporting failures as PROG: returns its
 * exit code (vbin_status_code), or -1 if it could not be started. */
int vbin_run(char *const *argv, const char *prog);

enum vbin_ns_op { VBIN_BIND, VBIN_MOUNT, VBIN_UNMOUNT };

/* The whole of /bin/bind, /bin/mount and /bin/unmount. */
int vbin_ns_main(enum vbin_ns_op op, int argc, char *const *argv);
