#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# End-to-end: --observation-domain-from.  Flows of three VPCs (and two without a vpc-id)
# to one nfcapd: nfdump -E lists one exporter per VPC with the ID the oracle computes
# (FNV-1a 32 of the VPC ID, in Python here), the fallback domain for the others, each
# holding its VPC's flows, with 0 sequence failures (a sequence per domain, RFC 7011).
# Two VPC IDs whose hashes collide: the second gets the next free ID, a warning and a
# count; --observation-domain-map keeps the assignment in the next run, written as it is
# made (a kill -9 loses nothing).  --observation-domain-from flow-log: an exporter per
# flow log ID in the S3 object names.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${srcdir:-$(dirname "$0")}/lib.sh"
# shellcheck source-path=SCRIPTDIR source=collectors.sh
. "$srcdir/collectors.sh"

# make_input FILE VPC...: 4 flows per VPC ("-": no vpc-id), ports telling them apart.
make_input() {
    "$PYTHON3" - "$@" <<'PY'
import sys
out, vpcs = sys.argv[1], sys.argv[2:]
with open(out, "w") as f:
    f.write("version account-id interface-id srcaddr dstaddr srcport dstport protocol "
            "packets bytes start end action log-status vpc-id\n")
    for i, vpc in enumerate(vpcs):
        for j in range(4):
            f.write(f"5 123456789012 eni-0a1b2c3d4e5f6{i:04d} 10.0.{i}.{j + 1} 10.1.{i}.9 "
                    f"{40000 + j} {1000 + i} 6 {10 + j} {1000 + j} 1795143600 1795143659 "
                    f"ACCEPT OK {vpc}\n")
PY
}
# fnv ID: the oracle's domain ID of an AWS ID.
fnv() {
    "$PYTHON3" -c 'import sys
h = 2166136261
for b in sys.argv[1].encode():
    h = ((h ^ b) * 16777619) % 2**32
print(h or 1)' "$1"
}

make_input "$WORK/vpcs.log" vpc-0aaaaaaaaaaaaaaa1 vpc-0bbbbbbbbbbbbbbb2 vpc-0ccccccccccccccc3 -

run "$VPC2IPFIX" --observation-domain-from vpc -o "$WORK/x.ipfix" "$WORK/vpcs.log"
expect_rc 2 "--observation-domain-from with -o (a file holds one stream)"
run "$VPC2IPFIX" --observation-domain-from subnet --udp 127.0.0.1:9 "$WORK/vpcs.log"
expect_rc 2 "--observation-domain-from with an unknown source"
expect_grep "is not account, vpc, region, interface or flow-log" "$ERR" "the error names the sources"

if ! command -v nfcapd >/dev/null 2>&1 || ! command -v nfdump >/dev/null 2>&1; then
    skip "nfcapd (nfdump not installed)"
    tap_done
    exit $?
fi

# exporters DIR: "ID FLOWS SEQFAIL" per exporter nfdump -E lists, sorted.
exporters() {
    for f in "$1"/nfcapd.*; do nfdump -E "$f"; done 2>/dev/null |
        sed -n 's/.*version: 10, ID: *\([0-9]*\), Sequence failures: \([0-9]*\), packets: [0-9]*, flows: *\([0-9]*\).*/\1 \3 \2/p' |
        awk '{ f[$1] += $2; s[$1] += $3 } END { for (k in f) print k, f[k], s[k] }' | sort -n
}

nfcapd_start "$WORK/nf1" || { not_ok "nfcapd did not start"; tap_done; exit 1; }
run "$VPC2IPFIX" -q -d 7 --observation-domain-from vpc --stats-json "$WORK/d.json" \
    --observation-domain-map "$WORK/map.txt" --udp "127.0.0.1:$NFCAPD_PORT" "$WORK/vpcs.log"
