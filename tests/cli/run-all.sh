#!/bin/sh
# Scenario regression through the CLI: verdicts of scenarios/, exit codes and
# one-line errors for bad input, determinism (same seed, same bytes), replay
# of traces (and its failure on a tampered one), golden text traces.
# Prints one line per check and "N passed, M failed" last; exits 1 on failure.
. "$(dirname "$0")/common.sh"

# expect_run DESC WANT_EXIT PATTERN CMD...: exit status and a line matching PATTERN (grep -E)
expect_run() {
    desc=$1 want=$2 pat=$3
    shift 3
    "$@" >"$tmp/out" 2>&1
    exit_and_line "$desc" "$want" $? -E "$pat"
}

# expect_at DESC FILE TOKEN PATTERN CMD...: exit 2 with the line "FILE:LINE:COL: error: "
# and PATTERN, and FILE's text at LINE:COL (in bytes) begins with TOKEN
expect_at() {
    desc=$1 file=$2 token=$3 pat=$4
    shift 4
    expect_run "$desc" 2 "^$file:[0-9]+:[0-9]+: error: $pat" "$@"
    where=$(grep -m1 "^$file:[0-9]*:[0-9]*: error: " "$tmp/out" | sed "s|^$file:\([0-9]*:[0-9]*\): .*|\1|")
    python3 -c '
import sys
f, where, tok = sys.argv[1:]
line, col = map(int, where.split(":"))
text = open(f, "rb").read().split(b"\n")[line - 1][col - 1:]
sys.exit(0 if text.startswith(tok.encode()) else 1)' "$file" "${where:-0:0}" "$token" \
        && ok "$desc: at $token" || bad "$desc: at $token (not at $where)"
}

# drcsim by absolute path, for the checks run from another directory
abs_drcsim=$(cd "$(dirname "$DRCSIM")" && pwd)/$(basename "$DRCSIM")

# --- the built-in suite -----------------------------------------------------
expect_run "check scenarios/: every verdict holds, the scaling family's too" 0 '^250 passed, 0 failed$' "$DRCSIM" check scenarios/
expect_run "check: a row ends in the verdict as a verdict line spells it" 0 \
    '^ccs-migration-race +qemu-2\.10-dev +[0-9]+ +[0-9.]+s  ok        fail drc-migration-mismatch,guest-dlpar-error,guest-dt-mismatch$' \
    "$DRCSIM" check scenarios/ccs-migration-race.scn
sed 's/^verdict upstream pass$/verdict upstream fail guest-dlpar-error/' scenarios/unplug-last-cpu.scn >"$tmp/mismatch.scn"
expect_run "check: a MISMATCH row says what was got and what was expected" 1 \
    '^unplug-last-cpu +upstream +[0-9]+ +[0-9.]+s  MISMATCH  got pass, expected fail guest-dlpar-error$' \
    env DRCSIM_VARIANTS=variants "$DRCSIM" check "$tmp/mismatch.scn"
# shellcheck disable=SC2086
expect_run "check --por none --symmetry off: the race catalogue's verdicts without reduction" 0 '^234 passed, 0 failed$' "$DRCSIM" check $catalogue --por none --symmetry off
expect_run "check: an unknown --symmetry value is refused" 2 '^drcsim check: --symmetry takes on or off$' "$DRCSIM" check scenarios/ --symmetry maybe
expect_run "check: an unknown --por mode is refused" 2 '^drcsim check: --por takes none, sleep or dpor$' "$DRCSIM" check scenarios/ --por stubborn
expect_run "check writes JUnit and JSON" 0 '' "$DRCSIM" check scenarios/ --junit "$tmp/j.xml" --json "$tmp/r.json"
grep -q '<testsuite name="drcsim check" tests="[0-9]*" failures="0">' "$tmp/j.xml" && ok "JUnit report" || bad "JUnit report"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); k={"scenario","variant","verdict","families","states","transitions","max_depth","seconds","states_per_s","bytes_per_state","peak_rss_kb"}; assert r and all(k <= set(o) for o in r)' "$tmp/r.json" \
    && ok "JSON results carry every key" || bad "JSON results carry every key"
python3 - "$tmp/r.json" "$tmp/r.counterexamples" <<'PY' && ok "check --json: each failing line's counterexample trace, none for a pass" || bad "check --json: each failing line's counterexample trace, none for a pass"
import json, os, sys
rows = json.load(open(sys.argv[1]))
fails = [r for r in rows if r["verdict"] == "fail"]
assert fails and len(fails) < len(rows)
for r in rows:
    name = os.path.basename(r["scenario"])[:-4] + "." + r["variant"] + ".jsonl"
    want = os.path.join(sys.argv[2], name)
    assert r.get("counterexample") == (want if r in fails else None), (r, want)
    assert os.path.exists(want) == (r in fails), want
assert len(os.listdir(sys.argv[2])) == len(fails)
PY
expect_run "check --json: a failing line's trace replays" 0 'all [0-9]+ lines identical' \
    "$DRCSIM" replay "$tmp/r.counterexamples/ccs-migration-race.qemu-2.10-dev.jsonl"
mkdir -p "$tmp/twin1" "$tmp/twin2"
printf 'scenario twin\nmachine m cores=2\ndo m device_add cpu core1 core-id=1\nexpect m device core1 absent\nverdict upstream fail expect-failed\n' >"$tmp/twin1/t.scn"
cp "$tmp/twin1/t.scn" "$tmp/twin2/t.scn"
"$DRCSIM" check "$tmp/twin1/t.scn" "$tmp/twin2/t.scn" --json "$tmp/tw.json" >/dev/null 2>&1
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); c=[x["counterexample"] for x in r]; d=sys.argv[2]; assert c == [d + "/t.upstream.jsonl", d + "/t.upstream-2.jsonl"], c' \
    "$tmp/tw.json" "$tmp/tw.counterexamples" && [ "$(ls "$tmp/tw.counterexamples" | wc -l)" -eq 2 ] \
    && ok "check --json: two scenarios of one name keep a trace each" || bad "check --json: two scenarios of one name keep a trace each"

# A path in UTF-8 with a quote and a backslash, and one in Latin-1: the results stay JSON
odd="$tmp/caf\303\251 \"q\"\\x.scn"
odd=$(printf "$odd")
latin=$(printf "$tmp/l\351.scn")
cp "$tmp/twin1/t.scn" "$odd" && cp "$tmp/twin1/t.scn" "$latin"
"$DRCSIM" explore "$odd" --knob 'guest.step=0-1s' --json "$tmp/odd.json" >/dev/null 2>&1
"$DRCSIM" check "$odd" "$latin" --json "$tmp/oddc.json" >/dev/null 2>&1
python3 - "$tmp/odd.json" "$tmp/oddc.json" "$odd" "$tmp" <<'PY' && ok "--json: a path's UTF-8, quote and backslash kept, a Latin-1 byte as U+FFFD" || bad "--json: a path's UTF-8, quote and backslash kept, a Latin-1 byte as U+FFFD"
import json, os, sys
odd = os.fsdecode(os.fsencode(sys.argv[3]))
r = json.load(open(sys.argv[1]))[0]
assert r["scenario"] == odd and r["knobs"] == ["guest.step=0-1s"], r
assert r["counterexample"] == sys.argv[1][:-5] + ".counterexample.jsonl", r
c = json.load(open(sys.argv[2]))
assert [x["scenario"] for x in c] == [odd, sys.argv[4] + "/l\ufffd.scn"], c
PY
"$DRCSIM" run "$latin" --trace "$tmp/latin.jsonl" >/dev/null 2>&1
expect_run "a trace of a Latin-1 path replays (U+FFFD in its header)" 0 'all [0-9]+ lines identical' "$DRCSIM" replay "$tmp/latin.jsonl"
expect_run "--split refuses a path that is not UTF-8" 2 '^drcsim explore: the path .* is not UTF-8: a job file, JSON, cannot name it$' \
    "$DRCSIM" explore "$latin" --split 2 --out "$tmp/latin-jobs"
{ cat "$tmp/twin1/t.scn"; printf '# caf\351\n'; } >"$tmp/latin-text.scn"
expect_run "check --split refuses a scenario text that is not UTF-8, at its byte" 2 \
    "^$tmp/latin-text.scn:6:6: error: not UTF-8: a job file, JSON, cannot carry the scenario's text\$" \
    "$DRCSIM" check "$tmp/latin-text.scn" --split 2 --out "$tmp/latin-jobs"
expect_run "an option value that is not UTF-8 is named, its bytes escaped" 2 \
    '^drcsim run: the value of --variant is not UTF-8: up\\xe9stream$' \
    "$DRCSIM" run scenarios/hotplug-migrate-unplug.scn --variant "$(printf 'up\351stream')"
expect_run "an option value that is not UTF-8, as --name=VALUE after a good one" 2 \
    '^drcsim explore: the value of --knob is not UTF-8: guest.step=\\xff$' \
    "$DRCSIM" explore scenarios/hotplug-migrate-unplug.scn --knob guest.hp-evt=on --knob="$(printf 'guest.step=\377')"
expect_run "merge reads a result whose path is not ASCII" 1 "^$tmp/caf.* +upstream +fail expect-failed " "$DRCSIM" merge "$tmp/odd.json"

# --- a wrong expected rc fails, naming its file:line ---------------------------
line=$(grep -n 'LMB:0 isolate -> rc=-1 state=LOGICAL_CONFIGURED' scenarios/drc-conformance.scn | head -1 | cut -d: -f1)
sed "${line}s/rc=-1/rc=0/" scenarios/drc-conformance.scn >"$tmp/wrong-rc.scn"
expect_run "wrong rc: check fails at that file:line" 1 "$tmp/wrong-rc.scn:$line: rtas result did not hold: got rc=-1, expected rc=0" \
    env DRCSIM_VARIANTS=variants "$DRCSIM" check "$tmp/wrong-rc.scn"
expect_run "wrong rc: run exits 1 and prints the replay command" 1 "^replay: drcsim run $tmp/wrong-rc.scn --variant upstream --schedule " \
    env DRCSIM_VARIANTS=variants "$DRCSIM" run "$tmp/wrong-rc.scn"

# --- a scenario outside the tree finds the variants of the binary's checkout --------------
mkdir -p "$tmp/away" && cp scenarios/hotplug-migrate-unplug.scn "$tmp/away/"
abs_drcsim=$(cd "$(dirname "$DRCSIM")" && pwd)/$(basename "$DRCSIM")
expect_run "a scenario and a working directory outside the tree: the checkout's variants" 0 \
    '^13 passed, 0 failed' sh -c 'cd "$1" && "$2" check hotplug-migrate-unplug.scn' sh "$tmp/away" "$abs_drcsim"

# --- a DIMM keeps its address across migration (libvirt's addr=) ----------------------
dimm=tests/cli/dimm-base-migration.scn
expect_run "dimm-base-migration: every interleaving keeps each DIMM's LMBs on the destination" 0 \
    "^$dimm under upstream: pass$" "$DRCSIM" explore "$dimm"
line=$(grep -n 'assert dst drc LMB:0 dev=dimm3' "$dimm" | cut -d: -f1)
sed "${line}s/dev=dimm3/dev=dimm2/" "$dimm" >"$tmp/dimm-wrong.scn"
expect_run "dimm-base-migration: a wrong dev= names both devices" 1 \
    "^  expect-failed: $tmp/dimm-wrong.scn:$line: assert did not hold: got dev=dimm3, expected dev=dimm2$" \
    "$DRCSIM" explore "$tmp/dimm-wrong.scn"

# --- guest.rtas-lock-wait: the stale ras_log_buf replayed --------------------------
stale=scenarios/stale-ras-log-replay.scn
expect_run "stale-ras-log-replay: with the knob off the window is closed" 0 \
    "^$stale under upstream: pass$" "$DRCSIM" explore "$stale" --knob guest.rtas-lock-wait=off
expect_run "stale-ras-log-replay: the replay adds core2 a second time" 1 \
    '^        guest: pseries-hotplug-cpu: CPU with drc index 10000002 already exists$' \
    "$DRCSIM" run "$stale" --schedule '0*41,1,0*41'
expect_run "stale-ras-log-replay: the event-scan in the window re-pulses" 1 \
    '^        qemu: event_scan: re-pulse the event source \(1 queued\)$' \
    "$DRCSIM" run "$stale" --schedule '0*41,1,0*41'

# --- explore figures --------------------------------------------------------
expect_run "explore prints states, transitions, depth, seconds, states/s" 0 \
    '^states [0-9]+  transitions [0-9]+  depth [0-9]+  quiescent [0-9]+  [0-9.]+ s  [0-9]+ states/s' \
    "$DRCSIM" explore scenarios/unplug-pending-at-reset.scn
expect_run "explore exits 1 when a family is violated" 1 '^  expect-failed: ' \
    "$DRCSIM" explore scenarios/drc-conformance.scn --variant qemu-2.10-dev --trace "$tmp/cex.jsonl"
expect_run "the counterexample trace replays" 0 'all [0-9]+ lines identical' "$DRCSIM" replay "$tmp/cex.jsonl"
expect_run "--json without --trace: the counterexample goes beside the JSON" 1 \
    "^counterexample trace: $tmp/cx\\.counterexample\\.jsonl\$" \
    "$DRCSIM" explore scenarios/drc-conformance.scn --variant qemu-2.10-dev --json "$tmp/cx.json"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))[0]; assert r["verdict"] == "fail" and r["counterexample"] == sys.argv[2], r' \
    "$tmp/cx.json" "$tmp/cx.counterexample.jsonl" && ok "--json names that trace as the counterexample" \
    || bad "--json names that trace as the counterexample"
