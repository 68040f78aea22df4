/* SPDX-License-Identifier: MIT */
/*
 * core_id.h - which core am I, and how many are there.
 *
 * core_id() is one %gs-relative load (see arch/core_id.h); it is only stable
 * while the caller cannot migrate, which in this kernel means always: kthreads
 * never move between cores while running kernel code, except across a block.
 * Host unit tests supply a thread-local twin.
 */
#pragma once

#include <types.h>
#include <arch/core_id.h>

#ifndef CONFIG_MAX_CORES
#error "CONFIG_MAX_CORES must come from Kconfig"
#endif

#define MAX_CORES CONFIG_MAX_CORES

extern uint32_t num_cores;   /* cores that came up; set once during SMP boot */
