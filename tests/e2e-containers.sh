#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# End-to-end: CloudWatch export, CloudWatch API JSON, subscription payloads, Firehose objects.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${srcdir:-$(dirname "$0")}/lib.sh"

C=$SAMPLES/containers
V2=$SAMPLES/default-v2.log
# The format of the records in cwl-nointerface-subscription.b64 (no interface-id).
NOIF='version account-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status'

# The plain text every container sample was built from.
run "$VPC2IPFIX" -q -o "$WORK/plain.ipfix" "$V2"
expect_rc 0 "the plain text sample converts"

# same_flows DESCRIPTION IPFIX: the file holds exactly the flows of the plain text.
same_flows() {
    flowcheck "$1: the same flows as the plain text (tshark)" --ipfix "$2" \
        --same-flows "$WORK/plain.ipfix"
}

# container NAME EXPECTED-CONTAINER INPUT: detection by content, every record
# and element against the oracle, the same flows as the plain text.
container() {
    convert_check "$1" -- "$3"
    if [ -s "$_stats" ]; then
        expect_grep "\"container\": \"$2\"" "$_stats" "$1: detected as $2"
        same_flows "$1" "$_out"
    fi
}

# --- every container, detected by content -------------------------------------
container "CloudWatch export tree (create-export-task objects)" cloudwatch-export "$C/cwl-export"
container "filter-log-events output, 3 pages concatenated" json "$C/cwl-filter-log-events.json"
container "get-log-events output, compact pages back to back" json "$C/cwl-get-log-events.json"
container "a JSON array of events (--query events)" json "$C/cwl-events-array.json"
container "subscription payloads, base64 lines" base64 "$C/cwl-subscription.b64"
container "CloudWatch Logs Lambda events (awslogs.data)" json "$C/cwl-lambda-event.json"
container "Kinesis Lambda event (Records[].kinesis.data)" json "$C/kinesis-event.json"
container "Firehose {\"message\"} objects, no separators, no extension" json "$C/firehose"
container "Firehose S3 object of gzip subscription messages" json "$C/firehose-cwl.gz"

expect_grep '"control_messages": 1' "$_stats" "Firehose subscription object: its CONTROL_MESSAGE counted"

# A subscription payload file compressed as a whole, read from standard input.
gzip_to "$C/cwl-subscription.b64" "$WORK/sub.b64.gz"
run_in "$WORK/sub.b64.gz" "$VPC2IPFIX" -q -o "$WORK/stdin.ipfix" --stats-json="$WORK/stdin.json" -
expect_rc 0 "gzip of base64 payload lines on standard input"
flowcheck "payloads on standard input: every record and element, stats" \
    --ipfix "$WORK/stdin.ipfix" --stats "$WORK/stdin.json" --stdin-file "$WORK/sub.b64.gz" -- -
same_flows "payloads on standard input" "$WORK/stdin.ipfix"

# --- a mixed directory: file by file -----------------------------------------
mkdir -p "$WORK/mixed"
cp -R "$C/cwl-export" "$C/firehose" "$WORK/mixed/"
cp "$C/cwl-filter-log-events.json" "$C/cwl-subscription.b64" "$C/kinesis-event.json" \
    "$C/firehose-cwl.gz" "$V2" "$WORK/mixed/"
convert_check "a directory mixing every container and plain text" -- "$WORK/mixed"
for k in text cloudwatch-export json base64; do
    expect_grep "\"container\": \"$k\"" "$_stats" "mixed directory: a $k input"
done

# --- the log stream as the interface id ---------------------------------------
convert_check "subscription without interface-id: the stream names the interface" \
    "--format=$NOIF" -- "$C/cwl-nointerface-subscription.b64"
if have_decoders; then
    tshark -r "$_out" -T fields -e cflow.if_name 2>/dev/null | tr ',' '\n' | sort -u \
        >"$WORK/ifnames" || true
    expect_grep '^my-custom-stream$' "$WORK/ifnames" "a stream that is not an ENI id is kept whole"
    expect_grep '^eni-0a1b2c3d4e5f60718$' "$WORK/ifnames" "an ENI stream loses its -all suffix"
    expect_no_grep '-all$' "$WORK/ifnames" "no interface name keeps the -all suffix"
fi

# A stream name longer than 255 bytes is not an interface id.
long=$(printf '%0300d' 0 | tr 0 s)
printf '{"logStreamName": "%s", "message": "2 123456789012 10.0.1.23 10.0.2.15 443 50000 6 10 800 1795132800 1795132860 ACCEPT OK"}\n' \
    "$long" >"$WORK/longstream.json"
run "$VPC2IPFIX" -q -o "$WORK/longstream.ipfix" --stats-json="$WORK/longstream.stats" \
    "--format=$NOIF" "$WORK/longstream.json"
expect_rc 0 "a 300-byte stream name"
expect_grep '"flows": 1,' "$WORK/longstream.stats" "a 300-byte stream name: the flow is kept"
expect_grep '"interfaces": 0,' "$WORK/longstream.stats" \
    "a 300-byte stream name: not taken as an interface"

