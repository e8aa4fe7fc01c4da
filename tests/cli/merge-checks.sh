# Sourced by run-all.sh: merge and job files refuse what would make a false verdict.
# Each check asserts the exit status and the exact line; those of refused input also
# that it is the only line.

# only_line DESC: the last expect_run printed exactly one line
only_line() {
    [ "$(wc -l <"$tmp/out")" -eq 1 ] && ok "$1: one line" || bad "$1: one line"
}

mc=$tmp/mc
"$DRCSIM" explore "$pc4" --split 4 --out "$mc" >/dev/null 2>&1
for j in "$mc"/job-00[0-3].json; do "$DRCSIM" explore --job "$j" --json "$j.r.json" >/dev/null 2>&1; done
grep -q '"part":"prefix","of":4,' "$mc/split.json" && ok "split.json names itself the prefix part of 4" \
    || bad "split.json names itself the prefix part of 4"
grep -q '"part":"job","job":1,"of":4,' "$mc/job-001.json.r.json" && ok "a job's result names job 1 of 4" \
    || bad "a job's result names job 1 of 4"

# --- 1. parts missing or given twice ------------------------------------------------
expect_run "merge of split.json alone: incomplete, the four jobs named" 1 \
    "^incomplete: $pc4 under upstream: not merged: jobs 0-3 of 0-3\$" "$DRCSIM" merge "$mc/split.json"
grep -Eq "^$pc4 +upstream +incomplete " "$tmp/out" && ok "merge of split.json alone: the row says incomplete" \
    || bad "merge of split.json alone: the row says incomplete"
expect_run "merge of one job of four: the prefix and the other jobs named" 1 \
    "^incomplete: $pc4 under upstream: not merged: the prefix part \\(split.json\\), jobs 0, 2-3 of 0-3\$" \
    "$DRCSIM" merge "$mc/job-001.json.r.json"
expect_run "merge of every part passes" 0 "^$pc4 +upstream +pass " "$DRCSIM" merge "$mc/split.json" "$mc"/job-00*.r.json
expect_run "merge refuses a file given twice" 2 \
    "^$mc/job-001.json.r.json:1:1: error: the same file as $mc/job-001.json.r.json, given twice\$" \
    "$DRCSIM" merge "$mc/split.json" "$mc"/job-00*.r.json "$mc/job-001.json.r.json"
only_line "merge refuses a file given twice"
cp "$mc/job-001.json.r.json" "$tmp/mc-copy.json"
expect_at "merge refuses a copy of a job's result" "$tmp/mc-copy.json" 1 \
    "job 1 of 4 is already merged from $mc/job-001.json.r.json\$" \
    "$DRCSIM" merge "$mc/split.json" "$mc"/job-00*.r.json "$tmp/mc-copy.json"
only_line "merge refuses a copy of a job's result"
cp "$mc/split.json" "$tmp/mc-split-copy.json"
expect_at "merge refuses a copy of split.json" "$tmp/mc-split-copy.json" '"prefix"' \
    "the prefix part of the split into 4 is already merged from $mc/split.json\$" \
    "$DRCSIM" merge "$mc/split.json" "$tmp/mc-split-copy.json"
sed 's/"of":4/"of":2/' "$mc/job-001.json.r.json" >"$tmp/mc-of2.json"
expect_at "merge refuses parts of two splits of one row" "$tmp/mc-of2.json" 2 \
    "a part of a split into 2, but an earlier part is of a split into 4\$" \
    "$DRCSIM" merge "$mc/split.json" "$tmp/mc-of2.json"
"$DRCSIM" explore "$pc4" --json "$tmp/mc-whole.json" >/dev/null 2>&1
expect_at "merge refuses parts mixed with a whole result of the same row" "$tmp/mc-whole.json" '{"scenario"' \
    "$pc4 under upstream: parts of a split mixed with a whole result\$" \
    "$DRCSIM" merge "$mc/split.json" "$tmp/mc-whole.json"
"$DRCSIM" check scenarios/unplug-last-cpu.scn --split 3 --out "$tmp/mcc" >/dev/null 2>&1
for j in "$tmp"/mcc/check-00[0-2].json; do "$DRCSIM" check --job "$j" --json "$j.r.json" >/dev/null 2>&1; done
grep -q '"part":"check","job":2,"of":3,' "$tmp/mcc/check-002.json.r.json" && ok "a check job's results name job 2 of 3" \
    || bad "a check job's results name job 2 of 3"