expect_run "and it replays" 0 'all [0-9]+ lines identical' "$DRCSIM" replay "$tmp/cx.counterexample.jsonl"
"$DRCSIM" explore scenarios/unplug-pending-at-reset.scn --json "$tmp/ok.json" >/dev/null 2>&1
[ ! -e "$tmp/ok.counterexample.jsonl" ] && ! grep -q counterexample "$tmp/ok.json" \
    && ok "a pass writes no counterexample" || bad "a pass writes no counterexample"

# --- exploration modes: each gives the same answer as the plain search ------------------
pc4=scenarios/parallel-cores-4.scn
pc5=scenarios/parallel-cores-5.scn
expect_run "parallel-cores-4 --por none --symmetry off: 14601 states" 0 '^states 14601  transitions 31648 ' "$DRCSIM" explore "$pc4" --por none --symmetry off
expect_run "--jobs 2 --por none: the same 14601 states" 0 '^states 14601  transitions 31648 ' "$DRCSIM" explore "$pc4" --jobs 2 --por none --symmetry off
# (one job: 613; an unreduced prefix made it 1,433; the threads' order may add a few)
expect_run "--jobs 2 with dpor and the symmetry: the prefix is reduced too, about the states of one job" 0 \
    '^states 6[0-9][0-9] ' "$DRCSIM" explore scenarios/parallel-cores-5.scn --jobs 2
expect_run "--por sleep: the same 14601 states, fewer transitions" 0 '^states 14601  transitions 14904 ' "$DRCSIM" explore "$pc4" --por sleep --symmetry off
expect_run "--por dpor --symmetry off: 6017 states" 0 '^states 6017  transitions 6200 ' "$DRCSIM" explore "$pc4" --symmetry off
expect_run "--por dpor says how much it reduced" 0 '^reduction dpor: 5344 states expanded through a smaller persistent set, 0 expanded fully' "$DRCSIM" explore "$pc4" --symmetry off
expect_run "--por-check: footprints and diamonds hold" 0 '^states 6017 ' "$DRCSIM" explore "$pc4" --por-check --symmetry off
expect_run "dpor with the client symmetry (default): 418 states, one end state" 0 '^states 418  transitions 439  depth 194  quiescent 1 ' "$DRCSIM" explore "$pc4"
expect_run "the symmetry names the clients it folds" 0 '^symmetry on: 4 interchangeable clients \(client1 client2 client3 client4\), 147 states stored as another order of them$' "$DRCSIM" explore "$pc4"
expect_run "--symmetry alone (no reduction): 841 states" 0 '^states 841  transitions 1886 ' "$DRCSIM" explore "$pc4" --por none
expect_run "--symmetry off says so" 0 '^symmetry off: 4 interchangeable clients \(client1 client2 client3 client4\)$' "$DRCSIM" explore "$pc4" --symmetry off
expect_run "--por-check proves every permutation used" 0 '^states 418 ' "$DRCSIM" explore "$pc4" --por-check
expect_run "parallel-cores-8 with both: 1420 states" 0 '^states 1420  transitions 1559 ' "$DRCSIM" explore scenarios/parallel-cores-8.scn
qc=tests/cli/quiescent-clients.scn
expect_run "clients at wait quiescent, unreduced: 2155 states" 0 '^states 2155  transitions 3912 ' "$DRCSIM" explore "$qc" --por none --symmetry off
expect_run "dpor: a quiescence gate stays shut while another step is pending: 1291 states" 0 \
    '^states 1291  transitions 1320 ' "$DRCSIM" explore "$qc" --symmetry off --por-check
expect_run "clients at wait quiescent are alike: 265 states with dpor and the symmetry" 0 \
    '^states 265  transitions 274 ' "$DRCSIM" explore "$qc" --por-check
"$DRCSIM" explore scenarios/hotplug-migrate-unplug.scn >"$tmp/out" 2>&1
grep -q '^symmetry' "$tmp/out" && bad "no symmetry line where no clients are alike" || ok "no symmetry line where no clients are alike"
expect_run "an unknown --symmetry value is refused" 2 '^drcsim explore: --symmetry takes on or off$' "$DRCSIM" explore "$pc4" --symmetry sometimes
expect_run "--symmetry needs a visited set: not with --sample" 2 '^drcsim explore: --symmetry goes with the searches that keep a visited set, not --sample$' "$DRCSIM" explore "$pc4" --symmetry off --sample random
phm=scenarios/parallel-hotplug-during-migration.scn
expect_run "--shortest with the symmetry: half the states" 1 '^states 7803 ' "$DRCSIM" explore "$phm" --shortest
want="replay: drcsim run scenarios/parallel-hotplug-during-migration.scn --variant upstream --schedule '0,1,0\\*7,1,0,1\\*32'\$"
expect_run "--shortest with the symmetry: the same shortest counterexample" 1 "$want" "$DRCSIM" explore "$phm" --shortest
expect_run "--shortest --symmetry off: that counterexample, unreduced" 1 "$want" "$DRCSIM" explore "$phm" --shortest --symmetry off
"$DRCSIM" explore "$pc4" --json "$tmp/por.json" --symmetry off >/dev/null 2>&1
python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))[0]; assert (r["por"], r["states"], r["reduced_states"], r["symmetric_states"]) == ("dpor", 6017, 5344, 0), r' "$tmp/por.json" \
    && ok "--json names the reduction and what it did" || bad "--json names the reduction and what it did"
"$DRCSIM" explore "$pc4" --json "$tmp/sym.json" >/dev/null 2>&1
python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))[0]; assert (r["states"], r["symmetric_states"]) == (418, 147), r' "$tmp/sym.json" \
    && ok "--json counts the states stored in another client order" || bad "--json counts the states stored in another client order"
"$DRCSIM" explore "$pc4" --por none --symmetry off --end-states "$tmp/pc4-none.end" >/dev/null 2>&1
"$DRCSIM" explore "$pc4" --end-states "$tmp/pc4-sym.end" >/dev/null 2>&1
[ "$(wc -l <"$tmp/pc4-none.end")" -eq 1 ] && cmp -s "$tmp/pc4-none.end" "$tmp/pc4-sym.end" \
    && ok "--end-states: the 4 quiescent worlds are one up to symmetry, with or without it" \
    || bad "--end-states: the 4 quiescent worlds are one up to symmetry, with or without it"
expect_run "an unknown --por mode is refused" 2 '^drcsim explore: --por takes none, sleep or dpor$' "$DRCSIM" explore "$pc4" --por stubborn
expect_run "--por goes with the depth-first search only" 2 'not --sample, --shortest' "$DRCSIM" explore "$pc4" --por dpor --shortest
expect_run "--lossless: the same 14601 states, no collisions" 0 '^collision probability 0 \(lossless\)' "$DRCSIM" explore "$pc4" --lossless --por none --symmetry off
expect_run "--mem too small: stops, says incomplete, exits 1" 1 'STOPPED: the visited set' "$DRCSIM" explore "$pc5" --mem 1 --por none --symmetry off
expect_run "--mem too small: the verdict is incomplete" 1 '^scenarios/parallel-cores-5.scn under upstream: incomplete' "$DRCSIM" explore "$pc5" --mem 1 --por none --symmetry off
expect_run "--mem too small with --jobs 2: exits 1" 1 'STOPPED: the visited set' "$DRCSIM" explore "$pc5" --mem 1 --por none --symmetry off --jobs 2
expect_run "--mem too small for --shortest: exits 1" 1 'STOPPED: the breadth-first levels' "$DRCSIM" explore scenarios/parallel-cores-8.scn --mem 1 --shortest
expect_run "--max-states asked for the cut: incomplete, exits 0" 0 ': incomplete: no violation in the part explored' "$DRCSIM" explore "$pc5" --max-states 50
expect_run "--bitstate: goes on, never claims a pass" 0 'under upstream: no violation found, not exhaustive' "$DRCSIM" explore "$pc5" --mem 1 --bitstate --por none --symmetry off
# cut_json DESC WANT_STORED WANT_CUT_BY ARGS...: explore pc4/pc5 with --json; what it stored,
# a collision probability in [0, 1] (0 when lossless), bitstate's missed states (only there), and
# what cut it short, in order
cut_json() {
    desc=$1 stored=$2 cut=$3
    shift 3
    "$DRCSIM" explore "$@" --json "$tmp/cut.json" >/dev/null 2>&1
    python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))[0]
p = r["collision_probability"]
assert r["stored"] == sys.argv[2] and r["cut_by"] == json.loads(sys.argv[3]), r
assert 0 <= p <= 1 and (p == 0) == (r["stored"] == "lossless"), r
assert ("bitstate_missed" in r) == (r["stored"] == "bitstate"), r
assert r.get("bitstate_missed", 1) > 0, r
assert (r["verdict"] == "incomplete") == bool(r["cut_by"]), r' "$tmp/cut.json" "$stored" "$cut" \
        && ok "--json: $desc" || bad "--json: $desc"
}
cut_json "a whole search is cut by nothing" fingerprints '[]' "$pc4"
cut_json "--max-states names itself" fingerprints '["--max-states"]' "$pc4" --max-states 10
cut_json "--max-depth names itself" fingerprints '["--max-depth"]' "$pc4" --max-depth 10
cut_json "both limits" fingerprints '["--max-states", "--max-depth"]' "$pc4" --max-depth 10 --max-states 20
cut_json "--jobs 2 --max-depth" fingerprints '["--max-depth"]' "$pc4" --max-depth 5 --jobs 2
cut_json "--shortest --max-states" fingerprints '["--max-states"]' "$pc4" --max-states 30 --shortest
cut_json "--mem used up" fingerprints '["--mem"]' "$pc5" --mem 1 --por none --symmetry off
cut_json "--bitstate went on" bitstate '["--bitstate"]' "$pc5" --mem 1 --bitstate --por none --symmetry off
cut_json "--lossless: no collision" lossless '[]' "$pc4" --lossless
expect_run "the text names the limit that cut it" 0 '  \(cut short by --max-states and --max-depth\)$' \
    "$DRCSIM" explore "$pc4" --max-depth 10 --max-states 20
expect_run "--jobs 2 --lossless: the same 14601 states as one job" 0 '^states 14601  transitions 31648 ' \
    "$DRCSIM" explore "$pc4" --jobs 2 --lossless --por none --symmetry off
expect_run "--lossless with --bitstate is refused" 2 'exclude each other' "$DRCSIM" explore "$pc4" --lossless --bitstate
expect_run "--shortest: the counterexample is 44 steps" 1 'replay: drcsim run scenarios/hotplug-migrate-unplug.scn --variant qemu-2.10-dev --schedule '"'"'0\*44'"'"'$' \
    "$DRCSIM" explore scenarios/hotplug-migrate-unplug.scn --variant qemu-2.10-dev --shortest
"$DRCSIM" explore scenarios/hotplug-migrate-unplug.scn --variant qemu-2.10-dev --shrink >"$tmp/shrunk.out" 2>&1
sed -n '/^# Shrunk by drcsim/,$p' "$tmp/shrunk.out" >"$tmp/shrunk.scn"
grep -E '^(do|wait) ' "$tmp/shrunk.scn" | sed 's/  */ /g' >"$tmp/shrunk.kept"
printf 'do src device_add cpu core1 core-id=1\nwait src guest-online core1 timeout=30s\ndo migrate src dst\n' >"$tmp/shrunk.want"
cmp -s "$tmp/shrunk.kept" "$tmp/shrunk.want" && ok "--shrink keeps the hotplug on src, its wait and the migration" || { cp "$tmp/shrunk.kept" "$tmp/out"; bad "--shrink keeps the hotplug on src, its wait and the migration"; }
expect_run "the shrunk scenario still fails the same way" 1 'fail drc-migration-mismatch' \
    env DRCSIM_VARIANTS=variants "$DRCSIM" explore "$tmp/shrunk.scn" --variant qemu-2.10-dev
for v in upstream qemu-2.10; do   # the same bug: where the scenario passes, so does the reduction
    expect_run "the shrunk scenario passes under $v, as the scenario does" 0 ' pass$' \
        env DRCSIM_VARIANTS=variants "$DRCSIM" explore "$tmp/shrunk.scn" --variant $v
done
expect_run "--shrink names the variants the reduction was held to" 0 '^# and that add no violation under qemu-2\.10, upstream, ' \
    cat "$tmp/shrunk.scn"
# With no variant to hold it to, a reduction must still load: the device the unplug names stays
"$DRCSIM" explore scenarios/dimm-unplug-timeout-migration.scn --shrink >"$tmp/shrunk2.out" 2>&1
sed -n '/^# Shrunk by drcsim/,$p' "$tmp/shrunk2.out" >"$tmp/shrunk2.scn"
grep -E '^(knob|device|do) ' "$tmp/shrunk2.scn" | sed 's/ *#.*//; s/  */ /g' >"$tmp/shrunk2.kept"
printf 'knob guest.lmb-offline=0-60s\ndevice src dimm dimm0 size=512M\ndo src device_del dimm0\ndo migrate src dst\n' >"$tmp/shrunk2.want"
cmp -s "$tmp/shrunk2.kept" "$tmp/shrunk2.want" && ok "--shrink with every variant failing keeps the DIMM, the knob, the unplug and the migration" || { cp "$tmp/shrunk2.kept" "$tmp/out"; bad "--shrink with every variant failing keeps the DIMM, the knob, the unplug and the migration"; }
expect_run "that reduction loads and fails the same way" 1 'fail drc-migration-mismatch$' \
    env DRCSIM_VARIANTS=variants "$DRCSIM" explore "$tmp/shrunk2.scn"
