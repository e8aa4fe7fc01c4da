#!/bin/sh
# The speed-up of --jobs 2 over one job, as `make bench` reports it: TRIALS
# trials (default 21) of SCENARIO (default parallel-cores-5) with --por none
# --symmetry off, each one job alone, then --jobs 2, then two one-job
# processes started together (what this host gives two busy CPUs at best).
# Prints the medians and ranges of both ratios of states/s to one job's.
set -eu
: "${DRCSIM:=build/drcsim}"
scn=${1:-scenarios/parallel-cores-5.scn}
trials=${2:-21}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

i=0
while [ "$i" -lt "$trials" ]; do
    "$DRCSIM" explore "$scn" --por none --symmetry off --json "$tmp/one.json" >/dev/null
    "$DRCSIM" explore "$scn" --por none --symmetry off --jobs 2 --json "$tmp/jobs2.json" >/dev/null
    "$DRCSIM" explore "$scn" --por none --symmetry off --json "$tmp/a.json" >/dev/null &
    "$DRCSIM" explore "$scn" --por none --symmetry off --json "$tmp/b.json" >/dev/null
    wait
    python3 - "$tmp" <<'PY'
import json, sys
rate = lambda f: json.load(open(sys.argv[1] + "/" + f))[0]["states_per_s"]
one = rate("one.json")
print(rate("jobs2.json") / one, (rate("a.json") + rate("b.json")) / one)
PY
    i=$((i + 1))
done >"$tmp/ratios"
python3 - "$tmp/ratios" "$scn" "$trials" <<'PY'
import statistics, sys
rows = [tuple(map(float, line.split())) for line in open(sys.argv[1])]
def show(k):
    col = [r[k] for r in rows]
    return "median %.2f (%.2f to %.2f)" % (statistics.median(col), min(col), max(col))
print("%s, --por none --symmetry off, %s trials, states/s against one job:" % (sys.argv[2], sys.argv[3]))
print("  --jobs 2:                        " + show(0))
print("  two one-job processes together:  " + show(1))
PY
