#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# End-to-end: hostile inputs and outputs (issue 15): padded lines, -o to special files, too many field sets, empty IPFIX strings, files truncated while read.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${srcdir:-$(dirname "$0")}/lib.sh"

: "${VPC_REPORT:=$top_builddir/src/vpc-report}"
S=$SAMPLES

# json_count FILE KEY: the first "KEY": N of a --stats-json file.
json_count() {
    sed -n "s/.*\"$2\": *\([0-9]*\).*/\1/p" "$1" | head -n 1
}

# --- 1. record lines padded with white space past 128 KiB ------------------------
# Every 10th line is a record padded with 140 KiB of spaces or tabs (before or
# after): malformed (longer than 60000 bytes), never exported, and no other
# line's interfaceName in its place (each line has an interface of its own).
"$PYTHON3" - "$WORK/padded.log" <<'EOF'
import sys
rec = ("2 123456789010 eni-{:017x} 172.31.16.139 172.31.16.21 20641 22 6 20 4249 "
       "1418530010 1418530070 {} OK")
with open(sys.argv[1], "w") as f:
    for i in range(400):
        line = rec.format(i, "ACCEPT" if i % 3 else "REJECT")
        if i % 10 == 0:
            pad = (" " if i % 20 == 0 else "\t") * (140 * 1024)
            line = line + pad if i % 40 == 0 else pad + line
        f.write(line + "\n")
EOF
convert_check "padded lines (file)" -- "$WORK/padded.log"
expect_grep "padded.log:1: line longer than 60000 bytes" "$ERR" "padded lines: reported as too long"
run_in "$WORK/padded.log" "$VPC2IPFIX" -o "$WORK/padded-stdin.ipfix" \
    --stats-json="$WORK/padded-stdin.json" -
expect_rc 0 "padded lines (standard input): vpc2ipfix"
if [ "$RC" -eq 0 ]; then
    flowcheck "padded lines (standard input): every record and element, stats" \
        --ipfix "$WORK/padded-stdin.ipfix" --stats "$WORK/padded-stdin.json" \
        --stdin-file "$WORK/padded.log" -
else
    skip "padded lines (standard input): flowcheck (conversion failed)"
fi
n=$(json_count "$WORK/padded-stdin.json" malformed)
check "padded lines (standard input): 40 malformed (got ${n:-none})" "$([ "${n:-}" = 40 ]; echo $?)"

# --- 2. -o to special files ----------------------------------------------------------
# A directory is refused at once, before any input is read: standard input is
# a FIFO whose writer stays open, so reading it would never end.
mkdir "$WORK/outdir"
mkfifo "$WORK/stdin.fifo"
exec 3<>"$WORK/stdin.fifo"
echo "# \$ timeout 20 vpc2ipfix -o outdir - < stdin.fifo (kept open)"
RC=0
timeout 20 "$VPC2IPFIX" -o "$WORK/outdir" - <"$WORK/stdin.fifo" >"$OUT" 2>"$ERR" || RC=$?
exec 3>&-
expect_rc 2 "-o DIRECTORY: refused before reading input"
expect_grep "outdir: is a directory" "$ERR" "-o DIRECTORY: the message names the directory"
expect_no_grep "partial" "$ERR" "-o DIRECTORY: no temporary file named"
check "-o DIRECTORY: nothing left in it" "$([ -z "$(ls -A "$WORK/outdir")" ]; echo $?)"

# A symbolic link (to a file in another directory): the target is replaced,
# the link stays.
mkdir "$WORK/real" "$WORK/links"
echo "old content" >"$WORK/real/target.ipfix"
ln -s ../real/target.ipfix "$WORK/links/out.ipfix"
run "$VPC2IPFIX" -o "$WORK/links/out.ipfix" --stats-json="$WORK/link.json" "$S/default-v2.log"
expect_rc 0 "-o SYMLINK: vpc2ipfix"
check "-o SYMLINK: the link stays a link" "$([ -L "$WORK/links/out.ipfix" ]; echo $?)"
flowcheck "-o SYMLINK: its target holds the records" --ipfix "$WORK/real/target.ipfix" \
    --stats "$WORK/link.json" "$S/default-v2.log"
check "-o SYMLINK: no temporary file left beside the link or the target" \
    "$([ "$(ls -A "$WORK/links" "$WORK/real" | grep -c partial)" = 0 ]; echo $?)"
ln -s nowhere "$WORK/links/dangling"
run "$VPC2IPFIX" -o "$WORK/links/dangling" "$S/default-v2.log"
expect_rc 2 "-o SYMLINK to nothing: refused"