# `ignore`: the vCPU twin of the DIMM race shows only with false-unplug-error taken out
expect_run "an ignore line is named under the verdict" 1 '^not checked: false-unplug-error \(`ignore` on line 26\): such violations end no branch$' \
    "$DRCSIM" explore scenarios/cpu-unplug-timeout-migration.scn
expect_run "past the ignored family the migration leaves the destination's DRC CONFIGURED" 1 'under upstream: fail drc-migration-mismatch$' \
    "$DRCSIM" explore scenarios/cpu-unplug-timeout-migration.scn
expect_run "a run's trace says where the ignored violation held, just before the verdict" 0 '^ignored: false-unplug-error at step 7: core1 was reported as not unplugged, then DEVICE_DELETED came anyway; verdict: fail drc-migration-mismatch ' \
    sh -c '"$1" run scenarios/cpu-unplug-timeout-migration.scn 2>/dev/null | grep -A1 "^ignored:" | paste -sd";" | sed "s/;/; /"' sh "$DRCSIM"
expect_run "a JSONL trace lists it in the verdict line" 0 '^\{"verdict":"fail","families":\["drc-migration-mismatch"\],.*\},"ignored":\[\{"family":"false-unplug-error","step":7,"message":"core1 was reported as not unplugged, then DEVICE_DELETED came anyway"\}\]\}$' \
    sh -c '"$1" run scenarios/cpu-unplug-timeout-migration.scn --trace "$2/ign.jsonl" 2>/dev/null; tail -1 "$2/ign.jsonl"' sh "$DRCSIM" "$tmp"
expect_run "and replay reproduces it" 0 "^replay: $tmp/ign\\.jsonl: all 13 lines identical\$" \
    "$DRCSIM" replay "$tmp/ign.jsonl"
expect_run "a scenario without an ignore line prints no such line" 0 '^0$' \
    sh -c '"$1" run scenarios/hotplug-migrate-unplug.scn --variant qemu-2.10-dev 2>/dev/null | grep -c "^ignored:"; exit 0' sh "$DRCSIM"
grep -v '^ignore ' scenarios/cpu-unplug-timeout-migration.scn | grep -v '^verdict ' >"$tmp/no-ignore.scn"
expect_run "without the ignore line every such path ends at false-unplug-error" 1 'under upstream: fail false-unplug-error$' \
    env DRCSIM_VARIANTS=variants "$DRCSIM" explore "$tmp/no-ignore.scn"
expect_run "sampling names the ignore line too" 1 '^not checked: false-unplug-error ' \
    "$DRCSIM" explore scenarios/cpu-unplug-timeout-migration.scn --sample random --runs 50
expect_run "--json lists the ignored families beside the found ones" 0 '"families":\["drc-migration-mismatch"\],"ignored":\["false-unplug-error"\],' \
    sh -c '"$1" explore scenarios/cpu-unplug-timeout-migration.scn --json "$2/ign.json" >/dev/null; cat "$2/ign.json"' sh "$DRCSIM" "$tmp"
expect_run "--json of a scenario without an ignore line has no ignored member" 1 '^absent$' \
    sh -c '"$1" explore scenarios/hotplug-migrate-unplug.scn --json "$2/noign.json" >/dev/null; grep -q "\"ignored\"" "$2/noign.json" || echo absent; exit 1' sh "$DRCSIM" "$tmp"
"$DRCSIM" explore scenarios/cpu-unplug-timeout-migration.scn --split 2 --out "$tmp/ign-split" >/dev/null 2>&1
for j in "$tmp"/ign-split/job-*.json; do
    "$DRCSIM" explore --job "$j" --json "${j%.json}.result.json" >/dev/null 2>&1
done
expect_run "merge names the ignored families under the row" 1 "^    not checked: false-unplug-error [(]the scenario.s .ignore. line[)]$" \
    "$DRCSIM" merge "$tmp/ign-split/split.json" "$tmp"/ign-split/job-*.result.json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d[0]["ignored"]=["view-mismatch"]; json.dump(d,open(sys.argv[2],"w"))' \
    "$tmp/ign-split/job-001.result.json" "$tmp/ign-other.json"
expect_run "merge refuses parts that ignored other families" 2 "^$tmp/ign-other\.json:1:[0-9]+: error: scenarios/cpu-unplug-timeout-migration\.scn under upstream: not checked here: view-mismatch; by an earlier part: false-unplug-error$" \
    "$DRCSIM" merge "$tmp/ign-split/split.json" "$tmp/ign-split/job-000.result.json" "$tmp/ign-other.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d[0]["ignored"]=["no-such"]; json.dump(d,open(sys.argv[2],"w"))' \
    "$tmp/ign-split/job-001.result.json" "$tmp/ign-unknown.json"
expect_run "merge refuses an unknown ignored family at its place" 2 "^$tmp/ign-unknown\.json:1:[0-9]+: error: unknown family 'no-such'$" \
    "$DRCSIM" merge "$tmp/ign-split/split.json" "$tmp/ign-unknown.json"
# guest-panic: the paused guest's interrupt travels without its event (before fd38804b38)
expect_run "pending-event-migration on 2.10-dev: the guest panics in ras_hotplug_interrupt" 1 \
    '^        guest: Kernel panic - not syncing: Fatal exception in interrupt$' \
    "$DRCSIM" run scenarios/pending-event-migration.scn --variant qemu-2.10-dev --seed 1
expect_run "the panic ends the run with its family" 1 '^verdict: fail guest-panic \(guest-panic at step 9: the guest kernel panicked on dst: ' \
    "$DRCSIM" run scenarios/pending-event-migration.scn --variant qemu-2.10-dev --seed 1
printf 'scenario t\nmachine m\nignore guest-panic\n' >"$tmp/ignore-panic.scn"
expect_run "guest-panic cannot be ignored" 2 "^$tmp/ignore-panic\\.scn:3:8: error: guest-panic cannot be ignored: " \
    "$DRCSIM" check "$tmp/ignore-panic.scn"
printf 'scenario t\nmachine m\nignore lost-unplug\nverdict upstream fail lost-unplug\n' >"$tmp/ignored-verdict.scn"
expect_run "a verdict naming an ignored family is refused" 2 "^$tmp/ignored-verdict\\.scn:4:9: error: verdict for 'upstream' names 'lost-unplug', which \`ignore\` on line 3 takes out$" \
    "$DRCSIM" check "$tmp/ignored-verdict.scn"
expect_run "--shrink records the --knob overrides it ran with" 1 '^# Shrunk by drcsim from scenarios/cpu-unplug-timeout\.scn \(variant upstream, --knob qemu\.cpu-unplug-timeout=15s\)' \
    "$DRCSIM" explore scenarios/cpu-unplug-timeout.scn --knob qemu.cpu-unplug-timeout=15s --shrink
expect_run "--sample random finds the CCS race" 1 '^random sampling: 200 runs \(seeds 1..200\), [1-9][0-9]* violating' \
    "$DRCSIM" explore scenarios/ccs-migration-race.scn --sample random --runs 200 --seed 1
expect_run "--sample pct prints its probability bound" 1 '^PCT: n = 4 actors, k = [0-9]+ steps, d = 3: ' \
    "$DRCSIM" explore scenarios/ccs-migration-race.scn --sample pct --runs 200 --seed 1
"$DRCSIM" explore scenarios/parallel-hotplug-during-migration.scn --sample pct --runs 200 --seed 100 >"$tmp/pct" 2>&1
awk '/^PCT: n = / { n = $4; k = $8; run = $21; all = $25
     want = 1 / (n * k * k); wantall = 1 - (1 - want) ^ 200
     ok = (run / want > 0.99 && run / want < 1.01 && all / wantall > 0.99 && all / wantall < 1.01) }
     END { exit !ok }' "$tmp/pct" && ok "PCT's bound is 1/(n k^(d-1)) with the k it prints" || { cp "$tmp/pct" "$tmp/out"; bad "PCT's bound is 1/(n k^(d-1)) with the k it prints"; }
seed=$(sed -n 's/^    first at seed //p' "$tmp/pct" | head -1)
expect_run "a PCT run's seed finds the same violation alone" 1 "^    first at seed $seed\$" \
    "$DRCSIM" explore scenarios/parallel-hotplug-during-migration.scn --sample pct --runs 1 --seed "$seed"

# --- timed steps between a guest's DLPAR sub-steps: each sub-step has a window of its own ------
dimms3=scenarios/parallel-dimms-3.scn
expect_run "libvirt.unplug-timeout=1ms: --por-check holds (each sub-step's window starts when it is armed)" 0 \
    '^states 15955 ' "$DRCSIM" explore "$dimms3" --knob libvirt.unplug-timeout=1ms --por-check --symmetry off
expect_run "libvirt.unplug-timeout=1ms: --por-check holds with the DIMM clients' symmetry too" 0 \
    '^states 2665 ' "$DRCSIM" explore "$dimms3" --knob libvirt.unplug-timeout=1ms --por-check

# --- guest.lmb-offline: a slow offline outlasts libvirt's wait, and the migration races it ------
delmig=validate/del-before-migrate.scn
expect_run "device_del then migrate: no race while an offline fits in libvirt's wait" 0 \
    'under upstream: pass$' "$DRCSIM" explore "$delmig"
expect_run "guest.lmb-offline=0-20s: the unplug ends mid-migration (drc-migration-mismatch)" 1 \
    '^  drc-migration-mismatch: after switchover DRC 0x80000004 is LOGICAL_CONFIGURED with its device on dst but LOGICAL_UNUSABLE without a device on src$' \
    "$DRCSIM" explore "$delmig" --knob guest.lmb-offline=0-20s
# (each block's offline a step of its own after the "Attempting to hot-remove" line)
expect_run "guest.lmb-offline=1-20s: --por-check holds, with the DIMM clients' symmetry" 0 \
    '^states 1157 ' "$DRCSIM" explore "$dimms3" --knob guest.lmb-offline=1-20s --por-check
expect_run "real-qemu-7.2: an offline may take up to 60 s under TCG, past libvirt's wait" 1 \
    '^  expect-failed: validate/dimm-plug-unplug.scn:12: wait did not hold within 10000 ms$' \
    "$DRCSIM" explore validate/dimm-plug-unplug.scn --variant real-qemu-7.2

# --- split, jobs, merge: the verdict of the whole search ---------------------------------
split_run() {   # split_run DIR SCENARIO VARIANT: split in 4, run every job
    "$DRCSIM" explore "$2" --variant "$3" --split 4 --out "$1" >"$tmp/out" 2>&1 || return 1
    for j in "$1"/job-*.json; do
        "$DRCSIM" explore --job "$j" --json "$j.result.json" >>"$tmp/out" 2>&1
        [ $? -le 1 ] || return 1
    done
}
split_run "$tmp/s4" "$pc4" upstream && ok "split parallel-cores-4 into 4 jobs and run them" || bad "split parallel-cores-4 into 4 jobs and run them"
ls "$tmp"/s4/job-00[0-3].json >/dev/null 2>&1 && ok "--split 4 writes job-000..003.json" || bad "--split 4 writes job-000..003.json"
split_run "$tmp/d5" scenarios/parallel-dimms-5.scn upstream || bad "split parallel-dimms-5 into 4 jobs and run them"
[ "$(cat "$tmp"/d5/job-*.result.json | grep -o '"proviso_expansions":[0-9]*' | sort -u)" = '"proviso_expansions":0' ] \
    && ok "a job's prefixes are one depth-first search: no state expanded fully by the proviso" \
    || bad "a job's prefixes are one depth-first search: no state expanded fully by the proviso"
expect_run "parallel-dimms-5 split into 4: 1608 states in all (one search: 1005)" 0 '^scenarios/parallel-dimms-5.scn +upstream +pass +1608 +5 ' \
    "$DRCSIM" merge "$tmp/d5/split.json" "$tmp"/d5/job-*.result.json
python3 - "$tmp/d5" <<'PY' && ok "parallel-dimms-5 split into 4: no job above 286 states (sleep sets alone: 737)" || bad "parallel-dimms-5 split into 4: no job above 286 states (sleep sets alone: 737)"
import glob, json, sys
states = [json.load(open(f))[0]["states"] for f in glob.glob(f"{sys.argv[1]}/job-*.json.result.json")]
assert sorted(states) == [247, 247, 286, 286], states
PY
expect_run "explore --job --jobs 1 --por none: 286 states below a job's prefixes" 0 '^states 286  transitions 293 ' \
    "$DRCSIM" explore --job "$tmp/d5/job-001.json" --jobs 1 --por none
expect_run "explore --job --jobs 2 --por none: the same 286 states on two threads" 0 '^states 286  transitions 293 ' \
    "$DRCSIM" explore --job "$tmp/d5/job-001.json" --jobs 2 --por none
