#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# cloudwatch:// inputs against a FilterLogEvents test server (tests/aws/logsserver.py) that checks
# every request's SigV4 signature with botocore: paging and throttling, the same events as a
# filter-log-events file on disk, the stream as the interface, --since/--until, -F with late
# events neither lost nor doubled, the cursor in --state.
. "${srcdir:-$(dirname "$0")}/lib.sh"

: "${IPFIX_COLLECTOR:=$top_builddir/tests/ipfix-collector}"
if ! "$PYTHON3" -c 'import botocore' 2>/dev/null; then
    echo "1..0 # SKIP python3-botocore not installed (setup.sh installs it)"
    exit 0
fi
if [ ! -x "$IPFIX_COLLECTOR" ]; then
    echo "1..0 # SKIP $IPFIX_COLLECTOR not built (make check builds it)"
    exit 0
fi
export AWS_ACCESS_KEY_ID=AKIDCLOUDWATCHTEST AWS_SECRET_ACCESS_KEY='cw/Secret+Test=' AWS_REGION=eu-west-1
unset AWS_SESSION_TOKEN AWS_PROFILE AWS_ENDPOINT_URL 2>/dev/null || true
export HOME=$WORK/home # no ~/.aws of the machine
export AWS_EC2_METADATA_DISABLED=true # never 169.254.169.254: loopback only

