#!/usr/bin/env bash
# Builds a tree holding every case an image must keep: usage: crafted-tree.sh DIR [reverse]
# With "reverse" the same tree is made in a different creation order (other inode numbers and
# directory order on disk) for the determinism test. Needs root, attr, acl, libcap2-bin, python3.
set -euo pipefail
D=$1; ORDER=${2:-forward}
mkdir -p "$D"; cd "$D"

files() {
  printf 'hello, world\n' > hello.txt
  : > empty
  # deterministic "random" content so two creations are byte-identical
  python3 - <<'PY'
import hashlib
out = bytearray()
h = b"spore"
while len(out) < 3_000_000:
    h = hashlib.sha256(h).digest(); out += h
open("random.bin", "wb").write(bytes(out[:3_000_000]))
PY
  for i in $(seq 1 40); do printf 'small file %d\n' "$i" > "small-$i"; done
  printf 'x' > 'with space'
  printf 'n' > $'new\nline'
  printf 'u' > $'caf\xc3\xa9'
  printf 'b' > $'bad\xff\xfename'
  printf 'c' > $'ctl\x01\x7f'
  truncate -s 8M sparse; printf 'middle' | dd of=sparse bs=1 seek=4194304 conv=notrunc status=none
  printf 'suid' > setuid; printf 'sgid' > setgid
  printf 'cap' > capped
  printf 'acl' > acl-file
}
dirs() {
  mkdir -p emptydir sticky acl-dir a/b/c
  printf 'deep' > a/b/c/leaf
  # a path longer than PATH_MAX (4096): 60 levels of 80-byte names
  ( n=$(printf 'd%.0s' $(seq 1 80)); for i in $(seq 1 60); do mkdir "$n"; cd "$n"; done; printf 'bottom' > file; ln -s ../target link )
}
specials() {
  mknod cdev c 1 3; mknod bdev b 7 0; mknod bigdev c 300 70000
  mkfifo fifo
  python3 -c 'import socket; s = socket.socket(socket.AF_UNIX); s.bind("sock")'
  ln -s hello.txt link; ln -s /nonexistent/abs dangling
  ln -s "$(printf 'L%.0s' $(seq 1 1500))" longlink
  ln -s $'tar\xffget' badlink
}
links() {
  ln hello.txt hard1; ln hello.txt a/hard2; ln a/b/c/leaf leaf-link
  ln -P link hardsym; ln fifo hardfifo; ln empty empty-link
}
if [ "$ORDER" = reverse ]; then specials; dirs; files; links
else files; dirs; specials; links; fi

chown 1234:5678 hello.txt; chown -h 42:43 link; chown 0:6 bdev
chown 1000:1000 setuid; chmod 4755 setuid
chown 0:50 setgid; chmod 2750 setgid
chmod 1777 sticky; chmod 0 empty; chmod 0604 random.bin; chmod 2775 acl-dir
chown 7:8 fifo; chmod 0620 fifo; chmod 0600 sock
setfattr -n user.test -v value hello.txt
setfattr -n user.binary -v 0x00ff10ab00 random.bin
setfattr -n user.empty emptydir
setfattr -h -n trusted.sym -v linkattr link
setcap cap_net_raw,cap_net_admin+ep capped
setfacl -m u:1000:rwx,g:100:r-x acl-file
setfacl -d -m u:1000:rwx acl-dir; setfacl -m u:1001:r-x acl-dir
# times last, deepest first (-execdir copes with paths longer than PATH_MAX)
find . -depth -execdir touch -h -d '@1600000000.123456789' {} +
touch -h -d '@1700000000.987654321' hello.txt
touch -h -d '@1234567890.000000001' link
touch -h -d '@1500000000.5' a/b
printf 'old' > before-1970; touch -h -d '@-1000000.25' before-1970
touch -h -d '@1600000001.000000002' .
