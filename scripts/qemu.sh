#!/bin/bash
# SPDX-License-Identifier: MIT
#
# qemu.sh - boots Vireo under QEMU (TCG) the one way every script does.
#
#   scripts/qemu.sh [options] [-- extra qemu args]
#     --interactive      serial console on this terminal (make run); Ctrl-A X quits
#     --smp N            cores (default 4)
#     --mem SIZE         RAM (default 1G)
#     --append "ARGS"    kernel command line
#     --iso FILE         boot a GRUB ISO from CD instead of -kernel
#     --uefi             boot the ISO under OVMF instead of SeaBIOS
#     --machine M        QEMU machine (default q35)
#     --log FILE         serial output to FILE (non-interactive)
#     --timeout SECS     kill QEMU after SECS (non-interactive; exit 124)
#     --monitor SOCK     the QEMU monitor on the unix socket SOCK (non-interactive;
#                        scripts/linkflap.py drives it)
#     --share DIR        DIR through virtio-9p, mount tag host (make run SHARE=DIR,
#                        which starts the shell under mount ... /mnt)
#
# With -kernel, the initramfs ($INITRAMFS, default obj/initramfs.cpio) goes
# in as the first boot module (-initrd) when the file exists; an ISO
# carries its own (scripts/mkiso.sh).
# The isa-debug-exit device is always present: a test boot exits with 1
# when everything passed and 3 otherwise (Documentation/design.md, "Testing").
# Unless the extra arguments bring their own network (-nic, -net, -netdev),
# the machine's default NIC is on QEMU user networking with restrict=on: DHCP
# and the gateway answer, nothing leaves this host.
set -euo pipefail

KERNEL=${KERNEL:-obj/kern/vireo}
INITRAMFS=${INITRAMFS:-obj/initramfs.cpio}
smp=4 mem=1G append="" iso="" uefi=0 machine=q35 log="" timeout_s=0 interactive=0
monitor=none share=""
extra=()
while [ $# -gt 0 ]; do
	case "$1" in
	--interactive) interactive=1 ;;
	--smp) smp=$2; shift ;;
	--mem) mem=$2; shift ;;
	--append) append=$2; shift ;;
	--iso) iso=$2; shift ;;
	--uefi) uefi=1 ;;
	--machine) machine=$2; shift ;;
	--log) log=$2; shift ;;
	--timeout) timeout_s=$2; shift ;;
	--monitor) monitor="unix:$2,server=on,wait=off"; shift ;;
	--share) share=$2; shift ;;
	--) shift; extra=("$@"); break ;;
	*) echo "qemu.sh: unknown option '$1'" >&2; exit 2 ;;
	esac
	shift
done

args=(-accel tcg -M "$machine" -cpu max -smp "$smp" -m "$mem" -no-reboot
      -device isa-debug-exit,iobase=0xf4,iosize=4)
if [ -n "$iso" ]; then
	args+=(-cdrom "$iso" -boot d)
	if [ "$uefi" -eq 1 ]; then
		vars=$(mktemp /tmp/vireo-ovmf-vars.XXXXXX)
		trap 'rm -f "$vars"' EXIT
		cp /usr/share/OVMF/OVMF_VARS_4M.fd "$vars"
		args+=(-drive if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd
		       -drive if=pflash,format=raw,file="$vars")
	fi
else
	args+=(-kernel "$KERNEL")
	[ -f "$INITRAMFS" ] && args+=(-initrd "$INITRAMFS")
	[ -n "$append" ] && args+=(-append "$append")
fi
own_net=0
for a in "${extra[@]+"${extra[@]}"}"; do
	case "$a" in -nic|-net|-netdev) own_net=1 ;; esac
done
[ "$own_net" -eq 1 ] || args+=(-nic user,restrict=on)
if [ -n "$share" ]; then
	[ -d "$share" ] || { echo "qemu.sh: --share $share: not a directory" >&2; exit 2; }
	args+=(-fsdev "local,id=share0,path=$share,security_model=none"
	       -device virtio-9p-pci,fsdev=share0,mount_tag=host,disable-legacy=on)
fi

if [ "$interactive" -eq 1 ]; then
	# The monitor's 'exit 0' makes QEMU exit with 1 (isa-debug-exit: 2n+1):
	# report that as success to make.
	rc=0
	qemu-system-x86_64 "${args[@]}" -nographic "${extra[@]}" || rc=$?
	[ "$rc" -eq 1 ] && rc=0
	exit "$rc"
fi

args+=(-display none -monitor "$monitor" -serial "file:${log:-/dev/stdout}")
if [ "$timeout_s" -gt 0 ]; then
	exec timeout --kill-after=5 "$timeout_s" qemu-system-x86_64 "${args[@]}" "${extra[@]}" </dev/null
fi
exec qemu-system-x86_64 "${args[@]}" "${extra[@]}" </dev/null
