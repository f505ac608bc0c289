# SPDX-License-Identifier: GPL-2.0-or-later
# Shared helpers of the end-to-end TAP shell tests: paths, a work directory, TAP output.
#
# Sourced by tests/e2e-*.sh.  Environment (set by `make check`, defaults for
# a manual run from anywhere):
#   srcdir        directory of the test sources   (default: this file's directory)
#   top_srcdir    source tree                     (default: $srcdir/..)
#   top_builddir  build tree                      (default: $top_srcdir/build if it has
#                                                  src/vpc2ipfix, else $top_srcdir)
#   VPC2IPFIX     the binary under test           (default: $top_builddir/src/vpc2ipfix)
#   PYTHON3       interpreter for flowcheck.py    (default: python3)
#
# TAP: every assertion is one `ok N - ...` / `not ok N - ...` line; the plan
# `1..N` is printed at the end by tap_done.  Each command is echoed as a `# `
# line before it runs; on failure its stderr/stdout follow as `# ` lines.

set -u

: "${srcdir:=$(cd "$(dirname "$0")" && pwd)}"
: "${top_srcdir:=$srcdir/..}"
if [ -z "${top_builddir:-}" ]; then
    if [ -x "$top_srcdir/build/src/vpc2ipfix" ]; then
        top_builddir=$top_srcdir/build
    else
        top_builddir=$top_srcdir
    fi
fi
: "${VPC2IPFIX:=$top_builddir/src/vpc2ipfix}"
: "${PYTHON3:=python3}"
# shellcheck disable=SC2034 # used by the scripts that source this file
SAMPLES=$top_srcdir/data/samples
ELEMENTS=$top_srcdir/data/vpc2ipfix-elements.xml
FLOWCHECK=$srcdir/flowcheck.py
export VPC2IPFIX_ELEMENTS="$ELEMENTS"
export LC_ALL=C TZ=UTC

tap_n=0
tap_fail=0

# A fresh work directory, removed on exit (kept with KEEP_WORK=1).
WORK=$(mktemp -d "${TMPDIR:-/tmp}/vpc2ipfix-e2e.XXXXXX") || exit 99

# --- background processes: every one started is stopped by its PID -------------
BG_PIDS=
bg_add() { BG_PIDS="$BG_PIDS $1"; }
bg_del() {
    _keep=
    for _p in $BG_PIDS; do [ "$_p" = "$1" ] || _keep="$_keep $_p"; done
    BG_PIDS=$_keep
}

# alive PID: the process exists and has not exited (a zombie child counts as exited).
alive() {
    [ -r "/proc/$1/stat" ] || return 1
    _st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
    [ -n "$_st" ] && [ "$_st" != Z ] && [ "$_st" != X ]
}

# stop_pid PID [SIGNAL] [SECONDS]: signal the process, wait (bounded) for it to
# exit, KILL it after the deadline.  STOP_RC: its exit status; STOP_LATE=1 if
# it had to be killed.
stop_pid() {
    kill "-${2:-TERM}" "$1" 2>/dev/null || true
    _i=0
    _max=$((${3:-10} * 10))
    STOP_LATE=0
    while alive "$1" && [ $_i -lt $_max ]; do sleep 0.1; _i=$((_i + 1)); done
    if alive "$1"; then
        STOP_LATE=1
        kill -KILL "$1" 2>/dev/null || true
    fi
    STOP_RC=0
    wait "$1" 2>/dev/null || STOP_RC=$?
    bg_del "$1"
}

# wait_for SECONDS COMMAND...: poll COMMAND every 0.05 s until it succeeds;
# status 1 when the deadline passes.
wait_for() {
    _wn=$(($1 * 20))
    shift
    while [ "$_wn" -gt 0 ]; do
        "$@" && return 0
        sleep 0.05
        _wn=$((_wn - 1))
    done
    "$@"
}

