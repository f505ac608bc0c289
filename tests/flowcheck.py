#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Independent oracle: parse VPC Flow Logs in Python, decode vpc2ipfix output with tshark and ipfixDump, compare.
"""flowcheck.py - check an IPFIX file written by vpc2ipfix against its input logs.

  flowcheck.py --ipfix OUT.ipfix [--format FMT] [--packet-addresses-as-key]
               [--stats STATS.json] [--odid N] [--stdin-file FILE]
               [--prefix [--min-records N]] INPUT... (as given to vpc2ipfix)
  flowcheck.py --list-malformed [--format FMT] INPUT...    FILE:LINE of each malformed line
                                                           and of each bad payload
  flowcheck.py --dump-expected  [--format FMT] INPUT...    expected records, one JSON per line
  flowcheck.py --count          [--format FMT] INPUT...    the expected record count
  flowcheck.py --ipfix A.ipfix --same-flows B.ipfix        A and B hold the same multiset of
                                                           flow records (tshark; order ignored)
  Every mode takes --input-format auto|text|cloudwatch-export|json|base64 (as vpc2ipfix).

The oracle has its own VPC Flow Log parser, written from the interface contract
(vpc2ipfix(1), README, notes/containers-contract.md for the input containers:
gzip, detection by the first bytes, CloudWatch Logs exports, JSON pages and
events, base64/gzip subscription payloads, the log stream as interface id) and
the AWS documentation, sharing nothing with src/.  It builds the list of
expected IPFIX records (element name -> value, only the present elements), then
decodes the IPFIX file twice, independently:

  * ipfixDump --element-file data/vpc2ipfix-elements.xml   (all elements), and
    ipfixDump --rfc5610 without the element file (names must come from the
    RFC 5610 type records in the stream);
  * tshark -T pdml (standard elements by tshark's own dissector; enterprise
    elements by the raw bytes tshark framed, typed from our element table).

Every element of every record is compared, in order.  Also checked: the
template of each record holds exactly its elements, fixed lengths (counters 8,
forwardingStatus and tcpControlBits 1, times 8), one template ID per element
set, the message sequence numbers, the observation domain, tshark expert
warnings, ipfixDump diagnostics, and with --stats the statistics JSON
(invariants, totals, and counts per input against the oracle's own counts,
control_messages, bad_payloads and the container of each input included).
With --same-flows, the flows of two IPFIX files are compared as multisets (how
a container is shown to convert to exactly the flows of the plain text).

Exit: 0 all matched, 1 mismatch (a diff is printed), 2 usage or tool error.
Standard library only.
"""

import argparse
import base64
import binascii
import bisect
import calendar
import collections
import datetime
import ipaddress
import json
import json.scanner
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
import zlib

# --------------------------------------------------------------------------
# VPC Flow Log fields (AWS documentation) and the IPFIX mapping (the contract)
# --------------------------------------------------------------------------

U8, U16, U64 = 0xFF, 0xFFFF, 0xFFFFFFFFFFFFFFFF
# name -> (kind, max for unsigned kinds)
FIELDS = {
    "version": ("uint", U8),
    "account-id": ("str", None),
    "interface-id": ("str", None),
    "srcaddr": ("addr", None),
    "dstaddr": ("addr", None),
    "srcport": ("uint", U16),
    "dstport": ("uint", U16),
    "protocol": ("uint", U8),
    "packets": ("uint", U64),
    "bytes": ("uint", U64),
    "start": ("time", U64),
    "end": ("time", U64),
    "action": ("enum", ("ACCEPT", "REJECT")),
    "log-status": ("enum", ("OK", "NODATA", "SKIPDATA")),
    "vpc-id": ("str", None),
    "subnet-id": ("str", None),
    "instance-id": ("str", None),
    "tcp-flags": ("uint", U8),
    "type": ("str", None),
    "pkt-srcaddr": ("addr", None),
    "pkt-dstaddr": ("addr", None),
    "region": ("str", None),
    "az-id": ("str", None),
    "sublocation-type": ("str", None),
    "sublocation-id": ("str", None),
    "pkt-src-aws-service": ("str", None),
    "pkt-dst-aws-service": ("str", None),
    "flow-direction": ("enum", ("ingress", "egress")),
    "traffic-path": ("uint", U8),
    "ecs-cluster-arn": ("str", None),
    "ecs-cluster-name": ("str", None),
    "ecs-container-instance-arn": ("str", None),
    "ecs-container-instance-id": ("str", None),
    "ecs-container-id": ("str", None),
    "ecs-second-container-id": ("str", None),
    "ecs-service-name": ("str", None),
    "ecs-task-definition-arn": ("str", None),
    "ecs-task-arn": ("str", None),
    "ecs-task-id": ("str", None),
    "reject-reason": ("str", None),
    "resource-id": ("str", None),
    "encryption-status": ("uint", U8),
    # Transit Gateway flow logs (AWS Transit Gateway guide, "Available fields")
    "resource-type": ("str", None),
    "tgw-id": ("str", None),
    "tgw-attachment-id": ("str", None),
    "tgw-src-vpc-account-id": ("str", None),
    "tgw-dst-vpc-account-id": ("str", None),
    "tgw-src-vpc-id": ("str", None),
    "tgw-dst-vpc-id": ("str", None),
    "tgw-src-subnet-id": ("str", None),
    "tgw-dst-subnet-id": ("str", None),
    "tgw-src-eni": ("str", None),
    "tgw-dst-eni": ("str", None),
    "tgw-src-az-id": ("str", None),
    "tgw-dst-az-id": ("str", None),
    "tgw-pair-attachment-id": ("str", None),
    "packets-lost-no-route": ("uint", U64),
    "packets-lost-blackhole": ("uint", U64),
    "packets-lost-mtu-exceeded": ("uint", U64),
    "packets-lost-ttl-expired": ("uint", U64),
}

# exported together: when a record has one, all four go out (a missing one as 0)
PACKETS_LOST = ("packets-lost-no-route", "packets-lost-blackhole", "packets-lost-mtu-exceeded",
                "packets-lost-ttl-expired")

DEFAULT_FORMAT = ("version account-id interface-id srcaddr dstaddr srcport dstport protocol "
                  "packets bytes start end action log-status").split()

PEN = 32473
# (pen, id) -> (name, kind) ; kind: ipv4 ipv6 uint time str
ELEMENTS = {
    (0, 1): ("octetDeltaCount", "uint"),
    (0, 2): ("packetDeltaCount", "uint"),
    (0, 4): ("protocolIdentifier", "uint"),
    (0, 6): ("tcpControlBits", "uint"),
    (0, 7): ("sourceTransportPort", "uint"),
    (0, 8): ("sourceIPv4Address", "ipv4"),
    (0, 10): ("ingressInterface", "uint"),
    (0, 11): ("destinationTransportPort", "uint"),
    (0, 12): ("destinationIPv4Address", "ipv4"),
    (0, 14): ("egressInterface", "uint"),
    (0, 27): ("sourceIPv6Address", "ipv6"),
    (0, 28): ("destinationIPv6Address", "ipv6"),
    (0, 60): ("ipVersion", "uint"),
    (0, 61): ("flowDirection", "uint"),
    (0, 82): ("interfaceName", "str"),
    (0, 89): ("forwardingStatus", "uint"),
    (0, 152): ("flowStartMilliseconds", "time"),
    (0, 153): ("flowEndMilliseconds", "time"),
    (0, 225): ("postNATSourceIPv4Address", "ipv4"),
    (0, 226): ("postNATDestinationIPv4Address", "ipv4"),
    (0, 233): ("firewallEvent", "uint"),
    (0, 281): ("postNATSourceIPv6Address", "ipv6"),
    (0, 282): ("postNATDestinationIPv6Address", "ipv6"),
}
ENTERPRISE = [  # id, name, kind, VPC field
    (1, "awsFlowLogVersion", "uint", "version"),
    (2, "awsAccountId", "str", "account-id"),
    (3, "awsVpcId", "str", "vpc-id"),
    (4, "awsSubnetId", "str", "subnet-id"),
    (5, "awsInstanceId", "str", "instance-id"),
    (6, "awsRegion", "str", "region"),
    (7, "awsAzId", "str", "az-id"),
    (8, "awsSublocationType", "str", "sublocation-type"),
    (9, "awsSublocationId", "str", "sublocation-id"),
    (10, "awsPktSrcAwsService", "str", "pkt-src-aws-service"),
    (11, "awsPktDstAwsService", "str", "pkt-dst-aws-service"),
    (12, "awsTrafficPath", "uint", "traffic-path"),
    (13, "awsEcsClusterArn", "str", "ecs-cluster-arn"),
    (14, "awsEcsClusterName", "str", "ecs-cluster-name"),
    (15, "awsEcsContainerInstanceArn", "str", "ecs-container-instance-arn"),
    (16, "awsEcsContainerInstanceId", "str", "ecs-container-instance-id"),
    (17, "awsEcsContainerId", "str", "ecs-container-id"),
    (18, "awsEcsSecondContainerId", "str", "ecs-second-container-id"),
    (19, "awsEcsServiceName", "str", "ecs-service-name"),
    (20, "awsEcsTaskDefinitionArn", "str", "ecs-task-definition-arn"),
    (21, "awsEcsTaskArn", "str", "ecs-task-arn"),
    (22, "awsEcsTaskId", "str", "ecs-task-id"),
    (23, "awsRejectReason", "str", "reject-reason"),
    (24, "awsResourceId", "str", "resource-id"),
    (25, "awsEncryptionStatus", "uint", "encryption-status"),
    (26, "awsTrafficType", "str", None),  # from "type" when not IPv4/IPv6
    (27, "awsResourceType", "str", "resource-type"),
    (28, "awsTgwId", "str", "tgw-id"),
    (29, "awsTgwAttachmentId", "str", "tgw-attachment-id"),
    (30, "awsTgwSrcVpcAccountId", "str", "tgw-src-vpc-account-id"),
    (31, "awsTgwDstVpcAccountId", "str", "tgw-dst-vpc-account-id"),
    (32, "awsTgwSrcVpcId", "str", "tgw-src-vpc-id"),
    (33, "awsTgwDstVpcId", "str", "tgw-dst-vpc-id"),
    (34, "awsTgwSrcSubnetId", "str", "tgw-src-subnet-id"),
    (35, "awsTgwDstSubnetId", "str", "tgw-dst-subnet-id"),
    (36, "awsTgwSrcEni", "str", "tgw-src-eni"),
    (37, "awsTgwDstEni", "str", "tgw-dst-eni"),
    (38, "awsTgwSrcAzId", "str", "tgw-src-az-id"),
    (39, "awsTgwDstAzId", "str", "tgw-dst-az-id"),
    (40, "awsTgwPairAttachmentId", "str", "tgw-pair-attachment-id"),
    (41, "awsPacketsLostNoRoute", "uint", None),  # the four: see PACKETS_LOST
    (42, "awsPacketsLostBlackhole", "uint", None),
    (43, "awsPacketsLostMtuExceeded", "uint", None),
    (44, "awsPacketsLostTtlExpired", "uint", None),
]
PACKETS_LOST_ELEMENTS = ("awsPacketsLostNoRoute", "awsPacketsLostBlackhole",
                         "awsPacketsLostMtuExceeded", "awsPacketsLostTtlExpired")
for _id, _name, _kind, _field in ENTERPRISE:
    ELEMENTS[(PEN, _id)] = (_name, _kind)
