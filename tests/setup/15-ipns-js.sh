#!/usr/bin/env bash
# js-ipns (the reference JavaScript IPNS record library) for IpnsInteropTest, installed from npm into
# $SPORE_TEST_CACHE/npm-ipns/<hash of package.json> and reused while package.json is unchanged.
# Kept apart from npm-peers so that adding it does not reinstall (and re-resolve) the libp2p peers.
# Tests find it through $SPORE_TEST_CACHE/npm-ipns/current.
set -euo pipefail
. "$(dirname "$0")/../../scripts/env.sh"
SRC=$(cd "$(dirname "$0")/../interop/ipns-js" && pwd)
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || spore_packages nodejs npm
BASE="${SPORE_TEST_CACHE:-/var/cache/spore-tests}/npm-ipns"
mkdir -p "$BASE"
exec 9>"$BASE/.lock"
flock 9
hash=$( (cat "$SRC/package.json"; node --version) | sha256sum | cut -c1-16)
DIR="$BASE/$hash"
if [ ! -f "$DIR/.complete" ]; then
  rm -rf "$DIR.tmp"
  mkdir -p "$DIR.tmp"
  cp "$SRC/package.json" "$DIR.tmp/"
  echo "npm install of js-ipns (cached afterwards in $DIR)"
  (cd "$DIR.tmp" && npm install --no-audit --no-fund --loglevel=error >"$BASE/.npm-log" 2>&1) \
    || { tail -30 "$BASE/.npm-log" >&2; spore_die "npm install of js-ipns failed (log above)"; }
  touch "$DIR.tmp/.complete"
  rm -rf "$DIR"; mv "$DIR.tmp" "$DIR"
fi
find "$DIR" -maxdepth 1 -name '*.mjs' -delete
cp "$SRC"/*.mjs "$DIR/"
ln -sfn "$DIR" "$BASE/current"
echo "js-ipns ready in $BASE/current (node $(node --version))"
