package io.spore.tests;

import io.spore.image.posix.TreeSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** share, export, verify and demo through ./container, as a user runs them (no terminal). */
class ImageLauncherTest {
    @Test
    void shareExportVerifyRoundTrip(@TempDir Path tmp) throws Exception {
        Path tree = tmp.resolve("tree"), data = tmp.resolve("data"), out = tmp.resolve("out");
        Files.createDirectories(tree.resolve("etc/deep/er"));
        Files.writeString(tree.resolve("etc/hostname"), "spore\n");
        Files.write(tree.resolve("etc/deep/er/blob"), new byte[300_000]);
        Files.writeString(tree.resolve("name with space\nand newline"), "x");
        Files.createSymbolicLink(tree.resolve("link"), Path.of("etc/hostname"));
        Files.createLink(tree.resolve("etc/hostname.hard"), tree.resolve("etc/hostname"));
        Files.setLastModifiedTime(tree.resolve("etc/hostname"), FileTime.from(Instant.ofEpochSecond(1_600_000_000, 123_456_789)));

        Launcher.Result s = Launcher.run("--data-dir", data.toString(), "share", tree.toString());
        assertEquals(0, s.exitCode(), s.err());
        String key = s.out().strip();
        assertTrue(key.startsWith("bafy"), s.out());
        assertEquals(1, s.errLines().size(), "a one-line summary: " + s.err());

        Launcher.Result e = Launcher.run("--data-dir", data.toString(), "export", key, out.toString());
        assertEquals(0, e.exitCode(), e.err());
        TreeSnapshot a = TreeSnapshot.of(tree.toString().getBytes(StandardCharsets.UTF_8));
        TreeSnapshot b = TreeSnapshot.of(out.toString().getBytes(StandardCharsets.UTF_8));
        List<String> diff = a.diff(b, 10);
        assertTrue(diff.isEmpty(), String.join("\n", diff));

        Launcher.Result v = Launcher.run("--data-dir", data.toString(), "verify", key);
        assertEquals(0, v.exitCode(), v.err());
        Launcher.Result bad = Launcher.run("--data-dir", data.toString(), "verify", "bafy-not-a-key");
        assertEquals(1, bad.exitCode());
        assertEquals(1, bad.errLines().size(), bad.err());
    }

    /** The README's first command, as a user on a fresh machine runs it: the built-in image, no terminal. */
    @Test
    void demoBootsItsImageLazilyWithoutATerminal() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root && System.getenv("CI") != null) org.junit.jupiter.api.Assertions.fail("the demo needs root (CI=true: a broken setup must not pass)");
        org.junit.jupiter.api.Assumptions.assumeTrue(root, "the demo needs root");
        Launcher.Result r = Launcher.run("demo");
        assertEquals(0, r.exitCode(), r.err() + r.out());
        assertTrue(r.out().contains("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\""), r.out());
        assertTrue(r.out().contains("before SSH was ready") && r.out().contains("6. cleaned up"), r.out());
        System.out.println(r.out());
        var work = java.util.regex.Pattern.compile("(/tmp/spore-demo-\\S+) removed").matcher(r.out());
        assertTrue(work.find(), r.out());
        assertTrue(!Files.exists(Path.of(work.group(1))), "the demo removed " + work.group(1));
    }
}
