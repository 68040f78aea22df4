#!/bin/busybox sh
# SPDX-License-Identifier: MIT
# linux-init.sh - /init of the Linux side of make bbtest (Debian's static
# busybox as /bin/busybox for the set-up only; the suite runs the busybox
# built from the same source and .config as Vireo's, in /bbtest): mounts
# what a Linux system has, runs /bbtest/run.sh (with the applets that
# bbtest_applets=a,b names, if any), powers off.
/bin/busybox mkdir -p /proc /sys /dev /tmp /bin
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sys /sys
/bin/busybox mount -t devtmpfs dev /dev
/bin/busybox mount -t tmpfs tmp /tmp
# /bin holds the applets of the busybox under test, as Vireo's /bin does.
for a in $(/bin/busybox cat /bbtest/applets); do
	[ -e /bin/$a ] || /bin/busybox ln -s /bbtest/busybox /bin/$a
done
export PATH=/bin
# bbtest_applets=a,b on the command line: just those (a second run).
applets=$(sed -n 's/.*bbtest_applets=\([^ ]*\).*/\1/p' /proc/cmdline | tr , ' ')
/bin/busybox sh /bbtest/run.sh $applets
/bin/busybox poweroff -f
