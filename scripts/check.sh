#!/bin/bash
# SPDX-License-Identifier: MIT
#
# check.sh - the test runner behind 'make check', 'make hosttest' and
# 'make fuzz'.
#
#   scripts/check.sh [--host-only] HOST_BINARY...
#   scripts/check.sh --fuzz-only FUZZ_BINARY...
#
# Runs every host unit-test binary, then the libFuzzer binaries named in
# $FUZZ_BINS (or the arguments, with --fuzz-only) for $FUZZ_TIME seconds each
# (default 20), in parallel: "fuzz: PASS name", or "fuzz: FAIL name: why" with
# the crashing input kept as $O/fuzz/<name>-crash-*.  Then, unless
# --host-only or --fuzz-only, it boots the kernel under QEMU in every
# configuration of scripts/run-ktests.sh and runs the ktests in each, then the
# console end-to-end tests (tools/e2e_console.py, tests/e2e/: init and the
# tools, ash at the console; tests/net/inject.py against an e1000e) and the
# Open POSIX subset (scripts/conformance.py --subset), then BusyBox's own test
# suite (scripts/bbtest.py, "busybox:" lines); the paths, functions and
# types that the documentation and the source comments cite are checked too
# (scripts/doclint.py, "doc:" lines; its self-test, "doclint:" lines).
# Every test prints a line "<kind>: PASS name" or "<kind>: FAIL name: why";
# this script counts them, prints the failures again at the end, and closes
# with the one line
#	N passed, N failed
# exiting non-zero if anything failed.  Logs go to $O/test-logs/ (O defaults to obj).
#
# As each suite ends it prints its FAIL lines with the log to read, and one
# indented line (never shaped like a result line or like the last line):
#	  ktest smp4-1g          160 passed, 0 failed, 21 s
set -u

host_only=0
fuzz_only=0
if [ "${1:-}" = "--host-only" ]; then
	host_only=1
	shift
elif [ "${1:-}" = "--fuzz-only" ]; then
	fuzz_only=1
	shift
fi

O=${O:-obj}
export KERNEL=${KERNEL:-$O/kern/vireo} INITRAMFS=${INITRAMFS:-$O/initramfs.cpio}
LOGDIR=$O/test-logs
mkdir -p "$LOGDIR"
RESULTS=$LOGDIR/results.txt
: > "$RESULTS"
PASS_RE='^[a-z0-9_-]+: PASS '
FAIL_RE='^[a-z0-9_-]+: FAIL '

# The number of the next line of $RESULTS: where a suite's lines begin.
results_mark() {
	echo $(($(wc -l < "$RESULTS") + 1))
}

# show_failures FROM LOG: the FAIL lines from line FROM of $RESULTS on, and
# the log to read; nothing when there are none.
show_failures() {
	local fails
	fails=$(tail -n "+$1" "$RESULTS" | grep -E "$FAIL_RE") || return 0
	sed 's/^/    /' <<<"$fails"
	echo "    log: $2"
}

# suite_done NAME FROM SECS: the suite's line, for its results from line FROM on.
suite_done() {
	local lines
	lines=$(tail -n "+$2" "$RESULTS")
	printf '  %-22s %4d passed, %d failed, %d s\n' "$1" \
		"$(grep -cE "$PASS_RE" <<<"$lines")" "$(grep -cE "$FAIL_RE" <<<"$lines")" "$3"
}

# run_suite NAME LOG COMMAND...: COMMAND prints result lines; they go to
# $RESULTS, and the failures and the suite's line to the terminal.
run_suite() {
	local name=$1 log=$2 from t0=$SECONDS
	shift 2
	from=$(results_mark)
	"$@" >> "$RESULTS"
	show_failures "$from" "$log"
	suite_done "$name" "$from" $((SECONDS - t0))
}

