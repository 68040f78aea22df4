/* SPDX-License-Identifier: MIT */
/*
 * bootmem.h - which physical pages the allocator may have, from what the
 * boot loader said (boot.h) and where the kernel image lies.
 *
 *	struct memmap usable;
 *	if (bootmem_compute_usable(&boot_info, kstart, kend, &usable))
 *		panic(...);               // nothing usable: no way on
 *
 * A pure computation (kern/src/mm/bootmem.c) on its arguments, with no global
 * state, so host tests can feed it any map; kern/src/mm/mem.c calls it once in
 * mem_init() before any allocator exists.
 */
#pragma once

#include <boot.h>
#include <memmap.h>
#include <types.h>

/*
 * Fills 'usable' with the loader's RAM minus the reserved ranges, the
 * first 1 MiB, [kernel_start, kernel_end) and every boot module, shrunk to
 * whole pages.  Every inconsistency found on the way (the kernel or a
 * module outside RAM, modules overlapping the kernel or each other, RAM
 * also listed as reserved, a module ending before it starts) is printed;
 * the answer always excludes every range anyone claims.  Returns 0, or
 * -EINVAL for an empty kernel range, -ENOMEM when no RAM or no usable
 * page is left ('usable' is then empty).
 */
int bootmem_compute_usable(const struct boot_info *bi, uint64_t kernel_start,
                           uint64_t kernel_end, struct memmap *usable);

/*
 * Fills 'pages' with the whole pages of boot module i that nothing else
 * claims (RAM, not reserved, above 1 MiB, not the kernel, no other
 * module): what may be freed once the module is no longer needed.  Prints
 * nothing (bootmem_compute_usable reported the map at boot).  Returns 0
 * ('pages' may be empty), -EINVAL for no such module, or the errors of
 * bootmem_compute_usable.
 */
int bootmem_module_pages(const struct boot_info *bi, int i, uint64_t kernel_start,
                         uint64_t kernel_end, struct memmap *pages);
