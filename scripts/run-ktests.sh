#!/bin/bash
# SPDX-License-Identifier: MIT
#
# run-ktests.sh - runs the user-space test programs (run_utest below), then
# boots the kernel with ktest=all in every configuration listed below and
# prints each result line with the configuration's name as its kind, e.g.
# "ktest-smp4-1g: PASS kmalloc.realloc".  A boot that hangs, panics or exits
# without a summary is one FAIL line with the reason; the last lines of its
# log follow on stderr.  Logs: $O/test-logs/SUITE.log.
#
#   scripts/run-ktests.sh               every suite
#   scripts/run-ktests.sh SUITE...      those suites only
#   scripts/run-ktests.sh --list        the suites' names, one a line
#
# A suite is named by the kind of its result lines: utest-NAME for a
# program, ktest-CONFIG for a configuration (scripts/check.sh runs them one
# at a time, to report each as it ends).
#
# Configurations: name | scripts/qemu.sh options | kernel (default
# obj/kern/vireo) | a text the boot log must contain (optional):
#   smp1-128m     -smp 1, 128 MiB
#   smp4-1g       -smp 4, 1 GiB, with the PCI NICs and bridge below (q35:
#                 config space through ECAM)
#   smp8-5g       -smp 8, 5 GiB (RAM above 4 GiB)
#   pc-nohpet     i440FX machine without HPET, 2 cores (PIT calibration,
#                 MP-table-era chipset; the PCI devices below, config
#                 space through ports 0xCF8/0xCFC)
#   iso-bios      the GRUB ISO under SeaBIOS (Multiboot2, bare-metal path)
#   iso-uefi      the GRUB ISO under OVMF
#   numa2         two NUMA nodes (SRAT): cores 0-1 on node 0, 2-3 on node 1
#   max4-smp8     a kernel built with CONFIG_MAX_CORES=4 on 8 cores: the
#                 extra cores are reported and left alone (make builds it
#                 as obj/variants/max4/kern/vireo)
# PCI_DEVS: an e1000, an e1000e (MSI, MSI-X), a virtio-net (modern only) and
# a second e1000 behind a PCI-PCI bridge, each on QEMU user networking with
# restrict=on (nothing is sent; a NIC without a peer makes QEMU warn); the
# pci and pci_irq ktests check them and print the line the log must hold.
set -u

# SLIRP_NET + a NIC: one interface on QEMU user networking, for #ip over
# each NIC model (utests net_ip_*).
SLIRP_NET="-nic none -netdev user,id=kn0,restrict=on"
PCI_DEVS="-nic none"
for i in 0 1 2 3; do PCI_DEVS="$PCI_DEVS -netdev user,id=kn$i,restrict=on"; done
PCI_DEVS="$PCI_DEVS -device e1000,netdev=kn0 -device e1000e,netdev=kn1 \
-device virtio-net-pci,disable-legacy=on,netdev=kn2 \
-device pci-bridge,id=b1,chassis_nr=1 -device e1000,bus=b1,addr=3,netdev=kn3"
PCI_OK="kt_pci_irq: INTx, MSI and MSI-X fired"

O=${O:-obj}
export KERNEL=${KERNEL:-$O/kern/vireo} INITRAMFS=${INITRAMFS:-$O/initramfs.cpio}
LOGDIR=$O/test-logs
mkdir -p "$LOGDIR"
SEL=${KTEST_SEL:-all}
# One boot's limit: the longest suite (hostile_mem_1g) takes under 40 s on
# a quiet 2-core machine and up to 150 s on a loaded one; a panic ends the
# boot at once (panicexit), so only a real hang costs the whole limit.
BOOT_TIMEOUT=${BOOT_TIMEOUT:-300}

list=0
declare -A wanted=()
for arg in "$@"; do
	case "$arg" in
	--list) list=1 ;;
	-*) echo "run-ktests.sh: unknown option '$arg'" >&2; exit 2 ;;
	*) wanted[$arg]=1 ;;
	esac
