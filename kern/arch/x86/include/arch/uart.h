/* SPDX-License-Identifier: MIT */
/* arch/uart.h - the COM1 serial console (see uart.c). */
#pragma once

#include <types.h>

#define UART_COM1_IRQ 4

void uart_init(void);
void uart_putc(int c);
int uart_getc_nonblock(void);   /* -1 if no byte waits */
void uart_irq_init(void);        /* after the IOAPIC is up */
