#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The credentials provider chain against test endpoints (tests/aws/credserver.py): EC2 instance
# metadata (IMDSv2), ECS container credentials, web identity (STS AssumeRoleWithWebIdentity),
# role_arn + source_profile (STS AssumeRole, signature checked by botocore); temporary keys
# fetched again before they expire during a -F run; each used against a CloudWatch Logs test
# server that checks every signature with botocore.
. "${srcdir:-$(dirname "$0")}/lib.sh"

if ! "$PYTHON3" -c 'import botocore' 2>/dev/null; then
    echo "1..0 # SKIP python3-botocore not installed (setup.sh installs it)"
    exit 0
fi
export HOME=$WORK/home
mkdir -p "$HOME/.aws"
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE AWS_ENDPOINT_URL \
    AWS_WEB_IDENTITY_TOKEN_FILE AWS_ROLE_ARN AWS_CONTAINER_CREDENTIALS_RELATIVE_URI \
    AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_CONTAINER_AUTHORIZATION_TOKEN 2>/dev/null || true
export AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true # never 169.254.169.254: loopback only

echo "# \$ credserver.py (keys living 302 s: fetched again after 2 s)"
"$PYTHON3" "$srcdir/aws/credserver.py" "$WORK/cred.port" "$WORK/cred.log" 302 AKIDSOURCE source/Secret \
    2>"$WORK/cred.err" &
CRED_PID=$!
bg_add $CRED_PID
echo '[{"logStreamName": "eni-1235b8ca123456789-all", "timestamp": 1795133000000, "message": "2 123456789012 eni-1235b8ca123456789 10.0.1.87 192.0.2.44 123 45195 17 651 160797 1795133135 1795133171 REJECT OK"}]' \
    >"$WORK/events.json"
echo "# \$ logsserver.py (accepting the keys each provider issues)"
AWS_ACCESS_KEY_ID=AKIDUNUSED AWS_SECRET_ACCESS_KEY=unused LOGS_EXPIRED_TOKEN=token-ecs-1 \
    LOGS_KEYS=ASIAIMDS:secret-imds,ASIAECS:secret-ecs,ASIAWEB:secret-web,ASIAROLE:secret-role \
    "$PYTHON3" "$srcdir/aws/logsserver.py" "$WORK/logs.port" "$WORK/logs.log" vpc-flow-logs \
    "$WORK/events.json" 2>"$WORK/logs.err" &
LOGS_PID=$!
bg_add $LOGS_PID
wait_for 20 test -s "$WORK/cred.port" && wait_for 20 test -s "$WORK/logs.port" \
    || { echo "Bail out! the test servers did not start"; exit 1; }
CRED=http://127.0.0.1:$(cat "$WORK/cred.port")
CW="$VPC2IPFIX --endpoint-url http://127.0.0.1:$(cat "$WORK/logs.port") -q"

# provider NAME DESCRIPTION ENV...: a conversion with only those settings uses ASIA<NAME> keys.
provider() {
    _name=$1 _desc=$2
    shift 2
    : >"$WORK/logs.log"
    echo "# \$ env $* vpc2ipfix ... cloudwatch://vpc-flow-logs"
    RC=0
    env "$@" $CW -o "$WORK/out.ipfix" cloudwatch://vpc-flow-logs >"$OUT" 2>"$ERR" || RC=$?
    if [ "$RC" -eq 0 ] && grep -q "signature-ok 200 .* key=ASIA$(echo "$_name" | tr a-z A-Z) token=token-$_name-" "$WORK/logs.log"; then
        ok "$_desc"
    else
        not_ok "$_desc (exit $RC)"
        diag_file "$ERR"
        diag_file "$WORK/logs.log"
    fi
}
provider imds "EC2 instance metadata (IMDSv2 token, role, keys)" \
    AWS_EC2_METADATA_DISABLED=false AWS_EC2_METADATA_SERVICE_ENDPOINT="$CRED"
