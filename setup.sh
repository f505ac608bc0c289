#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Set up a Debian 12 machine for vpc2ipfix and build it, then:
#   ./setup.sh demo    convert the bundled sample logs and print what the IPFIX contains
#   ./setup.sh check   run the whole test suite (normal build, ASan/UBSan build, distcheck,
#                      libFuzzer smoke runs in a clang build)
#   ./setup.sh build   only install what is missing and build
# Packages are installed with apt-get only when missing (sudo is used when not root).
set -eu
cd "$(dirname "$0")"

mode=${1:-demo}
case $mode in demo | check | build) ;; *) echo "usage: $0 [demo|check|build]" >&2; exit 2 ;; esac

# Build: compiler, autotools, libraries.  Tests: the independent decoders and collector.
packages="build-essential autoconf automake libtool pkg-config
  libglib2.0-dev libfixbuf-dev libisal-dev libyajl-dev zlib1g-dev libcurl4-openssl-dev libsnappy-dev libzstd-dev libmaxminddb-dev
  libfixbuf-tools tshark nfdump pmacct python3 python3-botocore python3-prometheus-client python3-maxminddb libmaxmind-db-writer-perl curl nginx-light chromium netbase
  clang libclang-rt-14-dev"
# check: npm installs the pinned Parquet writers and the S3 server (@20minutes/s3rver) of
# tests/package.json (test-side only).
# A machine that has node and npm already (from any source) keeps them.
if [ "$mode" = check ] && ! { command -v node && command -v npm; } >/dev/null 2>&1; then
    packages="$packages nodejs npm"
fi

missing=
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
        || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "setup: installing$missing"
    sudo=
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
    # shellcheck disable=SC2086 # word splitting of the package list is intended
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
fi

jobs=$(nproc 2>/dev/null || echo 2)
build() { # build DIR [configure options]
    dir=$1
    shift
    [ -x configure ] || ./autogen.sh >/dev/null
    mkdir -p "$dir"
    (cd "$dir" && { [ -f Makefile ] || ../configure --enable-werror "$@"; } && make -j"$jobs")
}

build build
case $mode in
build) ;;
demo)
    out=build/sample.ipfix
    set -x
    build/src/vpc2ipfix -o "$out" --stats-json build/sample-stats.json data/samples/AWSLogs
    # The flow records (not the 26 RFC 5610 element descriptions of template 256).
    ipfixDump --element-file data/vpc2ipfix-elements.xml --data -i "$out" | awk '
        /^--- data record/ { if (rec !~ /tid: +256 /) printf "%s", rec; rec = "" }
        { rec = rec $0 "\n" }
        END { if (rec !~ /tid: +256 /) printf "%s", rec }' | head -n 80
    ipfixDump --stats -i "$out"
    ;;
check)
    (cd tests && npm ci --no-audit --no-fund)
    (cd build && make -j"$jobs" check)
    build build-sanitize --enable-sanitizers
    (cd build-sanitize && make -j"$jobs" check)
    (cd build && make -j"$jobs" distcheck)
    # The libFuzzer targets, a short fixed number of runs each (README "Fuzzing").
    build build-fuzz --enable-fuzzing CC=clang
    (cd build-fuzz && make fuzz-smoke)
    echo "setup: all tests passed (normal build, ASan/UBSan build, distcheck, fuzz-smoke)"
    ;;
esac
