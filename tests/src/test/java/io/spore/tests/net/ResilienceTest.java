package io.spore.tests.net;

import com.fasterxml.jackson.databind.JsonNode;
import io.spore.tests.Launcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Faults between daemons in separate network namespaces (links shaped with tbf, or emulated by a
 * {@link Wire}), each test asserting what must still hold. Needs root, ip and /dev/net/tun.
 * Tagged out of CI: 40-70 s each on the shared 2-core box; tests/bench/run runs them (or
 * {@code mvn -pl tests -am verify -Dtest=ResilienceTest -Dspore.excludedGroups=none}).
 */
@Tag("resilience")
class ResilienceTest {
    private static final int MIB = 48;
    private Testbed bed;

    @BeforeEach
    void setUp() throws Exception {
        boolean ok = Testbed.available();
        if (!ok && System.getenv("CI") != null && !System.getenv("CI").isEmpty())
            fail("the resilience tests need root, /usr/sbin/ip and /dev/net/tun");
        Assumptions.assumeTrue(ok, "needs root, ip and /dev/net/tun");
        bed = Testbed.create();
    }

    @AfterEach
    void tearDown() {
        if (bed != null) bed.close();
    }

    private String shareTree(SporeDaemon seeder) throws Exception {
        return seeder.share(Trees.random(bed.dir().resolve("src"), MIB, 7));
    }

    private static CompletableFuture<JsonNode> pullAsync(SporeDaemon d, String key) {
        return CompletableFuture.supplyAsync(() -> d.pull(key), Thread::startVirtualThread);
    }

