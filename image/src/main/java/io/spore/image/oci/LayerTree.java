package io.spore.image.oci;

import io.spore.image.Entry;
import io.spore.image.FileType;
import io.spore.image.ImageWriter;
import io.spore.image.posix.Names;
import io.spore.image.posix.Posix;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The union of an image's layers, kept in memory (metadata only; contents wait in a {@link Spool}).
 * Layers are applied in order with the OCI rules: an entry replaces what was at its path (a
 * directory over a directory only updates its metadata); {@code .wh.NAME} removes NAME of a lower
 * layer; {@code .wh..wh..opq} hides everything lower layers put in its directory; hard links share
 * an inode. Nothing touches the file system, so a hostile layer cannot write outside anything:
 * names with {@code ..} are refused, and a path that goes through a symlink is resolved inside
 * the tree (an absolute target starts at the image root, {@code ..} stops at it), as containerd does.
 */
final class LayerTree {
    private static final int MAX_LINKS = 40;
    private static final byte[] WH = ".wh.".getBytes(), OPAQUE = ".wh..wh..opq".getBytes();

    /** What a path holds; hard links are several leaves sharing one inode. */
    static final class Inode {
        final FileType type;
        final int mode, uid, gid;
        final long mtime, size, rdev, spoolOffset;
        final byte[] target;
        final SortedMap<String, byte[]> xattrs;

        Inode(FileType type, TarReader.Header h, long size, long rdev, long spoolOffset, byte[] target) {
            this.type = type;
            this.mode = h.mode();
            this.uid = (int) h.uid();
            this.gid = (int) h.gid();
            this.mtime = h.mtimeNanos();
            this.size = size;
            this.rdev = rdev;
            this.spoolOffset = spoolOffset;
            this.target = target;
            this.xattrs = h.xattrs().isEmpty() ? Collections.emptySortedMap() : h.xattrs();
        }
    }

    private abstract static sealed class Node permits Dir, Leaf {
        int layer;
    }

    private static final class Dir extends Node {
        final Dir parent;
        final TreeMap<byte[], Node> children = new TreeMap<>(Arrays::compareUnsigned);
        int mode = 0755, uid, gid;
        long mtime;
        SortedMap<String, byte[]> xattrs = Collections.emptySortedMap();

        Dir(Dir parent, int layer) {
            this.parent = parent;
            this.layer = layer;
        }
    }

    private static final class Leaf extends Node {
        final Inode inode;

        Leaf(Inode inode, int layer) {
            this.inode = inode;
            this.layer = layer;
        }
    }

    private final Dir root = new Dir(null, -1);
    private long entries;

    /** Applies one layer; {@code layer} counts from 0 upwards, {@code what} names it in errors. */
    void apply(TarReader tar, int layer, Spool spool, String what) throws IOException {
        TarReader.Header h;
        while ((h = tar.next()) != null) {
            if (++entries > 50_000_000) throw new IOException(what + " holds more than 50 million entries: refusing so much");
            byte[][] parts = split(h.name(), what);
            if (parts.length == 0) {
                if (h.type() == '5') setDir(root, h, layer);
                // a root entry of another kind cannot replace the root: ignored, as runtimes do
                continue;
            }
            byte[] name = parts[parts.length - 1];
            if (startsWith(name, WH)) {
                // a whiteout in a directory no lower layer made hides nothing, and makes nothing; an
                // opaque marker says its directory is in this layer, so that one is made
                Dir parent = walk(root, parts, parts.length - 1, Arrays.equals(name, OPAQUE) ? layer : -1, what, h.name());
                if (parent != null) whiteout(parent, name, layer);
                continue;
            }
            Dir parent = walk(root, parts, parts.length - 1, layer, what, h.name());
            Node old = parent.children.get(name);
            switch (h.type()) {
                case '5' -> {
                    if (old instanceof Dir d) setDir(d, h, layer);
                    else {
                        Dir d = new Dir(parent, layer);
                        setDir(d, h, layer);
                        parent.children.put(name, d);
                    }
                }
                case '1' -> {
                    Leaf target = hardLinkTarget(h, what);
                    if (target != old) parent.children.put(name, new Leaf(target.inode, layer));
                }
                default -> parent.children.put(name, new Leaf(inode(h, tar, spool, what), layer));
            }
        }
    }

