#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# End-to-end: IPFIX over UDP into a real collector, nfcapd (nfdump 1.7.1), on loopback.
#
# Every sample is sent with `vpc2ipfix --udp 127.0.0.1:PORT` to an nfcapd started for it,
# read back with nfdump and compared field by field with the oracle (collectorcheck.py
# --nfdump).  While it is sent, tshark captures the datagrams (skipped when it cannot
# capture): every payload fits the MTU, the sequence numbers follow RFC 7011, tshark's
# expert info is clean, and the sequence failures nfcapd reports are exactly the ones
# its own rule predicts (see nfcapd_rule below).  Then a large run at the default rate,
# a collector started late (template refresh), --mtu, and the statistics.
#
# nfcapd is bound to 127.0.0.1 on a free ephemeral port; every process started here is
# stopped by its PID (on exit too).  Waits are bounded polls of a readiness condition.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${srcdir:-$(dirname "$0")}/lib.sh"
# shellcheck source-path=SCRIPTDIR source=collectors.sh
. "$srcdir/collectors.sh"

: "${COLLECTORCHECK:=$srcdir/collectorcheck.py}"
S=$SAMPLES
# The RFC 5610 type records every stream starts with: one per enterprise element.
N_TYPES=$(grep -c '<enterpriseId>' "$ELEMENTS")

for t in nfcapd nfdump; do
    if ! command -v "$t" >/dev/null 2>&1; then
        echo "1..0 # SKIP $t not installed (Debian package nfdump)"
        exit 0
    fi
done

# The IPFIX analysis of a capture (stdin: one hex UDP payload per line): per
# datagram checks, RFC 7011 sequence numbers, record counts, and what nfcapd
# 1.7.1 counts as sequence failures.
cat >"$WORK/ipfixstream.py" <<'EOF'
import json, struct, sys

# IANA elements vpc2ipfix uses that nfcapd 1.7.1 decodes; it skips a template with
# none of them (ipfix.c: "Template does not contain common elements"), and the
# records of that template do not count for it.
NFCAPD_KNOWN = {1, 2, 4, 6, 7, 8, 10, 11, 12, 14, 27, 28, 61, 152, 153, 225, 226}

def varlen(b, o):
    n = b[o]
    return o + 1 + n if n < 255 else o + 3 + struct.unpack_from(">H", b, o + 1)[0]

