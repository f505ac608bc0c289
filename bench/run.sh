#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Benchmark vpc2ipfix against wc -l, zcat and a python3-ipfix converter (make bench).
#
# Environment:
#   VPC2IPFIX       the binary to measure (default: ../build/src/vpc2ipfix or ../src/vpc2ipfix
#                   next to this script, else vpc2ipfix in PATH)
#   BENCH_RECORDS   records per generated input (default 1000000)
#   BENCH_RUNS      runs of each fast command, best one kept (default 3; python runs once)
#   BENCH_VERIFY    0: do not pass --stats-json to vpc2ipfix nor check the counts (default 1)
#   PYTHON          interpreter for the generator and the timer (default python3)
#   PYIPFIX_PYTHON  interpreter with python3-ipfix (default: the first of /usr/bin/python3,
#                   python3 that can import ipfix; the python row is skipped if none can)
#   TMPDIR          where the inputs are generated (removed at exit)
set -eu

here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
records=${BENCH_RECORDS:-1000000}
runs=${BENCH_RUNS:-3}
verify=${BENCH_VERIFY:-1}
python=${PYTHON:-python3}

case $records in ''|*[!0-9]*|0) echo "run.sh: BENCH_RECORDS must be a positive integer" >&2; exit 2;; esac
case $runs in ''|*[!0-9]*|0) echo "run.sh: BENCH_RUNS must be a positive integer" >&2; exit 2;; esac

if [ -z "${VPC2IPFIX:-}" ]; then
    for c in "$here/../build/src/vpc2ipfix" "$here/../src/vpc2ipfix" vpc2ipfix; do
        if command -v "$c" >/dev/null 2>&1; then VPC2IPFIX=$c; break; fi
    done
fi
if [ -z "${VPC2IPFIX:-}" ] || ! command -v "$VPC2IPFIX" >/dev/null 2>&1; then
    echo "run.sh: no vpc2ipfix binary; set VPC2IPFIX=path/to/vpc2ipfix" >&2
    exit 2