FORMAT='${version} ${account-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}'
T0=1795133000000 # ms: 2026-11-20T00:03:20Z
# events: 30 records without interface-id (ports 5000 + i) a minute apart, in two streams.
"$PYTHON3" - "$WORK" $T0 <<'PY'
import json, sys
work, t0 = sys.argv[1], int(sys.argv[2])
events = []
for i in range(30):
    stream = 'eni-0a1b2c3d4e5f60718-all' if i % 2 else 'eni-1235b8ca123456789-all'
    msg = '2 123456789012 10.0.1.%d 192.0.2.44 %d 443 6 10 840 %d %d ACCEPT OK' % (
        i + 1, 5000 + i, (t0 // 1000) + 60 * i, (t0 // 1000) + 60 * i + 30)
    events.append({'logStreamName': stream, 'timestamp': t0 + 60000 * i, 'message': msg})
json.dump(events, open(work + '/events.json', 'w'))
json.dump({'events': events}, open(work + '/page.json', 'w'))  # the same, as aws logs filter-log-events prints it
json.dump([{'logStreamName': 'eni-1235b8ca123456789-all', 'timestamp': t0 + 60000 * 29 - 120000,
            'message': '2 123456789012 10.0.1.99 192.0.2.44 6001 443 6 10 840 %d %d ACCEPT OK'
            % (t0 // 1000, t0 // 1000 + 30)},
           {'logStreamName': 'eni-1235b8ca123456789-all', 'timestamp': t0 + 60000 * 31,
            'message': '2 123456789012 10.0.1.98 192.0.2.44 6002 443 6 10 840 %d %d ACCEPT OK'
            % (t0 // 1000, t0 // 1000 + 30)}], open(work + '/later.json', 'w'))
PY

LOGS_LOG=$WORK/logs.log
: >"$LOGS_LOG"
echo "# \$ logsserver.py (pages of 4 events, every 5th request throttled)"
"$PYTHON3" "$srcdir/aws/logsserver.py" "$WORK/logs.port" "$LOGS_LOG" vpc-flow-logs "$WORK/events.json" 4 5 \
    2>"$WORK/logs.err" &
LOGS_PID=$!
bg_add $LOGS_PID
wait_for 20 test -s "$WORK/logs.port" || { echo "Bail out! the logs server did not start"; diag_file "$WORK/logs.err"; exit 1; }
ENDPOINT=http://127.0.0.1:$(cat "$WORK/logs.port")
CW="$VPC2IPFIX --endpoint-url $ENDPOINT"
source_field() { "$PYTHON3" -c 'import json,sys; print(json.load(open(sys.argv[1]))["sources"][0][sys.argv[2]])' "$1" "$2"; }
ports() {
    ipfixDump -d -i "$1" 2>/dev/null | awk '/sourceTransportPort/ { print $NF }' | sort -n | uniq | tr '\n' ' '
}

# --- all events, page by page, as from disk --------------------------------------------------------
run $CW --format "$FORMAT" -o "$WORK/cw.ipfix" --stats-json "$WORK/cw.json" cloudwatch://vpc-flow-logs
expect_rc 0 "cloudwatch://vpc-flow-logs converted"
[ "$(source_field "$WORK/cw.json" events)" = 30 ] && [ "$(source_field "$WORK/cw.json" pages)" = 8 ] \
    && [ "$(source_field "$WORK/cw.json" throttles)" -ge 1 ] && [ "$(source_field "$WORK/cw.json" retries)" -ge 1 ]
check "30 events in 8 pages; throttling retried and counted ($(source_field "$WORK/cw.json" throttles))" $?
run "$VPC2IPFIX" --format "$FORMAT" -o "$WORK/disk.ipfix" "$WORK/page.json"
expect_rc 0 "the same events as a filter-log-events file on disk"
if command -v ipfixDump >/dev/null 2>&1; then
    ipfixDump -d -i "$WORK/cw.ipfix" 2>&1 | grep -v 'export time' >"$WORK/cw.txt"
    ipfixDump -d -i "$WORK/disk.ipfix" 2>&1 | grep -v 'export time' >"$WORK/disk.txt"
    [ -s "$WORK/cw.txt" ] && cmp -s "$WORK/cw.txt" "$WORK/disk.txt"
    check "identical records (the log stream is the interface, as for the file)" $?
    grep -q 'eni-0a1b2c3d4e5f60718' "$WORK/cw.txt"
    check "the interface names come from the streams" $?
else
    skip "compared with disk (ipfixDump not installed)"
    skip "interface names (ipfixDump not installed)"
fi

# --- --since/--until and a stream prefix --------------------------------------------------------------
run $CW --format "$FORMAT" -o "$WORK/w.ipfix" --since 2026-11-20T00:05:20Z --until 2026-11-20T00:08:20Z \
    cloudwatch://vpc-flow-logs
got=$(ports "$WORK/w.ipfix")
[ "$RC" -eq 0 ] && [ "$got" = "5002 5003 5004 " ]
check "--since/--until select exactly the events of 00:05:20 to 00:08:20 (got $got)" $?
run $CW --format "$FORMAT" -o "$WORK/p.ipfix" --until 2026-11-20T00:08:20Z cloudwatch://vpc-flow-logs/eni-0a1b
got=$(ports "$WORK/p.ipfix")
[ "$RC" -eq 0 ] && [ "$got" = "5001 5003 " ]
check "a stream prefix selects its streams only (got $got)" $?

# --- -F: new and late events, neither lost nor doubled; the cursor in --state --------------------------
COLL_OUT=$WORK/coll.jsonl
: >"$COLL_OUT"
"$IPFIX_COLLECTOR" --tcp --port 0 --bind 127.0.0.1 --ready "$WORK/coll.port" --out "$COLL_OUT" \
    2>"$WORK/coll.err" &
COLL_PID=$!
bg_add $COLL_PID
wait_for 10 test -s "$WORK/coll.port" || { echo "Bail out! the collector did not start"; exit 1; }
state_has() { grep -q "cloudwatch://vpc-flow-logs\$" "$WORK/cw.state" 2>/dev/null; }
records() { grep -c '"sourceTransportPort"' "$COLL_OUT"; }
echo "# \$ $CW -F --poll-interval 1 --state cw.state --tcp ... cloudwatch://vpc-flow-logs &"
$CW --format "$FORMAT" -F --poll-interval 1 --state "$WORK/cw.state" --tcp 127.0.0.1:$(cat "$WORK/coll.port") \
    --stats-json "$WORK/follow.json" -q cloudwatch://vpc-flow-logs 2>"$WORK/follow.err" &
F_PID=$!
bg_add $F_PID
wait_for 20 state_has
check "the cursor is recorded once the first pass is delivered" $?
echo "# \$ curl -d @later.json $ENDPOINT/_add   (one late event inside the overlap, one new)"
curl -s -d @"$WORK/later.json" "$ENDPOINT/_add" >/dev/null
have_records() { [ "$(records)" -ge "$1" ]; }
wait_for 20 have_records 32
sleep_until=$(($(date +%s) + 3))
while [ "$(date +%s)" -lt $sleep_until ] && alive $F_PID; do sleep 0.2; done # two more passes: nothing doubled
stop_pid $F_PID TERM 10
[ "$STOP_RC" -eq 0 ] && [ "$STOP_LATE" -eq 0 ]
check "SIGTERM ends the -F run, exit 0" $?
n=$(records)
distinct=$(grep -o '"sourceTransportPort":[0-9]*' "$COLL_OUT" | sort -u | wc -l)
[ "$n" = 32 ] && [ "$distinct" = 32 ]
check "30 + the late + the new event delivered once each ($n records, $distinct distinct)" $?
dups=$(source_field "$WORK/follow.json" duplicate_events)
[ "$dups" -ge 2 ]
check "events seen again in the overlap are dropped and counted ($dups)" $?
cursor=$(awk '/cloudwatch:\/\/vpc-flow-logs$/ { c = $2 } END { print c }' "$WORK/cw.state")
[ "$cursor" = "$(((T0 + 60000 * 31) / 1000)).000000000" ]
check "the --state cursor is the newest event time ($cursor)" $?
: >"$LOGS_LOG"
run $CW --format "$FORMAT" --state "$WORK/cw.state" -o "$WORK/restart.ipfix" cloudwatch://vpc-flow-logs
expect_grep "\"startTime\":$((T0 + 60000 * 31 - 300000))[,}]" "$LOGS_LOG" \
    "a restart with --state starts at the cursor minus the 5-minute overlap"
stop_pid $COLL_PID TERM 10

# --- a wrong secret, and every request's signature ------------------------------------------------
AWS_SECRET_ACCESS_KEY=not-the-Secret run $CW -o "$WORK/bad.ipfix" cloudwatch://vpc-flow-logs
expect_rc 1 "a wrong secret fails"
expect_grep 'were refused \(HTTP 403 InvalidSignatureException\)' "$ERR" "clearly"
expect_no_grep 'not-the-Secret' "$ERR" "without printing the secret"
run $CW -o "$WORK/none.ipfix" cloudwatch://no-such-group
expect_rc 1 "a missing log group fails"
expect_grep 'ResourceNotFoundException' "$ERR" "naming the AWS error"
stop_pid $LOGS_PID TERM 10
# the wrong secret's requests are the only ones the server refused
grep -c 'SIGNATURE-FAIL' "$LOGS_LOG" >"$WORK/fails" || true
[ "$(cat "$WORK/fails")" = 1 ] && ! grep -v 'signature-ok\|SIGNATURE-FAIL' "$LOGS_LOG" | grep -q .
check "botocore verified the signature of every other request" $?
tap_done