def analyze(datagrams):
    tmpl = {}
    r = dict(datagrams=len(datagrams), messages=0, max_payload=0, data_messages=0,
             template_only_messages=0, flow_records=0, options_records=0,
             unknown_sets=0, empty_sets=0, seq_errors=0, nfcapd_seq_failures=0,
             not_one_message=0, errors=[])
    want, nf = {}, {}
    for dg in datagrams:
        r["max_payload"] = max(r["max_payload"], len(dg))
        off = 0
        nmsg = 0
        while off + 16 <= len(dg):
            ver, mlen, _t, seq, odid = struct.unpack_from(">HHIII", dg, off)
            if ver != 10 or mlen < 16 or off + mlen > len(dg):
                r["errors"].append("bad message header")
                break
            msg = dg[off:off + mlen]
            off += mlen
            nmsg += 1
            r["messages"] += 1
            if odid not in want:
                want[odid] = seq
                nf[odid] = [0, 0]   # nfcapd: PacketSequence, DataRecords (data sets)
            if seq != want[odid]:
                r["seq_errors"] += 1
                if len(r["errors"]) < 5:
                    r["errors"].append("message %d: sequence %d, expected %d"
                                       % (r["messages"], seq, want[odid]))
            st = nf[odid]
            # nfcapd 1.7.1 (src/netflow/ipfix.c, Process_IPFIX): a message whose
            # sequence is not its PacketSequence is a failure once a flow data set
            # has been seen; PacketSequence then jumps to it and grows by the flow
            # records only (options records do not move it).
            if seq != st[0]:
                if st[1]:
                    r["nfcapd_seq_failures"] += 1
                st[0] = seq
            o, data = 16, 0
            while o + 4 <= mlen:
                sid, slen = struct.unpack_from(">HH", msg, o)
                if slen < 4 or o + slen > mlen:
                    r["errors"].append("bad set length in message %d" % r["messages"])
                    break
                if slen == 4:
                    r["empty_sets"] += 1
                end, p = o + slen, o + 4
                if sid in (2, 3):
                    while end - p >= 4:
                        tid, cnt = struct.unpack_from(">HH", msg, p)
                        p += 4
                        if sid == 3 and cnt:
                            p += 2
                        lens, known = [], False
                        for _ in range(cnt):
                            ie, ln = struct.unpack_from(">HH", msg, p)
                            p += 8 if ie & 0x8000 else 4
                            lens.append(ln)
                            known = known or ie in NFCAPD_KNOWN
                        if cnt:
                            tmpl[(odid, tid)] = (lens, sid == 3, known)
                elif sid >= 256:
                    t = tmpl.get((odid, sid))
                    if t is None:
                        r["unknown_sets"] += 1
                    else:
                        lens, is_opt, known = t
                        least = max(1, sum(1 if ln == 65535 else ln for ln in lens))
                        n = 0
                        while end - p >= least:
                            for ln in lens:
                                p = varlen(msg, p) if ln == 65535 else p + ln
                            n += 1
                        data += n
                        if is_opt:
                            r["options_records"] += n
                        else:
                            r["flow_records"] += n
                            if known:
                                st[0] += n
                                st[1] += 1
                o = end
            want[odid] = seq + data
            if data:
                r["data_messages"] += 1
            else:
                r["template_only_messages"] += 1
        if nmsg != 1 or off != len(dg):
            r["not_one_message"] += 1
    return r

datagrams = [bytes.fromhex(l.strip()) for l in sys.stdin if l.strip()]
json.dump(analyze(datagrams), sys.stdout, sort_keys=True)
print()
EOF

# capture_analyze CAP PORT: tshark's expert info (no sequence, malformed or
# other warnings on the cflow decode) in CAP.expert, the analysis in CAP.json.
capture_analyze() {
    tshark_cflow "$1" "$2" -T fields -e udp.payload 2>/dev/null | "$PYTHON3" "$WORK/ipfixstream.py" \
        >"$1.json"
    tshark_cflow "$1" "$2" -q -z "expert,udp.dstport==$2" 2>/dev/null >"$1.expert" || true
}

# --- one send, read back and compared -------------------------------------------