# CloudWatch export without interface-id: the stream is the directory's name.
mkdir -p "$WORK/noif-export/task"
for d in "$C"/cwl-export/*/*; do
    mkdir -p "$WORK/noif-export/task/${d##*/}"
    gzip -dc "$d/000000.gz" |
        awk '{ out = $1; for (i = 2; i <= NF; i++) if (i != 4) out = out " " $i; print out }' |
        gzip -n >"$WORK/noif-export/task/${d##*/}/000000.gz"
done
convert_check "CloudWatch export without interface-id: the directory names the interface" \
    "--format=$NOIF" -- "$WORK/noif-export"

# --- --input-format ------------------------------------------------------------
# base64 of plain JSON (no gzip) is not detected (no H4sI), but can be forced.
while IFS= read -r line; do
    printf '%s' "$line" | base64 -d | gzip -dc | base64 -w 0
    echo
done <"$C/cwl-subscription.b64" >"$WORK/plain-json.b64"
run "$VPC2IPFIX" -q -o "$WORK/undetected.ipfix" --stats-json="$WORK/undetected.json" \
    "$WORK/plain-json.b64"
expect_grep '"container": "text"' "$WORK/undetected.json" \
    "base64 of uncompressed JSON is not detected as base64"
convert_check "--input-format=base64 forces payload decoding" --input-format=base64 -- \
    "$WORK/plain-json.b64"
same_flows "forced base64" "$_out"

convert_check "--input-format=text reads JSON as (malformed) text lines" --input-format=text -- \
    "$C/cwl-get-log-events.json"
expect_grep '"flows": 0,' "$_stats" "JSON read as text gives no flows"

run "$VPC2IPFIX" -q -o "$WORK/x.ipfix" --input-format=parquet "$V2"
expect_rc 2 "an unknown --input-format is a usage error"
expect_grep "parquet" "$ERR" "the usage error names the value"

# --- bad containers: counted, named with file and line, the rest converted -----
for f in "$C"/bad/*; do
    convert_check "malformed container $(basename "$f")" -- "$f"
    # Every problem the oracle finds is reported as FILE:LINE by vpc2ipfix.
    "$PYTHON3" "$FLOWCHECK" --list-malformed "$f" | cut -d: -f1,2 | sort >"$WORK/want"
    grep -E -o "^vpc2ipfix: [^ ]*:[0-9]+:" "$ERR" | sed 's/^vpc2ipfix: //; s/:$//' | sort \
        >"$WORK/got"
    if [ -s "$WORK/want" ] && diff -u "$WORK/want" "$WORK/got" >"$WORK/diff"; then
        ok "$(basename "$f"): every bad payload and record reported at its FILE:LINE"
    else
        not_ok "$(basename "$f"): every bad payload and record reported at its FILE:LINE"
        diag_file "$WORK/diff"
    fi
done

run "$VPC2IPFIX" -q -o "$WORK/strict.ipfix" --strict "$C/bad/bad.b64"
expect_rc 1 "--strict: a bad payload is fatal"
expect_grep 'bad\.b64:2: payload is not base64' "$ERR" "--strict: the first bad payload is named"
if [ -e "$WORK/strict.ipfix" ]; then not_ok "--strict: no output left"; else ok "--strict: no output left"; fi

# A JSON document that is not a flow-log container, met in a directory walk.
mkdir -p "$WORK/walk"
cp "$V2" "$WORK/walk/a.log"
echo '{"Version": "2012-10-17", "Statement": []}' >"$WORK/walk/policy.json"
convert_check "a stray JSON file in a directory walk is one bad payload" -- "$WORK/walk"
expect_grep '"bad_payloads": 1' "$_stats" "the stray JSON file counted as a bad payload"

# One 100 MB message string (then a normal event): cut at 4 MiB and skipped, one
# malformed event counted, the next record converted (yajl alone re-read the
# buffered token with every piece: quadratic time, memory as large as the token).
"$PYTHON3" - "$WORK/long.json" <<'PY'
import sys
rec = "2 123456789012 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 40 1 2 ACCEPT OK"
with open(sys.argv[1], "w") as f:
    f.write('{"events":[{"logStreamName":"eni-1","message":"')
    f.write("x" * (100 * 1024 * 1024))
    f.write('"},{"logStreamName":"eni-1","message":"%s"}]}\n' % rec)
PY
run "$VPC2IPFIX" -q --stats-json "$WORK/long.stats" -o "$WORK/long.ipfix" "$WORK/long.json"
expect_rc 0 "a 100 MB message string"
expect_grep 'long\.json:1: log event message longer than 4 MiB' "$ERR" \
    "a 100 MB message string: reported at its FILE:LINE"
_long=$("$PYTHON3" -c 'import json,sys; t=json.load(open(sys.argv[1]))["total"]; print(t["malformed"], t["flows"])' "$WORK/long.stats")
check "a 100 MB message string: 1 malformed, 1 flow (got ${_long:-?})" "$([ "$_long" = "1 1" ]; echo $?)"
rm -f "$WORK/long.json"

tap_done
