#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The README's examples that can run here, run as a reader would paste them, so the docs
# cannot rot: every ```sh block after a "<!-- runnable -->" line (or "<!-- runnable: needs
# CMD... -->", skipped when a CMD is not installed) runs with sh -e in a fresh directory
# where data/ is the source tree's, with the built programs first in PATH.  These changes
# make them fit for a test, in place of a reader's pauses: the collector ports 9995 and 2100
# become a free port, and /var/lib/pmacct/ the run directory; vpc2ipfix waits (bounded) until a --udp collector on 127.0.0.1 is bound;
# "kill $!" waits (bounded) until the collector read every datagram.  An example passes
# when it exits 0 and, if it prints, prints something other than an empty result.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${srcdir:-$(dirname "$0")}/lib.sh"
# shellcheck source-path=SCRIPTDIR source=collectors.sh
. "$srcdir/collectors.sh"

README=$top_srcdir/README.md
SHIMS=$WORK/shims
mkdir -p "$SHIMS"
# vpc2ipfix, waiting up to 10 s for each --udp 127.0.0.1:PORT to be bound.
cat >"$SHIMS/vpc2ipfix" <<SHIM
#!/bin/sh
prev=
for a in "\$@"; do
    case \$prev/\$a in
        --udp/127.0.0.1:*) port=\${a##*:} ;;
        */--udp=127.0.0.1:*) port=\${a##*:} ;;
        *) port= ;;
    esac
    if [ -n "\$port" ]; then
        n=200
        while [ \$n -gt 0 ] && ! grep -q ": 0100007F:\$(printf %04X "\$port") " /proc/net/udp; do
            sleep 0.05
            n=\$((n - 1))
        done
    fi
    prev=\$a
done
exec "$top_builddir/src/vpc2ipfix" "\$@"
SHIM
chmod +x "$SHIMS/vpc2ipfix"

# The blocks: "NEEDS<TAB>LINE" headers, then the block's lines, then a line "@@END".
"$PYTHON3" - "$README" >"$WORK/blocks.txt" <<'PY'
import re, sys
lines = open(sys.argv[1]).read().split("\n")
i = 0
while i < len(lines):
    m = re.match(r"<!-- runnable(?:: needs ([^>]*?))? -->$", lines[i])
    if m and i + 1 < len(lines) and lines[i + 1].startswith("```sh"):
        print("@@BLOCK\t%s\t%d" % ((m.group(1) or "").strip(), i + 3))
        j = i + 2
        while not lines[j].startswith("```"):
            print(lines[j])
            j += 1
        print("@@END")
        i = j
    i += 1
PY
_blocks=$(grep -c '^@@BLOCK' "$WORK/blocks.txt")
check "the README has runnable examples ($_blocks)" "$([ "$_blocks" -ge 6 ]; echo $?)"

n=0
while [ "$n" -lt "$_blocks" ]; do
    n=$((n + 1))
    header=$(grep '^@@BLOCK' "$WORK/blocks.txt" | sed -n "${n}p")
    needs=$(printf %s "$header" | cut -f2)
    line=$(printf %s "$header" | cut -f3)
    awk -v n="$n" '/^@@BLOCK/ { b++; next } /^@@END/ { next } b == n' "$WORK/blocks.txt" >"$WORK/block$n.sh"
    missing=
    for c in $needs; do command -v "$c" >/dev/null 2>&1 || missing="$missing $c"; done
    if [ -n "$missing" ]; then
        skip "README.md:$line: not installed:$missing"
        continue
    fi
    dir=$WORK/run$n
    mkdir -p "$dir/data"
    port=$(free_udp_port)
    # data/ is the source tree's, but for data/collectors: a copy where the collectors'
    # configurations listen on the free port and write below the run directory (never
    # in /var/lib).
    for f in "$top_srcdir"/data/*; do
        [ "$(basename "$f")" = collectors ] || ln -s "$f" "$dir/data/"
    done
    cp -R "$top_srcdir/data/collectors" "$dir/data/collectors"
    chmod -R u+w "$dir/data/collectors"
    for f in "$dir"/data/collectors/*; do
        [ -f "$f" ] && sed -i -e "s#/var/lib/pmacct/#$dir/#g" -e "s/\b2100\b/$port/g" \
            -e 's/^print_refresh_time\[vpc\]: .*/print_refresh_time[vpc]: 1/' "$f"
    done
    {
        # drain PORT: nothing left unread in the socket bound to 127.0.0.1:PORT (10 s at most).
        echo 'drain() { n=200; while [ $n -gt 0 ] && awk -v port=":$(printf %04X "$1")" '"'"'$2 == "0100007F" port { split($5, q, ":"); if (q[2] != "00000000") bad = 1 } END { exit !bad }'"'"' /proc/net/udp; do sleep 0.05; n=$((n - 1)); done; }'
        # settle_csv: nfacctd's print plugin (refreshing every second here) has written the
        # CSV and nothing more for 2 s: every flow passed from its core to the plugin before
        # SIGINT (20 s at most).
        echo 'settle_csv() { n=200; last=-1; same=0; while [ $n -gt 0 ]; do s=$(cat ./*.csv 2>/dev/null | wc -c); if [ "$s" -gt 0 ] && [ "$s" = "$last" ]; then same=$((same + 1)); [ $same -ge 20 ] && return 0; else same=0; fi; last=$s; sleep 0.1; n=$((n - 1)); done; }'
        sed -e "s/9995/$port/g" -e "s/\b2100\b/$port/g" -e "s#/var/lib/pmacct/#$dir/#g" \
            -e "s/^kill -INT /drain $port; settle_csv; kill -INT /" \
            -e "s/^kill /drain $port; kill /" "$WORK/block$n.sh"
    } >"$dir/example.sh"
    echo "# README.md:$line:"
    sed 's/^/#   /' "$WORK/block$n.sh"
    _rc=0
    (cd "$dir" && PATH="$SHIMS:$top_builddir/src:$PATH" timeout 120 sh -e example.sh) \
        >"$dir/out" 2>"$dir/err" || _rc=$?
    _prints=0
    grep -q 'nfdump\|grep\|cat \|head\|vpc-report' "$WORK/block$n.sh" && _prints=1
    if [ "$_rc" -eq 0 ] && { [ "$_prints" = 0 ] || [ -s "$dir/out" ]; } &&
        ! grep -q 'No matching flows\|No Exporter records found' "$dir/out"; then
        ok "README.md:$line: the example runs (exit 0)"
        diag_file "$dir/out" 8
    else
        not_ok "README.md:$line: the example (exit $_rc, or no output where it prints)"
        diag_file "$dir/err"
        diag_file "$dir/out"
    fi
done

tap_done
