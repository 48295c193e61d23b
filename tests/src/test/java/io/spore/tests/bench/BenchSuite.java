package io.spore.tests.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.spore.tests.net.Node;
import io.spore.tests.net.SporeDaemon;
import io.spore.tests.net.Testbed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The network benchmarks of issue 8 (prints figures, asserts nothing): the Debian ssh image pulled
 * over emulated slow links, latency tolerance, and a swarm of hosts pulling at once; writes
 * REPORT.md and its PNG plots. Run by tests/bench/run, which documents the options.
 */
public final class BenchSuite {
    record PullRun(String label, double rttMs, double mbit, double seconds, double wall, long fetched, long total, long seederServed) {
        double linkBound() { return mbit == 0 ? 0 : total * 8 / (mbit * 1e6); }
    }

    /**
     * One swarm measurement. {@code cores}: the CPU each node (seeder, hosts, the host alone) was limited to, 0 for
     * none; {@code finish}: seconds each host took, NaN for a host whose pull failed (its message in {@code failures}).
     */
    record SwarmRun(int hosts, double mbit, double cores, double single, double[] finish, long seederServed, long image, long fetchedTotal,
                    List<String> failures) {
        /** The hosts that finished, in finish order; one NaN when none did. */
        double[] finished() {
            double[] f = Arrays.stream(finish).filter(x -> !Double.isNaN(x)).sorted().toArray();
            return f.length == 0 ? new double[] {Double.NaN} : f;
        }

        /** How the CPU was shared, for labels. */
        String how() { return how(cores); }

        static String how(double cores) { return cores > 0 ? fmt("each node %.3f cores", cores) : "nodes share the box"; }
    }

    private final Report report;
    private final Set<String> only;
    private final int swarmHosts;
    private final int soakCycles;
    private final Path image;

