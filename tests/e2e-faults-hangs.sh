#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# End-to-end, faults: nothing hangs: signals anywhere, stuck or gone collectors, unreadable
# directories, refused datagrams, FIFOs as inputs (issue 14, items 6-10, 13, 14).

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${srcdir:-$(dirname "$0")}/lib.sh"

: "${IPFIX_COLLECTOR:=$top_builddir/tests/ipfix-collector}"
GEN=$top_srcdir/bench/gen-records.py
V2=$SAMPLES/default-v2.log
V2_LINES=$(wc -l <"$V2")
chmod 755 "$WORK" # the runs as nobody (setpriv) read their inputs here

not_alive() { ! alive "$1"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# --- vpc2ipfix in the background ---------------------------------------------------
# vpc_start NAME ARGS...: stdout/stderr in $WORK/NAME.out/.err, PID in VPC_PID,
# start time in VPC_T0 (ms).
vpc_start() {
    _vname=$1
    shift
    echo "# \$ $(cmdline "$VPC2IPFIX" "$@") &"
    "$VPC2IPFIX" "$@" </dev/null >"$WORK/$_vname.out" 2>"$WORK/$_vname.err" &
    VPC_PID=$!
    VPC_T0=$(now_ms)
    bg_add "$VPC_PID"
}

# vpc_signal SIG: send SIG, and note when (SIG_T0, ms).
vpc_signal() {
    echo "# \$ kill -$1 $VPC_PID"
    SIG_T0=$(now_ms)
    kill "-$1" "$VPC_PID" 2>/dev/null
}

# vpc_wait NAME SECONDS: its end (killed after SECONDS); exit status in RC,
# stderr in $VERR, how long it took after the last signal in TOOK_MS (or after
# its start).
vpc_wait() {
    if ! wait_for "$2" not_alive "$VPC_PID"; then
        diag "vpc2ipfix still alive after $2 s: killed"
        kill -KILL "$VPC_PID" 2>/dev/null
    fi
    TOOK_MS=$(($(now_ms) - ${SIG_T0:-$VPC_T0}))
    SIG_T0=
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

# within MS DESC: the last vpc_wait took at most MS milliseconds.
within() {
    if [ "$TOOK_MS" -le "$1" ]; then
        ok "$2 (in $TOOK_MS ms, at most $1)"
    else
        not_ok "$2 (in $TOOK_MS ms, expected at most $1)"
        diag_file "$VERR"
    fi
}

# final_stats DESC: the run ended with its statistics table.
final_stats() {
    expect_grep 'files skipped\)' "$VERR" "$1: the final statistics are printed"
}

# json_get FILE EXPR: a value of a --stats-json file (python expression on j).
json_get() {
    "$PYTHON3" -c 'import json, sys
j = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))' "$1" "$2" 2>/dev/null
}

# --- helpers in python ---------------------------------------------------------------
# A TCP "collector" on 127.0.0.1, port 0: writes its port to READY; mode noread
# accepts and never reads (it writes the bytes waiting in its socket to
# READY.inq every 100 ms); mode close accepts, reads until 0.5 s pass without
# data, then closes the connection and stops listening (a collector gone).
cat >"$WORK/collector.py" <<'EOF'
import fcntl, os, socket, struct, sys, termios, time
mode, ready = sys.argv[1], sys.argv[2]
ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
ls.bind(("127.0.0.1", 0))
ls.listen(4)
with open(ready + ".tmp", "w") as f:
    f.write(str(ls.getsockname()[1]))
os.rename(ready + ".tmp", ready)
conn, _ = ls.accept()
with open(ready + ".accepted", "w") as f:
    f.write("1")
if mode == "close":
    conn.settimeout(0.5)  # what is sent at the start, then gone
    try:
        while conn.recv(65536):
            pass
    except socket.timeout:
        pass
    conn.close()
    ls.close()
    time.sleep(3600)
