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

# The daily view needs a log with instances, flow-direction and planted findings;
# with the --geoip test databases (tests/make-mmdb.pl), the geography section.
"$PYTHON3" "$R/gen-daily-log.py" --records 3000 >"$WORK/daily.log"
run perl "$srcdir/make-mmdb.pl" "$WORK"
expect_rc 0 "make-mmdb.pl: the --geoip test databases"
GEO="--geoip $WORK/country.mmdb --geoip $WORK/asn.mmdb"
# shellcheck disable=SC2086 # the options are split on purpose
run "$VPC_REPORT" -q -O html -o "$WORK/daily.html" --feeds "$WORK/feeds.conf" \
    --cache-dir "$WORK/cache" --offline $GEO "$WORK/daily.log"
expect_rc 0 "vpc-report -O html daily.log"
# shellcheck disable=SC2086
run "$VPC_REPORT" -q -O json -o "$WORK/daily.json" --feeds "$WORK/feeds.conf" \
    --cache-dir "$WORK/cache" --offline $GEO "$WORK/daily.log"
expect_rc 0 "vpc-report -O json daily.log"

# check_dom NAME [ID...]: the rendered DOM of NAME.html against NAME.json: every section's
# table and chart present, one bar per bucket and per top row, flagged rows as flagged.
check_dom() {
    chromium_run --dump-dom "file://$WORK/$1.html"
    expect_rc 0 "$1: chromium --dump-dom"
    cp "$OUT" "$WORK/$1-dom.html"
    _name=$1
    shift
    for id in "$@" totals-table threats-table feeds-table sources-table ports-table destinations-table \
        interfaces-table inputs-table histogram sources ports share \
        talkers talker-directions-table talker-sources talker-destinations talker-conversations \
        talker-ports talker-sources-bytes-table talker-sources-flows-table \
        talker-conversations-bytes-table talker-ports-flows-table exposure egress-section groups \
        geography; do
        expect_grep "id=\"$id\"" "$WORK/$_name-dom.html" "$_name: rendered DOM has #$id"
    done
    _rc=0
    "$PYTHON3" - "$WORK/$_name-dom.html" "$WORK/$_name.json" >"$WORK/bars.out" 2>&1 <<'PY' || _rc=$?
import json, re, sys
from html.parser import HTMLParser

class Bars(HTMLParser):
    def __init__(self):
        super().__init__()
        self.svg = None
        self.bars = {}
        self.table = None
        self.tables = set()
        self.flagged = {}
        self.row = None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "svg":
            self.svg = a.get("id")
            self.bars[self.svg] = 0
        elif tag == "rect" and self.svg and a.get("class") in ("bar", "hbar", "acc", "rej", "in",
                                                                "out", "unk"):
            assert float(a["width"]) > 0 and float(a["height"]) > 0, a
            self.bars[self.svg] += 1
        elif tag == "table":
            self.table = a.get("id")
            self.tables.add(self.table)
        elif tag == "tr" and a.get("class") == "flagged":
            self.row = []
    def handle_endtag(self, tag):
        if tag == "svg":
            self.svg = None
        elif tag == "tr" and self.row is not None:
            self.flagged.setdefault(self.table, []).append(self.row[0])
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
if doc["egress"]["interfaces"]:
    want["egress"] = len(doc["egress"]["interfaces"])
for k, n in want.items():
    assert p.bars.get(k) == n, f"chart {k}: {p.bars.get(k)} bars, expected {n}"
# Talker bars: one to three parts (inbound, outbound, unknown) per row.
for k in ("sources", "destinations", "conversations", "ports"):
    rows = len(doc["talkers"][k]["by_bytes"])
    got = p.bars.get(f"talker-{k}", 0)
    assert rows <= got <= 3 * rows and (rows == 0 or got > 0), f"talker-{k}: {got} parts, {rows} rows"
# Geography: an accepted and/or a rejected part per country of the chart (20 at most).
if doc["geography"]["enabled"]:
    rows = min(len(doc["geography"]["countries"]["rows"]), 20)
    got = p.bars.get("geo-chart", 0)
    assert rows <= got <= 2 * rows and rows > 0, f"geo-chart: {got} parts, {rows} rows"
    assert {"geo-countries-table", "geo-networks-table"} <= p.tables, p.tables
flagged = [t["address"] for t in doc["threats"]["list"] if t["flagged"]]
assert p.flagged.get("threats-table", []) == flagged, f"flagged rows {p.flagged}, expected {flagged}"
exposed = [e["interface"] for e in doc["exposure"]["list"] if e["listed_sources"] > 0]
assert p.flagged.get("exposure-table", []) == exposed, (p.flagged, exposed)
over = [e["interface"] for e in doc["egress"]["interfaces"] if e["over_threshold"]]
assert p.flagged.get("egress-table", []) == over, (p.flagged, over)
if doc["exposure"]["list"]:
    assert "exposure-table" in p.tables
for g in ("accounts", "vpcs", "subnets", "interfaces"):
    assert (f"group-{g}-table" in p.tables) == (doc["groups"][g]["distinct"] > 0), g
print("bars:", ", ".join(f"{k} {v}" for k, v in sorted(p.bars.items())), "; flagged rows:", p.flagged)
PY
    check "$_name: SVG charts: a bar per bucket and per top row; flagged rows first" "$_rc"
    diag_file "$WORK/bars.out"
}
check_dom report scanners-table
check_dom daily exposure-table egress egress-table egress-destinations-table
expect_grep 'id="exposure-table"' "$WORK/daily-dom.html" "daily: the exposure table is there"
expect_grep 'id="group-subnets-table"' "$WORK/daily-dom.html" "daily: the per-subnet table is there"
expect_grep '<span class="geo">IN AS64522 Test Network 64522</span>' "$WORK/daily-dom.html" \
    "daily: an address with its country and AS"
expect_grep 'id="geo-hint"' "$WORK/report-dom.html" "without --geoip: how to add a database"

rm -f "$WORK/shot.png"
chromium_run --screenshot="$WORK/shot.png" "file://$WORK/daily.html"
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
