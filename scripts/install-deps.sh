#!/bin/sh
# Installs the Debian packages drcsim's build and tests need, and only those
# that are missing: `apt-get update` runs once, and only when something is.
# Used by `make run`, `make check` and .ci/run; safe to run again.
set -eu
pkgs="gcc make pkg-config libglib2.0-dev libjson-glib-dev libfdt-dev libcmocka-dev libxxhash-dev python3 graphviz"
missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "drcsim: missing packages:$missing (run as root, or: sudo apt-get install -y$missing)" >&2
    exit 1
fi
echo "drcsim: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
