#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# End-to-end: vpc-report on the samples, a scan/threat log and their IPFIX conversion; every JSON number recomputed.
#
# tests/reportcheck.py recomputes the whole JSON document from the inputs on
# its own (flowcheck.py's parser, its own feed parsing and matching) and
# compares every value; with --csv also every CSV row.  Feeds are the small
# lists in tests/report, fetched through file:// URLs into a cache in $WORK,
# so nothing leaves the machine.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${srcdir:-$(dirname "$0")}/lib.sh"

: "${VPC_REPORT:=$top_builddir/src/vpc-report}"
REPORTCHECK=$srcdir/reportcheck.py
S=$SAMPLES
R=$srcdir/report
SAMPLE_INPUTS="$S/default-v2.log $S/v5-custom.log $S/v8-all.log $S/ipv6.log $S/malformed.log
  $S/crlf.log $S/millis.log $S/midheader.log $S/AWSLogs $S/containers"
sed "s|@DIR@|$R|" "$R/feeds.conf" >"$WORK/feeds.conf"
FEEDS="--feeds=$WORK/feeds.conf --cache-dir=$WORK/cache"

# report_check DESCRIPTION "REPORT-OPTIONS" "CHECK-OPTIONS" INPUTS...: vpc-report -O json
# (exit 0) on INPUTS (or on $REPORT_ON, an IPFIX file made of them), then
# reportcheck.py on INPUTS.
REPORT_ON=
report_check() {
    _desc=$1 _ropts=$2 _copts=$3
    shift 3
    _n=$((tap_n + 1))
    if [ -n "$REPORT_ON" ]; then
        # shellcheck disable=SC2086 # the options are split on purpose
        run "$VPC_REPORT" -q -O json -o "$WORK/r$_n.json" $_ropts "$REPORT_ON"
    else
        eval "run \"\$VPC_REPORT\" -q -O json -o \"\$WORK/r$_n.json\" $_ropts \"\$@\""
    fi
    expect_rc 0 "$_desc: vpc-report"
    echo "# \$ reportcheck.py --json r$_n.json $_copts $*"
    _rc=0
    eval "\"\$PYTHON3\" \"\$REPORTCHECK\" --json \"\$WORK/r$_n.json\" $_copts \"\$@\"" \
        >"$WORK/check.out" 2>&1 || _rc=$?
    if [ "$_rc" -eq 0 ]; then
        ok "$_desc: every value as recomputed"
        diag_file "$WORK/check.out"
    else
        not_ok "$_desc: every value as recomputed"
        diag_file "$WORK/check.out" 60
    fi
    LAST_JSON=$WORK/r$_n.json
}

# shellcheck disable=SC2086 # the sample list is split on purpose
report_check "all samples, no threats" "--no-threats" "" $SAMPLE_INPUTS
# shellcheck disable=SC2086
report_check "all samples, --top 3 --scan-ports 2 --scan-hosts 2 --bucket 600" \
    "--no-threats --top 3 --scan-ports 2 --scan-hosts 2 --bucket 600" \
    "--top 3 --scan-ports 2 --scan-hosts 2 --bucket 600" $SAMPLE_INPUTS
report_check "headerless.log with --format" \
    "--no-threats -f 'srcaddr dstaddr srcport dstport protocol action'" \
    "-f 'srcaddr dstaddr srcport dstport protocol action'" "$S/headerless.log"
report_check "v5-custom.log --packet-addresses-as-key" \
    "--no-threats --packet-addresses-as-key --scan-ports 1" \
    "--packet-addresses-as-key --scan-ports 1" "$S/v5-custom.log"

# The scan/threat log with the test feeds: first run downloads (file://).
report_check "scan.log with test feeds (first fetch)" "$FEEDS" "--feeds '$WORK/feeds.conf'" \
    "$R/scan.log"
TEXT_JSON=$LAST_JSON
if grep -q '"state": "fetched"' "$TEXT_JSON" && ! grep -q '"state": "missing"' "$TEXT_JSON"; then
    ok "first run: enabled feeds fetched"
else
    not_ok "first run: enabled feeds fetched"
    grep '"state"' "$TEXT_JSON" | sed 's/^/#   /'
