#!/bin/busybox sh
# SPDX-License-Identifier: MIT
# linux-init.sh - /init of the Linux side of a benchmark boot (busybox):
# mounts /proc, /sys and /dev, brings up the loopback interface (b_net's
# UDP echo), runs /bench/runall (with "quick" when the kernel
# command line says bench_quick), and powers the machine off.
/bin/busybox mkdir -p /proc /sys /dev /tmp
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sys /sys
/bin/busybox mount -t devtmpfs dev /dev
/bin/busybox ip link set lo up
mode=""
/bin/busybox grep -q bench_quick /proc/cmdline && mode=quick
/bench/runall $mode
/bin/busybox poweroff -f
