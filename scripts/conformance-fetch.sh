#!/bin/sh
# SPDX-License-Identifier: MIT
#
# conformance-fetch.sh - brings the Open POSIX Test Suite into the build
# tree for make conformance (Documentation/conformance.md).
#
#   scripts/conformance-fetch.sh OUTDIR
#
# Debian's posixtestsuite source package at the version pinned here, its
# upstream tarball checked against the sha256 pinned here, unpacked as
# OUTDIR/posixtestsuite-$PTS_VERSION by tools/compilers/fetch-debsrc.sh
# (a private apt configuration; /etc/apt is never written).  Debian's
# patches are not applied: the tests are the upstream 1.5.2 files.
set -eu

PTS_VERSION=1.5.2
PTS_DEB_VERSION=1.5.2-8
PTS_SHA256=15a2185672127cba851d35ec9d538ff6148defdbb75f99c7e9c50aeba0f94757

[ $# -eq 1 ] || { echo "conformance-fetch: usage: $0 OUTDIR" >&2; exit 1; }
exec "$(dirname "$0")/../tools/compilers/fetch-debsrc.sh" posixtestsuite \
	"$PTS_DEB_VERSION" "posixtestsuite_${PTS_VERSION}.orig.tar.gz" "$PTS_SHA256" \
	"$1" "posixtestsuite-$PTS_VERSION"