# Every host binary, as one suite; a failing binary's other output (a
# sanitizer's report, say) follows its FAIL lines.
run_host_suites() {
	local bin log from all t0=$SECONDS
	all=$(results_mark)
	for bin in "$@"; do
		log=$LOGDIR/host-$(basename "$bin").log
		from=$(results_mark)
		"$bin" > "$log" 2>&1
		grep -E '^host: (PASS|FAIL) ' "$log" >> "$RESULTS"
		if ! grep -qE '^host: (PASS|FAIL) ' "$log"; then
			echo "host: FAIL $(basename "$bin"): ran no test (see $log)" >> "$RESULTS"
		fi
		show_failures "$from" "$log"
		grep -qE '^host: FAIL ' "$log" &&
			grep -vE '^host: (PASS|FAIL) ' "$log" | head -40 | sed 's/^/      /'
	done
	[ "$#" -gt 0 ] && suite_done host "$all" $((SECONDS - t0))
}

# One fuzz target, bounded: prints its verdict line.  libFuzzer exits 0 when
# the time is up with no finding; a crash, leak, timeout or failed check in
# the harness exits non-zero after writing the input to the artifact prefix.
run_one_fuzzer() {
	local bin=$1 name log corpus rc crash why
	name=$(basename "$bin")
	log=$LOGDIR/fuzz-$name.log
	corpus=$O/fuzz/$name-corpus
	mkdir -p "$corpus"
	rm -f $O/fuzz/"$name"-crash-* $O/fuzz/"$name"-leak-* $O/fuzz/"$name"-timeout-*
	timeout $((FUZZ_TIME + 60)) "$bin" -max_total_time="$FUZZ_TIME" \
		-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix=$O/fuzz/"$name"- "$corpus" > "$log" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ]; then
		echo "fuzz: PASS $name"
		return
	fi
	crash=$(ls -t $O/fuzz/"$name"-crash-* $O/fuzz/"$name"-leak-* \
		$O/fuzz/"$name"-timeout-* 2>/dev/null | head -1)
	why=$(grep -m1 -E 'fuzz check failed|ERROR: |runtime error|SUMMARY' "$log" |
		sed 's/^==[0-9]*==//')
	[ "$rc" -eq 124 ] && why="did not stop after ${FUZZ_TIME}s"
	echo "fuzz: FAIL $name: ${why:-exit status $rc} (input: ${crash:-none}, log: $log)"
}

