/* SPDX-License-Identifier: MIT */
/*
 * compiler.h - attributes and small compiler helpers used everywhere.
 *
 * Nothing here depends on the architecture or on kernel state, so the host
 * unit tests include it unchanged.
 */
#pragma once

/* Guarded: in host unit tests glibc's <sys/cdefs.h> may define some first. */
#ifndef __packed
#define __packed        __attribute__((packed))
#endif
#ifndef __aligned
#define __aligned(x)    __attribute__((aligned(x)))
#endif
#ifndef __noreturn
#define __noreturn      __attribute__((noreturn))
#endif
#ifndef __unused
#define __unused        __attribute__((unused))
#endif
#ifndef __used
#define __used          __attribute__((used))
#endif
#ifndef __weak
#define __weak          __attribute__((weak))
#endif
#ifndef __section
#define __section(s)    __attribute__((section(s)))
#endif
#ifndef __printf
#define __printf(a, b)  __attribute__((format(printf, a, b)))
#endif
#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif
#ifndef __must_check
#define __must_check    __attribute__((warn_unused_result))
#endif

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define STRINGIFY_(x) #x
#define STRINGIFY(x)  STRINGIFY_(x)

/* Compiler-only barrier: stops the compiler moving memory accesses across it. */
#define cmb() __asm__ __volatile__("" ::: "memory")

/* One access of exactly this width, never torn, merged or re-read. */
#define READ_ONCE(x)     (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - __builtin_offsetof(type, member)))

#define static_assert_msg(cond, msg) _Static_assert(cond, msg)

/* MIN/MAX evaluate each argument once; __COUNTER__ keeps nested uses from
 * shadowing each other's temporaries. */
#define __MINMAX(a, b, op, u) ({                                        \
	__typeof__(a) __mm_a##u = (a);                                   \
	__typeof__(b) __mm_b##u = (b);                                   \
	__mm_a##u op __mm_b##u ? __mm_a##u : __mm_b##u; })
#define __MINMAX_(a, b, op, u) __MINMAX(a, b, op, u)
#define MIN(a, b) __MINMAX_(a, b, <, __COUNTER__)
#define MAX(a, b) __MINMAX_(a, b, >, __COUNTER__)

/* Power-of-two rounding; 'align' must be a power of two. */
#define ALIGN_DOWN(x, align) ((x) & ~((__typeof__(x))(align) - 1))
#define ALIGN_UP(x, align)   ALIGN_DOWN((x) + (align) - 1, align)
#define IS_ALIGNED(x, align) (((x) & ((__typeof__(x))(align) - 1)) == 0)
#define IS_POWER_OF_2(x)     ((x) != 0 && ((x) & ((x) - 1)) == 0)
