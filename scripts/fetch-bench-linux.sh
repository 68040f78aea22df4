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
cp "$work/b/bin/busybox" "$dir/busybox"
{
	echo "kernel $kpkg $(dpkg-deb -f "$work"/"$kpkg"_*.deb Version) sha256 $(sha256sum < "$dir/vmlinuz.new" | cut -d' ' -f1)"
	echo "busybox busybox-static $(dpkg-deb -f "$work"/busybox-static_*.deb Version) sha256 $(sha256sum < "$dir/busybox" | cut -d' ' -f1)"
} > "$dir/versions.txt"
mv "$dir/vmlinuz.new" "$dir/vmlinuz"
cat "$dir/versions.txt"
