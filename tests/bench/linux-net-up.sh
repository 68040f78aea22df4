#!/bin/busybox sh
# SPDX-License-Identifier: MIT
# linux-net-up.sh - /bench/net-up.sh on the Linux side of a benchmark boot,
# run by b_net before its ping (not by /init, so boot_to_init stays the
# same): loads e1000 (Debian builds it as a module; fetch-bench-linux.sh
# keeps it in /lib/net-modules), gives eth0 10.0.2.15/24 and a default
# route through QEMU's slirp gateway, and waits for carrier (10 s at most).
/bin/busybox insmod /lib/net-modules/e1000.ko || exit 1
i=0
while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 50 ]; do
	/bin/busybox usleep 100000
	i=$((i + 1))
done
/bin/busybox ip link set eth0 up || exit 1
/bin/busybox ip addr add 10.0.2.15/24 dev eth0 || exit 1
/bin/busybox ip route add default via 10.0.2.2 || exit 1
i=0
while [ "$(/bin/busybox cat /sys/class/net/eth0/carrier 2>/dev/null)" != 1 ] && [ $i -lt 100 ]; do
	/bin/busybox usleep 100000
	i=$((i + 1))
done
