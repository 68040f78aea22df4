#!/bin/bash
# SPDX-License-Identifier: MIT
#
# fetch-bench-linux.sh DIR - the Linux side of make bench, from Debian's
# packages: the kernel that linux-image-amd64 depends on today and a static
# busybox, downloaded with apt-get download (apt checks each .deb against
# the signed archive index) and unpacked with dpkg-deb -x; nothing is
# installed.  Leaves DIR/vmlinuz, DIR/busybox and DIR/versions.txt (package
# names, versions and the sha256 of both files, which the benchmark CSV
# records), and the tools the build needs: musl-gcc (musl-tools), the uapi
# headers (linux-libc-dev), matplotlib for the plot.
#
# Debian builds the NIC drivers as modules, so the same package's
# e1000, e1000e, virtio_pci and virtio_net go to DIR/modules/ with the
# modules they depend on (read from each .ko's "depends=" field: the .deb
# has no modules.dep, depmod makes it at install), and DIR/modules/order
# lists them dependencies first, for insmod (tests/net/, Documentation/
# net-testing.md).  virtio_net does not depend on virtio_pci, the bus
# driver that finds the device, so both are asked for.
set -euo pipefail

dir=$1
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

need=""
for p in musl-tools linux-libc-dev python3-matplotlib; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		need="$need $p"
done
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
if [ -n "$need" ]; then
	echo "  DEPS   $need"
	$SUDO apt-get update -qq
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $need >/dev/null
fi

kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
if [ -z "$kpkg" ]; then
	$SUDO apt-get update -qq
	kpkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
fi
[ -n "$kpkg" ] || { echo "fetch-bench-linux: no kernel behind linux-image-amd64" >&2; exit 1; }

work=$(mktemp -d "$dir/fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "  FETCH   $kpkg busybox-static"
(cd "$work" && apt-get -o APT::Sandbox::User=root download -qq "$kpkg" busybox-static)
dpkg-deb -x "$work"/"$kpkg"_*.deb "$work/k"
dpkg-deb -x "$work"/busybox-static_*.deb "$work/b"
cp "$work"/k/boot/vmlinuz-* "$dir/vmlinuz.new"
rm -rf "$dir/modules"
mkdir -p "$dir/modules"
: > "$dir/modules/order"
# add_module NAME: NAME's dependencies, then NAME, once each.
add_module() {
	local ko deps d
	grep -qx "$1" "$dir/modules/order" && return 0
	ko=$(find "$work"/k/lib/modules -name "$1.ko" -o -name "$1.ko.xz" | head -1)
	[ -n "$ko" ] || { echo "fetch-bench-linux: no module $1 in $kpkg" >&2; exit 1; }
	case "$ko" in
	*.xz) xz -dc "$ko" > "$dir/modules/$1.ko" ;;
	*) cp "$ko" "$dir/modules/$1.ko" ;;
	esac
	deps=$(strings "$dir/modules/$1.ko" | sed -n 's/^depends=//p' | head -1)
	for d in ${deps//,/ }; do
		add_module "${d//-/_}"
	done
	echo "$1" >> "$dir/modules/order"
}
for m in e1000 e1000e virtio_pci virtio_net; do
	add_module "$m"
done
cp "$work/b/bin/busybox" "$dir/busybox"
{
	echo "kernel $kpkg $(dpkg-deb -f "$work"/"$kpkg"_*.deb Version) sha256 $(sha256sum < "$dir/vmlinuz.new" | cut -d' ' -f1)"
	echo "busybox busybox-static $(dpkg-deb -f "$work"/busybox-static_*.deb Version) sha256 $(sha256sum < "$dir/busybox" | cut -d' ' -f1)"
} > "$dir/versions.txt"
mv "$dir/vmlinuz.new" "$dir/vmlinuz"
cat "$dir/versions.txt"
