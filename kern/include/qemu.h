/* SPDX-License-Identifier: MIT */
/*
 * qemu.h - leaving QEMU with a status, through the isa-debug-exit device
 * (-device isa-debug-exit,iobase=0xf4,iosize=4).  Writing v makes QEMU exit
 * with (v << 1) | 1: QEMU_EXIT_SUCCESS gives exit code 1, QEMU_EXIT_FAILURE 3
 * (Documentation/design.md, "Testing").  On a machine without the device the
 * write does nothing and the caller halts instead.
 */
#pragma once

#include <compiler.h>

#define QEMU_EXIT_SUCCESS 0
#define QEMU_EXIT_FAILURE 1

void __noreturn qemu_exit(int status);
