#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# End-to-end: NetFlow v9 and v5 (vpc2ipfix --protocol) into a real collector, nfcapd
# (nfdump 1.7.1), on loopback, with tshark as an independent decoder of the same packets.
#
# For each version, the samples are sent to an nfcapd started for them and read back with
# nfdump: every flow matches the oracle field by field (collectorcheck.py --nfdump
# --netflow, which applies what the version carries: v5 has no IPv6, no direction and
# 32-bit counters split into records that add up), times to the millisecond, and nfcapd
# counts 0 sequence failures.  tshark decodes the captured packets: the header fields
# (version, count, sysUptime, unix_secs, sequence, engine or source ID) follow the
# protocol, the flow times it computes from sysUptime and unix_secs are nfdump's, the
# export time is now (or, for flows older than the 32-bit uptime window, the end of the
# packet's latest flow), and the packets never outrun --rate.  Then the statistics.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${srcdir:-$(dirname "$0")}/lib.sh"
# shellcheck source-path=SCRIPTDIR source=collectors.sh
. "$srcdir/collectors.sh"

: "${COLLECTORCHECK:=$srcdir/collectorcheck.py}"
S=$SAMPLES
for t in nfcapd nfdump tshark; do
    if ! command -v "$t" >/dev/null 2>&1; then
        echo "1..0 # SKIP $t not installed (Debian packages nfdump, tshark)"
        exit 0
    fi
done

# Every kind of sample: v2 (2014: older than the uptime window), custom v5 (a flow without
# times), v8 with every field, IPv6, millisecond times (and one in year 5138, which NetFlow
# cannot carry), counters over 32 bits, and the S3 tree.
INPUTS="$S/default-v2.log $S/v5-custom.log $S/v8-all.log $S/ipv6.log $S/millis.log $S/AWSLogs"
DOMAIN=77
RATE=4000

# that DESCRIPTION CMD...: ok when CMD succeeds.
that() {
    _d=$1
    shift
    if "$@"; then ok "$_d"; else not_ok "$_d"; fi
}

# The tshark analysis (stdin: tshark -T fields, '|'-separated, see netflow_analyze).
cat >"$WORK/netflowstream.py" <<'EOF'
import collections, datetime, json, sys

version, t0, t1, rate, domain = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), \
    int(sys.argv[4]), int(sys.argv[5])
nfdump_txt = sys.argv[6]

def ms_text(ms):
    t = datetime.datetime(1970, 1, 1) + datetime.timedelta(milliseconds=ms)
    return t.strftime("%Y-%m-%d %H:%M:%S") + ".%03d" % (ms % 1000)

def ms(text):  # "61.000000000" seconds -> ms
    s, _, f = text.partition(".")
    return int(s) * 1000 + int((f + "000")[:3])

errors, times = [], collections.Counter()
r = dict(rate_errors=0, packets=0, template_packets=0, records=0, backdated=0, full_v5=0, short_v5=0,
         max_records=0)
