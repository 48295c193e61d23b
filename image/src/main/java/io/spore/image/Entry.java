package io.spore.image;

import java.util.Arrays;
import java.util.SortedMap;

/**
 * One path of an image, with everything a root filesystem keeps about it. Names and targets are
 * bytes because Linux names need not be UTF-8.
 *
 * @param path           path relative to the image root, components joined by '/', no leading
 *                       slash; the root itself is the empty path
 * @param type           the file type
 * @param mode           permission bits including setuid, setgid and sticky (07777), no type bits
 * @param uid            owner
 * @param gid            group
 * @param mtimeNanos     modification time, nanoseconds since the epoch
 * @param size           regular file: content length; symlink: target length; otherwise 0
 * @param linkTarget     symlink target, else null
 * @param hardLinkTarget for the second and later paths of one inode: the path of the first one
 *                       (which comes earlier in image order); such an entry carries no content of
 *                       its own and its other fields equal the target's. Null otherwise.
 * @param rdev           device number of character and block devices (Linux dev_t encoding), else 0
 * @param xattrs         extended attributes by name (security.capability, system.posix_acl_access,
 *                       user.*, ...), values as stored by the kernel
 * @param streamOffset   regular files with content: where the content starts in the image's packed
 *                       stream; -1 for everything else and for entries not yet written
 */
public record Entry(byte[] path, FileType type, int mode, int uid, int gid, long mtimeNanos, long size,
                    byte[] linkTarget, byte[] hardLinkTarget, long rdev, SortedMap<String, byte[]> xattrs,
                    long streamOffset) {

    public boolean isHardLink() { return hardLinkTarget != null; }

    /** The last path component (the root's name is empty). */
    public byte[] name() {
        int i = lastSlash(path);
        return Arrays.copyOfRange(path, i + 1, path.length);
    }

    static int lastSlash(byte[] p) {
        for (int i = p.length - 1; i >= 0; i--) if (p[i] == '/') return i;
        return -1;
    }

    public Entry withStreamOffset(long offset) {
        return new Entry(path, type, mode, uid, gid, mtimeNanos, size, linkTarget, hardLinkTarget, rdev, xattrs, offset);
    }

    @Override public boolean equals(Object o) {
        return o instanceof Entry e && Arrays.equals(path, e.path) && type == e.type && mode == e.mode
                && uid == e.uid && gid == e.gid && mtimeNanos == e.mtimeNanos && size == e.size
                && Arrays.equals(linkTarget, e.linkTarget) && Arrays.equals(hardLinkTarget, e.hardLinkTarget)
                && rdev == e.rdev && xattrsEqual(xattrs, e.xattrs) && streamOffset == e.streamOffset;
    }

    private static boolean xattrsEqual(SortedMap<String, byte[]> a, SortedMap<String, byte[]> b) {
        if (a.size() != b.size()) return false;
        for (var en : a.entrySet()) if (!Arrays.equals(en.getValue(), b.get(en.getKey()))) return false;
        return true;
    }

    @Override public int hashCode() { return Arrays.hashCode(path); }

    @Override public String toString() {
        return type + " " + new String(path, java.nio.charset.StandardCharsets.UTF_8) + " mode=" + Integer.toOctalString(mode)
                + " " + uid + ":" + gid + " size=" + size;
    }
}
