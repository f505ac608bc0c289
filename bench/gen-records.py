#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Deterministic generator of synthetic AWS VPC Flow Log records (benchmark input).
"""Write N synthetic VPC Flow Log records to stdout.

  gen-records.py [--format default|v5] [--seed S] [--no-header] [--counts FILE]
                 [--json [--page-events E]] N

--format default: the 14-field version 2 format; v5: 29 fields (version 5
custom format, the fields up to traffic-path).  The output starts with the
header line of field names, as in an S3 object, then N records.  The same
arguments always give the same bytes (stdlib only, any Python >= 3.6).

--json: the same N records (same arguments, same records) as CloudWatch Logs
`aws logs filter-log-events` output of a paging loop: pages of E events (default
10000) pretty-printed with indent 4 like the AWS CLI, each ending with a newline,
back to back; every page but the last has a nextToken.  Each event: logStreamName
= the record's interface-id, timestamp = its start * 1000 (ms), message = the
record line (no header line is written), ingestionTime, eventId (56 digits).
Converting it gives the same flows as the text output (for v5, pass vpc2ipfix
the v5 field list with --format, since there is no header line).

Values follow a plausible mix: a few accounts, ~2000 ENIs (Zipf-like
popularity), mostly private/public IPv4, ~5% IPv6, ~8% REJECT, ~1% NODATA,
a few SKIPDATA, a little EFA traffic, '-' where AWS writes it (ports of
ESP/GRE, instance-id of requester-managed ENIs, traffic-path of ingress
flows, AWS-service fields of non-AWS addresses, sublocation fields).

Speed: a pool of flows is built with a slow per-flow loop, then each output
record is a pool flow with its own counters and times, joined by f-strings
in chunks.  About 1 s per million default records.
"""

import argparse
import os
import random
import sys

DEFAULT_FIELDS = ("version account-id interface-id srcaddr dstaddr srcport dstport "
                  "protocol packets bytes start end action log-status")
V5_FIELDS = DEFAULT_FIELDS + (" vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr "
                              "pkt-dstaddr region az-id sublocation-type sublocation-id "
                              "pkt-src-aws-service pkt-dst-aws-service flow-direction "
                              "traffic-path")

T0 = 1700000000          # 2023-11-14T22:13:20Z: first start time
SPAN = 3600              # start times spread over one hour
POOL = 1 << 16           # distinct flows (5-tuple + metadata)
CHUNK = 1 << 16          # records per write

SERVICES = [  # (protocol, server port, weight)
    (6, 443, 30), (6, 80, 8), (6, 22, 5), (6, 3306, 4), (6, 5432, 4), (6, 6379, 3),
    (6, 8080, 4), (6, 9092, 2), (6, 27017, 1), (6, 3389, 2), (6, 25, 1), (6, 2049, 2),
    (17, 53, 9), (17, 123, 3), (17, 514, 1), (17, 4789, 1), (17, 443, 2),
    (1, 0, 2), (50, 0, 0.3), (47, 0, 0.2),
]
REGIONS = [("us-east-1", "use1"), ("eu-west-1", "euw1"), ("ap-southeast-2", "apse2")]
AWS_SERVICES = ["AMAZON", "S3", "EC2", "DYNAMODB", "ROUTE53", "CLOUDFRONT", "API_GATEWAY"]


class Eni:
    __slots__ = ("name", "account", "v4", "v6", "vpc", "subnet", "instance", "region",
                 "az", "subloc_type", "subloc_id", "secondary")


def hexid(rng, n):
    return "%0*x" % (n, rng.getrandbits(4 * n))


def public_v4(rng):
    while True:
        a = rng.choice((3, 13, 18, 20, 23, 34, 35, 44, 52, 54, 64, 81, 91, 104, 142,
                        151, 172, 185, 195, 203, 212))
        b = rng.randrange(256)
        if a == 172 and 16 <= b < 32:
            continue
        return "%d.%d.%d.%d" % (a, b, rng.randrange(256), rng.randrange(1, 255))


def public_v6(rng):
    return "2600:1f18:%x:%x:%x:%x:%x:%x" % tuple(rng.getrandbits(16) for _ in range(6))


