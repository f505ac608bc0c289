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
#   REF_LIBFIXBUF   the reference converter (bench/ref-libfixbuf.c: parse + libfixbuf with a
#                   fixed-size internal template, single-threaded; default: bench/ref-libfixbuf
#                   next to VPC2IPFIX's build; make bench builds it); its row is skipped without it
#   BENCH_CALLGRIND 0: skip the callgrind rows (default 1; they need valgrind): instructions
#                   per line of vpc2ipfix (default and v5) and the reference on 100,000 lines
#   BENCH_S3        0: skip the S3 rows (default 1; they need node and tests/node_modules):
#                   the default input as BENCH_S3_OBJECTS gzip objects (default 40) from disk
#                   and from s3rver over loopback; records/s ratio and peak RSS
#   BENCH_SMALL_FILES  files of the many-small-files rows (default 20000; 0 skips them): a
#                   directory of header + one record files, converted with and without --state
#
# The reference row runs right after the vpc2ipfix plain default row, on the same input,
# and a `taskset -c 0` row shows vpc2ipfix on one core: the ratios are printed at the end.
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
if [ -z "${REF_LIBFIXBUF:-}" ]; then
    for c in "$(dirname -- "$VPC2IPFIX")/../bench/ref-libfixbuf" "$here/../build/bench/ref-libfixbuf" \
            "$here/ref-libfixbuf"; do
        if [ -x "$c" ]; then REF_LIBFIXBUF=$c; break; fi
    done
fi
if [ -n "${REF_LIBFIXBUF:-}" ] && [ -x "$REF_LIBFIXBUF" ]; then
    echo "reference:  $REF_LIBFIXBUF (parse + libfixbuf $(pkg-config --modversion libfixbuf 2>/dev/null || echo '?'), fixed-size internal template, 1 thread)"
else
    REF_LIBFIXBUF=
    echo "reference:  none (make bench builds bench/ref-libfixbuf): reference rows skipped"
fi
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
vpc() {  # group label input bytes [vpc2ipfix-options...]
    g=$1 l=$2 in=$3 b=$4
    shift 4
    if [ "$verify" = 1 ]; then
        set -- -q --stats-json "$tmp/$g.json" "$@"
    else
        set -- -q "$@"
    fi
    measure "$g" "$l" "$b" "$runs" "$tmp/$g.err" -- "$VPC2IPFIX" "$@" -o "$tmp/out.ipfix" "$in"
}

echo "measuring (best of $runs; python once):" >&2
measure wc "wc -l (plain default)" "$dsize" "$runs" "$tmp/wc.err" -- wc -l "$tmp/default.log"
measure zcat "zcat >/dev/null (gzip default)" "$dsize" "$runs" "$tmp/zcat.err" -- \
    zcat "$tmp/default.log.gz"
vpc vpc-plain "vpc2ipfix plain default" "$tmp/default.log" "$dsize"
if [ -n "$REF_LIBFIXBUF" ]; then
    measure ref-plain "reference (bench/ref-libfixbuf) plain default" "$dsize" "$runs" \
        "$tmp/ref.err" -- "$REF_LIBFIXBUF" "$tmp/default.log" "$tmp/out.ipfix"
fi
if command -v taskset >/dev/null 2>&1; then
    measure vpc-plain-1cpu "vpc2ipfix plain default, taskset -c 0" "$dsize" "$runs" \
        "$tmp/vpc-plain-1cpu.err" -- taskset -c 0 "$VPC2IPFIX" -q -o "$tmp/out.ipfix" "$tmp/default.log"
    if [ -n "$REF_LIBFIXBUF" ]; then
        measure ref-plain-1cpu "reference plain default, taskset -c 0" "$dsize" "$runs" \
            "$tmp/ref.err" -- taskset -c 0 "$REF_LIBFIXBUF" "$tmp/default.log" "$tmp/out.ipfix"
    fi
else
    echo "  (taskset rows skipped: no taskset)" >&2
fi
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