# nfcapd_check DESCRIPTION [VPC2IPFIX-OPTIONS...] -- INPUTS...
# Sends INPUTS to a fresh nfcapd (captured by tshark when possible) and checks
# the exit status, every flow field by field, the statistics of the output, the
# datagrams, and nfcapd's sequence failures.  The options that change the
# mapping are passed on to collectorcheck (as convert_check does).
nfcapd_check() {
    _desc=$1
    shift
    _opts=
    _cc=
    _mtu=1400
    while [ $# -gt 0 ] && [ "$1" != -- ]; do
        case $1 in
            --format=* | --input-format=* | --packet-addresses-as-key) _cc="$_cc $(_q "$1")" ;;
            --mtu=*) _mtu=${1#*=} ;;
        esac
        _opts="$_opts $(_q "$1")"
        shift
    done
    [ "${1:-}" = -- ] && shift
    _n=$((tap_n + 1))
    _d=$WORK/nf-$_n
    _stats=$WORK/nf-$_n.json
    _cap=$WORK/nf-$_n.pcapng
    if ! nfcapd_start "$_d"; then
        not_ok "$_desc: nfcapd starts"
        return 0
    fi
    capture_start "$_cap" "$NFCAPD_PORT" || true
    eval "run \"\$VPC2IPFIX\" -q $_opts --udp \"127.0.0.1:\$NFCAPD_PORT\" \
        --stats-json=\"\$_stats\" \"\$@\""
    _vrc=$RC
    cp "$ERR" "$_d.vpc2ipfix-err"
    capture_stop
    nfcapd_stop "$_d"
    RC=$_vrc
    cp "$_d.vpc2ipfix-err" "$ERR"
    expect_rc 0 "$_desc: vpc2ipfix --udp"

    # Every flow, field by field, as nfdump prints what nfcapd stored.
    echo "# \$ collectorcheck.py --nfdump $(cmdline "$_d.txt")$_cc $(cmdline "$@")"
    _rc=0
    eval "\"\$PYTHON3\" \"\$COLLECTORCHECK\" --nfdump \"\$_d.txt\" $_cc \"\$@\"" \
        >"$_d.check" 2>&1 || _rc=$?
    if [ "$_rc" -eq 0 ]; then
        ok "$_desc: nfcapd stored every flow, every field as expected ($NF_FLOWS flows)"
    else
        not_ok "$_desc: nfcapd stored every flow, every field as expected ($NF_FLOWS flows)"
        diag_file "$_d.check" 40
        diag "nfcapd log:"
        diag_file "$_d.log" 20
    fi

    # The statistics of the output: data records = flows + options records.
    _flows=$(sget "$_stats" 's["total"]["flows"]')
    _ifs=$(sget "$_stats" 's["interfaces"]')
    _orec=$(sget "$_stats" 's["outputs"][0]["records"]')
    _odst=$(sget "$_stats" 's["outputs"][0]["destination"]')
    _oerr=$(sget "$_stats" 's["outputs"][0]["send_errors"]')
    # (nfcapd stores the flows: collectorcheck compared them with the input above;
    # the type and interface-table records are options records it does not store.)
    _want=$((${_flows:-0} + N_TYPES + ${_ifs:-0}))
    if [ "$_odst" = "udp:127.0.0.1:$NFCAPD_PORT" ] && [ "${_oerr:-x}" = 0 ] &&
        [ "${_orec:-x}" = "$_want" ]; then
        ok "$_desc: stats: $_odst, $_orec records = $_flows flows + $N_TYPES type records + $_ifs interface records, 0 send errors"
    else
        not_ok "$_desc: stats: the output's records = flows + type records + interface records"
        diag "destination ${_odst:-?} (want udp:127.0.0.1:$NFCAPD_PORT), records ${_orec:-?} (want ${_flows:-?} + $N_TYPES + ${_ifs:-?} = $_want), send_errors ${_oerr:-?}; nfcapd stored $NF_FLOWS flows"
    fi

    # The datagrams as captured, and nfcapd's sequence failures.
    if [ "$CAN_CAPTURE" != yes ]; then
        skip "$_desc: datagrams checked (tshark cannot capture on lo)"
        diag "nfcapd sequence failures: $NF_SEQFAIL"
        return 0
    fi
    capture_analyze "$_cap" "$NFCAPD_PORT"
    _j=$_cap.json
    _max=$((_mtu - 28))
    _bad=
    [ "$(jget "$_j" max_payload)" -le "$_max" ] || _bad="$_bad payload>$_max;"
    [ "$(jget "$_j" not_one_message)" -eq 0 ] || _bad="$_bad datagram!=1 message;"
    [ "$(jget "$_j" seq_errors)" -eq 0 ] || _bad="$_bad sequence errors;"
    [ "$(jget "$_j" empty_sets)" -eq 0 ] || _bad="$_bad empty sets;"
    [ "$(jget "$_j" unknown_sets)" -eq 0 ] || _bad="$_bad data before its template;"
    [ "$(jget "$_j" flow_records)" -eq "${_flows:-0}" ] || _bad="$_bad flow records != stats flows;"
    [ "$(jget "$_j" options_records)" -eq $((N_TYPES + ${_ifs:-0})) ] ||
        _bad="$_bad options records != type + interface records;"
    [ "$(jget "$_j" datagrams)" = "$(sget "$_stats" 's["outputs"][0]["messages"] + s["outputs"][0]["template_messages"]')" ] ||
        _bad="$_bad datagrams != stats messages + template_messages;"
    if grep -E -q '(Warns|Errors) \(' "$_cap.expert"; then _bad="$_bad tshark expert;"; fi
    if [ -z "$_bad" ]; then
        ok "$_desc: $(jget "$_j" datagrams) datagrams <= $_max bytes, one message each, RFC 7011 sequence numbers, clean tshark expert info"
    else
        not_ok "$_desc: datagrams <= $_max bytes, one message each, RFC 7011 sequence numbers, clean tshark expert info:$_bad"
        diag "$(cat "$_j")"
        diag_file "$_cap.expert"
    fi
    _pred=$(jget "$_j" nfcapd_seq_failures)
    if [ "$NF_SEQFAIL" = "$_pred" ]; then
        ok "$_desc: nfcapd sequence failures: $NF_SEQFAIL, as its rule predicts for this stream"
    else
        not_ok "$_desc: nfcapd sequence failures: $NF_SEQFAIL, its rule predicts $_pred"
    fi
    if [ "$_pred" != 0 ]; then
        diag "nfcapd 1.7.1 counts only flow records in its sequence tracking: each message after one with options records (the interface table, --interface-table; or RFC 5610 type records spread over several messages by a small --mtu) is a 'sequence failure' to it; the RFC 7011 numbers are right (tshark agrees)"
    fi
}

