#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Writes a v5 flow log with planted exposures, egress and talkers for vpc-report's daily-view tests.
"""gen-daily-log.py [--records N] > daily.log

Deterministic (a fixed seed, no clock).  Custom format with account, VPC,
subnet, instance, interface, flow-direction and pkt-dst-aws-service, so that
every section of the daily view has content.  Planted, for
tests/e2e-report.sh (which checks them by name) and tests/reportcheck.py:

  * i-0a000000000000022 (eni-0a00000000000ssh, vpc-0aaa): tcp/22 ACCEPTED
    inbound from 3 public sources, one of them 91.240.118.7 (listed, high);
    also tcp/22 accepted from a private address (not exposure) and tcp/22
    egress to a public server (not exposure either);
  * i-0b000000000003306 (eni-0b0000000000000db, vpc-0bbb): tcp/3306 accepted
    inbound from 5 public sources; tcp/5432 from public sources REJECTED
    (not exposure);
  * eni-0c000000000000leak: 1,200,000,000 bytes out to 146.190.10.20 in 12
    flows: over the default 1 GB egress threshold;
  * eni-0d0000000000000s3: 5,000,000,000 bytes to 52.216.0.10 with
    pkt-dst-aws-service S3: AWS, never egress;
  * eni-0e00000000000small: 10,000,000 bytes to 5.79.100.1: egress under the
    threshold;
  * the conversation 10.1.1.10 <-> 10.2.1.20, both directions, the largest
    internal one (2 x 40 flows of 2,000,000 bytes);
  * two accounts (111111111111, 222222222222), two VPCs, four subnets;
  * background: random accepted and rejected flows (N records in all).
"""
import argparse
import random

HEADER = ("version account-id vpc-id subnet-id instance-id interface-id srcaddr dstaddr "
          "srcport dstport protocol packets bytes start end action log-status flow-direction "
          "pkt-dst-aws-service")
BASE = 1795132800  # 2026-11-20 00:00:00 UTC
A1, A2 = "111111111111", "222222222222"
HOSTS = [  # account, vpc, subnet, instance, eni, address
    (A1, "vpc-0aaa", "subnet-0a1", "i-0a000000000000022", "eni-0a00000000000ssh", "10.1.1.10"),
    (A1, "vpc-0aaa", "subnet-0a2", "i-0a000000000000web", "eni-0a00000000000web", "10.1.2.30"),
    (A2, "vpc-0bbb", "subnet-0b1", "i-0b000000000003306", "eni-0b0000000000000db", "10.2.1.20"),
    (A2, "vpc-0bbb", "subnet-0b2", "i-0b0000000000000app", "eni-0b000000000000app", "10.2.2.40"),
    (A1, "vpc-0aaa", "subnet-0a2", "i-0c000000000000leak", "eni-0c000000000000leak", "10.1.2.50"),
    (A2, "vpc-0bbb", "subnet-0b2", "-", "eni-0d0000000000000s3", "10.2.2.60"),
    (A1, "vpc-0aaa", "subnet-0a1", "-", "eni-0e00000000000small", "10.1.1.70"),
]
SSH, WEB, DB, APP, LEAK, S3, SMALL = HOSTS
PUBLIC = ["52.94.133.131", "18.204.0.1", "151.101.1.69", "104.16.132.229", "140.82.112.3",
          "185.199.108.153", "23.45.67.89", "81.2.69.160"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=2000)
    a = ap.parse_args()
    rnd = random.Random(20)
    lines = [HEADER]

    def rec(host, src, dst, sport, dport, proto, pkts, byts, start, action, direction,
            service="-"):
        acct, vpc, subnet, inst, eni, _addr = host
        lines.append(f"5 {acct} {vpc} {subnet} {inst} {eni} {src} {dst} {sport} {dport} {proto} "
                     f"{pkts} {byts} {start} {start + 30} {action} OK {direction} {service}")

    t = BASE + 3600
    # i-0a...22: ssh from 3 public sources (one listed), from a private one, and out to a public ssh
    for k, src in enumerate(["91.240.118.7", "45.33.32.156", "62.210.16.61"]):
        for j in range(2):
            rec(SSH, src, SSH[5], 50000 + k, 22, 6, 20, 4000 + j, t + k * 300 + j * 60, "ACCEPT",
                "ingress")
    rec(SSH, "10.2.2.40", SSH[5], 51000, 22, 6, 10, 1500, t + 2000, "ACCEPT", "ingress")
    rec(SSH, SSH[5], "140.82.112.3", 52000, 22, 6, 10, 1500, t + 2100, "ACCEPT", "egress")
    # i-0b...3306: mysql from 5 public sources; postgres rejected
    for k in range(5):
        rec(DB, f"77.88.55.{60 + k}", DB[5], 40000 + k, 3306, 6, 8, 900 + k, t + 4000 + k * 120,
            "ACCEPT", "ingress")
        rec(DB, f"77.88.55.{60 + k}", DB[5], 41000 + k, 5432, 6, 1, 60, t + 4100 + k * 120,
            "REJECT", "ingress")
    # egress: a leak over the threshold, S3 (AWS), a small one
    for k in range(12):
        rec(LEAK, LEAK[5], "146.190.10.20", 33000 + k, 443, 6, 80000, 100_000_000,
            t + 6000 + k * 400, "ACCEPT", "egress")
    for k in range(5):
        rec(S3, S3[5], "52.216.0.10", 34000 + k, 443, 6, 700000, 1_000_000_000, t + 7000 + k * 60,
            "ACCEPT", "egress", "S3")
    rec(SMALL, SMALL[5], "5.79.100.1", 35000, 443, 6, 8000, 10_000_000, t + 8000, "ACCEPT",
        "egress")
    # the internal conversation, both directions (each side's ENI logs it)
    for k in range(40):
        rec(SSH, SSH[5], DB[5], 36000 + k, 3306, 6, 1500, 2_000_000, t + 9000 + k * 30, "ACCEPT",
            "egress")
        rec(DB, DB[5], SSH[5], 3306, 36000 + k, 6, 1400, 2_000_000, t + 9000 + k * 30, "ACCEPT",
            "egress")
    # background
    t = BASE
    while len(lines) - 1 < a.records:
        host = rnd.choice([WEB, APP, SSH, DB])
        pub = rnd.choice(PUBLIC)
        t += rnd.randint(1, 40)
        p = rnd.randint(1, 300)
        r = rnd.random()
        if r < 0.4:
            rec(host, host[5], pub, rnd.randint(32768, 60999), rnd.choice([443, 80, 53]),
                rnd.choice([6, 6, 17]), p, p * rnd.randint(60, 1400), t, "ACCEPT", "egress")
        elif r < 0.8:
            rec(host, pub, host[5], rnd.choice([443, 80]), rnd.randint(32768, 60999), 6, p,
                p * rnd.randint(60, 1400), t, "ACCEPT", "ingress")
        else:
            rec(host, f"45.{rnd.randint(1, 250)}.{rnd.randint(0, 255)}.{rnd.randint(1, 254)}",
                host[5], rnd.randint(1024, 65535), rnd.choice([22, 23, 3389, 445, 8080]), 6, 1, 44,
                t, "REJECT", "ingress")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
