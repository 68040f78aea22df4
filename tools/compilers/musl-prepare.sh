#!/bin/sh
# SPDX-License-Identifier: MIT
#
# musl-prepare.sh - makes musl's build tree: upstream source + Vireo's port.
#
#   tools/compilers/musl-prepare.sh PRISTINE SRC BUILD
#
# PRISTINE is the unpacked upstream tree (fetch-musl.sh), never changed.
# SRC is the tree musl is built from: a copy of PRISTINE, created once,
# in which the upstream x86_64 assembly that executes `syscall` is removed
# (musl's generic C versions take its place, or the overlay's) and into
# which tools/compilers/musl/overlay/ (replacement files at musl's own
# paths) and tools/compilers/musl/vireo/ (the translation layer, as
# src/vireo/) are copied; tools/compilers/musl/patches/*.patch (-p1, in
# name order) change upstream files where a whole replacement would copy
# a large file for a few lines: each patched file is made afresh from
# PRISTINE, so a changed or removed patch leaves nothing stale.  Only
# files whose bytes differ are copied, so
# musl's make rebuilds only what changed; when a header changed (musl does
# not track header dependencies) the object folder BUILD/obj is removed so
# everything is rebuilt.
set -eu

die() { echo "musl-prepare: $*" >&2; exit 1; }
[ $# -eq 3 ] || die "usage: $0 PRISTINE SRC BUILD"
pristine=$1 src=$2 build=$3
here=$(cd "$(dirname "$0")" && pwd)
[ -f "$pristine/.vireo-unpacked" ] || die "$pristine: no unpacked musl (run fetch-musl.sh)"

# Upstream files that trap directly; their generic C versions are used.
REMOVED="src/thread/x86_64/__set_thread_area.s src/thread/x86_64/__unmapself.s
src/thread/x86_64/clone.s src/signal/x86_64/restore.s src/process/x86_64/vfork.s"

if [ ! -f "$src/.vireo-copied" ]; then
	rm -rf "$src" "$build/obj"
	mkdir -p "$(dirname "$src")"
	cp -a "$pristine" "$src"
	for f in $REMOVED; do rm -f "$src/$f"; done
	touch "$src/.vireo-copied"
fi

headers_changed=0
sync_file() {   # sync_file FROM TO
	if ! cmp -s "$1" "$2"; then
		mkdir -p "$(dirname "$2")"
		cp "$1" "$2"
		case "$2" in *.h) headers_changed=1 ;; esac
	fi
}

for f in $(cd "$here/musl/overlay" && find . -type f | sort); do
	sync_file "$here/musl/overlay/$f" "$src/$f"
done
# Patched upstream files: made in a scratch tree, then synced; a file no
# patch touches any more goes back to upstream's bytes.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for p in $(ls "$here/musl/patches"/*.patch 2>/dev/null | sort); do
	for f in $(sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$p"); do
		[ -f "$scratch/$f" ] && continue
		mkdir -p "$(dirname "$scratch/$f")"
		cp "$pristine/$f" "$scratch/$f"
	done
	patch -s -p1 --no-backup-if-mismatch -d "$scratch" < "$p" || die "$p does not apply to musl"
done
if [ -f "$src/.vireo-patched" ]; then
	for f in $(cat "$src/.vireo-patched"); do
		[ -f "$scratch/$f" ] || sync_file "$pristine/$f" "$src/$f"
	done
fi
(cd "$scratch" && find . -type f | sed 's|^\./||' | sort) > "$src/.vireo-patched"
for f in $(cat "$src/.vireo-patched"); do
	sync_file "$scratch/$f" "$src/$f"
done
for f in $(cd "$here/musl/vireo" && find . -type f -name '*.[ch]' | sort); do
	sync_file "$here/musl/vireo/$f" "$src/src/vireo/$f"
done
# A layer file deleted from the repository goes from the tree too.
for f in $(cd "$src/src/vireo" && ls); do
	[ -f "$here/musl/vireo/$f" ] || { rm -f "$src/src/vireo/$f"; headers_changed=1; }
done
if [ "$headers_changed" = 1 ]; then
	rm -rf "$build/obj"
fi
exit 0
