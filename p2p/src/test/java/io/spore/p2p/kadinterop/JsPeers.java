package io.spore.p2p.kadinterop;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * js-libp2p peers for tests: node_modules from where tests/setup/10-npm-peers.sh installed them
 * ({@code $SPORE_TEST_CACHE/npm-peers/current}), peer scripts from this checkout's
 * {@code tests/interop/js}, put together in a directory of the test's own, so that what others
 * copy into the shared directory meanwhile does not matter. Missing fixtures skip the test outside
 * CI and fail it under {@code CI=true}.
 */
public final class JsPeers {
    private JsPeers() {}

    /** Prepares {@code work} (an empty test-owned directory) to run the peer scripts in; returns it. */
    public static Path dir(Path work) throws IOException {
        Path installed = Path.of(System.getenv().getOrDefault("SPORE_TEST_CACHE", "/var/cache/spore-tests"), "npm-peers", "current", "node_modules");
        require(Files.isDirectory(installed.resolve("@libp2p/kad-dht")) && Files.isDirectory(installed.resolve("@libp2p/mdns")),
                installed + " lacks js-libp2p: run tests/setup/10-npm-peers.sh");
        require(onPath("node"), "node is not installed: run tests/setup/10-npm-peers.sh");
        Path scripts = scriptsDir();
        Files.createSymbolicLink(work.resolve("node_modules"), installed.toRealPath());
        try (var files = Files.list(scripts)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".mjs")).toList()) {
                Files.copy(f, work.resolve(f.getFileName()));
            }
        }
        return work;
    }

    private static Path scriptsDir() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path s = d.resolve("tests/interop/js");
            if (Files.isRegularFile(s.resolve("with-resolvers.mjs"))) return s;
        }
        throw new AssertionError("tests/interop/js not found above " + Path.of("").toAbsolutePath());
    }

    /** {@code node --import ./with-resolvers.mjs SCRIPT ARGS...} */
    public static List<String> command(String script, String... args) {
        List<String> c = new ArrayList<>(List.of("node", "--import", "./with-resolvers.mjs", script));
        c.addAll(List.of(args));
        return c;
    }

    public static void require(boolean ok, String message) {
        if (ok) return;
        if ("true".equals(System.getenv("CI"))) throw new AssertionError(message);
        Assumptions.assumeTrue(false, message);
    }

    public static boolean onPath(String program) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, program))) return true;
        }
        return false;
    }

    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
