package io.spore.tests.hostos;

import io.spore.hostos.OsBuild;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * One Spore OS build per test JVM, shared by the size/reproducibility test and the qemu test.
 * Downloaded packages are cached in $SPORE_TEST_CACHE/spore-os, so later builds are local.
 */
final class SporeOs {
    static final boolean CI = "true".equals(System.getenv("CI"));
    static final Path ROOT = Path.of(System.getProperty("spore.root", "..")).toAbsolutePath().normalize();
    static final Path CACHE = Path.of(System.getenv().getOrDefault("SPORE_TEST_CACHE", "/var/cache/spore-tests"), "spore-os");
    private static OsBuild.Result first;

    private SporeOs() {}

    /** Root, apt, and the daemon jars: without them the test cannot run (and must fail under CI). */
    static void require(String... tools) {
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean jar = Files.isRegularFile(ROOT.resolve("cli/target/spore-cli.jar"));
        String missing = !root ? "root" : !jar ? "cli/target/spore-cli.jar (mvn -pl cli -am package)" : null;
        for (String t : tools) {
            if (missing == null && !onPath(t)) missing = t + " (tests/setup/40-hostos.sh installs it)";
        }
        if (missing != null) {
            if (CI) fail("Spore OS test needs " + missing);
            assumeTrue(false, "Spore OS test needs " + missing);
        }
    }

    static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) return true;
        }
        return Files.isExecutable(Path.of("/usr/sbin", tool)) || Files.isExecutable(Path.of("/sbin", tool));
    }

    static synchronized OsBuild.Result first() throws IOException {
        String given = System.getProperty("spore.os.dir");
        if (first == null && given != null) {
            // A Spore OS built before (by hand or an earlier run), to rerun the VM tests without a build.
            Path dir = Path.of(given);
            java.util.Map<String, Long> sizes = new java.util.LinkedHashMap<>();
            for (String l : Files.readAllLines(dir.resolve("sizes"))) sizes.put(l.split("=")[0], Long.parseLong(l.split("=")[1].strip()));
            first = new OsBuild.Result(dir, sizes, Files.readAllLines(dir.resolve("packages")));
        }
        if (first == null) {
            Path dir = Files.createTempDirectory("spore-os-a");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    deleteTree(dir);
                } catch (IOException ignored) {
                    // best effort at JVM exit
                }
            }));
            first = build(dir);
        }
        return first;
    }

    static OsBuild.Result build(Path out) {
        long t0 = System.nanoTime();
        OsBuild.Result r = OsBuild.run(new OsBuild.Options(out, CACHE, ROOT.resolve("cli/target"),
                Path.of(System.getProperty("java.home")), "", true), System.out::println);
        System.out.printf("spore-os build into %s took %.1f s%n", out, (System.nanoTime() - t0) / 1e9);
        return r;
    }

    static String run(List<String> cmd, long timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", cmd) + " timed out");
        }
        String s = new String(out);
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed: " + s);
        return s;
    }

    static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) return;
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
