package io.spore.fuse;

import io.spore.p2p.blockstore.BlockSource;
import io.spore.p2p.blockstore.MissingBlockException;
import io.spore.p2p.multiformats.Cid;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** A provider that can go away: then each get waits for the deadline and fails, like the fetcher. */
final class TestSource implements BlockSource {
    private final BlockSource inner;
    final AtomicInteger gets = new AtomicInteger();
    volatile boolean down;
    volatile Duration deadline = Duration.ofSeconds(2);

    TestSource(Map<Cid, byte[]> blocks) { this(cid -> {
        byte[] b = blocks.get(cid);
        if (b == null) throw new MissingBlockException(cid);
        return b;
    }); }

    TestSource(BlockSource inner) { this.inner = inner; }

    @Override
    public byte[] get(Cid cid) throws IOException {
        gets.incrementAndGet();
        if (down) {
            try {
                Thread.sleep(deadline);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new MissingBlockException(cid);
        }
        return inner.get(cid);
    }
}
