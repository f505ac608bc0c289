#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# End-to-end: Transit Gateway flow logs (text, gzip, every container), headers of unknown names, mixed address families.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${srcdir:-$(dirname "$0")}/lib.sh"

G=$SAMPLES/tgw
# The Transit Gateway default format: the header line of the text sample.
TGW=$(head -n 1 "$G/tgw-default.log")

# --- Transit Gateway records, text and gzip --------------------------------------
convert_check "Transit Gateway default format (text)" -- "$G/tgw-default.log"
cp "$_out" "$WORK/tgw.ipfix"
expect_no_grep "unknown field" "$ERR" "Transit Gateway header: every name is a field"
expect_grep '"malformed": 0' "$_stats" "Transit Gateway text: no malformed line"
convert_check "Transit Gateway default format (gzip)" -- "$G/tgw-default.log.gz"
flowcheck "Transit Gateway gzip: the flows of the text (tshark)" --ipfix "$_out" \
    --same-flows "$WORK/tgw.ipfix"

# A header with names AWS does not document: one warning each, no malformed line.
convert_check "Transit Gateway header with two unknown names" -- "$G/tgw-new-names.log"
for name in future-field-one future-field-two; do
    n=$(grep -c "unknown field '$name'" "$ERR" || true)
    [ "$n" -eq 1 ]
    check "unknown name $name: warned about once ($n)" $?
done
expect_grep '"malformed": 0' "$_stats" "header with unknown names: no malformed line"
flowcheck "header with unknown names: the flows of the plain sample (tshark)" --ipfix "$_out" \
    --same-flows "$WORK/tgw.ipfix"

# A header made only of unknown names, then records: read as a header.
{
    echo "brand-new-field another-new-field"
    echo "abc-1 42"
    echo "abc-2 43"
} >"$WORK/only-unknown.log"
run "$VPC2IPFIX" -q -o "$WORK/only-unknown.ipfix" --stats-json="$WORK/only-unknown.json" \
    "$WORK/only-unknown.log"
expect_rc 0 "a header of only unknown names: vpc2ipfix"
expect_grep '"headers": 1' "$WORK/only-unknown.json" "a header of only unknown names: a header"
expect_grep '"malformed": 0' "$WORK/only-unknown.json" "a header of only unknown names: no malformed line"
for name in brand-new-field another-new-field; do
    n=$(grep -c "unknown field '$name'" "$ERR" || true)
    [ "$n" -eq 1 ]
    check "a header of only unknown names: $name warned about once ($n)" $?
done

# --- the same records in every container (header-less: --format) ----------------
# (the log stream, an attachment ID, names the interface: the flows are those of
# the text plus interfaceName and its index, which the oracle checks)
container() {
    convert_check "Transit Gateway, $1" "--format=$TGW" -- "$3"
    if [ -s "$_stats" ]; then
        expect_grep "\"container\": \"$2\"" "$_stats" "Transit Gateway, $1: detected as $2"
    fi
}
C=$G/containers
container "CloudWatch export tree" cloudwatch-export "$C/cwl-export"
container "filter-log-events pages" json "$C/cwl-filter-log-events.json"
container "get-log-events pages" json "$C/cwl-get-log-events.json"
container "events array" json "$C/cwl-events-array.json"
container "subscription payloads" base64 "$C/cwl-subscription.b64"
container "Lambda events" json "$C/cwl-lambda-event.json"
container "Kinesis event" json "$C/kinesis-event.json"
container "Firehose object" json "$C/firehose"
flowcheck "Transit Gateway Firehose object (no stream): the flows of the text (tshark)" \
    --ipfix "$_out" --same-flows "$WORK/tgw.ipfix"
container "Firehose object of subscription messages" json "$C/firehose-cwl.gz"

# --- source and destination of different address families -----------------------
{
    echo "version srcaddr dstaddr pkt-srcaddr pkt-dstaddr action"
    echo "5 10.0.0.1 10.0.0.2 10.0.0.1 10.0.0.2 ACCEPT"
    echo "5 10.0.0.1 2001:db8::2 - - ACCEPT"
    echo "5 2001:db8::1 10.0.0.2 - - REJECT"
    echo "5 10.0.0.1 10.0.0.2 10.0.0.1 2001:db8::2 ACCEPT"
    echo "5 10.0.0.1 10.0.0.2 64:ff9b::a00:1 64:ff9b::a00:2 ACCEPT"
} >"$WORK/mixed.log"
convert_check "mixed address families" -- "$WORK/mixed.log"
expect_grep '"malformed": 3' "$_stats" "mixed address families: three malformed lines"
expect_grep '"flows_ipv4": 2' "$_stats" "mixed address families: the two others IPv4 flows"
expect_grep 'srcaddr and dstaddr are of different address families \(IPv4 and IPv6\)' "$ERR" \
    "mixed address families: the reason is named"

tap_done
