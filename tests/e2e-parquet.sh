#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# End-to-end: Parquet flow logs (DuckDB and arrow-rs writers) give exactly the flows and counts of their text twins.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${srcdir:-$(dirname "$0")}/lib.sh"

: "${VPC_REPORT:=$top_builddir/src/vpc-report}"
P=$SAMPLES/parquet
TWINS=$srcdir/parquet/twins

# same_totals DESCRIPTION A.json B.json KEY: the "KEY" objects of two JSON files are equal.
same_totals() {
    echo "# \$ compare \"$4\" of $(basename "$2") and $(basename "$3")"
    _rc=0
    "$PYTHON3" -c 'import json, sys
a, b = (json.load(open(f))[sys.argv[3]] for f in sys.argv[1:3])
if a != b:
    print("# parquet:", a)
    print("# text:   ", b)
    sys.exit(1)' "$2" "$3" "$4" || _rc=$?
    check "$1" "$_rc"
}

# --- the text twins, checked against the oracle --------------------------------
for twin in "$TWINS"/*.log; do
    stem=$(basename "$twin" .log)
    convert_check "text twin $stem" -- "$twin"
    cp "$_out" "$WORK/$stem.text.ipfix"
    cp "$_stats" "$WORK/$stem.text.json"
done

# --- every committed Parquet sample: the flows and counts of its twin ---------
# parquet_twin DESCRIPTION FILE STEM: FILE converts to the flows of the twin STEM.
parquet_twin() {
    _o=$WORK/p$((tap_n + 1))
    run "$VPC2IPFIX" -q -o "$_o.ipfix" --stats-json="$_o.json" "$2"
    expect_rc 0 "$1: vpc2ipfix"
    [ "$RC" -eq 0 ] || return 0
    expect_grep '"container": "parquet"' "$_o.json" "$1: recognised as Parquet"
    flowcheck "$1: the same flows as its text twin (tshark)" --ipfix "$_o.ipfix" \
        --same-flows "$WORK/$3.text.ipfix"
    same_totals "$1: the same counts as its text twin (every row accounted for)" \
        "$_o.json" "$WORK/$3.text.json" total
    # The oracle reads the Parquet itself, through DuckDB (tests/parquet/parquet-to-text.mjs).
    if [ "$HAVE_DUCKDB" = yes ]; then
        flowcheck "$1: every record and element against the oracle (DuckDB reads it)" \
            --ipfix "$_o.ipfix" --stats "$_o.json" "$2"
    else
        skip "$1: the oracle reading Parquet (tests/node_modules missing: cd tests && npm ci)"
    fi
}
HAVE_DUCKDB=no
if [ -d "$srcdir/node_modules/@duckdb/node-api" ] && command -v node >/dev/null 2>&1; then
    HAVE_DUCKDB=yes
fi
n=0
for f in "$P"/*.parquet; do
    name=$(basename "$f")
    parquet_twin "$name" "$f" "${name%%.*}"
    n=$((n + 1))
done
[ "$n" -ge 10 ]
check "at least 10 committed Parquet samples ($n)" $?

# --- recognised by content, in directory walks ---------------------------------
mkdir -p "$WORK/walk/AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/20"
D=$WORK/walk/AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/20
cp "$P/default-v2.duckdb-gzip.log.parquet" "$D/123456789012_vpcflowlogs_us-east-1_fl-0123_20261120T0000Z_abcd.log.parquet"
cp "$TWINS/ipv6.log" "$D/ipv6.log"
cp "$P/v5-custom.arrow-snappy-v2-delta.log.parquet" "$D/no-extension"
# The Hive-compatible S3 layout.
H=$WORK/walk/hive/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=us-east-1/year=2026/month=11/day=20
mkdir -p "$H"
cp "$P/ipv6.duckdb-zstd-v2.log.parquet" "$H/123456789012_vpcflowlogs_us-east-1_fl-0123_20261120T0000Z_ef01.log.parquet"
run "$VPC2IPFIX" -q -o "$WORK/walk.ipfix" --stats-json="$WORK/walk.json" "$WORK/walk"
expect_rc 0 "a directory walk with Parquet objects"
expect_grep '\.log\.parquet", "compressed": false, "container": "parquet"' "$WORK/walk.json" \
    "walk: the *.log.parquet object is read as Parquet"
expect_grep 'no-extension", "compressed": false, "container": "parquet"' "$WORK/walk.json" \
    "walk: a Parquet object without an extension is recognised by its magic"
expect_grep 'day=20/[^"]*_ef01\.log\.parquet", "compressed": false, "container": "parquet"' \
    "$WORK/walk.json" "walk: a Parquet object in the Hive-compatible layout"
expect_grep '"failed_inputs": 0' "$WORK/walk.json" "walk: no input failed"
"$PYTHON3" -c 'import json, sys
s = json.load(open(sys.argv[1]))
sys.exit(0 if (s["total"]["flows"], len(s["inputs"])) == (22 + 11 + 12 + 11, 4) else 1)' \
    "$WORK/walk.json"
check "walk: four inputs, every flow of the three Parquet files and the text file" $?

# --- broken Parquet: an error naming the file, exit 1, the run goes on --------
head -c 3000 "$P/default-v2.duckdb-gzip.log.parquet" >"$WORK/truncated.log.parquet"
run "$VPC2IPFIX" -q -o "$WORK/bad.ipfix" --stats-json="$WORK/bad.json" \
    "$WORK/truncated.log.parquet" "$TWINS/default-v2.log"
expect_rc 1 "a truncated Parquet file fails the run"
expect_grep 'truncated\.log\.parquet: Parquet: bad magic at the end' "$ERR" \
    "the error names the file and says what is wrong"
expect_grep '"failed_inputs": 1' "$WORK/bad.json" "the broken file is counted as failed"
flowcheck "the input after the broken file is converted in full" --ipfix "$WORK/bad.ipfix" \
    --same-flows "$WORK/default-v2.text.ipfix"

# A page cut short inside the file (the footer intact): the error names the
# row group and the column.
"$PYTHON3" - "$P/default-v2.arrow-none-plain.log.parquet" "$WORK/badpage.parquet" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
# Overwrite the first data page's bytes after its header with 0xff: a PLAIN
# BYTE_ARRAY length far past the page, or a definition-level length.
data[4 + 40:4 + 400] = b"\xff" * 360
open(sys.argv[2], "wb").write(bytes(data))
PY
run "$VPC2IPFIX" -q -o "$WORK/badpage.ipfix" "$WORK/badpage.parquet"
expect_rc 1 "a Parquet file with a corrupt page fails"
expect_grep 'badpage\.parquet: Parquet row group 0, column [a-z-]+: ' "$ERR" \
    "the error names the file, the row group and the column"

# Standard input redirected from a Parquet file is read; a pipe cannot be
# (the footer is at the end).
run_in "$P/default-v2.duckdb-gzip.log.parquet" "$VPC2IPFIX" -q -o "$WORK/stdin.ipfix" -
expect_rc 0 "Parquet on standard input redirected from a file"
flowcheck "Parquet on standard input: the flows of its text twin" --ipfix "$WORK/stdin.ipfix" \
    --same-flows "$WORK/default-v2.text.ipfix"
run sh -c 'cat "$1" | "$2" -q -o "$3" -' sh "$P/default-v2.duckdb-gzip.log.parquet" \
    "$VPC2IPFIX" "$WORK/pipe.ipfix"
expect_rc 1 "Parquet through a pipe is refused"
expect_grep '<stdin>: Parquet needs a regular file' "$ERR" "the refusal says why"

# gzip of a whole Parquet file: refused with a clear message.
gzip_to "$P/default-v2.duckdb-gzip.log.parquet" "$WORK/whole.parquet.gz"
run "$VPC2IPFIX" -q -o "$WORK/whole.ipfix" "$WORK/whole.parquet.gz"
expect_rc 1 "a gzip-compressed Parquet file is refused"
expect_grep 'gzip-compressed Parquet file' "$ERR" "the refusal says what it is"

# --- vpc-report reads Parquet too ----------------------------------------------
run "$VPC_REPORT" -q --no-threats -O json -o "$WORK/report-parquet.json" \
    "$P/v8-all.arrow-gzip-v2-dict.log.parquet"
expect_rc 0 "vpc-report reads a Parquet file"
run "$VPC_REPORT" -q --no-threats -O json -o "$WORK/report-text.json" "$TWINS/v8-all.log"
expect_rc 0 "vpc-report reads its text twin"
for key in totals rejects scanners time; do
    same_totals "vpc-report: the same $key from Parquet as from text" \
        "$WORK/report-parquet.json" "$WORK/report-text.json" "$key"
done

# --- regenerated by the pinned writers (npm: tests/package.json) ---------------
if [ -d "$srcdir/node_modules/@duckdb/node-api" ] && [ -d "$srcdir/node_modules/parquet-wasm" ] \
    && command -v node >/dev/null 2>&1; then
    run node "$srcdir/parquet/gen-parquet.mjs" "$SAMPLES" "$WORK/regen" "$WORK/regen-twins"
    expect_rc 0 "the generator writes the samples again with today's writers"
    for twin in "$TWINS"/*.log; do
        cmp -s "$twin" "$WORK/regen-twins/$(basename "$twin")"
        check "the committed twin $(basename "$twin") is what the generator makes" $?
    done
    for f in "$WORK"/regen/*.parquet; do
        name=$(basename "$f")
        parquet_twin "regenerated $name" "$f" "${name%%.*}"
    done
else
    skip "regenerating the samples: tests/node_modules missing (cd tests && npm ci)"
fi

tap_done
