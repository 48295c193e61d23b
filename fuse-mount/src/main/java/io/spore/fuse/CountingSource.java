package io.spore.fuse;

import io.spore.p2p.blockstore.BlockSource;
import io.spore.p2p.blockstore.BlockStore;
import io.spore.p2p.blockstore.MissingBlockException;
import io.spore.p2p.multiformats.Cid;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The block source a mount reads through: the local store first, then the fetcher (timed), with
 * a small cache of recent blocks because consecutive 128 KiB FUSE reads usually fall into the same
 * chunk. Counts what it does for {@link MountStats} and tells the profile recorder each block.
 */
final class CountingSource implements BlockSource {
    private static final int CACHED_BLOCKS = 32;

    private final BlockStore local;
    private final BlockSource fetcher;
    private final Consumer<Cid> onRead;
    private final Map<Cid, byte[]> recent = new LinkedHashMap<>(64, 0.75f, true) {
        @Override protected boolean removeEldestEntry(Map.Entry<Cid, byte[]> e) { return size() > CACHED_BLOCKS; }
    };
    final Histogram urgent = new Histogram();
    final LongAdder hits = new LongAdder(), fetches = new LongAdder(), bytesFetched = new LongAdder();
    final Set<Cid> fetched = ConcurrentHashMap.newKeySet();

    /** @param local may be null: then every block comes from {@code fetcher} */
    CountingSource(BlockStore local, BlockSource fetcher, Consumer<Cid> onRead) {
        this.local = local;
        this.fetcher = fetcher;
        this.onRead = onRead;
    }

    @Override
    public byte[] get(Cid cid) throws IOException {
        onRead.accept(cid);
        byte[] b;
        synchronized (recent) { b = recent.get(cid); }
        if (b == null && local != null && local.has(cid)) {
            try {
                b = local.get(cid);
            } catch (MissingBlockException raced) {
                b = null;
            }
        }
        if (b != null) {
            hits.increment();
        } else {
            long t0 = System.nanoTime();
            b = fetcher.get(cid);
            urgent.record((System.nanoTime() - t0) / 1000);
            fetches.increment();
            bytesFetched.add(b.length);
            fetched.add(cid);
        }
        synchronized (recent) { recent.put(cid, b); }
        return b;
    }
}