NAME_TO_KEY = {name: key for key, (name, _kind) in ELEMENTS.items()}
KIND = {name: kind for (name, kind) in ELEMENTS.values()}
FIELD_TO_ENTERPRISE = {field: name for (_id, name, _kind, field) in ENTERPRISE if field}

# lengths the contract fixes (reduced-size encoding of other elements is legal)
FIXED_LENGTH = {"octetDeltaCount": 8, "packetDeltaCount": 8, "forwardingStatus": 1,
                "tcpControlBits": 1, "flowStartMilliseconds": 8, "flowEndMilliseconds": 8}

# a record line longer than this cannot fit one IPFIX record (strings are at
# most 65535 bytes, a message too): the line is malformed
MAX_LINE = 60000
# the reader's limit: a longer line is malformed before the parser sees it
READER_MAX_LINE = 1024 * 1024
MS_THRESHOLD = 100000000000  # start/end at or above this are milliseconds already
NAME_CHARS = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
DIGITS = re.compile(r"^[0-9]+$")


def fnv1a32(data):
    h = 0x811C9DC5
    for b in data:
        h ^= b
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def interface_index(name):
    return 1 + fnv1a32(name.encode("utf-8", "surrogateescape")) % 65535


def normalize_name(tok):
    return tok.lower().replace("_", "-")


# values AWS writes that are words without digits: never header names
VALUE_WORDS = {"accept", "reject", "ok", "nodata", "skipdata", "ingress", "egress", "efa",
               "transitgateway", "wavelength", "outpost", "localzone", "unknown"}
NAME_SHAPE = re.compile(r"^[A-Za-z][A-Za-z_-]*$")
LOWER_NAME_SHAPE = re.compile(r"^[a-z][a-z_-]*$")


def header_shape(tokens):
    """(every token a field name, how many are known names): a known name in
    any case, or a lower-case word of letters, '-', '_' that is no value word;
    no AWS field name has a digit."""
    known = 0
    for t in tokens:
        if not NAME_SHAPE.match(t):
            return False, 0
        if normalize_name(t) in FIELDS:
            known += 1
        elif not LOWER_NAME_SHAPE.match(t) or t.lower() in VALUE_WORDS:
            return False, 0
    return bool(tokens), known


def is_header(tokens):
    """The shape alone (what vpc_parser_line_is_header says)."""
    return header_shape(tokens)[0]


def reads_as_record(tokens, cols):
    if len(tokens) != len(cols):
        return False
    try:
        for col, tok in zip(cols, tokens):
            if col in FIELDS and tok != "-":
                check_value(col, tok)
    except Malformed:
        return False
    return True


def parse_format(text):
    """--format: "${a} ${b}" (AWS syntax) or "a b"."""
    cols = []
    for tok in text.split():
        if tok.startswith("${") and tok.endswith("}"):
            tok = tok[2:-1]
        if not NAME_CHARS.match(tok):
            raise ValueError(f"bad field name in format: {tok!r}")
        cols.append(normalize_name(tok))
    if not cols:
        raise ValueError("empty format")
    return cols


class Malformed(Exception):
    pass


def check_value(field, text):
    kind, arg = FIELDS[field]
    if kind in ("uint", "time"):
        if not DIGITS.match(text):
            raise Malformed(f"{field}: not a number: {text!r}")
        v = int(text)
        if v > arg:
            raise Malformed(f"{field}: out of range: {text}")
        return v
    if kind == "addr":
        try:
            if "%" in text:  # a zone index: not in flow logs, not in IPFIX
                raise ValueError(text)
            return ipaddress.ip_address(text)
        except ValueError:
            raise Malformed(f"{field}: bad address: {text!r}") from None
    if kind == "enum":
        # AWS writes them as in the table; the case of the letters is not checked
        for value in arg:
            if text.upper() == value.upper():
                return value
        raise Malformed(f"{field}: unknown value {text!r}")
    return text


def family_of(values, keys):
    for k in keys:
        if k in values:
            return values[k].version
    return None


def expected_record(values, swap):
    """values: VPC field -> typed value (present fields only)."""
    rec = {}
    key_src, key_dst, nat_src, nat_dst = "srcaddr", "dstaddr", "pkt-srcaddr", "pkt-dstaddr"
    if swap:
        key_src, nat_src = nat_src, key_src
        key_dst, nat_dst = nat_dst, key_dst
    for field, v4name, v6name in ((key_src, "sourceIPv4Address", "sourceIPv6Address"),
                                  (key_dst, "destinationIPv4Address", "destinationIPv6Address"),
                                  (nat_src, "postNATSourceIPv4Address", "postNATSourceIPv6Address"),
                                  (nat_dst, "postNATDestinationIPv4Address",
                                   "postNATDestinationIPv6Address")):
        if field in values:
            a = values[field]
            rec[v4name if a.version == 4 else v6name] = a
    simple = {"srcport": "sourceTransportPort", "dstport": "destinationTransportPort",
              "protocol": "protocolIdentifier", "packets": "packetDeltaCount",
              "bytes": "octetDeltaCount", "tcp-flags": "tcpControlBits"}
    for field, name in simple.items():
        if field in values:
            rec[name] = values[field]
    for field, name in (("start", "flowStartMilliseconds"), ("end", "flowEndMilliseconds")):
        if field in values:
            v = values[field]
            rec[name] = v if v >= MS_THRESHOLD else v * 1000
    if "action" in values:
        accept = values["action"] == "ACCEPT"
        rec["forwardingStatus"] = 64 if accept else 129
        rec["firewallEvent"] = 2 if accept else 3
    if "flow-direction" in values:
        rec["flowDirection"] = 0 if values["flow-direction"] == "ingress" else 1
    if "type" in values:
        t = values["type"]
        if t.upper() == "IPV4":
            rec["ipVersion"] = 4
        elif t.upper() == "IPV6":
            rec["ipVersion"] = 6
        else:
            rec["awsTrafficType"] = t
    if "interface-id" in values:
        name = values["interface-id"]
        rec["interfaceName"] = name
        egress = values.get("flow-direction") == "egress"
        rec["egressInterface" if egress else "ingressInterface"] = interface_index(name)
    for field, name in FIELD_TO_ENTERPRISE.items():
        if field in values:
            rec[name] = values[field]
    if any(f in values for f in PACKETS_LOST):
        for field, name in zip(PACKETS_LOST, PACKETS_LOST_ELEMENTS):
            rec[name] = values.get(field, 0)
    return rec


# --------------------------------------------------------------------------
# Reading inputs
# --------------------------------------------------------------------------

# Directory walks (the containers contract): these suffixes, and names without
# any extension (Firehose objects); hidden files and other names are skipped.
# Parquet inputs (recognised by their magic) are read by DuckDB, an independent
# reader, through tests/parquet/parquet-to-text.mjs (Debian 12 packages no
# Parquet library for Python): node and tests/node_modules (npm ci) are needed.
TAKEN_SUFFIXES = (".log", ".log.gz", ".gz", ".txt", ".json", ".b64", ".parquet")
PARQUET_MAGIC = b"PAR1"
PARQUET_TO_TEXT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "parquet",
                               "parquet-to-text.mjs")


def parquet_text(path):
    """A Parquet file as flow-log text (header line, rows, null as '-'), by DuckDB."""
    try:
        p = subprocess.run(["node", PARQUET_TO_TEXT, path], capture_output=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise SystemExit(f"flowcheck: {path}: cannot run node for Parquet: {e}") from None
    if p.returncode != 0:
        raise SystemExit(f"flowcheck: {path}: parquet-to-text.mjs failed: "
                         f"{p.stderr.decode(errors='replace').strip()}")
    return p.stdout


def taken_name(entry):
    return entry.endswith(TAKEN_SUFFIXES) or "." not in entry


def expand_inputs(args, notes):
    out = []
    for a in args:
        if a != "-" and os.path.isdir(a):
            walk_dir(a, out, notes)
        else:
            out.append(a)
    return out


def walk_dir(d, out, notes):
    """Sorted by name (bytes), recursive; hidden entries and symbolic links to
    directories are skipped (no loops, no file twice); links to files are read."""
    for entry in sorted(os.listdir(d)):
        p = os.path.join(d, entry)
        if entry.startswith("."):
            notes.append(f"skipped {p} (hidden)")
        elif os.path.islink(p) and os.path.isdir(p):
            notes.append(f"skipped {p} (symbolic link to a directory)")
        elif os.path.isdir(p):
            walk_dir(p, out, notes)
        elif not os.path.isfile(p):
            notes.append(f"skipped {p} (not a regular file)")
        elif taken_name(entry):
            out.append(p)
        else:
            notes.append(f"skipped {p}")


class Truncated(Exception):
    pass


def gunzip(raw):
    """All gzip members of raw -> (data, None) or (what could be read, error).
    Bytes after a member that do not start another member are ignored."""
    out, rest = [], raw
    while rest:
        d = zlib.decompressobj(wbits=31)
        try:
            out.append(d.decompress(rest))
            out.append(d.flush())
        except zlib.error as e:
            return b"".join(out), f"gzip error: {e}"
        if not d.eof:
            return b"".join(out), "truncated gzip"
        rest = d.unused_data
        if rest and rest[:2] != b"\x1f\x8b":
            break  # trailing garbage after the last member
    return b"".join(out), None


def read_bytes(path, stdin_file, allow_truncated):
    """Returns (data, truncated)."""
    src = stdin_file if path == "-" else path
    if src is None:
        raise SystemExit("flowcheck: input '-' needs --stdin-file")
    with open(src, "rb") as f:
        raw = f.read()
    if raw[:2] != b"\x1f\x8b":
        return raw, False
    data, err = gunzip(raw)
    if err:
        if allow_truncated:
            return data, True
        raise SystemExit(f"flowcheck: {path}: {err}")
    return data, False


def split_lines(data, truncated):
    parts = data.split(b"\n")
    if parts and parts[-1] == b"":
        parts.pop()
    elif truncated and parts:
        parts.pop()  # an incomplete last line of a truncated stream is not a line
    return [p[:-1] if p.endswith(b"\r") else p for p in parts]


StatKeys = ("lines", "headers", "blank", "flows", "flows_ipv4", "flows_ipv6", "flows_noaddr",
            "nodata", "skipdata", "malformed")
# outside "lines" (the containers contract)
ContainerKeys = ("control_messages", "bad_payloads")

# --------------------------------------------------------------------------
# Containers (the contract: notes/containers-contract.md, issue 4)
# --------------------------------------------------------------------------

CONTAINERS = ("text", "cloudwatch-export", "json", "base64")
INPUT_FORMATS = ("auto",) + CONTAINERS
BOM = b"\xef\xbb\xbf"
LEADING_WS = b" \t\r\n\v\f"
# "YYYY-MM-DDTHH:MM:SS[.fraction](Z or +hh:mm) " ('-hh:mm' taken as well: ISO 8601)
ISO_PREFIX = r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:Z|[+-][0-9]{2}:[0-9]{2}) "
ISO_PREFIX_B = re.compile(ISO_PREFIX.encode())
ISO_PREFIX_S = re.compile(ISO_PREFIX)
B64_LINE = re.compile(rb"[A-Za-z0-9+/=]+")
B64_TEXT = re.compile(r"[A-Za-z0-9+/]*={0,2}")
ENI_STREAM = re.compile(r"eni-[0-9A-Fa-f]+")
JSON_WS = " \t\n\r"


