/* SPDX-License-Identifier: MIT */
/*
 * uart.c - the 16550 serial port on COM1, the kernel's main console.
 *
 * 115200 8N1, FIFOs on, polled output (a console line must get out even with
 * interrupts off or during a panic).  Input is polled until uart_irq_init()
 * routes COM1's IRQ (ISA 4) through the IOAPIC to the boot core; from then
 * on the handler drains the receive FIFO into console_input().
 * '\n' goes out as "\r\n".  The caller serialises whole lines (console.c);
 * uart_putc itself takes no lock.
 */
#include <arch/apic.h>
#include <arch/ioapic.h>
#include <arch/trap.h>
#include <arch/uart.h>
#include <arch/x86.h>
#include <console.h>
#include <printk.h>

#define COM1 0x3f8

#define UART_DATA    0   /* RBR/THR, or divisor low with DLAB */
#define UART_IER     1   /* interrupt enable, or divisor high with DLAB */
#define UART_FCR     2
#define UART_LCR     3
#define UART_MCR     4
#define UART_LSR     5

#define LSR_DATA_READY (1 << 0)
#define LSR_THR_EMPTY  (1 << 5)

static bool uart_present;

void uart_init(void)
{
	outb(COM1 + UART_IER, 0x00);
	outb(COM1 + UART_LCR, 0x80);      /* DLAB on */
	outb(COM1 + UART_DATA, 1);        /* 115200 baud */
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, 0x03);      /* 8N1, DLAB off */
	outb(COM1 + UART_FCR, 0xc7);      /* FIFOs on, cleared, 14-byte trigger */
	outb(COM1 + UART_MCR, 0x0b);      /* DTR, RTS, OUT2 (IRQ line) */
	/* A missing UART reads back all ones. */
	uart_present = inb(COM1 + UART_LSR) != 0xff;
}

static void uart_put_raw(uint8_t c)
{
	int spins = 100000;

	while (!(inb(COM1 + UART_LSR) & LSR_THR_EMPTY) && --spins)
		__asm__ __volatile__("pause");
	outb(COM1 + UART_DATA, c);
}

void uart_putc(int c)
{
	if (!uart_present)
		return;
	if (c == '\n')
		uart_put_raw('\r');
	uart_put_raw((uint8_t)c);
}

int uart_getc_nonblock(void)
{
	if (!uart_present || !(inb(COM1 + UART_LSR) & LSR_DATA_READY))
		return -1;
	return inb(COM1 + UART_DATA);
}

static void uart_irq_handler(struct hw_trapframe *tf, void *data)
{
	int c;

	while ((c = uart_getc_nonblock()) >= 0)
		console_input(c);
}

void uart_irq_init(void)
{
	int vec;

	if (!uart_present)
		return;
	vec = ioapic_route_irq(UART_COM1_IRQ, (int)lapic_id());
	if (vec < 0 || register_irq_handler(vec, uart_irq_handler, NULL, "com1")) {
		printk("uart: cannot route the COM1 interrupt; console input stays polled\n");
		return;
	}
	outb(COM1 + UART_IER, 0x01);      /* interrupt on received data */
	ioapic_unmask(UART_COM1_IRQ);
}
