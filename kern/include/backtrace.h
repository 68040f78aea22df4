/* SPDX-License-Identifier: MIT */
/*
 * backtrace.h - frame-pointer backtraces and the kernel's symbol table.
 *
 * The kernel is built with frame pointers, so a backtrace follows the chain
 * of saved %rbp values.  Each frame pointer is checked before it is read (it
 * must be 8-byte aligned and inside the kernel's own memory) and the walk
 * stops after BACKTRACE_MAX_DEPTH frames, so a corrupt stack ends the walk
 * instead of faulting inside the fault handler.
 *
 * Symbols come from the table that tools/mksymtab.py builds into the image
 * (.ksymtab): sorted (address, name) pairs of every text symbol.
 */
#pragma once

#include <types.h>

#define BACKTRACE_MAX_DEPTH 32

struct ksym {
	uint64_t addr;
	uint32_t name_off;      /* into ksymtab_names */
	uint32_t reserved;
};

/* Returns the name of the function containing pc and the offset into it. */
const char *ksym_lookup(uintptr_t pc, uintptr_t *offset);

/* Returns the address of a symbol by name, or 0. */
uintptr_t ksym_address(const char *name);

/* Prints "#n  0xpc  func+0xoff" lines, starting at pc with frame pointer fp. */
void backtrace_from(uintptr_t pc, uintptr_t fp);
void backtrace_here(void);

/* Fills pcs[] with return addresses; returns how many. */
int backtrace_collect(uintptr_t fp, uintptr_t *pcs, int max);
/* The same, but every frame must lie inside the stack [lo, hi): safe on a
 * mapped stack whatever its frame pointers hold (the profiler's walk from
 * an interrupt, where a frame pointer may be anything). */
int backtrace_collect_within(uintptr_t fp, uintptr_t lo, uintptr_t hi, uintptr_t *pcs, int max);