# --- the decoding is pinned ----------------------------------------------------------
# A capture whose ports all belong to other dissectors (a marker to ENIP's 44818, an
# IPFIX message from CIP I/O's 2222 to DNS's 53): tshark_cflow must decode the message
# as IPFIX and report clean expert info whatever the port draw.
if command -v tshark >/dev/null 2>&1; then
    run "$VPC2IPFIX" -q -o "$WORK/pin.ipfix" "$S/default-v2.log"
    "$PYTHON3" - "$WORK/pin.ipfix" "$WORK/pin.pcap" <<'PY'
import struct, sys
msg = open(sys.argv[1], "rb").read()
msg = msg[:struct.unpack_from(">H", msg, 2)[0]]
def dgram(sport, dport, payload):
    udp = struct.pack(">HHHH", sport, dport, 8 + len(payload), 0) + payload
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                     bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1]))
    return ip + udp
with open(sys.argv[2], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 101))  # raw IPv4
    for sport, dport, payload in ((40000, 44818, b"vpc2ipfix-e2e-capture-probe"),
                                  (2222, 53, msg), (40000, 44818, b"vpc2ipfix-e2e-end-of-capture")):
        p = dgram(sport, dport, payload)
        f.write(struct.pack("<IIII", 0, 0, len(p), len(p)) + p)
PY
    _pin=$(tshark_cflow "$WORK/pin.pcap" 53 -T fields -e cflow.version 2>/dev/null)
    tshark_cflow "$WORK/pin.pcap" 53 -q -z "expert,udp.dstport==53" >"$WORK/pin.expert" 2>/dev/null
    if [ "$_pin" = 10 ] && ! grep -E -q '(Warns|Errors) \(' "$WORK/pin.expert"; then
        ok "tshark_cflow: IPFIX between ports of other dissectors decoded as IPFIX, clean expert info"
    else
        not_ok "tshark_cflow: IPFIX between ports of other dissectors decoded as IPFIX (got '$_pin')"
        diag_file "$WORK/pin.expert"
    fi
fi

# --- every sample ------------------------------------------------------------------

for f in default-v2 v5-custom v8-all ipv6 malformed crlf millis midheader; do
    nfcapd_check "$f.log" -- "$S/$f.log"
done
# shellcheck disable=SC2016 # '${field}' is the literal AWS format syntax
nfcapd_check "headerless.log with --format" \
    '--format=${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${action}' -- \
    "$S/headerless.log"
