#!/bin/busybox sh
# SPDX-License-Identifier: MIT
# linux-init.sh - /init of the Linux side of make conformance (busybox;
# Documentation/conformance.md): mounts what a Linux system has (/proc,
# /sys, /dev, a tmpfs on /tmp and on /dev/shm, where musl keeps named
# semaphores and shared memory), then runs /conf/conf-run from the test
# that conf_first=N on the kernel command line names, and powers off.
/bin/busybox mkdir -p /proc /sys /dev /tmp
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sys /sys
/bin/busybox mount -t devtmpfs dev /dev
/bin/busybox mkdir -p /dev/shm
/bin/busybox mount -t tmpfs tmp /tmp
/bin/busybox mount -t tmpfs shm /dev/shm
first=$(/bin/busybox sed -n 's/.*conf_first=\([0-9]*\).*/\1/p' /proc/cmdline)
/conf/conf-run /conf/list "${first:-0}"
/bin/busybox poweroff -f
