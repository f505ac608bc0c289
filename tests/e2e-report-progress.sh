#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# End-to-end: vpc-report's progress line: on a terminal while feeds load and records are read, never on a pipe or file, cleared at the end.
#
# The terminal is a pseudo-terminal from Python's pty module (stderr on its
# slave side, everything read back from the master); stdout goes to a file.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${srcdir:-$(dirname "$0")}/lib.sh"

: "${VPC_REPORT:=$top_builddir/src/vpc-report}"
R=$srcdir/report
sed "s|@DIR@|$R|" "$R/feeds.conf" >"$WORK/feeds.conf"
"$PYTHON3" "$R/gen-noise-log.py" --records 50000 >"$WORK/noise.log"

# on_pty OUTFILE CMD ARGS...: run CMD with stderr on a pseudo-terminal; what the
# terminal received goes to OUTFILE (bytes as they are).
on_pty() {
    _out=$1
    shift
    echo "# \$ $(cmdline "$@") 2>(a pty)"
    "$PYTHON3" - "$_out" "$@" <<'PY'
import os, pty, subprocess, sys
master, slave = pty.openpty()
p = subprocess.Popen(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=slave)
os.close(slave)
got = b""
while True:
    try:
        chunk = os.read(master, 65536)
    except OSError:  # EIO: the last writer closed the terminal
        break
    if not chunk:
        break
    got += chunk
rc = p.wait()
open(sys.argv[1], "wb").write(got)
sys.exit(rc)
PY
}

on_pty "$WORK/tty.out" "$VPC_REPORT" --feeds "$WORK/feeds.conf" --cache-dir "$WORK/cache" \
    "$WORK/noise.log"
check "vpc-report on a terminal (exit 0)" "$?"
expect_grep 'vpc-report: feeds: [0-9]+ of [0-9]+ downloaded, [0-9]+ downloading, [0-9]+ s left' \
    "$WORK/tty.out" "terminal: a progress line while the feeds load"
expect_grep 'vpc-report: reading 1 of 1: .*noise\.log, [0-9]+ flows' "$WORK/tty.out" \
    "terminal: a progress line while the records are read"
_rc=0
"$PYTHON3" - "$WORK/tty.out" <<'PY' || _rc=$?
import sys
t = open(sys.argv[1], "rb").read()
# Each progress line rewrites the last (CR, erase line) and has no newline of its own;
# the summary comes on a cleared line.
assert b"\r\x1b[Kvpc-report: reading" in t, t[:200]
last = t.rsplit(b"\r\x1b[K", 1)[1]
assert last.startswith(b"vpc-report: 1 inputs, 50000 flows"), last[:200]
assert b"reading" not in last, last
print("progress lines:", t.count(b"\r\x1b[K"), "; the last line:", last.decode().strip())
PY
check "terminal: the progress line is cleared before the summary" "$_rc"

run "$VPC_REPORT" --feeds "$WORK/feeds.conf" --cache-dir "$WORK/cache" "$WORK/noise.log"
expect_rc 0 "vpc-report with stderr to a file"
expect_no_grep 'reading|feeds: [0-9]+ of' "$ERR" "file: no progress line"
check "file: no carriage return nor escape sequence on stderr" \
    "$(! grep -q "$(printf '\r')" "$ERR" && ! grep -q "$(printf '\033')" "$ERR"; echo $?)"

on_pty "$WORK/tty-q.out" "$VPC_REPORT" -q --feeds "$WORK/feeds.conf" --cache-dir "$WORK/cache" \
    "$WORK/noise.log"
check "vpc-report -q on a terminal (exit 0)" "$?"
check "terminal with -q: nothing at all on stderr" "$([ ! -s "$WORK/tty-q.out" ]; echo $?)"

tap_done