fi
# Malformed lines: FILE:LINE on stderr, as many as counted.
n_err=$(grep -c "scan.log:[0-9]*: " "$ERR")
if [ "$n_err" -eq 2 ] && grep -q '"malformed": 2' "$TEXT_JSON"; then
    ok "malformed lines: 2 counted, 2 FILE:LINE messages"
else
    not_ok "malformed lines: 2 counted, 2 FILE:LINE messages (stderr has $n_err)"
    diag_file "$ERR"
fi

# Offline: the cache only; the same report, feed states "cached".
report_check "scan.log --offline, all threats listed" "$FEEDS --offline --top-threats 0 --top 50" \
    "--feeds '$WORK/feeds.conf' --top-threats 0 --top 50" "$R/scan.log"
expect_grep '"state": "cached"' "$LAST_JSON" "--offline: feeds from the cache"
# shellcheck disable=SC2086
report_check "scan.log and all samples together" "$FEEDS --offline --top-threats 3 --top 2" \
    "--feeds '$WORK/feeds.conf' --top-threats 3 --top 2" "$R/scan.log" $SAMPLE_INPUTS

# CSV: every row of every section against the recomputation.
# shellcheck disable=SC2086
run "$VPC_REPORT" -q -O csv -o "$WORK/scan.csv" $FEEDS --offline "$R/scan.log"
expect_rc 0 "CSV output"
echo "# \$ reportcheck.py --csv scan.csv ..."
if "$PYTHON3" "$REPORTCHECK" --json "$TEXT_JSON" --csv "$WORK/scan.csv" --feeds "$WORK/feeds.conf" \
        "$R/scan.log" >"$WORK/check.out" 2>&1; then
    ok "CSV: every row as recomputed"
else
    not_ok "CSV: every row as recomputed"
    diag_file "$WORK/check.out"
fi

# The terminal table: the sections and the flagged rows.
# shellcheck disable=SC2086
run "$VPC_REPORT" -q $FEEDS --offline "$R/scan.log"
expect_rc 0 "table output (the default)"
for pat in '^Totals' '^  rejected +104 +43\.5%' '^Top rejected sources \(12 distinct\)' \
    '^  tcp/22 +ssh +30 ' '^Scanners: 2 sources' '^  185\.220\.101\.5 +40 +1 +40 ' \
    '^  ! +193\.42\.33\.14 +high +both ' '^  ! +91\.240\.118\.7 +high +inbound ' \
    '^  +185\.220\.101\.6 +info ' '^Feeds \(7 intervals\)'; do
    expect_grep "$pat" "$OUT" "table: /$pat/"
done

# IPFIX input: vpc2ipfix's output of the same logs gives the same report.
run "$VPC2IPFIX" -q -o "$WORK/scan.ipfix" "$R/scan.log"
expect_rc 0 "vpc2ipfix scan.log"
REPORT_ON=$WORK/scan.ipfix
report_check "scan.log as IPFIX" "$FEEDS --offline" "--no-inputs --feeds '$WORK/feeds.conf'" \
    "$R/scan.log"
REPORT_ON=
IPFIX_JSON=$LAST_JSON
_rc=0
"$PYTHON3" - "$TEXT_JSON" "$IPFIX_JSON" "$WORK/scan.ipfix" >"$WORK/same.out" 2>&1 <<'PY' || _rc=$?
import json, sys
text, ipfix = (json.load(open(p)) for p in sys.argv[1:3])
i = ipfix["inputs"]["files"]
assert len(i) == 1 and i[0]["kind"] == "ipfix" and i[0]["name"] == sys.argv[3], i
assert i[0]["flows"] == text["inputs"]["total"]["flows"], (i[0]["flows"], text["inputs"]["total"])
assert i[0]["ipfix_records"] == i[0]["flows"] + i[0]["ipfix_options_records"], i[0]
assert i[0]["ipfix_options_records"] > 0, "the interface table and element types were skipped"
for d in (text, ipfix):
    del d["inputs"]
    for f in d["threats"]["feeds"]:
        del f["age"], f["state"]
assert text == ipfix, "the documents differ"
print("same report apart from inputs; records", i[0]["ipfix_records"], "=", i[0]["flows"], "flows +",
      i[0]["ipfix_options_records"], "options records")
PY
check "IPFIX: the same document as from the text" "$_rc"
diag_file "$WORK/same.out"

