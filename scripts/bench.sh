#!/bin/bash
# SPDX-License-Identifier: MIT
#
# bench.sh - make bench: Vireo beside Debian's Linux in the same QEMU.
#
# Builds Vireo in its release configuration (config-default with every
# debugging aid off: each CONFIG_*_DEBUG checker and CONFIG_KMALLOC_POISON)
# in its own object folder, $O/bench-release,
# with the benchmark programs and both boot images (tests/bench/bench.mk,
# which fetches Linux through scripts/fetch-bench-linux.sh), then runs
# scripts/bench.py: interleaved boots of both systems, a table of medians
# and ratios, a CSV and a PNG plot in $O/bench-release/results/.
# QUICK=1 runs fewer rounds and boots (Documentation/benchmarks.md).  The
# runner is Debian's /usr/bin/python3, which has python3-matplotlib.
# Then tests/bench/guests.py: Vireo and Linux each as a client of a Linux
# guest on one wire (ping, UDP round trip, UDP streaming both ways), with
# tests/net's Linux image (net-images); guests.txt and guests.csv in the
# same folder.  GUESTS=0 leaves that part out.
set -euo pipefail

O=${O:-obj}
R=$O/bench-release
mkdir -p "$R"
sed -E 's/^(CONFIG_([A-Z0-9_]*_DEBUG|KMALLOC_POISON))=y/# \1 is not set/' config-default \
	> "$R/release.config.new"
if cmp -s "$R/release.config.new" "$R/release.config"; then
	rm "$R/release.config.new"
else
	mv "$R/release.config.new" "$R/release.config"
fi

images=(bench-images)
[ "${GUESTS:-1}" = 1 ] && images+=(net-images)
make -s O="$R" KCONFIG="$R/release.config" "${images[@]}"

runs=(--runs 3)
[ "${QUICK:-}" = 1 ] && runs=(--runs 1 --quick)
/usr/bin/python3 scripts/bench.py "${runs[@]}" \
	--vireo-kernel "$R/kern/vireo" --vireo-initrd "$R/bench/vireo.cpio" \
	--linux-kernel "$R/bench/dl/vmlinuz" --linux-initrd "$R/bench/linux.cpio" \
	--linux-versions "$R/bench/dl/versions.txt" --config "$R/release.config" \
	--out "$R/results"

if [ "${GUESTS:-1}" = 1 ]; then
	/usr/bin/python3 tests/bench/guests.py "${runs[@]}" \
		--vireo-kernel "$R/kern/vireo" --vireo-initrd "$R/bench/vireo.cpio" \
		--linux-kernel "$R/net/dl/vmlinuz" --linux-initrd "$R/net/linux.cpio" \
		--out "$R/results"
fi
