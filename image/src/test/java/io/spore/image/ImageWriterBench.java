package io.spore.image;

import io.spore.p2p.blockstore.FileBlockStore;
import io.spore.p2p.multiformats.Cid;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Throughput of ImageWriter on a real tree next to {@code tar -c | zstd -1} of the same tree, in
 * the same run (FORMAT.md section 8). A crude java.nio walker stands in for image-fs's (no xattrs).
 * Prints figures; asserts nothing. Run:
 * {@code java --enable-native-access=ALL-UNNAMED -cp <image, p2p classes, test-classes, zstd-jni> io.spore.image.ImageWriterBench DIR [threads] [rounds]}
 */
public final class ImageWriterBench {
    public static void main(String[] args) throws Exception {
        Path src = Path.of(args[0]);
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        ChunkCodec.level = Integer.getInteger("level", ChunkCodec.LEVEL);
        for (int round = 0; round < rounds; round++) {
            Path data = Files.createTempDirectory(Path.of("/var/tmp"), "spore-bench-");
            try {
                var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
                long cpu0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                Cid root;
                ImageWriter.Stats st;
                boolean mem = Boolean.getBoolean("mem");
                try (io.spore.p2p.blockstore.BlockStore store = mem ? new TestTrees.MemoryStore() : FileBlockStore.open(data);
                     ImageWriter w = new ImageWriter(store, threads)) {
                    walk(w, src, new byte[0], new HashMap<>());
                    long tf = System.nanoTime();
                    root = w.finish();
                    System.out.printf("finish (incl. 2 syncs): %.2f s%n", (System.nanoTime() - tf) / 1e9);
                    st = w.stats();
                }
                double share = (System.nanoTime() - t0) / 1e9;
                double shareCpu = (os.getProcessCpuTime() - cpu0) / 1e9;
                long t1 = System.nanoTime();
                Process p = new ProcessBuilder("bash", "-c", "TIMEFORMAT='%U %S'; time (tar -C '" + src + "' -cf - . 2>/dev/null | zstd -q -1 -c | wc -c) 2>&1").start();
                String[] out = new String(p.getInputStream().readAllBytes()).trim().split("\\s+");
                long tarSize = Long.parseLong(out[0]);
                double tarCpu = Double.parseDouble(out[1]) + Double.parseDouble(out[2]);
                p.waitFor(10, TimeUnit.MINUTES);
                double tar = (System.nanoTime() - t1) / 1e9;
                System.out.printf("round %d: share %s: %d entries, %,d content bytes, %d chunks, stored %,d bytes, %.2f s = %.0f MB/s (%d threads, zstd level %d)%n",
                        round, root, st.entries(), st.contentBytes(), st.chunks(), st.storedBytes(), share, st.contentBytes() / 1e6 / share, threads, ChunkCodec.level);
                System.out.printf("round %d: tar -c | zstd -1: %,d bytes, %.2f s = %.0f MB/s; share/tar: speed %.2fx, size %.3f; CPU s: share %.2f, tar|zstd %.2f%n",
                        round, tarSize, tar, st.contentBytes() / 1e6 / tar, tar / share, (double) st.storedBytes() / tarSize, shareCpu, tarCpu);
            } finally {
                try (var s = Files.walk(data)) {
                    for (Path q : s.sorted(Collections.reverseOrder()).toList()) Files.deleteIfExists(q);
                }
            }
        }
    }

    private static void walk(ImageWriter w, Path p, byte[] rel, Map<Object, byte[]> inodes) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,lastModifiedTime,size,ino,dev,nlink,rdev", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) a.get("mode");
        int fmt = mode & 0170000;
        FileType t = switch (fmt) {
            case 0040000 -> FileType.DIRECTORY;
            case 0120000 -> FileType.SYMLINK;
            case 0020000 -> FileType.CHAR_DEVICE;
            case 0060000 -> FileType.BLOCK_DEVICE;
            case 0010000 -> FileType.FIFO;
            case 0140000 -> FileType.SOCKET;
            default -> FileType.REGULAR;
        };
        FileTime ft = (FileTime) a.get("lastModifiedTime");
        long mtime = ft.to(TimeUnit.NANOSECONDS);
        long size = t == FileType.REGULAR ? (Long) a.get("size") : 0;
        byte[] target = t == FileType.SYMLINK ? Files.readSymbolicLink(p).toString().getBytes(StandardCharsets.UTF_8) : null;
        if (target != null) size = target.length;
        long rdev = t == FileType.CHAR_DEVICE || t == FileType.BLOCK_DEVICE ? (Long) a.get("rdev") : 0;
        byte[] link = null;
        if (t != FileType.DIRECTORY && (Integer) a.get("nlink") > 1) {
            List<Object> key = List.of(a.get("dev"), a.get("ino"));
            link = inodes.get(key);
            if (link == null) inodes.put(key, rel);
        }
        Entry e = new Entry(rel, t, mode & 07777, (Integer) a.get("uid"), (Integer) a.get("gid"), mtime, size, target, link, rdev,
                Collections.emptySortedMap(), -1);
        if (t == FileType.REGULAR && link == null) {
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
                w.add(e, ch);
            }
        } else {
            w.add(e, null);
        }
        if (t != FileType.DIRECTORY) return;
        List<byte[]> names = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
            for (Path c : ds) names.add(c.getFileName().toString().getBytes(StandardCharsets.UTF_8));
        }
        names.sort(Arrays::compareUnsigned);
        for (byte[] n : names) {
            byte[] childRel = rel.length == 0 ? n : concat(rel, n);
            walk(w, p.resolve(new String(n, StandardCharsets.UTF_8)), childRel, inodes);
        }
    }

    private static byte[] concat(byte[] dir, byte[] name) {
        byte[] r = Arrays.copyOf(dir, dir.length + 1 + name.length);
        r[dir.length] = '/';
        System.arraycopy(name, 0, r, dir.length + 1, name.length);
        return r;
    }
}
