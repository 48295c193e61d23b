package io.spore.p2p.bitswap;

import io.spore.p2p.blockstore.BlockStore;
import io.spore.p2p.blockstore.MissingBlockException;
import io.spore.p2p.identity.PeerId;
import io.spore.p2p.multiformats.Cid;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The serving side of Bitswap: one ledger of wants per peer, answered from a {@link BlockStore}.
 * Each peer is drained by one task at a time that packs blocks into messages under 4 MiB and waits
 * for each message to be written before reading the next blocks from disk, so a slow peer holds
 * at most two messages of memory. Wants for blocks we lack (without send-dont-have) are kept and
 * answered as asked when the block arrives ({@link #blockAdded}): a want-have with HAVE, a
 * want-block with the block.
 */
final class BitswapServer {
    private static final Logger LOG = Logger.getLogger(BitswapServer.class.getName());
    /** Blocks up to this size answer a want-have with the block itself, as Helia does. */
    static final int SEND_BLOCK_INSTEAD_OF_HAVE = 1024;
    /** Wants a peer may keep waiting for blocks we do not have. */
    static final int MAX_WAITING = 8192;
    /** Wants a peer may have pending at once; more are ignored until some are served. */
    static final int MAX_PENDING = 16384;
    /** Messages written to a peer but not yet flushed out, at most. */
    static final int IN_FLIGHT = 4;

    private final BlockStore store;
    private final MessageSender sender;
    private final Executor executor;
    private final Map<PeerId, Ledger> ledgers = new HashMap<>();
    private final java.util.concurrent.atomic.LongAdder blocksSent = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder bytesSent = new java.util.concurrent.atomic.LongAdder();

    BitswapServer(BlockStore store, MessageSender sender, Executor executor) {
        this.store = store;
        this.sender = sender;
        this.executor = executor;
    }

    /** A want waiting to be served; {@code seq} keeps arrival order among equal priorities. */
    private record Pending(BitswapMessage.Want want, long seq) {}

    /** Highest priority first (a FUSE read's want overtakes a background pull's), then oldest first. */
    private static final Comparator<Pending> ORDER = (a, b) -> a.want.priority() != b.want.priority()
            ? Integer.compare(b.want.priority(), a.want.priority()) : Long.compare(a.seq, b.seq);

    private static final class Ledger {
        final Map<Cid, Pending> pending = new HashMap<>();
        final TreeSet<Pending> order = new TreeSet<>(ORDER);
        final LinkedHashMap<Cid, BitswapMessage.Want> waiting = new LinkedHashMap<>();
        long seq;
        boolean draining;

        void want(BitswapMessage.Want w) {
            Pending old = pending.get(w.cid());
            if (old == null && pending.size() >= MAX_PENDING) return; // a peer cannot make us hold more
            long at = seq++;
            if (old != null) {
                order.remove(old);
                at = old.seq;
                // A want-have never weakens a want-block of the same block (the peer still waits for the bytes).
                if (old.want.type() == BitswapMessage.WantType.BLOCK && w.type() == BitswapMessage.WantType.HAVE) {
                    w = new BitswapMessage.Want(w.cid(), Math.max(w.priority(), old.want.priority()), false,
                            BitswapMessage.WantType.BLOCK, old.want.sendDontHave() || w.sendDontHave());
                }
            }
            Pending p = new Pending(w, at);
            pending.put(w.cid(), p);
            order.add(p);
        }

        void cancel(Cid cid) {
            Pending p = pending.remove(cid);
            if (p != null) order.remove(p);
            waiting.remove(cid);
        }

        BitswapMessage.Want next() {
            Pending p = order.pollFirst();
            if (p == null) return null;
            pending.remove(p.want.cid());
            return p.want;
        }
    }

    void onWants(PeerId peer, List<BitswapMessage.Want> wants, boolean full) {
        if (wants.isEmpty() && !full) return;
        boolean start;
        synchronized (this) {
            Ledger l = ledgers.computeIfAbsent(peer, p -> new Ledger());
            if (full) { l.pending.clear(); l.order.clear(); l.waiting.clear(); }
            for (BitswapMessage.Want w : wants) {
                if (w.cancel()) l.cancel(w.cid());
                else l.want(w);
            }
            start = !l.draining && !l.pending.isEmpty();
            if (start) l.draining = true;
        }
        if (start) executor.execute(() -> drain(peer));
    }

    /** A block arrived in the store: serve the peers that were waiting for it. */
    void blockAdded(Cid cid) {
        List<PeerId> start = new ArrayList<>();
        synchronized (this) {
            for (Map.Entry<PeerId, Ledger> e : ledgers.entrySet()) {
                Ledger l = e.getValue();
                BitswapMessage.Want w = l.waiting.remove(cid);
                if (w != null) {
                    l.want(w);
                    if (!l.draining) { l.draining = true; start.add(e.getKey()); }
                }
            }
        }
        for (PeerId p : start) executor.execute(() -> drain(p));
    }

    synchronized void peerGone(PeerId peer) {
        ledgers.remove(peer);
    }

    long blocksSent() { return blocksSent.sum(); }

    long bytesSent() { return bytesSent.sum(); }

    /**
     * The peer's most urgent pending want, or null (and the drain ends) when there is none or the
     * peer is gone. {@code holding} says whether the caller has an unsent message: it must send that
     * first (peers wait on it), so the drain does not end yet.
     */
    private synchronized BitswapMessage.Want take(PeerId peer, boolean holding) {
        Ledger l = ledgers.get(peer);
        if (l == null) return null;
        BitswapMessage.Want w = l.next();
        if (w == null && !holding) l.draining = false;
        return w;
    }

    private synchronized void wait(PeerId peer, BitswapMessage.Want w) {
        Ledger l = ledgers.get(peer);
        if (l != null && l.waiting.size() < MAX_WAITING) l.waiting.put(w.cid(), w);
    }

    /**
     * Serves the peer's wants one at a time, most urgent first, packing answers into messages up to
     * {@link BitswapCodec#MAX_OUTGOING}. A message goes out when full or when no want is left to
     * pack into it, so a lone urgent want is answered at once and a long wantlist in few large messages.
     */
    private void drain(PeerId peer) {
        ArrayDeque<CompletableFuture<Void>> inFlight = new ArrayDeque<>();
        List<BitswapMessage.Block> blocks = new ArrayList<>();
        List<BitswapMessage.Presence> presences = new ArrayList<>();
        int size = 0;
        try {
            while (true) {
                BitswapMessage.Want w = take(peer, size > 0);
                if (w == null) {
                    if (size == 0) break;
                    flush(peer, inFlight, blocks, presences);
                    blocks = new ArrayList<>();
                    presences = new ArrayList<>();
                    size = 0;
                    continue;
                }
                if (w.type() == BitswapMessage.WantType.HAVE && haveWithoutBlock(w.cid())) {
                    // a HAVE without reading the block: the store verifies (hashes) what it reads,
                    // and a peer may ask about thousands of blocks it will fetch from someone else
                    presences.add(new BitswapMessage.Presence(w.cid(), true));
                    size += 64;
                    continue;
                }
                byte[] data = read(w);
                if (data == null) {
                    if (w.sendDontHave()) {
                        presences.add(new BitswapMessage.Presence(w.cid(), false));
                        size += 64;
                    } else {
                        wait(peer, w);
                    }
                } else {
                    BitswapMessage.Block b = new BitswapMessage.Block(w.cid(), data);
                    int bs = BitswapCodec.encodedSize(b);
                    if (size + bs > BitswapCodec.MAX_OUTGOING - BitswapCodec.MESSAGE_OVERHEAD && !blocks.isEmpty()) {
                        flush(peer, inFlight, blocks, presences);
                        blocks = new ArrayList<>();
                        presences = new ArrayList<>();
                        size = 0;
                    }
                    blocks.add(b);
                    size += bs;
                }
            }
            for (CompletableFuture<Void> f : inFlight) f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopDraining(peer);
        } catch (ExecutionException | RuntimeException e) {
            LOG.log(Level.FINE, "bitswap: sending to " + peer + " failed", e);
            peerGone(peer);
        }
    }

    private synchronized void stopDraining(PeerId peer) {
        Ledger l = ledgers.get(peer);
        if (l != null) l.draining = false;
    }

    /**
     * Sends a message once fewer than {@link #IN_FLIGHT} are unwritten: a peer that reads slowly holds
     * at most that many messages (2 MiB each) of our memory, while a fast one never waits on a round trip.
     */
    private CompletableFuture<Void> flush(PeerId peer, ArrayDeque<CompletableFuture<Void>> inFlight,
                                          List<BitswapMessage.Block> blocks, List<BitswapMessage.Presence> presences)
            throws InterruptedException, ExecutionException {
        while (inFlight.size() >= IN_FLIGHT) inFlight.poll().get();
        long bytes = 0;
        for (BitswapMessage.Block b : blocks) bytes += b.data().length;
        blocksSent.add(blocks.size());
        bytesSent.add(bytes);
        CompletableFuture<Void> f = sender.send(peer, new BitswapMessage(List.of(), false, blocks, presences));
        inFlight.add(f);
        return f;
    }

    /** Whether the store has the block and it is too big to answer a want-have with. */
    private boolean haveWithoutBlock(Cid cid) {
        try {
            return store.size(cid) > SEND_BLOCK_INSTEAD_OF_HAVE; // -1 when absent
        } catch (IOException e) {
            return false; // read() says why
        }
    }

    private byte[] read(BitswapMessage.Want w) {
        try {
            if (!store.has(w.cid())) return null;
            return store.get(w.cid());
        } catch (MissingBlockException e) {
            return null;
        } catch (IOException e) {
            LOG.log(Level.WARNING, "bitswap: cannot read block " + w.cid() + ": " + e.getMessage());
            return null;
        }
    }

    /** For callers that want to know which CIDs a peer is waiting for (tests, status). */
    synchronized Set<Cid> waiting(PeerId peer) {
        Ledger l = ledgers.get(peer);
        return l == null ? Set.of() : Set.copyOf(l.waiting.keySet());
    }
}
