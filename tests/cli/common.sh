# Sourced by the CLI test scripts: strict variables, the drcsim under test,
# the source tree as working directory, a temporary directory removed on
# exit, the pass/fail counters, the race catalogue, and total() for the
# script's last line.
set -u
: "${DRCSIM:=build/drcsim}"
cd "$(dirname "$0")/../.." || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

. scripts/catalogue.sh   # $catalogue

# "N passed, M failed", and the script's exit status.
total() {
    echo "$pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}
