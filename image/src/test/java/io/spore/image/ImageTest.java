package io.spore.image;

import io.spore.image.TestTrees.File;
import io.spore.p2p.blockstore.FileBlockStore;
import io.spore.p2p.blockstore.MissingBlockException;
import io.spore.p2p.multiformats.Cid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static io.spore.image.TestTrees.b;
import static org.junit.jupiter.api.Assertions.*;

class ImageTest {
    Path dir;
    FileBlockStore store;

    @BeforeEach void setUp() throws IOException {
        dir = Files.createTempDirectory("spore-image-test");
        store = FileBlockStore.open(dir);
    }

    @AfterEach void tearDown() throws IOException {
        store.close();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    static Entry withoutOffset(Entry e) { return e.withStreamOffset(-1); }

    @Test void everyKindOfEntryRoundTrips() throws IOException {
        List<File> tree = TestTrees.everyKind();
        Cid root = TestTrees.write(store, 2, tree);
        assertEquals(Cid.DAG_CBOR, root.codec());
        assertTrue(root.toString().startsWith("bafyrei"));
        Image img = Image.open(store, root);
        assertEquals(tree.size(), img.size());
        long content = 0;
        for (int i = 0; i < tree.size(); i++) {
            Entry want = tree.get(i).entry();
            Entry got = img.entry(i);
            assertEquals(withoutOffset(want), withoutOffset(got), "entry " + i);
            assertArrayEquals(want.path(), img.path(i));
            assertEquals(i, img.find(want.path()));
            if (want.isHardLink()) {
                assertEquals(img.find(want.hardLinkTarget()), img.inode(i));
                assertEquals(img.entry(img.inode(i)).streamOffset(), got.streamOffset());
            } else {
                assertEquals(i, img.inode(i));
            }
            if (want.type() == FileType.REGULAR) {
                assertArrayEquals(tree.get(img.inode(i)).content(), readAll(img, i, 7919));
                if (!want.isHardLink()) content += want.size();
            }
        }
        assertEquals(content, img.contentBytes());
        assertEquals(content, img.chunks().stream().mapToLong(Chunk::length).sum());
        assertEquals(0, img.find(new byte[0]));
        assertEquals(-1, img.find(b("bin/nope")));
        assertEquals(-1, img.lookup(img.find(b("bin/ls")), b("x")), "a file has no children");
        int bin = img.find(b("bin"));
        assertEquals(List.of("ls", "ls-hardlink", "ping"), Arrays.stream(img.children(bin)).mapToObj(c -> new String(img.entry(c).name())).toList());
        assertEquals(img.find(b("bin/ping")), img.lookup(bin, b("ping")));
        assertEquals(bin, img.parent(img.find(b("bin/ping"))));
        assertEquals(0, img.read(img.find(b("tmp/empty")), 0, new byte[10], 0, 10, store));
        assertThrows(IOException.class, () -> img.read(bin, 0, new byte[1], 0, 1, store));
        assertEquals(List.of(root), img.manifestBlocks().subList(0, 1));
        assertTrue(img.storedBytes() < content, "compressible content is stored smaller");
        assertNull(img.profile());
    }

    byte[] readAll(Image img, int index, int step) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[step];
        long off = 0;
        int n;
        while ((n = img.read(index, off, buf, 0, buf.length, store)) > 0) {
            out.write(buf, 0, n);
            off += n;
        }
        return out.toByteArray();
    }

    @Test void chunksForCoverTheRangeAsked() throws IOException {
        Cid root = TestTrees.write(store, 2, TestTrees.everyKind());
        Image img = Image.open(store, root);
        int big = img.find(b("usr-big"));
        Entry e = img.entry(big);
        List<Chunk> all = img.chunksFor(big, 0, e.size());
        assertTrue(all.size() > 5, "3 MB spans several chunks");
        assertTrue(all.getFirst().streamOffset() <= e.streamOffset());
        Chunk last = all.getLast();
        assertTrue(last.streamOffset() + last.length() >= e.streamOffset() + e.size());
        List<Chunk> one = img.chunksFor(big, 1_000_000, 1);
        assertEquals(1, one.size());
        assertTrue(one.getFirst().streamOffset() <= e.streamOffset() + 1_000_000
                && e.streamOffset() + 1_000_000 < one.getFirst().streamOffset() + one.getFirst().length());
        assertEquals(List.of(), img.chunksFor(big, e.size(), 10));
    }