# --end-states of a split: the frontier's and the jobs' quiescent worlds are one search's
phm=scenarios/parallel-hotplug-during-migration.scn
"$DRCSIM" explore "$phm" --variant real-qemu-7.2 --end-states "$tmp/phm-one.end" >/dev/null 2>&1
"$DRCSIM" explore "$phm" --variant real-qemu-7.2 --split 3 --out "$tmp/phm" --end-states "$tmp/phm-above.end" >/dev/null 2>&1
for j in "$tmp"/phm/job-*.json; do "$DRCSIM" explore --job "$j" --end-states "$j.end" >/dev/null 2>&1; done
[ "$(wc -l <"$tmp/phm-one.end")" -eq 95 ] && [ "$(cat "$tmp/phm-above.end" "$tmp"/phm/*.end | sort -u)" = "$(cat "$tmp/phm-one.end")" ] \
    && ok "--end-states of --split and its jobs: the 95 end states of one search" \
    || bad "--end-states of --split and its jobs: the 95 end states of one search"
# --symmetry off: the frontier and its jobs store every world as itself, as one such search
"$DRCSIM" explore "$phm" --variant real-qemu-7.2 --symmetry off --end-states "$tmp/phm-off.end" >"$tmp/phm-off.txt" 2>&1
"$DRCSIM" explore "$phm" --variant real-qemu-7.2 --split 3 --out "$tmp/phmoff" --symmetry off \
    --end-states "$tmp/phmoff-above.end" >/dev/null 2>&1
for j in "$tmp"/phmoff/job-*.json; do "$DRCSIM" explore --job "$j" --end-states "$j.end" --json "$j.result.json" >"$j.txt" 2>&1; done
{ grep -q '^states 87321 ' "$tmp/phm-off.txt" && [ "$(cat "$tmp"/phmoff/job-*.json | grep -c '"symmetry":"off"')" -eq 3 ] \
  && [ "$(grep -l '^symmetry off: ' "$tmp"/phmoff/job-*.json.txt | wc -l)" -eq 3 ] \
  && [ "$(cat "$tmp/phmoff-above.end" "$tmp"/phmoff/*.end | sort -u)" = "$(sort -u "$tmp/phm-off.end")" ]; } \
    && ok "--split --symmetry off: jobs that say so, and the 95 end states of one such search" \
    || bad "--split --symmetry off: jobs that say so, and the 95 end states of one such search"
expect_run "--split --symmetry off, merged: the families of one search (jobs 24,396 + 54,475 + 30,411 states)" 1 \
    '^scenarios/parallel-hotplug-during-migration.scn +real-qemu-7.2 +fail guest-dlpar-error,guest-dt-mismatch +109345 +4 ' \
    "$DRCSIM" merge "$tmp/phmoff/split.json" "$tmp"/phmoff/job-*.json.result.json
sed 's/"symmetry":"off"/"symmetry":"of"/' "$tmp/phmoff/job-000.json" >"$tmp/badsym.json"
col=$(( $(head -1 "$tmp/badsym.json" | grep -bo '"symmetry":"of"' | cut -d: -f1) + 12 ))   # at the value
expect_run "a job whose symmetry is neither on nor off: one line, at the member" 2 \
    "^$tmp/badsym.json:1:$col: error: \"symmetry\" is \"of\", not on or off\$" "$DRCSIM" explore --job "$tmp/badsym.json"
python3 - "$tmp/phm" <<'PY' && ok "a job's prefixes each carry the actors asleep there" || bad "a job's prefixes each carry the actors asleep there"
import json, sys
jobs = [json.load(open(f"{sys.argv[1]}/job-{i:03}.json")) for i in range(3)]
assert all(len(j["asleep"]) == len(j["prefixes"]) for j in jobs), jobs
assert all(a == "" or all(p.isdigit() for p in a.split(",")) for j in jobs for a in j["asleep"]), jobs
assert any(a for j in jobs for a in j["asleep"]), jobs   # its hotplugs commute with the migration's steps
PY
python3 - "$tmp/phm" <<'PY'
import json, sys
d = sys.argv[1]
j = json.load(open(f"{d}/job-002.json"))
del j["asleep"]
json.dump(j, open(f"{d}/old-002.json", "w"))
j = json.load(open(f"{d}/job-002.json"))
j["asleep"][2] = "1,x"
json.dump(j, open(f"{d}/badsleep-002.json", "w"), indent=1)
j["asleep"] = j["asleep"][:-1]
json.dump(j, open(f"{d}/shortsleep-002.json", "w"), indent=1)
PY
expect_run "a job with its actors asleep: 34547 states under --por none" 1 '^states 34547  transitions 55480 ' \
    "$DRCSIM" explore --job "$tmp/phm/job-002.json" --por none
expect_run "a job without \"asleep\" (split before sleep sets) searches every order below its prefixes" 1 '^states 46238  transitions 72321 ' \
    "$DRCSIM" explore --job "$tmp/phm/old-002.json" --por none
expect_at "a job whose \"asleep\" entry is not actor numbers" "$tmp/phm/badsleep-002.json" '"1,x"' \
    'asleep 2 "1,x" is not a list of actor numbers 0..63' "$DRCSIM" explore --job "$tmp/phm/badsleep-002.json"
expect_at "a job with fewer \"asleep\" entries than prefixes" "$tmp/phm/shortsleep-002.json" "[" \
    '"asleep" has 7 entries for 8 prefixes' "$DRCSIM" explore --job "$tmp/phm/shortsleep-002.json"
# ... and on two threads: each thread's quiescent worlds, united, for the whole search and a job
"$DRCSIM" explore "$phm" --variant real-qemu-7.2 --jobs 2 --end-states "$tmp/phm-two.end" >/dev/null 2>&1
for j in "$tmp"/phm/job-*.json; do "$DRCSIM" explore --job "$j" --jobs 2 --end-states "$j.two" >/dev/null 2>&1; done
[ "$(cat "$tmp/phm-two.end")" = "$(cat "$tmp/phm-one.end")" ] \
    && [ "$(cat "$tmp/phm-above.end" "$tmp"/phm/*.two | sort -u)" = "$(cat "$tmp/phm-one.end")" ] \
    && ok "--end-states with --jobs 2, of the whole search and of the split's jobs: the same 95" \
    || bad "--end-states with --jobs 2, of the whole search and of the split's jobs: the same 95"
expect_run "explore --job: the --mem budget used up exits 1" 1 'STOPPED: the visited set' \
    "$DRCSIM" explore --job "$tmp/d5/job-001.json" --por none --mem 1 --lossless --json "$tmp/d5/mem-001.result.json"
expect_run "merge: a part the --mem budget stopped makes the row incomplete, exit 1" 1 '^scenarios/parallel-dimms-5.scn +upstream +incomplete ' \
    "$DRCSIM" merge "$tmp/d5/split.json" "$tmp/d5/job-000.json.result.json" "$tmp/d5/mem-001.result.json" \
    "$tmp/d5/job-002.json.result.json" "$tmp/d5/job-003.json.result.json"
expect_run "merge: parallel-cores-4 passes" 0 '^scenarios/parallel-cores-4.scn +upstream +pass ' "$DRCSIM" merge "$tmp/s4/split.json" "$tmp"/s4/job-*.result.json
split_run "$tmp/ccs" scenarios/ccs-migration-race.scn upstream && ok "split ccs-migration-race and run its jobs" || bad "split ccs-migration-race and run its jobs"
expect_run "merge: the CCS race fails as in one search" 1 '^scenarios/ccs-migration-race.scn +upstream +fail guest-dt-mismatch ' \
    "$DRCSIM" merge --json "$tmp/merged.json" "$tmp/ccs/split.json" "$tmp"/ccs/job-*.result.json
for j in "$tmp"/ccs/job-*.json; do
    case $j in *.result.json) continue ;; esac
    "$DRCSIM" explore --job "$j" --jobs 2 --json "$j.j2.json" >/dev/null 2>&1
done
expect_run "merge of jobs run with --jobs 2: the CCS race fails as in one search" 1 '^scenarios/ccs-migration-race.scn +upstream +fail guest-dt-mismatch ' \
    "$DRCSIM" merge "$tmp/ccs/split.json" "$tmp"/ccs/job-*.j2.json
grep -q '"verdict":"fail","families":\["guest-dt-mismatch"\]' "$tmp/merged.json" && ok "merge --json carries the verdict" || bad "merge --json carries the verdict"
python3 - "$tmp/merged.json" "$tmp/ccs/split.json" "$tmp"/ccs/job-*.result.json <<'PY' && ok "merge --json: bytes per state over all parts, the largest part's peak RSS" || bad "merge --json: bytes per state over all parts, the largest part's peak RSS"
import json, sys
m = json.load(open(sys.argv[1]))[0]
parts = [json.load(open(f))[0] for f in sys.argv[2:]]
assert len(parts) > 2 and sum(p["states"] > 0 for p in parts) > 1, parts
states = sum(p["states"] for p in parts)
bps = sum(p["bytes_per_state"] * p["states"] for p in parts) / states
assert m["states"] == states and abs(m["bytes_per_state"] - bps) <= 0.05, (m, bps)
assert m["peak_rss_kb"] == max(p["peak_rss_kb"] for p in parts), m
PY
python3 - "$tmp/merged.json" "$tmp"/ccs/job-*.result.json <<'PY' && ok "explore --job --json: a failing job's trace beside its result, the merge names the first" || bad "explore --job --json: a failing job's trace beside its result, the merge names the first"
import json, os, sys
m = json.load(open(sys.argv[1]))[0]
firsts = []
for f in sys.argv[2:]:
    r = json.load(open(f))[0]
    want = f[:-len(".json")] + ".counterexample.jsonl"
    assert r.get("counterexample") == (want if r["families"] else None), (f, r)
    assert os.path.exists(want) == bool(r["families"]), want
    if r["families"]:
        firsts.append(r)
