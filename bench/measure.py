#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Time a command (wall, CPU, peak RSS via wait4) and print the benchmark table.
"""Two subcommands, used by bench/run.sh (stdlib only, Python >= 3.8, Linux).

  measure.py run --label L --records N --bytes B [--runs R] [--stdin F] [--stdout F]
                 [--stderr F] [--results FILE] -- COMMAND [ARG...]
      Runs COMMAND R times (stdin/stdout/stderr redirected to the files; default
      /dev/null), each time measuring wall time (perf_counter around spawn..wait4),
      user+sys CPU and peak RSS (ru_maxrss from wait4, see run_once).  Appends one
      JSON line to FILE: best (lowest) wall time of the runs, CPU of that run,
      highest peak RSS over all runs, exit status.
      Exits with the command's status when a run fails.

  measure.py report --results FILE
      Prints the table, the ratios and the targets (see run.sh).

  measure.py check --label L --counts FILE (--stats-json FILE | --stats-text FILE)
      Compares a converter's statistics with gen-records.py --counts.

  measure.py sink (--tcp | --udp) --ready FILE --counts FILE
      A loopback receiver for the network rows: binds 127.0.0.1 on a port of the
      kernel's choice, writes the port to FILE (--ready, renamed into place), and
      only counts what arrives (TCP: bytes and connections, one at a time; UDP:
      datagrams and bytes, 32 MiB receive buffer) until SIGTERM/SIGINT, then writes
      the counts as JSON to --counts.  recv_into one preallocated buffer: no
      decoding, no allocation per read.

  measure.py netcheck --label L --stats-json FILE --counts FILE --runs R [--udp]
      Checks a network row: the vpc2ipfix output has no send errors, and what the
      sink counted matches what vpc2ipfix says it sent (TCP: every byte of every
      run; UDP: prints the share of the datagrams the sink received).
"""

import argparse
import fcntl
import json
import os
import signal
import sys
import time


_SUBREAPER = None


def subreaper():
    """Make this process the reaper of its orphaned descendants (Linux prctl
    PR_SET_CHILD_SUBREAPER); True if that worked."""
    global _SUBREAPER
    if _SUBREAPER is None:
        try:
            import ctypes
            libc = ctypes.CDLL(None, use_errno=True)
            _SUBREAPER = libc.prctl(36, 1, 0, 0, 0) == 0
        except (OSError, AttributeError):
            _SUBREAPER = False
    return _SUBREAPER


def high_fd(fd):
    """Duplicate fd to a close-on-exec descriptor >= 10 (so the dup2s below cannot
    clobber each other) and close the original."""
    new = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return new


def run_once(argv, stdin, stdout, stderr):
    """Run argv once; return wall/CPU/peak RSS/status.

    Peak RSS: a process's ru_maxrss includes the pages of the process it was forked
    from (the kernel folds the old address space's high-water mark in at exec), so a
    command forked from this Python process would never show less than Python's
    ~12 MiB.  The command is therefore started by a small /bin/sh, which backgrounds
    it and becomes the external echo to print its pid (exec, so the shell never reaps the
    command: dash's own exit path sometimes did); the command is reparented to this
    process (a child subreaper), and wait4 on it gives its own rusage, with the
    shell's ~0.6 MiB as the floor.  Costs ~1 ms of wall time over a direct spawn
    (`true` measures 1.8 ms).  Without prctl (not Linux), falls back to a direct
    spawn and the RSS is an upper bound.  Returns None if the rusage was lost
    anyway (the caller runs the command again).
    """
    fin = high_fd(os.open(stdin, os.O_RDONLY))
    fout = high_fd(os.open(stdout, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644))
    ferr = high_fd(os.open(stderr, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644))
    try:
        if subreaper():
            r, w = os.pipe()
            w = high_fd(w)
            t0 = time.perf_counter()
            try:
                # sh: stdin on 4 (an asynchronous list gets /dev/null otherwise), pid on 3
                script = '"$@" <&4 4<&- 3>&- & exec echo $! >&3'
                sh = os.posix_spawn("/bin/sh", ["/bin/sh", "-c", script, "sh"] + argv,
                                    os.environ, file_actions=[
                                        (os.POSIX_SPAWN_DUP2, fin, 4),
                                        (os.POSIX_SPAWN_DUP2, fout, 1),
                                        (os.POSIX_SPAWN_DUP2, ferr, 2),
                                        (os.POSIX_SPAWN_DUP2, w, 3)])
            finally:
                os.close(w)
            with os.fdopen(r, "rb") as f:
                data = f.read()
            os.waitpid(sh, 0)
            pid = int(data)
        else:
            t0 = time.perf_counter()
            pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=[
                (os.POSIX_SPAWN_DUP2, fin, 0), (os.POSIX_SPAWN_DUP2, fout, 1),
                (os.POSIX_SPAWN_DUP2, ferr, 2)])
        try:
            _, status, ru = os.wait4(pid, 0)
        except ChildProcessError:
            return None     # reaped by someone else: rusage lost, run again
        except BaseException:
            # interrupted: the command ignores SIGINT (asynchronous list), end it
            try:
                os.kill(pid, signal.SIGTERM)
                os.wait4(pid, 0)
            except OSError:
                pass
            raise
        wall = time.perf_counter() - t0
    finally:
        for fd in (fin, fout, ferr):
            os.close(fd)
    if os.WIFEXITED(status):
        code = os.WEXITSTATUS(status)
    else:
        code = 128 + os.WTERMSIG(status)
    return dict(wall=wall, cpu=ru.ru_utime + ru.ru_stime, user=ru.ru_utime,
                sys=ru.ru_stime, rss_kib=ru.ru_maxrss, status=code)


