#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# vpc-report on s3:// and cloudwatch:// inputs (input/remote-inputs, shared with vpc2ipfix): the
# same tree from a SigV4-verifying s3rver and from disk gives the same JSON report; --since/--until
# select objects by their key dates; a log group through the botocore-verifying test server gives
# the report of the same events from a file; mixed inputs and a wrong secret are refused.
. "${srcdir:-$(dirname "$0")}/lib.sh"

: "${IPFIX_COLLECTOR:=$top_builddir/tests/ipfix-collector}"
: "${VPC_REPORT:=$top_builddir/src/vpc-report}"
. "$srcdir/aws/aws-lib.sh"
aws_skip_unless_ready

KEY=AKIDVPCREPORTTEST
SECRET=rep0rt/Secret+ForTests=
BUCKET=flowlogs
aws_test_environment "$KEY" "$SECRET"

# the tree: the samples (text, gzip, Parquet) and objects with dated AWS names every 5 minutes.
TREE=$WORK/tree
aws_seed_tree "$TREE"
mkdir -p "$TREE/AWSLogs/parquet"
cp "$SAMPLES/parquet/default-v2.duckdb-gzip.log.parquet" "$TREE/AWSLogs/parquet/"
mkdir -p "$TREE/dated/2026/11/20"
for m in 00 05 10 15 20 25 30 35 40 45 50 55; do
    aws_record $((1000 + ${m#0})) >"$TREE/dated/2026/11/20/123456789012_vpcflowlogs_us-east-1_fl-1_20261120T00${m}Z_ab.log"
done

s3rver_start "$TREE" $BUCKET $KEY "$SECRET"
REPORT="$VPC_REPORT -q --no-threats -O json"

# normalised JSON FILE PREFIX: the report with input and skipped names relative to PREFIX.
normalised() {
    "$PYTHON3" - "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
prefix = sys.argv[2]
def strip(name):
    return name[len(prefix):] if name.startswith(prefix) else '!' + name
for f in d['inputs']['files']:
    f['name'] = strip(f['name'])
for key in ('skipped', 'skipped_files'):
    d['inputs'][key] = sorted(strip(s) for s in d['inputs'].get(key, []))
print(json.dumps(d, indent=1, sort_keys=True))
PY
}
# names JSON: the key times (T0020 ...) of the inputs read.
names() { "$PYTHON3" -c 'import json,re,sys; print(" ".join(re.search(r"(T\d{4})Z_", f["name"]).group(1) for f in json.load(open(sys.argv[1]))["inputs"]["files"]))' "$1"; }
flows() { "$PYTHON3" -c 'import json,sys; print(json.load(open(sys.argv[1]))["totals"]["flows"])' "$1"; }

# --- the same tree from S3 and from disk -------------------------------------------------------
run $REPORT -o "$WORK/s3.json" --endpoint-url "$S3_ENDPOINT" s3://$BUCKET/AWSLogs/
expect_rc 0 "vpc-report s3://$BUCKET/AWSLogs/ (text, gzip and Parquet objects)"
run $REPORT -o "$WORK/disk.json" "$TREE/AWSLogs"
expect_rc 0 "vpc-report on the same tree from disk"
normalised "$WORK/s3.json" "s3://$BUCKET/" >"$WORK/s3.norm" 2>&1
normalised "$WORK/disk.json" "$TREE/" >"$WORK/disk.norm" 2>&1
if [ "$(flows "$WORK/disk.json")" -gt 0 ] && cmp -s "$WORK/s3.norm" "$WORK/disk.norm"; then
    ok "S3 and disk give the identical report ($(flows "$WORK/s3.json") flows; input names by key)"
else
    not_ok "S3 and disk give the identical report"
    diff -u "$WORK/disk.norm" "$WORK/s3.norm" | head -40 | sed 's/^/#   /'
fi
expect_grep "README.md" "$WORK/s3.norm" "the object that is not a flow log is listed as skipped"

# --- --since/--until on the key dates ----------------------------------------------------------
run $REPORT -o "$WORK/window.json" --endpoint-url "$S3_ENDPOINT" \
    --since 2026-11-20T00:20Z --until 2026-11-20T00:40Z s3://$BUCKET/dated/
expect_rc 0 "vpc-report --since 00:20 --until 00:40 s3://$BUCKET/dated/"
got=$(names "$WORK/window.json")
[ "$got" = "T0020 T0025 T0030 T0035" ]
check "exactly the objects of 00:20 to 00:35 were read ($got)" $?
run $REPORT -o "$WORK/since.json" --endpoint-url "$S3_ENDPOINT" --since 2026-11-20T00:50Z \
    s3://$BUCKET/dated/
[ "$RC" -eq 0 ] && [ "$(names "$WORK/since.json")" = "T0050 T0055" ] && [ "$(flows "$WORK/since.json")" -eq 2 ]
check "--since alone: the last two objects, 2 flows" $?

# --- refused --------------------------------------------------------------------------------------
run $REPORT --endpoint-url "$S3_ENDPOINT" s3://$BUCKET/AWSLogs/ "$TREE/AWSLogs"
expect_rc 2 "s3:// mixed with a local directory is a usage error"
run $REPORT --since yesterday-ish s3://$BUCKET/AWSLogs/
expect_rc 2 "a bad --since is a usage error"
AWS_SECRET_ACCESS_KEY=wrong-secret-XYZ run $REPORT --endpoint-url "$S3_ENDPOINT" s3://$BUCKET/AWSLogs/
expect_rc 1 "a wrong secret fails"
expect_grep "SignatureDoesNotMatch|403|s3:ListBucket" "$ERR" "and says why"
expect_no_grep "wrong-secret-XYZ" "$ERR" "without printing the secret"

# --- CloudWatch Logs --------------------------------------------------------------------------------
FORMAT='${version} ${account-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}'
T0=1795133000000 # ms: 2026-11-20T00:03:20Z
"$PYTHON3" - "$WORK" $T0 <<'PY'
import json, sys
work, t0 = sys.argv[1], int(sys.argv[2])
events = []
for i in range(30):
    stream = 'eni-0a1b2c3d4e5f60718-all' if i % 2 else 'eni-1235b8ca123456789-all'
    action = 'REJECT' if i % 3 == 0 else 'ACCEPT'
    msg = '2 123456789012 198.51.100.%d 10.0.1.5 %d %d 6 1 40 %d %d %s OK' % (
        i + 1, 40000 + i, 20 + i, (t0 // 1000) + 60 * i, (t0 // 1000) + 60 * i + 30, action)
    events.append({'logStreamName': stream, 'timestamp': t0 + 60000 * i, 'message': msg})
json.dump(events, open(work + '/events.json', 'w'))
json.dump({'events': events}, open(work + '/page.json', 'w'))
json.dump({'events': events[10:]}, open(work + '/page-since.json', 'w'))
PY
LOGS_LOG=$WORK/logs.log
: >"$LOGS_LOG"
echo "# \$ logsserver.py (pages of 4 events, every 5th request throttled)"
"$PYTHON3" "$srcdir/aws/logsserver.py" "$WORK/logs.port" "$LOGS_LOG" vpc-flow-logs "$WORK/events.json" 4 5 \
    2>"$WORK/logs.err" &
LOGS_PID=$!
bg_add $LOGS_PID
wait_for 20 test -s "$WORK/logs.port" || { echo "Bail out! the logs server did not start"; diag_file "$WORK/logs.err"; exit 1; }
CW_ENDPOINT=http://127.0.0.1:$(cat "$WORK/logs.port")
# without_inputs JSON: the report but its inputs (a page per FilterLogEvents page against one file).
without_inputs() {
    "$PYTHON3" -c 'import json,sys; d=json.load(open(sys.argv[1])); d.pop("inputs"); print(json.dumps(d, indent=1, sort_keys=True))' "$1"
}
run $REPORT -o "$WORK/cw.json" --endpoint-url "$CW_ENDPOINT" --format "$FORMAT" cloudwatch://vpc-flow-logs
expect_rc 0 "vpc-report cloudwatch://vpc-flow-logs (8 pages, throttled requests retried)"
run $REPORT -o "$WORK/cw-disk.json" --format "$FORMAT" "$WORK/page.json"
expect_rc 0 "vpc-report on the same events as a filter-log-events file"
without_inputs "$WORK/cw.json" >"$WORK/cw.norm" 2>&1
without_inputs "$WORK/cw-disk.json" >"$WORK/cw-disk.norm" 2>&1
if [ "$(flows "$WORK/cw.json")" -eq 30 ] && cmp -s "$WORK/cw.norm" "$WORK/cw-disk.norm"; then
    ok "CloudWatch and the file give the identical report (30 flows, the streams as interfaces)"
else
    not_ok "CloudWatch and the file give the identical report"
    diff -u "$WORK/cw-disk.norm" "$WORK/cw.norm" | head -40 | sed 's/^/#   /'
fi
run $REPORT -o "$WORK/cw-since.json" --endpoint-url "$CW_ENDPOINT" --format "$FORMAT" \
    --since 2026-11-20T00:13:20Z cloudwatch://vpc-flow-logs
expect_rc 0 "vpc-report --since 00:13:20 cloudwatch://vpc-flow-logs"
run $REPORT -o "$WORK/cw-since-disk.json" --format "$FORMAT" "$WORK/page-since.json"
without_inputs "$WORK/cw-since.json" >"$WORK/cw-since.norm" 2>&1
without_inputs "$WORK/cw-since-disk.json" >"$WORK/cw-since-disk.norm" 2>&1
[ "$(flows "$WORK/cw-since.json")" -eq 20 ] && cmp -s "$WORK/cw-since.norm" "$WORK/cw-since-disk.norm"
check "--since: the 20 events from 00:13:20, the report of those events" $?

stop_pid $LOGS_PID
stop_pid $S3_PID
tap_done
