package io.spore.cli.daemon;

import io.spore.image.Chunk;
import io.spore.image.Image;
import io.spore.image.posix.Importer;
import io.spore.p2p.blockstore.FileBlockStore;
import io.spore.p2p.multiformats.Cid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** Gc on a real block store with images imported from real trees. */
class GcTest {
    @TempDir Path dir;

    Cid image(FileBlockStore store, String name, int files, int seed) throws Exception {
        Path src = Files.createDirectories(dir.resolve(name));
        Random r = new Random(seed);
        for (int i = 0; i < files; i++) {
            byte[] b = new byte[200_000];
            r.nextBytes(b);
            Files.write(src.resolve("f" + i), b);
        }
        return Importer.importTree(src.toString().getBytes(), store, 1).root();
    }

    static Set<Cid> blocks(FileBlockStore store, Cid root) throws Exception {
        Image i = Image.open(store, root);
        Set<Cid> s = new HashSet<>(i.manifestBlocks());
        for (Chunk c : i.chunks()) s.add(c.cid());
        return s;
    }

    static void age(FileBlockStore store, Set<Cid> cids, Instant when) throws Exception {
        for (Cid c : cids) {
            Path p;
            try (var s = Files.walk(store.directory().resolve("blocks"))) { // wherever the store's layout puts it
                p = s.filter(f -> f.getFileName().toString().equals(c.toString())).findFirst().orElseThrow();
            }
            Files.setLastModifiedTime(p, FileTime.from(when));
            assertEquals(when, store.storedAt(c));
        }
    }

    @Test
    void limitEvictsOldestUnreachableFirstAndNeverWhatARootReaches() throws Exception {
        try (FileBlockStore store = FileBlockStore.open(dir.resolve("data"))) {
            Cid old = image(store, "old", 5, 1), mid = image(store, "mid", 5, 2), kept = image(store, "kept", 5, 3);
            Set<Cid> oldB = blocks(store, old), midB = blocks(store, mid), keptB = blocks(store, kept);
            age(store, keptB, Instant.parse("2020-01-01T00:00:00Z")); // oldest of all, but a root reaches it
            age(store, oldB, Instant.parse("2021-01-01T00:00:00Z"));
            age(store, midB, Instant.parse("2022-01-01T00:00:00Z"));
            long midBytes = 0, keptBytes = 0;
            for (Cid c : midB) midBytes += store.size(c);
            for (Cid c : keptB) keptBytes += store.size(c);

            Gc.Result r = new Gc(store).run(List.of(kept), midBytes + keptBytes);
            assertEquals(oldB.size(), r.removedBlocks(), r.toString());
            for (Cid c : oldB) assertFalse(store.has(c));
            for (Cid c : midB) assertTrue(store.has(c), "the newer unreachable image fits under the limit");
            for (Cid c : keptB) assertTrue(store.has(c));

            Gc.Result all = new Gc(store).run(List.of(kept), 0);
            assertEquals(midB.size(), all.removedBlocks(), "a limit of 0 bytes still keeps what the root reaches");
            assertEquals(keptB.size(), all.keptBlocks());
            assertEquals(keptBytes, all.keptBytes());
            assertEquals(0, new Gc(store).run(List.of(kept), -1).removedBlocks());
        }
    }

    @Test
    void anIncompletePinnedManifestStopsGcAndAnAbsentRootKeepsNothing() throws Exception {
        try (FileBlockStore store = FileBlockStore.open(dir.resolve("data"))) {
            Cid a = image(store, "a", 2, 4);
            Cid other = image(store, "b", 2, 5);
            Image img = Image.open(store, a);
            assertTrue(img.manifestBlocks().size() >= 2, "root and pages: " + img.manifestBlocks());
            Cid page = img.manifestBlocks().get(1);
            store.delete(page);
            ApiException e = assertThrows(ApiException.class, () -> new Gc(store).run(List.of(a), -1));
            assertEquals(409, e.status);
            assertTrue(e.getMessage().contains("manifest block " + page + " is missing"), e.getMessage());
            assertTrue(store.has(other), "nothing was removed");

            Cid absent = Cid.of(Cid.DAG_CBOR, "never arrived".getBytes());
            Gc.Result r = new Gc(store).run(List.of(absent, other), -1);
            assertTrue(r.removedBlocks() > 0);
            assertFalse(store.has(a));
            assertTrue(store.has(other));
        }
    }
}
