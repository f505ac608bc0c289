#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# End-to-end: input containers: gzip, multi-member and truncated gzip, stdin, directories, CRLF, --strict.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${srcdir:-$(dirname "$0")}/lib.sh"

S=$SAMPLES
V2=$S/default-v2.log
V5=$S/v5-custom.log

# --- gzip -----------------------------------------------------------------
gzip_to "$V2" "$WORK/v2.log.gz"
convert_check "gzip input (.log.gz)" -- "$WORK/v2.log.gz"

cp "$WORK/v2.log.gz" "$WORK/gzip-named.log"
convert_check "gzip detected by magic bytes, not by name (.log)" -- "$WORK/gzip-named.log"

gzip_to "$S/crlf.log" "$WORK/crlf.log.gz"
convert_check "gzip of a CRLF file" -- "$WORK/crlf.log.gz"

# multi-member: two gzip files concatenated (the second starts with its header)
gzip_to "$V2" "$WORK/a.gz"
gzip_to "$V5" "$WORK/b.gz"
cat "$WORK/a.gz" "$WORK/b.gz" >"$WORK/multi.log.gz"
convert_check "multi-member gzip (default-v2 + v5-custom)" -- "$WORK/multi.log.gz"

# an empty gzip member in the middle
printf '' | gzip -n -c >"$WORK/empty.gz"
cat "$WORK/a.gz" "$WORK/empty.gz" "$WORK/b.gz" >"$WORK/multi-empty.log.gz"
convert_check "multi-member gzip with an empty member" -- "$WORK/multi-empty.log.gz"

# truncated gzip: exit 1, the file named, records before the cut kept
: >"$WORK/big.log"
i=0
while [ $i -lt 40 ]; do
    cat "$V2" >>"$WORK/big.log"
    i=$((i + 1))
done
gzip_to "$WORK/big.log" "$WORK/big.log.gz"
size=$(wc -c <"$WORK/big.log.gz")
head -c $((size * 2 / 3)) "$WORK/big.log.gz" >"$WORK/trunc.log.gz"
run "$VPC2IPFIX" -q -o "$WORK/trunc.ipfix" --stats-json="$WORK/trunc.json" "$WORK/trunc.log.gz"
expect_rc 1 "truncated gzip fails"
expect_grep 'trunc\.log\.gz' "$ERR" "truncated gzip: the message names the file"
if [ -s "$WORK/trunc.ipfix" ]; then
    ok "truncated gzip: the output file is kept"
    flowcheck "truncated gzip: the records before the cut are in the output" \
        --ipfix "$WORK/trunc.ipfix" --prefix --min-records 100 \
        --stats "$WORK/trunc.json" "$WORK/trunc.log.gz"
else
    not_ok "truncated gzip: the output file is kept"
    skip "truncated gzip: the records before the cut are in the output (no output)"
fi

# truncated gzip followed by a good input: still exit 1
run "$VPC2IPFIX" -q -o "$WORK/trunc2.ipfix" "$WORK/trunc.log.gz" "$V5"
expect_rc 1 "truncated gzip then a good file: exit 1"

# A gzip cut inside the last line's final numeric column: the fragment
# "... 6 9876" must not become a record (the real value is 987654321).  Stored
# (level 0) deflate blocks make the cut land exactly there.
"$PYTHON3" - "$WORK/cut.log.gz" <<'PY'
import sys, zlib
data = b"srcaddr dstaddr srcport dstport protocol bytes\n" + b"".join(
    b"10.0.0.%d 10.0.0.2 443 5000%d 6 987654321\n" % (i, i) for i in range(1, 6))
co = zlib.compressobj(level=0, wbits=31)
gz = co.compress(data) + co.flush()
keep = len(data) - len(b"54321\n")
open(sys.argv[1], "wb").write(gz[:10 + 5 + keep])  # gzip header + stored block header
PY
run "$VPC2IPFIX" -q -o "$WORK/cut.ipfix" --stats-json="$WORK/cut.json" "$WORK/cut.log.gz"
expect_rc 1 "gzip cut inside the last line fails"
flowcheck "gzip cut inside the last line: the fragment is not exported as a record" \
    --ipfix "$WORK/cut.ipfix" --prefix --min-records 4 --stats "$WORK/cut.json" "$WORK/cut.log.gz"

# garbage after the gzip magic
printf '\037\213\010\000garbage, not deflate data\n' >"$WORK/corrupt.log.gz"
run "$VPC2IPFIX" -q -o "$WORK/corrupt.ipfix" "$WORK/corrupt.log.gz"
expect_rc 1 "corrupt gzip fails"
expect_grep 'corrupt\.log\.gz' "$ERR" "corrupt gzip: the message names the file"

# --- stdin ----------------------------------------------------------------
run_in "$V2" "$VPC2IPFIX" -q -o "$WORK/stdin1.ipfix" --stats-json="$WORK/stdin1.json"
expect_rc 0 "stdin (no INPUT)"
flowcheck "stdin (no INPUT): records and stats" --ipfix "$WORK/stdin1.ipfix" \
    --stats "$WORK/stdin1.json" --stdin-file "$V2" -- -