    @Test void keyIsTheSameWhateverTheThreadCountAndAReimportStoresNothingNew() throws IOException {
        List<File> tree = TestTrees.everyKind();
        Cid one;
        try (ImageWriter w = new ImageWriter(store, 1)) {
            for (File f : tree) w.add(f.entry(), channel(f));
            one = w.finish();
            assertTrue(w.stats().newBlocks() > 3);
        }
        Cid four;
        ImageWriter.Stats s;
        try (ImageWriter w = new ImageWriter(store, 4)) {
            for (File f : tree) w.add(f.entry(), channel(f));
            four = w.finish();
            s = w.stats();
        }
        assertEquals(one, four);
        assertEquals(0, s.newBlocks());
        assertEquals(tree.size(), s.entries());
        assertTrue(s.chunks() > 10);
        Image img = Image.open(store, one);
        assertEquals(img.storedBytes(), s.storedBytes());
        assertEquals(img.contentBytes(), s.contentBytes());
        assertEquals(img.chunks().size(), s.chunks());
        System.out.printf("every-kind tree: %d entries, %d content bytes, %d chunks, %d stored bytes%n",
                s.entries(), s.contentBytes(), s.chunks(), s.storedBytes());
    }

    static ReadableByteChannel channel(File f) {
        boolean content = f.entry().type() == FileType.REGULAR && !f.entry().isHardLink();
        return content ? Channels.newChannel(new ByteArrayInputStream(f.content())) : null;
    }

    @Test void anAbortedImportLeavesValidBlocksThatTheNextImportReuses() throws IOException {
        List<File> tree = TestTrees.everyKind();
        try (ImageWriter w = new ImageWriter(store, 2)) {
            for (File f : tree) {
                if (Arrays.equals(f.entry().path(), b("z"))) break;  // "killed" before the deep directories
                w.add(f.entry(), channel(f));
            }
        }
        long[] partial = {0};
        store.forEach(c -> partial[0]++);
        assertTrue(partial[0] > 0, "finished chunks of the aborted import were stored");
        try (Stream<Path> s = Files.list(dir.resolve("blocks/.tmp"))) {
            assertEquals(0, s.count(), "no temp files left");
        }
        store.forEach(c -> assertDoesNotThrow(() -> store.get(c), "every stored block is complete"));
        ImageWriter.Stats st;
        try (ImageWriter w = new ImageWriter(store, 2)) {
            for (File f : tree) w.add(f.entry(), channel(f));
            w.finish();
            st = w.stats();
        }
        assertTrue(st.newBlocks() < st.chunks() + 3, "blocks of the aborted import were reused: " + st);
        assertTrue(Verifier.verify(store, TestTrees.write(store, 1, tree)).ok());
    }

    @Test void aFileThatShrinksOrGrowsWhileReadIsNamed() throws IOException {
        for (int delta : new int[]{-1, +1, -100_000}) {
            try (ImageWriter w = new ImageWriter(store, 2)) {
                w.add(TestTrees.dir("", 0755), null);
                byte[] content = TestTrees.random(3, 300_000);
                Entry e = new Entry(b("var-log"), FileType.REGULAR, 0644, 0, 0, 0, content.length - delta, null, null, 0, TestTrees.noXattrs(), -1);
                FileChangedException x = assertThrows(FileChangedException.class,
                        () -> w.add(e, Channels.newChannel(new ByteArrayInputStream(content))));
                assertTrue(x.getMessage().startsWith("/var-log changed while it was read"), x.getMessage());
                assertThrows(IllegalStateException.class, w::finish, "a failed writer is unusable");
            }
        }
    }

