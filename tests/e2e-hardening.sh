#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The installed programs carry the hardening configure added (README "Install"): PIE, full
# RELRO (BIND_NOW), stack protector, _FORTIFY_SOURCE, CET; readelf reads them.
#
# Environment (set by `make check`): MAKE, bin_PROGRAMS, HARDENING (yes, or no for
# --disable-hardening) and the flags configure chose: HARDEN_CPPFLAGS, HARDEN_CFLAGS,
# HARDEN_LDFLAGS, SANITIZER_CFLAGS.  A property is required when its flag was chosen
# (every one when HARDENING is unset); a flag configure left out is a SKIP with its reason.
. "${srcdir:-$(dirname "$0")}/lib.sh"

: "${MAKE:=make}" "${bin_PROGRAMS:=src/vpc2ipfix src/vpc-report}"
if [ -z "${HARDENING+set}" ]; then
    # Not run by `make check` of a configured tree: require every property.
    HARDENING=yes
    HARDEN_CPPFLAGS=-D_FORTIFY_SOURCE=2
    HARDEN_CFLAGS="-fstack-protector-strong -fcf-protection -fPIE"
    HARDEN_LDFLAGS="-pie -Wl,-z,relro,-z,now"
fi
: "${HARDEN_CPPFLAGS=}" "${HARDEN_CFLAGS=}" "${HARDEN_LDFLAGS=}" "${SANITIZER_CFLAGS=}"
if [ "$HARDENING" != yes ]; then
    skip "configured with --disable-hardening"
    tap_done
    exit
fi

if ! command -v readelf >/dev/null 2>&1; then
    skip "readelf not found (binutils)"
    tap_done
    exit
fi

has() { # has WORD LIST: WORD is one of the words of LIST
    case " $2 " in *" $1 "*) return 0 ;; esac
    return 1
}

# Install the programs only (not data nor manuals), as `make install` does.
inst=$WORK/inst
echo "# \$ $MAKE -C $top_builddir install-binPROGRAMS DESTDIR=$inst"
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL $MAKE -C "$top_builddir" install-binPROGRAMS \
    DESTDIR="$inst" >"$WORK/install.log" 2>&1
rc=$?
check "make install-binPROGRAMS DESTDIR=... (rc $rc)" "$rc"
[ "$rc" -eq 0 ] || diag_file "$WORK/install.log"

for prog in $bin_PROGRAMS; do
    name=${prog##*/}
    bin=$(find "$inst" -type f -name "$name" | head -n 1)
    if [ -z "$bin" ]; then
        not_ok "$name installed under $inst"
        continue
    fi
    echo "# $bin"
    readelf -h -W "$bin" >"$WORK/h" 2>&1
    readelf -l -W "$bin" >"$WORK/l" 2>&1
    readelf -d -W "$bin" >"$WORK/d" 2>&1
    readelf --dyn-syms -W "$bin" >"$WORK/s" 2>&1
    readelf -n -W "$bin" >"$WORK/n" 2>&1

    if has -pie "$HARDEN_LDFLAGS"; then
        grep -Eq '^ *Type: +DYN' "$WORK/h"
        check "$name: PIE (ELF type DYN)" $?
    else
        skip "$name: PIE: the linker does not take -pie"
    fi
    if has -Wl,-z,relro,-z,now "$HARDEN_LDFLAGS"; then
        grep -q 'GNU_RELRO' "$WORK/l"
        check "$name: GNU_RELRO segment" $?
        grep -Eq '\(BIND_NOW\)|\(FLAGS_1\).*NOW' "$WORK/d"
        check "$name: BIND_NOW (full RELRO)" $?
    else
        skip "$name: RELRO, BIND_NOW: the linker does not take -z relro -z now"
    fi
    if has -fstack-protector-strong "$HARDEN_CFLAGS"; then
        grep -q '__stack_chk_fail' "$WORK/s"
        check "$name: stack protector (__stack_chk_fail)" $?
    else
        skip "$name: stack protector: the compiler does not take -fstack-protector-strong"
    fi
    case $HARDEN_CPPFLAGS in
    *_FORTIFY_SOURCE=*)
        grep -Eq ' __[a-z_]+_chk(@|$)' "$WORK/s"
        check "$name: _FORTIFY_SOURCE (__*_chk functions: $(grep -Eo ' __[a-z_]+_chk(@|$)' "$WORK/s" | tr -d ' @' | sort -u | tr '\n' ' '))" $?
        ;;
    *)
        if [ -n "$SANITIZER_CFLAGS" ]; then
            skip "$name: _FORTIFY_SOURCE: not in a sanitizer build (the sanitizers intercept the plain calls)"
        else
            skip "$name: _FORTIFY_SOURCE: CFLAGS do not optimise, or the compiler refused it"
        fi
        ;;
    esac
    if has -fcf-protection "$HARDEN_CFLAGS"; then
        # The compiler marks every object it builds; the linker keeps the mark on
        # the program only when every object linked in has it (crt files and
        # static libraries of the system included).
        obj=$(find "$top_builddir/src" -name "$name.o" | head -n 1)
        readelf -n -W "$obj" 2>/dev/null | grep -Eq 'x86 feature: .*IBT.*SHSTK|x86 feature: .*SHSTK.*IBT'
        check "$name: CET (IBT, SHSTK) property note in ${obj#"$top_builddir"/}" $?
        if grep -q 'x86 feature:.*IBT' "$WORK/n"; then
            ok "$name: CET property kept on the linked program"
        else
            skip "$name: CET on the linked program: an object linked in lacks the note, so the linker dropped it"
        fi
    else
        skip "$name: CET: the compiler does not take -fcf-protection"
    fi
done
tap_done
