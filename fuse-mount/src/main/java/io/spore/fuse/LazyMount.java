package io.spore.fuse;

import io.spore.image.Chunk;
import io.spore.image.Image;
import io.spore.p2p.blockstore.BlockSource;
import io.spore.p2p.multiformats.Cid;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One image mounted read-only with FUSE. Reads fetch what they need through the block source;
 * prefetch (boot profile first, then the whole image) goes to the options' prefetcher.
 * {@link #unmount()} detaches lazily, so files still open keep working until closed.
 */
public final class LazyMount implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LazyMount.class.getName());
    /** Entries, attributes and misses never change in an image: let the kernel keep them a day. */
    static final String TIMEOUTS = "entry_timeout=86400,attr_timeout=86400,negative_timeout=86400";
    private static final long MOUNT_WAIT_MILLIS = 15_000;

    private final Tree tree;
    private final Path dir;
    private final MountOptions options;
    private final LazyFs fs;
    private final CountingSource source;
    private final Recorder recorder;
    private final CompletableFuture<Integer> loop = new CompletableFuture<>();
    private final List<Prefetcher.Handle> prefetches = new ArrayList<>();
    private volatile boolean unmounted;
    private volatile Cid storedProfile;
    private volatile Runnable onUnmount = () -> {};
    private volatile int profileChunks;
    private final BlockSource blocks;
    private volatile List<Chunk> distinct;

    private LazyMount(Tree tree, BlockSource blocks, Path dir, MountOptions options) {
        this.tree = tree;
        this.dir = dir;
        this.options = options;
        this.blocks = blocks;
        Duration window = options.recordProfile();
        this.recorder = window == null || window.isZero() ? null : new Recorder(tree, window);
        this.source = new CountingSource(options.local(), blocks, recorder == null ? cid -> {} : recorder::record);
        this.fs = new LazyFs(tree, source);
    }

    /** Mounts {@code image} at {@code dir} (an existing empty directory) and returns once it is live. */
    public static LazyMount mount(Image image, BlockSource blocks, Path dir, MountOptions options) throws IOException {
        return mount(Tree.of(image), blocks, dir, options);
    }

    static LazyMount mount(Tree tree, BlockSource blocks, Path dir, MountOptions options) throws IOException {
        Fuse2.requireLibrary();
        Path abs = dir.toAbsolutePath().normalize();
        boolean deadSpore = MountTable.read().stream().anyMatch(m -> m.mountPoint().equals(abs) && m.isSpore())
                && !Files.isDirectory(abs);
        if (deadSpore) {
            // A mount whose process died answers ENOTCONN to everything: clear it and mount again.
            Fuse2.umount2(abs.toString(), Fuse2.MNT_DETACH);
        }
        if (!Files.isDirectory(abs)) {
            throw new IOException(abs + " is not a directory: create an empty directory to mount on");
        }
        if (MountTable.read().stream().anyMatch(m -> m.mountPoint().equals(abs))) {
            throw new IOException(abs + " is already a mount point: unmount it first ('container unmount " + abs + "')");
        }
        LazyMount m = new LazyMount(tree, blocks, abs, options);
        m.start();
        return m;
    }

    private void start() throws IOException {
        Arena arena = Arena.ofShared();
        MemorySegment ops = fs.operations(arena);
        List<String> args = new ArrayList<>(List.of("spore", "-f", dir.toString(), "-o",
                "ro,default_permissions,allow_other,kernel_cache,use_ino,max_read=131072," + TIMEOUTS
                        + ",subtype=spore,fsname=spore:" + tree.root()));
        if (options.debug()) args.add("-d");
        Thread t = new Thread(() -> {
            try {
                loop.complete(Fuse2.main(args, ops));
            } catch (Throwable e) {
                loop.completeExceptionally(e);
            } finally {
                // Upcall stubs must outlive every FUSE thread, so they go only once the loop returned.
                arena.close();
                fs.close();
            }
        }, "spore-fuse " + dir);
        t.setDaemon(true);
        t.start();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MOUNT_WAIT_MILLIS);
        try {
            while (!fs.awaitInit(20)) {
                if (loop.isDone()) {
                    throw new IOException("mounting " + dir + " failed (libfuse status " + loop.getNow(-1)
                            + ", its message is above): check that /dev/fuse exists and " + dir + " is an empty directory");
                }
                if (System.nanoTime() > deadline) {
                    Fuse2.umount2(dir.toString(), Fuse2.MNT_DETACH);
                    throw new IOException("mounting " + dir + " did not complete in " + MOUNT_WAIT_MILLIS / 1000
                            + " s: check that the fuse kernel module is loaded");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Fuse2.umount2(dir.toString(), Fuse2.MNT_DETACH);
            throw new IOException("interrupted while mounting " + dir);
        } catch (java.util.concurrent.CompletionException e) {
            throw new IOException("mounting " + dir + " failed: " + e.getCause(), e.getCause());
        }
        startPrefetch();
        if (recorder != null) {
            Thread.ofVirtual().name("spore-profile " + dir).start(() -> {
                try {
                    Thread.sleep(recorder.window);
                    storeProfile();
                } catch (InterruptedException ignored) {
                    // unmount stores it
                }
            });
        }
    }

    private void startPrefetch() {
        Prefetcher p = options.prefetcher();
        if (p == Prefetcher.NONE) return;
        List<Chunk> chunks = tree.chunks();
        if (options.prefetch()) {
            List<Cid> all = new ArrayList<>(chunks.size());
            for (Chunk c : chunks) all.add(c.cid());
            prefetches.add(p.prefetch(all, Prefetcher.Priority.BACKGROUND));
        }
        // The profile block may have to come from a peer: never hold the mount up for it.
        Thread.ofVirtual().name("spore-profile-load " + dir).start(() -> {
            try {
                Optional<BootProfile> profile = BootProfile.load(blocks, tree.root());
                if (profile.isEmpty() || unmounted) return;
                List<Cid> order = new ArrayList<>();
                Set<Integer> seen = new java.util.HashSet<>();
                for (int i : profile.get().order()) {
                    if (i < chunks.size() && seen.add(i)) order.add(chunks.get(i).cid());
                }
                synchronized (prefetches) {
                    if (!unmounted) prefetches.add(p.prefetch(order, Prefetcher.Priority.PROFILE));
                }
                profileChunks = order.size();
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "boot profile of " + tree.root() + " not used: " + e.getMessage());
            }
        });
    }

    /**
     * Stores what the recorder has seen as a boot profile and returns the new image key that
     * carries it (once; later calls return the same key); null when not recording or on failure.
     */
    public synchronized Cid storeProfile() {
        if (recorder == null || storedProfile != null) return storedProfile;
        if (options.local() == null) {
            LOG.warning("boot profile of " + tree.root() + " not stored: the mount has no local block store");
            return null;
        }
        try {
            storedProfile = new BootProfile(tree.root(), recorder.order()).store(options.local(), blocks);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "boot profile of " + tree.root() + " not stored: " + e.getMessage());
        }
        return storedProfile;
    }

    /** Chunks of the image's boot profile queued for prefetch (0 when it has none or none yet). */
    public int profileChunks() { return profileChunks; }

    public Path dir() { return dir; }

    public Cid image() { return tree.root(); }

    /** Whether the FUSE loop still runs (a lazily unmounted file system runs until its files close). */
    public boolean running() { return !loop.isDone(); }

    public MountStats stats() {
        List<Chunk> distinct = distinctChunks();
        long local = -1, localBytes = -1, imageBytes = 0;
        if (options.local() != null) {
            local = 0;
            localBytes = 0;
        }
        for (Chunk c : distinct) {
            imageBytes += c.storedLength();
            if (options.local() != null && options.local().has(c.cid())) {
                local++;
                localBytes += c.storedLength();
            }
        }
        return new MountStats(dir, tree.root().toString(), source.bytesFetched.sum(), source.fetched.size(), local,
                distinct.size(), source.hits.sum(), source.fetches.sum(), source.urgent.quantile(0.5),
                source.urgent.quantile(0.99), fs.reads.sum(), fs.bytesRead.sum(), fs.readErrors.sum(),
                options.prefetch() && options.prefetcher() != Prefetcher.NONE,
                recorder == null ? 0 : recorder.size(), localBytes, imageBytes);
    }

    /** The image's chunks without repeats (an image never changes: worked out once, on the first figures). */
    private List<Chunk> distinctChunks() {
        List<Chunk> d = distinct;
        if (d == null) {
            Set<Cid> seen = new java.util.HashSet<>();
            d = tree.chunks().stream().filter(c -> seen.add(c.cid())).toList();
            distinct = d;
        }
        return d;
    }

    void onUnmount(Runnable r) { onUnmount = r; }

    /**
     * Detaches the mount (lazily: open files keep working until closed), stops prefetch and stores
     * a boot profile being recorded. Waits up to {@code wait} for the FUSE loop to end.
     */
    public void unmount(Duration wait) throws IOException {
        if (!unmounted) {
            unmounted = true;
            synchronized (prefetches) { prefetches.forEach(Prefetcher.Handle::cancel); }
            storeProfile();
            int err = Fuse2.umount2(dir.toString(), Fuse2.MNT_DETACH);
            onUnmount.run();
            if (err != 0 && err != Fuse2.EINVAL && running()) {
                throw new IOException("unmounting " + dir + " failed (errno " + err + "): unmount it as root");
            }
        }
        try {
            loop.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException stillOpen) {
            // Files are still open on the detached mount; the loop ends when they are closed.
        } catch (Exception e) {
            LOG.log(Level.FINE, "FUSE loop ended with an error", e);
        }
    }

    public void unmount() throws IOException { unmount(Duration.ofSeconds(2)); }

    @Override public void close() throws IOException { unmount(); }

    /** First-read order of chunks during the first seconds of a mount. */
    static final class Recorder {
        final Duration window;
        private final long deadline;
        private final Tree tree;
        private volatile Map<Cid, Integer> index;
        private final Set<Integer> seen = ConcurrentHashMap.newKeySet();
        private final List<Integer> order = new ArrayList<>();

        Recorder(Tree tree, Duration window) {
            this.tree = tree;
            this.window = window;
            this.deadline = System.nanoTime() + window.toNanos();
        }

        void record(Cid cid) {
            if (System.nanoTime() > deadline) return;
            Integer i = index().get(cid);
            if (i != null && seen.add(i)) {
                synchronized (order) { order.add(i); }
            }
        }

        private Map<Cid, Integer> index() {
            Map<Cid, Integer> m = index;
            if (m == null) {
                synchronized (this) {
                    if (index == null) {
                        List<Chunk> chunks = tree.chunks();
                        Map<Cid, Integer> built = new HashMap<>(chunks.size() * 2);
                        for (int i = chunks.size() - 1; i >= 0; i--) built.put(chunks.get(i).cid(), i);
                        index = built;
                    }
                    m = index;
                }
            }
            return m;
        }

        int size() { synchronized (order) { return order.size(); } }

        int[] order() { synchronized (order) { return order.stream().mapToInt(Integer::intValue).toArray(); } }
    }
}
