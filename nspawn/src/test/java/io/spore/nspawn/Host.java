package io.spore.nspawn;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/** Test helpers for the real host: preconditions (skip outside CI, fail under CI=true) and commands. */
final class Host {
    private Host() {}

    static final Path CACHE = Path.of(System.getenv().getOrDefault("SPORE_TEST_CACHE", "/var/cache/spore-tests"));
    static final Path SSH_ROOTFS = CACHE.resolve("rootfs/ssh");

    static void require(boolean ok, String what) {
        if (ok) return;
        if ("true".equals(System.getenv("CI"))) fail(what + " (CI=true: a broken setup must not pass)");
        Assumptions.assumeTrue(false, what);
    }

    static void requireRootAndNspawn() {
        require("root".equals(System.getProperty("user.name")), "needs root");
        require(onPath("systemd-nspawn") && onPath("nft") && onPath("ip") && onPath("ssh"),
                "needs systemd-nspawn, nft, ip and ssh: run tests/setup/00-packages.sh");
        require(Files.isDirectory(SSH_ROOTFS.resolve("etc")), "needs the fixture " + SSH_ROOTFS + ": run tests/setup/20-rootfs.sh");
    }

    static boolean onPath(String cmd) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(d, cmd))) return true;
        }
        for (String d : List.of("/usr/sbin", "/sbin", "/usr/bin")) {
            if (Files.isExecutable(Path.of(d, cmd))) return true;
        }
        return false;
    }

    record Out(int exit, String out) {}

    static Out sh(String... argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Out(-1, out);
            }
            return new Out(p.exitValue(), out);
        } catch (IOException e) {
            return new Out(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Out(-1, e.toString());
        }
    }

    static boolean linkExists(String name) {
        return sh("ip", "link", "show", "dev", name).exit() == 0;
    }

    static String suffix() {
        return String.format("%06x", java.util.concurrent.ThreadLocalRandom.current().nextInt(1 << 24));
    }
}
