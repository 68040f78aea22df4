/* SPDX-License-Identifier: MIT */
/*
 * test_pci.c - host tests of the pure PCI code: capability walks over
 * config-space images (good, looping, out of range, endless, random), BAR
 * decoding from value and sizing mask (32/64-bit, prefetchable, I/O,
 * refused shapes), MSI layouts, MSI-X table/PBA checks against BARs, and
 * the MSI message.  Images are heap copies of exactly 256 or 4096 bytes,
 * so ASan reports any read outside config space.
 */
#include <stdlib.h>
#include <string.h>

#include "htest.h"

#include <errno.h>
#include <pci_regs.h>

static uint8_t *cfg_new(size_t len)
{
	uint8_t *c = calloc(1, len);

	c[PCI_STATUS] = PCI_STATUS_CAP_LIST;
	return c;
}

static void cap_put(uint8_t *c, unsigned int off, uint8_t id, uint8_t next)
{
	c[off] = id;
	c[off + 1] = next;
}

static void ext_put(uint8_t *c, unsigned int off, uint16_t id, unsigned int next)
{
	uint32_t h = id | 1u << 16 | (uint32_t)next << 20;

	memcpy(c + off, &h, 4);
}

/* --------------------------------------------------------- capabilities --- */

HTEST(caps_standard_list)
{
	uint8_t *c = cfg_new(256);
	struct pci_caps caps;

	c[PCI_CAP_PTR] = 0x43;                  /* low bits are reserved */
	cap_put(c, 0x40, PCI_CAP_ID_PM, 0x50);
	cap_put(c, 0x50, PCI_CAP_ID_MSI, 0xa0);
	cap_put(c, 0xa0, PCI_CAP_ID_MSIX, 0);
	HT_ASSERT_EQ(pci_caps_parse(c, 256, &caps), 0);
	HT_ASSERT_EQ(caps.nr, 3);
	HT_ASSERT_EQ(pci_cap_find(&caps, PCI_CAP_ID_MSI, false), 0x50);
	HT_ASSERT_EQ(pci_cap_find(&caps, PCI_CAP_ID_MSIX, false), 0xa0);
	HT_ASSERT_EQ(pci_cap_find(&caps, PCI_CAP_ID_MSIX, true), 0);
	HT_ASSERT_EQ(pci_cap_find(&caps, PCI_CAP_ID_VENDOR, false), 0);
	free(c);
}

HTEST(caps_none_without_status_bit)
{
	uint8_t *c = cfg_new(256);
	struct pci_caps caps;

	c[PCI_STATUS] = 0;
	c[PCI_CAP_PTR] = 0x40;
	cap_put(c, 0x40, PCI_CAP_ID_PM, 0x40);          /* would loop */
	HT_ASSERT_EQ(pci_caps_parse(c, 256, &caps), 0);
	HT_ASSERT_EQ(caps.nr, 0);
	free(c);
}

HTEST(caps_loop_is_reported)
{
	uint8_t *c = cfg_new(256);
	struct pci_caps caps;

	c[PCI_CAP_PTR] = 0x40;
	cap_put(c, 0x40, PCI_CAP_ID_PM, 0x60);
	cap_put(c, 0x60, PCI_CAP_ID_MSI, 0x40);
	HT_ASSERT_EQ(pci_caps_parse(c, 256, &caps), -ELOOP);
	HT_ASSERT_EQ(caps.nr, 2);
	HT_ASSERT_EQ(caps.bad_off, 0x40);
	cap_put(c, 0x40, PCI_CAP_ID_PM, 0x40);          /* points at itself */
	HT_ASSERT_EQ(pci_caps_parse(c, 256, &caps), -ELOOP);
	HT_ASSERT_EQ(caps.nr, 1);
	free(c);
}

HTEST(caps_out_of_range_is_reported)
{
	uint8_t *c = cfg_new(256);
	struct pci_caps caps;

	c[PCI_CAP_PTR] = 0x20;                          /* inside the header */
	HT_ASSERT_EQ(pci_caps_parse(c, 256, &caps), -ERANGE);
	HT_ASSERT_EQ(caps.nr, 0);
	HT_ASSERT_EQ(caps.bad_off, 0x20);
	c[PCI_CAP_PTR] = 0xfc;
	cap_put(c, 0xfc, PCI_CAP_ID_PM, 0);             /* last dword: fine */
	HT_ASSERT_EQ(pci_caps_parse(c, 256, &caps), 0);
	HT_ASSERT_EQ(caps.nr, 1);
	HT_ASSERT_EQ(pci_caps_parse(c, 128, &caps), -ERANGE);   /* short image */
	free(c);
}