def detect_container(data):
    """The container of decompressed input data, from its first bytes."""
    d = data[len(BOM):] if data.startswith(BOM) else data
    d = d.lstrip(LEADING_WS)
    if d[:1] in (b"{", b"["):
        return "json"
    first = d.split(b"\n", 1)[0].rstrip(LEADING_WS)
    if ISO_PREFIX_B.match(first):
        return "cloudwatch-export"
    if first.startswith(b"H4sI") and B64_LINE.fullmatch(first):
        return "base64"
    return "text"


def interface_from_stream(stream):
    """A log stream name -> the interface id it stands for."""
    m = ENI_STREAM.match(stream)
    return m.group(0) if m else stream


class BadPayload(Exception):
    pass


class _Obj(dict):
    """A JSON object; .end: offset after its '}', .vend: key -> offset after its value."""


class _Arr(list):
    """A JSON array; .end: offset after its ']', .ends: offset after each element."""


def _make_json_decoder():
    """json.JSONDecoder (pure-Python scanner) whose objects and arrays carry the
    offsets of their values, so that a message can be placed on its line."""
    dec = json.JSONDecoder()
    plain_object, plain_array = dec.parse_object, dec.parse_array

    def parse_object(s_and_end, strict, scan_once, object_hook, object_pairs_hook, memo=None):
        ends = []

        def scan(s, i):
            v, e = scan_once(s, i)
            ends.append(e)
            return v, e
        pairs, end = plain_object(s_and_end, strict, scan, None, lambda p: p, memo)
        obj = _Obj(pairs)
        obj.end = end
        obj.vend = {k: e for (k, _v), e in zip(pairs, ends)}
        return obj, end

    def parse_array(s_and_end, scan_once):
        ends = []

        def scan(s, i):
            v, e = scan_once(s, i)
            ends.append(e)
            return v, e
        values, end = plain_array(s_and_end, scan)
        arr = _Arr(values)
        arr.end = end
        arr.ends = ends
        return arr, end

    def parse_constant(name):
        raise ValueError(f"{name} is not JSON")

    dec.parse_object = parse_object
    dec.parse_array = parse_array
    dec.parse_constant = parse_constant
    dec.scan_once = json.scanner.py_make_scanner(dec)
    return dec


_JSON = _make_json_decoder()


def json_values(text, start=0):
    """The JSON values of text, one after the other (white space between them
    optional).  Yields ("value", value, start, end) and, for a syntax error,
    ("error", message, start, error offset); decoding then resumes at the next
    line that starts with '{' or '[' in column 0 (the first such line starting
    at or after the error offset, after the start of the failed value)."""
    n, i = len(text), start
    while True:
        while i < n and text[i] in JSON_WS:
            i += 1
        if i >= n:
            return
        try:
            v, end = _JSON.raw_decode(text, i)
        except json.JSONDecodeError as e:
            msg, pos = e.msg, e.pos
        except (ValueError, RecursionError) as e:
            msg, pos = (str(e) or type(e).__name__), i
        else:
            yield ("value", v, i, end)
            i = end
            continue
        yield ("error", msg, i, pos)
        lo = max(pos, i + 1)
        k = text.find("\n", lo - 1)
        i = n
        while k != -1:
            if text[k + 1:k + 2] in ("{", "["):
                i = k + 1
                break
            k = text.find("\n", k + 1)


class LineIndex:
    """Offset in a text -> its line number (1-based, lines end with '\\n')."""

    def __init__(self, text):
        self.n = len(text)
        self.nl = [m.start() for m in re.finditer("\n", text)]

    def __call__(self, pos):
        if pos >= self.n:
            pos = self.n - 1
        return bisect.bisect_left(self.nl, max(pos, 0)) + 1


def json_type(v):
    if isinstance(v, bool):
        return "boolean"
    if v is None:
        return "null"
    if isinstance(v, dict):
        return "object"
    if isinstance(v, list):
        return "array"
    if isinstance(v, str):
        return "string"
    return "number"


def b64decode(s):
    """Standard alphabet, padding optional."""
    if not B64_TEXT.fullmatch(s):
        raise BadPayload("invalid base64")
    body = s.rstrip("=")
    if len(body) % 4 == 1:
        raise BadPayload("invalid base64 (length)")
    try:
        return base64.b64decode(body + "=" * (-len(body) % 4), validate=True)
    except (binascii.Error, ValueError) as e:
        raise BadPayload(f"invalid base64 ({e})") from None


# Items that a container yields, in input order:
#   ("rec", line, text, stream)   one record line (a message line)
#   ("mal", line, why)            a malformed record (event without a string message...)
#   ("bad", line, why)            a bad payload
#   ("ctl",)                      a CONTROL_MESSAGE

def message_items(m, line, stream, items):
    if not isinstance(m, str):
        items.append(("mal", line, f'"message" is a JSON {json_type(m)}, not a string'))
        return
    if m.endswith("\r\n"):
        m = m[:-2]
    elif m.endswith("\n"):
        m = m[:-1]
    for part in m.split("\n"):
        items.append(("rec", line, part[:-1] if part.endswith("\r") else part, stream))


def events_items(events, where, items, stream, stream_key):
    for k, e in enumerate(events):
        if not isinstance(e, dict):
            items.append(("mal", where(events.ends[k] - 1),
                          f"an event that is a JSON {json_type(e)}, not an object"))
            continue
        s = stream
        if stream_key:
            s = e.get(stream_key)
            s = s if isinstance(s, str) else None
        if "message" not in e:
            items.append(("mal", where(e.end - 1), 'an event without "message"'))
            continue
        message_items(e["message"], where(e.vend["message"] - 1), s, items)


def event_payload_items(v, where, items, broken):
    """The payloads of a Lambda event ("awslogs") or of a Kinesis ("Records")
    or Firehose transformation ("records") event, added to items.  A data
    string read completely is decoded; a holder that closed without one is a
    bad payload.  broken: v was cut by a syntax error (its open parts say
    nothing; the shape errors of a whole value are raised as BadPayload)."""
    def closed(x):
        return not broken or getattr(x, "end", None) is not None

    if "awslogs" in v:                   # CloudWatch Logs -> Lambda
        a = v["awslogs"]
        if isinstance(a, dict) and isinstance(a.get("data"), str):
            items += payload_items(a["data"], where(a.vend["data"] - 1))
        elif isinstance(a, dict) and closed(a):
            items.append(("bad", where(a.end - 1), 'bad payload: "awslogs" without "data"'))
        elif not broken:
            raise BadPayload('"awslogs" is not an object')
        return
    kinesis = "Records" in v             # Kinesis -> Lambda, Firehose transformation
    recs = v["Records"] if kinesis else v["records"]
    if not isinstance(recs, list):
        if broken:
            return
        raise BadPayload(f'"{"Records" if kinesis else "records"}" is not an array')
    for k, r in enumerate(recs):
        holder = r.get("kinesis") if kinesis and isinstance(r, dict) else r
        data = holder.get("data") if isinstance(holder, dict) else None
        if isinstance(data, str):
            items += payload_items(data, where(holder.vend["data"] - 1))
        elif k < len(recs.ends):         # the record closed without its data
            items.append(("bad", where(recs.ends[k] - 1), "bad payload: a record without "
                          + ('"kinesis": {"data": "..."}' if kinesis else '"data": "..."')))


def value_items(v, where):
    """Items of one JSON value (top-level, or in a payload).  where: offset ->
    line.  Raises BadPayload when the value has none of the known shapes."""
    items = []
    if isinstance(v, list):              # --query events: an array of events
        events_items(v, where, items, None, "logStreamName")
        return items
    if not isinstance(v, dict):
        raise BadPayload(f"a JSON {json_type(v)}, not an object or an array")
    if "events" in v:                    # filter-log-events / get-log-events page
        if not isinstance(v["events"], list):
            raise BadPayload('"events" is not an array')
        events_items(v["events"], where, items, None, "logStreamName")
    elif "logEvents" in v:               # a decoded subscription message
        mt = v.get("messageType")
        if mt == "CONTROL_MESSAGE":
            items.append(("ctl",))
        elif mt == "DATA_MESSAGE":
            if not isinstance(v["logEvents"], list):
                raise BadPayload('"logEvents" is not an array')
            stream = v.get("logStream")
            events_items(v["logEvents"], where, items,
                         stream if isinstance(stream, str) else None, None)
        else:
            raise BadPayload(f"unknown messageType {mt!r}")
    elif "awslogs" in v or "Records" in v or "records" in v:
        event_payload_items(v, where, items, broken=False)
    elif "message" in v:                 # a Firehose record, or one event (JSON lines)
        stream = v.get("logStreamName")
        message_items(v["message"], where(v.vend["message"] - 1),
                      stream if isinstance(stream, str) else None, items)
    else:
        raise BadPayload("an object with none of events, logEvents, awslogs, Records, "
                         "records, message")
    return items


def payload_items(s, line):
    """A payload (a base64 line or a "data" string): all its items, or one
    bad payload (then none of its records)."""
    try:
        raw = b64decode(s)
        if raw[:2] == b"\x1f\x8b":
            raw, err = gunzip(raw)
            if err:
                raise BadPayload(f"broken gzip: {err}")
        text = raw.decode("utf-8", "surrogateescape")
        items, n = [], 0
        for ev in json_values(text):
            if ev[0] == "error":
                raise BadPayload(f"bad JSON: {ev[1]}")
            n += 1
            items += value_items(ev[1], lambda _pos: line)
        if not n:
            raise BadPayload("no JSON value")
        return items
    except BadPayload as e:
        return [("bad", line, f"bad payload: {e}")]


# --------------------------------------------------------------------------
# A top-level value broken by a JSON syntax error (or cut by the end of the
# input): the contract keeps the records of its log events that were complete
# (their object closed) before the error, and the payloads whose "data" string
# was read completely.  json_values only says where the error is; this small
# parser of its own reads the value up to there.
# --------------------------------------------------------------------------
class _Cut(Exception):
    """The broken value goes no further."""


def _prefix_value(s, i, n):
    """Tolerant recursive descent over s[i:n] (n: the error offset) from offset
    i.  Returns what was read of the value there, None if it did not even begin.  Objects (_Obj) and arrays (_Arr) are
    hooked to their parent as soon as they begin, scalars once complete, so a
    value cut anywhere keeps what it had: a container that did not close has
    .end None; .vend (objects) and .ends (arrays, a prefix of the elements)
    cover only the values that were complete."""
    got = []

    def skip_ws(j):
        while j < n and s[j] in JSON_WS:
            j += 1
        if j >= n:
            raise _Cut
        return j

    def string(j):                      # s[j] == '"'
        try:
            v, end = json.decoder.scanstring(s, j + 1, True)
        except json.JSONDecodeError:
            raise _Cut from None
        if end > n:                     # its closing quote is past the error
            raise _Cut
        return v, end

    def value(j, attach):
        """The value at s[j] (not white space); returns the offset after it."""
        c = s[j]
        if c == "{":
            obj = _Obj()
            obj.end, obj.vend = None, {}
            attach(obj)
            j = skip_ws(j + 1)
            if s[j] == "}":
                obj.end = j + 1
                return j + 1
            while True:
                if s[j] != '"':
                    raise _Cut
                key, j = string(j)
                j = skip_ws(j)
                if s[j] != ":":
                    raise _Cut
                j = skip_ws(j + 1)
                obj.vend.pop(key, None)     # a repeated key: the last one wins

                def put(v, key=key):
                    obj[key] = v
                j = value(j, put)
                obj.vend[key] = j
                j = skip_ws(j)
                if s[j] == "}":
                    obj.end = j + 1
                    return j + 1
                if s[j] != ",":
                    raise _Cut
                j = skip_ws(j + 1)
        if c == "[":
            arr = _Arr()
            arr.end, arr.ends = None, []
            attach(arr)
            j = skip_ws(j + 1)
            if s[j] == "]":
                arr.end = j + 1
                return j + 1
            while True:
                j = value(j, arr.append)
                arr.ends.append(j)
                j = skip_ws(j)
                if s[j] == "]":
                    arr.end = j + 1
                    return j + 1
                if s[j] != ",":
                    raise _Cut
                j = skip_ws(j + 1)
        if c == '"':
            v, j = string(j)
        else:
            for word, v in (("true", True), ("false", False), ("null", None)):
                if s.startswith(word, j, n):
                    j += len(word)
                    break
            else:
                # a number is complete when what follows cannot go on with it (the
                # error, or the end of the input: a truncation is an error there)
                m = json.scanner.NUMBER_RE.match(s, j, n)
                if not m or s[m.end():m.end() + 1] in (".", "e", "E"):
                    raise _Cut
                integer, frac, exp = m.groups()
                v = float(integer + (frac or "") + (exp or "")) if frac or exp else int(integer)
                j = m.end()
        attach(v)
        return j

    try:
        value(skip_ws(i), got.append)
    except (_Cut, RecursionError):
        pass
    return got[0] if got else None


