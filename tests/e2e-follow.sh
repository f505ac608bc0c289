#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# End-to-end: --follow (-F) into the TCP test collector on loopback.
#
# A growing file, rotation, truncation, standard input that stays open, a watched
# directory with --state across a restart, and the signals (SIGTERM, SIGINT: exit 0
# with final statistics; SIGUSR1: a statistics table while running).  What arrives is
# read from the collector's output (tests/ipfix-collector, one JSON line per record) and
# compared with the oracle (collectorcheck.py --dump).
#
# Every process started here is stopped by its PID (on exit too); waits are bounded
# polls of the collector's output with a deadline that is asserted.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${srcdir:-$(dirname "$0")}/lib.sh"

: "${COLLECTORCHECK:=$srcdir/collectorcheck.py}"
: "${IPFIX_COLLECTOR:=$top_builddir/tests/ipfix-collector}"
# Seconds within which a record appended to a followed input must reach the
# collector (vpc2ipfix promises 1 s).
DEADLINE=2
# Seconds for a file dropped into a watched directory (found by a scan).
DIR_DEADLINE=3

if [ ! -x "$IPFIX_COLLECTOR" ]; then
    echo "1..0 # SKIP $IPFIX_COLLECTOR not built (make check builds it)"
    exit 0
fi

now_ms() { date +%s%3N; }

# --- the collector ---------------------------------------------------------------

# collector_start NAME: the TCP test collector on 127.0.0.1, a port of the
# kernel's choice; ready when it wrote the port to its --ready file.  Sets
# COLL_PID, COLL_PORT, COLL_OUT ($WORK/NAME.jsonl).
collector_start() {
    COLL_OUT=$WORK/$1.jsonl
    : >"$COLL_OUT"
    "$IPFIX_COLLECTOR" --tcp --port 0 --bind 127.0.0.1 --ready "$WORK/$1.port" \
        --out "$COLL_OUT" 2>"$WORK/$1.collector-err" &
    COLL_PID=$!
    bg_add "$COLL_PID"
    if ! wait_for 10 collector_ready "$WORK/$1.port"; then
        echo "Bail out! the test collector did not start"
        diag_file "$WORK/$1.collector-err"
        exit 1
    fi
    COLL_PORT=$(cat "$WORK/$1.port")
}
collector_ready() {
    alive "$COLL_PID" || return 2
    [ -s "$1" ]
}
collector_stop() {
    stop_pid "$COLL_PID" TERM 10
    [ "$STOP_RC" -eq 0 ] || diag "collector exit status $STOP_RC"
}

# flows_in FILE CONNECTION: flow records (scope 0) of that connection.
flows_in() {
    grep -c "^{\"c\":$2,.*\"scope\":0," "$1" || true
}
# have_packets CONNECTION FIRST LAST: the records made by `lines FIRST ...`
# (recognised by their packet counts) up to LAST all arrived on that connection.
have_packets() {
    grep "^{\"c\":$1,.*\"scope\":0," "$COLL_OUT" | grep -o '"packetDeltaCount":[0-9]*' |
        cut -d: -f2 | awk -v f="$2" -v l="$3" '
            $1 >= f && $1 <= l { seen[$1] = 1 }
            END { n = 0; for (k in seen) n++; exit !(n == l - f + 1) }'
}

# arrive_within DESCRIPTION CONNECTION FIRST LAST [SECONDS]: wait (bounded)
# until the records FIRST..LAST arrived on CONNECTION; ok if that took at most
# SECONDS (default $DEADLINE) from T0, set by the caller just before it wrote
# the lines.
arrive_within() {
    _dl=${5:-$DEADLINE}
    wait_for $((_dl + 3)) have_packets "$2" "$3" "$4" || true
    _t=$(($(now_ms) - T0))
    if have_packets "$2" "$3" "$4" && [ "$_t" -le $((_dl * 1000)) ]; then
        ok "$1: records $3..$4 at the collector after $_t ms (<= $_dl s)"
    elif have_packets "$2" "$3" "$4"; then
        not_ok "$1: records $3..$4 at the collector after $_t ms (> $_dl s)"
    else
        not_ok "$1: records $3..$4 at the collector within $_dl s (still missing after $_t ms)"
    fi
}