done
[ "${#wanted[@]}" -eq 0 ] && all=1 || all=0
KTEST_ISO=$O/test/vireo-ktest.iso

configs=(
	"smp1-128m|--smp 1 --mem 128M"
	"smp4-1g|--smp 4 --mem 1G -- $PCI_DEVS||$PCI_OK"
	"smp8-5g|--smp 8 --mem 5G"
	"pc-nohpet|--smp 2 --mem 512M --machine pc,hpet=off -- $PCI_DEVS||$PCI_OK"
	"iso-bios|--smp 2 --mem 512M --iso $KTEST_ISO"
	"iso-uefi|--smp 2 --mem 512M --iso $KTEST_ISO --uefi"
	"max4-smp8|--smp 8 --mem 1G|$O/variants/max4/kern/vireo|4 CPUs (4 left out"
	"numa2|--smp 4 --mem 1G -- -object memory-backend-ram,id=m0,size=512M -object memory-backend-ram,id=m1,size=512M -numa node,nodeid=0,cpus=0-1,memdev=m0 -numa node,nodeid=1,cpus=2-3,memdev=m1||apic/node 0/0 1/0 2/1 3/1"
)

# selected SUITE: whether SUITE runs now (with --list: prints its name).
# A suite named on the command line is struck off the wanted ones as it runs.
selected() {
	if [ "$list" -eq 1 ]; then
		echo "$1"
		return 1
	fi
	[ "$all" -eq 1 ] && return 0
	[ -n "${wanted[$1]:-}" ] || return 1
	unset "wanted[$1]"
}

# make_ktest_iso CONFIG: the GRUB ISO the iso-* configurations boot, made
# afresh for each (grub-mkrescue takes a second).
make_ktest_iso() {
	mkdir -p "$(dirname "$KTEST_ISO")"
	scripts/mkiso.sh "$KERNEL" "$KTEST_ISO" "ktest=$SEL" "$INITRAMFS" 2>"$LOGDIR/mkiso.log" ||
		echo "ktest-$1: FAIL iso: grub-mkrescue failed (see $LOGDIR/mkiso.log)"
}

run_config() {
	local name=$1 opts=$2 kernel=${3:-$KERNEL} expect=${4:-}
	local log=$LOGDIR/ktest-$1.log rc
	selected "ktest-$name" || return 0
	[[ "$opts" == *"--iso $KTEST_ISO"* ]] && make_ktest_iso "$name"
	# shellcheck disable=SC2086
	KERNEL=$kernel scripts/qemu.sh --append "ktest=$SEL" --log "$log" \
		--timeout "$BOOT_TIMEOUT" $opts
	rc=$?
	grep -aE '^ktest: (PASS|FAIL) ' "$log" | sed "s/^ktest:/ktest-$name:/"
	local why=""
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		why="timed out after ${BOOT_TIMEOUT}s"
	elif ! grep -aq '^ktest: summary ' "$log"; then
		why="no summary line (QEMU exit $rc)"
	elif [ "$rc" -ne 1 ] && [ "$rc" -ne 3 ]; then
		why="unexpected QEMU exit code $rc"
	elif [ "$rc" -eq 3 ] && ! grep -aq '^ktest: FAIL ' "$log"; then
		why="failure exit code without a FAIL line"
	fi
	if [ -n "$why" ]; then
		echo "ktest-$name: FAIL boot: $why (log $log)"
		{ echo "--- last lines of $log:"; tail -n 30 "$log"; } >&2
	else
		echo "ktest-$name: PASS boot"
	fi
	if [ -n "$expect" ]; then
		if grep -aqF "$expect" "$log"; then
			echo "ktest-$name: PASS log_says '$expect'"
		else
			echo "ktest-$name: FAIL log_says: no '$expect' in $log"
		fi
	fi
}

