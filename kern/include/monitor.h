/* SPDX-License-Identifier: MIT */
/*
 * monitor.h - the kernel monitor on the serial console.
 *
 * monitor(tf) reads commands until 'exit', 'reboot' or 'continue'; tf is the
 * trap frame that led here, or NULL.  It is entered after a panic (other
 * cores stopped), on Ctrl-G typed on the console (also while the first
 * process runs), and at the end of boot when there is no user space or the
 * first process has exited (monitor_serve_forever).  Commands are a table in monitor.c; each
 * prints a usage line for bad arguments.
 */
#pragma once

#include <arch/trap.h>
#include <types.h>

void monitor(struct hw_trapframe *tf);

/* Console input hook (any context): true if the byte was Ctrl-G. */
bool monitor_check_hotkey(int c);
/* Whether the monitor waits for a line: #cons then leaves the console's
 * input to it (any context, lock-free). */
bool monitor_reading(void);

/* Opens the monitor that monitor_serve_forever() serves, as Ctrl-G does
 * (any context). */
void monitor_open(void);
/* The boot kthread's last job: sleep until the monitor is opened (Ctrl-G,
 * monitor_open()), serve it until it is closed, forever.  The first process
 * runs meanwhile in a kthread of its own. */
void monitor_serve_forever(void) __noreturn;
