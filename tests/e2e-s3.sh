#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# s3:// inputs against a real S3 server that verifies SigV4 (@20minutes/s3rver, npm, pinned in
# tests/package.json): the same tree from S3 and from disk, paging past 1,000 objects,
# --since/--until on key dates (days and hours outside the window not even listed), -F picking up new objects, kill -9 + --state losing nothing,
# a wrong secret refused without being printed; every request the server saw was signed.
. "${srcdir:-$(dirname "$0")}/lib.sh"

: "${IPFIX_COLLECTOR:=$top_builddir/tests/ipfix-collector}"
. "$srcdir/aws/aws-lib.sh"
aws_skip_unless_ready

KEY=AKIDVPC2IPFIXTEST
SECRET=s3cr3t/Value+ForTests=
BUCKET=flowlogs
aws_test_environment "$KEY" "$SECRET"

# --- the seed tree: text, gzip and Parquet objects, dated keys, many objects -------
TREE=$WORK/tree
aws_seed_tree "$TREE"
mkdir -p "$TREE/AWSLogs/parquet"
cp "$SAMPLES/parquet/default-v2.duckdb-gzip.log.parquet" "$SAMPLES/parquet/v8-all.duckdb-none-nodict.log.parquet" \
    "$TREE/AWSLogs/parquet/"
