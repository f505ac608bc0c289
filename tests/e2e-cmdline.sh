#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# End-to-end: command line handling: --help, --version, usage errors (exit 2), output options.

# shellcheck disable=SC2016 # '${field}' is the literal AWS format syntax
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${srcdir:-$(dirname "$0")}/lib.sh"

S=$SAMPLES
LOG=$S/default-v2.log

# --help and --version
run "$VPC2IPFIX" --help
expect_rc 0 "--help"
expect_grep 'Usage' "$OUT" "--help prints the usage on stdout"
# the options may sit in GOption groups (--help-input, --help-ipfix): --help-all shows all
run "$VPC2IPFIX" --help-all
expect_rc 0 "--help-all"
for opt in --output --format --strict --observation-domain --packet-addresses-as-key \
    --stats-json --quiet --version --udp --tcp --follow --state --mtu --rate \
    --template-refresh --template-refresh-messages --connect-timeout --resend-window --protocol \
    --interface-table --filter --config; do
    expect_grep "$opt" "$OUT" "--help-all mentions $opt"
done

run "$VPC2IPFIX" --version
expect_rc 0 "--version"
expect_grep 'vpc2ipfix.*[0-9]+\.[0-9]+' "$OUT" "--version prints the name and a version number"

# usage errors: exit 2, a message on stderr, nothing on stdout
usage_error() {
    _desc=$1
    shift
    run "$VPC2IPFIX" "$@"
    expect_rc 2 "usage error: $_desc"
    if [ -s "$ERR" ] && [ ! -s "$OUT" ]; then
        ok "usage error: $_desc: message on stderr, nothing on stdout"
    else
        not_ok "usage error: $_desc: message on stderr, nothing on stdout"
        diag "stdout:"
        diag_file "$OUT" 5
        diag "stderr:"
        diag_file "$ERR" 5
    fi
}
usage_error "unknown option" --no-such-option "$LOG"
usage_error "unknown short option" -Z "$LOG"
usage_error "-d not a number" -d abc -o "$WORK/x.ipfix" "$LOG"
usage_error "-d negative" -d -1 -o "$WORK/x.ipfix" "$LOG"
usage_error "-d above 2^32-1" -d 4294967296 -o "$WORK/x.ipfix" "$LOG"
usage_error "--format with unbalanced \${" '--format=${srcaddr ${dstaddr}' -o "$WORK/x.ipfix" "$LOG"
usage_error "--format empty" --format= -o "$WORK/x.ipfix" "$LOG"
# A field name that AWS does not write: every line would fail; say so at once.
usage_error "--format naming an unknown field" '--format=${srcaddr} ${dstaddrx} ${action}' \
    -o "$WORK/x.ipfix" "$LOG"
expect_grep "unknown field 'dstaddrx' \\(column 2\\)" "$ERR" "--format: the unknown field is named"
check "--format naming an unknown field: no output file" "$([ ! -e "$WORK/x.ipfix" ]; echo $?)"
# A Transit Gateway field is a field: parsed and exported, no warning.
printf '10.0.0.1 tgw-0123 10.0.0.2 ACCEPT\n' >"$WORK/tgw.log"
run "$VPC2IPFIX" '--format=${srcaddr} ${tgw-id} ${dstaddr} ${action}' -o "$WORK/tgw.ipfix" "$WORK/tgw.log"
expect_rc 0 "--format with a Transit Gateway field (tgw-id)"
expect_no_grep "unknown field" "$ERR" "--format: the tgw-id column is no unknown field"
usage_error "--output without a value" --output
# Collector options: checked before anything is read or connected.
usage_error "--udp without a port" --udp localhost "$LOG"
expect_grep "'localhost' is not HOST:PORT" "$ERR" "--udp without a port: the message names the value"
usage_error "--tcp IPv6 without brackets" --tcp ::1:4739 "$LOG"
expect_grep "'::1:4739' is not HOST:PORT" "$ERR" "--tcp ::1:4739: the message names the value"
usage_error "--udp port 0" --udp 127.0.0.1:0 "$LOG"
usage_error "--mtu below 576" --mtu 500 --udp 127.0.0.1:9 "$LOG"
expect_grep '--mtu: 500 is not from 576 to 65535' "$ERR" "--mtu below 576: the message names the range"
usage_error "--rate negative" --rate -1 --udp 127.0.0.1:9 "$LOG"
usage_error "--resend-window negative" --resend-window -1 --tcp 127.0.0.1:9 "$LOG"
usage_error "--protocol not a protocol" --protocol v7 --udp 127.0.0.1:9 "$LOG"
expect_grep "'v7' is not ipfix, v9 or v5" "$ERR" "--protocol v7: the message names the choices"
usage_error "--protocol v9 over TCP" --protocol v9 --tcp 127.0.0.1:9 "$LOG"
expect_grep 'NetFlow goes to --udp collectors only' "$ERR" "--protocol v9 with --tcp: the message says why"
usage_error "--protocol v5 without --udp" --protocol v5 -o "$WORK/x.ipfix" "$LOG"
usage_error "--follow with two files" --follow --udp 127.0.0.1:9 "$LOG" "$S/ipv6.log"
expect_grep '--follow takes directories to watch, or one file' "$ERR" \
    "--follow with two files: the message says what it takes"