printf '{"check":[["scenarios/unplug-last-cpu.scn","upstream"]],"job":0,"of":1}\n' >"$tmp/mc-nodrcsim.json"
expect_run "a check job with \"job\" and \"of\" but no \"drcsim\": one line, no crash" 2 \
    "^$tmp/mc-nodrcsim.json:1:1: error: \"job\" and \"of\" without \"drcsim\"\$" "$DRCSIM" check --job "$tmp/mc-nodrcsim.json"
expect_run "merge of two check jobs of three: the missing one named" 1 \
    '^incomplete: check split into 3: not merged: jobs 1 of 0-2; their verdict lines are not in the table$' \
    "$DRCSIM" merge "$tmp/mcc/check-000.json.r.json" "$tmp/mcc/check-002.json.r.json"
expect_run "merge of the three check jobs holds" 0 '^scenarios/unplug-last-cpu.scn +upstream +pass .* ok$' \
    "$DRCSIM" merge "$tmp"/mcc/check-00[0-2].json.r.json
expect_run "check --split writes no empty job" 0 '^[0-9]+ scenario x variant pairs in [0-9]+ jobs \(no job is left empty\):$' \
    "$DRCSIM" check scenarios/unplug-last-cpu.scn --split 99 --out "$tmp/mcc99"
"$DRCSIM" check scenarios/unplug-last-cpu.scn --json "$tmp/mc-c1.json" >/dev/null 2>&1
"$DRCSIM" check scenarios/ccs-migration-race.scn --json "$tmp/mc-c2.json" >/dev/null 2>&1
expect_run "merge of whole check results of two scenarios still works" 0 '^scenarios/ccs-migration-race.scn +upstream .* ok$' \
    "$DRCSIM" merge "$tmp/mc-c1.json" "$tmp/mc-c2.json"

# --- 2. knob overrides are part of a row --------------------------------------------
ccs=scenarios/ccs-migration-race.scn
"$DRCSIM" explore "$ccs" --json "$tmp/mc-k0.json" >/dev/null 2>&1
"$DRCSIM" explore "$ccs" --knob qemu.migrate-ccs=on --json "$tmp/mc-k1.json" >/dev/null 2>&1
grep -q '"knobs":\["qemu.migrate-ccs=on"\],' "$tmp/mc-k1.json" && ok "a result carries its --knob" || bad "a result carries its --knob"
expect_run "merge keeps a --knob run in a row of its own" 1 '^    knobs: qemu.migrate-ccs=on$' \
    "$DRCSIM" merge "$tmp/mc-k0.json" "$tmp/mc-k1.json"
[ "$(grep -Ec "^$ccs +upstream +(pass|fail guest-dt-mismatch) " "$tmp/out")" -eq 2 ] \
    && ok "merge: the run without the knob fails, the one with it passes, in two rows" \
    || bad "merge: the run without the knob fails, the one with it passes, in two rows"

# --- 3. values a result cannot hold ---------------------------------------------------
r='"scenario":"a.scn","variant":"upstream","families":[],"states":1'
printf '[{%s,"verdict":"maybe"}]\n' "$r" >"$tmp/mc-maybe.json"
expect_at "merge refuses verdict maybe" "$tmp/mc-maybe.json" '"maybe"' "not a drcsim result: \"verdict\" is not pass, fail or incomplete\$" \
    "$DRCSIM" merge "$tmp/mc-maybe.json"
printf '[{%s,"seconds":-1.5}]\n' "$r" >"$tmp/mc-neg.json"
expect_at "merge refuses negative seconds" "$tmp/mc-neg.json" -1.5 "not a drcsim result: \"seconds\" is negative\$" \
    "$DRCSIM" merge "$tmp/mc-neg.json"
e='"stored":"fingerprints","collision_probability":0.001,"cut_by":[]'
printf '[{%s,"stored":"fingerprints","cut_by":[]}]\n' "$r" >"$tmp/mc-half.json"
expect_at "merge refuses a search end without its probability" "$tmp/mc-half.json" '"fingerprints"' \
    "not a drcsim result: \"stored\", \"collision_probability\" and \"cut_by\" go together\$" "$DRCSIM" merge "$tmp/mc-half.json"
only_line "merge refuses a search end without its probability"
printf '[{%s,%s}]\n' "$r" "$(echo "$e" | sed 's/"fingerprints"/"bloom"/')" >"$tmp/mc-bloom.json"
expect_at "merge refuses stored bloom" "$tmp/mc-bloom.json" '"bloom"' \
    "not a drcsim result: \"stored\" is not lossless, fingerprints or bitstate\$" "$DRCSIM" merge "$tmp/mc-bloom.json"
