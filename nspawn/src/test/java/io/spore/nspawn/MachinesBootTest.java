package io.spore.nspawn;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proof on the real host: systemd-nspawn --boot of the Debian fixture on overlayfs, veths on a
 * bridge of the test's own, NAT, SSH with a key made here. Root and the rootfs/ssh fixture needed.
 * Each test cleans up everything it made (machines, mounts, veths, bridge, nft table, netns).
 */
class MachinesBootTest {
    static String sfx;
    static String bridge;
    static String pool;
    static Path dataDir;
    static Path key;
    static Machines machines;

    @BeforeAll
    static void setUp() throws IOException {
        Host.requireRootAndNspawn();
        sfx = Host.suffix();
        bridge = "spt" + sfx;
        var r = ThreadLocalRandom.current();
        pool = "10." + (200 + r.nextInt(50)) + "." + r.nextInt(256) + ".0/24";
        dataDir = Files.createTempDirectory("spore-nspawn-test-");
        Host.Out kg = Host.sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "spore-test", "-f", dataDir.resolve("key").toString());
        assertEquals(0, kg.exit(), kg.out());
        key = dataDir.resolve("key");
        machines = new Machines(dataDir, bridge, pool, ProcessRunner.system()).timeouts(Duration.ofSeconds(90), Duration.ofSeconds(20));
        machines.reconcile();
    }

    @AfterAll
    static void tearDown() {
        if (machines == null) return;
        try {
            for (MachineInfo m : machines.list()) {
                try {
                    machines.rm(m.name());
                } catch (RuntimeException e) {
                    System.err.println("cleanup of " + m.name() + ": " + e.getMessage());
                }
            }
        } finally {
            // Whatever a failed test left: our table and our bridge, by their unique names.
            Host.sh("nft", "delete", "table", "ip", Net.natTable(bridge));
            Host.sh("ip", "link", "del", "dev", bridge);
            Host.sh("rm", "-rf", "--one-file-system", dataDir.toString());
        }
    }

    private MachineSpec spec() throws IOException {
        return MachineSpec.of("fixture:ssh").withSshKeys(List.of(Files.readString(key.resolveSibling("key.pub")).strip()));
    }

    static Host.Out ssh(String address, String command) {
        return Host.sh("ssh", "-i", key.toString(), "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=10",
                "root@" + address, command);
    }

    @Test
    void bootSshStopStartRm() throws IOException {
        String name = "t1-" + sfx;
        long t0 = System.nanoTime();
        MachineInfo m = machines.create(name, Host.SSH_ROOTFS, spec(), true);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("FIGURE boot call to SSH-ready: " + ms + " ms (" + name + " at " + m.address() + ")");
        assertEquals(MachineState.RUNNING, m.state());
        assertTrue(AddressPool.parse(pool).contains(m.address()), m.address());

        Host.Out os = ssh(m.address(), "cat /etc/os-release");
        assertEquals(0, os.exit(), os.out());
        assertTrue(os.out().contains("Debian"), os.out());

        // name in use, while it runs: refused, and the running machine is untouched
        NspawnException inUse = assertThrows(NspawnException.class, () -> machines.create(name, Host.SSH_ROOTFS, spec(), true));
        assertTrue(inUse.getMessage().contains("exists already"), inUse.getMessage());
        assertEquals(MachineState.RUNNING, machines.get(name).state());

        // a restarted manager adopts the running machine
        Machines again = new Machines(dataDir, bridge, pool, ProcessRunner.system());
        again.reconcile();
        MachineInfo adopted = again.get(name);
        assertEquals(MachineState.RUNNING, adopted.state());
        assertEquals(m.address(), adopted.address());

        assertEquals(0, ssh(m.address(), "echo kept-across-reboot > /root/persist.txt && sync").exit());

        // shell without SSH sees the same machine: its file, its address
        Path out = dataDir.resolve("shell.out");
        int code = machines.shell(name, List.of("sh", "-c", "cat /root/persist.txt; ip -4 -o addr show dev host0"),
                ProcessBuilder.Redirect.to(out.toFile()), ProcessBuilder.Redirect.INHERIT);
        assertEquals(0, code);
        String shellOut = Files.readString(out);
        assertTrue(shellOut.startsWith("kept-across-reboot\n") && shellOut.contains(" " + m.address() + "/24 "), shellOut);
        String netId = machines.load(name).netId();
        long pid = machines.load(name).pid();
        long s0 = System.nanoTime();
        assertTrue(machines.stop(name));
        System.out.println("FIGURE stop (clean poweroff, unmount, veth gone): " + (System.nanoTime() - s0) / 1_000_000 + " ms");
        assertEquals(MachineState.STOPPED, machines.get(name).state());
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "nspawn still running after stop");
        assertFalse(Overlay.isMounted(dataDir.resolve("machines").resolve(name).resolve("root")), "overlay left mounted after stop");
        assertFalse(Host.linkExists(Net.hostVeth(netId)), "veth left after stop");
        assertTrue(Files.readString(machines.consoleLog(name)).contains("Reached target"), "console log has the boot");

        long r0 = System.nanoTime();
        MachineInfo m2 = machines.start(name, true);
        System.out.println("FIGURE start of a stopped machine to SSH-ready: " + (System.nanoTime() - r0) / 1_000_000 + " ms");
        assertEquals(m.address(), m2.address());
        Host.Out kept = ssh(m2.address(), "cat /root/persist.txt");
        assertEquals("kept-across-reboot", kept.out().strip());

        machines.rm(name);
        assertThrows(NspawnException.class, () -> machines.get(name));
        assertFalse(Files.exists(dataDir.resolve("machines").resolve(name)));
        assertFalse(Host.linkExists(Net.hostVeth(netId)));
        assertFalse(Host.linkExists(bridge), "bridge should go with the last machine");
        assertFalse(Host.sh("nft", "list", "table", "ip", Net.natTable(bridge)).exit() == 0, "nft table should go with the last machine");

        // same name again: a fresh machine, the write is gone
        MachineInfo m3 = machines.create(name, Host.SSH_ROOTFS, spec(), true);
        Host.Out gone = ssh(m3.address(), "test -e /root/persist.txt && echo present || echo absent");
        assertEquals("absent", gone.out().strip());
        machines.rm(name);
    }

    @Test
    void twoMachinesFromOneLowerReachEachOtherAndAServerInAnotherNamespace() throws Exception {
        Host.require(Host.onPath("busybox"), "needs busybox for the test server: run tests/setup/30-nspawn.sh");
        String a = "ta-" + sfx;
        String b = "tb-" + sfx;
        String ns = "spsrv" + sfx;
        String vh = "spsh" + sfx;
        int third = ThreadLocalRandom.current().nextInt(256);
        String hostEnd = "192.168." + third + ".1";
        String srvEnd = "192.168." + third + ".2";
        Process server = null;
        try {
            // both started first, then waited for: they boot at the same time
            machines.create(a, Host.SSH_ROOTFS, spec(), false);
            machines.create(b, Host.SSH_ROOTFS, spec(), false);
            var fa = CompletableFuture.supplyAsync(() -> machines.awaitReady(a));
            MachineInfo mb = machines.awaitReady(b);
            MachineInfo ma = fa.join();
            assertTrue(!ma.address().equals(mb.address()));

            Host.Out ping = ssh(ma.address(), "ping -c 1 -W 3 " + mb.address());
            assertEquals(0, ping.exit(), ping.out());
            Host.Out nc = ssh(mb.address(), "(echo from-b-to-a | nc -N -w 5 " + ma.address() + " 22 | head -c 4)");
            assertEquals("SSH-", nc.out().strip());

            // A test server in a namespace of our own, routed from the host (no traffic outside).
            assertEquals(0, Host.sh("ip", "netns", "add", ns).exit());
            assertEquals(0, Host.sh("ip", "link", "add", "name", vh, "type", "veth", "peer", "name", "eth0", "netns", ns).exit());
            assertEquals(0, Host.sh("ip", "addr", "add", hostEnd + "/30", "dev", vh).exit());
            assertEquals(0, Host.sh("ip", "link", "set", "dev", vh, "up").exit());
            assertEquals(0, Host.sh("ip", "-n", ns, "addr", "add", srvEnd + "/30", "dev", "eth0").exit());
            assertEquals(0, Host.sh("ip", "-n", ns, "link", "set", "dev", "eth0", "up").exit());
            assertEquals(0, Host.sh("ip", "-n", ns, "route", "add", "default", "via", hostEnd).exit());
            server = new ProcessBuilder("ip", "netns", "exec", ns, "busybox", "nc", "-l", "-p", "8080")
                    .redirectErrorStream(true).start();
            Host.Out sent = null;
            for (int i = 0; i < 20; i++) { // the listener needs a moment
                sent = ssh(ma.address(), "echo hello-from-" + a + " | nc -N -w 5 " + srvEnd + " 8080");
                if (sent.exit() == 0) break;
                Thread.sleep(200);
            }
            assertEquals(0, sent.exit(), sent.out());
            server.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            String got = new String(server.getInputStream().readAllBytes());
            assertTrue(got.contains("hello-from-" + a), got);

            // systemd-nspawn of b dies hard: the next manager must not leave its container orphaned
            MachineConfig cb = machines.load(b);
            long leader = cb.leaderPid();
            assertTrue(Procs.alive(leader, cb.leaderStartTicks()), "leader recorded at boot");
            ProcessHandle.of(cb.pid()).orElseThrow().destroyForcibly();
            for (int i = 0; i < 100 && Procs.startTicks(cb.pid()) >= 0; i++) Thread.sleep(50);
            Machines restarted = new Machines(dataDir, bridge, pool, ProcessRunner.system());
            restarted.reconcile();
            assertEquals(MachineState.STOPPED, restarted.get(b).state());
            assertEquals(MachineState.RUNNING, restarted.get(a).state());
            assertTrue(Procs.startTicks(leader) < 0, "container init of b still running after adoption");
            assertFalse(Overlay.isMounted(dataDir.resolve("machines").resolve(b).resolve("root")));
            assertFalse(Host.linkExists(Net.hostVeth(cb.netId())));
            Host.sh("rm", "-rf", "--one-file-system", "/run/systemd/nspawn/propagate/" + b);
        } finally {
            if (server != null) server.destroyForcibly();
            Host.sh("ip", "netns", "del", ns);
            Host.sh("ip", "link", "del", "dev", vh);
            for (String n : List.of(a, b)) {
                try {
                    machines.rm(n);
                } catch (NspawnException ignored) {
                    // never made
                }
            }
        }
    }

    @Test
    void memoryAndCpuLimitsOrAClearError() throws IOException {
        Path cg = Cgroup.root();
        boolean controllers = cg != null && Files.readString(cg.resolve("cgroup.controllers")).contains("memory")
                && Files.readString(cg.resolve("cgroup.controllers")).contains("cpu");
        String name = "lim-" + sfx;
        MachineSpec limited = new MachineSpec("fixture:ssh", 256L << 20, 0.5, List.of(), NetworkMode.BRIDGE, spec().sshKeys());
        if (!controllers) {
            List<String> before = links();
            NspawnException e = assertThrows(NspawnException.class, () -> machines.create(name, Host.SSH_ROOTFS, limited, true));
            assertTrue(e.getMessage().contains("cgroup"), e.getMessage());
            System.out.println("cgroup v2 memory/cpu controllers absent here: " + e.getMessage());
            assertFalse(Files.exists(dataDir.resolve("machines").resolve(name)));
            assertFalse(Overlay.isMounted(dataDir.resolve("machines").resolve(name).resolve("root")));
            List<String> after = links();
            after.remove(bridge); // the bridge may have been made for it; it goes with the last machine
            before.remove(bridge);
            assertEquals(before, after);
            return;
        }
        try {
            MachineInfo m = machines.create(name, Host.SSH_ROOTFS, limited, true);
            Path group = cg.resolve("spore").resolve("m-" + machines.load(name).netId());
            assertEquals(Long.toString(256L << 20), Files.readString(group.resolve("memory.max")).strip());
            assertEquals("50000 100000", Files.readString(group.resolve("cpu.max")).strip());
            String leaderCg = Files.readString(Path.of("/proc/" + m.leaderPid() + "/cgroup"));
            assertTrue(leaderCg.contains("/spore/m-" + machines.load(name).netId()), leaderCg);
        } finally {
            try {
                machines.rm(name);
            } catch (NspawnException ignored) {
                // never made
            }
        }
    }

    @Test
    void hostNetworkWaitsForTheDefaultTarget() throws IOException {
        String name = "th-" + sfx;
        // sshd masked with a bind (a unit bound to /dev/null is masked): it must not take the host's port 22
        MachineSpec host = new MachineSpec("fixture:ssh", 0, 0, List.of("/dev/null:/lib/systemd/system/ssh.service"),
                NetworkMode.HOST, List.of());
        List<String> before = links();
        try {
            MachineInfo m = machines.create(name, Host.SSH_ROOTFS, host, true);
            assertEquals("host", m.address());
            assertEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/net")),
                    Files.readSymbolicLink(Path.of("/proc/" + m.leaderPid() + "/ns/net")));
            Path out = dataDir.resolve("host.out");
            machines.shell(name, List.of("systemctl", "is-system-running"), ProcessBuilder.Redirect.to(out.toFile()), ProcessBuilder.Redirect.INHERIT);
            String state = Files.readString(out).strip();
            assertTrue(state.equals("running") || state.equals("degraded"), state);
            assertEquals(before, links(), "host network must not add links");
        } finally {
            try {
                machines.rm(name);
            } catch (NspawnException ignored) {
                // never made
            }
        }
    }

    @Test
    void runACommandWithoutInit() throws IOException {
        Path out = dataDir.resolve("run.out");
        int code = machines.run(Host.SSH_ROOTFS, List.of(), List.of("sh", "-c", "cat /etc/os-release; echo scratch > /tmp-write"),
                ProcessBuilder.Redirect.to(out.toFile()), ProcessBuilder.Redirect.INHERIT);
        assertEquals(0, code);
        assertTrue(Files.readString(out).contains("Debian"));
        assertFalse(Files.exists(Host.SSH_ROOTFS.resolve("tmp-write")), "run must not write into the lower dir");
        assertEquals(List.of(), listOrEmpty(dataDir.resolve("run")), "ephemeral upper left behind");
    }

    @Test
    void addressPoolUsedUpLeavesNothingBehind() throws IOException {
        // A /30 has one machine address (.2; .1 is the bridge).
        var r = ThreadLocalRandom.current();
        String tiny = "10." + (200 + r.nextInt(50)) + "." + r.nextInt(256) + "." + (4 * r.nextInt(64)) + "/30";
        String br = "spq" + sfx;
        Path dd = Files.createTempDirectory("spore-nspawn-pool-");
        Machines small = new Machines(dd, br, tiny, ProcessRunner.system());
        String first = "p1-" + sfx;
        try {
            small.create(first, Host.SSH_ROOTFS, spec(), true);
            List<String> linksBefore = links();
            NspawnException e = assertThrows(NspawnException.class, () -> small.create("p2-" + sfx, Host.SSH_ROOTFS, spec(), false));
            assertTrue(e.getMessage().contains("is used up"), e.getMessage());
            assertFalse(Files.exists(dd.resolve("machines").resolve("p2-" + sfx)));
            assertEquals(linksBefore, links(), "a refused machine must not leave links");
            assertEquals(1, small.list().size());
        } finally {
            try {
                small.rm(first);
            } catch (NspawnException ignored) {
                // never made
            }
            Host.sh("nft", "delete", "table", "ip", Net.natTable(br));
            Host.sh("ip", "link", "del", "dev", br);
            Host.sh("rm", "-rf", "--one-file-system", dd.toString());
        }
        assertFalse(Host.linkExists(br));
    }

    @Test
    void lowerWithoutInitIsRefused() throws IOException {
        Path lower = Files.createTempDirectory("spore-noinit-");
        try {
            Files.createDirectories(lower.resolve("etc"));
            Files.createDirectories(lower.resolve("sbin"));
            // a dangling absolute symlink must not be resolved on the host
            Files.createSymbolicLink(lower.resolve("sbin/init"), Path.of("/lib/systemd/systemd"));
            NspawnException e = assertThrows(NspawnException.class, () -> machines.create("ni-" + sfx, lower, spec(), true));
            assertTrue(e.getMessage().contains("has no init"), e.getMessage());
            assertFalse(Files.exists(dataDir.resolve("machines").resolve("ni-" + sfx)));
        } finally {
            Host.sh("rm", "-rf", lower.toString());
        }
    }

    @Test
    void unknownMachineIsAOneLineError() {
        for (var op : List.<java.util.function.Consumer<String>>of(machines::stop, machines::rm, n -> machines.start(n, false),
                machines::get, machines::consoleLog, n -> machines.shellCommand(n, List.of()))) {
            NspawnException e = assertThrows(NspawnException.class, () -> op.accept("nosuch-" + sfx));
            assertEquals("no machine named nosuch-" + sfx + ": see 'container ls' for the machines there are", e.getMessage());
        }
    }

    private static List<String> links() {
        List<String> out = new ArrayList<>();
        for (String l : Host.sh("ip", "-o", "link", "show").out().split("\n")) {
            String[] f = l.split(": ");
            if (f.length > 1) out.add(f[1].split("@")[0]);
        }
        return out;
    }

    private static List<Path> listOrEmpty(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (var s = Files.list(dir)) {
            return s.toList();
        }
    }
}
