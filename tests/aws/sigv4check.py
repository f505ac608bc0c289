# SPDX-License-Identifier: GPL-2.0-or-later
"""Independent SigV4 oracle: recompute a request's signature with botocore (python3-botocore)."""
import datetime
import re
import sys
import json

import botocore.auth
import botocore.awsrequest
import botocore.credentials

AUTH_RE = re.compile(r'AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request, '
                     r'SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$')


def expected_authorization(method, url, headers, body, access_key, secret_key, token=None):
    """The Authorization botocore computes for this request, or None if the
    request names no SigV4 credential.  headers: dict (any case)."""
    lower = {k.lower(): v for k, v in headers.items()}
    m = AUTH_RE.match(lower.get('authorization', ''))
    if m is None or 'x-amz-date' not in lower:
        return None, 'no SigV4 Authorization or X-Amz-Date'
    _, _, region, service, signed, _ = m.groups()
    when = datetime.datetime.strptime(lower['x-amz-date'], '%Y%m%dT%H%M%SZ')
    creds = botocore.credentials.Credentials(access_key, secret_key, token)
    cls = botocore.auth.S3SigV4Auth if service == 's3' else botocore.auth.SigV4Auth
    auth = cls(creds, service, region)
    # Only what the client signed; botocore adds X-Amz-Date, the token and
    # (S3) the payload hash itself, and signs every header it is given.
    keep = {}
    for name in signed.split(';'):
        if name in ('x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256'):
            continue
        if name not in lower:
            return None, 'signed header %s missing' % name
        keep[name] = lower[name]
    req = botocore.awsrequest.AWSRequest(method=method, url=url, headers=keep, data=body)
    # add_auth()'s steps at the request's own time (botocore reads the clock
    # inside add_auth(): get_current_datetime() in newer releases,
    # datetime.utcnow() in Debian 12's 1.29, so neither is patched).
    req.context['timestamp'] = when.strftime('%Y%m%dT%H%M%SZ')
    auth._modify_request_before_signing(req)
    canonical = auth.canonical_request(req)
    auth._inject_signature_to_request(req, auth.signature(auth.string_to_sign(req, canonical), req))
    if service == 's3' and lower.get('x-amz-content-sha256') != req.headers['X-Amz-Content-SHA256']:
        return req.headers['Authorization'], 'x-amz-content-sha256 differs'
    if token is not None and lower.get('x-amz-security-token') != token:
        return req.headers['Authorization'], 'x-amz-security-token missing or wrong'
    return req.headers['Authorization'], None


def check(method, url, headers, body, access_key, secret_key, token=None):
    """None if the request is signed exactly as botocore signs it, else why not."""
    want, why = expected_authorization(method, url, headers, body, access_key, secret_key, token)
    if why is not None:
        return why
    got = {k.lower(): v for k, v in headers.items()}['authorization']
    if got != want:
        return 'signature differs: got %r, botocore %r' % (got, want)
    return None


if __name__ == '__main__':
    # One JSON request a line on stdin: {method, url, headers, body, access_key,
    # secret_key, token}; prints "ok" or the difference, one a line; exits 1
    # if any differs.
    bad = 0
    for line in sys.stdin:
        if not line.strip():
            continue
        r = json.loads(line)
        why = check(r['method'], r['url'], r['headers'], r.get('body', '').encode(),
                    r['access_key'], r['secret_key'], r.get('token'))
        print('ok' if why is None else 'FAIL %s %s: %s' % (r['method'], r['url'], why))
        bad += why is not None
    sys.exit(1 if bad else 0)