# Every sample through one IPFIX file, and gzip-compressed IPFIX.
# shellcheck disable=SC2086
run "$VPC2IPFIX" -q -o "$WORK/samples.ipfix" $SAMPLE_INPUTS
_rc=0
[ -s "$WORK/samples.ipfix" ] || _rc=1
check "vpc2ipfix all samples" "$_rc"
gzip_to "$WORK/samples.ipfix" "$WORK/samples.ipfix.gz"
REPORT_ON=$WORK/samples.ipfix.gz
# shellcheck disable=SC2086
report_check "all samples as gzip IPFIX" "--no-threats" "--no-inputs" $SAMPLE_INPUTS
REPORT_ON=
expect_grep '"kind": "ipfix", "container": "ipfix", "compressed": true' "$LAST_JSON" \
    "gzip IPFIX detected as IPFIX, compressed"

# -o: atomic replacement, nothing left behind; an unwritable place fails.
mkdir "$WORK/outdir"
run "$VPC_REPORT" -q --no-threats -O html -o "$WORK/outdir/r.html" "$S/default-v2.log"
expect_rc 0 "-o FILE"
_rc=0
[ "$(find "$WORK/outdir" -mindepth 1 | wc -l)" -eq 1 ] && [ -s "$WORK/outdir/r.html" ] || _rc=1
check "-o: only the report in its directory" "$_rc"
run "$VPC_REPORT" -q --no-threats -o "$WORK/nodir/r.txt" "$S/default-v2.log"
expect_rc 1 "-o in a missing directory"

# Usage and input errors.
run "$VPC_REPORT" --no-threats -O xml "$S/default-v2.log"
expect_rc 2 "--output-format xml"
run "$VPC_REPORT" --no-threats --top 0 "$S/default-v2.log"
expect_rc 2 "--top 0"
run "$VPC_REPORT" --no-threats --format 'srcaddr dstaddrx action' "$S/headerless.log"
expect_rc 2 "--format naming an unknown field"
run "$VPC_REPORT" --no-threats "$WORK/does-not-exist.log"
expect_rc 1 "a missing input"
printf '[bad]\nformat=plain\n' >"$WORK/bad-feeds.conf"
run "$VPC_REPORT" --feeds "$WORK/bad-feeds.conf" --cache-dir "$WORK/cache2" "$S/default-v2.log"
expect_rc 2 "a feed list without url"
run "$VPC_REPORT" -q --no-threats -O json - <"$S/default-v2.log"
expect_rc 0 "standard input"
expect_grep '"flows": 23,' "$OUT" "standard input: 23 flows"
expect_grep '"enabled": false' "$OUT" "--no-threats: threats not enabled"

# Without --feeds, a build that is not installed reads the source tree's feed list
# (HOME and the XDG directories point at an empty place: no user list, no cache).
mkdir -p "$WORK/home"
run env HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/config" XDG_CACHE_HOME="$WORK/home/cache" \
    "$VPC_REPORT" -O json --offline "$S/default-v2.log"
expect_rc 0 "vpc-report without --feeds: the default feed list"
n_feeds=$(grep -c '^\[' "$top_srcdir/data/feeds.conf")
got_feeds=$("$PYTHON3" -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["threats"]["feeds"]))' "$OUT" 2>/dev/null)
if [ "$got_feeds" = "$n_feeds" ]; then
    ok "vpc-report without --feeds reports the $n_feeds feeds of data/feeds.conf"
else
    not_ok "vpc-report without --feeds reports the $n_feeds feeds of data/feeds.conf (got '$got_feeds')"
    diag_file "$ERR" 5
fi