# S3: the plain default input split into BENCH_S3_OBJECTS gzip objects with AWS's default
# names, converted from a directory on disk and from the same objects in s3rver
# (@20minutes/s3rver of tests/node_modules, SigV4-verifying, over loopback; it shares the
# machine's cores); skipped without node and tests/node_modules.
s3_objects=${BENCH_S3_OBJECTS:-40}
s3_ok=0
case $s3_objects in ''|*[!0-9]*|0) echo "run.sh: BENCH_S3_OBJECTS must be a positive integer" >&2; exit 2;; esac
if [ "${BENCH_S3:-1}" != 0 ] && command -v node >/dev/null 2>&1 \
        && [ -d "$here/../tests/node_modules/@20minutes/s3rver" ]; then
    s3dir=$tmp/s3tree/AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/20
    mkdir -p "$s3dir"
    "$python" - "$tmp/default.log" "$s3dir" "$s3_objects" <<'PY'
import gzip, sys
src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
lines = open(src, 'rb').read().split(b'\n')
header, body = lines[0], [l for l in lines[1:] if l]
per = (len(body) + n - 1) // n
for i in range(n):
    name = '%s/123456789012_vpcflowlogs_us-east-1_fl-1_20261120T%02d%02dZ_%04d.log.gz' % (
        out, (i * 5) // 60 % 24, (i * 5) % 60, i)
    with gzip.open(name, 'wb', compresslevel=6) as f:
        f.write(header + b'\n' + b'\n'.join(body[i * per:(i + 1) * per]) + b'\n')
PY
    export AWS_ACCESS_KEY_ID=AKIDBENCH AWS_SECRET_ACCESS_KEY=bench/Secret AWS_REGION=us-east-1
    export AWS_EC2_METADATA_DISABLED=true
    node --openssl-legacy-provider "$here/../tests/aws/s3rver-run.cjs" --dir "$tmp/s3store" \
        --bucket bench --seed "$tmp/s3tree" --port-file "$tmp/s3.port" --log "$tmp/s3rver.log" \
        --key AKIDBENCH --secret bench/Secret >"$tmp/s3rver.out" 2>&1 &
    s3pid=$!
    bg_pids="$bg_pids $s3pid"
    i=0
    while [ ! -s "$tmp/s3.port" ] && kill -0 "$s3pid" 2>/dev/null && [ $i -lt 600 ]; do
        sleep 0.1; i=$((i + 1))
    done
    if [ -s "$tmp/s3.port" ]; then
        s3_ok=1
        vpc vpc-s3-disk "vpc2ipfix $s3_objects gzip objects from disk" "$tmp/s3tree/AWSLogs" "$dsize"
        vpc vpc-s3 "vpc2ipfix the same objects from s3rver" s3://bench/AWSLogs/ "$dsize" \
            --endpoint-url "http://127.0.0.1:$(cat "$tmp/s3.port")"
    else
        echo "  s3rver did not start:" >&2
        sed -n '1,5s/^/    | /p' "$tmp/s3rver.out" >&2
        failed=1
    fi
    kill -TERM "$s3pid" 2>/dev/null || true
    wait "$s3pid" 2>/dev/null || true
else
    echo "  (S3 rows skipped: BENCH_S3=0, or no node or tests/node_modules; cd tests && npm ci)" >&2
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

# Many small inputs: a directory of BENCH_SMALL_FILES files of a header and one record
# (records = files in the table: records/s is files/s), without and with --state (removed
# before each run, so that every run converts every file).
small=${BENCH_SMALL_FILES:-20000}
case $small in ''|*[!0-9]*) echo "run.sh: BENCH_SMALL_FILES must be a number" >&2; exit 2;; esac
if [ "$small" -gt 0 ]; then
    sbytes=$("$python" - "$tmp/small" "$small" <<'PY'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
os.makedirs(d)
total = 0
head = ("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets "
        "bytes start end action log-status\n")
for i in range(n):
    with open(os.path.join(d, "f%06d.log" % i), "w") as f:
        f.write(head + "2 123456789012 eni-0a1b2c3d4e5f6%05d 10.0.%d.%d 10.1.0.9 %d 443 6 %d %d "
                "%d %d ACCEPT OK\n" % (i % 100000, i // 250 % 250, i % 250, 1024 + i % 60000,
                                       1 + i % 50, 60 + i, 1700000000 + i, 1700000060 + i))
        total += f.tell()
print(total)
PY
)
    saved_records=$records
    records=$small
    measure vpc-small "vpc2ipfix $small small files (dir/)" "$sbytes" "$runs" \
        "$tmp/vpc-small.err" -- "$VPC2IPFIX" -q -o "$tmp/out.ipfix" "$tmp/small"
    measure vpc-small-state "vpc2ipfix $small small files, --state" "$sbytes" "$runs" \
        "$tmp/vpc-small-state.err" -- /bin/sh -c 'rm -f "$1"; exec "$2" -q --state "$1" -o "$3" "$4"' \
        sh "$tmp/small.state" "$VPC2IPFIX" "$tmp/out.ipfix" "$tmp/small"
    records=$saved_records