nfcapd_check "the S3 tree (AWSLogs)" -- "$S/AWSLogs"
nfcapd_check "v5-custom.log --packet-addresses-as-key" --packet-addresses-as-key -- \
    "$S/v5-custom.log"
nfcapd_check "all default-format samples in one run" -- \
    "$S/default-v2.log" "$S/v5-custom.log" "$S/v8-all.log" "$S/ipv6.log" \
    "$S/malformed.log" "$S/crlf.log" "$S/millis.log" "$S/midheader.log"
nfcapd_check "CloudWatch export tree" -- "$S/containers/cwl-export"
# By default (no interface table) every data record is a flow record: nfcapd's
# own sequence check then agrees with RFC 7011, and reports no failure at all.
nfcapd_check "all default-format samples, default settings" -- \
    "$S/default-v2.log" "$S/v5-custom.log" "$S/v8-all.log" "$S/ipv6.log" \
    "$S/malformed.log" "$S/crlf.log" "$S/millis.log" "$S/midheader.log"
check "default settings: nfcapd reports 0 sequence failures (got $NF_SEQFAIL)" \
    "$([ "$NF_SEQFAIL" = 0 ]; echo $?)"
# With --interface-table (opt-in), the options records after flows are
# failures to nfcapd, exactly as its rule predicts (checked in nfcapd_check).
nfcapd_check "all default-format samples, --interface-table" --interface-table -- \
    "$S/default-v2.log" "$S/v5-custom.log" "$S/v8-all.log" "$S/ipv6.log" \
    "$S/malformed.log" "$S/crlf.log" "$S/millis.log" "$S/midheader.log"
check "--interface-table: the table's records make nfcapd count failures (got $NF_SEQFAIL)" \
    "$([ "$NF_SEQFAIL" -gt 0 ]; echo $?)"

# --- --mtu ---------------------------------------------------------------------------

nfcapd_check "default-v2.log + ipv6.log, --mtu=576" --mtu=576 -- \
    "$S/default-v2.log" "$S/ipv6.log"
nfcapd_check "v8-all.log, --mtu=1000" --mtu=1000 -- "$S/v8-all.log"
# A v8 record with every field (long ECS ARNs) is larger than a 548-byte message.
run "$VPC2IPFIX" -q --mtu=576 --udp 127.0.0.1:9 "$S/v8-all.log"
expect_rc 1 "v8-all.log, --mtu=576: a record larger than a message fails"
expect_grep 'does not fit in an IPFIX message of 548 bytes \(raise --mtu\)' "$ERR" \
    "v8-all.log, --mtu=576: the message names the size and --mtu"

# --- a collector started late: template refresh ------------------------------------
#
# vpc2ipfix follows a file and sends to two UDP outputs: nfcapd's port, where nothing
# listens yet, and a recorder (every datagram saved, to see what was sent).  nfcapd
# is started once the first records went out; it can decode what follows only after
# the templates are sent again.

cat >"$WORK/recorder.py" <<'EOF2'
import os, signal, socket, sys
signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
host = sys.argv[3] if len(sys.argv) > 3 else "127.0.0.1"
s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_DGRAM)
s.bind((host, 0))
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write("%d\n" % s.getsockname()[1])
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
with open(sys.argv[2], "w") as out:
    while True:
        out.write(s.recv(65536).hex() + "\n")
        out.flush()
EOF2