# Hostile interface ids (escape sequences that set the terminal title and clear the
# screen, a bidirectional override, a spreadsheet formula): escaped in the table,
# neutralised in CSV.
{
    printf 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n'
    printf '2 123456789012 eni-\033]0;pwned\007\033[2J 1.2.3.4 10.0.0.1 1234 22 6 1 40 1700000000 1700000060 REJECT OK\n'
    printf '2 123456789012 =HYPERLINK("x") 1.2.3.5 10.0.0.1 1234 22 6 1 40 1700000000 1700000060 REJECT OK\n'
    printf '2 123456789012 eni-\342\200\256txt.exe 1.2.3.6 10.0.0.1 1234 22 6 1 40 1700000000 1700000060 REJECT OK\n'
    printf '2 123456789012 @SUM(1) 1.2.3.7 10.0.0.1 1234 22 6 1 40 1700000000 1700000060 REJECT OK\n'
} >"$WORK/hostile.log"
run "$VPC_REPORT" -q --no-threats "$WORK/hostile.log"
expect_rc 0 "hostile interface ids: table"
_raw=0
LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$OUT" && _raw=1
LC_ALL=C grep -q "$(printf '\342\200\256')" "$OUT" && _raw=1
check "hostile interface ids: no control character or bidi override reaches the terminal" "$_raw"
expect_grep 'eni-\\x1b\]0;pwned\\x07\\x1b\[2J' "$OUT" "hostile interface ids: escape sequences shown escaped"
expect_grep 'eni-\\u202etxt\.exe' "$OUT" "hostile interface ids: the bidi override shown escaped"
run "$VPC_REPORT" -q --no-threats -O csv "$WORK/hostile.log"
expect_rc 0 "hostile interface ids: CSV"
expect_grep '^rejected_interfaces,"'"'"'=HYPERLINK\(""x""\)",' "$OUT" "CSV: a cell starting with = is neutralised"
expect_grep "^rejected_interfaces,'@SUM\(1\)," "$OUT" "CSV: a cell starting with @ is neutralised"
expect_grep '^group_interfaces,"'"'"'=HYPERLINK\(""x""\)",' "$OUT" "CSV: the interface groups neutralised too"

# Threat coverage: "0 listed addresses" never stands for "not checked".
# One enabled feed missing (its file is not there): checked in part, said in every
# format; no feed at all loaded (offline, empty cache): NOT CHECKED; --require-feeds:
# exit 1.
sed "s|@DIR@|$R|" "$R/feeds.conf" >"$WORK/feeds-gone.conf"
printf '[test-gone]\nurl=file://%s/no-such-feed.txt\nseverity=high\n' "$WORK" >>"$WORK/feeds-gone.conf"
for _fmt in json table csv html; do
    run "$VPC_REPORT" -q --feeds="$WORK/feeds-gone.conf" --cache-dir="$WORK/cache-gone" -O "$_fmt" "$R/scan.log"
    expect_rc 0 "one feed missing, -O $_fmt"
    case $_fmt in
    json) expect_grep '"coverage": "partial", "missing_feeds": \["test-gone"\]' "$OUT" "one feed missing: JSON says partial, names it" ;;
    table) expect_grep '^Threats: checked in part: not loaded: test-gone$' "$OUT" "one feed missing: the table says so" ;;
    csv) expect_grep '^threat_coverage,partial,test-gone' "$OUT" "one feed missing: CSV says partial, names it" ;;
    html) expect_grep 'id="threat-coverage".*Threats checked in part.*Not loaded: test-gone' "$OUT" "one feed missing: HTML says so" ;;
    esac
done
run "$VPC_REPORT" -q --feeds="$WORK/feeds-gone.conf" --cache-dir="$WORK/cache-gone" --require-feeds "$R/scan.log"
expect_rc 1 "--require-feeds with a feed missing"
expect_grep 'require-feeds: feeds not loaded: test-gone' "$ERR" "--require-feeds: the missing feed is named"
run "$VPC_REPORT" -q --feeds="$WORK/feeds.conf" --cache-dir="$WORK/cache-none" --offline -O json "$R/scan.log"
expect_rc 0 "no feed loaded (offline, empty cache)"
expect_grep '"coverage": "none", "missing_feeds": \["test-high", ' "$OUT" "no feed loaded: JSON says none"
run "$VPC_REPORT" -q --feeds="$WORK/feeds.conf" --cache-dir="$WORK/cache-none" --offline "$R/scan.log"
expect_grep '^Threats: NOT CHECKED: no feed could be loaded \(missing: test-high ' "$OUT" "no feed loaded: the table says NOT CHECKED"

# A listed address seen on 8 interfaces: the first 5 named, "and 3 more", the count in
# JSON and CSV (recomputed by reportcheck.py).
{
    printf 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n'
    for _i in 1 2 3 4 5 6 7 8; do
        printf '2 123456789012 eni-0000000000000000%s 193.42.33.99 10.0.0.%s 4444 22 6 1 40 1700000000 1700000060 REJECT OK\n' "$_i" "$_i"
    done
} >"$WORK/many-ifs.log"
report_check "a listed address on 8 interfaces" "$FEEDS --offline" "--feeds '$WORK/feeds.conf'" \
    "$WORK/many-ifs.log"
