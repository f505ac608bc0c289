#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# End-to-end: threat feeds from a real HTTP server (nginx) on loopback: 200, 304, min-interval, size limit, server down, offline, timeouts.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${srcdir:-$(dirname "$0")}/lib.sh"

# tests/feeds-tool.c (a check program): update a feed list, print one line
# per feed ("feed NAME state=... age=... entries=... garbage=... special=...
# error=...") and one per address looked up ("lookup ADDR feeds=a,b
# severity=..." or "lookup ADDR none").
: "${FEEDS_TOOL:=$top_builddir/tests/feeds-tool}"
: "${VPC_REPORT:=$top_builddir/src/vpc-report}"
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if [ ! -x "$FEEDS_TOOL" ]; then
    echo "Bail out! $FEEDS_TOOL not built (make check builds it)"
    exit 1
fi
if [ ! -x "$NGINX" ]; then
    echo "Bail out! nginx not installed (setup.sh installs the Debian package nginx-light)"
    exit 1
fi

WWW=$WORK/www
CACHE=$WORK/cache
LOG=$WORK/access.log
mkdir -p "$WWW/gz" "$WORK/nginx-tmp" "$CACHE"

# --- the server --------------------------------------------------------------------
# A free loopback port: bound to 0 by the kernel, released, then given to nginx
# (retried if someone took it in between).
free_port() {
    "$PYTHON3" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# One process (master_process off), in the foreground, as the current user,
# everything in $WORK.  The access log shows what each request carried.
write_nginx_conf() {
    cat >"$WORK/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log info;
events { worker_connections 64; }
http {
    log_format feeds '\$request_method \$uri \$status inm=[\$http_if_none_match] ims=[\$http_if_modified_since] ua=[\$http_user_agent]';
    access_log $LOG feeds;
    client_body_temp_path $WORK/nginx-tmp/body;
    proxy_temp_path $WORK/nginx-tmp/proxy;
    fastcgi_temp_path $WORK/nginx-tmp/fastcgi;
    uwsgi_temp_path $WORK/nginx-tmp/uwsgi;
    scgi_temp_path $WORK/nginx-tmp/scgi;
    default_type text/plain;
    server {
        listen 127.0.0.1:$PORT;
        # A second loopback address: the other end of the redirect tests (section 8b).
        listen 127.0.0.2:$PORT;
        root $WWW;
        location = /to-lo2.txt { return 302 http://127.0.0.2:$PORT/list.txt; }
        location = /to-lo1.txt { return 302 http://127.0.0.1:$PORT/list.txt; }
        location = /moved/list.txt { return 301 /list.txt; }
        location = /loop.txt { return 302 /loop.txt; }
        # Compressed on the fly: chunked, no Content-Length ahead of the body.
        location /gz/ { gzip on; gzip_types text/plain; gzip_min_length 0; }
    }
}
EOF
}

NGINX_PID=
start_nginx() {
    _try=0
    while [ $_try -lt 5 ]; do
        _try=$((_try + 1))
        # A restart takes the same port again (the cache belongs to the URLs).
        [ $_try -eq 1 ] && [ -n "${PORT:-}" ] || PORT=$(free_port)
        write_nginx_conf
        echo "# \$ nginx -p $WORK -c $WORK/nginx.conf -e $WORK/nginx-error.log &  (port $PORT)"
        "$NGINX" -p "$WORK" -c "$WORK/nginx.conf" -e "$WORK/nginx-error.log" 2>>"$WORK/nginx.err" &
        NGINX_PID=$!
        bg_add "$NGINX_PID"
        if wait_for 10 curl -s -o /dev/null "http://127.0.0.1:$PORT/ready.txt" && alive "$NGINX_PID"; then
            return 0
        fi
        stop_pid "$NGINX_PID"
    done
    echo "Bail out! nginx did not start"
    diag_file "$WORK/nginx.err"
    diag_file "$WORK/nginx-error.log"
    exit 1
}

# requests URI: how many requests for URI the server logged.
requests() {
    grep -c "^GET $1 " "$LOG" 2>/dev/null || true
}

# --- the feeds -----------------------------------------------------------------------
echo ready >"$WWW/ready.txt"
cat >"$WWW/drop_v4.json" <<'EOF'
{"cidr":"45.10.0.0/16","sblid":"SBL100","rir":"ripencc"}
{"cidr":"10.0.0.0/8","sblid":"SBL101","rir":"arin"}
{"type":"metadata","timestamp":1700000000,"size":120,"records":2,"copyright":"test","terms":"test"}
EOF
cat >"$WWW/list.txt" <<'EOF'
# a plain list with garbage lines
46.1.1.1
46.1.1.2 some extra column
<html><body>
not an address
999.1.1.1
192.168.7.7
2a0e:1c80::5
EOF
printf '# DShield\nStart\tEnd\tNetblock\tAttacks\n47.2.2.0\t47.2.2.255\t24\t100\n' >"$WWW/block.txt"
echo 48.3.3.3 >"$WWW/slow.txt"
# Distinct, older modification times: ETag and Last-Modified change with each edit.
touch -d '2024-01-01 00:00:00' "$WWW"/*.json "$WWW"/*.txt

URL=http://127.0.0.1
write_feeds() {
    cat >"$WORK/feeds.conf" <<EOF
[spamhaus]
url=$URL:$PORT/drop_v4.json
format=spamhaus-json
severity=high
min-interval=0
[plain]
url=$URL:$PORT/moved/list.txt
severity=medium
min-interval=0
[dshield]
url=$URL:$PORT/block.txt
format=dshield
severity=low
min-interval=0
[slow]
url=$URL:$PORT/slow.txt
severity=low
min-interval=1h
[missing]
url=$URL:$PORT/missing.txt
min-interval=0
[loop]
url=$URL:$PORT/loop.txt
min-interval=0
[off]
url=$URL:$PORT/off.txt
enabled=false
EOF
}

# feeds [OPTIONS...]: run the tool with the list and the cache.
feeds() {
    run "$FEEDS_TOOL" --feeds "$WORK/feeds.conf" --cache-dir "$CACHE" "$@"
}

# expect_feed NAME FIELD=REGEXP DESCRIPTION
expect_feed() {
    expect_grep "^feed $1 .*$2" "$OUT" "$3"
}

start_nginx
write_feeds

# 1. First run: everything downloaded (200), parsed, looked up.
feeds 45.10.200.1 46.1.1.2 47.2.2.9 48.3.3.3 10.1.2.3 192.168.7.7 2a0e:1c80::5 8.8.8.8
expect_rc 0 "first run"
expect_feed spamhaus 'state=fetched age=0 entries=1 garbage=0 special=1 error=-' "spamhaus JSON fetched: 1 entry, 10/8 skipped as special"
expect_feed plain 'state=fetched age=0 entries=3 garbage=3 special=1 ' "plain list fetched through a 301: 3 entries, 3 garbage lines counted and skipped"
expect_feed dshield 'state=fetched .*entries=1 garbage=0' "DShield block fetched"
expect_feed slow 'state=fetched' "slow feed fetched"
expect_feed missing 'state=missing age=-1 .*error=HTTP status 404' "404: missing, the status said"
expect_feed loop 'state=missing .*error=.*[Rr]edirect' "a redirect loop stops (bounded redirects)"
expect_feed off 'state=disabled' "disabled feed"
expect_grep '^lookup 45.10.200.1 feeds=spamhaus severity=high$' "$OUT" "an address in a Spamhaus block is listed, high"
expect_grep '^lookup 46.1.1.2 feeds=plain severity=medium$' "$OUT" "an address with an extra column is listed"
expect_grep '^lookup 47.2.2.9 feeds=dshield severity=low$' "$OUT" "an address in a DShield block is listed"
expect_grep '^lookup 2a0e:1c80::5 feeds=plain ' "$OUT" "an IPv6 entry is listed"
expect_grep '^lookup 10.1.2.3 none$' "$OUT" "private space in a feed is not a threat (10/8)"
expect_grep '^lookup 192.168.7.7 none$' "$OUT" "private space in a feed is not a threat (192.168/16)"
expect_grep '^lookup 8.8.8.8 none$' "$OUT" "an unlisted address is not listed"
check "one request per feed (redirect: two)" "$([ "$(requests /drop_v4.json)" = 1 ] && [ "$(requests /moved/list.txt)" = 1 ] && [ "$(requests /list.txt)" = 1 ] && [ "$(requests /slow.txt)" = 1 ] && [ "$(requests /off.txt)" = 0 ]; echo $?)"
expect_grep '^GET /drop_v4.json 200 inm=\[-\] ims=\[-\] ua=\[vpc2ipfix-report/[0-9.]+\]$' "$LOG" "first request unconditional, with the User-Agent"
loops=$(requests /loop.txt)
check "redirects bounded ($loops requests for the loop)" "$([ "$loops" -ge 2 ] && [ "$loops" -le 7 ]; echo $?)"
check "the cache holds a copy and its metadata per fetched feed" "$([ -s "$CACHE/spamhaus.list" ] && grep -q '^etag=' "$CACHE/spamhaus.meta" && grep -q '^last-modified=' "$CACHE/spamhaus.meta" && [ ! -e "$CACHE/missing.list" ]; echo $?)"

# 2. Second run: conditional requests answered 304; min-interval: no request at all.
feeds 45.10.200.1 48.3.3.3
expect_rc 0 "second run"
expect_feed spamhaus 'state=not-modified age=0 entries=1' "spamhaus: not modified"
expect_feed plain 'state=not-modified .*entries=3 garbage=3' "plain: not modified, counts from the cached copy"
expect_feed dshield 'state=not-modified' "dshield: not modified"
expect_feed slow 'state=fresh' "slow: fresh (min-interval 1 h not passed)"
expect_grep '^GET /drop_v4.json 304 inm=\[(\\x22|")[0-9a-f]+-[0-9a-f]+(\\x22|")\] ims=\[[A-Z][a-z][a-z], [0-9]+ [A-Z][a-z][a-z] 2024 ' "$LOG" "the server answered 304 to If-None-Match and If-Modified-Since (nginx logs \" as \\x22)"
check "304 for every conditional feed in the server's log" "$([ "$(grep -c '^GET /\(drop_v4.json\|list.txt\|block.txt\) 304 ' "$LOG")" = 3 ]; echo $?)"
check "min-interval: no second request for the slow feed" "$([ "$(requests /slow.txt)" = 1 ]; echo $?)"
expect_grep '^lookup 45.10.200.1 feeds=spamhaus ' "$OUT" "cached copies still used after 304"
expect_grep '^lookup 48.3.3.3 feeds=slow ' "$OUT" "the fresh copy is used"

# 3. The list changes: downloaded again (200).
echo 46.9.9.9 >>"$WWW/list.txt"
touch -d '2024-02-01 00:00:00' "$WWW/list.txt"
feeds 46.9.9.9
expect_feed plain 'state=fetched .*entries=4 garbage=3' "a changed list is downloaded again"
expect_grep '^lookup 46.9.9.9 feeds=plain ' "$OUT" "its new entry is listed"

# 4. Too large: refused, the cached copy stays.
"$PYTHON3" -c 'import sys
sys.stdout.write("Start\tEnd\tNetblock\n" + "".join("49.%d.%d.0\t49.%d.%d.255\t24\n" % (i // 256, i % 256, i // 256, i % 256) for i in range(4000)))' >"$WWW/block.txt"
touch -d '2024-03-01 00:00:00' "$WWW/block.txt"
feeds --max-size 20000 47.2.2.9 49.0.1.1
expect_feed dshield 'state=cached age=[0-9]+ entries=1 .*error=larger than the limit of 20000 bytes' "a feed over --max-size is refused, the cached copy used"
expect_grep '^lookup 47.2.2.9 feeds=dshield ' "$OUT" "the old copy's entry is still listed"
expect_grep '^lookup 49.0.1.1 none$' "$OUT" "nothing of the refused download is used"
check "the refused download left no file behind" "$(find "$CACHE" -name '.*' -type f | grep -q . && echo 1 || echo 0)"

# 5. Server down: the last good copies, with their age.
stop_pid "$NGINX_PID"
# Pretend the spamhaus copy was last checked two hours ago.
sed -i "s/^checked-at=.*/checked-at=$(($(date +%s) - 7200))/" "$CACHE/spamhaus.meta"
feeds 45.10.200.1 46.9.9.9
expect_rc 0 "server down: not a failure"
expect_feed spamhaus 'state=cached age=7[0-9][0-9][0-9] entries=1 .*error=.*([Cc]ouldn.t connect|[Cc]onnection refused|Failed to connect)' "server down: spamhaus cached, age about 2 h, why said"
expect_feed plain 'state=cached .*entries=4' "server down: plain cached"
expect_grep '^lookup 45.10.200.1 feeds=spamhaus ' "$OUT" "server down: cached entries still listed"

# 6. --offline: the cache only, not one request (the server is up again, on the same port).
start_nginx
before=$(wc -l <"$LOG")
feeds --offline 45.10.200.1 46.9.9.9
expect_rc 0 "offline run"
expect_feed spamhaus 'state=cached .*entries=1 .*error=-' "offline: cached"
expect_feed slow 'state=cached' "offline: even a fresh feed is the cache"
expect_feed missing 'state=missing .*error=offline' "offline: no copy, missing"
check "offline: no request reached the server" "$([ "$(wc -l <"$LOG")" = "$before" ]; echo $?)"
expect_grep '^lookup 46.9.9.9 feeds=plain ' "$OUT" "offline: cached entries listed"

# 7. vpc-report over the same cache, offline: the feed states and a listed address in its JSON.
if [ -x "$VPC_REPORT" ]; then
    printf '%s\n' \
        'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status' \
        '2 123456789012 eni-0a1b2c3d 45.10.200.1 10.0.0.5 44321 22 6 5 300 1700000000 1700000060 ACCEPT OK' \
        '2 123456789012 eni-0a1b2c3d 10.0.0.5 46.9.9.9 50000 443 6 7 900 1700000010 1700000070 REJECT OK' >"$WORK/flows.log"
    run "$VPC_REPORT" -O json --feeds "$WORK/feeds.conf" --cache-dir "$CACHE" --offline "$WORK/flows.log"
    expect_rc 0 "vpc-report --offline with the cached feeds"
    expect_grep '"name": "spamhaus", "enabled": true, "state": "cached", "severity": "high", "age": [0-9]+, "entries": 1, "garbage": 0, "special": 1' "$OUT" "vpc-report: the spamhaus feed's state, age and counts"
    expect_grep '"name": "plain", .*"entries": 4, "garbage": 3' "$OUT" "vpc-report: the garbage lines of the plain feed"
    expect_grep '"address": "45.10.200.1", "severity": "high", "flagged": true, "direction": "inbound", "feeds": \["spamhaus"\]' "$OUT" "vpc-report: an accepted inbound flow from a high-severity address is flagged"
    expect_grep '"address": "46.9.9.9", "severity": "medium", "flagged": false, "direction": "outbound"' "$OUT" "vpc-report: a rejected outbound flow to a listed address"
    check "vpc-report --offline: no request reached the server" "$([ "$(wc -l <"$LOG")" = "$before" ]; echo $?)"
else
    not_ok "vpc-report not built: $VPC_REPORT"
fi

# 8. Too large without a Content-Length (gzip, chunked): the body is cut off at the limit.
"$PYTHON3" -c 'print("\n".join("50.0.%d.%d" % (i // 256, i % 256) for i in range(20000)))' >"$WWW/gz/big.txt"
cat >"$WORK/big.conf" <<EOF
[big]
url=$URL:$PORT/gz/big.txt
min-interval=0
EOF
run "$FEEDS_TOOL" --feeds "$WORK/big.conf" --cache-dir "$CACHE" --max-size 20000 50.0.0.1
expect_feed big 'state=missing .*error=larger than the limit of 20000 bytes' "a chunked feed over --max-size is cut off and refused"
expect_grep '^lookup 50.0.0.1 none$' "$OUT" "nothing of it is used"
run "$FEEDS_TOOL" --feeds "$WORK/big.conf" --cache-dir "$CACHE" 50.0.78.31
expect_feed big 'state=fetched .*entries=20000 garbage=0' "the same feed under the default limit: fetched and decompressed"
expect_grep '^lookup 50.0.78.31 feeds=big ' "$OUT" "its last entry is listed"

# 8b. Redirects to loopback, link-local or private addresses: only when the feed's own
# URL is on one of that kind.  Allowed: a feed on 127.0.0.1 redirected to 127.0.0.2.
# Refused: a public feed redirected to 127.0.0.1.  Offline there is no public server,
# so VPC_REPORT_TEST_PUBLIC (a test hook, read by vpc_feed_address_kind()) makes
# 127.0.0.2 count as public: libcurl's connection, the pre-request check and the
# refusal are the real ones; only that one address's classification is declared.
# (The rule itself, for every kind of address, is unit-tested in test-feeds.)
cat >"$WORK/redirect.conf" <<EOF
[lo-to-lo]
url=$URL:$PORT/to-lo2.txt
min-interval=0
[public-to-lo]
url=http://127.0.0.2:$PORT/to-lo1.txt
min-interval=0
EOF
run "$FEEDS_TOOL" --feeds "$WORK/redirect.conf" --cache-dir "$WORK/cache-redirect" 46.1.1.1
expect_rc 0 "redirects between loopback addresses"
expect_feed lo-to-lo 'state=fetched .*error=-' "127.0.0.1 redirected to 127.0.0.2 (both loopback): followed"
expect_feed public-to-lo 'state=fetched .*error=-' "127.0.0.2 redirected to 127.0.0.1 (both loopback): followed"
lists_before=$(requests /list.txt)
run env VPC_REPORT_TEST_PUBLIC=127.0.0.2 "$FEEDS_TOOL" --feeds "$WORK/redirect.conf" \
    --cache-dir "$WORK/cache-redirect2" 46.1.1.1
expect_rc 0 "a feed declared public redirected to the loopback"
expect_feed public-to-lo "state=missing .*error=a redirect to 127.0.0.1, a loopback address, refused \(the feed's URL is on 127.0.0.2, a public one\)" \
    "127.0.0.2 (declared public) redirected to 127.0.0.1: refused, the reason named"
expect_feed lo-to-lo 'state=fetched .*error=-' \
    "127.0.0.1 redirected to 127.0.0.2 (declared public): followed (public targets always are)"
check "the refused redirect was never requested (one /list.txt request: lo-to-lo's)" \
    "$([ "$(requests /list.txt)" = $((lists_before + 1)) ]; echo $?)"
stop_pid "$NGINX_PID"

# 9. Timeouts: a server that accepts and never answers.
"$PYTHON3" -c '
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
print(s.getsockname()[1], flush=True)
held = []
while True:
    held.append(s.accept()[0])
' >"$WORK/silent.port" &
SILENT_PID=$!
bg_add "$SILENT_PID"
if wait_for 10 test -s "$WORK/silent.port"; then
    cat >"$WORK/silent.conf" <<EOF
[silent]
url=http://127.0.0.1:$(cat "$WORK/silent.port")/list.txt
min-interval=0
EOF
    t0=$(date +%s)
    run "$FEEDS_TOOL" --feeds "$WORK/silent.conf" --cache-dir "$CACHE" --timeout 2
    t1=$(date +%s)
    expect_rc 0 "a silent server is not a failure"
    expect_feed silent 'state=missing .*error=.*[Tt]imed out' "a silent server: the download times out"
    check "the timeout bounds the run ($((t1 - t0)) s)" "$([ $((t1 - t0)) -le 8 ]; echo $?)"
else
    not_ok "the silent server did not start"
fi
stop_pid "$SILENT_PID"

# A server whose validators carry control characters (a bare CR: header injection in
# the next request): they are neither stored in the cache nor sent back.
"$PYTHON3" -c '
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(4)
print(s.getsockname()[1], flush=True)
log = open(sys.argv[1], "wb")
for _ in range(2):
    c, _a = s.accept()
    req = b""
    while b"\r\n\r\n" not in req:
        d = c.recv(4096)
        if not d:
            break
        req += d
    log.write(req + b"=====\n")
    log.flush()
    body = b"49.4.4.4\n"
    c.sendall(b"HTTP/1.1 200 OK\r\nETag: \"v1\"\rX-Injected: 1\r\n"
              b"Last-Modified: Mon, 01 Jan 2024 00:00:00 GMT\x01\r\n"
              b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)
    c.close()
' "$WORK/ctl.requests" >"$WORK/ctl.port" &
CTL_PID=$!
bg_add "$CTL_PID"
if wait_for 10 test -s "$WORK/ctl.port"; then
    printf '[ctl]\nurl=http://127.0.0.1:%s/list.txt\nmin-interval=0\n' "$(cat "$WORK/ctl.port")" \
        >"$WORK/ctl.conf"
    run "$FEEDS_TOOL" --feeds "$WORK/ctl.conf" --cache-dir "$WORK/ctl-cache" 49.4.4.4
    expect_feed ctl 'state=fetched' "validators with control characters: the feed is still fetched"
    expect_grep '^lookup 49.4.4.4 feeds=ctl ' "$OUT" "validators with control characters: the list is used"
    _bad=0
    LC_ALL=C grep -q "X-Injected\|$(printf '\001')" "$WORK/ctl-cache/ctl.meta" && _bad=1
    check "validators with control characters: none stored in the cache" "$_bad"
    run "$FEEDS_TOOL" --feeds "$WORK/ctl.conf" --cache-dir "$WORK/ctl-cache" 49.4.4.4
    expect_feed ctl 'state=fetched' "validators with control characters: fetched again (nothing to ask conditionally)"
    _second=$(awk '/^=====$/ { n++; next } n == 1' "$WORK/ctl.requests")
    if [ -n "$_second" ] && ! printf '%s' "$_second" | grep -qi 'If-None-Match\|If-Modified-Since\|X-Injected'; then
        ok "validators with control characters: the next request carries none of them"
    else
        not_ok "validators with control characters: the next request carries none of them"
        diag_file "$WORK/ctl.requests"
    fi
else
    not_ok "the control-character server did not start"
fi
stop_pid "$CTL_PID"

# Downloads run at once under one deadline: three feeds on a server that accepts and
# never answers.  The server counts the connections open at the same time (3: the
# downloads are side by side, not one after another), and the run ends at the
# --deadline (2 s) although each download alone may take 60 s.
"$PYTHON3" -c '
import select, socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
print(s.getsockname()[1], flush=True)
held, most = [], 0
while True:
    r, _w, _x = select.select([s] + held, [], [], 1.0)
    for c in r:
        if c is s:
            held.append(s.accept()[0])
            most = max(most, len(held))
            open(sys.argv[1], "w").write("%d\n" % most)
        elif not c.recv(4096):
            held.remove(c)
            c.close()
' "$WORK/mute.most" >"$WORK/mute.port" &
MUTE_PID=$!
bg_add "$MUTE_PID"
if wait_for 10 test -s "$WORK/mute.port"; then
    _mp=$(cat "$WORK/mute.port")
    printf '[mute1]\nurl=http://127.0.0.1:%s/a.txt\nmin-interval=0\n[mute2]\nurl=http://127.0.0.1:%s/b.txt\nmin-interval=0\n[mute3]\nurl=http://127.0.0.1:%s/c.txt\nmin-interval=0\n' \
        "$_mp" "$_mp" "$_mp" >"$WORK/mute.conf"
    t0=$(date +%s)
    run "$FEEDS_TOOL" --feeds "$WORK/mute.conf" --cache-dir "$WORK/mute-cache" --timeout 60 --deadline 2
    t1=$(date +%s)
    expect_rc 0 "three silent feeds under a 2 s deadline"
    for _f in mute1 mute2 mute3; do
        expect_feed "$_f" 'state=missing .*error=no answer within the deadline of 2 s' "$_f: stopped at the deadline, which is named"
    done
    check "three silent feeds: the three connections were open at once (got $(cat "$WORK/mute.most" 2>/dev/null))" \
        "$([ "$(cat "$WORK/mute.most" 2>/dev/null)" = 3 ]; echo $?)"
    check "three silent feeds: the deadline bounds the run ($((t1 - t0)) s)" "$([ $((t1 - t0)) -le 8 ]; echo $?)"
else
    not_ok "the silent server did not start"
fi
stop_pid "$MUTE_PID"

tap_done
