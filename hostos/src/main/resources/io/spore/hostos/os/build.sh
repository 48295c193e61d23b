#!/usr/bin/env bash
# Assembles Spore OS: vmlinuz + initrd.img (+ spore-os.iso) from Debian bookworm packages, a
# jlink-trimmed JRE and the daemon's jars. Called by `container os build`; runnable by hand:
#
#   build.sh --out DIR --cache DIR --jars DIR --java-home DIR [--cmdline "..."] [--no-iso]
#
# Reproducible: the same packages, JDK and jars give the same bytes. Everything gets the mtime
# SOURCE_DATE_EPOCH (default: a fixed date), the cpio archive is sorted, and xz runs on one thread
# with fixed options. Downloaded packages are kept in CACHE/debs; apt picks no mirror of ours.
set -euo pipefail
export LC_ALL=C TZ=UTC
umask 022

OUT="" CACHE="" JARS="" JDK="${JAVA_HOME:-}" CMDLINE="" ISO=1
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT=$2; shift 2 ;;
    --cache) CACHE=$2; shift 2 ;;
    --jars) JARS=$2; shift 2 ;;
    --java-home) JDK=$2; shift 2 ;;
    --cmdline) CMDLINE=$2; shift 2 ;;
    --no-iso) ISO=0; shift ;;
    *) echo "build.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
die() { echo "spore-os build: $*" >&2; exit 1; }
T0=$(date +%s)
say() { echo "spore-os: [$(( $(date +%s) - T0 )) s] $*" >&2; }
[ -n "$OUT" ] && [ -n "$CACHE" ] && [ -n "$JARS" ] || die "--out, --cache and --jars are required"
[ -x "$JDK/bin/jlink" ] || die "no jlink in '$JDK': set JAVA_HOME to a JDK 25"
[ -f "$JARS/spore-cli.jar" ] || die "no spore-cli.jar in $JARS: run 'mvn -pl cli -am package' first"
for t in apt-get apt-cache dpkg-deb cpio xz readelf strip depmod mksquashfs; do
  command -v "$t" >/dev/null || die "'$t' is missing: apt-get install dpkg apt cpio xz-utils binutils kmod squashfs-tools"
done
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-1767225600}" # 2026-01-01T00:00:00Z
# crc32: the kernel's unxz needs it; the x86 BCJ filter (which the kernel's unxz has) makes the
# programs and libraries 5-10 % smaller.
XZ=(xz --check=crc32 --x86 --lzma2=preset=9e,dict=32MiB -T1 -c)

# ---- packages -------------------------------------------------------------------------------
# Programs, then the libraries their ELF files need (checked below: a missing one fails the build).
# iproute2: machines need 'ip netns' and veth peers made in a namespace, which busybox ip lacks.
PROGRAMS=(busybox-static dropbear-bin systemd-container libsystemd-shared fuse libfuse2 nftables
  iproute2 ca-certificates)
LIBS=(libc6 libacl1 libblkid1 libcap2 libcrypt1 libgcrypt20 libgpg-error0 libip4tc2 libkmod2
  liblz4-1 libmount1 libssl3 libpam0g libaudit1 libcap-ng0 libseccomp2 libselinux1 libpcre2-8-0
  libzstd1 liblzma5 libtomcrypt1 libtommath1 zlib1g libnftables1 libmnl0 libnftnl11 libjansson4
  libxtables12 libgmp10 libedit2 libtinfo6 libbsd0 libmd0 libbpf1 libelf1)
# The kernel: the generic flavour's real package behind the meta package. Not the cloud one: its
# vmlinuz is LZ4-compressed (14.2 MB against 8.2 MB of xz here), and the generic one also knows
# real hardware for bare metal. What the cloud kernel has built in (ext4) is a module here.
KPKG=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -1)
[ -n "$KPKG" ] || die "apt does not know linux-image-amd64: run 'apt-get update' (bookworm sources needed)"
PKGS=("$KPKG" "${PROGRAMS[@]}" "${LIBS[@]}")

