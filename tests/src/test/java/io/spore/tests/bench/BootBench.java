package io.spore.tests.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.spore.tests.net.Boots;
import io.spore.tests.net.Node;
import io.spore.tests.net.SporeDaemon;
import io.spore.tests.net.Testbed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.spore.tests.bench.BenchSuite.fmt;
import static io.spore.tests.bench.BenchSuite.log;

/**
 * Boots the image through a host daemon ({@code container boot KEY}, run in the host's namespace so
 * the machine's bridge and NAT live there) and measures time to SSH-ready and bytes fetched; the
 * soak repeats boot / ssh / stop / rm and samples what could leak.
 */
final class BootBench {

    record BootRun(String link, String mode, double rttMs, double mbit, double seconds, double pullSeconds, long fetched, long image, String error) {
        double total() { return seconds + pullSeconds; }
    }

    record Sample(int cycle, long fds, long threads, long rssKb, long mounts, long veths, double bootSeconds) {}

    private final Testbed bed;
    private final SporeDaemon seeder;
    private final Boots boots;
    private int count;

    BootBench(Testbed bed, SporeDaemon seeder) throws IOException {
        this.bed = bed;
        this.seeder = seeder;
        boots = new Boots(bed);
    }

    private record Host(Node node, SporeDaemon daemon) {}

    private Host host(double rtt, double mbit) throws IOException {
        int i = ++count;
        Node n = bed.node(rtt == 0 && mbit == 0 ? new Testbed.Link.Plain() : new Testbed.Link.Emulated(rtt, mbit));
        SporeDaemon d = n.daemon("b" + i, List.of(seeder.address()), null);
        return new Host(n, d);
    }

    /** {@code container boot} in the host's namespace; returns its JSON line. */
    private JsonNode boot(Host h, String imageKey, String name, boolean prefetch) throws IOException {
        return boots.boot(h.daemon, imageKey, name, prefetch);
    }

    private void cli(Host h, String... args) {
        boots.quietly(h.daemon, args);
    }

    /** Lazy boot of {@code imageKey} on a fresh host. */
    BootRun lazy(String label, String imageKey, double rtt, double mbit, boolean prefetch) throws Exception {
        Host h = host(rtt, mbit);
        String name = "sb" + bed.suffix() + count;
        long t0 = System.nanoTime();
        try {
            JsonNode j = boot(h, imageKey, name, prefetch);
            double secs = (System.nanoTime() - t0) / 1e9;
            long fetched = h.daemon.status().path("bytesFetched").asLong();
            BootRun r = new BootRun(link(rtt, mbit), label, rtt, mbit, secs, 0, fetched, j.path("imageBytes").asLong(), null);
            log("boot %s at %s: SSH-ready in %.2f s (boot reported %d ms), %.1f MB fetched of %.1f MB (%.1f%%)", label, r.link, secs,
                    j.path("bootMillis").asLong(), fetched / 1e6, r.image / 1e6, 100.0 * fetched / Math.max(1, r.image));
            return r;
        } catch (IOException e) {
            log("boot %s at %s failed: %s", label, link(rtt, mbit), e.getMessage());
            return new BootRun(link(rtt, mbit), label, rtt, mbit, Double.NaN, 0, 0, 0, e.getMessage());
        } finally {
            cli(h, "rm", name);
            h.daemon.stop();
        }
    }

