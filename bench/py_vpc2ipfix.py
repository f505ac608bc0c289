#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Reference VPC Flow Log (default v2 format) to IPFIX converter in Python, for speed comparison.
"""Convert AWS VPC Flow Log records in the default version 2 format to an IPFIX file,
using python3-ipfix (Debian package python3-ipfix, module `ipfix`).

  /usr/bin/python3 py_vpc2ipfix.py [-o OUT] [-d DOMAIN] [INPUT...]   (no INPUT or '-': stdin)

This is the baseline for bench/run.sh, written the way a python-ipfix user would:
library types (ipaddress objects, datetime), MessageStreamWriter, the tuple
export interface (faster than the dict one), one template per set of present
elements, cached per set.  Same mapping as vpc2ipfix for these 14 fields:
  srcaddr/dstaddr -> sourceIPv4Address/destinationIPv4Address (or the IPv6 pair)
  srcport, dstport, protocol, packets, bytes -> 7, 11, 4, 2, 1 (counters 8 bytes)
  start, end -> flowStartMilliseconds, flowEndMilliseconds (x1000 unless already ms)
  action -> forwardingStatus (1 byte, ACCEPT 64, REJECT 129), firewallEvent (2, 3)
  interface-id -> interfaceName + ingressInterface (1 + FNV-1a-32(name) % 65535)
Header lines (the default format only), NODATA and SKIPDATA lines are counted and
skipped; a malformed line is reported as FILE:LINE: message and skipped.
Inputs may be plain or gzip.  Counts go to stderr unless -q.
"""

import argparse
import datetime
import gzip
import io
import ipaddress
import sys

import ipfix.ie
import ipfix.message
import ipfix.template
import ipfix.writer

DEFAULT_FIELDS = ["version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport",
                  "dstport", "protocol", "packets", "bytes", "start", "end", "action",
                  "log-status"]
MS_THRESHOLD = 100000000000   # start/end at or above this are milliseconds already
EPOCH = datetime.datetime(1970, 1, 1)
FORWARDING = {"ACCEPT": 64, "REJECT": 129}
FIREWALL = {"ACCEPT": 2, "REJECT": 3}

# Elements in template order; fixed-length first, the one string last (python-ipfix packs
# the fixed-length prefix of a template with one struct call).
ELEMENTS = [
    # (column index, IPv4 element spec, IPv6 element spec)
    (3, "sourceIPv4Address", "sourceIPv6Address"),
    (4, "destinationIPv4Address", "destinationIPv6Address"),
    (5, "sourceTransportPort", None),
    (6, "destinationTransportPort", None),
    (7, "protocolIdentifier", None),
    (8, "packetDeltaCount", None),
    (9, "octetDeltaCount", None),
    (10, "flowStartMilliseconds", None),
    (11, "flowEndMilliseconds", None),
    (12, "forwardingStatus[1]", None),
    (12, "firewallEvent", None),
    (2, "ingressInterface", None),
    (2, "interfaceName", None),
]


def fnv1a32(data):
    h = 0x811c9dc5
    for b in data:
        h = ((h ^ b) * 0x01000193) & 0xffffffff
    return h


def to_datetime(text):
    v = int(text)
    if v < 0:
        raise ValueError("negative time")
    if v < MS_THRESHOLD:
        v *= 1000
    return EPOCH + datetime.timedelta(milliseconds=v)


def to_uint(text, limit):
    v = int(text)
    if v < 0 or v > limit:
        raise ValueError("out of range")
    return v


