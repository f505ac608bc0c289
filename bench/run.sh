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
#   BENCH_NET       0: skip the network rows (default 1; they need a vpc2ipfix with --tcp/--udp)
#   VPC_REPORT      vpc-report to measure (default: next to VPC2IPFIX; the row is skipped
#                   if there is none)
#   BENCH_FEED      entries of the generated threat feed of the vpc-report row (default 100000)
#   TMPDIR          where the inputs are generated (removed at exit)
#
# Network rows: vpc2ipfix sends the plain default input over TCP, and over UDP with
# --rate 0, to a loopback sink (measure.py sink: a Python receiver that only counts
# bytes into one preallocated buffer; socat/nc are not in the build dependencies),
# best of BENCH_RUNS like the file rows.  Then the same input at the default rate
# (50,000 records/s, so BENCH_RECORDS / 50,000 seconds) into nfcapd, if installed:
# flows sent against the flows nfdump counts in what nfcapd stored.
set -eu

here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
records=${BENCH_RECORDS:-1000000}
runs=${BENCH_RUNS:-3}
verify=${BENCH_VERIFY:-1}
python=${PYTHON:-python3}
net=${BENCH_NET:-1}

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
bg_pids=
# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
    for p in $bg_pids; do kill -TERM "$p" 2>/dev/null || true; done
    for p in $bg_pids; do wait "$p" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT
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

# Parquet: the same default records as one GZIP Parquet object, written by DuckDB from
# tests/node_modules (cd tests && npm ci); the row is skipped without it.
parquet_ok=0
if command -v node >/dev/null 2>&1 && [ -d "$here/../tests/node_modules/@duckdb/node-api" ]; then
    if node "$here/../tests/parquet/text-to-parquet.mjs" "$tmp/default.log" \
            "$tmp/default.log.parquet" 2>"$tmp/parquet-gen.err"; then
        echo "  (default.log.parquet: $(mb "$(wc -c < "$tmp/default.log.parquet" | tr -d ' ')"))" >&2
        vpc vpc-parquet "vpc2ipfix Parquet GZIP default (DuckDB)" "$tmp/default.log.parquet" "$dsize"
        parquet_ok=1
    else
        echo "  Parquet writer failed:" >&2
        sed -n '1,5s/^/    | /p' "$tmp/parquet-gen.err" >&2
        failed=1
    fi
else
    echo "  (Parquet row skipped: no node or tests/node_modules; cd tests && npm ci)" >&2
fi

# vpc-report: the plain default input against a generated feed (a third of the log's public
# addresses among random public ones), fetched once into a cache (file://), then read with
# --offline in the measured runs; JSON output (written where the IPFIX rows write theirs).
report_ok=0
feed_n=${BENCH_FEED:-100000}
: "${VPC_REPORT:=$(dirname -- "$VPC2IPFIX")/vpc-report}"
if [ -x "$VPC_REPORT" ]; then
    "$python" "$here/gen-feed.py" --from "$tmp/default.log" "$feed_n" > "$tmp/feed.txt"
    printf '[bench]\nurl=file://%s\nseverity=high\n' "$tmp/feed.txt" > "$tmp/feeds.conf"
    if "$VPC_REPORT" -q --feeds "$tmp/feeds.conf" --cache-dir "$tmp/feed-cache" -O json \
            -o "$tmp/report.json" "$tmp/default.log" 2>"$tmp/vpc-report.err"; then
        measure vpc-report "vpc-report plain default, $feed_n feed entries" "$dsize" "$runs" \
            "$tmp/vpc-report.err" -- "$VPC_REPORT" -q --offline --feeds "$tmp/feeds.conf" \
            --cache-dir "$tmp/feed-cache" -O json -o "$tmp/out.ipfix" "$tmp/default.log"
        report_ok=1
        # The same with --geoip: the made-up country and ASN databases of the tests
        # (tests/make-mmdb.pl, Debian's libmaxmind-db-writer-perl), every public IPv4 /8.
        if perl "$here/../tests/make-mmdb.pl" "$tmp" 2>"$tmp/mmdb.err"; then
            measure vpc-report-geo "vpc-report plain default, $feed_n feed entries, --geoip" \
                "$dsize" "$runs" "$tmp/vpc-report.err" -- "$VPC_REPORT" -q --offline \
                --feeds "$tmp/feeds.conf" --cache-dir "$tmp/feed-cache" \
                --geoip "$tmp/country.mmdb" --geoip "$tmp/asn.mmdb" -O json \
                -o "$tmp/out.ipfix" "$tmp/default.log"
        else
            echo "  (vpc-report --geoip row skipped: tests/make-mmdb.pl failed; install" \
                "libmaxmind-db-writer-perl)" >&2
        fi
    else
        echo "  vpc-report failed:" >&2
        sed -n '1,5s/^/    | /p' "$tmp/vpc-report.err" >&2
        failed=1
    fi
