#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Deterministic generator of the committed sample VPC Flow Logs in data/samples/.
"""Write the sample logs used by the end-to-end tests.

  gen-samples.py [OUTDIR]        (default: the directory of this script)

Every file is small (10-40 lines) and the same run always writes the same
bytes (stdlib only, fixed seeds, no clock).  The interesting lines (edge
cases) are written out literally below; a seeded pseudo-random filler adds
ordinary traffic around them.  Re-run after editing and commit the output.

Files:
  default-v2.log   S3 header + default v2 records: ACCEPT/REJECT, ICMP, NODATA,
                   SKIPDATA, byte counts >= 2^32 (up to 2^64-1), port 0/65535,
                   account "unknown"
  v5-custom.log    header with the v5 field set in a non-default order, '-'
                   sprinkled, EFA traffic, tcp-flags 0..19, both directions,
                   then a second (mid-file) header with another order
  v8-all.log       every field up to version 8 + resource-id + encryption-status
  ipv6.log         IPv6 and IPv4 records mixed, IPv6 pkt-* addresses
  malformed.log    bad lines between good ones (see MALFORMED below)
  crlf.log         CRLF line endings
  headerless.log   no header; columns: srcaddr dstaddr srcport dstport protocol action
  millis.log       start/end in milliseconds (and the 1e11 boundary)
  midheader.log    header-less v2 lines, then headers mid-file: mixed case,
                   '_' for '-', a Transit Gateway column (tgw-id) and an
                   unknown one (future-field)
  tgw/tgw-default.log, tgw/tgw-default.log.gz
                   Transit Gateway flow logs, default format (every field of
                   versions 2 to 6): drops of each reason, IPv6, '-', NODATA
  tgw/tgw-new-names.log
                   the same records after a header with two names AWS does
                   not document (carried past with a warning each)
  tgw/containers/  the same records, header-less (--format), in every container
                   of containers/ (the same names), one log stream per
                   attachment
  AWSLogs/...      an S3-like tree: three objects of one day + README.md (not a
                   flow log, and a name a directory walk skips)

Containers (containers/): the 27 data lines of default-v2.log (no header), one
CloudWatch Logs stream per ENI named "<eni>-all"; each of these holds exactly
that multiset of records, so each converts to the flows of default-v2.log:
  cwl-export/<task-id>/<eni>-all/000000.gz
                   create-export-task objects, one per stream: gzip, each line
                   "<ISO-8601 time> <record>", no header
  cwl-filter-log-events.json
                   3 pages of `aws logs filter-log-events` (indent 4) one after
                   the other; nextToken but in the last, searchedLogStreams in
                   the first
  cwl-get-log-events.json
                   `aws logs get-log-events` pages per stream, compact, back to
                   back; each stream ends with an empty page
  cwl-events-array.json
                   `filter-log-events --query events`: one top-level array
  cwl-subscription.b64
                   a subscription read from Kinesis: base64(gzip(JSON)) a line,
                   a CONTROL_MESSAGE first, then one DATA_MESSAGE per stream
  cwl-lambda-event.json
                   {"awslogs": {"data": ...}} Lambda events, one per stream
  kinesis-event.json
                   one Kinesis -> Lambda event, one record per stream
  firehose/2026/11/20/00/vpc-flows-1-2026-11-20-00-00-00-<uuid>
                   a Firehose S3 object (no extension): {"message": ...}
                   objects back to back
  firehose-cwl.gz  Firehose fed by a subscription: gzip members concatenated,
                   one JSON message each (the first a CONTROL_MESSAGE)
  cwl-nointerface-subscription.b64
                   DATA_MESSAGEs in the format NOINTERFACE (no interface-id,
                   convert with --format): the stream names the interface;
                   the records of eni-0c0ffee0ddba11000 are in the stream
                   "my-custom-stream" (their interface is then that name)
  bad/bad.b64      good payloads (one of them plain JSON, no gzip, unpadded)
                   between: invalid base64, gzip cut in half, gzip with a bad
                   CRC, JSON {"foo":1}, a DATA_MESSAGE whose message is not a
                   flow record (malformed), an unknown messageType; the good
                   lines hold all 27 records
  bad/bad-syntax.json
                   a good filter-log-events page, a page with a missing comma
                   between two events (a bad payload; the events complete
                   before the error keep their records, those after are
                   lost), a good page from column 0 (decoding resumes there)
  bad/bad-firehose.json
                   {"message": ...} objects, one whose message is a number (a
                   malformed record) and an object {"msg":"x"} (a bad payload)
gzip members are written with mtime 0 (gzip.compress(..., mtime=0)).
"""

import base64
import gzip
import json
import os
import random
import sys
import time

ACCOUNT = "123456789012"
DAY = 1795132800  # 2026-11-20T00:00:00Z

DEFAULT = ("version account-id interface-id srcaddr dstaddr srcport dstport protocol "
           "packets bytes start end action log-status").split()

ENIS = ["eni-0a1b2c3d4e5f60718", "eni-1235b8ca123456789", "eni-0f9e8d7c6b5a43210",
        "eni-05d1c2b3a4f5e6d7c", "eni-0c0ffee0ddba11000"]
PRIVATE = ["10.0.1.23", "10.0.1.87", "10.0.2.15", "10.0.3.200", "172.31.16.139",
           "172.31.9.12"]
PUBLIC = ["203.0.113.12", "198.51.100.7", "192.0.2.44", "52.94.133.131", "54.239.28.85",
          "3.5.0.17", "18.204.0.1"]
SERVICES = [(6, 443), (6, 22), (6, 5432), (6, 3389), (17, 53), (17, 123), (6, 80)]


def write(outdir, name, lines, eol="\n"):
    path = os.path.join(outdir, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="") as f:
        for line in lines:
            f.write(line + eol)


def filler(rng, n, t0, fmt=DEFAULT, extra=None):
    """n ordinary default-format flow lines (joined in the order of fmt)."""
    out = []
    for _ in range(n):
        proto, port = rng.choice(SERVICES)
        inbound = rng.random() < 0.5
        local, remote = rng.choice(PRIVATE), rng.choice(PUBLIC)
        eph = rng.randint(1024, 65535)
        src, dst = (remote, local) if inbound else (local, remote)
        sport, dport = (eph, port) if inbound else (port, eph)
        pkts = rng.randint(1, 900)
        byts = pkts * rng.randint(40, 1500)
        start = t0 + rng.randint(0, 600)
        end = start + rng.randint(0, 60)
        rec = {
            "version": "2", "account-id": ACCOUNT, "interface-id": rng.choice(ENIS),
            "srcaddr": src, "dstaddr": dst, "srcport": str(sport), "dstport": str(dport),
            "protocol": str(proto), "packets": str(pkts), "bytes": str(byts),
            "start": str(start), "end": str(end),
            "action": "REJECT" if rng.random() < 0.15 else "ACCEPT", "log-status": "OK",
        }
        if extra:
            rec.update(extra(rng, rec, inbound))
        out.append(" ".join(rec[f] for f in fmt))
    return out