# A FIFO with a reader: written directly, it stays a FIFO and its reader gets
# the whole stream.
mkfifo "$WORK/out.fifo"
cat "$WORK/out.fifo" >"$WORK/from-fifo.ipfix" &
reader=$!
bg_add $reader
run "$VPC2IPFIX" -o "$WORK/out.fifo" --stats-json="$WORK/fifo.json" "$S/default-v2.log"
expect_rc 0 "-o FIFO: vpc2ipfix"
if wait_for 10 eval '! alive $reader'; then
    ok "-o FIFO: its reader sees the end of the stream"
else
    not_ok "-o FIFO: its reader sees the end of the stream (still waiting)"
fi
stop_pid $reader KILL 5
check "-o FIFO: still a FIFO" "$([ -p "$WORK/out.fifo" ]; echo $?)"
flowcheck "-o FIFO: the reader got every record" --ipfix "$WORK/from-fifo.ipfix" \
    --stats "$WORK/fifo.json" "$S/default-v2.log"

# A character device (a null device made here; needs the right to mknod).
if mknod "$WORK/null" c 1 3 2>/dev/null; then
    run "$VPC2IPFIX" -o "$WORK/null" "$S/default-v2.log"
    expect_rc 0 "-o CHARACTER DEVICE: vpc2ipfix"
    check "-o CHARACTER DEVICE: still the device" "$([ -c "$WORK/null" ]; echo $?)"
    check "-o CHARACTER DEVICE: no temporary file beside it" \
        "$([ "$(ls -A "$WORK" | grep -c partial)" = 0 ]; echo $?)"
else
    skip "-o CHARACTER DEVICE (mknod not permitted here)"
    skip "-o CHARACTER DEVICE: still the device"
    skip "-o CHARACTER DEVICE: no temporary file beside it"
fi

# The same rules for vpc2ipfix --stats-json and vpc-report -o.
mkdir "$WORK/reports" "$WORK/reports/dir"
echo "old" >"$WORK/reports/target.txt"
ln -s target.txt "$WORK/reports/report.txt"
run "$VPC_REPORT" -q --no-threats -o "$WORK/reports/report.txt" "$S/default-v2.log"
expect_rc 0 "vpc-report -o SYMLINK"
check "vpc-report -o SYMLINK: the link stays, its target holds the report" \
    "$([ -L "$WORK/reports/report.txt" ] && grep -q flows "$WORK/reports/target.txt"; echo $?)"
run timeout 20 "$VPC_REPORT" -q --no-threats -o "$WORK/reports/dir" - \
    3<>"$WORK/stdin.fifo" <"$WORK/stdin.fifo"
expect_rc 2 "vpc-report -o DIRECTORY: refused before reading input"
run "$VPC2IPFIX" -q -o "$WORK/reports/x.ipfix" --stats-json="$WORK/reports/dir" "$S/default-v2.log"
expect_rc 2 "vpc2ipfix --stats-json=DIRECTORY: refused before reading input"
check "vpc2ipfix --stats-json=DIRECTORY: no output written" "$([ ! -e "$WORK/reports/x.ipfix" ]; echo $?)"
echo "{}" >"$WORK/reports/target.json"
ln -s target.json "$WORK/reports/stats.json"
run "$VPC2IPFIX" -q -o "$WORK/reports/x.ipfix" --stats-json="$WORK/reports/stats.json" \
    "$S/default-v2.log"
expect_rc 0 "vpc2ipfix --stats-json=SYMLINK"
check "vpc2ipfix --stats-json=SYMLINK: the link stays, its target holds the statistics" \
    "$([ -L "$WORK/reports/stats.json" ] && grep -q '"flows": 23' "$WORK/reports/target.json"; echo $?)"
if [ -c "$WORK/null" ]; then
    run "$VPC_REPORT" -q --no-threats -o "$WORK/null" "$S/default-v2.log"
    expect_rc 0 "vpc-report -o CHARACTER DEVICE"
    check "vpc-report -o CHARACTER DEVICE: still the device" "$([ -c "$WORK/null" ]; echo $?)"
else
    skip "vpc-report -o CHARACTER DEVICE (mknod not permitted here)"
    skip "vpc-report -o CHARACTER DEVICE: still the device"
fi

# --- 3. more than 4096 distinct field sets ---------------------------------------
# 5000 records, each with its own set of present fields: the first 4096 sets
# are exported, the lines of the other 904 are malformed (with the reason).
"$PYTHON3" - "$WORK/sets.log" <<'EOF'
import sys
cols = ["vpc-id", "subnet-id", "instance-id", "region", "az-id", "sublocation-type",
        "sublocation-id", "pkt-src-aws-service", "pkt-dst-aws-service", "ecs-cluster-name",
        "ecs-task-id", "ecs-service-name", "reject-reason"]
