/* SPDX-License-Identifier: MIT */
/*
 * time.h - the kernel's clock: monotonic nanoseconds from the TSC.
 *
 * The TSC is calibrated once at boot (tsc.c, against the HPET when the
 * firmware lists one, else the PIT) and is the only clock for timeouts and
 * alarms.  Times are uint64_t nanoseconds since the calibration; they do not
 * wrap for 584 years.  Wall time is a separate offset (later, for
 * gettimeofday) and never used for timeouts.
 */
#pragma once

#include <types.h>

#define NSEC_PER_USEC 1000UL
#define NSEC_PER_MSEC 1000000UL
#define NSEC_PER_SEC  1000000000UL

void tsc_calibrate(void);
uint64_t tsc_freq_hz(void);
const char *tsc_calibration_source(void);

uint64_t nsec_now(void);
uint64_t tsc_to_nsec(uint64_t tsc);
uint64_t nsec_to_tsc(uint64_t ns);

/* Busy-waits; for drivers and boot code that cannot sleep. */
void udelay(uint64_t usec);
