#!/bin/bash
# SPDX-License-Identifier: MIT
#
# mkiso.sh KERNEL OUT.iso "CMDLINE" [INITRAMFS] - a GRUB2 rescue ISO that
# boots KERNEL through Multiboot2 under BIOS and UEFI (grub-mkrescue makes it
# hybrid).  An INITRAMFS (obj/initramfs.cpio) becomes the first boot module.
# The serial console is set up for GRUB too, and the menu times out at once.
set -euo pipefail

kernel=$1 out=$2 cmdline=${3:-} initramfs=${4:-}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/boot/grub"
cp "$kernel" "$dir/boot/vireo"
module=""
if [ -n "$initramfs" ]; then
	cp "$initramfs" "$dir/boot/initramfs.cpio"
	module="module2 /boot/initramfs.cpio"
fi
cat > "$dir/boot/grub/grub.cfg" <<CFG
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
set timeout=0
menuentry "Vireo" {
	multiboot2 /boot/vireo $cmdline
	$module
	boot
}
CFG
grub-mkrescue -o "$out" "$dir" >/dev/null 2>&1 || {
	echo "mkiso: grub-mkrescue failed" >&2
	grub-mkrescue -o "$out" "$dir"
	exit 1
}
