package io.spore.fuse;

import io.spore.p2p.blockstore.BlockSource;
import io.spore.p2p.blockstore.BlockStore;
import io.spore.p2p.blockstore.MissingBlockException;
import io.spore.p2p.multiformats.Cid;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The block source a mount reads through: the local store first, then the fetcher (timed). Counts
 * what it does for {@link MountStats} and tells the profile recorder each block. (The image keeps
 * recent decompressed chunks, so consecutive 128 KiB reads of one chunk come here once.)
 */
final class CountingSource implements BlockSource {
    private final BlockStore local;
    private final BlockSource fetcher;
    private final Consumer<Cid> onRead;
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
        if (local != null) {
            try {
                byte[] b = local.get(cid);
                hits.increment();
                return b;
            } catch (MissingBlockException notHere) {
                // fetch it
            }
        }
        long t0 = System.nanoTime();
        byte[] b = fetcher.get(cid);
        urgent.record((System.nanoTime() - t0) / 1000);
        fetches.increment();
        bytesFetched.add(b.length);
        fetched.add(cid);
        return b;
    }
}