printf '[{%s,%s}]\n' "$r" "$(echo "$e" | sed 's/0.001/1.5/')" >"$tmp/mc-p.json"
expect_at "merge refuses a collision probability of 1.5" "$tmp/mc-p.json" 1.5 \
    "not a drcsim result: \"collision_probability\" is not from 0 to 1\$" "$DRCSIM" merge "$tmp/mc-p.json"
printf '[{%s,%s,"bitstate_missed":3}]\n' "$r" "$e" >"$tmp/mc-miss.json"
expect_at "merge refuses bitstate_missed of a fingerprint search" "$tmp/mc-miss.json" 3 \
    "not a drcsim result: \"bitstate_missed\" goes with \"stored\": \"bitstate\", and only with it\$" \
    "$DRCSIM" merge "$tmp/mc-miss.json"
printf '[{%s,%s}]\n' "$r" "$(echo "$e" | sed 's/"cut_by":\[\]/"cut_by":["--max-states","luck"]/')" >"$tmp/mc-cut.json"
expect_at "merge refuses a cut_by no search writes" "$tmp/mc-cut.json" '["--max-states"' \
    "not a drcsim result: \"cut_by\" names something no search is cut by\$" "$DRCSIM" merge "$tmp/mc-cut.json"
printf '[]\n' >"$tmp/mc-empty.json"
expect_run "merge refuses an empty array" 2 "^$tmp/mc-empty.json:1:1: error: an empty array: no result to merge\$" \
    "$DRCSIM" merge "$tmp/mc-empty.json"

# --- 3b. how the parts' searches ended, merged ---------------------------------------
"$DRCSIM" merge "$mc/split.json" "$mc"/job-00*.r.json --json "$tmp/mc-end.json" >/dev/null 2>&1
"$DRCSIM" merge "$mc/split.json" "$mc"/job-00[01].json.r.json --json "$tmp/mc-end-missing.json" >/dev/null 2>&1
"$DRCSIM" explore scenarios/parallel-cores-6.scn --symmetry off --mem 1 --bitstate --json "$tmp/mc-bit1.json" >/dev/null 2>&1
"$DRCSIM" explore scenarios/parallel-cores-6.scn --symmetry off --mem 1 --bitstate --max-depth 250 --json "$tmp/mc-bit2.json" >/dev/null 2>&1
printf '[{"scenario":"b.scn","variant":"upstream","families":[],"states":1,%s}]\n' \
    '"stored":"lossless","collision_probability":0,"cut_by":[]' >"$tmp/mc-lossless.json"
"$DRCSIM" merge "$tmp/mc-bit1.json" "$tmp/mc-lossless.json" --json "$tmp/mc-end-bit.json" >/dev/null 2>&1
python3 -c 'import json, sys; r = json.load(open(sys.argv[1]))
for k in ("stored", "collision_probability", "bitstate_missed", "cut_by"): del r[0][k]
json.dump(r, open(sys.argv[2], "w"))' "$tmp/mc-bit1.json" "$tmp/mc-old.json"
python3 - "$mc" "$tmp" <<'PY' && ok "merge: the parts' storage, collision chance, bitstate misses and cuts, together" \
    || bad "merge: the parts' storage, collision chance, bitstate misses and cuts, together"
import glob, json, math, subprocess, sys, os
mc, tmp = sys.argv[1:3]
parts = [json.load(open(f))[0] for f in [mc + "/split.json"] + sorted(glob.glob(mc + "/job-00*.r.json"))]
m = json.load(open(tmp + "/mc-end.json"))[0]
want = -math.expm1(sum(math.log1p(-p["collision_probability"]) for p in parts))
assert all(p["stored"] == "fingerprints" for p in parts) and m["stored"] == "fingerprints", m
assert m["cut_by"] == [] and m["verdict"] == "pass" and "bitstate_missed" not in m, m
assert 0 < want < 1e-9 and abs(m["collision_probability"] - want) <= 1e-2 * want, (m, want)
mm = json.load(open(tmp + "/mc-end-missing.json"))[0]
assert mm["verdict"] == "incomplete" and mm["cut_by"] == ["missing parts"], mm
b1, b2 = (json.load(open(tmp + f"/mc-bit{i}.json"))[0] for i in (1, 2))
assert b1["stored"] == "bitstate" and b2["cut_by"] == ["--max-depth", "--bitstate"], (b1, b2)
r = subprocess.run([os.environ["DRCSIM"], "merge", tmp + "/mc-bit1.json", tmp + "/mc-bit2.json",
                    "--json", tmp + "/mc-end-b12.json"], capture_output=True)