run_in "$V5" "$VPC2IPFIX" -q -o "$WORK/stdin2.ipfix" --stats-json="$WORK/stdin2.json" -
expect_rc 0 "stdin as '-'"
flowcheck "stdin as '-': records and stats" --ipfix "$WORK/stdin2.ipfix" \
    --stats "$WORK/stdin2.json" --stdin-file "$V5" -- -

run_in "$WORK/multi.log.gz" "$VPC2IPFIX" -q -o "$WORK/stdin3.ipfix" -
expect_rc 0 "multi-member gzip on stdin"
flowcheck "multi-member gzip on stdin: records" --ipfix "$WORK/stdin3.ipfix" \
    --stdin-file "$WORK/multi.log.gz" -- -

run_in "$V5" "$VPC2IPFIX" -q -o "$WORK/stdin4.ipfix" --stats-json="$WORK/stdin4.json" \
    "$V2" - "$S/ipv6.log"
expect_rc 0 "stdin between two files"
flowcheck "stdin between two files: records in order, stats per input" \
    --ipfix "$WORK/stdin4.ipfix" --stats "$WORK/stdin4.json" --stdin-file "$V5" -- \
    "$V2" - "$S/ipv6.log"

# --- directories ------------------------------------------------------------
run "$VPC2IPFIX" -o "$WORK/tree.ipfix" --stats-json="$WORK/tree.json" "$S/AWSLogs"
expect_rc 0 "S3 tree directory"
expect_grep 'README\.md' "$ERR" "directory: the skipped non-flow file is named"
flowcheck "S3 tree: files in sorted order, README.md skipped" --ipfix "$WORK/tree.ipfix" \
    --stats "$WORK/tree.json" "$S/AWSLogs"

