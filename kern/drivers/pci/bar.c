/* SPDX-License-Identifier: MIT */
/*
 * bar.c - decoding a Base Address Register from its value and its sizing
 * read-back.
 *
 * The caller (enumerate.c) disables decoding, writes all ones, reads the
 * mask back and restores the value; this file only does the arithmetic.
 * The size is the lowest address bit the device lets software set, which
 * works for 16-bit I/O BARs whose top half reads as zero and for 64-bit
 * BARs split over two slots.  A BAR with a reserved memory type, a 64-bit
 * BAR without a second slot, a base that is not aligned to the size, or a
 * window that wraps is refused: the values came from a device and the
 * firmware, and neither is trusted.  Pure code.
 */
#include <errno.h>
#include <kstring.h>
#include <pci_regs.h>

static int bar_refuse(struct pci_bar *out)
{
	memset(out, 0, sizeof(*out));
	return -EINVAL;
}

/* Size from the writable address bits, base from the original value. */
static int bar_finish(struct pci_bar *out, uint64_t orig, uint64_t mask,
                      uint64_t addr_mask)
{
	uint64_t bits = mask & addr_mask;
	uint64_t end;

	out->base = orig & addr_mask;
	if (!bits) {                    /* nothing writable: unimplemented */
		out->kind = PCI_BAR_NONE;
		out->base = 0;
		return 0;
	}
	out->size = bits & -bits;
	if (out->base & (out->size - 1))
		return -EINVAL;
	if (__builtin_add_overflow(out->base, out->size, &end))
		return -EINVAL;
	return 0;
}

int pci_bar_decode(uint32_t orig, uint32_t mask, bool have_hi, uint32_t orig_hi,
                   uint32_t mask_hi, struct pci_bar *out)
{
	memset(out, 0, sizeof(*out));
	if (orig & PCI_BAR_IO) {
		out->kind = PCI_BAR_IOPORT;
		/* I/O space is 64 KiB; some devices read the top half as 0. */
		if (bar_finish(out, orig, mask, 0xfffcu))
			return bar_refuse(out);
		return 1;
	}
	out->prefetch = (orig & PCI_BAR_PREFETCH) != 0;
	switch (orig & PCI_BAR_MEM_TYPE_MASK) {
	case PCI_BAR_MEM_TYPE_32:
		out->kind = PCI_BAR_MEM32;
		if (bar_finish(out, orig, mask, 0xfffffff0u))
			return bar_refuse(out);
		return 1;
	case PCI_BAR_MEM_TYPE_64:
		if (!have_hi)
			return bar_refuse(out);
		out->kind = PCI_BAR_MEM64;
		if (bar_finish(out, (uint64_t)orig_hi << 32 | orig,
		               (uint64_t)mask_hi << 32 | mask, ~0xfull))
			return bar_refuse(out);
		return 2;
	}
	return bar_refuse(out);
}
