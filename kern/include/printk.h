/* SPDX-License-Identifier: MIT */
/*
 * printk.h - formatted output.
 *
 * printfmt.c holds the one formatter (vprintfmt) that every printing function
 * uses; it writes through a callback and never allocates, so it is safe in
 * IRQ context and during a panic.  snprintf() and vsnprintf() follow C99: they
 * always NUL-terminate when size > 0 and return the length the full output
 * would have had, so truncation is detected by 'ret >= size'.
 *
 * printk() writes to every console (serial, VGA) and to the kernel log ring;
 * whole calls are serialized so lines from different cores do not interleave.
 *
 * Conversions: %d %i %u %x %X %o %c %s %p %% with flags '-', '+', ' ', '0',
 * '#', a width and precision (or '*'), and the length modifiers hh h l ll z t j.
 */
#pragma once

#include <types.h>

typedef void (*putch_fn)(int ch, void *arg);

int vprintfmt(putch_fn putch, void *arg, const char *fmt, va_list ap);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

int vprintk(const char *fmt, va_list ap);
int printk(const char *fmt, ...) __printf(1, 2);