# the same tree gzipped, with a .txt file, a nested directory and more non-flow files
mkdir -p "$WORK/tree/AWSLogs"
cp -R "$S/AWSLogs/." "$WORK/tree/AWSLogs/"
day=$(dirname "$(find "$WORK/tree" -name '*.log' | head -n 1)")
for f in "$day"/*.log; do
    gzip -n "$f"
done
mkdir -p "$day/00"
cp "$S/ipv6.log" "$day/00/zz-ipv6.txt"
cp "$S/millis.log" "$day/00/aa-millis.log"
echo '{}' >"$day/00/manifest.csv"
echo 'not a log' >"$day/notes.md"
convert_check "gzipped S3 tree with a nested hour directory and .txt" -- "$WORK/tree"

# links and hidden entries: a symbolic link to a directory is not followed
# (here a loop), a link to a file is read, hidden files and directories are skipped
mkdir -p "$WORK/links/a" "$WORK/links/.hidden"
cp "$S/crlf.log" "$WORK/links/a/x.log"
cp "$S/ipv6.log" "$WORK/links/.hidden/h.log"
cp "$S/ipv6.log" "$WORK/links/a/.dot.log"
ln -s .. "$WORK/links/a/up"
ln -s "$V5" "$WORK/links/b-link.log"
convert_check "directory with a symlink loop, a file link, hidden entries" -- "$WORK/links"

# an empty directory
mkdir "$WORK/emptydir"
run "$VPC2IPFIX" -q -o "$WORK/emptydir.ipfix" "$WORK/emptydir"
if [ "$RC" -eq 0 ] || [ "$RC" -eq 1 ]; then
    ok "empty directory: no crash (exit $RC)"
else
    not_ok "empty directory: no crash (exit $RC)"
    diag_file "$ERR"
fi

# --- line endings, odd files ---------------------------------------------------
convert_check "CRLF line endings" -- "$S/crlf.log"

printf '%s' "$(cat "$V2")" >"$WORK/no-eol.log"
convert_check "no newline after the last line" -- "$WORK/no-eol.log"

: >"$WORK/empty.log"
convert_check "empty file" -- "$WORK/empty.log"

head -n 1 "$V2" >"$WORK/header-only.log"
convert_check "header only" -- "$WORK/header-only.log"

printf '\n\n   \n' >"$WORK/blank.log"
convert_check "blank lines only" -- "$WORK/blank.log"

# a line too long for one IPFIX record is a malformed line, not a fatal error
"$PYTHON3" -c '
print("srcaddr ecs-task-arn ecs-task-id")
print("10.0.0.1 " + "a" * 70000 + " t1")
print("10.0.0.2 " + "b" * 300 + " t2")
print("10.0.0.3 " + "c" * 255 + " " + "d" * 40000)' >"$WORK/long.log"
convert_check "a 70000-byte line is malformed, the others converted" -- "$WORK/long.log"

# lines over the reader's 1 MiB limit (first line, and mid-file) are malformed too
"$PYTHON3" -c '
print("x" * 1100000)
print("2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 2 ACCEPT OK")
print("y" * 2500000)
print("2 1 eni-1 10.0.0.3 10.0.0.4 1 2 6 1 1 1 2 REJECT OK")' >"$WORK/huge.log"
convert_check "lines over 1 MiB are malformed, the others converted" -- "$WORK/huge.log"
run "$VPC2IPFIX" -q -o "$WORK/huge.ipfix" "$WORK/huge.log"
expect_grep "huge.log:1: line longer than" "$ERR" "the first over-long line is reported as FILE:1"
expect_grep "huge.log:3: line longer than" "$ERR" "the later over-long line is reported as FILE:3"

# --- malformed lines: FILE:LINE reports, --strict, atomic output --------------
M=$S/malformed.log
run "$VPC2IPFIX" -o "$WORK/mal.ipfix" "$M"
expect_rc 0 "malformed lines are skipped without --strict"
"$PYTHON3" "$FLOWCHECK" --list-malformed "$M" | cut -d: -f1-2 | sort >"$WORK/mal.want"
grep -E -o '[^ ]*malformed\.log:[0-9]+' "$ERR" | sort -u >"$WORK/mal.got"
if cmp -s "$WORK/mal.want" "$WORK/mal.got"; then
    ok "each malformed line reported as FILE:LINE ($(wc -l <"$WORK/mal.want") lines)"
else
    not_ok "each malformed line reported as FILE:LINE"
    diff "$WORK/mal.want" "$WORK/mal.got" | sed 's/^/#   /'
fi

run "$VPC2IPFIX" -q --strict -o "$WORK/strict.ipfix" "$M"
expect_rc 1 "--strict: a malformed line is fatal"
expect_grep 'malformed\.log:[0-9]+' "$ERR" "--strict: the message names FILE:LINE"
if [ -e "$WORK/strict.ipfix" ]; then
    not_ok "--strict failure: no output file left"
else
    ok "--strict failure: no output file left"
fi

mkdir "$WORK/atomic"
printf 'precious\n' >"$WORK/atomic/keep.ipfix"
cp "$WORK/atomic/keep.ipfix" "$WORK/keep.orig"
run "$VPC2IPFIX" -q --strict -o "$WORK/atomic/keep.ipfix" "$V2" "$M"
expect_rc 1 "--strict over an existing output file"
if cmp -s "$WORK/atomic/keep.ipfix" "$WORK/keep.orig"; then
    ok "--strict failure: the existing output file is not clobbered"
else
    not_ok "--strict failure: the existing output file is not clobbered"
fi
if [ "$(ls -A "$WORK/atomic")" = keep.ipfix ]; then
    ok "--strict failure: no temporary file left next to the output"
else
    not_ok "--strict failure: no temporary file left next to the output"
    find "$WORK/atomic" | sed 's/^/#   /'
fi

# a successful run replaces the existing file
run "$VPC2IPFIX" -q --strict -o "$WORK/atomic/keep.ipfix" "$V2"
expect_rc 0 "--strict success over an existing output file"
flowcheck "--strict success: the output file replaced" --ipfix "$WORK/atomic/keep.ipfix" "$V2"
if [ "$(ls -A "$WORK/atomic")" = keep.ipfix ]; then
    ok "--strict success: no temporary file left next to the output"
else
    not_ok "--strict success: no temporary file left next to the output"
    find "$WORK/atomic" | sed 's/^/#   /'
fi

convert_check "--strict on clean input" --strict -- "$V2" "$V5"

# An IPFIX file is not flow-log records: refused by content (plain, gzip, standard
# input), with a message naming it, exit 1; never read as lines of binary junk.
run "$VPC2IPFIX" -q -o "$WORK/replay.ipfix" "$V2"
expect_rc 0 "an IPFIX file to give back as input"
gzip -c "$WORK/replay.ipfix" >"$WORK/replay.ipfix.gz"
for _in in "$WORK/replay.ipfix" "$WORK/replay.ipfix.gz"; do
    run "$VPC2IPFIX" -q --stats-json "$WORK/replay.json" -o "$WORK/replay-out.ipfix" "$_in"
    expect_rc 1 "IPFIX input $(basename "$_in")"
    expect_grep "replay\.ipfix(\.gz)?: is IPFIX, not flow log records" "$ERR" \
        "IPFIX input $(basename "$_in"): the message says what it is"
    _lines=$("$PYTHON3" -c 'import json,sys; print(json.load(open(sys.argv[1]))["total"]["lines"])' "$WORK/replay.json")
    check "IPFIX input $(basename "$_in"): no line read (got ${_lines:-?})" "$([ "${_lines:-x}" = 0 ]; echo $?)"
done
run_in "$WORK/replay.ipfix" "$VPC2IPFIX" -q -o "$WORK/replay-out.ipfix"
expect_rc 1 "IPFIX on standard input"
expect_grep "<stdin>: is IPFIX" "$ERR" "IPFIX on standard input: the message says what it is"

tap_done