if [ -e "$WORK/x.ipfix" ]; then
    not_ok "no output file after usage errors"
else
    ok "no output file after usage errors"
fi

# Output to a terminal is refused (needs script(1) for a pseudo-terminal).
if command -v script >/dev/null 2>&1; then
    echo "# \$ script -qec '$VPC2IPFIX $LOG' /dev/null"
    RC=0
    script -qec "$(cmdline "$VPC2IPFIX" "$LOG")" /dev/null </dev/null >"$WORK/tty.out" 2>&1 || RC=$?
    if [ "$RC" -ne 0 ] && [ "$(wc -c <"$WORK/tty.out")" -lt 2000 ]; then
        ok "IPFIX to a terminal refused (exit $RC)"
    else
        not_ok "IPFIX to a terminal refused (exit $RC, $(wc -c <"$WORK/tty.out") bytes on the tty)"
    fi
    expect_grep '.' "$WORK/tty.out" "IPFIX to a terminal: a message says why"
else
    skip "IPFIX to a terminal refused (script(1) not installed)"
    skip "IPFIX to a terminal: a message says why (script(1) not installed)"
fi

# Default output is stdout; -o - is stdout too.
run "$VPC2IPFIX" -q "$LOG"
expect_rc 0 "no -o: IPFIX on stdout"
cp "$OUT" "$WORK/stdout.ipfix"
flowcheck "no -o: stdout holds the IPFIX records" --ipfix "$WORK/stdout.ipfix" "$LOG"
run "$VPC2IPFIX" -q -o - "$LOG"
expect_rc 0 "-o -: IPFIX on stdout"
cp "$OUT" "$WORK/dash.ipfix"
flowcheck "-o -: stdout holds the IPFIX records" --ipfix "$WORK/dash.ipfix" "$LOG"
run "$VPC2IPFIX" -q --output="$WORK/long.ipfix" "$LOG"
expect_rc 0 "--output=FILE"
flowcheck "--output=FILE holds the IPFIX records" --ipfix "$WORK/long.ipfix" "$LOG"

# Summary on stderr unless --quiet; diagnostics even with --quiet.
run "$VPC2IPFIX" -o "$WORK/s.ipfix" "$LOG"
expect_rc 0 "without --quiet"
expect_grep '.' "$ERR" "without --quiet: a summary on stderr"
run "$VPC2IPFIX" -q -o "$WORK/s.ipfix" "$LOG"
if [ -s "$ERR" ]; then
    not_ok "--quiet: nothing on stderr for a clean input"
    diag_file "$ERR" 10
else
    ok "--quiet: nothing on stderr for a clean input"
fi
run "$VPC2IPFIX" --quiet -o "$WORK/m.ipfix" "$S/malformed.log"
expect_rc 0 "--quiet with malformed lines (not --strict)"
expect_grep 'malformed\.log:[0-9]+:' "$ERR" "--quiet: malformed lines still reported as FILE:LINE"

