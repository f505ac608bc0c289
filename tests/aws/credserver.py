# SPDX-License-Identifier: GPL-2.0-or-later
"""Test credential endpoints: EC2 instance metadata (IMDSv2), the ECS container endpoint, and STS
(AssumeRoleWithWebIdentity; AssumeRole, its SigV4 signature checked with botocore).

usage: credserver.py PORT-FILE LOG LIFETIME-SECONDS SOURCE-KEY SOURCE-SECRET
Each provider issues keys ASIA<NAME> / secret-<name> with session token token-<name>-<n>
(n counts the issues), expiring LIFETIME-SECONDS from now.  Log: "<name> issued <n>", or why a
request was refused."""
import datetime
import http.server
import json
import os
import sys
import threading
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sigv4check  # noqa: E402

PORT_FILE, LOG, LIFETIME, SOURCE_KEY, SOURCE_SECRET = sys.argv[1:6]
LIFETIME = int(LIFETIME)
IMDS_TOKEN = 'imds-session-token'
ECS_AUTH = 'ecs-auth-token'
WEB_TOKEN = 'web-identity-jwt'
lock = threading.Lock()
issued = {}
log = open(LOG, 'a', buffering=1)


def keys(name):
    with lock:
        issued[name] = issued.get(name, 0) + 1
        n = issued[name]
    log.write('%s issued %d\n' % (name, n))
    expiration = (datetime.datetime.now(datetime.timezone.utc)
                  + datetime.timedelta(seconds=LIFETIME)).strftime('%Y-%m-%dT%H:%M:%SZ')
    return {'AccessKeyId': 'ASIA' + name.upper(), 'SecretAccessKey': 'secret-' + name,
            'Token': 'token-%s-%d' % (name, n), 'Expiration': expiration}


def sts_xml(action, k):
    return ('<%sResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><%sResult><Credentials>'
            '<AccessKeyId>%s</AccessKeyId><SecretAccessKey>%s</SecretAccessKey>'
            '<SessionToken>%s</SessionToken><Expiration>%s</Expiration></Credentials></%sResult>'
            '</%sResponse>' % (action, action, k['AccessKeyId'], k['SecretAccessKey'], k['Token'],
                               k['Expiration'], action, action))


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, *args):
        pass

    def answer(self, status, text, kind='application/json'):
        data = text.encode()
        self.send_response(status)
        self.send_header('Content-Type', kind)
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def refuse(self, status, why):
        log.write('refused %s %s: %s\n' % (self.command, self.path, why))
        self.answer(status, '<ErrorResponse><Error><Code>%s</Code></Error></ErrorResponse>' % why,
                    'text/xml')

    def do_PUT(self):
        if self.path == '/latest/api/token' and self.headers.get('x-aws-ec2-metadata-token-ttl-seconds'):
            return self.answer(200, IMDS_TOKEN, 'text/plain')
        self.refuse(400, 'BadTokenRequest')

    def do_GET(self):
        if self.path.startswith('/latest/'):
            if self.headers.get('x-aws-ec2-metadata-token') != IMDS_TOKEN:
                return self.refuse(401, 'Unauthorized')
            if self.path == '/latest/meta-data/iam/security-credentials/':
                return self.answer(200, 'flowlog-role', 'text/plain')
            if self.path == '/latest/meta-data/iam/security-credentials/flowlog-role':
                k = keys('imds')
                k.update({'Code': 'Success', 'Type': 'AWS-HMAC'})
                return self.answer(200, json.dumps(k))
        if self.path == '/ecs/creds':
            if self.headers.get('authorization') != ECS_AUTH:
                return self.refuse(403, 'NotAuthorized')
            return self.answer(200, json.dumps(keys('ecs')))
        self.refuse(404, 'NotFound')

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get('content-length') or 0))
        form = dict(urllib.parse.parse_qsl(body.decode()))
        action = form.get('Action')
        if action == 'AssumeRoleWithWebIdentity':
            if form.get('WebIdentityToken') != WEB_TOKEN or not form.get('RoleArn'):
                return self.refuse(400, 'InvalidIdentityToken')
            return self.answer(200, sts_xml(action, keys('web')), 'text/xml')
        if action == 'AssumeRole':
            url = 'http://%s%s' % (self.headers['host'], self.path)
            why = sigv4check.check('POST', url, dict(self.headers), body, SOURCE_KEY, SOURCE_SECRET)
            if why is not None:
                return self.refuse(403, 'SignatureDoesNotMatch')
            return self.answer(200, sts_xml(action, keys('role')), 'text/xml')
        self.refuse(400, 'InvalidAction')


server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
with open(PORT_FILE + '.tmp', 'w') as f:
    f.write('%d\n' % server.server_address[1])
os.rename(PORT_FILE + '.tmp', PORT_FILE)
server.serve_forever()