def default_v2_lines():
    """The lines of default-v2.log (header first); containers() reuses the records."""
    rng = random.Random(2)
    t = DAY + 3600
    lines = [" ".join(DEFAULT)]
    lines += [
        # the AWS user guide examples
        f"2 {ACCOUNT} eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK",
        f"2 {ACCOUNT} eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 3389 6 20 4249 1418530010 1418530070 REJECT OK",
        f"2 {ACCOUNT} eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA",
        f"2 {ACCOUNT} eni-0f9e8d7c6b5a43210 - - - - - - - 1431280876 1431280934 - SKIPDATA",
        # ICMP echo in and the reply out
        f"2 {ACCOUNT} eni-0a1b2c3d4e5f60718 203.0.113.12 10.0.1.23 0 0 1 4 336 {t} {t + 59} ACCEPT OK",
        f"2 {ACCOUNT} eni-0a1b2c3d4e5f60718 10.0.1.23 203.0.113.12 0 0 1 4 336 {t} {t + 59} ACCEPT OK",
        # ICMP rejected by the security group
        f"2 {ACCOUNT} eni-0a1b2c3d4e5f60718 198.51.100.7 10.0.1.23 0 0 1 1 84 {t + 5} {t + 5} REJECT OK",
    ]
    lines += filler(rng, 6, t)
    lines += [
        # large byte counts: 2^32, > 2^32, 2^64 - 1; packets > 2^32
        f"2 {ACCOUNT} eni-05d1c2b3a4f5e6d7c 10.0.2.15 52.94.133.131 443 50123 6 3000000 4294967296 {t + 60} {t + 120} ACCEPT OK",
        f"2 {ACCOUNT} eni-05d1c2b3a4f5e6d7c 10.0.2.15 3.5.0.17 443 50124 6 3500000 5123456789 {t + 60} {t + 120} ACCEPT OK",
        f"2 {ACCOUNT} eni-05d1c2b3a4f5e6d7c 10.0.2.15 3.5.0.17 443 50125 6 4294967297 18446744073709551615 {t + 60} {t + 120} ACCEPT OK",
        # ports 0 and 65535, zero packets/bytes, account "unknown" (AWS-managed ENI)
        f"2 unknown eni-0c0ffee0ddba11000 10.0.3.200 10.0.1.87 65535 0 17 0 0 {t + 61} {t + 61} ACCEPT OK",
        # ESP (no ports), GRE
        f"2 {ACCOUNT} eni-0c0ffee0ddba11000 192.0.2.44 10.0.3.200 - - 50 12 1840 {t + 90} {t + 150} ACCEPT OK",
        f"2 {ACCOUNT} eni-0c0ffee0ddba11000 10.0.3.200 192.0.2.44 0 0 47 7 700 {t + 90} {t + 150} REJECT OK",
        f"2 {ACCOUNT} eni-0a1b2c3d4e5f60718 - - - - - - - {t + 600} {t + 660} - NODATA",
    ]
    lines += filler(rng, 6, t + 600)
    lines.append(f"2 {ACCOUNT} eni-0f9e8d7c6b5a43210 - - - - - - - {t + 1200} {t + 1260} - SKIPDATA")
    return lines


def default_v2(outdir):
    write(outdir, "default-v2.log", default_v2_lines())


V5_ORDER = ("region az-id vpc-id subnet-id instance-id interface-id account-id type "
            "srcaddr dstaddr srcport dstport pkt-srcaddr pkt-dstaddr protocol tcp-flags "
            "packets bytes start end action flow-direction traffic-path pkt-src-aws-service "
            "pkt-dst-aws-service sublocation-type sublocation-id log-status version").split()
V5_ORDER2 = ("version account-id interface-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr srcport "
             "dstport protocol packets bytes start end action log-status flow-direction "
             "traffic-path tcp-flags type vpc-id subnet-id instance-id region az-id "
             "sublocation-type sublocation-id pkt-src-aws-service pkt-dst-aws-service").split()


def v5_record(**kw):
    rec = {
        "version": "5", "account-id": ACCOUNT, "interface-id": "eni-0a1b2c3d4e5f60718",
        "srcaddr": "10.0.1.23", "dstaddr": "52.94.133.131", "srcport": "43210",
        "dstport": "443", "protocol": "6", "packets": "10", "bytes": "5400",
        "start": str(DAY + 7200), "end": str(DAY + 7260), "action": "ACCEPT",
        "log-status": "OK", "vpc-id": "vpc-0d1e2f3a4b5c6d7e8", "subnet-id": "subnet-0a9b8c7d6e5f4a3b2",
        "instance-id": "i-0123456789abcdef0", "tcp-flags": "19", "type": "IPv4",
        "pkt-srcaddr": "10.0.1.23", "pkt-dstaddr": "52.94.133.131", "region": "us-east-1",
        "az-id": "use1-az4", "sublocation-type": "-", "sublocation-id": "-",
        "pkt-src-aws-service": "-", "pkt-dst-aws-service": "AMAZON",
        "flow-direction": "egress", "traffic-path": "8",
    }
    rec.update({k.replace("_", "-"): v for k, v in kw.items()})
    return rec


