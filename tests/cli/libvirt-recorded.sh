#!/bin/sh
# The model's libvirt against a real libvirt without libvirt: for each scenario
# of validate/libvirt/, the errors the model's libvirt gives under real-qemu-7.2
# (its "libvirt:" lines, in order) must be those real libvirt gave to the same
# actions (validate/recorded/libvirt-*.txt, written by validate/libvirt/probe),
# and the scenario's `expect libvirt` lines must say what the real live XML said.
. "$(dirname "$0")/common.sh"

# errors_of FILE CASE: the recorded error texts of CASE, one a line
errors_of() { awk -F '\t' -v c="$2" '$1 == c && $3 == "error" { print $4 }' "$1"; }
# states_of FILE CASE: the recorded live-XML lines of CASE as the scenario's expects
states_of() { awk -F '\t' -v c="$2" '$1 == c && $2 ~ /^expect / { print $2 " " $3 }' "$1"; }

for rec in validate/recorded/libvirt-*.txt; do
    cases=$(awk -F '\t' '!/^#/ { print $1 }' "$rec" | uniq)
    for scn in validate/libvirt/*.scn; do
        c=$(basename "$scn" .scn)
        echo "$cases" | grep -qx "$c" && ok "$c: recorded in $rec" || bad "$c: recorded in $rec"
    done
    for c in $cases; do
        scn=validate/libvirt/$c.scn
        "$DRCSIM" run "$scn" --variant real-qemu-7.2 >"$tmp/out" 2>&1
        st=$?
        sed -n 's/^ *libvirt: //p' "$tmp/out" >"$tmp/model"
        errors_of "$rec" "$c" >"$tmp/real"
        if [ $st -eq 0 ] && cmp -s "$tmp/model" "$tmp/real"; then
            ok "$c: the model's libvirt errors are real libvirt's"
        else
            { echo "(exit $st) model:"; cat "$tmp/model"; echo "real:"; cat "$tmp/real"; grep "^verdict" "$tmp/out"; } >"$tmp/diff"
            mv "$tmp/diff" "$tmp/out"
            bad "$c: the model's libvirt errors are real libvirt's"
        fi
        grep -E '^expect libvirt ' "$scn" | sed 's/ *#.*//; s/  */ /g' >"$tmp/model"
        states_of "$rec" "$c" >"$tmp/real"
        if cmp -s "$tmp/model" "$tmp/real"; then
            ok "$c: its expect libvirt lines are the real live XML"
        else
            { echo "scenario:"; cat "$tmp/model"; echo "real:"; cat "$tmp/real"; } >"$tmp/out"
            bad "$c: its expect libvirt lines are the real live XML"
        fi
    done
done
# The scenarios' own verdicts, over every interleaving (the record is of one real run each).
"$DRCSIM" check validate/libvirt/ >"$tmp/out" 2>&1 \
    && ok "check validate/libvirt/: every scenario's verdict holds" \
    || bad "check validate/libvirt/: every scenario's verdict holds"
total
