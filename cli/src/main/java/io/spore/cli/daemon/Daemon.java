package io.spore.cli.daemon;

import io.spore.image.Chunk;
import io.spore.image.Image;
import io.spore.image.posix.Importer;
import io.spore.p2p.bitswap.Bitswap;
import io.spore.p2p.blockstore.BlockSource;
import io.spore.p2p.blockstore.FileBlockStore;
import io.spore.p2p.fetch.Batch;
import io.spore.p2p.fetch.FetchConfig;
import io.spore.p2p.fetch.Fetcher;
import io.spore.p2p.fetch.Priority;
import io.spore.p2p.fetch.ProviderDiscovery;
import io.spore.p2p.host.Connection;
import io.spore.p2p.host.Host;
import io.spore.p2p.identity.IdentityFile;
import io.spore.p2p.identity.KeyPair;
import io.spore.p2p.identity.PeerId;
import io.spore.p2p.kad.Dht;
import io.spore.p2p.kad.PeerAddresses;
import io.spore.p2p.mdns.Mdns;
import io.spore.p2p.multiaddr.Multiaddr;
import io.spore.p2p.multiformats.Cid;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The Spore daemon: the composition root of a node. A libp2p host serving every block of the
 * store over Bitswap, the fetch scheduler, provider discovery (bootstrap peers, DHT, mDNS,
 * connected peers), provider records for pinned images, and the control API on a Unix socket.
 */