# User-space tests: a program from the initramfs runs as the first process
# and reports "utest:" lines (user/tiny/utest.h, or libutest's
# Documentation/utest.md); 'initexit' leaves QEMU with its result and
# 'panicexit' ends the boot at a kernel panic.  (init=
# takes the rest of the command line, so it comes last: PROG may carry
# arguments.)  PASS, FAIL and SKIP lines pass through as "utest-NAME: ...".
# A missing summary is a FAIL boot, and the test that was running (a
# "utest: start T" line without its verdict) is a FAIL naming the kernel's
# last words; a suite begun and not ended, or fewer verdicts than the
# "running" line announced, is a FAIL too.  run_utest NAME PROG [SHAPE] boots
# 2 cores with 512M of RAM unless SHAPE (qemu.sh options, then "-- " and
# QEMU's own) says otherwise.
utest_check_log() {
	local name=$1 log=$2
	awk -v kind="utest-$name" '
		{ sub(/\r$/, "") }
		/^utest: running / { want += $(NF - 1) }
		/^utest: start / { cur = $3; started[cur] = 1 }
		/^utest: (PASS|FAIL|SKIP) / { t = $3; sub(/:$/, "", t); done[t] = 1; got++;
			if (t == cur) cur = "" }
		/^utest: suite begin / { s = $4; sub(/:$/, "", s); open[s] = 1 }
		/^utest: suite end / { s = $4; sub(/:$/, "", s); delete open[s] }
		/^utest: summary / { summary = 1 }
		cur != "" && !/^utest:/ && /(fault|kill|panic|trap|exception|exited)/ &&
			last !~ /kernel panic/ { last = $0 }
		END {
			if (cur != "")
				printf "%s: FAIL %s: crashed, no verdict (%s)\n", kind, cur,
				       last != "" ? last : "no kernel message"
			if (summary) {
				for (s in open)
					printf "%s: FAIL %s: suite begun but not ended\n", kind, s
				if (got < want)
					printf "%s: FAIL verdicts: %d announced, %d printed\n", kind, want, got
			}
		}' "$log"
}

# run_utest NAME "PROG ARGS" ["QEMU SHAPE" ["NETDEV..."]]: one boot, by
# default 2 cores.  With NETDEVs, QEMU gets a monitor socket and
# scripts/linkflap.py takes those links down and up when the test asks.
run_utest() {
	local name=$1 prog=$2 shape=${3:---smp 2 --mem 512M} flap=${4:-}
	local log=$LOGDIR/utest-$1.log rc why="" sock="" flap_pid=""
	selected "utest-$name" || return 0
	local qopts=$shape extra=""
	if [[ "$shape" == *" -- "* ]]; then     # QEMU's own options go last
		qopts=${shape%% -- *}
		extra="-- ${shape#* -- }"
	fi
	if [ -n "$flap" ]; then
		sock=$(mktemp -u /tmp/vireo-mon.XXXXXX)
		rm -f "$log"
		qopts="$qopts --monitor $sock"
		# shellcheck disable=SC2086 # the netdevs are several words
		python3 scripts/linkflap.py "$log" "$sock" "$BOOT_TIMEOUT" $flap &
		flap_pid=$!
	fi
	# shellcheck disable=SC2086 # the shape is several options
	scripts/qemu.sh $qopts --append "initexit panicexit init=$prog" --log "$log" \
		--timeout "$BOOT_TIMEOUT" $extra
	rc=$?
	if [ -n "$flap_pid" ]; then
		kill "$flap_pid" 2>/dev/null
		wait "$flap_pid" 2>/dev/null
		rm -f "$sock"
	fi
	grep -aE '^utest: (PASS|FAIL|SKIP) ' "$log" | sed "s/^utest:/utest-$name:/"
	utest_check_log "$name" "$log"
	if ! grep -aq '^utest: summary ' "$log"; then
		why="no summary line (QEMU exit $rc)"
	elif [ "$rc" -ne 1 ] && ! grep -aq '^utest: FAIL ' "$log"; then
		why="QEMU exit $rc without a FAIL line"
	fi
	if [ -n "$why" ]; then
		echo "utest-$name: FAIL boot: $why (log $log)"
		{ echo "--- last lines of $log:"; tail -n 30 "$log"; } >&2
	else
		echo "utest-$name: PASS boot"
	fi
}

