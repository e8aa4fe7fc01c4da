#!/bin/sh
# The --jobs searches under ThreadSanitizer (make check builds build-tsan for it):
# the shared fingerprint set growing and filling, the locked whole-world shards,
# bitstate, the stop at --max-states, violations met by both threads, the
# threads' end states, a split job's prefixes, seed-split sampling and check's lines
# two at a time, in one --mem. Each case must give the one-job
# figures and no report.
. "$(dirname "$0")/common.sh"

export TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1"
# A kernel with more mmap randomisation than this compiler's TSan knows refuses it at
# start ("unexpected memory mapping"); without address randomisation it runs.
tsan_cmd=$DRCSIM
if "$DRCSIM" list variants 2>&1 | grep -q 'ThreadSanitizer: unexpected memory mapping'; then
    echo "(ThreadSanitizer cannot map memory here: running with setarch -R)"
    tsan_cmd="setarch $(uname -m) -R $DRCSIM"
fi
run_tsan() { $tsan_cmd "$@"; }

# tsan DESC WANT_EXIT PATTERN ARGS...: `drcsim ARGS` exits WANT_EXIT, a line matches PATTERN,
# and ThreadSanitizer reported nothing
tsan() {
    desc=$1 want=$2 pat=$3
    shift 3
    run_tsan "$@" >"$tmp/out" 2>&1
    got=$?
    if grep -q 'ThreadSanitizer' "$tmp/out"; then
        bad "$desc: a ThreadSanitizer report"
    else
        exit_and_line "$desc" "$want" "$got" -E "$pat"
    fi
}

pc4=scenarios/parallel-cores-4.scn
pc5=scenarios/parallel-cores-5.scn
pc6=scenarios/parallel-cores-6.scn
hmu=scenarios/hotplug-migrate-unplug.scn
tsan "fingerprints, lock-free: the one-job 14601 states" 0 '^states 14601  transitions 31648 ' \
    explore "$pc4" --jobs 2 --por none --symmetry off
tsan "whole worlds in locked shards: the one-job 14601 states" 0 '^states 14601  transitions 31648 ' \
    explore "$pc4" --jobs 2 --lossless --por none --symmetry off
tsan "the shared set grows past its first 65536 slots: a pass" 0 '^scenarios/parallel-cores-6.scn under upstream: pass$' \
    explore "$pc6" --jobs 2 --symmetry off
tsan "the shared set fills: both threads stop, STOPPED" 1 'STOPPED: the visited set.s --mem budget is used up' \
    explore "$pc6" --jobs 2 --symmetry off --mem 1
tsan "the threads go on in bitstate mode together" 0 'bitstate: about [0-9]+ new states taken for seen ones' \
    explore "$pc6" --jobs 2 --symmetry off --mem 1 --bitstate
tsan "--max-states 1000 stops both threads at 1000 or 1001" 0 '^states 100[01]  ' \
    explore "$pc6" --jobs 2 --symmetry off --max-states 1000
tsan "dpor with the symmetry: a pass" 0 '^scenarios/parallel-cores-5.scn under upstream: pass$' \
    explore "$pc5" --jobs 2
tsan "sleep sets on DIMMs: a pass" 0 '^scenarios/parallel-dimms-5.scn under upstream: pass$' \
    explore scenarios/parallel-dimms-5.scn --jobs 2 --por sleep
tsan "a violation found by the threads: one family, exit 1" 1 '^  drc-migration-mismatch: after switchover' \
    explore "$hmu" --variant qemu-2.10-dev --jobs 2 --symmetry off --por none
# dpor on two threads: which thread takes a state first changes how many it visits (45,832 or
# 45,869 seen; 43,666 on one thread), never the quiescent worlds
tsan "--end-states on two threads: the search fails, exit 1" 1 '^states [0-9]+ .* quiescent 95 ' \
    explore scenarios/parallel-hotplug-during-migration.scn --variant real-qemu-7.2 --jobs 2 \
    --end-states "$tmp/ends"
[ "$(sort -u "$tmp/ends" | wc -l)" -eq 95 ] \
    && ok "--end-states on two threads: each thread's quiescent worlds, 95 in all" \
    || bad "--end-states on two threads: each thread's quiescent worlds, 95 in all"
"$DRCSIM" explore scenarios/parallel-dimms-5.scn --split 4 --out "$tmp/d5" >/dev/null 2>&1
tsan "a job's prefixes on two threads: the one-job 286 states" 0 '^states 286  transitions 293 ' \
    explore --job "$tmp/d5/job-001.json" --jobs 2 --por none
tsan "random runs split by seed: all 50 violate, exit 1" 1 '^random sampling: 50 runs \(seeds 1\.\.50\), 50 violating, .* 2 job\(s\)$' \
    explore "$hmu" --variant qemu-2.10-dev --sample random --runs 50 --jobs 2
tsan "PCT runs split by seed: 200, none violating" 0 '^pct sampling: 200 runs \(seeds 1\.\.200\), 0 violating' \
    explore "$hmu" --sample pct --runs 200 --jobs 2
tsan "check --jobs 2: the catalogue's verdict lines two at a time, every verdict holds" 0 '^250 passed, 0 failed$' \
    check scenarios/ --jobs 2 --json "$tmp/check.json"
tsan "check --jobs 2 in 3 MiB: a line refused the room the other holds is searched again alone" 0 \
    '^2 passed, 0 failed \([12] searched again alone: the lines searched at once share --mem\)$' \
    check "$pc6" "$pc6" --symmetry off --mem 3 --jobs 2
if command -v script >/dev/null 2>&1; then   # on a terminal: the threads' progress hooks and the rows
    script -qec "$tsan_cmd check $pc6 $pc5 $pc6 --symmetry off --jobs 2" /dev/null </dev/null \
        | tr '\r' '\n' >"$tmp/out" 2>&1
    if grep -q 'ThreadSanitizer' "$tmp/out"; then
        bad "check --jobs 2 on a terminal: a ThreadSanitizer report"
    else
        grep -Eq '^ +[0-9]+ lines checked +[0-9]+ searching +[0-9]+ states  ' "$tmp/out" &&
            grep -q '^3 passed, 0 failed' "$tmp/out" \
            && ok "check --jobs 2 on a terminal: the progress line beside the rows" \
            || bad "check --jobs 2 on a terminal: the progress line beside the rows"
    fi
fi
total