m2 = [x for x in json.load(open(tmp + "/mc-end-b12.json"))]
assert len(m2) == 1, m2   # same scenario, variant and no knobs: one row of two whole results
m2 = m2[0]
assert m2["stored"] == "bitstate" and m2["collision_probability"] == 1, m2
assert m2["bitstate_missed"] == b1["bitstate_missed"] + b2["bitstate_missed"] > 0, (m2, b1, b2)
assert m2["cut_by"] == ["--max-depth", "--bitstate"], m2
rows = {x["scenario"]: x for x in json.load(open(tmp + "/mc-end-bit.json"))}
assert rows["b.scn"]["stored"] == "lossless" and rows["b.scn"]["collision_probability"] == 0, rows
PY
expect_run "merge of bitstate searches, one cut by --max-depth: the cuts under the row" 0 \
    '^    cut short by --max-depth, --bitstate \(bitstate: about [0-9]+ new states taken for seen ones\)$' \
    "$DRCSIM" merge "$tmp/mc-bit1.json" "$tmp/mc-bit2.json"
expect_run "merge of a whole split: nothing cut" 0 "^$pc4 +upstream +pass " "$DRCSIM" merge "$mc/split.json" "$mc"/job-00*.r.json
grep -q 'cut short' "$tmp/out" && bad "merge of a whole split: no cut line" || ok "merge of a whole split: no cut line"
expect_run "merge of a result from before searches said how they ended: accepted" 0 '' \
    "$DRCSIM" merge "$tmp/mc-old.json" --json "$tmp/mc-end-old.json"
grep -q '"stored"' "$tmp/mc-end-old.json" && bad "merge of an older result: no search end made up" \
    || ok "merge of an older result: no search end made up"

# --- 4. nesting deeper than json-glib's recursion can take ----------------------------
head -c 80000 /dev/zero | tr '\0' '[' >"$tmp/mc-deep.json"
expect_run "merge refuses 80000 nested brackets at the 65th" 2 "^$tmp/mc-deep.json:1:65: error: nesting deeper than 64\$" \
    "$DRCSIM" merge "$tmp/mc-deep.json"
expect_run "explore --job refuses 80000 nested brackets at the 65th" 2 "^$tmp/mc-deep.json:1:65: error: nesting deeper than 64\$" \
    "$DRCSIM" explore --job "$tmp/mc-deep.json"
expect_run "replay refuses 80000 nested brackets at the 65th" 2 "^$tmp/mc-deep.json:1:65: error: nesting deeper than 64\$" \
    "$DRCSIM" replay "$tmp/mc-deep.json"

# --- 5. array elements that are not objects --------------------------------------------
for e in 1 '[]' null; do
    printf '[%s]\n' "$e" >"$tmp/mc-elem.json"
    expect_at "merge of [$e]: one error line" "$tmp/mc-elem.json" "$e" "element 0 of the array is not a result object\$" \
        "$DRCSIM" merge "$tmp/mc-elem.json"
    only_line "merge of [$e]"
done

# --- 6. job files: version, job number, repeated keys ------------------------------------
sed 's/"drcsim":"[^"]*"/"drcsim":"9.9.9"/' "$mc/job-001.json" >"$tmp/mc-ver.json"
expect_at "explore --job refuses a foreign version" "$tmp/mc-ver.json" '"9.9.9"' "written by drcsim 9.9.9, this is drcsim [0-9.]+\$" \
    "$DRCSIM" explore --job "$tmp/mc-ver.json"
sed 's/"job":1/"job":7/' "$mc/job-001.json" >"$tmp/mc-job7.json"
expect_at "explore --job refuses job 7 of 4" "$tmp/mc-job7.json" 7 "\"job\" 7 is not one of 0..3\$" \
    "$DRCSIM" explore --job "$tmp/mc-job7.json"
printf '{"drcsim":"0.1.0","job":0,\n "job":1,"of":2,"check":[]}\n' >"$tmp/mc-dupkey.json"
expect_run "check --job refuses a repeated key" 2 "^$tmp/mc-dupkey.json:2:2: error: duplicate key \"job\"\$" \
    "$DRCSIM" check --job "$tmp/mc-dupkey.json"