# run_virtio9p MIB: a host folder made for the test (mktemp) shared through
# QEMU's virtio-9p (its own 9P2000.u server) and mounted by libc_mnt's
# suite virtio; scripts/ninep_share.py fills it first (MIB MiB one way)
# and checks what the guest left after.
run_virtio9p() {
	local dir
	selected utest-virtio9p || return 0
	dir=$(mktemp -d /tmp/vireo-9p.XXXXXX) || return 0
	python3 scripts/ninep_share.py make "$dir" "$1"
	[ "$all" -eq 1 ] || wanted[utest-virtio9p]=1
	run_utest virtio9p "/test/libc_mnt virtio" "--smp 2 --mem 512M -- -fsdev \
local,id=fs0,path=$dir,security_model=none -device virtio-9p-pci,fsdev=fs0,mount_tag=host,disable-legacy=on"
	python3 scripts/ninep_share.py check "$dir"
	rm -rf "$dir"
}

if [ "$SEL" = all ]; then
	run_utest syscalls /test/utest_syscalls
	run_utest sysfuzz /test/sysfuzz
	run_utest files /test/utest_files
	run_utest events /test/utest_events
	run_utest mm /test/utest_mm
	run_utest async /test/utest_async
	run_utest fork /test/utest_fork
	run_utest proc /test/utest_proc
	run_utest mcp /test/utest_mcp "--smp 4 --mem 512M"
	run_utest mcp_smp1 "/test/utest_mcp change_to_m_thread0_goes_on uthread_yield_round_trip self_notify_handler_runs_context_intact sleeping_syscall_detaches_in_uthread_context_only" "--smp 1 --mem 256M"
	run_utest preempt "/test/utest_preempt scp_refused_vcore_request_halt_preempt scp_moves_off_a_granted_core vcore_request_and_amt_wanted_min preempt_with_warning_honoured_before_the_deadline preempt_with_warning_ignored_taken_at_the_deadline preempt_without_warning_thread0_recovered_elsewhere change_vcore_refuses_bad_targets change_vcore_gives_the_core_to_a_preempted_vcore spam_public_to_a_preempted_vcore_none_lost halt_core_sleeps_until_an_event provisioned_core_taken_back_and_returned uthread_fault_reflected_to_the_2ls_hook uthread_fault_default_handler_ends_child_sigsegv vcore_context_fault_kills_child" "--smp 4 --mem 512M"
	run_utest preempt_stress "/test/utest_preempt stress_two_mcps_and_an_scp preempt_as_vcores_start_and_restart" "--smp 6 --mem 512M"
	run_utest libc_smoke /test/libc_smoke
	run_utest libc_proc /test/libc_proc
	run_utest libc_signal /test/libc_signal
	run_utest libc_faults /test/libc_faults
	run_utest libc_pgrp /test/libc_pgrp
	run_utest libc_tty /test/libc_tty
	run_utest libc_jobctl /test/libc_jobctl
	run_utest libc_jobctl_smp4 "/test/libc_jobctl stop.mcp_threads_stop_and_continue" "--smp 4 --mem 512M"
	run_utest libc_faults_smp4 "/test/libc_faults threads killed.no_handler_is_killed_by_sigsegv" "--smp 4 --mem 512M"
	run_utest libc_fds /test/libc_fds
	run_utest libc_files /test/libc_files
	run_utest libc_fattr /test/libc_fattr
	run_utest libc_dirs /test/libc_dirs
	run_utest libc_pipe /test/libc_pipe
	run_utest libc_env "/test/libc_env -- one two=2 three"
	run_utest libc_mmap /test/libc_mmap
	run_utest libc_time /test/libc_time
	run_utest libc_timer /test/libc_timer
	run_utest libc_sched /test/libc_sched
	run_utest libc_cputime /test/libc_cputime
	run_utest libc_strace /test/libc_strace "--smp 4 --mem 512M"
	run_utest libc_poll /test/libc_poll
	run_utest libc_ipc /test/libc_ipc
	run_utest libc_net "/test/libc_net ping udp"
	run_utest libc_tcp "/test/libc_tcp tcp"
	run_utest libc_sockets /test/libc_sockets "--smp 2 --mem 512M"
	run_utest libc_iplib /test/libc_iplib
	run_utest libc_echo /test/libc_echo "--smp 2 --mem 1G"
	run_utest net_ip_e1000 "/test/libc_net slirp" \
		"--smp 2 --mem 512M -- $SLIRP_NET -device e1000,netdev=kn0"
	run_utest net_ip_e1000e "/test/libc_net slirp" \
		"--smp 2 --mem 512M -- $SLIRP_NET -device e1000e,netdev=kn0"
	run_utest net_ip_virtio "/test/libc_net slirp" \
		"--smp 2 --mem 512M -- $SLIRP_NET -device virtio-net-pci,disable-legacy=on,netdev=kn0"
	run_utest libc_ns /test/libc_ns
	run_utest libc_mnt "/test/libc_mnt ramfs hostile"
	run_virtio9p 64
	run_utest libc_errors /test/libc_errors
	run_utest net_ether "/test/net_ether ether" "--smp 2 --mem 512M -- $PCI_DEVS"
	run_utest net_ether_link "/test/net_ether ether_link -- flap" \
		"--smp 2 --mem 512M -- $PCI_DEVS" "kn0 kn1 kn2 kn3"
	run_utest pci_bar /test/pci_bar "--smp 2 --mem 256M -- $SLIRP_NET -device e1000,netdev=kn0 -device edu"
	run_utest libc_pthread /test/libc_pthread
	run_utest libc_pthread_smp4 /test/libc_pthread "--smp 4 --mem 512M"
	run_utest libc_epoll_mt /test/libc_epoll_mt
	run_utest libc_fork_mt /test/libc_fork_mt
	run_utest libc_fork_mt_smp4 /test/libc_fork_mt "--smp 4 --mem 512M"
	run_utest libc_epoll_mt_smp4 /test/libc_epoll_mt "--smp 4 --mem 512M"
	run_utest mcp_locks /test/libc_mcp_locks "--smp 4 --mem 512M"
	run_utest mcp_exit /test/libc_mcp_exit "--smp 1 --mem 256M"
	run_utest mcp_exit_smp4 /test/libc_mcp_exit "--smp 4 --mem 512M"
	run_utest hostile_cpu_smp1 /test/hostile_cpu "--smp 1 --mem 256M"
	run_utest hostile_cpu_smp4 /test/hostile_cpu "--smp 4 --mem 1G"
	run_utest hostile_res_smp1 /test/hostile_res "--smp 1 --mem 128M"
	run_utest hostile_res_smp4 /test/hostile_res "--smp 4 --mem 1G"
	# Memory attacks on two machine shapes: every attack, with the loop of
	# 20 exhaustions, on 128 MiB (about 20 s); exhausting 1 GiB under TCG
	# takes a minute or more, so two attacks there.
	run_utest hostile_mem_128m "/test/hostile_mem -- 20" "--smp 2 --mem 128M"
	run_utest hostile_mem_1g "/test/hostile_mem mem.anon_exhaustion_then_read mem.oom_ends_the_largest_process" "--smp 2 --mem 1G"
fi

for c in "${configs[@]}"; do
	IFS='|' read -r name opts kernel expect <<<"$c"
	run_config "$name" "$opts" "$kernel" "$expect"
done

for s in "${!wanted[@]}"; do
	echo "run-ktests.sh: no suite '$s' (--list names them)" >&2
done
[ "${#wanted[@]}" -eq 0 ]