expect_grep '"interfaces": \["eni-00000000000000001", "eni-00000000000000002", "eni-00000000000000003", "eni-00000000000000004", "eni-00000000000000005"\], "interface_count": 8' \
    "$LAST_JSON" "a listed address on 8 interfaces: JSON names 5, counts 8"
run "$VPC_REPORT" -q $FEEDS --offline "$WORK/many-ifs.log"
expect_grep 'eni-00000000000000005 and 3 more$' "$OUT" "a listed address on 8 interfaces: the table says 'and 3 more'"

# An unusable cache directory (here a regular file) costs nothing but a warning: this
# run's downloads go to a temporary cache, removed at the end.
: >"$WORK/not-a-dir"
run "$VPC_REPORT" --feeds="$WORK/feeds.conf" --cache-dir="$WORK/not-a-dir" -O json -o "$WORK/tmpcache.json" "$R/scan.log"
expect_rc 0 "an unusable cache directory"
expect_grep 'feed cache .*not-a-dir cannot be used .*temporary cache' "$ERR" "an unusable cache directory: warned about"
expect_grep '"coverage": "complete"' "$WORK/tmpcache.json" "an unusable cache directory: every feed still loaded"
check "an unusable cache directory: the temporary cache is removed" \
    "$([ -z "$(find "${TMPDIR:-/tmp}" -maxdepth 1 -name 'vpc-report-feeds-*' -newer "$WORK/not-a-dir" 2>/dev/null)" ]; echo $?)"

# The daily view (talkers, exposure, egress, groups) on a generated v5 log with planted
# findings (tests/report/gen-daily-log.py says what is planted): every value recomputed
# in JSON and CSV, with the default and with other --exposure-ports, --egress-threshold
# and --top; then the planted findings by name.
"$PYTHON3" "$R/gen-daily-log.py" --records 20000 >"$WORK/daily.log"
report_check "daily.log with test feeds" "$FEEDS --offline" "--feeds '$WORK/feeds.conf'" \
    "$WORK/daily.log"
DAILY_JSON=$LAST_JSON
report_check "daily.log --exposure-ports 22,5432,80 --egress-threshold 20000000 --top 4" \
    "$FEEDS --offline --exposure-ports ' 22,5432, 80,22' --egress-threshold 20000000 --top 4" \
    "--feeds '$WORK/feeds.conf' --exposure-ports 22,5432,80 --egress-threshold 20000000 --top 4" \
    "$WORK/daily.log"
run "$VPC2IPFIX" -q -o "$WORK/daily.ipfix" "$WORK/daily.log"
expect_rc 0 "vpc2ipfix daily.log"
REPORT_ON=$WORK/daily.ipfix
report_check "daily.log as IPFIX (instance, VPC, flow-direction, pkt-dst-aws-service carried)" \
    "$FEEDS --offline" "--no-inputs --feeds '$WORK/feeds.conf'" "$WORK/daily.log"
REPORT_ON=
# shellcheck disable=SC2086
run "$VPC_REPORT" -q -O csv -o "$WORK/daily.csv" $FEEDS --offline "$WORK/daily.log"
expect_rc 0 "daily.log as CSV"
echo "# \$ reportcheck.py --csv daily.csv ..."
if "$PYTHON3" "$REPORTCHECK" --json "$DAILY_JSON" --csv "$WORK/daily.csv" --feeds "$WORK/feeds.conf" \
        "$WORK/daily.log" >"$WORK/check.out" 2>&1; then
    ok "daily.log CSV: every row as recomputed"
else
    not_ok "daily.log CSV: every row as recomputed"
    diag_file "$WORK/check.out"
fi
_rc=0
"$PYTHON3" - "$DAILY_JSON" >"$WORK/planted.out" 2>&1 <<'PY' || _rc=$?
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "vpc-report/2", d["schema"]
ex = {(e["instance"], e["port"]): e for e in d["exposure"]["list"]}
assert d["exposure"]["count"] == 2, d["exposure"]
ssh = ex[("i-0a000000000000022", 22)]
assert (ssh["interface"], ssh["vpc"], ssh["protocol_name"], ssh["sources"], ssh["listed_sources"],
        ssh["flows"]) == ("eni-0a00000000000ssh", "vpc-0aaa", "tcp", 3, 1, 6), ssh
