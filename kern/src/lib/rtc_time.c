/* SPDX-License-Identifier: MIT */
/*
 * rtc_time.c - calendar arithmetic for the real-time clock (rtc.h): its
 * registers (BCD or binary, 12- or 24-hour, with or without a century)
 * to seconds since the Unix epoch.  Pure: no hardware, no locks; every
 * field is range-checked because the values come from firmware.
 */
#include <errno.h>
#include <rtc.h>

static bool rtc_bcd_ok(uint8_t v)
{
	return (v & 0x0f) <= 9 && (v >> 4) <= 9;
}

/* A register's value in binary, or -1 if it is not valid BCD. */
static int rtc_decode(uint8_t v, bool bcd)
{
	if (!bcd)
		return v;
	return rtc_bcd_ok(v) ? (v >> 4) * 10 + (v & 0x0f) : -1;
}

/* The hour in 0..23: 12-hour clocks keep PM in bit 7. */
static int rtc_hour(uint8_t raw, bool bcd, bool h24)
{
	bool pm = !h24 && (raw & 0x80);
	int h = rtc_decode(h24 ? raw : raw & 0x7f, bcd);

	if (h < 0 || (h24 && h > 23) || (!h24 && (h < 1 || h > 12)))
		return -1;
	if (!h24)
		h = (h % 12) + (pm ? 12 : 0);
	return h;
}

static bool rtc_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int rtc_mdays(int y, int m)
{
	static const uint8_t days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return days[m - 1] + (m == 2 && rtc_leap(y));
}

/* Days from 1970-01-01 to y-m-d (y >= 1970). */
static uint64_t rtc_days(int y, int m, int d)
{
	uint64_t days = 0;

	for (int i = 1970; i < y; i++)
		days += rtc_leap(i) ? 366 : 365;
	for (int i = 1; i < m; i++)
		days += rtc_mdays(y, i);
	return days + (uint64_t)(d - 1);
}

int rtc_fields_to_epoch(const struct rtc_fields *f, uint64_t *secs)
{
	int s = rtc_decode(f->sec, f->bcd), mi = rtc_decode(f->min, f->bcd);
	int h = rtc_hour(f->hour, f->bcd, f->h24);
	int d = rtc_decode(f->mday, f->bcd), mo = rtc_decode(f->mon, f->bcd);
	int y = rtc_decode(f->year, f->bcd), c = f->century ? rtc_decode(f->century, f->bcd) : 0;

	if (s < 0 || s > 59 || mi < 0 || mi > 59 || h < 0 || y < 0 || y > 99 || c < 0 ||
	    mo < 1 || mo > 12 || (f->century && (c < 19 || c > 99)))
		return -EINVAL;
	y += f->century ? c * 100 : (y < 70 ? 2000 : 1900);
	if (y < 1970 || d < 1 || d > rtc_mdays(y, mo))
		return -EINVAL;
	*secs = ((rtc_days(y, mo, d) * 24 + (uint64_t)h) * 60 + (uint64_t)mi) * 60 + (uint64_t)s;
	return 0;
}