def make_enis(rng, count):
    accounts = ["%012d" % rng.randrange(10**11, 10**12) for _ in range(6)] + ["unknown"]
    vpcs = []
    for i in range(24):
        region, azp = REGIONS[i % len(REGIONS)]
        vpcs.append(("vpc-" + hexid(rng, 17), region, azp, rng.choice(accounts[:6]),
                     rng.randrange(256), "2600:1f18:%x:%x" % (rng.getrandbits(16),
                                                            rng.getrandbits(16))))
    subnets = []
    for vpc in vpcs:
        for s in range(4):
            subnets.append((vpc, "subnet-" + hexid(rng, 17), "%s-az%d" % (vpc[2], s % 3 + 1),
                            s))
    enis = []
    for _ in range(count):
        vpc, subnet, az, s = rng.choice(subnets)
        e = Eni()
        e.name = "eni-" + hexid(rng, 17)
        e.account = "unknown" if rng.random() < 0.01 else vpc[3]
        e.v4 = "10.%d.%d.%d" % (vpc[4], s * 16 + rng.randrange(16), rng.randrange(4, 255))
        e.v6 = "%s:%x::%x:%x" % (vpc[5], s, rng.getrandbits(16), rng.getrandbits(16))
        e.secondary = "10.%d.%d.%d" % (vpc[4], s * 16 + rng.randrange(16),
                                       rng.randrange(4, 255))
        e.vpc, e.subnet, e.region, e.az = vpc[0], subnet, vpc[1], az
        requester_managed = rng.random() < 0.12  # NAT gateway, ELB, Lambda, ...
        e.instance = "-" if requester_managed else "i-" + hexid(rng, 17)
        if rng.random() < 0.02:
            e.subloc_type, e.subloc_id = "outpost", "op-" + hexid(rng, 17)
            e.az = "-"
        else:
            e.subloc_type, e.subloc_id = "-", "-"
        enis.append(e)
    return enis


def tcp_flags(rng, action):
    if action == "REJECT":
        return "2"
    return rng.choices(("19", "3", "2", "18", "1", "4", "0", "23"),
                       (40, 20, 10, 8, 8, 5, 6, 3))[0]


def make_pool(rng, enis, v5):
    """Return POOL flows as (prefix, suffix, rejected): prefix is 'version ... protocol',
    suffix is 'action log-status [v5 fields]'."""
    eni_w = [1.0 / (i + 1) ** 0.8 for i in range(len(enis))]
    svc_w = [s[2] for s in SERVICES]
    remote_private = ["10.%d.%d.%d" % (rng.randrange(256), rng.randrange(256),
                                       rng.randrange(1, 255)) for _ in range(3000)]
    remote_public = [public_v4(rng) for _ in range(6000)]
    remote_v6 = [public_v6(rng) for _ in range(800)]
    version = "5" if v5 else "2"
    pool = []
    for eni in rng.choices(enis, eni_w, k=POOL):
        proto, port, _ = rng.choices(SERVICES, svc_w)[0]
        ipv6 = rng.random() < 0.05
        efa = not ipv6 and rng.random() < 0.002
        egress = rng.random() < 0.5
        public = not efa and rng.random() < 0.4     # EFA traffic stays inside the VPC
        if ipv6:
            local = eni.v6
            remote = rng.choice(remote_v6)
            if proto == 1:
                proto = 58
        else:
            local = eni.v4
            remote = rng.choice(remote_public if public else remote_private)
        ephemeral = rng.randrange(32768, 65536) if rng.random() < 0.8 else \
            rng.randrange(1024, 32768)
        # egress records are mostly the ENI talking to a server, ingress records mostly
        # a client reaching a server on the ENI; the rest are the replies
        client_is_local = egress if rng.random() < 0.85 else not egress
        src, dst = (local, remote) if egress else (remote, local)
        if egress == client_is_local:
            srcport, dstport = ephemeral, port
        else:
            srcport, dstport = port, ephemeral
        if proto in (1, 58):
            srcport = dstport = 0
        if proto in (50, 47):
            ports = "- -"
        else:
            ports = "%d %d" % (srcport, dstport)
        reject = rng.random() < (0.25 if (public and not egress) else 0.02)
        action = "REJECT" if reject else "ACCEPT"
        prefix = "%s %s %s %s %s %s %d" % (version, eni.account, eni.name, src, dst,
                                           ports, proto)
        suffix = action + " OK"
        if v5:
            pkt_src, pkt_dst = src, dst
            if not ipv6 and rng.random() < 0.10:   # NAT gateway / secondary address
                if egress:
                    pkt_src = eni.secondary
                else:
                    pkt_dst = eni.secondary
            flags = tcp_flags(rng, action) if proto == 6 else "0"
            ftype = "EFA" if efa else ("IPv6" if ipv6 else "IPv4")
            aws_src = aws_dst = "-"
            if public and rng.random() < 0.5:
                svc = rng.choice(AWS_SERVICES)
                if egress:
                    aws_dst = svc
                else:
                    aws_src = svc
            if egress:
                direction = "egress"
                path = rng.choice(("2", "8", "7")) if public else \
                    rng.choices(("1", "3", "4", "5"), (80, 8, 8, 4))[0]
            else:
                direction = "ingress"
                path = "-"
            suffix = " ".join((suffix, eni.vpc, eni.subnet, eni.instance, flags, ftype,
                               pkt_src, pkt_dst, eni.region, eni.az, eni.subloc_type,
                               eni.subloc_id, aws_src, aws_dst, direction, path))
        pool.append((prefix, suffix, reject, ipv6))
    return pool


