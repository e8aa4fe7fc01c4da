#!/bin/sh
# `make bench`: exhaustive exploration of every scenario x verdict variant of
# the catalogue, then of scenarios/scaling/parallel-{cores,dimms}-K, printing
# states, transitions, seconds, states/s, bytes per stored state and peak RSS
# (from `drcsim explore --json`); with valgrind installed, also instructions
# per state from callgrind (deterministic, unlike seconds). The scaling family
# runs twice: with the default reduction (--por dpor) and without (--por none).
set -eu
: "${DRCSIM:=build/drcsim}"
: "${BENCH_MAX_CORES:=8}"       # with --por dpor: parallel-cores-8 is 11.1M states, about 20 s
: "${BENCH_MAX_CORES_NONE:=7}"  # with --por none: parallel-cores-8 is 72.6M states, 90 s, 1.3 GB
: "${BENCH_MAX_DIMMS:=6}"   # parallel-dimms-7 runs for more than 5 minutes
: "${BENCH_CALLGRIND_MAX:=200000}"  # callgrind only where states are at most this
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# bench_one SCENARIO VARIANT POR: one row
bench_one() {
    "$DRCSIM" explore "$1" --variant "$2" --por "$3" --json "$tmp/r.json" >/dev/null 2>&1 || true
    states=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["states"])' "$tmp/r.json")
    ir=-
    if command -v valgrind >/dev/null 2>&1 && [ "$states" -le "$BENCH_CALLGRIND_MAX" ]; then
        valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" \
            "$DRCSIM" explore "$1" --variant "$2" --por "$3" >/dev/null 2>&1 || true
        ir=$(sed -n 's/^summary: \([0-9]*\)/\1/p' "$tmp/cg.out")
    fi
    python3 - "$tmp/r.json" "$ir" "$3" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))[0]
ir = sys.argv[2]
per = "%.0f" % (int(ir) / r["states"]) if ir.isdigit() and r["states"] else "-"
print("%-28s %-28s %-4s %10d %11d %9.4f %12.0f %8.1f %9d %10s" % (
    r["scenario"].split("/")[-1][:-4], r["variant"], sys.argv[3], r["states"], r["transitions"],
    r["seconds"], r["states_per_s"], r["bytes_per_state"], r["peak_rss_kb"], per))
PY
}

printf '%-28s %-28s %-4s %10s %11s %9s %12s %8s %9s %10s\n' scenario variant por states transitions seconds \
    states/s B/state rss_kb Ir/state
for s in scenarios/*.scn; do
    variants=$(sed -n 's/^verdict[[:space:]]\+\([^[:space:]]\+\).*/\1/p' "$s")
    for v in ${variants:-upstream}; do
        bench_one "$s" "$v" dpor
    done
done
for family in cores:$BENCH_MAX_CORES:dpor cores:$BENCH_MAX_CORES_NONE:none \
              dimms:$BENCH_MAX_DIMMS:dpor dimms:$BENCH_MAX_DIMMS:none; do
    kind=${family%%:*} rest=${family#*:}
    k=1
    while [ "$k" -le "${rest%:*}" ]; do
        bench_one "scenarios/scaling/parallel-$kind-$k.scn" upstream "${rest#*:}"
        k=$((k + 1))
    done
done
echo "(Ir/state includes process start-up and parsing: an upper bound for small scenarios;"
echo " callgrind runs only up to $BENCH_CALLGRIND_MAX states; BENCH_MAX_CORES_NONE=8 adds the largest)"