def v5_custom(outdir):
    t = DAY + 7200
    recs = [
        v5_record(),
        # the reply, ingress: no traffic-path
        v5_record(srcaddr="52.94.133.131", dstaddr="10.0.1.23", srcport="443", dstport="43210",
                  pkt_srcaddr="52.94.133.131", pkt_dstaddr="10.0.1.23", flow_direction="ingress",
                  traffic_path="-", pkt_src_aws_service="AMAZON", pkt_dst_aws_service="-",
                  tcp_flags="3", packets="8", bytes="3211"),
        # behind a NAT gateway: requester-managed ENI (instance-id -), pkt-* differ
        v5_record(interface_id="eni-05d1c2b3a4f5e6d7c", instance_id="-", srcaddr="10.0.2.15",
                  dstaddr="10.0.0.5", pkt_srcaddr="10.0.2.15", pkt_dstaddr="203.0.113.12",
                  srcport="50110", dstport="80", tcp_flags="2", flow_direction="ingress",
                  traffic_path="-", pkt_dst_aws_service="-"),
        v5_record(interface_id="eni-05d1c2b3a4f5e6d7c", instance_id="-", srcaddr="10.0.0.5",
                  dstaddr="203.0.113.12", pkt_srcaddr="10.0.2.15", pkt_dstaddr="203.0.113.12",
                  srcport="50110", dstport="80", tcp_flags="18", flow_direction="egress",
                  traffic_path="2", pkt_dst_aws_service="-"),
        # S3 through a gateway endpoint, tcp-flags 1 (FIN only), 4 (RST)
        v5_record(dstaddr="3.5.0.17", pkt_dstaddr="3.5.0.17", pkt_dst_aws_service="S3",
                  traffic_path="7", tcp_flags="1", bytes="987654321098"),
        v5_record(dstaddr="3.5.0.17", pkt_dstaddr="3.5.0.17", pkt_dst_aws_service="S3",
                  traffic_path="7", tcp_flags="4", action="REJECT"),
        # UDP DNS to the resolver: tcp-flags 0
        v5_record(dstaddr="10.0.0.2", pkt_dstaddr="10.0.0.2", protocol="17", srcport="53001",
                  dstport="53", tcp_flags="0", traffic_path="1", pkt_dst_aws_service="ROUTE53"),
        # EFA traffic (type EFA): no addresses in the usual sense
        v5_record(type="EFA", srcaddr="-", dstaddr="-", pkt_srcaddr="-", pkt_dstaddr="-",
                  srcport="-", dstport="-", protocol="-", tcp_flags="-", traffic_path="1",
                  pkt_dst_aws_service="-", packets="120000", bytes="983040000"),
        # Wavelength zone: sublocation fields set, az-id -
        v5_record(az_id="-", sublocation_type="wavelength", sublocation_id="wlz-0123abcd4567ef890",
                  region="us-east-1", srcaddr="10.0.1.87", pkt_srcaddr="10.0.1.87",
                  dstaddr="198.51.100.7", pkt_dstaddr="198.51.100.7", pkt_dst_aws_service="-",
                  traffic_path="6"),
        # Outpost
        v5_record(az_id="-", sublocation_type="outpost", sublocation_id="op-0abcdef1234567890",
                  action="REJECT", tcp_flags="2", flow_direction="ingress", traffic_path="-",
                  srcaddr="198.51.100.7", dstaddr="10.0.1.87", pkt_srcaddr="198.51.100.7",
                  pkt_dstaddr="10.0.1.87", srcport="51515", dstport="22",
                  pkt_dst_aws_service="-"),
        # NODATA in a custom format
        {**{f: "-" for f in V5_ORDER}, "version": "5", "account-id": ACCOUNT,
         "interface-id": "eni-0f9e8d7c6b5a43210", "start": str(t + 300), "end": str(t + 360),
         "log-status": "NODATA", "region": "us-east-1", "vpc-id": "vpc-0d1e2f3a4b5c6d7e8",
         "subnet-id": "subnet-0a9b8c7d6e5f4a3b2", "az-id": "use1-az4"},
        # peering, inter-region; region/vpc unknown (-), version -
        v5_record(version="-", region="-", vpc_id="-", dstaddr="172.31.9.12",
                  pkt_dstaddr="172.31.9.12", traffic_path="5", pkt_dst_aws_service="-",
                  pkt_src_aws_service="-", interface_id="-"),
        # a flow with no action and no times
        v5_record(action="-", start="-", end="-", packets="-", bytes="-", tcp_flags="-"),
    ]
    lines = [" ".join(V5_ORDER)] + [" ".join(r[f] for f in V5_ORDER) for r in recs]
    # a concatenated second object: its header, another order
    recs2 = [
        v5_record(pkt_src_aws_service="EC2", srcaddr="10.0.3.200", pkt_srcaddr="10.0.3.200",
                  interface_id="eni-0c0ffee0ddba11000", traffic_path="3", flow_direction="egress",
                  dstaddr="192.0.2.44", pkt_dstaddr="192.0.2.44", pkt_dst_aws_service="-"),
        v5_record(flow_direction="ingress", traffic_path="-", srcaddr="54.239.28.85",
                  pkt_srcaddr="54.239.28.85", pkt_src_aws_service="CLOUDFRONT",
                  dstaddr="10.0.3.200", pkt_dstaddr="10.0.3.200", pkt_dst_aws_service="-",
                  interface_id="eni-0c0ffee0ddba11000", srcport="443", dstport="61000",
                  tcp_flags="19", action="REJECT"),
        v5_record(traffic_path="4", dstaddr="172.31.16.139", pkt_dstaddr="172.31.16.139",
                  pkt_dst_aws_service="-", protocol="17", srcport="123", dstport="123",
                  tcp_flags="0"),
    ]
    lines += [" ".join(V5_ORDER2)] + [" ".join(r[f] for f in V5_ORDER2) for r in recs2]
    write(outdir, "v5-custom.log", lines)


V8_ORDER = ("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets "
            "bytes start end action log-status vpc-id subnet-id instance-id tcp-flags type "
            "pkt-srcaddr pkt-dstaddr region az-id sublocation-type sublocation-id "
            "pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path "
            "ecs-cluster-arn ecs-cluster-name ecs-container-instance-arn "
            "ecs-container-instance-id ecs-container-id ecs-second-container-id "
            "ecs-service-name ecs-task-definition-arn ecs-task-arn ecs-task-id "
            "reject-reason resource-id encryption-status").split()


