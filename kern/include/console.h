/* SPDX-License-Identifier: MIT */
/*
 * console.h - the kernel console: where printk's bytes go (serial, VGA and
 * the kernel log ring), and where console input comes from.
 *
 * Output is serialised per printk() call by the console lock, which is
 * re-entrant on one core (an NMI or a fault inside printk still prints) and
 * is skipped after a bounded wait once the kernel is panicking, so a core
 * that died holding it cannot silence the panic message.
 */
#pragma once

#include <types.h>

#define KMESG_RING_SIZE (64 * 1024)

void console_init(void);
void console_putc(int c);

/* Copies up to len bytes of the log starting at byte offset off (counting
 * from boot); returns the number copied.  *next gets the offset to resume at
 * (older bytes that were overwritten are skipped). */
size_t kmesg_read(uint64_t off, char *buf, size_t len, uint64_t *next);
uint64_t kmesg_end(void);

/* Input: the UART interrupt hands each byte to console_input(); Ctrl-G
 * opens the monitor, everything else waits in a small ring (dropped, and
 * counted, when it is full).  console_getc_nonblock() returns -1 if nothing
 * waits; before interrupts are routed it polls the UART directly. */
void console_input(int c);
int console_getc_nonblock(void);
/* For a blocking reader (#cons/stdin): wake() is called (any context, IRQ
 * included; it must not block) after each byte is queued; NULL clears it.
 * console_input_pending() says, without a lock, whether a byte waits. */
void console_set_input_wake(void (*wake)(void));
bool console_input_pending(void);
/* Calls the wake hook if a byte waits: the monitor, when it stops reading,
 * hands back the bytes the reader left it meanwhile (may sleep: not after a
 * panic or from a trap). */
void console_input_kick(void);
/* For a kthread that may sleep and reads no #cons file (the monitor at its
 * prompt): sleeps until a byte waits or usec passed, so the core runs
 * others meanwhile.  0 (a byte waits), -ETIMEDOUT, -ECANCELED (aborted),
 * or -EAGAIN before the UART interrupt is routed (then poll). */
int console_wait_input(uint64_t usec);
void console_irq_init(void);

/* Set once a panic starts: printk stops waiting for the lock. */
extern volatile bool console_panicking;