_cleanup() {
    for _p in $BG_PIDS; do stop_pid "$_p" TERM 5; done
    if [ -n "${KEEP_WORK:-}" ]; then
        echo "# KEEP_WORK: files kept in $WORK"
    else
        rm -rf "$WORK"
    fi
}
trap _cleanup EXIT
trap 'exit 130' INT TERM

# Quote one word for display only when needed.
_q() {
    case $1 in
        '' | *[!A-Za-z0-9_./:=,+@%-]*) printf "'%s'" "$(printf %s "$1" | sed "s/'/'\\\\''/g")" ;;
        *) printf %s "$1" ;;
    esac
}

# The command line as one readable string.
cmdline() {
    _s=
    for _a in "$@"; do _s="$_s${_s:+ }$(_q "$_a")"; done
    printf %s "$_s"
}

diag() {
    printf '%s\n' "$@" | sed 's/^/# /'
}

# diag_file FILE [MAX-LINES]: show a file (stderr, a diff) as diagnostics.
diag_file() {
    [ -s "$1" ] || return 0
    head -n "${2:-40}" "$1" | sed 's/^/#   /'
}

ok() {
    tap_n=$((tap_n + 1))
    echo "ok $tap_n - $*"
}

not_ok() {
    tap_n=$((tap_n + 1))
    tap_fail=$((tap_fail + 1))
    echo "not ok $tap_n - $*"
}

skip() {
    tap_n=$((tap_n + 1))
    echo "ok $tap_n # SKIP $*"
}

# check DESCRIPTION CONDITION-EXIT-STATUS: ok when $2 is 0.
check() {
    if [ "$2" -eq 0 ]; then ok "$1"; else not_ok "$1"; fi
}

tap_done() {
    echo "1..$tap_n"
    [ "$tap_fail" -eq 0 ]
}

# run CMD ARGS...: echo the command, run it with stdout in $OUT and stderr in
# $ERR (both files in $WORK), exit status in $RC.  Stdin is /dev/null unless
# redirected by the caller around `run`.
OUT=$WORK/stdout
ERR=$WORK/stderr
RC=0
run() {
    echo "# \$ $(cmdline "$@")"
    RC=0
    "$@" >"$OUT" 2>"$ERR" || RC=$?
}

# run_in FILE CMD ARGS...: like run, with stdin from FILE.
run_in() {
    _in=$1
    shift
    echo "# \$ $(cmdline "$@") < $(_q "$_in")"
    RC=0
    "$@" <"$_in" >"$OUT" 2>"$ERR" || RC=$?
}

# expect_rc N DESCRIPTION: the last `run` exited N (shows stderr otherwise).
expect_rc() {
    if [ "$RC" -eq "$1" ]; then
        ok "$2 (exit $1)"
    else
        not_ok "$2 (exit $RC, expected $1)"
        diag "stderr:"
        diag_file "$ERR"
    fi
}

# expect_grep PATTERN FILE DESCRIPTION: an extended regexp matches in FILE.
expect_grep() {
    if grep -E -q -e "$1" "$2"; then
        ok "$3"
    else
        not_ok "$3"
        diag "no match for /$1/ in $(basename "$2"):"
        diag_file "$2"
    fi
}

# expect_no_grep PATTERN FILE DESCRIPTION
expect_no_grep() {
    if grep -E -q -e "$1" "$2"; then
        not_ok "$3"
        diag "unexpected match for /$1/ in $(basename "$2"):"
        grep -E -e "$1" "$2" | head -n 10 | sed 's/^/#   /'
    else
        ok "$3"
    fi
}

have_decoders() {
    command -v tshark >/dev/null 2>&1 && command -v ipfixDump >/dev/null 2>&1
}