HTEST(caps_extended_list)
{
	uint8_t *c = cfg_new(4096);
	struct pci_caps caps;

	c[PCI_CAP_PTR] = 0x40;
	cap_put(c, 0x40, PCI_CAP_ID_PCIE, 0);
	ext_put(c, 0x100, 0x0001, 0x140);               /* AER */
	ext_put(c, 0x140, 0x0003, 0x200);               /* serial number */
	ext_put(c, 0x200, 0x000b, 0);                   /* vendor specific */
	HT_ASSERT_EQ(pci_caps_parse(c, 4096, &caps), 0);
	HT_ASSERT_EQ(caps.nr, 4);
	HT_ASSERT_EQ(pci_cap_find(&caps, 0x0003, true), 0x140);
	HT_ASSERT_EQ(pci_caps_parse(c, 256, &caps), 0); /* no ECAM: not read */
	HT_ASSERT_EQ(caps.nr, 1);
	ext_put(c, 0x200, 0x000b, 0x140);               /* loop */
	HT_ASSERT_EQ(pci_caps_parse(c, 4096, &caps), -ELOOP);
	ext_put(c, 0x200, 0x000b, 0x0c0);               /* into legacy space */
	HT_ASSERT_EQ(pci_caps_parse(c, 4096, &caps), -ERANGE);
	memset(c + 0x100, 0xff, 4);                     /* all ones: none */
	HT_ASSERT_EQ(pci_caps_parse(c, 4096, &caps), 0);
	HT_ASSERT_EQ(caps.nr, 1);
	free(c);
}

/* 48 distinct standard + a long extended chain: the walk stops at the cap. */
HTEST(caps_too_many)
{
	uint8_t *c = cfg_new(4096);
	struct pci_caps caps;
	unsigned int off;

	c[PCI_CAP_PTR] = 0x40;
	for (off = 0x40; off < 0xfc; off += 4)
		cap_put(c, off, PCI_CAP_ID_VENDOR, (uint8_t)(off + 4));
	cap_put(c, 0xfc, PCI_CAP_ID_VENDOR, 0);
	for (off = 0x100; off < 0xffc; off += 4)
		ext_put(c, off, 0x000b, off + 4);
	ext_put(c, 0xffc, 0x000b, 0);
	HT_ASSERT_EQ(pci_caps_parse(c, 4096, &caps), -E2BIG);
	HT_ASSERT_EQ(caps.nr, PCI_MAX_CAPS);
	free(c);
}

/* Random config spaces: the walk ends, stays inside, and keeps its rules. */
HTEST(caps_random_images)
{
	srand(777);
	for (int round = 0; round < 4000; round++) {
		size_t len = round % 2 ? 4096 : 256;
		uint8_t *c = malloc(len);
		struct pci_caps caps;

		for (size_t i = 0; i < len; i++)
			c[i] = (uint8_t)rand();
		if (round % 3 == 0)             /* aim the pointers at the list area */
			for (size_t i = 0x40; i < 256; i += 4)
				c[i + 1] = (uint8_t)(0x40 + (rand() % 48) * 4);
		pci_caps_parse(c, len, &caps);
		HT_ASSERT(caps.nr <= PCI_MAX_CAPS);
		for (unsigned int i = 0; i < caps.nr; i++) {
			HT_ASSERT(caps.cap[i].off % 4 == 0);
			HT_ASSERT(caps.cap[i].ext ? caps.cap[i].off >= 0x100 :
			          caps.cap[i].off >= 0x40 && caps.cap[i].off < 0x100);
		}
		free(c);
	}
}

/* ----------------------------------------------------------------- BARs --- */

HTEST(bar_mem32)
{
	struct pci_bar b;

	HT_ASSERT_EQ(pci_bar_decode(0xfebc0000, 0xfffe0000, true, 0, 0, &b), 1);
	HT_ASSERT_EQ(b.kind, PCI_BAR_MEM32);
	HT_ASSERT_EQ(b.base, 0xfebc0000);
	HT_ASSERT_EQ(b.size, 0x20000);
	HT_ASSERT(!b.prefetch);
	HT_ASSERT_EQ(pci_bar_decode(0xfd000008, 0xff000008, false, 0, 0, &b), 1);
	HT_ASSERT(b.prefetch);
	HT_ASSERT_EQ(b.size, 0x1000000);
}

