package io.spore.fuse;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/** What the FUSE tests need from the machine, and a shell to look at mounts with real tools. */
final class Env {
    private Env() {}

    /** Root and /dev/fuse: skip outside CI, fail under CI=true. */
    static void requireFuse() {
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean fuse = Files.exists(Path.of("/dev/fuse")) && Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libfuse.so.2"))
                || Files.exists(Path.of("/usr/lib/aarch64-linux-gnu/libfuse.so.2"));
        String why = !root ? "FUSE tests need root" : !fuse ? "FUSE tests need /dev/fuse and libfuse2 (tests/setup/00-packages.sh)" : null;
        if (why == null) return;
        if ("true".equals(System.getenv("CI"))) fail(why);
        Assumptions.assumeTrue(false, why);
    }

    record Result(int code, String out, String err) {}

    static Result run(String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-c", script).start();
        var out = p.getInputStream().readAllBytes();
        var err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("timed out: " + script);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.ISO_8859_1), new String(err, StandardCharsets.UTF_8));
    }

    /** Runs bash, expects success, returns stdout (bytes as ISO-8859-1 chars). */
    static String sh(String script) throws IOException, InterruptedException {
        Result r = run(script);
        if (r.code != 0) fail("`" + script + "` exited " + r.code + ": " + r.err);
        return r.out;
    }
}
