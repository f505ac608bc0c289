#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# End-to-end: IPFIX over TCP to a test collector: exactly once, late, killed, paused input, none.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${srcdir:-$(dirname "$0")}/lib.sh"

# The libfixbuf test collector (tests/ipfix-collector.c, a check program) and
# the comparison of what it stored with the oracle.
: "${IPFIX_COLLECTOR:=$top_builddir/tests/ipfix-collector}"
CCHECK=$srcdir/collectorcheck.py
GEN=$top_srcdir/bench/gen-records.py
V2=$SAMPLES/default-v2.log
V6=$SAMPLES/ipv6.log
if [ ! -x "$IPFIX_COLLECTOR" ]; then
    echo "1..0 # SKIP $IPFIX_COLLECTOR not built (make check builds it)"
    exit 0
fi

# --- processes (bg_add, stop_pid, wait_for, alive: lib.sh) ---------------------
not_alive() { ! alive "$1"; }
lines_at_least() { [ "$(wc -l <"$1" 2>/dev/null || echo 0)" -ge "$2" ]; }

# --- the collector ----------------------------------------------------------------
# start_collector NAME ADDR PORT [OPTIONS...]: listen on ADDR:PORT (0: any free
# port), records to $WORK/NAME.jsonl (appended), stderr to $WORK/NAME.err;
# returns once it accepts, its PID in COLL_PID and its port in COLL_PORT.
start_collector() {
    _name=$1 _addr=$2 _port=$3
    shift 3
    rm -f "$WORK/$_name.ready"
    set -- "$IPFIX_COLLECTOR" --tcp --bind "$_addr" --port "$_port" \
        --ready "$WORK/$_name.ready" --out "$WORK/$_name.jsonl" "$@"
    echo "# \$ $(cmdline "$@") &"
    "$@" 2>>"$WORK/$_name.err" 7>&- &
    COLL_PID=$!
    bg_add "$COLL_PID"
    if wait_for 20 test -s "$WORK/$_name.ready"; then
        COLL_PORT=$(cat "$WORK/$_name.ready")
        return 0
    fi
    not_ok "collector $_name: not ready after 20 s"
    diag_file "$WORK/$_name.err"
    return 1
}

# stop_collector NAME: SIGTERM, then its exit status is checked (0).
stop_collector() {
    kill -TERM "$COLL_PID" 2>/dev/null
    if ! wait_for 20 not_alive "$COLL_PID"; then
        kill -KILL "$COLL_PID" 2>/dev/null
    fi
    _rc=0
    wait "$COLL_PID" || _rc=$?
    bg_del "$COLL_PID"
    if [ "$_rc" -ne 0 ]; then
        not_ok "collector $1: exit $_rc on SIGTERM"
        diag_file "$WORK/$1.err"
    fi
}

# Every connection the collector accepted has been closed by the exporter (its
# records are written).
collector_idle() {
    _opened=$(grep -c ': connection [0-9]*: tcp from' "$WORK/$1.err" 2>/dev/null)
    _closed=$(grep -c ': connection [0-9]* (tcp ' "$WORK/$1.err" 2>/dev/null)
    [ "${_opened:-0}" -ge 1 ] && [ "$_opened" = "$_closed" ]
}

# collector_stat NAME KEY: a count from the collector's summary line.
collector_stat() {
    sed -n "s/^.*: summary:.* $2=\([0-9]*\).*$/\1/p" "$WORK/$1.err" | tail -n 1
}

# collector_clean DESC NAME: no protocol problem seen by the collector.
collector_clean() {
    _clean=' sequence_mismatches=0 .* errors=0 empty_sets=0 incomplete_bytes=0 skipped_sets=0 '
    if grep -E -q ": summary: .*$_clean" "$WORK/$2.err"; then
        ok "$1: the collector saw no sequence error, no set without template, no empty set"
    else
        not_ok "$1: the collector saw no sequence error, no set without template, no empty set"
        diag_file "$WORK/$2.err" 30
    fi
}

# collectorcheck DESC ARGS...: compare the collector's records with the oracle.
collectorcheck() {
    _desc=$1
    shift
    echo "# \$ collectorcheck.py $(cmdline "$@")"
    _rc=0
    "$PYTHON3" "$CCHECK" "$@" >"$WORK/cc.out" 2>&1 || _rc=$?
    if [ "$_rc" -eq 0 ]; then
        ok "$_desc"
        sed 's/^/# /' "$WORK/cc.out"
    else
        not_ok "$_desc"
        diag_file "$WORK/cc.out" 60
    fi
}