# Runtime failures: exit 1 and the file is named.
run "$VPC2IPFIX" -q -o "$WORK/n.ipfix" "$WORK/does-not-exist.log"
expect_rc 1 "missing input"
expect_grep 'does-not-exist\.log' "$ERR" "missing input: the message names the file"
run "$VPC2IPFIX" -q -o "$WORK/no/such/dir/out.ipfix" "$LOG"
expect_rc 1 "output in a missing directory"
expect_grep 'no/such/dir' "$ERR" "output in a missing directory: the message names the path"
run "$VPC2IPFIX" -q -o "$WORK/st.ipfix" --stats-json="$WORK/no/such/dir/s.json" "$LOG"
if [ "$RC" -eq 1 ] || [ "$RC" -eq 2 ]; then
    ok "unwritable --stats-json fails (exit $RC)"
else
    not_ok "unwritable --stats-json fails (exit $RC)"
fi

# --stats-json to stdout is not required; the file is valid JSON.
run "$VPC2IPFIX" -q -o "$WORK/j.ipfix" --stats-json="$WORK/j.json" "$LOG"
expect_rc 0 "--stats-json=FILE"
run "$PYTHON3" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["total"]["flows"] > 0' \
    "$WORK/j.json"
expect_rc 0 "--stats-json: valid JSON with a total"

# --config: the options of a GKeyFile, the command line winning; errors name FILE:LINE.
cat >"$WORK/cfg.conf" <<EOF
# a comment
[vpc2ipfix]
output=$WORK/cfg-file.ipfix
quiet=true
filter=action reject
observation-domain=7
stats-json=$WORK/cfg.json
EOF
run "$VPC2IPFIX" --config "$WORK/cfg.conf" "$LOG"
expect_rc 0 "--config: a run from the file's options"
_cfg=$("$PYTHON3" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["total"]["filtered"] > 0, [o["destination"] for o in d["outputs"]])' "$WORK/cfg.json")
check "--config: output, filter and stats-json taken from the file ($_cfg)" \
    "$([ "$_cfg" = "True ['file:$WORK/cfg-file.ipfix']" ]; echo $?)"
check "--config: quiet taken from the file (nothing on stderr)" "$([ ! -s "$ERR" ]; echo $?)"
# (the first message header's observation domain: bytes 12-15)
check "--config: observation-domain taken from the file" \
    "$([ "$(od -An -tx1 -j12 -N4 "$WORK/cfg-file.ipfix" | tr -d ' \n')" = 00000007 ]; echo $?)"
run "$VPC2IPFIX" --config "$WORK/cfg.conf" -o "$WORK/cfg-cmdline.ipfix" --filter any "$LOG"
expect_rc 0 "--config with command-line options"
_cfg=$("$PYTHON3" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["total"]["filtered"], [o["destination"] for o in d["outputs"]])' "$WORK/cfg.json")
check "--config: the command line wins (output, filter: $_cfg)" \
    "$([ "$_cfg" = "0 ['file:$WORK/cfg-cmdline.ipfix']" ]; echo $?)"
printf '[vpc2ipfix]\nquiet=true\n\nno-such-option=1\n' >"$WORK/cfg-bad.conf"
usage_error "--config with an unknown key" --config "$WORK/cfg-bad.conf" "$LOG"
expect_grep "cfg-bad.conf:4: unknown key 'no-such-option'" "$ERR" "--config: the unknown key is named with FILE:LINE"
printf '[vpc2ipfix]\nfollow=perhaps\n' >"$WORK/cfg-bool.conf"
usage_error "--config with a switch that is not true or false" --config "$WORK/cfg-bool.conf" "$LOG"
expect_grep "cfg-bool.conf:2: follow: expected true or false" "$ERR" "--config: the bad switch is named with FILE:LINE"
printf '[collectors]\nudp=127.0.0.1:9\n' >"$WORK/cfg-group.conf"
usage_error "--config with an unknown group" --config "$WORK/cfg-group.conf" "$LOG"
expect_grep "cfg-group.conf:1: unknown group \[collectors\] \(the options go in \[vpc2ipfix\], the outputs in \[output NAME\]\)" "$ERR" "--config: the unknown group is named with FILE:LINE"
run "$VPC2IPFIX" --config "$WORK/no-such.conf" "$LOG"
expect_rc 1 "--config naming a file that does not exist"
# The example in data/ is valid (it would follow for ever: checked with --version).
run "$VPC2IPFIX" --config "$top_srcdir/data/vpc2ipfix.conf" --version
expect_rc 0 "--config: the example data/vpc2ipfix.conf is accepted"

tap_done
