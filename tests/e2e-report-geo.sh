#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# End-to-end: vpc-report --geoip: country and AS of external addresses and traffic per country and AS, recomputed with python3-maxminddb.
#
# tests/make-mmdb.pl writes two small made-up databases (a country and an ASN
# one, MaxMind DB format, Debian's libmaxmind-db-writer-perl); vpc-report
# reads them with libmaxminddb and tests/reportcheck.py --geoip with Debian's
# python3-maxminddb (a different reader), comparing every value of JSON and
# CSV.  Missing tools fail the test (setup.sh installs them).

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${srcdir:-$(dirname "$0")}/lib.sh"

: "${VPC_REPORT:=$top_builddir/src/vpc-report}"
REPORTCHECK=$srcdir/reportcheck.py
R=$srcdir/report
S=$SAMPLES
sed "s|@DIR@|$R|" "$R/feeds.conf" >"$WORK/feeds.conf"
FEEDS="--feeds=$WORK/feeds.conf --cache-dir=$WORK/cache"

run perl "$srcdir/make-mmdb.pl" "$WORK"
expect_rc 0 "make-mmdb.pl: the test databases (install libmaxmind-db-writer-perl if this fails)"
COUNTRY=$WORK/country.mmdb
ASN=$WORK/asn.mmdb
GEO="--geoip $COUNTRY --geoip $ASN"

# The oracle's reader: python3-maxminddb in $PYTHON3, else in Debian's python3.
GEO_PY=$PYTHON3
if ! "$GEO_PY" -c 'import maxminddb' 2>/dev/null && /usr/bin/python3 -c 'import maxminddb' 2>/dev/null; then
    GEO_PY=/usr/bin/python3
fi
if "$GEO_PY" -c 'import maxminddb' 2>/dev/null; then
    ok "python3-maxminddb found ($GEO_PY)"
else
    not_ok "python3-maxminddb found (install the Debian package python3-maxminddb)"
fi

# geo_check DESCRIPTION "REPORT-OPTIONS" "CHECK-OPTIONS" INPUTS...: JSON and CSV recomputed.
geo_check() {
    _desc=$1 _ropts=$2 _copts=$3
    shift 3
    # shellcheck disable=SC2086 # the options are split on purpose
    run "$VPC_REPORT" -q -O json -o "$WORK/g.json" $_ropts "$@"
    expect_rc 0 "$_desc: vpc-report -O json"
    # shellcheck disable=SC2086
    run "$VPC_REPORT" -q -O csv -o "$WORK/g.csv" --offline $_ropts "$@"
    expect_rc 0 "$_desc: vpc-report -O csv"
    echo "# \$ reportcheck.py --json g.json --csv g.csv $_copts $*"
    _rc=0
    # shellcheck disable=SC2086
    "$GEO_PY" "$REPORTCHECK" --json "$WORK/g.json" --csv "$WORK/g.csv" $_copts "$@" \
        >"$WORK/check.out" 2>&1 || _rc=$?
    check "$_desc: every value as recomputed" "$_rc"
    diag_file "$WORK/check.out" 40
}

"$PYTHON3" "$R/gen-daily-log.py" --records 20000 >"$WORK/daily.log"
geo_check "daily.log, country and ASN databases" "--no-threats $GEO" "$GEO" "$WORK/daily.log"
geo_check "daily.log, ASN database first, --top 3" "--no-threats --top 3 --geoip $ASN --geoip $COUNTRY" \
    "--top 3 --geoip $ASN --geoip $COUNTRY" "$WORK/daily.log"
geo_check "daily.log, country database only" "--no-threats --geoip $COUNTRY" "--geoip $COUNTRY" \
    "$WORK/daily.log"
# Threats and scanners with their countries; IPv6 (multicast, documentation: not public).
geo_check "scan.log and ipv6.log with test feeds" "$FEEDS $GEO" "--feeds $WORK/feeds.conf $GEO" \
    "$R/scan.log" "$S/ipv6.log"
geo_check "daily.log without --geoip: the section says how to add one" "--no-threats" "" \
    "$WORK/daily.log"

# The planted values, by name (the made-up data of make-mmdb.pl).
run "$VPC_REPORT" -q --no-threats -O json $GEO "$WORK/daily.log"
_rc=0
"$PYTHON3" - "$OUT" >"$WORK/planted.out" 2>&1 <<'PY' || _rc=$?
import json, sys
d = json.load(open(sys.argv[1]))
g = d["geography"]
assert g["enabled"] and len(g["databases"]) == 2 and g["failed_lookups"] == 0, g
codes = [r["country"] for r in g["countries"]["rows"]]
assert None in codes and "US" in codes, codes
leak = [e for e in d["egress"]["destinations"] if e["address"] == "146.190.10.20"][0]
assert leak["geo"]["asn"] == 64522 and leak["geo"]["country"] == "IN", leak
print("egress 146.190.10.20:", leak["geo"], "; countries:", codes)
PY
check "the leak's destination: India, AS64522 (as make-mmdb.pl says)" "$_rc"
diag_file "$WORK/planted.out"

# The table: addresses with country and AS; the organisation with an ESC-free,
# quoted name; without --geoip, the hint.
run "$VPC_REPORT" -q --no-threats $GEO "$WORK/daily.log"
expect_rc 0 "table with --geoip"
expect_grep '^Geography and networks' "$OUT" "table: the geography section"
expect_grep '146\.190\.10\.20 \(IN AS64522 Test Network 64522\)' "$OUT" \
    "table: an egress destination with its country and AS"
expect_grep '^  AS64500 +=HYPERLINK' "$OUT" "table: networks with their organisation"
run "$VPC_REPORT" -q --no-threats "$WORK/daily.log"
expect_grep 'no geography: add --geoip FILE\.mmdb' "$OUT" "table without --geoip: how to add one"
# CSV: the organisation starting with '=' is neutralised.
run "$VPC_REPORT" -q --no-threats -O csv $GEO "$WORK/daily.log"
expect_grep "^geo_networks,64500,\"'=HYPERLINK" "$OUT" "CSV: a formula-like AS name neutralised"

# Errors: a missing file, a file that is not a MaxMind DB, too many databases.
run "$VPC_REPORT" -q --no-threats --geoip "$WORK/none.mmdb" "$WORK/daily.log"
expect_rc 1 "--geoip with a missing file"
expect_grep 'none\.mmdb' "$ERR" "the message names the file"
run "$VPC_REPORT" -q --no-threats --geoip "$WORK/daily.log" "$WORK/daily.log"
expect_rc 1 "--geoip with a file that is not a MaxMind DB"
expect_grep 'daily\.log: ' "$ERR" "the message names the file"
run "$VPC_REPORT" -q --no-threats $GEO $GEO --geoip "$ASN" "$WORK/daily.log"
expect_rc 2 "--geoip five times (at most 4)"

tap_done