while True:
    n = struct.unpack("i", fcntl.ioctl(conn, termios.FIONREAD, b"\0\0\0\0"))[0]
    with open(ready + ".inq.tmp", "w") as f:
        f.write(str(n))
    os.rename(ready + ".inq.tmp", ready + ".inq")
    time.sleep(0.1)
EOF

# py_collector NAME MODE: start it; PID in PYC_PID, port in PYC_PORT.
py_collector() {
    rm -f "$WORK/$1.ready"*
    echo "# \$ collector.py $2 $1.ready &"
    "$PYTHON3" "$WORK/collector.py" "$2" "$WORK/$1.ready" 2>"$WORK/$1.pyerr" &
    PYC_PID=$!
    bg_add "$PYC_PID"
    if wait_for 20 test -s "$WORK/$1.ready"; then
        PYC_PORT=$(cat "$WORK/$1.ready")
        return 0
    fi
    not_ok "collector $1: not ready after 20 s"
    diag_file "$WORK/$1.pyerr"
    return 1
}

# The bytes waiting in the collector's socket stopped growing (at least MIN).
INQ_LAST=
inq_stalled() {
    _v=$(cat "$WORK/$1.ready.inq" 2>/dev/null || echo 0)
    if [ "$_v" -ge "$2" ] && [ "$_v" = "$INQ_LAST" ]; then
        return 0
    fi
    INQ_LAST=$_v
    sleep 0.4
    return 1
}

# tiny_tree DIR DIRS FILES: DIRS subdirectories of FILES files of one record each.
tiny_tree() {
    "$PYTHON3" - "$1" "$2" "$3" "$V2" <<'EOF'
import os, sys
root, dirs, files, sample = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
lines = open(sample).read().splitlines()
body = lines[0] + "\n" + lines[1] + "\n"
for d in range(dirs):
    sub = os.path.join(root, "d%03d" % d)
    os.makedirs(sub, exist_ok=True)
    for i in range(files):
        with open(os.path.join(sub, "f%05d.log" % i), "w") as f:
            f.write(body)
EOF
}

