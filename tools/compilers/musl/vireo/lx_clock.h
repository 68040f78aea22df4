/* SPDX-License-Identifier: MIT */
/*
 * lx_clock.h - the clock read that musl's clock_gettime calls directly
 * (overlay/src/time/clock_gettime.c), without the translation table.
 * Defined in lx_time.c.  Takes musl's struct timespec (the layout of
 * Linux's and of struct lx_timespec); returns 0 or a Linux -errno.
 */
#pragma once

struct timespec;

long __vireo_clock_gettime(long clk, struct timespec *ts);