expect_rc 0 "--observation-domain-from vpc to nfcapd"
wait_for 10 udp_drained "$NFCAPD_PORT" || diag "nfcapd left datagrams unread"
nfcapd_stop "$WORK/nf1"
{
    for v in vpc-0aaaaaaaaaaaaaaa1 vpc-0bbbbbbbbbbbbbbb2 vpc-0ccccccccccccccc3; do
        echo "$(fnv $v) 4 0"
    done
    echo "7 4 0"
} | sort -n >"$WORK/want-exp.txt"
exporters "$WORK/nf1" >"$WORK/got-exp.txt"
if cmp -s "$WORK/want-exp.txt" "$WORK/got-exp.txt"; then
    ok "nfdump -E: one exporter per VPC (the oracle's FNV-1a IDs) and -d's for flows without one, 4 flows each, 0 sequence failures"
else
    not_ok "nfdump -E: one exporter per VPC"
    diff "$WORK/want-exp.txt" "$WORK/got-exp.txt" | sed 's/^/#   /'
fi
# Each exporter holds its VPC's flows (the destination port says which VPC): nfdump's
# %exp is the exporter's SysID, which nfdump -E maps to the observation domain.
for f in "$WORK/nf1"/nfcapd.*; do
    nfdump -E "$f" 2>/dev/null | sed -n 's/.*SysID: *\([0-9]*\), .*, ID: *\([0-9]*\),.*/\1 \2/p' >"$WORK/sysids.txt"
    nfdump -r "$f" -q -N -o 'fmt:%exp|%dp' 2>/dev/null | tr -d ' ' |
        awk 'NR == FNR { id[$1] = $2; next } { split($0, f, "|"); print id[f[1]], f[2] }' "$WORK/sysids.txt" -
done | sort -u >"$WORK/got-ports.txt"
printf '%s 1000\n%s 1001\n%s 1002\n7 1003\n' "$(fnv vpc-0aaaaaaaaaaaaaaa1)" "$(fnv vpc-0bbbbbbbbbbbbbbb2)" \
    "$(fnv vpc-0ccccccccccccccc3)" | sort -u >"$WORK/want-ports.txt"