def cmd_run(args):
    argv = args.command
    if argv and argv[0] == "--":
        argv = argv[1:]
    if not argv:
        sys.exit("measure.py run: no command")
    runs = []
    for _ in range(args.runs):
        for _ in range(20):
            r = run_once(argv, args.stdin, args.stdout, args.stderr)
            if r is not None:
                break
        else:
            sys.exit("measure.py: could not collect the rusage of %s" % argv[0])
        runs.append(r)
        if r["status"] != 0:
            break
    ok = all(r["status"] == 0 for r in runs)
    best = min(runs, key=lambda r: r["wall"])
    result = dict(label=args.label, group=args.group, records=args.records,
                  bytes=args.bytes, runs=len(runs), ok=ok,
                  status=next((r["status"] for r in runs if r["status"]), 0),
                  wall=best["wall"], cpu=best["cpu"],
                  rss_kib=max(r["rss_kib"] for r in runs),
                  walls=[round(r["wall"], 4) for r in runs],
                  output_bytes=os.path.getsize(args.stdout) if os.path.isfile(args.stdout)
                  else None)
    if args.output_file:
        try:
            result["output_bytes"] = os.path.getsize(args.output_file)
        except OSError:
            result["output_bytes"] = None
    with open(args.results, "a") as f:
        f.write(json.dumps(result) + "\n")
    return 0 if ok else result["status"]


def fmt_rate(x):
    if x >= 1e6:
        return "%.2f M" % (x / 1e6)
    if x >= 1e3:
        return "%.1f k" % (x / 1e3)
    return "%.0f " % x


