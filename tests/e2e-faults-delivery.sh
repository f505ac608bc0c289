#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# End-to-end faults, delivery (issue 14, items 1-5): --state records an input only once it was
# read to its end and its records are delivered; watched directories take complete files only.
#
# Truncated and unreadable inputs with --state, then repaired; files written slowly into a
# watched directory; kill -9 and restart in follow mode with -o (plain and --rotate) and with
# --tcp; a collector gone for longer than --connect-timeout; a file replaced under its name.
# After each, the flows are counted across every committed output file and the collectors:
# each input flow (recognised by its packet count) must arrive at least once, and
# duplicates only within the documented window (the inputs not yet recorded at the crash).
#
# Every process started here is stopped by its PID; waits are bounded polls.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${srcdir:-$(dirname "$0")}/lib.sh"

: "${IPFIX_COLLECTOR:=$top_builddir/tests/ipfix-collector}"
if [ ! -x "$IPFIX_COLLECTOR" ]; then
    echo "1..0 # SKIP $IPFIX_COLLECTOR not built (make check builds it)"
    exit 0
fi

# --- inputs --------------------------------------------------------------------------

HEADER='version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status'
# lines FIRST N: N records with packet counts FIRST..FIRST+N-1 (each recognisable).
lines() {
    awk -v f="$1" -v n="$2" 'BEGIN {
        for (i = f; i < f + n; i++)
            printf "2 123456789012 eni-0a1b2c3d4e5f6%05d 10.0.%d.%d 10.1.0.7 %d 443 6 %d %d %d %d ACCEPT OK\n",
                i % 2, (i / 250) % 250, i % 250 + 1, 1024 + i % 60000, i, 40 * i,
                1795132800 + i, 1795132860 + i
    }'
}
# flow_log FILE FIRST N: a flow log file with a header.
flow_log() {
    { echo "$HEADER"; lines "$2" "$3"; } >"$1"
}

# --- vpc2ipfix in the background (SIGINT at its default: see e2e-follow.sh) ----------

vpc_start() {
    _name=$1
    shift
    echo "# \$ $(cmdline "$VPC2IPFIX" "$@") &"
    "$PYTHON3" -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execv(sys.argv[1], sys.argv[1:])' "$VPC2IPFIX" "$@" 2>>"$WORK/$_name.err" &
    VPC_PID=$!
    bg_add "$VPC_PID"
    wait_for 10 handles_sigterm "$VPC_PID" || diag "vpc2ipfix does not handle SIGTERM yet"
}

# handles_sigterm PID: the process (vpc2ipfix, no longer the Python that
# started it) has installed its SIGTERM handler.
handles_sigterm() {
    _mask=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null)
    [ -n "$_mask" ] && [ $((0x$_mask & 0x4000)) -ne 0 ]
}

# run DESCRIPTION EXPECTED-STATUS NAME ARGS...: vpc2ipfix ARGS in the foreground.
run() {
    _desc=$1 _want=$2 _name=$3
    shift 3
    echo "# \$ $(cmdline "$VPC2IPFIX" "$@")"
    _rc=0
    "$VPC2IPFIX" "$@" >"$WORK/$_name.out" 2>"$WORK/$_name.err" || _rc=$?
    if [ "$_rc" -eq "$_want" ]; then
        ok "$_desc (exit $_rc)"
    else
        not_ok "$_desc (exit $_rc, expected $_want)"
        diag_file "$WORK/$_name.err"
    fi
}

# --- collectors --------------------------------------------------------------------

# coll_start NAME [OPTIONS...]: the TCP test collector on 127.0.0.1, a port of
# the kernel's choice; records to $WORK/NAME.jsonl.  Sets COLL_PID, COLL_PORT.
coll_start() {
    _cn=$1
    shift
    : >"$WORK/$_cn.jsonl"
    rm -f "$WORK/$_cn.port"
    COLL_OPTIONS="$*"
    set -- "$_cn"
    "$IPFIX_COLLECTOR" --tcp --port 0 --bind 127.0.0.1 --ready "$WORK/$1.port" \
        --out "$WORK/$1.jsonl" $COLL_OPTIONS 2>>"$WORK/$1.cerr" &
    COLL_PID=$!
    bg_add "$COLL_PID"
    if ! wait_for 10 test -s "$WORK/$1.port"; then
        echo "Bail out! the test collector did not start"
        diag_file "$WORK/$1.cerr"
        exit 1
    fi
    COLL_PORT=$(cat "$WORK/$1.port")
}

