#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Evaluate Debian's JSON libraries (yajl, json-c, jansson, json-glib) for the vpc2ipfix
# JSON container: correctness on concatenated documents, streaming, speed, memory.
#
#   sh bench/json-libs.sh
#
# Builds bench/json-libs.c once per library (their headers cannot share one program),
# generates CloudWatch Logs filter-log-events JSON with python3 (stdlib only):
#   (a) one document of JSON_EVENTS events, indent 4 (aws logs filter-log-events with
#       auto-pagination),
#   (b) the same events as 100 concatenated pages with nextToken (a paging loop),
#   (c) 3 tiny documents back to back, no separator ({..}{..}{..}),
#   (d) one document followed by a truncated one (must be an error),
# checks (c) and (d) with read chunks of 1, 7 and 262144 bytes, then times (a) and (b)
# (wall: best of JSON_RUNS; MB/s: input bytes / wall; peak RSS: highest of the runs)
# and prints a markdown table.
#
# Environment: JSON_EVENTS (default 1000000), JSON_RUNS (default 3), CC (default cc),
#              CFLAGS (default -O2), PYTHON (default python3), TMPDIR.
set -eu

here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
events=${JSON_EVENTS:-1000000}
runs=${JSON_RUNS:-3}
cc=${CC:-cc}
cflags=${CFLAGS:--O2}
python=${PYTHON:-python3}
case $events in ''|*[!0-9]*|0) echo "json-libs.sh: JSON_EVENTS must be a positive integer" >&2; exit 2;; esac
case $runs in ''|*[!0-9]*|0) echo "json-libs.sh: JSON_RUNS must be a positive integer" >&2; exit 2;; esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/json-libs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "JSON library evaluation, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc 2>/dev/null || echo '?') CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1), $(uname -sr)"
vers=""
for p in yajl:libyajl2 json-c:libjson-c5 jansson:libjansson4 json-glib-1.0:libjson-glib-1.0-0; do
    deb=$(dpkg-query -W -f '${Version}' "${p#*:}" 2>/dev/null || echo '?')
    vers="$vers ${p%%:*} $(pkg-config --modversion "${p%%:*}" 2>/dev/null || echo '?') (Debian $deb),"
done
echo "libraries:${vers%,}"

# --- build: one binary per library
build() {  # define pkg
    if ! pkg-config --exists "$2"; then
        echo "json-libs.sh: pkg-config does not know $2" >&2
        exit 2
    fi
    # shellcheck disable=SC2046,SC2086
    "$cc" -std=c17 $cflags -D"$1" -o "$tmp/json-libs-$2" "$here/json-libs.c" \
        $(pkg-config --cflags --libs "$2")
}
build WITH_YAJL yajl
build WITH_JSON_C json-c
build WITH_JANSSON jansson
build WITH_JSON_GLIB json-glib-1.0

# --- inputs (and their expected message count / byte sum)
"$python" - "$tmp" "$events" <<'EOF'
import json, random, sys

tmp, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(4)
enis = ["eni-%017x" % rng.getrandbits(68) for _ in range(500)]
accounts = ["%012d" % rng.randrange(10**11, 10**12) for _ in range(4)]
T0 = 1795132800

def message(i):
    eni = enis[i % 500 if i % 7 else rng.randrange(500)]
    t = T0 + i * 3600 // n
    if rng.random() < 0.01:
        return eni, t, "2 %s %s - - - - - - - %d %d - NODATA" % (accounts[i % 4], eni, t, t + 60)
    src = "10.0.%d.%d" % (rng.randrange(256), rng.randrange(1, 255))
    dst = "203.0.113.%d" % rng.randrange(1, 255)
    p = rng.randrange(1, 2000)
    action = "ACCEPT" if rng.random() < 0.92 else "REJECT"
    return eni, t, "2 %s %s %s %s 443 %d 6 %d %d %d %d %s OK" % (
        accounts[i % 4], eni, src, dst, rng.randrange(32768, 65536), p,
        p * rng.choice((60, 576, 1500)), t, t + 60, action)

enc = json.encoder.encode_basestring        # like aws-cli: ensure_ascii=False
count = total = 0

def event(i):
    global count, total
    eni, t, msg = message(i)
    count += 1
    total += len(msg.encode())
    ms = t * 1000 + i % 1000
    return ('        {\n'
            '            "logStreamName": %s,\n'
            '            "timestamp": %d,\n'
            '            "message": %s,\n'
            '            "ingestionTime": %d,\n'
            '            "eventId": "%056d"\n'
            '        }' % (enc(eni + "-all"), ms, enc(msg), ms + 61000 + i % 9000,
                          ms * 10**40 + i))

