#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# End-to-end: --metrics-file.  A --follow run on a growing file writes the Prometheus text
# file every second, parsed here by prometheus_client's own parser (Debian's
# python3-prometheus-client) while the run goes on: the records read, exported and
# malformed per container, the output's messages and records, the lag of the newest
# record; --stats-json is refreshed on the same timer.  Both say the final counts at the end.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${srcdir:-$(dirname "$0")}/lib.sh"

# A Python that has prometheus_client (the configured one, or Debian's).
PROM_PY=
for _py in "$PYTHON3" /usr/bin/python3; do
    if "$_py" -c 'import prometheus_client.parser' 2>/dev/null; then PROM_PY=$_py; break; fi
done
if [ -z "$PROM_PY" ]; then
    skip "--metrics-file (python3-prometheus-client not installed)"
    tap_done
    exit $?
fi

# metric FILE NAME [LABEL=VALUE]: the sum of NAME's samples (that have LABEL=VALUE), as
# prometheus_client's parser reads FILE; "error: ..." if it cannot.
metric() {
    "$PROM_PY" - "$@" <<'PY' 2>&1
import math, sys
from prometheus_client.parser import text_string_to_metric_families
path, name = sys.argv[1], sys.argv[2]
want = dict(a.split("=", 1) for a in sys.argv[3:])
total, found = 0.0, False
try:
    with open(path) as f:
        text = f.read()
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in want.items()):
                total += s.value
                found = True
except Exception as e:  # a file the parser refuses
    print("error:", e)
    sys.exit(0)
print(("%g" % total) if found else "none")
PY
}

# metric_is FILE NAME VALUE [LABEL=VALUE]
metric_is() {
    _f=$1 _n=$2 _v=$3
    shift 3
    [ "$(metric "$_f" "$_n" "$@")" = "$_v" ]
}
json_flows() {
    "$PYTHON3" -c 'import json, sys
print(json.load(open(sys.argv[1]))["total"]["flows"])' "$1" 2>/dev/null
}

S=$SAMPLES
F=$WORK/grow.log
M=$WORK/metrics.prom
head -n 11 "$S/default-v2.log" >"$F"
_first=$("$PYTHON3" "$srcdir/flowcheck.py" --select True --count "$F")
echo "# \$ vpc2ipfix -F --metrics-file $M --metrics-interval 1 --stats-json $WORK/s.json -o $WORK/out.ipfix $F"
"$VPC2IPFIX" -F --metrics-file "$M" --metrics-interval 1 --stats-json "$WORK/s.json" \
    -o "$WORK/out.ipfix" "$F" >"$WORK/vpc.out" 2>"$WORK/vpc.err" &
VPC_PID=$!
bg_add "$VPC_PID"

if wait_for 15 metric_is "$M" vpc2ipfix_flows_total "$_first"; then
    ok "while following: the metrics file parses and counts the $_first flows read"
else
    not_ok "while following: the metrics file ($(metric "$M" vpc2ipfix_flows_total))"
    diag_file "$M"
fi
check "while following: records exported = flows read ($_first)" \
    "$(metric_is "$M" vpc2ipfix_records_exported_total "$_first"; echo $?)"
_lag=$(metric "$M" vpc2ipfix_newest_record_lag_seconds)
_want_lag=$("$PYTHON3" -c 'import sys, time
ends = [int(l.split()[11]) for l in open(sys.argv[1]) if l.split()[0].isdigit() and l.split()[13] == "OK"]
print(int(time.time() - max(ends)))' "$F")
check "the lag of the newest record: $_lag s (its end is $_want_lag s ago)" \
    "$("$PYTHON3" -c 'import sys; sys.exit(not abs(float(sys.argv[1]) - float(sys.argv[2])) < 30)' "$_lag" "$_want_lag"; echo $?)"
check "the output's records and bytes are counted" \
    "$("$PYTHON3" -c 'import sys; sys.exit(not float(sys.argv[1]) > 0)' "$(metric "$M" vpc2ipfix_output_bytes_total protocol=ipfix)"; echo $?)"
if wait_for 15 sh -c '[ "$('"$PYTHON3"' -c "import json,sys; print(json.load(open(sys.argv[1]))[\"total\"][\"flows\"])" "$1" 2>/dev/null)" = "$2" ]' - "$WORK/s.json" "$_first"; then
    ok "while following: --stats-json is refreshed on the same timer ($_first flows)"
else
    not_ok "while following: --stats-json refreshed ($(json_flows "$WORK/s.json"))"
fi

# More lines, a malformed one among them: the next update counts them.
tail -n +12 "$S/default-v2.log" >>"$F"
echo "2 123456789012 eni-x 10.0.0.1 10.0.0.2 not-a-port 80 6 1 40 1 2 ACCEPT OK" >>"$F"
_all=$("$PYTHON3" "$srcdir/flowcheck.py" --select True --count "$F")
if wait_for 15 metric_is "$M" vpc2ipfix_flows_total "$_all"; then
    ok "after the file grew: $_all flows counted"
else
    not_ok "after the file grew ($(metric "$M" vpc2ipfix_flows_total), want $_all)"
fi
check "the malformed line is counted" "$(metric_is "$M" vpc2ipfix_records_malformed_total 1; echo $?)"

stop_pid "$VPC_PID" TERM 10
check "SIGTERM ends the follow run (exit $STOP_RC)" "$([ "$STOP_RC" = 0 ] && [ "$STOP_LATE" = 0 ]; echo $?)"
check "at the end: the metrics file holds the final counts ($_all flows, container text)" \
    "$(metric_is "$M" vpc2ipfix_flows_total "$_all" container=text; echo $?)"
_lines=$("$PYTHON3" -c 'import json, sys
print(json.load(open(sys.argv[1]))["total"]["lines"])' "$WORK/s.json")
check "at the end: records read = the lines --stats-json counts ($_lines)" \
    "$(metric_is "$M" vpc2ipfix_records_read_total "$_lines"; echo $?)"
check "at the end: --stats-json holds the final counts" "$([ "$(json_flows "$WORK/s.json")" = "$_all" ]; echo $?)"
check "no temporary file left next to the metrics file" \
    "$([ "$(find "$WORK" -maxdepth 1 -name '.metrics*' | wc -l)" = 0 ]; echo $?)"

run "$VPC2IPFIX" --metrics-file "$WORK" -o "$WORK/x.ipfix" "$S/default-v2.log"
expect_rc 2 "--metrics-file naming a directory"
run "$VPC2IPFIX" --metrics-interval 0 --metrics-file "$M" -o "$WORK/x.ipfix" "$S/default-v2.log"
expect_rc 2 "--metrics-interval 0"

tap_done