def cmd_report(args):
    rows = []
    with open(args.results) as f:
        for line in f:
            if line.strip():
                rows.append(json.loads(line))
    if not rows:
        print("no results")
        return 1
    by = {r["group"]: r for r in rows}

    hdr = ("command", "runs", "wall s", "spread", "records/s", "MB/s", "peak RSS", "CPU s", "out B/rec")
    table = []
    for r in rows:
        if r["ok"]:
            rate = r["records"] / r["wall"]
            spread = (max(r["walls"]) - min(r["walls"])) / min(r["walls"]) * 100
            table.append((r["label"], str(r["runs"]), "%.3f" % r["wall"],
                          "%.0f%%" % spread if r["runs"] > 1 else "-", fmt_rate(rate), "%.1f" % (r["bytes"] / 1e6 / r["wall"]),
                          "%.1f MiB" % (r["rss_kib"] / 1024.0), "%.3f" % r["cpu"],
                          "%.1f" % (r["output_bytes"] / r["records"])
                          if r.get("output_bytes") else "-"))
        else:
            table.append((r["label"], str(r["runs"]), "FAILED (exit %d)" % r["status"],
                          "-", "-", "-", "-", "-", "-"))
    widths = [max(len(hdr[i]), *(len(t[i]) for t in table)) for i in range(len(hdr))]

    def line(cells):
        return "  ".join(c.ljust(widths[0]) if i == 0 else c.rjust(widths[i])
                         for i, c in enumerate(cells))
    print(line(hdr))
    print("  ".join("-" * w for w in widths))
    for t in table:
        print(line(t))
    print("(wall: best of the runs; spread: slowest vs best run; records/s: input records, NODATA lines included, per "
          "wall second;\n MB/s: uncompressed text, 10^6 bytes; peak RSS: highest of the "
          "runs; CPU: user+sys of the best run)")

    def wall(group):
        r = by.get(group)
        return r["wall"] if r and r["ok"] else None

    def rate(group):
        r = by.get(group)
        return r["records"] / r["wall"] if r and r["ok"] else None

    print()
    print("Ratios")
    plain, gz, v5 = wall("vpc-plain"), wall("vpc-gzip"), wall("vpc-v5")
    py, wc, zcat = wall("py-plain"), wall("wc"), wall("zcat")
    speedup = None
    if plain and py:
        # same input file, so the wall-time ratio is the throughput ratio
        speedup = py / plain
        print("  vpc2ipfix vs python3-ipfix (plain default): %.1fx faster" % speedup)
    else:
        print("  vpc2ipfix vs python3-ipfix (plain default): n/a")
    if plain and wc:
        print("  vpc2ipfix plain default vs wc -l:          %.1fx the time of wc -l"
              % (plain / wc))
    if gz and zcat:
        print("  vpc2ipfix gzip default vs zcat >/dev/null:  %.2fx the time of zcat"
              % (gz / zcat))
    if plain and gz:
        print("  vpc2ipfix gzip vs plain default:           %.2fx the time of plain" % (gz / plain))
    if v5 and plain and by["vpc-v5"]["records"] and by["vpc-plain"]["records"]:
        print("  vpc2ipfix v5 (29 fields) vs plain default:  %.2fx the time per record"
              % ((v5 / by["vpc-v5"]["records"]) / (plain / by["vpc-plain"]["records"])))
    json_ratio = None
    if rate("vpc-json") and rate("vpc-plain"):
        json_ratio = rate("vpc-json") / rate("vpc-plain")
        print("  vpc2ipfix CloudWatch JSON vs plain default: %.2fx the records/s of plain"
              % json_ratio)

    ref_ratio = cpu_ratio = one_core = None
    if rate("ref-plain") and rate("vpc-plain"):
        ref_ratio = rate("vpc-plain") / rate("ref-plain")
        cpu_ratio = by["vpc-plain"]["cpu"] / by["ref-plain"]["cpu"]
        print("  vpc2ipfix vs reference (plain default):    %.2fx the records/s, %.2fx the CPU time"
              % (ref_ratio, cpu_ratio))
    if wall("vpc-plain-1cpu") and plain:
        one_core = wall("vpc-plain-1cpu") / plain
        print("  vpc2ipfix taskset -c 0 vs 2 cores:         %.2fx the wall time (%.2fx the CPU time)"
              % (one_core, by["vpc-plain-1cpu"]["cpu"] / by["vpc-plain"]["cpu"]))
    if rate("ref-plain-1cpu") and rate("vpc-plain-1cpu"):
        print("  vpc2ipfix vs reference, both taskset -c 0: %.2fx the records/s"
              % (rate("vpc-plain-1cpu") / rate("ref-plain-1cpu")))
    s3_ratio = None
    if rate("vpc-s3") and rate("vpc-s3-disk"):
        s3_ratio = rate("vpc-s3") / rate("vpc-s3-disk")
        print("  vpc2ipfix S3 (s3rver, loopback) vs disk:   %.2fx the records/s, peak RSS %.1f vs %.1f MiB"
              % (s3_ratio, by["vpc-s3"]["rss_kib"] / 1024.0, by["vpc-s3-disk"]["rss_kib"] / 1024.0))
    for group, name in (("vpc-small", "small files"), ("vpc-small-state", "small files, --state")):
        if rate(group):
            print("  vpc2ipfix %-31s %.0f files/s" % (name + ":", rate(group)))

    for group, name in (("vpc-tcp", "TCP to a loopback sink"),
                        ("vpc-udp", "UDP --rate 0 to a loopback sink"),
                        ("vpc-nf9", "NetFlow v9, UDP --rate 0"),
                        ("vpc-nf5", "NetFlow v5, UDP --rate 0")):
        if rate(group) and rate("vpc-plain"):
            print("  vpc2ipfix %-31s %.2fx the records/s of the file conversion"
                  % (name + ":", rate(group) / rate("vpc-plain")))
    if rate("vpc-nfcapd"):
        print("  vpc2ipfix UDP to nfcapd, default --rate:   %.0f records/s (paced)"
              % rate("vpc-nfcapd"))

    print()
    print("Targets")
    rss = [by[g]["rss_kib"] / 1024.0 for g in ("vpc-plain", "vpc-gzip", "vpc-v5", "vpc-json",
                                                "vpc-plain-1cpu", "vpc-small", "vpc-small-state")
           if g in by and by[g]["ok"]]
    checks = [
        ("plain default  >= 2.5 M records/s", rate("vpc-plain"), 2.5e6,
         lambda v: "%.2f M/s" % (v / 1e6), lambda v, t: v >= t),
        ("gzip default   >= 1.3 M records/s", rate("vpc-gzip"), 1.3e6,
         lambda v: "%.2f M/s" % (v / 1e6), lambda v, t: v >= t),
        ("CloudWatch JSON >= 0.6x plain records/s", json_ratio, 0.6,
         lambda v: "%.2fx" % v, lambda v, t: v >= t),
        ("peak RSS       <  16 MiB (all vpc2ipfix runs)", max(rss) if rss else None, 16.0,
         lambda v: "%.1f MiB" % v, lambda v, t: v < t),
        ("vs python3-ipfix >= 25x", speedup, 25.0,
         lambda v: "%.1fx" % v, lambda v, t: v >= t),
        ("plain default  >= the reference's records/s", ref_ratio, 1.0,
         lambda v: "%.2fx" % v, lambda v, t: v >= t),
        ("plain default  <= 1.2x the reference's CPU", cpu_ratio, 1.2,
         lambda v: "%.2fx" % v, lambda v, t: v <= t),
        ("taskset -c 0   <= 1.3x the two-core wall time", one_core, 1.3,
         lambda v: "%.2fx" % v, lambda v, t: v <= t),
        ("v5 (29 fields) >= 2 M records/s", rate("vpc-v5"), 2e6,
         lambda v: "%.2f M/s" % (v / 1e6), lambda v, t: v >= t),
        ("small files    >= 5,000 files/s", rate("vpc-small"), 5000.0,
         lambda v: "%.0f/s" % v, lambda v, t: v >= t),
        ("S3 (s3rver)    >= 0.8x the objects from disk", s3_ratio, 0.8,
         lambda v: "%.2fx" % v, lambda v, t: v >= t),
    ]
    for name, value, target, show, good in checks:
        if value is None:
            verdict, shown = "MISS", "not measured"
        else:
            verdict, shown = ("PASS" if good(value, target) else "MISS"), show(value)
        print("  %-4s  %-46s %s" % (verdict, name, shown))
    return 0