    private BenchSuite(Report report, Set<String> only, int swarmHosts, int soakCycles, Path image) {
        this.report = report;
        this.only = only;
        this.swarmHosts = swarmHosts;
        this.soakCycles = soakCycles;
        this.image = image;
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of("tests/bench");
        Set<String> only = Set.of("slow", "latency", "boot", "soak", "swarm");
        int hosts = 16, soak = 50;
        Path fuzz = null, resilience = null;
        Path image = Path.of(System.getenv().getOrDefault("SPORE_TEST_CACHE", "/var/cache/spore-tests"), "rootfs", "ssh");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--only" -> only = Set.of(args[++i].split(","));
                case "--swarm" -> hosts = Integer.parseInt(args[++i]);
                case "--soak" -> soak = Integer.parseInt(args[++i]);
                case "--fuzz" -> fuzz = Path.of(args[++i]);
                case "--resilience" -> resilience = Path.of(args[++i]);
                case "--image" -> image = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + ": see tests/bench/run");
            }
        }
        if (!Testbed.available()) throw new IllegalStateException("the benchmarks need root, ip and /dev/net/tun: run them as root");
        if (!Files.isDirectory(image)) throw new IllegalStateException(image + " is missing: run tests/setup/20-rootfs.sh");
        Report report = new Report(out);
        report.fuzz(fuzz);
        report.resilience(resilience);
        try {
            if (only.stream().anyMatch(Set.of("slow", "latency", "boot", "soak", "swarm")::contains))
                new BenchSuite(report, only, hosts, soak, image).run();
        } catch (Exception e) {
            report.failure(e);
            throw e;
        } finally {
            report.write();
        }
    }

    private void run() throws Exception {
        try (Testbed bed = Testbed.create()) {
            Node seedNode = bed.node(new Testbed.Link.Plain());
            SporeDaemon seeder = seedNode.daemon("seeder", List.of(), null);
            long t0 = System.nanoTime();
            String key = seeder.share(image);
            double shareSecs = (System.nanoTime() - t0) / 1e9;
            long stored = seeder.storedBytes();
            report.image(image, key, stored, shareSecs);
            log("image %s: %s, %.1f MB of blocks, shared in %.1f s", image, key, stored / 1e6, shareSecs);

            if (only.contains("slow")) {
                List<PullRun> runs = new ArrayList<>();
                for (double[] s : new double[][] {{20, 100}, {100, 10}}) runs.add(pull(bed, seeder, key, s[0], s[1]));
                report.slowLinks(runs, pull(bed, seeder, key, 0, 0));
            }
            BootBench boot = null;
            String profiled = null;
            if (only.contains("latency") || only.contains("boot") || only.contains("soak")) {
                boot = new BootBench(bed, seeder);
                if (only.contains("latency") || only.contains("boot")) {
                    try {
                        profiled = boot.recordProfile(key);
                    } catch (Exception e) {
                        log("recording a boot profile failed: %s", e.getMessage());
                    }
                }
            }
            if (only.contains("latency")) {
                List<PullRun> runs = new ArrayList<>();
                for (double rtt : new double[] {1, 200}) runs.add(pull(bed, seeder, key, rtt, 100));
                List<BootBench.BootRun> boots = new ArrayList<>();
                for (double rtt : new double[] {1, 200}) {
                    boots.add(boot.lazy("lazy", key, rtt, 100, true));
                    if (profiled != null) boots.add(boot.lazy("lazy, boot profile", profiled, rtt, 100, true));
                }
                report.latency(runs, boots);
            }
            if (only.contains("boot")) {
                List<BootBench.BootRun> runs = new ArrayList<>();
                for (double[] s : new double[][] {{20, 100}, {100, 10}}) {
                    runs.add(boot.pullThenBoot(key, s[0], s[1]));
                    runs.add(boot.lazy("lazy", key, s[0], s[1], true));
                    if (profiled != null) runs.add(boot.lazy("lazy, boot profile", profiled, s[0], s[1], true));
                    runs.add(boot.lazy("lazy, no prefetch", key, s[0], s[1], false));
                }
                report.boot(runs);
            }
            if (only.contains("soak")) report.soak(boot.soak(key, soakCycles), soakCycles);
            if (only.contains("swarm")) {
                List<SwarmRun> runs = new ArrayList<>();
                runs.add(swarm(bed, seedNode, seeder, key, 0));
                // The same again with every node held to an equal share of the box, as if each were its own
                // small machine: separates how the swarm shares blocks from 17 JVMs competing for 2 cores.
                double share = Runtime.getRuntime().availableProcessors() / (double) (swarmHosts + 1);
                seedNode.limitCpu(share);
                try {
                    runs.add(swarm(bed, seedNode, seeder, key, share));
                } finally {
                    seedNode.unlimitCpu();
                }
                report.swarm(runs);
            }
        }
    }

    private static int hostCount;

    private PullRun pull(Testbed bed, SporeDaemon seeder, String key, double rtt, double mbit) throws Exception {
        // mbit 0: a plain veth, no emulation: what the CPUs allow, the ceiling of every other figure
        Node n = bed.node(mbit == 0 ? new Testbed.Link.Plain() : new Testbed.Link.Emulated(rtt, mbit));
        SporeDaemon h = n.daemon("h" + (++hostCount), List.of(seeder.address()), null);
        long served = seeder.status().path("bytesServed").asLong();
        long t0 = System.nanoTime();
        JsonNode done = h.pull(key);
        double wall = (System.nanoTime() - t0) / 1e9;
        h.stop();
        PullRun r = new PullRun(mbit == 0 ? "veth, no shaping" : fmt("%.0f Mbit/s, %.0f ms RTT", mbit, rtt), rtt, mbit, done.path("seconds").asDouble(), wall,
                done.path("fetchedBytes").asLong(), done.path("totalBytes").asLong(), seeder.status().path("bytesServed").asLong() - served);
        log("pull at %s: %.2f s (link-limited bound %.2f s), %.1f MB fetched of %.1f MB, seeder sent %.1f MB",
                r.label, r.seconds, r.linkBound(), r.fetched / 1e6, r.total / 1e6, r.seederServed / 1e6);
        return r;
    }

    /** Pulls {@code key} on one host alone, then on {@link #swarmHosts} at once; {@code cores} > 0 limits every new node's CPU. */
    private SwarmRun swarm(Testbed bed, Node seedNode, SporeDaemon seeder, String key, double cores) throws Exception {
        double mbit = 100;
        seedNode.shape(mbit);
        String yaml = "mdns: true\n";
        String tag = cores > 0 ? "c" : "";
        SporeDaemon alone = node(bed, mbit, cores).daemon("solo" + tag, List.of(seeder.address()), yaml);
        JsonNode soloDone = alone.pull(key);
        double single = soloDone.path("seconds").asDouble();
        long image = soloDone.path("totalBytes").asLong();
        alone.stop();
        log("swarm: one host alone at %.0f Mbit/s, %s: %.2f s", mbit, SwarmRun.how(cores), single);

        // Started side by side: a daemon held to a fraction of a core takes about 20 s to start.
        List<CompletableFuture<SporeDaemon>> starting = new ArrayList<>();
        for (int i = 0; i < swarmHosts; i++) {
            Node n = node(bed, mbit, cores);
            String name = "s" + tag + i;
            starting.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return n.daemon(name, List.of(seeder.address()), yaml);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, Thread::startVirtualThread));
        }
        List<SporeDaemon> hosts = new ArrayList<>();
        for (CompletableFuture<SporeDaemon> f : starting) hosts.add(f.get(10, TimeUnit.MINUTES));
        Thread.sleep(3000); // mDNS: let the hosts see each other, as on a LAN where they have been up a while
        long served = seeder.status().path("bytesServed").asLong();
        long t0 = System.nanoTime();
        List<CompletableFuture<Double>> pulls = new ArrayList<>();
        for (SporeDaemon h : hosts) {
            // a thread each: the common pool has one thread on a 2-core box and would run the pulls one by one
            pulls.add(CompletableFuture.supplyAsync(() -> {
                h.pull(key);
                return (System.nanoTime() - t0) / 1e9;
            }, Thread::startVirtualThread));
        }
        double[] finish = new double[hosts.size()];
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < finish.length; i++) {
            try {
                finish[i] = pulls.get(i).get(30, TimeUnit.MINUTES);
            } catch (java.util.concurrent.ExecutionException e) {
                finish[i] = Double.NaN;
                failures.add(hosts.get(i) + ": " + e.getCause().getMessage());
                log("swarm: the pull on %s failed: %s", hosts.get(i), e.getCause().getMessage());
            }
        }
        long seederServed = seeder.status().path("bytesServed").asLong() - served;
        long fetched = 0;
        for (SporeDaemon h : hosts) fetched += h.status().path("bytesFetched").asLong();
        for (SporeDaemon h : hosts) h.stop();
        SwarmRun r = new SwarmRun(hosts.size(), mbit, cores, single, finish, seederServed, image, fetched, failures);
        double[] done = r.finished();
        double last = done[done.length - 1];
        log("swarm: %d hosts, %s, last done at %.2f s (%.2fx one host alone), seeder sent %.1f MB = %.2fx the image",
                r.hosts, r.how(), last, last / single, seederServed / 1e6, (double) seederServed / image);
        return r;
    }

    private static Node node(Testbed bed, double mbit, double cores) throws IOException {
        Node n = bed.node(new Testbed.Link.Shaped(mbit));
        if (cores > 0) n.limitCpu(cores);
        return n;
    }

    static String fmt(String f, Object... a) { return String.format(Locale.ROOT, f, a); }

    static void log(String f, Object... a) {
        System.out.println("BENCH " + fmt(f, a));
        System.out.flush();
    }
}
