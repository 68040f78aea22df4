/* SPDX-License-Identifier: MIT */
/*
 * pci_internal.h - what the files of kern/drivers/pci/ share and drivers
 * do not see: raw config access by address (cfg.c), the ECAM windows, the
 * bind semaphore (driver.c) and the MSI/MSI-X programming (msi.c) that
 * irq.c chooses between.
 */
#pragma once

#include <pci.h>
#include <platform.h>

/* cfg.c.  Boot core, before enumeration: takes segment 0's ECAM windows. */
void pci_cfg_init(const struct platform_info *pi);
/* The 4 KiB ECAM page of (bus, dev, fn), mapping its bus on first use; NULL
 * when no window covers the bus (the port mechanism is used then). */
volatile uint8_t *pci_ecam_page(uint8_t bus, uint8_t dev, uint8_t fn);
/* Config access by address; ecam may be NULL.  Offsets >= 256 without
 * ECAM read as all ones and ignore writes. */
uint32_t pci_raw_read(volatile uint8_t *ecam, uint8_t bus, uint8_t dev,
                      uint8_t fn, unsigned int off, unsigned int width);
void pci_raw_write(volatile uint8_t *ecam, uint8_t bus, uint8_t dev,
                   uint8_t fn, unsigned int off, unsigned int width, uint32_t v);
/* "ECAM" or "ports" for the boot log. */
const char *pci_cfg_mechanism(void);

/* msi.c.  Program and switch on MSI-X (n vectors) or MSI (one) for d with
 * d->irq.vec[] already holding vectors and cores; masked on return. */
int pci_msix_setup(struct pci_dev *d, unsigned int n);
int pci_msi_setup(struct pci_dev *d);
void pci_msi_disable(struct pci_dev *d);
/* Points vector idx at its vec[idx].core (MSI: the caller has masked it)
 * / masks or unmasks it. */
int pci_msi_retarget(struct pci_dev *d, unsigned int idx);
void pci_msi_mask(struct pci_dev *d, unsigned int idx, bool masked);
/* The number of MSI-X vectors d offers (0: none or unusable). */
unsigned int pci_msix_count(struct pci_dev *d);
