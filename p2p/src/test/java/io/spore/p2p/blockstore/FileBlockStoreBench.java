package io.spore.p2p.blockstore;

import io.spore.p2p.multiformats.Cid;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Durability cost per block (image/FORMAT.md sections 5 and 8): FileBlockStore's put (temp file,
 * rename, no fsync) plus one sync() at the end, next to the same writes with an fsync of every
 * block before its rename. Prints figures; asserts nothing. Run:
 * {@code java --enable-native-access=ALL-UNNAMED -cp p2p/target/classes:p2p/target/test-classes io.spore.p2p.blockstore.FileBlockStoreBench [DIR] [blocks] [bytes]}
 */
public final class FileBlockStoreBench {
    public static void main(String[] args) throws Exception {
        Path parent = Path.of(args.length > 0 ? args[0] : "/var/tmp");
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 1500;
        int size = args.length > 2 ? Integer.parseInt(args[2]) : 33_000;
        Random r = new Random(1);
        for (int round = 0; round < 2; round++) {
            List<byte[]> blocks = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                byte[] b = new byte[size];
                r.nextBytes(b);
                blocks.add(b);
            }
            Path dir = Files.createTempDirectory(parent, "spore-store-bench-");
            try (FileBlockStore s = FileBlockStore.open(dir)) {
                long t0 = System.nanoTime();
                for (byte[] b : blocks) s.put(Cid.RAW, b);
                long t1 = System.nanoTime();
                s.sync();
                long t2 = System.nanoTime();
                System.out.printf("round %d: %d puts of %d bytes %.3f ms/block, then one syncfs %.0f ms: %.0f ms in all%n",
                        round, n, size, (t1 - t0) / 1e6 / n, (t2 - t1) / 1e6, (t2 - t0) / 1e6);
                Path fs = dir.resolve("fsync");
                Files.createDirectories(fs);
                long t3 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    Path tmp = fs.resolve(i + ".tmp");
                    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                        ch.write(ByteBuffer.wrap(blocks.get(i)));
                        ch.force(true);
                    }
                    Files.move(tmp, fs.resolve(Integer.toString(i)), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                }
                long t4 = System.nanoTime();
                System.out.printf("round %d: same writes with an fsync per block %.3f ms/block: %.0f ms in all%n",
                        round, (t4 - t3) / 1e6 / n, (t4 - t3) / 1e6);
            } finally {
                try (var w = Files.walk(dir)) {
                    for (Path p : w.sorted(Collections.reverseOrder()).toList()) Files.deleteIfExists(p);
                }
            }
        }
    }
}
