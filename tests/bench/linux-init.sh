#!/bin/busybox sh
# SPDX-License-Identifier: MIT
# linux-init.sh - /init of the Linux side of a benchmark boot (busybox):
# mounts /proc and /dev, runs /bench/runall (with "quick" when the kernel
# command line says bench_quick), and powers the machine off.
/bin/busybox mkdir -p /proc /dev /tmp
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t devtmpfs dev /dev
mode=""
/bin/busybox grep -q bench_quick /proc/cmdline && mode=quick
/bench/runall $mode
/bin/busybox poweroff -f
