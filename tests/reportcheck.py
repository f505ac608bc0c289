#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Independent check of vpc-report's JSON: every number recomputed in Python from the input logs and feeds.
"""reportcheck.py - recompute a vpc-report JSON document and compare every value.

  reportcheck.py --json REPORT.json [--feeds FEEDS.conf] [--no-inputs]
                 [--top N] [--top-threats N] [--scan-ports N] [--scan-hosts N]
                 [--bucket S] [--format FMT] [--input-format C]
                 [--exposure-ports LIST] [--egress-threshold BYTES]
                 [--packet-addresses-as-key] INPUT...   (as given to vpc-report)

The flow records come from tests/flowcheck.py's own VPC Flow Log parser
(written from the interface contract, sharing nothing with src/): the same
inputs, containers and counts as vpc2ipfix.  From them this script computes,
on its own, the whole document vpc-report(1) describes (schema
"vpc-report/2"): input counts, totals and shares, the top tables with their
tie-breaks, scanners, the reject histogram (bucket choice included), and,
with --feeds, the threat matches (the feed files parsed here, private and
reserved space by Python's ipaddress.is_global), feed entry counts and the
interval count; and the daily view of schema 2: top talkers (accepted
flows; sources, destinations, conversations as unordered address pairs,
destination ports; by bytes and by flows; inbound/outbound bytes by the
flow-direction field, else by which side is public), exposure (accepted
inbound tcp/udp flows from public addresses to the sensitive ports, per
interface, instance, VPC and port), egress (accepted outbound flows to
public addresses without pkt-dst-aws-service) and the totals per account,
VPC, subnet and interface.  Then it compares the two documents key by key: every
number, string and list; shares to 1e-6.  Only "generator", feeds' "age"
and "state" (checked for plausibility) are not recomputed.

--geoip FILE (repeatable, as given to vpc-report): the geography section and
the country and AS of every external address of a table, looked up here with
python3-maxminddb (Debian's, not libmaxminddb): per database in order, the
first answer wins field by field (country.iso_code, else
registered_country.iso_code; autonomous_system_number); traffic by the
external address of each accepted or rejected flow (its source when public,
else its destination).  Without --geoip the section must say it is off.

--max-keys K (as given to vpc-report; default its default): a rejected
sources or destinations table with more than K distinct addresses must say
it is approximate; its rows are checked against the true counts: flows
within [flows - error, flows], error within N/K (N the table's flows),
packets and bytes not under value - error, and no address with more flows
than the last row left out; the scanners are then not recomputed.  The
(source, port) and (source, destination) sets hold 4K pairs each: beyond,
pairs are refused and counted (recomputed here in exact mode).

--no-inputs: do not compare "inputs" (the report read IPFIX files converted
from INPUT..., whose input counts differ by nature).

Limits (of this oracle, not of vpc-report): feed entries must be entirely
public or entirely special (a block half in private space is split by
vpc-report; this script does not split).

Exit: 0 equal, 1 differences (listed), 2 usage or input error.
"""

import argparse
import configparser
import ipaddress
import json
import os
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import flowcheck  # noqa: E402  (the independent log parser)

SCHEMA = "vpc-report/2"
PROTOCOLS = {1: "icmp", 2: "igmp", 4: "ipip", 6: "tcp", 17: "udp", 41: "ipv6", 47: "gre",
             50: "esp", 51: "ah", 58: "ipv6-icmp", 132: "sctp"}
SEVERITIES = ["info", "low", "medium", "high"]
AUTO_BUCKETS = [60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 604800]
AUTO_MAX = 60
THREAT_INTERFACES = 5   # interfaces named per listed address (vpc-report: VPC_REPORT_THREAT_INTERFACES)
DEFAULT_EXPOSURE_PORTS = "22,3389,5900,23,3306,5432,1433,1521,6379,9200,27017,11211,2375"
DEFAULT_EGRESS_THRESHOLD = 1_000_000_000
WAYS = ["unknown", "inbound", "outbound"]
GROUPS = (("accounts", "account", "awsAccountId"), ("vpcs", "vpc", "awsVpcId"),
          ("subnets", "subnet", "awsSubnetId"), ("interfaces", "interface", "interfaceName"))


def tally():
    return {"flows": 0, "packets": 0, "bytes": 0}


U64 = 2**64 - 1  # vpc-report's sums saturate there


def add(t, pk, by):
    t["flows"] += 1
    t["packets"] = min(U64, t["packets"] + pk)
    t["bytes"] = min(U64, t["bytes"] + by)


def tkey(t):
    return (-t["flows"], -t["packets"], -t["bytes"])


def akey(a):
    return (a.version, a.packed)


def service(proto, port):
    name = {6: "tcp", 17: "udp", 132: "sctp"}.get(proto)
    if name is None:
        return None
    try:
        return socket.getservbyport(port, name)
    except OSError:
        return None


# ------------------------------------------------------------------ feeds

def word(line):
    end = len(line)
    for i, c in enumerate(line):
        if c in " \t\r\v\f,;#":
            end = i
            break
    return line[:end]


def parse_range(text):
    """'a', 'a/n' or 'a-b' -> (first, last) or None."""
    try:
        if "-" in text and "/" not in text:
            a, b = text.split("-", 1)
            first, last = ipaddress.ip_address(a), ipaddress.ip_address(b)
            if first.version != last.version or first > last:
                return None
            return first, last
        net = ipaddress.ip_network(text, strict=False)
        return net.network_address, net.broadcast_address
    except ValueError:
        return None


def feed_entries(fmt, data):
    """-> (ranges, garbage): ranges as (first, last) addresses."""
    ranges, garbage = [], 0
    for raw in data.split("\n"):
        line = raw.strip()
        if not line:
            continue
        if fmt == "plain":
            if line[0] in "#;":
                continue
            r = parse_range(word(line))
        elif fmt == "dshield":
            if line.startswith("#") or line.lower().split()[0] == "start":
                continue
            f = line.split()
            r = None
            if len(f) >= 2:
                try:
                    a, b = ipaddress.ip_address(f[0]), ipaddress.ip_address(f[1])
                    if a.version == b.version and a <= b:
                        r = (a, b)
                except ValueError:
                    pass
        elif fmt == "spamhaus-json":
            try:
                obj = json.loads(line)
            except ValueError:
                obj = None
            if not isinstance(obj, dict):
                r = None
            elif "cidr" in obj:
                r = parse_range(obj["cidr"]) if isinstance(obj["cidr"], str) else None
            elif "type" in obj:
                continue
            else:
                r = None
        else:
            raise ValueError(f"unknown feed format {fmt}")
        if r is None:
            garbage += 1
        else:
            ranges.append(r)
    return ranges, garbage


def special(first, last):
    return not first.is_global and not last.is_global


def too_wide(first, last):
    """Wider than a /8 (IPv4) or a /16 (IPv6): refused, so that a feed serving
    0.0.0.0/0 cannot flag every address."""
    bits = 32 - 8 if first.version == 4 else 128 - 16
    return int(last) - int(first) >= 2 ** bits


