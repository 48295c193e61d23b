package io.spore.p2p.blockstore;

import io.spore.p2p.multiformats.Cid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class FileBlockStoreTest {
    Path dir;

    @BeforeEach void setUp() throws IOException { dir = Files.createTempDirectory("spore-blockstore-test"); }

    @AfterEach void tearDown() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    static byte[] random(int seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static List<Path> temps(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("blocks/.tmp"))) { return s.toList(); }
    }

    @Test void storesAndReadsBlocksUnderAFanOutDirectory() throws IOException {
        try (FileBlockStore s = FileBlockStore.open(dir)) {
            byte[] data = random(1, 1000);
            Cid cid = Cid.raw(data);
            assertFalse(s.has(cid));
            assertEquals(-1, s.size(cid));
            assertTrue(s.add(cid, data));
            assertFalse(s.add(cid, data), "second add of the same block is not new");
            assertTrue(s.has(cid));
            assertArrayEquals(data, s.get(cid));
            assertEquals(1000, s.size(cid));
            String fan = java.util.HexFormat.of().toHexDigits(cid.multihash().digest()[0]);
            assertTrue(Files.isRegularFile(dir.resolve("blocks").resolve(fan).resolve(cid.toString())));
            Set<Cid> all = new HashSet<>();
            s.forEach(all::add);
            assertEquals(Set.of(cid), all);
            s.sync();
            s.delete(cid);
            assertFalse(s.has(cid));
            assertThrows(MissingBlockException.class, () -> s.get(cid));
            assertTrue(temps(dir).isEmpty());
        }
    }

    @Test void addByCodecComputesTheCidAndTellsWhetherTheBlockIsNew() throws IOException {
        try (FileBlockStore s = FileBlockStore.open(dir)) {
            byte[] data = random(11, 3000);
            BlockStore.Added first = s.add(Cid.DAG_CBOR, data);
            assertEquals(Cid.of(Cid.DAG_CBOR, data), first.cid());
            assertTrue(first.isNew());
            assertFalse(s.add(Cid.DAG_CBOR, data).isNew());
            assertArrayEquals(data, s.get(first.cid()));
            assertTrue(temps(dir).isEmpty(), "O_TMPFILE blocks never pass through .tmp");
        }
    }

    /** The ext4 allocator places the fan-out directories, and so the blocks' inodes, across block groups. */
    @Test void blocksDirectoryCarriesExt4sTopDirectoryFlag() throws Exception {
        Process df = new ProcessBuilder("stat", "-f", "-c", "%T", dir.toString()).start();
        String fs = new String(df.getInputStream().readAllBytes()).strip();
        df.waitFor();
        Assumptions.assumeTrue(fs.equals("ext2/ext3"), "the flag exists on ext4 only, " + dir + " is on " + fs);
        try (FileBlockStore s = FileBlockStore.open(dir)) {
            s.put(Cid.RAW, random(12, 100));
        }
        Process ls = new ProcessBuilder("lsattr", "-d", dir.resolve("blocks").toString()).start();
        String attrs = new String(ls.getInputStream().readAllBytes()).strip();
        assertEquals(0, ls.waitFor(), attrs);
        assertTrue(attrs.split(" ")[0].contains("T"), attrs);
    }

    @Test void refusesBytesThatDoNotMatchTheCid() throws IOException {
        try (FileBlockStore s = FileBlockStore.open(dir)) {
            Cid cid = Cid.raw(random(1, 10));
            assertThrows(CorruptBlockException.class, () -> s.put(cid, random(2, 10)));
            assertFalse(s.has(cid));
        }
    }

    @Test void aCorruptOrTruncatedFileIsReportedAndRemoved() throws IOException {
        try (FileBlockStore s = FileBlockStore.open(dir)) {
            byte[] a = random(3, 5000), b = random(4, 5000);
            Cid ca = s.put(Cid.RAW, a), cb = s.put(Cid.RAW, b);
            Path pa = s.path(ca), pb = s.path(cb);
            byte[] flipped = a.clone();
            flipped[17] ^= 1;
            Files.write(pa, flipped);
            Files.write(pb, java.util.Arrays.copyOf(b, 100));
            CorruptBlockException e = assertThrows(CorruptBlockException.class, () -> s.get(ca));
            assertEquals(ca, e.cid());
            assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
            assertFalse(Files.exists(pa), "the bad copy is deleted");
            assertThrows(CorruptBlockException.class, () -> s.get(cb));
            assertFalse(s.has(cb));
        }
    }

    @Test void putRewritesABlockLeftTruncatedByACrash() throws IOException {
        try (FileBlockStore s = FileBlockStore.open(dir)) {
            byte[] a = random(5, 5000);
            Cid ca = s.put(Cid.RAW, a);
            Files.write(s.path(ca), new byte[0]);
            assertTrue(s.has(ca));
            s.put(ca, a);
            assertArrayEquals(a, s.get(ca));
        }
    }

    @Test void openRemovesTempFilesOfDeadProcessesOnly() throws Exception {
        FileBlockStore.open(dir).close();
        Path tmp = dir.resolve("blocks/.tmp");
        Process alive = new ProcessBuilder("sleep", "60").start();
        try {
            long dead;
            Process p = new ProcessBuilder("true").start();
            p.waitFor();
            dead = p.pid();
            Files.write(tmp.resolve(dead + "-1.tmp"), random(6, 100));
            Files.write(tmp.resolve("junk"), random(7, 100));
            Path live = tmp.resolve(alive.pid() + "-1.tmp");
            Files.write(live, random(8, 100));
            FileBlockStore.open(dir).close();
            assertEquals(List.of(live), temps(dir));
        } finally {
            alive.destroyForcibly();
            alive.waitFor();
        }
    }

    @Test void concurrentPutsFromManyThreads() throws Exception {
        try (FileBlockStore s = FileBlockStore.open(dir); ExecutorService ex = Executors.newFixedThreadPool(8)) {
            List<Future<Cid>> fs = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                byte[] d = random(i % 100, 2000);  // each block put four times, concurrently
                fs.add(ex.submit(() -> s.put(Cid.RAW, d)));
            }
            Set<Cid> cids = new HashSet<>();
            for (Future<Cid> f : fs) cids.add(f.get());
            assertEquals(100, cids.size());
            for (Cid c : cids) assertNotNull(s.get(c));
            s.sync();
            assertTrue(temps(dir).isEmpty());
        }
    }

    @Test void notADirectoryIsAOneLineError() throws IOException {
        Path f = dir.resolve("file");
        Files.write(f, new byte[1]);
        IOException e = assertThrows(IOException.class, () -> FileBlockStore.open(f));
        assertEquals(f + " is not a directory: give a directory for --data-dir", e.getMessage());
    }

    @Test void noSpaceLeftIsACleanErrorAndLeavesTheStoreIntact() throws Exception {
        boolean ci = "true".equals(System.getenv("CI"));
        Path mnt = Files.createTempDirectory("spore-enospc-");
        Process m = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=512k", "spore-enospc", mnt.toString())
                .redirectErrorStream(true).start();
        boolean mounted = m.waitFor() == 0;
        try {
            if (!ci) Assumptions.assumeTrue(mounted, "needs root to mount a small tmpfs");
            assertTrue(mounted, "mounting a 512 KiB tmpfs failed: the test needs root");
            try (FileBlockStore s = FileBlockStore.open(mnt)) {
                byte[] first = random(9, 100_000);
                Cid c1 = s.put(Cid.RAW, first);
                IOException e = null;
                for (int i = 10; i < 30 && e == null; i++) {
                    try {
                        s.put(Cid.RAW, random(i, 100_000));
                    } catch (IOException x) {
                        e = x;
                    }
                }
                assertNotNull(e, "a 512 KiB file system must fill up");
                assertFalse(e instanceof CorruptBlockException);
                assertTrue(e.getMessage().startsWith("no space left on "), e.getMessage());
                assertTrue(e.getMessage().endsWith("for the block store " + mnt + ": free space or use --data-dir on a larger disk"), e.getMessage());
                assertFalse(e.getMessage().contains("\n"));
                assertTrue(temps(mnt).isEmpty(), "no temp file left behind");
                assertArrayEquals(first, s.get(c1), "earlier blocks still read back");
            }
        } finally {
            if (mounted) new ProcessBuilder("umount", mnt.toString()).start().waitFor();
            Files.deleteIfExists(mnt);
        }
    }
}