printf '{"drcsim":"9.9.9","job":0,"of":1,"check":[]}\n' >"$tmp/mc-cver.json"
expect_at "check --job refuses a foreign version" "$tmp/mc-cver.json" '"9.9.9"' "written by drcsim 9.9.9, this is drcsim [0-9.]+\$" \
    "$DRCSIM" check --job "$tmp/mc-cver.json"

# --- 7. --out that cannot be a directory ---------------------------------------------------
: >"$tmp/mc-file"
expect_run "explore --split --out under /proc: one error line" 2 '^drcsim explore: cannot create /proc/x: No such file or directory$' \
    "$DRCSIM" explore "$pc4" --split 2 --out /proc/x
only_line "explore --split --out under /proc"
expect_run "explore --split --out a regular file" 2 "^drcsim explore: cannot create $tmp/mc-file: Not a directory\$" \
    "$DRCSIM" explore "$pc4" --split 2 --out "$tmp/mc-file"
only_line "explore --split --out a regular file"
expect_run "check --split --out under /proc: one error line" 2 '^drcsim check: cannot create /proc/y: No such file or directory$' \
    "$DRCSIM" check scenarios/unplug-last-cpu.scn --split 2 --out /proc/y
only_line "check --split --out under /proc"

# --- 8. outputs that cannot be written, found before the search ------------------------------
pc7=scenarios/parallel-cores-7.scn
expect_run "explore --json into a missing directory: refused before the search" 2 \
    '^drcsim explore: cannot write /proc/x/r.json: No such file or directory$' timeout 10 "$DRCSIM" explore "$pc7" --json /proc/x/r.json
expect_run "explore --trace into a missing directory: refused before the search" 2 \
    '^drcsim explore: cannot write /proc/x/t.jsonl: No such file or directory$' timeout 10 "$DRCSIM" explore "$pc7" --trace /proc/x/t.jsonl
expect_run "explore --job --json naming a directory: refused before the search" 2 \
    "^drcsim explore: cannot write $tmp: Is a directory\$" "$DRCSIM" explore --job "$mc/job-000.json" --json "$tmp"
expect_run "run --trace into a missing directory: refused before the run" 2 \
    '^drcsim run: cannot write /proc/x/t.jsonl: No such file or directory$' "$DRCSIM" run "$pc7" --trace /proc/x/t.jsonl
expect_run "check --json into a missing directory: refused before the table" 2 \
    '^drcsim check: cannot write /proc/x/r.json: No such file or directory$' "$DRCSIM" check "$pc7" --json /proc/x/r.json
expect_run "check --junit into a missing directory: refused before the table" 2 \
    '^drcsim check: cannot write /proc/x/j.xml: No such file or directory$' "$DRCSIM" check "$pc7" --junit /proc/x/j.xml
[ "$(grep -c '^scenario ' "$tmp/out")" -eq 0 ] && ok "check with an unwritable report prints no table" || bad "check with an unwritable report prints no table"

# --- 9. a job's result records the reduction it searched with --------------------------------
"$DRCSIM" explore --job "$mc/job-000.json" --por dpor --json "$tmp/mc-dpor.json" >/dev/null 2>&1
"$DRCSIM" explore --job "$mc/job-000.json" --por sleep --json "$tmp/mc-sleep.json" >/dev/null 2>&1
grep -q '"por":"dpor"' "$tmp/mc-dpor.json" && grep -q '"por":"sleep"' "$tmp/mc-sleep.json" \
    && ok "explore --job --por: the result records the mode searched with" \
    || bad "explore --job --por: the result records the mode searched with"

# --- 10. sampled runs: seed ranges run apart, merged into one count and one PCT bound ---------
# ms MODE SEED [ARGS...]: hotplug-migrate-unplug sampled, 5 runs from SEED, into ms-MODE-SEED.json
ms() {
    ms_mode=$1 ms_seed=$2
    shift 2
    "$DRCSIM" explore "$hmu" --sample "$ms_mode" --runs 5 --seed "$ms_seed" \
        --json "$tmp/ms-$ms_mode-$ms_seed.json" "$@" >/dev/null 2>&1
}
ms random 0 --variant qemu-2.10-dev; ms random 5 --variant qemu-2.10-dev
expect_run "merge of two random seed ranges: one row, the violation kept" 1 \
    "^$hmu +qemu-2.10-dev +fail drc-migration-mismatch +- +2 " "$DRCSIM" merge "$tmp/ms-random-0.json" "$tmp/ms-random-5.json"
