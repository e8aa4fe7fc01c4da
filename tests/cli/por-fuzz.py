#!/usr/bin/env python3
"""Random scenarios against the partial-order reduction and the symmetry.

Writes N small scenarios from a seed and explores each, under a variant
picked at random. Two in three are free-form (CPU cores and DIMMs hot-plugged
and unplugged by two or three independent scripts, waits with and without
timeouts, guest CPU offlining, a guest disk read, suspend and resume, a migration and unplugs on
its destination, a reset); one in three has two or three clients running the same random script,
each on its own core (every other such scenario: each on its own DIMM),
beside a script that may wait for all of them, migrate, reset, offline a
CPU or read the disk, and one in four of the core ones also plug a core of
its own (with a client's core-id or a free one). One in four also has a slow LMB offline (guest.lmb-offline, untimed
or timed), and one in four the re-pulse window of guest.rtas-lock-wait.
Each is explored with --por none --symmetry off (up to NONE_MAX_STATES: a
scenario larger than that has nothing to compare against and is counted
apart), then --por sleep and dpor with the symmetry and dpor without it (all
three with --por-check). The verdict and the quiescent end states must agree; where the
unreduced search hit one of the model's queue bounds (MAX_GUEST_WORK,
MAX_EVENTS: "model bound", which makes a search incomplete), only the violated
families, since the reduction treats the queues as unbounded and an order it
leaves out may be the one that stays within the bound. Prints one line per
failure and "N passed, M failed"; exits 1 on a failure.
Usage: por-fuzz.py [N] [SEED].
"""
import os
import random
import subprocess
import sys
import tempfile

DRCSIM = os.environ.get("DRCSIM", "build/drcsim")
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
NONE_MAX_STATES = 2000000   # about 12 s unreduced; a scenario past it is left out, and counted


def line_choices(rng, migrate_left, defined):
    """One script line; migrate at most once. A device is named only after a
    line (in file order) has added it, as the scenario language requires."""
    core = rng.randint(1, 3)
    kinds = ["add", "add", "del", "del", "wait-online", "wait-timeout", "offline",
             "dimm-add", "dimm-del", "reset", "dst-del", "wait-migrated", "read", "suspend",
             "resume"]
    if migrate_left:
        kinds += ["migrate", "migrate"]
    kind = rng.choice(kinds)
    if kind in ("del", "wait-online", "wait-timeout", "dst-del") and f"core{core}" not in defined:
        kind = "add"
    if kind == "dimm-del" and "d1" not in defined:
        kind = "dimm-add"
    if kind == "add":
        defined.add(f"core{core}")
        return f"do src device_add cpu core{core} core-id={core}", False
    if kind == "del":
        return f"do src device_del core{core}", False
    if kind == "wait-online":
        return f"wait src guest-online core{core} timeout=30s", False
    if kind == "wait-timeout":
        return f"wait src guest-online core{core} timeout=20ms", False
    if kind == "offline":
        return f"do src guest cpu-offline {rng.randint(0, 2)}", False
    if kind == "dimm-add":
        defined.add("d1")
        return "do src device_add dimm d1 size=512M", False
    if kind == "dimm-del":
        return "do src device_del d1", False
    if kind == "dst-del":
        return f"do dst device_del core{core}", False
    if kind == "wait-migrated":
        return "wait dst migrated timeout=60s", False
    if kind == "reset":
        return "do src system_reset", False
    if kind == "read":
        return "do src guest disk-read", False
    if kind == "suspend":   # admitted inside the migration job
        return "do src stop", False
    if kind == "resume":
        return "do src cont", False
    return "do migrate src dst", True


def scenario(rng, n):
    lines = [f"scenario fuzz-{n}", "machine src cores=4 lmbs=4",
             "machine dst like=src incoming=defer"]
    migrate_left, defined = True, set()
    for s in range(rng.randint(2, 3)):
        lines.append(f"script c{s}")
        for _ in range(rng.randint(1, 3)):
            text, used = line_choices(rng, migrate_left, defined)
            migrate_left &= not used
            lines.append(text)
    return "\n".join(lines) + "\n"


def client_line(rng, i):
    """One line of the clients' common script, for client i's own core."""
    return rng.choice([f"do src device_add cpu core{i} core-id={i}",
                       f"do src device_del core{i}", f"do dst device_del core{i}",
                       f"wait src guest-online core{i} timeout=30s",
                       f"wait src guest-online core{i} timeout=20ms",
                       "wait dst migrated timeout=60s", "wait src quiescent"])


def dimm_client_line(rng, i, size):
    """One line of the clients' common script, for client i's own DIMM."""
    return rng.choice([f"do src device_add dimm d{i} size={size}", f"do src device_del d{i}",
                       f"do dst device_del d{i}", f"do dst device_add dimm d{i} size={size}",
                       f"wait src event DEVICE_DELETED d{i} timeout=20ms",
                       "wait dst migrated timeout=60s", "wait src quiescent"])


