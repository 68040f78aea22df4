/* SPDX-License-Identifier: MIT */
/*
 * rtc.h - the wall clock at boot, from the PC's CMOS real-time clock.
 *
 *	rtc_init();     // boot, after globalinfo_init(): sets the wall time
 *
 * rtc_init() (kern/arch/x86/rtc.c) reads the clock's registers until two
 * reads agree (never during an update), converts them with
 * rtc_fields_to_epoch() and hands the result to globalinfo_set_walltime();
 * user space then computes CLOCK_REALTIME from the TSC without a trap.  A
 * clock with values out of range is reported on the console and ignored:
 * the wall time stays 0.  The RTC is taken to run in UTC (QEMU's default).
 *
 * rtc_fields_to_epoch() (kern/src/lib/rtc_time.c) is pure and host-tested.
 */
#pragma once

#include <types.h>

/* The clock's registers as read (BCD or binary, 12- or 24-hour). */
struct rtc_fields {
	uint8_t sec, min, hour, mday, mon, year, century;  /* century 0: unknown */
	bool bcd;               /* status B bit 2 clear */
	bool h24;               /* status B bit 1 set */
};

/* Seconds since 1970-01-01 00:00 UTC, or -EINVAL for a value out of range
 * (with the century unknown, years 00-69 are 20xx and 70-99 19xx). */
int rtc_fields_to_epoch(const struct rtc_fields *f, uint64_t *secs);

void rtc_init(void);
