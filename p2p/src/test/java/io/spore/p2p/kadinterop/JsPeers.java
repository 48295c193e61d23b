package io.spore.p2p.kadinterop;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where tests/setup/10-npm-peers.sh put js-libp2p ({@code $SPORE_TEST_CACHE/npm-peers/current}).
 * Missing fixtures skip the test outside CI and fail it under {@code CI=true}.
 */
public final class JsPeers {
    private JsPeers() {}

    public static Path dir(String script) {
        Path dir = Path.of(System.getenv().getOrDefault("SPORE_TEST_CACHE", "/var/cache/spore-tests"), "npm-peers", "current");
        require(Files.isRegularFile(dir.resolve(script)) && Files.isDirectory(dir.resolve("node_modules/@libp2p/kad-dht")),
                dir.resolve(script) + " is missing: run tests/setup/10-npm-peers.sh");
        require(onPath("node"), "node is not installed: run tests/setup/10-npm-peers.sh");
        return dir;
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
