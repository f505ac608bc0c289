#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# End-to-end: --filter.  Each expression's selection is checked two independent ways:
# against the oracle (flowcheck.py --select, the same selection written by hand in
# Python over the records it parses itself, and total.filtered in the statistics), and
# against nfdump applying the equivalent nfdump filter to the unfiltered stream that
# nfcapd received (exactly the same flows).  vpc-report applies the same filter.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${srcdir:-$(dirname "$0")}/lib.sh"
# shellcheck source-path=SCRIPTDIR source=collectors.sh
. "$srcdir/collectors.sh"

: "${VPC_REPORT:=$top_builddir/src/vpc-report}"
S=$SAMPLES
INPUTS="$S/default-v2.log $S/v5-custom.log $S/v8-all.log $S/ipv6.log $S/millis.log"

# filter_case EXPR PYTHON-SELECT: vpc2ipfix --filter EXPR against the oracle.
n=0
filter_case() {
    n=$((n + 1))
    # shellcheck disable=SC2086 # the input list is split on purpose
    run "$VPC2IPFIX" -q --filter "$1" --stats-json "$WORK/f$n.json" -o "$WORK/f$n.ipfix" $INPUTS
    expect_rc 0 "--filter '$1'"
    # shellcheck disable=SC2086
    flowcheck "--filter '$1': exactly the flows the oracle selects, the rest counted as filtered" \
        --ipfix "$WORK/f$n.ipfix" --stats "$WORK/f$n.json" --select "$2" $INPUTS
}

filter_case 'any' 'True'
filter_case 'proto tcp' 'r.get("protocolIdentifier") == 6'
filter_case 'not proto tcp' 'r.get("protocolIdentifier") != 6'
filter_case 'action reject' 'r.get("forwardingStatus") == 129'
filter_case 'dst port in [22 3389 3306]' 'r.get("destinationTransportPort") in (22, 3389, 3306)'
filter_case 'src net 10.0.0.0/8 or dst net 10.0.0.0/8' \
    'any(ip(str(r[k])) in net("10.0.0.0/8") for k in ("sourceIPv4Address", "destinationIPv4Address") if k in r)'
filter_case 'net 2001:db8::/32' \
    'any(ip(str(r[k])) in net("2001:db8::/32") for k in ("sourceIPv6Address", "destinationIPv6Address") if k in r)'
filter_case 'packets > 10 and bytes < 10k' \
    'r.get("packetDeltaCount", -1) > 10 and "octetDeltaCount" in r and r["octetDeltaCount"] < 10000'
filter_case 'proto tcp and (port 22 or port 443) and not action accept' \
    'r.get("protocolIdentifier") == 6 and ({22, 443} & {r.get("sourceTransportPort"), r.get("destinationTransportPort")}) and r.get("forwardingStatus") != 64'
filter_case 'direction egress' 'r.get("flowDirection") == 1'
filter_case 'flags S' '(r.get("tcpControlBits", 0) & 2) == 2 and "tcpControlBits" in r'

# Usage errors name the column.
run "$VPC2IPFIX" --filter 'proto tcp port 22' -o "$WORK/bad.ipfix" "$S/default-v2.log"
expect_rc 2 "--filter with a syntax error"
expect_grep "column 11: expected 'and', 'or' or the end, found 'port'" "$ERR" "--filter: the error names the column"
check "--filter with a syntax error: no output" "$([ ! -e "$WORK/bad.ipfix" ]; echo $?)"

# vpc-report: the same selection (its totals count only the selected flows).
# shellcheck disable=SC2086
run "$VPC_REPORT" -q --no-threats -O json --filter 'action reject' $INPUTS
expect_rc 0 "vpc-report --filter"
_want=$("$PYTHON3" "$srcdir/flowcheck.py" --select 'r.get("forwardingStatus") == 129' --count $INPUTS)
_got=$("$PYTHON3" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["totals"]["flows"])' "$OUT")
check "vpc-report --filter 'action reject': $_got flows reported, the oracle selects $_want" \
    "$([ -n "$_got" ] && [ "$_got" = "$_want" ]; echo $?)"

# nfdump: the filtered stream holds exactly what nfdump selects from the unfiltered one.
if command -v nfcapd >/dev/null 2>&1 && command -v nfdump >/dev/null 2>&1; then
    nf_compare() { # nf_compare VPC-FILTER NFDUMP-FILTER
        nfcapd_start "$WORK/nfall" || { not_ok "nfcapd did not start"; return 0; }
        # shellcheck disable=SC2086
        run "$VPC2IPFIX" -q --udp "127.0.0.1:$NFCAPD_PORT" $INPUTS
        wait_for 10 udp_drained "$NFCAPD_PORT" || diag "nfcapd left datagrams unread"
        nfcapd_stop "$WORK/nfall"
        TZ=UTC nfdump -R "$WORK/nfall" -q -N -6 -o "$NFDUMP_FMT" "$2" 2>/dev/null | sort >"$WORK/nf-want.txt"
        nfcapd_start "$WORK/nfsel" || { not_ok "nfcapd did not start"; return 0; }
        # shellcheck disable=SC2086
        run "$VPC2IPFIX" -q --filter "$1" --udp "127.0.0.1:$NFCAPD_PORT" $INPUTS
        wait_for 10 udp_drained "$NFCAPD_PORT" || diag "nfcapd left datagrams unread"
        nfcapd_stop "$WORK/nfsel"
        sort "$WORK/nfsel.txt" >"$WORK/nf-got.txt"
        if [ -s "$WORK/nf-got.txt" ] && cmp -s "$WORK/nf-want.txt" "$WORK/nf-got.txt"; then
            ok "--filter '$1' = nfdump '$2': the same $(grep -c . "$WORK/nf-got.txt") flows"
        else
            not_ok "--filter '$1' = nfdump '$2'"
            diff "$WORK/nf-want.txt" "$WORK/nf-got.txt" | head -20 | sed 's/^/#   /'
        fi
    }
    nf_compare 'proto tcp and dst port in [22 3389]' 'proto tcp and dst port in [22 3389]'
    nf_compare 'src net 172.31.0.0/16 and packets > 10' 'src net 172.31.0.0/16 and packets > 10'
    nf_compare 'not proto tcp or bytes > 4k' 'not proto tcp or bytes > 4k'
    nf_compare 'net 2001:db8::/32 or proto udp' 'net 2001:db8::/32 or proto udp'
else
    skip "nfdump comparison (nfdump not installed)"
fi

tap_done