    /**
     * Records a boot profile as a user would: {@code container mount --record-profile} of the image
     * from the seeder's store, {@code container boot --lower} over that mount until SSH is ready, then
     * unmount, which stores the profile and prints the key of the image with it; the seeder provides it.
     */
    String recordProfile(String imageKey) throws Exception {
        Path mnt = Files.createDirectories(bed.dir().resolve("profile-mnt"));
        Path machines = bed.dir().resolve("profile-machines");
        Path out = bed.dir().resolve("profile-mount.out");
        Process mount = new ProcessBuilder(Testbed.container().toString(), "--data-dir", seeder.dataDir.toString(), "mount",
                "--no-prefetch", "--record-profile=3600", imageKey, mnt.toString())
                .redirectOutput(out.toFile()).redirectError(bed.dir().resolve("profile-mount.err").toFile()).start();
        bed.onClose(() -> {
            try {
                Boots.run(List.of("umount", "-l", mnt.toString()), 30);
            } catch (IOException ignored) {
                // not mounted any more
            }
            mount.destroyForcibly();
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.readString(Path.of("/proc/self/mountinfo")).contains(" " + mnt + " ")) {
            if (!mount.isAlive() || System.nanoTime() > deadline)
                throw new IOException("container mount --record-profile did not mount: " + Files.readString(bed.dir().resolve("profile-mount.err")));
            Thread.sleep(100);
        }
        Node n = bed.node(new Testbed.Link.Plain());
        String name = "sp" + bed.suffix();
        List<String> base = List.of(Testbed.container().toString(), "--data-dir", machines.toString());
        List<String> boot = new ArrayList<>(base);
        boot.addAll(List.of("boot", "--lower", mnt.toString(), "--name", name, "--bridge", "spbp" + bed.suffix(), "--pool", "10.88.0.0/24",
                "--ssh-key", boots.publicKey()));
        List<String> rm = new ArrayList<>(base);
        rm.addAll(List.of("rm", name));
        bed.onClose(() -> {
            try {
                Boots.run(n.exec(rm), 120);
            } catch (IOException ignored) {
                // already removed
            }
        });
        try {
            Boots.run(n.exec(boot), 600);
        } finally {
            Boots.run(n.exec(rm), 120);
        }
        Boots.run(List.of(Testbed.container().toString(), "unmount", mnt.toString()), 120);
        if (!mount.waitFor(120, TimeUnit.SECONDS)) throw new IOException("container mount did not end after unmount");
        String profileKey = Files.readString(out).strip();
        if (profileKey.isEmpty()) throw new IOException("container mount --record-profile printed no key: " + Files.readString(bed.dir().resolve("profile-mount.err")));
        new io.spore.cli.daemon.ControlClient(seeder.socket).post("/v1/provide", java.util.Map.of("key", profileKey));
        log("boot profile recorded: %s", profileKey);
        return profileKey;
    }

    /** Pull everything, then boot from the local store. */
    BootRun pullThenBoot(String imageKey, double rtt, double mbit) throws Exception {
        Host h = host(rtt, mbit);
        String name = "sb" + bed.suffix() + count;
        try {
            long t0 = System.nanoTime();
            JsonNode done = h.daemon.pull(imageKey);
            double pull = (System.nanoTime() - t0) / 1e9;
            long t1 = System.nanoTime();
            boot(h, imageKey, name, true);
            double secs = (System.nanoTime() - t1) / 1e9;
            BootRun r = new BootRun(link(rtt, mbit), "pull, then boot", rtt, mbit, secs, pull, done.path("fetchedBytes").asLong(),
                    done.path("totalBytes").asLong(), null);
            log("pull then boot at %s: pull %.2f s + boot %.2f s = %.2f s", r.link, pull, secs, r.total());
            return r;
        } catch (IOException | RuntimeException e) {
            log("pull then boot at %s failed: %s", link(rtt, mbit), e.getMessage());
            return new BootRun(link(rtt, mbit), "pull, then boot", rtt, mbit, Double.NaN, Double.NaN, 0, 0, e.getMessage());
        } finally {
            cli(h, "rm", name);
            h.daemon.stop();
        }
    }

    /** {@code cycles} x boot / ssh / stop / rm on one host daemon; samples at the first and last cycle. */
    List<Sample> soak(String imageKey, int cycles) throws Exception {
        Host h = host(0, 0);
        List<Sample> samples = new ArrayList<>();
        h.daemon.pull(imageKey);
        for (int c = 1; c <= cycles; c++) {
            String name = "sk" + bed.suffix() + c;
            long t0 = System.nanoTime();
            boot(h, imageKey, name, true);
            double secs = (System.nanoTime() - t0) / 1e9;
            boots.ssh(h.daemon, name, "true");
            cli(h, "stop", name);
            cli(h, "rm", name);
            if (c == 1 || c == cycles || c % 10 == 0) {
                Sample s = sample(h, c, secs);
                samples.add(s);
                log("soak cycle %d: boot %.2f s, daemon fds %d, threads %d, RSS %d MB, mounts under the testbed %d, veths %d",
                        c, secs, s.fds, s.threads, s.rssKb / 1024, s.mounts, s.veths);
            }
        }
        h.daemon.stop();
        return samples;
    }

    private Sample sample(Host h, int cycle, double secs) throws IOException {
        long pid = h.daemon.pid();
        long fds;
        try (var s = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            fds = s.count();
        }
        long threads = 0, rss = 0;
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith("Threads:")) threads = Long.parseLong(l.substring(8).strip());
            if (l.startsWith("VmRSS:")) rss = Long.parseLong(l.substring(6).replace("kB", "").strip());
        }
        String dir = bed.dir().toString();
        long mounts = Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().filter(l -> l.contains(dir)).count();
        long veths = Boots.run(List.of("ip", "-n", h.node.namespace(), "-o", "link", "show", "type", "veth"), 30).lines().count();
        return new Sample(cycle, fds, threads, rss, mounts, veths, secs);
    }

    private static String link(double rtt, double mbit) {
        return rtt == 0 && mbit == 0 ? "veth, no shaping" : fmt("%.0f Mbit/s, %.0f ms RTT", mbit, rtt);
    }
}
