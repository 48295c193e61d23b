package io.spore.cli;

import io.spore.p2p.multiformats.Cid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** share, export, verify, inspect, demo through the real CLI, and every bad input the issue names. */
class ImageCommandsTest {
    private Path tmp, data;

    @BeforeEach void setUp() throws Exception {
        tmp = Files.createTempDirectory("cli-image");
        data = tmp.resolve("data");
    }

    @AfterEach void cleanUp() { Cli.delete(tmp); }

    private Cli.Result cli(String... args) {
        return Cli.run(data, args);
    }


    private String share(Path dir, String... more) {
        String[] args = Stream.concat(Stream.of("share", dir.toString()), Stream.of(more)).toArray(String[]::new);
        Cli.Result r = cli(args);
        assertEquals(0, r.code(), r.err());
        String key = r.out().strip();
        assertTrue(key.startsWith("bafy"), key);
        assertTrue(r.err().startsWith("container: shared "), r.err());
        return key;
    }

    @Test void shareExportVerifyInspect() throws Exception {
        Path t = tmp.resolve("t");
        Cli.smallTree(t, 30, 5000);
        String key = share(t, "--threads", "2");
        assertEquals(key, share(t, "--threads", "1"), "the key does not depend on the thread count");

        Cli.Result v = cli("verify", key);
        assertEquals(0, v.code(), v.err());
        assertTrue(v.err().contains("all ") && v.err().contains("present and intact"), v.err());

        Cli.Result i = cli("inspect", key);
        assertEquals(0, i.code(), i.err());
        assertTrue(i.out().contains("content:    150000 bytes"), i.out());
        assertTrue(i.out().contains(" sub"), i.out());
        Cli.Result ij = cli("inspect", key, "sub", "--json");
        assertEquals(0, ij.code(), ij.err());
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(ij.out());
        assertEquals(key, json.get("key").asText());
        assertEquals(150000, json.get("contentBytes").asLong());
        assertEquals(16, json.get("listing").size(), "sub and its 15 files");
        Cli.assertOneLineError(cli("inspect", key, "no/such/path"), "is not in image");

        Path out = tmp.resolve("out");
        Cli.Result e = cli("export", key, out.toString());
        assertEquals(0, e.code(), e.err());
        org.junit.jupiter.api.Assertions.assertArrayEquals(Files.readAllBytes(t.resolve("sub/f1")), Files.readAllBytes(out.resolve("sub/f1")));
        assertEquals(Path.of("sub"), Files.readSymbolicLink(out.resolve("link")));

        Cli.assertOneLineError(cli("export", key, out.toString()), "is not empty: give a new or empty directory to export into");
    }

    @Test void verifyListsMissingAndCorruptBlocks() throws Exception {
        Path t = tmp.resolve("t");
        Cli.smallTree(t, 40, 50_000); // incompressible: several chunk blocks
        String key = share(t);
        List<Path> raw;
        try (Stream<Path> s = Files.walk(data)) {
            raw = s.filter(p -> p.getFileName().toString().startsWith("bafk")).sorted().toList();
        }
        assertTrue(raw.size() >= 2, "chunk blocks: " + raw);
        Files.write(raw.get(0), new byte[] {1, 2, 3}, StandardOpenOption.TRUNCATE_EXISTING);
        Files.delete(raw.get(1));
        Cli.Result v = cli("verify", key);
        assertEquals(1, v.code(), v.err());
        assertTrue(v.out().contains("corrupt " + raw.get(0).getFileName()), v.out());
        assertTrue(v.out().contains("missing " + raw.get(1).getFileName()), v.out());
        assertTrue(v.err().contains("1 missing, 1 corrupt block"), v.err());
    }

