/* SPDX-License-Identifier: MIT */
/*
 * arch/pic.h - the legacy 8259 pair.  Vireo never takes interrupts from
 * it: pic_init() moves its vectors to PIC_BASE_VECTOR..+15 (arch/trap.h),
 * out of the way of CPU exceptions, and masks every line.  A spurious IRQ
 * 7 or 15 can still arrive; trap.c drops those without an EOI.
 */
#pragma once

#define PIC1_CMD   0x20
#define PIC1_DATA  0x21
#define PIC2_CMD   0xa0
#define PIC2_DATA  0xa1

/* Boot core, once, interrupts off. */
void pic_init(void);
