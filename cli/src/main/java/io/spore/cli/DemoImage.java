package io.spore.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The demo's built-in image: Debian bookworm minbase with systemd and openssh-server, made by
 * debootstrap from the machine's configured package sources and kept for later runs. It is built
 * beside its final place and renamed into it, so an interrupted build leaves nothing half-made.
 */
final class DemoImage {
    static final Path DEFAULT_CACHE = Path.of("/var/cache/spore/demo-rootfs");
    static final List<String> PACKAGES = List.of("systemd", "systemd-sysv", "openssh-server", "iproute2");
    private static final String COMPLETE = ".complete";

    private DemoImage() {}

    static boolean ready(Path dir) {
        return Files.exists(dir.resolve(COMPLETE));
    }

    /** Builds the image at {@code dir} unless it is there already; debootstrap's output goes to {@code log}. */
    static void build(Path dir, Path log) throws IOException, InterruptedException {
        Files.createDirectories(dir.getParent());
        try (FileChannel ch = FileChannel.open(dir.resolveSibling(dir.getFileName() + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            if (ready(dir)) return; // another demo built it while we waited
            Path tmp = dir.resolveSibling(".tmp-" + dir.getFileName());
            removeTree(tmp);
            removeTree(dir);
            List<String> cmd = List.of("debootstrap", "--variant=minbase", "--include=" + String.join(",", PACKAGES), "bookworm", tmp.toString());
            Process p;
            try {
                p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            } catch (IOException e) {
                throw new UserException("debootstrap is not installed: run 'apt-get install debootstrap' (./container demo installs it as root)");
            }
            if (p.waitFor() != 0) {
                List<String> lines = Files.readAllLines(log);
                String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1).strip();
                removeTree(tmp);
                throw new UserException("debootstrap failed (" + last + "): check the machine's package sources (apt-get update works?) and its network");
            }
            // Package caches and apt lists only make the image bigger.
            new ProcessBuilder("sh", "-c", "rm -rf \"$1\"/var/cache/apt/archives/*.deb \"$1\"/var/lib/apt/lists/*_*", "sh", tmp.toString())
                    .redirectErrorStream(true).start().waitFor();
            Files.createFile(tmp.resolve(COMPLETE));
            Files.move(tmp, dir);
        }
    }

    static void removeTree(Path dir) throws IOException, InterruptedException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        Process p = new ProcessBuilder("rm", "-rf", "--one-file-system", "--", dir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        if (p.waitFor() != 0) throw new IOException("cannot remove " + dir + ": " + out);
    }
}