def _complete(arr):
    """The elements of an array (maybe cut) that were complete, as an _Arr."""
    out = _Arr(arr[:len(arr.ends)])
    out.ends = list(arr.ends)
    return out


def broken_items(text, start, pos, where):
    """Items of the top-level value at text[start:] broken by a syntax error at
    offset pos (pos == start: the error was not placed, e.g. NaN; then the
    parser finds the end of the valid JSON itself)."""
    v = _prefix_value(text, start, pos if pos > start else len(text))
    items = []
    if isinstance(v, list):              # --query events: an array of events
        events_items(_complete(v), where, items, None, "logStreamName")
    elif not isinstance(v, dict):
        pass
    elif "events" in v:                  # a page: its complete events
        if isinstance(v["events"], list):
            events_items(_complete(v["events"]), where, items, None, "logStreamName")
    elif "logEvents" in v:               # a subscription message: the events complete
        # after both messageType (DATA_MESSAGE) and logStream were read; those
        # before were held back, and are lost with the message
        evs = v["logEvents"]
        if v.get("messageType") == "DATA_MESSAGE" and "logStream" in v.vend \
                and isinstance(evs, list):
            known = max(v.vend["messageType"], v.vend["logStream"])
            done = _complete(evs)
            keep = [k for k, e in enumerate(done.ends) if e > known]
            kept = _Arr(done[k] for k in keep)
            kept.ends = [done.ends[k] for k in keep]
            stream = v["logStream"]
            events_items(kept, where, items, stream if isinstance(stream, str) else None, None)
    elif "awslogs" in v or "Records" in v or "records" in v:
        event_payload_items(v, where, items, broken=True)
    # a Firehose {"message": ...} that did not close, anything else: nothing
    return items


def json_container(data, truncated):
    text = data.decode("utf-8", "surrogateescape")
    start = 1 if text.startswith("\ufeff") else 0
    where = LineIndex(text)
    for ev in json_values(text, start):
        if ev[0] == "error":
            _kind, msg, vstart, pos = ev
            # the records of the broken value complete before the error
            yield from broken_items(text, vstart, pos, where)
            if truncated and text.find("\n{", pos) < 0 and text.find("\n[", pos) < 0:
                return  # the value cut by the truncation: not a payload
            yield ("bad", where(pos), f"bad payload: JSON syntax error: {msg}")
            continue
        _kind, v, vstart, vend = ev
        try:
            yield from value_items(v, where)
        except BadPayload as e:
            yield ("bad", where(vend - 1), f"bad payload: {e}")


def base64_container(data, truncated):
    for lineno, raw in enumerate(split_lines(data, truncated), 1):
        if lineno == 1 and raw.startswith(BOM):
            raw = raw[len(BOM):]
        line = raw.strip(LEADING_WS).decode("utf-8", "surrogateescape")
        if line:
            yield from payload_items(line, lineno)


def cloudwatch_export_container(data, truncated, stream):
    for lineno, raw in enumerate(split_lines(data, truncated), 1):
        if lineno == 1 and raw.startswith(BOM):
            raw = raw[len(BOM):]
        line = raw.decode("utf-8", "surrogateescape")
        if not line.split():
            yield ("rec", lineno, line, stream)     # a blank line
            continue
        m = ISO_PREFIX_S.match(line)
        if not m:
            yield ("mal", lineno, "no ISO-8601 timestamp and space before the record")
        elif not line[m.end():].split():
            yield ("mal", lineno, "no record after the timestamp")
        else:
            yield ("rec", lineno, line[m.end():], stream)


def export_stream(path):
    """cloudwatch-export: the log stream is the directory holding the file."""
    if path == "-":
        return None
    return os.path.basename(os.path.dirname(os.path.abspath(path))) or None


def parse_data(data, path, container, fmt_cols, swap, truncated=False, stream=None):
    """One input's decompressed data -> (records, stats, malformed) where records
    is a list of (path, lineno, line, expected dict) and malformed a list of
    (path, lineno, why), bad payloads included."""
    records, malformed = [], []
    st = collections.OrderedDict((k, 0) for k in StatKeys + ContainerKeys)
    st["name"] = path
    st["truncated"] = truncated
    st["container"] = container
    cols = list(fmt_cols)
    seen_line = [False]  # a non-blank line of this input was read

    def record(lineno, line, headers_ok, stream):
        nonlocal cols
        st["lines"] += 1
        tokens = line.split()
        if not tokens:
            st["blank"] += 1
            return
        shape, known = header_shape(tokens) if headers_ok else (False, 0)
        first_line = not seen_line[0]
        nbytes = len(to_bytes(line))
        if nbytes <= READER_MAX_LINE:  # longer ones never reach vpc2ipfix's parser
            seen_line[0] = True
        # a line of unknown lower-case words only is a header only as the
        # first line of the input, not longer than a record may be, and when
        # the columns in force cannot read it as a record (free-text fields)
        if shape and (known > 0 or (first_line and nbytes <= MAX_LINE
                                    and not reads_as_record(tokens, cols))):
            st["headers"] += 1
            cols = [normalize_name(t) for t in tokens]
            return
        try:
            if len(to_bytes(line)) > MAX_LINE:  # white space included
                raise Malformed(f"line longer than {MAX_LINE} bytes")
            if len(tokens) != len(cols):
                raise Malformed(f"{len(tokens)} columns, expected {len(cols)}")
            values = {}
            for col, tok in zip(cols, tokens):
                if col not in FIELDS or tok == "-":
                    continue
                values[col] = check_value(col, tok)
            # one packet, one IP version: a mixed pair is no flow
            for a, b in (("srcaddr", "dstaddr"), ("pkt-srcaddr", "pkt-dstaddr")):
                if a in values and b in values and values[a].version != values[b].version:
                    raise Malformed(f"{a} and {b} are of different address families")
        except Malformed as e:
            st["malformed"] += 1
            malformed.append((path, lineno, str(e)))
            return
        if stream and "interface-id" not in cols:
            values["interface-id"] = interface_from_stream(stream)
        status = values.get("log-status", "OK")
        if status == "NODATA":
            st["nodata"] += 1
            return
        if status == "SKIPDATA":
            st["skipdata"] += 1
            return
        st["flows"] += 1
        # the family of the flow key: the addresses exported as
        # source/destinationIPvXAddress (pkt-* ones with the swap); post-NAT
        # addresses alone make a flow without address
        if swap:
            fam = family_of(values, ("pkt-srcaddr", "pkt-dstaddr"))
        else:
            fam = family_of(values, ("srcaddr", "dstaddr"))
        st[{4: "flows_ipv4", 6: "flows_ipv6", None: "flows_noaddr"}[fam]] += 1
        records.append((path, lineno, line, expected_record(values, swap)))

    if container == "text":
        for lineno, raw in enumerate(split_lines(data, truncated), 1):
            record(lineno, raw.decode("utf-8", "surrogateescape"), True, None)
        return records, st, malformed
    if container == "json":
        items = json_container(data, truncated)
    elif container == "base64":
        items = base64_container(data, truncated)
    elif container == "cloudwatch-export":
        items = cloudwatch_export_container(data, truncated, stream)
    else:
        raise ValueError(f"unknown container {container!r}")
    for it in items:
        if it[0] == "rec":
            record(it[1], it[2], False, it[3])
        elif it[0] == "mal":
            st["lines"] += 1
            st["malformed"] += 1
            malformed.append((path, it[1], it[2]))
        elif it[0] == "bad":
            st["bad_payloads"] += 1
            malformed.append((path, it[1], it[2]))
        elif it[0] == "ctl":
            st["control_messages"] += 1
    return records, st, malformed


def to_bytes(s):
    try:
        return s.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate from a JSON \\u escape
        return s.encode("utf-8", "surrogatepass")


def parse_inputs(paths, fmt_cols, swap, stdin_file=None, allow_truncated=False,
                 input_format="auto"):
    """Returns (records, stats, malformed) where records is a list of
    (path, lineno, line, expected dict)."""
    records, stats, malformed = [], [], []
    for path in paths:
        data, truncated = read_bytes(path, stdin_file, allow_truncated)
        if data[:4] == PARQUET_MAGIC and path != "-":
            r, st, m = parse_data(parquet_text(path), path, "text", fmt_cols, swap)
            st["container"] = "parquet"
            records += r
            stats.append(st)
            malformed += m
            continue
        container = detect_container(data) if input_format == "auto" else input_format
        stream = export_stream(path) if container == "cloudwatch-export" else None
        r, st, m = parse_data(data, path, container, fmt_cols, swap, truncated, stream)
        records += r
        stats.append(st)
        malformed += m
    return records, stats, malformed


# --------------------------------------------------------------------------
# Decoders
# --------------------------------------------------------------------------

class ToolError(Exception):
    pass


def run_tool(argv):
    env = dict(os.environ, TZ="UTC", LC_ALL="C")
    try:
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    except OSError as e:
        raise ToolError(f"{argv[0]}: {e}") from None
    return p.returncode, p.stdout.decode("utf-8", "surrogateescape"), \
        p.stderr.decode("utf-8", "surrogateescape")


def ms_from_text(text):
    """'2014-12-14 04:06:50.123' (UTC) -> ms since the epoch."""
    m = re.match(r"^(\d{4,})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d+))?$", text.strip())
    if not m:
        raise ValueError(text)
    y, mo, d, h, mi, s = (int(x) for x in m.groups()[:6])
    frac = (m.group(7) or "0") + "000"
    secs = calendar.timegm((y, mo, d, h, mi, s, 0, 0, 0))
    return secs * 1000 + int(frac[:3])


class Decoded:
    """What a decoder saw: data records (non-options), messages, templates."""

    def __init__(self, tool):
        self.tool = tool
        self.records = []       # list of (tid, {name: value}, [(name, length)])
        self.messages = []      # list of (odid, seq, n_data_records or None)
        self.problems = []      # strings


