/* SPDX-License-Identifier: MIT */
/*
 * pci_regs.h - PCI configuration-space layout and the pure code that reads
 * it: the capability lists, BAR decoding, MSI and MSI-X layouts and the
 * MSI message format.
 *
 * Everything declared here works on values and byte buffers the caller
 * already read from a device (kern/drivers/pci/caps.c, bar.c, msi_layout.c);
 * nothing touches hardware, takes a lock or allocates, so the host tests
 * (tests/host/test_pci.c) run it under ASan/UBSan on hostile inputs.  A
 * device's config space is untrusted: each function validates and says
 * what was wrong instead of following a bad pointer or size.
 */
#pragma once

#include <types.h>

#define PCI_CFG_LEGACY_SIZE   256      /* type 0/1 header + capabilities */
#define PCI_CFG_EXT_SIZE      4096     /* with ECAM: extended capabilities */

/* Header fields (types 0 and 1). */
#define PCI_VENDOR_ID         0x00
#define PCI_DEVICE_ID         0x02
#define PCI_COMMAND           0x04
#define PCI_STATUS            0x06
#define PCI_REVISION          0x08
#define PCI_PROG_IF           0x09
#define PCI_SUBCLASS          0x0a
#define PCI_CLASS             0x0b
#define PCI_HEADER_TYPE       0x0e
#define PCI_BAR0              0x10
#define PCI_PRIMARY_BUS       0x18     /* type 1 */
#define PCI_SECONDARY_BUS     0x19     /* type 1 */
#define PCI_SUBORDINATE_BUS   0x1a     /* type 1 */
#define PCI_SUBSYS_VENDOR     0x2c     /* type 0 */
#define PCI_SUBSYS_ID         0x2e     /* type 0 */
#define PCI_CAP_PTR           0x34
#define PCI_INT_LINE          0x3c
#define PCI_INT_PIN           0x3d

#define PCI_CMD_IO            (1u << 0)
#define PCI_CMD_MEM           (1u << 1)
#define PCI_CMD_MASTER        (1u << 2)
#define PCI_CMD_INTX_DISABLE  (1u << 10)
#define PCI_STATUS_CAP_LIST   (1u << 4)
#define PCI_HDR_TYPE_MASK     0x7f
#define PCI_HDR_MULTIFN       0x80
#define PCI_HDR_NORMAL        0
#define PCI_HDR_BRIDGE        1
#define PCI_NR_BARS_NORMAL    6
#define PCI_NR_BARS_BRIDGE    2
#define PCI_CLASS_BRIDGE      0x06
#define PCI_SUBCLASS_PCI_PCI  0x04

/* BAR low bits. */
#define PCI_BAR_IO            0x1
#define PCI_BAR_MEM_TYPE_MASK 0x6
#define PCI_BAR_MEM_TYPE_32   0x0
#define PCI_BAR_MEM_TYPE_1M   0x2      /* legacy "below 1 MiB": refused */
#define PCI_BAR_MEM_TYPE_64   0x4
#define PCI_BAR_PREFETCH      0x8

/* Capability ids. */
#define PCI_CAP_ID_PM         0x01
#define PCI_CAP_ID_MSI        0x05
#define PCI_CAP_ID_VENDOR     0x09
#define PCI_CAP_ID_PCIE       0x10
#define PCI_CAP_ID_MSIX       0x11
#define PCI_EXT_CAP_START     0x100

/* MSI capability: control word at +2, then the message. */
#define PCI_MSI_CTL           2
#define PCI_MSI_CTL_ENABLE    (1u << 0)
#define PCI_MSI_CTL_MMC_SHIFT 1        /* multiple message capable, log2 */
#define PCI_MSI_CTL_MME_SHIFT 4        /* multiple message enable, log2 */
#define PCI_MSI_CTL_64BIT     (1u << 7)
#define PCI_MSI_CTL_MASKABLE  (1u << 8)
#define PCI_MSI_ADDR_LO       4

/* MSI-X capability: control word at +2, table and PBA locations. */
#define PCI_MSIX_CTL          2
#define PCI_MSIX_CTL_SIZE     0x7ffu   /* table size - 1 */
#define PCI_MSIX_CTL_MASKALL  (1u << 14)
#define PCI_MSIX_CTL_ENABLE   (1u << 15)
#define PCI_MSIX_TABLE        4
#define PCI_MSIX_PBA          8
#define PCI_MSIX_BIR_MASK     0x7u
#define PCI_MSIX_ENTRY_SIZE   16
#define PCI_MSIX_ENTRY_ADDR_LO 0
#define PCI_MSIX_ENTRY_ADDR_HI 4
#define PCI_MSIX_ENTRY_DATA   8
#define PCI_MSIX_ENTRY_CTL    12
#define PCI_MSIX_ENTRY_MASKED (1u << 0)

