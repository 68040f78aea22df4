#!/bin/busybox sh
# SPDX-License-Identifier: MIT
# linux-init.sh - /init of the Linux guest of the network tests
# (tests/net/, Documentation/net-testing.md), busybox only.
#
# Mounts /proc, /sys and /dev, loads the NIC modules that Debian builds as
# modules (/lib/net-modules/, in the order written in .../order:
# dependencies first; a driver whose device is absent loads and waits), gives
# eth0 the address of net_addr=A.B.C.D/LEN on the kernel command line, and
# waits for the link (carrier), and runs a shell on the serial console for tests/net/netguest.py, which types
# commands and reads "@@END <n> <status>@@" after each.  Prints
# "NETGUEST-READY <ifname>" when eth0 is up, "NETGUEST-NOIF" when no NIC
# came up.
/bin/busybox --install -s /bin
mkdir -p /proc /sys /dev /tmp
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in $(cat /lib/net-modules/order); do
	insmod "/lib/net-modules/$m.ko" || echo "linux-init: insmod $m failed"
done
addr=$(sed -n 's/.*net_addr=\([0-9./]*\).*/\1/p' /proc/cmdline)
# The driver binds asynchronously after insmod: wait for eth0 (5 s at most).
i=0
while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 50 ]; do
	usleep 100000
	i=$((i + 1))
done
ip link set lo up
if [ -e /sys/class/net/eth0 ]; then
	ip link set eth0 up
	[ -n "$addr" ] && ip addr add "$addr" dev eth0
	# e1000e reports its link a second or two after "up": pings sent
	# before that are lost.  Wait for carrier (10 s at most).
	i=0
	while [ "$(cat /sys/class/net/eth0/carrier 2>/dev/null)" != 1 ] && [ $i -lt 100 ]; do
		usleep 100000
		i=$((i + 1))
	done
	echo "NETGUEST-READY eth0 $(cat /sys/class/net/eth0/address) $addr"
else
	echo "NETGUEST-NOIF"
fi
stty -echo 2>/dev/null
exec sh