with open(sys.argv[1], "w") as f:
    f.write("srcaddr dstaddr " + " ".join(cols) + "\n")
    for i in range(5000):
        vals = ["-" if (i >> j) & 1 else "x%d" % j for j in range(len(cols))]
        f.write("10.0.0.1 10.0.0.2 " + " ".join(vals) + "\n")
EOF
run "$VPC2IPFIX" -o "$WORK/sets.ipfix" --stats-json="$WORK/sets.json" "$WORK/sets.log"
expect_rc 0 "5000 field sets: the run goes on"
check "5000 field sets: an output file" "$([ -s "$WORK/sets.ipfix" ]; echo $?)"
flows=$(json_count "$WORK/sets.json" flows)
bad=$(json_count "$WORK/sets.json" malformed)
check "5000 field sets: 4096 flows, 904 malformed (got ${flows:-none}, ${bad:-none})" \
    "$([ "${flows:-}" = 4096 ] && [ "${bad:-}" = 904 ]; echo $?)"
expect_grep "sets.log:4098: more than 4096 distinct sets of fields" "$ERR" \
    "5000 field sets: the first refused line is reported with the reason"
run "$VPC_REPORT" --no-threats -o "$WORK/sets.txt" "$WORK/sets.ipfix"
expect_grep "^vpc-report: 1 inputs, 4096 flows" "$ERR" "5000 field sets: the file holds 4096 flows"

# --- 4. an IPFIX string of length zero ---------------------------------------------
# 54 bytes: a template (sourceIPv4Address, destinationIPv4Address,
# forwardingStatus, interfaceName) and one rejected flow whose interfaceName
# is empty (libfixbuf hands it back with a NULL buffer).
"$PYTHON3" - "$WORK/empty-ifname.ipfix" <<'EOF'
import struct, sys
tmpl = struct.pack(">HH", 256, 4) + struct.pack(">8H", 8, 4, 12, 4, 89, 1, 82, 65535)
tset = struct.pack(">HH", 2, 4 + len(tmpl)) + tmpl
rec = bytes([10, 0, 0, 1, 10, 0, 0, 2, 129, 0])
dset = struct.pack(">HH", 256, 4 + len(rec)) + rec
body = tset + dset
msg = struct.pack(">HHIII", 10, 16 + len(body), 1700000000, 0, 1) + body
assert len(msg) == 54
open(sys.argv[1], "wb").write(msg)
EOF
run "$VPC_REPORT" --no-threats -O json -o "$WORK/empty-ifname.json" "$WORK/empty-ifname.ipfix"
expect_rc 0 "IPFIX record with an empty interfaceName: vpc-report"
expect_grep '"rejected"' "$WORK/empty-ifname.json" "empty interfaceName: the flow is in the report"
run "$VPC_REPORT" --no-threats "$WORK/empty-ifname.ipfix"
expect_rc 0 "empty interfaceName: text report"

# --- 6. a text file truncated while it is read -------------------------------------
# vpc2ipfix writes to a pipe read by the script: once the first 64 KiB have
# come out (so at least the first 128 KiB of the input were read) the input
# is cut to 4 KiB.  The input must be reported, the exit status non-zero.
"$PYTHON3" - "$WORK/big.log" <<'EOF'
import sys
line = ("2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 "
        "1418530010 1418530070 ACCEPT OK\n")
open(sys.argv[1], "w").write(line * 200000)
EOF
echo "# \$ vpc2ipfix -o - big.log | (read 64 KiB; truncate big.log to 4096 bytes; read the rest)"
RC=0
"$PYTHON3" - "$VPC2IPFIX" "$WORK/big.log" "$ERR" <<'EOF' || RC=$?
import os, subprocess, sys
exe, path, errpath = sys.argv[1:4]
with open(errpath, "wb") as err:
    p = subprocess.Popen([exe, "-o", "-", path], stdout=subprocess.PIPE, stderr=err)
    first = p.stdout.read(65536)
    os.truncate(path, 4096)
    p.stdout.read()
    sys.exit(p.wait())
EOF
expect_rc 1 "text file truncated while read: the run fails"
expect_grep "big.log: truncated while being read" "$ERR" "text file truncated while read: reported"
expect_grep "1 input\(s\) could not be read to the end" "$ERR" \
    "text file truncated while read: counted as an input not read to its end"

tap_done