def cmd_check(args):
    """Compare converter statistics with the generator's counts; print one line."""
    want = {}
    with open(args.counts) as f:
        for line in f:
            k, v = line.split()
            want[k] = int(v)
    got = {}
    try:
        if args.stats_json:
            with open(args.stats_json) as f:
                got = json.load(f)["total"]
        else:
            with open(args.stats_text) as f:      # py_vpc2ipfix.py: key=value on stderr
                for line in f:
                    if line.startswith("lines="):
                        got = {k: int(v) for k, v in (w.split("=") for w in line.split())}
        if not got:
            raise ValueError("no counts found")
    except (OSError, ValueError, KeyError, TypeError) as e:
        print("  ??    %-40s no statistics (%s)" % (args.label, e))
        return 1
    keys = ("flows", "flows_ipv4", "flows_ipv6", "nodata", "skipdata")
    bad = ["%s %s (expected %d)" % (k, got.get(k), want[k]) for k in keys
           if got.get(k) != want[k]]
    if got.get("malformed"):
        bad.append("malformed %s (expected 0)" % got["malformed"])
    if bad:
        print("  BAD   %-40s %s" % (args.label, "; ".join(bad)))
        return 1
    print("  ok    %-40s %d flows, %d NODATA, %d SKIPDATA, 0 malformed"
          % (args.label, want["flows"], want["nodata"], want["skipdata"]))
    return 0


