#!/bin/sh
# SPDX-License-Identifier: MIT
# mkautoconf.sh CONFIG OUT - turns a Kconfig .config into a C header.
#   CONFIG_FOO=y    -> #define CONFIG_FOO 1
#   CONFIG_FOO=123  -> #define CONFIG_FOO 123
#   CONFIG_FOO="s"  -> #define CONFIG_FOO "s"
#   "# CONFIG_FOO is not set" -> nothing (the symbol stays undefined)
# Make includes .config itself, so both sides read one file.
set -eu
in=$1
out=$2
tmp=$out.tmp
{
	echo "/* Generated from $in by scripts/mkautoconf.sh; do not edit. */"
	echo "#pragma once"
	sed -n -e 's/^\(CONFIG_[A-Za-z0-9_]*\)=y$/#define \1 1/p' \
	       -e 's/^\(CONFIG_[A-Za-z0-9_]*\)=\([-0-9x][0-9a-fA-Fx]*\)$/#define \1 \2/p' \
	       -e 's/^\(CONFIG_[A-Za-z0-9_]*\)=\(".*"\)$/#define \1 \2/p' "$in"
} > "$tmp"
mv "$tmp" "$out"
