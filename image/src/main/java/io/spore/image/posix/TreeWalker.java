package io.spore.image.posix;

import io.spore.image.Entry;
import io.spore.image.FileChangedException;
import io.spore.image.FileType;
import io.spore.image.posix.Posix.Stat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Walks a directory tree in image order (depth first, a directory before its children, children
 * sorted by name bytes) and hands each path to a {@link Visitor} as an {@link Entry}, regular files
 * with a channel on their content. Everything goes through descriptors of the parent directory,
 * so names need not be UTF-8 and paths may be longer than PATH_MAX.
 *
 * <p>The walk stays on the root's file system, as {@code tar --one-file-system} does: a directory
 * on which another file system is mounted (/proc, /sys, a bind mount) is listed, with the
 * attributes the mount shows, but not entered, unless the caller asks to cross mounts.
 *
 * <p>A regular file is checked after the visitor has read it: same inode, size, mtime and ctime as
 * before, and nothing more to read. Otherwise the walk fails with {@link FileChangedException}
 * naming the file, because an image must never hold a torn copy.
 */
public final class TreeWalker {
    /** Receives the entries; {@code content} is null except for regular files that are not hard links. */
    public interface Visitor {
        void visit(Entry entry, ReadableByteChannel content) throws IOException;
    }

    private record Inode(long dev, long ino) {}

    private final byte[] rootShown;
    private final Visitor visitor;
    private final java.util.Set<Inode> skip;
    private final boolean crossMounts;
    private long rootDev;
    private final Map<Inode, Entry> firstLinks = new HashMap<>();

    private TreeWalker(byte[] rootShown, Visitor visitor, java.util.Set<Inode> skip, boolean crossMounts) {
        this.rootShown = rootShown;
        this.visitor = visitor;
        this.skip = skip;
        this.crossMounts = crossMounts;
    }

    /**
     * Walks the tree at {@code root}. A missing root or one that is not a directory fails with a
     * one-line message saying so.
     */
    public static void walk(byte[] root, Visitor visitor) throws IOException {
        walk(root, visitor, List.of());
    }

    /**
     * As {@link #walk(byte[], Visitor)}, leaving out the directories {@code exclude} (those that
     * exist): the block store being written, when it lives inside the tree being shared.
     */
    public static void walk(byte[] root, Visitor visitor, List<byte[]> exclude) throws IOException {
        walk(root, visitor, exclude, false);
    }

    /** As above; with {@code crossMounts} the walk also enters file systems mounted inside the tree. */
    public static void walk(byte[] root, Visitor visitor, List<byte[]> exclude, boolean crossMounts) throws IOException {
        java.util.Set<Inode> skip = new java.util.HashSet<>();
        for (byte[] x : exclude) {
            try {
                Stat st = Posix.stat(Posix.AT_FDCWD, x, x);
                if (st.isDir()) skip.add(new Inode(st.dev(), st.ino()));
            } catch (Posix.PosixException e) {
                // not there (yet): nothing to leave out
            }
        }
        int fd;
        try {
            fd = Posix.open(root, Posix.O_RDONLY | Posix.O_DIRECTORY);
        } catch (Posix.PosixException e) {
            String what = Names.show(root);
            throw switch (e.errno()) {
                case Posix.ENOENT -> new IOException(what + " does not exist: give the root directory of the tree to share");
                case 20 /* ENOTDIR */ -> new IOException(what + " is not a directory: give the root directory of the tree to share");
                case Posix.EACCES -> new IOException("cannot open " + what + ": permission denied (run as root to share a root filesystem)");
                default -> e;
            };
        }
        try {
            TreeWalker w = new TreeWalker(root, visitor, skip, crossMounts);
            Stat st = Posix.stat(fd, new byte[0], root);
            w.rootDev = st.dev();
            w.emitDir(fd, new byte[0], st, xattrs(null, fd, root));
        } finally {
            Posix.close(fd);
        }
    }

    private byte[] shown(byte[] rel) { return Names.under(rootShown, rel); }

    private void emitDir(int fd, byte[] path, Stat st, SortedMap<String, byte[]> xattrs) throws IOException {
        visitor.visit(entry(path, FileType.DIRECTORY, st, null, xattrs), null);
        List<byte[]> names = Posix.list(fd, shown(path));
        names.sort(Arrays::compareUnsigned);
        for (byte[] name : names) {
            byte[] childPath = Names.child(path, name);
            byte[] shown = shown(childPath);
            Stat cs = Posix.stat(fd, name, shown);
            SortedMap<String, byte[]> cx = xattrs(Posix.procPath(fd, name), -1, shown);
            if (cs.isDir()) {
                if (!skip.isEmpty() && skip.contains(new Inode(cs.dev(), cs.ino()))) continue;
                if (cs.dev() != rootDev && !crossMounts) {
                    visitor.visit(entry(childPath, FileType.DIRECTORY, cs, null, cx), null);
                    continue;
                }
                int cfd = Posix.openat(fd, name, Posix.O_RDONLY | Posix.O_DIRECTORY | Posix.O_NOFOLLOW, 0, shown);
                try {
                    emitDir(cfd, childPath, cs, cx);
                } finally {
                    Posix.close(cfd);
                }
                continue;
            }
            if (cs.nlink() > 1) {
                Inode ino = new Inode(cs.dev(), cs.ino());
                Entry first = firstLinks.get(ino);
                if (first != null) {
                    visitor.visit(new Entry(childPath, first.type(), first.mode(), first.uid(), first.gid(), first.mtimeNanos(),
                            first.size(), first.linkTarget(), first.path(), first.rdev(), first.xattrs(), -1), null);
                    continue;
                }
            }
            Entry e = switch (cs.type()) {
                case Posix.S_IFREG -> {
                    Entry re = entry(childPath, FileType.REGULAR, cs, null, cx);
                    readFile(fd, name, re, cs, shown);
                    yield re;
                }
                case Posix.S_IFLNK -> {
                    byte[] target = Posix.readlinkat(fd, name, cs.size(), shown);
                    Entry le = entry(childPath, FileType.SYMLINK, cs, target, cx);
                    visitor.visit(le, null);
                    yield le;
                }
                default -> {
                    Entry oe = entry(childPath, typeOf(cs, shown), cs, null, cx);
                    visitor.visit(oe, null);
                    yield oe;
                }
            };
            if (cs.nlink() > 1) firstLinks.put(new Inode(cs.dev(), cs.ino()), e);
        }
    }

