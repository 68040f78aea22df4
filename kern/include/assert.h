/* SPDX-License-Identifier: MIT */
/*
 * assert.h - panic, warn and assert.
 *
 * panic() never returns: it prints the message, a register-free backtrace of
 * the calling core, stops the other cores and enters the kernel monitor (or,
 * in a test boot, exits QEMU with a failure code).  warn() prints and goes on.
 * assert() is always compiled in; a kernel that is wrong should say so.
 */
#pragma once

#include <compiler.h>

void _panic(const char *file, int line, const char *fmt, ...) __noreturn __printf(3, 4);
void _warn(const char *file, int line, const char *fmt, ...) __printf(3, 4);

#define panic(...) _panic(__FILE__, __LINE__, __VA_ARGS__)
#define warn(...)  _warn(__FILE__, __LINE__, __VA_ARGS__)

#define assert(x)                                                          \
	do {                                                               \
		if (unlikely(!(x)))                                        \
			_panic(__FILE__, __LINE__, "assertion failed: %s", #x); \
	} while (0)

#define warn_on(x)                                                         \
	({                                                                 \
		bool _w = !!(x);                                           \
		if (unlikely(_w))                                          \
			_warn(__FILE__, __LINE__, "warning: %s", #x);      \
		_w;                                                        \
	})
