#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# End-to-end: outputs as objects (--output-spec, [output NAME] in --config).  One run
# feeds four nfcapd instances on loopback: three named outputs with different filters,
# protocols (IPFIX, NetFlow v9, NetFlow v5) and observation domains, and the plain
# --udp output with everything.  Each collector holds exactly its share: the flows the
# oracle selects (flowcheck.py --select), and the rows nfdump selects with the same
# filter from the collector that got everything; nfdump -E shows each domain.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${srcdir:-$(dirname "$0")}/lib.sh"
# shellcheck source-path=SCRIPTDIR source=collectors.sh
. "$srcdir/collectors.sh"

S=$SAMPLES
INPUTS="$S/default-v2.log $S/v5-custom.log $S/v8-all.log $S/ipv6.log $S/millis.log"

# Files first: the selections against the oracle, and the statistics.
# shellcheck disable=SC2086 # the input list is split on purpose
run "$VPC2IPFIX" -q --stats-json "$WORK/files.json" -o "$WORK/all.ipfix" \
    --output-spec "rejects:output=$WORK/rejects.ipfix;filter=action reject;observation-domain=11" \
    --output-spec "ssh: output=$WORK/ssh.ipfix; filter=proto tcp and port 22 ; observation-domain=12" \
    $INPUTS
expect_rc 0 "three file outputs in one run"
# shellcheck disable=SC2086
flowcheck "output 'rejects': exactly the flows 'action reject' selects, domain 11" \
    --ipfix "$WORK/rejects.ipfix" --odid 11 --select 'r.get("forwardingStatus") == 129' $INPUTS
# shellcheck disable=SC2086
flowcheck "output 'ssh': exactly the flows 'proto tcp and port 22' selects, domain 12" \
    --ipfix "$WORK/ssh.ipfix" --odid 12 \
    --select 'r.get("protocolIdentifier") == 6 and 22 in (r.get("sourceTransportPort"), r.get("destinationTransportPort"))' $INPUTS
