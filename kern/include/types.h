/* SPDX-License-Identifier: MIT */
/*
 * types.h - the kernel's basic types.
 *
 * The kernel is freestanding, so it takes its fixed-width types from the
 * compiler's own <stdint.h>/<stddef.h>/<stdbool.h> (which are freestanding
 * headers) and adds the few kernel names on top.  Host unit tests include the
 * same file.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <compiler.h>

typedef int64_t ssize_t;
typedef uintptr_t physaddr_t;   /* a physical address */

#define KiB (1UL << 10)
#define MiB (1UL << 20)
#define GiB (1UL << 30)
