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
                   '_' for '-', an unknown (Transit Gateway) column
  AWSLogs/...      an S3-like tree: three objects of one day + README.json
"""

import os
import random
import sys

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


def default_v2(outdir):
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
    write(outdir, "default-v2.log", lines)


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
    lines.append("version interface-id tgw-id srcaddr dstaddr packets bytes")
    lines += [f"6 eni-0f9e8d7c6b5a43210 tgw-0123456789abcdef0 10.0.3.200 10.0.1.87 4 320",
              f"6 eni-0f9e8d7c6b5a43210 tgw-0123456789abcdef0 10.0.1.87 10.0.3.200 3 1200"]
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
    with open(os.path.join(outdir, base, "README.json"), "w") as f:
        f.write('{"note": "not a flow log: vpc2ipfix must skip this file",\n'
                ' "version": 2, "account-id": "123456789012"}\n')


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    for gen in (default_v2, v5_custom, v8_all, ipv6, malformed, crlf, headerless, millis,
                midheader, s3_tree):
        gen(outdir)


if __name__ == "__main__":
    main()