db = ex[("i-0b000000000003306", 3306)]
assert (db["sources"], db["listed_sources"], db["flows"]) == (5, 0, 5), db
print("instance i-0a000000000000022 port 22 exposed to 3 public sources (1 listed);",
      "i-0b000000000003306 port 3306 to 5")
eg = d["egress"]
top = eg["interfaces"][0]
assert (top["interface"], top["bytes"], top["destinations"], top["over_threshold"]) == \
    ("eni-0c000000000000leak", 1200000000, 1, True), top
assert eg["over_threshold"] == 1 and all(not e["over_threshold"] for e in eg["interfaces"][1:]), eg
names = [e["interface"] for e in eg["interfaces"]]
assert "eni-0d0000000000000s3" not in names, "S3 traffic (pkt-dst-aws-service) is not egress"
assert all(e["address"] != "52.216.0.10" for e in eg["destinations"])
small = [e for e in eg["interfaces"] if e["interface"] == "eni-0e00000000000small"]
assert small and small[0]["bytes"] == 10000000 and not small[0]["over_threshold"], small
print("egress: eni-0c000000000000leak 1200000000 bytes over the threshold; S3 left out")
c = d["talkers"]["conversations"]["by_bytes"]
internal = [x for x in c if x["address_a"] == "10.1.1.10" and x["address_b"] == "10.2.1.20"]
assert internal and internal[0]["flows"] == 80 and internal[0]["bytes"] == 160000000, c[:3]
s = d["talkers"]["sources"]["by_bytes"][0]
assert s["address"] == "10.2.2.60" and s["bytes"] == 5000000000 and s["outbound_bytes"] == s["bytes"], s
print("talkers: 10.1.1.10 <-> 10.2.1.20 80 flows both ways; top source 10.2.2.60 (S3)")
g = d["groups"]
assert [r["account"] for r in g["accounts"]["top"]] == ["222222222222", "111111111111"], g["accounts"]
assert g["vpcs"]["distinct"] == 2 and g["subnets"]["distinct"] == 4, g
assert g["interfaces"]["distinct"] == 7 and g["interfaces"]["without"] == 0, g["interfaces"]
print("groups: 2 accounts, 2 VPCs, 4 subnets, 7 interfaces")
PY
check "daily.log: the planted exposures, egress, talkers and groups" "$_rc"
diag_file "$WORK/planted.out"
run "$VPC_REPORT" -q $FEEDS --offline "$WORK/daily.log"
expect_rc 0 "daily.log as a table"
for pat in '^Top talkers \(accepted flows\)' '^Top talkers: conversations by bytes' \
    '^Exposure: 2 interface ports ' \
    '^  ! +eni-0a00000000000ssh +i-0a000000000000022 +vpc-0aaa +tcp/22 +3 +1 ' \
    '^  +eni-0b0000000000000db +i-0b000000000003306 +vpc-0bbb +tcp/3306 +5 +0 ' \
    '^Egress to public, non-AWS addresses: .* 1 at or over 1000000000 bytes' \
    '^  ! +eni-0c000000000000leak +i-0c000000000000leak +vpc-0aaa +1 +12 +960000 +1200000000$' \
    '^Totals per account \(2 distinct, 0 flows without one\)' '^Totals per subnet \(4 distinct'; do
    expect_grep "$pat" "$OUT" "daily table: /$pat/"
done
run "$VPC_REPORT" -q --no-threats --exposure-ports 22,http "$S/default-v2.log"
expect_rc 2 "--exposure-ports with a name"
run "$VPC_REPORT" -q --no-threats --exposure-ports 0 "$S/default-v2.log"
expect_rc 2 "--exposure-ports 0"
run "$VPC_REPORT" -q --no-threats --egress-threshold -1 "$S/default-v2.log"
expect_rc 2 "--egress-threshold -1"
run "$VPC_REPORT" -q --no-threats -O json --exposure-ports '' "$WORK/daily.log"
expect_rc 0 "--exposure-ports '' (none)"
expect_grep '"exposure_ports": \[\]' "$OUT" "--exposure-ports '': no port watched"
expect_grep '"exposure": \{"count": 0, "list": \[\]\}' "$OUT" "--exposure-ports '': no exposure"

tap_done
