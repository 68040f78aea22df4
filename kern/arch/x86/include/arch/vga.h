/* SPDX-License-Identifier: MIT */
/* arch/vga.h - the VGA text console (see vga.c). */
#pragma once

void vga_init(void);
void vga_putc(int c);