provider ecs "ECS container credentials (full URI and authorization token)" \
    AWS_CONTAINER_CREDENTIALS_FULL_URI="$CRED/ecs/creds" AWS_CONTAINER_AUTHORIZATION_TOKEN=ecs-auth-token
grep -q 'signature-ok 400 .*token=token-ecs-1' "$WORK/logs.log" && grep -q '^ecs issued 2$' "$WORK/cred.log" \
    && grep -q 'signature-ok 200 .*token=token-ecs-2' "$WORK/logs.log"
check "keys the service calls expired (ExpiredTokenException) are fetched again and the request retried" $?
echo web-identity-jwt >"$WORK/token"
provider web "web identity (STS AssumeRoleWithWebIdentity)" \
    AWS_WEB_IDENTITY_TOKEN_FILE="$WORK/token" AWS_ROLE_ARN=arn:aws:iam::123456789012:role/flowlogs \
    AWS_ENDPOINT_URL_STS="$CRED"
printf '[profile src]\naws_access_key_id = AKIDSOURCE\naws_secret_access_key = source/Secret\n\n[profile flows]\nrole_arn = arn:aws:iam::123456789012:role/flowlogs\nsource_profile = src\nregion = us-east-1\n' \
    >"$HOME/.aws/config"
provider role "role_arn + source_profile (STS AssumeRole signed with the source profile's keys)" \
    AWS_PROFILE=flows AWS_ENDPOINT_URL_STS="$CRED"
! grep -q '^refused' "$WORK/cred.log"
check "the credential endpoints refused nothing (IMDSv2 token, ECS authorization, STS signature)" $?

# --- keys fetched again before they expire, in a run --------------------------------------------
: >"$WORK/logs.log"
echo "# \$ vpc2ipfix -F --poll-interval 1 ... (instance metadata keys expiring in 302 s)"
env AWS_EC2_METADATA_DISABLED=false AWS_EC2_METADATA_SERVICE_ENDPOINT="$CRED" \
    $CW -F --poll-interval 1 -o "$WORK/follow.ipfix" cloudwatch://vpc-flow-logs 2>"$WORK/follow.err" &
F_PID=$!
bg_add $F_PID
tokens() { grep -o 'token=token-imds-[0-9]*' "$WORK/logs.log" | sort -u | wc -l; }
have_tokens() { [ "$(tokens)" -ge "$1" ]; }
wait_for 20 have_tokens 3
check "temporary keys are fetched again before they expire ($(tokens) session tokens used)" $?
stop_pid $F_PID TERM 10
[ "$STOP_RC" -eq 0 ]
check "and the run goes on (exit 0 on SIGTERM)" $?
! grep -v 'signature-ok' "$WORK/logs.log" | grep -q .
check "every request signed with the keys of the moment (botocore)" $?

# --- failures name the provider, never a secret ---------------------------------------------------
run env AWS_CONTAINER_CREDENTIALS_FULL_URI="$CRED/ecs/creds" AWS_CONTAINER_AUTHORIZATION_TOKEN=wrong-Token \
    $CW -o "$WORK/x.ipfix" cloudwatch://vpc-flow-logs
expect_rc 2 "refused container credentials: a usage error"
expect_grep 'container credentials .*HTTP 403' "$ERR" "naming the provider"
expect_no_grep 'wrong-Token' "$ERR" "not the token"
printf '[profile bad]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = badsrc\n[profile badsrc]\naws_access_key_id = AKIDSOURCE\naws_secret_access_key = not-the-Secret\n' \
    >"$HOME/.aws/config"
run env AWS_ENDPOINT_URL_STS="$CRED" $CW --profile bad -o "$WORK/x.ipfix" cloudwatch://vpc-flow-logs
expect_rc 2 "AssumeRole refused (wrong source secret)"
expect_grep 'role arn:aws:iam::1:role/r of profile bad: HTTP 403 SignatureDoesNotMatch' "$ERR" "says so"
expect_no_grep 'not-the-Secret' "$ERR" "without the secret"
stop_pid $LOGS_PID TERM 10
stop_pid $CRED_PID TERM 10
tap_done