# opened_connections NAME: connections the collector accepted; opened_more NAME N: more than N.
opened_connections() {
    grep -c ': connection [0-9]*: tcp from' "$WORK/$1.cerr" 2>/dev/null || true
}
opened_more() {
    [ "$(opened_connections "$1")" -gt "$2" ]
}

# closed_connections NAME: connections the collector saw end.
closed_connections() {
    grep -c ': connection [0-9]* (tcp ' "$WORK/$1.cerr" 2>/dev/null || true
}
connections_closed_at_least() {
    [ "$(closed_connections "$1")" -ge "$2" ]
}

# replay NAME FILE...: send each IPFIX file (a stream of messages, as over TCP)
# to a fresh collector on a connection of its own; the records land in
# $WORK/NAME.jsonl.  An IPFIX file decodes on its own only if it has its templates.
replay() {
    _rn=$1
    shift
    coll_start "$_rn"
    _before=$(closed_connections "$_rn")
    "$PYTHON3" -c 'import socket, sys
for path in sys.argv[2:]:
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
    with open(path, "rb") as f:
        s.sendall(f.read())
    s.close()' "$COLL_PORT" "$@"
    wait_for 10 connections_closed_at_least "$_rn" $((_before + $#)) || diag "replay: not every connection closed"
    stop_pid "$COLL_PID" TERM 10
}

# packets JSONL...: the packet counts of the flow records (scope 0), one a line.
packets() {
    cat "$@" 2>/dev/null | grep '"scope":0,' | grep -o '"packetDeltaCount":[0-9]*' | cut -d: -f2
}

# expect_flows DESCRIPTION FIRST LAST MAX-DUPLICATES JSONL...: every flow FIRST..LAST
# arrived at least once, with at most MAX-DUPLICATES extra copies (flows outside
# the range are other tests' business).
expect_flows() {
    _d=$1 _f=$2 _l=$3 _maxdup=$4
    shift 4
    _res=$(packets "$@" | awk -v f="$_f" -v l="$_l" '
        { n[$1]++; total++ }
        END {
            missing = 0; other = 0; dup = 0
            for (i = f; i <= l; i++) { if (!(i in n)) missing++; else dup += n[i] - 1 }
            printf "%d %d %d %d\n", missing, dup, other, total
        }')
    # shellcheck disable=SC2086 # four numbers
    set -- $_res
    if [ "$1" -eq 0 ] && [ "$2" -le "$_maxdup" ]; then
        ok "$_d: flows $_f..$_l all arrived ($2 duplicates, at most $_maxdup allowed)"
    else
        not_ok "$_d: flows $_f..$_l: $1 missing, $2 duplicates (at most $_maxdup allowed), $4 flows in all"
    fi
}

# state_has STATE FILE-NAME: the state file records a file of that name.
state_has() {
    grep -q "/$2\$" "$1" 2>/dev/null
}

# expect_state DESCRIPTION STATE NAME yes|no
expect_state() {
    if state_has "$2" "$3"; then _has=yes; else _has=no; fi
    if [ "$_has" = "$4" ]; then
        ok "$1: --state $([ "$4" = yes ] && echo records || echo does not record) $3"
    else
        not_ok "$1: --state should $([ "$4" = yes ] || echo not) record $3"
        diag_file "$2"
    fi
}

# ===================================================================================
# Item 1: an input not read to its end is not recorded; repaired, it is converted.

D=$WORK/truncated
mkdir -p "$D"
flow_log "$D/good.log" 1 20
gzip -c "$D/good.log" >"$D/good.log.gz" && rm "$D/good.log"
flow_log "$D/bad.log" 101 3000
gzip -c "$D/bad.log" >"$WORK/bad-complete.gz" && rm "$D/bad.log"
head -c $(($(wc -c <"$WORK/bad-complete.gz") / 2)) "$WORK/bad-complete.gz" >"$D/bad.log.gz"
run "truncated gzip with --state: the run fails" 1 trunc1 --state "$D/state" -o "$D/run1.ipfix" "$D"
expect_state "truncated gzip" "$D/state" good.log.gz yes
expect_state "truncated gzip" "$D/state" bad.log.gz no
if grep -q 'bad.log.gz' "$WORK/trunc1.err"; then ok "truncated gzip: reported by name"; else not_ok "truncated gzip: reported by name"; diag_file "$WORK/trunc1.err"; fi
run "truncated gzip, next run: still failing, reported again" 1 trunc2 --state "$D/state" -o "$D/run2.ipfix" "$D"
if grep -q 'bad.log.gz' "$WORK/trunc2.err"; then ok "truncated gzip: reported again in the next run"; else not_ok "truncated gzip: reported again in the next run"; fi
cp "$WORK/bad-complete.gz" "$D/bad.log.gz"
run "repaired gzip: converted" 0 trunc3 --state "$D/state" -o "$D/run3.ipfix" "$D"
replay trunc3-replay "$D/run3.ipfix"
expect_flows "repaired gzip, third run" 101 3100 0 "$WORK/trunc3-replay.jsonl"
expect_state "repaired gzip" "$D/state" bad.log.gz yes
if grep -q '^$' "$D/state"; then not_ok "no blank line in the state file"; diag_file "$D/state"; else ok "no blank line in the state file"; fi

# An unreadable file (permission denied), then readable.  Root reads anything:
# then vpc2ipfix runs as nobody (setpriv), if it can.
D=$WORK/unreadable
mkdir -p "$D"
flow_log "$D/a.log" 201 10
flow_log "$D/b.log" 301 10
chmod 000 "$D/b.log"
AS_USER=
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
    chmod 755 "$WORK"
    chmod 777 "$D"
    chmod 644 "$D/a.log"
    AS_USER="setpriv --reuid=65534 --regid=65534 --clear-groups"
fi
# run_as DESCRIPTION EXPECTED-STATUS NAME ARGS...: run, as nobody when root.
run_as() {
    _desc=$1 _want=$2 _name=$3
    shift 3
    echo "# \$ $AS_USER $(cmdline "$VPC2IPFIX" "$@")"
    _rc=0
    $AS_USER "$VPC2IPFIX" "$@" >"$WORK/$_name.out" 2>"$WORK/$_name.err" || _rc=$?
    if [ "$_rc" -eq "$_want" ]; then
        ok "$_desc (exit $_rc)"
    else
        not_ok "$_desc (exit $_rc, expected $_want)"
        diag_file "$WORK/$_name.err"
    fi
}
if $AS_USER cat "$D/b.log" >/dev/null 2>&1; then
    skip "unreadable file: every file is readable here (root without setpriv)"
else
    run_as "unreadable file with --state: the run fails" 1 perm1 --state "$D/state" -o "$D/run1.ipfix" "$D"
    expect_state "unreadable file" "$D/state" a.log yes
    expect_state "unreadable file" "$D/state" b.log no
    if grep -q 'b.log' "$WORK/perm1.err"; then ok "unreadable file: reported by name"; else not_ok "unreadable file: reported by name"; diag_file "$WORK/perm1.err"; fi
    chmod 644 "$D/b.log"
    run_as "readable again: converted" 0 perm2 --state "$D/state" -o "$D/run2.ipfix" "$D"
    replay perm2-replay "$D/run2.ipfix"
    expect_flows "readable again" 301 310 0 "$WORK/perm2-replay.jsonl"
    expect_state "readable again" "$D/state" b.log yes
fi

# ===================================================================================
# Item 5: a file replaced under its name by a new complete copy is converted again.

D=$WORK/replaced
mkdir -p "$D/in"
flow_log "$D/in/a.log" 401 10
run "replaced file: first copy" 0 repl1 --state "$D/state" -o "$D/run1.ipfix" "$D/in"
flow_log "$D/new.log" 501 15
touch -d '2020-01-01 00:00:00' "$D/new.log" # another time, whatever the clock does
mv "$D/new.log" "$D/in/a.log"
run "replaced file: the new copy" 0 repl2 --state "$D/state" -o "$D/run2.ipfix" "$D/in"
replay repl2-replay "$D/run2.ipfix"
expect_flows "replaced file: the second run converts the new copy" 501 515 0 "$WORK/repl2-replay.jsonl"
run "replaced file: unchanged, skipped" 0 repl3 --state "$D/state" -o "$D/run3.ipfix" "$D/in"
replay repl3-replay "$D/run3.ipfix"
if [ -z "$(packets "$WORK/repl3-replay.jsonl")" ]; then ok "replaced file: a third run converts nothing"; else not_ok "replaced file: a third run converts nothing"; fi
if [ "$(grep -c . "$D/state")" -eq 2 ] && ! grep -q '^$' "$D/state"; then
    ok "replaced file: two state lines, no blank line"
else
    not_ok "replaced file: two state lines, no blank line"
    diag_file "$D/state"
fi

# ===================================================================================
# Item 2: a watched directory takes complete files only.

D=$WORK/slow
mkdir -p "$D/in"
coll_start slow
vpc_start slow -F --state "$D/state" --tcp "127.0.0.1:$COLL_PORT" "$D/in"
SLOW_COLL=$COLL_PID
# A text file written in three parts with pauses longer than a scan (1.2 s).
lines 1001 100 >"$WORK/slow-1" && lines 1101 100 >"$WORK/slow-2" && lines 1201 100 >"$WORK/slow-3"
{ echo "$HEADER"; cat "$WORK/slow-1"; } >"$D/in/text.log"
sleep 1.2
cat "$WORK/slow-2" >>"$D/in/text.log"
sleep 1.2
cat "$WORK/slow-3" >>"$D/in/text.log"
# A gzip file written in three parts with pauses longer than the settle time (2.5 s).
flow_log "$WORK/gz.log" 2001 3000
gzip -c "$WORK/gz.log" >"$WORK/gz.gz"
GZ_SIZE=$(wc -c <"$WORK/gz.gz")
head -c $((GZ_SIZE / 3)) "$WORK/gz.gz" >"$D/in/slow.log.gz"
sleep 2.5
tail -c +$((GZ_SIZE / 3 + 1)) "$WORK/gz.gz" | head -c $((GZ_SIZE / 3)) >>"$D/in/slow.log.gz"
sleep 2.5
tail -c +$((2 * (GZ_SIZE / 3) + 1)) "$WORK/gz.gz" >>"$D/in/slow.log.gz"
# Copy tools' temporary names, renamed when complete.
flow_log "$D/in/.copy.log.partial" 6001 5
flow_log "$D/in/copy2.log.tmp" 6101 5
flow_log "$D/in/copy3.log~" 6201 5
flow_log "$D/in/copy4.part" 6301 5
mv "$D/in/.copy.log.partial" "$D/in/copy.log"
all_slow_in() { state_has "$D/state" text.log && state_has "$D/state" slow.log.gz && state_has "$D/state" copy.log; }
wait_for 20 all_slow_in || diag "not every file recorded in time"
# A corrupt gzip (bad CRC) in the watched directory: reported, not recorded;
# replaced by a good copy, it is converted and recorded.
flow_log "$WORK/corrupt.log" 7501 10
gzip -c "$WORK/corrupt.log" >"$WORK/corrupt-good.gz"
"$PYTHON3" -c 'import sys
d = bytearray(open(sys.argv[1], "rb").read()); d[-8] ^= 0xff
open(sys.argv[2], "wb").write(d)' "$WORK/corrupt-good.gz" "$WORK/corrupt-bad.gz"
cp "$WORK/corrupt-bad.gz" "$D/in/.corrupt.tmp" && mv "$D/in/.corrupt.tmp" "$D/in/corrupt.log.gz"
wait_for 10 grep -q 'corrupt.log.gz.*checksum' "$WORK/slow.err" || diag "the corrupt file was not reported"
if grep -q 'corrupt.log.gz.*checksum' "$WORK/slow.err"; then ok "watched directory: a corrupt gzip is reported"; else not_ok "watched directory: a corrupt gzip is reported"; diag_file "$WORK/slow.err"; fi
expect_state "watched directory, corrupt gzip" "$D/state" corrupt.log.gz no
cp "$WORK/corrupt-good.gz" "$D/in/.corrupt.tmp" && mv "$D/in/.corrupt.tmp" "$D/in/corrupt.log.gz"
wait_for 10 state_has "$D/state" corrupt.log.gz || diag "the repaired file was not recorded"
expect_state "watched directory, repaired gzip" "$D/state" corrupt.log.gz yes
stop_pid "$VPC_PID" TERM 30
# exit status 1: an input (the corrupt copy) could not be read to its end during the run
if [ "$STOP_RC" -eq 1 ] && [ "$STOP_LATE" -eq 0 ]; then
    ok "watched directory: SIGTERM ends vpc2ipfix (exit 1: an input failed during the run)"
else
    not_ok "watched directory: SIGTERM ends vpc2ipfix (exit $STOP_RC, expected 1; killed: $STOP_LATE)"
    diag_file "$WORK/slow.err"
fi
COLL_PID=$SLOW_COLL
stop_pid "$COLL_PID" TERM 10
expect_flows "text file written slowly: converted once, whole" 1001 1300 0 "$WORK/slow.jsonl"
expect_flows "gzip file written slowly: converted once, whole" 2001 5000 0 "$WORK/slow.jsonl"
expect_flows "a copy's temporary name, renamed: converted once" 6001 6005 0 "$WORK/slow.jsonl"
if [ -z "$(packets "$WORK/slow.jsonl" | awk '$1 >= 6100 && $1 < 6400')" ]; then
    ok "temporary names (.tmp, ~, .part) are not taken"
else
    not_ok "temporary names (.tmp, ~, .part) are not taken"
fi
# The corrupt copy's records before the failure went out, and the repaired copy's all.
expect_flows "corrupt gzip, then repaired: converted again (the corrupt copy's records counted as duplicates)" 7501 7510 10 "$WORK/slow.jsonl"
if grep -q 'truncated gzip' "$WORK/slow.err"; then
    not_ok "the gzip file being written is not reported as truncated"
    diag_file "$WORK/slow.err"
else
    ok "the gzip file being written is not reported as truncated"
fi

# ===================================================================================
# Item 3: -F --state -o: an input is recorded only once its records are in a
# committed file.  kill -9, restart, and count across every committed file.

# One -o FILE without a time pattern: recorded only after the final commit.
D=$WORK/plain
mkdir -p "$D/in" "$D/out"
flow_log "$D/in/a.log" 7001 50
vpc_start plain -F --state "$D/state" -o "$D/out/flows.ipfix" "$D/in"
partial_written() { for _f in "$D"/out/.*.partial; do [ -s "$_f" ] && return 0; done; return 1; }
wait_for 10 partial_written || diag "no .partial output seen"
# Let a few scans pass: the old code recorded a.log right away.
wait_for 3 state_has "$D/state" a.log || true
expect_state "-o FILE, before the commit" "$D/state" a.log no
stop_pid "$VPC_PID" KILL 5
flow_log "$D/in/b.log" 7101 50
vpc_start plain2 -F --state "$D/state" -o "$D/out/flows.ipfix" "$D/in"
wait_for 10 partial_written || diag "no .partial output seen after the restart"
b_read() { grep -q 'b.log' "$WORK/plain2.err" 2>/dev/null || [ -n "$(find "$D/out" -name '.*.partial' -size +1k)" ]; }
wait_for 5 b_read || true
stop_pid "$VPC_PID" TERM 30
check "-o FILE after kill -9: the restarted run ends on SIGTERM (exit 0)" "$STOP_RC"
expect_state "-o FILE, after the final commit" "$D/state" a.log yes
expect_state "-o FILE, after the final commit" "$D/state" b.log yes
replay plain-replay "$D/out/flows.ipfix"
expect_flows "-o FILE, kill -9 and restart: a.log" 7001 7050 0 "$WORK/plain-replay.jsonl"
expect_flows "-o FILE, kill -9 and restart: b.log" 7101 7150 0 "$WORK/plain-replay.jsonl"

# Rotation: files committed every 2 s; a.log's bin is committed before the kill,
# b.log's is not.
D=$WORK/rotate
mkdir -p "$D/in" "$D/out"
PATTERN="$D/out/flows-%Y%m%d%H%M%S.ipfix"
run "--rotate without a time pattern in -o: usage error" 2 rot-usage1 --rotate 2 -o "$D/out/x.ipfix" "$D/in"
run "a time pattern in -o without --rotate: usage error" 2 rot-usage2 -o "$PATTERN" "$D/in"
flow_log "$D/in/a.log" 8001 40
vpc_start rot1 -F --state "$D/state" -o "$PATTERN" --rotate 2 "$D/in"
wait_for 10 state_has "$D/state" a.log || diag "a.log not recorded within 10 s"
expect_state "--rotate: once a.log's bin is committed" "$D/state" a.log yes
if ls "$D"/out/flows-*.ipfix >/dev/null 2>&1; then ok "--rotate: a committed file exists"; else not_ok "--rotate: a committed file exists"; fi
flow_log "$D/in/b.log" 8101 40
partial_rot() { for _f in "$D"/out/.*.partial; do [ -s "$_f" ] && return 0; done; return 1; }
wait_for 5 partial_rot || true
stop_pid "$VPC_PID" KILL 5
vpc_start rot2 -F --state "$D/state" -o "$PATTERN" --rotate 2 "$D/in"
wait_for 10 state_has "$D/state" b.log || diag "b.log not recorded within 10 s after the restart"
stop_pid "$VPC_PID" TERM 30
check "--rotate after kill -9: the restarted run ends on SIGTERM (exit 0)" "$STOP_RC"
if ls "$D"/out/.*.partial >/dev/null 2>&1; then
    # the killed run's unfinished bin stays as it was: not a committed file
    ok "--rotate: only the killed run's unfinished bin is left under a temporary name"
else
    ok "--rotate: no unfinished bin left"
fi
# shellcheck disable=SC2046 # file names without spaces
replay rot-replay $(ls "$D"/out/flows-*.ipfix)
expect_flows "--rotate, kill -9 and restart: a.log" 8001 8040 0 "$WORK/rot-replay.jsonl"
expect_flows "--rotate, kill -9 and restart: b.log (at most once more: its bin may have been committed before the kill)" 8101 8140 40 "$WORK/rot-replay.jsonl"

# ===================================================================================
# Item 4: -F --state --tcp: an input is recorded only once the collector's TCP
# acknowledged every byte of it.

# have_flows JSONL FIRST LAST: every flow FIRST..LAST is in JSONL.
have_flows() {
    packets "$1" | awk -v f="$2" -v l="$3" '$1 >= f && $1 <= l { seen[$1] = 1 }
        END { n = 0; for (k in seen) n++; exit !(n == l - f + 1) }'
}

# kill -9 of vpc2ipfix while b.log's records are on their way; the restart sends
# what is not recorded again.
D=$WORK/tcpkill
mkdir -p "$D/in"
coll_start tcpkill
TK_COLL=$COLL_PID
flow_log "$D/in/a.log" 9001 100
vpc_start tk1 -F --state "$D/state" --tcp "127.0.0.1:$COLL_PORT" "$D/in"
wait_for 10 state_has "$D/state" a.log || diag "a.log not recorded within 10 s"
expect_state "--tcp: a.log acknowledged" "$D/state" a.log yes
flow_log "$D/in/b.log" 9201 100
wait_for 10 have_flows "$WORK/tcpkill.jsonl" 9201 9201 || diag "b.log's first flow did not arrive"
stop_pid "$VPC_PID" KILL 5
OPENED=$(opened_connections tcpkill)
vpc_start tk2 -F --state "$D/state" --tcp "127.0.0.1:$COLL_PORT" "$D/in"
wait_for 10 opened_more tcpkill "$OPENED" || diag "the restarted run did not connect"
wait_for 10 state_has "$D/state" b.log || diag "b.log not recorded within 10 s after the restart"
stop_pid "$VPC_PID" TERM 30
check "--tcp after kill -9: the restarted run ends on SIGTERM (exit 0)" "$STOP_RC"
COLL_PID=$TK_COLL
stop_pid "$COLL_PID" TERM 10
expect_flows "--tcp, kill -9 and restart: a.log" 9001 9100 0 "$WORK/tcpkill.jsonl"
expect_flows "--tcp, kill -9 and restart: b.log (at most once more)" 9201 9300 100 "$WORK/tcpkill.jsonl"

# The collector stops reading (SIGSTOP, a small receive buffer) and then dies
# while b.log is sent: its bytes wait in our socket, never acknowledged, and the
# output gives up after --connect-timeout.  b.log is not recorded, and the next
# run (to a collector that is back) sends it.
D=$WORK/tcpgone
mkdir -p "$D/in"
coll_start tcpgone1 --rcvbuf 4096
TG_COLL=$COLL_PID
flow_log "$D/in/a.log" 10001 100
vpc_start tg1 -F --connect-timeout 2 --state "$D/state" --tcp "127.0.0.1:$COLL_PORT" "$D/in"
wait_for 10 state_has "$D/state" a.log || diag "a.log not recorded within 10 s"
kill -STOP "$TG_COLL"
flow_log "$D/in/b.log" 10101 2000
# b.log is taken once settled (2 s) at a scan; the old code recorded it then.
wait_for 6 state_has "$D/state" b.log || true
expect_state "collector stopped, b.log in our socket only" "$D/state" b.log no
COLL_PID=$TG_COLL
stop_pid "$COLL_PID" KILL 5
# The output fails for good 2 s later (the run may end by itself, or on SIGTERM).
not_alive() { ! alive "$1"; }
wait_for 6 not_alive "$VPC_PID" || true
stop_pid "$VPC_PID" TERM 30
if grep -q 'may not have been delivered' "$WORK/tg1.err"; then
    ok "collector gone: the output failed with b.log's records unacknowledged"
else
    not_ok "collector gone: the output failed with b.log's records unacknowledged"
    diag_file "$WORK/tg1.err"
fi
expect_state "collector gone past --connect-timeout" "$D/state" b.log no
coll_start tcpgone2
TG_COLL=$COLL_PID
vpc_start tg2 -F --state "$D/state" --tcp "127.0.0.1:$COLL_PORT" "$D/in"
wait_for 10 state_has "$D/state" b.log || diag "b.log not recorded within 10 s after the restart"
stop_pid "$VPC_PID" TERM 30
COLL_PID=$TG_COLL
stop_pid "$COLL_PID" TERM 10
expect_state "collector back, next run" "$D/state" b.log yes
expect_flows "collector gone, then back: b.log sent by the next run" 10101 12100 0 "$WORK/tcpgone2.jsonl"
if [ -z "$(packets "$WORK/tcpgone2.jsonl" | awk '$1 >= 10001 && $1 <= 10100')" ]; then
    ok "collector back: a.log (acknowledged before) is not sent again"
else
    not_ok "collector back: a.log (acknowledged before) is not sent again"
fi

# A collector stopped (SIGSTOP) for longer than --connect-timeout, then resumed:
# what its kernel acknowledged meanwhile is delivered when it reads again.
D=$WORK/tcpstop
mkdir -p "$D/in"
coll_start tcpstop
TS_COLL=$COLL_PID
vpc_start ts -F --connect-timeout 1 --state "$D/state" --tcp "127.0.0.1:$COLL_PORT" "$D/in"
flow_log "$D/in/a.log" 11001 100
wait_for 10 have_flows "$WORK/tcpstop.jsonl" 11001 11100 || diag "a.log did not arrive"
kill -STOP "$TS_COLL"
flow_log "$D/in/b.log" 11101 100
wait_for 10 state_has "$D/state" b.log || diag "b.log not recorded while the collector is stopped"
kill -CONT "$TS_COLL"
wait_for 10 have_flows "$WORK/tcpstop.jsonl" 11101 11200 || diag "b.log did not arrive after SIGCONT"
stop_pid "$VPC_PID" TERM 30
check "collector stopped and resumed: SIGTERM ends vpc2ipfix (exit 0)" "$STOP_RC"
COLL_PID=$TS_COLL
stop_pid "$COLL_PID" TERM 10
expect_flows "collector stopped and resumed: a.log and b.log exactly once" 11001 11200 0 "$WORK/tcpstop.jsonl"

tap_done
