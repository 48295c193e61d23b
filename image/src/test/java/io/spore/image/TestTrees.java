package io.spore.image;

import io.spore.p2p.blockstore.BlockStore;
import io.spore.p2p.multiformats.Cid;

import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;

/** Synthetic trees in memory for the writer and reader tests. */
final class TestTrees {
    private TestTrees() {}

    record File(Entry entry, byte[] content) {}

    static byte[] b(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    static SortedMap<String, byte[]> noXattrs() { return Collections.emptySortedMap(); }

    static Entry dir(String path, int mode) { return dir(b(path), mode, noXattrs()); }

    static Entry dir(byte[] path, int mode, SortedMap<String, byte[]> x) {
        return new Entry(path, FileType.DIRECTORY, mode, 0, 0, 1_700_000_000_123_456_789L, 0, null, null, 0, x, -1);
    }

    static File file(byte[] path, int mode, byte[] content) {
        return new File(new Entry(path, FileType.REGULAR, mode, 1000, 1000, 1_600_000_000_000_000_001L, content.length, null, null, 0, noXattrs(), -1), content);
    }

    static File file(String path, byte[] content) { return file(b(path), 0644, content); }

    static Entry special(String path, FileType t, long rdev) {
        return new Entry(b(path), t, 0600, 0, 6, -5_000_000_001L, 0, null, null, rdev, noXattrs(), -1);
    }

    static Entry symlink(byte[] path, byte[] target) {
        return new Entry(path, FileType.SYMLINK, 0777, 0, 0, 42, target.length, target, null, 0, noXattrs(), -1);
    }

    static Entry hardLink(Entry target, byte[] path) {
        return new Entry(path, target.type(), target.mode(), target.uid(), target.gid(), target.mtimeNanos(), target.size(),
                target.linkTarget(), target.path(), target.rdev(), target.xattrs(), -1);
    }

    static byte[] random(long seed, int n) {
        byte[] x = new byte[n];
        new Random(seed).nextBytes(x);
        return x;
    }

    /** Image order: component-wise unsigned byte comparison (a parent sorts before its children). */
    static final Comparator<byte[]> IMAGE_ORDER = (a, c) -> {
        List<byte[]> x = OrderCheck.split(a), y = OrderCheck.split(c);
        for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
            int r = Arrays.compareUnsigned(x.get(i), y.get(i));
            if (r != 0) return r;
        }
        return Integer.compare(x.size(), y.size());
    };

    /** A tree with every kind of entry and the awkward cases of the issue. */
    static List<File> everyKind() {
        List<File> l = new ArrayList<>();
        TreeMap<String, byte[]> rootX = new TreeMap<>();
        rootX.put("user.comment", b("root"));
        rootX.put("system.posix_acl_default", new byte[]{2, 0, 0, 0, 1, 0, 7, 0, -1, -1, -1, -1});
        l.add(new File(dir(new byte[0], 0755, rootX), null));
        l.add(new File(dir("bin", 0755), null));
        File ls = file(b("bin/ls"), 04755, random(1, 150_000));
        l.add(ls);
        TreeMap<String, byte[]> cap = new TreeMap<>();
        cap.put("security.capability", new byte[]{1, 0, 0, 2, 0, 32, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        cap.put("user.empty", new byte[0]);
        cap.put("system.posix_acl_access", new byte[]{2, 0, 0, 0, 1, 0, 6, 0, -1, -1, -1, -1, 4, 0, 4, 0, -1, -1, -1, -1});
        Entry ping = new Entry(b("bin/ping"), FileType.REGULAR, 0755, 0, 0, 0, 3, null, null, 0, cap, -1);
        l.add(new File(ping, b("pin")));
        l.add(new File(hardLink(ls.entry(), b("bin/ls-hardlink")), null));
        l.add(new File(dir("dev", 0755), null));
        l.add(new File(special("dev/null", FileType.CHAR_DEVICE, (1L << 8) | 3), null));
        l.add(new File(special("dev/sda", FileType.BLOCK_DEVICE, 0x0000_1234_5678_9abcL), null));
        l.add(new File(special("dev/fifo", FileType.FIFO, 0), null));
        l.add(new File(special("dev/sock", FileType.SOCKET, 0), null));
        l.add(new File(dir("tmp", 01777), null));
        l.add(file("tmp/empty", new byte[0]));
        l.add(file(b("tmp/name with spaces\nand newline"), 0600, b("x\n")));
        l.add(file(new byte[]{'t', 'm', 'p', '/', (byte) 0xff, (byte) 0xfe, 'x'}, 0640, b("not utf-8 name")));
        byte[] longTarget = new byte[4000];
        Arrays.fill(longTarget, (byte) 'a');
        for (int i = 100; i < 4000; i += 100) longTarget[i] = '/';
        Entry lt = symlink(b("tmp/long-link"), longTarget);
        l.add(new File(lt, null));
        l.add(new File(hardLink(lt, b("tmp/long-link2")), null));
        Entry sgid = new Entry(b("tmp/sgid"), FileType.REGULAR, 02711, -2, -3, Long.MAX_VALUE, 0, null, null, 0, noXattrs(), -1);
        l.add(new File(sgid, new byte[0]));
        byte[] big = new byte[3_000_000];
        for (int i = 0; i < big.length; i++) big[i] = (byte) ((i / 1000) ^ (i % 7 == 0 ? i : 0));
        l.add(file("usr-big", big));
        StringBuilder deep = new StringBuilder("z");
        l.add(new File(dir("z", 0700), null));
        for (int i = 0; i < 120; i++) {
            deep.append("/d").append(i % 10).append("-").append("y".repeat(40));
            l.add(new File(dir(deep.toString(), 0700), null));
        }
        l.add(file(deep + "/leaf", b("deep")));
        l.sort((x, y) -> IMAGE_ORDER.compare(x.entry().path(), y.entry().path()));
        return l;
    }

    static Cid write(BlockStore store, int threads, List<File> tree) throws IOException {
        try (ImageWriter w = new ImageWriter(store, threads)) {
            for (File f : tree) {
                boolean content = f.entry().type() == FileType.REGULAR && !f.entry().isHardLink();
                w.add(f.entry(), content ? Channels.newChannel(new java.io.ByteArrayInputStream(f.content())) : null);
            }
            return w.finish();
        }
    }

    /** An in-memory block store for tests of the code around stores (fuzzing, counting). */
    static final class MemoryStore implements BlockStore {
        final Map<Cid, byte[]> blocks = Collections.synchronizedMap(new LinkedHashMap<>());

        @Override public boolean has(Cid cid) { return blocks.containsKey(cid); }

        @Override public byte[] get(Cid cid) throws IOException {
            byte[] b = blocks.get(cid);
            if (b == null) throw new io.spore.p2p.blockstore.MissingBlockException(cid);
            return b;
        }

        @Override public void put(Cid cid, byte[] data) { blocks.put(cid, data); }

        @Override public long size(Cid cid) { byte[] b = blocks.get(cid); return b == null ? -1 : b.length; }

        @Override public void delete(Cid cid) { blocks.remove(cid); }

        @Override public void forEach(java.util.function.Consumer<Cid> each) { List.copyOf(blocks.keySet()).forEach(each); }

        @Override public void close() {}
    }
}