    private static FileType typeOf(Stat st, byte[] shown) throws IOException {
        return switch (st.type()) {
            case Posix.S_IFCHR -> FileType.CHAR_DEVICE;
            case Posix.S_IFBLK -> FileType.BLOCK_DEVICE;
            case Posix.S_IFIFO -> FileType.FIFO;
            case Posix.S_IFSOCK -> FileType.SOCKET;
            default -> throw new IOException(Names.show(shown) + ": unknown file type 0" + Integer.toOctalString(st.type()));
        };
    }

    private static Entry entry(byte[] path, FileType type, Stat st, byte[] target, SortedMap<String, byte[]> xattrs) {
        long size = switch (type) {
            case REGULAR -> st.size();
            case SYMLINK -> target.length;
            default -> 0;
        };
        long rdev = type == FileType.CHAR_DEVICE || type == FileType.BLOCK_DEVICE ? st.rdev() : 0;
        return new Entry(path, type, st.perm(), st.uid(), st.gid(), st.mtimeNanos(), size, target, null, rdev, xattrs, -1);
    }

    private void readFile(int dirfd, byte[] name, Entry entry, Stat before, byte[] shown) throws IOException {
        int fd = Posix.openat(dirfd, name, Posix.O_RDONLY | Posix.O_NOFOLLOW | Posix.O_NONBLOCK, 0, shown);
        try {
            FdChannel ch = new FdChannel(fd, shown);
            try {
                visitor.visit(entry, ch);
            } catch (FileChangedException e) {
                // name the file by the path the user gave, not the image-relative one
                String rel = Names.show(entry.path()), msg = e.getMessage();
                String tail = msg == null ? "" : msg.startsWith("/" + rel + " ") ? msg.substring(rel.length() + 1)
                        : msg.startsWith(rel + " ") ? msg.substring(rel.length()) : ": " + msg;
                throw new FileChangedException(Names.show(shown) + tail);
            }
            Stat after = Posix.stat(fd, new byte[0], shown);
            String change = null;
            if (after.ino() != before.ino() || after.dev() != before.dev()) change = "it was replaced";
            else if (after.size() != before.size()) change = "size " + before.size() + " -> " + after.size();
            else if (after.mtimeNanos() != before.mtimeNanos()) change = "its mtime moved";
            else if (after.ctimeNanos() != before.ctimeNanos()) change = "its ctime moved";
            else if (ch.count() != before.size()) change = "read " + ch.count() + " of " + before.size() + " bytes";
            else if (Posix.read(fd, ByteBuffer.allocate(1), shown) > 0) change = "it grew";
            if (change != null) {
                throw new FileChangedException(Names.show(shown) + " changed while it was read (" + change
                        + "): stop what writes to it, or share a snapshot");
            }
        } finally {
            Posix.close(fd);
        }
    }

    /** Raw xattrs by name; the names are UTF-8 in the image (all in use on Linux are ASCII). */
    static SortedMap<String, byte[]> xattrs(byte[] path, int fd, byte[] shown) throws IOException {
        List<byte[]> names = Posix.listxattr(path, fd, shown);
        if (names.isEmpty()) return Collections.emptySortedMap();
        SortedMap<String, byte[]> out = new TreeMap<>();
        for (byte[] n : names) {
            byte[] v = Posix.getxattr(path, fd, n, shown);
            if (v == null) continue;
            String name;
            try {
                name = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(n)).toString();
            } catch (CharacterCodingException e) {
                throw new IOException(Names.show(shown) + ": xattr name " + Names.show(n)
                        + " is not UTF-8, which images cannot hold: remove or rename it");
            }
            out.put(name, v);
        }
        return out;
    }

    /** A file's content read with read(2) straight into the caller's buffer, counted. */
    static final class FdChannel implements ReadableByteChannel {
        private final int fd;
        private final byte[] shown;
        private long count;
        private boolean open = true;

        FdChannel(int fd, byte[] shown) {
            this.fd = fd;
            this.shown = shown;
        }

        long count() { return count; }

        int fd() { return fd; }

        @Override public int read(ByteBuffer dst) throws IOException {
            if (!open) throw new java.nio.channels.ClosedChannelException();
            int n = Posix.read(fd, dst, shown);
            if (n > 0) count += n;
            return n;
        }

        @Override public boolean isOpen() { return open; }

        /** The walker owns the descriptor; closing only stops further reads. */
        @Override public void close() { open = false; }
    }
}