def decode_ipfixdump(path, element_file=None, rfc5610=False):
    argv = ["ipfixDump", "-i", path]
    label = "ipfixDump"
    if element_file:
        argv[1:1] = ["--element-file", element_file]
    if rfc5610:
        argv[1:1] = ["--rfc5610"]
        label = "ipfixDump --rfc5610"
    rc, out, err = run_tool(argv)
    dec = Decoded(label)
    if rc != 0:
        dec.problems.append(f"{label} exited {rc}: {err.strip()}")
    for ln in err.splitlines():
        if ln.strip():
            dec.problems.append(f"{label} stderr: {ln.strip()}")
    templates = {}
    cur = None   # ("tmpl", tid, scope, fields) or ("data", tid, dict, lengths)
    msg = None

    def close():
        nonlocal cur
        if cur and cur[0] == "tmpl":
            templates[cur[1]] = (cur[2], cur[3])
        elif cur and cur[0] == "data":
            _kind, tid, rec = cur
            tmpl = templates.get(tid)
            if tmpl is None:
                dec.problems.append(f"{label}: data record with unknown template {tid}")
            elif tmpl[0] == 0:
                dec.records.append((tid, rec, [(f[2], f[3]) for f in tmpl[1]]))
        cur = None

    for ln in out.splitlines():
        if ln.startswith("--- Message Header"):
            close()
            msg = {"odid": None, "seq": None}
            dec.messages.append(msg)
            continue
        m = re.search(r"observation domain id: (\d+)", ln)
        if m and msg is not None:
            msg["odid"] = int(m.group(1))
        m = re.search(r"sequence number: (\d+)", ln)
        if m and msg is not None:
            msg["seq"] = int(m.group(1))
        if ln.startswith("--- template record") or ln.startswith("--- options template"):
            close()
            cur = ["tmpl", None, 0, []]
            continue
        if ln.startswith("--- data record"):
            close()
            cur = ["data", None, {}]
            continue
        if ln.startswith("***"):
            close()
            continue
        if cur is None:
            continue
        if cur[0] == "tmpl":
            m = re.match(r"^\s+tid:\s+(\d+).*field count:\s+(\d+)\s+scope:\s+(\d+)", ln)
            if m:
                cur[1], cur[2] = int(m.group(1)), int(m.group(3))
                continue
            m = re.match(r"^\s+ent:\s+(\d+)\s+id:\s+(\d+)\s+type:\s+(\S+)\s+len:\s+(\d+)\s+(?:\(S\)\s+)?(\S+)", ln)
            if m:
                cur[3].append((int(m.group(1)), int(m.group(2)), m.group(5), int(m.group(4)),
                               m.group(3)))
            continue
        m = re.match(r"^\s+count:\s+\d+\s+tid:\s+(\d+)", ln)
        if m:
            cur[1] = int(m.group(1))
            continue
        m = re.match(r"^\t\((\d+)(?:/(\d+))?\)\s+(\S+) : ?(.*)$", ln)
        if m:
            pen = int(m.group(1)) if m.group(2) else 0
            num = int(m.group(2)) if m.group(2) else int(m.group(1))
            name, text = m.group(3), m.group(4)
            tmpl = templates.get(cur[1])
            ftype = None
            if tmpl:
                for f in tmpl[1]:
                    if (f[0], f[1]) == (pen, num):
                        ftype = f[4]
            known = ELEMENTS.get((pen, num))
            if known and known[0] != name:
                dec.problems.append(f"{label}: element ({pen}/{num}) is named {name}, "
                                    f"expected {known[0]}")
            try:
                cur[2][name] = convert_ipfixdump(ftype, text)
            except ValueError as e:
                dec.problems.append(f"{label}: cannot read {name} value {text!r} ({e})")
                cur[2][name] = text
    close()
    dec.messages = [(m["odid"], m["seq"], None) for m in dec.messages]
    return dec


def convert_ipfixdump(ftype, text):
    if ftype in ("ipv4", "ipv6"):
        return ipaddress.ip_address(text.strip())
    if ftype and (ftype.startswith("uint") or ftype.startswith("int")):
        return int(text.strip())
    if ftype == "millisec":
        return ms_from_text(text)
    if ftype == "string":
        m = re.match(r"^\(len: (\d+)\) ?(.*)$", text, re.S)
        if not m:
            raise ValueError("no (len: N) prefix")
        n = int(m.group(1))
        s = m.group(2)
        if len(s.encode("utf-8", "surrogateescape")) < n:
            s = s + " " * (n - len(s.encode("utf-8", "surrogateescape")))
        return s
    return text


# tshark field -> IPFIX element name (standard elements)
TSHARK_FIELDS = {
    "cflow.srcaddr": "sourceIPv4Address",
    "cflow.dstaddr": "destinationIPv4Address",
    "cflow.srcaddrv6": "sourceIPv6Address",
    "cflow.dstaddrv6": "destinationIPv6Address",
    "cflow.post_natsource_ipv4_address": "postNATSourceIPv4Address",
    "cflow.post_natdestination_ipv4_address": "postNATDestinationIPv4Address",
    "cflow.post_nat_source_ipv6_address": "postNATSourceIPv6Address",
    "cflow.post_nat_destination_ipv6_address": "postNATDestinationIPv6Address",
    "cflow.srcport": "sourceTransportPort",
    "cflow.dstport": "destinationTransportPort",
    "cflow.protocol": "protocolIdentifier",
    "cflow.packets": "packetDeltaCount",
    "cflow.octets": "octetDeltaCount",
    "cflow.abstimestart": "flowStartMilliseconds",
    "cflow.abstimeend": "flowEndMilliseconds",
    "cflow.forwarding_status": "forwardingStatus",
    "cflow.firewall_event": "firewallEvent",
    "cflow.tcpflags": "tcpControlBits",
    "cflow.direction": "flowDirection",
    "cflow.ip_version": "ipVersion",
    "cflow.if_name": "interfaceName",
    "cflow.inputint": "ingressInterface",
    "cflow.outputint": "egressInterface",
}
# sub-fields tshark adds inside an element (not elements themselves)
TSHARK_IGNORED = re.compile(r"^(cflow\.string_len_(short|long)|cflow\.tcpflags\..*|"
                            r"cflow\.forwarding_status_.*|cflow\.timedelta|cflow\.padding|)$")


def tshark_value(name, f):
    kind = KIND[name]
    show, raw = f.get("show", ""), f.get("value", "")
    if name == "forwardingStatus":
        return int(f.get("unmaskedvalue") or raw, 16)
    if name == "tcpControlBits":
        return int(show, 16)
    if kind in ("ipv4", "ipv6"):
        return ipaddress.ip_address(show)
    if kind == "uint":
        return int(show)
    if kind == "time":
        return int(raw, 16)   # 8 bytes, ms since the epoch (show is for humans)
    if kind == "str":
        return bytes.fromhex(raw).decode("utf-8", "surrogateescape")
    return show


def decode_tshark(path):
    dec = Decoded("tshark")
    rc, out, err = run_tool(["tshark", "-n", "-r", path, "-T", "pdml"])
    if rc != 0:
        dec.problems.append(f"tshark exited {rc}: {err.strip()}")
        return dec
    try:
        root = ET.fromstring(out)
    except ET.ParseError as e:
        dec.problems.append(f"tshark: cannot parse PDML: {e}")
        return dec
    templates = {}   # tid -> (scope, [(pen, id, length)])
    for pkt in root.iter("packet"):
        for f in pkt.iter("field"):
            if f.get("name") in ("_ws.expert", "_ws.malformed"):
                dec.problems.append(f"tshark expert: {f.get('showname') or f.get('show')}")
        proto = next((p for p in pkt.iter("proto") if p.get("name") == "cflow"), None)
        if proto is None:
            dec.problems.append("tshark: a frame without IPFIX")
            continue
        odid = seq = None
        n_data = 0
        for top in proto:
            name = top.get("name")
            if name == "cflow.od_id":
                odid = int(top.get("show"))
            elif name == "cflow.sequence":
                seq = int(top.get("show"))
            elif name == "" and (top.get("show") or "").startswith("Set "):
                n_data += tshark_set(top, templates, dec)
        dec.messages.append((odid, seq, n_data))
    return dec


def tshark_set(s, templates, dec):
    setid = None
    n = 0
    for f in s:
        name, show = f.get("name"), f.get("show") or ""
        if name == "cflow.flowset_id":
            setid = int(f.get("show"))
        m = re.match(r"^(Options )?Template \(Id = (\d+)", show)
        if name == "" and m:
            tid = int(m.group(2))
            scope = 0
            ms = re.search(r"Scope Count = (\d+)", show)
            if m.group(1):
                scope = int(ms.group(1)) if ms else 1
            fields = []
            for fld in f:
                if not (fld.get("show") or "").startswith("Field ("):
                    continue
                kv = {c.get("name"): c.get("show") for c in fld}
                pen = int(kv.get("cflow.template_ipfix_field_pen") or 0)
                num = kv.get("cflow.template_ipfix_field_type") or \
                    kv.get("cflow.template_ipfix_field_type_enterprise") or \
                    kv.get("cflow.template_scope_field_type") or "0"
                fields.append((pen, int(num), int(kv.get("cflow.template_field_length") or 0)))
            templates[tid] = (scope, fields)
        if name == "" and show.startswith("Flow "):
            n += 1
            if setid is None or setid < 256:
                continue
            tmpl = templates.get(setid)
            if tmpl is None:
                dec.problems.append(f"tshark: data set {setid} without a template")
                continue
            if tmpl[0]:
                continue  # options record (RFC 5610 type record, ...)
            dec.records.append((setid, tshark_flow(f, tmpl[1], dec), None))
    return n


def tshark_flow(flow, tfields, dec):
    rec = {}
    ent_fields = [(pen, num) for (pen, num, _l) in tfields if pen]
    ent_i = 0

    def walk(node):
        nonlocal ent_i
        for f in node:
            name = f.get("name") or ""
            if name in TSHARK_FIELDS:
                el = TSHARK_FIELDS[name]
                try:
                    rec[el] = tshark_value(el, f)
                except ValueError as e:
                    dec.problems.append(f"tshark: cannot read {name} {f.get('show')!r}: {e}")
            elif name == "cflow.enterprise_private_entry":
                m = re.search(r"Type (\d+):", f.get("showname") or "")
                num = int(m.group(1)) if m else -1
                pen = ent_fields[ent_i][0] if ent_i < len(ent_fields) else -1
                if ent_i < len(ent_fields) and ent_fields[ent_i][1] != num:
                    dec.problems.append(f"tshark: enterprise entry Type {num} where the "
                                        f"template has {ent_fields[ent_i]}")
                ent_i += 1
                el = ELEMENTS.get((pen, num))
                if el is None:
                    rec[f"tshark:({pen}/{num})"] = f.get("value")
                else:
                    raw = bytes.fromhex(f.get("value") or "")
                    rec[el[0]] = int.from_bytes(raw, "big") if el[1] == "uint" else \
                        raw.decode("utf-8", "surrogateescape")
            elif name == "" or TSHARK_IGNORED.match(name):
                walk(f)
            else:
                rec[f"tshark:{name}"] = f.get("show")
    walk(flow)
    return rec


# --------------------------------------------------------------------------
# Comparing
# --------------------------------------------------------------------------

def fmt_value(v):
    if isinstance(v, (ipaddress.IPv4Address, ipaddress.IPv6Address)):
        return str(v)
    if isinstance(v, str):
        return repr(v)
    return str(v)