    @Test void theDataDirectoryInsideTheTreeIsLeftOut() throws Exception {
        Path t = tmp.resolve("t");
        Cli.smallTree(t, 4, 1000);
        Path inner = t.resolve("var/lib/spore");
        String k1 = Cli.run("--data-dir", inner.toString(), "share", t.toString()).out().strip();
        String k2 = Cli.run("--data-dir", inner.toString(), "share", t.toString()).out().strip();
        assertTrue(k1.startsWith("bafy"), k1);
        assertEquals(k1, k2, "the blocks written by the first share are not part of the second");
        Cli.Result i = Cli.run("--data-dir", inner.toString(), "inspect", k1, "var/lib", "--json");
        assertEquals(0, i.code(), i.err());
        assertEquals(1, new com.fasterxml.jackson.databind.ObjectMapper().readTree(i.out()).get("listing").size(),
                "var/lib is there, its spore directory is not: " + i.out());
    }

    @Test void missingDirectory() {
        Cli.assertOneLineError(cli("share", tmp.resolve("nope").toString()),
                tmp.resolve("nope") + " does not exist: give the root directory of the tree to share");
    }

    @Test void notADirectory() throws Exception {
        Path f = Files.writeString(tmp.resolve("file"), "x");
        Cli.assertOneLineError(cli("share", f.toString()), f + " is not a directory: give the root directory of the tree to share");
    }

    @Test void malformedKey() throws Exception {
        for (String bad : List.of("hello", "bafy", "bafyreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyk!")) {
            Cli.assertOneLineError(cli("export", bad, tmp.resolve("x").toString()), "is not a valid key");
            Cli.assertOneLineError(cli("verify", bad), "is not a valid key");
            Cli.assertOneLineError(cli("inspect", bad), "is not a valid key");
        }
    }

    @Test void wellFormedKeyNotInTheStore() throws Exception {
        Path t = tmp.resolve("t");
        Cli.smallTree(t, 2, 100);
        share(t); // the store exists, the key is not in it
        String absent = Cid.of(Cid.DAG_CBOR, "not an image".getBytes()).toString();
        Cli.assertOneLineError(cli("export", absent, tmp.resolve("x").toString()), "is not in the local store");
        Cli.assertOneLineError(cli("verify", absent), "is not in the local store");
        Cli.assertOneLineError(cli("inspect", absent), "is not in the local store");
        assertFalse(Files.exists(tmp.resolve("x").resolve("f0")));
    }

    @Test void aFileChangingWhileReadIsNamed() throws Exception {
        Path t = tmp.resolve("t");
        Files.createDirectories(t);
        Path log = t.resolve("busy.log");
        Files.write(log, new byte[64 << 20]);
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = Thread.ofPlatform().start(() -> {
            byte[] line = "another log line\n".repeat(100).getBytes();
            try (var ch = Files.newOutputStream(log, StandardOpenOption.APPEND)) {
                while (!stop.get()) { ch.write(line); ch.flush(); }
            } catch (Exception ignored) {
                // the test's clean-up removes the file
            }
        });
        try {
            Cli.assertOneLineError(cli("share", t.toString()), "busy.log changed while it was read");
        } finally {
            stop.set(true);
            writer.join();
        }
    }

    @Test void aFileThatCannotBeRead() throws Exception {
        Cli.require(Cli.isRoot() && Cli.onPath("setpriv"), "needs root and setpriv (util-linux) to drop CAP_DAC_OVERRIDE");
        Path t = tmp.resolve("t");
        Cli.smallTree(t, 3, 100);
        Path secret = Files.writeString(t.resolve("secret"), "shadow");
        Files.setPosixFilePermissions(secret, java.util.Set.of());
        // root without CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH: the kernel's permission check applies again
        List<String> noDac = List.of("setpriv", "--inh-caps=-dac_override,-dac_read_search",
                "--bounding-set=-dac_override,-dac_read_search");
        Cli.Result r = Cli.runProcess(Cli.javaCommand(noDac, "--data-dir", data.toString(), "share", t.toString()));
        Cli.assertOneLineError(r, secret + ": open: Permission denied");
    }

    @Test void demoRefusesARootfsThatIsNotThere() {
        Cli.require(Cli.isRoot(), "the demo needs root");
        Cli.Result r = Cli.run("demo", "--rootfs", "/nonexistent-rootfs");
        Cli.assertOneLineError(r, "/nonexistent-rootfs is not a directory: give a root file system with /sbin/init and sshd");
    }
}