fi

if [ -n "$pyipfix" ]; then
    measure py-plain "py_vpc2ipfix.py (python3-ipfix) plain" "$dsize" 1 "$tmp/py.err" -- \
        "$pyipfix" "$here/py_vpc2ipfix.py" -o "$tmp/out.ipfix" "$tmp/default.log"
fi
echo >&2

"$python" "$here/measure.py" report --results "$results"

# Instructions per line under callgrind (deterministic, unlike the timings): 100,000 lines
# of each input (the header line and the NODATA/SKIPDATA records included), -o a file.
if [ "${BENCH_CALLGRIND:-1}" != 0 ] && command -v valgrind >/dev/null 2>&1; then
    echo
    echo "Instructions per line (callgrind, the first 100,000 records of each input; the whole run:"
    echo "start-up, templates and output included)"
    head -n 100001 "$tmp/default.log" > "$tmp/default-100k.log"
    head -n 100001 "$tmp/v5.log" > "$tmp/v5-100k.log"
    cglines=$(($(wc -l < "$tmp/default-100k.log") - 1))  # record lines (BENCH_RECORDS may be fewer)
    cg() {  # label command...
        l=$1
        shift
        if valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>"$tmp/cg.err" >/dev/null; then
            n=$(sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' "$tmp/cg.err" | tail -n 1)
            awk -v n="$n" -v l="$l" -v k="$cglines" 'BEGIN { printf "  %-46s %7.0f instructions/line (%d)\n", l, n / k, n }'
            echo "$l $n" >> "$tmp/cg.results"
        else
            echo "  $l: callgrind run failed" >&2
            sed -n '1,5s/^/    | /p' "$tmp/cg.err" >&2
            failed=1
        fi
    }
    : > "$tmp/cg.results"
    cg "vpc2ipfix plain default" "$VPC2IPFIX" -q -o "$tmp/out.ipfix" "$tmp/default-100k.log"
    cg "vpc2ipfix plain v5 (29 fields)" "$VPC2IPFIX" -q -o "$tmp/out.ipfix" "$tmp/v5-100k.log"
    # The same number of records as CloudWatch filter-log-events pages (one event a record).
    "$python" "$here/gen-records.py" --format default --json "$cglines" > "$tmp/default-100k.json"
    cg "vpc2ipfix json default (CloudWatch pages)" "$VPC2IPFIX" -q -o "$tmp/out.ipfix" "$tmp/default-100k.json"
    if [ -n "$REF_LIBFIXBUF" ]; then
        cg "reference plain default" "$REF_LIBFIXBUF" "$tmp/default-100k.log" "$tmp/out.ipfix"
    fi
    awk -v k="$cglines" '{ n[$0] = $NF } END {
        d = v = r = j = 0
        for (row in n) {
            if (row ~ /^vpc2ipfix plain default/) d = n[row]
            if (row ~ /^vpc2ipfix plain v5/) v = n[row]
            if (row ~ /^vpc2ipfix json/) j = n[row]
            if (row ~ /^reference/) r = n[row]
        }
        if (d && r) printf "  vpc2ipfix / reference: %.2fx the instructions\n", d / r
        if (d && j) printf "  vpc2ipfix json / plain: %.2fx the instructions\n", j / d
        printf "  %-4s  default <= 3,600 instructions/line                %s\n", (d && d / k <= 3600) ? "PASS" : "MISS", d ? sprintf("%.0f", d / k) : "not measured"
        printf "  %-4s  v5      <= 5,500 instructions/line                %s\n", (v && v / k <= 5500) ? "PASS" : "MISS", v ? sprintf("%.0f", v / k) : "not measured"
    }' "$tmp/cg.results"
else
    echo
    echo "(callgrind rows skipped: BENCH_CALLGRIND=0 or no valgrind)"
fi

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
    if [ "$s3_ok" = 1 ]; then
        check "$tmp/default.counts" --label "vpc2ipfix objects from disk" \
            --stats-json "$tmp/vpc-s3-disk.json"
        check "$tmp/default.counts" --label "vpc2ipfix objects from s3rver" \
            --stats-json "$tmp/vpc-s3.json"
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
