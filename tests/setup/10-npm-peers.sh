#!/usr/bin/env bash
# js-libp2p and Helia for the interop tests, installed from npm into
# $SPORE_TEST_CACHE/npm-peers/<hash of package.json> and reused while package.json is unchanged.
# Tests find the directory (node_modules plus the peer scripts) through
# $SPORE_TEST_CACHE/npm-peers/current.
set -euo pipefail
. "$(dirname "$0")/../../scripts/env.sh"
SRC=$(cd "$(dirname "$0")/../interop/js" && pwd)
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || spore_packages nodejs npm
BASE="${SPORE_TEST_CACHE:-/var/cache/spore-tests}/npm-peers"
mkdir -p "$BASE"
exec 9>"$BASE/.lock"
flock 9
hash=$( (cat "$SRC/package.json"; node --version) | sha256sum | cut -c1-16)
DIR="$BASE/$hash"
if [ ! -f "$DIR/.complete" ]; then
  rm -rf "$DIR.tmp"
  mkdir -p "$DIR.tmp"
  cp "$SRC/package.json" "$DIR.tmp/"
  echo "npm install of the interop peers (cached afterwards in $DIR)"
  (cd "$DIR.tmp" && npm install --no-audit --no-fund --loglevel=error >"$BASE/.npm-log" 2>&1) \
    || { tail -30 "$BASE/.npm-log" >&2; spore_die "npm install of the interop peers failed (log above)"; }
  touch "$DIR.tmp/.complete"
  rm -rf "$DIR"; mv "$DIR.tmp" "$DIR"
fi
# The peer scripts come from the checkout on every run; only node_modules is cached.
find "$DIR" -maxdepth 1 -name '*.mjs' -delete
cp "$SRC"/*.mjs "$DIR/"
ln -sfn "$DIR" "$BASE/current"
echo "interop peers ready in $BASE/current (node $(node --version))"
