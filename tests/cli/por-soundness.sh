#!/bin/sh
# Soundness of the reductions: for every catalogue scenario and every
# variant, `--por sleep` and `--por dpor` with the client symmetry, and
# `--por dpor --symmetry off`, report the same verdict, the same violation
# families and the same set of quiescent end states (fingerprints up to the
# symmetry) as `--por none --symmetry off`; `--por-check` finds no step
# outside its footprint, no diamond that fails to close and no permutation
# that fails to commute; `--jobs 2` with dpor reports the same verdict and
# end states too, and a `--split 3` whose jobs run under dpor on two threads
# the same families and end states, merged; and `--shortest` gives the same verdict and counterexample lengths with the
# symmetry as without it. Prints failures and a total.
. "$(dirname "$0")/common.sh"

verdict() { grep -E '^[^ ]+\.scn under ' "$1" | sed 's/^[^:]*: //'; }

families() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[0]["families"])' "$1"; }

# against_none LABEL GOT WANT END: GOT (a verdict, or the families) is the unreduced
# search's WANT, and the file END has its quiescent end states.
against_none() {
    if [ "$2" != "$3" ]; then
        fail=$((fail + 1)); echo "FAIL - $1: '$2' but none: '$3'"
    elif ! cmp -s "$tmp/none.end" "$4"; then
        fail=$((fail + 1)); echo "FAIL - $1: other quiescent end states"
    else
        pass=$((pass + 1))
    fi
}

# split_leg SCENARIO VARIANT: --split 3, its jobs under dpor, merged: the families and the
# quiescent end states (above the frontier and below it, united) of the unreduced search.
split_leg() {
    rm -rf "$tmp/split" && "$DRCSIM" explore "$1" --variant "$2" --split 3 --out "$tmp/split" \
        --end-states "$tmp/split.end" >"$tmp/split.out" 2>&1
    for j in "$tmp"/split/job-*.json; do
        [ -f "$j" ] && "$DRCSIM" explore --job "$j" --jobs 2 --json "$j.result.json" \
            --end-states "$j.end" >>"$tmp/split.out" 2>&1
    done
    "$DRCSIM" merge --json "$tmp/merged.json" "$tmp/split/split.json" \
        "$tmp"/split/job-*.json.result.json >>"$tmp/split.out" 2>&1
    cat "$tmp/split.end" "$tmp"/split/job-*.end 2>/dev/null | sort -u >"$tmp/union.end"
    against_none "$1 $2 --split 3" "$(families "$tmp/merged.json" 2>&1)" \
        "$(families "$tmp/none.json")" "$tmp/union.end"
}

# the race catalogue (common.sh), and the scaling family up to four clients
for scn in $catalogue scenarios/parallel-cores-[1-4].scn \
           scenarios/parallel-dimms-[1-4].scn tests/cli/quiescent-clients.scn \
           tests/cli/migrate-retry.scn tests/cli/dimm-on-destination.scn \
           tests/cli/core-id-taken.scn; do
    for var in variants/*.var; do
        v=$(basename "$var" .var)
        "$DRCSIM" explore "$scn" --variant "$v" --por none --symmetry off \
            --end-states "$tmp/none.end" --json "$tmp/none.json" >"$tmp/none.out" 2>&1
        if [ -z "$(verdict "$tmp/none.out")" ]; then   # nothing to compare against
            fail=$((fail + 1)); echo "FAIL - $scn $v none: no verdict"
            sed 's/^/       /' "$tmp/none.out" | head -5
            continue
        fi
        for run in sleep:on dpor:on dpor:off; do
            mode=${run%:*} sym=${run#*:}
            "$DRCSIM" explore "$scn" --variant "$v" --por "$mode" --symmetry "$sym" --por-check \
                --end-states "$tmp/$mode.end" >"$tmp/$mode.out" 2>&1
            rc=$?
            if [ $rc -gt 1 ]; then
                fail=$((fail + 1)); echo "FAIL - $scn $v $run: exit $rc"
                sed 's/^/       /' "$tmp/$mode.out" | head -5
            else
                against_none "$scn $v $run" "$(verdict "$tmp/$mode.out")" \
                    "$(verdict "$tmp/none.out")" "$tmp/$mode.end"
            fi
        done
        split_leg "$scn" "$v"
        "$DRCSIM" explore "$scn" --variant "$v" --por dpor --jobs 2 \
            --end-states "$tmp/jobs.end" >"$tmp/jobs.out" 2>&1
        against_none "$scn $v dpor --jobs 2" "$(verdict "$tmp/jobs.out")" \
            "$(verdict "$tmp/none.out")" "$tmp/jobs.end"
    done
done
# --shortest with the symmetry: the same verdict and counterexamples as short.
steps() {   # the step count of each counterexample, in family order (schedules are quoted)
    sed -n 's/.* --schedule //p' "$1" | tr -d "'" | python3 -c 'import sys
for l in sys.stdin:
    print(sum(int(p.split("*")[1]) if "*" in p else 1 for p in l.strip().split(",") if p))'
}
for scn in scenarios/parallel-hotplug-during-migration.scn scenarios/parallel-cores-[1-3].scn; do
    for var in variants/*.var; do
        v=$(basename "$var" .var)
        "$DRCSIM" explore "$scn" --variant "$v" --shortest --symmetry off >"$tmp/off.out" 2>&1
        "$DRCSIM" explore "$scn" --variant "$v" --shortest >"$tmp/on.out" 2>&1
        if [ "$(verdict "$tmp/off.out")" != "$(verdict "$tmp/on.out")" ] ||
           [ "$(steps "$tmp/off.out")" != "$(steps "$tmp/on.out")" ] || [ -z "$(verdict "$tmp/off.out")" ] ||
           { grep -q ' --schedule ' "$tmp/off.out" && [ -z "$(steps "$tmp/off.out")" ]; }; then
            fail=$((fail + 1)); echo "FAIL - $scn $v --shortest: symmetry changes the verdict or a length"
        else
            pass=$((pass + 1))
        fi
    done
done
total