# --- vpc2ipfix in the background -------------------------------------------------
# vpc_start NAME ARGS...: stdout/stderr in $WORK/NAME.out/.err, stdin from
# $VPC_STDIN (default /dev/null), PID in VPC_PID.
vpc_start() {
    _vname=$1
    shift
    echo "# \$ $(cmdline "$VPC2IPFIX" "$@") < ${VPC_STDIN:-/dev/null} &"
    "$VPC2IPFIX" "$@" <"${VPC_STDIN:-/dev/null}" >"$WORK/$_vname.out" 2>"$WORK/$_vname.err" 7>&- &
    VPC_PID=$!
    bg_add "$VPC_PID"
}

# vpc_wait NAME SECONDS: its end (killed after SECONDS); exit status in RC,
# stderr in $VERR.
vpc_wait() {
    if ! wait_for "$2" not_alive "$VPC_PID"; then
        diag "vpc2ipfix still alive after $2 s: killed"
        kill -KILL "$VPC_PID" 2>/dev/null
    fi
    RC=0
    wait "$VPC_PID" || RC=$?
    bg_del "$VPC_PID"
    VERR=$WORK/$1.err
}

# vpc_expect_rc N DESC
vpc_expect_rc() {
    if [ "$RC" -eq "$1" ]; then
        ok "$2 (exit $1)"
    else
        not_ok "$2 (exit $RC, expected $1)"
        diag "stderr:"
        diag_file "$VERR"
    fi
}

# out_stat FILE KEY: outputs[0].KEY of a --stats-json file.
out_stat() {
    "$PYTHON3" -c 'import json, sys
print(json.load(open(sys.argv[1]))["outputs"][0][sys.argv[2]])' "$1" "$2" 2>/dev/null
}

# expect_stat DESC FILE KEY OP VALUE: e.g. expect_stat "..." s.json reconnects -ge 1
expect_stat() {
    _v=$(out_stat "$2" "$3")
    if [ -n "$_v" ] && test "$_v" "$4" "$5" 2>/dev/null; then
        ok "$1: outputs[0].$3 = $_v"
    else
        not_ok "$1: outputs[0].$3 = ${_v:-(none)}, expected $4 $5"
        diag_file "$2" 60
    fi
}

# nothing_out DESC FILE: FILE (a standard output) is empty.
nothing_out() {
    if [ -s "$2" ]; then
        not_ok "$1: nothing on standard output"
        diag_file "$2"
    else
        ok "$1: nothing on standard output"
    fi
}

# --- 1. every record exactly once, IPv4 and IPv6 loopback -------------------------
# exact_case ADDR INPUT [COLLECTOR-OPTIONS...]: one conversion to a fresh collector on ADDR.
# With TABLE=--interface-table, vpc2ipfix publishes the interface table and the
# oracle requires it (without, it requires its absence).
n=0
TABLE=
exact_case() {
    _addr=$1 _input=$2
    shift 2
    n=$((n + 1))
    _d="$(basename "$_input") to $_addr${TABLE:+ $TABLE}"
    start_collector "x$n" "$_addr" 0 "$@" || return 0
    case $_addr in *:*) _hp="[$_addr]:$COLL_PORT" ;; *) _hp="$_addr:$COLL_PORT" ;; esac
    # shellcheck disable=SC2086 # TABLE is empty or one word
    vpc_start "vx$n" -q $TABLE --tcp "$_hp" --stats-json "$WORK/x$n.json" "$_input"
    vpc_wait "vx$n" 60
    vpc_expect_rc 0 "$_d: vpc2ipfix --tcp $_hp"
    wait_for 20 collector_idle "x$n" || diag "collector x$n: a connection is still open"
    stop_collector "x$n"
    # shellcheck disable=SC2086
    collectorcheck "$_d: every record and element exactly once" \
        --dump "$WORK/x$n.jsonl" --exact $TABLE "$_input"
    collector_clean "$_d" "x$n"
    if [ "$(collector_stat "x$n" connections)" = 1 ]; then
        ok "$_d: the collector saw one connection"
    else
        not_ok "$_d: the collector saw one connection ($(collector_stat "x$n" connections))"
    fi
    _got=$(collector_stat "x$n" records)
    expect_stat "$_d: the records sent are the records the collector got" \
        "$WORK/x$n.json" records -eq "${_got:-0}"
    expect_stat "$_d" "$WORK/x$n.json" reconnects -eq 0
    expect_stat "$_d" "$WORK/x$n.json" resent_records -eq 0
    expect_stat "$_d" "$WORK/x$n.json" send_errors -eq 0
    if [ "$(out_stat "$WORK/x$n.json" destination)" = "tcp:$_hp" ] &&
        [ "$(out_stat "$WORK/x$n.json" transport)" = tcp ]; then
        ok "$_d: the output is tcp:$_hp"
    else
        not_ok "$_d: the output is tcp:$_hp"
        diag_file "$WORK/x$n.json" 60
    fi
    nothing_out "$_d" "$WORK/vx$n.out"
}