def fmt_time(ms):
    try:
        return datetime.datetime.utcfromtimestamp(ms / 1000).isoformat() + "Z"
    except (OverflowError, ValueError, OSError):
        return "?"


class Report:
    def __init__(self, limit):
        self.lines = []
        self.limit = limit
        self.errors = 0

    def error(self, msg):
        self.errors += 1
        if len(self.lines) < self.limit:
            self.lines.append(msg)
        elif len(self.lines) == self.limit:
            self.lines.append("... (more differences not shown)")


def compare(expected, dec, rep, prefix=False):
    got = dec.records
    n = len(expected)
    if prefix:
        if len(got) > n:
            rep.error(f"{dec.tool}: {len(got)} records, more than the {n} expected")
        n = min(n, len(got))
    elif len(got) != n:
        rep.error(f"{dec.tool}: {len(got)} records, expected {n}")
    for i in range(min(n, len(got))):
        path, lineno, line, exp = expected[i]
        tid, rec, lengths = got[i]
        diffs = []
        for name in sorted(set(exp) | set(rec)):
            if name not in rec:
                diffs.append(f"    {name}: missing, expected {fmt_value(exp[name])}")
            elif name not in exp:
                diffs.append(f"    {name}: unexpected element, value {fmt_value(rec[name])}")
            elif exp[name] != rec[name] or type(exp[name]) is not type(rec[name]):
                extra = ""
                if KIND.get(name) == "time" and isinstance(rec[name], int):
                    extra = f" ({fmt_time(exp[name])} vs {fmt_time(rec[name])})"
                diffs.append(f"    {name}: expected {fmt_value(exp[name])}, "
                             f"got {fmt_value(rec[name])}{extra}")
        if lengths is not None:
            for name, length in lengths:
                if name in FIXED_LENGTH and FIXED_LENGTH[name] != length:
                    diffs.append(f"    {name}: template length {length}, "
                                 f"expected {FIXED_LENGTH[name]}")
        if diffs:
            rep.error(f"{dec.tool}: record {i + 1} (template {tid}) from {path}:{lineno}: "
                      f"{line[:160]}\n" + "\n".join(diffs))
    # one template per element set, one element set per template
    seen_set, seen_tid = {}, {}
    for tid, rec, _l in got:
        key = frozenset(rec)
        if key in seen_set and seen_set[key] != tid:
            rep.error(f"{dec.tool}: element set used with templates {seen_set[key]} and {tid}")
        seen_set.setdefault(key, tid)
        if tid in seen_tid and seen_tid[tid] != key:
            rep.error(f"{dec.tool}: template {tid} used with different element sets")
        seen_tid.setdefault(tid, key)


def check_messages(dec, odid, rep, n_expected):
    total = collections.Counter()
    for i, (m_odid, seq, n_data) in enumerate(dec.messages):
        if odid is not None and m_odid != odid:
            rep.error(f"{dec.tool}: message {i + 1}: observation domain {m_odid}, expected {odid}")
        if n_data is not None:
            if seq != total[m_odid]:
                rep.error(f"{dec.tool}: message {i + 1}: sequence number {seq}, expected "
                          f"{total[m_odid]} (data records before it in domain {m_odid})")
            total[m_odid] += n_data
    if not dec.messages and n_expected:
        rep.error(f"{dec.tool}: no IPFIX message in the file")


def check_stats(path, oracle, rep, prefix):
    try:
        with open(path) as f:
            js = json.load(f)
    except (OSError, ValueError) as e:
        rep.error(f"stats: cannot read {path}: {e}")
        return
    if not isinstance(js, dict) or not isinstance(js.get("inputs"), list) \
            or not isinstance(js.get("total"), dict):
        rep.error("stats: expected an object with 'inputs' (list) and 'total' (object)")
        return

    def invariants(where, d):
        for k in StatKeys + ContainerKeys:
            if not isinstance(d.get(k), int) or isinstance(d.get(k), bool) or d[k] < 0:
                rep.error(f"stats: {where}: {k} missing or not a count: {d.get(k)!r}")
                return False
        parts = ("headers", "blank", "flows", "nodata", "skipdata", "malformed")
        if d["lines"] != sum(d[k] for k in parts):
            rep.error(f"stats: {where}: lines {d['lines']} != " +
                      " + ".join(f"{k} {d[k]}" for k in parts))
        if d["flows"] != d["flows_ipv4"] + d["flows_ipv6"] + d["flows_noaddr"]:
            rep.error(f"stats: {where}: flows {d['flows']} != ipv4 + ipv6 + noaddr")
        return True

    ok = all([invariants(f"inputs[{i}]", d) for i, d in enumerate(js["inputs"])])
    ok = invariants("total", js["total"]) and ok
    if ok:
        for k in StatKeys + ContainerKeys:
            s = sum(d[k] for d in js["inputs"])
            if js["total"][k] != s:
                rep.error(f"stats: total.{k} {js['total'][k]} != sum over inputs {s}")
    if len(js["inputs"]) != len(oracle):
        rep.error(f"stats: {len(js['inputs'])} inputs, the oracle read {len(oracle)}: "
                  f"{[d.get('name') for d in js['inputs']]} vs {[o['name'] for o in oracle]}")
        return
    for i, (d, o) in enumerate(zip(js["inputs"], oracle)):
        if "name" not in d or "error" not in d:
            rep.error(f"stats: inputs[{i}]: 'name' or 'error' missing")
        if o["name"] != "-" and d.get("name") != o["name"]:
            rep.error(f"stats: inputs[{i}]: name {d.get('name')!r}, expected {o['name']!r}")
        if d.get("container") != o["container"]:
            rep.error(f"stats: inputs[{i}] ({o['name']}): container {d.get('container')!r}, "
                      f"the oracle detects {o['container']!r}")
        if o["truncated"]:
            if d.get("error") in (None, ""):
                rep.error(f"stats: inputs[{i}] ({o['name']}): truncated, but error is null")
            continue
        if d.get("error") is not None:
            rep.error(f"stats: inputs[{i}] ({o['name']}): error {d.get('error')!r}, expected null")
        if not ok:
            continue
        for k in StatKeys + ContainerKeys:
            if d[k] != o[k]:
                rep.error(f"stats: inputs[{i}] ({o['name']}): {k} {d[k]}, the oracle counts {o[k]}")


def flow_key(rec):
    """A decoded flow record as a hashable value: all its elements."""
    return tuple(sorted(rec.items(), key=lambda kv: kv[0]))


def fmt_flow(key):
    return " ".join(f"{k}={fmt_value(v)}" for k, v in key)


def same_flows(path, other, rep):
    """Both IPFIX files decoded with tshark hold the same multiset of flow
    records (every element compared, order ignored; options records, such as
    the RFC 5610 type records and the interface table, are not flows)."""
    decs = [decode_tshark(path), decode_tshark(other)]
    for p, dec in zip((path, other), decs):
        for prob in dec.problems:
            rep.error(f"{p}: {prob}")
    counts = [collections.Counter(flow_key(rec) for _tid, rec, _l in dec.records) for dec in decs]
    if len(decs[0].records) != len(decs[1].records):
        rep.error(f"--same-flows: {len(decs[0].records)} flow records in {path}, "
                  f"{len(decs[1].records)} in {other}")
    for mine, theirs, p, q in ((counts[0], counts[1], path, other),
                               (counts[1], counts[0], other, path)):
        for key, n in sorted((mine - theirs).items(), key=lambda kv: fmt_flow(kv[0])):
            rep.error(f"--same-flows: {n} more time(s) in {p} than in {q}: {fmt_flow(key)}")
    return len(decs[0].records)


# --------------------------------------------------------------------------

def selftest():
    """Known answers for the pieces of the oracle that could be wrong silently."""
    failures = []

    def expect(what, got, want):
        if got != want:
            failures.append(f"{what}: got {got!r}, expected {want!r}")

    # FNV-1a 32-bit test vectors (Fowler/Noll/Vo reference)
    expect("fnv1a32('')", fnv1a32(b""), 0x811C9DC5)
    expect("fnv1a32('a')", fnv1a32(b"a"), 0xE40C292C)
    expect("fnv1a32('foobar')", fnv1a32(b"foobar"), 0xBF9CF968)
    expect("interface_index('a')", interface_index("a"), 1 + 0xE40C292C % 65535)
    expect("is_header(default)", is_header(DEFAULT_FORMAT), True)
    expect("is_header(record)", is_header("2 123 eni-1 - - - - - - - 1 2 - NODATA".split()), False)
    expect("is_header(words)", is_header(["ACCEPT", "OK"]), False)
    expect("is_header(mixed case)", is_header(["SrcAddr", "Flow_Direction"]), True)
    expect("is_header(unknown names)", is_header(["brand-new", "other_field"]), True)
    expect("is_header(value words)", is_header(["wavelength", "egress"]), False)
    expect("is_header(ids)", is_header(["tgw-0a1b", "vpc-0abc"]), False)
    expect("parse_format", parse_format("${srcaddr} ${Pkt_SrcAddr}"), ["srcaddr", "pkt-srcaddr"])
    for field, text in (("srcport", "70000"), ("packets", "-1"), ("bytes", str(2 ** 64)),
                        ("srcaddr", "1.2.3.256"), ("action", "ALLOW"), ("protocol", "0x06"),
                        ("log-status", "FINE"), ("start", "+5"), ("srcaddr", "fe80::1%eth0"),
                        ("flow-direction", "sideways")):
        try:
            check_value(field, text)
            failures.append(f"check_value({field}, {text}) accepted")
        except Malformed:
            pass
    expect("seconds->ms", expected_record({"start": 1418530010}, False)["flowStartMilliseconds"],
           1418530010000)
    expect("ms kept", expected_record({"end": 100000000000}, False)["flowEndMilliseconds"],
           100000000000)
    r = expected_record({"srcaddr": ipaddress.ip_address("10.0.0.1"),
                         "pkt-srcaddr": ipaddress.ip_address("2001:db8::1"),
                         "interface-id": "eni-1", "flow-direction": "egress",
                         "action": "REJECT", "type": "EFA"}, True)
    expect("swap", (str(r.get("sourceIPv6Address")), str(r.get("postNATSourceIPv4Address"))),
           ("2001:db8::1", "10.0.0.1"))
    expect("egress index", r.get("egressInterface"), interface_index("eni-1"))
    expect("REJECT", (r.get("forwardingStatus"), r.get("firewallEvent")), (129, 3))
    expect("EFA", (r.get("awsTrafficType"), "ipVersion" in r), ("EFA", False))
    expect("ms_from_text", ms_from_text("2014-12-14 04:07:50.123"), 1418530070123)
    selftest_containers(expect)
    for f in failures:
        print(f"flowcheck selftest: FAIL: {f}")
    if not failures:
        print("flowcheck selftest: OK")
    return 1 if failures else 0


