# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the end-to-end tests against real collectors on loopback: free ports, nfcapd
# started and stopped by PID, nfdump read-back, a tshark capture with start and end markers.
# Sourced after lib.sh (uses bg_add, stop_pid, wait_for, alive, diag).

NFDUMP_FMT='fmt:%ts|%te|%sa|%da|%sp|%dp|%pr|%pkt|%byt|%flg|%in|%out|%dir'

# A free UDP port on 127.0.0.1 (the kernel's choice; nothing listens on it after).
free_udp_port() {
    "$PYTHON3" -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# udp_bound PORT: a socket is bound to 127.0.0.1:PORT (/proc/net/udp, hex, host order).
udp_bound() {
    grep -q ": 0100007F:$(printf %04X "$1") " /proc/net/udp
}

# udp_drained PORT: nothing waits in the receive queue of the socket bound to
# 127.0.0.1:PORT (/proc/net/udp: tx_queue:rx_queue in hex), so the collector has read
# every datagram sent so far; a collector stopped before that drops the rest.
udp_drained() {
    awk -v port=":$(printf %04X "$1")" '$2 == "0100007F" port { split($5, q, ":"); if (q[2] != "00000000") bad = 1; found = 1 }
        END { exit !(found && !bad) }' /proc/net/udp
}

# --- nfcapd --------------------------------------------------------------------

# nfcapd_start DIR [PORT]: nfcapd on 127.0.0.1:PORT (a free port if none given),
# writing to DIR (created; its log is DIR.log).  Ready when it said it is bound,
# the port shows in /proc/net/udp and it is still running.  Sets NFCAPD_PID and
# NFCAPD_PORT.  Tries three ports when none was given.
nfcapd_start() {
    _dir=$1
    _tries=3
    [ -n "${2:-}" ] && _tries=1
    while [ "$_tries" -gt 0 ]; do
        _tries=$((_tries - 1))
        NFCAPD_PORT=${2:-$(free_udp_port)}
        rm -rf "$_dir"
        mkdir -p "$_dir"
        nfcapd -b 127.0.0.1 -p "$NFCAPD_PORT" -w "$_dir" -B 8388608 >"$_dir.log" 2>&1 &
        NFCAPD_PID=$!
        bg_add "$NFCAPD_PID"
        if wait_for 10 nfcapd_ready "$_dir.log"; then
            return 0
        fi
        diag "nfcapd did not start on port $NFCAPD_PORT:"
        diag_file "$_dir.log"
        stop_pid "$NFCAPD_PID" TERM 2
    done
    return 1
}
nfcapd_ready() {
    alive "$NFCAPD_PID" || return 2
    grep -q "Bound to IPv4 host/IP: 127.0.0.1, Port: $NFCAPD_PORT\$" "$1" &&
        udp_bound "$NFCAPD_PORT"
}

# nfcapd_stop DIR: SIGTERM (nfcapd writes and closes its file), wait for it.
# Then DIR/nfdump.txt holds the flows as nfdump prints them, NF_FLOWS their
# count and NF_SEQFAIL the sequence failures nfcapd counted.
nfcapd_stop() {
    stop_pid "$NFCAPD_PID" TERM 10
    if [ "$STOP_RC" -ne 0 ] || [ "$STOP_LATE" -ne 0 ]; then
        diag "nfcapd exit status $STOP_RC (killed: $STOP_LATE)"
        diag_file "$1.log"
    fi
    nfdump_read "$1"
}
nfdump_read() {
    NF_FLOWS=0
    NF_SEQFAIL='?'
    if ! ls "$1"/nfcapd.* >/dev/null 2>&1; then
        : >"$1.txt"
        return 0
    fi
    # nfdump -R DIR reads every file nfcapd wrote (one per 5 minutes).
    TZ=UTC nfdump -R "$1" -q -N -6 -o "$NFDUMP_FMT" >"$1.txt" 2>"$1.nfdump-err" || true
    NF_FLOWS=$(grep -c . "$1.txt" || true)
    NF_SEQFAIL=$(nfdump -R "$1" -I 2>/dev/null | sed -n 's/^Sequence failures: //p' |
        awk '{ s += $1 } END { print s + 0 }')
}

# --- tshark capture --------------------------------------------------------------

# capture_start FILE PORT: tshark on lo for udp port PORT and a marker port.
# tshark says "Capturing on" before packets are written to FILE: ready when a
# probe datagram sent to the marker port is in FILE (the probes are sent every
# 0.25 s, up to 20 s).  CAP_PID, or CAP_PID= when tshark cannot capture here.
CAN_CAPTURE=
CAP_MARK=vpc2ipfix-e2e-end-of-capture
CAP_PROBE=vpc2ipfix-e2e-capture-probe
capture_start() {
    CAP_PID=
    CAP_FILE=$1
    [ "$CAN_CAPTURE" = no ] && return 1
    if ! command -v tshark >/dev/null 2>&1; then
        CAN_CAPTURE=no
        return 1
    fi
    CAP_MPORT=$(free_udp_port)
    tshark -i lo -B 64 -f "udp port $2 or udp port $CAP_MPORT" -w "$1" >"$1.out" 2>"$1.err" &
    CAP_PID=$!
    bg_add "$CAP_PID"
    if wait_for 20 capture_ready "$1"; then
        CAN_CAPTURE=yes
        return 0
    fi
    diag "tshark cannot capture on lo:"
    diag_file "$1.err" 5
    stop_pid "$CAP_PID" TERM 2
    CAP_PID=
    CAN_CAPTURE=no
    return 1
}
# mark PORT TEXT: one datagram to 127.0.0.1:PORT.
mark() {
    "$PYTHON3" -c 'import socket, sys
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(sys.argv[2].encode(), ("127.0.0.1", int(sys.argv[1])))' \
        "$1" "$2"
}
_probe_n=0
capture_ready() {
    alive "$CAP_PID" || return 2
    grep -q 'Capturing on' "$1.err" || return 1
    grep -q -a "$CAP_PROBE" "$1" 2>/dev/null && return 0
    _probe_n=$((_probe_n + 1))
    [ $((_probe_n % 5)) -eq 1 ] && mark "$CAP_MPORT" "$CAP_PROBE"
    return 1
}
# capture_stop: tshark writes packets to its file a moment after they pass, and
# drops what it has not written when stopped: send a marker datagram (to a port
# nobody listens on) and stop tshark once the marker is in the file.
capture_stop() {
    [ -n "$CAP_PID" ] || return 0
    mark "$CAP_MPORT" "$CAP_MARK"
    if ! wait_for 20 grep -q -a "$CAP_MARK" "$CAP_FILE"; then
        diag "the capture's end marker did not show up in $CAP_FILE in 20 s"
    fi
    stop_pid "$CAP_PID" TERM 10
    CAP_PID=
}

# jget FILE KEY: one value of a flat JSON object (the capture analysis).
jget() {
    "$PYTHON3" -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"
}
# sget STATS-JSON EXPR: a value of vpc2ipfix --stats-json, EXPR in Python over `s`
# (e.g. 's["outputs"][0]["records"]'); empty when missing.
sget() {
    "$PYTHON3" -c 'import json, sys
s = json.load(open(sys.argv[1]))
try:
    print(eval(sys.argv[2]))
except (KeyError, IndexError, TypeError):
    pass' "$1" "$2" 2>/dev/null
}