exact_case 127.0.0.1 "$V2"
exact_case 127.0.0.1 "$V6"
# the enterprise elements named by the collector's information model this time
exact_case ::1 "$V2" --elements "$ELEMENTS"
exact_case ::1 "$V6"
TABLE=--interface-table
exact_case 127.0.0.1 "$V2"
TABLE=

# --- 2. the collector comes up after vpc2ipfix started ----------------------------
# A free port: the one a collector had (stopped again at once).
start_collector late0 127.0.0.1 0 && stop_collector late0
port=$COLL_PORT
vpc_start vlate -q --tcp "127.0.0.1:$port" --connect-timeout 60 --stats-json "$WORK/late.json" "$V2"
if alive "$VPC_PID"; then
    ok "late collector: vpc2ipfix runs while nothing listens"
else
    not_ok "late collector: vpc2ipfix runs while nothing listens"
    diag_file "$WORK/vlate.err"
fi
start_collector late 127.0.0.1 "$port"
vpc_wait vlate 60
vpc_expect_rc 0 "late collector: vpc2ipfix delivers once it is up"
wait_for 20 collector_idle late || diag "collector late: a connection is still open"
stop_collector late
collectorcheck "late collector: every record exactly once" --dump "$WORK/late.jsonl" --exact "$V2"
collector_clean "late collector" late
expect_stat "late collector" "$WORK/late.json" connects -eq 1
expect_stat "late collector" "$WORK/late.json" records -eq "$(collector_stat late records)"

# --- 3. the collector is killed mid-stream and restarted ---------------------------
# vpc2ipfix reads standard input from a FIFO this script writes: the first half
# of the records, then (once the collector has most of them) kill -9 the
# collector, start it again on the same port, write the second half, close.
echo "# \$ gen-records.py 300000 > big.log"
"$PYTHON3" "$GEN" 300000 >"$WORK/big.log"
total=$(wc -l <"$WORK/big.log")
half=$((total / 2))
head -n "$half" "$WORK/big.log" >"$WORK/big1.log"
tail -n "+$((half + 1))" "$WORK/big.log" >"$WORK/big2.log"
flows1=$("$PYTHON3" "$FLOWCHECK" --count "$WORK/big1.log")
mkfifo "$WORK/in.fifo"
exec 7<>"$WORK/in.fifo" # read-write: opening it does not wait for a reader

start_collector killA 127.0.0.1 0
port=$COLL_PORT
VPC_STDIN=$WORK/in.fifo vpc_start vkill -q --tcp "127.0.0.1:$port" --connect-timeout 60 \
    --stats-json "$WORK/kill.json" -
cat "$WORK/big1.log" >&7 &
wpid=$!
bg_add "$wpid"
# most of the first half received: what is still in flight is far below the
# resend window, so nothing may be lost
want=$((flows1 * 9 / 10))
if wait_for 60 lines_at_least "$WORK/killA.jsonl" "$want"; then
    ok "killed collector: $want of the $flows1 flows of the first half received before the kill"
else
    not_ok "killed collector: $want of the $flows1 flows of the first half received before the kill"
    diag_file "$WORK/killA.err"
    diag_file "$WORK/vkill.err"
fi
echo "# \$ kill -KILL $COLL_PID (collector killA, $(wc -l <"$WORK/killA.jsonl") records written)"
kill -KILL "$COLL_PID"
wait "$COLL_PID" 2>/dev/null
bg_del "$COLL_PID"
start_collector killB 127.0.0.1 "$port"
wait_for 60 not_alive "$wpid" || kill -KILL "$wpid"
wait "$wpid" 2>/dev/null
bg_del "$wpid"
cat "$WORK/big2.log" >&7 &
wpid=$!
bg_add "$wpid"
wait_for 120 not_alive "$wpid" || kill -KILL "$wpid"
wait "$wpid" 2>/dev/null
bg_del "$wpid"
exec 7>&- # end of input
vpc_wait vkill 120
vpc_expect_rc 0 "killed collector: vpc2ipfix reconnects and finishes"
wait_for 30 collector_idle killB || diag "collector killB: a connection is still open"
stop_collector killB
collectorcheck "killed collector: every record received at least once" \
    --dump "$WORK/killA.jsonl" "$WORK/killB.jsonl" --at-least-once "$WORK/big.log"
