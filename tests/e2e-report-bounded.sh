#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# End-to-end: vpc-report's bounded memory: exact tables up to --max-keys, Space-Saving beyond within the stated bound; feed entries capped in total.
#
# tests/report/gen-noise-log.py writes 200,000 records of scanning noise
# (about 90,000 distinct rejected sources, 40 heavy ones).  With --max-keys
# 1000 the rejected-sources table is a Space-Saving summary: reportcheck.py
# recomputes the true counts and checks every row within its stated error,
# the error within N/k, and that no address with more flows than the last
# row is missing; every other value must still be exact.  Without the limit
# (the default) the same input is checked exact.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${srcdir:-$(dirname "$0")}/lib.sh"

: "${VPC_REPORT:=$top_builddir/src/vpc-report}"
REPORTCHECK=$srcdir/reportcheck.py
R=$srcdir/report

"$PYTHON3" "$R/gen-noise-log.py" --records 200000 >"$WORK/noise.log"

# bounded_check DESCRIPTION "OPTIONS" INPUT: JSON and CSV, recomputed (bounds where approximate).
bounded_check() {
    # shellcheck disable=SC2086 # the options are split on purpose
    run "$VPC_REPORT" -q --no-threats -O json -o "$WORK/b.json" $2 "$3"
    expect_rc 0 "$1: vpc-report -O json"
    # shellcheck disable=SC2086
    run "$VPC_REPORT" -q --no-threats -O csv -o "$WORK/b.csv" $2 "$3"
    expect_rc 0 "$1: vpc-report -O csv"
    echo "# \$ reportcheck.py --json b.json --csv b.csv $2 $3"
    _rc=0
    # shellcheck disable=SC2086
    "$PYTHON3" "$REPORTCHECK" --json "$WORK/b.json" --csv "$WORK/b.csv" $2 "$3" \
        >"$WORK/check.out" 2>&1 || _rc=$?
    check "$1: every value as recomputed (within the bounds where approximate)" "$_rc"
    diag_file "$WORK/check.out" 40
}

bounded_check "200,000 records, --max-keys 1000" "--max-keys 1000" "$WORK/noise.log"
expect_grep '"table": "rejected_sources", "approximate": true' "$WORK/b.json" \
    "--max-keys 1000: rejected sources said approximate"
expect_grep '"table": "rejected_destinations", "approximate": false' "$WORK/b.json" \
    "--max-keys 1000: rejected destinations (300) exact"
expect_grep '^limits,rejected_sources,yes,' "$WORK/b.csv" "CSV: the limits section says so"
bounded_check "200,000 records, --max-keys 100 (both tables approximate)" "--max-keys 100" \
    "$WORK/noise.log"
expect_grep '"table": "rejected_destinations", "approximate": true' "$WORK/b.json" \
    "--max-keys 100: rejected destinations approximate too"
bounded_check "200,000 records, default --max-keys (exact)" "" "$WORK/noise.log"
expect_no_grep '"approximate": true' "$WORK/b.json" "default: nothing approximate"

run "$VPC_REPORT" -q --no-threats --max-keys 1000 "$WORK/noise.log"
expect_grep '^Approximate tables \(more than 1000 distinct keys' "$OUT" "table: approximate tables listed"
expect_grep '^  rejected_sources: a row.s flows at most [0-9]+ over \(bound N/k = [0-9]+/1000 = [0-9]+\)' \
    "$OUT" "table: the bound stated"
expect_grep 'flows over by at most' "$OUT" "table: each row's error shown"
run "$VPC_REPORT" -q --no-threats "$WORK/noise.log"
expect_grep '^All tables exact \(up to 420000 distinct keys each' "$OUT" "table: exact tables said exact"
run "$VPC_REPORT" -q --no-threats --max-keys 1000 -O html "$WORK/noise.log"
expect_grep '<p id="limits" class="note"><strong>Approximate:</strong> rejected_sources' "$OUT" \
    "HTML: approximate tables listed"
run "$VPC_REPORT" -q --no-threats --max-keys 0 "$WORK/noise.log"
expect_rc 2 "--max-keys 0 is a usage error"

# Every other table that grows with the input: gen-talkers-log.py writes
# 200,000 accepted records with thousands of distinct talkers,
# conversations, ports, exposures, egress destinations, interfaces,
# accounts, VPCs and subnets.  At --max-keys 1000 every table is a
# Space-Saving summary checked within its stated bound; at the default,
# exact.
"$PYTHON3" "$R/gen-talkers-log.py" --records 200000 >"$WORK/talkers.log"
bounded_check "200,000 accepted records, --max-keys 1000" "--max-keys 1000" "$WORK/talkers.log"
for t in talker_sources talker_destinations talker_conversations talker_ports exposure \
    egress_interfaces egress_destinations group_accounts group_vpcs group_subnets \
    group_interfaces; do
    expect_grep "\"table\": \"$t\", \"approximate\": true" "$WORK/b.json" \
        "--max-keys 1000: $t said approximate"
done
expect_grep '^limits,talker_conversations,yes,' "$WORK/b.csv" "CSV: the conversations' limits line"
bounded_check "200,000 accepted records, default --max-keys (exact)" "" "$WORK/talkers.log"
expect_no_grep '"approximate": true' "$WORK/b.json" "accepted records, default: nothing approximate"
run "$VPC_REPORT" -q --no-threats --max-keys 1000 "$WORK/talkers.log"
expect_grep '^  talker_conversations: a row.s flows at most [0-9]+ over \(bound N/k = [0-9]+/1000 = [0-9]+\); packets and bytes never under' \
    "$OUT" "table: the conversations' bound stated"
expect_grep '^  group_interfaces: a row.s flows at most' "$OUT" "table: the interfaces' bound stated"
run "$VPC_REPORT" -q --no-threats --max-keys 1000 -O html "$WORK/talkers.log"
expect_grep '<strong>Approximate:</strong> egress_destinations \(more than 1000 distinct keys' \
    "$OUT" "HTML: the egress destinations' bound stated"

# Feed memory in total: with --max-feed-entries 3 the feeds together keep 3 entries.
sed "s|@DIR@|$R|" "$R/feeds.conf" >"$WORK/feeds.conf"
run "$VPC_REPORT" -O json --feeds "$WORK/feeds.conf" --cache-dir "$WORK/cache" \
    --max-feed-entries 3 "$R/scan.log"
expect_rc 0 "--max-feed-entries 3"
expect_grep 'entries refused: the feeds together reached --max-feed-entries \(3\)' "$ERR" \
    "a warning names the refused entries"
_rc=0
"$PYTHON3" - "$OUT" >"$WORK/feeds.out" 2>&1 <<'PY' || _rc=$?
import json, sys
d = json.load(open(sys.argv[1]))
feeds = d["threats"]["feeds"]
kept = sum(f["entries"] for f in feeds)
refused = sum(f["over_limit"] for f in feeds)
assert kept == 3 and refused > 0, (kept, refused)
print(f"{kept} entries kept, {refused} refused")
PY
check "JSON: 3 entries kept in all, the rest counted as over_limit" "$_rc"
diag_file "$WORK/feeds.out"

tap_done
