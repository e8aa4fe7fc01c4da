# Sourced by the CLI test scripts: strict variables, the drcsim under test,
# the source tree as working directory, a temporary directory removed on
# exit, the pass/fail counters and ok/bad, the race catalogue, and total()
# for the script's last line.
set -u
: "${DRCSIM:=build/drcsim}"
cd "$(dirname "$0")/../.." || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

. scripts/catalogue.sh   # $catalogue

# One line per check; a failure shows the head of the output it was judged on ($tmp/out).
ok()  { pass=$((pass + 1)); echo "ok   - $1"; }
bad() { fail=$((fail + 1)); echo "FAIL - $1"; [ -f "$tmp/out" ] && sed 's/^/       /' "$tmp/out" | head -30; }

# "N passed, M failed", and the script's exit status.
total() {
    echo "$pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}
