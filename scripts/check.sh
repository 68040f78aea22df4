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
# console end-to-end tests (tools/e2e_console.py); the documentation's cited
# paths are checked too (scripts/doclint.py, "doc:" lines).  Every test prints a line
# "<kind>: PASS name" or "<kind>: FAIL name: why"; this script counts them,
# prints the failures again at the end, and closes with the one line
#	N passed, N failed
# exiting non-zero if anything failed.  Logs go to $O/test-logs/ (O defaults to obj).
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

run_host_suites() {
	local bin log
	for bin in "$@"; do
		log=$LOGDIR/host-$(basename "$bin").log
		"$bin" > "$log" 2>&1
		grep -E '^host: (PASS|FAIL) ' "$log" >> "$RESULTS"
		if ! grep -qE '^host: (PASS|FAIL) ' "$log"; then
			echo "host: FAIL $(basename "$bin"): ran no test (see $log)" >> "$RESULTS"
		fi
		grep -E '^host: FAIL ' "$log" >/dev/null && {
			echo "--- $log" ; grep -vE '^host: PASS ' "$log" | head -40; }
	done
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

run_fuzzers() {
	local bin i=0 pids=()
	for bin in "$@"; do
		run_one_fuzzer "$bin" > "$LOGDIR/fuzz-verdict-$i" &
		pids+=($!)
		i=$((i + 1))
	done
	[ "${#pids[@]}" -gt 0 ] && wait "${pids[@]}"
	for ((i = 0; i < ${#pids[@]}; i++)); do
		cat "$LOGDIR/fuzz-verdict-$i" >> "$RESULTS"
		grep -E '^fuzz: FAIL ' "$LOGDIR/fuzz-verdict-$i"
		rm -f "$LOGDIR/fuzz-verdict-$i"
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
	echo "$out" >> "$RESULTS"
	if ! grep -q '^e2e: ' <<<"$out"; then
		echo "e2e: FAIL console: the driver printed nothing (see $log)" >> "$RESULTS"
	fi
}

if [ "$host_only" -eq 0 ] && [ "$fuzz_only" -eq 0 ]; then
	python3 scripts/doclint.py >> "$RESULTS"
	scripts/run-ktests.sh >> "$RESULTS"
	run_e2e
	timeout 600 python3 tests/e2e/init_tools.py "$KERNEL" "$INITRAMFS" "$LOGDIR" >> "$RESULTS" || echo "e2e: FAIL init: tests/e2e/init_tools.py crashed or timed out (logs in $LOGDIR)" >> "$RESULTS"
fi

passed=$(grep -cE '^[a-z0-9_-]+: PASS ' "$RESULTS")
failed=$(grep -cE '^[a-z0-9_-]+: FAIL ' "$RESULTS")
if [ "$failed" -gt 0 ]; then
	echo "Failures:"
	grep -E '^[a-z0-9_-]+: FAIL ' "$RESULTS" | sed 's/^/  /'
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
