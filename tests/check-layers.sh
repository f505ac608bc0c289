#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The source tree's layering, as TAP: every #include "..." of a module in
# src/ names its own folder (bare) or a folder below it, never one above.
#   common <- input <- flow <- export, report <- src/ (the job and the mains)
# export and report are siblings: neither includes the other.
set -u
src=${top_srcdir:-$(dirname "$0")/..}/src

allowed() { # allowed FOLDER: the folders FOLDER's modules may include
    case $1 in
    common) echo "common" ;;
    input) echo "common input" ;;
    flow) echo "common input flow" ;;
    export) echo "common input flow export" ;;
    report) echo "common input flow report" ;;
    .) echo "common input flow export report" ;;
    *) echo "" ;;
    esac
}

n=0
fail=0
for dir in . common input flow export report; do
    ok=$(allowed "$dir")
    for f in "$src/$dir"/*.[ch]; do
        [ -e "$f" ] || continue
        n=$((n + 1))
        bad=
        for inc in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f"); do
            case $inc in
            config.h) continue ;;
            */*)
                folder=${inc%%/*}
                case " $ok " in *" $folder "*) ;; *) bad="$bad $inc" ;; esac
                # (a header made by make, common/paths.h, is in the build tree)
                [ -e "$src/$inc" ] || [ -e "${top_builddir:-.}/src/$inc" ] || bad="$bad $inc(missing)"
                ;;
            *)
                # A bare name is a header of the module's own folder.
                [ -e "$src/$dir/$inc" ] || bad="$bad $inc(not in $dir/)"
                ;;
            esac
        done
        rel=${f#"$src"/}
        rel=${rel#./}
        if [ -z "$bad" ]; then
            echo "ok $n - $rel includes only its own folder and those below"
        else
            echo "not ok $n - $rel includes upward or across:$bad"
            fail=1
        fi
    done
done
echo "1..$n"
exit $fail
