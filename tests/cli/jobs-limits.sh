# Sourced by run-all.sh: --jobs honours every search limit and option, and its progress line.
# --max-states, --max-depth, --por sleep and --por-check hold in the breadth-first prefix
# the threads start from as in the one-job search; one progress line for all the threads.
# Uses run-all's expect_run, ok, bad, $DRCSIM and $tmp.
jl5=scenarios/parallel-cores-5.scn
jl4=scenarios/parallel-cores-4.scn

# jl_lines DESC PATTERN...: every pattern matches a line of the last expect_run's output
jl_lines() {
    jl_desc=$1
    shift
    for jl_pat in "$@"; do
        if ! grep -Eq -- "$jl_pat" "$tmp/out"; then
            echo "(no line matches: $jl_pat)" >>"$tmp/out"; bad "$jl_desc"; return
        fi
    done
    ok "$jl_desc"
}
jl_incomplete=': incomplete: no violation in the part explored$'
jl_cut='\(cut short by --max-states\)$'
jl_cut_depth='\(cut short by --max-depth\)$'

# --- --max-states and --max-depth: with the symmetry the prefix is the whole search ------
expect_run "--jobs 2 --max-states 100: stops at 100 states" 0 '^states 100  ' \
    "$DRCSIM" explore "$jl5" --max-states 100 --jobs 2
jl_lines "--jobs 2 --max-states 100: incomplete, cut short" "$jl_incomplete" "$jl_cut"
expect_run "--jobs 2 --max-states 100 --symmetry off: at most 100 + 2 - 1 states" 0 '^states 10[01]  ' \
    "$DRCSIM" explore "$jl5" --max-states 100 --jobs 2 --symmetry off
jl_lines "--jobs 2 --max-states 100 --symmetry off: incomplete, cut short" "$jl_incomplete" "$jl_cut"
expect_run "--jobs 3 --max-states 2000, past the prefix: at most 2000 + 3 - 1 states" 0 '^states 200[012]  ' \
    "$DRCSIM" explore scenarios/parallel-cores-6.scn --max-states 2000 --jobs 3 --por none --symmetry off
jl_lines "--jobs 3 --max-states 2000: incomplete" "$jl_incomplete"
expect_run "--max-states 1 stores the initial world only" 0 '^states 1  transitions 0  depth 0  ' \
    "$DRCSIM" explore "$jl5" --max-states 1
jl_lines "--max-states 1: incomplete, cut short" "$jl_incomplete" "$jl_cut"
expect_run "--jobs 2 --max-states 1 stores the initial world only" 0 '^states 1  transitions 0  depth 0  ' \
    "$DRCSIM" explore "$jl5" --max-states 1 --jobs 2
jl_lines "--jobs 2 --max-states 1: incomplete, cut short" "$jl_incomplete" "$jl_cut"
expect_run "--max-depth 10: 41 states" 0 '^states 41  transitions 50  depth 10  ' \
    "$DRCSIM" explore "$jl5" --max-depth 10
expect_run "--jobs 2 --max-depth 10: the same 41 states, depth 10" 0 '^states 41  transitions 50  depth 10  ' \
    "$DRCSIM" explore "$jl5" --max-depth 10 --jobs 2
jl_lines "--jobs 2 --max-depth 10: incomplete, cut short" "$jl_incomplete" "$jl_cut_depth"
expect_run "--jobs 2 --max-depth 12 --por none --symmetry off: the one-job 1537 states" 0 \
    '^states 1537  transitions 3336  depth 12  ' \
    "$DRCSIM" explore "$jl4" --max-depth 12 --jobs 2 --por none --symmetry off
jl_lines "--jobs 2 --max-depth 12: incomplete, cut short" "$jl_incomplete" "$jl_cut_depth"

# --- --por sleep and --por-check -------------------------------------------------------
expect_run "--jobs 2 --por sleep: the one-job 1433 states and 1498 transitions" 0 '^states 1433  transitions 1498  ' \
    "$DRCSIM" explore "$jl5" --por sleep --jobs 2
expect_run "--jobs 2 --por sleep --symmetry off: the one-job 14601 states and 14904 transitions" 0 \
    '^states 14601  transitions 14904  ' "$DRCSIM" explore "$jl4" --por sleep --symmetry off --jobs 2
expect_run "--jobs 2 --por-check: the one-job 418 states, a pass" 0 '^states 418  transitions 439  ' \
    "$DRCSIM" explore "$jl4" --por-check --jobs 2
jl_lines "--jobs 2 --por-check: a pass" "^$jl4 under upstream: pass$"

# --- the progress line of --jobs: one for all threads, at most four a second ---------------
# The rate check needs two lines, so a search of seconds: parallel-cores-7 unreduced, 6.8M
# states (2.5 s on two jobs here; with dpor, 0.4 s on an idle host printed one line only).
if command -v script >/dev/null 2>&1; then
    expect_run "--jobs 2 on a terminal: the progress line" 0 \
        '^ +[0-9]+ states +[0-9]+ states/s  depth +[0-9]+  stack +[0-9]+ +[0-9]+ MB +[0-9.]+ s $' \
        sh -c "script -qec '$DRCSIM explore scenarios/parallel-cores-7.scn --por none --symmetry off --jobs 2' /dev/null | tr '\\r' '\\n'"
    python3 - "$tmp/out" <<'PY' && ok "--jobs 2 progress: states grow, seconds since the start, at most 4 a second, a true rate" \
        || bad "--jobs 2 progress: states grow, seconds since the start, at most 4 a second, a true rate"
import re, sys
pat = re.compile(r"^ +(\d+) states +(\d+) states/s  depth +\d+  stack +\d+ +\d+ MB +([0-9.]+) s $")
lines = [pat.match(l) for l in open(sys.argv[1]).read().split("\n")]
rows = [(int(m.group(1)), int(m.group(2)), float(m.group(3))) for m in lines if m]
total = int(re.search(r"^states (\d+) .* ([0-9.]+) s ", open(sys.argv[1]).read(), re.M).group(1))
assert len(rows) >= 2, rows
for (n0, _, s0), (n1, _, s1) in zip(rows, rows[1:]):
    assert n1 >= n0 and s1 - s0 >= 0.15, rows          # one line, 250 ms apart (printed to 0.1 s)
for n, rate, s in rows:
    assert 0 < n <= total and s >= 0.2, rows           # seconds since the search started
    assert n / (s + 0.05) * 0.99 <= rate <= n / (s - 0.05) * 1.01, rows
assert len(rows) <= 4 * rows[-1][2] + 1, rows
PY
fi

# --- --lossless out of --mem: the hint does not offer --bitstate, which it refuses -------------
expect_run "--lossless out of --mem: raise --mem, no --bitstate offered" 1 \
    'STOPPED: the visited set.s --mem budget is used up \(raise --mem: --lossless has no bitstate mode\)$' \
    "$DRCSIM" explore scenarios/parallel-cores-5.scn --symmetry off --por none --lossless --mem 1
