#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Deterministic threat feed for the vpc-report benchmark: N plain entries, some matching a log's addresses.
"""gen-feed.py [--from LOG] [--seed S] N > feed.txt

N entries (addresses, one in ten a /24 block) in public IPv4 space (never
private or reserved: Python's ipaddress.is_global), one per line, in the
plain feed format.  With --from, a third of the distinct public addresses of
the first 200,000 records of LOG (srcaddr, dstaddr of the default format)
are among them, so that the report has matches to count.
"""
import argparse
import ipaddress
import random
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("--from", dest="log")
    ap.add_argument("--seed", type=int, default=11)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    entries = []
    if a.log:
        seen = set()
        with open(a.log) as f:
            for i, line in enumerate(f):
                if i > 200000:
                    break
                t = line.split()
                for tok in t[3:5]:
                    try:
                        ip = ipaddress.ip_address(tok)
                    except ValueError:
                        continue
                    if ip.version == 4 and ip.is_global:
                        seen.add(tok)
        entries = sorted(seen)[::3][: a.n // 2]
    out = sys.stdout
    out.write(f"# vpc-report benchmark feed: {a.n} entries\n")
    for e in entries:
        out.write(e + "\n")
    for i in range(a.n - len(entries)):
        while True:
            ip = ipaddress.IPv4Address(rng.getrandbits(32))
            if ip.is_global:
                break
        out.write(f"{ip}/24\n" if i % 10 == 0 else f"{ip}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
