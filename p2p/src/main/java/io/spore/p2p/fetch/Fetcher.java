package io.spore.p2p.fetch;

import io.spore.p2p.bitswap.BitswapMessage;
import io.spore.p2p.blockstore.BlockSource;
import io.spore.p2p.blockstore.BlockStore;
import io.spore.p2p.blockstore.CorruptBlockException;
import io.spore.p2p.blockstore.MissingBlockException;
import io.spore.p2p.identity.PeerId;
import io.spore.p2p.multiformats.Cid;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The daemon's one block scheduler (design.md, Fetching). Requests wait in three queues served in
 * order (urgent, profile, background; stream order within a class). Each is sent as a want-block
 * (with send-dont-have) to the known provider with the fewest outstanding wants, within a window
 * per peer and a total window; a want that times out or is refused moves to another provider;
 * a block that arrives is checked against the CID we asked for, stored, and handed to its waiters.
 * A peer that sends a block nobody asked it for (a wrong block: Bitswap names blocks by their hash)
 * is dropped and banned. Wants go only to connected providers: one found but not connected (a DHT
 * provider record) is dialled first, and one that cannot be dialled is tried again only after a
 * growing pause, because provider records outlive the peers that wrote them (sooner while some want
 * has no connected provider at all). A request that no provider can be asked for during the no-provider deadline
 * fails with {@link MissingBlockException}.
 *
 * <p>Windows count both wants and bytes (by the sizes a pull knows, else by the typical block size
 * seen), so many small blocks and a few large ones both keep several MiB in flight per peer.
 * Non-urgent wants leave in batches, once a good part of a peer's window is free, so the peer can
 * answer with few full messages.
 *
 * <p>Memory: the queues hold CIDs only; block bytes are held from receipt until stored, and at
 * most {@link FetchConfig#totalWindow()} blocks (plus {@link #URGENT_EXTRA} urgent ones) are
 * outstanding, so at most that many blocks of at most 2 MiB are in memory; with sizes known, also
 * at most about {@link FetchConfig#totalBytes()}.
 */
public final class Fetcher implements BlockSource, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Fetcher.class.getName());
    private static final long BAN_NANOS = TimeUnit.MINUTES.toNanos(10);
    private static final long PROBE_NANOS = TimeUnit.SECONDS.toNanos(2);
    /**
     * After a failed dial, a provider waits this long before the next, doubling per failure up to
     * {@link #MAX_REDIAL_NANOS}; only {@link #STARVED_REDIAL_NANOS} while some want has no connected
     * provider to go to, so a provider that comes back is found at once when it is the only one.
     */
    private static final long REDIAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long MAX_REDIAL_NANOS = TimeUnit.MINUTES.toNanos(5);
    private static final long STARVED_REDIAL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final int RECENT = 4096;
    /**
     * Wants an urgent read may have out beyond a full window (per peer and in total): a FUSE read
     * never waits for a background pull's wants to be answered before its own goes out.
     */
    static final int URGENT_EXTRA = 64;
    /**
     * While reads are waiting (an urgent want went out in the last {@link #YIELD_NANOS}), profile and
     * background wants keep at most this many expected bytes outstanding at a peer, or twice the
     * link's bandwidth-delay product where that is more ({@link LinkEstimate}). The peer answers
     * in priority order only among what it has not sent yet, so an urgent block queues behind every
     * background block already on its way: with the full 16 MiB window that was seconds on a slow
     * link (at 10 Mbit/s a boot with prefetch took 48.5 s, one without 35.8 s). 512 KiB is 0.4 s at
     * 10 Mbit/s, and more than a 100 Mbit/s, 20 ms link holds; at 200 ms it was a fifth of what
     * that link holds, and a boot's prefetch crawled at 2 MB/s (SSH-ready 21.4 s, against 5.2 s at 1 ms).
     */
    static final long YIELD_BYTES = 512 * 1024;
    static final long YIELD_NANOS = TimeUnit.SECONDS.toNanos(2);
    static final int WRITERS = 3;

    private final BlockStore store;
    private final PeerExchange net;
    private final ProviderDiscovery discovery;
    private final FetchConfig cfg;
    private final Consumer<Cid> onStored;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private boolean dirty;
    private boolean closed;
    private long seq;
    private final Map<Cid, Request> requests = new HashMap<>();
    private final EnumMap<Priority, TreeSet<Request>> queues = new EnumMap<>(Priority.class);
    private final Set<Request> inflight = new HashSet<>();
    private final Map<PeerId, PeerState> peers = new HashMap<>();
    private final Map<PeerId, Long> banned = new HashMap<>();
    private final Map<Cid, Search> searches = new HashMap<>();
    private int outstanding;
    private long outstandingBytes;
    /** Expected size of a block whose size nobody told us: a running average of what arrived. */
    private long typicalBlock = 64 * 1024;
    private long lastProbe;
    /** The last scheduling round left a want with no connected provider to ask. */
    private boolean starved;
    private long lastUrgent = Long.MIN_VALUE / 2;

    private final LongAdder blocksFetched = new LongAdder();
    private final LongAdder bytesFetched = new LongAdder();
    private final LongAdder peersDropped = new LongAdder();
    private final LongAdder wantsTimedOut = new LongAdder();
    /**
     * Stores blocks. Platform threads, few: a store's writes are blocking (native) calls, which would
     * hold the virtual-thread carriers that Bitswap's decoding and serving run on; and a few writers
     * keep the disk as busy as hundreds would. The queue is bounded by the total window.
     */
    private final ExecutorService writers = Executors.newFixedThreadPool(WRITERS,
            Thread.ofPlatform().daemon().name("spore-fetch-writer-", 0).factory());
    private final Thread scheduler;

    /**
     * @param onStored called with every block the fetcher stored (the daemon tells Bitswap, whose
     *                 peers may be waiting for it)
     */
    public Fetcher(BlockStore store, PeerExchange net, ProviderDiscovery discovery, FetchConfig cfg, Consumer<Cid> onStored) {
        this.store = store;
        this.net = net;
        this.discovery = discovery;
        this.cfg = cfg;
        this.onStored = onStored;
        for (Priority p : Priority.values()) queues.put(p, new TreeSet<>((a, b) -> Long.compare(a.seq, b.seq)));
        net.setListener(new Listener());
        scheduler = Thread.ofPlatform().daemon().name("spore-fetcher").start(this::run);
    }

    public Fetcher(BlockStore store, PeerExchange net, ProviderDiscovery discovery, FetchConfig cfg) {
        this(store, net, discovery, cfg, cid -> {});
    }

    private static final class Request {
        final Cid cid;
        final Cid key;
        final long seq;
        Priority priority;
        final List<BiConsumer<byte[], Throwable>> waiters = new ArrayList<>(1);
        final Set<PeerId> tried = new HashSet<>();
        final Set<PeerId> asked = new HashSet<>();
        /** Its stored size when the caller knew it (a pull knows every chunk's), else -1. */
        long size = -1;
        PeerState assigned;
        /** Bytes this want holds of its peer's byte window and of the total one. */
        long peerBytes;
        long totalBytes;
        long sentAt;
        long idleSince = -1;
        long lastRefusal;
        /** Since when every peer asked refused it or timed out (-1: none has yet); the no-provider deadline runs from here. */
        long refusedSince = -1;
        boolean writing;

        Request(Cid cid, Cid key, long seq, Priority priority) {
            this.cid = cid;
            this.key = key;
            this.seq = seq;
            this.priority = priority;
        }
    }

    private static final class PeerState {
        final PeerId id;
        boolean provider;
        /** An open connection: only then does it get wants. */
        boolean connected;
        /** A dial is under way (a want-have was sent to make one). */
        boolean dialing;
        int dialFailures;
        /** When the last dial failed, and when the next may start (System.nanoTime()). */
        long dialFailedAt, redialAt;
        int outstanding;
        long bytes;
        int timeouts;
        boolean open;
        final Set<Cid> asked = new HashSet<>();
        final LinkEstimate link = new LinkEstimate();
        final LinkedHashMap<Cid, Boolean> recent = new LinkedHashMap<>(16, 0.75f, false) {
            @Override protected boolean removeEldestEntry(Map.Entry<Cid, Boolean> e) { return size() > RECENT; }
        };

        PeerState(PeerId id) { this.id = id; }

        boolean solicited(Cid cid) { return asked.contains(cid) || recent.containsKey(cid); }

        /** Whether to dial it now: never while a dial is under way; after a failed one, once its pause is over. */
        boolean dialDue(long now, boolean starved) {
            return !dialing && (dialFailures == 0 || now - redialAt >= 0 || starved && now - dialFailedAt >= STARVED_REDIAL_NANOS);
        }

        void connectionOpen() {
            connected = true;
            dialing = false;
            dialFailures = 0;
        }

        /** Its connection closed, or the dial for one failed (then the next dial waits). */
        void connectionGone(long now) {
            if (dialing && !connected) {
                dialFailures++;
                dialFailedAt = now;
                redialAt = now + Math.min(MAX_REDIAL_NANOS, REDIAL_NANOS << Math.min(dialFailures - 1, 20));
            }
            connected = false;
            dialing = false;
        }

        void answered(Cid cid) {
            if (asked.remove(cid)) recent.put(cid, Boolean.TRUE);
        }
    }

    private static final class Search {
        final AutoCloseable handle;
        int refs;

        Search(AutoCloseable handle) { this.handle = handle; }
    }

    // ---- public API ----

    /** An urgent read: from the store if there, else from peers (providers of {@code cid} itself and connected peers). */
    @Override
    public byte[] get(Cid cid) throws IOException {
        return get(cid, cid);
    }

    /** An urgent read of a block of the image {@code key} (its providers are asked). */
    public byte[] get(Cid cid, Cid key) throws IOException {
        if (store.has(cid)) {
            try {
                return store.get(cid);
            } catch (MissingBlockException | CorruptBlockException e) {
                // gone or bad since has(): fetch it again
            }
        }
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        request(List.of(cid), Map.of(), key, Priority.URGENT, (data, err) -> {
            if (err != null) f.completeExceptionally(err);
            else f.complete(data);
        });
        try {
            byte[] data = f.get();
            return data != null ? data : store.get(cid);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while fetching " + cid);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            throw new IOException("fetching " + cid + " failed: " + e.getCause(), e.getCause());
        }
    }

    /**
     * Fetches every block of {@code cids} not already in the store into it, asking the providers of
     * {@code key}. Blocks already present count as done at once, so a pull resumes where it stopped.
     */
    public Batch fetchAll(Collection<Cid> cids, Cid key, Priority priority) throws IOException {
        return fetchAll(cids, Map.of(), key, priority);
    }

    /**
     * Like {@link #fetchAll(Collection, Cid, Priority)} for blocks whose stored sizes are known (an
     * image's chunks): wants are then counted against the byte windows by their real size.
     */
    public Batch fetchAll(Map<Cid, Long> sizes, Cid key, Priority priority) throws IOException {
        return fetchAll(sizes.keySet(), sizes, key, priority);
    }

    private Batch fetchAll(Collection<Cid> cids, Map<Cid, Long> sizes, Cid key, Priority priority) throws IOException {
        Batch batch = new Batch(cids.size());
        List<Cid> missing = new ArrayList<>();
        for (Cid c : cids) {
            long size = store.has(c) ? store.size(c) : -1; // has() first: a missing block costs no exception
            if (size >= 0) {
                batch.doneBlocks.incrementAndGet();
                batch.doneBytes.addAndGet(size);
            } else {
                missing.add(c);
            }
        }
        if (missing.isEmpty()) {
            batch.done.complete(null);
            return batch;
        }
        long[] left = {missing.size()};
        BiConsumer<byte[], Throwable> each = new BiConsumer<>() {
            @Override public void accept(byte[] data, Throwable err) {
                if (err != null) {
                    batch.done.completeExceptionally(err);
                    batch.cancel();
                    return;
                }
                if (data != null) {
                    batch.doneBlocks.incrementAndGet();
                    batch.doneBytes.addAndGet(data.length);
                }
                boolean last;
                synchronized (left) { last = --left[0] == 0; }
                if (last) batch.done.complete(null);
            }
        };
        BatchWaiter waiter = new BatchWaiter(batch, each);
        batch.canceller = () -> withdraw(missing, waiter);
        request(missing, sizes, key, priority, waiter);
        return batch;
    }

    /** A peer that has (or may have) blocks of {@code key} (mDNS, bootstrap, DHT, tests). */
    public void addProvider(PeerId peer) {
        lock.lock();
        try {
            if (isBanned(peer, System.nanoTime())) return;
            peers.computeIfAbsent(peer, PeerState::new).provider = true;
            signal();
        } finally {
            lock.unlock();
        }
    }

    public Stats stats() {
        lock.lock();
        try {
            int queued = 0;
            for (TreeSet<Request> q : queues.values()) queued += q.size();
            int providers = (int) peers.values().stream().filter(p -> p.provider).count();
            return new Stats(blocksFetched.sum(), bytesFetched.sum(), queued, outstanding, providers, peersDropped.sum(), wantsTimedOut.sum());
        } finally {
            lock.unlock();
        }
    }

    /** Figures for status output. */
    public record Stats(long blocksFetched, long bytesFetched, int queued, int outstanding, int providers, long peersDropped,
                        long wantsTimedOut) {}

    @Override
    public void close() {
        List<Request> all;
        List<AutoCloseable> handles = new ArrayList<>();
        lock.lock();
        try {
            closed = true;
            all = new ArrayList<>(requests.values());
            requests.clear();
            for (TreeSet<Request> q : queues.values()) q.clear();
            inflight.clear();
            for (Search s : searches.values()) handles.add(s.handle);
            searches.clear();
            signal();
        } finally {
            lock.unlock();
        }
        IOException closedErr = new IOException("the fetcher was closed (the daemon is stopping)");
        for (Request r : all) for (var w : r.waiters) w.accept(null, closedErr);
        for (AutoCloseable h : handles) closeQuietly(h);
        scheduler.interrupt();
        writers.shutdown();
    }

    // ---- requests ----

    private void request(List<Cid> cids, Map<Cid, Long> sizes, Cid key, Priority priority, BiConsumer<byte[], Throwable> waiter)
            throws IOException {
        Set<PeerId> probe = null;
        lock.lock();
        try {
            if (closed) throw new IOException("the fetcher was closed (the daemon is stopping)");
            if (requests.size() + cids.size() > cfg.maxQueued()) {
                throw new IOException("too many blocks queued (" + requests.size() + "): wait for running pulls to finish");
            }
            Search search = searches.get(key);
            if (search == null) {
                search = new Search(discovery.find(key, this::addProvider));
                searches.put(key, search);
                probe = new HashSet<>(net.connectedPeers());
            }
            for (Cid c : cids) {
                Request r = requests.get(c);
                if (r == null) {
                    r = new Request(c, key, seq++, priority);
                    Long size = sizes.get(c);
                    if (size != null && size >= 0) r.size = size;
                    requests.put(c, r);
                    searches.get(r.key).refs++;
                    queues.get(priority).add(r);
                } else if (priority.compareTo(r.priority) < 0) {
                    if (queues.get(r.priority).remove(r)) queues.get(priority).add(r);
                    r.priority = priority;
                }
                r.waiters.add(waiter);
            }
            if (probe != null) {
                for (PeerId p : probe) {
                    if (isBanned(p, System.nanoTime())) continue;
                    peers.computeIfAbsent(p, PeerState::new).asked.add(key);
                }
            }
            signal();
        } finally {
            lock.unlock();
        }
        if (probe != null) {
            for (PeerId p : probe) net.sendWants(p, List.of(BitswapMessage.Want.have(key, Integer.MAX_VALUE)));
        }
    }

    private void withdraw(List<Cid> cids, BiConsumer<byte[], Throwable> waiter) {
        Map<PeerId, List<BitswapMessage.Want>> cancels = new HashMap<>();
        lock.lock();
        try {
            for (Cid c : cids) {
                Request r = requests.get(c);
                if (r == null || r.writing) continue;
                r.waiters.removeIf(w -> w == waiter);
                if (!r.waiters.isEmpty()) continue;
                queues.get(r.priority).remove(r);
                if (r.assigned != null) unassign(r);
                for (PeerId p : r.asked) cancels.computeIfAbsent(p, x -> new ArrayList<>()).add(BitswapMessage.Want.cancel(c));
                forget(r);
            }
        } finally {
            lock.unlock();
        }
        cancels.forEach(net::sendWants);
    }

    // ---- scheduler ----

    private void signal() {
        dirty = true;
        wake.signal();
    }

    private void run() {
        while (true) {
            Map<PeerId, List<BitswapMessage.Want>> out = new LinkedHashMap<>();
            List<Runnable> after = new ArrayList<>();
            lock.lock();
            try {
                if (closed) return;
                while (!dirty) {
                    if (!wake.await(50, TimeUnit.MILLISECONDS)) break;
                }
                dirty = false;
                long now = System.nanoTime();
                expire(now, out);
                dispatch(now, out, after);
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            out.forEach(net::sendWants);
            after.forEach(Runnable::run);
        }
    }

    private void expire(long now, Map<PeerId, List<BitswapMessage.Want>> out) {
        long timeout = cfg.wantTimeout().toNanos();
        for (Iterator<Request> it = inflight.iterator(); it.hasNext(); ) {
            Request r = it.next();
            if (now - r.sentAt < timeout) continue;
            PeerState p = r.assigned;
            it.remove();
            releasePeer(r);
            releaseTotal(r);
            p.timeouts++;
            wantsTimedOut.increment();
            r.tried.add(p.id);
            r.lastRefusal = now;
            r.refusedSince = -1; // a slow peer is not a refusal: it may be a busy seeder that has the block
            queues.get(r.priority).add(r);
            LOG.fine(() -> "want " + r.cid + " timed out at " + p.id + "; moving it");
        }
    }

    private void dispatch(long now, Map<PeerId, List<BitswapMessage.Want>> out, List<Runnable> after) {
        List<Request> failed = new ArrayList<>();
        boolean idle = false;
        long deadline = cfg.noProviderDeadline().toNanos();
        long retry = cfg.retryAfter().toNanos();
        // Non-urgent wants go to a peer only once a good part of its window is free, so they leave in
        // batches and the peer can answer with few full messages rather than one message per block.
        boolean yielding = now - lastUrgent < YIELD_NANOS;
        Collection<PeerId> live = null;
        for (PeerState p : peers.values()) {
            p.open = p.outstanding == 0
                    || window(p) - p.outstanding >= batch(p) && byteWindow(p) - p.bytes >= byteWindow(p) / 8;
            if (p.provider && !p.connected && p.dialDue(now, starved) && !searches.isEmpty() && !isBanned(p.id, now)) {
                // The host's list first: a peer may be connected without our having heard (a failed send
                // reports a peer gone whose connection stays open; a connection older than this state).
                if (live == null) live = net.connectedPeers();
                if (live.contains(p.id)) {
                    p.connectionOpen();
                } else {
                    // Bitswap dials to send this; the wants themselves wait for the connection
                    p.dialing = true;
                    askForKeys(p, out);
                }
            }
        }
        outer:
        for (Priority prio : Priority.values()) {
            boolean urgent = prio == Priority.URGENT;
            for (Iterator<Request> it = queues.get(prio).iterator(); it.hasNext(); ) {
                if (outstanding >= cfg.totalWindow() + (urgent ? URGENT_EXTRA : 0)
                        || !urgent && outstanding > 0 && outstandingBytes >= cfg.totalBytes()) {
                    if (urgent) continue outer;
                    break outer;
                }
                Request r = it.next();
                PeerState best = null;
                boolean candidate = false;
                boolean anyFree = false;
                for (PeerState p : peers.values()) {
                    if (!p.provider || !p.connected) continue;
                    boolean free = urgent ? p.outstanding < window(p) + URGENT_EXTRA
                            : p.open && p.outstanding < window(p)
                              && (p.outstanding == 0 || p.bytes < (yielding ? Math.min(p.link.yieldCap(YIELD_BYTES), byteWindow(p)) : byteWindow(p)));
                    anyFree |= free;
                    if (r.tried.contains(p.id)) continue;
                    candidate = true;
                    if (free && (best == null || p.outstanding < best.outstanding)) best = p;
                }
                if (best == null) {
                    if (candidate) {
                        if (!anyFree) {
                            if (urgent) continue outer;
                            break outer; // every provider is busy: nothing below can go out either
                        }
                        continue;
                    }
                    if (r.refusedSince >= 0 && now - r.refusedSince >= deadline) {
                        // asked again and again, refused every time: nobody has it
                        it.remove();
                        failed.add(r);
                        continue;
                    }
                    if (!r.tried.isEmpty() && now - r.lastRefusal >= retry) {
                        r.tried.clear(); // they may have fetched it since: ask again next round
                        dirty = true;
                        continue;
                    }
                    idle = true;
                    if (r.idleSince < 0) r.idleSince = now;
                    else if (now - r.idleSince >= deadline) {
                        it.remove();
                        failed.add(r);
                    }
                    continue;
                }
                it.remove();
                if (urgent) {
                    lastUrgent = now;
                    yielding = true;
                }
                r.sentAt = now;
                r.idleSince = -1;
                r.asked.add(best.id);
                best.asked.add(r.cid);
                long cost = r.size >= 0 ? r.size : typicalBlock;
                r.assigned = best;
                r.peerBytes = cost;
                best.outstanding++;
                best.bytes += cost;
                best.link.sent(now);
                inflight.add(r);
                chargeTotal(r, cost);
                out.computeIfAbsent(best.id, x -> new ArrayList<>()).add(BitswapMessage.Want.block(r.cid, wirePriority(prio)));
            }
        }
        for (Request r : failed) {
            forget(r);
            MissingBlockException e = new MissingBlockException(r.cid) {
                @Override public String getMessage() {
                    return "no peer could provide block " + r.cid + " within " + cfg.noProviderDeadline().toSeconds()
                            + " s: check that a peer sharing the image is running and reachable (--bootstrap, mDNS, DHT)";
                }
            };
            after.add(() -> { for (var w : r.waiters) w.accept(null, e); });
        }
        if (idle && now - lastProbe > PROBE_NANOS && !searches.isEmpty()) {
            lastProbe = now;
            reprobe(out);
        }
        starved = idle;
    }

    /** Asks connected peers that are not providers yet whether they have the keys being fetched. */
    private void reprobe(Map<PeerId, List<BitswapMessage.Want>> out) {
        long now = System.nanoTime();
        for (PeerId id : net.connectedPeers()) {
            if (isBanned(id, now)) continue;
            PeerState p = peers.computeIfAbsent(id, PeerState::new);
            if (!p.provider) askForKeys(p, out);
        }
    }

    /** Want-haves for every key being fetched, to one peer. */
    private void askForKeys(PeerState p, Map<PeerId, List<BitswapMessage.Want>> out) {
        for (Cid key : searches.keySet()) {
            p.asked.add(key);
            out.computeIfAbsent(p.id, x -> new ArrayList<>()).add(BitswapMessage.Want.have(key, Integer.MAX_VALUE));
        }
    }

    private int window(PeerState p) {
        return Math.max(1, cfg.windowPerPeer() >> Math.min(p.timeouts, 6));
    }

    /** Bytes (as expected) outstanding at a peer at most; shrinks with its timeouts as {@link #window} does. */
    private long byteWindow(PeerState p) {
        return Math.max(1, cfg.bytesPerPeer() >> Math.min(p.timeouts, 6));
    }

    /** Free window a peer needs before non-urgent wants go to it. */
    private int batch(PeerState p) {
        return Math.max(1, window(p) / 8);
    }

    private static int wirePriority(Priority p) {
        return switch (p) {
            case URGENT -> 1 << 30;
            case PROFILE -> 1 << 20;
            case BACKGROUND -> 1;
        };
    }

    private void unassign(Request r) {
        if (r.assigned == null) return;
        inflight.remove(r);
        releasePeer(r);
        releaseTotal(r);
    }

    /** Frees the want's place in its peer's windows (the caller takes it out of {@code inflight}). */
    private void releasePeer(Request r) {
        PeerState p = r.assigned;
        p.outstanding--;
        p.bytes -= r.peerBytes;
        r.peerBytes = 0;
        r.assigned = null;
    }

    private void chargeTotal(Request r, long bytes) {
        outstanding++;
        outstandingBytes += bytes;
        r.totalBytes = bytes;
    }

    /** Frees the want's place in the total windows: its block is stored, or it goes back to a queue. */
    private void releaseTotal(Request r) {
        outstanding--;
        outstandingBytes -= r.totalBytes;
        r.totalBytes = 0;
    }

    private void forget(Request r) {
        requests.remove(r.cid);
        Search s = searches.get(r.key);
        if (s != null && --s.refs <= 0) {
            searches.remove(r.key);
            AutoCloseable h = s.handle;
            Thread.ofVirtual().start(() -> closeQuietly(h));
        }
    }

    private boolean isBanned(PeerId peer, long now) {
        Long until = banned.get(peer);
        if (until == null) return false;
        if (now - until < 0) return true;
        banned.remove(peer);
        return false;
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.log(Level.FINE, "closing a provider search failed", e);
        }
    }

    // ---- network events ----

    private final class Listener implements PeerExchange.Listener {
        @Override
        public void onBlock(PeerId from, Cid cid, byte[] data) {
            Request r;
            Map<PeerId, List<BitswapMessage.Want>> cancels = new HashMap<>();
            lock.lock();
            try {
                PeerState p = peers.get(from);
                if (p == null || !p.solicited(cid)) {
                    dropLocked(from, "sent block " + cid + " that nobody asked it for (a corrupted or forged block)");
                    return;
                }
                p.answered(cid);
                p.provider = true;
                p.timeouts = 0;
                r = requests.get(cid);
                if (r == null || r.writing) return; // a late duplicate of a block we already have
                queues.get(r.priority).remove(r);
                typicalBlock += (data.length - typicalBlock) / 16;
                if (r.assigned != null) {
                    // free the peer's window now; the total window stays taken until the block is stored
                    inflight.remove(r);
                    boolean fromAssigned = r.assigned == p;
                    releasePeer(r);
                    if (fromAssigned) p.link.received(System.nanoTime(), r.sentAt, data.length, p.outstanding == 0);
                } else {
                    chargeTotal(r, data.length);
                }
                r.writing = true;
                for (PeerId other : r.asked) {
                    if (!other.equals(from)) cancels.computeIfAbsent(other, x -> new ArrayList<>()).add(BitswapMessage.Want.cancel(cid));
                }
                signal();
            } finally {
                lock.unlock();
            }
            cancels.forEach(net::sendWants);
            Request req = r;
            writers.execute(() -> store(from, req, data));
        }

        @Override
        public void onPresence(PeerId from, Cid cid, boolean have) {
            lock.lock();
            try {
                PeerState p = peers.get(from);
                if (p == null) return;
                p.answered(cid);
                if (have) {
                    if (!isBanned(from, System.nanoTime())) p.provider = true;
                    Request r = requests.get(cid);
                    if (r != null) r.refusedSince = -1;
                } else {
                    Request r = requests.get(cid);
                    if (r != null) {
                        r.tried.add(from);
                        r.lastRefusal = System.nanoTime();
                        if (r.refusedSince < 0) r.refusedSince = r.lastRefusal;
                        if (r.assigned == p) {
                            unassign(r);
                            queues.get(r.priority).add(r);
                        }
                    }
                }
                signal();
            } finally {
                lock.unlock();
            }
        }

        /**
         * Asks a peer that just connected whether it has the keys being fetched, at once: a search
         * that began before the connection (a boot right after the daemon started, a peer found by
         * mDNS mid-pull) would otherwise wait for the next re-probe, seconds later.
         */
        @Override
        public void onPeerConnected(PeerId peer) {
            Map<PeerId, List<BitswapMessage.Want>> out = new HashMap<>();
            lock.lock();
            try {
                if (closed || isBanned(peer, System.nanoTime())) return;
                PeerState p = peers.computeIfAbsent(peer, PeerState::new);
                p.connectionOpen();
                askForKeys(p, out);
                signal(); // a provider that was waiting for its connection can take wants now
            } finally {
                lock.unlock();
            }
            out.forEach(net::sendWants);
        }

        @Override
        public void onPeerGone(PeerId peer) {
            lock.lock();
            try {
                goneLocked(peer);
            } finally {
                lock.unlock();
            }
        }
    }

    private void store(PeerId from, Request r, byte[] data) {
        Throwable err = null;
        try {
            store.putVerified(r.cid, data); // the CID was computed from these bytes on receipt (PeerExchange.Listener)
        } catch (CorruptBlockException e) {
            drop(from, e.getMessage());
            requeue(r);
            return;
        } catch (IOException | RuntimeException e) {
            err = e;
        }
        List<BiConsumer<byte[], Throwable>> waiters;
        lock.lock();
        try {
            releaseTotal(r);
            waiters = List.copyOf(r.waiters);
            forget(r);
            signal();
        } finally {
            lock.unlock();
        }
        if (err == null) {
            blocksFetched.increment();
            bytesFetched.add(data.length);
            onStored.accept(r.cid);
        }
        for (var w : waiters) {
            if (w instanceof BatchWaiter bw) bw.batch.peers.add(from);
            w.accept(err == null ? data : null, err);
        }
    }

    private void requeue(Request r) {
        lock.lock();
        try {
            releaseTotal(r);
            r.writing = false;
            queues.get(r.priority).add(r);
            signal();
        } finally {
            lock.unlock();
        }
    }

    private void drop(PeerId peer, String why) {
        lock.lock();
        try {
            dropLocked(peer, why);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A peer went away: its outstanding wants go back to their queues and it stops being a candidate.
     * Its state is kept, so a block it was asked for that still arrives is not taken for a lie.
     */
    private void goneLocked(PeerId peer) {
        PeerState p = peers.get(peer);
        if (p == null) return;
        p.connectionGone(System.nanoTime());
        p.provider = false;
        p.timeouts = 0;
        for (Iterator<Request> it = inflight.iterator(); it.hasNext(); ) {
            Request r = it.next();
            if (r.assigned != p) continue;
            it.remove();
            releasePeer(r);
            releaseTotal(r);
            queues.get(r.priority).add(r);
        }
        signal();
    }

    private void dropLocked(PeerId peer, String why) {
        if (isBanned(peer, System.nanoTime())) return;
        banned.put(peer, System.nanoTime() + BAN_NANOS);
        goneLocked(peer);
        peersDropped.increment();
        LOG.warning("dropping peer " + peer + ": it " + why);
        Thread.ofVirtual().start(() -> net.drop(peer));
    }

    /** A waiter that records which peers delivered (for a batch's peer count). */
    record BatchWaiter(Batch batch, BiConsumer<byte[], Throwable> inner) implements BiConsumer<byte[], Throwable> {
        @Override public void accept(byte[] data, Throwable err) { inner.accept(data, err); }
    }
}
