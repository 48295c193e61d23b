package io.spore.p2p.fetch;

import io.spore.p2p.bitswap.BitswapMessage;
import io.spore.p2p.bitswap.MemoryBlockStore;
import io.spore.p2p.identity.KeyPair;
import io.spore.p2p.identity.PeerId;
import io.spore.p2p.multiformats.Cid;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** In-process peers for unit tests of the scheduler: each answers wants from its own store, as told. */
final class FakeNetwork implements PeerExchange, AutoCloseable {
    enum Mode { HONEST, SILENT, LIAR }

    final Map<PeerId, FakePeer> connected = new ConcurrentHashMap<>();
    final Set<PeerId> dropped = ConcurrentHashMap.newKeySet();
    private volatile Listener listener;
    private final ExecutorService exec = Executors.newVirtualThreadPerTaskExecutor();

    final class FakePeer {
        final PeerId id;
        final MemoryBlockStore store = new MemoryBlockStore();
        volatile Mode mode;
        volatile long delayMillis;
        /** The peer's uplink: blocks leave one after another at this rate (0: no limit). */
        volatile long bytesPerSecond;
        private long linkFreeAt;
        final AtomicInteger served = new AtomicInteger();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();
        final List<Cid> wantOrder = new CopyOnWriteArrayList<>();

        FakePeer(int n, Mode mode) {
            byte[] seed = new byte[32];
            seed[0] = (byte) n;
            this.id = KeyPair.fromSeed(seed).peerId();
            this.mode = mode;
        }

        void handle(BitswapMessage.Want w) {
            if (w.cancel()) return;
            if (w.type() == BitswapMessage.WantType.BLOCK) wantOrder.add(w.cid());
            if (mode == Mode.SILENT) return;
            boolean counted = w.type() == BitswapMessage.WantType.BLOCK; // the window bounds want-blocks
            if (counted) maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                if (delayMillis > 0) Thread.sleep(delayMillis);
                if (bytesPerSecond > 0 && counted && store.has(w.cid())) {
                    long sendNanos = store.size(w.cid()) * 1_000_000_000L / bytesPerSecond;
                    long at;
                    synchronized (this) {
                        at = Math.max(System.nanoTime(), linkFreeAt) + sendNanos;
                        linkFreeAt = at;
                    }
                    long wait = at - System.nanoTime();
                    if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                if (counted) inFlight.decrementAndGet();
            }
            Listener l = listener;
            if (!connected.containsKey(id)) return;
            if (!store.has(w.cid())) {
                if (w.sendDontHave()) l.onPresence(id, w.cid(), false);
                return;
            }
            if (w.type() == BitswapMessage.WantType.HAVE) {
                l.onPresence(id, w.cid(), true);
                return;
            }
            byte[] data;
            try {
                data = store.get(w.cid());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            if (mode == Mode.LIAR) data[0] ^= 1;
            served.incrementAndGet();
            // as the Bitswap codec does: the block is named by its hash
            l.onBlock(id, Cid.of(w.cid().codec(), data), data);
        }
    }

    FakePeer peer(int n, Mode mode) {
        FakePeer p = new FakePeer(n, mode);
        connected.put(p.id, p);
        return p;
    }

    /** A peer not connected yet: see {@link #connect}. */
    FakePeer unconnectedPeer(int n, Mode mode) {
        return new FakePeer(n, mode);
    }

    /** A peer that connects later, as a host found by mDNS does: the fetcher hears of the new connection. */
    void connect(FakePeer p) {
        connected.put(p.id, p);
        listener.onPeerConnected(p.id);
    }

    /** The peer goes away (killed): the fetcher hears of it as a closed connection. */
    void kill(FakePeer p) {
        if (connected.remove(p.id) != null) listener.onPeerGone(p.id);
    }

    /** Peers not connected yet that answer a dial: sending to one connects it first, as Bitswap does. */
    final Map<PeerId, FakePeer> dialable = new ConcurrentHashMap<>();
    /** Sends to peers that were not connected: each is a dial. */
    final Map<PeerId, AtomicInteger> dials = new ConcurrentHashMap<>();
    /** How long a dial to a peer that is neither connected nor dialable takes to fail (a SYN unanswered). */
    volatile long dialFailMillis;

    @Override
    public void sendWants(PeerId peer, List<BitswapMessage.Want> wants) {
        FakePeer p = connected.get(peer);
        if (p == null) {
            dials.computeIfAbsent(peer, x -> new AtomicInteger()).incrementAndGet();
            FakePeer d = dialable.remove(peer);
            exec.execute(() -> {
                if (d != null) {
                    connect(d);
                    for (BitswapMessage.Want w : wants) d.handle(w);
                    return;
                }
                try {
                    Thread.sleep(dialFailMillis);
                } catch (InterruptedException e) {
                    return;
                }
                listener.onPeerGone(peer);
            });
            return;
        }
        for (BitswapMessage.Want w : wants) exec.execute(() -> p.handle(w));
    }

    @Override public Collection<PeerId> connectedPeers() { return List.copyOf(connected.keySet()); }

    @Override
    public void drop(PeerId peer) {
        dropped.add(peer);
        if (connected.remove(peer) != null) listener.onPeerGone(peer);
    }

    @Override public void setListener(Listener listener) { this.listener = listener; }

    @Override public void close() { exec.shutdownNow(); }
}
