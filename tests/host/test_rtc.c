// SPDX-License-Identifier: MIT
/*
 * test_rtc.c - rtc_fields_to_epoch(): BCD and binary registers, 12- and
 * 24-hour clocks, with and without a century, leap days, and registers a
 * broken or hostile firmware could hold.  Expected values are Unix times
 * computed independently (Python's calendar.timegm).
 */
#include <errno.h>
#include <rtc.h>

#include "htest.h"

static struct rtc_fields bcd(uint8_t y, uint8_t mo, uint8_t d, uint8_t h, uint8_t mi, uint8_t s)
{
	return (struct rtc_fields){ .sec = s, .min = mi, .hour = h, .mday = d, .mon = mo,
	                            .year = y, .century = 0x20, .bcd = true, .h24 = true };
}

static uint64_t epoch_of(struct rtc_fields f)
{
	uint64_t secs = ~0ull;

	HT_ASSERT_EQ(rtc_fields_to_epoch(&f, &secs), 0);
	return secs;
}

static int err_of(struct rtc_fields f)
{
	uint64_t secs;

	return rtc_fields_to_epoch(&f, &secs);
}

HTEST(rtc_bcd_24h_with_century)
{
	HT_ASSERT_EQ(epoch_of(bcd(0x26, 0x11, 0x24, 0x08, 0x00, 0x00)), 1795507200ull);
	HT_ASSERT_EQ(epoch_of(bcd(0x00, 0x02, 0x29, 0x12, 0x34, 0x56)), 951827696ull);
	HT_ASSERT_EQ(epoch_of(bcd(0x24, 0x02, 0x29, 0x13, 0x05, 0x00)), 1709211900ull);
}

HTEST(rtc_binary_and_no_century)
{
	struct rtc_fields f = { .sec = 59, .min = 59, .hour = 23, .mday = 31, .mon = 12,
	                        .year = 99, .century = 0, .bcd = false, .h24 = true };

	HT_ASSERT_EQ(epoch_of(f), 946684799ull);          /* 99 -> 1999 */
	f = (struct rtc_fields){ .mday = 1, .mon = 1, .year = 69, .h24 = true };
	HT_ASSERT_EQ(epoch_of(f), 3124224000ull);         /* 69 -> 2069 */
	f = (struct rtc_fields){ .mday = 1, .mon = 1, .year = 70, .h24 = true };
	HT_ASSERT_EQ(epoch_of(f), 0ull);
}

HTEST(rtc_twelve_hour_clock)
{
	struct rtc_fields f = bcd(0x26, 0x03, 0x01, 0x12, 0x30, 0x00);

	f.h24 = false;
	HT_ASSERT_EQ(epoch_of(f), 1772325000ull);         /* 12 AM is 00:30 */
	f.hour = 0x80 | 0x12;                             /* 12 PM */
	HT_ASSERT_EQ(epoch_of(f), 1772325000ull + 12 * 3600);
	f.hour = 0x80 | 0x01;                             /* 1 PM */
	HT_ASSERT_EQ(epoch_of(f), 1772325000ull + 13 * 3600);
	f.hour = 0x00;                                    /* no hour 0 on a 12-hour clock */
	HT_ASSERT_EQ(err_of(f), -EINVAL);
	f.hour = 0x13;
	HT_ASSERT_EQ(err_of(f), -EINVAL);
}

HTEST(rtc_bad_registers_are_refused)
{
	struct rtc_fields f = bcd(0x26, 0x11, 0x24, 0x08, 0x00, 0x00);

	f.sec = 0x1a;                                     /* not BCD */
	HT_ASSERT_EQ(err_of(f), -EINVAL);
	f = bcd(0x26, 0x13, 0x01, 0, 0, 0);               /* month 13 */
	HT_ASSERT_EQ(err_of(f), -EINVAL);
	f = bcd(0x26, 0x00, 0x01, 0, 0, 0);               /* month 0 */
	HT_ASSERT_EQ(err_of(f), -EINVAL);
	f = bcd(0x25, 0x02, 0x29, 0, 0, 0);               /* 2025 is not a leap year */
	HT_ASSERT_EQ(err_of(f), -EINVAL);
	f = bcd(0x26, 0x04, 0x31, 0, 0, 0);               /* April has 30 days */
	HT_ASSERT_EQ(err_of(f), -EINVAL);
	f = bcd(0x26, 0x01, 0x00, 0, 0, 0);               /* day 0 */
	HT_ASSERT_EQ(err_of(f), -EINVAL);
	f = bcd(0x26, 0x01, 0x01, 0x24, 0, 0);            /* hour 24 */
	HT_ASSERT_EQ(err_of(f), -EINVAL);
	f = bcd(0x26, 0x01, 0x01, 0, 0x60, 0);            /* minute 60 */
	HT_ASSERT_EQ(err_of(f), -EINVAL);
	f = bcd(0x26, 0x01, 0x01, 0, 0, 0);
	f.century = 0x18;                                 /* 1826: before the epoch */
	HT_ASSERT_EQ(err_of(f), -EINVAL);
	f.century = 0xff;
	HT_ASSERT_EQ(err_of(f), -EINVAL);
	f = (struct rtc_fields){ .sec = 0xff, .min = 0xff, .hour = 0xff, .mday = 0xff,
	                         .mon = 0xff, .year = 0xff, .h24 = true };
	HT_ASSERT_EQ(err_of(f), -EINVAL);                 /* binary garbage */
}
