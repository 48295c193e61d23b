package io.spore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The product's main path, end to end with real parts: daemon A (a child JVM) shares the Debian
 * systemd + openssh rootfs; daemon B (another child JVM, bootstrapped to A) mounts it lazily with
 * FUSE; {@code container boot KEY} puts machines over that mount with systemd-nspawn; SSH, writes,
 * stop/start, two machines, a server in another namespace, rm, a daemon killed and restarted.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class BootFromKeyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Daemons daemons;
    private static Path base;
    private static DaemonProcess a;
    private static DaemonProcess b;
    private static String key;
    private static Path sshKey;
    private static String bridge;
    private static String pool;
    private static String sfx;
    private final List<String> machines = new ArrayList<>();

    @BeforeAll
    static void setUp() throws Exception {
        Cli.require(Cli.isRoot(), "needs root (FUSE, overlayfs, network namespaces, systemd-nspawn)");
        Cli.require(Cli.onPath("systemd-nspawn"), "needs systemd-nspawn: run tests/setup/00-packages.sh");
        Path rootfs = Cli.rootfs("ssh");
        sfx = String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
        bridge = "spk" + sfx;
        var r = ThreadLocalRandom.current();
        pool = "10." + (200 + r.nextInt(50)) + "." + r.nextInt(256) + ".0/24";
        daemons = new Daemons("spk");
        base = daemons.base();
        sshKey = base.resolve("id");
        Cli.exec("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "spore-test", "-f", sshKey.toString());
        a = daemons.start("a", List.of());
        b = daemons.start("b", List.of(a.address()), "fetch:\n  no-provider-deadline-ms: 8000\n");
        Cli.Result shared = Cli.run("--socket", a.socket.toString(), "share", rootfs.toString());
        assertEquals(0, shared.code(), shared.err());
        key = shared.out().strip();
    }

    @AfterAll
    static void tearDown() throws Exception {
        try {
            if (daemons != null) daemons.close();
        } finally {
            Cli.exec("sh", "-c", "nft delete table ip spore_" + bridge + " 2>/dev/null; ip link del dev " + bridge + " 2>/dev/null; true");
        }
    }

    @AfterEach
    void removeMachines() {
        for (String n : machines) Cli.run("--data-dir", b.dataDir.toString(), "--socket", b.socket.toString(), "rm", n);
    }

    private Cli.Result onB(String... args) {
        List<String> all = new ArrayList<>(List.of("--data-dir", b.dataDir.toString(), "--socket", b.socket.toString()));
        all.addAll(List.of(args));
        return Cli.run(all.toArray(String[]::new));
    }

    /** Boots {@code key} on B; returns the JSON the command printed. */
    private JsonNode boot(String name, String... more) throws Exception {
        machines.add(name);
        List<String> args = new ArrayList<>(List.of("--json", "boot", key, "--name", name, "--bridge", bridge, "--pool", pool,
                "--ssh-key", sshKey + ".pub"));
        args.addAll(List.of(more));
        Cli.Result r = onB(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err() + "\n" + b.logText());
        return JSON.readTree(r.out());
    }

    private static Cli.Result ssh(String address, String command) throws Exception {
        return Cli.runProcess(List.of("ssh", "-i", sshKey.toString(), "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=10", "root@" + address, command));
    }

    private JsonNode mountsOfB() {
        return new io.spore.cli.daemon.ControlClient(b.socket).get("/v1/mounts").path("mounts");
    }

    @Test
    @org.junit.jupiter.api.Order(1) // first: B's store is still empty, so what it fetched is what the boot read
    void bootAKeySharedByAnotherDaemonAndLiveWithIt() throws Exception {
        String t1 = "t1-" + sfx, t2 = "t2-" + sfx;
        JsonNode m1 = boot(t1, "--no-prefetch");
        long image = m1.path("imageBytes").asLong();
        System.out.printf("FIGURE boot KEY to SSH-ready on loopback: %d ms (mount %d ms); fetched %d of %d bytes (%.1f%%), read on demand, no prefetch%n",
                m1.path("bootMillis").asLong(), m1.path("mountMillis").asLong(), m1.path("bytesLocal").asLong(), image,
                100.0 * m1.path("bytesLocal").asLong() / image);
        assertTrue(image > 20_000_000, "the image is the whole rootfs: " + image);
        assertTrue(m1.path("bytesLocal").asLong() < image / 2, "a lazy boot fetches a part of the image: " + m1);
        String addr1 = m1.path("address").asText();

        Cli.Result os = ssh(addr1, "cat /etc/os-release");
        assertEquals(0, os.code(), os.err());
        assertTrue(os.out().contains("Debian GNU/Linux 12"), os.out());

        // run KEY: one command in the image without init, over the same mount; its exit status comes back
        assertEquals(0, onB("run", key, "--", "test", "-f", "/etc/debian_version").code());
        assertEquals(1, onB("run", key, "--", "test", "-e", "/nonexistent").code());

        Cli.Result ls = onB("ls");
        assertEquals(0, ls.code(), ls.err());
        assertTrue(ls.out().contains(t1) && ls.out().contains(key) && ls.out().contains(" of "), ls.out());

        // a write survives stop/start
        assertEquals(0, ssh(addr1, "echo kept > /root/kept.txt && sync").code());
        assertEquals(0, onB("stop", t1).code());
        Cli.Result started = onB("start", t1);
        assertEquals(0, started.code(), started.err());
        assertEquals("kept", ssh(addr1, "cat /root/kept.txt").out().strip());

        // a second machine from the same image shares the one mount, and they reach each other
        JsonNode m2 = boot(t2);
        String addr2 = m2.path("address").asText();
        assertEquals(1, mountsOfB().size(), "one mount for both machines: " + mountsOfB());
        Cli.Result ping = ssh(addr1, "ping -c 1 -W 3 " + addr2);
        assertEquals(0, ping.code(), ping.out() + ping.err());
        assertEquals("SSH-", ssh(addr2, "(echo x | nc -N -w 5 " + addr1 + " 22 | head -c 4)").out().strip());
        assertEquals("absent", ssh(addr2, "test -e /root/kept.txt && echo present || echo absent").out().strip(),
                "each machine has its own writable layer");

        reachAServerInAnotherNamespace(addr1);

        // rm of one keeps the mount for the other; rm of the last unmounts the image
        assertEquals(0, onB("rm", t1).code());
        assertEquals(1, mountsOfB().size());
        assertEquals(0, onB("rm", t2).code());
        assertEquals(0, mountsOfB().size(), "the last rm unmounts: " + mountsOfB());
        assertFalse(Files.exists(b.dataDir.resolve("mounts").resolve(key)), "mount point removed");

        // run KEY with no machine over the image mounts it for the command only
        assertEquals(0, onB("run", key, "--", "true").code());
        assertEquals(0, mountsOfB().size(), "run released the mount it made: " + mountsOfB());

        // the same name again is a fresh machine: the write is gone
        JsonNode again = boot(t1);
        assertEquals("absent", ssh(again.path("address").asText(), "test -e /root/kept.txt && echo present || echo absent").out().strip());
    }

    private void reachAServerInAnotherNamespace(String from) throws Exception {
        String ns = "spks" + sfx, vh = "spkv" + sfx;
        int third = ThreadLocalRandom.current().nextInt(256);
        String hostEnd = "192.168." + third + ".1", srvEnd = "192.168." + third + ".2";
        Process server = null;
        try {
            Cli.exec("ip", "netns", "add", ns);
            Cli.exec("ip", "link", "add", "name", vh, "type", "veth", "peer", "name", "eth0", "netns", ns);
            Cli.exec("ip", "addr", "add", hostEnd + "/30", "dev", vh);
            Cli.exec("ip", "link", "set", "dev", vh, "up");
            Cli.exec("ip", "-n", ns, "addr", "add", srvEnd + "/30", "dev", "eth0");
            Cli.exec("ip", "-n", ns, "link", "set", "dev", "eth0", "up");
            Cli.exec("ip", "-n", ns, "route", "add", "default", "via", hostEnd);
            server = new ProcessBuilder("ip", "netns", "exec", ns, "busybox", "nc", "-l", "-p", "8080").redirectErrorStream(true).start();
            Cli.Result sent = null;
            for (int i = 0; i < 20; i++) { // the listener needs a moment
                sent = ssh(from, "echo hello-from-machine | nc -N -w 5 " + srvEnd + " 8080");
                if (sent.code() == 0) break;
                Thread.sleep(200);
            }
            assertEquals(0, sent.code(), sent.out() + sent.err());
            server.waitFor(10, TimeUnit.SECONDS);
            assertTrue(new String(server.getInputStream().readAllBytes()).contains("hello-from-machine"));
        } finally {
            if (server != null) server.destroyForcibly();
            Cli.exec("sh", "-c", "ip netns del " + ns + " 2>/dev/null; ip link del dev " + vh + " 2>/dev/null; true");
        }
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void badInputsFailCleanlyAndLeaveNothing() throws Exception {
        // a key nobody has
        Cli.Result unknown = onB("boot", "bafyreigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi", "--bridge", bridge, "--pool", pool);
        Cli.assertOneLineError(unknown, "no peer provided image bafyreigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi within 8 s");
        // not a key
        Cli.assertOneLineError(onB("boot", "bafy-not-a-key", "--bridge", bridge, "--pool", pool), "is not a valid key");

        // an image with no init
        Path tree = base.resolve("noinit");
        Cli.smallTree(tree, 3, 1000);
        Cli.Result shared = Cli.run("--socket", a.socket.toString(), "share", tree.toString());
        assertEquals(0, shared.code(), shared.err());
        Cli.Result noInit = onB("boot", shared.out().strip(), "--name", "ni-" + sfx, "--bridge", bridge, "--pool", pool);
        Cli.assertOneLineError(noInit, "has no init");
        assertEquals(0, mountsOfB().size(), "a refused boot leaves no mount: " + mountsOfB());

        // a name in use: refused, the running machine untouched
        String n = "in-" + sfx;
        boot(n, "--no-wait");
        Cli.Result twice = onB("boot", key, "--name", n, "--bridge", bridge, "--pool", pool);
        Cli.assertOneLineError(twice, "a machine named " + n + " exists already");
        assertTrue(onB("ls").out().contains(n));

        // the pool used up: a /30 on a bridge of its own has room for one machine
        String smallBridge = "spq" + sfx;
        String small = "10." + (200 + ThreadLocalRandom.current().nextInt(50)) + "." + ThreadLocalRandom.current().nextInt(256) + ".0/30";
        try {
            String first = "p1-" + sfx;
            machines.add(first);
            assertEquals(0, onB("boot", key, "--name", first, "--bridge", smallBridge, "--pool", small, "--no-wait").code());
            Cli.Result full = onB("boot", key, "--name", "p2-" + sfx, "--bridge", smallBridge, "--pool", small);
            Cli.assertOneLineError(full, "is used up");
            assertFalse(onB("ls").out().contains("p2-" + sfx));
        } finally {
            onB("rm", "p1-" + sfx);
            Cli.exec("sh", "-c", "nft delete table ip spore_" + smallBridge + " 2>/dev/null; ip link del dev " + smallBridge + " 2>/dev/null; true");
        }
    }

    @Test
    @org.junit.jupiter.api.Order(3)
    void aMachineOverADaemonThatDiedIsStoppedAndStartsAgain() throws Exception {
        String n = "rs-" + sfx;
        String addr = boot(n).path("address").asText();
        assertEquals(0, ssh(addr, "echo before > /root/r.txt && sync").code());
        b.kill(); // SIGKILL: its FUSE mount dies with it
        b.launch(List.of(a.address()));
        // the new daemon clears the dead mount and stops the machine that read it: never orphaned
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!onB("ls").out().contains(" stopped ") && System.nanoTime() < deadline) Thread.sleep(500);
        assertTrue(onB("ls").out().contains(" stopped "), onB("ls").out() + b.logText());
        Cli.Result started = onB("start", n);
        assertEquals(0, started.code(), started.err() + b.logText());
        assertEquals("before", ssh(addr, "cat /root/r.txt").out().strip());
    }
}
