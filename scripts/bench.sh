#!/bin/sh
# `make bench`: exhaustive exploration of every scenario x verdict variant of
# the race catalogue, then of the scaling family scenarios/parallel-{cores,dimms}-K
# in each mode, printing
# states, transitions, seconds, states/s, bytes per stored state and peak RSS
# (from `drcsim explore --json`); with valgrind installed, also instructions
# per state from callgrind (deterministic, unlike seconds), counted inside the
# search (explore_exhaustive) so that start-up and parsing are left out.
# Modes: sym = the default (--por dpor and the client symmetry), dpor = the
# reduction alone (--symmetry off), none = neither. Last, the speed-up of
# --jobs 2 (scripts/bench-jobs.sh).
set -eu
: "${DRCSIM:=build/drcsim}"
: "${BENCH_MAX_CORES:=8}"       # sym and dpor: parallel-cores-8 is 1,420 and 11.1M states
: "${BENCH_MAX_CORES_NONE:=7}"  # none: parallel-cores-8 is 63M states, 80 s, 1.3 GB
: "${BENCH_MAX_DIMMS:=6}"   # parallel-dimms-7 runs for more than 5 minutes
: "${BENCH_CALLGRIND_MAX:=200000}"  # callgrind only where states are at most this
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# bench_one SCENARIO VARIANT MODE: one row
bench_one() {
    case $3 in
        sym) opts="--por dpor" ;;
        dpor) opts="--por dpor --symmetry off" ;;
        *) opts="--por none --symmetry off" ;;
    esac
    # shellcheck disable=SC2086
    "$DRCSIM" explore "$1" --variant "$2" $opts --json "$tmp/r.json" >/dev/null 2>&1 || true
    states=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["states"])' "$tmp/r.json")
    ir=-
    if command -v valgrind >/dev/null 2>&1 && [ "$states" -le "$BENCH_CALLGRIND_MAX" ]; then
        # shellcheck disable=SC2086
        valgrind --tool=callgrind --toggle-collect=explore_exhaustive --callgrind-out-file="$tmp/cg.out" \
            "$DRCSIM" explore "$1" --variant "$2" $opts >/dev/null 2>&1 || true
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

printf '%-28s %-28s %-4s %10s %11s %9s %12s %8s %9s %10s\n' scenario variant mode states transitions seconds \
    states/s B/state rss_kb Ir/state
. scripts/catalogue.sh   # the scaling family is below, per mode
for s in $catalogue; do
    variants=$(sed -n 's/^verdict[[:space:]]\+\([^[:space:]]\+\).*/\1/p' "$s")
    for v in ${variants:-upstream}; do
        bench_one "$s" "$v" sym
    done
done
for family in cores:$BENCH_MAX_CORES:sym cores:$BENCH_MAX_CORES:dpor cores:$BENCH_MAX_CORES_NONE:none \
              dimms:$BENCH_MAX_DIMMS:sym dimms:$BENCH_MAX_DIMMS:none; do
    kind=${family%%:*} rest=${family#*:}
    k=1
    while [ "$k" -le "${rest%:*}" ]; do
        bench_one "scenarios/parallel-$kind-$k.scn" upstream "${rest#*:}"
        k=$((k + 1))
    done
done
echo "(Ir/state counts the instructions inside the search; callgrind runs only up to"
echo " $BENCH_CALLGRIND_MAX states; BENCH_MAX_CORES_NONE=8 adds the largest unreduced run)"
echo
DRCSIM="$DRCSIM" scripts/bench-jobs.sh scenarios/parallel-cores-5.scn "${BENCH_JOBS_TRIALS:-21}"
