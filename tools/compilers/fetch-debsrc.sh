#!/bin/sh
# SPDX-License-Identifier: MIT
#
# fetch-debsrc.sh - brings the upstream source of a Debian source package
# into the build tree (musl: fetch-musl.sh; busybox: tools/busybox/build.sh).
#
#   tools/compilers/fetch-debsrc.sh PKG DEB_VERSION ORIG_TARBALL SHA256 OUTDIR TREE
#
# Fetches Debian's source package PKG at the pinned version DEB_VERSION
# with `apt-get source --download-only`, checks the upstream tarball
# ORIG_TARBALL against SHA256 (the caller pins both), and unpacks it as
# OUTDIR/TREE (then touches OUTDIR/TREE/.vireo-unpacked).  Only the upstream
# tarball is used: Debian's own patches are not applied.
#
# apt runs with a PRIVATE configuration under OUTDIR/apt: its source list
# holds deb-src lines derived at run time from the machine's deb lines
# (/etc/apt/sources.list and sources.list.d/*.list|*.sources); /etc/apt is
# never written.  Idempotent: when the unpacked tree is there it does
# nothing; when the tarball is already downloaded and checks out, no network
# is used.  Offline (or no deb sources), it says so and exits 1.
set -eu

die() { echo "fetch-debsrc: $*" >&2; exit 1; }

[ $# -eq 6 ] || die "usage: $0 PKG DEB_VERSION ORIG_TARBALL SHA256 OUTDIR TREE"
PKG=$1 DEB_VERSION=$2 ORIG=$3 SHA256=$4 out=$5 TREE=$6
tree=$out/$TREE
[ -f "$tree/.vireo-unpacked" ] && exit 0
mkdir -p "$out/apt/lists/partial" "$out/apt/archives/partial" "$out/download"
out=$(cd "$out" && pwd)
tree=$out/$TREE

sha_ok() {
	[ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$SHA256" ]
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
		die "apt-get update failed (offline?): cannot fetch $PKG $DEB_VERSION"
	(cd "$out/download" && apt-get -qq "$@" source --download-only "$PKG=$DEB_VERSION") ||
		die "apt-get source $PKG=$DEB_VERSION failed (offline, or version gone?)"
}

if ! sha_ok "$out/download/$ORIG"; then
	command -v apt-get >/dev/null || die "apt-get not found: Vireo fetches $PKG from Debian"
	write_private_sources
	apt_download
	[ -f "$out/download/$ORIG" ] || die "$ORIG not among the downloaded files"
	sha_ok "$out/download/$ORIG" ||
		die "$ORIG: sha256 mismatch (want $SHA256)"
fi

rm -rf "$tree" "$tree.tmp"
mkdir -p "$tree.tmp"
tar -xf "$out/download/$ORIG" -C "$tree.tmp" --strip-components=1
mv "$tree.tmp" "$tree"
touch "$tree/.vireo-unpacked"
echo "  FETCH   $tree (Debian $PKG $DEB_VERSION, sha256 ok)"
