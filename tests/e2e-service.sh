#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The systemd unit (data/systemd/vpc2ipfix@.service, made by make): systemd-analyze
# verify accepts it with no warning at all (an unknown or misspelt directive is only
# a warning there), its ExecStart runs this build's vpc2ipfix, and the command line
# it runs is one vpc2ipfix accepts with a configuration file of its own.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${srcdir:-$(dirname "$0")}/lib.sh"

UNIT=$top_builddir/data/systemd/vpc2ipfix@.service
if ! command -v systemd-analyze >/dev/null 2>&1; then
    echo "1..0 # SKIP systemd-analyze not installed"
    exit 0
fi
if [ ! -f "$UNIT" ]; then
    echo "Bail out! $UNIT not made (make all makes it)"
    exit 1
fi

# The installed unit runs $(bindir)/vpc2ipfix; here, this build's.
sed "s|^ExecStart=[^ ]*/vpc2ipfix |ExecStart=$VPC2IPFIX |" "$UNIT" >"$WORK/vpc2ipfix@.service"
expect_grep "^ExecStart=$VPC2IPFIX --config /etc/vpc2ipfix/%i.conf " "$WORK/vpc2ipfix@.service" \
    "the unit runs vpc2ipfix with the instance's configuration file"
(cd "$WORK" && systemd-analyze verify --man=no ./vpc2ipfix@test.service) >"$WORK/verify.out" 2>&1
_rc=$?
if [ "$_rc" -eq 0 ] && [ ! -s "$WORK/verify.out" ]; then
    ok "systemd-analyze verify: no error, no warning"
else
    not_ok "systemd-analyze verify: no error, no warning (exit $_rc)"
    diag_file "$WORK/verify.out"
fi
for d in DynamicUser=yes StateDirectory=vpc2ipfix/%i ProtectSystem=strict \
    'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX' NoNewPrivileges=yes; do
    expect_grep "^$d\$" "$WORK/vpc2ipfix@.service" "the unit sets $d"
done
# The same command line, with a configuration and state of the test's own.
printf '[vpc2ipfix]\noutput=%s/svc.ipfix\nquiet=true\n' "$WORK" >"$WORK/svc.conf"
_cmd=$(sed -n 's/^ExecStart=//p' "$WORK/vpc2ipfix@.service" |
    sed "s|/etc/vpc2ipfix/%i.conf|$WORK/svc.conf|; s|/var/lib/vpc2ipfix/%i/state|$WORK/svc.state|; s| --follow||")
# shellcheck disable=SC2086 # the command line is split on purpose
run $_cmd "$SAMPLES/default-v2.log"
expect_rc 0 "the unit's command line (without --follow) with a configuration file"
check "the unit's command line: the output and the state written" \
    "$([ -s "$WORK/svc.ipfix" ] && grep -q default-v2.log "$WORK/svc.state"; echo $?)"

tap_done
