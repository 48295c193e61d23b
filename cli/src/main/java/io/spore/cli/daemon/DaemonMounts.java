package io.spore.cli.daemon;

import io.spore.fuse.LazyMount;
import io.spore.fuse.MountOptions;
import io.spore.fuse.Mounts;
import io.spore.fuse.Prefetcher;
import io.spore.image.Image;
import io.spore.nspawn.MachineInfo;
import io.spore.nspawn.MachineState;
import io.spore.nspawn.Machines;
import io.spore.p2p.blockstore.BlockSource;
import io.spore.p2p.blockstore.BlockStore;
import io.spore.p2p.blockstore.MissingBlockException;
import io.spore.p2p.fetch.Batch;
import io.spore.p2p.fetch.Fetcher;
import io.spore.p2p.fetch.Priority;
import io.spore.p2p.multiformats.Cid;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The daemon's lazy mounts: one per image at {@code <data-dir>/mounts/<key>}, shared by every
 * machine booted from it. Reads are urgent fetches, prefetch goes to the fetcher's lower classes.
 *
 * <p>A FUSE mount lives only as long as the process serving it. Machines over a mount of a
 * daemon that died read a dead file system, so a starting daemon stops them (they show as
 * stopped and {@code container start} mounts the image again), and a stopping daemon powers
 * them off first.
 */
final class DaemonMounts implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(DaemonMounts.class.getName());

    private final Path dataDir;
    private final Path base;
    private final BlockStore store;
    private final Fetcher fetcher;
    private final Duration noProviderDeadline;
    private final Mounts mounts = new Mounts(false);
    private final Map<Cid, CompletableFuture<LazyMount>> live = new ConcurrentHashMap<>();

    private DaemonMounts(Path dataDir, BlockStore store, Fetcher fetcher, Duration noProviderDeadline) {
        this.dataDir = dataDir;
        this.base = dataDir.resolve("mounts");
        this.store = store;
        this.fetcher = fetcher;
        this.noProviderDeadline = noProviderDeadline;
    }

    /** Clears the mounts a dead predecessor left and stops the machines that ran over them. */
    static DaemonMounts start(Path dataDir, BlockStore store, Fetcher fetcher, Duration noProviderDeadline) throws IOException {
        DaemonMounts d = new DaemonMounts(dataDir, store, fetcher, noProviderDeadline);
        Files.createDirectories(d.base);
        List<Path> cleared = Mounts.clearStale(d.base);
        if (!cleared.isEmpty()) LOG.info("cleared " + cleared.size() + " mounts left by a daemon that stopped: " + cleared);
        // A fresh daemon serves no mount yet: every machine still running over one reads a dead file system.
        List<String> orphans = d.machinesOverMounts();
        if (!orphans.isEmpty()) {
            Thread.ofVirtual().name("spore-stop-orphans").start(() -> d.stop(orphans, "the daemon that served its image stopped"));
        }
        return d;
    }

    /** Mounts {@code root} (or returns the mount there already) and returns its figures. */
    Map<String, Object> mount(Cid root, boolean prefetch) throws IOException {
        CompletableFuture<LazyMount> f = new CompletableFuture<>();
        CompletableFuture<LazyMount> had = live.compute(root, (k, old) -> old != null && stillUsable(old) ? old : f);
        if (had == f) {
            try {
                f.complete(open(root, prefetch));
            } catch (IOException | RuntimeException e) {
                live.remove(root, f);
                f.completeExceptionally(e);
                throw e;
            }
        }
        try {
            return MountFigures.of(had.get().stats());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while mounting " + root);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IOException(e.getCause());
        }
    }

    /** A mount being made, or made and still served (one whose FUSE loop ended is made again). */
    private static boolean stillUsable(CompletableFuture<LazyMount> m) {
        return !m.isDone() || (!m.isCompletedExceptionally() && m.join().running());
    }

    private LazyMount open(Cid root, boolean prefetch) throws IOException {
        BlockSource blocks = cid -> fetcher.get(cid, root);
        Image image;
        try {
            image = Image.open(blocks, root);
        } catch (MissingBlockException e) {
            throw new ApiException(404, "no peer provided image " + root + " within " + noProviderDeadline.toSeconds()
                    + " s: check the key, and that a daemon sharing it runs and is reachable (--bootstrap, mDNS, DHT)");
        }
        Path dir = base.resolve(root.toString());
        Files.createDirectories(dir);
        MountOptions options = MountOptions.defaults().withLocal(store).withPrefetcher(prefetcher(root), prefetch);
        return mounts.mount(image, blocks, dir, options);
    }

    /** Prefetch through the fetcher's profile and background classes, asking the image's providers. */
    private Prefetcher prefetcher(Cid root) {
        return (cids, priority) -> {
            try {
                Batch b = fetcher.fetchAll(cids, root, priority == Prefetcher.Priority.PROFILE ? Priority.PROFILE : Priority.BACKGROUND);
                b.done().exceptionally(e -> {
                    LOG.log(Level.INFO, "prefetch of " + root + " stopped (reads still fetch what they need): " + e.getMessage());
                    return null;
                });
                return b::cancel;
            } catch (IOException e) {
                LOG.warning("prefetch of " + root + " not started: " + e.getMessage());
                return () -> {};
            }
        };
    }

    List<Map<String, Object>> list() {
        return mounts.stats().stream().map(MountFigures::of).toList();
    }

    /** Unmounts the image mounted at {@code dir} (lazily: machines still reading keep it until they stop). */
    Map<String, Object> unmount(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        LazyMount m = mounts.list().stream().filter(x -> x.dir().equals(abs)).findFirst().orElseThrow(() ->
                new ApiException(404, abs + " is not mounted by this daemon: see 'container mounts'"));
        live.remove(m.image());
        m.unmount();
        try {
            Files.deleteIfExists(abs);
        } catch (IOException e) {
            LOG.fine("mount point " + abs + " stays: " + e.getMessage());
        }
        return Map.of("dir", abs.toString(), "key", m.image().toString());
    }

    /** Running machines whose lower directory is one of our mount points. */
    private List<String> machinesOverMounts() {
        if (!"root".equals(System.getProperty("user.name")) || !Files.isDirectory(dataDir.resolve("machines"))) return List.of();
        try {
            return Machines.open(dataDir).list().stream()
                    .filter(m -> m.state() == MachineState.RUNNING && m.lowerDir().startsWith(base))
                    .map(MachineInfo::name).toList();
        } catch (RuntimeException e) {
            LOG.warning("cannot list the machines over this daemon's mounts: " + e.getMessage());
            return List.of();
        }
    }

    /** Powers the machines off (stop tells their init, then kills after the timeout). */
    private void stop(List<String> names, String why) {
        Machines machines = Machines.open(dataDir);
        for (String n : names) {
            LOG.info("stopping machine " + n + ": " + why);
            try {
                machines.stop(n);
            } catch (RuntimeException e) {
                LOG.warning("could not stop machine " + n + ": " + e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        if (!mounts.list().isEmpty()) stop(machinesOverMounts(), "the daemon serving its image is stopping");
        List<LazyMount> all = new ArrayList<>(mounts.list());
        mounts.close();
        for (LazyMount m : all) {
            try {
                Files.deleteIfExists(m.dir());
            } catch (IOException ignored) {
                // busy until its last open file closes; cleared as stale on the next start
            }
        }
    }
}
