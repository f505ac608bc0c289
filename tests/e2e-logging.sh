#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# End-to-end: --log-level, and syslog priority prefixes ("<4>", sd-daemon(3)) when standard
# error is the journal ($JOURNAL_STREAM naming standard error's device and inode, as
# systemd sets it; here a file stands for the journal's stream).

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${srcdir:-$(dirname "$0")}/lib.sh"

S=$SAMPLES
BAD=$S/malformed.log

run "$VPC2IPFIX" --log-level error -o "$WORK/a.ipfix" "$BAD"
expect_rc 0 "--log-level error"
check "--log-level error: no warning and no statistics" "$([ ! -s "$ERR" ]; echo $?)"
run "$VPC2IPFIX" --log-level warning -o "$WORK/a.ipfix" "$BAD"
expect_grep "malformed.log:3: expected 14 fields, found 13" "$ERR" "--log-level warning: the per-line warnings"
expect_no_grep "^  input +lines" "$ERR" "--log-level warning: no statistics table (info)"
run "$VPC2IPFIX" -o "$WORK/a.ipfix" "$BAD"
expect_grep "^  input +lines" "$ERR" "the default (info): the statistics table"
expect_no_grep "^<[0-7]>" "$ERR" "standard error not the journal: no priority prefixes"
run "$VPC2IPFIX" --log-level loud -o "$WORK/a.ipfix" "$BAD"
expect_rc 2 "--log-level with an unknown level"
expect_grep "--log-level: 'loud' is not error, warning, info or debug" "$ERR" "the error names the levels"

# The journal: standard error is the file whose device:inode JOURNAL_STREAM names.
J=$WORK/journal
: >"$J"
_id=$(stat -c '%d:%i' "$J")
echo "# \$ JOURNAL_STREAM=$_id vpc2ipfix -o a.ipfix malformed.log 2>journal"
JOURNAL_STREAM=$_id "$VPC2IPFIX" -o "$WORK/a.ipfix" "$BAD" 2>"$J" || true
check "to the journal: every line has a priority prefix" "$(! grep -qv '^<[0-7]>' "$J"; echo $?)"
expect_grep "^<4>vpc2ipfix: .*malformed.log:3: expected 14 fields" "$J" "to the journal: warnings are <4>"
expect_grep "^<6>  input +lines" "$J" "to the journal: the statistics are <6>"
: >"$J"
JOURNAL_STREAM=$_id "$VPC2IPFIX" -o "$WORK/a.ipfix" "$WORK/missing.log" 2>"$J" || true
expect_grep "^<3>vpc2ipfix: " "$J" "to the journal: errors are <3>"
: >"$J"
JOURNAL_STREAM=$_id "$VPC2IPFIX" --log-level warning -o "$WORK/a.ipfix" "$BAD" 2>"$J" || true
expect_no_grep "^<6>" "$J" "to the journal with --log-level warning: nothing at info"
# Another stream's device:inode (the journal connected to stdout only): no prefixes.
: >"$WORK/other"
JOURNAL_STREAM=$(stat -c '%d:%i' "$WORK/other") "$VPC2IPFIX" -o "$WORK/a.ipfix" "$BAD" 2>"$J" || true
expect_no_grep "^<[0-7]>" "$J" "JOURNAL_STREAM naming another file: no prefixes"

# vpc-report: the same levels and prefixes.
: "${VPC_REPORT:=$top_builddir/src/vpc-report}"
run "$VPC_REPORT" --no-threats --log-level error "$BAD"
expect_rc 0 "vpc-report --log-level error"
check "vpc-report --log-level error: nothing on standard error" "$([ ! -s "$ERR" ]; echo $?)"
run "$VPC_REPORT" --no-threats --log-level warning "$BAD"
expect_grep "malformed.log:3: expected 14 fields" "$ERR" "vpc-report --log-level warning: the warnings"
expect_no_grep "inputs, [0-9]+ flows" "$ERR" "vpc-report --log-level warning: no summary line (info)"
: >"$J"
JOURNAL_STREAM=$_id "$VPC_REPORT" --no-threats "$BAD" >/dev/null 2>"$J" || true
expect_grep "^<4>vpc-report: .*malformed.log:3:" "$J" "vpc-report to the journal: warnings are <4>"
expect_grep "^<6>vpc-report: 1 inputs" "$J" "vpc-report to the journal: the summary is <6>"

tap_done