# has_fd_under PID DIR [dir|file]: the process holds a descriptor on a directory
# (or a regular file) under DIR.
has_fd_under() {
    for _l in /proc/"$1"/fd/*; do
        _t=$(readlink "$_l" 2>/dev/null) || continue
        case $_t in
            "$2"/*)
                if [ "$3" = dir ] && [ -d "$_t" ]; then return 0; fi
                if [ "$3" = file ] && [ -f "$_t" ]; then return 0; fi
                ;;
        esac
    done
    return 1
}

# partial_output DIR: the temporary output file exists (the conversion started).
partial_output() {
    for _f in "$1"/.*.partial; do [ -e "$_f" ] && return 0; done
    return 1
}

# --- 6. SIGTERM with many small files: between inputs ------------------------------------
mkdir -p "$WORK/tiny" "$WORK/o6"
echo "# tiny_tree tiny 5 1000 (5000 files of one record)"
tiny_tree "$WORK/tiny" 5 1000
vpc_start v6 -o "$WORK/o6/out.ipfix" --stats-json "$WORK/o6/s.json" "$WORK/tiny"
if wait_for 60 partial_output "$WORK/o6"; then
    vpc_signal TERM
else
    diag "the conversion did not start in 60 s"
fi
vpc_wait v6 20
within 1000 "5000 tiny files, SIGTERM while converting: the run ends at once"
vpc_expect_rc 1 "5000 tiny files, SIGTERM: interrupted without --follow"
expect_grep 'interrupted' "$VERR" "5000 tiny files, SIGTERM: says it was interrupted"
final_stats "5000 tiny files, SIGTERM"
if [ "$(json_get "$WORK/o6/s.json" 'j["interrupted"]')" = True ]; then
    ok "5000 tiny files, SIGTERM: --stats-json says interrupted"
else
    not_ok "5000 tiny files, SIGTERM: --stats-json says interrupted"
fi
if [ "$(json_get "$WORK/o6/s.json" 'sum(j["total"][k] for k in ("headers", "blank", "flows", "nodata", "skipdata", "malformed")) == j["total"]["lines"]')" = True ]; then
    ok "5000 tiny files, SIGTERM: the counts add up"
else
    not_ok "5000 tiny files, SIGTERM: the counts add up"
    diag_file "$WORK/o6/s.json" 20
fi
if [ ! -e "$WORK/o6/out.ipfix" ]; then
    ok "5000 tiny files, SIGTERM: no output file"
else
    not_ok "5000 tiny files, SIGTERM: no output file"
fi

# --- 6. SIGTERM during the directory walk, and during the header prechecks -------------
mkdir -p "$WORK/big" "$WORK/o6w"
echo "# tiny_tree big 40 1000 (40000 files)"
tiny_tree "$WORK/big" 40 1000
vpc_start v6w -o "$WORK/o6w/out.ipfix" "$WORK/big"
if wait_for 30 has_fd_under "$VPC_PID" "$WORK/big" dir; then
    vpc_signal TERM
else
    diag "no directory of the tree seen open"
    vpc_signal TERM
fi
vpc_wait v6w 20
within 1000 "SIGTERM during a directory walk: the run ends at once"
vpc_expect_rc 1 "SIGTERM during a directory walk"
final_stats "SIGTERM during a directory walk"

# The prechecks of 40,000 tiny files take well under a second now (no thread per file), too
# short to see one open: the first file starts with 64 Mi blank lines, which its precheck
# reads (for a second or so) before the header.
"$PYTHON3" -c 'import sys; sys.stdout.write("\n" * (64 << 20)); sys.stdout.write(open(sys.argv[1]).read())' \
    "$WORK/big/d000/f00001.log" >"$WORK/big/d000/f00000.log"
vpc_start v6p -o "$WORK/o6w/out.ipfix" "$WORK/big"
if wait_for 30 has_fd_under "$VPC_PID" "$WORK/big/d000" file; then
    if partial_output "$WORK/o6w"; then diag "(the conversion had started already)"; fi
    vpc_signal TERM
else
    diag "no file of the tree seen open"
    vpc_signal TERM
fi
vpc_wait v6p 20
within 1000 "SIGTERM during the header prechecks: the run ends at once"
vpc_expect_rc 1 "SIGTERM during the header prechecks"

# --- 7 (and 6). A collector that accepts and never reads --------------------------------
echo "# \$ gen-records.py 300000 > many.log"
"$PYTHON3" "$GEN" 300000 >"$WORK/many.log"
if py_collector stuck noread; then
    vpc_start v7 --tcp "127.0.0.1:$PYC_PORT" --stats-json "$WORK/s7.json" "$WORK/many.log"
    # blocked: the collector's socket holds a lot and grows no more
    if wait_for 60 inq_stalled stuck 100000; then
        ok "stuck collector: vpc2ipfix filled the connection ($(cat "$WORK/stuck.ready.inq") bytes waiting)"
    else
        not_ok "stuck collector: vpc2ipfix filled the connection"
        diag_file "$WORK/v7.err"
    fi
    vpc_signal USR1
    if wait_for 1 grep -q 'statistics so far' "$WORK/v7.err"; then
        ok "stuck collector: SIGUSR1 prints the statistics within 1 s"
    else
        not_ok "stuck collector: SIGUSR1 prints the statistics within 1 s"
        diag_file "$WORK/v7.err"
    fi
    vpc_signal TERM
    vpc_wait v7 20
    within 5000 "stuck collector: SIGTERM ends the run within a few seconds"
    vpc_expect_rc 1 "stuck collector: SIGTERM"
    final_stats "stuck collector, SIGTERM"
    expect_grep 'not delivered|not sent' "$VERR" "stuck collector: says what was not delivered"
    if [ -s "$WORK/s7.json" ]; then
        ok "stuck collector: --stats-json written"
    else
        not_ok "stuck collector: --stats-json written"
    fi
    stop_pid "$PYC_PID" TERM 5
fi

# The same collector with a time limit and no signal: the output gives up.
if py_collector stuck2 noread; then
    vpc_start v7t --tcp "127.0.0.1:$PYC_PORT" --connect-timeout 2 "$WORK/many.log"
    vpc_wait v7t 30
    within 15000 "stuck collector, --connect-timeout 2: the output gives up"
    vpc_expect_rc 1 "stuck collector, --connect-timeout 2"
    expect_grep 'took nothing for 2 s' "$VERR" "stuck collector, --connect-timeout 2: says why"
    stop_pid "$PYC_PID" TERM 5
fi

# The same with standard output to a pipe nobody reads: no grace of a collector
# bounds it, the stop does (5 s).  Blocked: it read 1 MB or more, and no more.
RCHAR_LAST=
rchar_stalled() {
    _v=$(sed -n 's/^rchar: //p' "/proc/$1/io" 2>/dev/null)
    if [ -n "$_v" ] && [ "$_v" -ge 1000000 ] && [ "$_v" = "$RCHAR_LAST" ]; then
        return 0
    fi
    RCHAR_LAST=$_v
    sleep 0.4
    return 1
}
rm -f "$WORK/out.fifo"
mkfifo "$WORK/out.fifo"
"$PYTHON3" -c 'import sys, time
f = open(sys.argv[1], "rb")
time.sleep(120)' "$WORK/out.fifo" &
reader=$!
bg_add "$reader"
echo "# \$ $(cmdline "$VPC2IPFIX" -o - "$WORK/many.log") > out.fifo (never read) &"
"$VPC2IPFIX" -o - "$WORK/many.log" </dev/null >"$WORK/out.fifo" 2>"$WORK/v7p.err" &
VPC_PID=$!
VPC_T0=$(now_ms)
bg_add "$VPC_PID"
if wait_for 60 rchar_stalled "$VPC_PID"; then
    ok "standard output nobody reads: vpc2ipfix is blocked"
else
    not_ok "standard output nobody reads: vpc2ipfix is blocked"
fi
vpc_signal USR1
if wait_for 1 grep -q 'statistics so far' "$WORK/v7p.err"; then
    ok "standard output nobody reads: SIGUSR1 prints the statistics within 1 s"
else
    not_ok "standard output nobody reads: SIGUSR1 prints the statistics within 1 s"
    diag_file "$WORK/v7p.err"
fi
vpc_signal TERM
vpc_wait v7p 20
within 8000 "standard output nobody reads: SIGTERM ends the run within a few seconds"
vpc_expect_rc 1 "standard output nobody reads: SIGTERM"
final_stats "standard output nobody reads, SIGTERM"
expect_grep 'not delivered' "$VERR" "standard output nobody reads: says what was not delivered"
stop_pid "$reader" TERM 5

# --- 8. --follow: the collector gone past --connect-timeout -----------------------------
mkdir -p "$WORK/w8"
if py_collector gone close; then
    vpc_start v8 -F --tcp "127.0.0.1:$PYC_PORT" --connect-timeout 1 "$WORK/w8"
    wait_for 20 test -e "$WORK/gone.ready.accepted" || diag "never connected"
    vpc_wait v8 15
    within 15000 "--follow, collector gone: vpc2ipfix ends by itself"
    vpc_expect_rc 1 "--follow, collector gone"
    expect_grep "127\.0\.0\.1:$PYC_PORT.*(no collector|closed|refused)" "$VERR" \
        "--follow, collector gone: the reason names the collector"
    final_stats "--follow, collector gone"
    stop_pid "$PYC_PID" TERM 5
fi

# --- 9. -F --tcp without --state: a file already in the watched directory ----------------
flows_at_least() { [ "$(grep -c '"scope":0,' "$1" 2>/dev/null)" -ge "$2" ]; }
if [ -x "$IPFIX_COLLECTOR" ]; then
    mkdir -p "$WORK/w9"
    cp "$V2" "$WORK/w9/a.log"
    touch -d '1 minute ago' "$WORK/w9/a.log"
    v2_flows=$("$PYTHON3" "$FLOWCHECK" --count "$V2")
    rm -f "$WORK/c9.ready"
    echo "# \$ ipfix-collector --tcp --port 0 --out c9.jsonl &"
    "$IPFIX_COLLECTOR" --tcp --bind 127.0.0.1 --port 0 --ready "$WORK/c9.ready" \
        --out "$WORK/c9.jsonl" 2>"$WORK/c9.err" &
    c9=$!
    bg_add "$c9"
    if wait_for 20 test -s "$WORK/c9.ready"; then
        vpc_start v9 -F --tcp "127.0.0.1:$(cat "$WORK/c9.ready")" "$WORK/w9"
        if wait_for 3 flows_at_least "$WORK/c9.jsonl" "$v2_flows"; then
            ok "-F --tcp: the $v2_flows flows of a file present at the start arrive within 3 s"
        else
            not_ok "-F --tcp: the $v2_flows flows of a file present at the start arrive within 3 s"
            diag "$(grep -c '"scope":0,' "$WORK/c9.jsonl" 2>/dev/null) arrived"
            diag_file "$WORK/v9.err"
        fi
        vpc_signal TERM
        vpc_wait v9 20
        vpc_expect_rc 0 "-F --tcp, SIGTERM"
    else
        not_ok "collector c9: not ready"
    fi
    stop_pid "$c9" TERM 10
else
    skip "-F --tcp, a file present at the start ($IPFIX_COLLECTOR not built)"
fi

# --- 10. An unreadable subdirectory is skipped and counted (run as nobody) -------------------
mkdir -p "$WORK/t10/a" "$WORK/t10/b" "$WORK/t10/c" "$WORK/o10"
cp "$V2" "$WORK/t10/a/x.log"
cp "$V2" "$WORK/t10/b/y.log"
cp "$V2" "$WORK/t10/c/z.log"
chmod -R a+rX "$WORK/t10"
chmod 000 "$WORK/t10/b"
chmod 777 "$WORK/o10"
AS_NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups --"
if $AS_NOBODY test -r "$WORK/t10/a/x.log" && ! $AS_NOBODY ls "$WORK/t10/b" >/dev/null 2>&1; then
    run $AS_NOBODY "$VPC2IPFIX" -o "$WORK/o10/out.ipfix" --stats-json "$WORK/o10/s.json" "$WORK/t10"
    VERR=$ERR
    vpc_expect_rc 0 "unreadable subdirectory: the batch run goes on"
    expect_grep "t10/b.*(Permission denied|directory)" "$ERR" "unreadable subdirectory: reported"
    if [ "$(json_get "$WORK/o10/s.json" 'j["total"]["lines"]')" = $((2 * V2_LINES)) ] &&
        json_get "$WORK/o10/s.json" 'j["skipped_files"]' | grep -q 't10/b'; then
        ok "unreadable subdirectory: the two others converted, it is counted as skipped"
    else
        not_ok "unreadable subdirectory: the two others converted, it is counted as skipped"
        diag_file "$WORK/o10/s.json" 20
    fi
    # the same under --follow: the watcher goes on
    echo "# \$ $AS_NOBODY vpc2ipfix -F -o o10/f.ipfix t10 &"
    $AS_NOBODY "$VPC2IPFIX" -F -o "$WORK/o10/f.ipfix" --stats-json "$WORK/o10/f.json" \
        "$WORK/t10" </dev/null >/dev/null 2>"$WORK/v10.err" &
    VPC_PID=$!
    bg_add "$VPC_PID"
    if wait_for 10 grep -q 't10/b' "$WORK/v10.err" && alive "$VPC_PID"; then
        ok "unreadable subdirectory, --follow: reported, and the watcher goes on"
    else
        not_ok "unreadable subdirectory, --follow: reported, and the watcher goes on"
        diag_file "$WORK/v10.err"
    fi
    # both readable files converted before the stop (SIGUSR1: the lines read so far)
    usr1_shows() {
        kill -USR1 "$VPC_PID" 2>/dev/null
        sleep 0.2
        grep -q "$1" "$WORK/v10.err"
    }
    wait_for 10 usr1_shows "($((2 * V2_LINES)) lines read)" || diag "not every line read in 10 s"
    vpc_signal TERM
    vpc_wait v10 20
    vpc_expect_rc 0 "unreadable subdirectory, --follow, SIGTERM"
    if [ "$(json_get "$WORK/o10/f.json" 'j["total"]["lines"]')" = $((2 * V2_LINES)) ]; then
        ok "unreadable subdirectory, --follow: the two others converted"
    else
        not_ok "unreadable subdirectory, --follow: the two others converted"
        diag_file "$WORK/o10/f.json" 20
    fi
else
    skip "unreadable subdirectory: cannot run as nobody here (setpriv)"
fi

# --- 13. Every UDP datagram refused ------------------------------------------------------
free_udp_port=$("$PYTHON3" -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
run "$VPC2IPFIX" --udp "127.0.0.1:$free_udp_port" "$V2"
VERR=$ERR
expect_rc 1 "UDP, nobody listening: fails"
expect_grep "127\.0\.0\.1:$free_udp_port.*nothing was delivered" "$ERR" "UDP, nobody listening: says nothing was delivered"
run "$VPC2IPFIX" --udp "127.0.0.1:$free_udp_port" "$WORK/many.log"
expect_rc 1 "UDP, nobody listening, 300000 records: fails"

# --- 14. FIFOs and process substitution as inputs -------------------------------------------
gzip_to "$V2" "$WORK/v2.log.gz"
if command -v bash >/dev/null 2>&1; then
    echo "# \$ bash -c 'vpc2ipfix -o ps.ipfix --stats-json ps.json <(gzip -dc v2.log.gz)'"
    RC=0
    timeout 20 bash -c '"$0" -o "$1" --stats-json "$2" <(gzip -dc "$3")' "$VPC2IPFIX" \
        "$WORK/ps.ipfix" "$WORK/ps.json" "$WORK/v2.log.gz" >"$OUT" 2>"$ERR" || RC=$?
    expect_rc 0 "<(gzip -dc x.gz) as input"
    _l=$(json_get "$WORK/ps.json" 'j["total"]["lines"]')
    check "<(gzip -dc x.gz): every line read (${_l:-none} of $V2_LINES)" "$([ "${_l:-0}" = "$V2_LINES" ]; echo $?)"
else
    skip "<(zcat x.gz) (no bash)"
fi

# fifo_case DESC [OPTIONS...]: a FIFO written by a background cat.
fifo_case() {
    _d=$1
    shift
    rm -f "$WORK/in.fifo" "$WORK/fifo.json"
    mkfifo "$WORK/in.fifo"
    cat "$V2" >"$WORK/in.fifo" &
    _w=$!
    bg_add "$_w"
    vpc_start vfifo "$@" -o "$WORK/fifo.ipfix" --stats-json "$WORK/fifo.json" "$WORK/in.fifo"
    vpc_wait vfifo 20
    vpc_expect_rc 0 "$_d"
    _l=$(json_get "$WORK/fifo.json" 'j["total"]["lines"]')
    check "$_d: every line read (${_l:-none} of $V2_LINES)" "$([ "${_l:-0}" = "$V2_LINES" ]; echo $?)"
    stop_pid "$_w" TERM 5
}
fifo_case "a named pipe as input"
fifo_case "a named pipe as input, -F (ends when it closes)" -F

tap_done