# dated/: AWS default names every 5 minutes of 2026-11-20 00:00 to 00:55 (ports 1000 + minute).
mkdir -p "$TREE/dated/2026/11/20"
for m in 00 05 10 15 20 25 30 35 40 45 50 55; do
    aws_record $((1000 + ${m#0})) >"$TREE/dated/2026/11/20/123456789012_vpcflowlogs_us-east-1_fl-1_20261120T00${m}Z_ab.log"
done
# hive/: days 19, 20, 21 (ports 2019..2021); hourly/: hours 05, 06 of day 20 (ports 3005, 3006).
for d in 19 20 21; do
    mkdir -p "$TREE/hive/year=2026/month=11/day=$d"
    aws_record $((2000 + d)) >"$TREE/hive/year=2026/month=11/day=$d/flows.log"
done
for h in 05 06; do
    mkdir -p "$TREE/hourly/2026/11/20/$h"
    aws_record $((3000 + ${h#0})) >"$TREE/hourly/2026/11/20/$h/flows.log"
done
# many/: 1,005 objects (ports 10000..11004), past one ListObjectsV2 page.
mkdir -p "$TREE/many"
i=0
while [ $i -lt 1005 ]; do
    aws_record $((10000 + i)) >"$TREE/many/obj-$(printf %05d $i).log"
    i=$((i + 1))
done
mkdir -p "$TREE/live"
aws_record 4001 >"$TREE/live/first.log"
aws_record 4002 >"$WORK/second.log"

# --- the S3 server ---------------------------------------------------------------
s3rver_start "$TREE" $BUCKET $KEY "$SECRET"
ENDPOINT=$S3_ENDPOINT
S3="$VPC2IPFIX --endpoint-url $ENDPOINT"

# dump FILE: the records and templates of an IPFIX file, without the message framing (how
# records are packed into messages depends on timing: flushes while a retry waits).
dump() { ipfixDump -d -i "$1" 2>&1 | grep -v -E 'export time|message length|Msg Stats|File Stats|Message Header|^$'; }
total_field() { "$PYTHON3" -c 'import json,sys; print(json.load(open(sys.argv[1]))["total"][sys.argv[2]])' "$1" "$2"; }
# ports FILE: the distinct source ports of the records in an IPFIX file, sorted.
ports() {
    ipfixDump -d -i "$1" 2>/dev/null | awk '/sourceTransportPort/ { print $NF }' | sort -n | uniq | tr '\n' ' '
}

# --- the same tree from S3 and from disk ---------------------------------------------
run $S3 -o "$WORK/s3.ipfix" --stats-json "$WORK/s3.json" s3://$BUCKET/AWSLogs/
expect_rc 0 "s3://$BUCKET/AWSLogs/ converted (text, gzip and Parquet objects)"
run "$VPC2IPFIX" -o "$WORK/disk.ipfix" --stats-json "$WORK/disk.json" "$TREE/AWSLogs"
expect_rc 0 "the same tree converted from disk"
if command -v ipfixDump >/dev/null 2>&1; then
    dump "$WORK/s3.ipfix" >"$WORK/s3.txt"
    dump "$WORK/disk.ipfix" >"$WORK/disk.txt"
    if [ -s "$WORK/s3.txt" ] && cmp -s "$WORK/s3.txt" "$WORK/disk.txt"; then
        ok "S3 and disk give identical IPFIX records ($(total_field "$WORK/s3.json" flows) flows)"
    else
        not_ok "S3 and disk give identical IPFIX records"
        diff -u "$WORK/disk.txt" "$WORK/s3.txt" >"$WORK/diff" 2>&1
        diag_file "$WORK/diff"
    fi
else
    skip "S3 and disk compared (ipfixDump not installed)"
fi
for f in lines flows malformed; do
    [ "$(total_field "$WORK/s3.json" $f)" = "$(total_field "$WORK/disk.json" $f)" ] || break
done
check "the statistics agree (lines, flows, malformed)" $?
[ "$(source_field "$WORK/s3.json" objects_read)" = 8 ]
check "8 objects read (3 text, 3 gzip, 2 Parquet; the README skipped as on disk)" $?
expect_grep 'README.md \(not a flow log name\)' "$ERR" "the README object is skipped like the file"

# --- paging ----------------------------------------------------------------------------
run $S3 -o "$WORK/many.ipfix" --stats-json "$WORK/many.json" s3://$BUCKET/many/
expect_rc 0 "s3://$BUCKET/many/ (1,005 objects) converted"
[ "$(source_field "$WORK/many.json" objects_read)" = 1005 ] && [ "$(total_field "$WORK/many.json" flows)" = 1005 ] \
    && [ "$(source_field "$WORK/many.json" pages)" -ge 2 ]
check "every object of every page read ($(source_field "$WORK/many.json" pages) pages, $(source_field "$WORK/many.json" objects_read) objects)" $?

# --- --since/--until on key dates -------------------------------------------------------
window() {
    _want=$1
    shift
    run $S3 -o "$WORK/w.ipfix" --stats-json "$WORK/w.json" "$@"
    _got=$(ports "$WORK/w.ipfix")
    if [ "$RC" -eq 0 ] && [ "$_got" = "$_want" ]; then
        ok "$* selects exactly $_want"
    else
        not_ok "$* selects exactly $_want (exit $RC, got: $_got)"
        diag_file "$ERR"
    fi
}
window "1010 1015 1020 1025 " --since 2026-11-20T00:10Z --until 2026-11-20T00:30Z s3://$BUCKET/dated/
[ "$(source_field "$WORK/w.json" objects_listed)" = 12 ] && [ "$(source_field "$WORK/w.json" objects_outside)" = 8 ]
check "a day across the window's edge is listed, the objects outside it counted" $?
window "2020 " --since 2026-11-20 --until 2026-11-21 s3://$BUCKET/hive/
[ "$(source_field "$WORK/w.json" objects_listed)" = 1 ] && [ "$(source_field "$WORK/w.json" objects_outside)" = 0 ]
check "Hive days outside the window are not listed (1 object listed of 3)" $?
window "3006 " --since 2026-11-20T06:00:00Z s3://$BUCKET/hourly/
[ "$(source_field "$WORK/w.json" objects_listed)" = 1 ] && [ "$(source_field "$WORK/w.json" objects_outside)" = 0 ]
check "hours outside the window are not listed (1 object listed of 2)" $?
# The AWS layout from AWSLogs/ down (account, vpcflowlogs, region, year, month): the day outside
# the window is not listed; parquet/ (no date in its keys) is listed and read whole, as before.
run $S3 -o "$WORK/w.ipfix" --stats-json "$WORK/w.json" --since 2026-11-21 s3://$BUCKET/AWSLogs/
[ "$RC" -eq 0 ] && [ "$(source_field "$WORK/w.json" objects_listed)" = 2 ] \
    && [ "$(source_field "$WORK/w.json" objects_read)" = 2 ] && [ "$(source_field "$WORK/w.json" objects_outside)" = 0 ]
check "AWSLogs/ after the only day: only the undated objects are listed and read (listed $(source_field "$WORK/w.json" objects_listed))" $?
run "$VPC2IPFIX" -o "$WORK/wdisk.ipfix" "$TREE/AWSLogs/parquet"
[ "$(dump "$WORK/w.ipfix")" = "$(dump "$WORK/wdisk.ipfix")" ]
check "... and give the same records as the undated objects from disk" $?
run $S3 -o "$WORK/w.ipfix" --stats-json "$WORK/w.json" --since 2026-11-20T00:05Z --until 2026-11-20T00:10Z s3://$BUCKET/AWSLogs/
[ "$RC" -eq 0 ] && [ "$(source_field "$WORK/w.json" objects_read)" = 4 ]
check "AWSLogs/ on 00:05-00:10 of the day: its 00:05 object (text and gzip) and the undated ones read" $?
run $S3 -o "$WORK/w.ipfix" --since yesterday s3://$BUCKET/dated/
expect_rc 2 "--since yesterday is a usage error"
run "$VPC2IPFIX" -o "$WORK/w.ipfix" --since 1h "$TREE/hive"
expect_rc 2 "--since with local files is a usage error (it selects remote objects only)"
run $S3 -o "$WORK/w.ipfix" s3://$BUCKET/hive/ "$TREE/hive"
expect_rc 2 "s3:// inputs mixed with local files: a usage error"

state_lines() { [ -f "$1" ] && [ "$(wc -l <"$1")" -ge "$2" ]; }

# --- -F picks up new objects ---------------------------------------------------------------
collector_start live
echo "# \$ $S3 -F --poll-interval 1 --state live.state --tcp 127.0.0.1:$COLL_PORT s3://$BUCKET/live/ &"
$S3 -F --poll-interval 1 --state "$WORK/live.state" --tcp 127.0.0.1:$COLL_PORT -q \
    s3://$BUCKET/live/ 2>"$WORK/live.err" &
LIVE_PID=$!
bg_add $LIVE_PID
wait_for 20 state_lines "$WORK/live.state" 1
check "the first object is delivered and recorded" $?
echo "# \$ s3tool.py put live/second.log (while running)"
"$PYTHON3" "$srcdir/aws/s3tool.py" "$ENDPOINT" $BUCKET put live/second.log "$WORK/second.log"
wait_for 20 state_lines "$WORK/live.state" 2
check "an object added while running is picked up by -F and recorded" $?
stop_pid $LIVE_PID TERM 10
[ "$STOP_RC" -eq 0 ] && [ "$STOP_LATE" -eq 0 ]
check "SIGTERM ends the -F run at once, exit 0" $?
[ "$(coll_ports "$COLL_OUT" | uniq | tr '\n' ' ')" = "4001 4002 " ]
check "the collector got the records of both objects" $?
stop_pid "$COLL_PID" TERM 10

# --- --observation-domain-from flow-log: the flow log ID of the object's key (not of the
# local copy it is read from); the Parquet objects' names have none: -d's domain.
collector_start fl
run $S3 -q -d 7 --observation-domain-from flow-log --stats-json "$WORK/fl.json" \
    --tcp 127.0.0.1:$COLL_PORT s3://$BUCKET/AWSLogs/
expect_rc 0 "s3://$BUCKET/AWSLogs/ with --observation-domain-from flow-log"
_doms=$("$PYTHON3" -c 'import json, sys
s = json.load(open(sys.argv[1]))
print(" ".join(f"{k}={v}" for k, v in sorted(s["observation_domains"].items())),
      " ".join(sorted(o.get("domain_key") or "-" for o in s["outputs"])))' "$WORK/fl.json")
_fnv=$("$PYTHON3" -c 'h = 2166136261
for b in b"fl-0a1b2c3d4e5f60718":
    h = ((h ^ b) * 16777619) % 2**32
print(h)')
[ "$_doms" = "fl-0a1b2c3d4e5f60718=$_fnv - fl-0a1b2c3d4e5f60718" ]
check "one domain for the flow log of the objects' keys (the oracle's FNV-1a), -d's (no key) for the Parquet ones ($_doms)" $?
stop_pid "$COLL_PID" TERM 10

# --- kill -9 and restart with --state lose nothing -----------------------------------------------
collector_start crash
echo "# \$ $S3 --state crash.state --tcp 127.0.0.1:$COLL_PORT s3://$BUCKET/many/ & (killed with -9)"
$S3 --state "$WORK/crash.state" --tcp 127.0.0.1:$COLL_PORT -q s3://$BUCKET/many/ 2>"$WORK/crash1.err" &
CRASH_PID=$!
bg_add $CRASH_PID
wait_for 60 state_lines "$WORK/crash.state" 100
stop_pid $CRASH_PID KILL 10
done1=$(wc -l <"$WORK/crash.state")
run $S3 --state "$WORK/crash.state" --tcp 127.0.0.1:$COLL_PORT --stats-json "$WORK/crash.json" \
    s3://$BUCKET/many/
expect_rc 0 "the restart converts the rest"
have_records() { [ "$(coll_ports "$COLL_OUT" | uniq | wc -l)" -ge "$1" ]; }
wait_for 10 have_records 1005 || true
got=$(coll_ports "$COLL_OUT" | uniq | wc -l)
skipped=$(source_field "$WORK/crash.json" objects_done_before)
[ "$got" = 1005 ] && [ "$skipped" -ge "$done1" ] && [ "$(wc -l <"$WORK/crash.state")" = 1005 ]
check "kill -9 after $done1 objects, restart: all 1005 objects' flows delivered ($got distinct), $skipped skipped as done" $?
grep -q " s3://$BUCKET/many/obj-00000.log\$" "$WORK/crash.state"
check "the --state file names objects by their URL (whatever the working directory)" $?
stop_pid "$COLL_PID" TERM 10

# --- a wrong secret --------------------------------------------------------------------------
AWS_SECRET_ACCESS_KEY=wrong-Secret-XYZ run $S3 -o "$WORK/bad.ipfix" s3://$BUCKET/AWSLogs/
expect_rc 1 "a wrong secret fails"
expect_grep 'refused \(HTTP 403 SignatureDoesNotMatch\)' "$ERR" "the message says the signature was refused"
expect_no_grep 'wrong-Secret-XYZ' "$ERR" "the secret is not printed"
AWS_ACCESS_KEY_ID= AWS_SECRET_ACCESS_KEY= run $S3 -o "$WORK/bad.ipfix" s3://$BUCKET/AWSLogs/
expect_rc 2 "no credentials at all: a usage error"
expect_grep 'no AWS credentials' "$ERR" "it says so"

# --- the shared credentials file with a profile ---------------------------------------------------
mkdir -p "$HOME/.aws"
printf '[default]\naws_access_key_id = nobody\naws_secret_access_key = nothing\n\n[flows]\n# the test profile\naws_access_key_id = %s\naws_secret_access_key = %s\n' \
    "$KEY" "$SECRET" >"$HOME/.aws/credentials"
AWS_ACCESS_KEY_ID= AWS_SECRET_ACCESS_KEY= run $S3 --profile flows -o "$WORK/p.ipfix" s3://$BUCKET/hive/
expect_rc 0 "--profile reads ~/.aws/credentials"
AWS_ACCESS_KEY_ID= AWS_SECRET_ACCESS_KEY= AWS_PROFILE=flows run $S3 -o "$WORK/p.ipfix" s3://$BUCKET/hive/
expect_rc 0 "so does AWS_PROFILE"
printf '[profile proc]\ncredential_process = printf '"'"'{"Version": 1, "AccessKeyId": "%s", "SecretAccessKey": "%s"}'"'"'\n' \
    "$KEY" "$SECRET" >"$HOME/.aws/config"
AWS_ACCESS_KEY_ID= AWS_SECRET_ACCESS_KEY= run $S3 --profile proc -o "$WORK/p.ipfix" s3://$BUCKET/hive/
expect_rc 0 "credential_process of a profile in ~/.aws/config"

# --- 503 SlowDown and bodies cut mid-object (a fault-injecting proxy in front of s3rver) -------------
echo "# \$ faultproxy.py (every 3rd request 503 SlowDown, every 3rd object body cut)"
"$PYTHON3" "$srcdir/aws/faultproxy.py" "$(cat "$WORK/s3.port")" "$WORK/proxy.port" "$WORK/proxy.log" \
    2>"$WORK/proxy.err" &
PROXY_PID=$!
bg_add $PROXY_PID
wait_for 10 test -s "$WORK/proxy.port" || { echo "Bail out! the proxy did not start"; exit 1; }
run "$VPC2IPFIX" --endpoint-url "http://127.0.0.1:$(cat "$WORK/proxy.port")" -o "$WORK/faults.ipfix" \
    --stats-json "$WORK/faults.json" s3://$BUCKET/AWSLogs/
expect_rc 0 "converted through throttling and cut transfers"
if command -v ipfixDump >/dev/null 2>&1; then
    dump "$WORK/faults.ipfix" >"$WORK/faults.txt"
    cmp -s "$WORK/faults.txt" "$WORK/disk.txt"
    check "the same records as from disk: nothing lost, nothing doubled" $?
else
    skip "faults compared with disk (ipfixDump not installed)"
fi
[ "$(source_field "$WORK/faults.json" throttles)" -ge 3 ] && [ "$(source_field "$WORK/faults.json" retries)" -ge 5 ] \
    && grep -q ' cut$' "$WORK/proxy.log"
check "retries ($(source_field "$WORK/faults.json" retries)) and throttles ($(source_field "$WORK/faults.json" throttles)) counted; bodies were cut" $?
stop_pid $PROXY_PID TERM 10

# --- every request the server answered was signed ------------------------------------------------
requests=$(wc -l <"$S3_LOG")
if [ "$requests" -gt 1000 ] && ! grep -q ' UNSIGNED ' "$S3_LOG"; then
    ok "all $requests requests s3rver saw were signed"
else
    not_ok "all $requests requests s3rver saw were signed"
    grep ' UNSIGNED ' "$S3_LOG" | head -n 5 | sed 's/^/#   /'
fi
grep -v ' signed 200$' "$S3_LOG" | grep -v ' 403$' >"$WORK/odd" || true
check "and answered 200, but for the wrong secret's 403" "$([ -s "$WORK/odd" ] && echo 1 || echo 0)"
diag_file "$WORK/odd"
stop_pid $S3_PID TERM 10
tap_done
