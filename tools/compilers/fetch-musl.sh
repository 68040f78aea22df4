#!/bin/sh
# SPDX-License-Identifier: MIT
#
# fetch-musl.sh - brings musl's upstream source into the build tree.
#
#   tools/compilers/fetch-musl.sh OUTDIR
#
# Fetches Debian's musl source package at the pinned version MUSL_DEB_VERSION
# with `apt-get source --download-only`, checks the upstream tarball against
# the sha256 pinned below, and unpacks it as OUTDIR/musl-$MUSL_VERSION (then
# touches OUTDIR/musl-$MUSL_VERSION/.vireo-unpacked).  Only the upstream
# tarball is used: Debian's own patches are not applied.
#
# apt runs with a PRIVATE configuration under OUTDIR/apt: its source list
# holds deb-src lines derived at run time from the machine's deb lines
# (/etc/apt/sources.list and sources.list.d/*.list|*.sources); /etc/apt is
# never written.  Idempotent: when the unpacked tree is there it does
# nothing; when the tarball is already downloaded and checks out, no network
# is used.  Offline (or no deb sources), it says so and exits 1.
set -eu

MUSL_VERSION=1.2.3
MUSL_DEB_VERSION=1.2.3-1
MUSL_ORIG=musl_${MUSL_VERSION}.orig.tar.gz
MUSL_SHA256=7d5b0b6062521e4627e099e4c9dc8248d32a30285e959b7eecaa780cf8cfd4a4

die() { echo "fetch-musl: $*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: $0 OUTDIR"
out=$1
tree=$out/musl-$MUSL_VERSION
[ -f "$tree/.vireo-unpacked" ] && exit 0
mkdir -p "$out/apt/lists/partial" "$out/apt/archives/partial" "$out/download"
out=$(cd "$out" && pwd)
tree=$out/musl-$MUSL_VERSION

sha_ok() {
	[ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$MUSL_SHA256" ]
}

# One-line sources (deb URI SUITE COMP...) become deb-src lines.
derive_list() {
	sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' "$1"
}

# deb822 stanzas: Types: deb becomes Types: deb-src, the rest is kept.
derive_sources() {
	awk 'BEGIN { RS = ""; ORS = "\n\n" }
	     /(^|\n)Types:[^\n]*(^|[ \t])deb([ \t]|\n|$)/ {
		sub(/Types:[^\n]*/, "Types: deb-src"); print }' "$1"
}

write_private_sources() {
	: > "$out/apt/sources.list"
	mkdir -p "$out/apt/sources-parts"
	rm -f "$out/apt/sources-parts/"*
	[ -f /etc/apt/sources.list ] && derive_list /etc/apt/sources.list >> "$out/apt/sources.list"
	for f in /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] && derive_list "$f" >> "$out/apt/sources.list"
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] && derive_sources "$f" > "$out/apt/sources-parts/${f##*/}"
	done
	grep -rqs deb-src "$out/apt/sources.list" "$out/apt/sources-parts" ||
		die "no deb lines in /etc/apt to derive deb-src lines from"
}

apt_download() {
	set -- -o Dir::Etc::SourceList="$out/apt/sources.list" \
		-o Dir::Etc::SourceParts="$out/apt/sources-parts" \
		-o Dir::State::Lists="$out/apt/lists" \
		-o Dir::Cache::Archives="$out/apt/archives" \
		-o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= \
		-o APT::Get::Only-Source=true -o Debug::NoLocking=true \
		-o APT::Sandbox::User=root
	apt-get -qq "$@" update ||
		die "apt-get update failed (offline?): cannot fetch musl $MUSL_DEB_VERSION"
	(cd "$out/download" && apt-get -qq "$@" source --download-only "musl=$MUSL_DEB_VERSION") ||
		die "apt-get source musl=$MUSL_DEB_VERSION failed (offline, or version gone?)"
}

if ! sha_ok "$out/download/$MUSL_ORIG"; then
	command -v apt-get >/dev/null || die "apt-get not found: Vireo fetches musl from Debian"
	write_private_sources
	apt_download
	[ -f "$out/download/$MUSL_ORIG" ] || die "$MUSL_ORIG not among the downloaded files"
	sha_ok "$out/download/$MUSL_ORIG" ||
		die "$MUSL_ORIG: sha256 mismatch (want $MUSL_SHA256)"
fi

rm -rf "$tree" "$tree.tmp"
mkdir -p "$tree.tmp"
tar -xzf "$out/download/$MUSL_ORIG" -C "$tree.tmp" --strip-components=1
mv "$tree.tmp" "$tree"
touch "$tree/.vireo-unpacked"
echo "  MUSL    $tree (upstream $MUSL_VERSION, Debian $MUSL_DEB_VERSION, sha256 ok)"
