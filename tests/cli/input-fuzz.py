#!/usr/bin/env python3
"""Mutated input files against drcsim's error handling.

Takes the catalogue's scenarios, variants, traces (written by `drcsim run`),
job files and results (written by `explore --split` and `--job`), check jobs
(written by `check --split`, carrying their scenarios and knobs), mutates
each a few times at random (bytes cut or inserted, lines doubled or dropped,
numbers made huge or negative, words swapped, the file truncated) and runs
the command that reads it: run, explore or check a scenario; run under a
variant; replay a trace; explore --job; check --job; merge. Every run must end with exit
status 0, 1 or 2 within 60 s, with no sanitizer report; exit 2 must come
with exactly one line on stderr, "FILE:LINE:COL: error: ...".
Prints one line per failure and "N mutants, M failed"; exits 1 on a failure.
Usage: input-fuzz.py [N] [SEED]. With DRCSIM pointing at build-asan/drcsim
it also catches what ASan and UBSan see.
"""
import glob
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

DRCSIM = os.path.abspath(os.environ.get("DRCSIM", "build/drcsim"))
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
LOCATED = re.compile(r"^\S+:\d+:\d+: error: \S")
TOKENS = ["0", "-1", "4294967296", "99999999999999999999", "\"", "\\", "#", "=", "\t", "machine",
          "script", "do", "wait", "expect", "verdict", "rtas", "src", "dst", "cpu", "dimm", "{", "}",
          "[", "]", ",", ":", "null", "true", "\x00", "\xff", "\u00e9", "  ", "\n", "knob", "assert",
          "timeout", "ms", "0x10000008", "ignore", "false-unplug-error,", "lost-unplug"]


def mutate(rng, text):
    for _ in range(rng.randint(1, 4)):
        text = text or "x"
        i = rng.randrange(len(text))
        op = rng.randrange(7)
        lines = text.split("\n")
        if op == 0:
            text = text[:i] + text[i + rng.randint(1, 8):]
        elif op == 1:
            text = text[:i] + rng.choice(TOKENS) + text[i:]
        elif op == 2:
            lines.insert(rng.randrange(len(lines) + 1), rng.choice(lines))
            text = "\n".join(lines)
        elif op == 3:
            del lines[rng.randrange(len(lines))]
            text = "\n".join(lines)
        elif op == 4:
            text = text[:i]
        elif op == 5:
            text = re.sub(r"\d+", lambda m: rng.choice(["0", "65535", "4294967297", "-5", m.group(0) * 3]),
                          text, count=rng.randint(1, 3))
        else:
            words = re.findall(r"[A-Za-z_.-]+", text)
            if words:
                text = text.replace(rng.choice(words), rng.choice(words), 1)
    return text


def sh(*cmd):
    return subprocess.run(cmd, capture_output=True, cwd=ROOT)


def inputs(tmp):
    """The files to mutate, by kind: the catalogue's, and what drcsim writes."""
    # the scaling family up to four clients: a mutant of a larger one that breaks their
    # symmetry is minutes of search, not a test of the input's handling
    scns = sorted(s for s in glob.glob(ROOT + "/scenarios/*.scn") + glob.glob(ROOT + "/validate/*.scn")
                  if not re.search(r"/parallel-(cores|dimms)-[5-9]\.scn$", s))
    traces = []
    for s in scns[:6]:
        t = os.path.join(tmp, os.path.basename(s) + ".jsonl")
        sh(DRCSIM, "run", s, "--trace", t)
        traces.append(t)
    sh(DRCSIM, "explore", "scenarios/parallel-cores-8.scn", "--split", "4", "--out", tmp + "/jobs")
    jobs = sorted(glob.glob(tmp + "/jobs/job-*.json"))
    for j in jobs:
        sh(DRCSIM, "explore", "--job", j, "--json", j + ".result.json")
    sh(DRCSIM, "check", *[s for s in scns if "/scenarios/" in s], "--split", "3", "--out", tmp + "/checks")
    return {"scn": scns, "var": sorted(glob.glob(ROOT + "/variants/*.var")), "trace": traces,
            "job": jobs, "result": sorted(glob.glob(tmp + "/jobs/*.result.json")),
            "check": sorted(glob.glob(tmp + "/checks/check-*.json"))}


def command(rng, kind, path, tmp):
    if kind == "scn":
        return [DRCSIM, rng.choice(["run", "explore", "check"]), path]
    if kind == "var":   # a variant is looked up beside the scenario's directory
        return [DRCSIM, "run", tmp + "/scenarios/base.scn", "--variant", "mutant"]
    if kind == "trace":
        return [DRCSIM, "replay", path]
    if kind == "job":
        return [DRCSIM, "explore", "--job", path]
    if kind == "check":
        return [DRCSIM, "check", "--job", path]
    return [DRCSIM, "merge", tmp + "/jobs/split.json", path]


def target(kind, tmp):
    return {"scn": tmp + "/mutant.scn", "var": tmp + "/variants/mutant.var",
            "trace": tmp + "/mutant.jsonl", "job": tmp + "/mutant-job.json",
            "check": tmp + "/mutant-check.json",
            "result": tmp + "/mutant.result.json"}[kind]


def judge(r):
    err = r.stderr.decode(errors="replace")
    lines = [l for l in err.splitlines() if l.strip()]
    if r.returncode not in (0, 1, 2):
        return "exit status %d" % r.returncode
    if "Sanitizer" in err or "runtime error" in err:
        return "sanitizer report"
    if r.returncode == 2 and len(lines) != 1:
        return "%d lines on stderr" % len(lines)
    if r.returncode == 2 and not LOCATED.match(lines[0]):
        return "no FILE:LINE:COL: " + lines[0]
    return None


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        os.makedirs(tmp + "/scenarios")
        os.makedirs(tmp + "/variants")
        shutil.copy(ROOT + "/scenarios/hotplug-migrate-unplug.scn", tmp + "/scenarios/base.scn")
        files = inputs(tmp)
        for k in range(n):
            kind = rng.choice(["scn", "scn", "var", "trace", "job", "result", "check"])
            src = rng.choice(files[kind])
            path = target(kind, tmp)
            with open(src, encoding="utf-8", errors="surrogateescape") as f:
                text = mutate(rng, f.read())
            with open(path, "w", encoding="utf-8", errors="surrogateescape") as f:
                f.write(text)
            cmd = command(rng, kind, path, tmp)
            try:
                why = judge(subprocess.run(cmd, capture_output=True, cwd=ROOT, timeout=60))
            except subprocess.TimeoutExpired:
                why = "no end within 60 s"
            if why:
                failed += 1
                keep = "%s/../input-fuzz-%d%s" % (tmp, k, os.path.splitext(path)[1])
                shutil.copy(path, keep)
                print("FAIL %s: %s (mutant of %s kept as %s)" % (" ".join(cmd[1:3]), why,
                                                                  os.path.relpath(src, ROOT), keep))
    print("%d mutants, %d failed" % (n, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
