#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Writes a flow log of internet scanning noise: many distinct rejected sources and a few heavy ones (vpc-report --max-keys tests).
"""gen-noise-log.py [--records N] [--seed S] > noise.log

Deterministic.  Version 2 default format.  About 90% of the records are
REJECTed flows from public sources to 300 private addresses: half of them
from a source seen once or twice (the long tail), the rest from 40 heavy
sources with Zipf-like weights (the heavy hitters a bounded table must
keep); the other 10% are accepted flows.  Planted: 198.18.0.0/15 is never
used (special), the heavy sources are in 45.0.0.0/8.
"""
import argparse
import random

HEADER = ("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets "
          "bytes start end action log-status")
BASE = 1795132800


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=200000)
    ap.add_argument("--seed", type=int, default=20)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    heavy = [f"45.{i}.{(i * 37) % 256}.{(i * 11) % 250 + 1}" for i in range(40)]
    weights = [1.0 / (i + 1) for i in range(40)]
    dsts = [f"10.0.{i // 250}.{i % 250 + 1}" for i in range(300)]
    out = [HEADER]
    for n in range(a.records):
        t = BASE + n // 4
        dst = rnd.choice(dsts)
        port = rnd.choice((22, 23, 80, 443, 445, 3389, 5900, 8080)) if rnd.random() < 0.7 \
            else rnd.randrange(1, 65536)
        if rnd.random() < 0.9:
            if rnd.random() < 0.5:
                src = rnd.choices(heavy, weights)[0]
            else:
                # the long tail: public space outside the heavy /8 and special blocks
                first = rnd.choice((13, 34, 52, 81, 91, 103, 146, 185, 193, 212))
                src = f"{first}.{rnd.randrange(256)}.{rnd.randrange(256)}.{rnd.randrange(1, 255)}"
            pk = rnd.randrange(1, 4)
            out.append(f"2 123456789012 eni-0noise000000001 {src} {dst} {rnd.randrange(1024, 65536)} "
                       f"{port} 6 {pk} {pk * 44} {t} {t + 30} REJECT OK")
        else:
            src = rnd.choice(dsts)
            pk = rnd.randrange(1, 100)
            out.append(f"2 123456789012 eni-0noise000000001 {src} 52.94.{rnd.randrange(256)}.10 "
                       f"{rnd.randrange(1024, 65536)} 443 6 {pk} {pk * 900} {t} {t + 30} ACCEPT OK")
    print("\n".join(out))


if __name__ == "__main__":
    main()
