#!/bin/sh
# SPDX-License-Identifier: MIT
# run.sh - the guest side of make bbtest (Documentation/userland.md): runs
# BusyBox's own test suite, unchanged, with the busybox, .config and applet
# list of /bbtest, from a writable copy under /tmp (runtest makes its links
# next to the binary).  The same script runs in Vireo (init=/bin/sh
# /bbtest/run.sh) and on Linux (from tests/busybox/linux-init.sh).
#
# runtest runs once per applet that has tests (the applets named as
# arguments, else all of /bbtest/applets), under `timeout`, so that one
# applet that hangs costs its own tests only.  Output: BusyBox's PASS:,
# FAIL:, SKIPPED: and UNTESTED: lines, "BBTEST-APPLET name" before each
# applet, "BBTEST-TIMEOUT name" for one killed at BBTEST_LIMIT seconds,
# all between BBTEST-BEGIN and BBTEST-DONE.
limit=${BBTEST_LIMIT:-600}
work=/tmp/bbtest
rm -rf "$work"
mkdir -p "$work" || exit 1
cp -r /bbtest/testsuite "$work/" &&
	cp /bbtest/busybox "$work/busybox" &&
	cp /bbtest/config "$work/.config" || { echo "BBTEST-DONE setup-failed"; exit 1; }
cd "$work/testsuite" || exit 1
echo BBTEST-BEGIN
[ $# -gt 0 ] || set -- busybox $(cat /bbtest/applets)
for applet in "$@"; do
	[ -d "$applet" ] || [ -f "$applet.tests" ] || continue
	echo "BBTEST-APPLET $applet"
	timeout "$limit" ./runtest "$applet" < /dev/null 2>&1
	[ $? -eq 143 ] && echo "BBTEST-TIMEOUT $applet"
done
echo BBTEST-DONE
