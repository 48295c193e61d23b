package io.spore.cli;

import io.spore.fuse.LazyMount;
import io.spore.fuse.MountOptions;
import io.spore.fuse.MountStats;
import io.spore.fuse.Mounts;
import io.spore.image.Image;
import io.spore.p2p.blockstore.BlockStore;
import io.spore.p2p.multiformats.Cid;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

@Command(name = "mount", header = "Show an image as a read-only file system (lazy FUSE mount).",
        description = {
                "Mounts the image read-only at DIR: all users may read it (permissions as in the image), "
                        + "content is fetched when something reads it.",
                "",
                "With a running daemon, the daemon fetches the manifest, serves the mount (one mount and one "
                        + "cache per image, shared with machines booted from it) and this returns at once; "
                        + "'container unmount DIR' detaches DIR. With --data-dir or --record-profile, this "
                        + "process serves the mount in the foreground from that local store only (a read of a "
                        + "block not there fails with EIO) until Ctrl-C or 'container unmount DIR'."})
final class MountCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "KEY", description = "The image key (bafy...).")
    String key;

    @Parameters(index = "1", paramLabel = "DIR", description = "An existing empty directory to mount on.")
    Path dir;

    @Option(names = "--no-prefetch", description = "Fetch only what is read: no background prefetch of the image.")
    boolean noPrefetch;

    @Option(names = "--record-profile", paramLabel = "SECONDS",
            description = "Record the order of first reads for SECONDS after mounting and store it as a boot "
                    + "profile; prints the key of the image with the profile.")
    Integer recordSeconds;

    /** The daemon mounts the image (fetching its manifest from peers) and DIR shows that mount. */
    private int viaDaemon() {
        DaemonImages.Mounted m = new DaemonImages(socket()).mount(key, !noPrefetch);
        try {
            Mounts.bind(m.dir(), dir);
        } catch (java.io.IOException e) {
            throw new UserException(e.getMessage(), e);
        }
        if (json()) out().println(m.figures().toString());
        err().printf("container: mounted %s at %s (served by the daemon; 'container unmount %s' detaches it)%n",
                m.key(), dir.toAbsolutePath().normalize(), dir.toAbsolutePath().normalize());
        return ExitCode.OK;
    }

    @Override
    public Integer call() throws Exception {
        if (recordSeconds != null && recordSeconds <= 0) throw new UserException("--record-profile must be a positive number of seconds");
        if (recordSeconds == null && !Given.option(spec, "--data-dir") && io.spore.cli.daemon.ControlClient.isRunning(socket())) {
            return viaDaemon();
        }
        Cid root = LocalImages.parseKey(key, dataDir());
        try (BlockStore store = LocalImages.openStore(dataDir(), false); Mounts mounts = new Mounts(true)) {
            Image image = LocalImages.openImage(store, root, dataDir());
            MountOptions options = MountOptions.defaults().withLocal(store)
                    .withRecordProfile(recordSeconds == null ? null : Duration.ofSeconds(recordSeconds));
            options = options.withPrefetcher(options.prefetcher(), !noPrefetch);
            LazyMount m;
            try {
                m = mounts.mount(image, store, dir, options);
            } catch (java.io.IOException e) {
                throw new UserException(e.getMessage(), e);
            }
            MountStatus status = new MountStatus(dataDir(), m.dir());
            err().printf("container: mounted %s at %s (foreground: Ctrl-C or 'container unmount %s' stops it)%n",
                    root, m.dir(), m.dir());
            err().flush();
            CountDownLatch done = new CountDownLatch(1);
            Thread.ofVirtual().start(() -> {
                while (m.running()) {
                    status.write(m.stats());
                    try { Thread.sleep(1000); } catch (InterruptedException e) { break; }
                }
                done.countDown();
            });
            try {
                done.await();
            } finally {
                status.delete();
            }
            m.unmount();
            Cid withProfile = m.storeProfile();
            MountStats s = m.stats();
            if (withProfile != null) {
                out().println(withProfile);
                err().printf("container: boot profile of %d chunks stored; the image with it has the key printed above%n",
                        s.profileChunks());
            }
            err().printf("container: unmounted %s: %d reads, %d bytes, %d read errors%n", m.dir(), s.reads(), s.bytesRead(), s.readErrors());
        }
        return ExitCode.OK;
    }
}
