#!/usr/bin/env bash
# js-ipns (the reference JavaScript IPNS record library) for IpnsInteropTest, installed from npm into
# $SPORE_TEST_CACHE/npm-ipns/<hash of package.json> and reused while package.json is unchanged.
# Kept apart from npm-peers so that adding it does not reinstall (and re-resolve) the libp2p peers.
# Tests find it through $SPORE_TEST_CACHE/npm-ipns/current.
set -euo pipefail
. "$(dirname "$0")/../../scripts/env.sh"
spore_npm_cache "$(cd "$(dirname "$0")/../interop/ipns-js" && pwd)" "${SPORE_TEST_CACHE:-/var/cache/spore-tests}/npm-ipns" "js-ipns"