# recorder_start NAME [ADDRESS]: a UDP receiver on ADDRESS (default 127.0.0.1)
# that saves every datagram.  REC_PID, REC_PORT, REC_OUT (hex, one a line).
recorder_start() {
    REC_OUT=$WORK/$1.hex
    : >"$REC_OUT"
    "$PYTHON3" "$WORK/recorder.py" "$WORK/$1.port" "$REC_OUT" ${2:+"$2"} &
    REC_PID=$!
    bg_add "$REC_PID"
    wait_for 10 test -s "$WORK/$1.port" || true
    REC_PORT=$(cat "$WORK/$1.port" 2>/dev/null || echo 0)
}
# recorded KEY: a count from the analysis of what the recorder got so far.
recorded() {
    "$PYTHON3" "$WORK/ipfixstream.py" <"$REC_OUT" >"$REC_OUT.json" 2>/dev/null &&
        jget "$REC_OUT.json" "$1"
}
recorded_at_least() { [ "$(recorded "$1")" -ge "$2" ]; }

# vpc_bg NAME ARGS...: vpc2ipfix in the background (VPC_PID), stderr in $WORK/NAME.err.
vpc_bg() {
    _name=$1
    shift
    echo "# \$ $(cmdline "$VPC2IPFIX" "$@") &"
    "$VPC2IPFIX" "$@" 2>"$WORK/$_name.err" </dev/null &
    VPC_PID=$!
    bg_add "$VPC_PID"
}

LHDR='version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status'
# late_lines FIRST N: N records with packets FIRST..FIRST+N-1.
late_lines() {
    awk -v f="$1" -v n="$2" 'BEGIN {
        for (i = f; i < f + n; i++)
            printf "2 123456789012 eni-0a1b2c3d4e5f60718 10.0.1.%d 10.1.0.7 %d 443 6 %d %d 1795132800 1795132860 ACCEPT OK\n",
                i % 250 + 1, 1024 + i, i, 40 * i
    }'
}

# late_collector DESCRIPTION REFRESH-OPTIONS...
late_collector() {
    _desc=$1
    shift
    _n=$((tap_n + 1))
    _f=$WORK/late-$_n.log
    { echo "$LHDR"; late_lines 1 5; } >"$_f"
    { echo "$LHDR"; late_lines 6 5; } >"$_f.later"
    recorder_start "rec-$_n"
    _port=$(free_udp_port)
    vpc_bg "late-$_n" -q -F --udp "127.0.0.1:$_port" --udp "127.0.0.1:$REC_PORT" "$@" \
        --stats-json="$WORK/late-$_n.json" "$_f"
    # The exporter has begun: the first 5 flows went out (nobody at nfcapd's port yet).
    wait_for 10 recorded_at_least flow_records 5 || true
    if ! nfcapd_start "$WORK/late-$_n.d" "$_port"; then
        not_ok "$_desc: nfcapd starts on port $_port"
        stop_pid "$VPC_PID" TERM 10
        stop_pid "$REC_PID" TERM 5
        return 0
    fi
    _tm=$(recorded template_only_messages)
    case " $* " in
        *" --template-refresh-messages 0 "*)
            # Timer only: wait for two refreshes after nfcapd started.
            wait_for 10 recorded_at_least template_only_messages $((_tm + 2)) || true ;;
    esac
    tail -n +2 "$_f.later" >>"$_f"
    wait_for 10 recorded_at_least flow_records 10 || true
    stop_pid "$VPC_PID" TERM 10
    check "$_desc: vpc2ipfix ends on SIGTERM with exit 0 (exit $STOP_RC)" "$STOP_RC"
    stop_pid "$REC_PID" TERM 5
    nfcapd_stop "$WORK/late-$_n.d"
    if [ "$(recorded flow_records)" -ne 10 ]; then
        diag "the recorder got $(recorded flow_records) flows, not 10"
    fi
    echo "# \$ collectorcheck.py --nfdump $(cmdline "$WORK/late-$_n.d.txt" "$_f.later")"
    _rc=0
    "$PYTHON3" "$COLLECTORCHECK" --nfdump "$WORK/late-$_n.d.txt" "$_f.later" \
        >"$WORK/late-$_n.check" 2>&1 || _rc=$?
    if [ "$_rc" -eq 0 ]; then
        ok "$_desc: nfcapd, started late, decoded every record sent after it started ($NF_FLOWS flows)"
    else
        not_ok "$_desc: nfcapd, started late, decoded every record sent after it started ($NF_FLOWS flows)"
        diag_file "$WORK/late-$_n.check" 20
        diag_file "$WORK/late-$_n.err"
    fi
    _tmsg=$(sget "$WORK/late-$_n.json" "[o for o in s['outputs'] if o['destination'] == 'udp:127.0.0.1:$_port'][0]['template_messages']")
    if [ "${_tmsg:-0}" -gt 0 ] 2>/dev/null; then
        ok "$_desc: --stats-json: template_messages $_tmsg for udp:127.0.0.1:$_port"
    else
        not_ok "$_desc: --stats-json: template_messages > 0 for udp:127.0.0.1:$_port (got ${_tmsg:-none})"
        diag_file "$WORK/late-$_n.json" 30
    fi
}