    private static Inode inode(TarReader.Header h, TarReader tar, Spool spool, String what) throws IOException {
        return switch (h.type()) {
            case '0' -> new Inode(FileType.REGULAR, h, h.size(), 0, spool.append(tar.content(), h.size()), null);
            case '2' -> {
                if (h.linkName().length == 0 || h.linkName().length > 4095)
                    throw new IOException(what + ": symlink " + Names.show(h.name()) + " has a target of " + h.linkName().length
                            + " bytes (1..4095 allowed): the archive is damaged");
                yield new Inode(FileType.SYMLINK, h, h.linkName().length, 0, -1, h.linkName());
            }
            case '3' -> new Inode(FileType.CHAR_DEVICE, h, 0, Posix.makedev(h.devMajor(), h.devMinor()), -1, null);
            case '4' -> new Inode(FileType.BLOCK_DEVICE, h, 0, Posix.makedev(h.devMajor(), h.devMinor()), -1, null);
            case '6' -> new Inode(FileType.FIFO, h, 0, 0, -1, null);
            default -> throw new IllegalStateException("type " + h.type());
        };
    }

    private static void setDir(Dir d, TarReader.Header h, int layer) {
        d.mode = h.mode();
        d.uid = (int) h.uid();
        d.gid = (int) h.gid();
        d.mtime = h.mtimeNanos();
        d.xattrs = h.xattrs().isEmpty() ? Collections.emptySortedMap() : h.xattrs();
        d.layer = layer;
    }

    /** Whiteouts hide only what lower layers made; AUFS bookkeeping names (.wh..wh.*) are skipped. */
    private static void whiteout(Dir parent, byte[] name, int layer) {
        if (Arrays.equals(name, OPAQUE)) {
            hideLower(parent, layer);
            return;
        }
        if (startsWith(name, OPAQUE) || startsWith(name, ".wh..wh.".getBytes())) return;
        byte[] hidden = Arrays.copyOfRange(name, WH.length, name.length);
        Node n = parent.children.get(hidden);
        if (n != null && n.layer < layer) parent.children.remove(hidden);
    }

    /** After an opaque marker a directory shows exactly what this layer put in it, at every depth. */
    private static void hideLower(Dir d, int layer) {
        for (Iterator<Node> it = d.children.values().iterator(); it.hasNext(); ) {
            Node c = it.next();
            if (c.layer < layer) it.remove();
            else if (c instanceof Dir cd) hideLower(cd, layer);
        }
    }

    private Leaf hardLinkTarget(TarReader.Header h, String what) throws IOException {
        byte[][] parts = split(h.linkName(), what);
        Node n = null;
        if (parts.length > 0) {
            Dir parent = walkExisting(parts, what, h.linkName());
            n = parent == null ? null : parent.children.get(parts[parts.length - 1]);
        }
        if (n instanceof Leaf l) return l;
        throw new IOException(what + ": hard link " + Names.show(h.name()) + " points to " + Names.show(h.linkName())
                + ", which is not an earlier file of the image: the archive is damaged");
    }

    /** Components of an archive path; "." and empty ones dropped, ".." refused. */
    static byte[][] split(byte[] path, String what) throws IOException {
        java.util.List<byte[]> out = new java.util.ArrayList<>();
        int start = 0;
        for (int i = 0; i <= path.length; i++) {
            if (i < path.length && path[i] != '/') continue;
            byte[] c = Arrays.copyOfRange(path, start, i);
            start = i + 1;
            if (c.length == 0 || c.length == 1 && c[0] == '.') continue;
            if (c.length == 2 && c[0] == '.' && c[1] == '.')
                throw new IOException(what + " holds the path " + Names.show(path)
                        + ", which climbs out with '..': refusing a hostile or damaged archive");
            for (byte b : c) if (b == 0) throw new IOException(what + " holds a name with a NUL byte: the archive is damaged");
            if (c.length > 255) throw new IOException(what + " holds a name longer than 255 bytes: Linux cannot hold it");
            out.add(c);
        }
        return out.toArray(byte[][]::new);
    }

