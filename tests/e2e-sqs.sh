#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# --sqs: S3 event notifications (direct, through SNS, from EventBridge) from a test SQS queue
# (tests/aws/sqsserver.py: visibility timeouts, long polling, every signature checked with
# botocore), the objects from s3rver; two processes on one queue deliver every object exactly
# once; messages deleted only after delivery; other messages counted and deleted.
. "${srcdir:-$(dirname "$0")}/lib.sh"
: "${IPFIX_COLLECTOR:=$top_builddir/tests/ipfix-collector}"
. "$srcdir/aws/aws-lib.sh"
aws_skip_unless_ready

KEY=AKIDSQSTEST
SECRET=sqs/Secret+For=Tests
export AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET AWS_REGION=us-east-1
unset AWS_SESSION_TOKEN AWS_PROFILE AWS_ENDPOINT_URL AWS_ENDPOINT_URL_SQS 2>/dev/null || true
export HOME=$WORK/home # no ~/.aws of the machine
export AWS_EC2_METADATA_DISABLED=true # never 169.254.169.254: loopback only

# 60 objects (ports 20000..20059); key names with a space and a '+' as S3 encodes them.
TREE=$WORK/tree
mkdir -p "$TREE/in/2026/11/20"
i=0
while [ $i -lt 60 ]; do
    aws_record $((20000 + i)) >"$TREE/in/2026/11/20/obj $i+x.log"
    i=$((i + 1))
done
aws_record 20100 >"$WORK/late.log"
s3rver_start "$TREE" flowlogs $KEY "$SECRET"
export AWS_ENDPOINT_URL_S3=$S3_ENDPOINT

echo "# \$ sqsserver.py"
"$PYTHON3" "$srcdir/aws/sqsserver.py" "$WORK/sqs.port" "$WORK/sqs.log" 2>"$WORK/sqs.err" &
SQS_PID=$!
bg_add $SQS_PID
wait_for 20 test -s "$WORK/sqs.port" || { echo "Bail out! the SQS server did not start"; diag_file "$WORK/sqs.err"; exit 1; }
SQS_BASE=http://127.0.0.1:$(cat "$WORK/sqs.port")
QUEUE=$SQS_BASE/123456789012/flowlog-events

# The notifications: objects 0-29 direct (two objects in some messages), 30-44 through SNS,
# 45-59 from EventBridge; a test event and a deletion (not object notifications).
echo "# \$ (60 notifications sent: direct, SNS-wrapped, EventBridge; s3:TestEvent, ObjectRemoved)"
"$PYTHON3" - "$SQS_BASE" "$TREE" <<'PY'
import hashlib, json, os, sys, urllib.parse, urllib.request
base, tree = sys.argv[1], sys.argv[2]
def send(body):
    urllib.request.urlopen(urllib.request.Request(base + '/_send', data=body.encode())).read()
def obj(i):
    key = 'in/2026/11/20/obj %d+x.log' % i
    data = open(os.path.join(tree, key), 'rb').read()
    return key, len(data), hashlib.md5(data).hexdigest()
def record(i, name='ObjectCreated:Put'):
    key, size, etag = obj(i)
    return {'eventVersion': '2.1', 'eventSource': 'aws:s3', 'awsRegion': 'us-east-1',
            'eventName': name, 's3': {'bucket': {'name': 'flowlogs'},
            'object': {'key': urllib.parse.quote_plus(key, safe='/'), 'size': size, 'eTag': etag}}}
i = 0
while i < 30:
    group = [i, i + 1] if i % 6 == 0 else [i]
    send(json.dumps({'Records': [record(j) for j in group]}))
    i += len(group)
for i in range(30, 45):
    send(json.dumps({'Type': 'Notification', 'TopicArn': 'arn:aws:sns:us-east-1:1:t',
                     'Message': json.dumps({'Records': [record(i)]})}))
for i in range(45, 60):
    key, size, etag = obj(i)
    send(json.dumps({'version': '0', 'source': 'aws.s3', 'detail-type': 'Object Created',
                     'detail': {'bucket': {'name': 'flowlogs'},
                                'object': {'key': key, 'size': size, 'etag': etag}}}))
