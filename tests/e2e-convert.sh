#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# End-to-end: convert every sample log and check every record and element with the oracle.
#
# Each conversion runs vpc2ipfix with --stats-json, then tests/flowcheck.py,
# which parses the same inputs on its own, decodes the IPFIX file with
# ipfixDump (element file and RFC 5610) and tshark, and compares everything
# in order, plus the statistics JSON.

# shellcheck disable=SC2016 # '${field}' is the literal AWS format syntax
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${srcdir:-$(dirname "$0")}/lib.sh"

S=$SAMPLES

run "$PYTHON3" "$FLOWCHECK" --selftest
expect_rc 0 "the oracle passes its own known-answer tests"

for f in default-v2 v5-custom v8-all ipv6 malformed crlf millis midheader; do
    convert_check "$f.log" -- "$S/$f.log"
done

# headerless.log has no header; its columns are given with --format, in the
# AWS syntax and as plain names:
#   ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${action}
convert_check "headerless.log, --format in AWS \${...} syntax" \
    '--format=${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${action}' -- \
    "$S/headerless.log"
convert_check "headerless.log, --format as plain names" \
    '--format=srcaddr dstaddr srcport dstport protocol action' -- "$S/headerless.log"

# Both spellings must give the same bytes (apart from the export time).
run "$VPC2IPFIX" -q '--format=${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${action}' \
    -o "$WORK/fmt1.ipfix" "$S/headerless.log"
run "$VPC2IPFIX" -q -f 'srcaddr dstaddr srcport dstport protocol action' \
    -o "$WORK/fmt2.ipfix" "$S/headerless.log"
if have_decoders; then
    ipfixDump -d -i "$WORK/fmt1.ipfix" 2>&1 | grep -v 'export time' >"$WORK/fmt1.txt"
    ipfixDump -d -i "$WORK/fmt2.ipfix" 2>&1 | grep -v 'export time' >"$WORK/fmt2.txt"
    if cmp -s "$WORK/fmt1.txt" "$WORK/fmt2.txt" && [ -s "$WORK/fmt1.txt" ]; then
        ok "--format: \${a} syntax and plain names give the same records"
    else
        not_ok "--format: \${a} syntax and plain names give the same records"
        diff "$WORK/fmt1.txt" "$WORK/fmt2.txt" | head -20 | sed 's/^/#   /'
    fi
else
    skip "--format spellings compared (ipfixDump not installed)"
fi

# A header in the input overrides --format (midheader.log starts header-less:
# those lines then follow --format, so give the default columns explicitly).
convert_check "midheader.log with --format = the default columns" \
    '--format=version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status' -- \
    "$S/midheader.log"

# The S3 tree: three objects of one day, README.md skipped.
convert_check "S3 tree directory" -- "$S/AWSLogs"

# Every sample file in one run: records in input order, one stats entry per input.
convert_check "all default-format samples in one run" -- \
    "$S/default-v2.log" "$S/v5-custom.log" "$S/v8-all.log" "$S/ipv6.log" \
    "$S/malformed.log" "$S/crlf.log" "$S/millis.log" "$S/midheader.log"

# The same file twice: a header-less input after one with a header starts
# again from the default format.
convert_check "each input starts with the default columns" -- \
    "$S/v5-custom.log" "$S/midheader.log"

# An unknown column ("future-field") is carried past and said once per run.
run "$VPC2IPFIX" -q -o "$WORK/unknown.ipfix" "$S/midheader.log" "$S/midheader.log"
expect_rc 0 "unknown column: not an error"
if [ "$(grep -c 'future-field' "$ERR")" -eq 1 ]; then
    ok "unknown column: named once on stderr for two inputs"
else
    not_ok "unknown column: named once on stderr for two inputs"
    diag_file "$ERR"
fi

# --packet-addresses-as-key: pkt-* become the key, srcaddr/dstaddr post-NAT.
convert_check "v5-custom.log --packet-addresses-as-key" --packet-addresses-as-key -- \
    "$S/v5-custom.log"
convert_check "ipv6.log --packet-addresses-as-key" --packet-addresses-as-key -- "$S/ipv6.log"
convert_check "v8-all.log --packet-addresses-as-key" --packet-addresses-as-key -- "$S/v8-all.log"

# Observation domain.
convert_check "default-v2.log -d 42" -d 42 -- "$S/default-v2.log"
convert_check "default-v2.log --observation-domain=4294967295" \
    --observation-domain=4294967295 -- "$S/default-v2.log"

# Template IDs are stable per element set: the same set gets the same ID in a
# run that sees other sets first.
run "$VPC2IPFIX" -q -o "$WORK/tid-a.ipfix" "$S/default-v2.log"
run "$VPC2IPFIX" -q -o "$WORK/tid-b.ipfix" "$S/v8-all.log" "$S/ipv6.log" "$S/v5-custom.log" \
    "$S/default-v2.log"
flowcheck "template IDs stable per element set across runs" --ipfix "$WORK/tid-b.ipfix" \
    --same-templates "$WORK/tid-a.ipfix" "$S/v8-all.log" "$S/ipv6.log" "$S/v5-custom.log" \
    "$S/default-v2.log"

# Spot check written out by hand (independent of the oracle's code): the AWS
# user guide example line.  FNV-1a 32 of "eni-1235b8ca123456789" is 0x3bbf9fcc,
# so the interface index is 1 + 0x3bbf9fcc % 65535 = 56204 (ingress: no
# flow-direction column).
if have_decoders; then
    printf '%s\n' \
        "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK" \
        >"$WORK/aws-example.log"
    # By default the flow alone; with --interface-table, first the table
    # (options template 257: index and name), then the flow.
    flow='172.31.16.139 172.31.16.21 20641 22 6 20 4249 Dec 14, 2014 04:06:50.000000000 UTC Dec 14, 2014 04:07:50.000000000 UTC 2 eni-1235b8ca123456789 56204'
    for table in "" --interface-table; do
        run "$VPC2IPFIX" -q $table -o "$WORK/aws-example.ipfix" "$WORK/aws-example.log"
        tshark -n -r "$WORK/aws-example.ipfix" -T fields -E separator=' ' \
            -e cflow.srcaddr -e cflow.dstaddr -e cflow.srcport -e cflow.dstport \
            -e cflow.protocol -e cflow.packets -e cflow.octets -e cflow.abstimestart \
            -e cflow.abstimeend -e cflow.firewall_event -e cflow.if_name \
            -e cflow.inputint 2>/dev/null |
            sed 's/^ *//' | grep -v '^$' >"$WORK/aws-example.txt"
        want=$flow
        [ -z "$table" ] || want="eni-1235b8ca123456789 56204
$flow"
        if [ "$(cat "$WORK/aws-example.txt")" = "$want" ]; then
            ok "the AWS user guide example${table:+ with $table}, read back by tshark"
        else
            not_ok "the AWS user guide example${table:+ with $table}, read back by tshark"
            diag "expected: $want"
            diag "got:"
            diag_file "$WORK/aws-example.txt"
        fi
    done
else
    skip "the AWS user guide example (tshark not installed)"
fi

tap_done
