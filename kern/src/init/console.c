/* SPDX-License-Identifier: MIT */
/*
 * console.c - printk, the console lock and the kernel log ring.
 *
 * printk() formats straight into the sinks (no intermediate buffer, so any
 * length works and nothing is allocated): every character goes to the COM1
 * UART, the VGA text screen and the log ring.  One printk() call is one
 * critical section of the console lock, so lines never interleave.
 *
 * The console lock is not a spinlock_t: it records its owner core so a
 * nested printk on the same core (an NMI or a fault while printing) goes
 * straight through instead of deadlocking, and during a panic a waiter gives
 * up after a bounded spin.  Interrupts are off while it is held.
 */
#include <arch/cpu.h>
#include <arch/irq.h>
#include <arch/uart.h>
#include <arch/vga.h>
#include <atomic.h>
#include <console.h>
#include <core_id.h>
#include <errno.h>
#include <kstring.h>
#include <monitor.h>
#include <printk.h>
#include <rendez.h>
#include <spinlock.h>

volatile bool console_panicking;

static atomic32_t console_owner = ATOMIC_INIT(-1);
static char kmesg_ring[KMESG_RING_SIZE];
static uint64_t kmesg_pos;              /* bytes ever written; guarded by the console lock */

#define CONSOLE_PANIC_SPINS 10000000

/* Returns true if we took the lock, false if this core already held it. */
static bool console_lock(void)
{
	int32_t me = (int32_t)core_id();
	long spins = 0;

	if (atomic32_read(&console_owner) == me)
		return false;
	while (!atomic32_cas(&console_owner, -1, me)) {
		cpu_relax();
		if (console_panicking && ++spins > CONSOLE_PANIC_SPINS) {
			atomic32_set(&console_owner, me);   /* the holder is gone */
			break;
		}
	}
	return true;
}

static void console_unlock(bool taken)
{
	if (taken)
		atomic32_set(&console_owner, -1);
}

void console_init(void)
{
	uart_init();
	vga_init();
}

void console_putc(int c)
{
	uart_putc(c);
	vga_putc(c);
	kmesg_ring[kmesg_pos % KMESG_RING_SIZE] = (char)c;
	kmesg_pos++;
}

static void printk_putch(int c, void *arg)
{
	(void)arg;
	console_putc(c);
}

int vprintk(const char *fmt, va_list ap)
{
	uint64_t flags = irq_save();
	bool taken = console_lock();
	int n = vprintfmt(printk_putch, NULL, fmt, ap);

	console_unlock(taken);
	irq_restore(flags);
	return n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

uint64_t kmesg_end(void)
{
	return READ_ONCE(kmesg_pos);
}

size_t kmesg_read(uint64_t off, char *buf, size_t len, uint64_t *next)
{
	uint64_t flags = irq_save();
	bool taken = console_lock();
	uint64_t end = kmesg_pos;
	uint64_t oldest = end > KMESG_RING_SIZE ? end - KMESG_RING_SIZE : 0;
	size_t n = 0;

	if (off < oldest)
		off = oldest;
	while (off < end && n < len)
		buf[n++] = kmesg_ring[off++ % KMESG_RING_SIZE];
	*next = off;
	console_unlock(taken);
	irq_restore(flags);
	return n;
}

#define CONSOLE_IN_SIZE 4096      /* a power of two: the counters wrap; room for a pasted line */

static char console_in[CONSOLE_IN_SIZE];
static uint32_t console_in_head, console_in_tail;   /* guarded by console_in_lock */
static spinlock_t console_in_lock = SPINLOCK_INITIALIZER("console_in");
static uint64_t console_in_dropped;
static bool console_irq_on;
static void (*console_input_wake)(void);         /* set by #cons, any time */
static struct rendez console_in_rv;             /* console_wait_input's sleepers */

void console_input(int c)
{
	void (*wake)(void);
	uint64_t flags;

	if (monitor_check_hotkey(c))
		return;
	flags = spin_lock_irqsave(&console_in_lock);
	if (console_in_head - console_in_tail < CONSOLE_IN_SIZE)
		console_in[console_in_head++ % CONSOLE_IN_SIZE] = (char)c;
	else
		console_in_dropped++;
	spin_unlock_irqrestore(&console_in_lock, flags);
	wake = READ_ONCE(console_input_wake);
	if (wake)
		wake();
	if (READ_ONCE(console_irq_on))
		rendez_wakeup(&console_in_rv);
}

void console_set_input_wake(void (*wake)(void))
{
	WRITE_ONCE(console_input_wake, wake);
}

bool console_input_pending(void)
{
	return READ_ONCE(console_in_head) != READ_ONCE(console_in_tail);
}

void console_input_kick(void)
{
	void (*wake)(void) = READ_ONCE(console_input_wake);

	if (wake && console_input_pending())
		wake();
}

int console_getc_nonblock(void)
{
	uint64_t flags;
	int c = -1;

	if (console_irq_on) {
		flags = spin_lock_irqsave(&console_in_lock);
		if (console_in_tail != console_in_head)
			c = (unsigned char)console_in[console_in_tail++ % CONSOLE_IN_SIZE];
		spin_unlock_irqrestore(&console_in_lock, flags);
	}
	/* With interrupts off (after a panic) nothing fills the ring: poll. */
	if (c < 0 && (!console_irq_on || !irq_is_enabled()))
		c = uart_getc_nonblock();
	return c;
}

static bool console_in_ready(void *arg)
{
	return console_input_pending();
}

int console_wait_input(uint64_t usec)
{
	if (!READ_ONCE(console_irq_on))
		return -EAGAIN;
	return rendez_sleep_timeout(&console_in_rv, console_in_ready, NULL, usec);
}

void console_irq_init(void)
{
	rendez_init(&console_in_rv);
	WRITE_ONCE(console_irq_on, true);
	uart_irq_init();
}
