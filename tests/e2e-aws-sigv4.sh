#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Our SigV4 signatures (src/input/aws-sigv4.c) against botocore's for every kind of request we send.
. "${srcdir:-$(dirname "$0")}/lib.sh"

if ! "$PYTHON3" -c 'import botocore' 2>/dev/null; then
    skip "python3-botocore is not installed (setup.sh installs it)"
    tap_done
    exit
fi
run "$top_builddir/tests/aws-sign-tool"
expect_rc 0 "the sign tool signs every kind of request"
cp "$OUT" "$WORK/requests.jsonl"
n=$(wc -l <"$WORK/requests.jsonl")
echo "# \$ python3 tests/aws/sigv4check.py < requests.jsonl"
"$PYTHON3" "$srcdir/aws/sigv4check.py" <"$WORK/requests.jsonl" >"$WORK/verdicts" 2>&1
if [ "$(grep -c '^ok$' "$WORK/verdicts")" = "$n" ] && [ "$n" -ge 20 ]; then
    ok "botocore computes the same signature for all $n requests (S3 GET/List, Logs, SQS; with and without session token)"
else
    not_ok "botocore computes the same signature for all $n requests"
    diag_file "$WORK/verdicts"
fi
tap_done
