# SPDX-License-Identifier: GPL-2.0-or-later
"""Test SQS queue (AWS JSON 1.0 protocol): ReceiveMessage with long polling and visibility
timeouts, DeleteMessage, ChangeMessageVisibility; every request's SigV4 signature checked with
botocore (tests/aws/sigv4check.py) before it is answered.

usage: sqsserver.py PORT-FILE LOG
The queue URL is http://127.0.0.1:PORT/123456789012/flowlog-events.
Credentials expected: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY of the environment.
Test controls (unsigned): POST /_send (the body is a message), GET /_status (JSON counts).
Log: one line per request: "<n> <action> <verdict> <status>"."""
import hashlib
import http.server
import json
import os
import sys
import threading
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sigv4check  # noqa: E402

PORT_FILE, LOG = sys.argv[1:3]
KEY = os.environ['AWS_ACCESS_KEY_ID']
SECRET = os.environ['AWS_SECRET_ACCESS_KEY']
cond = threading.Condition()
messages = []  # dicts: id, body, visible_at, receipt, receives, deleted
count = [0]
deleted_twice = [0]
log = open(LOG, 'a', buffering=1)
QUEUE_PATH = '/123456789012/flowlog-events'


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, *args):
        pass

    def answer(self, status, obj):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header('Content-Type', 'application/x-amz-json-1.0')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path != '/_status':
            return self.answer(404, {})
        with cond:
            now = time.monotonic()
            self.answer(200, {
                'messages': len(messages),
                'deleted': sum(m['deleted'] for m in messages),
                'visible': sum(not m['deleted'] and m['visible_at'] <= now for m in messages),
                'received_more_than_once': sum(m['receives'] > 1 for m in messages),
                'deleted_twice': deleted_twice[0]})

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get('content-length') or 0))
        if self.path == '/_send':
            with cond:
                messages.append({'id': str(uuid.uuid4()), 'body': body.decode(), 'visible_at': 0,
                                 'receipt': None, 'receives': 0, 'deleted': False})
                cond.notify_all()
            return self.answer(200, {})
        with cond:
            count[0] += 1
            n = count[0]
        target = self.headers.get('x-amz-target', '')
        url = 'http://%s%s' % (self.headers['host'], self.path)
        why = sigv4check.check('POST', url, dict(self.headers), body, KEY, SECRET,
                               self.headers.get('x-amz-security-token'))
        status, reply = 200, {}
        req = json.loads(body or b'{}') if why is None else {}
        if why is not None:
            status, reply = 403, {'__type': 'com.amazon.coral.service#InvalidSignatureException',
                                  'message': why}
        elif not req.get('QueueUrl', '').endswith(QUEUE_PATH):
            status, reply = 400, {'__type': 'com.amazonaws.sqs#QueueDoesNotExist',
                                  'message': 'The specified queue does not exist.'}
        elif target == 'AmazonSQS.ReceiveMessage':
            deadline = time.monotonic() + min(int(req.get('WaitTimeSeconds', 0)), 20)
            visibility = int(req.get('VisibilityTimeout', 30))
            wanted = min(int(req.get('MaxNumberOfMessages', 1)), 10)
            got = []
            with cond:
                while True:
                    now = time.monotonic()
                    for m in messages:
                        if len(got) < wanted and not m['deleted'] and m['visible_at'] <= now:
                            m['visible_at'] = now + visibility
                            m['receipt'] = uuid.uuid4().hex + '/+='
                            m['receives'] += 1
                            got.append({'MessageId': m['id'], 'ReceiptHandle': m['receipt'],
                                        'MD5OfBody': hashlib.md5(m['body'].encode()).hexdigest(),
                                        'Body': m['body'],
                                        'Attributes': {'ApproximateReceiveCount': str(m['receives'])}})
                    if got or now >= deadline:
                        break
                    cond.wait(min(0.1, deadline - now))
            reply = {'Messages': got} if got else {}
        elif target in ('AmazonSQS.DeleteMessage', 'AmazonSQS.ChangeMessageVisibility'):
            with cond:
                match = [m for m in messages if m['receipt'] == req.get('ReceiptHandle')]
                if not match:
                    status, reply = 400, {'__type': 'com.amazonaws.sqs#ReceiptHandleIsInvalid',
                                          'message': 'The receipt handle is not valid.'}
                elif target == 'AmazonSQS.DeleteMessage':
                    if match[0]['deleted']:
                        deleted_twice[0] += 1
                    match[0]['deleted'] = True
                else:
                    match[0]['visible_at'] = time.monotonic() + int(req.get('VisibilityTimeout', 0))
                    cond.notify_all()
        else:
            status, reply = 400, {'__type': 'com.amazonaws.sqs#UnsupportedOperation'}
        verdict = 'signature-ok' if why is None else 'SIGNATURE-FAIL(%s)' % why
        log.write('%d %s %s %d\n' % (n, target, verdict, status))
        self.answer(status, reply)


server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
server.daemon_threads = True
with open(PORT_FILE + '.tmp', 'w') as f:
    f.write('%d\n' % server.server_address[1])
os.rename(PORT_FILE + '.tmp', PORT_FILE)
server.serve_forever()
