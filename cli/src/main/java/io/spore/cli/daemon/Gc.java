package io.spore.cli.daemon;

import io.spore.image.Chunk;
import io.spore.image.Image;
import io.spore.p2p.blockstore.FileBlockStore;
import io.spore.p2p.blockstore.MissingBlockException;
import io.spore.p2p.multiformats.Cid;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Garbage collection of the block store: what no root reaches (pinned images and images a machine
 * has mounted) may go. {@link #collect} removes all of it; {@link #evict} only the oldest of it
 * until the store fits its size limit. Blocks reachable from a root are never removed, whatever the
 * limit. The caller holds the daemon's store lock, so no import or pull adds blocks meanwhile.
 */
final class Gc {
    record Result(long removedBlocks, long removedBytes, long keptBlocks, long keptBytes, double seconds) {
        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("removedBlocks", removedBlocks);
            m.put("removedBytes", removedBytes);
            m.put("keptBlocks", keptBlocks);
            m.put("keptBytes", keptBytes);
            m.put("seconds", seconds);
            return m;
        }
    }

    /** Roots that must stay: the pins, and images mounted under {@code <data-dir>/mounts/<key>} (a running machine may read them). */
    static List<Cid> roots(List<Cid> pins, Path dataDir) throws IOException {
        List<Cid> roots = new ArrayList<>(pins);
        Path mounts = dataDir.resolve("mounts");
        if (Files.isDirectory(mounts)) {
            try (var s = Files.list(mounts)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    try {
                        roots.add(Cid.parse(p.getFileName().toString()));
                    } catch (IllegalArgumentException notAKey) {
                        // status files and the like
                    }
                }
            }
        }
        return roots;
    }

    private final FileBlockStore store;

    Gc(FileBlockStore store) {
        this.store = store;
    }

    /** Every block the roots reach. A root whose manifest is incomplete stops the collection: its chunks are unknown. */
    Set<Cid> live(Collection<Cid> roots) throws IOException {
        Set<Cid> live = new HashSet<>();
        for (Cid root : roots) {
            if (!store.has(root)) continue; // pinned before its manifest arrived: nothing of it to keep yet
            Image image;
            try {
                image = Image.open(store, root);
            } catch (MissingBlockException e) {
                throw new ApiException(409, "image " + root + " is pinned but its manifest block " + e.cid()
                        + " is missing, so its blocks are unknown: pull it again or unpin it, then run gc");
            }
            live.addAll(image.manifestBlocks());
            for (Chunk c : image.chunks()) live.add(c.cid());
            if (image.profile() != null) live.add(image.profile());
        }
        return live;
    }

    private record Stored(Cid cid, long bytes, Instant at) {}

    /** Removes unreachable blocks, oldest first, until the store holds at most {@code maxBytes} (all of them when negative). */
    Result run(Collection<Cid> roots, long maxBytes) throws IOException {
        long t0 = System.nanoTime();
        Set<Cid> live = live(roots);
        List<Stored> dead = new ArrayList<>();
        long[] kept = new long[2];
        List<Cid> all = new ArrayList<>();
        store.forEach(all::add);
        long total = 0;
        for (Cid c : all) {
            long size = store.size(c);
            if (size < 0) continue;
            total += size;
            if (live.contains(c)) {
                kept[0]++;
                kept[1] += size;
            } else {
                Instant at = store.storedAt(c);
                dead.add(new Stored(c, size, at == null ? Instant.EPOCH : at));
            }
        }
        dead.sort(Comparator.comparing(Stored::at));
        long removed = 0, removedBytes = 0;
        for (Stored s : dead) {
            if (maxBytes >= 0 && total <= maxBytes) {
                kept[0]++;
                kept[1] += s.bytes();
                continue;
            }
            store.delete(s.cid());
            total -= s.bytes();
            removed++;
            removedBytes += s.bytes();
        }
        return new Result(removed, removedBytes, kept[0], kept[1], (System.nanoTime() - t0) / 1e9);
    }
}