    /**
     * The directory that holds {@code parts[n-1]}'s parent chain {@code parts[0..n)}: missing
     * directories are made (as layer {@code layer}), symlinks are followed inside the tree.
     */
    private Dir walk(Dir from, byte[][] parts, int n, int layer, String what, byte[] shown) throws IOException {
        Deque<byte[]> todo = new ArrayDeque<>(Arrays.asList(parts).subList(0, n));
        Dir cur = from;
        int links = 0;
        while (!todo.isEmpty()) {
            byte[] c = todo.pop();
            if (c.length == 0 || c.length == 1 && c[0] == '.') continue;
            if (c.length == 2 && c[0] == '.' && c[1] == '.') {
                if (cur.parent != null) cur = cur.parent;
                continue;
            }
            Node node = cur.children.get(c);
            if (node == null) {
                if (layer < 0) return null;
                Dir d = new Dir(cur, layer);
                cur.children.put(c, d);
                cur = d;
            } else if (node instanceof Dir d) {
                cur = d;
            } else if (node instanceof Leaf l && l.inode.type == FileType.SYMLINK) {
                if (++links > MAX_LINKS) throw new IOException(what + ": the path " + Names.show(shown) + " goes through more than "
                        + MAX_LINKS + " symlinks: the archive is damaged or hostile");
                byte[] t = l.inode.target;
                java.util.List<byte[]> comps = new java.util.ArrayList<>();
                int s = 0;
                for (int i = 0; i <= t.length; i++) {
                    if (i < t.length && t[i] != '/') continue;
                    comps.add(Arrays.copyOfRange(t, s, i));
                    s = i + 1;
                }
                for (int i = comps.size() - 1; i >= 0; i--) todo.push(comps.get(i));
                if (t[0] == '/') cur = root;
            } else {
                throw new IOException(what + ": the path " + Names.show(shown) + " goes through a file that is not a directory: "
                        + "the archive is damaged");
            }
        }
        return cur;
    }

    private Dir walkExisting(byte[][] parts, String what, byte[] shown) throws IOException {
        return walk(root, parts, parts.length - 1, -1, what, shown);
    }

    private static boolean startsWith(byte[] a, byte[] prefix) {
        return a.length >= prefix.length && Arrays.equals(a, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** Writes the tree in image order; the first path of each inode carries it, later ones are hard links. */
    void write(ImageWriter writer, Spool spool) throws IOException {
        Map<Inode, byte[]> first = new IdentityHashMap<>();
        emit(writer, spool, root, new byte[0], first);
    }

    private void emit(ImageWriter w, Spool spool, Dir d, byte[] path, Map<Inode, byte[]> first) throws IOException {
        w.add(new Entry(path, FileType.DIRECTORY, d.mode, d.uid, d.gid, d.mtime, 0, null, null, 0, d.xattrs, -1), null);
        for (var e : d.children.entrySet()) {
            byte[] p = path.length == 0 ? e.getKey() : join(path, e.getKey());
            switch (e.getValue()) {
                case Dir cd -> emit(w, spool, cd, p, first);
                case Leaf l -> {
                    Inode i = l.inode;
                    byte[] firstPath = first.putIfAbsent(i, p);
                    if (firstPath != null) {
                        w.add(new Entry(p, i.type, i.mode, i.uid, i.gid, i.mtime, i.size, i.target, firstPath, i.rdev, i.xattrs, -1), null);
                    } else {
                        Entry en = new Entry(p, i.type, i.mode, i.uid, i.gid, i.mtime, i.size, i.target, null, i.rdev, i.xattrs, -1);
                        w.add(en, i.type == FileType.REGULAR ? spool.channel(i.spoolOffset, i.size) : null);
                    }
                }
            }
        }
    }

    private static byte[] join(byte[] path, byte[] name) {
        byte[] p = Arrays.copyOf(path, path.length + 1 + name.length);
        p[path.length] = '/';
        System.arraycopy(name, 0, p, path.length + 1, name.length);
        return p;
    }
}
