#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# End-to-end: the HTML report opened in headless Chromium: it renders, its tables and SVG charts are in the DOM, a screenshot is made.
#
# Needs Debian's chromium (setup.sh installs it); a missing browser fails the
# test rather than skipping it.  Chromium runs with a profile in $WORK, no
# network (the page has no external resources: a Content-Security-Policy of
# default-src 'none' would block any), and a bounded time.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${srcdir:-$(dirname "$0")}/lib.sh"

: "${VPC_REPORT:=$top_builddir/src/vpc-report}"
: "${CHROMIUM:=chromium}"
R=$srcdir/report
sed "s|@DIR@|$R|" "$R/feeds.conf" >"$WORK/feeds.conf"

run "$VPC_REPORT" -q -O html -o "$WORK/report.html" --feeds "$WORK/feeds.conf" \
    --cache-dir "$WORK/cache" "$R/scan.log"
expect_rc 0 "vpc-report -O html"
run "$VPC_REPORT" -q -O json -o "$WORK/report.json" --feeds "$WORK/feeds.conf" \
    --cache-dir "$WORK/cache" --offline "$R/scan.log"
expect_rc 0 "vpc-report -O json (the numbers the page must show)"

if ! command -v "$CHROMIUM" >/dev/null 2>&1; then
    not_ok "chromium found (install the Debian package chromium; setup.sh does)"
    tap_done
    exit 1
fi
ok "chromium found: $("$CHROMIUM" --version 2>/dev/null | head -n 1)"

# chromium_run ARGS...: headless, no sandbox (containers, root), no GPU, own profile, 90 s at most.
chromium_run() {
    run timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run \
        --disable-dev-shm-usage --user-data-dir="$WORK/profile" --window-size=1280,2400 "$@"
}

chromium_run --dump-dom "file://$WORK/report.html"
expect_rc 0 "chromium --dump-dom"
cp "$OUT" "$WORK/dom.html"
for id in totals-table threats-table feeds-table sources-table ports-table destinations-table \
    interfaces-table scanners-table inputs-table histogram sources ports share; do
    expect_grep "id=\"$id\"" "$WORK/dom.html" "rendered DOM has #$id"
done
# The charts: one bar per histogram bucket, one per top row.
_rc=0
"$PYTHON3" - "$WORK/dom.html" "$WORK/report.json" >"$WORK/bars.out" 2>&1 <<'PY' || _rc=$?
import json, re, sys
from html.parser import HTMLParser

class Bars(HTMLParser):
    def __init__(self):
        super().__init__()
        self.svg = None
        self.bars = {}
        self.flagged = []
        self.row = None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "svg":
            self.svg = a.get("id")
            self.bars[self.svg] = 0
        elif tag == "rect" and self.svg and a.get("class") in ("bar", "hbar", "acc", "rej"):
            assert float(a["width"]) > 0 and float(a["height"]) > 0, a
            self.bars[self.svg] += 1
        elif tag == "tr" and a.get("class") == "flagged":
            self.row = []
    def handle_endtag(self, tag):
        if tag == "svg":
            self.svg = None
        elif tag == "tr" and self.row is not None:
            self.flagged.append(self.row[0])
            self.row = None
    def handle_data(self, data):
        if self.row is not None and data.strip():
            self.row.append(data.strip())

p = Bars()
p.feed(open(sys.argv[1], encoding="utf-8").read())
doc = json.load(open(sys.argv[2]))
want = {"histogram": len(doc["rejects"]["histogram"]["buckets"]),
        "sources": len(doc["rejects"]["sources"]["top"]),
        "ports": len(doc["rejects"]["ports"]["top"]),
        "destinations": len(doc["rejects"]["destinations"]["top"]),
        "interfaces": len(doc["rejects"]["interfaces"]["top"]), "share": 2}
for k, n in want.items():
    assert p.bars.get(k) == n, f"chart {k}: {p.bars.get(k)} bars, expected {n}"
flagged = [t["address"] for t in doc["threats"]["list"] if t["flagged"]]
assert p.flagged == flagged, f"flagged rows {p.flagged}, expected {flagged}"
print("bars:", ", ".join(f"{k} {v}" for k, v in sorted(p.bars.items())), "; flagged rows:", flagged)
PY
check "SVG charts: a bar per bucket and per top row; flagged rows first" "$_rc"
diag_file "$WORK/bars.out"

rm -f "$WORK/shot.png"
chromium_run --screenshot="$WORK/shot.png" "file://$WORK/report.html"
expect_rc 0 "chromium --screenshot"
if [ -s "$WORK/shot.png" ] && [ "$(head -c 8 "$WORK/shot.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; then
    ok "screenshot is a PNG ($(wc -c <"$WORK/shot.png" | tr -d ' ') bytes)"
else
    not_ok "screenshot is a PNG"
    diag_file "$ERR"
fi
# Not a blank page: the PNG holds more than one colour (the charts and text).
_rc=0
"$PYTHON3" - "$WORK/shot.png" >"$WORK/png.out" 2>&1 <<'PY' || _rc=$?
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
pos, idat, w, h = 8, b"", 0, 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
raw = zlib.decompress(idat)
assert w >= 1000 and h >= 1000, (w, h)
colours = len(set(raw[i:i + 3] for i in range(1, min(len(raw), 4_000_000), 4)))
assert colours > 20, f"only {colours} distinct byte triples: a blank page?"
print(f"{w}x{h}, {colours} distinct samples")
PY
check "screenshot is not blank" "$_rc"
diag_file "$WORK/png.out"
if [ -n "${KEEP_WORK:-}" ]; then diag "screenshot: $WORK/shot.png"; fi

tap_done