def page(lo, hi, token):
    body = ",\n".join(event(i) for i in range(lo, hi))
    tail = ',\n    "nextToken": %s' % enc(token) if token else ""
    return ('{\n    "events": [\n' + body + '\n    ],\n    "searchedLogStreams": []' + tail +
            '\n}\n')

# (a) one document (auto-pagination), written in slices to keep memory small
with open(tmp + "/a.json", "w") as f:
    f.write('{\n    "events": [\n')
    step = 10000
    for lo in range(0, n, step):
        f.write(",\n".join(event(i) for i in range(lo, min(n, lo + step))))
        f.write(",\n" if lo + step < n else "\n")
    f.write('    ],\n    "searchedLogStreams": []\n}\n')
expect_a = (1, count, total)

# (b) the same events (same seed) as 100 concatenated pages
rng.seed(4)
enis[:] = ["eni-%017x" % rng.getrandbits(68) for _ in range(500)]
accounts[:] = ["%012d" % rng.randrange(10**11, 10**12) for _ in range(4)]
count = total = 0
pages = 100
with open(tmp + "/b.json", "w") as f:
    for p in range(pages):
        lo, hi = n * p // pages, n * (p + 1) // pages
        token = None if p == pages - 1 else "Bxkq6kVGFtq2y_MoigeqscPOdhXVbhiVtLoAmXb5jCrI7f%04d" % p
        f.write(page(lo, hi, token))
expect_b = (pages, count, total)
assert expect_a[1:] == expect_b[1:], (expect_a, expect_b)

# (c) three tiny documents back to back, no separator; escapes, a non-ASCII stream,
# a trailing newline, a decoy "message" outside events and in a nested object
c = [
    {"events": [{"logStreamName": "eni-0a1b2c3d4e5f60718-all", "timestamp": 1795132800000,
                 "message": "2 123456789012 eni-0a1b2c3d4e5f60718 10.0.1.23 203.0.113.12 443 49152 6 10 8400 1795132800 1795132860 ACCEPT OK",
                 "ingestionTime": 1795132870000, "eventId": "1" * 56}],
     "nextToken": "t1", "message": "not an event"},
    {"nextToken": "t2", "events": [
        {"message": "2 123456789012 eni-0a1b2c3d4e5f60718 10.0.1.23 198.51.100.7 22 50000 6 3 180 1795132800 1795132860 REJECT OK\n",
         "logStreamName": "caf\u00e9 \"stream\"", "extra": {"message": "nested decoy"}},
        {"message": "2 123456789012 eni-0a1b2c3d4e5f60718 - - - - - - - 1795132800 1795132860 - NODATA"}]},
    {"events": [{"message": "tab\there / slash \\ quote \" \u00e9\U0001F600"}],
     "searchedLogStreams": []},
]
with open(tmp + "/c.json", "w") as f:
    f.write("".join(json.dumps(d, separators=(",", ":"), ensure_ascii=(i != 1))
                    for i, d in enumerate(c)))
msgs_c = [e["message"] for d in c for e in d["events"]]
expect_c = (3, len(msgs_c), sum(len(m.encode()) for m in msgs_c))

# (d) a good document, then a truncated one: every library must report an error
with open(tmp + "/d.json", "w") as f:
    f.write(json.dumps(c[0]) + "\n" + json.dumps(c[1])[:-7])

with open(tmp + "/expect", "w") as f:
    for name, e in (("a", expect_a), ("b", expect_b), ("c", expect_c)):
        f.write("%s docs=%d messages=%d bytes=%d\n" % ((name,) + e))
EOF

abytes=$(wc -c < "$tmp/a.json" | tr -d ' ')
bbytes=$(wc -c < "$tmp/b.json" | tr -d ' ')
echo "inputs:    (a) $events events, one document, $abytes bytes;" \
    "(b) the same as 100 pages, $bbytes bytes; (c) $(wc -c < "$tmp/c.json" | tr -d ' ') bytes"
echo

# --- measure (a python timer: wall by perf_counter, peak RSS by /usr/bin/time -f %M
#     when present, else from wait4's rusage)
"$python" - "$tmp" "$runs" <<'EOF'
import os, subprocess, sys, time

tmp, runs = sys.argv[1], int(sys.argv[2])
expect = {}
for line in open(tmp + "/expect"):
    name, *kv = line.split()
    expect[name] = dict(x.split("=") for x in kv)
gnu_time = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None

