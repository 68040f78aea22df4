/* SPDX-License-Identifier: MIT */
/*
 * e1000_regs.h - register offsets, bits and descriptor layouts of the
 * Intel 8254x (82540EM) and 82574 gigabit controllers that the e1000
 * driver uses.  Facts from the "PCI/PCI-X Family of Gigabit Ethernet
 * Controllers Software Developer's Manual" (8254x, chapters 3 and 13) and
 * the "82574 GbE Controller Datasheet" (chapters 7 and 10); where the two
 * differ the name says which (E1K_82574_*).
 */
#pragma once

#include <types.h>

/* General, interrupt, receive and transmit registers (8254x ch. 13,
 * 82574 ch. 10) */
#define E1K_CTRL      0x0000
#define E1K_STATUS    0x0008
#define E1K_EECD      0x0010
#define E1K_EERD      0x0014
#define E1K_CTRL_EXT  0x0018
#define E1K_ICR       0x00c0  /* read: causes; write 1s: clear */
#define E1K_ITR       0x00c4  /* interrupt throttling, 256 ns units */
#define E1K_ICS       0x00c8
#define E1K_IMS       0x00d0
#define E1K_IMC       0x00d8
#define E1K_82574_EIAC 0x00dc /* MSI-X auto clear */
#define E1K_82574_IAM  0x00e0 /* auto mask on ICR read */
#define E1K_82574_IVAR 0x00e4 /* MSI-X vector of each cause */
#define E1K_RCTL      0x0100
#define E1K_TCTL      0x0400
#define E1K_TIPG      0x0410
#define E1K_RDBAL     0x2800
#define E1K_RDBAH     0x2804
#define E1K_RDLEN     0x2808
#define E1K_RDH       0x2810
#define E1K_RDT       0x2818
#define E1K_RDTR      0x2820
#define E1K_RADV      0x282c
#define E1K_TDBAL     0x3800
#define E1K_TDBAH     0x3804
#define E1K_TDLEN     0x3808
#define E1K_TDH       0x3810
#define E1K_TDT       0x3818
#define E1K_TIDV      0x3820
#define E1K_TADV      0x382c
#define E1K_RXCSUM    0x5000
#define E1K_MTA       0x5200  /* 128 dwords */
#define E1K_RAL0      0x5400
#define E1K_RAH0      0x5404

/* Statistics (same chapters): 32-bit, cleared on read. */
#define E1K_CRCERRS   0x4000
#define E1K_RXERRC    0x400c
#define E1K_MPC       0x4010  /* missed: no room in the rx FIFO */
#define E1K_COLC      0x4028
#define E1K_GPRC      0x4074
#define E1K_GPTC      0x4080
#define E1K_RNBC      0x40a0  /* no rx descriptor available */
#define E1K_RUC       0x40a4
#define E1K_ROC       0x40ac
#define E1K_TPR       0x40d0
#define E1K_TPT       0x40d4

/* CTRL */
#define E1K_CTRL_FD     (1u << 0)
#define E1K_CTRL_LRST   (1u << 3)
#define E1K_CTRL_ASDE   (1u << 5)
#define E1K_CTRL_SLU    (1u << 6)
#define E1K_CTRL_RST    (1u << 26)
#define E1K_CTRL_VME    (1u << 30)
#define E1K_CTRL_PHY_RST (1u << 31)

/* STATUS */
#define E1K_STATUS_LU   (1u << 1)
#define E1K_STATUS_SPEED(s) (((s) >> 6) & 3)   /* 0: 10, 1: 100, 2-3: 1000 */

/* EERD: start, done and the word address differ by model */
#define E1K_EERD_START  (1u << 0)
#define E1K_8254X_EERD_DONE (1u << 4)
#define E1K_8254X_EERD_SHIFT 8
#define E1K_82574_EERD_DONE (1u << 1)
#define E1K_82574_EERD_SHIFT 2

/* CTRL_EXT (82574) */
#define E1K_CTRL_EXT_EIAME   (1u << 24)
#define E1K_CTRL_EXT_IAME    (1u << 27)
#define E1K_CTRL_EXT_PBA_CLR (1u << 31)

