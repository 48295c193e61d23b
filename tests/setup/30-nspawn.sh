#!/usr/bin/env bash
# What the machine tests (nspawn module, cli machine commands) need beyond 00-packages.sh:
# busybox for the test server in a network namespace of the test's own, and the kernel modules
# for veth pairs, bridges, overlayfs and nftables NAT (built in on some kernels: then a no-op).
set -euo pipefail
. "$(dirname "$0")/../../scripts/env.sh"
spore_packages busybox-static systemd-container nftables iproute2 openssh-client
for m in veth bridge overlay nf_tables nft_chain_nat nft_masq; do
  modprobe -q "$m" 2>/dev/null || true
done
# systemd-nspawn wants these on the host even when systemd is not PID 1.
[ -e /etc/machine-id ] || systemd-machine-id-setup >/dev/null
[ -e /usr/lib/os-release ] || [ -e /etc/os-release ] || spore_die "no os-release on the host: systemd-nspawn refuses to run without one"
