package io.spore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spore.p2p.multiformats.Cid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Pins, gc and the cache limit on a real daemon (child JVM) and its block store. */
class PinsCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private Daemons daemons;
    private Path base;

    @BeforeEach
    void setUp() throws Exception {
        daemons = new Daemons("spp");
        base = daemons.base();
    }

    @AfterEach
    void tearDown() {
        if (daemons != null) daemons.close();
    }

    private DaemonProcess daemon(String name, String yaml) throws Exception {
        return daemons.start(name, List.of(), yaml);
    }

    static long blocks(DaemonProcess d) throws Exception {
        try (var s = Files.walk(d.dataDir.resolve("blocks"))) {
            return s.filter(p -> Files.isRegularFile(p) && !p.toString().contains("/.tmp/")).count();
        }
    }

    static boolean verifies(DaemonProcess d, String key) {
        return Cli.run("--data-dir", d.dataDir.toString(), "verify", key).code() == 0;
    }

    @Test
    void gcRemovesWhatNoPinReaches() throws Exception {
        DaemonProcess a = daemon("a", null);
        String keep = NamesCommandsTest.ok(a, "share", DaemonProofTest.tree(base.resolve("keep"), 2).toString());
        String drop = NamesCommandsTest.ok(a, "share", DaemonProofTest.tree(base.resolve("drop"), 3).toString());
        List<String> pins = NamesCommandsTest.ok(a, "pin", "ls").lines().map(String::strip).sorted().toList();
        assertEquals(List.of(keep, drop).stream().sorted().toList(), pins, "shared images are pinned");

        NamesCommandsTest.ok(a, "pin", "rm", drop); // mounted images: NamedMountGcTest, with a real mount
        long before = blocks(a);
        JsonNode gc = JSON.readTree(NamesCommandsTest.ok(a, "--json", "gc"));
        long after = blocks(a);
        System.out.printf("gc: %d blocks before, removed %d blocks (%d bytes), kept %d, %.3f s%n", before,
                gc.path("removedBlocks").asLong(), gc.path("removedBytes").asLong(), gc.path("keptBlocks").asLong(), gc.path("seconds").asDouble());
        assertTrue(gc.path("removedBlocks").asLong() > 3, gc.toString());
        assertEquals(before - gc.path("removedBlocks").asLong(), after);
        assertEquals(after, gc.path("keptBlocks").asLong());
        assertTrue(verifies(a, keep), "the pinned image is whole");
        assertFalse(verifies(a, drop), "the unpinned image is gone");
        assertEquals(0, JSON.readTree(NamesCommandsTest.ok(a, "--json", "gc")).path("removedBlocks").asLong(), "a second gc finds nothing");

        NamesCommandsTest.ok(a, "pin", "add", keep);
        Cli.assertOneLineError(NamesCommandsTest.on(a, "pin", "add", drop), "is not in this daemon's store");
        Cli.assertOneLineError(NamesCommandsTest.on(a, "pin", "rm", drop), "is not pinned");
        Cli.assertOneLineError(NamesCommandsTest.on(a, "pin", "add", "bogus"), "is not a valid key");
        Cli.assertOneLineError(NamesCommandsTest.on(a, "pin", "rm", Cid.raw("x".getBytes()).toString()), "names a raw block");
    }

    @Test
    void cacheLimitEvictsUnpinnedBlocksOldestFirst() throws Exception {
        DaemonProcess a = daemon("a", "cache-max-bytes: 5M\n");
        String old = NamesCommandsTest.ok(a, "share", DaemonProofTest.tree(base.resolve("old"), 2).toString());
        String newer = NamesCommandsTest.ok(a, "share", DaemonProofTest.tree(base.resolve("new"), 1).toString());
        NamesCommandsTest.ok(a, "pin", "rm", old);
        NamesCommandsTest.ok(a, "pin", "rm", newer);
        String pinned = NamesCommandsTest.ok(a, "share", DaemonProofTest.tree(base.resolve("pinned"), 3).toString());
        // trees of different sizes differ in content (the size seeds their bytes): 2 + 1 + 3 MiB of blocks.
        // After the share the daemon evicts down to 5 MiB: the oldest unpinned image first
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (verifies(a, old)) {
            if (System.nanoTime() > deadline) fail("the oldest unpinned image was not evicted: " + a.logText());
            Thread.sleep(200);
        }
        assertTrue(verifies(a, pinned), "pinned blocks are never evicted");
        assertTrue(verifies(a, newer), "the newer unpinned image still fits under the limit");
        Cli.Result bad = Cli.run("--socket", base.resolve("x.sock").toString(), "daemon", "--config", writeConfig("cache-max-bytes: lots\n").toString());
        Cli.assertOneLineError(bad, "cache-max-bytes 'lots' is not a size");
    }

    private Path writeConfig(String yaml) throws Exception {
        Path p = base.resolve("bad.yaml");
        Files.writeString(p, yaml);
        return p;
    }
}