def v8_all(outdir):
    rng = random.Random(8)
    t = DAY + 10800
    cluster = "prod-web"
    arn = f"arn:aws:ecs:us-east-1:{ACCOUNT}:"
    lines = [" ".join(V8_ORDER)]

    def hexid(n):
        return "".join(rng.choice("0123456789abcdef") for _ in range(n))

    specs = [
        # (srcaddr, dstaddr, sport, dport, action, direction, reject-reason, enc, ecs?, resource)
        ("10.0.1.23", "10.0.2.15", 41000, 8080, "ACCEPT", "egress", "-", "1", True, "-"),
        ("10.0.2.15", "10.0.1.23", 8080, 41000, "ACCEPT", "ingress", "-", "1", True, "-"),
        ("10.0.1.23", "52.94.133.131", 41001, 443, "ACCEPT", "egress", "-", "2", True, "-"),
        ("198.51.100.7", "10.0.1.23", 55555, 22, "REJECT", "ingress", "BPA", "0", True, "-"),
        ("10.0.1.23", "203.0.113.12", 41002, 443, "REJECT", "egress", "BPA", "-", True, "-"),
        ("10.0.1.87", "10.0.2.15", 42000, 5432, "ACCEPT", "egress", "-", "3", False,
         "vpce-0a1b2c3d4e5f60718"),
        ("10.0.2.15", "10.0.1.87", 5432, 42000, "ACCEPT", "ingress", "-", "3", False, "-"),
        ("10.0.1.87", "3.5.0.17", 42001, 443, "ACCEPT", "egress", "-", "0", False,
         "vpce-0f9e8d7c6b5a43210"),
        ("192.0.2.44", "10.0.1.87", 60000, 443, "REJECT", "ingress", "-", "0", False, "-"),
        ("10.0.3.200", "10.0.1.23", 0, 0, "ACCEPT", "ingress", "-", "-", True, "-"),
    ]
    for i, (src, dst, sp, dp, act, direction, why, enc, ecs, res) in enumerate(specs):
        task = hexid(32)
        proto = "1" if sp == 0 and dp == 0 else "6"
        rec = v5_record(version="8", srcaddr=src, dstaddr=dst, pkt_srcaddr=src, pkt_dstaddr=dst,
                        srcport=str(sp), dstport=str(dp), protocol=proto, action=act,
                        flow_direction=direction,
                        traffic_path="-" if direction == "ingress" else "1",
                        pkt_dst_aws_service="AMAZON" if dst.startswith("52.") else "-",
                        tcp_flags="-" if proto == "1" else rng.choice(["2", "18", "19", "3"]),
                        start=str(t + 60 * i), end=str(t + 60 * i + 59),
                        packets=str(rng.randint(1, 5000)), bytes=str(rng.randint(64, 9000000)))
        rec.update({f: "-" for f in V8_ORDER if f.startswith("ecs-")})
        if ecs:
            ci = hexid(32)
            rec.update({
                "ecs-cluster-arn": f"{arn}cluster/{cluster}",
                "ecs-cluster-name": cluster,
                "ecs-container-instance-arn": f"{arn}container-instance/{cluster}/{ci}",
                "ecs-container-instance-id": ci,
                "ecs-container-id": f"{task}-{rng.randint(1000000000, 9999999999)}",
                "ecs-second-container-id": "-" if i % 2 else f"{task}-{rng.randint(1000000000, 9999999999)}",
                "ecs-service-name": "web-frontend" if i != 4 else "-",
                "ecs-task-definition-arn": f"{arn}task-definition/web-frontend:17",
                "ecs-task-arn": f"{arn}task/{cluster}/{task}",
                "ecs-task-id": task,
            })
        rec.update({"reject-reason": why, "resource-id": res, "encryption-status": enc})
        lines.append(" ".join(rec[f] for f in V8_ORDER))
    nodata = {f: "-" for f in V8_ORDER}
    nodata.update({"version": "8", "account-id": ACCOUNT, "interface-id": "eni-0f9e8d7c6b5a43210",
                   "start": str(t + 900), "end": str(t + 960), "log-status": "NODATA"})
    lines.append(" ".join(nodata[f] for f in V8_ORDER))
    write(outdir, "v8-all.log", lines)


IPV6_ORDER = ("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets "
              "bytes start end action log-status type pkt-srcaddr pkt-dstaddr flow-direction").split()