/* Interrupt causes (ICR/ICS/IMS/IMC) */
#define E1K_INT_TXDW    (1u << 0)
#define E1K_INT_LSC     (1u << 2)
#define E1K_INT_RXSEQ   (1u << 3)
#define E1K_INT_RXDMT0  (1u << 4)
#define E1K_INT_RXO     (1u << 6)
#define E1K_INT_RXT0    (1u << 7)
#define E1K_82574_INT_RXQ0  (1u << 20)
#define E1K_82574_INT_TXQ0  (1u << 22)
#define E1K_82574_INT_OTHER (1u << 24)

/* IVAR (82574 only): a 3-bit MSI-X vector plus a valid bit per cause */
#define E1K_IVAR_VALID  0x8u
#define E1K_IVAR_RXQ0(v)  ((E1K_IVAR_VALID | (v)) << 0)
#define E1K_IVAR_TXQ0(v)  ((E1K_IVAR_VALID | (v)) << 8)
#define E1K_IVAR_OTHER(v) ((E1K_IVAR_VALID | (v)) << 16)
#define E1K_IVAR_TX_EVERY_WB (1u << 31)

/* RCTL */
#define E1K_RCTL_EN     (1u << 1)
#define E1K_RCTL_UPE    (1u << 3)
#define E1K_RCTL_MPE    (1u << 4)
#define E1K_RCTL_BAM    (1u << 15)
#define E1K_RCTL_BSIZE_2048 (0u << 16)
#define E1K_RCTL_SECRC  (1u << 26)

/* TCTL */
#define E1K_TCTL_EN     (1u << 1)
#define E1K_TCTL_PSP    (1u << 3)
#define E1K_TCTL_CT(x)  ((uint32_t)(x) << 4)
#define E1K_TCTL_COLD(x) ((uint32_t)(x) << 12)
#define E1K_TCTL_RTLC   (1u << 24)
#define E1K_TIPG_DEFAULT (10u | 8u << 10 | 6u << 20)   /* IPGT, IPGR1, IPGR2 (copper) */

/* RXCSUM */
#define E1K_RXCSUM_IPOFL (1u << 8)
#define E1K_RXCSUM_TUOFL (1u << 9)

/* RAH */
#define E1K_RAH_AV      (1u << 31)

/* Legacy receive descriptor (8254x ch. 3; the 82574's legacy format, ch. 7). */
struct e1k_rx_desc {
	uint64_t addr;
	uint16_t length;
	uint16_t csum;
	uint8_t status;
	uint8_t errors;
	uint16_t special;
} __attribute__((packed));

#define E1K_RXS_DD      (1u << 0)
#define E1K_RXS_EOP     (1u << 1)
#define E1K_RXS_IXSM    (1u << 2)   /* ignore the checksum bits */
#define E1K_RXS_TCPCS   (1u << 5)
#define E1K_RXS_IPCS    (1u << 6)
#define E1K_RXE_CE      (1u << 0)   /* CRC or alignment */
#define E1K_RXE_SE      (1u << 1)
#define E1K_RXE_SEQ     (1u << 2)
#define E1K_RXE_CXE     (1u << 4)
#define E1K_RXE_TCPE    (1u << 5)
#define E1K_RXE_IPE     (1u << 6)
#define E1K_RXE_RXE     (1u << 7)
#define E1K_RXE_FRAME   (E1K_RXE_CE | E1K_RXE_SE | E1K_RXE_SEQ | E1K_RXE_CXE | E1K_RXE_RXE)

/* Legacy transmit descriptor (8254x ch. 3; 82574 ch. 7). */
struct e1k_tx_desc {
	uint64_t addr;
	uint16_t length;
	uint8_t cso;
	uint8_t cmd;
	uint8_t status;
	uint8_t css;
	uint16_t special;
} __attribute__((packed));

#define E1K_TXC_EOP     (1u << 0)
#define E1K_TXC_IFCS    (1u << 1)
#define E1K_TXC_RS      (1u << 3)
#define E1K_TXS_DD      (1u << 0)