def symmetric(rng, n):
    """Clients equal up to their cores (or DIMMs), and one other script."""
    k = rng.randint(2, 3)
    template = [rng.randrange(1 << 30) for _ in range(rng.randint(1, 2))]
    dimm = n % 6 == 5
    size = ("256M", "512M")[template[0] & 1]
    lines = [f"scenario fuzz-{n}", "machine src cores=5" + (" lmbs=6" if dimm else ""),
             "machine dst like=src incoming=defer"]
    for i in range(1, k + 1):
        lines.append(f"script client{i}")
        if dimm:
            lines.append(f"do src device_add dimm d{i} size={size}")
            lines += [dimm_client_line(random.Random(t), i, size) for t in template]
            continue
        lines.append(f"do src device_add cpu core{i} core-id={i}")
        lines += [client_line(random.Random(t), i) for t in template]
    lines.append("script other")
    cores = " ".join(f"core{i}" for i in range(1, k + 1))
    for kind in rng.sample(["online", "migrate", "reset", "offline", "read"], rng.randint(1, 2)):
        line = {"online": f"wait src guest-online {cores} timeout=30s",
                "migrate": "do migrate src dst", "reset": "do src system_reset",
                "offline": f"do src guest cpu-offline {rng.randint(0, k)}",
                "read": "do src guest disk-read"}[kind]
        if dimm:   # the other script's own DIMMs compete for the LMBs instead
            line = {"online": "wait src quiescent", "migrate": line,
                    "reset": "do src device_add dimm x size=256M",
                    "offline": "do dst device_add dimm y size=256M",
                    "read": "do src guest disk-read"}[kind]
        lines.append(line)
    return "\n".join(lines) + "\n"


def other_core(rng, text):
    """One in four scenarios with core clients: the other script also plugs a core,
    on either machine, with a client's core-id or a free one."""
    if "script other" not in text or "cpu core" not in text or rng.random() >= 0.25:
        return ""
    k = text.count("script client")
    return f"do {rng.choice(['src', 'dst'])} device_add cpu x core-id={rng.randint(1, k + 1)}\n"


def explore(path, mode, end, variant, extra=()):
    mode, sym = mode.split(":")
    args = [DRCSIM, "explore", path, "--variant", variant, "--por", mode, "--symmetry", sym,
            "--end-states", end, "--por-check", *extra]
    p = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
    verdict = [l.split(": ", 1)[1] for l in p.stdout.splitlines() if " under " in l]
    return p.returncode, verdict, p.stdout + p.stderr


def families(verdict):
    """The violated families of a verdict line: a model bound makes a search incomplete,
    not failed, so at a bound only the families compare."""
    v = verdict[0] if verdict else ""
    return set(v[5:].split(",")) if v.startswith("fail ") else set()


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    rng = random.Random(seed)
    variants = sorted(f[:-4] for f in os.listdir(os.path.join(ROOT, "variants")) if f.endswith(".var"))
    passed = failed = skipped = symmetric_runs = bounded = too_large = 0
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(count):
            path = os.path.join(tmp, f"fuzz-{n}.scn")
            text = symmetric(rng, n) if n % 3 == 2 else scenario(rng, n)
            slow = random.Random(seed * 104729 + n)   # apart from rng: scenarios stay as they were
            if slow.random() < 0.25:
                text = text.replace("incoming=defer\n", "incoming=defer\nknob guest.lmb-offline="
                                    + slow.choice(["0-20s", "1-20s"]) + "\n", 1)
            if random.Random(seed * 15485863 + n).random() < 0.25:   # apart from rng, as above
                text = text.replace("incoming=defer\n", "incoming=defer\nknob guest.rtas-lock-wait=on\n", 1)
            text += other_core(random.Random(seed * 2750159 + n), text)
            with open(path, "w") as f:
                f.write(text)
            variant = random.Random(seed * 7919 + n).choice(variants)   # scenarios stay as they were
            rc, base, out = explore(path, "none:off", os.path.join(tmp, "none.end"), variant,
                                    ("--max-states", str(NONE_MAX_STATES)))
            if rc == 2:          # the scenario itself is refused: not a reduction matter
                skipped += 1
                continue
            if "cut short" in out:   # too large to explore unreduced: nothing to compare against
                too_large += 1
                continue
            if not base:         # nothing to compare against
                failed += 1
                print(f"FAIL - seed {seed} scenario {n} {variant} none: no verdict (exit {rc})")
                print("       " + out.strip().replace("\n", "\n       "))
                continue
            at_bound = "model bound" in out
            bounded += at_bound
            for mode in ("sleep:on", "dpor:on", "dpor:off"):
                end = os.path.join(tmp, mode.replace(":", "-") + ".end")
                rc2, got, out2 = explore(path, mode, end, variant)
                same_end = at_bound or (open(os.path.join(tmp, "none.end")).read() == open(end).read()
                                        if os.path.exists(end) else False)
                same = families(got) == families(base) if at_bound else got == base
                if rc2 > 1 or not same or not same_end:
                    failed += 1
                    print(f"FAIL - seed {seed} scenario {n} {variant} {mode}: exit {rc2}, {got} vs {base}"
                          f"{'' if same_end else ', other end states'}")
                    print("       " + open(path).read().replace("\n", "\n       "))
                    print("       " + out2.strip().replace("\n", "\n       "))
                else:
                    passed += 1
                    symmetric_runs += "\nsymmetry on:" in "\n" + out2
    print(f"{passed} passed, {failed} failed ({skipped} scenarios refused, "
          f"{too_large} past {NONE_MAX_STATES:,} states unreduced, "
          f"{symmetric_runs} runs with interchangeable clients, "
          f"{bounded} scenarios at a model bound: families only)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