def cmd_sink(args):
    import socket
    stop = []

    def on_signal(signum, frame):
        stop.append(signum)
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    counts = dict(transport="udp" if args.udp else "tcp", bytes=0, datagrams=0,
                  connections=0)
    buf = bytearray(1 << 20)
    view = memoryview(buf)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM if args.udp else socket.SOCK_STREAM)
    try:
        if args.udp:
            try:
                sock.setsockopt(socket.SOL_SOCKET, 33, 32 << 20)  # SO_RCVBUFFORCE (root)
            except OSError:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32 << 20)
        sock.bind(("127.0.0.1", 0))
        if not args.udp:
            sock.listen(4)
        tmp = args.ready + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % sock.getsockname()[1])
        os.rename(tmp, args.ready)
        if args.udp:
            recv = sock.recv_into
            while True:
                n = recv(view)
                counts["datagrams"] += 1
                counts["bytes"] += n
        else:
            while True:
                conn, _ = sock.accept()
                counts["connections"] += 1
                with conn:
                    recv = conn.recv_into
                    while True:
                        n = recv(view)
                        if n == 0:
                            break
                        counts["bytes"] += n
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
        with open(args.counts, "w") as f:
            json.dump(counts, f)
            f.write("\n")
    return 0


def cmd_netcheck(args):
    try:
        with open(args.stats_json) as f:
            out = json.load(f)["outputs"][0]
        with open(args.counts) as f:
            got = json.load(f)
    except (OSError, ValueError, KeyError, IndexError) as e:
        print("  ??    %-40s no statistics (%s)" % (args.label, e))
        return 1
    bad = []
    if out.get("send_errors"):
        bad.append("%d send errors" % out["send_errors"])
    sent = out.get("bytes", 0) * args.runs      # every run sends the same stream
    if args.udp:
        dgrams = out.get("messages", 0) + out.get("template_messages", 0)
        share = got["datagrams"] / float(dgrams * args.runs) if dgrams else 0.0
        note = ("%d records in %d datagrams per run; the sink received %.1f%% of the datagrams"
                % (out.get("records", 0), dgrams, 100.0 * share))
    else:
        if got["bytes"] != sent:
            bad.append("the sink received %d bytes, vpc2ipfix sent %d" % (got["bytes"], sent))
        note = ("%d records, %d bytes per run, all received (%d connections)"
                % (out.get("records", 0), out.get("bytes", 0), got["connections"]))
    if bad:
        print("  BAD   %-40s %s" % (args.label, "; ".join(bad)))
        return 1
    print("  ok    %-40s %s" % (args.label, note))
    return 0


def main():
    ap = argparse.ArgumentParser(description="benchmark helper for bench/run.sh")
    sub = ap.add_subparsers(dest="cmd")
    r = sub.add_parser("run")
    r.add_argument("--label", required=True)
    r.add_argument("--group", default="")
    r.add_argument("--records", type=int, required=True)
    r.add_argument("--bytes", type=int, required=True, help="uncompressed input bytes")
    r.add_argument("--runs", type=int, default=3)
    r.add_argument("--stdin", default="/dev/null")
    r.add_argument("--stdout", default="/dev/null")
    r.add_argument("--stderr", default="/dev/null")
    r.add_argument("--output-file", help="file whose size is the output size")
    r.add_argument("--results", required=True)
    r.add_argument("command", nargs=argparse.REMAINDER)
    p = sub.add_parser("report")
    p.add_argument("--results", required=True)
    c = sub.add_parser("check")
    c.add_argument("--label", required=True)
    c.add_argument("--counts", required=True, help="gen-records.py --counts file")
    g = c.add_mutually_exclusive_group(required=True)
    g.add_argument("--stats-json", help="vpc2ipfix --stats-json file")
    g.add_argument("--stats-text", help="py_vpc2ipfix.py stderr")
    k = sub.add_parser("sink")
    t = k.add_mutually_exclusive_group(required=True)
    t.add_argument("--tcp", action="store_true")
    t.add_argument("--udp", action="store_true")
    k.add_argument("--ready", required=True, help="file that gets the port")
    k.add_argument("--counts", required=True, help="file that gets the counts (JSON)")
    n = sub.add_parser("netcheck")
    n.add_argument("--label", required=True)
    n.add_argument("--stats-json", required=True)
    n.add_argument("--counts", required=True, help="measure.py sink --counts file")
    n.add_argument("--runs", type=int, required=True)
    n.add_argument("--udp", action="store_true")
    args = ap.parse_args()
    if args.cmd == "sink":
        return cmd_sink(args)
    if args.cmd == "netcheck":
        return cmd_netcheck(args)
    if args.cmd == "check":
        return cmd_check(args)
    if args.cmd == "run":
        return cmd_run(args)
    if args.cmd == "report":
        return cmd_report(args)
    ap.print_help()
    return 2


if __name__ == "__main__":
    sys.exit(main())