    private static void awaitFetched(SporeDaemon d, long bytes) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (d.status().path("bytesFetched").asLong() < bytes) {
            if (System.nanoTime() > deadline) fail(d + " fetched too little in 60 s: " + d.status());
            Thread.sleep(50);
        }
    }

    private static void assertVerifies(SporeDaemon d, String key) throws Exception {
        assertEquals(List.of(), Trees.corruptBlocks(d.dataDir), "every stored block hashes to its CID");
        Launcher.Result v = Launcher.run("--data-dir", d.dataDir.toString(), "verify", key);
        assertEquals(0, v.exitCode(), "container verify on " + d + ": " + v.err());
    }

    @Test
    void seederDiesMidPullAndTheOtherProviderFinishesIt() throws Exception {
        SporeDaemon a = bed.node(new Testbed.Link.Plain()).daemon("a", List.of(), null);
        String key = shareTree(a);
        SporeDaemon c = bed.node(new Testbed.Link.Plain()).daemon("c", List.of(a.address()), null);
        c.pull(key);
        SporeDaemon b = bed.node(new Testbed.Link.Shaped(40)).daemon("b", List.of(a.address(), c.address()), null);
        CompletableFuture<JsonNode> pull = pullAsync(b, key);
        awaitFetched(b, 8L << 20);
        long servedByC = c.status().path("bytesServed").asLong();
        a.kill();
        JsonNode done = pull.get(120, TimeUnit.SECONDS);
        assertEquals(done.path("totalBlocks").asLong(), done.path("blocks").asLong(), done.toString());
        assertTrue(c.status().path("bytesServed").asLong() > servedByC, "C served the rest after A died: " + c.status());
        assertVerifies(b, key);
    }

    @Test
    void aPartitionHealsAndFetchingResumesByItself() throws Exception {
        SporeDaemon a = bed.node(new Testbed.Link.Plain()).daemon("a", List.of(), null);
        String key = shareTree(a);
        Node hostNode = bed.node(new Testbed.Link.Emulated(2, 40));
        SporeDaemon b = hostNode.daemon("b", List.of(a.address()), null);
        CompletableFuture<JsonNode> pull = pullAsync(b, key);
        awaitFetched(b, 8L << 20);
        hostNode.partition();
        Thread.sleep(2000); // what was in flight lands or is lost
        long during = b.status().path("bytesFetched").asLong();
        Thread.sleep(12_000); // beyond the 10 s want timeout, inside the 30 s no-provider deadline
        assertEquals(during, b.status().path("bytesFetched").asLong(), "nothing crosses the partition");
        assertFalse(pull.isDone(), "the pull waits through the partition: " + (pull.isDone() ? pull.join() : ""));
        hostNode.heal();
        long healed = System.nanoTime();
        while (b.status().path("bytesFetched").asLong() == during && !pull.isDone()) Thread.sleep(20);
        System.out.printf("partition: first new bytes %.2f s after the heal%n", (System.nanoTime() - healed) / 1e9);
        JsonNode done = pull.get(120, TimeUnit.SECONDS);
        System.out.printf("partition: pull done %.2f s after the heal%n", (System.nanoTime() - healed) / 1e9);
        assertEquals(done.path("totalBlocks").asLong(), done.path("blocks").asLong(), done.toString());
        assertTrue(hostNode.framesDropped() > 0, "the partition dropped frames");
        assertVerifies(b, key);
    }

    @Test
    void aDaemonKilledMidPullRestartsWithAConsistentStoreAndFinishes() throws Exception {
        SporeDaemon a = bed.node(new Testbed.Link.Plain()).daemon("a", List.of(), null);
        String key = shareTree(a);
        SporeDaemon b = bed.node(new Testbed.Link.Shaped(40)).daemon("b", List.of(a.address()), null);
        CompletableFuture<JsonNode> first = pullAsync(b, key);
        awaitFetched(b, 16L << 20);
        b.kill();
        ExecutionException gone = assertThrows(ExecutionException.class, () -> first.get(60, TimeUnit.SECONDS));
        assertEquals(1, gone.getCause().getMessage().lines().count(), "one line: " + gone.getCause().getMessage());
        assertEquals(List.of(), Trees.corruptBlocks(b.dataDir), "SIGKILL left no torn block behind");

        b.restart(List.of(a.address()));
        JsonNode done = b.pull(key);
        assertTrue(done.path("fetchedBytes").asLong() < done.path("totalBytes").asLong() - (8L << 20),
                "the restarted pull fetched only what was missing: " + done);
        assertVerifies(b, key);
    }

    @Test
    void aFullDiskFailsThePullCleanlyAndItResumesWhenSpaceReturns() throws Exception {
        SporeDaemon a = bed.node(new Testbed.Link.Plain()).daemon("a", List.of(), null);
        String key = shareTree(a);
        Path disk = bed.tmpfs("b-data", "24m");
        SporeDaemon b = bed.node(new Testbed.Link.Plain()).daemon("b", List.of(a.address()), null);
        assertEquals(disk, b.dataDir);
        CompletableFuture<JsonNode> pull = pullAsync(b, key);
        ExecutionException full = assertThrows(ExecutionException.class, () -> pull.get(120, TimeUnit.SECONDS));
        String msg = full.getCause().getMessage();
        System.out.println("disk full: " + msg);
        assertEquals(1, msg.lines().count(), "one line: " + msg);
        assertTrue(msg.toLowerCase(java.util.Locale.ROOT).contains("space"), "names the problem: " + msg);
        assertTrue(b.isAlive(), "the daemon survives a full disk");
        assertEquals(List.of(), Trees.corruptBlocks(b.dataDir), "nothing corrupt on the full disk");

        bed.resize(disk, "128m");
        JsonNode done = b.pull(key);
        assertEquals(done.path("totalBlocks").asLong(), done.path("blocks").asLong(), done.toString());
        assertVerifies(b, key);
    }

    @Test
    void lyingPeersAreDroppedOrOvertakenAndOnlyTrueBytesArriveFromTheHonestSeeder() throws Exception {
        SporeDaemon a = bed.node(new Testbed.Link.Shaped(40)).daemon("a", List.of(), null);
        Path src = Trees.random(bed.dir().resolve("src"), MIB, 7);
        String key = a.share(src);
        // The forger and the dripper hold a true copy of every block (so they answer "have" to
        // everything), the boaster claims every block and holds none; all sit on unshaped links,
        // so the host asks them first and most.
        Path copy = bed.dir().resolve("liar-blocks");
        Files.createDirectories(copy);
        Sh.run("cp", "-a", a.dataDir.resolve("blocks").toString(), copy.toString());
        String forger = bed.node(new Testbed.Link.Plain()).liar("wrong-blocks", copy);
        String dripper = bed.node(new Testbed.Link.Plain()).liar("slow-drip", copy);
        String boaster = bed.node(new Testbed.Link.Plain()).liar("false-haves", Files.createDirectories(bed.dir().resolve("boaster-empty")));
        SporeDaemon b = bed.node(new Testbed.Link.Plain()).daemon("b", List.of(forger, dripper, boaster, a.address()), null);

        Path mnt = b.mount(key, true);
        for (String f : List.of("etc/small3.conf", "usr/lib/big5.so", "usr/lib/big40.so")) {
            assertArrayEquals(Files.readAllBytes(src.resolve(f)), Files.readAllBytes(mnt.resolve(f)), f + " read through the mount");
        }
        JsonNode done = b.pull(key);
        assertEquals(done.path("totalBlocks").asLong(), done.path("blocks").asLong(), done.toString());
        assertTrue(b.status().path("peersDropped").asLong() >= 1, "the forger was dropped: " + b.status());
        String forgerId = forger.substring(forger.lastIndexOf('/') + 1);
        assertTrue(b.logText().contains("dropping peer " + forgerId), "the log names the forger " + forgerId + ":\n" + b.logText());
        assertVerifies(b, key);
        try (var files = Files.walk(src)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(mnt.resolve(src.relativize(f).toString())), f + " through the mount");
            }
        }
    }

    @Test
    void withEveryProviderGoneUncachedReadsFailAfterTheDeadlineCachedOnesWorkAndAReturningProviderServesAgain() throws Exception {
        SporeDaemon a = bed.node(new Testbed.Link.Plain()).daemon("a", List.of(), null);
        Path src = Trees.random(bed.dir().resolve("src"), MIB, 7);
        String key = a.share(src);
        long deadlineMs = 5000;
        SporeDaemon b = bed.node(new Testbed.Link.Plain()).daemon("b", List.of(a.address()),
                "fetch:\n  no-provider-deadline-ms: " + deadlineMs + "\n");
        Path mnt = b.mount(key, false);
        Path cached = Path.of("usr/lib/big0.so"), uncached = Path.of("usr/lib/big30.so");
        assertArrayEquals(Files.readAllBytes(src.resolve(cached)), Files.readAllBytes(mnt.resolve(cached)));

        a.kill();
        long t0 = System.nanoTime();
        IOException eio = assertThrows(IOException.class, () -> Files.readAllBytes(mnt.resolve(uncached)));
        double waited = (System.nanoTime() - t0) / 1e9;
        System.out.printf("all providers gone: the uncached read failed after %.1f s (deadline %.1f s): %s%n", waited, deadlineMs / 1e3, eio);
        assertTrue(eio.getMessage().contains("Input/output error"), "EIO: " + eio);
        assertTrue(waited < deadlineMs / 1e3 + 30, "the read failed in bounded time, not hung: " + waited + " s");
        assertArrayEquals(Files.readAllBytes(src.resolve(cached)), Files.readAllBytes(mnt.resolve(cached)),
                "what is cached keeps reading with every provider gone");

        a.restart(List.of()); // same data dir, identity and address: b knows it from --bootstrap
        long back = System.nanoTime();
        byte[] got = null;
        while (got == null) {
            try {
                got = Files.readAllBytes(mnt.resolve(uncached));
            } catch (IOException stillGone) {
                if (System.nanoTime() - back > TimeUnit.SECONDS.toNanos(90)) throw new AssertionError("no read succeeded 90 s after the provider returned", stillGone);
                Thread.sleep(500);
            }
        }
        System.out.printf("all providers gone: the read worked again %.1f s after the provider returned, same mount%n", (System.nanoTime() - back) / 1e9);
        assertArrayEquals(Files.readAllBytes(src.resolve(uncached)), got);
    }

    private CompletableFuture<JsonNode> bootAsync(Boots boots, SporeDaemon d, String key, String name) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return boots.boot(d, key, name, true);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, Thread::startVirtualThread);
    }

    private static String shareSshRootfs(SporeDaemon seeder) {
        Assumptions.assumeTrue(Files.isDirectory(Boots.SSH_ROOTFS), "needs the Debian systemd + openssh rootfs of tests/setup/20-rootfs.sh");
        return seeder.share(Boots.SSH_ROOTFS);
    }

    @Test
    void seederDiesMidBootAndTheBootCompletesFromTheOtherProvider() throws Exception {
        SporeDaemon a = bed.node(new Testbed.Link.Plain()).daemon("a", List.of(), null);
        String key = shareSshRootfs(a);
        SporeDaemon c = bed.node(new Testbed.Link.Plain()).daemon("c", List.of(a.address()), null);
        c.pull(key);
        // a slow link, so the boot is still fetching when the seeder dies
        SporeDaemon b = bed.node(new Testbed.Link.Emulated(40, 20)).daemon("b", List.of(a.address(), c.address()), null);
        Boots boots = new Boots(bed);
        String name = "rs" + bed.suffix();
        CompletableFuture<JsonNode> boot = bootAsync(boots, b, key, name);
        awaitFetched(b, 2L << 20);
        long servedByC = c.status().path("bytesServed").asLong();
        a.kill();
        long killed = System.nanoTime();
        JsonNode ready = boot.get(300, TimeUnit.SECONDS);
        System.out.printf("seeder died mid-boot: SSH-ready %.1f s later, %d of %d bytes fetched%n",
                (System.nanoTime() - killed) / 1e9, b.status().path("bytesFetched").asLong(), ready.path("imageBytes").asLong());
        assertTrue(boots.ssh(b, name, "cat", "/etc/os-release").contains("bookworm"), "the booted machine answers over SSH");
        assertTrue(c.status().path("bytesServed").asLong() > servedByC, "C served the rest after A died: " + c.status());
        assertEquals(List.of(), Trees.corruptBlocks(b.dataDir));
    }

    @Test
    void aDaemonKilledMidBootLeavesNoDeadMountAConsistentStoreAndBootsAgain() throws Exception {
        SporeDaemon a = bed.node(new Testbed.Link.Plain()).daemon("a", List.of(), null);
        String key = shareSshRootfs(a);
        SporeDaemon b = bed.node(new Testbed.Link.Emulated(40, 20)).daemon("b", List.of(a.address()), null);
        Boots boots = new Boots(bed);
        String name = "rk" + bed.suffix();
        CompletableFuture<JsonNode> boot = bootAsync(boots, b, key, name);
        awaitFetched(b, 2L << 20);
        b.kill();
        long killed = System.nanoTime();
        ExecutionException failed = assertThrows(ExecutionException.class, () -> boot.get(300, TimeUnit.SECONDS));
        String msg = failed.getCause().getMessage();
        System.out.printf("daemon killed mid-boot: the boot failed %.1f s later: %s%n", (System.nanoTime() - killed) / 1e9, msg);
        assertEquals(1, msg.strip().lines().count(), "one line: " + msg);
        assertEquals(List.of(), Trees.corruptBlocks(b.dataDir), "SIGKILL left no torn block behind");

        b.restart(List.of(a.address()));
        for (String m : Testbed.mountsUnder(b.dataDir)) assertTrue(Files.isDirectory(Path.of(m)), "a dead mount was left at " + m);
        JsonNode ready = boots.boot(b, key, name, true);
        assertEquals(name, ready.path("name").asText(), ready.toString());
        assertTrue(boots.ssh(b, name, "cat", "/etc/os-release").contains("bookworm"), "the machine boots again and answers over SSH");
        assertEquals(List.of(), Trees.corruptBlocks(b.dataDir));
    }

    @Test
    void aMachineWhoseDataIsCachedKeepsRunningWithEveryProviderGone() throws Exception {
        SporeDaemon a = bed.node(new Testbed.Link.Plain()).daemon("a", List.of(), null);
        String key = shareSshRootfs(a);
        SporeDaemon b = bed.node(new Testbed.Link.Plain()).daemon("b", List.of(a.address()), null);
        b.pull(key);
        Boots boots = new Boots(bed);
        String name = "rc" + bed.suffix();
        boots.boot(b, key, name, true);
        a.kill();
        Thread.sleep(2000);
        String out = boots.ssh(b, name, "cat /etc/os-release; ls -R /usr/lib | wc -l; systemctl is-system-running || true");
        System.out.println("every provider gone, cached machine: " + out.replace('\n', ' '));
        assertTrue(out.contains("bookworm"), out);
        assertEquals(0, b.status().path("connections").asLong(), "no provider is left: " + b.status());
    }
}
