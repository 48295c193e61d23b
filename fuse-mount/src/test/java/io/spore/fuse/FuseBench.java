package io.spore.fuse;

import io.spore.image.Chunk;
import io.spore.image.Entry;
import io.spore.image.FileType;
import io.spore.image.Image;
import io.spore.image.posix.Importer;
import io.spore.p2p.blockstore.BlockSource;
import io.spore.p2p.blockstore.FileBlockStore;
import io.spore.p2p.multiformats.Cid;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static io.spore.fuse.Env.sh;

/**
 * FUSE benchmarks (print figures, assert nothing). Not run by 'mvn verify' (the class name does
 * not end in Test); run with tests/bench/fuse-mount, which prints the figures. Needs root (FUSE,
 * dropping caches) and the minbase fixture. Drops the page cache of the machine for the cold runs.
 */
class FuseBench {
    static final long GIB = 1L << 30;
    static final int RUNS = Integer.getInteger("spore.bench.runs", 3);

    @Test
    void all() throws Exception {
        Env.requireFuse();
        Path work = Files.createTempDirectory(Path.of(System.getProperty("spore.bench.dir", "/var/tmp")), "spore-fuse-bench-");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (FileBlockStore store = FileBlockStore.open(work.resolve("data"))) {
            bigFile(work, store);
            walk(work, store);
            latency(work, store);
        } finally {
            sh("rm -rf " + work);
        }
    }

    static void print(String fmt, Object... args) {
        System.out.printf("BENCH " + fmt + "%n", args);
        System.out.flush();
    }

    static void dropCaches() throws Exception {
        sh("sync; echo 3 > /proc/sys/vm/drop_caches");
    }

    static double time(String cmd) throws Exception {
        long t0 = System.nanoTime();
        sh(cmd);
        return (System.nanoTime() - t0) / 1e9;
    }

