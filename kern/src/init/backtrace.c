/* SPDX-License-Identifier: MIT */
/*
 * backtrace.c - symbol lookup and frame-pointer stack walks (backtrace.h).
 *
 * Lock-free and allocation-free: it runs in fault handlers, during panics
 * and from NMIs.
 */
#include <arch/mmu.h>
#include <arch/x86.h>
#include <backtrace.h>
#include <kstring.h>
#include <printk.h>

extern const struct ksym ksymtab[];
extern const uint64_t ksymtab_count;
extern const char ksymtab_names[];
extern char kernel_end[];

const char *ksym_lookup(uintptr_t pc, uintptr_t *offset)
{
	uint64_t lo = 0, hi = ksymtab_count;

	if (hi == 0 || pc < ksymtab[0].addr)
		return NULL;
	/* Find the last symbol whose address is <= pc. */
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (ksymtab[mid].addr <= pc)
			lo = mid;
		else
			hi = mid;
	}
	if (offset)
		*offset = pc - ksymtab[lo].addr;
	return ksymtab_names + ksymtab[lo].name_off;
}

uintptr_t ksym_address(const char *name)
{
	for (uint64_t i = 0; i < ksymtab_count; i++)
		if (strcmp(ksymtab_names + ksymtab[i].name_off, name) == 0)
			return ksymtab[i].addr;
	return 0;
}

/* A frame pointer we may read: aligned, inside the kernel's own memory. */
static bool fp_is_sane(uintptr_t fp)
{
	if (!fp || (fp & 7))
		return false;
	if (fp >= KERN_LOAD_ADDR && fp < (uintptr_t)kernel_end - 16)
		return true;
	if (fp >= KERN_DMAP_BASE && fp < KERN_DMAP_BASE + KERN_DMAP_SIZE)
		return true;
	return fp >= KERN_VMAP_BASE && fp < KERN_VMAP_END;
}

/* The walk behind both collectors: frames must pass ok(fp, lo, hi). */
static int backtrace_walk(uintptr_t fp, uintptr_t lo, uintptr_t hi, uintptr_t *pcs, int max,
                          bool (*ok)(uintptr_t fp, uintptr_t lo, uintptr_t hi))
{
	int n = 0;

	while (n < max && ok(fp, lo, hi)) {
		const uintptr_t *frame = (const uintptr_t *)fp;
		uintptr_t next = frame[0];

		if (!frame[1])
			break;
		pcs[n++] = frame[1];
		if (next <= fp)         /* stacks grow down: callers are higher */
			break;
		fp = next;
	}
	return n;
}

static bool fp_is_sane_anywhere(uintptr_t fp, uintptr_t lo, uintptr_t hi)
{
	return fp_is_sane(fp);
}

static bool fp_is_inside(uintptr_t fp, uintptr_t lo, uintptr_t hi)
{
	return !(fp & 7) && fp >= lo && fp + 16 <= hi;
}

int backtrace_collect(uintptr_t fp, uintptr_t *pcs, int max)
{
	return backtrace_walk(fp, 0, 0, pcs, max, fp_is_sane_anywhere);
}

int backtrace_collect_within(uintptr_t fp, uintptr_t lo, uintptr_t hi, uintptr_t *pcs, int max)
{
	return backtrace_walk(fp, lo, hi, pcs, max, fp_is_inside);
}

static void backtrace_print_pc(int i, uintptr_t pc)
{
	uintptr_t off = 0;
	const char *name = ksym_lookup(pc, &off);

	printk("  #%02d 0x%016lx %s+%#lx\n", i, pc, name ? name : "?", off);
}

void backtrace_from(uintptr_t pc, uintptr_t fp)
{
	uintptr_t pcs[BACKTRACE_MAX_DEPTH];
	int n = backtrace_collect(fp, pcs, BACKTRACE_MAX_DEPTH - 1);

	printk("Backtrace:\n");
	backtrace_print_pc(0, pc);
	/* Return addresses point after the call; step back into it to name it. */
	for (int i = 0; i < n; i++)
		backtrace_print_pc(i + 1, pcs[i] - 1);
}

/* Starts at our caller: its return address and its saved frame pointer. */
void backtrace_here(void)
{
	const uintptr_t *frame = (const uintptr_t *)read_rbp();

	backtrace_from(frame[1], frame[0]);
}