def selftest_containers(expect):
    """Known answers for the container decoders (the containers contract)."""
    rec = "2 123456789012 eni-0a1b2c3d4e5f60718 10.0.1.23 10.0.2.15 443 50000 6 10 800 1795132800 1795132860 ACCEPT OK"
    nodata = "2 123456789012 eni-0a1b2c3d4e5f60718 - - - - - - - 1795132800 1795132860 - NODATA"
    # detection by the first bytes
    for data, want in ((b'{"events": []}', "json"), (b"\xef\xbb\xbf \r\n\t[1]", "json"),
                       (b"2026-11-20T00:00:12.000Z " + rec.encode(), "cloudwatch-export"),
                       (b"\n2026-11-20T00:00:12+01:00 x y", "cloudwatch-export"),
                       (b"2026-11-20T00:00:12Z x", "cloudwatch-export"),
                       (b"2026-11-20 00:00:12 x", "text"), (b"2026-11-20T00:00:12.000Z", "text"),
                       (b"H4sIAAAAAAAA/+3B\r\nH4sI", "base64"), (b"H4sI not base64", "text"),
                       (b"eyJmb28iOjF9\n", "text"), (" ".join(DEFAULT_FORMAT).encode(), "text"),
                       (rec.encode(), "text"), (b"", "text")):
        expect(f"detect_container({data[:30]!r})", detect_container(data), want)
    # the stream -> interface-id rule
    for stream, want in (("eni-0a1b2c3d4e5f60718-all", "eni-0a1b2c3d4e5f60718"),
                         ("eni-0A1B2c3d-reject", "eni-0A1B2c3d"), ("eni-05d1c2b3a4f5e6d7c", "eni-05d1c2b3a4f5e6d7c"),
                         ("my-custom-stream", "my-custom-stream"), ("eni-xyz-all", "eni-xyz-all"),
                         ("ENI-0a1b-all", "ENI-0a1b-all")):
        expect(f"interface_from_stream({stream})", interface_from_stream(stream), want)
    expect("export_stream", export_stream("/x/task/eni-0a1b-all/000000.gz"), "eni-0a1b-all")
    for name, want in (("a.log", True), ("a.log.gz", True), ("a.json", True), ("a.b64", True),
                       ("vpc-flows-1-2026-11-20-00-00-00-6f1c2a3b", True), ("README.md", False),
                       ("a.parquet", True)):
        expect(f"taken_name({name})", taken_name(name), want)
    expect("b64decode unpadded", b64decode("QUI"), b"AB")

    def run(container, data, fmt=DEFAULT_FORMAT, stream=None):
        recs, st, mal = parse_data(data, "t", container, list(fmt), False, False, stream)
        counts = {k: v for k, v in st.items() if k in StatKeys + ContainerKeys and v}
        return [(ln, r.get("interfaceName")) for _p, ln, _l, r in recs], counts, \
            [(ln, why.split(":")[0]) for _p, ln, why in mal]

    def payload(obj, gzipped=True, pad=True):
        raw = json.dumps(obj).encode()
        if gzipped:
            raw = zlib.compress(raw, wbits=31)
        out = base64.b64encode(raw).decode()
        return out if pad else out.rstrip("=")

    def data_message(stream, *messages, mtype="DATA_MESSAGE"):
        return {"messageType": mtype, "owner": "1", "logGroup": "g", "logStream": stream,
                "subscriptionFilters": [], "logEvents": [{"id": "1", "timestamp": 1, "message": m}
                                                         for m in messages]}
    # base64: payloads, bad payloads, control messages, positions = the payload's line
    lines = [payload(data_message("eni-1-all", rec, nodata + "\n")),
             payload(data_message("", "CWL CONTROL MESSAGE: hi", mtype="CONTROL_MESSAGE")),
             "", "H4sI*bad*",
             base64.b64encode(zlib.compress(b'{"logEvents": []}', wbits=31)[:12]).decode(),
             payload({"foo": 1}), payload(data_message("s", "not a record", rec + "\r\n" + rec)),
             payload(data_message("s", rec, mtype="NO_SUCH_MESSAGE")),
             payload(data_message("s", rec), gzipped=False, pad=False), payload(5)]
    expect("base64 container", run("base64", "\n".join(lines).encode() + b"\n"),
           ([(1, "eni-0a1b2c3d4e5f60718"), (7, "eni-0a1b2c3d4e5f60718"), (7, "eni-0a1b2c3d4e5f60718"),
             (9, "eni-0a1b2c3d4e5f60718")],
            {"lines": 6, "flows": 4, "flows_ipv4": 4, "nodata": 1, "malformed": 1,
             "control_messages": 1, "bad_payloads": 5},
            [(4, "bad payload"), (5, "bad payload"), (6, "bad payload"), (7, "3 columns, expected 14"),
             (8, "bad payload"), (10, "bad payload")]))
    # json: pages pretty-printed, a syntax error, resync at '{' in column 0; a
    # message placed on the line of the end of its string
    page = json.dumps({"events": [{"logStreamName": "eni-1-all", "message": rec}], "nextToken": "x"},
                      indent=4)
    broken = page.replace('"message"', '"message" "oops"')
    text = page + "\n" + broken + "\n" + page + page + "\n"
    line_msg = page.split("\n").index(next(ln for ln in page.split("\n") if '"message"' in ln)) + 1
    n_page = page.count("\n") + 1
    expect("json resync", run("json", text.encode()),
           ([(line_msg, "eni-0a1b2c3d4e5f60718"), (2 * n_page + line_msg, "eni-0a1b2c3d4e5f60718"),
             (3 * n_page - 1 + line_msg, "eni-0a1b2c3d4e5f60718")],
            {"lines": 3, "flows": 3, "flows_ipv4": 3, "bad_payloads": 1},
            [(n_page + line_msg, "bad payload")]))
    # json: the other shapes; key order does not matter; Firehose objects back to back
    firehose = json.dumps({"message": rec}) + json.dumps({"message": 7}) + '{"msg": "x"}'
    lambda_event = json.dumps({"awslogs": {"data": payload(data_message("eni-2-all", rec))}})
    kinesis = json.dumps({"Records": [{"kinesis": {"data": payload(data_message("s", rec))}},
                                      {"kinesis": {}}]})
    transform = json.dumps({"records": [{"recordId": "1", "data": payload({"message": rec})}]})
    control = json.dumps({"logEvents": [], "messageType": "CONTROL_MESSAGE"})
    array = json.dumps([{"message": rec}, {"timestamp": 1}, 3], indent=1)
    text = "\n".join([firehose, lambda_event, kinesis, transform, control, "42", array])
    expect("json shapes", run("json", text.encode()),
           ([(1, "eni-0a1b2c3d4e5f60718"), (2, "eni-0a1b2c3d4e5f60718"),
             (3, "eni-0a1b2c3d4e5f60718"), (4, "eni-0a1b2c3d4e5f60718"),
             (9, "eni-0a1b2c3d4e5f60718")],
            {"lines": 8, "flows": 5, "flows_ipv4": 5, "malformed": 3, "control_messages": 1,
             "bad_payloads": 3},
            [(1, '"message" is a JSON number, not a string'), (1, "bad payload"),
             (3, "bad payload"), (6, "bad payload"), (13, "an event without \"message\""),
             (14, "an event that is a JSON number, not an object")]))
    # the stream gives the interface when the format has no interface-id
    noif = [c for c in DEFAULT_FORMAT if c != "interface-id"]
    short = " ".join(t for k, t in enumerate(rec.split()) if k != 2)
    lines = [payload(data_message("eni-0f9e8d7c6b5a43210-all", short)),
             payload(data_message("my-custom-stream", short)),
             payload({"events": [{"message": short}]})]
    expect("stream -> interface-id", run("base64", "\n".join(lines).encode(), noif)[0],
           [(1, "eni-0f9e8d7c6b5a43210"), (2, "my-custom-stream"), (3, None)])
    expect("the interface-id column wins",
           run("base64", payload(data_message("eni-0f9e8d7c6b5a43210-all", rec)).encode())[0],
           [(1, "eni-0a1b2c3d4e5f60718")])
    # json: a top-level value broken by a syntax error keeps the records of the
    # events complete (closed) before the error; the error is one bad payload
    def line_of(text, needle, nth=0):
        k = -1
        for _ in range(nth + 1):
            k = text.index(needle, k + 1)
        return text.count("\n", 0, k) + 1

    evs = [{"logStreamName": f"eni-{k}-all", "timestamp": k, "message": short} for k in (1, 2, 3)]
    page = json.dumps({"events": evs, "nextToken": "x"}, indent=4) + "\n"
    mid = page.replace('"message"', '"message" "oops",', 3)      # in the third event
    mid = mid.replace('"message" "oops",', '"message"', 2)
    k = page.rindex("},\n        {")
    between = page[:k] + "}\n        {" + page[k + 12:]     # no comma after event 2
    text = mid + between + page
    n = page.count("\n")
    want_mid = [(line_of(page, '"message"', k), f"eni-{k + 1}") for k in (0, 1)]
    expect("json broken page", run("json", text.encode(), noif),
           (want_mid + [(ln + n, name) for ln, name in want_mid]
            + [(line_of(page, '"message"', k) + 2 * n, f"eni-{k + 1}") for k in (0, 1, 2)],
            {"lines": 7, "flows": 7, "flows_ipv4": 7, "bad_payloads": 2},
            [(line_of(mid, '"oops"'), "bad payload"),
             (page.count("\n", 0, k) + 2 + n, "bad payload")]))
    # a subscription message: its events are kept only once messageType
    # (DATA_MESSAGE) and logStream are known; those before were held back
    ev1, ev2 = (json.dumps({"id": k, "message": short}) for k in ("1", "2"))
    lines = [
        # logStream after logEvents: the events were held back, all lost
        '{"messageType": "DATA_MESSAGE", "logEvents": [%s, %s], "logStream": "eni-7-all", '
        '"owner": 1 2}' % (ev1, ev2),
        # known first: the events complete before the error kept
        '{"messageType": "DATA_MESSAGE", "logStream": "eni-8-all", "logEvents": [%s, %s, '
        '{"id": "3", "message": 5 6}]}' % (ev1, ev2),
        # messageType after the events: lost
        '{"logStream": "eni-9-all", "logEvents": [%s], "messageType": "DATA_MESSAGE" x}' % ev1,
        # a broken CONTROL_MESSAGE: only the bad payload
        '{"messageType": "CONTROL_MESSAGE", "logStream": "s", "logEvents": [%s] x' % ev1,
        # a Firehose object that did not close
        '{"message": %s "x"}' % json.dumps(short),
        # Kinesis -> Lambda: the payloads read completely are decoded
        '{"Records": [{"kinesis": {"data": "%s"}}, {"kinesis": {"data": "%s"}} {}]}'
        % (payload(data_message("eni-a-all", short)), payload(data_message("eni-b-all", short))),
        '{"awslogs": {"data": "%s"}, "x": ]}' % payload(data_message("eni-c-all", short)),
        '{"awslogs": {"data": "%s' % payload(data_message("eni-d-all", short)),
    ]
    expect("json broken subscription / Lambda", run("json", "\n".join(lines).encode(), noif),
           ([(2, "eni-8"), (2, "eni-8"), (6, "eni-a"), (6, "eni-b"), (7, "eni-c")],
            {"lines": 5, "flows": 5, "flows_ipv4": 5, "bad_payloads": 8},
            [(k, "bad payload") for k in range(1, 9)]))
    # a truncated file: the same as a syntax error at the end; a top-level array
    cut = page[:page.index(short, page.index('"eni-3-all"')) + 10]
    arr = json.dumps([{"message": short, "logStreamName": "eni-4"}, {"timestamp": 1}, 3,
                      {"message": 7}, {"message": short}], indent=1)
    arr = arr[:arr.rindex('"message"')] + '"message" 1'
    text = arr + "\n" + cut
    m = arr.count("\n") + 1
    expect("json truncated", run("json", text.encode(), noif),
           ([(line_of(arr, '"message"'), "eni-4")]
            + [(m + line_of(page, '"message"', k), f"eni-{k + 1}") for k in (0, 1)],
            {"lines": 6, "flows": 3, "flows_ipv4": 3, "malformed": 3, "bad_payloads": 2},
            [(line_of(arr, '"timestamp"') + 1, 'an event without "message"'),
             (line_of(arr, "3,"), "an event that is a JSON number, not an object"),
             (line_of(arr, '"message": 7'), '"message" is a JSON number, not a string'),
             (m, "bad payload"), (text.count("\n") + 1, "bad payload")]))
    # a number is complete when the error (or the end of the input) follows it,
    # not when the error is in it ("12." is no number)
    ev = json.dumps({"message": short, "logStreamName": "eni-5"})
    text = f"[{ev}, 7x]\n[{ev}, 12.]\n[3"
    expect("json broken after a number", run("json", text.encode(), noif),
           ([(1, "eni-5"), (2, "eni-5")],
            {"lines": 4, "flows": 2, "flows_ipv4": 2, "malformed": 2, "bad_payloads": 3},
            [(1, "an event that is a JSON number, not an object"), (1, "bad payload"),
             (2, "bad payload"), (3, "an event that is a JSON number, not an object"),
             (3, "bad payload")]))
    # a truncated gzip: the value cut by it is no payload, its complete events count
    recs, st, mal = parse_data(cut.encode(), "t", "json", noif, False, True)
    expect("json cut by a truncated gzip",
           ([r.get("interfaceName") for _p, _l, _t, r in recs], st["bad_payloads"], mal),
           (["eni-1", "eni-2"], 0, []))
    # cloudwatch-export: the timestamp stripped, the stream from the directory
    text = (f"2026-11-20T00:00:12.000Z {short}\n\n{short}\n"
            f"2026-11-20T00:00:12.5-05:00 {short}\n2026-11-20T00:00:12Z \n")
    expect("cloudwatch-export", run("cloudwatch-export", text.encode(), noif, "eni-0a1b-all"),
           ([(1, "eni-0a1b"), (4, "eni-0a1b")], {"lines": 5, "blank": 1, "flows": 2,
                                                 "flows_ipv4": 2, "malformed": 2},
            [(3, "no ISO-8601 timestamp and space before the record"),
             (5, "no record after the timestamp")]))


