# SPDX-License-Identifier: GPL-2.0-or-later
"""A fault-injecting HTTP proxy in front of a test AWS server.

usage: faultproxy.py UPSTREAM-PORT PORT-FILE LOG
Every third request is answered 503 SlowDown without reaching the server;
of the others, every third object GET is cut after half its body (connection
closed).  Everything else is passed on as it is (Host included: the signature
covers it).  Each request is logged: "<n> <method> <path> <what was done>"."""
import http.client
import http.server
import os
import sys
import threading

UPSTREAM = int(sys.argv[1])
lock = threading.Lock()
count = [0, 0]  # requests, object GETs passed on
log = open(sys.argv[3], 'a', buffering=1)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, *args):
        pass

    def handle_one(self):
        n = int(self.headers.get('content-length') or 0)
        body = self.rfile.read(n) if n else None
        with lock:
            count[0] += 1
            number = count[0]
        if number % 3 == 1:
            payload = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code>'
                       b'<Message>Please reduce your request rate.</Message></Error>')
            self.send_response(503)
            self.send_header('Content-Type', 'application/xml')
            self.send_header('Content-Length', str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            log.write('%d %s %s 503\n' % (number, self.command, self.path))
            return
        upstream = http.client.HTTPConnection('127.0.0.1', UPSTREAM, timeout=30)
        upstream.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
        for name, value in self.headers.items():
            upstream.putheader(name, value)
        upstream.endheaders(body)
        response = upstream.getresponse()
        data = response.read()
        is_object = self.command == 'GET' and '?' not in self.path and response.status == 200
        cut = False
        if is_object:
            with lock:
                count[1] += 1
                cut = count[1] % 3 == 0 and len(data) > 1
        self.send_response(response.status)
        for name, value in response.getheaders():
            if name.lower() not in ('transfer-encoding', 'connection', 'content-length', 'date',
                                    'server'):
                self.send_header(name, value)
        self.send_header('Content-Length', str(len(data)))
        if cut:
            self.send_header('Connection', 'close')
        self.end_headers()
        self.wfile.write(data[:len(data) // 2] if cut else data)
        self.wfile.flush()
        log.write('%d %s %s %d%s\n' % (number, self.command, self.path, response.status,
                                        ' cut' if cut else ''))
        if cut:
            self.close_connection = True
            self.connection.shutdown(2)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = handle_one


server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
with open(sys.argv[2] + '.tmp', 'w') as f:
    f.write('%d\n' % server.server_address[1])
os.rename(sys.argv[2] + '.tmp', sys.argv[2])
server.serve_forever()
