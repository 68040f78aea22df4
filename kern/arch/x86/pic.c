/* SPDX-License-Identifier: MIT */
/*
 * pic.c - remaps and masks the legacy 8259 PICs.
 *
 * The firmware leaves the master PIC on vectors 8-15, where CPU exceptions
 * live.  pic_init() re-initialises both chips (ICW1-ICW4: edge triggered,
 * cascaded on IRQ 2, 8086 mode) with bases PIC_BASE_VECTOR and +8, then
 * masks all sixteen lines, so a stray legacy interrupt can only show up as
 * a recognisable (and ignored) spurious vector.  Writes to absent PICs are
 * harmless, so this runs whether or not the MADT claims PC-AT compatibility.
 * Boot-time, one core, no locking; the PIC is never touched again.
 */
#include <arch/pic.h>
#include <arch/trap.h>
#include <arch/x86.h>

#define ICW1_INIT_ICW4  0x11    /* init, ICW4 follows, cascade, edge */
#define ICW4_8086       0x01

static void pic_out(uint16_t port, uint8_t v)
{
	outb(port, v);
	io_delay();
}

void pic_init(void)
{
	pic_out(PIC1_DATA, 0xff);
	pic_out(PIC2_DATA, 0xff);
	pic_out(PIC1_CMD, ICW1_INIT_ICW4);
	pic_out(PIC2_CMD, ICW1_INIT_ICW4);
	pic_out(PIC1_DATA, PIC_BASE_VECTOR);            /* ICW2: vector base */
	pic_out(PIC2_DATA, PIC_BASE_VECTOR + 8);
	pic_out(PIC1_DATA, 1 << 2);                     /* ICW3: slave on IRQ 2 */
	pic_out(PIC2_DATA, 2);                          /* ICW3: cascade id */
	pic_out(PIC1_DATA, ICW4_8086);
	pic_out(PIC2_DATA, ICW4_8086);
	pic_out(PIC1_DATA, 0xff);                       /* mask everything */
	pic_out(PIC2_DATA, 0xff);
}
