package io.spore.p2p.fetch;

import io.spore.p2p.identity.PeerId;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Many blocks fetched together (a pull): progress figures and one future for the whole. */
public final class Batch {
    private final int blocks;
    final AtomicLong doneBlocks = new AtomicLong();
    final AtomicLong doneBytes = new AtomicLong();
    final Set<PeerId> peers = ConcurrentHashMap.newKeySet();
    final CompletableFuture<Void> done = new CompletableFuture<>();
    volatile Runnable canceller = () -> {};

    Batch(int blocks) { this.blocks = blocks; }

    public int blocks() { return blocks; }

    public long doneBlocks() { return doneBlocks.get(); }

    /** Bytes of the blocks fetched so far (as stored). */
    public long doneBytes() { return doneBytes.get(); }

    /** Peers that delivered at least one block of this batch. */
    public Set<PeerId> peers() { return Set.copyOf(peers); }

    /** Completes when every block is in the store; fails with the first block that could not be fetched. */
    public CompletableFuture<Void> done() { return done; }

    /** Stops asking for the blocks of this batch that nothing else waits for. */
    public void cancel() { canceller.run(); }
}
