/* SPDX-License-Identifier: MIT */
/*
 * tiny/start.h - program start and exit for the freestanding test programs.
 *
 * crt0.S calls tiny_start() with the initial stack pointer; it calls the
 * program's main() and then tiny_exit() with main's return value.  A program
 * may call tiny_exit() itself at any point.  The process ends through
 * SYS_proc_destroy on itself; the exit code reaches waitpid (and, for the
 * first process, the kernel's boot log).
 */
#pragma once

#include <stdint.h>

/* Every program defines it; envp is NULL-terminated like argv. */
int main(int argc, char **argv, char **envp);

/* Ends the calling process with exit code 'code'. */
__attribute__((noreturn)) void tiny_exit(int code);

/*
 * The image's last page (user/tiny/user.ld): writable, zeroed, used by no
 * variable; tiny_image_end (= tiny_edge_page + TINY_EDGE_SIZE) is the first address
 * past the image, which the kernel leaves unmapped unless something else
 * is placed there.
 */
#define TINY_EDGE_SIZE 4096
extern char tiny_edge_page[], tiny_image_end[];

/* Called from crt0.S only: sp is the initial rsp (pointing at argc). */
__attribute__((noreturn)) void tiny_start(uint64_t *sp);
