#!/usr/bin/env bash
# What the Spore OS build and its qemu end-to-end test need on the host: apt's package lists
# (the build fetches Debian packages with apt-get download), the archive tools, qemu, dnsmasq,
# isolinux/xorriso for the ISO, ssh for logging in.
set -euo pipefail
. "$(dirname "$0")/../../scripts/env.sh"
spore_packages apt dpkg cpio xz-utils binutils kmod squashfs-tools isolinux syslinux-common xorriso \
  qemu-system-x86 dnsmasq-base openssh-client e2fsprogs iproute2
if ! apt-cache show --no-all-versions linux-image-cloud-amd64 >/dev/null 2>&1; then
  echo "apt-get update (the Spore OS build needs the bookworm package lists)"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq || spore_die "apt-get update failed: check the machine's package sources"
fi
mkdir -p "${SPORE_TEST_CACHE:-/var/cache/spore-tests}/spore-os"
