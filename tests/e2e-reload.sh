#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# End-to-end: SIGHUP.  A --follow run re-opens its outputs: the TCP collector sees a
# second connection, after everything on the first was acknowledged, each record on
# exactly one of them (nothing sent twice); a UDP collector gets the next datagrams
# from a new socket, templates first.  log-level is re-read from --config.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${srcdir:-$(dirname "$0")}/lib.sh"
# shellcheck source-path=SCRIPTDIR source=collectors.sh
. "$srcdir/collectors.sh"

: "${IPFIX_COLLECTOR:=$top_builddir/tests/ipfix-collector}"
if [ ! -x "$IPFIX_COLLECTOR" ]; then
    echo "1..0 # SKIP $IPFIX_COLLECTOR not built (make check builds it)"
    exit 0
fi

# lines FIRST N: N flow lines whose packet counts are FIRST, FIRST+1...
lines() {
    awk -v f="$1" -v n="$2" 'BEGIN {
        for (i = f; i < f + n; i++)
            printf "2 123456789012 eni-0a1b2c3d4e5f60001 10.0.0.%d 10.1.0.7 %d 443 6 %d %d %d %d ACCEPT OK\n",
                i % 250 + 1, 1024 + i, i, 40 * i, 1795132800 + i, 1795132860 + i
    }'
}
vpc_start() {
    _name=$1
    shift
    echo "# \$ $(cmdline "$VPC2IPFIX" "$@") &"
    "$VPC2IPFIX" "$@" 2>"$WORK/$_name.err" &
    VPC_PID=$!
    bg_add "$VPC_PID"
}
# packets CONNECTION: the packet counts of the flow records on that connection, sorted.
packets() {
    grep "^{\"c\":$1,.*\"scope\":0," "$COLL_OUT" | grep -o '"packetDeltaCount":[0-9]*' |
        cut -d: -f2 | sort -n | tr '\n' ' '
}
has_packets() { [ "$(packets "$1")" = "$2" ]; }
hup_seen() { [ "$(grep -c 'SIGHUP: re-opening the outputs' "$1")" -ge "$2" ]; }

# --- TCP, and log-level from --config ----------------------------------------------
COLL_OUT=$WORK/tcp.jsonl
: >"$COLL_OUT"
"$IPFIX_COLLECTOR" --tcp --port 0 --bind 127.0.0.1 --ready "$WORK/tcp.port" --out "$COLL_OUT" \
    2>"$WORK/collector.err" &
COLL_PID=$!
bg_add "$COLL_PID"
wait_for 10 test -s "$WORK/tcp.port" || { echo "Bail out! the test collector did not start"; exit 1; }
PORT=$(cat "$WORK/tcp.port")

F=$WORK/grow.log
echo "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status" >"$F"
lines 1 5 >>"$F"
echo "2 123456789012 eni-x 10.0.0.1 10.0.0.2 first-bad 80 6 1 40 1 2 ACCEPT OK" >>"$F"
printf '[vpc2ipfix]\nlog-level=info\n' >"$WORK/c.conf"
vpc_start tcp -F --config "$WORK/c.conf" --stats-json "$WORK/tcp.json" --tcp "127.0.0.1:$PORT" "$F"
wait_for 15 has_packets 1 "1 2 3 4 5 " || diag "connection 1: $(packets 1)"
check "before SIGHUP: records 1..5 on the first connection" "$(has_packets 1 "1 2 3 4 5 "; echo $?)"
expect_grep "first-bad" "$WORK/tcp.err" "log-level info: the malformed line is reported"
printf '[vpc2ipfix]\nlog-level=error\n' >"$WORK/c.conf"
echo "# \$ kill -HUP vpc2ipfix"
kill -HUP "$VPC_PID"
wait_for 10 grep -q 'SIGHUP: re-opening the outputs, re-reading log-level' "$WORK/tcp.err"
lines 6 5 >>"$F"
echo "2 123456789012 eni-x 10.0.0.1 10.0.0.2 second-bad 80 6 1 40 1 2 ACCEPT OK" >>"$F"
wait_for 15 has_packets 2 "6 7 8 9 10 " || diag "connection 2: $(packets 2)"
check "after SIGHUP: records 6..10 on a second connection" "$(has_packets 2 "6 7 8 9 10 "; echo $?)"
check "nothing sent twice: the first connection holds 1..5 only" "$(has_packets 1 "1 2 3 4 5 "; echo $?)"
stop_pid "$VPC_PID" TERM 10
check "SIGTERM ends the run (exit $STOP_RC)" "$([ "$STOP_RC" = 0 ] && [ "$STOP_LATE" = 0 ]; echo $?)"
expect_no_grep "second-bad" "$WORK/tcp.err" "log-level error re-read on SIGHUP: the second malformed line is not reported"
_st=$("$PYTHON3" -c 'import json, sys
o = json.load(open(sys.argv[1]))["outputs"][0]
print(o["connects"], o["reconnects"], o["resent_records"])' "$WORK/tcp.json")
check "--stats-json: 2 connections, 1 reconnection, 0 records resent ($_st)" "$([ "$_st" = "2 1 0" ]; echo $?)"
stop_pid "$COLL_PID" TERM 10

# --- UDP: a new socket, the templates first ----------------------------------------
# A receiver that writes "SOURCE-PORT FIRST-SET-ID" per datagram.
"$PYTHON3" -c 'import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
out = open(sys.argv[2], "w", buffering=1)
while True:
    data, addr = s.recvfrom(65535)
    set_id = struct.unpack("!H", data[16:18])[0] if len(data) >= 18 else -1
    out.write("%d %d\n" % (addr[1], set_id))' "$WORK/udp.port" "$WORK/udp.txt" &
RECV_PID=$!
bg_add "$RECV_PID"
wait_for 10 test -s "$WORK/udp.port" || { not_ok "the UDP receiver did not start"; tap_done; exit 1; }
UPORT=$(cat "$WORK/udp.port")
: >"$WORK/udp.txt"
lines 1 5 >"$WORK/u.log"
vpc_start udp -F --udp "127.0.0.1:$UPORT" "$WORK/u.log"
wait_for 15 test -s "$WORK/udp.txt"
_first=$(head -n 1 "$WORK/udp.txt" | cut -d' ' -f1)
kill -HUP "$VPC_PID"
wait_for 10 hup_seen "$WORK/udp.err" 1
lines 6 5 >>"$WORK/u.log"
new_port() { awk -v p="$_first" '$1 != p' "$WORK/udp.txt" | grep -q .; }
wait_for 15 new_port
_after=$(awk -v p="$_first" '$1 != p { print; exit }' "$WORK/udp.txt")
check "after SIGHUP: datagrams from a new socket (first from port $_first, then '$_after')" \
    "$(new_port; echo $?)"
check "the first datagram of the new socket starts with a template set (set ID 2 or 3: options)" \
    "$([ "${_after#* }" = 2 ] || [ "${_after#* }" = 3 ]; echo $?)"
stop_pid "$VPC_PID" TERM 10
check "SIGTERM ends the UDP run (exit $STOP_RC)" "$([ "$STOP_RC" = 0 ] && [ "$STOP_LATE" = 0 ]; echo $?)"
stop_pid "$RECV_PID" TERM 5

tap_done