late_collector "late collector, --template-refresh-messages 1" --template-refresh-messages 1
late_collector "late collector, --template-refresh 1 (timer only)" --template-refresh 1 \
    --template-refresh-messages 0

# --- IPv6: a message is at most MTU - 48 bytes -------------------------------------

if "$PYTHON3" -c 'import socket; socket.socket(socket.AF_INET6, socket.SOCK_DGRAM).bind(("::1", 0))' 2>/dev/null; then
    recorder_start rec6 ::1
    run "$VPC2IPFIX" -q --mtu=1280 --udp "[::1]:$REC_PORT" --stats-json="$WORK/v6.json" \
        "$S/default-v2.log" "$S/v8-all.log" "$S/ipv6.log"
    expect_rc 0 "--udp [::1]:PORT --mtu=1280"
    _sent=$(sget "$WORK/v6.json" 's["outputs"][0]["messages"] + s["outputs"][0]["template_messages"]')
    wait_for 5 recorded_at_least datagrams "${_sent:-1}" || true
    stop_pid "$REC_PID" TERM 5
    _max=$(recorded max_payload)
    if [ "$(recorded datagrams)" = "${_sent:-x}" ] && [ "$_max" -le 1232 ] &&
        [ "$(recorded seq_errors)" = 0 ] && [ "$(recorded empty_sets)" = 0 ] &&
        [ "$(recorded flow_records)" = "$(sget "$WORK/v6.json" 's["total"]["flows"]')" ]; then
        ok "IPv6 --mtu=1280: $_sent datagrams, largest $_max <= 1232 bytes, every flow, RFC 7011 sequence numbers"
    else
        not_ok "IPv6 --mtu=1280: every datagram <= 1232 bytes, every flow, sequence numbers, no empty set"
        diag "$(cat "$REC_OUT.json")" "sent: ${_sent:-?} datagrams"
    fi
else
    skip "IPv6 --mtu (no IPv6 loopback)"
fi

# --- a large run at the default rate ---------------------------------------------

BIG=${E2E_NFCAPD_RECORDS:-200000}
run "$PYTHON3" "$top_srcdir/bench/gen-records.py" --counts "$WORK/big.counts" "$BIG"
cp "$OUT" "$WORK/big.log"
expect_rc 0 "gen-records.py: $BIG records"
t0=$(date +%s)
nfcapd_check "$BIG generated records at default settings" -- "$WORK/big.log"
t1=$(date +%s)
want_flows=$(awk '$1 == "flows" { print $2 }' "$WORK/big.counts")
check "$BIG records, default settings: nfcapd reports 0 sequence failures (got $NF_SEQFAIL)" \
    "$([ "$NF_SEQFAIL" = 0 ]; echo $?)"
if [ "$NF_FLOWS" = "$want_flows" ]; then
    ok "$BIG records: nfcapd stored all $want_flows flows, none lost ($((t1 - t0)) s)"
else
    not_ok "$BIG records: nfcapd stored $NF_FLOWS of $want_flows flows ($((t1 - t0)) s)"
fi

tap_done