fi
case $VPC2IPFIX in */*) VPC2IPFIX=$(cd "$(dirname -- "$VPC2IPFIX")" && pwd)/$(basename -- "$VPC2IPFIX");; esac

pyipfix=${PYIPFIX_PYTHON:-}
if [ -z "$pyipfix" ]; then
    for c in /usr/bin/python3 python3; do
        if "$c" -c 'import ipfix' >/dev/null 2>&1; then pyipfix=$c; break; fi
    done
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vpc2ipfix-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
results=$tmp/results.jsonl
: > "$results"

cpus=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?')
model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
echo "vpc2ipfix benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine:    $cpus CPUs, ${model:-unknown model}, $(uname -sr)"
echo "load avg:   $(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || echo '?') (at start)"
echo "vpc2ipfix:  $VPC2IPFIX ($("$VPC2IPFIX" --version 2>&1 | head -n 1 || true))"
if [ -n "$pyipfix" ]; then
    pyver=$("$pyipfix" -c 'import sys, importlib.metadata as m; print("%d.%d.%d" % sys.version_info[:3], "with python3-ipfix", m.version("ipfix"))' 2>/dev/null || echo "(version unknown)")
    echo "python:     $pyipfix $pyver"
else
    echo "python:     no interpreter with python3-ipfix (module ipfix): python row skipped"
fi

echo "generating: $records records each (default v2, the same gzipped, v5 29 fields, default v2 as CloudWatch JSON pages) in $tmp"
"$python" "$here/gen-records.py" --format default --counts "$tmp/default.counts" "$records" \
    > "$tmp/default.log"
gzip -6 -c "$tmp/default.log" > "$tmp/default.log.gz"
"$python" "$here/gen-records.py" --format v5 --counts "$tmp/v5.counts" "$records" > "$tmp/v5.log"
"$python" "$here/gen-records.py" --format default --json "$records" > "$tmp/default.json"
dsize=$(wc -c < "$tmp/default.log" | tr -d ' ')
zsize=$(wc -c < "$tmp/default.log.gz" | tr -d ' ')
vsize=$(wc -c < "$tmp/v5.log" | tr -d ' ')
jsize=$(wc -c < "$tmp/default.json" | tr -d ' ')
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1e6 }'; }
echo "inputs:     default.log $(mb "$dsize"), default.log.gz $(mb "$zsize"), v5.log $(mb "$vsize"), default.json $(mb "$jsize")"
echo

failed=0
measure() {  # group label bytes runs stderr-file -- command...
    group=$1 label=$2 bytes=$3 n=$4 err=$5
    shift 6
    printf '  %-45s' "$label" >&2
    if "$python" "$here/measure.py" run --results "$results" --group "$group" \
            --label "$label" --records "$records" --bytes "$bytes" --runs "$n" \
            --stdout "$tmp/stdout" --stderr "$err" --output-file "$tmp/out.ipfix" -- "$@"
    then
        echo ' done' >&2
    else
        echo ' FAILED' >&2
        sed -n '1,10s/^/    | /p' "$err" >&2
        failed=1
    fi
    rm -f "$tmp/out.ipfix" "$tmp/stdout"
}
vpc() {  # group label input bytes
    if [ "$verify" = 1 ]; then
        set -- "$1" "$2" "$3" "$4" -q --stats-json "$tmp/$1.json"
    else
        set -- "$1" "$2" "$3" "$4" -q
    fi
    g=$1 l=$2 in=$3 b=$4
    shift 4
    measure "$g" "$l" "$b" "$runs" "$tmp/$g.err" -- "$VPC2IPFIX" "$@" -o "$tmp/out.ipfix" "$in"
}

echo "measuring (best of $runs; python once):" >&2
measure wc "wc -l (plain default)" "$dsize" "$runs" "$tmp/wc.err" -- wc -l "$tmp/default.log"
measure zcat "zcat >/dev/null (gzip default)" "$dsize" "$runs" "$tmp/zcat.err" -- \
    zcat "$tmp/default.log.gz"
vpc vpc-plain "vpc2ipfix plain default" "$tmp/default.log" "$dsize"
vpc vpc-gzip "vpc2ipfix gzip default" "$tmp/default.log.gz" "$dsize"
vpc vpc-v5 "vpc2ipfix plain v5 (29 fields)" "$tmp/v5.log" "$vsize"
vpc vpc-json "vpc2ipfix json default (CloudWatch pages)" "$tmp/default.json" "$jsize"
if [ -n "$pyipfix" ]; then
    measure py-plain "py_vpc2ipfix.py (python3-ipfix) plain" "$dsize" 1 "$tmp/py.err" -- \
        "$pyipfix" "$here/py_vpc2ipfix.py" -o "$tmp/out.ipfix" "$tmp/default.log"
fi
echo >&2

"$python" "$here/measure.py" report --results "$results"

echo
echo "Checks (converter statistics vs generator counts)"
check() {
    "$python" "$here/measure.py" check --counts "$@" || failed=1
}
if [ "$verify" = 1 ]; then
    check "$tmp/default.counts" --label "vpc2ipfix plain default" --stats-json "$tmp/vpc-plain.json"
    check "$tmp/default.counts" --label "vpc2ipfix gzip default" --stats-json "$tmp/vpc-gzip.json"
    check "$tmp/v5.counts" --label "vpc2ipfix plain v5" --stats-json "$tmp/vpc-v5.json"
    check "$tmp/default.counts" --label "vpc2ipfix json default" --stats-json "$tmp/vpc-json.json"
else
    echo "  (vpc2ipfix not checked: BENCH_VERIFY=0)"
fi
if [ -n "$pyipfix" ]; then
    check "$tmp/default.counts" --label "py_vpc2ipfix.py plain default" --stats-text "$tmp/py.err"
fi
echo
echo "load avg:   $(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || echo '?') (at end)"
exit $failed