_bad=0
cmp -s "$WORK/want-ports.txt" "$WORK/got-ports.txt" || {
    _bad=1
    diff "$WORK/want-ports.txt" "$WORK/got-ports.txt" | sed 's/^/#   /'
}
check "each VPC's exporter holds that VPC's flows" "$_bad"
_json=$("$PYTHON3" -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(d["observation_domain_from"], " ".join(f"{k}={v}" for k, v in sorted(d["observation_domains"].items())))' "$WORK/d.json")
_want="vpc vpc-0aaaaaaaaaaaaaaa1=$(fnv vpc-0aaaaaaaaaaaaaaa1) vpc-0bbbbbbbbbbbbbbb2=$(fnv vpc-0bbbbbbbbbbbbbbb2) vpc-0ccccccccccccccc3=$(fnv vpc-0ccccccccccccccc3)"
check "--stats-json: the map ($_json)" "$([ "$_json" = "$_want" ]; echo $?)"
check "--observation-domain-map: the map file lists the three VPCs" \
    "$([ "$(grep -vc '^#' "$WORK/map.txt")" = 3 ]; echo $?)"

# A collision: two VPC IDs with the same FNV-1a hash (found here by brute force).
_pair=$("$PYTHON3" -c 'seen = {}
i = 0
while True:
    k = "vpc-%017x" % i
    h = 2166136261
    for b in k.encode():
        h = ((h ^ b) * 16777619) % 2**32
    if h in seen:
        print(seen[h], k)
        break
    seen[h] = k
    i += 1')
V1=${_pair% *}
V2=${_pair#* }
diag "colliding VPC IDs: $V1 $V2 (both $(fnv "$V1"))"
make_input "$WORK/collide.log" "$V1" "$V2"
nfcapd_start "$WORK/nf2" || { not_ok "nfcapd did not start"; tap_done; exit 1; }
run "$VPC2IPFIX" -q --observation-domain-from vpc --observation-domain-map "$WORK/cmap.txt" \
    --udp "127.0.0.1:$NFCAPD_PORT" "$WORK/collide.log"
expect_rc 0 "two VPCs whose IDs collide"
expect_grep "observation domain of $V2: its ID $(fnv "$V1") is $V1's already; it gets $(($(fnv "$V1") + 1))" "$ERR" \
    "the collision is reported, the second VPC takes the next free ID"
# The next run meets the second VPC first: the map file keeps both IDs.
make_input "$WORK/collide2.log" "$V2" "$V1"
run "$VPC2IPFIX" -q --observation-domain-from vpc --observation-domain-map "$WORK/cmap.txt" \
    --stats-json "$WORK/c2.json" --udp "127.0.0.1:$NFCAPD_PORT" "$WORK/collide2.log"
expect_rc 0 "the next run, with the map file"
expect_no_grep "already" "$ERR" "no collision reported: the map file has both"
_ids=$("$PYTHON3" -c 'import json, sys
d = json.load(open(sys.argv[1]))["observation_domains"]
print(d[sys.argv[2]], d[sys.argv[3]])' "$WORK/c2.json" "$V1" "$V2")
check "the IDs stay as the first run assigned them ($_ids)" \
    "$([ "$_ids" = "$(fnv "$V1") $(($(fnv "$V1") + 1))" ]; echo $?)"
wait_for 10 udp_drained "$NFCAPD_PORT" || diag "nfcapd left datagrams unread"
nfcapd_stop "$WORK/nf2"
# (A second run is a restarted exporter: its sequence numbers start again, which nfcapd
# counts as failures; the flows per ID are what matters here.)
printf '%s 8\n%s 8\n' "$(fnv "$V1")" "$(($(fnv "$V1") + 1))" | sort -n >"$WORK/want-c.txt"
exporters "$WORK/nf2" | cut -d' ' -f1,2 >"$WORK/got-c.txt"
check "nfdump -E after both runs: two exporters, 8 flows each (the same IDs both times)" \
    "$(cmp -s "$WORK/want-c.txt" "$WORK/got-c.txt"; echo $?)"
# --state: an input is recorded only when every output delivered it, the exporters
# made for new domains too: here the file is written, but the TCP collector of the
# domains never answers (a closed port), so nothing is recorded.
_closed=$(free_udp_port)
run "$VPC2IPFIX" -q --state "$WORK/state" --observation-domain-from vpc --connect-timeout 1 \
    --tcp "127.0.0.1:$_closed" --output-spec "file:output=$WORK/st.ipfix;observation-domain-from=none" \
    "$WORK/vpcs.log"
expect_rc 1 "a domain's TCP collector that never answers"
check "--state records nothing: not every output delivered the input" \
    "$([ ! -s "$WORK/state" ] || ! grep -q vpcs.log "$WORK/state"; echo $?)"
# The same with the domains' collector alone: before any exporter exists for a domain,
# nothing counts as delivered.
rm -f "$WORK/state"
run "$VPC2IPFIX" -q --state "$WORK/state" --observation-domain-from vpc --connect-timeout 1 \
    --tcp "127.0.0.1:$_closed" "$WORK/vpcs.log"
expect_rc 1 "the domains' TCP collector alone, never answering"
check "--state records nothing" "$([ ! -s "$WORK/state" ] || ! grep -q vpcs.log "$WORK/state"; echo $?)"
printf '12 vpc-1\n12 vpc-2\n' >"$WORK/badmap.txt"
run "$VPC2IPFIX" -q --observation-domain-from vpc --observation-domain-map "$WORK/badmap.txt" \
    --udp 127.0.0.1:9 "$WORK/collide2.log"
expect_rc 2 "a map file giving an ID twice"
expect_grep "badmap.txt:2: ID 12 or key vpc-2 given twice" "$ERR" "the error names FILE:LINE"

# --observation-domain-from flow-log: the flow log ID in S3 object names, one exporter each;
# a file whose name has none (a CloudWatch export, a renamed file) gets -d's domain.  The
# inputs alternate between flow logs, so the encoder's per-input key must follow them.
FLA=fl-0aaaaaaaaaaaaaaa1
FLB=fl-0bbbbbbbbbbbbbbb2
mkdir -p "$WORK/fl"
# make_fl FILE PORT: 3 flows to PORT.
make_fl() {
    "$PYTHON3" - "$1" "$2" <<'PY'
import sys
out, port = sys.argv[1], int(sys.argv[2])
with open(out, "w") as f:
    f.write("version account-id interface-id srcaddr dstaddr srcport dstport protocol "
            "packets bytes start end action log-status\n")
    for j in range(3):
        f.write(f"2 123456789012 eni-0a1b2c3d4e5f60001 10.0.0.{j + 1} 10.1.0.9 {40000 + j} "
                f"{port} 6 {10 + j} {1000 + j} 1795143600 1795143659 ACCEPT OK\n")
PY
}
FL1=$WORK/fl/123456789012_vpcflowlogs_us-east-1_${FLA}_20261120T0000Z_e7d80068.log
FL2=$WORK/fl/123456789012_vpcflowlogs_us-east-1_${FLB}_20261120T0000Z_cc8fc526.log
FL3=$WORK/fl/export-000000.log
FL4=$WORK/fl/123456789012_vpcflowlogs_us-east-1_${FLA}_20261120T0005Z_c9a20e34.log
make_fl "$FL1" 2001
make_fl "$FL2" 2002
make_fl "$FL3" 2003
make_fl "$WORK/fl4.log" 2004
gzip_to "$WORK/fl4.log" "$FL4.gz"
nfcapd_start "$WORK/nf3" || { not_ok "nfcapd did not start"; tap_done; exit 1; }
run "$VPC2IPFIX" -q -d 7 --observation-domain-from flow-log --stats-json "$WORK/fl.json" \
    --observation-domain-map "$WORK/flmap.txt" --udp "127.0.0.1:$NFCAPD_PORT" \
    "$FL1" "$FL2" "$FL3" "$FL4.gz"
expect_rc 0 "--observation-domain-from flow-log to nfcapd"
wait_for 10 udp_drained "$NFCAPD_PORT" || diag "nfcapd left datagrams unread"
nfcapd_stop "$WORK/nf3"
printf '%s 6 0\n%s 3 0\n7 3 0\n' "$(fnv $FLA)" "$(fnv $FLB)" | sort -n >"$WORK/want-fl.txt"
exporters "$WORK/nf3" >"$WORK/got-fl.txt"
if cmp -s "$WORK/want-fl.txt" "$WORK/got-fl.txt"; then
    ok "nfdump -E: one exporter per flow log ID (the oracle's FNV-1a IDs), -d's for a name without one, 0 sequence failures"
else
    not_ok "nfdump -E: one exporter per flow log ID"
    diff "$WORK/want-fl.txt" "$WORK/got-fl.txt" | sed 's/^/#   /'
fi
for f in "$WORK/nf3"/nfcapd.*; do
    nfdump -E "$f" 2>/dev/null | sed -n 's/.*SysID: *\([0-9]*\), .*, ID: *\([0-9]*\),.*/\1 \2/p' >"$WORK/sysids.txt"
    nfdump -r "$f" -q -N -o 'fmt:%exp|%dp' 2>/dev/null | tr -d ' ' |
        awk 'NR == FNR { id[$1] = $2; next } { split($0, f, "|"); print id[f[1]], f[2] }' "$WORK/sysids.txt" -
done | sort -u >"$WORK/got-flports.txt"
printf '%s 2001\n%s 2004\n%s 2002\n7 2003\n' "$(fnv $FLA)" "$(fnv $FLA)" "$(fnv $FLB)" |
    sort -u >"$WORK/want-flports.txt"
_bad=0
cmp -s "$WORK/want-flports.txt" "$WORK/got-flports.txt" || {
    _bad=1
    diff "$WORK/want-flports.txt" "$WORK/got-flports.txt" | sed 's/^/#   /'
}
check "each flow log's exporter holds the flows of its files (the gzip one too)" "$_bad"
_json=$("$PYTHON3" -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(d["observation_domain_from"], " ".join(f"{k}={v}" for k, v in sorted(d["observation_domains"].items())))' "$WORK/fl.json")
check "--stats-json: the flow log map ($_json)" \
    "$([ "$_json" = "flow-log $FLA=$(fnv $FLA) $FLB=$(fnv $FLB)" ]; echo $?)"
run "$VPC2IPFIX" --observation-domain-from flow-logs --udp 127.0.0.1:9 "$FL1"
expect_rc 2 "--observation-domain-from flow-logs (a misspelt source)"
expect_grep "is not account, vpc, region, interface or flow-log" "$ERR" "the error names flow-log"

# With --interface-table (options records on), each domain's exporter names its domain:
# one options record, observationDomainId (scope) and observationDomainName, which tshark
# decodes; the fallback domain stands for nothing and gets none.
nfcapd_start "$WORK/nf4" || { not_ok "nfcapd did not start"; tap_done; exit 1; }
if capture_start "$WORK/dn.pcap" "$NFCAPD_PORT"; then
    run "$VPC2IPFIX" -q -d 7 --interface-table --observation-domain-from flow-log \
        --udp "127.0.0.1:$NFCAPD_PORT" "$FL1" "$FL2" "$FL3"
    expect_rc 0 "--observation-domain-from flow-log --interface-table"
    capture_stop
    tshark_cflow "$WORK/dn.pcap" "$NFCAPD_PORT" -T fields -e cflow.od_id \
        -e cflow.observation_domain_name 2>/dev/null | awk -F'\t' '$2 != ""' | sort >"$WORK/got-dn.txt"
    printf '%s,%s\t%s\n%s,%s\t%s\n' "$(fnv $FLA)" "$(fnv $FLA)" "$FLA" "$(fnv $FLB)" "$(fnv $FLB)" \
        "$FLB" | sort >"$WORK/want-dn.txt"
    if cmp -s "$WORK/want-dn.txt" "$WORK/got-dn.txt"; then
        ok "tshark: one observationDomainName record per flow log domain, in its own domain"
    else
        not_ok "tshark: one observationDomainName record per flow log domain"
        diff "$WORK/want-dn.txt" "$WORK/got-dn.txt" | sed 's/^/#   /'
    fi
else
    skip "observationDomainName records (tshark cannot capture here)"
fi
wait_for 10 udp_drained "$NFCAPD_PORT" || diag "nfcapd left datagrams unread"
nfcapd_stop "$WORK/nf4"

# The map file is written when an ID is assigned, atomically, not only at the end: after
# kill -9 of a follow run, it holds the IDs of the domains the collector has seen (the
# colliding pair: the moved ID is the one a restart must not lose).
make_input "$WORK/live.log" "$V1" "$V2"
rm -f "$WORK/kmap.txt"
_udp=$(free_udp_port)
echo "# \$ vpc2ipfix -F --observation-domain-from vpc --observation-domain-map $WORK/kmap.txt --udp 127.0.0.1:$_udp $WORK/live.log"
"$VPC2IPFIX" -q -F --observation-domain-from vpc --observation-domain-map "$WORK/kmap.txt" \
    --udp "127.0.0.1:$_udp" "$WORK/live.log" >"$WORK/k.out" 2>"$WORK/k.err" &
K_PID=$!
bg_add "$K_PID"
map_has() { grep -q "^$(($(fnv "$V1") + 1)) $V2\$" "$WORK/kmap.txt" 2>/dev/null; }
if wait_for 15 map_has; then
    ok "while following: the map file holds the moved ID before the run ends"
else
    not_ok "while following: the map file holds the moved ID ($(cat "$WORK/kmap.txt" 2>/dev/null | tr '\n' ' '))"
fi
stop_pid "$K_PID" KILL 5
printf '# vpc2ipfix --observation-domain-map: ID KEY\n%s %s\n%s %s\n' "$(fnv "$V1")" "$V1" \
    "$(($(fnv "$V1") + 1))" "$V2" >"$WORK/want-kmap.txt"
check "after kill -9: the map file is whole, both IDs in it" \
    "$(cmp -s "$WORK/want-kmap.txt" "$WORK/kmap.txt"; echo $?)"
printf '1 vpc-x\n' >"$WORK/ro-map.txt"
chmod a-w "$WORK"
run "$VPC2IPFIX" -q --observation-domain-from vpc --observation-domain-map "$WORK/ro-map.txt" \
    --udp 127.0.0.1:9 "$WORK/vpcs.log"
chmod u+w "$WORK"
if [ "$(id -u)" = 0 ]; then
    skip "a map file that cannot be written (running as root)"
else
    expect_rc 1 "a map file that cannot be written: refused before any input is read"
fi

tap_done