/* ------------------------------------------------------- capabilities --- */

#define PCI_MAX_CAPS 64

struct pci_cap {
	uint16_t id;           /* 8-bit id, or the 16-bit extended id */
	uint16_t off;          /* offset of the capability header */
	bool ext;              /* in extended config space (>= 0x100) */
};

struct pci_caps {
	unsigned int nr;
	struct pci_cap cap[PCI_MAX_CAPS];
	int error;             /* 0, -ELOOP, -ERANGE, -E2BIG: the walk stopped */
	uint16_t bad_off;      /* where it stopped, when error != 0 */
};

/*
 * Walks the capability list of config space cfg[0, len) (len 256, or 4096
 * for the extended list too).  Each list is bounded: a pointer below the
 * header or past the end is -ERANGE, a pointer already visited is -ELOOP,
 * more than PCI_MAX_CAPS entries is -E2BIG; the capabilities found before
 * the problem are kept.  Returns out->error.
 */
int pci_caps_parse(const uint8_t *cfg, size_t len, struct pci_caps *out);
/* The offset of the first capability 'id' (standard list when !ext), or 0. */
unsigned int pci_cap_find(const struct pci_caps *caps, uint16_t id, bool ext);

/* --------------------------------------------------------------- BARs --- */

enum pci_bar_kind {
	PCI_BAR_NONE = 0,      /* unimplemented, or the upper half of a 64-bit BAR */
	PCI_BAR_MEM32,
	PCI_BAR_MEM64,
	PCI_BAR_IOPORT,
};

struct pci_bar {
	uint64_t base;
	uint64_t size;         /* a power of two; 0 for PCI_BAR_NONE */
	uint8_t kind;          /* enum pci_bar_kind */
	bool prefetch;
};

/*
 * Decodes one BAR from what it held (orig) and what it read back after all
 * ones were written to it (mask); for a 64-bit BAR also the next slot's
 * (orig_hi, mask_hi), which the caller must supply (have_hi) or the BAR is
 * refused.  Returns the slots used (1 or 2) or -EINVAL (reserved memory
 * type, 64-bit BAR in the last slot, base not aligned to the size, window
 * that wraps); *out is then PCI_BAR_NONE.
 */
int pci_bar_decode(uint32_t orig, uint32_t mask, bool have_hi, uint32_t orig_hi,
                   uint32_t mask_hi, struct pci_bar *out);

/* ---------------------------------------------------------- MSI, MSI-X --- */

struct pci_msi_layout {
	unsigned int max_vectors;  /* 1..32, from "multiple message capable" */
	bool is_64;
	bool maskable;
	uint8_t data_off;          /* offsets from the capability */
	uint8_t mask_off;          /* 0 when !maskable */
	uint8_t size;              /* bytes the capability occupies */
};

/* The layout an MSI capability's control word announces. */
void pci_msi_layout(uint16_t ctl, struct pci_msi_layout *out);

struct pci_msix_layout {
	unsigned int nr_vectors;   /* table entries, 1..2048 */
	uint8_t table_bar;
	uint64_t table_off;        /* inside the BAR */
	uint8_t pba_bar;
	uint64_t pba_off;
};

/*
 * Validates an MSI-X capability against the device's decoded BARs: both
 * BIRs name a memory BAR that exists, the table (16 bytes per entry) and
 * the PBA (one bit per entry, in 64-bit words) fit inside their BARs and do
 * not overlap.  0, or -EINVAL with *why saying what was wrong.
 */
int pci_msix_layout(uint16_t ctl, uint32_t table_reg, uint32_t pba_reg,
                    const struct pci_bar bars[PCI_NR_BARS_NORMAL],
                    struct pci_msix_layout *out, const char **why);

/*
 * The message (address, data) that delivers 'vector' to the LAPIC with
 * 'apic_id': fixed delivery, edge, physical destination.  -ERANGE for an
 * id above 255 (not addressable without interrupt remapping), -EINVAL for
 * a vector below 32.
 */
int pci_msi_message(uint32_t apic_id, unsigned int vector, uint64_t *addr,
                    uint32_t *data);