grep -q '^    random sampling: 10 runs (seeds 0\.\.9), 10 violating, 0 cut, 0 at a model bound$' "$tmp/out" \
    && ok "merged random runs: 10 runs, seeds 0..9 joined" || bad "merged random runs: 10 runs, seeds 0..9 joined"
ms pct 0; ms pct 20; ms pct 10
"$DRCSIM" merge "$tmp/ms-pct-0.json" "$tmp/ms-pct-20.json" --json "$tmp/ms-m.json" >"$tmp/out" 2>&1
echo "exit $?" >>"$tmp/out"
python3 - "$tmp/ms-pct-0.json" "$tmp/ms-pct-20.json" "$tmp/ms-m.json" "$tmp/out" <<'PY' && ok "merged PCT runs: no violation, 10 runs, the bound of both" || bad "merged PCT runs: no violation, 10 runs, the bound of both"
import json, sys
a, b, m = (json.load(open(f))[0] for f in sys.argv[1:4])
out = open(sys.argv[4]).read()
assert "exit 0" in out and "PCT: a depth-3 bug is found" in out, out
assert m["verdict"] == "incomplete" and m["runs"] == 10 and m["seeds"] == [[0, 4], [20, 24]], m
assert m["sample"] == "pct" and m["pct_depth"] == 3 and m["states"] is None, m
want = 1 - (1 - a["pct_total_bound"]) * (1 - b["pct_total_bound"])
assert abs(m["pct_total_bound"] - want) <= 1e-5 * want, (m, want)   # JSON keeps 6 digits
assert a["seeds"] == [[0, 4]] and b["seeds"] == [[20, 24]], (a, b)
PY
expect_run "a merged result merges again: its seed ranges, not seed..seed+runs" 0 \
    '^    pct sampling: 15 runs \(seeds 0\.\.4, 10\.\.14, 20\.\.24\), 0 violating' "$DRCSIM" merge "$tmp/ms-m.json" "$tmp/ms-pct-10.json"
ms pct 3
expect_at "merge refuses overlapping seeds" "$tmp/ms-pct-3.json" 3 \
    "seeds 3\\.\\.7 overlap seeds 0\\.\\.4 from $tmp/ms-pct-0.json: the same runs would count twice\$" \
    "$DRCSIM" merge "$tmp/ms-pct-0.json" "$tmp/ms-pct-3.json"
expect_at "merge refuses a range hidden in a merged result" "$tmp/ms-pct-3.json" 3 \
    "seeds 3\\.\\.7 overlap seeds 0\\.\\.4 from $tmp/ms-m.json" "$DRCSIM" merge "$tmp/ms-m.json" "$tmp/ms-pct-3.json"
ms random 50
expect_at "merge refuses random runs mixed with PCT runs" "$tmp/ms-random-50.json" '"random"' \
    ".* random runs mixed with pct runs\$" "$DRCSIM" merge "$tmp/ms-pct-0.json" "$tmp/ms-random-50.json"
ms pct 70 --depth 4
expect_at "merge refuses PCT runs for another bug depth" "$tmp/ms-pct-70.json" 4 \
    ".* PCT runs for d = 4 mixed with d = 3\$" "$DRCSIM" merge "$tmp/ms-pct-0.json" "$tmp/ms-pct-70.json"
"$DRCSIM" explore "$hmu" --json "$tmp/ms-search.json" >/dev/null 2>&1
expect_at "merge refuses a search mixed with sampled runs" "$tmp/ms-search.json" '{"scenario"' \
    ".* a search mixed with sampled runs\$" "$DRCSIM" merge "$tmp/ms-pct-0.json" "$tmp/ms-search.json"
sed 's/\[20,24\]/[20,23]/' "$tmp/ms-m.json" >"$tmp/ms-short.json"
expect_at "merge refuses seed ranges that do not add up to the runs" "$tmp/ms-short.json" '[[0,4]' \
    "not a drcsim result: \"seeds\" hold 9 runs, not \"runs\"\$" "$DRCSIM" merge "$tmp/ms-short.json"
sed 's/"violating_runs":0/"violating_runs":9/' "$tmp/ms-pct-0.json" >"$tmp/ms-odd.json"
expect_at "merge refuses more violating runs than runs" "$tmp/ms-odd.json" 9 \
    "not a drcsim result: more violating, cut or bounded runs than \"runs\"\$" "$DRCSIM" merge "$tmp/ms-odd.json"