def default_element_file():
    here = os.path.dirname(os.path.abspath(__file__))
    for cand in (os.environ.get("VPC2IPFIX_ELEMENTS"),
                 os.path.join(os.environ.get("top_srcdir", ""), "data", "vpc2ipfix-elements.xml")
                 if os.environ.get("top_srcdir") else None,
                 os.path.join(here, "..", "data", "vpc2ipfix-elements.xml")):
        if cand and os.path.exists(cand):
            return cand
    return None


def main(argv=None):
    ap = argparse.ArgumentParser(description="Check vpc2ipfix output against its input logs.")
    ap.add_argument("inputs", nargs="*", metavar="INPUT")
    ap.add_argument("--ipfix", metavar="FILE", help="the IPFIX file vpc2ipfix wrote")
    ap.add_argument("-f", "--format", help="columns of header-less input (as vpc2ipfix --format)")
    ap.add_argument("--packet-addresses-as-key", action="store_true")
    ap.add_argument("--stats", metavar="FILE", help="the --stats-json file to check")
    ap.add_argument("--odid", type=int, default=0, help="expected observation domain (default 0)")
    ap.add_argument("--stdin-file", metavar="FILE", help="what vpc2ipfix read as input '-'")
    ap.add_argument("--prefix", action="store_true",
                    help="the output may hold only the first records (truncated input)")
    ap.add_argument("--min-records", type=int, default=0, help="with --prefix: at least N records")
    ap.add_argument("--element-file", default=None, help="libfixbuf XML element file "
                    "(default: data/vpc2ipfix-elements.xml)")
    ap.add_argument("--no-rfc5610", action="store_true",
                    help="skip the ipfixDump --rfc5610 decode")
    ap.add_argument("--decoders", default="ipfixdump,tshark",
                    help="comma list of ipfixdump, tshark (default both)")
    ap.add_argument("--same-templates", metavar="OTHER.ipfix",
                    help="also check that every element set found in both files has the "
                         "same template ID in both")
    ap.add_argument("--same-flows", metavar="OTHER.ipfix",
                    help="check that --ipfix and OTHER hold the same multiset of flow records "
                         "(tshark, every element, order ignored); without INPUT only that")
    ap.add_argument("--input-format", choices=INPUT_FORMATS, default="auto",
                    help="container of every input (as vpc2ipfix --input-format; default auto: "
                         "detected per input)")
    ap.add_argument("--selftest", action="store_true", help="check the oracle itself")
    ap.add_argument("--list-malformed", action="store_true")
    ap.add_argument("--dump-expected", action="store_true")
    ap.add_argument("--count", action="store_true")
    ap.add_argument("--select", metavar="PYEXPR",
                    help="expect only the records for which this Python expression is true "
                         "(r: the record by IPFIX names; ip(), net(): ipaddress helpers), as "
                         "vpc2ipfix --filter selects them; with --stats, total.filtered must "
                         "count the others")
    ap.add_argument("--max-diff", type=int, default=40, help="differences shown (default 40)")
    a = ap.parse_args(argv)

    if a.selftest:
        return selftest()
    try:
        fmt_cols = parse_format(a.format) if a.format else list(DEFAULT_FORMAT)
    except ValueError as e:
        print(f"flowcheck: --format: {e}", file=sys.stderr)
        return 2
    if a.same_flows and not a.inputs:
        if not a.ipfix:
            print("flowcheck: --same-flows needs --ipfix FILE", file=sys.stderr)
            return 2
        for p in (a.ipfix, a.same_flows):
            if not os.path.exists(p):
                print(f"flowcheck: {p}: no such file", file=sys.stderr)
                return 1
        if not shutil.which("tshark"):
            print("flowcheck: tshark not found (package tshark)", file=sys.stderr)
            return 2
        rep = Report(a.max_diff)
        n = same_flows(a.ipfix, a.same_flows, rep)
        if rep.errors:
            print(f"flowcheck: FAIL: {rep.errors} difference(s) between the flows of "
                  f"{a.ipfix} and {a.same_flows}")
            for ln in rep.lines:
                print(ln)
            return 1
        print(f"flowcheck: OK: {a.ipfix} and {a.same_flows} hold the same {n} flow records")
        return 0
    notes = []
    inputs = expand_inputs(a.inputs or ["-"], notes)
    records, stats, malformed = parse_inputs(inputs, fmt_cols, a.packet_addresses_as_key,
                                             a.stdin_file, a.prefix, a.input_format)
    filtered = None
    if a.select:
        helpers = {"ip": ipaddress.ip_address, "net": ipaddress.ip_network}
        kept = [x for x in records if eval(a.select, {**helpers, "r": x[3]})]  # noqa: S307
        filtered = len(records) - len(kept)
        records = kept
    if a.list_malformed:
        for path, lineno, why in malformed:
            print(f"{path}:{lineno}: {why}")
        return 0
    if a.count:
        print(len(records))
        return 0
    if a.dump_expected:
        for path, lineno, _line, rec in records:
            print(json.dumps({"input": path, "line": lineno,
                              "record": {k: (v if isinstance(v, (int, str)) else str(v))
                                         for k, v in rec.items()}}))
        return 0
    if not a.ipfix:
        print("flowcheck: --ipfix FILE is required", file=sys.stderr)
        return 2
    if not os.path.exists(a.ipfix):
        print(f"flowcheck: {a.ipfix}: no such file", file=sys.stderr)
        return 1

    decoders = [d.strip() for d in a.decoders.split(",") if d.strip()]
    rep = Report(a.max_diff)
    used, counts = [], []
    element_file = a.element_file or default_element_file()
    if "ipfixdump" in decoders:
        if not shutil.which("ipfixDump"):
            print("flowcheck: ipfixDump not found (package libfixbuf-tools)", file=sys.stderr)
            return 2
        decs = []
        if element_file:
            decs.append(decode_ipfixdump(a.ipfix, element_file=element_file))
        else:
            notes.append("no element file: enterprise names only from RFC 5610 records")
        if not a.no_rfc5610 or not element_file:
            decs.append(decode_ipfixdump(a.ipfix, rfc5610=True))
        for dec in decs:
            for p in dec.problems:
                rep.error(p)
            compare(records, dec, rep, a.prefix)
            check_messages(dec, a.odid, rep, len(records))
            used.append(dec.tool)
            counts.append(len(dec.records))
    if "tshark" in decoders:
        if not shutil.which("tshark"):
            print("flowcheck: tshark not found (package tshark)", file=sys.stderr)
            return 2
        dec = decode_tshark(a.ipfix)
        for p in dec.problems:
            rep.error(p)
        compare(records, dec, rep, a.prefix)
        check_messages(dec, a.odid, rep, len(records))
        used.append(dec.tool)
        counts.append(len(dec.records))
    got = min(counts + [len(records)])
    if a.prefix:
        if got < a.min_records:
            rep.error(f"{got} records decoded, expected at least {a.min_records}")
    if a.stats:
        check_stats(a.stats, stats, rep, a.prefix)
        if filtered is not None:
            with open(a.stats) as f:
                got = json.load(f).get("total", {}).get("filtered")
            if got != filtered:
                rep.error(f"stats: total.filtered {got!r}, the selection leaves out {filtered}")
    if a.same_templates:
        mine = decode_ipfixdump(a.ipfix, element_file=element_file, rfc5610=not element_file)
        other = decode_ipfixdump(a.same_templates, element_file=element_file,
                                 rfc5610=not element_file)
        tids = {frozenset(rec): tid for tid, rec, _l in other.records}
        common = 0
        for tid, rec, _l in mine.records:
            key = frozenset(rec)
            if key in tids:
                common += 1
                if tids[key] != tid:
                    rep.error(f"template IDs not stable: {a.ipfix} uses {tid}, "
                              f"{a.same_templates} uses {tids[key]} for {sorted(key)}")
        if not common:
            rep.error(f"--same-templates: no element set in common with {a.same_templates}")

    if a.same_flows:
        if not shutil.which("tshark"):
            print("flowcheck: tshark not found (package tshark)", file=sys.stderr)
            return 2
        if not os.path.exists(a.same_flows):
            rep.error(f"--same-flows: {a.same_flows}: no such file")
        else:
            same_flows(a.ipfix, a.same_flows, rep)
        used.append(f"the flows of {a.same_flows}")

    for n in notes:
        print(f"flowcheck: note: {n}", file=sys.stderr)
    total = {k: sum(s[k] for s in stats) for k in StatKeys + ContainerKeys}
    if rep.errors:
        print(f"flowcheck: FAIL: {rep.errors} difference(s) between {a.ipfix} and "
              f"{len(inputs)} input(s)")
        for ln in rep.lines:
            print(ln)
        return 1
    print(f"flowcheck: OK: {got} records from {len(inputs)} "
          f"input(s) ({total['nodata']} nodata, {total['skipdata']} skipdata, "
          f"{total['malformed']} malformed, {total['headers']} headers"
          f"{', %d bad payloads' % total['bad_payloads'] if total['bad_payloads'] else ''}"
          f"{', %d control messages' % total['control_messages'] if total['control_messages'] else ''}"
          f") match "
          f"{', '.join(used)}{' (prefix)' if a.prefix else ''}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except ToolError as e:
        print(f"flowcheck: {e}", file=sys.stderr)
        sys.exit(2)