HTEST(bar_mem64_prefetchable)
{
	struct pci_bar b;

	HT_ASSERT_EQ(pci_bar_decode(0xfe20000c, 0xffffc00c, true, 0, 0xffffffff, &b), 2);
	HT_ASSERT_EQ(b.kind, PCI_BAR_MEM64);
	HT_ASSERT(b.prefetch);
	HT_ASSERT_EQ(b.base, 0xfe200000);
	HT_ASSERT_EQ(b.size, 0x4000);
	/* above 4 GiB, 8 GiB in size: the size bit is in the high half */
	HT_ASSERT_EQ(pci_bar_decode(0x0000000c, 0x0000000c, true, 0x8, 0xfffffffe, &b), 2);
	HT_ASSERT_EQ(b.base, 0x800000000ull);
	HT_ASSERT_EQ(b.size, 0x200000000ull);
}

HTEST(bar_io)
{
	struct pci_bar b;

	HT_ASSERT_EQ(pci_bar_decode(0xc001, 0xffffffc1, true, 0, 0, &b), 1);
	HT_ASSERT_EQ(b.kind, PCI_BAR_IOPORT);
	HT_ASSERT_EQ(b.base, 0xc000);
	HT_ASSERT_EQ(b.size, 0x40);
	HT_ASSERT_EQ(pci_bar_decode(0xd081, 0x0000ffe1, true, 0, 0, &b), 1); /* 16-bit */
	HT_ASSERT_EQ(b.size, 0x20);
}

HTEST(bar_unimplemented_and_refused)
{
	struct pci_bar b;

	HT_ASSERT_EQ(pci_bar_decode(0, 0, true, 0, 0, &b), 1);
	HT_ASSERT_EQ(b.kind, PCI_BAR_NONE);
	HT_ASSERT_EQ(b.size, 0);
	HT_ASSERT_EQ(pci_bar_decode(0xfe000004, 0xfff00004, false, 0, 0, &b), -EINVAL);
	HT_ASSERT_EQ(pci_bar_decode(0x000c0002, 0xfff00002, true, 0, 0, &b), -EINVAL);
	HT_ASSERT_EQ(pci_bar_decode(0x00000006, 0xfff00006, true, 0, 0, &b), -EINVAL);
	HT_ASSERT_EQ(pci_bar_decode(0xfe010000, 0xfff00000, true, 0, 0, &b), -EINVAL);
	HT_ASSERT_EQ(b.kind, PCI_BAR_NONE);             /* misaligned: refused */
	HT_ASSERT_EQ(pci_bar_decode(0xfffff004, 0xfffff004, true, 0xffffffff,
	                            0xffffffff, &b), -EINVAL);  /* ends at 2^64 */
	HT_ASSERT_EQ(pci_bar_decode(0xffffe004, 0xfffff004, true, 0xffffffff,
	                            0xffffffff, &b), 2);        /* just below */
	HT_ASSERT_EQ(b.size, 0x1000);
}

HTEST(bar_random_values)
{
	srand(99);
	for (int i = 0; i < 100000; i++) {
		struct pci_bar b;
		uint32_t v = (uint32_t)rand() ^ (uint32_t)rand() << 16;
		uint32_t m = (uint32_t)rand() ^ (uint32_t)rand() << 16;
		int r = pci_bar_decode(v, m, i % 2, (uint32_t)rand(), (uint32_t)rand(), &b);

		HT_ASSERT(r == 1 || r == 2 || r == -EINVAL);
		if (r < 0 || b.kind == PCI_BAR_NONE)
			continue;
		HT_ASSERT(b.size && !(b.size & (b.size - 1)));
		HT_ASSERT(!(b.base & (b.size - 1)));
		HT_ASSERT(b.base + b.size > b.base);
	}
}

/* ------------------------------------------------------------ MSI, MSI-X --- */

HTEST(msi_layouts)
{
	struct pci_msi_layout l;

	pci_msi_layout(0x0000, &l);                     /* 32-bit, one vector */
	HT_ASSERT_EQ(l.max_vectors, 1);
	HT_ASSERT(!l.is_64 && !l.maskable);
	HT_ASSERT_EQ(l.data_off, 8);
	pci_msi_layout(PCI_MSI_CTL_64BIT | 3 << 1, &l);
	HT_ASSERT_EQ(l.max_vectors, 8);
	HT_ASSERT_EQ(l.data_off, 12);
	pci_msi_layout(PCI_MSI_CTL_64BIT | PCI_MSI_CTL_MASKABLE | 7 << 1, &l);
	HT_ASSERT_EQ(l.max_vectors, 32);                /* 6 and 7 are reserved */
	HT_ASSERT_EQ(l.mask_off, 16);
	HT_ASSERT_EQ(l.size, 24);
}