# --- vpc2ipfix in the background ----------------------------------------------------

# vpc_start NAME ARGS...: vpc2ipfix ARGS in the background, stderr in
# $WORK/NAME.err.  Started through exec from a Python that resets SIGINT
# to the default: a background command of a non-interactive shell inherits
# SIGINT ignored, and a program may honour that.  Sets VPC_PID.
vpc_start() {
    _name=$1
    shift
    echo "# \$ $(cmdline "$VPC2IPFIX" "$@") &"
    "$PYTHON3" -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execv(sys.argv[1], sys.argv[1:])' "$VPC2IPFIX" "$@" 2>"$WORK/$_name.err" &
    VPC_PID=$!
    bg_add "$VPC_PID"
}
# vpc_start_in FILE NAME ARGS...: the same with stdin from FILE.
vpc_start_in() {
    _in=$1
    _name=$2
    shift 2
    echo "# \$ $(cmdline "$VPC2IPFIX" "$@") < $(_q "$_in") &"
    "$PYTHON3" -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execv(sys.argv[1], sys.argv[1:])' "$VPC2IPFIX" "$@" <"$_in" 2>"$WORK/$_name.err" &
    VPC_PID=$!
    bg_add "$VPC_PID"
}

# vpc_stop NAME DESCRIPTION [SIGNAL]: stop it (SIGTERM by default); ok when it
# exits 0 within 10 s, with the final statistics on stderr.
vpc_stop() {
    stop_pid "$VPC_PID" "${3:-TERM}" 10
    if [ "$STOP_RC" -eq 0 ] && [ "$STOP_LATE" -eq 0 ]; then
        ok "$2: SIG${3:-TERM} ends vpc2ipfix (exit 0)"
    else
        not_ok "$2: SIG${3:-TERM} ends vpc2ipfix (exit $STOP_RC, expected 0; killed after 10 s: $STOP_LATE)"
        diag_file "$WORK/$1.err"
    fi
}

# still_running NAME DESCRIPTION
still_running() {
    if alive "$VPC_PID"; then
        ok "$2: vpc2ipfix is running"
    else
        not_ok "$2: vpc2ipfix is running"
        diag_file "$WORK/$1.err"
    fi
}

# --- records ---------------------------------------------------------------------

HEADER='version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status'
# lines FIRST N: N default-format records, packets FIRST..FIRST+N-1 (each line
# is recognisable), on two interfaces.
lines() {
    awk -v f="$1" -v n="$2" 'BEGIN {
        for (i = f; i < f + n; i++)
            printf "2 123456789012 eni-0a1b2c3d4e5f6%05d 10.0.%d.%d 10.1.0.7 %d 443 6 %d %d %d %d ACCEPT OK\n",
                i % 2, (i / 250) % 250, i % 250 + 1, 1024 + i % 60000, i, 40 * i,
                1795132800 + i, 1795132860 + i
    }'
}

# same_records DESCRIPTION DUMP EXPECTED-INPUT [MODE]: the collector's records
# are exactly (MODE --exact, the default) the flows of EXPECTED-INPUT.
same_records() {
    echo "# \$ collectorcheck.py --dump $(cmdline "$2") ${4:---exact} $(cmdline "$3")"
    _rc=0
    "$PYTHON3" "$COLLECTORCHECK" --dump "$2" "${4:---exact}" "$3" >"$WORK/cc.out" 2>&1 || _rc=$?
    if [ "$_rc" -eq 0 ]; then
        ok "$1: the collector got exactly the expected records"
    else
        not_ok "$1: the collector got exactly the expected records"
        diag_file "$WORK/cc.out" 30
    fi
}

# connection DUMP N OUT: the lines of connection N.
connection() {
    grep "^{\"c\":$2," "$1" >"$3" || true
}

