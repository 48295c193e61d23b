package io.spore.p2p.bench;

import io.spore.p2p.bitswap.Bitswap;
import io.spore.p2p.bitswap.MemoryBlockStore;
import io.spore.p2p.blockstore.BlockStore;
import io.spore.p2p.blockstore.FileBlockStore;
import io.spore.p2p.fetch.Batch;
import io.spore.p2p.fetch.FetchConfig;
import io.spore.p2p.fetch.Fetcher;
import io.spore.p2p.fetch.Priority;
import io.spore.p2p.fetch.ProviderDiscovery;
import io.spore.p2p.host.Connection;
import io.spore.p2p.host.Host;
import io.spore.p2p.host.HostConfig;
import io.spore.p2p.host.Hosts;
import io.spore.p2p.identity.KeyPair;
import io.spore.p2p.multiformats.Cid;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One pull inside this JVM, as the daemon does it: two libp2p hosts on loopback, a {@link FileBlockStore}
 * on each side, Bitswap serving one and a {@link Fetcher} filling the other. Blocks are random, 16-256 KiB
 * (the image chunker's range). Prints figures, asserts nothing; for profiling the pull path with JFR.
 * Usage: java ... io.spore.p2p.bench.PullBench [MiB, default 512] [runs, default 3]
 */
public final class PullBench {
    public static void main(String[] args) throws Exception {
        long bytes = (args.length > 0 ? Long.parseLong(args[0]) : 512) << 20;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path work = Files.createTempDirectory("spore-pullbench");
        try {
            FileBlockStore served = FileBlockStore.open(work.resolve("a"));
            List<Cid> cids = new ArrayList<>();
            SplittableRandom r = new SplittableRandom(1);
            long total = 0;
            while (total < bytes) {
                byte[] b = new byte[16_384 + r.nextInt(110_000)];
                r.nextBytes(b);
                cids.add(served.put(Cid.RAW, b));
                total += b.length;
            }
            System.out.printf("%d blocks, %.1f MB, %d cores%n", cids.size(), total / 1e6, Runtime.getRuntime().availableProcessors());
            try (Host a = Hosts.start(HostConfig.defaults(KeyPair.generate()));
                 Bitswap sa = new Bitswap(a, served).start()) {
                for (int i = 0; i < runs; i++) run(a, cids, total, work.resolve("b" + i));
            }
        } finally {
            try (Stream<Path> s = Files.walk(work)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** CPU time of this whole process (both hosts, every thread). */
    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static void run(Host a, List<Cid> cids, long n, Path dir) throws Exception {
        try (BlockStore local = Boolean.getBoolean("pull.memory") ? new MemoryBlockStore() : FileBlockStore.open(dir);
             Host b = Hosts.start(HostConfig.defaults(KeyPair.generate()));
             Bitswap sb = new Bitswap(b, local).start();
             Fetcher f = new Fetcher(local, sb, ProviderDiscovery.NONE, FetchConfig.defaults(), sb::blockAdded)) {
            b.handle(P2pBench.SINK, (stream, conn) -> stream.pipeline().addLast(new P2pBench.Sink()));
            b.connect(a.listenAddresses().getFirst().withPeerId(a.peerId())).get(10, TimeUnit.SECONDS);
            Connection toB = null;
            for (int i = 0; toB == null && i < 1000; i++) { // A registers the connection a moment after B's dial returns
                toB = a.connections().stream().filter(c -> c.remotePeer().equals(b.peerId())).findFirst().orElse(null);
                if (toB == null) Thread.sleep(10);
            }
            if (toB == null) throw new IllegalStateException("host A never saw B's connection");
            // The same number of bytes over one Yamux stream of the same connection, A to B, right
            // before the pull: the transport's ceiling under the machine's load of the moment.
            long ts = System.nanoTime();
            long cs = cpuNanos();
            P2pBench.send(toB, n);
            double ss = (System.nanoTime() - ts) / 1e9;
            System.out.printf("one yamux stream over noise, same connection: %.1f MB in %.2f s = %.1f MB/s, %.2f CPU s per GB%n",
                    n / 1e6, ss, n / 1e6 / ss, (cpuNanos() - cs) / 1e9 / (n / 1e9));
            f.addProvider(a.peerId());
            long t0 = System.nanoTime();
            long c0 = cpuNanos();
            Batch batch = f.fetchAll(cids, cids.getFirst(), Priority.BACKGROUND);
            if (Boolean.getBoolean("pull.trace")) {
                while (!batch.done().isDone()) {
                    Thread.sleep(200);
                    System.out.println("  " + f.stats());
                }
            }
            batch.done().get(600, TimeUnit.SECONDS);
            local.sync();
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("pull, file stores, one JVM: %.1f MB in %.2f s = %.1f MB/s (%.0f%% of the stream), %.2f CPU s per GB  %s%n",
                    batch.doneBytes() / 1e6, secs, batch.doneBytes() / 1e6 / secs, 100 * ss / secs,
                    (cpuNanos() - c0) / 1e9 / (batch.doneBytes() / 1e9), f.stats());
        }
    }
}
