package io.spore.tests.hostos;

import io.spore.hostos.OsBuild;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * End to end under TCG, all inside a network namespace this test makes (nothing leaves it):
 * `container vm up` makes the bridge, tap and dnsmasq there, boots Spore OS, finds it by its lease;
 * SSH with the key given on the command line runs commands in it; `container vm down` powers it
 * off. The figures (qemu start to lease, to sshd, to daemon, memory at idle) are printed.
 */
class SporeOsVmTest {
    @Test
    void bootsFindsItsLeaseAndAnswersSshWithTheGivenKey() throws Exception {
        SporeOs.require("apt-get", "cpio", "xz", "depmod", "xorriso", "qemu-system-x86_64", "dnsmasq", "ssh", "ip");
        OsBuild.Result os = SporeOs.first();
        String id = HexFormat.of().formatHex(new byte[]{(byte) ThreadLocalRandom.current().nextInt(), (byte) ThreadLocalRandom.current().nextInt()});
        String ns = "spore-vmtest-" + id;
        String host = "spore-e2e-" + id;
        Path tmp = Files.createTempDirectory("spore-vmtest");
        Path data = tmp.resolve("data");
        Path key = tmp.resolve("id_ed25519");
        SporeOs.run(List.of("ip", "netns", "add", ns), 10);
        try {
            SporeOs.run(List.of("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up"), 10);
            SporeOs.run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "vmtest", "-f", key.toString()), 30);

            String up = SporeOs.run(container(ns, data, "--json", "vm", "up", "--kernel", os.out().resolve("vmlinuz").toString(),
                    "--initrd", os.out().resolve("initrd.img").toString(), "--ssh-key", key + ".pub", "--hostname", host,
                    "--accel", "tcg", "--no-nat", "--wait-daemon", "--timeout", "300"), 360);
            System.out.println("vm up: " + up);
            String json = up.lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow();
            String ip = json.replaceAll(".*\"ip\":\"([0-9.]+)\".*", "$1");
            assertTrue(ip.startsWith("10.78.0."), json);
            String leases = Files.readString(data.resolve("vm/leases"));
            assertTrue(leases.contains(" " + ip + " " + host + " "), "dnsmasq leased " + ip + " to " + host + ": " + leases);

            String ipCmd = SporeOs.run(container(ns, data, "vm", "ip"), 30).strip();
            assertEquals(ip, ipCmd.lines().reduce((a, b) -> b).orElse(""));

            String out = SporeOs.run(container(ns, data, "vm", "ssh", "--",
                    "uname -a; java -version 2>&1; echo MEM $(free -m | sed -n 2p); netstat -tln; hostname"), 120);
            System.out.println("in the VM:\n" + out);
            assertTrue(out.contains("Linux " + host + " "), out);
            assertTrue(out.contains("version \"25"), out);
            // Nothing but sshd (and the daemon, a JVM) listens: every listening TCP port is 22 or the daemon's.
            for (String l : out.lines().filter(l -> l.contains("LISTEN")).toList()) {
                assertTrue(l.matches(".*:22\\s.*") || daemonPort(l), "unexpected listener: " + l);
            }
            out.lines().filter(l -> l.startsWith("MEM")).forEach(l -> System.out.println("spore-os memory (free -m, Mem:): " + l));

            // A password is never accepted: ssh with only password auth allowed must fail.
            List<String> pw = new ArrayList<>(List.of("ip", "netns", "exec", ns, "ssh", "-o", "StrictHostKeyChecking=no",
                    "-o", "UserKnownHostsFile=/dev/null", "-o", "PreferredAuthentications=password", "-o", "PubkeyAuthentication=no",
                    "-o", "BatchMode=yes", "-o", "ConnectTimeout=10", "root@" + ip, "true"));
            Process p = new ProcessBuilder(pw).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String pwOut = new String(p.getInputStream().readAllBytes());
            assertNotEquals(0, p.waitFor(), "password-only login must be refused: " + pwOut);

            SporeOs.run(container(ns, data, "vm", "down"), 90);
            Properties st = state(data);
            assertNull(st.getProperty("qemuPid"), "vm down forgets the qemu pid");
            assertTrue(Files.readString(data.resolve("vm/console.log")).contains("spore-os: [") , "init logged to the serial console");
            assertTrue(Files.readString(data.resolve("vm/console.log")).contains("poweroff"), "clean poweroff logged");
        } finally {
            Properties st = state(data);
            for (String k : List.of("qemuPid", "dnsmasqPid")) {
                String pid = st.getProperty(k);
                if (pid != null) ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(ProcessHandle::destroyForcibly);
            }
            new ProcessBuilder("ip", "netns", "del", ns).start().waitFor();
            SporeOs.deleteTree(tmp);
        }
    }

    private static boolean daemonPort(String netstatLine) {
        // Listeners other than 22 are allowed only while the daemon (a JVM) runs; busybox netstat
        // shows no owners, so this accepts the ports the daemon is documented to use (libp2p 4001).
        return netstatLine.matches(".*:4001\\s.*");
    }

    private static Properties state(Path data) throws IOException {
        Properties p = new Properties();
        Path f = data.resolve("vm/vm.properties");
        if (Files.exists(f)) try (var r = Files.newBufferedReader(f)) { p.load(r); }
        return p;
    }

    /** The CLI in its own JVM inside the namespace (qemu's tap and dnsmasq must be made there). */
    private static List<String> container(String ns, Path data, String... args) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.spore.cli.Main", "--data-dir", data.toString()));
        c.addAll(List.of(args));
        return c;
    }
}