next_seq, last_count = {}, {}
v5_counts = collections.defaultdict(list)
sent = []  # (time, records) for the rate check
for line in sys.stdin:
    f = line.rstrip("\n").split("|")
    if len(f) < 11 or not f[1]:
        continue
    when, ver, count, uptime, secs, nsecs, seq, engine, source, starts, ends, tids = f[:12]
    r["packets"] += 1
    count, seq = int(count), int(seq)
    if int(ver) != {"v9": 9, "v5": 5}[version]:
        errors.append(f"packet {r['packets']}: version {ver}")
    export = int(secs) * 1000 + (int(nsecs or 0) // 1000000)
    boot = export - ms(uptime)
    starts = [ms(x) for x in starts.split(",") if x]
    ends = [ms(x) for x in ends.split(",") if x]
    # Records: the header count, less v9's template records; a record without
    # times (v9 leaves FIRST/LAST out) has no timestart.
    n = count - len([x for x in tids.split(",") if x]) if version == "v9" else count
    r["records"] += n
    r["timeless"] = r.get("timeless", 0) + n - len(starts)
    r["max_records"] = max(r["max_records"], n)
    if version == "v9":
        if int(source) != domain:
            errors.append(f"packet {r['packets']}: source ID {source}, expected {domain}")
        # RFC 3954: the sequence counts every export packet of the source ID.
        want = next_seq.get("v9", seq)
        if seq != want:
            errors.append(f"packet {r['packets']}: sequence {seq}, expected {want}")
        next_seq["v9"] = seq + 1
        if n == 0:
            r["template_packets"] += 1
    else:
        if count != n or n == 0 or n > 30:
            errors.append(f"packet {r['packets']}: count {count}, {n} records")
        # The flow sequence of each engine: the flows it sent before.
        want = next_seq.get(engine, seq)
        if seq != want:
            errors.append(f"packet {r['packets']} engine {engine}: sequence {seq}, expected {want}")
        next_seq[engine] = seq + n
        v5_counts[engine].append(n)
        if int(engine) not in (0, 1, 2):
            errors.append(f"packet {r['packets']}: engine ID {engine}")
    sent.append((float(when), n))
    if ends:
        latest = max(boot + e for e in ends)
        if export < latest:
            errors.append(f"packet {r['packets']}: export time {ms_text(export)} before a flow's end")
        if max(ends) > ms(uptime):
            errors.append(f"packet {r['packets']}: a LAST beyond sysUptime")
        live = t0 * 1000 - 1000 <= export <= t1 * 1000 + 1000
        if not live:
            if export - latest >= 1000:
                errors.append(f"packet {r['packets']}: export time {ms_text(export)} is neither "
                              "now nor the end of its latest flow")
            r["backdated"] += 1
    for s, e in zip(starts, ends):
        times[(ms_text(boot + s), ms_text(boot + e))] += 1

# v5: 30 records in every packet of an engine but its last.
for engine, counts in v5_counts.items():
    r["full_v5"] += sum(1 for c in counts[:-1] if c == 30)
    r["short_v5"] += sum(1 for c in counts[:-1] if c != 30)

# The times nfdump stored: the same multiset.
nf = collections.Counter()
for line in open(nfdump_txt):
    p = [x.strip() for x in line.split("|")]
    if len(p) > 2:
        nf[(p[0], p[1])] += 1
# The flows without times: nfdump shows them at 0 (v9: no FIRST/LAST).
epoch = ("1970-01-01 00:00:00.000", "1970-01-01 00:00:00.000")
nf[epoch] -= r.get("timeless", 0)
nf = +nf
if nf != times:
    missing, extra = nf - times, times - nf
    errors.append(f"tshark's flow times differ from nfdump's: {sum(missing.values())} only in "
                  f"nfdump (e.g. {list(missing)[:2]}), {sum(extra.values())} only in tshark "
                  f"(e.g. {list(extra)[:2]})")

# --rate: by each packet, at most rate records per second since the first, plus the
# 20 ms burst allowance and one packet.
if rate and sent:
    start, total = sent[0][0], 0
    for when, n in sent:
        total += n
        allowed = rate * (when - start) + rate * 0.02 + 2 * r["max_records"]
        if total > allowed:
            r["rate_errors"] = r.get("rate_errors", 0) + 1
            if r["rate_errors"] == 1:
                errors.append(f"{total} records sent {when - start:.3f} s after the first: "
                              f"over --rate {rate}")
    r["seconds"] = round(sent[-1][0] - start, 3)

r["errors"] = errors[:8]
r["n_errors"] = len(errors)
json.dump(r, sys.stdout, sort_keys=True)
print()
EOF

# netflow_analyze VERSION CAP PORT T0 T1 NFDUMP-TXT: the analysis in CAP.json, tshark's
# expert info in CAP.expert.
netflow_analyze() {
    tshark_cflow "$2" "$3" -T fields -E separator='|' \
        -e frame.time_epoch -e cflow.version -e cflow.count -e cflow.sysuptime \
        -e cflow.unix_secs -e cflow.unix_nsecs -e cflow.sequence -e cflow.engine_id \
        -e cflow.source_id -e cflow.timestart -e cflow.timeend -e cflow.template_id 2>/dev/null |
        "$PYTHON3" "$WORK/netflowstream.py" "$1" "$4" "$5" "$RATE" "$DOMAIN" "$6" >"$2.json"
    tshark_cflow "$2" "$3" -q -z "expert,udp.dstport==$3" 2>/dev/null >"$2.expert" || true
}

for v in v9 v5; do
    d=$WORK/$v
    if ! nfcapd_start "$d"; then
        not_ok "$v: nfcapd started"
        continue
    fi
    port=$NFCAPD_PORT
    captured=no
    capture_start "$d.pcap" "$port" && captured=yes
    t0=$(date +%s.%N)
    # shellcheck disable=SC2086 # INPUTS is a list
    run "$VPC2IPFIX" --protocol "$v" -d "$DOMAIN" --rate "$RATE" --template-refresh-messages 3 \
        --udp "127.0.0.1:$port" --stats-json "$d.stats.json" $INPUTS
    t1=$(date +%s.%N)
    capture_stop
    nfcapd_stop "$d"
    that "$v: vpc2ipfix exit status 0" [ "$RC" -eq 0 ]
    if [ "$v" = v5 ]; then
        expect_grep 'NetFlow v5 cannot carry IPv6 flows' "$ERR" "$v: one warning about IPv6"
        that "$v: the warning is given once" [ "$(grep -c 'cannot carry IPv6' "$ERR")" -eq 1 ]
    fi
    expect_grep 'NetFlow cannot carry times' "$ERR" "$v: a warning about times NetFlow cannot carry"

    # shellcheck disable=SC2086
    if "$PYTHON3" "$COLLECTORCHECK" --nfdump "$d.txt" --netflow "$v" $INPUTS >"$d.check" 2>&1; then
        ok "$v: every flow read back by nfdump matches the input field by field ($(tail -n 1 "$d.check" | sed 's/^collectorcheck: //'))"
    else
        not_ok "$v: every flow read back by nfdump matches the input field by field"
        diag_file "$d.check" 30
    fi
    that "$v: nfcapd counts 0 sequence failures (got $NF_SEQFAIL)" [ "$NF_SEQFAIL" = 0 ]
    # The README's nfdump filters for the rejected flows: v9 'fwdstat 129', v5 'engine-id 2'
    # (nfdump 1.7.1 reads neither forwardingStatus nor firewallEvent from IPFIX).
    rfilter=$([ "$v" = v9 ] && echo 'fwdstat 129' || echo 'engine-id 2')
    rgot=$(nfdump -R "$d" -q -N -6 -o "$NFDUMP_FMT" "$rfilter" 2>/dev/null | grep -c '|' || true)
    # shellcheck disable=SC2086
    rwant=$(nfdump -R "$d" -q -N -6 -o "$NFDUMP_FMT" 2>/dev/null | grep -c '|' || true)
    rcheck=$("$PYTHON3" "$srcdir/flowcheck.py" --select 'r.get("forwardingStatus") == 129' --dump-expected $INPUTS |
        "$PYTHON3" -c 'import json,sys
v=sys.argv[1]
n=0
for line in sys.stdin:
    r=json.loads(line)["record"]
    if v == "v5" and ("sourceIPv6Address" in r or "destinationIPv6Address" in r): continue
    if not (1000 <= r.get("flowStartMilliseconds", r.get("flowEndMilliseconds", 1000)) and r.get("flowEndMilliseconds", r.get("flowStartMilliseconds", 0)) <= 4294967295000 - 1000): continue
    n += 1
print(n)' "$v")
    that "$v: nfdump '$rfilter' shows the $rcheck rejected flows (got $rgot of $rwant)" \
        [ -n "$rgot" ] && [ "$rgot" = "$rcheck" ] && [ "$rgot" -gt 0 ] && [ "$rgot" -lt "$rwant" ]
    recs=$(sget "$d.stats.json" 's["outputs"][0]["records"]')
    that "$v: the statistics count the $NF_FLOWS records nfcapd stored (said $recs)" [ "$recs" = "$NF_FLOWS" ]
    that "$v: the statistics name the protocol" \
        [ "$(sget "$d.stats.json" 's["outputs"][0]["protocol"]')" = "$v" ]
    that "$v: one flow with times after 2106 counted as not sent" \
        [ "$(sget "$d.stats.json" 's["outputs"][0]["skipped_times"]')" = 1 ]
    if [ "$v" = v5 ]; then
        ipv6=$(sget "$d.stats.json" 's["total"]["flows_ipv6"]')
        that "$v: the $ipv6 IPv6 flows counted as not sent" \
            test "$(sget "$d.stats.json" 's["outputs"][0]["skipped_ipv6"]')" = "$ipv6" -a "$ipv6" -gt 0
        that "$v: flows over 32-bit counters counted with the records they became" \
            [ "$(sget "$d.stats.json" 's["outputs"][0]["split_flows"]')" -ge 3 ]
    else
        that "$v: a template refresh every 3 data packets counted" \
            [ "$(sget "$d.stats.json" 's["outputs"][0]["template_messages"]')" -ge 1 ]
    fi

    if [ "$captured" = no ]; then
        skip "$v: packets decoded by tshark (it cannot capture on lo)"
        continue
    fi
    netflow_analyze "$v" "$d.pcap" "$port" "$t0" "$t1" "$d.txt"
    j=$d.pcap.json
    if [ "$(jget "$j" n_errors)" = 0 ]; then
        ok "$v: tshark: $(jget "$j" packets) packets, headers (version, count, sequence, sysUptime, unix_secs, $([ $v = v9 ] && echo "source ID $DOMAIN" || echo "engine ID")) as the protocol says; flow times from them equal nfdump's"
    else
        not_ok "$v: tshark decode of the packets"
        diag "$(jget "$j" errors)"
    fi
    that "$v: tshark: $(jget "$j" records) records decoded, as many as nfdump stored" \
        [ "$(jget "$j" records)" = "$NF_FLOWS" ]
    that "$v: tshark: packets of flows older than the uptime window backdated ($(jget "$j" backdated), statistics say $(sget "$d.stats.json" 's["outputs"][0]["backdated_packets"]'))" \
        test "$(jget "$j" backdated)" = "$(sget "$d.stats.json" 's["outputs"][0]["backdated_packets"]')" -a "$(jget "$j" backdated)" -gt 0
    if [ "$v" = v9 ]; then
        that "$v: tshark sees the template-only refresh packets" \
            [ "$(jget "$j" template_packets)" = "$(sget "$d.stats.json" 's["outputs"][0]["template_messages"]')" ]
    fi
    if grep -E -q '(Warns|Errors) \(' "$d.pcap.expert"; then
        not_ok "$v: tshark's expert info is clean"
        diag_file "$d.pcap.expert" 20
    else
        ok "$v: tshark's expert info is clean"
    fi
    that "$v: no packet outran --rate $RATE ($(jget "$j" records) records in $(jget "$j" seconds) s)" \
        test "$(jget "$j" rate_errors)" = 0
done

# v5 packs 30 records a datagram: 2,000 recent flows of one input (accepted and rejected:
# two engines) in 67 packets, every one full but each engine's last.
"$PYTHON3" - "$WORK/flows2000.log" <<'EOF'
import sys, time
now = int(time.time()) - 3600
with open(sys.argv[1], "w") as f:
    f.write("version account-id interface-id srcaddr dstaddr srcport dstport protocol "
            "packets bytes start end action log-status\n")
    for i in range(2000):
        f.write(f"2 123456789012 eni-0a1b2c3d4e5f60718 10.0.{i // 250}.{i % 250 + 1} "
                f"198.51.100.7 {1024 + i} 443 6 {i + 1} {40 * (i + 1)} {now + i} {now + i + 30} "
                f"{'REJECT' if i % 7 == 0 else 'ACCEPT'} OK\n")
EOF
d=$WORK/many
if nfcapd_start "$d"; then
    port=$NFCAPD_PORT
    captured=no
    capture_start "$d.pcap" "$port" && captured=yes
    t0=$(date +%s.%N)
    run "$VPC2IPFIX" --protocol v5 --rate "$RATE" --udp "127.0.0.1:$port" --stats-json "$d.stats.json" "$WORK/flows2000.log"
    t1=$(date +%s.%N)
    capture_stop
    nfcapd_stop "$d"
    if "$PYTHON3" "$COLLECTORCHECK" --nfdump "$d.txt" --netflow v5 "$WORK/flows2000.log" >"$d.check" 2>&1; then
        ok "v5, 2,000 flows: all read back by nfdump as sent"
    else
        not_ok "v5, 2,000 flows: all read back by nfdump as sent"
        diag_file "$d.check" 20
    fi
    that "v5, 2,000 flows: 0 sequence failures (got $NF_SEQFAIL)" [ "$NF_SEQFAIL" = 0 ]
    that "v5, 2,000 flows: 68 datagrams (statistics: $(sget "$d.stats.json" 's["outputs"][0]["messages"]'))" \
        [ "$(sget "$d.stats.json" 's["outputs"][0]["messages"]')" = 68 ]
    if [ "$captured" = yes ]; then
        netflow_analyze v5 "$d.pcap" "$port" "$t0" "$t1" "$d.txt"
        j=$d.pcap.json
        that "v5, 2,000 flows: tshark decodes every header and time right ($(jget "$j" records) records)" \
            test "$(jget "$j" n_errors)" = 0 -a "$(jget "$j" records)" = 2000
        that "v5, 2,000 flows: 30 records in every datagram but each engine's last ($(jget "$j" full_v5) full)" \
            test "$(jget "$j" short_v5)" = 0 -a "$(jget "$j" full_v5)" = 66 -a "$(jget "$j" max_records)" = 30
        that "v5, 2,000 flows: no datagram outran --rate $RATE (they took $(jget "$j" seconds) s)" \
            test "$(jget "$j" rate_errors)" = 0
    else
        skip "v5, 2,000 flows: datagrams decoded by tshark (it cannot capture on lo)"
    fi
else
    not_ok "v5, 2,000 flows: nfcapd started"
fi

tap_done
