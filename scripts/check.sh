#!/bin/bash
# SPDX-License-Identifier: MIT
#
# check.sh - the test runner behind 'make check' and 'make hosttest'.
#
#   scripts/check.sh [--host-only] HOST_BINARY...
#
# Runs every host unit-test binary, then (unless --host-only) boots the kernel
# under QEMU in every configuration of scripts/run-ktests.sh and runs the
# ktests in each, then the console end-to-end tests (tools/e2e_console.py).  Every test prints a line "<kind>: PASS name" or
# "<kind>: FAIL name: why"; this script counts them, prints the failures
# again at the end, and closes with the one line
#	N passed, N failed
# exiting non-zero if anything failed.  Logs go to obj/test-logs/.
set -u

host_only=0
if [ "${1:-}" = "--host-only" ]; then
	host_only=1
	shift
fi

LOGDIR=obj/test-logs
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

run_host_suites "$@"
run_e2e() {
	local log=$LOGDIR/e2e-console.log out
	out=$(timeout 400 python3 tools/e2e_console.py obj/kern/vireo "$log")
	echo "$out" >> "$RESULTS"
	if ! grep -q '^e2e: ' <<<"$out"; then
		echo "e2e: FAIL console: the driver printed nothing (see $log)" >> "$RESULTS"
	fi
}

if [ "$host_only" -eq 0 ]; then
	scripts/run-ktests.sh >> "$RESULTS"
	run_e2e
fi

passed=$(grep -cE '^[a-z0-9_-]+: PASS ' "$RESULTS")
failed=$(grep -cE '^[a-z0-9_-]+: FAIL ' "$RESULTS")
if [ "$failed" -gt 0 ]; then
	echo "Failures:"
	grep -E '^[a-z0-9_-]+: FAIL ' "$RESULTS" | sed 's/^/  /'
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
