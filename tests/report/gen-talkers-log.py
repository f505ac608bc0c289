#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Writes a flow log of accepted traffic with many distinct talkers, conversations, ports, exposures, egress destinations and groups (vpc-report --max-keys tests).
"""gen-talkers-log.py [--records N] [--seed S] > talkers.log

Deterministic.  Version 3 fields (account, interface, VPC, subnet,
instance).  Every record is ACCEPTed; a third inbound from public sources
to sensitive ports (exposure), a third outbound to public destinations
(egress), a third between private addresses.  Each kind has a long tail
(distinct addresses, ports, interfaces, accounts, VPCs and subnets by the
thousand) and a few heavy keys with Zipf-like weights, the heavy hitters a
bounded table must keep.  A few rejected flows keep the reject tables busy.
"""
import argparse
import random

HEADER = ("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets "
          "bytes start end action log-status vpc-id subnet-id instance-id")
BASE = 1795132800


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=200000)
    ap.add_argument("--seed", type=int, default=21)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    weights = [1.0 / (i + 1) for i in range(30)]

    def pick(heavy, tail):
        return rnd.choices(heavy, weights)[0] if rnd.random() < 0.5 else tail()

    def public():
        first = rnd.choice((13, 34, 52, 81, 91, 103, 146, 185, 193, 212))
        return f"{first}.{rnd.randrange(256)}.{rnd.randrange(256)}.{rnd.randrange(1, 255)}"

    def private():
        return f"10.{rnd.randrange(256)}.{rnd.randrange(256)}.{rnd.randrange(1, 255)}"

    heavy_pub = [f"45.{i}.{(i * 37) % 256}.{(i * 11) % 250 + 1}" for i in range(30)]
    heavy_priv = [f"10.200.{i}.{i + 1}" for i in range(30)]
    heavy_place = list(range(30))
    out = [HEADER]
    for n in range(a.records):
        t = BASE + n // 4
        place = pick(heavy_place, lambda: rnd.randrange(30, 3000))
        account = f"{100000000000 + place % 1500:012d}"
        eni, inst = f"eni-{place:017x}", f"i-{place:017x}"
        vpc, subnet = f"vpc-{place % 1200:08x}", f"subnet-{place % 2000:08x}"
        kind = rnd.random()
        pk = rnd.randrange(1, 50)
        if kind < 0.33:
            src, dst = pick(heavy_pub, public), pick(heavy_priv, private)
            dport = rnd.choice((22, 3389, 3306, 5432, 443))
        elif kind < 0.66:
            src, dst = pick(heavy_priv, private), pick(heavy_pub, public)
            dport = rnd.choice((443, 80)) if rnd.random() < 0.5 else rnd.randrange(1, 65536)
        else:
            src, dst = pick(heavy_priv, private), pick(heavy_priv, private)
            dport = rnd.randrange(1, 65536)
        action = "REJECT" if rnd.random() < 0.02 else "ACCEPT"
        out.append(f"3 {account} {eni} {src} {dst} {rnd.randrange(1024, 65536)} {dport} 6 {pk} "
                   f"{pk * rnd.randrange(40, 1500)} {t} {t + 30} {action} OK {vpc} {subnet} {inst}")
    print("\n".join(out))


if __name__ == "__main__":
    main()