def ipv6(outdir):
    t = DAY + 14400
    L = []

    def add(src, dst, sp, dp, proto, typ, psrc, pdst, direction, action="ACCEPT", pk=5, by=700):
        L.append(f"5 {ACCOUNT} eni-0a1b2c3d4e5f60718 {src} {dst} {sp} {dp} {proto} {pk} {by} "
                 f"{t + 10 * len(L)} {t + 10 * len(L) + 30} {action} OK {typ} {psrc} {pdst} {direction}")

    add("2600:1f18:4a3:6902::1", "2600:1f18:4a3:6902:1b2:3c4:5d6:7e8", 443, 50001, 6, "IPv6",
        "2600:1f18:4a3:6902::1", "2600:1f18:4a3:6902:1b2:3c4:5d6:7e8", "egress")
    add("10.0.1.23", "52.94.133.131", 50002, 443, 6, "IPv4", "10.0.1.23", "52.94.133.131", "egress")
    add("2001:db8:1234::42", "2600:1f18:4a3:6902::1", 51000, 22, 6, "IPv6",
        "2001:db8:1234::42", "2600:1f18:4a3:6902::1", "ingress", "REJECT", 1, 80)
    # ICMPv6
    add("fe80::1ff:fe23:4567:890a", "ff02::1", 0, 0, 58, "IPv6", "fe80::1ff:fe23:4567:890a",
        "ff02::1", "ingress")
    add("2600:1f18:4a3:6902::1", "2001:db8:1234::42", 0, 0, 58, "IPv6", "-", "-", "egress")
    # uppercase hex and a written-out (uncompressed) form
    add("2600:1F18:04A3:6902:0000:0000:0000:00AB", "2001:DB8::C0:FFEE", 443, 50003, 6, "IPv6",
        "2600:1f18:4a3:6902::ab", "2001:db8::c0:ffee", "egress", pk=4000000, by=6000000000)
    add("10.0.1.87", "10.0.2.15", 50004, 5432, 6, "IPv4", "10.0.1.87", "10.0.2.15", "egress")
    # IPv6 pkt addresses only, key addresses absent
    add("-", "-", 50005, 443, 6, "IPv6", "2001:db8:abcd::5", "2600:1f18:4a3:6902::9", "egress")
    # all-zero and all-ones
    add("::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 1, 65535, 17, "IPv6", "::",
        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ingress", "REJECT")
    add("0.0.0.0", "255.255.255.255", 68, 67, 17, "IPv4", "0.0.0.0", "255.255.255.255", "egress")
    add("2600:1f18:4a3:6902::1", "2001:db8:1234::42", 443, 51000, 6, "IPv6", "-",
        "2001:db8:1234::42", "egress")
    write(outdir, "ipv6.log", [" ".join(IPV6_ORDER)] + L)


# line -> why it is malformed (the test reads nothing from here; documentation)
MALFORMED = [
    ("13 columns", "2 {a} eni-0a1b2c3d4e5f60718 10.0.1.23 10.0.2.15 443 50000 6 10 800 {t} {e} ACCEPT"),
    ("15 columns", "2 {a} eni-0a1b2c3d4e5f60718 10.0.1.23 10.0.2.15 443 50000 6 10 800 {t} {e} ACCEPT OK extra"),
    ("non-numeric port", "2 {a} eni-0a1b2c3d4e5f60718 10.0.1.23 10.0.2.15 ssh 50000 6 10 800 {t} {e} ACCEPT OK"),
    ("port 70000", "2 {a} eni-0a1b2c3d4e5f60718 10.0.1.23 10.0.2.15 443 70000 6 10 800 {t} {e} ACCEPT OK"),
    ("bad IPv4", "2 {a} eni-0a1b2c3d4e5f60718 10.0.1.300 10.0.2.15 443 50000 6 10 800 {t} {e} ACCEPT OK"),
    ("bad IPv6", "2 {a} eni-0a1b2c3d4e5f60718 2600:1f18::4a3::1 10.0.2.15 443 50000 6 10 800 {t} {e} ACCEPT OK"),
    ("bad action", "2 {a} eni-0a1b2c3d4e5f60718 10.0.1.23 10.0.2.15 443 50000 6 10 800 {t} {e} ALLOW OK"),
    ("bad log-status", "2 {a} eni-0a1b2c3d4e5f60718 10.0.1.23 10.0.2.15 443 50000 6 10 800 {t} {e} ACCEPT FINE"),
    ("protocol 256", "2 {a} eni-0a1b2c3d4e5f60718 10.0.1.23 10.0.2.15 443 50000 256 10 800 {t} {e} ACCEPT OK"),
    ("negative packets", "2 {a} eni-0a1b2c3d4e5f60718 10.0.1.23 10.0.2.15 443 50000 6 -10 800 {t} {e} ACCEPT OK"),
    ("bytes 2^64", "2 {a} eni-0a1b2c3d4e5f60718 10.0.1.23 10.0.2.15 443 50000 6 10 18446744073709551616 {t} {e} ACCEPT OK"),
    ("hex start", "2 {a} eni-0a1b2c3d4e5f60718 10.0.1.23 10.0.2.15 443 50000 6 10 800 0x6b000000 {e} ACCEPT OK"),
    ("version 256", "256 {a} eni-0a1b2c3d4e5f60718 10.0.1.23 10.0.2.15 443 50000 6 10 800 {t} {e} ACCEPT OK"),
]


def malformed(outdir):
    rng = random.Random(13)
    t = DAY + 18000
    lines = [" ".join(DEFAULT)]
    for i, (_why, tmpl) in enumerate(MALFORMED):
        lines += filler(rng, 1 + i % 2, t)
        lines.append(tmpl.format(a=ACCOUNT, t=t + i, e=t + i + 30))
    lines += filler(rng, 2, t)
    write(outdir, "malformed.log", lines)


def crlf(outdir):
    rng = random.Random(10)
    lines = [" ".join(DEFAULT)] + filler(rng, 8, DAY + 21600)
    lines.insert(4, f"2 {ACCOUNT} eni-0a1b2c3d4e5f60718 - - - - - - - {DAY + 21600} {DAY + 21660} - NODATA")
    lines.insert(6, "")  # an empty line (just CR LF)
    write(outdir, "crlf.log", lines, eol="\r\n")


def headerless(outdir):
    # columns: srcaddr dstaddr srcport dstport protocol action
    rng = random.Random(6)
    fmt = "srcaddr dstaddr srcport dstport protocol action".split()
    lines = filler(rng, 8, DAY, fmt=fmt)
    lines += ["10.0.1.23 203.0.113.12 0 0 1 ACCEPT",
              "2001:db8::1 2600:1f18:4a3:6902::1 443 50000 6 REJECT",
              "- - - - - ACCEPT",
              "10.0.1.23 10.0.2.15 - - 50 -"]
    write(outdir, "headerless.log", lines)


def millis(outdir):
    rng = random.Random(11)
    t = DAY + 25200
    lines = [" ".join(DEFAULT)]
    for i, line in enumerate(filler(rng, 10, t)):
        f = line.split()
        f[10] = str(int(f[10]) * 1000 + (i * 137) % 1000)   # start in ms
        f[11] = str(int(f[11]) * 1000 + (i * 911) % 1000)   # end in ms
        lines.append(" ".join(f))
    # the detection boundary: 99999999999 is seconds (x1000), 100000000000 already ms
    lines.append(f"2 {ACCOUNT} eni-0a1b2c3d4e5f60718 10.0.1.23 10.0.2.15 443 50000 6 10 800 "
                 "99999999999 100000000000 ACCEPT OK")
    # mixed: start in seconds, end in ms
    lines.append(f"2 {ACCOUNT} eni-0a1b2c3d4e5f60718 10.0.1.23 10.0.2.15 443 50001 6 10 800 "
                 f"{t} {(t + 1) * 1000 + 999} ACCEPT OK")
    lines.append(f"2 {ACCOUNT} eni-0a1b2c3d4e5f60718 - - - - - - - {t * 1000} {t * 1000 + 60000} - NODATA")
    write(outdir, "millis.log", lines)


def midheader(outdir):
    rng = random.Random(14)
    t = DAY + 28800
    lines = filler(rng, 3, t)                         # no header: default v2
    h1 = "VERSION Account_ID interface_id SrcAddr DstAddr Action Log_Status Flow_Direction".split()
    lines.append(" ".join(h1))
    lines += [f"4 {ACCOUNT} eni-0a1b2c3d4e5f60718 10.0.1.23 10.0.2.15 ACCEPT OK egress",
              f"4 {ACCOUNT} eni-0a1b2c3d4e5f60718 10.0.2.15 10.0.1.23 REJECT OK ingress",
              ""]
    # a Transit Gateway column the tool does not know: carried past, never exported
    lines.append("version interface-id tgw-id future-field srcaddr dstaddr packets bytes")
    lines += [f"6 eni-0f9e8d7c6b5a43210 tgw-0123456789abcdef0 x1 10.0.3.200 10.0.1.87 4 320",
              f"6 eni-0f9e8d7c6b5a43210 tgw-0123456789abcdef0 - 10.0.1.87 10.0.3.200 3 1200"]
    lines.append(" ".join(DEFAULT))
    lines += filler(rng, 3, t + 60)
    write(outdir, "midheader.log", lines)


def s3_tree(outdir):
    rng = random.Random(20)
    base = os.path.join("AWSLogs", ACCOUNT, "vpcflowlogs", "us-east-1", "2026", "11", "20")
    for k, hhmm in enumerate(["0000", "0005", "0010"]):
        t = DAY + k * 300
        name = f"{ACCOUNT}_vpcflowlogs_us-east-1_fl-0a1b2c3d4e5f60718_20261120T{hhmm}Z_{rng.getrandbits(32):08x}.log"
        lines = [" ".join(DEFAULT)] + filler(rng, 5 + k, t)
        if k == 1:
            lines.insert(3, f"2 {ACCOUNT} eni-0f9e8d7c6b5a43210 - - - - - - - {t} {t + 60} - NODATA")
        write(outdir, os.path.join(base, name), lines)
    # not a flow log, and named so that a directory walk skips it (*.json is read)
    with open(os.path.join(outdir, base, "README.md"), "w") as f:
        f.write('{"note": "not a flow log: vpc2ipfix must skip this file",\n'
                ' "version": 2, "account-id": "123456789012"}\n')


# --------------------------------------------------------------------------
# Containers (issue 4): the records of default-v2.log as CloudWatch Logs and
# Firehose deliver them.  Every container below holds exactly the data lines
# of default-v2.log (same multiset), so each one converts to the same flows.
# --------------------------------------------------------------------------

LOG_GROUP = "vpc-flow-logs"
CONTROL_TEXT = "CWL CONTROL MESSAGE: Checking health of destination Kinesis stream."
NOINTERFACE = ("version account-id srcaddr dstaddr srcport dstport protocol packets bytes "
               "start end action log-status").split()


def write_bytes(outdir, name, data):
    path = os.path.join(outdir, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def gz(data):
    return gzip.compress(data, mtime=0)


def b64gz(obj):
    """base64(gzip(compact JSON)), as CloudWatch Logs subscriptions deliver."""
    return base64.b64encode(gz(compact(obj).encode())).decode()


def compact(obj):
    return json.dumps(obj, separators=(",", ":"))


def pretty(obj):
    """What the AWS CLI prints (json output, indent 4), with its final newline."""
    return json.dumps(obj, indent=4) + "\n"


def iso(secs):
    t = time.gmtime(secs)
    return time.strftime("%Y-%m-%dT%H:%M:%S", t) + ".000Z"


class Events:
    """The records as CloudWatch Logs events: one log stream per ENI
    ("<eni>-all"), timestamp = start time (ms), ingestion a little later."""

    def __init__(self, records, stream_of=None, seed=4, start_index=10):
        rng = random.Random(seed)
        self.events = []
        for i, rec in enumerate(records):
            f = rec.split()
            stream = stream_of(i, f) if stream_of else f[2] + "-all"
            ts = int(f[start_index]) * 1000
            self.events.append({
                "index": i, "stream": stream, "timestamp": ts, "message": rec,
                "ingestionTime": ts + 60000 + rng.randint(1000, 9999),
                "eventId": "".join(rng.choice("0123456789") for _ in range(56)),
            })
        self.streams = []
        for e in self.events:
            if e["stream"] not in self.streams:
                self.streams.append(e["stream"])
        self.rng = rng

    def of_stream(self, stream):
        """The events of one stream, in stream order (time, then arrival)."""
        return sorted((e for e in self.events if e["stream"] == stream),
                      key=lambda e: (e["timestamp"], e["index"]))

    def by_time(self):
        """All streams interleaved, as filter-log-events returns them."""
        return sorted(self.events, key=lambda e: (e["timestamp"], e["index"]))

    def token(self, n=76):
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    def data_message(self, stream, events=None):
        return {
            "messageType": "DATA_MESSAGE", "owner": ACCOUNT, "logGroup": LOG_GROUP,
            "logStream": stream, "subscriptionFilters": ["vpc-flows-to-kinesis"],
            "logEvents": [{"id": e["eventId"], "timestamp": e["timestamp"],
                           "message": e["message"]}
                          for e in (self.of_stream(stream) if events is None else events)],
        }

    def control_message(self):
        return {
            "messageType": "CONTROL_MESSAGE", "owner": "CloudwatchLogs", "logGroup": "",
            "logStream": "", "subscriptionFilters": [],
            "logEvents": [{"id": "", "timestamp": (DAY + 5) * 1000, "message": CONTROL_TEXT}],
        }


def filter_event(e):
    return {"logStreamName": e["stream"], "timestamp": e["timestamp"], "message": e["message"],
            "ingestionTime": e["ingestionTime"], "eventId": e["eventId"]}


def filter_pages(ev, events, sizes):
    """filter-log-events pages of the given sizes (the last takes the rest)."""
    pages, i = [], 0
    for k, n in enumerate(sizes + [len(events)]):
        chunk = events[i:i + n]
        i += len(chunk)
        page = {"events": [filter_event(e) for e in chunk]}
        if k == 0:
            page["searchedLogStreams"] = [{"logStreamName": s, "searchedCompletely": True}
                                          for s in ev.streams]
        if i < len(events):
            page["nextToken"] = ev.token()
        pages.append(page)
        if i >= len(events):
            break
    return pages


def every_container(outdir, base, records, ev, page_sizes):
    """The records in every CloudWatch Logs and Firehose container, under base."""
    # create-export-task: <prefix>/<task-id>/<stream>/000000.gz
    task = "4a1b2c3d-5e6f-4071-8293-a4b5c6d7e8f9"
    for stream in ev.streams:
        lines = [f"{iso(e['timestamp'] // 1000)} {e['message']}\n" for e in ev.of_stream(stream)]
        write_bytes(outdir, f"{base}/cwl-export/{task}/{stream}/000000.gz",
                    gz("".join(lines).encode()))

    # aws logs filter-log-events, paged by hand: three outputs one after the other
    pages = filter_pages(ev, ev.by_time(), page_sizes)
    assert len(pages) == len(page_sizes) + 1
    write_bytes(outdir, f"{base}/cwl-filter-log-events.json",
                "".join(pretty(p) for p in pages).encode())

    # aws logs get-log-events per stream, compact pages back to back; the last page
    # of a stream comes back empty with the same forward token
    out = []
    for stream in ev.streams:
        evs = ev.of_stream(stream)
        chunks = [evs[i:i + 4] for i in range(0, len(evs), 4)] + [[]]
        for chunk in chunks:
            out.append(compact({
                "events": [{"timestamp": e["timestamp"], "message": e["message"],
                            "ingestionTime": e["ingestionTime"]} for e in chunk],
                "nextForwardToken": "f/" + "".join(ev.rng.choice("0123456789") for _ in range(56)) + "/s",
                "nextBackwardToken": "b/" + "".join(ev.rng.choice("0123456789") for _ in range(56)) + "/s",
            }))
    write_bytes(outdir, f"{base}/cwl-get-log-events.json", "".join(out).encode())

    # aws logs filter-log-events --query events
    write_bytes(outdir, f"{base}/cwl-events-array.json",
                pretty([filter_event(e) for e in ev.by_time()]).encode())

    # a subscription delivered to Kinesis, one base64 payload a line
    lines = [b64gz(ev.control_message())] + [b64gz(ev.data_message(s)) for s in ev.streams]
    write_bytes(outdir, f"{base}/cwl-subscription.b64", "".join(l + "\n" for l in lines).encode())

    # CloudWatch Logs -> Lambda: one event per stream, as Lambda test events are kept
    write_bytes(outdir, f"{base}/cwl-lambda-event.json",
                "".join(pretty({"awslogs": {"data": b64gz(ev.data_message(s))}})
                        for s in ev.streams).encode())

    # Kinesis -> Lambda: one event, one Kinesis record per stream
    recs = []
    seq = 49590338271490256608559692538361571095921575989136588898
    for k, s in enumerate(ev.streams):
        seqno = str(seq + k * 1000003)
        recs.append({
            "kinesis": {"kinesisSchemaVersion": "1.0",
                        "partitionKey": "%032x" % ev.rng.getrandbits(128),
                        "sequenceNumber": seqno, "data": b64gz(ev.data_message(s)),
                        "approximateArrivalTimestamp": DAY + 12.345 + k},
            "eventSource": "aws:kinesis", "eventVersion": "1.0",
            "eventID": f"shardId-000000000000:{seqno}", "eventName": "aws:kinesis:record",
            "invokeIdentityArn": f"arn:aws:iam::{ACCOUNT}:role/vpc-flows-consumer",
            "awsRegion": "us-east-1",
            "eventSourceARN": f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/vpc-flows",
        })
    write_bytes(outdir, f"{base}/kinesis-event.json", pretty({"Records": recs}).encode())

    # Firehose to S3 (records as {"message": ...}, back to back, no separator)
    write_bytes(outdir, f"{base}/firehose/2026/11/20/00/"
                "vpc-flows-1-2026-11-20-00-00-00-6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b",
                "".join(compact({"message": r}) for r in records).encode())

    # Firehose fed by a CloudWatch Logs subscription: one gzip member per delivery
    members = [gz(compact(ev.control_message()).encode())]
    members += [gz(compact(ev.data_message(s)).encode()) for s in ev.streams]
    write_bytes(outdir, f"{base}/firehose-cwl.gz", b"".join(members))


def containers(outdir):
    records = default_v2_lines()[1:]
    ev = Events(records)
    base = "containers"
    every_container(outdir, base, records, ev, [9, 9])

    # No interface-id in the format: the log stream names the interface.  The
    # records of eni-0c0ffee0ddba11000 go to a stream that is not an ENI name.
    enis = [r.split()[2] for r in records]

    def stream_of(i, _f):
        return "my-custom-stream" if enis[i] == "eni-0c0ffee0ddba11000" else enis[i] + "-all"
    evn = Events([" ".join(r.split()[:2] + r.split()[3:]) for r in records], stream_of, seed=5)
    lines = [b64gz(evn.data_message(s)) for s in evn.streams]
    write_bytes(outdir, f"{base}/cwl-nointerface-subscription.b64",
                "".join(l + "\n" for l in lines).encode())

    bad_containers(outdir, ev, f"{base}/bad")


def bad_containers(outdir, ev, base):
    """Malformed containers; see the list in the module docstring."""
    s = ev.streams
    good = [b64gz(ev.data_message(x)) for x in s]
    full = gz(compact(ev.data_message(s[0])).encode())
    crc = bytearray(full)
    crc[-8] ^= 0xFF                                      # CRC-32 of the member
    # one stream as base64 of plain JSON (no gzip), its padding dropped
    plains = [base64.b64encode(compact(ev.data_message(x)).encode()).decode() for x in s]
    k = next(k for k in range(2, len(s)) if plains[k].endswith("="))
    rest = [good[j] for j in range(2, len(s)) if j != k]
    notflow = ev.data_message(s[0], [dict(ev.of_stream(s[0])[0], message="this is not a flow record")])
    unknown = dict(ev.data_message(s[1]), messageType="DATA_MESSAGE_V2")
    lines = [
        good[0],                                          # 1
        "H4sIAAAAAAAA/%%%%not*base64%%%%",                 # 2 invalid base64
        good[1],                                          # 3
        base64.b64encode(full[:len(full) // 2]).decode(),  # 4 truncated gzip
        base64.b64encode(bytes(crc)).decode(),            # 5 gzip with a bad CRC
        plains[k].rstrip("="),                            # 6 good: no gzip, no padding
        b64gz({"foo": 1}),                                # 7 wrong shape
        b64gz(notflow),                                   # 8 one malformed message
        b64gz(unknown),                                   # 9 unknown messageType
    ] + rest                                              # 10.. good
    write_bytes(outdir, f"{base}/bad.b64", "".join(l + "\n" for l in lines).encode())

    # a good page, a page broken in the middle (a missing comma between two
    # events), a good page: the first and the last give records, the broken
    # one those of its events before the error
    evs = ev.by_time()
    p1 = pretty({"events": [filter_event(e) for e in evs[:8]], "nextToken": ev.token()})
    p2 = pretty({"events": [filter_event(e) for e in evs[8:16]], "nextToken": ev.token()})
    cut = p2.index("        },\n        {", len(p2) // 3)
    p2 = p2[:cut] + "        }\n        {" + p2[cut + len("        },\n        {"):]
    p3 = pretty({"events": [filter_event(e) for e in evs[16:]]})
    write_bytes(outdir, f"{base}/bad-syntax.json", (p1 + p2 + p3).encode())

    # Firehose records: a message that is a number (a malformed record), an
    # object that is no known shape (a bad payload)
    recs = [e["message"] for e in ev.events]
    objs = [compact({"message": r}) for r in recs[:3]]
    objs.append(compact({"message": 2026112000}))
    objs += [compact({"message": r}) for r in recs[3:6]]
    objs.append('{"msg":"x"}')
    objs += [compact({"message": r}) for r in recs[6:10]]
    # back to back, with a line break after every fourth object
    text = "".join(o + ("\n" if k % 4 == 3 else "") for k, o in enumerate(objs)) + "\n"
    write_bytes(outdir, f"{base}/bad-firehose.json", text.encode())

# The Transit Gateway default format: every field of versions 2 to 6, in the
# order of the "Available fields" table of the AWS Transit Gateway guide.
TGW_ORDER = ("version resource-type account-id tgw-id tgw-attachment-id tgw-src-vpc-account-id "
             "tgw-dst-vpc-account-id tgw-src-vpc-id tgw-dst-vpc-id tgw-src-subnet-id "
             "tgw-dst-subnet-id tgw-src-eni tgw-dst-eni tgw-src-az-id tgw-dst-az-id "
             "tgw-pair-attachment-id srcaddr dstaddr srcport dstport protocol packets bytes start "
             "end log-status type packets-lost-no-route packets-lost-blackhole "
             "packets-lost-mtu-exceeded packets-lost-ttl-expired tcp-flags region flow-direction "
             "pkt-src-aws-service pkt-dst-aws-service").split()
TGW_START = TGW_ORDER.index("start")


def tgw_lines():
    """Transit Gateway records: two VPC attachments and a VPN attachment,
    both directions, drops of every reason, IPv6, '-' values, NODATA."""
    rng = random.Random(6)
    t = DAY + 14400
    tgw = "tgw-0a1b2c3d4e5f60718"
    att = {"a": "tgw-attach-0a1b2c3d4e5f6a001", "b": "tgw-attach-0a1b2c3d4e5f6b002",
           "vpn": "tgw-attach-0a1b2c3d4e5f6c003"}
    vpc = {"a": ("111122223333", "vpc-0a1b2c3d4e5f6a0a1", "subnet-0a1b2c3d4e5f6a0a1",
                 "eni-0a1b2c3d4e5f6a0a1", "use1-az1"),
           "b": ("444455556666", "vpc-0a1b2c3d4e5f6b0b2", "subnet-0a1b2c3d4e5f6b0b2",
                 "eni-0a1b2c3d4e5f6b0b2", "use1-az2")}
    specs = [
        # (from, to, src, dst, sport, dport, proto, lost (no-route, blackhole, mtu, ttl), flags, dir)
        ("a", "b", "10.1.0.10", "10.2.0.20", 40001, 443, 6, (0, 0, 0, 0), "2", "ingress"),
        ("b", "a", "10.2.0.20", "10.1.0.10", 443, 40001, 6, (0, 0, 0, 0), "18", "egress"),
        ("a", "b", "10.1.0.11", "10.2.0.21", 40002, 5432, 6, (3, 0, 0, 0), "2", "ingress"),
        ("a", "b", "10.1.0.12", "10.2.0.99", 40003, 80, 6, (0, 7, 0, 0), "2", "ingress"),
        ("a", "b", "10.1.0.13", "10.2.0.22", 40004, 9000, 6, (0, 0, 12, 0), "24", "ingress"),
        ("a", "vpn", "10.1.0.14", "192.168.10.5", 0, 0, 1, (0, 0, 0, 2), "-", "ingress"),
        ("vpn", "a", "192.168.10.5", "10.1.0.14", 53000, 53, 17, (0, 0, 0, 0), "-", "egress"),
        ("a", "b", "2600:1f18:1:a::10", "2600:1f18:2:b::20", 40005, 443, 6, (0, 0, 0, 0), "19",
         "ingress"),
        ("b", "a", "2600:1f18:2:b::20", "2600:1f18:1:a::10", 443, 40005, 6, (1, 2, 3, 4), "27",
         "egress"),
        ("a", "b", "10.1.0.15", "10.2.0.23", 40006, 22, 6, (0, 0, 0, 0), "63", "ingress"),
    ]
    lines = [" ".join(TGW_ORDER)]
    for i, (fr, to, src, dst, sp, dp, proto, lost, flags, direction) in enumerate(specs):
        here = att[fr] if direction == "ingress" else att[to]
        pair = att[to] if direction == "ingress" else att[fr]
        rec = {f: "-" for f in TGW_ORDER}
        rec.update({
            "version": "6", "resource-type": "TransitGateway", "account-id": ACCOUNT,
            "tgw-id": tgw, "tgw-attachment-id": here, "tgw-pair-attachment-id": pair,
            "srcaddr": src, "dstaddr": dst, "srcport": str(sp), "dstport": str(dp),
            "protocol": str(proto), "packets": str(rng.randint(1, 9000)),
            "bytes": str(rng.randint(64, 9000000)), "start": str(t + 60 * i),
            "end": str(t + 60 * i + 59), "log-status": "OK",
            "type": "IPv6" if ":" in src else "IPv4", "tcp-flags": flags, "region": "us-east-1",
            "flow-direction": direction,
            "packets-lost-no-route": str(lost[0]), "packets-lost-blackhole": str(lost[1]),
            "packets-lost-mtu-exceeded": str(lost[2]), "packets-lost-ttl-expired": str(lost[3]),
        })
        for side, key in (("src", fr), ("dst", to)):
            if key in vpc:
                acct, v, sub, eni, az = vpc[key]
                rec.update({f"tgw-{side}-vpc-account-id": acct, f"tgw-{side}-vpc-id": v,
                            f"tgw-{side}-subnet-id": sub, f"tgw-{side}-eni": eni,
                            f"tgw-{side}-az-id": az})
        if i == 9:  # counters AWS could not compute
            rec["packets-lost-mtu-exceeded"] = "-"
            rec["packets-lost-ttl-expired"] = "-"
        lines.append(" ".join(rec[f] for f in TGW_ORDER))
    nodata = {f: "-" for f in TGW_ORDER}
    nodata.update({"version": "6", "resource-type": "TransitGateway", "account-id": ACCOUNT,
                   "tgw-id": tgw, "tgw-attachment-id": att["a"], "start": str(t + 900),
                   "end": str(t + 960), "log-status": "NODATA"})
    lines.append(" ".join(nodata[f] for f in TGW_ORDER))
    return lines


def tgw(outdir):
    """tgw/: Transit Gateway records as text, gzip and in every container."""
    lines = tgw_lines()
    write(outdir, "tgw/tgw-default.log", lines)
    write_bytes(outdir, "tgw/tgw-default.log.gz", gz("".join(l + "\n" for l in lines).encode()))
    # The same records after a header with names AWS does not document (yet):
    # each is warned about once and its column carried past.
    extra = ["future-field-one", "future-field-two"]
    names = lines[0].split()
    wide = [" ".join(names[:3] + extra[:1] + names[3:] + extra[1:])]
    for l in lines[1:]:
        f = l.split()
        wide.append(" ".join(f[:3] + ["x-1"] + f[3:] + ["-"]))
    write(outdir, "tgw/tgw-new-names.log", wide)
    # Containers: header-less records (convert with --format), one log stream
    # per attachment (a stream that is no ENI name names no interface).
    records = lines[1:]
    att_index = TGW_ORDER.index("tgw-attachment-id")
    ev = Events(records, lambda i, f: f[att_index], seed=7, start_index=TGW_START)
    every_container(outdir, "tgw/containers", records, ev, [4, 4])

def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    for gen in (default_v2, v5_custom, v8_all, ipv6, malformed, crlf, headerless, millis,
                midheader, s3_tree, containers, tgw):
        gen(outdir)


if __name__ == "__main__":
    main()