# flowcheck DESCRIPTION FLOWCHECK-ARGS...: run the oracle; ok if it agrees.
# Skipped when tshark or ipfixDump is not installed.
flowcheck() {
    _desc=$1
    shift
    if ! have_decoders; then
        skip "$_desc (tshark or ipfixDump not installed)"
        return 0
    fi
    echo "# \$ flowcheck.py $(cmdline "$@")"
    _rc=0
    "$PYTHON3" "$FLOWCHECK" "$@" >"$WORK/flowcheck.out" 2>&1 || _rc=$?
    if [ "$_rc" -eq 0 ]; then
        ok "$_desc"
        sed 's/^/# /' "$WORK/flowcheck.out" | grep -v '^# flowcheck: note:' || true
    else
        not_ok "$_desc"
        diag_file "$WORK/flowcheck.out" 60
    fi
}

# convert_check DESCRIPTION [VPC2IPFIX-OPTIONS...] -- INPUTS...: convert with
# --stats-json, expect exit 0, then compare everything with the oracle.  The
# options that change the mapping (--format, --packet-addresses-as-key,
# -d/--observation-domain) and --input-format are passed on to flowcheck.
convert_check() {
    _desc=$1
    shift
    _opts=
    _fc=
    while [ $# -gt 0 ] && [ "$1" != -- ]; do
        case $1 in
            --format=* | --input-format=* | --packet-addresses-as-key) _fc="$_fc $(_q "$1")" ;;
            --observation-domain=*) _fc="$_fc --odid $(_q "${1#*=}")" ;;
            -d)
                _opts="$_opts -d $(_q "$2")"
                _fc="$_fc --odid $(_q "$2")"
                shift 2
                continue
                ;;
        esac
        _opts="$_opts $(_q "$1")"
        shift
    done
    [ "${1:-}" = -- ] && shift
    _n=$((tap_n + 1))
    _out=$WORK/convert-$_n.ipfix
    _stats=$WORK/convert-$_n.json
    eval "run \"\$VPC2IPFIX\" $_opts -o \"\$_out\" --stats-json=\"\$_stats\" \"\$@\""
    expect_rc 0 "$_desc: vpc2ipfix"
    if [ "$RC" -ne 0 ]; then
        skip "$_desc: flowcheck (conversion failed)"
        return 0
    fi
    eval "flowcheck \"\$_desc: every record and element, stats\" --ipfix \"\$_out\" --stats \"\$_stats\" $_fc \"\$@\""
}

# gzip_to SRC DEST: gzip a file (deterministic: no name, no time).
gzip_to() {
    gzip -n -c "$1" >"$2"
}

if [ ! -x "$VPC2IPFIX" ]; then
    echo "Bail out! $VPC2IPFIX not found or not executable (build first, or set VPC2IPFIX)"
    exit 1
fi

# tshark_cflow PCAP PORT [TSHARK-ARGS...]: tshark on a capture, with the
# packets to PORT (a collector's) decoded as NetFlow/IPFIX whatever the port
# draw: PORT and every source port sending to it pinned to cflow (Decode As),
# every dissector but the link, IP, UDP and cflow ones off (so no port-based
# or heuristic dissector can claim a datagram), and only the packets to PORT
# shown.  For -z expert pass "-z expert,udp.dstport==PORT", so that the
# statistics see those packets only: the capture's marker datagrams go to
# another random port, which a dissector may claim (ENIP's 44818 did).
tshark_cflow() {
    _tc_pcap=$1 _tc_port=$2
    shift 2
    _tc_pins=$(tshark -r "$_tc_pcap" -Y "udp.dstport == $_tc_port" -T fields -e udp.srcport \
        2>/dev/null | sort -u | sed "s/.*/-d udp.port==&,cflow/" | tr '\n' ' ')
    # shellcheck disable=SC2086 # the pins are a list of words
    tshark -r "$_tc_pcap" --disable-protocol ALL \
        --enable-protocol frame --enable-protocol eth --enable-protocol ethertype \
        --enable-protocol sll --enable-protocol raw --enable-protocol ip --enable-protocol ipv6 \
        --enable-protocol udp --enable-protocol cflow \
        -d "udp.port==$_tc_port,cflow" $_tc_pins -Y "udp.dstport == $_tc_port" "$@"
}
