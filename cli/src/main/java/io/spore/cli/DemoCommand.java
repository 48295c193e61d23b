package io.spore.cli;

import io.spore.image.Image;
import io.spore.image.posix.Exporter;
import io.spore.image.posix.Importer;
import io.spore.image.posix.Posix;
import io.spore.image.posix.TreeSnapshot;
import io.spore.p2p.blockstore.BlockStore;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

@Command(name = "demo", header = "Share and export a small built-in tree, then compare the two.",
        description = "Works in a temporary directory (its own block store, not --data-dir) and removes it afterwards.")
final class DemoCommand extends BaseCommand {
    @Override
    public Integer call() throws Exception {
        PrintWriter o = out();
        Path work = Files.createTempDirectory("spore-demo-");
        try {
            Path tree = work.resolve("tree"), data = work.resolve("data"), copy = work.resolve("export");
            int made = build(tree);
            o.printf("1. built a small tree in %s: %d paths (files, a directory tree, a symlink, a hard link, a fifo%s)%n",
                    tree, made, isRoot() ? ", owners and setuid" : "");
            long t0 = System.nanoTime();
            Importer.Result r;
            try (BlockStore store = StoreFactory.open(data)) {
                r = Importer.importTree(LocalImages.bytes(tree), store, Runtime.getRuntime().availableProcessors());
                double share = (System.nanoTime() - t0) / 1e9;
                var s = r.stats();
                o.printf("2. shared it into the block store %s: key %s%n", data.resolve("blocks"), r.root());
                o.printf("   %d entries, %d bytes of content in %d chunks, %d bytes stored (%.0f%%), %.2f s%n",
                        s.entries(), s.contentBytes(), s.chunks(), s.storedBytes(),
                        100.0 * s.storedBytes() / Math.max(1, s.contentBytes()), share);
                long t1 = System.nanoTime();
                Image image = Image.open(store, r.root());
                Exporter.export(image, store, LocalImages.bytes(copy));
                o.printf("3. exported the key to %s in %.2f s%n", copy, (System.nanoTime() - t1) / 1e9);
            }
            TreeSnapshot a = TreeSnapshot.of(LocalImages.bytes(tree)), b = TreeSnapshot.of(LocalImages.bytes(copy));
            List<String> diff = a.diff(b, 10);
            if (!diff.isEmpty()) {
                diff.forEach(d -> err().println("  " + d));
                throw new UserException("the export differs from the shared tree (differences above): please report this");
            }
            o.printf("4. compared the two trees path by path (type, mode, owner, mtime ns, size, target, xattrs, sha256,"
                    + " hard links): %d paths, identical%n", a.paths());
            o.println("Next: 'container share DIR' shares a root filesystem; booting it arrives with 'container boot'.");
            return ExitCode.OK;
        } finally {
            delete(work);
            o.printf("5. removed %s%n", work);
            o.flush();
        }
    }

    private static boolean isRoot() { return "root".equals(System.getProperty("user.name")); }

    /** A tree with a bit of everything a non-root user can make too. */
    private static int build(Path t) throws IOException {
        Files.createDirectories(t.resolve("etc"));
        Files.createDirectories(t.resolve("usr/bin"));
        Files.createDirectories(t.resolve("var/empty"));
        Files.writeString(t.resolve("etc/hostname"), "spore-demo\n");
        Files.writeString(t.resolve("etc/motd"), "Welcome to a tree that went through a content-addressed store.\n");
        Random rnd = new Random(42);
        byte[] big = new byte[600_000];
        for (int i = 0; i < big.length; i += 16) {
            String line = "line " + rnd.nextInt(1000) + "\n"; // compressible, not constant
            byte[] b = line.getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(b, 0, big, i, Math.min(b.length, big.length - i));
        }
        Files.write(t.resolve("usr/bin/tool"), big);
        for (int i = 0; i < 20; i++) Files.writeString(t.resolve("etc/conf-" + i), "key" + i + "=value" + i + "\n");
        Files.write(t.resolve("empty"), new byte[0]);
        Files.createSymbolicLink(t.resolve("usr/bin/alias"), Path.of("tool"));
        Files.createLink(t.resolve("etc/hostname.link"), t.resolve("etc/hostname"));
        byte[] dir = LocalImages.bytes(t);
        int fd = Posix.open(dir, Posix.O_RDONLY | Posix.O_DIRECTORY);
        try {
            Posix.mkfifoat(fd, "fifo".getBytes(), 0640, "fifo".getBytes());
            if (isRoot()) {
                Posix.lchownat(fd, "usr/bin/tool".getBytes(), 0, 0, "tool".getBytes());
                Posix.chmodat(fd, "usr/bin/tool".getBytes(), 04755, "tool".getBytes());
                Posix.lchownat(fd, "etc/motd".getBytes(), 1000, 1000, "motd".getBytes());
            }
        } finally {
            Posix.close(fd);
        }
        Files.setLastModifiedTime(t.resolve("etc/motd"), FileTime.from(java.time.Instant.ofEpochSecond(1_700_000_000, 123_456_789)));
        try (Stream<Path> s = Files.walk(t)) {
            return (int) s.count();
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a temp directory
        }
    }
}
