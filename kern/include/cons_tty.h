/* SPDX-License-Identifier: MIT */
/*
 * cons_tty.h - the console as a terminal (kern/drivers/dev/cons_tty.c), the
 * half of #cons (cons.c) behind #cons/stdin and #cons/consctl.
 *
 *	cons_tty_reset();                       // once, from #cons's reset
 *	cons_tty_read(c, buf, n);               // #cons/stdin; error()s
 *	cons_tty_ctl_read(buf, n, off);         // #cons/consctl's text
 *	cons_tty_ctl_write(msg);                // one command, a string; error()s
 *	cons_tty_tapfd(c, tap, cmd);            // FD taps of stdin
 *
 * Callers are syscall kthreads (the reader's process is current_proc()) or
 * kernel kthreads (ktests: no process, no job-control checks).
 */
#pragma once

#include <fdtap.h>
#include <ns.h>

void cons_tty_reset(void);
size_t cons_tty_read(struct chan *c, void *buf, size_t n);
size_t cons_tty_ctl_read(void *buf, size_t n, int64_t off);
#define CONS_TTY_CTL_MAX 128    /* a consctl command, NUL included */
void cons_tty_ctl_write(char *msg);
void cons_tty_tapfd(struct chan *c, struct fd_tap *tap, int cmd);