static void bars_e1000e(struct pci_bar bars[6])
{
	memset(bars, 0, 6 * sizeof(bars[0]));
	bars[0] = (struct pci_bar){ 0xfeac0000, 0x20000, PCI_BAR_MEM32, false };
	bars[2] = (struct pci_bar){ 0xd080, 0x20, PCI_BAR_IOPORT, false };
	bars[3] = (struct pci_bar){ 0xfeb30000, 0x4000, PCI_BAR_MEM32, false };
	bars[4] = (struct pci_bar){ 0xfe200000, 0x4000, PCI_BAR_MEM64, true };
}

HTEST(msix_layout_checks)
{
	struct pci_bar bars[6];
	struct pci_msix_layout l;
	const char *why;

	bars_e1000e(bars);
	HT_ASSERT_EQ(pci_msix_layout(4, 0x3, 0x2003, bars, &l, &why), 0);
	HT_ASSERT_EQ(l.nr_vectors, 5);
	HT_ASSERT_EQ(l.table_bar, 3);
	HT_ASSERT_EQ(l.pba_off, 0x2000);
	HT_ASSERT_EQ(pci_msix_layout(4, 0x2, 0x2003, bars, &l, &why), -EINVAL);
	HT_ASSERT(why && strstr(why, "table"));        /* I/O BAR */
	HT_ASSERT_EQ(pci_msix_layout(4, 0x6, 0x2003, bars, &l, &why), -EINVAL);
	HT_ASSERT_EQ(pci_msix_layout(4, 0x7, 0x2003, bars, &l, &why), -EINVAL);  /* BIR 7 */
	HT_ASSERT_EQ(pci_msix_layout(4, 0x3ff3, 0x2003, bars, &l, &why), -EINVAL); /* past end */
	HT_ASSERT_EQ(pci_msix_layout(0x7ff, 0x3, 0x3ff8 | 3, bars, &l, &why), -EINVAL);
	HT_ASSERT_EQ(pci_msix_layout(4, 0x3, 0x0003, bars, &l, &why), -EINVAL);
	HT_ASSERT(strstr(why, "overlap"));
	HT_ASSERT_EQ(pci_msix_layout(4, 0x4, 0x3ff8 | 4, bars, &l, &why), 0);
	HT_ASSERT_EQ(pci_msix_layout(4, 0xfffffff8 | 4, 0x4, bars, &l, &why), -EINVAL);
}

HTEST(msix_layout_random)
{
	struct pci_bar bars[6];
	struct pci_msix_layout l;
	const char *why;

	bars_e1000e(bars);
	srand(5);
	for (int i = 0; i < 100000; i++) {
		uint32_t t = (uint32_t)rand() ^ (uint32_t)rand() << 16;
		uint32_t p = (uint32_t)rand() ^ (uint32_t)rand() << 16;

		if (pci_msix_layout((uint16_t)rand(), t % 0x8000, p % 0x8000, bars, &l,
		                    &why))
			continue;
		HT_ASSERT(l.table_bar < 6 && l.pba_bar < 6);
		HT_ASSERT(l.table_off + l.nr_vectors * 16ull <= bars[l.table_bar].size);
		HT_ASSERT(l.pba_off + (l.nr_vectors + 63) / 64 * 8ull <= bars[l.pba_bar].size);
	}
}

HTEST(msi_message)
{
	uint64_t addr;
	uint32_t data;

	HT_ASSERT_EQ(pci_msi_message(3, 0x91, &addr, &data), 0);
	HT_ASSERT_EQ(addr, 0xfee03000);
	HT_ASSERT_EQ(data, 0x91);
	HT_ASSERT_EQ(pci_msi_message(255, 0xdf, &addr, &data), 0);
	HT_ASSERT_EQ(addr, 0xfeeff000);
	HT_ASSERT_EQ(pci_msi_message(256, 0x91, &addr, &data), -ERANGE);
	HT_ASSERT_EQ(pci_msi_message(0, 31, &addr, &data), -EINVAL);
	HT_ASSERT_EQ(pci_msi_message(0, 256, &addr, &data), -EINVAL);
}
