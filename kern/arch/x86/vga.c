/* SPDX-License-Identifier: MIT */
/*
 * vga.c - the VGA text console (80x25 at physical 0xb8000), a second
 * output for machines with a screen.  Output only, scrolls, no cursor
 * hardware.  Under UEFI there is no text mode; the writes are then harmless
 * and the serial console is the one to read.  Callers serialise (console.c).
 */
#include <arch/mmu.h>
#include <arch/vga.h>
#include <kstring.h>

#define VGA_COLS 80
#define VGA_ROWS 25
#define VGA_ATTR 0x0700   /* light grey on black */

static uint16_t *vga_buf;
static int vga_row, vga_col;

void vga_init(void)
{
	vga_buf = KADDR(0xb8000);
	for (int i = 0; i < VGA_COLS * VGA_ROWS; i++)
		vga_buf[i] = VGA_ATTR | ' ';
	vga_row = vga_col = 0;
}

static void vga_scroll(void)
{
	memmove(vga_buf, vga_buf + VGA_COLS, (VGA_ROWS - 1) * VGA_COLS * 2);
	for (int i = 0; i < VGA_COLS; i++)
		vga_buf[(VGA_ROWS - 1) * VGA_COLS + i] = VGA_ATTR | ' ';
	vga_row = VGA_ROWS - 1;
}

void vga_putc(int c)
{
	if (!vga_buf)
		return;
	switch (c) {
	case '\n':
		vga_col = 0;
		vga_row++;
		break;
	case '\r':
		vga_col = 0;
		break;
	case '\b':
		if (vga_col > 0)
			vga_col--;
		break;
	default:
		vga_buf[vga_row * VGA_COLS + vga_col] = VGA_ATTR | (uint8_t)c;
		if (++vga_col == VGA_COLS) {
			vga_col = 0;
			vga_row++;
		}
	}
	if (vga_row == VGA_ROWS)
		vga_scroll();
}