mkdir -p "$CACHE/debs" "$OUT"
chmod 755 "$CACHE/debs"
# One apt-cache call for all (each call costs seconds on a busy machine).
apt-cache show --no-all-versions "${PKGS[@]}" 2>/dev/null \
  | awk '/^Package: /{p=$2} /^Version: /{if (!(p in v)) v[p]=$2} END{for (p in v) print p "=" v[p]}' > "$CACHE/.versions.$$"
VERSIONS=()
for p in "${PKGS[@]}"; do
  pv=$(grep -m1 "^$p=" "$CACHE/.versions.$$") || { rm -f "$CACHE/.versions.$$"; die "apt has no package $p: run 'apt-get update'"; }
  VERSIONS+=("$pv")
done
rm -f "$CACHE/.versions.$$"
MISSING=()
for pv in "${VERSIONS[@]}"; do
  p=${pv%%=*} v=${pv#*=}
  ls "$CACHE/debs/${p}_${v//:/%3a}_"*.deb >/dev/null 2>&1 || MISSING+=("$pv")
done
if [ ${#MISSING[@]} -gt 0 ]; then
  say "downloading ${#MISSING[@]} packages into $CACHE/debs"
  (cd "$CACHE/debs" && apt-get -q -o APT::Sandbox::User=root download "${MISSING[@]}" >&2) \
    || die "apt-get download failed: check the network and the apt sources"
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/spore-os.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
POOL=$WORK/pool ROOT=$WORK/root
mkdir -p "$POOL" "$ROOT"
# Packages are unpacked once into CACHE/unpacked/<pkg>_<version> (the kernel alone takes a
# minute) and linked into the pool; a build only reads them.
mkdir -p "$CACHE/unpacked"
for pv in "${VERSIONS[@]}"; do
  p=${pv%%=*} v=${pv#*=}
  u="$CACHE/unpacked/${p}_${v//:/%3a}"
  if [ ! -d "$u" ]; then
    rm -rf "$u.tmp"; mkdir -p "$u.tmp"
    dpkg-deb -x "$(ls "$CACHE/debs/${p}_${v//:/%3a}_"*.deb | head -1)" "$u.tmp"
    # Debian's kernel package leaves modules.dep to its postinst: make it here, once.
    case "$p" in linux-image-*) depmod -b "$u.tmp" "${p#linux-image-}" ;; esac
    mv "$u.tmp" "$u"
  fi
  ln -s "$u" "$POOL/$p"
done
say "packages unpacked"

# ---- the tree: merged /usr, like Debian ------------------------------------------------------
for d in usr/bin usr/sbin usr/lib/x86_64-linux-gnu usr/lib64 usr/share etc root dev proc sys run tmp \
         var/lib/spore var/log mnt; do mkdir -p "$ROOT/$d"; done
ln -s usr/bin "$ROOT/bin"; ln -s usr/sbin "$ROOT/sbin"; ln -s usr/lib "$ROOT/lib"; ln -s usr/lib64 "$ROOT/lib64"
chmod 700 "$ROOT/root"; chmod 1777 "$ROOT/tmp"

# put PKG PATH...: copies files (keeping symlinks) from a package into the same place in the tree.
put() {
  local p=$1 f; shift
  for f in "$@"; do
    [ -e "$POOL/$p/$f" ] || [ -L "$POOL/$p/$f" ] || die "package $p has no $f"
    mkdir -p "$ROOT/$(dirname "$f")"
    cp -a "$POOL/$p/$f" "$ROOT/$(dirname "$f")/"
  done
}

put busybox-static bin/busybox
put dropbear-bin usr/sbin/dropbear
put systemd-container usr/bin/systemd-nspawn
put fuse bin/fusermount
put nftables usr/sbin/nft
put iproute2 bin/ip
# Applets as symlinks; only the ones not shadowed by a real program we ship (in either bin).
"$ROOT/bin/busybox" --list-full | while read -r a; do
  a=${a#/}; a=${a/#bin\//usr/bin/}; a=${a/#sbin\//usr/sbin/}
  [ -e "$ROOT/usr/bin/${a##*/}" ] || [ -e "$ROOT/usr/sbin/${a##*/}" ] \
    || { mkdir -p "$ROOT/$(dirname "$a")"; ln -sf /usr/bin/busybox "$ROOT/$a"; }
done
put libfuse2 lib/x86_64-linux-gnu/libfuse.so.2 "$(cd "$POOL/libfuse2" && ls lib/x86_64-linux-gnu/libfuse.so.2.*)"
mkdir -p "$ROOT/etc/ssl/certs"
find "$POOL/ca-certificates/usr/share/ca-certificates" -name '*.crt' | sort | xargs cat \
  > "$ROOT/etc/ssl/certs/ca-certificates.crt"

# ---- the JRE --------------------------------------------------------------------------------
# Modules the daemon needs: what jdeps lists, less those only reached behind a guard (the jars run
# on the class path, where module requires are not enforced): java.desktop and java.sql (+
# java.xml, 11 MB) for jackson's and snakeyaml's optional bean and java.sql.Date support; jdk.jfr
# for netty's JFR events (off when FlightRecorder cannot load); java.management and
# jdk.management for noise's intrinsics probe (catches LinkageError); java.naming for bcprov's
# LDAP store, which is pruned below.
JMODS=java.base,java.logging,jdk.unsupported
JRE=$ROOT/usr/lib/jvm/spore
mkdir -p "$(dirname "$JRE")"
"$JDK/bin/jlink" --add-modules "$JMODS" --output "$JRE" --strip-debug --no-header-files \
  --no-man-pages --compress=zip-0 --generate-cds-archive >&2 2>"$WORK/jlink.log" \
  || { cat "$WORK/jlink.log" >&2; die "jlink failed (above)"; }
find "$JRE" -name '*.so' -exec strip --strip-unneeded {} +
# One CDS archive: the no-compressed-oops one only serves heaps over 32 GB.
rm -rf "$JRE/legal" "$JRE/lib/server/classes_nocoops.jsa"
ln -s ../lib/jvm/spore/bin/java "$ROOT/usr/bin/java"
say "JRE linked"

# ---- the daemon's jars ----------------------------------------------------------------------
APP=$ROOT/usr/lib/spore
mkdir -p "$APP/lib"
# bcprov is 8 MB, most of it the JCA provider, TLS and post-quantum code; Spore uses only the
# lightweight Ed25519 and X25519 classes. Only bcprov classes reachable from Spore's jars stay
# (netty names BouncyCastleProvider too, but only for TLS, which Spore does not use).
ROOTS=$(for j in "$JARS/spore-cli.jar" "$JARS"/lib/spore-*.jar; do readlink -f "$j"; done | paste -sd:)
# Stored, not deflated, so xz compresses them with everything else; natives of other platforms
# dropped (zstd-jni and jffi carry one per OS and CPU). One JVM for all of them: see Repack.java.
"$JDK/bin/java" "$HERE/Repack.java" "$SOURCE_DATE_EPOCH" - "$APP" "$(readlink -f "$JARS/spore-cli.jar")" \
  || die "could not repack spore-cli.jar"
"$JDK/bin/java" "$HERE/Repack.java" "$SOURCE_DATE_EPOCH" "$ROOTS" "$APP/lib" $(for j in "$JARS"/lib/*.jar; do readlink -f "$j"; done) \
  || die "could not repack the jars in $JARS/lib"
say "jars repacked"

# ---- ELF library closure --------------------------------------------------------------------
LIBDIRS=()
for p in "${LIBS[@]}" libsystemd-shared libfuse2; do
  for d in lib/x86_64-linux-gnu usr/lib/x86_64-linux-gnu usr/lib/x86_64-linux-gnu/systemd lib64; do
    [ -d "$POOL/$p/$d" ] && LIBDIRS+=("$p:$d")
  done
done
find_lib() { # soname -> "pkg:path" of the first package that has it
  local e
  for e in "${LIBDIRS[@]}"; do
    [ -e "$POOL/${e%%:*}/${e#*:}/$1" ] && { echo "${e%%:*}:${e#*:}/$1"; return 0; }
  done
  return 1
}
have_lib() { [ -e "$ROOT/usr/lib/x86_64-linux-gnu/$1" ] || [ -e "$ROOT/usr/lib/x86_64-linux-gnu/systemd/$1" ] \
  || [ -e "$ROOT/usr/lib64/$1" ] || find "$JRE/lib" -name "$1" | grep -q .; }
while :; do
  added=0
  while read -r f; do
    for so in $(readelf -d "$f" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
      have_lib "$so" && continue
      hit=$(find_lib "$so") || die "no package in LIBS provides $so (needed by ${f#"$ROOT"}): add its package to LIBS"
      p=${hit%%:*} path=${hit#*:}
      # The file and, when the soname is a symlink, what it points to.
      put "$p" "$path"
      if [ -L "$POOL/$p/$path" ]; then put "$p" "$(dirname "$path")/$(readlink "$POOL/$p/$path")"; fi
      added=1
    done
  done < <(find "$ROOT" -type f \( -perm -u+x -o -name '*.so*' \) ! -path '*/usr/lib/spore/*' -print0 | xargs -0 file -N 2>/dev/null | sed -n 's/: *ELF .*//p')
  [ $added = 1 ] || break
done
put libc6 lib64/ld-linux-x86-64.so.2
say "library closure done"

# ---- kernel and modules ---------------------------------------------------------------------
KVER=${KPKG#linux-image-}
cp "$POOL/$KPKG/boot/vmlinuz-$KVER" "$WORK/vmlinuz"
MODS=(virtio virtio_ring virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci failover net_failover
  virtio_net virtio_blk virtio_console virtio_rng virtio_balloon virtiofs fuse overlay veth bridge tun
  loop squashfs nf_tables nft_chain_nat nft_masq nft_nat nft_ct nft_reject_inet nft_fib_inet
  nf_nat nf_conntrack vsock vmw_vsock_virtio_transport crc32c_generic ext4)
KSRC=$POOL/$KPKG/lib/modules/$KVER
KDST=$ROOT/usr/lib/modules/$KVER
mkdir -p "$KDST"
# modules.dep ("kernel/x/a.ko: kernel/y/b.ko ...") gives each module's dependencies; load order is
# dependencies first (a depth-first walk), written to /etc/spore-os/modules for init's insmod.
awk -v want="${MODS[*]}" '
  function base(p) { sub(/.*\//, "", p); sub(/\.ko.*$/, "", p); gsub(/-/, "_", p); return p }
  function visit(m,   n, i, d) { if (m in seen) return; seen[m] = 1
    n = split(deps[m], d, " "); for (i = n; i >= 1; i--) visit(base(d[i])); print path[m] }
  { m = base($1); sub(/:$/, "", $1); path[m] = $1; $1 = ""; deps[m] = $0 }
  END { n = split(want, w, " "); for (i = 1; i <= n; i++) { if (!(w[i] in path)) { print "MISSING " w[i]; continue } visit(w[i]) } }
' "$KSRC/modules.dep" > "$WORK/modorder"
grep -q '^MISSING' "$WORK/modorder" && die "modules not in $KPKG: $(grep '^MISSING' "$WORK/modorder" | tr '\n' ' ')"
while read -r m; do mkdir -p "$KDST/$(dirname "$m")"; cp "$KSRC/$m" "$KDST/$m"; done < "$WORK/modorder"
cp "$KSRC/modules.order" "$KSRC/modules.builtin" "$KSRC/modules.builtin.modinfo" "$KDST/"
depmod -b "$ROOT/usr" "$KVER"
mkdir -p "$ROOT/etc/spore-os"
sed "s|^|/usr/lib/modules/$KVER/|" "$WORK/modorder" > "$ROOT/etc/spore-os/modules"

# ---- configuration --------------------------------------------------------------------------
cp "$HERE/init" "$ROOT/init"; chmod 755 "$ROOT/init"
mkdir -p "$ROOT/usr/share/udhcpc"
cp "$HERE/udhcpc.script" "$ROOT/usr/share/udhcpc/default.script"; chmod 755 "$ROOT/usr/share/udhcpc/default.script"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$ROOT/etc/passwd"
printf 'root:*:20000:0:99999:7:::\nnobody:*:20000:0:99999:7:::\n' > "$ROOT/etc/shadow"; chmod 600 "$ROOT/etc/shadow"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$ROOT/etc/group"
printf '/bin/sh\n' > "$ROOT/etc/shells"
printf 'passwd: files\ngroup: files\nshadow: files\nhosts: files dns\n' > "$ROOT/etc/nsswitch.conf"
printf '127.0.0.1 localhost\n::1 localhost\n' > "$ROOT/etc/hosts"
cat > "$ROOT/usr/lib/os-release" <<EOF
NAME="Spore OS"
ID=spore
ID_LIKE=debian
PRETTY_NAME="Spore OS (Debian bookworm packages)"
VERSION_ID=1
HOME_URL=https://github.com/
EOF
sed -i '/^HOME_URL/d' "$ROOT/usr/lib/os-release"
ln -s ../usr/lib/os-release "$ROOT/etc/os-release"
cat > "$ROOT/usr/bin/container" <<'EOF'
#!/bin/sh
# The Spore CLI inside Spore OS (the daemon runs from the same jars).
exec /usr/bin/java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
  -cp '/usr/lib/spore/spore-cli.jar:/usr/lib/spore/lib/*' io.spore.cli.Main "$@"
EOF
chmod 755 "$ROOT/usr/bin/container"
printf '%s\n' "${VERSIONS[@]}" | sort > "$ROOT/etc/spore-os/packages"
echo "jdk=$("$JDK/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.runtime.version = //p')" >> "$ROOT/etc/spore-os/packages"
echo "kernel=$KVER" >> "$ROOT/etc/spore-os/packages"

# ---- the JRE and the jars as squashfs images ------------------------------------------------
# Read on demand through loop mounts instead of unpacked into RAM at boot: under TCG, unxz of
# the whole initramfs took 40 s, and the JVM touches a fraction of its 100 MB. /init mounts them
# at /usr/lib/spore-os/{jre,app}; the usual paths are symlinks there.
SQ=$ROOT/usr/lib/spore-os
mkdir -p "$SQ/jre" "$SQ/app"
squash() { # dir image (mksquashfs takes every timestamp from SOURCE_DATE_EPOCH)
  find "$1" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
  mksquashfs "$1" "$2" -noappend -quiet -no-progress -comp xz -Xbcj x86 -b 1M -all-root -no-xattrs \
    >/dev/null || die "mksquashfs $1 failed"
  rm -rf "$1"
}
squash "$JRE" "$SQ/jre.sqfs"; ln -s ../spore-os/jre "$JRE"
squash "$APP" "$SQ/app.sqfs"; ln -s spore-os/app "$APP"
say "squashfs images made"

# ---- archive --------------------------------------------------------------------------------
find "$ROOT" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
# Two segments, which the kernel unpacks one after the other: the tree through xz, then the
# squashfs images (xz inside already) uncompressed, which spares the kernel 20 MB of LZMA
# decoding at boot (seconds under TCG) for the same size.
SQFS='^usr/lib/spore-os/[^/]*\.sqfs$'
(cd "$ROOT" && find . -mindepth 1 | sed 's|^\./||' | grep -v "$SQFS" | sort | cpio -o -H newc -R 0:0 --reproducible --quiet) > "$WORK/initrd.cpio"
"${XZ[@]}" "$WORK/initrd.cpio" > "$WORK/initrd.img"
(cd "$ROOT" && find . -mindepth 1 | sed 's|^\./||' | grep "$SQFS" | sort | cpio -o -H newc -R 0:0 --reproducible --quiet) >> "$WORK/initrd.img"
say "initramfs compressed"
cp "$WORK/vmlinuz" "$OUT/vmlinuz.tmp"; mv "$OUT/vmlinuz.tmp" "$OUT/vmlinuz"
cp "$WORK/initrd.img" "$OUT/initrd.img.tmp"; mv "$OUT/initrd.img.tmp" "$OUT/initrd.img"
cp "$ROOT/etc/spore-os/packages" "$OUT/packages"

# ---- bootable ISO (BIOS: isolinux; hybrid, so it can be written to a USB stick) -------------
if [ "$ISO" = 1 ]; then
  ISOLINUX=/usr/lib/ISOLINUX/isolinux.bin
  for f in "$ISOLINUX" /usr/lib/ISOLINUX/isohdpfx.bin /usr/lib/syslinux/modules/bios/ldlinux.c32; do
    [ -f "$f" ] || die "$f is missing: apt-get install isolinux syslinux-common xorriso (or pass --no-iso)"
  done
  command -v xorriso >/dev/null || die "xorriso is missing: apt-get install xorriso (or pass --no-iso)"
  I=$WORK/iso; mkdir -p "$I/isolinux" "$I/boot"
  cp "$ISOLINUX" /usr/lib/syslinux/modules/bios/ldlinux.c32 "$I/isolinux/"
  cp "$WORK/vmlinuz" "$WORK/initrd.img" "$I/boot/"
  printf 'DEFAULT spore\nPROMPT 0\nTIMEOUT 0\nLABEL spore\n  KERNEL /boot/vmlinuz\n  INITRD /boot/initrd.img\n  APPEND console=ttyS0 console=tty0 %s\n' \
    "$CMDLINE" > "$I/isolinux/isolinux.cfg"
  find "$I" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
  xorriso -as mkisofs -quiet -o "$WORK/spore-os.iso" -V SPORE_OS \
    --modification-date="$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y%m%d%H%M%S00)" \
    -isohybrid-mbr /usr/lib/ISOLINUX/isohdpfx.bin -c isolinux/boot.cat -b isolinux/isolinux.bin \
    -no-emul-boot -boot-load-size 4 -boot-info-table "$I" >&2 2>"$WORK/xorriso.log" \
    || { cat "$WORK/xorriso.log" >&2; die "xorriso failed (above)"; }
  cp "$WORK/spore-os.iso" "$OUT/spore-os.iso.tmp"; mv "$OUT/spore-os.iso.tmp" "$OUT/spore-os.iso"
fi

# ---- report ---------------------------------------------------------------------------------
# Each part's share: its files alone through the same xz (an estimate; the real archive is one stream).
part() { # name dir...
  local n=$1; shift
  local b; b=$( (cd "$ROOT" && find "$@" -mindepth 0 \( -type f -o -type l \) 2>/dev/null | sort | cpio -o -H newc -R 0:0 --reproducible --quiet) | xz -6 -T0 -c | wc -c)
  printf '%s=%s\n' "$n" "$b"
}
{
  printf 'vmlinuz=%s\n' "$(stat -c %s "$OUT/vmlinuz")"
  printf 'initrd=%s\n' "$(stat -c %s "$OUT/initrd.img")"
  printf 'total=%s\n' $(( $(stat -c %s "$OUT/vmlinuz") + $(stat -c %s "$OUT/initrd.img") ))
  printf 'jre=%s\n' "$(stat -c %s "$SQ/jre.sqfs")"
  printf 'jars=%s\n' "$(stat -c %s "$SQ/app.sqfs")"
  part modules usr/lib/modules
  part libs usr/lib/x86_64-linux-gnu usr/lib64
  part programs usr/bin/busybox usr/bin/systemd-nspawn usr/sbin/dropbear usr/sbin/nft usr/bin/fusermount usr/bin/ip
  part certs etc/ssl
} > "$OUT/sizes"
echo "packages:"; sed 's/^/  /' "$OUT/packages"
echo "sizes (bytes; parts are xz estimates):"; sed 's/^/  /' "$OUT/sizes"
