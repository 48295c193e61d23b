package io.spore.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A full disk and a killed import leave the store intact, usable, and reusable. */
class StoreFailureTest {
    private Path tmp, mount;

    @BeforeEach void setUp() throws Exception { tmp = Files.createTempDirectory("cli-store"); }

    @AfterEach void cleanUp() throws Exception {
        if (mount != null) {
            try {
                Cli.exec("umount", mount.toString());
            } catch (Exception e) {
                Cli.exec("umount", "-l", mount.toString());
            }
        }
        Cli.delete(tmp);
    }

    /** Regular files under {@code dir}, tolerating files that a running import renames meanwhile. */
    private static long files(Path dir) {
        long n = 0;
        try (var ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) n += files(p);
                else n++;
            }
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            // vanished or not made yet
        }
        return n;
    }

    @Test void noSpaceLeft() throws Exception {
        Cli.require(Cli.isRoot(), "mounting a small tmpfs needs root");
        mount = tmp.resolve("full-" + UUID.randomUUID().toString().substring(0, 8));
        Files.createDirectories(mount);
        Cli.exec("mount", "-t", "tmpfs", "-o", "size=12m", "spore-test-enospc", mount.toString());
        String data = mount.resolve("data").toString();

        Path small = tmp.resolve("small");
        Cli.smallTree(small, 10, 1000);
        Cli.Result first = Cli.run("--data-dir", data, "share", small.toString());
        assertEquals(0, first.code(), first.err());
        String key = first.out().strip();

        Path big = tmp.resolve("big");
        Cli.smallTree(big, 60, 500_000); // 30 MB that does not compress
        Cli.Result full = Cli.run("--data-dir", data, "share", big.toString());
        assertEquals(1, full.code(), full.err());
        assertEquals(1, full.errLines().size(), full.err());
        assertTrue(full.err().startsWith("container: error: ") && full.err().toLowerCase().contains("no space left"), full.err());

        // Intact and usable: the earlier image verifies and exports; no partial block was left behind.
        Cli.Result v = Cli.run("--data-dir", data, "verify", key);
        assertEquals(0, v.code(), v.err());
        Path out = tmp.resolve("out");
        Cli.Result e = Cli.run("--data-dir", data, "export", key, out.toString());
        assertEquals(0, e.code(), e.err());
        assertEquals(Files.readString(small.resolve("sub/f1"), java.nio.charset.StandardCharsets.ISO_8859_1),
                Files.readString(out.resolve("sub/f1"), java.nio.charset.StandardCharsets.ISO_8859_1));
        assertEquals(0, files(mount.resolve("data/blocks/.tmp")), "no temporary block files left");
        Cli.Result again = Cli.run("--data-dir", data, "share", small.toString());
        assertEquals(0, again.code(), again.err());
        assertEquals(key, again.out().strip());
    }

    @Test void importKilledHalfWayIsReusedNextTime() throws Exception {
        Path rootfs = Cli.rootfs("minbase");
        Path data = tmp.resolve("data");
        Process p = new ProcessBuilder(Cli.javaCommand(List.of(), "--data-dir", data.toString(), "share",
                rootfs.toString(), "--threads", "1")).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("child.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (files(data.resolve("blocks")) < 150 && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(20);
            assertTrue(p.isAlive(), "the import ended before it could be killed: " + Files.readString(tmp.resolve("child.log")));
        } finally {
            p.destroyForcibly(); // SIGKILL: no shutdown hooks, no clean-up
            p.waitFor();
        }
        assertNotEquals(0, p.exitValue());
        long before = files(data.resolve("blocks"));
        Cli.Result r = Cli.run("--data-dir", data.toString(), "--json", "share", rootfs.toString());
        assertEquals(0, r.code(), r.err());
        var json = new ObjectMapper().readTree(r.out());
        long chunks = json.get("chunks").asLong(), fresh = json.get("newBlocks").asLong();
        System.out.printf("killed after %d block files; re-import: %d chunks, %d new blocks%n", before, chunks, fresh);
        assertTrue(fresh < chunks, "the re-import reused the blocks of the killed one: " + r.out());
        Cli.Result v = Cli.run("--data-dir", data.toString(), "verify", json.get("key").asText());
        assertEquals(0, v.code(), v.err());
    }
}