# The targets run in parallel; each is a suite, reported when all are done.
run_fuzzers() {
	local i name from t0=$SECONDS bins=("$@")
	for ((i = 0; i < ${#bins[@]}; i++)); do
		run_one_fuzzer "${bins[i]}" > "$LOGDIR/fuzz-verdict-$i" &
	done
	wait
	for ((i = 0; i < ${#bins[@]}; i++)); do
		name=$(basename "${bins[i]}")
		from=$(results_mark)
		cat "$LOGDIR/fuzz-verdict-$i" >> "$RESULTS"
		rm -f "$LOGDIR/fuzz-verdict-$i"
		show_failures "$from" "$LOGDIR/fuzz-$name.log"
		suite_done "fuzz $name" "$from" $((SECONDS - t0))
	done
}

FUZZ_TIME=${FUZZ_TIME:-20}
if [ "$fuzz_only" -eq 1 ]; then
	run_fuzzers "$@"
else
	run_host_suites "$@"
	# shellcheck disable=SC2086
	[ "$host_only" -eq 0 ] && run_fuzzers ${FUZZ_BINS:-}
fi
run_e2e() {
	local log=$LOGDIR/e2e-console.log out
	out=$(timeout 400 python3 tools/e2e_console.py "$KERNEL" "$log")
	echo "$out"
	if ! grep -q '^e2e: ' <<<"$out"; then
		echo "e2e: FAIL console: the driver printed nothing (see $log)"
	fi
}

run_doclint() {
	{ O="$O" python3 scripts/doclint.py; python3 scripts/doclint.py --self-test; } |
		tee "$LOGDIR/doc.log"
}

run_e2e_init() {
	timeout 600 python3 tests/e2e/init_tools.py "$KERNEL" "$INITRAMFS" "$LOGDIR" ||
		echo "e2e: FAIL init: tests/e2e/init_tools.py crashed or timed out (logs in $LOGDIR)"
}

# The e1000 driver's receive kick: QEMU's e1000e stops receiving on a
# zero-length frame unless the driver kicks it (Documentation/net-testing.md).
run_e2e_inject() {
	local out
	out=$(timeout 300 python3 tests/net/inject.py --target vireo --nic e1000e --zero-frame \
		--duration 1 --settle 15 --vireo-kernel "$KERNEL" --vireo-initrd "$INITRAMFS" \
		--logdir "$LOGDIR" 2>&1)
	grep -E '^net: (PASS|FAIL) ' <<<"$out"
	if ! grep -q '^net: PASS inject.memory_back' <<<"$out" &&
		! grep -q '^net: FAIL ' <<<"$out"; then
		echo "e2e: FAIL inject: tests/net/inject.py crashed or timed out (log $LOGDIR/inject-vireo-e1000e.log)"
	fi
}

# The conformance driver's self-test, then the subset
# (tests/conformance/subset.txt, Documentation/conformance.md): the Open
# POSIX tests Vireo passes today, in one boot.
run_conformance() {
	local log=$LOGDIR/conformance.log
	python3 scripts/conformance_selftest.py
	timeout 600 python3 scripts/conformance.py --obj "$O" \
		--subset tests/conformance/subset.txt > "$log" 2>&1
	grep -E '^conformance: (PASS|FAIL) ' "$log"
	grep -qE '^conformance: (PASS|FAIL) ' "$log" ||
		echo "conformance: FAIL subset: scripts/conformance.py ran no test (see $log)"
}

# BusyBox's own test suite in one boot (tests/busybox, Documentation/userland.md):
# each test tests/busybox/vireo-pass.txt lists must pass; the totals, beside
# Linux's stored ones, go to the terminal.
run_bbtest() {
	local log=$LOGDIR/bbtest.log
	timeout 1800 python3 scripts/bbtest.py --obj "$O" --system vireo \
		--expect tests/busybox/vireo-pass.txt > "$log" 2>&1
	grep -E '^busybox: (PASS|FAIL) ' "$log"
	grep -qE '^busybox: (PASS|FAIL) ' "$log" ||
		echo "busybox: FAIL testsuite: scripts/bbtest.py ran no test (see $log)"
	grep -E '^bbtest: ' "$log" | sed 's/^/    /' >&2
}

run_e2e_iplib() {
	timeout 600 python3 tests/e2e/iplib_net.py "$KERNEL" "$INITRAMFS" "$LOGDIR" ||
		echo "e2e: FAIL iplib: tests/e2e/iplib_net.py crashed or timed out (log $LOGDIR/e2e-iplib.log)"
}

run_e2e_ash() {
	timeout 300 python3 tests/e2e/ash_shell.py "$KERNEL" "$INITRAMFS" "$LOGDIR" ||
		echo "e2e: FAIL ash: tests/e2e/ash_shell.py crashed or timed out (log $LOGDIR/e2e-ash.log)"
}

if [ "$host_only" -eq 0 ] && [ "$fuzz_only" -eq 0 ]; then
	run_suite doc "$LOGDIR/doc.log" run_doclint
	for suite in $(scripts/run-ktests.sh --list); do
		run_suite "${suite/-/ }" "$LOGDIR/$suite.log" scripts/run-ktests.sh "$suite"
	done
	run_suite "e2e console" "$LOGDIR/e2e-console.log" run_e2e
	run_suite "e2e init" "$LOGDIR/e2e-init-*.log" run_e2e_init
	run_suite "e2e ash" "$LOGDIR/e2e-ash.log" run_e2e_ash
	run_suite "e2e iplib" "$LOGDIR/e2e-iplib.log" run_e2e_iplib
	run_suite "e2e inject" "$LOGDIR/inject-vireo-e1000e.log" run_e2e_inject
	run_suite conformance "$LOGDIR/conformance.log" run_conformance
	run_suite busybox "$LOGDIR/bbtest.log" run_bbtest
fi

passed=$(grep -cE "$PASS_RE" "$RESULTS")
failed=$(grep -cE "$FAIL_RE" "$RESULTS")
if [ "$failed" -gt 0 ]; then
	echo "Failures:"
	grep -E "$FAIL_RE" "$RESULTS" | sed 's/^/  /'
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
