#!/usr/bin/env bash
# js-libp2p and Helia for the interop tests, installed from npm into
# $SPORE_TEST_CACHE/npm-peers/<hash of package.json> and reused while package.json is unchanged.
# Tests find the directory (node_modules plus the peer scripts) through
# $SPORE_TEST_CACHE/npm-peers/current.
set -euo pipefail
. "$(dirname "$0")/../../scripts/env.sh"
spore_npm_cache "$(cd "$(dirname "$0")/../interop/js" && pwd)" "${SPORE_TEST_CACHE:-/var/cache/spore-tests}/npm-peers" "the interop peers"