LIBS = [  # (name shown, binary suffix, LIB argument, API, streams?)
    ("yajl", "yajl", "yajl", "yajl_parse SAX, allow_multiple_values", True),
    ("json-c", "json-c", "json-c", "json_tokener_parse_ex, tree per document", True),
    ("jansson", "jansson", "jansson",
     "json_load_callback DISABLE_EOF_CHECK, tree per document", True),
    ("jansson (loadf)", "jansson", "jansson-loadf",
     "json_loadf DISABLE_EOF_CHECK loop, tree per document", True),
    ("json-glib", "json-glib-1.0", "json-glib", "JsonParser load_from_file, whole file", False),
]


def run(binary, lib, path, chunk=None):
    argv = [binary, lib, path] + ([str(chunk)] if chunk else [])
    rssf = os.path.join(tmp, "rss")
    if gnu_time:
        argv = [gnu_time, "-f", "%M", "-o", rssf] + argv
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = p.communicate()
    wall = time.perf_counter() - t0
    if gnu_time:
        # GNU time writes "Command exited with non-zero status N" first on failure
        rss = int(open(rssf).read().split()[-1])
    else:
        import resource
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss   # upper bound
    fields = {}
    for w in out.decode().split()[1:]:
        k, _, v = w.partition("=")
        fields[k] = v
    return dict(wall=wall, rss=rss, rc=p.returncode, out=fields,
                err=err.decode(errors="replace").strip().replace("\n", " ")
                .replace(tmp + "/", ""))


def verdict(got, want):
    if got["rc"] != 0:
        return "ERROR: " + got["err"][:80]
    if got["out"].get("messages") == want["messages"] and \
            got["out"].get("bytes") == want["bytes"]:
        return "ok" + ("" if got["out"].get("docs") == want["docs"]
                       else " (docs=%s, expected %s)" % (got["out"].get("docs"), want["docs"]))
    return "WRONG: docs=%s messages=%s bytes=%s (expected %s/%s/%s)" % (
        got["out"].get("docs"), got["out"].get("messages"), got["out"].get("bytes"),
        want["docs"], want["messages"], want["bytes"])


print("## Correctness\n")
print("(c) = 3 documents back to back `{..}{..}{..}` (escapes, non-ASCII, a trailing \\n, "
      "decoy `message` keys), expected %s messages, %s bytes; (d) = a document then a "
      "truncated one, an error is expected. Read chunk sizes 1, 7 and 262144 bytes "
      "(json-glib reads the whole file).\n" % (expect["c"]["messages"], expect["c"]["bytes"]))
print("| library | (c) chunk 1 | (c) chunk 7 | (c) chunk 256 KiB | (d) truncated 2nd document |")
print("|---|---|---|---|---|")
for name, suffix, lib, api, streams in LIBS:
    binary = os.path.join(tmp, "json-libs-" + suffix)
    cells = []
    for chunk in (1, 7, 262144):
        if not streams and chunk != 262144:
            cells.append("n/a")
            continue
        cells.append(verdict(run(binary, lib, tmp + "/c.json", chunk), expect["c"]))
    d = run(binary, lib, tmp + "/d.json")
    if d["rc"] != 0:
        cells.append("error reported (after %s messages): %s" % (
            d["out"].get("messages", "?"), d["err"][:100]))
    else:
        cells.append("**NO ERROR**: docs=%s messages=%s" % (d["out"].get("docs"),
                                                             d["out"].get("messages")))
    print("| %s | %s |" % (name, " | ".join(cells)))

print("\n## Speed and memory\n")
sizes = {x: os.path.getsize("%s/%s.json" % (tmp, x)) for x in "ab"}
print("(a) one document, %s events, %.1f MB; (b) the same events as %s concatenated pages, "
      "%.1f MB. Wall: best of %d runs; MB/s: 10^6 input bytes per wall second; "
      "peak RSS: highest of the runs (%s).\n" % (
          expect["a"]["messages"], sizes["a"] / 1e6, expect["b"]["docs"], sizes["b"] / 1e6,
          runs, "GNU time %M" if gnu_time else "wait4 rusage, an upper bound"))
print("| library | API | input | wall s | MB/s | peak RSS MiB | messages | result |")
print("|---|---|---|---:|---:|---:|---:|---|")
for name, suffix, lib, api, streams in LIBS:
    binary = os.path.join(tmp, "json-libs-" + suffix)
    for x in "ab":
        rs = []
        for _ in range(runs):
            r = run(binary, lib, "%s/%s.json" % (tmp, x))
            rs.append(r)
            if r["rc"] != 0:
                break
        best = min(rs, key=lambda r: r["wall"])
        rss = max(r["rss"] for r in rs)
        print("| %s | %s | (%s) | %.3f | %.0f | %.1f | %s | %s |" % (
            name, api, x, best["wall"], sizes[x] / 1e6 / best["wall"], rss / 1024.0,
            best["out"].get("messages", "-"), verdict(best, expect[x])))
        sys.stdout.flush()
EOF