class Feeds:
    def __init__(self, path):
        cp = configparser.RawConfigParser(interpolation=None, strict=True)
        cp.optionxform = str
        cp.read(path)
        self.feeds = []
        for name in cp.sections():
            s = cp[name]
            url = s["url"]
            assert url.startswith("file://"), "reportcheck reads file:// feeds only"
            enabled = s.get("enabled", "true").lower() == "true"
            sev = s.get("severity", "medium")
            fmt = s.get("format", "plain")
            f = {"name": name, "enabled": enabled, "severity": sev, "ranges": [],
                 "entries": 0, "garbage": 0, "special": 0, "too_wide": 0}
            if enabled:
                with open(url[len("file://"):], encoding="utf-8") as fh:
                    ranges, garbage = feed_entries(fmt, fh.read())
                f["garbage"] = garbage
                for first, last in ranges:
                    if too_wide(first, last):
                        f["too_wide"] += 1
                    elif special(first, last):
                        f["special"] += 1
                    else:
                        f["entries"] += 1
                        f["ranges"].append((first, last))
            self.feeds.append(f)

    def lookup(self, addr):
        """-> (feed indexes, severity index) or None."""
        if not addr.is_global:
            return None
        hit = [i for i, f in enumerate(self.feeds)
               if any(a.version == addr.version and a <= addr <= b for a, b in f["ranges"])]
        if not hit:
            return None
        return hit, max(SEVERITIES.index(self.feeds[i]["severity"]) for i in hit)

    def intervals(self):
        """Disjoint intervals with the same feed set, adjacent equal ones merged."""
        n = 0
        for version in (4, 6):
            points = set()
            spans = []
            for i, f in enumerate(self.feeds):
                for a, b in f["ranges"]:
                    if a.version == version:
                        points.add(int(a))
                        points.add(int(b) + 1)
                        spans.append((int(a), int(b), i))
            pts = sorted(points)
            prev = None
            for lo, hi in zip(pts, pts[1:]):
                s = frozenset(i for a, b, i in spans if a <= lo and hi - 1 <= b)
                if not s:
                    prev = None
                    continue
                if s != prev:
                    n += 1
                prev = s
        return n


# ---------------------------------------------------------------- summary

def flow_addr(r, src):
    for k in (("sourceIPv4Address", "sourceIPv6Address") if src
              else ("destinationIPv4Address", "destinationIPv6Address")):
        if k in r:
            return r[k]
    return None


def span(d, r):
    for k in ("flowStartMilliseconds", "flowEndMilliseconds"):
        if k in r:
            v = r[k]
            d["first"] = v if d["first"] is None else min(d["first"], v)
            d["last"] = v if d["last"] is None else max(d["last"], v)