# shellcheck disable=SC2086
flowcheck "the plain -o output: every flow" --ipfix "$WORK/all.ipfix" --stats "$WORK/files.json" $INPUTS
_sel=$("$PYTHON3" "$srcdir/flowcheck.py" --select 'r.get("forwardingStatus") == 129' --count $INPUTS)
_all=$("$PYTHON3" "$srcdir/flowcheck.py" --select 'True' --count $INPUTS)
_got=$("$PYTHON3" -c 'import json, sys
o = [o for o in json.load(open(sys.argv[1]))["outputs"] if o.get("name") == "rejects"][0]
print(o["filtered"], o["observation_domain"])' "$WORK/files.json")
check "--stats-json: output 'rejects' counts $((_all - _sel)) flows not selected, domain 11 ($_got)" \
    "$([ "$_got" = "$((_all - _sel)) 11" ]; echo $?)"

# The same outputs from --config [output NAME] groups; the command line's --output-spec wins.
cat >"$WORK/outputs.conf" <<CONF
[vpc2ipfix]
quiet=true
[output rejects]
output=$WORK/conf-rejects.ipfix
filter=action reject
observation-domain=11
CONF
# shellcheck disable=SC2086
run "$VPC2IPFIX" --config "$WORK/outputs.conf" $INPUTS
expect_rc 0 "--config with an [output NAME] group"
# shellcheck disable=SC2086
flowcheck "[output rejects]: the flows 'action reject' selects, domain 11" \
    --ipfix "$WORK/conf-rejects.ipfix" --odid 11 --select 'r.get("forwardingStatus") == 129' $INPUTS
rm -f "$WORK/conf-rejects.ipfix"
# shellcheck disable=SC2086
run "$VPC2IPFIX" --config "$WORK/outputs.conf" --output-spec "cl:output=$WORK/cl.ipfix" $INPUTS
expect_rc 0 "--config [output] groups with --output-spec on the command line"
check "the command line's outputs replace the file's" \
    "$([ -s "$WORK/cl.ipfix" ] && [ ! -e "$WORK/conf-rejects.ipfix" ]; echo $?)"
printf '[output bad]\noutput=%s\nfilterr=any\n' "$WORK/bad.ipfix" >"$WORK/bad.conf"
run "$VPC2IPFIX" --config "$WORK/bad.conf" "$S/default-v2.log"
expect_rc 2 "an unknown key in [output NAME]"
expect_grep "bad.conf:3: unknown key 'filterr' in \[output bad\]" "$ERR" "the error names FILE:LINE and the group"

# Usage errors.
run "$VPC2IPFIX" --output-spec "x:output=$WORK/x.ipfix;udp=127.0.0.1:9" "$S/default-v2.log"
expect_rc 2 "two destinations in one output"
expect_grep "output 'x': needs exactly one destination" "$ERR" "the error names the output"
run "$VPC2IPFIX" --output-spec "x:tcp=127.0.0.1:9;protocol=v9" "$S/default-v2.log"
expect_rc 2 "NetFlow over TCP"
run "$VPC2IPFIX" --output-spec "x:output=$WORK/x.ipfix;filter=proto tcp port 22" "$S/default-v2.log"
expect_rc 2 "a filter with a syntax error"
expect_grep "output 'x': filter: .*column 11" "$ERR" "the filter error names the output and the column"
run "$VPC2IPFIX" --output-spec "x:output=$WORK/x.ipfix" --output-spec "x:output=$WORK/y.ipfix" "$S/default-v2.log"
expect_rc 2 "an output name given twice"
check "no file written after a usage error" "$([ ! -e "$WORK/x.ipfix" ] && [ ! -e "$WORK/y.ipfix" ]; echo $?)"

if ! command -v nfcapd >/dev/null 2>&1 || ! command -v nfdump >/dev/null 2>&1; then
    skip "four nfcapd collectors (nfdump not installed)"
    tap_done
    exit $?
fi

# Four collectors: A rejects (IPFIX, domain 21), B tcp (v9, domain 22), C web (v5),
# D everything (the plain --udp, domain 20).
nfcapd_start "$WORK/nfA" || { not_ok "nfcapd A did not start"; tap_done; exit 1; }
PA=$NFCAPD_PORT; PIDA=$NFCAPD_PID
nfcapd_start "$WORK/nfB" || { not_ok "nfcapd B did not start"; tap_done; exit 1; }
PB=$NFCAPD_PORT; PIDB=$NFCAPD_PID
nfcapd_start "$WORK/nfC" || { not_ok "nfcapd C did not start"; tap_done; exit 1; }
PC=$NFCAPD_PORT; PIDC=$NFCAPD_PID
nfcapd_start "$WORK/nfD" || { not_ok "nfcapd D did not start"; tap_done; exit 1; }
PD=$NFCAPD_PORT; PIDD=$NFCAPD_PID
# shellcheck disable=SC2086
run "$VPC2IPFIX" -q --stats-json "$WORK/net.json" -d 20 --udp "127.0.0.1:$PD" \
    --output-spec "rejects:udp=127.0.0.1:$PA;filter=action reject;observation-domain=21" \
    --output-spec "tcp:udp=127.0.0.1:$PB;protocol=v9;filter=proto tcp;observation-domain=22" \
    --output-spec "web:udp=127.0.0.1:$PC;protocol=v5;filter=dst port in [80 443] and bytes < 4g" \
    $INPUTS
expect_rc 0 "one run, four collectors"
for p in "$PA" "$PB" "$PC" "$PD"; do
    wait_for 10 udp_drained "$p" || diag "nfcapd on $p left datagrams unread"
done
NFCAPD_PID=$PIDA; nfcapd_stop "$WORK/nfA"; SEQ_A=$NF_SEQFAIL
NFCAPD_PID=$PIDB; nfcapd_stop "$WORK/nfB"; SEQ_B=$NF_SEQFAIL
NFCAPD_PID=$PIDC; nfcapd_stop "$WORK/nfC"; SEQ_C=$NF_SEQFAIL
NFCAPD_PID=$PIDD; nfcapd_stop "$WORK/nfD"; SEQ_D=$NF_SEQFAIL

# NetFlow carries no time after 2106, v5 no flow without times (those flows are counted
# as skipped_times, not sent): rows of D's everything (IPFIX) that the output's protocol
# cannot carry are left out of its share (FIRST-YEAR: 1970 for v9, 1971 for v5).
netflow_times() { awk -F'|' -v first="$1" '{ y = substr($1, 1, 4) + 0; if (y >= first && y <= 2105) print }'; }
# skipped NAME: the flows output NAME counted as not carried by its protocol.
skipped() {
    "$PYTHON3" -c 'import json, sys
o = [o for o in json.load(open(sys.argv[1]))["outputs"] if o.get("name") == sys.argv[2]][0]
print(o["skipped_times"] + o["skipped_ipv6"])' "$WORK/net.json" "$1"
}
# share NAME FIRST-YEAR DIR NFDUMP-FORMAT NFDUMP-FILTER PYTHON-SELECT: DIR holds exactly what
# nfdump selects from D's everything, and as many flows as the oracle selects (less
# those the output counted as not carried by its protocol).
share() {
    TZ=UTC nfdump -R "$WORK/nfD" -q -N -6 -o "$4" "$5" 2>/dev/null | netflow_times "$2" | sort >"$WORK/want-$1.txt"
    TZ=UTC nfdump -R "$3" -q -N -6 -o "$4" 2>/dev/null | sort >"$WORK/got-$1.txt"
    # shellcheck disable=SC2086
    _n=$("$PYTHON3" "$srcdir/flowcheck.py" --select "$6" --count $INPUTS)
    _n=$((_n - $(skipped "$1")))
    if [ -s "$WORK/got-$1.txt" ] && cmp -s "$WORK/want-$1.txt" "$WORK/got-$1.txt" &&
        [ "$(grep -c . "$WORK/got-$1.txt")" = "$_n" ]; then
        ok "collector of '$1': exactly its share ($_n flows: nfdump '$5' on everything, the oracle)"
    else
        not_ok "collector of '$1': its share (nfdump '$5'; the oracle selects $_n)"
        diff "$WORK/want-$1.txt" "$WORK/got-$1.txt" | head -20 | sed 's/^/#   /'
    fi
}
# nfdump 1.7.1 shows no REJECT for IPFIX input (no filter can select it): the rejects'
# collector holds as many flows as the oracle selects, each one of D's rows.
TZ=UTC nfdump -R "$WORK/nfD" -q -N -6 -o "$NFDUMP_FMT" 2>/dev/null | sort >"$WORK/want-rejects.txt"
TZ=UTC nfdump -R "$WORK/nfA" -q -N -6 -o "$NFDUMP_FMT" 2>/dev/null | sort >"$WORK/got-rejects.txt"
# shellcheck disable=SC2086
_n=$("$PYTHON3" "$srcdir/flowcheck.py" --select 'r.get("forwardingStatus") == 129' --count $INPUTS)
if [ -s "$WORK/got-rejects.txt" ] && [ -z "$(comm -13 "$WORK/want-rejects.txt" "$WORK/got-rejects.txt")" ] &&
    [ "$(grep -c . "$WORK/got-rejects.txt")" = "$_n" ]; then
    ok "collector of 'rejects' (IPFIX): exactly its share ($_n flows: the oracle's count, each one of D's)"
else
    not_ok "collector of 'rejects' (IPFIX): its share (the oracle selects $_n)"
    diff "$WORK/want-rejects.txt" "$WORK/got-rejects.txt" | head -20 | sed 's/^/#   /'
fi
share tcp 1970 "$WORK/nfB" "$NFDUMP_FMT" 'proto tcp' 'r.get("protocolIdentifier") == 6'
share web 1971 "$WORK/nfC" 'fmt:%ts|%sa|%da|%sp|%dp|%pr|%pkt|%byt' 'dst port in [80 443] and bytes < 4000000000 and ipv4' \
    'r.get("destinationTransportPort") in (80, 443) and r.get("octetDeltaCount", 0) < 4000000000 and "sourceIPv4Address" in r'
_all=$("$PYTHON3" "$srcdir/flowcheck.py" --select 'True' --count $INPUTS)
check "collector of the plain --udp: every flow ($NF_FLOWS of $_all)" "$([ "$NF_FLOWS" = "$_all" ]; echo $?)"
check "no sequence failures at any collector ($SEQ_A $SEQ_B $SEQ_C $SEQ_D)" \
    "$([ "$SEQ_A$SEQ_B$SEQ_C$SEQ_D" = 0000 ]; echo $?)"
# nfdump -E: each collector saw its exporter's observation domain.
for pair in A:21 B:22 D:20; do
    _d=${pair#*:}
    for f in "$WORK/nf${pair%%:*}"/nfcapd.*; do nfdump -E "$f"; done >"$WORK/exp-${pair%%:*}.txt" 2>&1 || true
    expect_grep "version: (9|10), ID: $_d," "$WORK/exp-${pair%%:*}.txt" \
        "nfdump -E at collector ${pair%%:*}: the exporter's observation domain $_d"
done

tap_done