# stats_ok NAME DESCRIPTION FLOWS: the --stats-json file is complete: it parses,
# counts FLOWS flows, and its tcp output sent them all.
stats_ok() {
    _r=$("$PYTHON3" -c 'import json, sys
s = json.load(open(sys.argv[1]))
o = [x for x in s["outputs"] if x["transport"] == "tcp"][0]
print(s["total"]["flows"], o["records"], o["messages"], o["connects"])' "$WORK/$1.json" 2>&1) || true
    # shellcheck disable=SC2086 # four numbers, split on purpose
    set -- "$1" "$2" "$3" $_r
    if [ "${4:-}" = "$3" ] && [ "${5:-0}" -gt "$3" ] 2>/dev/null && [ "${6:-0}" -gt 0 ] 2>/dev/null; then
        ok "$2: --stats-json complete: $3 flows, tcp output: $5 records in $6 messages"
    else
        not_ok "$2: --stats-json complete with $3 flows and the tcp output's records ($_r)"
        diag_file "$WORK/$1.json" 20
    fi
}

# final_stats NAME DESCRIPTION: the statistics table is on stderr.
final_stats() {
    expect_grep 'input +lines +flows' "$WORK/$1.err" "$2: final statistics on stderr"
}
expect_table() {
    grep -E -q 'input +lines +flows' "$1"
}

collector_start coll

# --- a growing file ----------------------------------------------------------------

F=$WORK/grow.log
{ echo "$HEADER"; lines 1 2; } >"$F"
T0=$(now_ms)
vpc_start grow -F --tcp "127.0.0.1:$COLL_PORT" --stats-json="$WORK/grow.json" "$F"
arrive_within "growing file: the first 2 records (vpc2ipfix starting)" 1 1 2 5

T0=$(now_ms)
lines 3 3 >>"$F"
arrive_within "growing file: 3 lines appended" 1 3 5
T0=$(now_ms)
lines 6 1 >>"$F"
arrive_within "growing file: 1 more line" 1 6 6

# Rotation: the file is renamed (a line still goes to the old file), a new one
# takes its name.
mv "$F" "$F.1"
lines 7 1 >>"$F.1"
T0=$(now_ms)
lines 8 2 >"$F"
arrive_within "rotation: the line written to the renamed file and 2 in the new file" 1 7 9
T0=$(now_ms)
lines 10 2 >>"$F"
arrive_within "rotation: 2 lines appended to the new file" 1 10 11

# Truncation: emptied in place, then fewer bytes than before.
: >"$F"
T0=$(now_ms)
lines 12 2 >>"$F"
arrive_within "truncation: 2 lines after the file was emptied" 1 12 13

still_running grow "growing file, rotated, truncated"
vpc_stop grow "growing file"
final_stats grow "growing file"
stats_ok grow "growing file" 13
connection "$COLL_OUT" 1 "$WORK/grow.c1"
{ echo "$HEADER"; lines 1 13; } >"$WORK/grow.expected"
same_records "growing file, rotated, truncated" "$WORK/grow.c1" "$WORK/grow.expected"

# --- standard input that stays open ------------------------------------------------

mkfifo "$WORK/fifo"
# Held open read-write by this shell: vpc2ipfix's open does not block, and the
# FIFO has a writer until fd 7 is closed.
exec 7<>"$WORK/fifo"
vpc_start_in "$WORK/fifo" stdin -q -F --tcp "127.0.0.1:$COLL_PORT" --stats-json="$WORK/stdin.json" -
T0=$(now_ms)
{ echo "$HEADER"; lines 101 3; } >&7
arrive_within "stdin (a FIFO kept open): 3 lines" 2 101 103
T0=$(now_ms)
lines 104 2 >&7
arrive_within "stdin: 2 more lines" 2 104 105
still_running stdin "stdin kept open"
exec 7>&-
# End of input: vpc2ipfix may end by itself (its only input closed); else SIGTERM.
exited() { ! alive "$VPC_PID"; }
wait_for 3 exited || true
if alive "$VPC_PID"; then
    diag "stdin closed: vpc2ipfix keeps running; stopped with SIGTERM"
    vpc_stop stdin "stdin closed"
else
    stop_pid "$VPC_PID" TERM 1
    check "stdin closed: vpc2ipfix ends by itself with exit 0 (exit $STOP_RC)" "$STOP_RC"
fi
stats_ok stdin "stdin" 5
connection "$COLL_OUT" 2 "$WORK/stdin.c2"
{ echo "$HEADER"; lines 101 5; } >"$WORK/stdin.expected"
same_records "stdin kept open" "$WORK/stdin.c2" "$WORK/stdin.expected"

# --- a watched directory, --state across a restart ------------------------------------

D=$WORK/watched
mkdir -p "$D"
{ echo "$HEADER"; lines 201 4; } >"$WORK/a.log"
{ echo "$HEADER"; lines 301 3; } >"$WORK/b.log"
{ echo "$HEADER"; lines 401 5; } >"$WORK/c.log"
for x in a b c; do gzip_to "$WORK/$x.log" "$WORK/$x.log.gz"; done
# drop NAME: copied in like `aws s3 sync` does: written under a temporary name
# in the same directory, then renamed.
drop() {
    cp "$WORK/$1.log.gz" "$D/$1.log.gz.3f9a1c2b"
    mv "$D/$1.log.gz.3f9a1c2b" "$D/$1.log.gz"
}
STATE=$WORK/state
vpc_start dir1 -F --state "$STATE" --tcp "127.0.0.1:$COLL_PORT" \
    --stats-json="$WORK/dir1.json" "$D"
# Connection 3: wait for it before dropping files in.
wait_for 10 grep -q '^{"c":3,' "$COLL_OUT" || true
T0=$(now_ms)
drop a
arrive_within "watched directory: a.log.gz dropped in" 3 201 204 $DIR_DEADLINE
T0=$(now_ms)
drop b
arrive_within "watched directory: b.log.gz dropped in" 3 301 303 $DIR_DEADLINE
vpc_stop dir1 "watched directory"
final_stats dir1 "watched directory"
stats_ok dir1 "watched directory" 7
connection "$COLL_OUT" 3 "$WORK/dir1.c3"
cat "$WORK/a.log" >"$WORK/dir1.expected"
tail -n +2 "$WORK/b.log" >>"$WORK/dir1.expected"
same_records "watched directory: a and b converted once each" "$WORK/dir1.c3" \
    "$WORK/dir1.expected"
if grep -q '/a\.log\.gz$' "$STATE" && grep -q '/b\.log\.gz$' "$STATE"; then
    ok "--state lists a.log.gz and b.log.gz"
else
    not_ok "--state lists a.log.gz and b.log.gz"
    diag_file "$STATE"
fi

# Restarted with the same state: a and b are not sent again, c (new) is.
vpc_start dir2 -q -F --state "$STATE" --tcp "127.0.0.1:$COLL_PORT" \
    --stats-json="$WORK/dir2.json" "$D"
wait_for 10 grep -q '^{"c":4,' "$COLL_OUT" || true
T0=$(now_ms)
drop c
arrive_within "restart with --state: c.log.gz dropped in" 4 401 405 $DIR_DEADLINE
vpc_stop dir2 "restart with --state"
connection "$COLL_OUT" 4 "$WORK/dir2.c4"
same_records "restart with --state: only c.log.gz sent" "$WORK/dir2.c4" "$WORK/c.log"
expect_grep '"state_skipped": 2' "$WORK/dir2.json" "restart with --state: state_skipped 2"
stats_ok dir2 "restart with --state" 5

# --- signals -------------------------------------------------------------------------

F=$WORK/sig.log
{ echo "$HEADER"; lines 501 2; } >"$F"
vpc_start sigint -F --tcp "127.0.0.1:$COLL_PORT" --stats-json="$WORK/sigint.json" "$F"
wait_for 10 have_packets 5 501 502 || true
if expect_table "$WORK/sigint.err"; then
    diag "a statistics table was on stderr before SIGUSR1"
fi
kill -USR1 "$VPC_PID"
wait_for 5 expect_table "$WORK/sigint.err" || true
if expect_table "$WORK/sigint.err"; then
    ok "SIGUSR1: a statistics table on stderr"
else
    not_ok "SIGUSR1: a statistics table on stderr"
    diag_file "$WORK/sigint.err"
fi
still_running sigint "after SIGUSR1"
T0=$(now_ms)
lines 503 2 >>"$F"
arrive_within "after SIGUSR1: records still go out" 5 503 504
vpc_stop sigint "SIGINT" INT
final_stats sigint "SIGINT"
stats_ok sigint "SIGINT" 4

tap_done
