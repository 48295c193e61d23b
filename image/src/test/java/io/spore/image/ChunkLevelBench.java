package io.spore.image;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Measures stored size and compression time of the packed stream of a tree at several zstd levels
 * (FORMAT.md section 8). Not a test: run with
 * {@code java -cp image/target/classes:image/target/test-classes:<deps> io.spore.image.ChunkLevelBench DIR [threads]}.
 */
public final class ChunkLevelBench {
    static int[] LEVELS = java.util.Arrays.stream(System.getProperty("levels", "1,2,3,1,2,3").split(",")).mapToInt(Integer::parseInt).toArray();
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        Set<Object> inodes = new HashSet<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(root)) {
            files = s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        }
        for (Path p : files) {
            if (!inodes.add(Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS))) continue;
            stream.write(Files.readAllBytes(p));
        }
        byte[] data = stream.toByteArray();
        List<int[]> chunks = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int off = 0; off < data.length; ) {
            int n = FastCdc.cut(data, off, data.length - off);
            chunks.add(new int[]{off, n});
            off += n;
        }
        long tCdc = System.nanoTime() - t0;
        System.out.printf("%s: %d files, %,d bytes, %d chunks (avg %,d), FastCDC %.0f MB/s%n", root, files.size(), data.length,
                chunks.size(), data.length / Math.max(1, chunks.size()), data.length / 1e6 / (tCdc / 1e9));
        try (ExecutorService ex = Executors.newFixedThreadPool(threads)) {
            for (int level : LEVELS) {
                long t = System.nanoTime();
                var mx = java.lang.management.ManagementFactory.getThreadMXBean();
                java.util.concurrent.atomic.AtomicLong cpu = new java.util.concurrent.atomic.AtomicLong();
                List<Future<Integer>> fs = new ArrayList<>();
                for (int[] c : chunks) fs.add(ex.submit(() -> {
                    long c0 = mx.getCurrentThreadCpuTime();
                    ChunkCodec.level = level;
                    byte[] z = ChunkCodec.compress(data, c[0], c[1]);
                    io.spore.p2p.multiformats.Multihash.sha256(z, 0, z.length);
                    cpu.addAndGet(mx.getCurrentThreadCpuTime() - c0);
                    return z.length;
                }));
                long stored = 0;
                for (Future<Integer> f : fs) stored += f.get();
                double s = (System.nanoTime() - t) / 1e9;
                System.out.printf("level %d, %d threads: stored %,d bytes (ratio %.2f), compress+sha256 %.2f s wall = %.0f MB/s, %.2f CPU s = %.0f MB/s per core%n",
                        level, threads, stored, (double) data.length / stored, s, data.length / 1e6 / s, cpu.get() / 1e9, data.length / 1e6 / (cpu.get() / 1e9));
            }
        }
    }
}