send(json.dumps({'Service': 'Amazon S3', 'Event': 's3:TestEvent', 'Bucket': 'flowlogs'}))
send(json.dumps({'Records': [record(3, 'ObjectRemoved:Delete')]}))
PY
status() { curl -s "$SQS_BASE/_status" | "$PYTHON3" -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

# --- two workers on one queue --------------------------------------------------------------------------
collector_start two
for w in 1 2; do
    echo "# \$ $VPC2IPFIX --sqs $QUEUE --tcp 127.0.0.1:$COLL_PORT --stats-json w$w.json &"
    "$VPC2IPFIX" --sqs "$QUEUE" --tcp 127.0.0.1:$COLL_PORT --stats-json "$WORK/w$w.json" -q \
        2>"$WORK/w$w.err" &
    eval "W$w=\$!"
    bg_add $!
done
exited() { ! alive "$1"; }
wait_for 60 exited "$W1"
late1=$?
stop_pid "$W1" TERM 1
rc1=$STOP_RC
wait_for 60 exited "$W2"
late2=$?
stop_pid "$W2" TERM 1
rc2=$STOP_RC
[ "$late1$late2" = 00 ] && [ "$rc1$rc2" = 00 ]
check "both workers drained the queue and exited 0" $?
diag_file "$WORK/w1.err"
diag_file "$WORK/w2.err"
have_records() { [ "$(coll_ports "$COLL_OUT" | wc -l)" -ge "$1" ]; }
wait_for 10 have_records 60 || true
coll_ports "$COLL_OUT" >"$WORK/got"
seq 20000 20059 >"$WORK/want"
if cmp -s "$WORK/got" "$WORK/want"; then
    ok "every object's flows delivered exactly once by the two workers together"
else
    not_ok "every object's flows delivered exactly once by the two workers together"
    diff "$WORK/want" "$WORK/got" | head -n 10 | sed 's/^/#   /'
fi
r1=$(source_field "$WORK/w1.json" objects_read) r2=$(source_field "$WORK/w2.json" objects_read)
[ "$r1" -gt 0 ] && [ "$r2" -gt 0 ] && [ $((r1 + r2)) = 60 ]
check "both took a share ($r1 + $r2 objects)" $?
o1=$(source_field "$WORK/w1.json" messages_other) o2=$(source_field "$WORK/w2.json" messages_other)
d1=$(source_field "$WORK/w1.json" messages_deleted) d2=$(source_field "$WORK/w2.json" messages_deleted)
[ $((o1 + o2)) = 2 ] && [ $((d1 + d2)) = 57 ] && [ "$(status deleted)" = 57 ] && [ "$(status visible)" = 0 ] \
    && [ "$(status received_more_than_once)" = 0 ]
check "55 notifications + 2 others deleted, counted ($((o1 + o2)) others), none received twice" $?
stop_pid "$COLL_PID" TERM 10

# --- -F: a notification while running; deleted only after delivery ------------------------------
collector_start follow
echo "# \$ $VPC2IPFIX -F --sqs $QUEUE --state f.state --tcp 127.0.0.1:$COLL_PORT &"
"$VPC2IPFIX" -F --sqs "$QUEUE" --state "$WORK/f.state" --tcp 127.0.0.1:$COLL_PORT \
    --stats-json "$WORK/f.json" -q 2>"$WORK/f.err" &
F_PID=$!
bg_add $F_PID
"$PYTHON3" "$srcdir/aws/s3tool.py" "$S3_ENDPOINT" flowlogs put "in/late.log" "$WORK/late.log"
"$PYTHON3" - "$SQS_BASE" "$WORK/late.log" <<'PY'
import hashlib, json, sys, urllib.request
data = open(sys.argv[2], 'rb').read()
body = json.dumps({'Records': [{'eventSource': 'aws:s3', 'eventName': 'ObjectCreated:Put',
    's3': {'bucket': {'name': 'flowlogs'}, 'object': {'key': 'in/late.log', 'size': len(data),
    'eTag': hashlib.md5(data).hexdigest()}}}]})
urllib.request.urlopen(urllib.request.Request(sys.argv[1] + '/_send', data=body.encode())).read()
PY
deleted_is() { [ "$(status deleted)" = "$1" ]; }
wait_for 30 deleted_is 58
check "a notification sent while running is converted and its message deleted" $?
[ "$(coll_ports "$COLL_OUT" | tr '\n' ' ')" = "20100 " ] && grep -q ' s3://flowlogs/in/late.log$' "$WORK/f.state"
check "its flows were delivered (and recorded in --state) before the delete" $?
wait_for 5 grep -q 'ReceiveMessage' "$WORK/sqs.log" # waiting in a 20 s long poll by now
t0=$(date +%s%N)
stop_pid $F_PID TERM 10
ms=$((($(date +%s%N) - t0) / 1000000))
[ "$STOP_RC" -eq 0 ] && [ "$ms" -lt 3000 ]
check "SIGTERM ends a -F run waiting in a 20 s long poll at once ($ms ms), exit 0" $?
stop_pid "$COLL_PID" TERM 10

# --- a collector that takes nothing: the messages stay ---------------------------------------------
"$PYTHON3" - "$SQS_BASE" <<'PY'
import json, sys, urllib.request
body = json.dumps({'Records': [{'eventSource': 'aws:s3', 'eventName': 'ObjectCreated:Put',
    's3': {'bucket': {'name': 'flowlogs'}, 'object': {'key': 'in/late.log', 'size': 1, 'eTag': 'x'}}}]})
urllib.request.urlopen(urllib.request.Request(sys.argv[1] + '/_send', data=body.encode())).read()
PY
run "$VPC2IPFIX" --sqs "$QUEUE" --tcp 127.0.0.1:1 --connect-timeout 1
[ "$RC" -ne 0 ] && [ "$(status deleted)" = 58 ]
check "a message whose flows were not delivered is not deleted (exit $RC)" $?

# --- signatures ---------------------------------------------------------------------------------------
stop_pid $SQS_PID TERM 10
! grep -v ' signature-ok ' "$WORK/sqs.log" | grep -q .
check "botocore verified the signature of every SQS request ($(wc -l <"$WORK/sqs.log"))" $?
! grep -q ' UNSIGNED ' "$S3_LOG"
check "and s3rver saw only signed requests" $?
stop_pid $S3_PID TERM 10
tap_done