expect_stat "killed collector" "$WORK/kill.json" reconnects -ge 1
expect_stat "killed collector" "$WORK/kill.json" resent_records -gt 0
collector_clean "killed collector, restarted" killB

# --- 4. input that pauses (standard input): what was read goes out, once -------------
# The first 1000 records, then (once they are at the collector, or after 30 s,
# and 2 s of idle input) the next 1000; with --follow (records go out within
# 1 s) and without.
flows_at_least() { [ "$(grep -c '"scope":0,' "$1" 2>/dev/null)" -ge "$2" ]; }
head -n 1001 "$WORK/big.log" >"$WORK/p1.log"
tail -n +1002 "$WORK/big.log" | head -n 1000 >"$WORK/p2.log"
cat "$WORK/p1.log" "$WORK/p2.log" >"$WORK/p12.log"
fp1=$("$PYTHON3" "$FLOWCHECK" --count "$WORK/p1.log")
fp12=$("$PYTHON3" "$FLOWCHECK" --count --stdin-file "$WORK/p12.log" -)

# pause_case NAME [--follow]
pause_case() {
    _n=$1
    shift
    _d="paused input${1:+ ($1)}"
    rm -f "$WORK/in.fifo"
    mkfifo "$WORK/in.fifo"
    exec 7<>"$WORK/in.fifo"
    start_collector "$_n" 127.0.0.1 0 || return 0
    VPC_STDIN=$WORK/in.fifo vpc_start "v$_n" -q "$@" --tcp "127.0.0.1:$COLL_PORT" \
        --stats-json "$WORK/$_n.json" -
    cat "$WORK/p1.log" >&7 &
    wpid=$!
    bg_add "$wpid"
    if wait_for 30 flows_at_least "$WORK/$_n.jsonl" "$fp1"; then
        ok "$_d: the $fp1 flows read so far are sent while the input waits"
    elif [ $# -gt 0 ]; then
        not_ok "$_d: the $fp1 flows read so far are sent while the input waits"
        diag_file "$WORK/v$_n.err"
    else
        skip "$_d: the flows read so far are not sent while the input waits (not required)"
    fi
    wait_for 30 not_alive "$wpid" || kill -KILL "$wpid"
    wait "$wpid" 2>/dev/null
    bg_del "$wpid"
    # the input stays idle a while longer: the pause is the case tested (an
    # exporter that sent the last message again while idle), not a wait
    sleep 2
    cat "$WORK/p2.log" >&7
    exec 7>&- # end of input
    wait_for 30 flows_at_least "$WORK/$_n.jsonl" "$fp12" ||
        diag "$_d: not every flow arrived in 30 s"
    # standard input ends it when it closes (SIGTERM if it does not, --follow)
    [ $# -gt 0 ] && alive "$VPC_PID" && kill -TERM "$VPC_PID"
    vpc_wait "v$_n" 30
    vpc_expect_rc 0 "$_d: vpc2ipfix ends"
    wait_for 20 collector_idle "$_n" || diag "collector $_n: a connection is still open"
    stop_collector "$_n"
    collectorcheck "$_d: every record exactly once" --dump "$WORK/$_n.jsonl" --exact \
        --stdin-file "$WORK/p12.log" -
    collector_clean "$_d" "$_n"
}
pause_case pause
pause_case pausef --follow

# --- 5. nothing listening -----------------------------------------------------------
start_collector none0 127.0.0.1 0 && stop_collector none0
port=$COLL_PORT
t0=$(date +%s)
vpc_start vnone --tcp "127.0.0.1:$port" --connect-timeout 1 "$V2"
vpc_wait vnone 30
t1=$(date +%s)
vpc_expect_rc 1 "no collector, --connect-timeout 1: fails"
if [ $((t1 - t0)) -le 10 ]; then
    ok "no collector: gives up in $((t1 - t0)) s"
else
    not_ok "no collector: gives up in $((t1 - t0)) s (expected about 1)"
fi
expect_grep "127\.0\.0\.1:$port" "$VERR" "no collector: the message names the destination"
expect_grep "[Cc]onnect|refused|collector" "$VERR" "no collector: the message says why"
nothing_out "no collector" "$WORK/vnone.out"

tap_done
