package io.spore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spore.cli.daemon.HostStarter;
import io.spore.image.posix.TreeSnapshot;
import io.spore.p2p.bitswap.Bitswap;
import io.spore.p2p.blockstore.BlockStore;
import io.spore.p2p.blockstore.FileBlockStore;
import io.spore.p2p.host.Host;
import io.spore.p2p.identity.KeyPair;
import io.spore.p2p.multiaddr.Multiaddr;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Daemons in child JVMs on loopback moving real images: share on one, pull on others, export and
 * compare with the source tree; and the faults (a seeder killed, a pulling daemon killed and restarted).
 */
class DaemonProofTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private Daemons daemons;
    private Path base;

    @BeforeEach
    void setUp() throws Exception {
        daemons = new Daemons("spd");
        base = daemons.base();
    }

    @AfterEach
    void tearDown() {
        if (daemons != null) daemons.close();
    }

    private DaemonProcess daemon(String name, List<String> bootstrap, String fetchYaml) throws Exception {
        return daemons.start(name, bootstrap, fetchYaml);
    }

    /** A tree of incompressible files (so the image has about {@code mib} MiB of blocks), some small ones, a link. */
    static Path tree(Path dir, int mib) throws Exception {
        Files.createDirectories(dir.resolve("etc"));
        Files.createDirectories(dir.resolve("usr/lib"));
        Random r = new Random(mib);
        for (int i = 0; i < mib; i++) {
            byte[] b = new byte[1 << 20];
            r.nextBytes(b);
            Files.write(dir.resolve("usr/lib/big" + i + ".so"), b);
        }
        for (int i = 0; i < 200; i++) Files.writeString(dir.resolve("etc/small" + i + ".conf"), "setting" + i + "=" + r.nextInt() + "\n");
        Files.createSymbolicLink(dir.resolve("lib"), Path.of("usr/lib"));
        return dir;
    }

    private static String share(DaemonProcess d, Path src) {
        Cli.Result r = Cli.run("--socket", d.socket.toString(), "share", src.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("through the daemon"), "share went through the running daemon: " + r.err());
        return r.out().strip();
    }

    private static JsonNode pull(DaemonProcess d, String key) throws Exception {
        Cli.Result r = Cli.run("--socket", d.socket.toString(), "--json", "pull", key);
        assertEquals(0, r.code(), r.err() + "\n" + d.logText());
        List<String> lines = r.out().lines().toList();
        return JSON.readTree(lines.get(lines.size() - 1));
    }

    private void assertExportEquals(DaemonProcess d, String key, Path src) throws Exception {
        Path out = base.resolve(d.name + "-export");
        Cli.Result r = Cli.run("--data-dir", d.dataDir.toString(), "export", key, out.toString());
        assertEquals(0, r.code(), r.err());
        List<String> diff = TreeSnapshot.of(src.toString().getBytes()).diff(TreeSnapshot.of(out.toString().getBytes()), 10);
        assertEquals(List.of(), diff, "the export on " + d.name + " equals the source tree");
    }

    /** Waits until {@code d} has fetched at least {@code bytes}. */
    private static void awaitFetched(DaemonProcess d, long bytes) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (d.status().path("bytesFetched").asLong() < bytes) {
            if (System.nanoTime() > deadline) fail(d.name + " fetched too little: " + d.status());
            Thread.sleep(20);
        }
    }

    @Test
    void shareOnAPullOnBExportEqualsTheSource() throws Exception {
        Path src = tree(base.resolve("src"), 24);
        DaemonProcess a = daemon("a", List.of(), null);
        DaemonProcess b = daemon("b", List.of(a.address()), null);
        String key = share(a, src);
        JsonNode done = pull(b, key);
        assertEquals("done", done.path("event").asText());
        assertEquals(done.path("totalBlocks").asLong(), done.path("blocks").asLong());
        assertTrue(done.path("totalBytes").asLong() > 24L << 20);
        assertExportEquals(b, key, src);
        assertTrue(a.status().path("blocksServed").asLong() > 0);
        // a second pull finds everything in place and fetches nothing
        assertEquals(0, pull(b, key).path("fetchedBytes").asLong());
    }

    @Test
    void twoPullAtOnceAndTheSecondAlsoFetchesFromTheFirst() throws Exception {
        Path src = tree(base.resolve("src"), 64);
        String slow = "fetch:\n  window-per-peer: 2\n  total-window: 4\n";
        DaemonProcess a = daemon("a", List.of(), null);
        DaemonProcess b = daemon("b", List.of(a.address()), slow);
        DaemonProcess c = daemon("c", List.of(a.address(), b.address()), slow);
        String key = share(a, src);
        CompletableFuture<JsonNode> pb = CompletableFuture.supplyAsync(() -> call(() -> pull(b, key)));
        awaitFetched(b, 16L << 20);
        CompletableFuture<JsonNode> pc = CompletableFuture.supplyAsync(() -> call(() -> pull(c, key)));
        pb.get(120, TimeUnit.SECONDS);
        JsonNode cd = pc.get(120, TimeUnit.SECONDS);
        assertExportEquals(b, key, src);
        assertExportEquals(c, key, src);
        assertTrue(b.status().path("blocksServed").asLong() > 0, "C got blocks from B: " + b.status());
        assertEquals(2, cd.path("peers").asInt(), "C's pull names both peers: " + cd);
    }

    @Test
    void aSeederKilledMidPullAndThePullFinishesFromAnother() throws Exception {
        Path src = tree(base.resolve("src"), 64);
        DaemonProcess a = daemon("a", List.of(), null);
        DaemonProcess c = daemon("c", List.of(a.address()), null);
        String key = share(a, src);
        pull(c, key);
        DaemonProcess b = daemon("b", List.of(a.address(), c.address()), "fetch:\n  window-per-peer: 1\n  total-window: 2\n");
        CompletableFuture<JsonNode> pb = CompletableFuture.supplyAsync(() -> call(() -> pull(b, key)));
        awaitFetched(b, 8L << 20);
        a.kill();
        JsonNode done = pb.get(120, TimeUnit.SECONDS);
        assertEquals("done", done.path("event").asText());
        assertExportEquals(b, key, src);
    }

    @Test
    void aPullerKilledMidPullResumesWithAConsistentStore() throws Exception {
        Path src = tree(base.resolve("src"), 64);
        DaemonProcess a = daemon("a", List.of(), null);
        String slow = "fetch:\n  window-per-peer: 1\n  total-window: 1\n";
        DaemonProcess b = daemon("b", List.of(a.address()), slow);
        String key = share(a, src);
        CompletableFuture<Cli.Result> first = CompletableFuture.supplyAsync(
                () -> Cli.run("--socket", b.socket.toString(), "--json", "pull", key));
        awaitFetched(b, 16L << 20);
        b.kill();
        Cli.Result interrupted = first.get(60, TimeUnit.SECONDS);
        assertEquals(1, interrupted.code(), "the client of a killed daemon fails");
        assertEquals(1, interrupted.errLines().size(), interrupted.err());

        b.launch(List.of(a.address()));
        JsonNode done = pull(b, key);
        long total = done.path("totalBytes").asLong();
        assertTrue(done.path("fetchedBytes").asLong() < total - (8L << 20),
                "the restarted pull fetched only what was missing: " + done);
        Cli.Result verify = Cli.run("--data-dir", b.dataDir.toString(), "verify", key);
        assertEquals(0, verify.code(), verify.err());
        assertExportEquals(b, key, src);
    }

    @Test
    void aLyingPeerIsDroppedAndThePullCompletesFromAnHonestOne() throws Exception {
        Path src = tree(base.resolve("src"), 16);
        DaemonProcess a = daemon("a", List.of(), null);
        String key = share(a, src);
        try (BlockStore honest = FileBlockStore.open(a.dataDir);
             Host liar = HostStarter.start(KeyPair.generate(), List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/0")));
             Bitswap lies = new Bitswap(liar, new LyingStore(honest)).start()) {
            String liarAddress = liar.listenAddresses().get(0).withPeerId(liar.peerId()).toString();
            DaemonProcess b = daemon("b", List.of(liarAddress, a.address()), null);
            JsonNode done = pull(b, key);
            assertEquals("done", done.path("event").asText());
            assertTrue(lies.blocksSent() > 0, "the liar was asked and sent corrupted blocks");
            assertEquals(1, b.status().path("peersDropped").asLong(), "B dropped the liar: " + b.status());
            assertTrue(b.logText().contains("dropping peer " + liar.peerId()), b.logText());
            assertExportEquals(b, key, src);
        }
    }

    @Test
    void mountThroughTheDaemonReturnsAtOnceAndFetchesOnlyWhatIsRead() throws Exception {
        Cli.require(Cli.isRoot() && Files.exists(Path.of("/dev/fuse")), "mount tests need root and /dev/fuse");
        Path src = tree(base.resolve("src"), 16);
        DaemonProcess a = daemon("a", List.of(), null);
        String key = share(a, src);
        DaemonProcess b = daemon("b", List.of(a.address()), null);
        Path mnt = Files.createDirectory(base.resolve("mnt"));
        try {
            Cli.Result mounted = Cli.run("--socket", b.socket.toString(), "mount", "--no-prefetch", key, mnt.toString());
            assertEquals(0, mounted.code(), mounted.err() + "\n" + b.logText());
            assertTrue(mounted.err().contains("served by the daemon"), mounted.err());
            for (String f : List.of("etc/small7.conf", "usr/lib/big3.so")) {
                assertArrayEquals(Files.readAllBytes(src.resolve(f)), Files.readAllBytes(mnt.resolve(f)), f);
            }
            long fetched = b.status().path("bytesFetched").asLong();
            assertTrue(fetched > 1 << 20 && fetched < 8L << 20, "only what was read (and the manifest) came over: " + fetched);
            Cli.Result listed = Cli.run("--socket", b.socket.toString(), "--json", "mounts");
            assertTrue(listed.out().contains("\"dir\" : \"" + mnt + "\"") && listed.out().contains("\"chunksTotal\""), listed.out());
            Cli.assertOneLineError(Cli.run("--socket", b.socket.toString(), "mount", key, mnt.toString()), "is already a mount point");

            Cli.Result un = Cli.run("--socket", b.socket.toString(), "unmount", mnt.toString());
            assertEquals(0, un.code(), un.err());
            assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains(" " + mnt + " "), "DIR is no longer a mount point");
            assertFalse(Files.exists(mnt.resolve("etc")), "DIR is the empty directory again");
        } finally {
            new ProcessBuilder("umount", "-l", mnt.toString()).start().waitFor();
        }
    }

    interface Call<T> { T run() throws Exception; }

    static <T> T call(Call<T> c) {
        try {
            return c.run();
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}
