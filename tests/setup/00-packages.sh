#!/usr/bin/env bash
# Debian packages the test suite needs on the host.
set -euo pipefail
. "$(dirname "$0")/../../scripts/env.sh"
spore_packages maven libzstd1 zstd fuse libfuse2 attr acl libcap2-bin util-linux python3 debootstrap iproute2 \
  systemd-container nftables openssh-client skopeo umoci libssl3
# The machines ship Node 20 and npm; Debian's nodejs is older, so it is only a fallback.
command -v node >/dev/null 2>&1 || spore_packages nodejs npm
