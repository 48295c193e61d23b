package io.spore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.spore.cli.daemon.ControlClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

@Command(name = "demo", mixinStandardHelpOptions = true,
        header = "Build, share and lazily boot a small Debian image; SSH in.",
        description = {
                "Everything happens on this machine, on loopback, in a temporary directory that is removed",
                "afterwards: daemon A shares the image, daemon B (bootstrapped to A) mounts it lazily and",
                "boots it with systemd-nspawn, then a command runs in it over SSH. Prints what was fetched",
                "against the image's size and how long each step took. Needs root.",
                "",
                "The image is Debian bookworm minbase with systemd and openssh-server, built once with",
                "debootstrap (a few minutes) and kept in " + "/var/cache/spore/demo-rootfs" + "."})
final class DemoCommand extends BaseCommand {
    @Option(names = "--rootfs", paramLabel = "DIR", description = "Boot this root directory (with /sbin/init and sshd) instead of the built-in image.")
    Path rootfs;

    @Option(names = "--keep", description = "Leave the machine and daemons running (and the temporary directory) to look around.")
    boolean keep;

    @Override
    public Integer call() throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new UserException("the demo mounts, makes network namespaces and boots containers: run it as root");
        }
        PrintWriter o = out();
        o.println("Spore demo: build a small Debian image, share it from daemon A, boot it lazily on daemon B, run a command in it over SSH.");
        o.flush();
        Path image = image(o);
        Path work = Files.createTempDirectory(Path.of("/tmp"), "spore-demo-"); // short: Unix socket paths stay under 108 bytes
        List<Child> daemons = new ArrayList<>();
        String machine = null;
        Path bData = work.resolve("b");
        Path bSock = work.resolve("b.sock");
        boolean ok = false;
        try {
            long t0 = System.nanoTime();
            Child a = Child.start(work, "a", List.of());
            daemons.add(a);
            Child b = Child.start(work, "b", List.of(a.address()));
            daemons.add(b);
            o.printf("2. started daemon A (seeder) and daemon B (booter) on 127.0.0.1, B bootstrapped to A: %.1f s%n", secs(t0));
            o.flush();

            t0 = System.nanoTime();
            JsonNode shared = new ControlClient(a.socket()).stream("/v1/share",
                    Map.of("path", image.toString(), "threads", Runtime.getRuntime().availableProcessors()), ev -> {});
            String key = shared.path("key").asText();
            o.printf("3. A shared the image: key %s%n   %d files and directories, %s in %d chunks, %s stored, %.1f s%n", key,
                    shared.path("entries").asLong(), Progress.size(shared.path("contentBytes").asLong()), shared.path("chunks").asLong(),
                    Progress.size(shared.path("storedBytes").asLong()), secs(t0));
            o.flush();

            Path id = work.resolve("id");
            exec("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "spore-demo", "-f", id.toString());
            String sfx = String.format("%04x", ThreadLocalRandom.current().nextInt(1 << 16));
            var r = ThreadLocalRandom.current();
            String pool = "10." + (200 + r.nextInt(50)) + "." + r.nextInt(256) + ".0/24";
            machine = "demo-" + sfx;
            t0 = System.nanoTime();
            Captured boot = cli("--data-dir", bData.toString(), "--socket", bSock.toString(), "--json", "boot", key, "--name", machine,
                    "--no-prefetch", "--ssh-key", id + ".pub", "--bridge", "spdemo" + sfx, "--pool", pool);
            if (boot.code != 0) {
                machine = null;
                throw new UserException("the boot on daemon B failed: " + boot.err.strip().replace("container: error: ", ""));
            }
            JsonNode m = Json.read(boot.out);
            long local = m.path("bytesLocal").asLong(), total = Math.max(1, m.path("imageBytes").asLong());
            o.printf("4. B booted it lazily (FUSE over Bitswap from A, overlayfs, systemd-nspawn): %s at %s, SSH ready in %.1f s%n",
                    machine, m.path("address").asText(), secs(t0));
            o.printf("   fetched %s of the image's %s (%.1f%%) before SSH was ready%n", Progress.size(local), Progress.size(total), 100.0 * local / total);
            o.flush();

            t0 = System.nanoTime();
            String said = ssh(id, m.path("address").asText(), "grep PRETTY_NAME /etc/os-release; uname -sr");
            o.printf("5. ran over SSH in the machine (%.1f s):%n", secs(t0));
            said.lines().forEach(l -> o.println("   " + l));
            o.flush();
            if (keep) {
                o.printf("Kept: 'container --data-dir %s --socket %s ssh %s -i %s', daemons pids %d and %d, files in %s%n",
                        bData, bSock, machine, id, a.daemon().process.pid(), b.daemon().process.pid(), work);
            }
            ok = true;
            return ExitCode.OK;
        } finally {
            if (!keep || !ok) {
                long t0 = System.nanoTime();
                if (machine != null) cli("--data-dir", bData.toString(), "--socket", bSock.toString(), "rm", machine);
                for (int i = daemons.size() - 1; i >= 0; i--) daemons.get(i).stop();
                if (!ok) {
                    for (Child d : daemons) {
                        err().println("container: daemon " + d.name() + "'s log ends with:");
                        d.tail(10).forEach(l -> err().println("  " + l));
                    }
                }
                DemoImage.removeTree(work);
                o.printf("%scleaned up: machine removed, daemons stopped, %s removed (%.1f s)%n", ok ? "6. " : "", work, secs(t0));
                o.flush();
            }
        }
    }

    private Path image(PrintWriter o) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        if (rootfs != null) {
            if (!Files.isDirectory(rootfs)) throw new UserException(rootfs + " is not a directory: give a root file system with /sbin/init and sshd");
            o.printf("1. image: %s (given with --rootfs)%n", rootfs);
            return rootfs.toAbsolutePath().normalize();
        }
        Path dir = DemoImage.DEFAULT_CACHE;
        if (DemoImage.ready(dir)) {
            o.printf("1. image: Debian bookworm minbase + %s, built before, in %s%n", String.join(" ", DemoImage.PACKAGES), dir);
            return dir;
        }
        o.printf("1. image: Debian bookworm minbase + %s: building it with debootstrap (a few minutes, once) into %s%n",
                String.join(" ", DemoImage.PACKAGES), dir);
        o.flush();
        Path log = Files.createTempFile("spore-demo-debootstrap-", ".log");
        try {
            DemoImage.build(dir, log);
        } finally {
            Files.deleteIfExists(log);
        }
        o.printf("   built in %.0f s%n", secs(t0));
        return dir;
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private record Captured(int code, String out, String err) {}

    /** A command of this CLI, run in this process with its output captured. */
    private static Captured cli(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Captured(code, out.toString(), err.toString());
    }

    private static String ssh(Path id, String address, String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ssh", "-i", id.toString(), "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=10", "root@" + address, command)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new UserException("ssh into the demo machine failed: " + out.strip().replace('\n', ' '));
        return out;
    }

    private static void exec(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new UserException(cmd[0] + " failed: " + out.strip().replace('\n', ' '));
    }

    /** A daemon in a child JVM of this one, on loopback, with mDNS off (the demo stays on this machine). */
    private record Child(String name, ChildDaemon daemon, Path socket, Path log) {
        static Child start(Path work, String name, List<String> bootstrap) throws IOException {
            Path config = Files.writeString(work.resolve(name + ".yaml"), "mdns: false\n");
            Path socket = work.resolve(name + ".sock");
            Path log = work.resolve(name + ".log");
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    // full JIT, as ./container runs daemons: C1 alone lacks the SHA-256 and ChaCha20 intrinsics
                    "--enable-native-access=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                    "--data-dir", work.resolve(name).toString(), "--socket", socket.toString(), "--json",
                    "daemon", "--config", config.toString(), "--listen", "/ip4/127.0.0.1/tcp/0"));
            for (String b : bootstrap) cmd.addAll(List.of("--bootstrap", b));
            try {
                return new Child(name, ChildDaemon.start(cmd, log), socket, log);
            } catch (IOException e) {
                throw new UserException("daemon " + name + ": " + e.getMessage());
            }
        }

        String address() { return daemon.addresses.get(0); }

        List<String> tail(int n) { return ChildDaemon.tail(log, n); }

        void stop() throws InterruptedException { daemon.stop(); }
    }
}