else
    echo "  (vpc-report row skipped: no $VPC_REPORT)" >&2
fi

# --- network rows -------------------------------------------------------------------
# bg_stop PID: SIGTERM, wait (the process writes its counts or its file on SIGTERM).
bg_stop() {
    kill -TERM "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
    keep=
    for p in $bg_pids; do [ "$p" = "$1" ] || keep="$keep $p"; done
    bg_pids=$keep
}
# wait_file FILE: up to 10 s for FILE to be non-empty.
wait_file() {
    i=0
    while [ ! -s "$1" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
    [ -s "$1" ]
}
net_ok=0
if [ "$net" = 1 ]; then
    if "$VPC2IPFIX" --help-all 2>&1 | grep -q -e '--tcp'; then
        net_ok=1
    else
        echo "  (network rows skipped: $VPC2IPFIX has no --tcp/--udp)" >&2
    fi
fi
vpcnet() {  # group label tcp|udp vpc2ipfix-options...
    g=$1 l=$2 proto=$3
    shift 3
    "$python" "$here/measure.py" sink "--$proto" --ready "$tmp/$g.port" --counts "$tmp/$g.counts" &
    sink=$!
    bg_pids="$bg_pids $sink"
    if ! wait_file "$tmp/$g.port"; then
        echo "  $l: the sink did not start" >&2
        failed=1
        bg_stop "$sink"
        return 0
    fi
    if [ "$verify" = 1 ]; then set -- "$@" --stats-json "$tmp/$g.json"; fi
    measure "$g" "$l" "$dsize" "$runs" "$tmp/$g.err" -- "$VPC2IPFIX" -q "$@" \
        "--$proto" "127.0.0.1:$(cat "$tmp/$g.port")" "$tmp/default.log"
    bg_stop "$sink"
}
if [ "$net_ok" = 1 ]; then
    vpcnet vpc-tcp "vpc2ipfix plain default -> TCP sink" tcp
    vpcnet vpc-udp "vpc2ipfix plain default -> UDP --rate 0" udp --rate 0
    vpcnet vpc-nf9 "vpc2ipfix plain default -> NetFlow v9, UDP --rate 0" udp --rate 0 --protocol v9
    vpcnet vpc-nf5 "vpc2ipfix plain default -> NetFlow v5, UDP --rate 0" udp --rate 0 --protocol v5
fi

# nfcapd at the default rate: the loss a real collector sees.
nf_done=0
if [ "$net_ok" = 1 ] && command -v nfcapd >/dev/null 2>&1 && command -v nfdump >/dev/null 2>&1; then
    nfport=$("$python" -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
    mkdir -p "$tmp/nfcapd"
    nfcapd -b 127.0.0.1 -p "$nfport" -w "$tmp/nfcapd" -B 8388608 >"$tmp/nfcapd.log" 2>&1 &
    nfpid=$!
    bg_pids="$bg_pids $nfpid"
    hex=$(printf %04X "$nfport")
    i=0
    while ! grep -q ": 0100007F:$hex " /proc/net/udp && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
    if grep -q ": 0100007F:$hex " /proc/net/udp; then
        measure vpc-nfcapd "vpc2ipfix plain default -> nfcapd (default rate)" "$dsize" 1 \
            "$tmp/vpc-nfcapd.err" -- "$VPC2IPFIX" -q --stats-json "$tmp/vpc-nfcapd.json" \
            --udp "127.0.0.1:$nfport" "$tmp/default.log"
        nf_done=1
    else
        echo "  nfcapd did not start:" >&2
        sed -n '1,5s/^/    | /p' "$tmp/nfcapd.log" >&2
        failed=1
    fi
    bg_stop "$nfpid"
fi

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
    if [ "$parquet_ok" = 1 ]; then
        check "$tmp/default.counts" --label "vpc2ipfix Parquet default" \
            --stats-json "$tmp/vpc-parquet.json"
    fi
else
    echo "  (vpc2ipfix not checked: BENCH_VERIFY=0)"
fi
if [ -n "$pyipfix" ]; then
    check "$tmp/default.counts" --label "py_vpc2ipfix.py plain default" --stats-text "$tmp/py.err"
fi
if [ "$report_ok" = 1 ]; then
    # The report's flows and record counts against the generator's, and the feed all read.
    "$python" - "$tmp/default.counts" "$tmp/report.json" "$feed_n" <<'PY' || failed=1
import json, sys
counts = dict((k, int(v)) for k, v in (l.split() for l in open(sys.argv[1]) if l.strip()))
rep, n = json.load(open(sys.argv[2])), int(sys.argv[3])
t, feed = rep["inputs"]["total"], rep["threats"]["feeds"][0]
ok = all(t[k] == counts[k] for k in ("flows", "nodata", "skipdata") if k in counts) \
    and rep["totals"]["flows"] == t["flows"] and feed["entries"] + feed["special"] == n
print("  %-40s %s: %d flows, %d intervals, %d listed addresses in %d flows (%d flagged)" % (
    "vpc-report plain default", "ok" if ok else "MISMATCH", rep["totals"]["flows"],
    rep["threats"]["intervals"], rep["threats"]["addresses"], rep["threats"]["flows"]["flows"],
    rep["threats"]["flagged"]))
sys.exit(0 if ok else 1)
PY
fi
if [ "$net_ok" = 1 ] && [ "$verify" = 1 ]; then
    for g in vpc-tcp vpc-udp vpc-nf9 vpc-nf5; do
        [ -s "$tmp/$g.json" ] || continue
        check "$tmp/default.counts" --label "vpc2ipfix $g" --stats-json "$tmp/$g.json"
        u=
        [ "$g" != vpc-tcp ] && u=--udp
        "$python" "$here/measure.py" netcheck --label "$g: sink" --stats-json "$tmp/$g.json" \
            --counts "$tmp/$g.counts" --runs "$runs" $u || failed=1
    done
fi
if [ "$nf_done" = 1 ]; then
    echo
    echo "nfcapd at the default --rate (UDP, loopback, nfcapd -B 8388608)"
    sent=$("$python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["total"]["flows"])' \
        "$tmp/vpc-nfcapd.json" 2>/dev/null || echo '?')
    nfdump -R "$tmp/nfcapd" -I >"$tmp/nfcapd.stat" 2>/dev/null || true
    stored=$(sed -n 's/^Flows: //p' "$tmp/nfcapd.stat")
    seqf=$(sed -n 's/^Sequence failures: //p' "$tmp/nfcapd.stat")
    awk -v s="$sent" -v g="${stored:-0}" -v q="${seqf:-?}" 'BEGIN {
        if (s + 0 > 0)
            printf "  %d flows sent, %d stored by nfcapd: %d lost (%.3f%%); nfcapd sequence failures: %s\n",
                s, g, s - g, 100.0 * (s - g) / s, q
        else
            printf "  no statistics from vpc2ipfix\n" }'
    [ "$sent" = "${stored:-x}" ] || failed=1
fi
echo
echo "load avg:   $(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || echo '?') (at end)"
exit $failed
