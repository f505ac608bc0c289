# SPDX-License-Identifier: GPL-2.0-or-later
"""Test CloudWatch Logs endpoint: FilterLogEvents (JSON 1.1) with paging, every request's
SigV4 signature checked with botocore (tests/aws/sigv4check.py) before it is answered.

usage: logsserver.py PORT-FILE LOG GROUP EVENTS.json [PAGE-SIZE [THROTTLE-EVERY]]
Credentials expected: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY of the environment, or any
"ID:SECRET" pair of LOGS_KEYS (comma-separated).
EVENTS.json: [{"logStreamName", "timestamp", "message"}...]; event ids are given in order.
POST /_add (unsigned, a test control) appends more events (a JSON list).
Every THROTTLE-EVERY-th request is answered 400 ThrottlingException; a request with the session
token LOGS_EXPIRED_TOKEN (environment) 400 ExpiredTokenException.
Log: one line per request: "<n> <action> <verdict> <status> <request body>"."""
import http.server
import json
import os
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sigv4check  # noqa: E402

PORT_FILE, LOG, GROUP, EVENTS = sys.argv[1:5]
PAGE = int(sys.argv[5]) if len(sys.argv) > 5 else 10000
THROTTLE = int(sys.argv[6]) if len(sys.argv) > 6 else 0
SECRETS = {os.environ['AWS_ACCESS_KEY_ID']: os.environ['AWS_SECRET_ACCESS_KEY']}
for pair in filter(None, os.environ.get('LOGS_KEYS', '').split(',')):
    key_id, secret = pair.split(':', 1)
    SECRETS[key_id] = secret
lock = threading.Lock()
events = []
count = [0]
log = open(LOG, 'a', buffering=1)


def add(new):
    for e in new:
        e = dict(e)
        e['eventId'] = '%056d' % (len(events) + 1)
        e.setdefault('ingestionTime', e['timestamp'] + 1000)
        events.append(e)


with open(EVENTS) as f:
    add(json.load(f))


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, *args):
        pass

    def answer(self, status, obj):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header('Content-Type', 'application/x-amz-json-1.1')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get('content-length') or 0))
        if self.path == '/_add':
            with lock:
                add(json.loads(body))
            return self.answer(200, {})
        with lock:
            count[0] += 1
            n = count[0]
        target = self.headers.get('x-amz-target', '')
        url = 'http://%s%s' % (self.headers['host'], self.path)
        m = sigv4check.AUTH_RE.match(self.headers.get('authorization', ''))
        key_id = m.group(1) if m else '-'
        why = sigv4check.check('POST', url, dict(self.headers), body, key_id,
                               SECRETS.get(key_id, '?'), self.headers.get('x-amz-security-token'))
        status, reply = 200, None
        if why is not None:
            status, reply = 403, {'__type': 'InvalidSignatureException', 'message': why}
        elif self.headers.get('x-amz-security-token') == os.environ.get('LOGS_EXPIRED_TOKEN', '-'):
            status, reply = 400, {'__type': 'ExpiredTokenException',
                                  'message': 'The security token included in the request is expired'}
        elif THROTTLE and n % THROTTLE == 0:
            status, reply = 400, {'__type': 'ThrottlingException', 'message': 'Rate exceeded'}
        elif target != 'Logs_20140328.FilterLogEvents':
            status, reply = 400, {'__type': 'UnknownOperationException'}
        else:
            req = json.loads(body)
            if req.get('logGroupName') != GROUP:
                status, reply = 400, {'__type': 'ResourceNotFoundException',
                                      'message': 'The specified log group does not exist.'}
            else:
                prefix = req.get('logStreamNamePrefix', '')
                start = req.get('startTime', 0)
                end = req.get('endTime', 2 ** 63)
                with lock:
                    chosen = sorted((e for e in events if e['logStreamName'].startswith(prefix)
                                     and start <= e['timestamp'] <= end),
                                    key=lambda e: (e['timestamp'], e['eventId']))
                offset = int(req.get('nextToken', '0'))
                page = chosen[offset:offset + PAGE]
                reply = {'events': page, 'searchedLogStreams': []}
                if offset + PAGE < len(chosen):
                    reply['nextToken'] = str(offset + PAGE)
        verdict = 'signature-ok' if why is None else 'SIGNATURE-FAIL(%s)' % why
        log.write('%d %s %s %d %s key=%s token=%s\n' % (n, target, verdict, status, body.decode(),
                                                       key_id,
                                                       self.headers.get('x-amz-security-token', '-')))
        self.answer(status, reply)


server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
with open(PORT_FILE + '.tmp', 'w') as f:
    f.write('%d\n' % server.server_address[1])
os.rename(PORT_FILE + '.tmp', PORT_FILE)
server.serve_forever()