    static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    /** 1 GiB, half random and half zeros in every 64 KiB, so it compresses about 2:1 like binaries do. */
    void bigFile(Path work, FileBlockStore store) throws Exception {
        Path src = Files.createDirectory(work.resolve("big"));
        Path file = src.resolve("big");
        Random r = new Random(42);
        byte[] block = new byte[64 * 1024];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (long done = 0; done < GIB; done += block.length) {
                Arrays.fill(block, (byte) 0);
                for (int i = 0; i < block.length / 2; i += 8) {
                    long v = r.nextLong();
                    for (int k = 0; k < 8; k++) block[i + k] = (byte) (v >>> (8 * k));
                }
                ch.write(ByteBuffer.wrap(block));
            }
        }
        long t0 = System.nanoTime();
        Cid root = Importer.importTree(src.toString().getBytes(StandardCharsets.UTF_8), store, 2).root();
        Image image = Image.open(store, root);
        print("1 GiB file imported in %.1f s: %d chunks", (System.nanoTime() - t0) / 1e9, image.chunks().size());
        Path mnt = Files.createDirectory(work.resolve("mnt-big"));
        double[] firstWarmBlocks = new double[RUNS], first = new double[RUNS], warm = new double[RUNS], cold = new double[RUNS], local = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            // A fresh mount each run: the first read crosses FUSE and decompresses every chunk.
            LazyMount m = LazyMount.mount(image, store, mnt, MountOptions.defaults().withLocal(store));
            try {
                dropCaches();
                first[i] = time("dd if=" + mnt + "/big of=/dev/null bs=1M status=none");
                warm[i] = time("dd if=" + mnt + "/big of=/dev/null bs=1M status=none");
            } finally {
                m.unmount();
            }
            // Blocks in the page cache, fresh mount: what decompression and FUSE cost without the disk.
            m = LazyMount.mount(Image.open(store, root), store, mnt, MountOptions.defaults().withLocal(store));
            try {
                firstWarmBlocks[i] = time("dd if=" + mnt + "/big of=/dev/null bs=1M status=none");
            } finally {
                m.unmount();
            }
            dropCaches();
            cold[i] = time("dd if=" + file + " of=/dev/null bs=1M status=none");
            local[i] = time("dd if=" + file + " of=/dev/null bs=1M status=none");
        }
        double gb = GIB / 1e9;
        print("1 GiB first read through the mount (chunks local, cold): %.2f GB/s (runs %s)", gb / median(first), Arrays.toString(first));
        print("1 GiB first read through a fresh mount, block files in page cache: %.2f GB/s", gb / median(firstWarmBlocks));
        print("1 GiB cold local read after dropping caches:            %.2f GB/s (runs %s)", gb / median(cold), Arrays.toString(cold));
        print("  ratio mount first / local cold: %.2fx (goal >= 0.5x)", median(cold) / median(first));
        print("1 GiB warm re-read through the mount (page cache):       %.2f GB/s", gb / median(warm));
        print("1 GiB warm local read:                                   %.2f GB/s", gb / median(local));
        print("  ratio mount warm / local warm: %.2fx (goal >= 0.6x)", median(local) / median(warm));
    }

    void walk(Path work, FileBlockStore store) throws Exception {
        Path rootfs = Path.of(System.getenv().getOrDefault("SPORE_TEST_CACHE", "/var/cache/spore-tests"), "rootfs", "minbase");
        Cid root = Importer.importTree(rootfs.toString().getBytes(StandardCharsets.UTF_8), store, 2).root();
        Image image = Image.open(store, root);
        Path mnt = Files.createDirectory(work.resolve("mnt-walk"));
        String walk = " -xdev -ls > /dev/null";
        double[] mFirst = new double[RUNS], mWarm = new double[RUNS], lCold = new double[RUNS], lWarm = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            LazyMount m = LazyMount.mount(image, store, mnt, MountOptions.defaults().withLocal(store));
            try {
                dropCaches();
                mFirst[i] = time("find " + mnt + walk);
                mWarm[i] = time("find " + mnt + walk);
            } finally {
                m.unmount();
            }
            dropCaches();
            lCold[i] = time("find " + rootfs + walk);
            lWarm[i] = time("find " + rootfs + walk);
        }
        print("find -ls walk of the Debian minbase tree (%d entries), ms: mount first %.0f, local cold %.0f -> %.1fx (goal <= 10x)",
                image.size(), median(mFirst) * 1000, median(lCold) * 1000, median(mFirst) / median(lCold));
        print("find -ls walk warm, ms: mount %.0f, local %.0f -> %.1fx (goal <= 3x)",
                median(mWarm) * 1000, median(lWarm) * 1000, median(mWarm) / median(lWarm));
    }

    /** First reads of 4 KiB in chunks not fetched yet, blocks served over loopback TCP. */
    void latency(Path work, FileBlockStore store) throws Exception {
        Path rootfs = Path.of(System.getenv().getOrDefault("SPORE_TEST_CACHE", "/var/cache/spore-tests"), "rootfs", "minbase");
        Cid root = Importer.importTree(rootfs.toString().getBytes(StandardCharsets.UTF_8), store, 2).root();
        Image image = Image.open(store, root);
        Random r = new Random(7);
        List<int[]> picks = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        Set<Cid> used = new HashSet<>();
        for (int tries = 0; picks.size() < 300 && tries < 100_000; tries++) {
            int i = r.nextInt(image.size());
            Entry e = image.entry(i);
            if (e.type() != FileType.REGULAR || e.isHardLink() || e.size() < 8192) continue;
            long off = (r.nextLong(e.size() - 4096)) & ~4095L;
            List<Chunk> cs = image.chunksFor(i, off, 4096);
            if (cs.stream().anyMatch(c -> used.contains(c.cid()))) continue;
            // Readahead pulls in neighbours: keep samples apart by the chunks around them too.
            cs.forEach(c -> used.add(c.cid()));
            picks.add(new int[] {i});
            offsets.add(off);
        }
        try (LoopbackBlocks server = new LoopbackBlocks(store)) {
            for (String mode : List.of("loopback TCP", "local store")) {
                BlockSource source = mode.equals("local store") ? store : server.client();
                Path mnt = Files.createDirectory(work.resolve("mnt-lat-" + mode.replace(' ', '-')));
                LazyMount m = LazyMount.mount(image, source, mnt, MountOptions.defaults());
                long[] micros = new long[picks.size()];
                try {
                    ByteBuffer buf = ByteBuffer.allocate(4096);
                    for (int k = 0; k < picks.size(); k++) {
                        String rel = new String(image.entry(picks.get(k)[0]).path(), StandardCharsets.UTF_8);
                        try (FileChannel ch = FileChannel.open(mnt.resolve(rel))) {
                            buf.clear();
                            long t0 = System.nanoTime();
                            ch.read(buf, offsets.get(k));
                            micros[k] = (System.nanoTime() - t0) / 1000;
                        }
                    }
                    MountStats s = m.stats();
                    Arrays.sort(micros);
                    print("first read of an uncached 4 KiB range, blocks from %s: p50 %d us, p99 %d us (%d samples; block fetch p50 %d us p99 %d us)",
                            mode, micros[micros.length / 2], micros[(int) Math.ceil(micros.length * 0.99) - 1], micros.length,
                            s.urgentP50Micros(), s.urgentP99Micros());
                } finally {
                    m.unmount();
                }
            }
        }
    }

    /** Serves blocks over TCP on 127.0.0.1: request = CID bytes, response = length + block. */
    static final class LoopbackBlocks implements AutoCloseable {
        final ServerSocket server;
        final FileBlockStore store;

        LoopbackBlocks(FileBlockStore store) throws IOException {
            this.store = store;
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofPlatform().daemon().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        s.setTcpNoDelay(true);
                        Thread.ofVirtual().start(() -> serve(s));
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
        }

        private void serve(Socket s) {
            try (s; var in = new DataInputStream(s.getInputStream()); var out = new DataOutputStream(s.getOutputStream())) {
                while (true) {
                    byte[] cid = new byte[in.readUnsignedShort()];
                    in.readFully(cid);
                    byte[] b = store.get(Cid.decode(cid));
                    out.writeInt(b.length);
                    out.write(b);
                    out.flush();
                }
            } catch (IOException done) {
                // client went away
            }
        }

        BlockSource client() {
            ThreadLocal<Socket> conn = new ThreadLocal<>();
            return cid -> {
                Socket s = conn.get();
                if (s == null) {
                    s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                    s.setTcpNoDelay(true);
                    conn.set(s);
                }
                var out = new DataOutputStream(s.getOutputStream());
                byte[] c = cid.bytes();
                out.writeShort(c.length);
                out.write(c);
                out.flush();
                var in = new DataInputStream(s.getInputStream());
                byte[] b = new byte[in.readInt()];
                in.readFully(b);
                if (!cid.matches(b)) throw new IOException("block " + cid + " does not match its hash");
                return b;
            };
        }

        @Override public void close() throws IOException { server.close(); }
    }
}