def make_counts(rng, rejected):
    """Return POOL 'packets bytes' strings: heavy-tailed, bytes from packet sizes."""
    out = []
    for _ in range(POOL):
        if rejected:
            p = rng.choice((1, 1, 1, 2, 2, 3, 4, 6))
            b = p * rng.choice((40, 44, 52, 60, 60, 64, 76, 120))
        else:
            p = max(1, int(rng.paretovariate(0.9)))
            if p > 10**8:
                p = 10**8
            avg = rng.choice((60, 64, 80, 120, 200, 576, 900, 1200, 1400, 1500, 8961))
            b = p * min(avg, 9001) + rng.randrange(0, 40)
        out.append("%d %d" % (p, b))
    return out


class JsonPages:
    """Writes records as `aws logs filter-log-events` pages (a paging loop's output).

    The AWS CLI prints each response with json.dumps(indent=4, ensure_ascii=False)
    and a newline; keys in the order of the API shapes (events, searchedLogStreams,
    nextToken; logStreamName, timestamp, message, ingestionTime, eventId).  Nothing
    here draws from the generator's random numbers, so the records stay the same."""

    EVENT = ('        {\n'
             '            "logStreamName": %s,\n'
             '            "timestamp": %d,\n'
             '            "message": %s,\n'
             '            "ingestionTime": %d,\n'
             '            "eventId": "%056d"\n'
             '        }')

    def __init__(self, out, total, per_page):
        import json
        self.enc = json.encoder.encode_basestring
        self.out, self.total, self.per_page = out, total, per_page
        self.in_page = 0        # events written in the open page (0: no page open)
        self.page = 0           # pages closed
        self.written = 0

    def write(self, lines, starts, first):
        """lines: records first, first+1, ...; starts: their start times."""
        enc, ev = self.enc, self.EVENT
        # stream = interface-id (third field); ingestion 1-2 min after the start,
        # deterministic; eventId: timestamp then the record number, like AWS's ids
        events = [ev % (enc(line.split(" ", 3)[2]), t * 1000, enc(line),
                        t * 1000 + 60000 + (first + i) * 7919 % 60000,
                        t * 1000 * 10 ** 43 + (first + i) * 11400714819323198487 % 10 ** 43)
                  for i, (line, t) in enumerate(zip(lines, starts))]
        out, j = self.out, 0
        while j < len(events):
            k = min(self.per_page - self.in_page, len(events) - j)
            out.write('{\n    "events": [\n' if self.in_page == 0 else ",\n")
            out.write(",\n".join(events[j:j + k]))
            j += k
            self.in_page += k
            self.written += k
            if self.in_page == self.per_page and self.written < self.total:
                self.page += 1
                out.write('\n    ],\n    "searchedLogStreams": [],\n'
                          '    "nextToken": "Bxkq6kVGFtq2y_MoigeqscPOdhXVbhiVtLoAmXb5jCrI7f'
                          '%08d"\n}\n' % self.page)
                self.in_page = 0

    def close(self):
        if self.in_page:
            self.out.write('\n    ],\n    "searchedLogStreams": []\n}\n')
        elif self.written == 0:
            self.out.write('{\n    "events": [],\n    "searchedLogStreams": []\n}\n')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("records", type=int, help="number of records (excluding the header)")
    ap.add_argument("--format", choices=("default", "v5"), default="default")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-header", action="store_true", help="omit the header line")
    ap.add_argument("--counts", metavar="FILE",
                    help="write 'records flows nodata skipdata ipv4 ipv6' to FILE")
    ap.add_argument("--json", action="store_true",
                    help="write CloudWatch Logs filter-log-events JSON pages (no header)")
    ap.add_argument("--page-events", type=int, default=10000, metavar="E",
                    help="events per JSON page (default 10000)")
    args = ap.parse_args()
    if args.page_events < 1:
        ap.error("--page-events must be at least 1")
    v5 = args.format == "v5"
    rng = random.Random("%d:%s" % (args.seed, args.format))

    enis = make_enis(rng, 2000)
    pool = make_pool(rng, enis, v5)
    prefixes = [p[0] for p in pool]
    suffixes = [p[1] for p in pool]
    counts_ok = make_counts(rng, False)
    counts_rej = make_counts(rng, True)
    counts = [counts_rej if p[2] else counts_ok for p in pool]
    isv6 = [p[3] for p in pool]
    nodata_pool = ["%s %s %s" % ("5" if v5 else "2", e.account, e.name) for e in enis]
    nodata_tail = " - - - - - - - "
    nodata_v5 = " - - - - - - - - - - - - - - -" if v5 else ""
    durations = list(range(0, 61)) + [59] * 60 + [60] * 120   # most flows span the interval

    out = sys.stdout
    pages = JsonPages(out, args.records, args.page_events) if args.json else None
    if not args.no_header and not args.json:
        out.write((V5_FIELDS if v5 else DEFAULT_FIELDS) + "\n")

    n = args.records
    nflows = nnodata = nskip = nv6 = 0
    randrange = rng.randrange
    getrandbits = rng.getrandbits
    done = 0
    while done < n:
        m = min(CHUNK, n - done)
        ks = [getrandbits(16) for _ in range(m)]
        cs = [getrandbits(16) for _ in range(m)]
        ds = rng.choices(durations, k=m)
        # start times grow with the record number (AWS objects are roughly time ordered)
        ts = [T0 + (done + i) * SPAN // n - randrange(60) for i in range(m)]
        lines = [f"{prefixes[k]} {counts[k][c]} {t} {t + d} {suffixes[k]}"
                 for k, c, t, d in zip(ks, cs, ts, ds)]
        # ~1% NODATA (a twentieth of them SKIPDATA) lines, placed at random
        replaced = {}
        for _ in range(m // 100 + (1 if randrange(100) < m % 100 else 0)):
            i = randrange(m)
            t = ts[i]
            status = "SKIPDATA" if randrange(20) == 0 else "NODATA"
            replaced[i] = status
            lines[i] = "%s%s%d %d - %s%s" % (rng.choice(nodata_pool), nodata_tail, t,
                                             t + 60, status, nodata_v5)
        nskip += sum(1 for v in replaced.values() if v == "SKIPDATA")
        nnodata += sum(1 for v in replaced.values() if v == "NODATA")
        nflows += m - len(replaced)
        nv6 += sum(isv6[k] for k in ks) - sum(isv6[ks[i]] for i in replaced)
        if pages:
            pages.write(lines, ts, done)
        else:
            out.write("\n".join(lines))
            out.write("\n")
        done += m
    if pages:
        pages.close()
    out.flush()

    if args.counts:
        with open(args.counts, "w") as f:
            f.write("records %d\nflows %d\nflows_ipv4 %d\nflows_ipv6 %d\nnodata %d\n"
                    "skipdata %d\n" % (n, nflows, nflows - nv6, nv6, nnodata, nskip))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:          # e.g. piped into head
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
