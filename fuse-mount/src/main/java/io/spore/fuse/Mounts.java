package io.spore.fuse;

import io.spore.image.Image;
import io.spore.p2p.blockstore.BlockSource;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The mounts of one process (the daemon): mount, unmount, list with figures, unmount all at
 * shutdown, and on start clear FUSE mounts a crashed predecessor left under its data dir.
 *
 * <p>Never read a mount from the JVM that serves it with code that stays in Java while it blocks
 * (critical FFM downcalls, page faults on mapped files): FUSE threads must reach Java to answer,
 * and a safepoint then waits for that reader forever. Plain java.io/NIO reads are safe.
 */
public final class Mounts implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Mounts.class.getName());
    private final Map<Path, LazyMount> mounts = new ConcurrentHashMap<>();
    private final Thread hook;

    /** @param shutdownHook unmount everything when the JVM exits */
    public Mounts(boolean shutdownHook) {
        if (shutdownHook) {
            hook = new Thread(this::stopAll, "spore-unmount-all");
            Runtime.getRuntime().addShutdownHook(hook);
        } else {
            hook = null;
        }
    }

    public LazyMount mount(Image image, BlockSource blocks, Path dir, MountOptions options) throws IOException {
        LazyMount m = LazyMount.mount(image, blocks, dir, options);
        register(m);
        return m;
    }

    void register(LazyMount m) {
        mounts.put(m.dir(), m);
        m.onUnmount(() -> mounts.remove(m.dir(), m));
    }

    /** Unmounts {@code dir}: one of ours, or any Spore FUSE mount there (a foreground mount, a stale one). */
    public void unmount(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        LazyMount m = mounts.get(abs);
        if (m != null) {
            m.unmount();
            return;
        }
        detach(abs);
    }

    /**
     * Shows the Spore mount at {@code mounted} (served by another process, e.g. the daemon) at
     * {@code target} too, with a bind mount: both are one file system, one cache, one set of figures.
     */
    public static void bind(Path mounted, Path target) throws IOException {
        Path src = mounted.toAbsolutePath().normalize(), abs = target.toAbsolutePath().normalize();
        List<MountTable> table = MountTable.read();
        if (table.stream().noneMatch(t -> t.mountPoint().equals(src) && t.isSpore())) throw new IOException(src + " is not a Spore mount");
        if (!java.nio.file.Files.isDirectory(abs)) throw new IOException(abs + " is not a directory: create an empty directory to mount on");
        if (table.stream().anyMatch(t -> t.mountPoint().equals(abs))) {
            throw new IOException(abs + " is already a mount point: unmount it first ('container unmount " + abs + "')");
        }
        int err = Fuse2.bindMount(src.toString(), abs.toString());
        if (err != 0) throw new IOException("mounting " + src + " at " + abs + " failed (errno " + err + "): run as root");
    }

    /** Detaches the Spore FUSE mount at {@code dir}, whoever serves it. */
    public static void detach(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        boolean spore = MountTable.read().stream().anyMatch(t -> t.mountPoint().equals(abs) && t.isSpore());
        if (!spore) throw new IOException(abs + " is not a Spore mount: see 'container mounts'");
        int err = Fuse2.umount2(abs.toString(), Fuse2.MNT_DETACH);
        if (err != 0) throw new IOException("unmounting " + abs + " failed (errno " + err + "): run as root");
    }

    /** A Spore FUSE mount of this machine, whoever serves it. */
    public record Listed(Path dir, String image) {}

    /** Every Spore FUSE mount in this mount namespace (from /proc/self/mountinfo). */
    public static List<Listed> listSystem() {
        return MountTable.read().stream().filter(MountTable::isSpore)
                .map(t -> new Listed(t.mountPoint(), t.source().startsWith("spore:") ? t.source().substring(6) : t.source()))
                .toList();
    }

    public List<LazyMount> list() { return new ArrayList<>(mounts.values()); }

    public List<MountStats> stats() { return list().stream().map(LazyMount::stats).toList(); }

    /** Unmounts every mount of this process (lazily; open files keep them alive until closed). */
    public void stopAll() {
        for (LazyMount m : list()) {
            try {
                m.unmount(Duration.ofMillis(500));
            } catch (IOException | RuntimeException e) {
                LOG.warning("unmounting " + m.dir() + " at shutdown failed: " + e.getMessage());
            }
        }
    }

    /**
     * Detaches every FUSE mount under {@code dataDir}: no live process of ours serves them after a
     * restart, and a dead FUSE mount makes every access fail with ENOTCONN. Returns them.
     */
    public static List<Path> clearStale(Path dataDir) {
        Path base = dataDir.toAbsolutePath().normalize();
        List<Path> cleared = new ArrayList<>();
        // Deepest first, so nested mounts go before their parents.
        List<MountTable> table = new ArrayList<>(MountTable.read());
        table.sort((a, b) -> b.mountPoint().getNameCount() - a.mountPoint().getNameCount());
        for (MountTable t : table) {
            if (t.isFuse() && t.mountPoint().startsWith(base) && !t.mountPoint().equals(base)) {
                int err = Fuse2.umount2(t.mountPoint().toString(), Fuse2.MNT_DETACH);
                if (err == 0) cleared.add(t.mountPoint());
                else LOG.warning("could not clear stale mount " + t.mountPoint() + " (errno " + err + ")");
            }
        }
        return cleared;
    }

    @Override
    public void close() {
        stopAll();
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running already
            }
        }
    }
}
