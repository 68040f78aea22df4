# SPDX-License-Identifier: MIT
# rtc: the real-time clock's registers to Unix time (kern/src/lib/rtc_time.c).
HOST_SUITES += rtc
rtc_SRCS := kern/src/lib/rtc_time.c tests/host/test_rtc.c