class Converter:
    def __init__(self, out, odid):
        ipfix.ie.use_iana_default()
        self.out = out
        self.writer = ipfix.writer.to_stream(out)
        self.writer.set_domain(odid)
        self.templates = {}        # key (IPv6 flag, present mask) -> template id
        self.next_tid = 256
        self.ifindex = {}
        self.stats = dict(lines=0, headers=0, blank=0, flows=0, flows_ipv4=0, flows_ipv6=0,
                          flows_noaddr=0, nodata=0, skipdata=0, malformed=0)

    def template_for(self, v6, mask):
        key = (v6, mask)
        tid = self.templates.get(key)
        if tid is not None:
            return tid
        specs = [(e[2] if v6 and e[2] else e[1]) for i, e in enumerate(ELEMENTS)
                 if mask & (1 << i)]
        tid = self.next_tid
        self.next_tid += 1
        tmpl = ipfix.template.from_ielist(tid, ipfix.ie.spec_list(specs))
        try:
            self.writer.add_template(tmpl)
        except ipfix.message.EndOfMessage:
            # message full: send it, start the next one with the template
            self.writer.msg.write_message(self.out)
            self.writer.msg.begin_export()
            self.writer.add_template(tmpl)
        self.templates[key] = tid
        return tid

    def interface_index(self, name):
        idx = self.ifindex.get(name)
        if idx is None:
            idx = 1 + fnv1a32(name.encode()) % 65535
            self.ifindex[name] = idx
        return idx

    def convert_line(self, f):
        """f: the 14 columns of an OK record. Returns True if it is IPv6."""
        values = []
        mask = 0
        v6 = None
        for i, (col, _, _) in enumerate(ELEMENTS):
            text = f[col]
            if text == "-":
                continue
            if i < 2:
                v = ipaddress.ip_address(text)
                if v6 is None:
                    v6 = v.version == 6
                elif v6 != (v.version == 6):
                    raise ValueError("srcaddr and dstaddr of different families")
            elif i < 5:
                v = to_uint(text, 65535 if i < 4 else 255)
            elif i < 7:
                v = to_uint(text, 0xffffffffffffffff)
            elif i < 9:
                v = to_datetime(text)
            elif i == 9:
                v = FORWARDING[text]
            elif i == 10:
                v = FIREWALL[text]
            elif i == 11:
                v = self.interface_index(text)
            else:
                v = text
            values.append(v)
            mask |= 1 << i
        tid = self.template_for(bool(v6), mask)
        self.writer.set_export_template(tid)
        try:
            self.writer.export_tuple(values)
        except ValueError:
            # python-ipfix 0.9.7 raises ValueError instead of EndOfMessage when a
            # variable-length value runs past its 64 KiB buffer: send the message, retry
            if not self.writer.msg.export_needs_flush():
                raise
            self.writer.flush()
            self.writer.export_tuple(values)
        return v6

    def convert_stream(self, name, stream):
        st = self.stats
        for lineno, raw in enumerate(stream, 1):
            st["lines"] += 1
            line = raw.rstrip("\r\n")
            if not line.strip():
                st["blank"] += 1
                continue
            f = line.split(" ")
            if f[0].lower() == "version":
                if [x.lower().replace("_", "-") for x in f] != DEFAULT_FIELDS:
                    sys.exit("%s:%d: only the default format is supported" % (name, lineno))
                st["headers"] += 1
                continue
            if len(f) != 14:
                self.malformed(name, lineno, "%d fields, expected 14" % len(f))
                continue
            status = f[13]
            if status == "NODATA":
                st["nodata"] += 1
                continue
            if status == "SKIPDATA":
                st["skipdata"] += 1
                continue
            if status != "OK":
                self.malformed(name, lineno, "bad log-status '%s'" % status)
                continue
            try:
                v6 = self.convert_line(f)
            except (ValueError, KeyError) as e:
                self.malformed(name, lineno, "bad value: %s" % e)
                continue
            st["flows"] += 1
            if v6 is None:
                st["flows_noaddr"] += 1
            elif v6:
                st["flows_ipv6"] += 1
            else:
                st["flows_ipv4"] += 1

    def malformed(self, name, lineno, msg):
        self.stats["malformed"] += 1
        print("%s:%d: %s" % (name, lineno, msg), file=sys.stderr)

    def finish(self):
        if self.writer.msg.export_needs_flush():
            self.writer.msg.write_message(self.out)
        self.out.flush()


def open_input(path):
    if path == "-":
        raw = sys.stdin.buffer
        name = "(stdin)"
    else:
        raw = open(path, "rb")
        name = path
    if raw.peek(2)[:2] == b"\x1f\x8b":
        raw = gzip.GzipFile(fileobj=raw)
    return name, io.TextIOWrapper(raw, encoding="utf-8", errors="replace",
                                  newline="\n")


def main():
    ap = argparse.ArgumentParser(description="VPC Flow Logs (v2 default format) to IPFIX, "
                                             "python3-ipfix reference converter")
    ap.add_argument("inputs", nargs="*", default=["-"])
    ap.add_argument("-o", "--output", default="-")
    ap.add_argument("-d", "--observation-domain", type=int, default=0)
    ap.add_argument("-q", "--quiet", action="store_true")
    args = ap.parse_args()

    if args.output == "-":
        if sys.stdout.isatty():
            ap.error("refusing to write IPFIX to a terminal")
        out = sys.stdout.buffer
    else:
        out = open(args.output, "wb")
    conv = Converter(out, args.observation_domain)
    for path in args.inputs:
        try:
            name, stream = open_input(path)
        except OSError as e:
            sys.exit("%s: %s" % (path, e.strerror))
        with stream:
            conv.convert_stream(name, stream)
    conv.finish()
    if out is not sys.stdout.buffer:
        out.close()
    if not args.quiet:
        print(" ".join("%s=%d" % kv for kv in conv.stats.items()), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
