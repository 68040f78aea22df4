/* SPDX-License-Identifier: MIT */
/*
 * arch/hpet.h - the HPET main counter, used as the reference clock for TSC
 * and LAPIC-timer calibration (hpet.c).
 *
 * hpet_init() takes the address from the ACPI HPET table (platform.c calls
 * it unless the command line says 'nohpet'); it checks the capabilities
 * register (a period of 0 or above 100 ns is rejected, as the spec
 * requires), enables the main counter and checks that it runs.  Without a
 * usable HPET, hpet_available() is false and calibration uses the PIT.
 *
 * hpet_read_counter() may be called from any core at any time.  On a
 * 32-bit counter it extends the value to 64 bits in software, which is
 * correct as long as some core reads it at least once per wrap (about five
 * minutes at 14.3 MHz); a longer gap loses whole wraps.
 */
#pragma once

#include <types.h>

#define HPET_REG_CAP        0x000
#define HPET_REG_CONF       0x010
#define HPET_REG_COUNTER    0x0f0
#define HPET_CAP_COUNT_64   (1ULL << 13)
#define HPET_CONF_ENABLE    (1ULL << 0)
#define HPET_CONF_LEGACY    (1ULL << 1)
#define HPET_MAX_PERIOD_FS  100000000ULL    /* 100 ns */

/* Returns 0, -ENODEV (no HPET / it does not count), -EINVAL (bad caps),
 * -ENOMEM (cannot map). */
int hpet_init(physaddr_t mmio_pa);
/* Validates a capabilities register value: 0 or -EINVAL (reported). */
int hpet_check_caps(uint64_t cap);
bool hpet_available(void);
uint64_t hpet_period_fs(void);          /* femtoseconds per tick */
uint64_t hpet_read_counter(void);
