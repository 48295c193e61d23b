#!/usr/bin/env bash
# Debian bookworm root filesystems made by debootstrap, cached between runs on one machine:
#   $SPORE_TEST_CACHE/rootfs/minbase       debootstrap --variant=minbase
#   $SPORE_TEST_CACHE/rootfs/minbase-plus  the same plus two packages (for the dedup test)
#   $SPORE_TEST_CACHE/rootfs/ssh           minbase plus systemd, openssh-server, iproute2 (bootable)
# Each is built in a temporary directory and renamed into place, so a killed run leaves no
# half-made fixture behind. No mirror is named: debootstrap uses its configured default.
set -euo pipefail
. "$(dirname "$0")/../../scripts/env.sh"
spore_packages debootstrap
CACHE="${SPORE_TEST_CACHE:-/var/cache/spore-tests}/rootfs"
mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock 9

make_rootfs() { # name, extra debootstrap args...
  local name=$1; shift
  [ -f "$CACHE/$name/.complete" ] && return 0
  local tmp="$CACHE/.tmp-$name"
  rm -rf "$tmp" "$CACHE/$name"
  echo "debootstrap $name (cached afterwards in $CACHE/$name)"
  local log="$CACHE/.log-$name"
  if ! debootstrap --variant=minbase "$@" bookworm "$tmp" >"$log" 2>&1; then
    tail -20 "$log" >&2
    spore_die "debootstrap of $name failed (log above, full log in $log)"
  fi
  # Keep the fixture small and stable: no package caches, no logs that vary per run.
  rm -rf "$tmp"/var/cache/apt/archives/*.deb "$tmp"/var/lib/apt/lists/*_*
  touch "$tmp/.complete"
  mv "$tmp" "$CACHE/$name"
}

make_rootfs minbase
make_rootfs minbase-plus --include=less,nano
make_rootfs ssh --include=systemd,systemd-sysv,dbus,openssh-server,iproute2,iputils-ping,procps,netcat-openbsd
ls -d "$CACHE"/*/
