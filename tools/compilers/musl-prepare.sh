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
# src/vireo/) are copied.  Only files whose bytes differ are copied, so
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
