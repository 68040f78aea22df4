#!/bin/sh
# SPDX-License-Identifier: MIT
#
# install-deps.sh - installs every Debian package Vireo's build, tests and
# benchmarks need.  Idempotent: it asks dpkg what is missing and calls apt-get
# only for that, so a second run costs a fraction of a second.  Every
# top-level make target runs it first (through obj/.deps-ok).
#
# Needs root (or sudo) only when something is missing.
set -eu

PACKAGES="
binutils
clang
cpio
gcc
gdb
grub-common
grub-efi-amd64-bin
grub-pc-bin
kconfig-frontends-nox
libasan8
libclang-rt-14-dev
libubsan1
make
mtools
musl-tools
ovmf
pci.ids
python3
qemu-system-x86
xorriso
"

missing=""
for p in $PACKAGES; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$status" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done

if [ -z "$missing" ]; then
	exit 0
fi

echo "install-deps: installing:$missing"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO=sudo
	else
		echo "install-deps: need root to install:$missing" >&2
		exit 1
	fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
