/* SPDX-License-Identifier: MIT */
/*
 * rtc.c - reading the CMOS real-time clock once at boot (rtc.h).
 *
 * The clock is behind index/data ports 0x70/0x71.  Registers 0x00-0x09
 * hold the time, 0x32 the century on most PCs (ACPI's FADT names it; we
 * take 0x32 when it reads as a plausible century), status A bit 7 says an
 * update is in progress and status B says BCD or binary and 12 or 24 hours.
 * A read is retried until two consecutive reads agree outside an update.
 * Boot core only, before processes exist; no locking.
 */
#include <arch/x86.h>
#include <globalinfo.h>
#include <kstring.h>
#include <printk.h>
#include <rtc.h>

#define CMOS_INDEX      0x70
#define CMOS_DATA       0x71
#define CMOS_NMI_OFF    0x80            /* keep NMIs masked while indexing */
#define RTC_STATUS_A    0x0a
#define RTC_STATUS_B    0x0b
#define RTC_CENTURY     0x32
#define RTC_UIP         0x80            /* status A: update in progress */
#define RTC_B_24H       0x02
#define RTC_B_BINARY    0x04
#define RTC_TRIES       1000

static uint8_t cmos_read(uint8_t reg)
{
	outb(CMOS_INDEX, CMOS_NMI_OFF | reg);
	return inb(CMOS_DATA);
}

/* One snapshot of the time registers, or false during an update. */
static bool rtc_snapshot(struct rtc_fields *f)
{
	uint8_t b;

	if (cmos_read(RTC_STATUS_A) & RTC_UIP)
		return false;
	b = cmos_read(RTC_STATUS_B);
	*f = (struct rtc_fields){
		.sec = cmos_read(0x00), .min = cmos_read(0x02), .hour = cmos_read(0x04),
		.mday = cmos_read(0x07), .mon = cmos_read(0x08), .year = cmos_read(0x09),
		.century = cmos_read(RTC_CENTURY), .bcd = !(b & RTC_B_BINARY),
		.h24 = !!(b & RTC_B_24H),
	};
	return true;
}

static bool rtc_read_stable(struct rtc_fields *f)
{
	struct rtc_fields prev;
	bool have_prev = false;

	for (int i = 0; i < RTC_TRIES; i++) {
		if (!rtc_snapshot(f)) {
			have_prev = false;
			continue;
		}
		if (have_prev && !memcmp(&prev, f, sizeof(*f)))
			return true;
		prev = *f;
		have_prev = true;
	}
	return false;
}

void rtc_init(void)
{
	struct rtc_fields f;
	uint64_t secs, tsc;

	if (!rtc_read_stable(&f)) {
		printk("rtc: the clock never held still; no wall time\n");
		return;
	}
	tsc = read_tsc();
	if (rtc_fields_to_epoch(&f, &secs)) {
		struct rtc_fields nc = f;

		nc.century = 0;         /* 0x32 may not be the century here */
		if (rtc_fields_to_epoch(&nc, &secs)) {
			printk("rtc: registers out of range (%02x:%02x:%02x %02x/%02x/%02x); "
			       "no wall time\n", f.hour, f.min, f.sec, f.mday, f.mon, f.year);
			return;
		}
	}
	globalinfo_set_walltime(secs * 1000000000ull, tsc);
	printk("rtc: wall time %lu s since 1970 (UTC)\n", secs);
}
