#!/bin/sh
# SPDX-License-Identifier: MIT
#
# build.sh - builds BusyBox for Vireo (Documentation/userland.md).
#
#   tools/busybox/build.sh OUTDIR CC INPUT...
#
# 1. Fetches Debian's busybox source package at the pinned version with
#    tools/compilers/fetch-debsrc.sh (the private apt configuration musl's
#    fetch uses) and checks the upstream tarball's sha256 pinned below.
# 2. Hashes what the result depends on: this script, vireo.config, the
#    patches (tools/busybox/patches/*.patch, applied in name order) and each
#    INPUT (the compiler wrapper, its specs, libc.a, libparlib.a).  When
#    OUTDIR/cache/HASH/ holds a build of those inputs, it is used as is.
# 3. Otherwise unpacks a fresh tree in OUTDIR/work/, applies the patches,
#    expands vireo.config (the options that differ from `make
#    allnoconfig`) into a full .config (`yes "" | make oldconfig` gives any
#    option the fragment reveals its default), builds with CC and stores
#    busybox and its applet names (one a line) in OUTDIR/cache/HASH/.
# Then OUTDIR/busybox, OUTDIR/applets and OUTDIR/config (the full .config)
# are copies of the cached build.
set -eu

BB_VERSION=1.35.0
BB_DEB_VERSION=1:1.35.0-4+deb12u1
BB_SHA256=faeeb244c35a348a334f4a59e44626ee870fb07b6884d68c10ae8bc19f83a694

die() { echo "busybox: $*" >&2; exit 1; }
[ $# -ge 2 ] || die "usage: $0 OUTDIR CC INPUT..."
out=$1 cc=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
cc=$(cd "$(dirname "$cc")" && pwd)/$(basename "$cc")

"$here/../compilers/fetch-debsrc.sh" busybox "$BB_DEB_VERSION" \
	"busybox_${BB_VERSION}.orig.tar.bz2" "$BB_SHA256" "$out/fetch" "busybox-$BB_VERSION"
pristine=$out/fetch/busybox-$BB_VERSION

hash=$( { echo "$BB_DEB_VERSION"; cat "$0" "$here/vireo.config";
	  for p in "$here"/patches/*.patch; do [ -f "$p" ] && cat "$p"; done;
	  for f in "$@"; do cat "$f"; done; } | sha256sum | cut -c1-16)
cache=$out/cache/$hash

if [ ! -f "$cache/busybox" ]; then
	echo "  BUSYBOX $BB_VERSION (inputs $hash)"
	work=$out/work
	rm -rf "$work"
	cp -a "$pristine" "$work"
	for p in "$here"/patches/*.patch; do
		[ -f "$p" ] || continue
		patch -s -d "$work" -p1 < "$p" || die "$p does not apply"
	done
	(
		# BusyBox's make takes O= (and the rest of a calling make's
		# MAKEFLAGS) as its own: it must not see Vireo's.
		unset MAKEFLAGS MFLAGS MAKELEVEL O
		cd "$work"
		make -s allnoconfig > config.log 2>&1
		python3 "$here/merge-config.py" .config "$here/vireo.config"
		yes "" | make oldconfig >> config.log 2>&1
		make -j"$(nproc)" CC="$cc" HOSTCC=gcc CROSS_COMPILE= SKIP_STRIP=y busybox > build.log 2>&1 ||
			{ tail -n 30 build.log >&2; exit 1; }
		make -s busybox.links >> build.log 2>&1
	) || die "build failed (log in $work/build.log)"
	mkdir -p "$cache.tmp"
	cp "$work/busybox" "$cache.tmp/busybox"
	sed 's|.*/||' "$work/busybox.links" | sort -u > "$cache.tmp/applets"
	cp "$work/.config" "$cache.tmp/config"
	rm -rf "$cache" && mv "$cache.tmp" "$cache"
	rm -rf "$work"
fi
cp "$cache/busybox" "$out/busybox.tmp" && mv "$out/busybox.tmp" "$out/busybox"
cp "$cache/applets" "$out/applets"
cp "$cache/config" "$out/config"        # busybox's testsuite reads it