def expected(a, records, stats, feeds):
    top = a.top
    all_t, acc, rej, noact = tally(), tally(), tally(), tally()
    fam = {"flows_ipv4": 0, "flows_ipv6": 0, "flows_noaddr": 0}
    when = {"first": None, "last": None}
    src_rej, dst_rej, ports, ifaces = {}, {}, {}, {}
    scan = {}  # src -> {"ports": set, "hosts": set, "first", "last"}
    acc_src = {}
    without_port = 0
    unit = a.bucket if a.bucket else 60
    units, without_time = {}, 0
    threats, t_flows, t_acc = {}, tally(), tally()
    pair_counts = {"ports": 0, "hosts": 0, "refused": 0}

    for r in records:
        pk, by = r.get("packetDeltaCount", 0), r.get("octetDeltaCount", 0)
        fs = r.get("forwardingStatus")
        action = 0 if fs is None else (2 if fs == 129 else 1)
        add(all_t, pk, by)
        add({0: noact, 1: acc, 2: rej}[action], pk, by)
        if "sourceIPv4Address" in r or "destinationIPv4Address" in r:
            fam["flows_ipv4"] += 1
        elif "sourceIPv6Address" in r or "destinationIPv6Address" in r:
            fam["flows_ipv6"] += 1
        else:
            fam["flows_noaddr"] += 1
        span(when, r)
        src, dst = flow_addr(r, True), flow_addr(r, False)
        if src is not None and action == 1:
            acc_src[src] = acc_src.get(src, 0) + 1
        if action == 2:
            if dst is not None:
                add(dst_rej.setdefault(dst, tally()), pk, by)
            has_port = "protocolIdentifier" in r and "destinationTransportPort" in r
            pkey = (r["protocolIdentifier"], r["destinationTransportPort"]) if has_port else None
            if src is not None:
                add(src_rej.setdefault(src, tally()), pk, by)
                sc = scan.setdefault(src, {"ports": set(), "hosts": set(),
                                           "first": None, "last": None})
                span(sc, r)
                # vpc-report keeps at most --max-keys * 4 pairs per set: a new
                # pair beyond is not stored, not counted, and counted as refused.
                for kind, what, present in (("ports", pkey, pkey), ("hosts", dst, dst is not None)):
                    if present:
                        sc.setdefault("all_" + kind, set()).add(what)
                    if not present or what in sc[kind]:
                        continue
                    if pair_counts[kind] < 4 * a.max_keys:
                        pair_counts[kind] += 1
                        sc[kind].add(what)
                    else:
                        pair_counts["refused"] += 1
            if pkey:
                add(ports.setdefault(pkey, tally()), pk, by)
            else:
                without_port += 1
            if "interfaceName" in r:
                add(ifaces.setdefault(r["interfaceName"], tally()), pk, by)
            if "flowStartMilliseconds" in r:
                u = r["flowStartMilliseconds"] // (1000 * unit)
                add(units.setdefault(u, tally()), pk, by)
            else:
                without_time += 1
        if feeds is None:
            continue
        ms = feeds.lookup(src) if src is not None else None
        md = feeds.lookup(dst) if dst is not None else None
        if not ms and not md:
            continue
        add(t_flows, pk, by)
        if action == 1:
            add(t_acc, pk, by)
        hits = []
        if ms:
            hits.append((src, ms, "in"))
        if md:
            if ms and src == dst:
                threats[src]["dir"].add("out")
            else:
                hits.append((dst, md, "out"))
        for addr, m, d in hits:
            t = threats.setdefault(addr, {"feeds": m[0], "sev": m[1], "dir": set(),
                                          "total": tally(), "accepted": tally(),
                                          "rejected": tally(), "first": None, "last": None,
                                          "ifaces": set()})
            t["dir"].add(d)
            add(t["total"], pk, by)
            if action == 1:
                add(t["accepted"], pk, by)
            elif action == 2:
                add(t["rejected"], pk, by)
            span(t, r)
            if "interfaceName" in r:
                t["ifaces"].add(r["interfaceName"])
            if ms and md and src == dst:
                t["dir"].add("out")

    def share(p, w):
        return p / w if w else 0.0

    def addr_table(d):
        rows = sorted(d.items(), key=lambda kv: (tkey(kv[1]), akey(kv[0])))
        return {"distinct": len(d),
                "top": [dict(address=str(k), **v) for k, v in rows[:top]]}

    prow = sorted(ports.items(), key=lambda kv: (tkey(kv[1]), kv[0][0] * 65536 + kv[0][1]))
    port_rows = [dict(protocol=p, protocol_name=PROTOCOLS.get(p), port=n,
                      service=service(p, n), **v) for (p, n), v in prow[:top]]
    irow = sorted(ifaces.items(), key=lambda kv: (tkey(kv[1]), kv[0].encode("utf-8", "surrogateescape")))

    # histogram
    size = unit
    if not a.bucket and units:
        lo, hi = min(units), max(units)
        for size in AUTO_BUCKETS:
            f = size // unit
            if hi // f - lo // f + 1 <= AUTO_MAX:
                break
    merged = {}
    for u, v in units.items():
        m = merged.setdefault(u // (size // unit), tally())
        for k in v:
            m[k] = min(U64, m[k] + v[k])
    buckets = [dict(start=i * size * 1000, **merged[i]) for i in sorted(merged)]

    scanners = []
    for s, sc in scan.items():
        if len(sc["ports"]) >= a.scan_ports or len(sc["hosts"]) >= a.scan_hosts:
            scanners.append((s, sc))
    scanners.sort(key=lambda x: (-(len(x[1]["ports"]) + len(x[1]["hosts"])),
                                 -src_rej[x[0]]["flows"], -src_rej[x[0]]["packets"], akey(x[0])))
    scan_rows = [dict(address=str(s), ports=len(sc["ports"]), hosts=len(sc["hosts"]),
                      **src_rej[s], accepted_flows=acc_src.get(s, 0), first=sc["first"],
                      last=sc["last"]) for s, sc in scanners[:top]]

    doc = {
        "schema": SCHEMA,
        "options": {"top": a.top, "top_threats": a.top_threats, "scan_ports": a.scan_ports,
                    "scan_hosts": a.scan_hosts, "bucket_seconds": a.bucket,
                    "exposure_ports": sorted(set(int(x) for x in a.exposure_ports.split(",")
                                                 if x.strip())),
                    "egress_threshold": a.egress_threshold},
        "time": when,
        "totals": dict(**all_t, **fam, accepted=acc, rejected=rej, no_action=noact,
                       rejected_share={k: share(rej[k], all_t[k]) for k in all_t}),
        "rejects": {
            "sources": addr_table(src_rej),
            "ports": {"distinct": len(ports), "without_port": without_port, "top": port_rows},
            "destinations": addr_table(dst_rej),
            "interfaces": {"distinct": len(ifaces),
                           "top": [dict(interface=k, **v) for k, v in irow[:top]]},
            "histogram": {"bucket_seconds": size, "without_time": without_time,
                          "buckets": buckets},
        },
        "scanners": {"min_ports": a.scan_ports, "min_hosts": a.scan_hosts,
                     "count": len(scanners), "top": scan_rows},
        "limits": {"max_keys": a.max_keys, "max_pairs": 4 * a.max_keys,
                   "pairs_refused": pair_counts["refused"], "tables": [
                       {"table": name, "approximate": len(d) > a.max_keys, "keys": len(d),
                        "flows": sum(v["flows"] for v in d.values()),
                        "bound": sum(v["flows"] for v in d.values()) // a.max_keys, "error": 0}
                       for name, d in (("rejected_sources", src_rej),
                                       ("rejected_destinations", dst_rej))]},
    }
    # The true counts, for the bounds of approximate tables (check_bounded).
    doc["_true"] = {"rejected_sources": src_rej, "rejected_destinations": dst_rej}
    doc["_scan"] = scan
    if stats is not None:
        keys = flowcheck.StatKeys + flowcheck.ContainerKeys
        files = []
        for st in stats:
            files.append(dict(name=st["name"], kind="text", container=st["container"],
                              **{k: st[k] for k in keys}, ipfix_records=0,
                              ipfix_options_records=0, error=None))
        total = dict(files=len(stats), failed=0, **{k: sum(st[k] for st in stats) for k in keys},
                     ipfix_records=0, ipfix_options_records=0)
        doc["inputs"] = {"files": files, "total": total}

    doc.update(daily(a, records, feeds))
    for name, d, flows_of in doc.pop("_bounded"):
        n = sum(flows_of(e) for e in d.values())
        doc["limits"]["tables"].append(
            {"table": name, "approximate": len(d) > a.max_keys, "keys": len(d), "flows": n,
             "bound": n // a.max_keys, "error": 0})
        doc["_true"][name] = (d, flows_of)
    if feeds is None:
        doc["threats"] = {"enabled": False, "coverage": "none", "missing_feeds": [],
                          "intervals": 0, "feeds": [], "addresses": 0,
                          "flagged": 0, "flows": tally(), "accepted": tally(), "list": []}
        return doc
    rows = []
    for addr, t in threats.items():
        flagged = t["accepted"]["flows"] > 0 and t["sev"] == 3
        rows.append((addr, t, flagged))
    rows.sort(key=lambda x: (-x[2], -x[1]["sev"], tkey(x[1]["total"]), akey(x[0])))
    dirs = {frozenset(["in"]): "inbound", frozenset(["out"]): "outbound",
            frozenset(["in", "out"]): "both"}
    lim = a.top_threats if a.top_threats else len(rows)
    # reportcheck reads file:// feeds, which are all there: every enabled one is loaded.
    enabled = [f for f in feeds.feeds if f["enabled"]]
    doc["threats"] = {
        "enabled": True,
        "coverage": "complete" if enabled else "none",
        "missing_feeds": [],
        "intervals": feeds.intervals(),
        "feeds": [{"name": f["name"], "enabled": f["enabled"], "severity": f["severity"],
                   "entries": f["entries"], "garbage": f["garbage"], "special": f["special"],
                   "too_wide": f["too_wide"], "over_limit": 0, "error": None}
                  for f in feeds.feeds],
        "addresses": len(rows),
        "flagged": sum(1 for r in rows if r[2]),
        "flows": t_flows,
        "accepted": t_acc,
        "list": [dict(address=str(addr), severity=SEVERITIES[t["sev"]], flagged=fl,
                      direction=dirs[frozenset(t["dir"])],
                      feeds=[feeds.feeds[i]["name"] for i in t["feeds"]], **t["total"],
                      accepted=t["accepted"], rejected=t["rejected"], first=t["first"],
                      last=t["last"], interfaces=sorted(t["ifaces"])[:THREAT_INTERFACES],
                      interface_count=len(t["ifaces"]))
                 for addr, t, fl in rows[:lim]],
    }
    return doc


# ---------------------------------------------------------- the daily view

def way_of(r, src, dst):
    """1 inbound, 2 outbound, 0 unknown: flow-direction where present, else
    which side is private (not ipaddress.is_global)."""
    if "flowDirection" in r:
        return 2 if r["flowDirection"] == 1 else 1
    if src is None or dst is None:
        return 0
    sp, dp = not src.is_global, not dst.is_global
    if sp and not dp:
        return 2
    if not sp and dp:
        return 1
    return 0


def text_key(t):
    """C's order of optional texts: absent first, then strcmp."""
    return (0, b"") if t is None else (1, t.encode("utf-8", "surrogateescape"))


def place_of(r):
    return (r.get("interfaceName"), r.get("awsInstanceId"), r.get("awsVpcId"))


def place_key(p):
    return tuple(text_key(t) for t in p)


def place_dict(p):
    return {"interface": p[0], "instance": p[1], "vpc": p[2]}


def bkey(t):
    return (-t["bytes"], -t["flows"], -t["packets"])


def satsum(a, b):
    return min(U64, a + b)


def daily(a, records, feeds):
    """The talkers, exposure, egress and groups sections."""
    top = a.top
    ports_watched = set(int(x) for x in a.exposure_ports.split(",") if x.strip())
    ways = [tally(), tally(), tally()]
    srcs, dsts, convs, tports = {}, {}, {}, {}
    expo = {}     # (place, proto, port) -> stats
    egress_p = {}  # place -> {"t": tally, "dests": set}
    egress_d = {}  # (place, addr) -> tally
    egress_total = tally()
    groups = [({}, [0]) for _ in GROUPS]

    def talk(d, k, pk, by, way):
        e = d.setdefault(k, {"t": tally(), "in": 0, "out": 0})
        add(e["t"], pk, by)
        if way == 1:
            e["in"] = satsum(e["in"], by)
        elif way == 2:
            e["out"] = satsum(e["out"], by)

    for r in records:
        pk, by = r.get("packetDeltaCount", 0), r.get("octetDeltaCount", 0)
        fs = r.get("forwardingStatus")
        action = 0 if fs is None else (2 if fs == 129 else 1)
        for (table, without), (_n, _k, field) in zip(groups, GROUPS):
            if field not in r:
                without[0] += 1
                continue
            g = table.setdefault(r[field], {"all": tally(), "accepted": tally(),
                                            "rejected": tally()})
            add(g["all"], pk, by)
            if action == 1:
                add(g["accepted"], pk, by)
            elif action == 2:
                add(g["rejected"], pk, by)
        if action != 1:
            continue
        src, dst = flow_addr(r, True), flow_addr(r, False)
        way = way_of(r, src, dst)
        add(ways[way], pk, by)
        if src is not None:
            talk(srcs, src, pk, by, way)
        if dst is not None:
            talk(dsts, dst, pk, by, way)
        if src is not None and dst is not None:
            talk(convs, tuple(sorted((src, dst), key=akey)), pk, by, way)
        has_port = "protocolIdentifier" in r and "destinationTransportPort" in r
        if has_port:
            talk(tports, (r["protocolIdentifier"], r["destinationTransportPort"]), pk, by, way)
        if (way == 1 and src is not None and src.is_global and has_port
                and r["protocolIdentifier"] in (6, 17)
                and r["destinationTransportPort"] in ports_watched):
            k = (place_of(r), r["protocolIdentifier"], r["destinationTransportPort"])
            e = expo.setdefault(k, {"t": tally(), "sources": set(), "first": None, "last": None})
            add(e["t"], pk, by)
            e["sources"].add(src)
            span(e, r)
        if (way == 2 and dst is not None and dst.is_global
                and "awsPktDstAwsService" not in r):
            p = place_of(r)
            add(egress_total, pk, by)
            e = egress_p.setdefault(p, {"t": tally(), "dests": set()})
            add(e["t"], pk, by)
            e["dests"].add(dst)
            add(egress_d.setdefault((p, dst), tally()), pk, by)

    def talk_rows(d, kind):
        def row(k, e):
            if kind == "address":
                head = {"address": str(k)}
            elif kind == "conversation":
                head = {"address_a": str(k[0]), "address_b": str(k[1])}
            else:
                head = {"protocol": k[0], "protocol_name": PROTOCOLS.get(k[0]), "port": k[1],
                        "service": service(k[0], k[1])}
            return dict(**head, **e["t"], inbound_bytes=e["in"], outbound_bytes=e["out"])

        def key(k):
            if kind == "address":
                return akey(k)
            if kind == "conversation":
                return (akey(k[0]), akey(k[1]))
            return k[0] * 65536 + k[1]
        by_b = sorted(d.items(), key=lambda kv: (bkey(kv[1]["t"]), key(kv[0])))
        by_f = sorted(d.items(), key=lambda kv: (tkey(kv[1]["t"]), key(kv[0])))
        return {"distinct": len(d), "by_bytes": [row(k, e) for k, e in by_b[:top]],
                "by_flows": [row(k, e) for k, e in by_f[:top]]}

    def listed(addr):
        return feeds is not None and feeds.lookup(addr) is not None

    erows = sorted(expo.items(), key=lambda kv: (-len(kv[1]["sources"]), tkey(kv[1]["t"]),
                                                 place_key(kv[0][0]),
                                                 kv[0][1] * 65536 + kv[0][2]))
    exposure = {"count": len(expo), "list": [
        dict(**place_dict(p), protocol=proto, protocol_name=PROTOCOLS.get(proto), port=port,
             sources=len(e["sources"]), listed_sources=sum(1 for x in e["sources"] if listed(x)),
             **e["t"], first=e["first"], last=e["last"])
        for (p, proto, port), e in erows[:top]]}

    irows = sorted(egress_p.items(), key=lambda kv: (bkey(kv[1]["t"]), place_key(kv[0])))
    drows = sorted(egress_d.items(), key=lambda kv: (bkey(kv[1]), place_key(kv[0][0]),
                                                     akey(kv[0][1])))
    egress = {
        "threshold": a.egress_threshold,
        "total": egress_total,
        "interface_count": len(egress_p),
        "over_threshold": sum(1 for e in egress_p.values()
                              if e["t"]["bytes"] >= a.egress_threshold),
        "destination_count": len(egress_d),
        "interfaces": [dict(**place_dict(p), destinations=len(e["dests"]), **e["t"],
                            over_threshold=e["t"]["bytes"] >= a.egress_threshold)
                       for p, e in irows[:top]],
        "destinations": [dict(**place_dict(p), address=str(d), **t) for (p, d), t in drows[:top]],
    }

    gdoc = {}
    for (table, without), (name, key, _f) in zip(groups, GROUPS):
        rows = sorted(table.items(), key=lambda kv: (tkey(kv[1]["all"]),
                                                     kv[0].encode("utf-8", "surrogateescape")))
        gdoc[name] = {"distinct": len(table), "without": without[0], "top": [
            {key: k, **g["all"], "accepted": g["accepted"], "rejected": g["rejected"],
             "rejected_share": (g["rejected"]["flows"] / g["all"]["flows"]
                                if g["all"]["flows"] else 0.0)}
            for k, g in rows[:top]]}

    # Every table that grows with the input, in vpc-report's limits order
    # (after the two reject tables): name, true entries, an entry's flows.
    bounded = [("talker_sources", srcs, lambda e: e["t"]["flows"]),
               ("talker_destinations", dsts, lambda e: e["t"]["flows"]),
               ("talker_conversations", convs, lambda e: e["t"]["flows"]),
               ("talker_ports", tports, lambda e: e["t"]["flows"]),
               ("exposure", expo, lambda e: e["t"]["flows"]),
               ("egress_interfaces", egress_p, lambda e: e["t"]["flows"]),
               ("egress_destinations", egress_d, lambda e: e["flows"])]
    bounded += [("group_" + name, table, lambda e: e["all"]["flows"])
                for (table, _w), (name, _k, _f) in zip(groups, GROUPS)]
    return {
        "_bounded": bounded,
        "talkers": {"directions": {WAYS[w]: ways[w] for w in range(3)},
                    "sources": talk_rows(srcs, "address"),
                    "destinations": talk_rows(dsts, "address"),
                    "conversations": talk_rows(convs, "conversation"),
                    "ports": talk_rows(tports, "port")},
        "exposure": exposure,
        "egress": egress,
        "groups": gdoc,
    }


# ---------------------------------------------------------------- geography

# Not public beyond ipaddress's is_global (whose registry differs between
# Python versions): multicast and the newer IPv6 special-purpose blocks.
NOT_PUBLIC_V6 = [ipaddress.ip_network(n) for n in
                 ("ff00::/8", "2002::/16", "2620:4f:8000::/48", "3fff::/20", "5f00::/16",
                  "64:ff9b:1::/48", "2001::/23")]


def is_public(addr):
    if not addr.is_global or addr.is_multicast:
        return False
    return addr.version == 4 or not any(addr in n for n in NOT_PUBLIC_V6)


class Geo:
    """The --geoip databases, read with python3-maxminddb."""

    def __init__(self, paths):
        try:
            import maxminddb
        except ImportError:
            raise SystemExit("reportcheck: --geoip needs python3-maxminddb (Debian package)")
        self.paths = paths
        self.readers = [maxminddb.open_database(p) for p in paths]
        self.cache = {}

    def databases(self):
        import datetime
        out = []
        for p, r in zip(self.paths, self.readers):
            md = r.metadata()
            day = datetime.datetime.fromtimestamp(md.build_epoch, datetime.timezone.utc)
            out.append(f"{p}: {md.database_type}, built {day:%Y-%m-%d}")
        return out

    def lookup(self, addr):
        """(country or None, country name, asn or 0, AS name)."""
        if addr in self.cache:
            return self.cache[addr]
        country = cname = asname = None
        asn = 0
        for r in self.readers:
            if country is not None and asn:
                break
            rec = r.get(str(addr))
            if not isinstance(rec, dict):
                continue
            if country is None:
                code = ((rec.get("country") or {}).get("iso_code")
                        or (rec.get("registered_country") or {}).get("iso_code"))
                if (isinstance(code, str) and len(code) >= 2 and code[:2].isascii()
                        and code[:2].isalpha()):
                    country = code[:2].upper()
                    cname = ((rec.get("country") or {}).get("names") or {}).get("en")
            if not asn:
                n = rec.get("autonomous_system_number")
                if isinstance(n, int) and n:
                    asn = n
                    asname = rec.get("autonomous_system_organization")
        self.cache[addr] = (country, cname, asn, asname)
        return self.cache[addr]

    def member(self, text):
        """The "geo" object of an address of a table, or None."""
        addr = ipaddress.ip_address(text)
        if not is_public(addr):
            return None
        country, cname, asn, asname = self.lookup(addr)
        if country is None and not asn:
            return None
        return {"country": country, "country_name": cname, "asn": asn or None,
                "as_name": asname if asn else None}


def geography(a, records, doc, geo):
    """The geography section, and "geo" members in every table with addresses."""
    if geo is None:
        doc["geography"] = {"enabled": False}
        return
    internal = tally()
    countries, networks = {}, {}
    for r in records:
        fs = r.get("forwardingStatus")
        if fs is None:
            continue
        action = 2 if fs == 129 else 1
        pk, by = r.get("packetDeltaCount", 0), r.get("octetDeltaCount", 0)
        src, dst = flow_addr(r, True), flow_addr(r, False)
        ext = (src if src is not None and is_public(src)
               else dst if dst is not None and is_public(dst) else None)
        if ext is None:
            add(internal, pk, by)
            continue
        country, _cn, asn, _an = geo.lookup(ext)
        for table, k in ((countries, country), (networks, asn)):
            e = table.setdefault(k, {"accepted": tally(), "rejected": tally()})
            add(e["accepted" if action == 1 else "rejected"], pk, by)

    def order(kv, code):
        e = kv[1]
        flows = satsum(e["accepted"]["flows"], e["rejected"]["flows"])
        by = satsum(e["accepted"]["bytes"], e["rejected"]["bytes"])
        return (-flows, -by, code.encode())
    crows = sorted(countries.items(), key=lambda kv: order(kv, kv[0] or "??"))
    nrows = sorted(networks.items(), key=lambda kv: (order(kv, "")[:2], kv[0]))
    cname = {}
    asname = {}
    for (country, cn, asn, an) in geo.cache.values():
        if country is not None and cn is not None:
            cname.setdefault(country, cn)
        if asn and an is not None:
            asname.setdefault(asn, an)
    doc["geography"] = {
        "enabled": True,
        "databases": geo.databases(),
        "failed_lookups": 0,
        "without_public_address": internal,
        "countries": {"distinct": len(countries), "rows": [
            {"country": k, "name": cname.get(k) if k else None, **e} for k, e in crows]},
        "networks": {"distinct": len(networks), "top": [
            {"asn": k or None, "name": asname.get(k) if k else None, **e}
            for k, e in nrows[:a.top]]},
    }
    for row in (doc["rejects"]["sources"]["top"] + doc["rejects"]["destinations"]["top"]
                + doc["scanners"]["top"] + doc["threats"]["list"]
                + doc["egress"]["destinations"]
                + [x for t in ("sources", "destinations") for by in ("by_bytes", "by_flows")
                   for x in doc["talkers"][t][by]]):
        row["geo"] = geo.member(row["address"])
    for by in ("by_bytes", "by_flows"):
        for row in doc["talkers"]["conversations"][by]:
            row["geo_a"] = geo.member(row["address_a"])
            row["geo_b"] = geo.member(row["address_b"])


# ------------------------------------------------------- bounded memory

def check_bounded(exp, act, errors, top):
    """Tables with more distinct keys than --max-keys are Space-Saving
    summaries: instead of equal values, check the stated bounds against the
    true counts, then take them out of the exact comparison (with the
    scanners, whose ports and hosts then come from shared entries)."""
    true = exp.pop("_true")
    al = act.get("limits", {})
    approx_sources = False
    for i, t in enumerate(exp["limits"]["tables"]):
        name = t["table"]
        key = "sources" if name == "rejected_sources" else "destinations"
        if not t["approximate"]:
            continue
        if not name.startswith("rejected_"):
            check_bounded_daily(exp, act, errors, top, i, t, true[name])
            continue
        approx_sources |= key == "sources"
        at = ((al.get("tables") or []) + [{}] * 13)[i]
        n, k = t["flows"], exp["limits"]["max_keys"]
        if not at.get("approximate"):
            errors.append(f"$.limits.tables[{i}]: {t['keys']} keys > {k}, not said approximate")
            continue
        if at.get("flows") != n or at.get("bound") != n // k or not 0 <= at.get("error", -1) <= n // k:
            errors.append(f"$.limits.tables[{i}]: {at}, expected flows {n}, bound {n // k}, "
                          f"error <= bound")
        if not at.get("keys", 0) >= t["keys"]:
            errors.append(f"$.limits.tables[{i}].keys: {at.get('keys')} < {t['keys']} distinct")
        t.update({x: at.get(x) for x in ("keys", "error")})
        rows = act["rejects"][key]["top"]
        d = true[name]
        if len(rows) != min(top, len(d)):
            errors.append(f"$.rejects.{key}.top: {len(rows)} rows")
        shown = set()
        for j, row in enumerate(rows):
            addr = ipaddress.ip_address(row["address"])
            shown.add(addr)
            tv = d.get(addr, tally())
            e = row.get("error", {})
            if not (row["flows"] - e.get("flows", 0) <= tv["flows"] <= row["flows"]):
                errors.append(f"$.rejects.{key}.top[{j}]: {row['address']} true flows {tv['flows']} "
                              f"outside [{row['flows']} - {e.get('flows')}, {row['flows']}]")
            if e.get("flows", 0) > at.get("error", 0):
                errors.append(f"$.rejects.{key}.top[{j}].error.flows over the table's error")
            for m in ("packets", "bytes"):
                if tv[m] < row[m] - e.get(m, 0):
                    errors.append(f"$.rejects.{key}.top[{j}].{m}: true {tv[m]} under "
                                  f"{row[m]} - {e.get(m)}")
        if len(rows) == top:
            last = rows[-1]["flows"]
            missing = [str(x) for x, v in d.items() if v["flows"] > last and x not in shown]
            if missing:
                errors.append(f"$.rejects.{key}: {len(missing)} addresses with more than {last} "
                              f"flows not shown: {missing[:5]}")
        exp["rejects"][key] = act["rejects"][key]
        print(f"reportcheck: {name} approximate: {len(rows)} rows within their bounds "
              f"(N {n}, k {k}, N/k {n // k}, largest error {at.get('error')})")
    if approx_sources:
        # Scanner rows: their flows within their error as above, their ports and hosts
        # not over the true distinct counts plus what they inherited.
        d, sc = true["rejected_sources"], exp.pop("_scan")
        for j, row in enumerate(act["scanners"]["top"]):
            addr = ipaddress.ip_address(row["address"])
            tv, e = d.get(addr, tally()), row.get("error", {})
            ok = row["flows"] - e.get("flows", 0) <= tv["flows"] <= row["flows"]
            st = sc.get(addr, {})
            ports, hosts = len(st.get("all_ports", ())), len(st.get("all_hosts", ()))
            ok = ok and row["ports"] - row.get("ports_error", 0) <= ports
            ok = ok and row["hosts"] - row.get("hosts_error", 0) <= hosts
            if not ok:
                errors.append(f"$.scanners.top[{j}]: {row} outside its bounds (true flows "
                              f"{tv['flows']}, ports {ports}, hosts {hosts})")
        exp["scanners"] = act["scanners"]
        exp["limits"]["pairs_refused"] = al.get("pairs_refused")
    exp.pop("_scan", None)


def daily_rows(name, act):
    """The rows of a daily table in the JSON, each list with its true key of a
    row, and whether the list is sorted by flows."""
    def addr(x):
        return ipaddress.ip_address(x)

    def place(r):
        return (r["interface"], r["instance"], r["vpc"])
    if name.startswith("talker_"):
        t = act["talkers"][name[len("talker_"):]]
        if name == "talker_conversations":
            k = lambda r: (addr(r["address_a"]), addr(r["address_b"]))  # noqa: E731
        elif name == "talker_ports":
            k = lambda r: (r["protocol"], r["port"])  # noqa: E731
        else:
            k = lambda r: addr(r["address"])  # noqa: E731
        return [(t["by_bytes"], k, False), (t["by_flows"], k, True)]
    if name == "exposure":
        return [(act["exposure"]["list"], lambda r: (place(r), r["protocol"], r["port"]), False)]
    if name == "egress_interfaces":
        return [(act["egress"]["interfaces"], place, False)]
    if name == "egress_destinations":
        return [(act["egress"]["destinations"], lambda r: (place(r), addr(r["address"])), False)]
    g = name[len("group_"):]
    key = {n: k for n, k, _f in GROUPS}[g]
    return [(act["groups"][g]["top"], lambda r: r[key], True)]


def true_tally(name, e):
    if name == "egress_destinations":
        return e
    if name.startswith("group_"):
        return e["all"]
    return e["t"]


def check_bounded_daily(exp, act, errors, top, i, t, truth):
    """An approximate daily table: its limits line, then every row: true flows
    within [flows - error, flows] (error: the table's largest), packets and
    bytes not under the true ones, and (lists by flows) no key with more
    flows than the last row missing.  Then the table's values are taken as
    shown."""
    name = t["table"]
    d, flows_of = truth
    at = ((act.get("limits", {}).get("tables") or []) + [{}] * 13)[i]
    n, k = t["flows"], exp["limits"]["max_keys"]
    if not at.get("approximate"):
        errors.append(f"$.limits.tables[{i}]: {name}: {t['keys']} keys > {k}, not said approximate")
        return
    err = at.get("error", -1)
    if at.get("table") != name or at.get("flows") != n or at.get("bound") != n // k \
            or not 0 <= err <= n // k:
        errors.append(f"$.limits.tables[{i}]: {at}, expected {name}, flows {n}, bound {n // k}, "
                      f"error <= bound")
    if not at.get("keys", 0) >= t["keys"]:
        errors.append(f"$.limits.tables[{i}].keys: {at.get('keys')} < {t['keys']} distinct")
    t.update({x: at.get(x) for x in ("keys", "error")})
    checked = 0
    for rows, key_of, by_flows in daily_rows(name, act):
        if len(rows) != min(top, len(d)):
            errors.append(f"{name}: {len(rows)} rows, expected {min(top, len(d))}")
        shown = set()
        for j, row in enumerate(rows):
            kk = key_of(row)
            shown.add(kk)
            tv = true_tally(name, d[kk]) if kk in d else tally()
            if not tv["flows"] <= row["flows"] <= tv["flows"] + err:
                errors.append(f"{name}[{j}]: {kk} true flows {tv['flows']} outside "
                              f"[{row['flows']} - {err}, {row['flows']}]")
            for m in ("packets", "bytes"):
                if row[m] < tv[m]:
                    errors.append(f"{name}[{j}].{m}: {row[m]} under the true {tv[m]}")
            checked += 1
        if by_flows and len(rows) == top:
            last = rows[-1]["flows"]
            missing = [str(x) for x, e in d.items() if flows_of(e) > last and x not in shown]
            if missing:
                errors.append(f"{name}: {len(missing)} keys with more than {last} flows not "
                              f"shown: {missing[:5]}")
    # Taken as shown once checked.
    if name.startswith("talker_"):
        part = name[len("talker_"):]
        exp["talkers"][part] = act["talkers"][part]
    elif name == "exposure":
        exp["exposure"] = act["exposure"]
    elif name == "egress_interfaces":
        for x in ("interfaces", "interface_count", "over_threshold"):
            exp["egress"][x] = act["egress"][x]
    elif name == "egress_destinations":
        for x in ("destinations", "destination_count"):
            exp["egress"][x] = act["egress"][x]
        # The interfaces' distinct destinations count keys counted in: not under the true.
        for j, (r, x) in enumerate(zip(exp["egress"]["interfaces"], act["egress"]["interfaces"])):
            if x.get("destinations", -1) < r["destinations"]:
                errors.append(f"$.egress.interfaces[{j}].destinations: {x.get('destinations')} "
                              f"under the true {r['destinations']}")
            r["destinations"] = x.get("destinations")
    else:
        g = name[len("group_"):]
        exp["groups"][g] = act["groups"][g]
    if name == "talker_sources":
        # Scanners' accepted flows come from the talkers' sources: within the bound.
        for j, row in enumerate(exp["scanners"]["top"]):
            rows = act.get("scanners", {}).get("top", [])
            if j < len(rows) and rows[j].get("address") == row["address"]:
                got, want = rows[j].get("accepted_flows", -1), row["accepted_flows"]
                if not want - n // k <= got <= want + n // k:
                    errors.append(f"$.scanners.top[{j}].accepted_flows: {got}, true {want}, "
                                  f"bound {n // k}")
                row["accepted_flows"] = got
    print(f"reportcheck: {name} approximate: {checked} rows within their bounds "
          f"(N {n}, k {k}, N/k {n // k}, largest error {err})")


# ---------------------------------------------------------------- compare

# Keys checked apart (plausibility) or not at all: the rest must match exactly.
NOT_RECOMPUTED = {"generator", "age", "state", "compressed", "skipped_files", "inputs", "hint"}


def compare(path, exp, act, errors, fuzzy):
    if isinstance(exp, dict):
        if not isinstance(act, dict):
            errors.append(f"{path}: expected an object, found {act!r}")
            return
        for k, v in exp.items():
            if k not in act:
                errors.append(f"{path}.{k}: missing")
            else:
                compare(f"{path}.{k}", v, act[k], errors, fuzzy)
        for k in act:
            if k not in exp and k not in NOT_RECOMPUTED:
                errors.append(f"{path}.{k}: not in the schema")
        return
    if isinstance(exp, list):
        if not isinstance(act, list):
            errors.append(f"{path}: expected a list, found {act!r}")
            return
        if len(exp) != len(act):
            errors.append(f"{path}: {len(act)} entries, expected {len(exp)}")
        for i, (e, x) in enumerate(zip(exp, act)):
            compare(f"{path}[{i}]", e, x, errors, fuzzy)
        return
    if isinstance(exp, float):
        if not isinstance(act, (int, float)) or abs(exp - act) > 1e-6:
            errors.append(f"{path}: {act!r}, expected {exp:.6f}")
        return
    if exp != act or type(exp) is not type(act):
        errors.append(f"{path}: {act!r}, expected {exp!r}")


def csv_sections(path):
    import csv
    out = {}
    with open(path, newline="", encoding="utf-8") as f:
        rows = [r for r in csv.reader(f) if r]
    header = None
    for r in rows:
        if r[0] == "section":
            header = r[1:]
            continue
        out.setdefault(r[0], []).append(dict(zip(header, r[1:])))
    return out


def check_csv(path, exp, errors):
    """Every CSV row against the expected document (numbers as text)."""
    sec = csv_sections(path)

    def s(v):
        return "" if v is None else str(v)

    def same(name, got, want):
        if len(got) != len(want):
            errors.append(f"csv {name}: {len(got)} rows, expected {len(want)}")
        for i, (g, w) in enumerate(zip(got, want)):
            for k, v in w.items():
                if k in ("geo", "geo_a", "geo_b", "error", "ports_error", "hosts_error"):
                    continue  # CSV: the address_geo and limits sections
                if g.get(k) != s(v):
                    errors.append(f"csv {name}[{i}].{k}: {g.get(k)!r}, expected {s(v)!r}")

    t = exp["totals"]
    th = exp["threats"]
    same("totals", sec.get("totals", []),
         [dict(metric=m, **v) for m, v in (("all", {k: t[k] for k in ("flows", "packets", "bytes")}),
                                           ("accepted", t["accepted"]), ("rejected", t["rejected"]),
                                           ("no_action", t["no_action"]),
                                           ("threat_flows", th["flows"]),
                                           ("threat_accepted", th["accepted"]))])
    r = exp["rejects"]
    same("rejected_sources", sec.get("rejected_sources", []), r["sources"]["top"])
    same("rejected_destinations", sec.get("rejected_destinations", []), r["destinations"]["top"])
    same("rejected_interfaces", sec.get("rejected_interfaces", []), r["interfaces"]["top"])
    same("rejected_ports", sec.get("rejected_ports", []), r["ports"]["top"])
    same("reject_histogram", sec.get("reject_histogram", []),
         [dict(start_ms=b["start"], seconds=r["histogram"]["bucket_seconds"],
               **{k: b[k] for k in ("flows", "packets", "bytes")})
          for b in r["histogram"]["buckets"]])
    same("scanners", sec.get("scanners", []),
         [dict(first_ms=x["first"], last_ms=x["last"],
               **{k: v for k, v in x.items() if k not in ("first", "last")})
          for x in exp["scanners"]["top"]])
    same("threats", sec.get("threats", []),
         [dict(address=x["address"], severity=x["severity"], flagged="yes" if x["flagged"] else "no",
               direction=x["direction"], feeds=" ".join(x["feeds"]), flows=x["flows"],
               packets=x["packets"], bytes=x["bytes"],
               accepted_flows=x["accepted"]["flows"], accepted_packets=x["accepted"]["packets"],
               accepted_bytes=x["accepted"]["bytes"], rejected_flows=x["rejected"]["flows"],
               rejected_packets=x["rejected"]["packets"], rejected_bytes=x["rejected"]["bytes"],
               first_ms=x["first"], last_ms=x["last"], interfaces=" ".join(x["interfaces"]),
               interface_count=x["interface_count"])
          for x in th["list"]])
    same("threat_coverage", sec.get("threat_coverage", []),
         [dict(coverage=th["coverage"], missing_feeds=" ".join(th["missing_feeds"]))])
    same("feeds", sec.get("feeds", []),
         [{k: f[k] for k in ("name", "severity", "entries", "garbage", "special", "too_wide")}
          for f in th["feeds"]])
    tk = exp["talkers"]
    same("talker_directions", sec.get("talker_directions", []),
         [dict(direction=w, **tk["directions"][w]) for w in WAYS])
    for name in ("sources", "destinations", "conversations", "ports"):
        for by in ("bytes", "flows"):
            sname = f"talker_{name}_by_{by}"
            same(sname, sec.get(sname, []), tk[name]["by_" + by])
    same("exposure", sec.get("exposure", []),
         [dict(first_ms=x["first"], last_ms=x["last"],
               **{k: v for k, v in x.items() if k not in ("first", "last")})
          for x in exp["exposure"]["list"]])
    same("egress_interfaces", sec.get("egress_interfaces", []),
         [dict(x, over_threshold="yes" if x["over_threshold"] else "no")
          for x in exp["egress"]["interfaces"]])
    same("egress_destinations", sec.get("egress_destinations", []),
         exp["egress"]["destinations"])
    for name, key, _f in GROUPS:
        same(f"group_{name}", sec.get(f"group_{name}", []),
             [dict(**{key: g[key], "flows": g["flows"], "packets": g["packets"],
                      "bytes": g["bytes"]},
                   **{f"{w}_{k}": g[w][k] for w in ("accepted", "rejected")
                      for k in ("flows", "packets", "bytes")},
                   rejected_share=f"{g['rejected_share']:.6f}")
              for g in exp["groups"][name]["top"]])
    check_csv_geo(sec, exp, errors)
    lim = exp["limits"]
    same("limits", sec.get("limits", []),
         [dict(table=t["table"], approximate="yes" if t["approximate"] else "no", keys=t["keys"],
               flows=t["flows"], max_keys=lim["max_keys"], bound=t["bound"], error=t["error"])
          for t in lim["tables"]])
    same("limit_pairs", sec.get("limit_pairs", []),
         [dict(max_pairs=lim["max_pairs"], pairs_refused=lim["pairs_refused"])])
    for i, key in enumerate(("sources", "destinations")):
        if lim["tables"][i]["approximate"]:
            same(f"rejected_{key} errors", sec.get(f"rejected_{key}", []),
                 [{f"error_{m}": r["error"][m] for m in ("flows", "packets", "bytes")}
                  for r in exp["rejects"][key]["top"]])


def csv_cell(v):
    """vpc-report's CSV neutralisation of formulas (OWASP)."""
    v = "" if v is None else str(v)
    return "'" + v if v[:1] in ("=", "+", "-", "@", "\t", "\r") else v


def check_csv_geo(sec, exp, errors):
    g = exp["geography"]
    status = sec.get("geo_status", [])
    if len(status) != 1 or status[0].get("enabled") != ("yes" if g["enabled"] else "no"):
        errors.append(f"csv geo_status: {status!r}")
    if not g["enabled"]:
        return
    want = {"databases": "; ".join(g["databases"]), "failed_lookups": "0",
            "flows_without_public_address": str(g["without_public_address"]["flows"])}
    for k, v in want.items():
        if status[0].get(k) != csv_cell(v):
            errors.append(f"csv geo_status.{k}: {status[0].get(k)!r}, expected {v!r}")
    for name, key, rows in (("geo_countries", "country", g["countries"]["rows"]),
                            ("geo_networks", "asn", g["networks"]["top"])):
        got = sec.get(name, [])
        if len(got) != len(rows):
            errors.append(f"csv {name}: {len(got)} rows, expected {len(rows)}")
        for i, (gr, w) in enumerate(zip(got, rows)):
            want = {key: w[key] if w[key] is not None else ("??" if key == "country" else 0),
                    "name": w["name"],
                    **{f"{x}_{k}": w[x][k] for x in ("accepted", "rejected")
                       for k in ("flows", "packets", "bytes")}}
            for k, v in want.items():
                if gr.get(k) != csv_cell(v):
                    errors.append(f"csv {name}[{i}].{k}: {gr.get(k)!r}, expected {csv_cell(v)!r}")
    # address_geo: every address of a table, once, sorted (bytewise).
    seen = {}
    for sec_rows in (exp["rejects"]["sources"]["top"], exp["rejects"]["destinations"]["top"],
                     exp["scanners"]["top"], exp["threats"]["list"], exp["egress"]["destinations"],
                     *[exp["talkers"][t][by] for t in ("sources", "destinations")
                       for by in ("by_bytes", "by_flows")]):
        for r in sec_rows:
            if r.get("geo") is not None:
                seen[r["address"]] = r["geo"]
    for by in ("by_bytes", "by_flows"):
        for r in exp["talkers"]["conversations"][by]:
            for k in ("a", "b"):
                if r.get("geo_" + k) is not None:
                    seen[r["address_" + k]] = r["geo_" + k]
    want = [{"address": k, "country": v["country"], "country_name": v["country_name"],
             "asn": v["asn"], "as_name": v["as_name"]}
            for k, v in sorted(seen.items(), key=lambda kv: kv[0].encode())]
    got = sec.get("address_geo", [])
    if len(got) != len(want):
        errors.append(f"csv address_geo: {len(got)} rows, expected {len(want)}")
    for i, (gr, w) in enumerate(zip(got, want)):
        for k, v in w.items():
            if gr.get(k) != csv_cell(v):
                errors.append(f"csv address_geo[{i}].{k}: {gr.get(k)!r}, expected {csv_cell(v)!r}")


def count_leaves(x):
    if isinstance(x, dict):
        return sum(count_leaves(v) for v in x.values())
    if isinstance(x, list):
        return sum(count_leaves(v) for v in x)
    return 1


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("inputs", nargs="+", metavar="INPUT")
    ap.add_argument("--json", required=True)
    ap.add_argument("--feeds")
    ap.add_argument("--no-inputs", action="store_true")
    ap.add_argument("--csv", help="also check this CSV rendering of the same report")
    ap.add_argument("--top", type=int, default=10)
    ap.add_argument("--top-threats", type=int, default=100)
    ap.add_argument("--scan-ports", type=int, default=20)
    ap.add_argument("--scan-hosts", type=int, default=20)
    ap.add_argument("--bucket", type=int, default=0)
    ap.add_argument("--exposure-ports", default=DEFAULT_EXPOSURE_PORTS)
    ap.add_argument("--egress-threshold", type=int, default=DEFAULT_EGRESS_THRESHOLD)
    ap.add_argument("-f", "--format")
    ap.add_argument("--input-format", default="auto")
    ap.add_argument("--packet-addresses-as-key", action="store_true")
    ap.add_argument("--geoip", action="append", metavar="FILE.mmdb")
    ap.add_argument("--max-keys", type=int, default=420000)  # vpc-report's default
    a = ap.parse_args(argv)
    try:
        with open(a.json, encoding="utf-8") as f:
            act = json.load(f)
    except (OSError, ValueError) as e:
        print(f"reportcheck: {a.json}: {e}", file=sys.stderr)
        return 2
    cols = flowcheck.parse_format(a.format) if a.format else list(flowcheck.DEFAULT_FORMAT)
    notes = []
    paths = flowcheck.expand_inputs(a.inputs, notes)
    records, stats, _ = flowcheck.parse_inputs(paths, cols, a.packet_addresses_as_key,
                                               input_format=a.input_format)
    recs = [r[3] for r in records]
    feeds = Feeds(a.feeds) if a.feeds else None
    exp = expected(a, recs, None if a.no_inputs else stats, feeds)
    geography(a, recs, exp, Geo(a.geoip) if a.geoip else None)
    errors = []
    check_bounded(exp, act, errors, a.top)
    compare("$", exp, act, errors, False)
    if a.csv:
        check_csv(a.csv, exp, errors)
    # what is not recomputed: plausible values
    if not isinstance(act.get("generator"), str) or not act["generator"].startswith("vpc-report "):
        errors.append(f"$.generator: {act.get('generator')!r}")
    for i, f in enumerate(act.get("threats", {}).get("feeds", [])):
        usable = ("fetched", "not-modified", "fresh", "cached")
        if f.get("enabled") and f.get("state") not in usable:
            errors.append(f"$.threats.feeds[{i}].state: {f.get('state')!r}, expected one of {usable}")
        if not f.get("enabled") and f.get("state") != "disabled":
            errors.append(f"$.threats.feeds[{i}].state: {f.get('state')!r}, expected 'disabled'")
        age = f.get("age")
        if f.get("enabled") and not (isinstance(age, int) and age >= 0):
            errors.append(f"$.threats.feeds[{i}].age: {age!r}")
    g = act.get("geography", {})
    if not a.geoip and not (isinstance(g.get("hint"), str) and "--geoip" in g["hint"]):
        errors.append(f"$.geography.hint: {g.get('hint')!r}, expected how to add --geoip")
    if errors:
        for e in errors[:60]:
            print(f"reportcheck: {e}")
        if len(errors) > 60:
            print(f"reportcheck: ... {len(errors) - 60} more")
        return 1
    print(f"reportcheck: {count_leaves(exp)} values equal ({len(recs)} flows, "
          f"{len(exp['threats']['list'])} listed addresses, "
          f"{exp['scanners']['count']} scanners)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
