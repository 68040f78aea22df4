#!/bin/sh
# SPDX-License-Identifier: MIT
#
# fetch-musl.sh - brings musl's upstream source into the build tree.
#
#   tools/compilers/fetch-musl.sh OUTDIR
#
# Debian's musl source package at the version pinned here, its upstream
# tarball checked against the sha256 pinned here, unpacked as
# OUTDIR/musl-$MUSL_VERSION by fetch-debsrc.sh (which says how apt is run:
# a private configuration, /etc/apt never written).  Debian's own patches
# are not applied.
set -eu

MUSL_VERSION=1.2.3
MUSL_DEB_VERSION=1.2.3-1
MUSL_SHA256=7d5b0b6062521e4627e099e4c9dc8248d32a30285e959b7eecaa780cf8cfd4a4

[ $# -eq 1 ] || { echo "fetch-musl: usage: $0 OUTDIR" >&2; exit 1; }
exec "$(dirname "$0")/fetch-debsrc.sh" musl "$MUSL_DEB_VERSION" \
	"musl_${MUSL_VERSION}.orig.tar.gz" "$MUSL_SHA256" "$1" "musl-$MUSL_VERSION"
