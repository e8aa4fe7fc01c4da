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

# exit_and_line DESC WANT GOT MODE PATTERN: ok when the command under test exited WANT
# (it exited GOT) and, unless PATTERN is empty, $tmp/out has a line grep MODE (-E or -F)
# finds PATTERN in.
exit_and_line() {
    if [ "$3" -ne "$2" ]; then
        echo "(exit $3, wanted $2)" >>"$tmp/out"; bad "$1"
    elif [ -n "$5" ] && ! grep "$4" -q -- "$5" "$tmp/out"; then
        echo "(no line matches: $5)" >>"$tmp/out"; bad "$1"
    else
        ok "$1"
    fi
}

# "N passed, M failed", and the script's exit status.
total() {
    echo "$pass passed, $fail failed"
    [ "$fail" -eq 0 ]
}