assert firsts and m["counterexample"] == firsts[0]["counterexample"] and m["replay"] == firsts[0]["replay"], m
PY
expect_run "a failing job's trace replays" 0 'all [0-9]+ lines identical' "$DRCSIM" replay \
    "$(sed -n 's/.*"counterexample":"\([^"]*\)".*/\1/p' "$tmp/merged.json")"
replay=$("$DRCSIM" merge "$tmp/ccs/split.json" "$tmp"/ccs/job-*.result.json | sed -n 's/^    replay: drcsim run //p')
expect_run "the merged counterexample replays to the same violation" 1 'guest-dt-mismatch' eval "\"\$DRCSIM\" run $replay"
printf '{"job":0}\n' >"$tmp/notajob.json"
expect_run "a file that is not a job" 2 "^$tmp/notajob.json:1:1: error: not a drcsim job" "$DRCSIM" explore --job "$tmp/notajob.json"
sed 's/"prefixes":\["[^"]*"/"prefixes":["99,99"/' "$tmp/ccs/job-000.json" >"$tmp/badprefix.json"
expect_at "a job prefix that is not a schedule of the scenario" "$tmp/badprefix.json" '"99,99"' "prefix 0 " "$DRCSIM" explore --job "$tmp/badprefix.json"
sed 's/"scenario_xxh3":"[0-9a-f]*"/"scenario_xxh3":"0000000000000000"/' "$tmp/s4/job-000.json" >"$tmp/stale.json"
expect_at "a job whose scenario_text is not the scenario it hashed" "$tmp/stale.json" '"# ' '"scenario_text" is not the scenario "scenario_xxh3" names$' "$DRCSIM" explore --job "$tmp/stale.json"
# without scenario_text (an older job), the scenario file is read and must be the one split
python3 -c 'import json, sys; j = json.load(open(sys.argv[1])); del j["scenario_text"]; json.dump(j, open(sys.argv[2], "w"))' "$tmp/stale.json" "$tmp/stale-old.json"
expect_at "an older job whose scenario changed since the split" "$tmp/stale-old.json" '"0000000000000000"' ".* changed since the job was split" "$DRCSIM" explore --job "$tmp/stale-old.json"
python3 -c 'import json, sys; j = json.load(open(sys.argv[1])); j["knob_values"][0] = "qemu.nope=on"; json.dump(j, open(sys.argv[2], "w"))' "$tmp/s4/job-000.json" "$tmp/badvalues.json"
expect_at "a job's knob_values naming an unknown knob" "$tmp/badvalues.json" '["qemu.nope=on"' "--knob qemu.nope=on: unknown knob 'qemu.nope'" "$DRCSIM" explore --job "$tmp/badvalues.json"
"$DRCSIM" check scenarios/ --split 3 --out "$tmp/cj" >"$tmp/out" 2>&1 && ok "check --split 3 writes three jobs" || bad "check --split 3 writes three jobs"
for j in "$tmp"/cj/check-*.json; do "$DRCSIM" check --job "$j" --json "$j.result.json" >/dev/null 2>&1; done
n=$("$DRCSIM" check scenarios/ | sed -n 's/^\([0-9]*\) passed, 0 failed$/\1/p')
expect_run "merge of the check jobs: every verdict line, each once" 0 '' "$DRCSIM" merge "$tmp"/cj/check-*.result.json
[ "$(grep -c ' ok$' "$tmp/out")" -eq "$n" ] && ok "merged check table has the $n rows of check scenarios/" || bad "merged check table has the $n rows of check scenarios/"
sed 's/"holds":true/"holds":false/' "$tmp/cj/check-000.json.result.json" >"$tmp/cj-mismatch.json"
expect_run "merge fails on a verdict line that did not hold" 1 ' MISMATCH$' "$DRCSIM" merge "$tmp/cj-mismatch.json"
printf '{"check":[["scenarios/unplug-last-cpu.scn","qemu-9.9"]]}\n' >"$tmp/cj-novariant.json"
expect_at "a check job naming a variant without a verdict line" "$tmp/cj-novariant.json" '"qemu-9.9"' ".* no verdict line for variant 'qemu-9.9'" \
    "$DRCSIM" check --job "$tmp/cj-novariant.json"
printf '{"check":[["scenarios/unplug-last-cpu.scn"]]}\n' >"$tmp/cj-bad.json"
expect_at "a check job entry that is not a pair" "$tmp/cj-bad.json" '["scenarios/' "check entry 0 " "$DRCSIM" check --job "$tmp/cj-bad.json"
# A check job carries each scenario's bytes and each entry's knob values: it runs alone.
mkdir -p "$tmp/cj-alone"
cp "$tmp/cj/check-001.json" "$tmp/cj-alone/"
expect_run "a check job copied alone checks its verdict lines from what it carries" 0 '^[0-9]+ passed, 0 failed$' \
    sh -c 'cd "$1" && "$2" check --job check-001.json' sh "$tmp/cj-alone" "$abs_drcsim"
tail -1 "$tmp/out" >"$tmp/cj-alone.total"
"$DRCSIM" check --job "$tmp/cj/check-001.json" 2>&1 | tail -1 | cmp -s - "$tmp/cj-alone.total" \
    && ok "... with the rows it checks in the checkout" || bad "... with the rows it checks in the checkout"
sed 's/^verdict upstream pass$/verdict qemu-9.9 pass/' scenarios/unplug-last-cpu.scn >"$tmp/cj-unknown.scn"
expect_run "check --split refuses a verdict line's unknown variant at that line" 2 \
    "^$tmp/cj-unknown\.scn:[0-9]+:9: error: variant 'qemu-9\.9' not found" \
    env DRCSIM_VARIANTS=variants "$DRCSIM" check "$tmp/cj-unknown.scn" --split 2 --out "$tmp/cj-unknown"
printf '{"check":[["scenarios/unplug-last-cpu.scn","upstream"]]}\n' >"$tmp/cj-hand.json"
expect_run "a hand-written check job (nothing carried) reads the scenario and variant files" 0 '^1 passed, 0 failed$' \
    "$DRCSIM" check --job "$tmp/cj-hand.json"
python3 - "$tmp/cj/check-000.json" "$tmp" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
def put(name, f):
    k = json.loads(json.dumps(j)); f(k); json.dump(k, open(sys.argv[2] + "/" + name, "w"))
put("cj-notexts.json", lambda k: k.pop("knob_values"))
put("cj-nopath.json", lambda k: k["scenario_texts"].pop(k["check"][0][0]))
put("cj-fewknobs.json", lambda k: k["knob_values"][0].pop())
put("cj-badknob.json", lambda k: k["knob_values"][0].__setitem__(0, "qemu.nope=on"))
put("cj-crknob.json", lambda k: k["knob_values"][0].__setitem__(0, "qemu.no\rpe=on"))
put("cj-badtext.json", lambda k: k["scenario_texts"].update(
    {k["check"][0][0]: k["scenario_texts"][k["check"][0][0]].replace("\nmachine", "\nmachinee", 1)}))
PY
expect_at "a check job entry whose knob_values name an unknown knob: the knob's error" "$tmp/cj-badknob.json" '["qemu.nope=on"' \
    "knob_values 0: --knob qemu.nope=on: unknown knob 'qemu.nope'" "$DRCSIM" check --job "$tmp/cj-badknob.json"
expect_run "a control character in a job's knob name is shown escaped: one line on stderr" 2 \
    "knob_values 0: --knob qemu\.no\\\\rpe=on: unknown knob 'qemu\.no\\\\rpe'" "$DRCSIM" check --job "$tmp/cj-crknob.json"
if [ "$("$DRCSIM" check --job "$tmp/cj-crknob.json" 2>&1 >/dev/null | python3 -c 'import sys; print(len(sys.stdin.read().splitlines()))')" = 1 ]; then
    ok "... and no carriage return splits it"
else
    bad "... and no carriage return splits it"
fi
expect_at "a check job whose scenario copy does not parse: at its entry, naming the copy" "$tmp/cj-badtext.json" '"scenarios/' \
    "the copy \"scenario_texts\" holds: scenarios/[a-z-]+\.scn:[0-9]+:1: error: unknown statement 'machinee'$" \
    "$DRCSIM" check --job "$tmp/cj-badtext.json"
expect_at "a check job with scenario_texts and no knob_values" "$tmp/cj-notexts.json" '{"' \
    '"scenario_texts" and "knob_values" go together$' "$DRCSIM" check --job "$tmp/cj-notexts.json"
expect_at "a check job whose scenario_texts lack an entry's scenario" "$tmp/cj-nopath.json" '"scenarios/' \
    '"scenario_texts" holds no text for scenarios/' "$DRCSIM" check --job "$tmp/cj-nopath.json"
expect_at "a check job entry whose knob_values leave a knob out" "$tmp/cj-fewknobs.json" '["qemu.' \
    'knob_values 0: does not name every knob$' "$DRCSIM" check --job "$tmp/cj-fewknobs.json"
# --- check --jobs: the same rows in the same order, the same reports ---------
"$DRCSIM" check scenarios/ --json "$tmp/cj1.json" --junit "$tmp/cj1.xml" >"$tmp/cj1.txt" 2>&1
"$DRCSIM" check scenarios/ --jobs 3 --json "$tmp/cj3.json" --junit "$tmp/cj3.xml" >"$tmp/cj3.txt" 2>&1
rc=$?
sed 's/ [0-9.]*s  / TIME  /' "$tmp/cj1.txt" >"$tmp/cj1.rows"
sed 's/ [0-9.]*s  / TIME  /' "$tmp/cj3.txt" >"$tmp/cj3.rows"
{ [ $rc -eq 0 ] && [ "$(wc -l <"$tmp/cj1.rows")" -gt 200 ] && cmp -s "$tmp/cj1.rows" "$tmp/cj3.rows"; } \
    && ok "check --jobs 3: the rows of --jobs 1, in order, exit 0" || bad "check --jobs 3: the rows of --jobs 1, in order, exit 0"
python3 - "$tmp/cj1.json" "$tmp/cj3.json" <<'PY' && ok "check --jobs 3: the JSON results of --jobs 1 but for the seconds" || bad "check --jobs 3: the JSON results of --jobs 1 but for the seconds"
import json, sys
def rows(f):
    out = json.load(open(f))
    for r in out:
        for k in ("seconds", "states_per_s", "peak_rss_kb"):
            r.pop(k, None)
        if r.get("counterexample"):   # beside each report: cj1.counterexamples/, cj3...
            r["counterexample"] = r["counterexample"].replace(f[:-5], "R")
    return out
a, b = rows(sys.argv[1]), rows(sys.argv[2])
sys.exit(0 if len(a) > 200 and a == b else 1)
PY
sed 's/time="[0-9.]*"//' "$tmp/cj1.xml" >"$tmp/cj1.x"; sed 's/time="[0-9.]*"//' "$tmp/cj3.xml" >"$tmp/cj3.x"
cmp -s "$tmp/cj1.x" "$tmp/cj3.x" && ok "check --jobs 3: the JUnit of --jobs 1 but for the times" || bad "check --jobs 3: the JUnit of --jobs 1 but for the times"
printf 'machine src\nverdict upstream pass\nbogus line\n' >"$tmp/cj-broken.scn"
"$DRCSIM" check scenarios/hotplug-migrate-unplug.scn "$tmp/cj-broken.scn" --jobs 2 >"$tmp/cjb.out" 2>&1
rc=$?
{ [ $rc -eq 2 ] && [ "$(grep -c '^hotplug-migrate-unplug ' "$tmp/cjb.out")" -eq 13 ] && ! grep -q 'passed' "$tmp/cjb.out" \
  && tail -1 "$tmp/cjb.out" | grep -q "^$tmp/cj-broken.scn:3:1: error: "; } \
    && ok "check --jobs 2: the rows before a broken file, then its error, exit 2" \
    || bad "check --jobs 2: the rows before a broken file, then its error, exit 2 (rc $rc)"
expect_run "check --jobs 0 is refused" 2 '^drcsim check: --jobs takes 1..1024$' "$DRCSIM" check scenarios/ --jobs 0
expect_run "check --jobs with --split is refused" 2 '^drcsim check: --jobs goes with checking, not with --split' \
    "$DRCSIM" check scenarios/ --jobs 2 --split 2
python3 -c 'import json, sys; j = json.load(open(sys.argv[1])); j["check"].append(["scenarios/unplug-last-cpu.scn"]); json.dump(j, open(sys.argv[2], "w"))' \
    "$tmp/cj/check-000.json" "$tmp/cj-lastbad.json"
"$DRCSIM" check --job "$tmp/cj-lastbad.json" --jobs 2 >"$tmp/cjl.out" 2>&1
rc=$?
{ [ $rc -eq 2 ] && [ "$(wc -l <"$tmp/cjl.out")" -eq 2 ] && grep -q "^$tmp/cj-lastbad.json:1:[0-9]*: error: check entry [0-9]* is not" "$tmp/cjl.out"; } \
    && ok "a check job with a bad last entry is refused before any search: header and error only" \
    || bad "a check job with a bad last entry is refused before any search: header and error only (rc $rc)"
expect_run "check --job --jobs 2: a job's lines on two threads" 0 '^[0-9]+ passed, 0 failed$' \
    "$DRCSIM" check --job "$tmp/cj/check-001.json" --jobs 2
# The lines searched at once share --mem: each row is the one of --jobs 1, the summary says
# which were searched again alone (parallel-cores-6 needs a 2.6 MiB table; 2 MiB stops it).
pc6=scenarios/parallel-cores-6.scn
for mem in 3 2; do
    for j in 1 2; do
        "$DRCSIM" check "$pc6" "$pc6" --symmetry off --mem $mem --jobs $j >"$tmp/cm$mem-$j.txt" 2>&1
        echo "rc=$?" >>"$tmp/cm$mem-$j.txt"
        sed 's/ [0-9.]*s  / TIME  /; s/ ([12] searched again alone: .*//' "$tmp/cm$mem-$j.txt" >"$tmp/cm$mem-$j.rows"
    done
done
{ cmp -s "$tmp/cm3-1.rows" "$tmp/cm3-2.rows" && [ "$(grep -c ' 197473 .* ok ' "$tmp/cm3-2.txt")" -eq 2 ] \
  && grep -qx 'rc=0' "$tmp/cm3-2.txt" && grep -qx '2 passed, 0 failed' "$tmp/cm3-1.txt" \
  && grep -Eqx '2 passed, 0 failed \([12] searched again alone: the lines searched at once share --mem\)' "$tmp/cm3-2.txt"; } \
    && ok "check --jobs 2 in one --mem: the line refused room is searched again alone, rows of --jobs 1" \
    || bad "check --jobs 2 in one --mem: the line refused room is searched again alone, rows of --jobs 1"
{ cmp -s "$tmp/cm2-1.rows" "$tmp/cm2-2.rows" && [ "$(grep -c ' 176947 .* MISMATCH  got incomplete' "$tmp/cm2-2.txt")" -eq 2 ] \
  && grep -qx 'rc=1' "$tmp/cm2-2.txt"; } \
    && ok "check --jobs 2 past --mem: incomplete as with --jobs 1, exit 1" \
    || bad "check --jobs 2 past --mem: incomplete as with --jobs 1, exit 1"
expect_run "parallel-cores-8 loads (ten scripts)" 0 '' "$DRCSIM" run scenarios/parallel-cores-8.scn --seed 1
expect_run "explore --split with a search option is refused" 2 'the jobs take the search options' "$DRCSIM" explore "$pc4" --split 2 --jobs 2
expect_run "check --split with --json is refused" 2 'each job writes its own' "$DRCSIM" check scenarios/ --split 2 --json "$tmp/x.json"
expect_run "--out without --split is refused" 2 '--out goes with --split' "$DRCSIM" explore "$pc4" --out "$tmp/x"
expect_run "merge of a file that is not a result" 2 "^$tmp/notajob.json:1:1: error: not a drcsim result" "$DRCSIM" merge "$tmp/notajob.json"
printf '[{"scenario":\n  ,}]\n' >"$tmp/badsyntax.json"
expect_run "merge of malformed JSON: one line, at the bad character" 2 "^$tmp/badsyntax.json:2:3: error: unexpected character" "$DRCSIM" merge "$tmp/badsyntax.json"
printf '[{"scenario":"a.scn","variant":"upstream","families":[],"states":1,"verdict":382}]\n' >"$tmp/badtype.json"
expect_at "merge of a result whose verdict is a number" "$tmp/badtype.json" 382 "not a drcsim result: \"verdict\" is not a string" "$DRCSIM" merge "$tmp/badtype.json"
printf '{"scenario":"scenarios/unplug-last-cpu.scn","variant":"upstream","prefixes":[0]}\n' >"$tmp/badjob.json"
expect_at "a job whose prefixes are not strings" "$tmp/badjob.json" '[0]' "not a drcsim job: \"prefixes\" is not an array of strings" "$DRCSIM" explore --job "$tmp/badjob.json"
expect_run "a job file that cannot be read" 2 "^$tmp/nojob.json:1:1: error: No such file or directory" "$DRCSIM" explore --job "$tmp/nojob.json"

# --- determinism and replay ---------------------------------------------------
for s in scenarios/*.scn; do
    n=$(basename "$s" .scn)
    "$DRCSIM" run "$s" --seed 42 --trace "$tmp/$n.1.jsonl" >/dev/null 2>&1
    "$DRCSIM" run "$s" --seed 42 --trace "$tmp/$n.2.jsonl" >/dev/null 2>&1
    cmp -s "$tmp/$n.1.jsonl" "$tmp/$n.2.jsonl" && ok "$n: same seed, byte-identical trace" || bad "$n: same seed, byte-identical trace"
    expect_run "$n: replay re-executes identically" 0 'all [0-9]+ lines identical' "$DRCSIM" replay "$tmp/$n.1.jsonl"
done
tl=$(grep -n "\"rc\":0" "$tmp/drc-conformance.1.jsonl" | head -1 | cut -d: -f1)
sed "${tl}s/\"rc\":0/\"rc\":1/" "$tmp/drc-conformance.1.jsonl" >"$tmp/tampered.jsonl"
expect_run "replay fails on the first differing line" 1 "^$tmp/tampered.jsonl:$tl: error: the re-execution differs" "$DRCSIM" replay "$tmp/tampered.jsonl"
# A trace and a job file name the scenario as it was typed, relative to where they were
# written: older ones (without scenario_text) are found beside them (the XXH3 must match).
mkdir -p "$tmp/tree/scenarios/mine" "$tmp/tree/out" "$tmp/elsewhere"
cp -r variants "$tmp/tree/"
cp scenarios/hotplug-migrate-unplug.scn "$tmp/tree/scenarios/"
cp scenarios/parallel-dimms-5.scn "$tmp/tree/scenarios/"
cp scenarios/hotplug-migrate-unplug.scn "$tmp/tree/scenarios/mine/"
expect_run "a scenario in scenarios/mine/ finds the variants/ a directory above its own" 0 '^13 passed, 0 failed$' \
    sh -c 'cd "$1" && "$2" check "$3"' sh "$tmp/elsewhere" "$abs_drcsim" "$tmp/tree/scenarios/mine/hotplug-migrate-unplug.scn"
(cd "$tmp/tree" && "$abs_drcsim" explore scenarios/hotplug-migrate-unplug.scn --variant qemu-2.10-dev \
    --trace out/t.jsonl; "$abs_drcsim" explore scenarios/parallel-dimms-5.scn --split 4 --out out/jobs) >/dev/null 2>&1
expect_run "replay from another directory finds the scenario beside the trace" 0 'all [0-9]+ lines identical' \
    sh -c 'cd "$1" && "$2" replay "$3"' sh "$tmp/elsewhere" "$abs_drcsim" "$tmp/tree/out/t.jsonl"
expect_run "explore --job from another directory runs (the job carries its scenario)" 0 \
    ': [0-9]+ prefixes of scenarios/parallel-dimms-5\.scn under upstream: pass$' \
    sh -c 'cd "$1" && "$2" explore --job "$3" --json r.json' sh "$tmp/elsewhere" "$abs_drcsim" "$tmp/tree/out/jobs/job-001.json"
mkdir -p "$tmp/alone-job"
cp "$tmp/tree/out/jobs/job-001.json" "$tmp/alone-job/"
python3 -c 'import json, sys; j = json.load(open(sys.argv[1])); del j["scenario_text"]; json.dump(j, open(sys.argv[2], "w"))' "$tmp/tree/out/jobs/job-001.json" "$tmp/tree/out/jobs/old-001.json"
expect_run "an older job (no scenario_text) from another directory finds its scenario and variants" 0 \
    ': [0-9]+ prefixes of scenarios/parallel-dimms-5\.scn under upstream: pass$' \
    sh -c 'cd "$1" && "$2" explore --job "$3"' sh "$tmp/elsewhere" "$abs_drcsim" "$tmp/tree/out/jobs/old-001.json"
old_states=$(sed -n 's/^states \([0-9]*\) .*/\1/p' "$tmp/out")
expect_run "a job copied alone runs from the scenario and knobs it carries" 0 \
    ': [0-9]+ prefixes of scenarios/parallel-dimms-5\.scn under upstream: pass$' \
    sh -c 'cd "$1" && "$2" explore --job job-001.json' sh "$tmp/alone-job" "$abs_drcsim"
[ -n "$old_states" ] && grep -q "^states $old_states " "$tmp/out" \
    && ok "the job alone visits the $old_states states it visits in the checkout" || bad "the job alone visits the $old_states states it visits in the checkout"
grep -q '"scenario":"scenarios/parallel-dimms-5\.scn"' "$tmp/elsewhere/r.json" \
    && ok "the job's result names the scenario as the job does, for merge" || bad "the job's result names the scenario as the job does, for merge"
# The header carries the scenario's bytes and every knob: a trace copied alone replays.
mkdir -p "$tmp/alone"
cp "$tmp/tree/out/t.jsonl" "$tmp/alone/"
expect_run "a trace copied alone replays from the scenario and knobs its header carries" 0 \
    'all [0-9]+ lines identical' sh -c 'cd "$1" && "$2" replay t.jsonl' sh "$tmp/alone" "$abs_drcsim"
python3 - "$tmp/tree/out/t.jsonl" scenarios/hotplug-migrate-unplug.scn <<'PY' && ok "the header's scenario_text is the scenario's bytes" || bad "the header's scenario_text is the scenario's bytes"
import json, sys
assert json.loads(open(sys.argv[1]).readline())["scenario_text"] == open(sys.argv[2]).read()
PY
python3 - "$tmp/tree/out/t.jsonl" "$tmp/tree/out/old.jsonl" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().split("\n")
h = json.loads(lines[0])
del h["scenario_text"]
lines[0] = json.dumps(h, separators=(",", ":"), ensure_ascii=False)
open(sys.argv[2], "w").write("\n".join(lines))
PY
expect_run "a trace without scenario_text (older drcsim) replays from the scenario file" 0 \
    'all [0-9]+ lines identical' \
    sh -c 'cd "$1" && "$2" replay "$3"' sh "$tmp/elsewhere" "$abs_drcsim" "$tmp/tree/out/old.jsonl"
sed -i 's/^title .*/title "changed"/' "$tmp/tree/scenarios/hotplug-migrate-unplug.scn"
expect_run "a scenario changed since the trace: the trace replays the one it carries" 0 \
    'all [0-9]+ lines identical' \
    sh -c 'cd "$1" && "$2" replay "$3"' sh "$tmp/elsewhere" "$abs_drcsim" "$tmp/tree/out/t.jsonl"
expect_run "a trace without scenario_text, its scenario changed since: refused as changed" 1 \
    "^$tmp/tree/out/old\.jsonl:1:1: error: scenarios/hotplug-migrate-unplug\.scn changed since the trace was written" \
    sh -c 'cd "$1" && "$2" replay "$3"' sh "$tmp/elsewhere" "$abs_drcsim" "$tmp/tree/out/old.jsonl"
python3 - "$tmp/alone/t.jsonl" "$tmp/alone/edited.jsonl" <<'PY'
import sys
text = open(sys.argv[1]).read()
at = text.index('"scenario_text":')
open(sys.argv[2], "w").write(text[:at] + text[at:].replace("title", "TITLE", 1))
PY
expect_at "a scenario_text edited in the trace: refused where it starts" "$tmp/alone/edited.jsonl" '"# A CPU core' \
    '"scenario_text" is not the scenario "scenario_xxh3" names$' "$DRCSIM" replay "$tmp/alone/edited.jsonl"

# --- golden traces --------------------------------------------------------------
for g in tests/cli/golden/*.txt; do
    n=$(basename "$g" .txt)
    "$DRCSIM" run "scenarios/$n.scn" --format text >"$tmp/$n.txt" 2>&1
    if diff -u "$g" "$tmp/$n.txt" >"$tmp/out"; then ok "$n: text trace equals the golden one"; else bad "$n: text trace equals the golden one"; fi
done

# --- bad input: one line, file:line:col, exit 2 -----------------------------------
printf 'scenario x\nmachine m guest=script\nfrobnicate m\n' >"$tmp/bad-stmt.scn"
expect_run "unknown statement" 2 "^$tmp/bad-stmt.scn:3:1: error: " "$DRCSIM" run "$tmp/bad-stmt.scn"
printf 'scenario x\nmachine m guest=script\nknob qemu.nonsense=on\n' >"$tmp/bad-knob.scn"
expect_run "unknown knob in a scenario" 2 "^$tmp/bad-knob.scn:3:[0-9]+: error: " "$DRCSIM" run "$tmp/bad-knob.scn"
expect_run "unknown knob on the command line" 2 "unknown knob 'qemu.nope'" "$DRCSIM" run scenarios/unplug-pending-at-reset.scn --knob qemu.nope=on
expect_run "bad knob value on the command line" 2 "^--knob qemu.vsmt=3: " "$DRCSIM" run scenarios/unplug-pending-at-reset.scn --knob qemu.vsmt=3
printf 'scenario x\nmachine m guest=script\nrtas m get-sensor-state dr-entity-sense CPU:1 -> state=BOGUS\n' >"$tmp/bad-state.scn"
expect_run "unknown DRC state" 2 "^$tmp/bad-state.scn:3:[0-9]+: error: " "$DRCSIM" run "$tmp/bad-state.scn"
printf 'scenario x\nmachine m guest=none\nverdict no-such-variant pass\n' >"$tmp/bad-variant.scn"
expect_run "unknown variant in a verdict line" 2 "^$tmp/bad-variant.scn:3:9: error: " env DRCSIM_VARIANTS=variants "$DRCSIM" check "$tmp/bad-variant.scn"
expect_run "unknown variant on the command line" 2 "variant 'nope' not found" "$DRCSIM" run scenarios/unplug-pending-at-reset.scn --variant nope
printf '{"drcsim":"0.1.0"\n' >"$tmp/corrupt.jsonl"
expect_run "corrupt trace" 2 "^$tmp/corrupt.jsonl:1:[0-9]+: error: " "$DRCSIM" replay "$tmp/corrupt.jsonl"
expect_run "missing scenario file" 2 'nonexistent.scn' "$DRCSIM" run "$tmp/nonexistent.scn"
expect_run "bad schedule" 2 'schedule' "$DRCSIM" run scenarios/unplug-pending-at-reset.scn --schedule 1,x
expect_run "schedule that does not fit" 2 'does not fit' "$DRCSIM" run scenarios/unplug-pending-at-reset.scn --schedule 3
expect_run "unknown command" 2 "unknown command 'frob'" "$DRCSIM" frob
"$DRCSIM" "$(printf 'fr\nob')" >/dev/null 2>"$tmp/out"
head -n 1 "$tmp/out" | grep -qxF "drcsim: unknown command 'fr\nob'" \
    && ok "an unknown command with a newline is echoed escaped, on one line" \
    || bad "an unknown command with a newline is echoed escaped, on one line"
expect_run "unknown option" 2 'Unknown option' "$DRCSIM" explore scenarios/unplug-pending-at-reset.scn --bogus
"$DRCSIM" explore "$(printf -- '--bad\nopt\033[31m')" scenarios/unplug-pending-at-reset.scn \
    >"$tmp/out" 2>&1
rc=$?
[ $rc -eq 2 ] && [ "$(wc -l <"$tmp/out")" -eq 1 ] &&
    grep -qxF 'drcsim explore: Unknown option --bad\nopt\x1b[31m' "$tmp/out" \
    && ok "an error echoing a newline and an escape sequence stays one line, escaped" \
    || bad "an error echoing a newline and an escape sequence stays one line, escaped"

# --- every option is honoured or refused, never ignored ---------------------------
hmu=scenarios/hotplug-migrate-unplug.scn
for args in "--mem 0:--mem takes 1..16777216" "--jobs 0:--jobs takes 1..1024" "--max-depth 0:--max-depth takes 1..4294967295" \
            "--split 0:--split takes 1..100000" "--sample pct --depth 18:--depth takes 1..17" "--runs 5:--runs and --seed go with --sample" \
            "--sample random --depth 2:--depth goes with --sample pct" "--shortest --jobs 2:--shortest runs on one job" \
            "--sample random --mem 8:--sample keeps no visited set: " "--sample pct --seed -1:--seed takes 0.."; do
    # shellcheck disable=SC2086
    expect_run "explore ${args%%:*} is refused" 2 "^drcsim explore: ${args#*:}" "$DRCSIM" explore "$hmu" ${args%%:*}
done
expect_run "check --split 0 is refused" 2 '^drcsim check: --split takes 1..100000 ' "$DRCSIM" check scenarios/ --split 0
expect_run "check --split past its range is refused" 2 '^drcsim check: --split takes 1..100000 ' "$DRCSIM" check scenarios/ --split 99999999999
expect_run "check --mem 0 is refused" 2 '^drcsim check: --mem takes 1..16777216$' "$DRCSIM" check scenarios/ --mem 0
expect_run "check: a search that fills --mem is a mismatch, not a pass" 1 '^    incomplete: the --mem budget \(1 MB\) was used up before every interleaving was seen$' \
    "$DRCSIM" check scenarios/parallel-cores-6.scn --symmetry off --mem 1
expect_run "run --seed with --schedule is refused" 2 '^drcsim run: --seed and --schedule exclude each other' \
    "$DRCSIM" run "$hmu" --seed 3 --schedule 0
expect_run "run: a schedule longer than the run is refused" 2 '^drcsim run: the schedule has 99 steps, but the run is quiescent after 54$' \
    "$DRCSIM" run "$hmu" --schedule '0*99'
expect_run "run: a schedule that stops early gives an incomplete verdict" 0 '^verdict: incomplete \(stopped after step 2, before quiescence\)$' \
    "$DRCSIM" run "$hmu" --schedule 0,0
expect_run "--shortest honours --max-states" 0 '^states 3 .*\(cut short by --max-states\)|^.*: incomplete: ' \
    "$DRCSIM" explore "$hmu" --shortest --max-states 3
expect_run "--shortest stops at the --mem budget instead of passing, exits 1" 1 'STOPPED: the breadth-first levels and the visited set used up the --mem budget' \
    "$DRCSIM" explore scenarios/parallel-cores-6.scn --symmetry off --shortest --mem 8
grep -q ': incomplete: no violation in the part explored$' "$tmp/out" && ok "--shortest out of memory says incomplete, not pass" \
    || bad "--shortest out of memory says incomplete, not pass"
expect_run "--sample writes --trace, --shrink and --json" 1 '^shrunk for drc-migration-mismatch: 3 statement\(s\) kept' \
    "$DRCSIM" explore "$hmu" --variant qemu-2.10-dev --sample random --runs 5 --seed 0 --trace "$tmp/s.jsonl" --shrink --json "$tmp/s.json"
grep -q '^random sampling: 5 runs (seeds 0..4), 5 violating' "$tmp/out" && ok "--sample --seed 0 starts at seed 0" || bad "--sample --seed 0 starts at seed 0"
expect_run "the sampled counterexample replays" 0 'all [0-9]+ lines identical' "$DRCSIM" replay "$tmp/s.jsonl"
python3 - "$tmp/s.json" <<'PY' && ok "--sample --json: runs, seeds, trace and replay" || bad "--sample --json: runs, seeds, trace and replay"
import json, sys
r = json.load(open(sys.argv[1]))[0]
assert r["verdict"] == "fail" and r["states"] is None and r["sample"] == "random" and r["runs"] == 5
assert r["seed"] == 0 and r["violating_runs"] == 5 and r["cut_runs"] == 0 and r["transitions"] == 5 * 44
assert r["counterexample"].endswith("s.jsonl") and r["replay"].endswith("--schedule '0*44'")
PY
expect_run "--sample --max-depth cuts the runs and says so" 0 '^20 run\(s\) cut at 10 steps, neither violating nor quiescent$' \
    "$DRCSIM" explore "$hmu" --sample pct --runs 20 --max-depth 10
expect_run "explore --json of a failure" 1 '' "$DRCSIM" explore "$hmu" --variant qemu-2.10-dev --json "$tmp/e.json"
grep -q '"replay":"drcsim run scenarios/hotplug-migrate-unplug.scn --variant qemu-2.10-dev --schedule '"'"'0\*44'"'"'"' "$tmp/e.json" \
    && ok "explore --json carries the replay command" || bad "explore --json carries the replay command"
expect_run "check --json" 0 '' "$DRCSIM" check "$hmu" --json "$tmp/c.json"
grep -q '"variant":"qemu-2.10-dev".*"replay":"drcsim run ' "$tmp/c.json" && ok "check --json carries the replay command of a failure" \
    || bad "check --json carries the replay command of a failure"

# --- --jobs: the collision estimate counts every thread's states together -------------
"$DRCSIM" explore scenarios/parallel-cores-5.scn --symmetry off --jobs 2 >"$tmp/out" 2>&1
python3 - "$tmp/out" <<'PY' && ok "--jobs 2: collision probability is n(n-1)/2^65 of all states" || bad "--jobs 2: collision probability is n(n-1)/2^65 of all states"
import math, re, sys
t = open(sys.argv[1]).read()
n = int(re.search(r"^states (\d+)", t, re.M).group(1))
p = float(re.search(r"^collision probability (\S+)", t, re.M).group(1))
assert abs(p / -math.expm1(-n * (n - 1) / 2.0**65) - 1) < 0.01, (n, p)
PY
"$DRCSIM" explore scenarios/parallel-cores-6.scn --symmetry off --jobs 2 --mem 1 --bitstate >"$tmp/out" 2>&1
grep -qE '^collision probability (0|1|0\.[0-9]+|[0-9.]+e-[0-9]+) \(bitstate: about [1-9][0-9]* new states taken for seen ones\)' "$tmp/out" \
    && ok "--jobs 2 --bitstate: a probability, and how many new states it took for seen ones" \
    || bad "--jobs 2 --bitstate: a probability, and how many new states it took for seen ones"
expect_run "--bitstate: the estimate in whole states, as merge writes it" 0 \
    '^collision probability 1 \(bitstate: about 8784 new states taken for seen ones\)$' \
    "$DRCSIM" explore scenarios/parallel-cores-6.scn --por none --symmetry off --mem 1 --bitstate

"$DRCSIM" explore scenarios/parallel-cores-6.scn --symmetry off --jobs 2 --max-states 1000 >"$tmp/out" 2>&1
n=$(sed -n 's/^states \([0-9]*\) .*/\1/p' "$tmp/out")
[ "$n" -ge 1000 ] && [ "$n" -le 1001 ] && grep -q ': incomplete: ' "$tmp/out" && ok "--jobs 2 --max-states 1000 stops the threads together at 1000 or 1001 ($n)" \
    || bad "--jobs 2 --max-states 1000 stops the threads together at 1000 or 1001 ($n)"

# --- a model bound makes a search incomplete, not failed -----------------------------
{ printf 'scenario nine\nmachine src cores=10\nscript client\n'
  for i in 1 2 3 4 5 6 7 8 9; do printf 'do src device_add cpu core%d core-id=%d\n' "$i" "$i"; done; } >"$tmp/nine.scn"
expect_run "nine cores at once pass MAX_EVENTS in one order: incomplete, not qemu-abort" 0 \
    "^$tmp/nine.scn under upstream: incomplete: no violation in the part explored$" "$DRCSIM" explore "$tmp/nine.scn" --json "$tmp/nine.json"
grep -q "^  incomplete, a branch ended at a model bound: on src: drcsim model bound: more pending hotplug events than MAX_EVENTS$" "$tmp/out" \
    && ok "the bound is named with its replay command" || bad "the bound is named with its replay command"
grep -q '"verdict":"incomplete","families":\[\].*"model_bound":true' "$tmp/nine.json" && ok "--json: incomplete, model_bound" || bad "--json: incomplete, model_bound"
expect_run "run: the bound's schedule ends incomplete" 0 '^verdict: incomplete \(stopped after step [0-9]+: on src: drcsim model bound: more pending hotplug events than MAX_EVENTS\)$' \
    "$DRCSIM" run "$tmp/nine.scn" --schedule '0*9'
expect_run "--sample: runs that end at a bound are counted, not violations" 0 \
    '^[0-9]+ run\(s\) ended at a model bound \(MAX_EVENTS or MAX_GUEST_WORK\), neither violating nor quiescent$' \
    "$DRCSIM" explore "$tmp/nine.scn" --sample random --runs 200
expect_run "check: a bound is a mismatch, with its reason" 1 '^    incomplete: a branch ended at a model bound, on src: drcsim model bound' \
    env DRCSIM_VARIANTS=variants "$DRCSIM" check "$tmp/nine.scn"

# --- progress: a line on a terminal, nothing otherwise ----------------------------
pc7=scenarios/parallel-cores-7.scn
"$DRCSIM" explore "$pc7" --symmetry off >/dev/null 2>"$tmp/err"
[ ! -s "$tmp/err" ] && ok "explore: no progress line when stderr is not a terminal" || bad "explore: no progress line when stderr is not a terminal"
"$DRCSIM" check "$pc7" --symmetry off --jobs 2 >/dev/null 2>"$tmp/err"
[ ! -s "$tmp/err" ] && ok "check: no progress line when stderr is not a terminal" || bad "check: no progress line when stderr is not a terminal"
if command -v script >/dev/null 2>&1; then
    expect_run "explore on a terminal: states, states/s, depth, stack, memory" 0 \
        '^ +[0-9]+ states +[0-9]+ states/s  depth +[0-9]+  stack +[0-9]+ +[0-9]+ MB +[0-9.]+ s $' \
        sh -c "script -qec '$DRCSIM explore $pc7 --symmetry off' /dev/null | tr '\\r' '\\n'"
    "$DRCSIM" explore scenarios/parallel-dimms-8.scn --split 1 --out "$tmp/pj" >/dev/null 2>&1
    # --lossless: 0.9 s here where fingerprints take 0.37, too near the first line's 250 ms
    expect_run "explore --job on a terminal: the progress line, the first after 250 ms" 0 \
        '^ +[0-9]+ states +[0-9]+ states/s  depth +[0-9]+  stack +[0-9]+ +[0-9]+ MB +0\.[2-9] s $' \
        sh -c "script -qec '$DRCSIM explore --job $tmp/pj/job-000.json --por none --lossless' /dev/null | tr '\\r' '\\n' | grep -m1 states/s"
    expect_run "check on a terminal: lines checked, searching, their states, the longest, memory" 0 \
        '^ +13 lines checked +1 searching +[0-9]+ states  parallel-cores-7 upstream [0-9.]+ s  [0-9]+ MB $' \
        sh -c "script -qec '$DRCSIM check $hmu $pc7 --symmetry off' /dev/null | tr '\\r' '\\n'"
    grep -q '^parallel-cores-7  .* ok ' "$tmp/out" && grep -q '^14 passed, 0 failed' "$tmp/out" \
        && ok "check on a terminal: the rows as without it" || bad "check on a terminal: the rows as without it"
    expect_run "check --jobs 2 on a terminal: two lines searched at once" 0 \
        '^ +0 lines checked +2 searching +[0-9]+ states  parallel-cores-7 upstream [0-9.]+ s  [0-9]+ MB $' \
        sh -c "script -qec '$DRCSIM check $pc7 $pc7 --symmetry off --jobs 2' /dev/null | tr '\\r' '\\n'"
    expect_run "--sample on a terminal: runs done and the ETA" 0 \
        '^ +[0-9]+/60000 runs +[0-9]+ runs/s +[0-9]+ MB +[0-9.]+ s  ETA +[0-9.]+ s $' \
        sh -c "script -qec '$DRCSIM explore scenarios/parallel-cores-8.scn --sample pct --runs 60000' /dev/null | tr '\\r' '\\n'"
fi

# --- dot: Graphviz views -----------------------------------------------------------
expect_run "dot fsm logical: unisolate takes an available DRC with a device to UNISOLATE" 0 \
    '^  "LOGICAL_AVAILABLE" -> "LOGICAL_UNISOLATE" \[label="unisolate \[dev\]"\];$' "$DRCSIM" dot fsm logical
cp "$tmp/out" "$tmp/fsm-logical.dot"
grep -qx '  "LOGICAL_UNISOLATE" -> "LOGICAL_CONFIGURED" \[label="configure-connector \[dev\]"\];' "$tmp/out" \
    && ok "dot fsm logical: the configure-connector walk ends CONFIGURED" || bad "dot fsm logical: the configure-connector walk ends CONFIGURED"
grep -qx '  "LOGICAL_AVAILABLE" -> "QEMU abort" \[label="unisolate \[!dev\]", color=red, fontcolor=red\];' "$tmp/out" \
    && ok "dot fsm logical: unisolate without a device is QEMU's abort" || bad "dot fsm logical: unisolate without a device is QEMU's abort"
expect_run "dot fsm physical starts at PHYSICAL_POWERON" 0 '^  "PHYSICAL_POWERON" \[style=bold\];$' "$DRCSIM" dot fsm physical
cp "$tmp/out" "$tmp/fsm-physical.dot"
expect_run "dot fsm LMB: configure-connector on an LMB asked to go rolls the unplug back" 0 \
    '^  "LOGICAL_UNISOLATE" -> "LOGICAL_CONFIGURED" \[label="configure-connector \[dev, unplug_requested\]\\nspapr_memory_unplug_rollback"\];$' \
    "$DRCSIM" dot fsm LMB
expect_run "dot fsm: an unknown class is refused" 2 "^drcsim dot fsm: unknown DRC class 'XYZ'" "$DRCSIM" dot fsm XYZ
"$DRCSIM" run "$hmu" --trace "$tmp/hmu.jsonl" >/dev/null 2>&1
expect_run "dot msc: the unplug on the destination" 0 '^  s46_[0-9]+ \[label="46 device_del dst core1"\];$' "$DRCSIM" dot msc "$tmp/hmu.jsonl"
cp "$tmp/out" "$tmp/msc.dot"
grep -q 'label="spapr_drc_unplug_request 0x10000001 LOGICAL_CONFIGURED"' "$tmp/out" \
    && ok "dot msc: the step's DRC trace points are arrows" || bad "dot msc: the step's DRC trace points are arrows"
"$DRCSIM" run scenarios/cpu-unplug-timeout-migration.scn --trace "$tmp/cutm.jsonl" >/dev/null 2>&1
expect_run "dot msc: the ignored violation is a grey note beside step 7" 0 \
    '^  note0_7 \[shape=note, color=grey40, fontcolor=grey40, label="ignored: false-unplug-error\\ncore1 was reported as not unplugged, then DEVICE_DELETED came anyway"\];$' \
    "$DRCSIM" dot msc "$tmp/cutm.jsonl"
cp "$tmp/out" "$tmp/cutm.dot"
grep -q '^  s7_[0-9]* -> note0_7 \[style=dashed, color=grey40, arrowhead=none, constraint=false\];$' "$tmp/cutm.dot" &&
    grep -q '^  { rank=same; s7_0;.* note0_7; }$' "$tmp/cutm.dot" \
    && ok "dot msc: the ignored note is tied to step 7's node and ranked with it" \
    || bad "dot msc: the ignored note is tied to step 7's node and ranked with it"
grep -q '^  note1_11 \[shape=note, color=red, fontcolor=red, label="violation: drc-migration-mismatch\\nafter switchover DRC 0x10000001 is LOGICAL_CONFIGURED' "$tmp/cutm.dot" &&
    grep -q '^  { rank=same; s11_0;.* note1_11; }$' "$tmp/cutm.dot" \
    && ok "dot msc: the verdict's violation is a red note ranked with step 11" \
    || bad "dot msc: the verdict's violation is a red note ranked with step 11"
grep -q 'shape=note' "$tmp/msc.dot" && bad "dot msc: a passing trace has no note" || ok "dot msc: a passing trace has no note"
expect_run "dot msc: a corrupt trace is refused at its file:line:col" 2 "^$tmp/corrupt.jsonl:1:[0-9]+: error: " "$DRCSIM" dot msc "$tmp/corrupt.jsonl"
expect_run "dot states: every world of unplug-pending-at-reset" 0 '^  w14 \[shape=doublecircle\];$' \
    "$DRCSIM" dot states scenarios/unplug-pending-at-reset.scn
cp "$tmp/out" "$tmp/states.dot"
[ "$(grep -cE '^  w[0-9]+ \[label=' "$tmp/out")" -eq 15 ] && ok "dot states: 15 worlds, as explore counts" || bad "dot states: 15 worlds, as explore counts"
expect_run "dot states: the 2.10-dev race ends in a red node" 0 'label="drc-migration-mismatch", color=red' \
    "$DRCSIM" dot states "$hmu" --variant qemu-2.10-dev
expect_run "dot states --max-states: says what it left out" 0 '^drcsim dot states: stopped at 5 worlds' \
    "$DRCSIM" dot states scenarios/parallel-cores-2.scn --max-states 5
expect_run "dot: --max-states goes with states only" 2 '^drcsim dot: --max-states and --symmetry go with dot states$' \
    "$DRCSIM" dot fsm logical --max-states 3
expect_run "dot msc takes no --variant" 2 '^drcsim dot: --variant and --knob go with dot fsm and dot states$' \
    "$DRCSIM" dot msc "$tmp/hmu.jsonl" --variant qemu-2.10
expect_run "dot fsm --variant names the variant" 0 '^  label="CPU DRC \(hw/ppc/spapr_drc.c\) under qemu-2.10; ' "$DRCSIM" dot fsm CPU --variant qemu-2.10
grep -q 'unplug cancelled' "$tmp/fsm-logical.dot" && ok "dot fsm: upstream's UNISOLATE cancels a pending unplug" || bad "dot fsm: upstream's UNISOLATE cancels a pending unplug"
"$DRCSIM" dot fsm logical --knob qemu.unisolate-cancels-unplug=off >"$tmp/out" 2>&1
! grep -q 'unplug cancelled' "$tmp/out" && grep -q '"LOGICAL_UNISOLATE"' "$tmp/out" && ok "dot fsm --knob: without 87758fed7a nothing cancels it" \
    || bad "dot fsm --knob: without 87758fed7a nothing cancels it"
for v in qemu-6.0-rc0 qemu-6.0; do   # 87758fed7a came with the first ppc pull for 6.1
    "$DRCSIM" dot fsm logical --variant "$v" >"$tmp/out" 2>&1
    ! grep -q 'unplug cancelled' "$tmp/out" && grep -q '"LOGICAL_UNISOLATE"' "$tmp/out" \
        && ok "dot fsm --variant $v: its UNISOLATE cancels no unplug" \
        || bad "dot fsm --variant $v: its UNISOLATE cancels no unplug"
done
if command -v dot >/dev/null 2>&1; then
    for g in fsm-logical fsm-physical msc states; do
        dot -Tsvg "$tmp/$g.dot" -o "$tmp/$g.svg" 2>"$tmp/out" && [ -s "$tmp/$g.svg" ] && ok "graphviz renders dot $g" || bad "graphviz renders dot $g"
    done
fi

# --- refusals that depend on the variant, through the CLI ------------------------
printf 'scenario t\nmachine m cores=2 lmbs=4 prelaunch\ndo m device_add dimm d0 size=256M\ndo m device_del d0\n' >"$tmp/dimm-precas.scn"
expect_run "DIMM device_del before CAS, QEMU 5.0: refused (73598c75df not there)" 0 \
    "^    2        0ms  libvirt      device_del             machine=m id=d0 -> error=\"internal error: unable to execute QEMU command 'device_del': Memory hot unplug not supported for this guest\"\$" \
    "$DRCSIM" run "$tmp/dimm-precas.scn" --variant qemu-5.0 --format text
expect_run "DIMM device_del before CAS, upstream: released at once" 0 \
    '^        event DEVICE_DELETED d0 @m$' "$DRCSIM" run "$tmp/dimm-precas.scn" --format text
printf 'scenario t\nmachine m cores=2 lmbs=4\ndo m device_add dimm d0 size=512M\ndo m device_add dimm d1 size=768M\n' >"$tmp/dimm-space.scn"
expect_run "DIMM attach beyond maxMemory: libvirt refuses before QMP" 0 \
    '^    2        0ms  libvirt      device_add             machine=m driver=dimm id=d1 -> error="unsupported configuration: Attaching memory device with size '"'786432'"' would exceed domain'"'"'s maxMemory config size '"'2097152'"'"$' \
    "$DRCSIM" run "$tmp/dimm-space.scn" --format text
"$DRCSIM" run "$tmp/dimm-space.scn" --format text >"$tmp/out" 2>&1
grep -q 'qmp@m: device_add d1' "$tmp/out" && bad "DIMM attach beyond maxMemory: no QMP" || ok "DIMM attach beyond maxMemory: no QMP"

# --- listings -------------------------------------------------------------------
expect_run "list knobs with provenance" 0 '^    from: 94fd9cbaa3' "$DRCSIM" list knobs
expect_run "list invariants" 0 '^drc-migration-mismatch ' "$DRCSIM" list invariants
expect_run "list variants" 0 '^qemu-2.10-dev ' "$DRCSIM" list variants
expect_run "list scenarios" 0 '^drc-conformance ' "$DRCSIM" list scenarios
expect_run "list drc-table" 0 'drc_set_usable' "$DRCSIM" list drc-table
expect_run "list knobs: qemu.ic-mode and where it comes from" 0 '^    from: 13db0cd9b8 \(2019-01\) spapr_irq_dual' "$DRCSIM" list knobs
expect_run "reset-ordering-xive, QEMU 4.1: the drained request's interrupt reaches XICS unconnected" 1 \
    '^    3        0ms  qemu@vm      virtio-blk-complete    intc=xics set_irq=ics_kvm_set_irq during=qemu_devices_reset ->$' \
    "$DRCSIM" run scenarios/reset-ordering-xive.scn --variant qemu-4.1 --schedule '0*3' --format text
expect_run "reset-ordering-xive, QEMU 4.1: ics_kvm_set_irq asserts" 1 \
    "^violation: QEMU on vm aborts: ics_kvm_set_irq: Assertion \`kernel_xics_fd != -1' failed" \
    "$DRCSIM" run scenarios/reset-ordering-xive.scn --variant qemu-4.1 --schedule '0*3' --format text
expect_run "validate without its set-up says, once, what to run" 2 \
    "^drcsim validate: $tmp/nosetup/paths: missing \\(run validate/setup first\\)\$" \
    "$DRCSIM" validate scenarios/reset-ordering-xive.scn --setup "$tmp/nosetup"
# QEMU's refusal of a DIMM beyond device memory, as each release words it (bare QMP).
expect_run "device_add of a DIMM beyond device memory: today's total check" 0 \
    '^        qmp@m: device_add d4 -> error: not enough space, currently 0x10000000 in use of total space for memory devices 0x40000000$' \
    "$DRCSIM" run tests/cli/dimm-over-capacity.scn --format text
expect_run "device_add of a DIMM beyond device memory: QEMU 2.10's walk ends beyond the area" 0 \
    '^        qmp@m: device_add d4 -> error: can.t add memory \[0x50000000:0x40000000\] beyond 0x80000000$' \
    "$DRCSIM" run tests/cli/dimm-over-capacity.scn --format text --variant qemu-2.10
expect_run "a client's wait for the job names the holder's RPC handler" 1 \
    '^        libvirt: Timed out during operation: cannot acquire state change lock \(held by monitor=remoteDispatchDomainSetVcpu\)$' \
    "$DRCSIM" run tests/cli/job-lock-timeout.scn --schedule '0*4' --format text
expect_run "libvirt 3.x's job timeout: (held by API)" 1 \
    '^        libvirt: Timed out during operation: cannot acquire state change lock \(held by remoteDispatchDomainSetVcpu\)$' \
    "$DRCSIM" run tests/cli/job-lock-timeout.scn --schedule '0*4' --format text --variant qemu-2.10
# Memory slots (-m slots=, <maxMemory slots=>): QEMU's refusal at the monitor, libvirt's first.
expect_run "a DIMM beyond -m slots= at the monitor: pc_dimm_get_free_slot" 0 \
    '^        qmp@m: device_add d3 -> error: no free slots available$' \
    "$DRCSIM" run tests/cli/dimm-slots.scn --format text
expect_run "a DIMM beyond <maxMemory slots=>: libvirt refuses before QMP" 0 \
    "^ +[0-9]+ +0ms  libvirt +device_add +machine=v script=virsh driver=dimm id=e3 -> error=\"unsupported configuration: memory device count '3' exceeds slots count '2'\"\$" \
    "$DRCSIM" run tests/cli/dimm-slots.scn --format text
# A vCPU on -smp (hotpluggable=no): libvirt refuses its unplug; setvcpus stops above it.
expect_run "libvirt refuses to unplug a vCPU on -smp" 0 \
    "^    1 +0ms  libvirt +device_del +machine=m id=core1 -> error=\"Operation not supported: vcpu '1' can't be unplugged\"\$" \
    "$DRCSIM" run tests/cli/vcpu-on-smp.scn --format text
expect_run "setvcpus below the -smp vCPUs fails before any device_del" 0 \
    '^    2 +0ms  libvirt +setvcpus +machine=m count=1 -> error="unsupported configuration: failed to find appropriate hotpluggable vcpus to reach the desired target vcpu count"$' \
    "$DRCSIM" run tests/cli/vcpu-on-smp.scn --format text
expect_run "check: vcpu-on-smp passes in every interleaving" 0 '^1 passed, 0 failed$' \
    "$DRCSIM" check tests/cli/vcpu-on-smp.scn
# libvirt's start: a hotpluggable vCPU of a -S domain is device_added in PRELAUNCH, so
# a device_del before the guest took it releases it at once; on the command line it waits.
expect_run "libvirt's start: the prelaunch-added vCPU's DRC is released at once" 0 \
    '^        drc 0x10000001 spapr_drc_release LOGICAL_UNUSABLE @m$' \
    "$DRCSIM" run tests/cli/libvirt-start.scn --schedule '0,0,1,0*3' --format text
expect_run "libvirt.dst-vcpus=command-line: the vCPU is coldplugged, its unplug waits" 0 \
    '^        drc 0x10000001 spapr_drc_awaiting_quiesce LOGICAL_CONFIGURED @m$' \
    "$DRCSIM" run tests/cli/libvirt-start.scn --knob libvirt.dst-vcpus=command-line --seed 1 \
    --format text
expect_run "check: libvirt-start has prelaunch-device-add's verdict in every variant" 0 \
    '^13 passed, 0 failed$' "$DRCSIM" check tests/cli/libvirt-start.scn
printf 'scenario o\nmachine m cores=3\ndevice m cpu c1 core-id=1\ndevice m cpu c2 core-id=2 hotpluggable=no\n' >"$tmp/smp-order.scn"
expect_at "a hotpluggable=no vCPU after a hotpluggable one: libvirt does not start the domain" \
    "$tmp/smp-order.scn" "device m cpu c2" \
    "libvirt does not start m: \"unsupported configuration: online non-hotpluggable vcpus need to be ordered prior to hotplugable vcpus\" \(core-id 1 is not hotpluggable=no\)$" \
    "$DRCSIM" run "$tmp/smp-order.scn"
# A QEMU that exits at once: each run is reference invalid, and kept after those DIR holds.
mkdir -p "$tmp/fakesetup" "$tmp/kept/run-1"
printf 'qemu=/bin/true\nkernel=/dev/null\ninitrd=/dev/null\n' >"$tmp/fakesetup/paths"
expect_run "validate --keep numbers new runs after those DIR holds" 0 \
    '^  run 3: 0\.0 s, reference invalid: m: qemu exited with status 0$' \
    "$DRCSIM" validate validate/cpu-plug-unplug.scn --runs 2 --setup "$tmp/fakesetup" --keep "$tmp/kept"
if [ -f "$tmp/kept/run-2/real-run.json" ] && [ -f "$tmp/kept/run-3/real-run.json" ] &&
    [ ! -e "$tmp/kept/run-1/real-run.json" ] && [ ! -e "$tmp/kept/run-4" ]; then
    ok "validate --keep wrote run-2 and run-3, left run-1 alone"
else
    bad "validate --keep wrote run-2 and run-3, left run-1 alone"
fi
for c in run explore check replay list merge validate dot; do
    expect_run "$c --help" 0 'Usage:' "$DRCSIM" "$c" --help
done

. tests/cli/merge-checks.sh
. tests/cli/jobs-limits.sh

total
