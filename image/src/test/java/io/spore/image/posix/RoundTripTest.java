package io.spore.image.posix;

import io.spore.image.Chunk;
import io.spore.image.Image;
import io.spore.p2p.blockstore.BlockStore;
import io.spore.p2p.multiformats.Cid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The proof: trees go into the block store and come back out exactly, keys are deterministic, and
 * two related root filesystems share most of their chunks.
 */
class RoundTripTest {
    private Path tmp;

    @AfterEach void cleanUp() { Fixtures.delete(tmp); }

    private static void assertSame(Path a, Path b) throws Exception {
        TreeSnapshot sa = TreeSnapshot.of(Fixtures.bytes(a)), sb = TreeSnapshot.of(Fixtures.bytes(b));
        List<String> diff = sa.diff(sb, 20);
        assertTrue(diff.isEmpty(), "export differs from source:\n" + String.join("\n", diff));
        assertEquals(sa.paths(), sb.paths());
        System.out.printf("%s: %d paths, %d files, %d bytes compared: identical%n", a, sa.paths(), sa.files(), sa.contentBytes());
    }

    private Cid roundTrip(Path src, Path data, Path out, int threads) throws Exception {
        try (BlockStore store = TestStores.open(data)) {
            Importer.Result r = Importer.importTree(Fixtures.bytes(src), store, threads);
            Image image = Image.open(store, r.root());
            Exporter.export(image, store, Fixtures.bytes(out));
            return r.root();
        }
    }

    @Test void craftedTree() throws Exception {
        tmp = Files.createTempDirectory("roundtrip");
        Path src = tmp.resolve("src"), out = tmp.resolve("out");
        Fixtures.craftedTree(src, false);
        roundTrip(src, tmp.resolve("data"), out, 2);
        assertSame(src, out);
        // Independent of our own walker: the system's tools see the same on the copy.
        assertEquals(Fixtures.run(List.of("getcap", src.resolve("capped").toString())).replace(src.toString(), ""),
                Fixtures.run(List.of("getcap", out.resolve("capped").toString())).replace(out.toString(), ""));
        assertTrue(Fixtures.run(List.of("getcap", out.resolve("capped").toString())).contains("cap_net_admin,cap_net_raw=ep"));
        assertEquals(Fixtures.run(List.of("getfacl", "-cn", src.resolve("acl-dir").toString())),
                Fixtures.run(List.of("getfacl", "-cn", out.resolve("acl-dir").toString())));
        assertEquals("1700000000.987654321 -rw-r--r-- 1234:5678 hard1\n",
                Fixtures.run(List.of("stat", "-c", "%.9Y %A %u:%g %n", "hard1"), out));
        assertEquals("-rwsr-xr-x 1000 setuid\n-rwxr-s--- 50 setgid\ndrwxrwxrwt 0 sticky\n",
                Fixtures.run(List.of("stat", "-c", "%A %g %n", "setuid", "setgid", "sticky"), out).replace(" 1000 setuid", " 1000 setuid"));
        long allocated = Long.parseLong(Fixtures.run(List.of("stat", "-c", "%b", "sparse"), out).strip()) * 512;
        assertTrue(allocated < 1 << 20, "the 8 MiB sparse file stays sparse: " + allocated + " bytes allocated");
        assertEquals("-1000000.250000000\n", Fixtures.run(List.of("stat", "-c", "%.9Y", "before-1970"), out));
    }

    @Test void minbaseRootfs() throws Exception {
        Path minbase = Fixtures.rootfs("minbase");
        Fixtures.requireRoot();
        tmp = Files.createTempDirectory("roundtrip");
        Path out = tmp.resolve("out");
        long t0 = System.nanoTime();
        Cid key = roundTrip(minbase, tmp.resolve("data"), out, 2);
        System.out.printf("minbase %s: import + export %.1f s%n", key, (System.nanoTime() - t0) / 1e9);
        assertSame(minbase, out);
    }

    @Test void keysDoNotDependOnThreadsOrCreationOrder() throws Exception {
        tmp = Files.createTempDirectory("determinism");
        Path a = tmp.resolve("a"), b = tmp.resolve("b");
        Fixtures.craftedTree(a, false);
        Fixtures.craftedTree(b, true);
        Cid k1, k4, kb;
        try (BlockStore store = TestStores.open(tmp.resolve("d1"))) {
            k1 = Importer.importTree(Fixtures.bytes(a), store, 1).root();
        }
        try (BlockStore store = TestStores.open(tmp.resolve("d4"))) {
            k4 = Importer.importTree(Fixtures.bytes(a), store, 4).root();
            kb = Importer.importTree(Fixtures.bytes(b), store, 3).root();
        }
        assertEquals(k1, k4, "1 thread vs 4 threads");
        assertEquals(k1, kb, "the same tree created in another order");
    }

    @Test void minbaseKeyDoesNotDependOnThreads() throws Exception {
        Path minbase = Fixtures.rootfs("minbase");
        Fixtures.requireRoot();
        tmp = Files.createTempDirectory("determinism");
        Cid k1, k4;
        try (BlockStore store = TestStores.open(tmp.resolve("d1"))) {
            k1 = Importer.importTree(Fixtures.bytes(minbase), store, 1).root();
        }
        try (BlockStore store = TestStores.open(tmp.resolve("d4"))) {
            k4 = Importer.importTree(Fixtures.bytes(minbase), store, 4).root();
        }
        assertEquals(k1, k4);
    }

    @Test void minbaseAndMinbasePlusShareMostChunks() throws Exception {
        Path minbase = Fixtures.rootfs("minbase"), plus = Fixtures.rootfs("minbase-plus");
        Fixtures.requireRoot();
        tmp = Files.createTempDirectory("dedup");
        try (BlockStore store = TestStores.open(tmp.resolve("data"))) {
            Importer.Result a = Importer.importTree(Fixtures.bytes(minbase), store, 2);
            Importer.Result b = Importer.importTree(Fixtures.bytes(plus), store, 2);
            List<Chunk> ca = Image.open(store, a.root()).chunks(), cb = Image.open(store, b.root()).chunks();
            Set<Cid> inA = new HashSet<>();
            ca.forEach(c -> inA.add(c.cid()));
            long shared = 0, total = 0, sharedChunks = 0;
            for (Chunk c : cb) {
                total += c.length();
                if (inA.contains(c.cid())) { shared += c.length(); sharedChunks++; }
            }
            double share = 100.0 * shared / total;
            System.out.printf("dedup: minbase-plus shares %d of %d chunks with minbase, %.1f%% of its %d bytes;"
                    + " the second import stored %d new blocks%n", sharedChunks, cb.size(), share, total, b.stats().newBlocks());
            assertTrue(share > 80, "shared bytes " + share + "%");
            assertTrue(b.stats().newBlocks() < cb.size() / 5, "the second import wrote few new blocks");
        }
    }
}
