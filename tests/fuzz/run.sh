#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run the libFuzzer targets of a build configured with --enable-fuzzing.
#   run.sh smoke RUNS      each target RUNS executions after its seeds (make fuzz-smoke):
#                          fails on any crash, leak or timeout
#   run.sh long SECONDS    each target SECONDS, two at a time (make fuzz-long); the corpus
#                          grows in $FUZZ_DIR/corpus-long/NAME, crashes go to
#                          $FUZZ_DIR/crashes/, a table of executions at the end
#   run.sh one NAME SECONDS   one target as `long` does
# Environment: FUZZ_DIR (the built targets; default: the current directory),
# FUZZ_TARGETS (names, default: all), FUZZ_JOBS (parallel targets of `long`, default 2).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
corpus=$here/corpus
: "${FUZZ_DIR:=.}"
: "${FUZZ_TARGETS:=parser container reader ipfix feeds threat state parquet}"
: "${FUZZ_JOBS:=2}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
# Inputs up to 64 KiB; one input may take 25 s (a slow unit is a finding too).
common="-max_len=65536 -timeout=25 -rss_limit_mb=2048 -print_final_stats=1"

mode=${1:-}
case $mode in
smoke)
    runs=${2:-20000}
    failed=
    for name in $FUZZ_TARGETS; do
        work=$(mktemp -d "${TMPDIR:-/tmp}/vpc-fuzz.XXXXXX")
        echo "fuzz-smoke: $name: $runs runs over $(ls "$corpus/$name" | wc -l) seeds"
        # New inputs go to the first directory (scratch), never to the seeds.
        # shellcheck disable=SC2086 # $common is a list of options
        if ! "$FUZZ_DIR/fuzz-$name" $common -seed=1 -runs="$runs" -artifact_prefix="$work/" \
            "$work" "$corpus/$name" >"$work/log" 2>&1; then
            cat "$work/log" >&2
            echo "fuzz-smoke: $name FAILED (artifacts in $work)" >&2
            failed="$failed $name"
            continue
        fi
        grep -E '^stat::(number_of_executed_units|average_exec_per_sec)' "$work/log" | tr '\n' ' '
        echo
        rm -rf "$work"
    done
    [ -z "$failed" ] || { echo "fuzz-smoke: failed:$failed" >&2; exit 1; }
    echo "fuzz-smoke: all targets passed"
    ;;
one)
    name=$2 seconds=$3
    live=$FUZZ_DIR/corpus-long/$name
    mkdir -p "$live" "$FUZZ_DIR/crashes"
    rc=0
    # shellcheck disable=SC2086
    "$FUZZ_DIR/fuzz-$name" $common -max_total_time="$seconds" \
        -artifact_prefix="$FUZZ_DIR/crashes/$name-" "$live" "$corpus/$name" \
        >"$FUZZ_DIR/long-$name.log" 2>&1 || rc=$?
    echo "$rc" >"$FUZZ_DIR/long-$name.rc"
    ;;
long)
    seconds=${2:-600}
    # shellcheck disable=SC2086
    printf '%s\n' $FUZZ_TARGETS | xargs -P "$FUZZ_JOBS" -I NAME "$0" one NAME "$seconds"
    printf '%-10s %12s %8s %8s %s\n' target executions exec/s corpus result
    total=0 failed=
    for name in $FUZZ_TARGETS; do
        log=$FUZZ_DIR/long-$name.log
        units=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
        speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
        files=$(find "$FUZZ_DIR/corpus-long/$name" -type f | wc -l)
        rc=$(cat "$FUZZ_DIR/long-$name.rc")
        result=ok
        [ "$rc" = 0 ] || { result="FAILED (rc $rc, see $log)"; failed="$failed $name"; }
        printf '%-10s %12s %8s %8s %s\n' "$name" "${units:-?}" "${speed:-?}" "$files" "$result"
        total=$((total + ${units:-0}))
    done
    echo "total executions: $total"
    [ -z "$failed" ] || exit 1
    ;;
*)
    echo "usage: $0 smoke RUNS | long SECONDS | one NAME SECONDS" >&2
    exit 2
    ;;
esac
