#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Writes tests/report/scan.log: a day of flows with rejects, scanners and listed addresses (vpc-report tests).
"""gen-scan-log.py > scan.log

Deterministic (a fixed seed, no clock).  Default v2 format with its header.
What it holds, for tests/e2e-report.sh and tests/reportcheck.py:
  * background traffic between our hosts (10.0.x.x) and public services,
    mostly ACCEPT;
  * 185.220.101.5 rejected on 40 distinct TCP ports of one host: a port
    scanner (>= 20 ports); it is also on the test Tor list (info) and the
    medium list;
  * 45.155.205.9 rejected on port 22 of 25 hosts: a host scanner; inside the
    DShield test block 45.155.205.0-45.155.205.255 (medium);
  * 45.155.205.77 rejected on 19 ports: just under the threshold;
  * 91.240.118.7 (high, also medium) with ACCEPTED inbound flows to
    10.0.1.23:443: flagged;
  * 193.42.33.14 in 193.42.33.0/24 (high): our 10.0.2.15 connects out and
    is accepted: flagged, outbound;
  * 2a0e:1c80::5 (high, Spamhaus JSON test feed) rejected inbound only;
  * 185.220.101.6 (Tor, info) accepted: listed, never flagged;
  * ICMP and GRE rejects (port 0), a flow with '-' ports, NODATA,
    SKIPDATA, a blank line and two malformed lines.
"""
import random

HEADER = ("version account-id interface-id srcaddr dstaddr srcport dstport protocol "
          "packets bytes start end action log-status")
BASE = 1795132800  # 2026-11-20 00:00:00 UTC
ENIS = ["eni-0a1b2c3d4e5f60718", "eni-05d1c2b3a4f5e6d7c", "eni-0c0ffee0ddba11000",
        "eni-1235b8ca123456789"]
OURS = ["10.0.1.23", "10.0.2.15", "10.0.1.87", "10.0.3.200"]
PUBLIC = ["52.94.133.131", "54.239.28.85", "18.204.0.1", "3.5.0.17", "151.101.1.69"]

rnd = random.Random(7)
lines = [HEADER]


def rec(eni, src, dst, sport, dport, proto, pkts, byts, start, action, dur=30):
    lines.append(f"2 123456789012 {eni} {src} {dst} {sport} {dport} {proto} {pkts} {byts} "
                 f"{start} {start + dur} {action} OK")


t = BASE
for i in range(120):  # background
    eni = rnd.choice(ENIS)
    ours, pub = rnd.choice(OURS), rnd.choice(PUBLIC)
    port = rnd.choice([443, 80, 53, 123])
    proto = 17 if port in (53, 123) else 6
    p = rnd.randint(1, 500)
    t += rnd.randint(60, 700)
    if rnd.random() < 0.5:
        rec(eni, ours, pub, rnd.randint(32768, 60999), port, proto, p, p * rnd.randint(60, 1400),
            t, "ACCEPT")
    else:
        rec(eni, pub, ours, port, rnd.randint(32768, 60999), proto, p, p * rnd.randint(60, 1400),
            t, "ACCEPT")
    if i % 17 == 0:
        rec(eni, pub, ours, rnd.randint(1024, 65535), rnd.choice([22, 3389, 5432]), 6, 1, 44, t,
            "REJECT")

t = BASE + 3 * 3600
for port in range(1, 41):  # port scanner
    rec(ENIS[0], "185.220.101.5", "10.0.1.23", 51000 + port, port * 7, 6, 1, 44, t + port, "REJECT", 1)
t = BASE + 5 * 3600
for h in range(25):  # host scanner
    rec(ENIS[1], "45.155.205.9", f"10.0.4.{h + 10}", 40000 + h, 22, 6, 2, 120, t + h * 3, "REJECT", 2)
for port in range(19):  # under the threshold
    rec(ENIS[1], "45.155.205.77", "10.0.4.10", 40000, 1000 + port, 6, 1, 40, t + 200 + port,
        "REJECT", 1)
t = BASE + 9 * 3600
for k in range(6):  # high-severity inbound, accepted
    rec(ENIS[0], "91.240.118.7", "10.0.1.23", 50000 + k, 443, 6, 10 + k, 5000 + k, t + k * 60,
        "ACCEPT")
rec(ENIS[3], "91.240.118.7", "10.0.3.200", 50100, 22, 6, 3, 180, t + 600, "REJECT")
for k in range(4):  # outbound to a listed C2 block, accepted
    rec(ENIS[1], "10.0.2.15", "193.42.33.14", 44000 + k, 8080, 6, 7, 900, t + 1800 + k * 90,
        "ACCEPT")
    rec(ENIS[1], "193.42.33.14", "10.0.2.15", 8080, 44000 + k, 6, 5, 3000, t + 1800 + k * 90,
        "ACCEPT")
t = BASE + 13 * 3600
for k in range(3):  # IPv6 listed, rejected
    rec(ENIS[2], "2a0e:1c80::5", "2600:1f18:4a3:6902::1", 60000 + k, 22, 6, 2, 160, t + k * 10,
        "REJECT")
rec(ENIS[2], "185.220.101.6", "10.0.3.200", 9001, 443, 6, 12, 7000, t + 100, "ACCEPT")
rec(ENIS[2], "198.51.100.7", "10.0.3.200", 0, 0, 1, 1, 84, t + 200, "REJECT")
rec(ENIS[2], "198.51.100.7", "10.0.3.200", 0, 0, 47, 4, 400, t + 210, "REJECT")
lines.append(f"2 123456789012 {ENIS[2]} 198.51.100.8 10.0.3.200 - - 6 1 40 {t + 220} {t + 221} REJECT OK")
lines.append(f"2 123456789012 {ENIS[0]} - - - - - - - {t} {t + 60} - NODATA")
lines.append(f"2 123456789012 {ENIS[1]} - - - - - - - {t} {t + 60} - SKIPDATA")
lines.append("")
lines.append(f"2 123456789012 {ENIS[0]} 10.0.1.23 10.0.2.15 443 50000 6 10 800 {t} {t + 30} ACCEPT")
lines.append(f"2 123456789012 {ENIS[0]} 10.0.1.300 10.0.2.15 443 50000 6 10 800 {t} {t + 30} ACCEPT OK")
t = BASE + 23 * 3600
for k in range(5):  # late rejects
    rec(ENIS[3], "3.5.0.17", "10.0.3.200", 33000 + k, 5432, 6, 1, 60, t + k * 300, "REJECT")
print("\n".join(lines))
