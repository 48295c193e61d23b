package io.spore.image.posix;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/** What the file-system tests need: root, the crafted tree, the debootstrap fixtures, clean-up. */
public final class Fixtures {
    private Fixtures() {}

    static final boolean CI = System.getenv("CI") != null && !System.getenv("CI").isEmpty();

    /** Skips outside CI, fails in CI: a broken setup must never pass silently. */
    public static void require(boolean ok, String what) {
        if (ok) return;
        if (CI) fail(what);
        Assumptions.assumeTrue(false, what);
    }

    public static void requireRoot() {
        require("root".equals(System.getProperty("user.name")), "this test needs root (devices, chown, security.* xattrs)");
    }

    public static Path cache() {
        String c = System.getenv("SPORE_TEST_CACHE");
        return Path.of(c == null || c.isEmpty() ? "/var/cache/spore-tests" : c);
    }

    /** A debootstrap rootfs fixture made by tests/setup/20-rootfs.sh. */
    public static Path rootfs(String name) {
        Path p = cache().resolve("rootfs").resolve(name);
        require(Files.exists(p.resolve(".complete")), p + " is missing: run tests/setup/20-rootfs.sh (tests/run does)");
        return p;
    }

    /** Builds the crafted tree (every file type and attribute) at {@code dir}. */
    public static void craftedTree(Path dir, boolean reverse) throws IOException, InterruptedException {
        requireRoot();
        for (String tool : List.of("setfattr", "setfacl", "setcap", "python3")) {
            require(Stream.of("/usr/bin/", "/usr/sbin/", "/sbin/", "/bin/").anyMatch(d -> Files.exists(Path.of(d + tool))),
                    tool + " is missing: run tests/setup/00-packages.sh");
        }
        Path script = Files.createTempFile("crafted-tree", ".sh");
        try (var in = Fixtures.class.getResourceAsStream("crafted-tree.sh")) {
            Files.write(script, in.readAllBytes());
        }
        try {
            run(List.of("bash", script.toString(), dir.toString(), reverse ? "reverse" : "forward"));
        } finally {
            Files.deleteIfExists(script);
        }
    }

    public static String run(List<String> cmd) throws IOException, InterruptedException {
        return run(cmd, null);
    }

    public static String run(List<String> cmd, Path cwd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (cwd != null) pb.directory(cwd.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IOException(String.join(" ", cmd) + " failed: " + out);
        return out;
    }

    /** rm -rf, which copes with paths longer than PATH_MAX and with mode-0 directories. */
    public static void delete(Path dir) {
        if (dir == null || !Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        try {
            run(List.of("rm", "-rf", "--one-file-system", dir.toString()));
        } catch (Exception e) {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // best effort
            }
        }
    }

    static byte[] bytes(Path p) { return p.toString().getBytes(StandardCharsets.UTF_8); }
}
