# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers of the AWS end-to-end tests (sourced after tests/lib.sh).

# aws_skip_unless_ready: skip the whole test without node + @20minutes/s3rver, python3-botocore
# or the test collector.
aws_skip_unless_ready() {
    if [ ! -d "$srcdir/node_modules/@20minutes/s3rver" ] || ! command -v node >/dev/null 2>&1; then
        echo "1..0 # SKIP @20minutes/s3rver not installed (cd tests && npm ci)"
        exit 0
    fi
    if ! "$PYTHON3" -c 'import botocore' 2>/dev/null; then
        echo "1..0 # SKIP python3-botocore not installed (setup.sh installs it)"
        exit 0
    fi
    if [ ! -x "$IPFIX_COLLECTOR" ]; then
        echo "1..0 # SKIP $IPFIX_COLLECTOR not built (make check builds it)"
        exit 0
    fi
}

# s3rver_start TREE BUCKET KEY SECRET: the SigV4-verifying S3 server on a loopback port of the
# kernel's choice, the bucket seeded with TREE.  Sets S3_PID, S3_ENDPOINT, S3_LOG (one line
# per request: method, path, signed or UNSIGNED, status).
s3rver_start() {
    S3_LOG=$WORK/s3rver.log
    : >"$S3_LOG"
    echo "# \$ node --openssl-legacy-provider tests/aws/s3rver-run.cjs --seed $(basename "$1") ..."
    node --openssl-legacy-provider "$srcdir/aws/s3rver-run.cjs" --dir "$WORK/store" --bucket "$2" \
        --seed "$1" --port-file "$WORK/s3.port" --log "$S3_LOG" --key "$3" --secret "$4" \
        >"$WORK/s3rver.out" 2>&1 &
    S3_PID=$!
    bg_add $S3_PID
    if ! wait_for 60 _s3rver_ready; then
        echo "Bail out! s3rver did not start"
        diag_file "$WORK/s3rver.out"
        exit 1
    fi
    S3_ENDPOINT=http://127.0.0.1:$(cat "$WORK/s3.port")
}
_s3rver_ready() { alive $S3_PID && [ -s "$WORK/s3.port" ]; }

# collector_start NAME: the TCP test collector.  Sets COLL_PID, COLL_PORT, COLL_OUT.
collector_start() {
    COLL_OUT=$WORK/$1.jsonl
    : >"$COLL_OUT"
    "$IPFIX_COLLECTOR" --tcp --port 0 --bind 127.0.0.1 --ready "$WORK/$1.port" \
        --out "$COLL_OUT" 2>"$WORK/$1.collector-err" &
    COLL_PID=$!
    bg_add "$COLL_PID"
    if ! wait_for 10 test -s "$WORK/$1.port"; then
        echo "Bail out! the test collector did not start"
        exit 1
    fi
    COLL_PORT=$(cat "$WORK/$1.port")
}

# coll_ports FILE: the source ports of the records a collector wrote, one a line, sorted (repeats kept).
coll_ports() { grep -o '"sourceTransportPort":[0-9]*' "$1" | cut -d: -f2 | sort -n; }

# source_field STATS-JSON NAME: a number of the first source in --stats-json.
source_field() { "$PYTHON3" -c 'import json,sys; print(json.load(open(sys.argv[1]))["sources"][0][sys.argv[2]])' "$1" "$2"; }

AWS_RECORD_HEADER='version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status'
# aws_record PORT: a flow log object of one record, its source port telling which object it is.
aws_record() {
    printf '%s\n2 123456789012 eni-1235b8ca123456789 10.0.1.87 192.0.2.44 %s 443 6 10 840 1795133135 1795133171 ACCEPT OK\n' \
        "$AWS_RECORD_HEADER" "$1"
}

# aws_test_environment KEY SECRET: the test's keys in the environment and nothing of the
# machine's AWS set-up (no profile, no ~/.aws, never the instance metadata address).
aws_test_environment() {
    export AWS_ACCESS_KEY_ID="$1" AWS_SECRET_ACCESS_KEY="$2" AWS_REGION=us-east-1
    unset AWS_SESSION_TOKEN AWS_PROFILE AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3 2>/dev/null || true
    export HOME="$WORK/home"
    export AWS_EC2_METADATA_DISABLED=true # never 169.254.169.254: loopback only
}

# aws_seed_tree DIR: the samples' AWSLogs tree in DIR, each log of its day also as gzip.
aws_seed_tree() {
    mkdir -p "$1"
    cp -R "$SAMPLES/AWSLogs" "$1/"
    for _f in "$1"/AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/20/*.log; do
        gzip -c "$_f" >"${_f%.log}-gz.log.gz"
    done
}