public final class Daemon implements Node, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Daemon.class.getName());
    private static final Duration TTL = Duration.ofHours(1);

    private final DaemonConfig cfg;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final Set<PeerId> bootstrapPeers = ConcurrentHashMap.newKeySet();
    private final Set<PeerId> lanPeers = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "spore-daemon-timer");
        t.setDaemon(true);
        return t;
    });
    private final CountDownLatch closed = new CountDownLatch(1);
    private FileBlockStore store;
    private KeyPair identity;
    private Host host;
    private Bitswap bitswap;
    private Fetcher fetcher;
    private Dht dht;
    private Pins pins;
    private NameService nameService;
    /** Imports and pulls hold it shared, gc exclusively: blocks on their way to a pin are never collected. */
    private final java.util.concurrent.locks.ReentrantReadWriteLock storeLock = new java.util.concurrent.locks.ReentrantReadWriteLock();
    private ControlServer control;
    private DaemonMounts mounts;

    private Daemon(DaemonConfig cfg) {
        this.cfg = cfg;
    }

    /** Starts everything; on failure what was started is stopped again and the error says what to fix. */
    public static Daemon start(DaemonConfig cfg) throws IOException {
        Daemon d = new Daemon(cfg);
        try {
            d.startAll();
            return d;
        } catch (IOException | RuntimeException e) {
            d.close();
            throw e;
        }
    }

    private void startAll() throws IOException {
        try {
            Files.createDirectories(cfg.dataDir());
        } catch (IOException e) {
            throw new IOException("cannot create the data directory " + cfg.dataDir() + " (" + e.getMessage() + "): give a writable --data-dir", e);
        }
        store = FileBlockStore.open(cfg.dataDir());
        resources.add(store);
        pins = new Pins(cfg.dataDir());
        identity = IdentityFile.loadOrCreate(cfg.dataDir());
        List<Multiaddr> listen = new ArrayList<>();
        for (String a : cfg.listen()) listen.add(parseAddress(a, "--listen"));
        host = HostStarter.start(identity, listen);
        resources.add(0, host);
        bitswap = new Bitswap(host, store).start();
        resources.add(0, bitswap);
        List<ProviderDiscovery> sources = new ArrayList<>();
        sources.add((key, found) -> { bootstrapPeers.forEach(found); return () -> {}; });
        sources.add((key, found) -> { lanPeers.forEach(found); return () -> {}; });
        if (cfg.dht()) {
            dht = Dht.start(host);
            resources.add(0, dht);
            sources.add(this::findInDht);
        }
        FetchConfig fc = new FetchConfig(cfg.windowPerPeer(), cfg.totalWindow(), cfg.wantTimeout(), cfg.noProviderDeadline(),
                Duration.ofSeconds(1), 1 << 22);
        fetcher = new Fetcher(store, bitswap, ProviderDiscovery.all(sources), fc, bitswap::blockAdded);
        resources.add(0, fetcher);
        mounts = DaemonMounts.start(cfg.dataDir(), store, fetcher, cfg.noProviderDeadline());
        resources.add(0, mounts);
        if (cfg.mdns()) {
            try {
                Mdns mdns = Mdns.start(host, found -> {
                    if (found.peer().equals(host.peerId())) return;
                    lanPeers.add(found.peer());
                    host.connect(found.peer()).exceptionally(e -> null);
                });
                resources.add(0, mdns);
            } catch (IOException e) {
                LOG.warning("mDNS is off: " + e.getMessage());
            }
        }
        List<Multiaddr> boot = new ArrayList<>();
        for (String a : cfg.bootstrap()) boot.add(parseAddress(a, "--bootstrap"));
        connectBootstrap(boot);
        nameService = new NameService(new Names(cfg.dataDir()), dht);
        control = ControlServer.start(this, cfg.socket());
        resources.add(0, control);
        timer.schedule(this::announcePins, 2, TimeUnit.SECONDS);
        timer.scheduleWithFixedDelay(nameService::republish, 5, 30 * 60, TimeUnit.SECONDS);
        if (cfg.cacheMaxBytes() > 0) timer.scheduleWithFixedDelay(this::evict, 60, 300, TimeUnit.SECONDS);
    }

    private static Multiaddr parseAddress(String a, String option) throws IOException {
        try {
            return Multiaddr.parse(a);
        } catch (IllegalArgumentException e) {
            throw new IOException("'" + a + "' given to " + option + " is not a multiaddr (" + e.getMessage() + "): write it as /ip4/1.2.3.4/tcp/4001[/p2p/12D3KooW...]");
        }
    }

    private void connectBootstrap(List<Multiaddr> boot) {
        for (Multiaddr a : boot) {
            host.connect(a).whenComplete((c, e) -> {
                if (e != null) LOG.warning("bootstrap peer " + a + " is unreachable: " + e.getMessage());
                else bootstrapPeer(c.remotePeer());
            });
        }
        if (dht != null && !boot.isEmpty()) dht.bootstrap(boot).exceptionally(e -> { LOG.fine("DHT bootstrap: " + e.getMessage()); return 0; });
        if (!boot.isEmpty()) {
            // bootstrap peers that were down at start, or that restarted, are tried again
            timer.scheduleWithFixedDelay(() -> {
                for (Multiaddr a : boot) {
                    if (a.peerId() != null && host.connections().stream().anyMatch(c -> c.isOpen() && c.remotePeer().equals(a.peerId()))) continue;
                    host.connect(a).thenAccept(c -> bootstrapPeer(c.remotePeer())).exceptionally(e -> null);
                }
            }, 5, 5, TimeUnit.SECONDS);
        }
    }

    /**
     * A bootstrap peer is a provider of every key (discovery hands it to each search); one that
     * connects after a search began becomes one for that search too, without waiting for a probe.
     */
    private void bootstrapPeer(PeerId peer) {
        bootstrapPeers.add(peer);
        fetcher.addProvider(peer);
    }

    /** Providers from the DHT, asked now and every 30 s while the search lasts. */
    private AutoCloseable findInDht(Cid key, Consumer<PeerId> found) {
        Runnable ask = () -> dht.findProviders(key, 20).thenAccept(list -> {
            for (PeerAddresses p : list) {
                if (p.peer().equals(host.peerId())) continue;
                for (Multiaddr a : p.addresses()) host.addressBook().add(p.peer(), a, TTL);
                found.accept(p.peer());
            }
        }).exceptionally(e -> null);
        var task = timer.scheduleWithFixedDelay(ask, 0, 30, TimeUnit.SECONDS);
        return () -> task.cancel(false);
    }

    private void announcePins() {
        if (dht == null) return;
        try {
            for (Cid key : pins.all()) dht.provide(key).exceptionally(e -> 0);
        } catch (IOException e) {
            LOG.warning("cannot list pins: " + e.getMessage());
        }
    }

    public PeerId peerId() { return host.peerId(); }

    public List<Multiaddr> addresses() {
        return host.listenAddresses().stream().map(a -> a.withPeerId(host.peerId())).toList();
    }

    public Path socket() { return cfg.socket(); }

    /** Blocks until {@link #close} (the daemon command's main thread waits here). */
    public void awaitClose() throws InterruptedException { closed.await(); }

    @Override
    public void close() {
        timer.shutdownNow();
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                LOG.log(Level.FINE, "closing " + r + " failed", e);
            }
        }
        resources.clear();
        closed.countDown();
    }

    // ---- Node: what the control API calls ----

    @Override
    public Map<String, Object> status() throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("peerId", host.peerId().toString());
        m.put("addresses", addresses().stream().map(Multiaddr::toString).toList());
        m.put("dataDir", cfg.dataDir().toString());
        m.put("connections", host.connections().size());
        m.put("pins", pins.all().stream().map(Cid::toString).toList());
        m.put("blocksServed", bitswap.blocksSent());
        m.put("bytesServed", bitswap.bytesSent());
        Fetcher.Stats s = fetcher.stats();
        m.put("blocksFetched", s.blocksFetched());
        m.put("bytesFetched", s.bytesFetched());
        m.put("wantsQueued", s.queued());
        m.put("wantsOutstanding", s.outstanding());
        m.put("providersKnown", s.providers());
        m.put("peersDropped", s.peersDropped());
        m.put("wantsTimedOut", s.wantsTimedOut());
        return m;
    }

    @Override public Map<String, Object> config() { return cfg.toMap(); }

    @Override
    public Object peers() {
        List<Map<String, String>> out = new ArrayList<>();
        for (Connection c : host.connections()) {
            if (c.isOpen()) out.add(Map.of("peer", c.remotePeer().toString(), "address", String.valueOf(c.remoteAddress())));
        }
        return out;
    }

    @Override
    public Map<String, Object> pull(String key, Consumer<Map<String, Object>> progress) throws IOException {
        storeLock.readLock().lock();
        try {
            return pullLocked(key, progress);
        } finally {
            storeLock.readLock().unlock();
            if (cfg.cacheMaxBytes() > 0) timer.execute(this::evict); // the pull's blocks are pinned by now
        }
    }

    private Map<String, Object> pullLocked(String key, Consumer<Map<String, Object>> progress) throws IOException {
        if (Keys.isName(key)) progress.accept(Map.of("event", "resolving-name", "name", key));
        Cid root = resolveKey(key);
        long t0 = System.nanoTime();
        progress.accept(Map.of("event", "resolving", "key", root.toString()));
        BlockSource src = cid -> fetcher.get(cid, root);
        Image image = Image.open(src, root);
        pins.add(root);
        if (dht != null) dht.provide(root).exceptionally(e -> 0); // we serve what we have while pulling
        Map<Cid, Long> sizes = new LinkedHashMap<>();
        for (Chunk c : image.chunks()) sizes.putIfAbsent(c.cid(), (long) c.storedLength());
        long totalBytes = sizes.values().stream().mapToLong(Long::longValue).sum();
        Batch batch = fetcher.fetchAll(sizes, root, Priority.BACKGROUND); // sizes: the byte windows count real bytes
        long startBytes = batch.doneBytes();
        long lastBytes = startBytes;
        long lastTime = System.nanoTime();
        double rate = 0;
        try {
            while (true) {
                try {
                    batch.done().get(250, TimeUnit.MILLISECONDS);
                    break;
                } catch (TimeoutException e) {
                    long now = System.nanoTime();
                    long bytes = batch.doneBytes();
                    double inst = (bytes - lastBytes) / ((now - lastTime) / 1e9);
                    rate = rate == 0 ? inst : 0.7 * rate + 0.3 * inst;
                    lastBytes = bytes;
                    lastTime = now;
                    progress.accept(progressEvent(root, batch, totalBytes, rate));
                }
            }
        } catch (InterruptedException e) {
            batch.cancel();
            Thread.currentThread().interrupt();
            throw new IOException("the pull of " + root + " was interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            throw new IOException("the pull of " + root + " failed: " + e.getCause().getMessage(), e.getCause());
        } finally {
            if (!batch.done().isDone()) batch.cancel();
        }
        store.sync();
        double secs = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> done = progressEvent(root, batch, totalBytes, (batch.doneBytes() - startBytes) / Math.max(secs, 1e-9));
        done.put("event", "done");
        done.put("seconds", secs);
        done.put("fetchedBytes", batch.doneBytes() - startBytes);
        return done;
    }

    private static Map<String, Object> progressEvent(Cid root, Batch batch, long totalBytes, double rate) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", "progress");
        m.put("key", root.toString());
        m.put("blocks", batch.doneBlocks());
        m.put("totalBlocks", batch.blocks());
        m.put("bytes", batch.doneBytes());
        m.put("totalBytes", totalBytes);
        m.put("peers", batch.peers().size());
        m.put("rate", (long) rate);
        m.put("eta", rate > 0 ? (long) Math.ceil((totalBytes - batch.doneBytes()) / rate) : -1);
        return m;
    }

    @Override
    public Map<String, Object> share(String path, int threads, Consumer<Map<String, Object>> progress) throws IOException {
        Path dir = Path.of(path);
        if (!dir.isAbsolute()) throw new ApiException(400, path + " is not an absolute path: the daemon does not know your working directory");
        if (!Files.isDirectory(dir)) throw new ApiException(400, path + " is not a directory: give the root directory of the tree to share");
        if (threads < 1) throw new ApiException(400, "threads must be at least 1");
        progress.accept(Map.of("event", "importing", "path", path));
        long t0 = System.nanoTime();
        Importer.Result r;
        storeLock.readLock().lock();
        try {
            r = Importer.importTree(bytes(dir), store, threads);
            store.sync();
            pins.add(r.root());
        } finally {
            storeLock.readLock().unlock();
        }
        if (cfg.cacheMaxBytes() > 0) timer.execute(this::evict);
        int announced = announce(r.root());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", "done");
        m.putAll(ImportFigures.of(r.root(), r.stats(), (System.nanoTime() - t0) / 1e9));
        m.put("announced", announced);
        return m;
    }

    @Override
    public Map<String, Object> provide(String key) throws IOException {
        Cid root = resolveKey(key);
        if (!store.has(root)) throw new ApiException(404, "image " + root + " is not in this daemon's store: share or pull it first");
        pins.add(root);
        return Map.of("key", root.toString(), "announced", announce(root));
    }

    /** Tells the DHT; waits a little so the answer can say how many peers heard it. */
    private int announce(Cid root) {
        if (dht == null) return 0;
        try {
            return dht.provide(root).get(5, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return -1; // still going on; the answer says "unknown"
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (ExecutionException e) {
            LOG.fine("announcing " + root + ": " + e.getCause());
            return 0;
        }
    }

    @Override
    public Map<String, Object> mount(String key, boolean prefetch) throws IOException {
        Cid root = resolveKey(key);
        Map<String, Object> m = mounts.mount(root, prefetch);
        pins.add(root); // what runs here must not be collected, and we serve it to others meanwhile
        if (dht != null) dht.provide(root).exceptionally(e -> 0);
        return m;
    }

    @Override
    public List<Map<String, Object>> mounts() { return mounts.list(); }

    @Override
    public Map<String, Object> unmount(String dir) throws IOException {
        Path p = Path.of(dir);
        if (!p.isAbsolute()) throw new ApiException(400, dir + " is not an absolute path: give the mount point as 'container mounts' shows it");
        return mounts.unmount(p);
    }

    @Override
    public byte[] getBlock(String text, String peer) throws IOException {
        Cid cid;
        try {
            cid = Cid.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage() + ": give a block CID (b...)");
        }
        if (peer != null) {
            Multiaddr a = parseAddress(peer, "--peer");
            try {
                Connection c = host.connect(a).get(cfg.noProviderDeadline().toMillis(), TimeUnit.MILLISECONDS);
                fetcher.addProvider(c.remotePeer());
            } catch (ExecutionException | TimeoutException e) {
                throw new IOException("cannot connect to " + peer + " (" + ControlServer.message(e.getCause() != null ? e.getCause() : e) + "): check the address and that the peer runs");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
        return fetcher.get(cid);
    }

    @Override
    public String putBlock(byte[] data) throws IOException {
        if (data.length > io.spore.p2p.blockstore.BlockStore.MAX_BLOCK_SIZE) {
            throw new ApiException(400, "block of " + data.length + " bytes is over the 2 MiB limit: split the file");
        }
        Cid cid = store.put(Cid.RAW, data);
        bitswap.blockAdded(cid);
        return cid.toString();
    }

    private static byte[] bytes(Path p) {
        String enc = System.getProperty("sun.jnu.encoding");
        Charset cs = enc == null ? Charset.defaultCharset() : Charset.forName(enc);
        return p.toString().getBytes(cs);
    }

    // ---- names (NameService) ----

    /** The image a key (bafy... or a k51... name) stands for: every API call that takes an image key goes through here. */
    Cid resolveKey(String key) throws IOException { return nameService.resolveKey(key); }

    @Override public Map<String, Object> nameCreate(String label) throws IOException { return nameService.create(label); }

    @Override public Map<String, Object> names() throws IOException { return nameService.list(); }

    @Override public Map<String, Object> resolve(String name) throws IOException { return nameService.resolve(name); }

    @Override
    public Map<String, Object> publish(String label, String key, long lifetimeSeconds) throws IOException {
        if (lifetimeSeconds < 60) throw new ApiException(400, "a lifetime of " + lifetimeSeconds + " s is too short: give at least 60 seconds");
        Names.Key k = nameService.key(label);
        Cid root = Keys.parse(key);
        if (!store.has(root)) throw new ApiException(404, "image " + root + " is not in this daemon's store: share or pull it before publishing it");
        pins.add(root);
        announce(root);
        return nameService.publish(k, root, lifetimeSeconds);
    }

    // ---- pins and garbage collection ----

    @Override
    public Map<String, Object> pinAdd(String key) throws IOException {
        Cid root = resolveKey(key);
        if (!store.has(root)) throw new ApiException(404, "image " + root + " is not in this daemon's store: pull it first (a pull pins it)");
        pins.add(root);
        return Map.of("key", root.toString(), "pinned", true);
    }

    @Override
    public Map<String, Object> pinRemove(String key) throws IOException {
        Cid root = resolveKey(key);
        if (!pins.remove(root)) throw new ApiException(404, "image " + root + " is not pinned: 'container pin ls' lists the pins");
        if (dht != null) dht.stopProviding(root);
        return Map.of("key", root.toString(), "pinned", false);
    }

    @Override
    public Map<String, Object> pins() throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Cid c : pins.all()) out.add(Map.of("key", c.toString(), "present", store.has(c)));
        return Map.of("pins", out);
    }

    @Override
    public Map<String, Object> gc() throws IOException {
        storeLock.writeLock().lock();
        try {
            return new Gc(store).run(Gc.roots(pins.all(), cfg.dataDir()), -1).toMap();
        } finally {
            storeLock.writeLock().unlock();
        }
    }

    /** Keeps the store under cache-max-bytes by evicting unpinned blocks, oldest first; skipped while imports run. */
    void evict() {
        if (cfg.cacheMaxBytes() <= 0 || !storeLock.writeLock().tryLock()) return;
        try {
            Gc.Result r = new Gc(store).run(Gc.roots(pins.all(), cfg.dataDir()), cfg.cacheMaxBytes());
            if (r.removedBlocks() > 0) LOG.info("cache limit: evicted " + r.removedBlocks() + " blocks, " + r.removedBytes() + " bytes");
            if (r.keptBytes() > cfg.cacheMaxBytes()) {
                LOG.warning("pinned and mounted images hold " + r.keptBytes() + " bytes, over cache-max-bytes " + cfg.cacheMaxBytes() + ": unpin some or raise the limit");
            }
        } catch (IOException | RuntimeException e) {
            LOG.warning("cache eviction failed: " + e.getMessage());
        } finally {
            storeLock.writeLock().unlock();
        }
    }

    /** For tests in this package. */
    Fetcher fetcher() { return fetcher; }
}