    @Test void entriesOutOfImageOrderAreRefused() throws IOException {
        String[][] bad = {
                {"b", "a"}, {"a", "a"}, {"a/x"}, {"f", "f/x"},
        };
        for (String[] paths : bad) {
            try (ImageWriter w = new ImageWriter(store, 1)) {
                w.add(TestTrees.dir("", 0755), null);
                IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> {
                    for (String p : paths) {
                        if (p.equals("f")) w.add(TestTrees.file("f", new byte[0]).entry(), Channels.newChannel(new ByteArrayInputStream(new byte[0])));
                        else w.add(TestTrees.dir(p, 0755), null);
                    }
                });
                assertTrue(x.getMessage().startsWith("entries are not in image order"), x.getMessage());
            }
        }
        try (ImageWriter w = new ImageWriter(store, 1)) {
            assertThrows(IllegalArgumentException.class, () -> w.add(TestTrees.dir("a", 0755), null), "root first");
        }
        try (ImageWriter w = new ImageWriter(store, 1)) {
            w.add(TestTrees.dir("", 0755), null);
            assertThrows(IllegalArgumentException.class, () -> w.add(TestTrees.dir("a//b", 0755), null));
        }
        try (ImageWriter w = new ImageWriter(store, 1)) {
            w.add(TestTrees.dir("", 0755), null);
            Entry target = TestTrees.file("a", new byte[0]).entry();
            assertThrows(IllegalArgumentException.class, () -> w.add(TestTrees.hardLink(target, b("b")), null), "hard link to a missing path");
        }
    }

    @Test void aLargeTreeSplitsItsManifestIntoPages() throws IOException {
        List<File> tree = new ArrayList<>();
        tree.add(new File(TestTrees.dir("", 0755), null));
        Random r = new Random(7);
        for (int d = 0; d < 50; d++) {
            String dn = String.format("dir-%03d", d);
            tree.add(new File(TestTrees.dir(dn, 0755), null));
            for (int f = 0; f < 1000; f++) {
                byte[] c = new byte[r.nextInt(40)];
                r.nextBytes(c);
                tree.add(TestTrees.file(String.format("%s/file-with-a-longish-name-%04d.conf", dn, f), c));
            }
        }
        Cid root = TestTrees.write(store, 2, tree);
        Image img = Image.open(store, root);
        assertEquals(50_051, img.size());
        assertTrue(img.manifestBlocks().size() >= 4, "root + several entry pages + chunk page: " + img.manifestBlocks().size());
        for (Cid c : img.manifestBlocks()) assertTrue(store.size(c) <= 1 << 20);
        for (int k = 0; k < 200; k++) {
            int i = r.nextInt(tree.size());
            assertEquals(i, img.find(tree.get(i).entry().path()));
            if (tree.get(i).entry().type() == FileType.REGULAR)
                assertArrayEquals(tree.get(i).content(), readAll(img, i, 100));
        }
        System.out.printf("50,051 entries: %d manifest blocks, %d manifest bytes%n", img.manifestBlocks().size(), img.manifestBytes());
    }

    @Test void verifierFindsCorruptAndMissingBlocks() throws IOException {
        Cid root = TestTrees.write(store, 2, TestTrees.everyKind());
        Verifier.Report ok = Verifier.verify(store, root);
        assertTrue(ok.ok(), ok.toString());
        Image img = Image.open(store, root);
        List<Chunk> chunks = img.chunks();
        Cid bad = chunks.get(1).cid(), gone = chunks.get(3).cid();
        Path p = blockPath(bad);
        byte[] b = Files.readAllBytes(p);
        b[b.length / 2] ^= 0x40;
        Files.write(p, b);
        store.delete(gone);
        Verifier.Report r = Verifier.verify(store, root);
        assertFalse(r.ok());
        assertEquals(List.of(bad), r.corrupt());
        assertEquals(List.of(gone), r.missing());
        int big = img.find(b("usr-big"));
        IOException e = assertThrows(IOException.class, () -> readAll(Image.open(store, root), big, 1 << 20));
        assertTrue(e instanceof MissingBlockException || e instanceof io.spore.p2p.blockstore.CorruptBlockException, e.toString());

        store.delete(img.manifestBlocks().get(1));
        assertThrows(MissingBlockException.class, () -> Image.open(store, root));
        Verifier.Report r2 = Verifier.verify(store, root);
        assertTrue(r2.missing().contains(img.manifestBlocks().get(1)));
    }

    @Test void keysThatAreNotImagesAreRefused() throws IOException {
        Cid raw = store.put(Cid.RAW, b("hello"));
        IOException e = assertThrows(IOException.class, () -> Image.open(store, raw));
        assertTrue(e.getMessage().contains("is not an image key"));
        Cid cbor = store.put(Cid.DAG_CBOR, new byte[]{(byte) 0xa0});
        IOException e2 = assertThrows(IOException.class, () -> Image.open(store, cbor));
        assertTrue(e2.getMessage().contains("not a Spore image"), e2.getMessage());
        Cid absent = Cid.of(Cid.DAG_CBOR, b("absent"));
        assertThrows(MissingBlockException.class, () -> Image.open(store, absent));
    }

    private Path blockPath(Cid c) throws IOException {
        try (Stream<Path> s = Files.walk(dir.resolve("blocks"))) {
            return s.filter(p -> p.getFileName().toString().equals(c.toString())).findFirst().orElseThrow();
        }
    }

    @Test void readsFromManyThreadsAgree() throws Exception {
        List<File> tree = TestTrees.everyKind();
        Image img = Image.open(store, TestTrees.write(store, 2, tree));
        int big = img.find(b("usr-big"));
        byte[] want = tree.get(big).content();
        try (var ex = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            List<java.util.concurrent.Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int seed = t;
                fs.add(ex.submit(() -> {
                    Random r = new Random(seed);
                    byte[] buf = new byte[128 * 1024];
                    for (int k = 0; k < 200; k++) {
                        long off = r.nextInt(want.length);
                        int n = img.read(big, off, buf, 0, buf.length, store);
                        assertEquals(Math.min(buf.length, want.length - off), n);
                        assertArrayEquals(Arrays.copyOfRange(want, (int) off, (int) off + n), Arrays.copyOf(buf, n));
                    }
                    return null;
                }));
            }
            for (var f : fs) f.get();
        }
    }
}
