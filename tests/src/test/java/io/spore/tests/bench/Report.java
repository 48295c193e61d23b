package io.spore.tests.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.spore.tests.bench.BenchSuite.fmt;

/** REPORT.md and its plots, from what this run measured (sections without figures say why). */
final class Report {
    private final Path out;
    private final String started = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    private final String loadAtStart = load();
    private final Path sections;
    private String failure = "";

    Report(Path out) throws IOException {
        this.out = Files.createDirectories(out);
        this.sections = Files.createDirectories(out.resolve("sections"));
    }

    /**
     * Saves one section as its own file under sections/: a run with --only replaces the sections it
     * measured and keeps the others (on this slow box a full run takes long), each saying when it was measured.
     */
    private void section(String file, String text) throws IOException {
        section(file, text, fmt("_Measured %s, load average %s, commit `%s`._\n\n", Instant.now().truncatedTo(ChronoUnit.SECONDS), load(), git()));
    }

    /** A section from another tool's output file: stamped with the file's time. */
    private void section(String file, String text, Path from) throws IOException {
        section(file, text, fmt("_From `%s`, written %s (commit `%s` now)._\n\n", from.getFileName(),
                Files.getLastModifiedTime(from).toInstant().truncatedTo(ChronoUnit.SECONDS), git()));
    }

    private void section(String file, String text, String stamp) throws IOException {
        int nl = text.indexOf("\n\n");
        Files.writeString(sections.resolve(file), text.substring(0, nl + 2) + stamp + text.substring(nl + 2));
    }

    void image(Path dir, String key, long stored, double shareSecs) throws IOException {
        section("05-image.md", "## Image\n\n" + fmt("Image: `%s` (Debian bookworm, systemd + openssh-server), key `%s`, %.1f MB of blocks, shared by the seeder in %.1f s.",
                dir, key, stored / 1e6, shareSecs));
    }

    void slowLinks(List<BenchSuite.PullRun> runs, BenchSuite.PullRun ceiling) throws IOException {
        StringBuilder s = new StringBuilder("## Slow links: full pull of the image\n\n");
        s.append("Seeder and host in separate namespaces; the host's link emulated (rate and RTT below), a fresh host per run.\n\n");
        pullTable(s, runs);
        s.append(fmt("\nCPU ceiling, same pull over a plain veth (no shaping, no emulation): **%.2f s** (%.0f Mbit/s); "
                + "a link-limited pull cannot beat it on this box.\n", ceiling.seconds(), ceiling.total() * 8 / ceiling.seconds() / 1e6));
        chart("slow-links.png", "Full pull of the ssh image over slow links", runs).write(out.resolve("slow-links.png"));
        s.append("\n![full pull over slow links](slow-links.png)\n");
        section("10-slow-links.md", s.toString());
    }

    void latency(List<BenchSuite.PullRun> runs, List<BootBench.BootRun> boots) throws IOException {
        StringBuilder s = new StringBuilder("## Latency tolerance: the same pull and boot at 1 ms and 200 ms RTT (100 Mbit/s)\n\n");
        pullTable(s, runs);
        if (runs.size() == 2) {
            s.append(fmt("\n200 ms / 1 ms full pull time: **%.2fx**.\n", runs.get(1).seconds() / runs.get(0).seconds()));
        }
        List<String> links = new ArrayList<>();
        List<String> modes = new ArrayList<>();
        if (!boots.isEmpty()) {
            s.append("\n`container boot KEY` on a fresh host daemon at each RTT (as in the boot section), time to SSH-ready:\n\n");
            s.append("| link | mode | boot to SSH-ready | fetched before SSH-ready | of the image |\n|---|---|---|---|---|\n");
            for (BootBench.BootRun r : boots) {
                if (!links.contains(r.link())) links.add(r.link());
                if (!modes.contains(r.mode())) modes.add(r.mode());
                if (r.error() != null) s.append(fmt("| %s | %s | failed: %s | | |\n", r.link(), r.mode(), r.error().replace('|', '/')));
                else s.append(fmt("| %s | %s | %.2f s | %.1f MB | %.1f%% |\n", r.link(), r.mode(), r.seconds(), r.fetched() / 1e6,
                        100.0 * r.fetched() / Math.max(1, r.image())));
            }
            s.append("\n");
            for (String mode : modes) {
                List<BootBench.BootRun> m = boots.stream().filter(r -> r.mode().equals(mode)).toList();
                BootBench.BootRun near = m.stream().min(java.util.Comparator.comparingDouble(BootBench.BootRun::rttMs)).orElseThrow();
                BootBench.BootRun far = m.stream().max(java.util.Comparator.comparingDouble(BootBench.BootRun::rttMs)).orElseThrow();
                if (near != far) s.append(fmt("%s: %.0f ms / %.0f ms RTT time to SSH-ready: **%.2fx** (goal: at most 1.5x)\n\n",
                        mode, far.rttMs(), near.rttMs(), far.seconds() / near.seconds()));
            }
        }
        chart("latency.png", "Full pull at 100 Mbit/s: 1 ms vs 200 ms RTT", runs).write(out.resolve("latency.png"));
        s.append("\n![latency tolerance](latency.png)");
        if (!boots.isEmpty()) {
            BarChart c = new BarChart("Time to SSH-ready at 100 Mbit/s: 1 ms vs 200 ms RTT", "seconds", links);
            java.awt.Color[] colors = {BarChart.SPORE, BarChart.OTHER, BarChart.BASE};
            for (int i = 0; i < modes.size(); i++) {
                String mode = modes.get(i);
                c.series(mode, colors[i % colors.length], links.stream().mapToDouble(l -> boots.stream()
                        .filter(r -> r.link().equals(l) && r.mode().equals(mode)).mapToDouble(BootBench.BootRun::seconds)
                        .findFirst().orElse(Double.NaN)).toArray());
            }
            c.write(out.resolve("latency-boot.png"));
            s.append(" ![SSH-ready at 1 ms and 200 ms RTT](latency-boot.png)");
        }
        s.append("\n");
        section("20-latency.md", s.toString());
    }

    private static void pullTable(StringBuilder s, List<BenchSuite.PullRun> runs) {
        s.append("| link | pull (daemon) | client wall | link-limited bound | efficiency | fetched | image | seeder sent |\n");
        s.append("|---|---|---|---|---|---|---|---|\n");
        for (BenchSuite.PullRun r : runs) {
            s.append(fmt("| %s | %.2f s | %.2f s | %.2f s | %.0f%% | %.1f MB | %.1f MB | %.1f MB |\n", r.label(), r.seconds(), r.wall(),
                    r.linkBound(), r.mbit() == 0 ? 0 : 100 * r.linkBound() / r.seconds(), r.fetched() / 1e6, r.total() / 1e6, r.seederServed() / 1e6));
        }
        s.append("\nLink-limited bound: the image's bytes over the link rate (no protocol overhead, no round trips).\n");
    }

    private static BarChart chart(String file, String title, List<BenchSuite.PullRun> runs) {
        List<String> cats = runs.stream().map(BenchSuite.PullRun::label).toList();
        return new BarChart(title, "seconds", cats)
                .series("Spore pull", BarChart.SPORE, runs.stream().mapToDouble(BenchSuite.PullRun::seconds).toArray())
                .series("link-limited bound", BarChart.BASE, runs.stream().mapToDouble(BenchSuite.PullRun::linkBound).toArray());
    }

    /** The swarm section: one column per run (every node sharing the box; every node held to an equal CPU share). */
    void swarm(List<BenchSuite.SwarmRun> runs) throws IOException {
        BenchSuite.SwarmRun first = runs.getFirst();
        StringBuilder s = new StringBuilder(fmt("## Swarm: 1 seeder, %d hosts pulling at once (every link %.0f Mbit/s, tbf)\n\n",
                first.hosts(), first.mbit()));
        s.append(fmt("Hosts bootstrap to the seeder only and find each other by mDNS on the bridge (and the DHT). Each run first "
                + "times one host alone, then the swarm. In the first column every daemon shares the whole box, so one host "
                + "alone has all its cores while a host of the swarm has 1/%d of them. In the second, every node (the "
                + "seeder, the host alone, each host of the swarm) is held to the same share of the box by a CPU cgroup, as "
                + "if each were its own small machine.\n\n", first.hosts() + 1));
        StringBuilder head = new StringBuilder("| figure |"), rule = new StringBuilder("|---|");
        for (BenchSuite.SwarmRun r : runs) {
            head.append(' ').append(r.how()).append(" |");
            rule.append("---|");
        }
        s.append(head).append(" goal |\n").append(rule).append("---|\n");
        row(s, runs, "one host alone", "", r -> fmt("%.2f s", r.single()));
        row(s, runs, "first / median / last host of the swarm", "", r -> {
            double[] f = r.finished();
            return fmt("%.2f / %.2f / %.2f s", f[0], f[f.length / 2], f[f.length - 1]);
        });
        row(s, runs, "last host / one host alone", "at most 2x", r -> {
            double[] f = r.finished();
            return fmt("**%.2fx**", f[f.length - 1] / r.single());
        });
        row(s, runs, "seeder sent", "at most 1.5x", r -> fmt("%.1f MB = **%.2fx** the image (%.1f MB)", r.seederServed() / 1e6,
                (double) r.seederServed() / r.image(), r.image() / 1e6));
        row(s, runs, "all hosts fetched", "", r -> fmt("%.1f MB (%d x the image = %.1f MB)", r.fetchedTotal() / 1e6, r.hosts(),
                r.hosts() * r.image() / 1e6));
        row(s, runs, "pulls that failed", "0", r -> fmt("%d of %d", r.failures().size(), r.hosts()));
        for (BenchSuite.SwarmRun r : runs) {
            if (!r.failures().isEmpty()) s.append("\n```\n").append(String.join("\n", r.failures())).append("\n```\n");
        }
        StringBuilder pics = new StringBuilder("\n");
        List<String> seederCats = new ArrayList<>(List.of("image"));
        List<Double> seederMb = new ArrayList<>(List.of(first.image() / 1e6));
        for (int k = 0; k < runs.size(); k++) {
            BenchSuite.SwarmRun r = runs.get(k);
            double[] f = r.finished();
            String how = r.how();
            String png = k == 0 ? "swarm.png" : "swarm-" + k + ".png";
            List<String> cats = new ArrayList<>();
            for (int i = 0; i < f.length; i++) cats.add(String.valueOf(i + 1));
            new BarChart(fmt("Swarm of %d, %s: time each host finished (sorted)", r.hosts(), how), "seconds", cats)
                    .series("host finished", BarChart.SPORE, f)
                    .line("one host alone", BarChart.OTHER, r.single())
                    .line("goal: 2x alone", BarChart.MARK, 2 * r.single())
                    .write(out.resolve(png));
            pics.append(fmt("![swarm finish times, %s](%s) ", how, png));
            seederCats.add(r.cores() > 0 ? fmt("sent, %.3f cores each", r.cores()) : "sent, shared box");
            seederMb.add(r.seederServed() / 1e6);
        }
        seederCats.add(fmt("%d x image", first.hosts()));
        seederMb.add(first.hosts() * first.image() / 1e6);
        new BarChart("Swarm: bytes the seeder sent", "MB", seederCats)
                .series("MB", BarChart.SPORE, seederMb.stream().mapToDouble(Double::doubleValue).toArray())
                .line("goal: 1.5x image", BarChart.MARK, 1.5 * first.image() / 1e6)
                .write(out.resolve("swarm-seeder.png"));
        s.append(pics).append("![seeder bytes](swarm-seeder.png)\n");
        section("50-swarm.md", s.toString());
    }

    private static void row(StringBuilder s, List<BenchSuite.SwarmRun> runs, String figure, String goal,
                            java.util.function.Function<BenchSuite.SwarmRun, String> cell) {
        s.append("| ").append(figure).append(" |");
        for (BenchSuite.SwarmRun r : runs) s.append(' ').append(cell.apply(r)).append(" |");
        s.append(' ').append(goal).append(" |\n");
    }

    void boot(List<BootBench.BootRun> runs) throws IOException {
        StringBuilder s = new StringBuilder("## Boot: time to SSH-ready, lazy vs pull-then-boot\n\n");
        s.append("`container boot KEY` on a fresh host daemon (its link emulated), run in the host's namespace; it returns once "
                + "the machine's sshd accepts connections. Lazy: the daemon mounts the image with FUSE and fetches what is read "
                + "(with prefetch: the rest in the background). Fetched: the host daemon's `bytesFetched` when boot returned.\n\n");
        s.append("| link | mode | pull | boot to SSH-ready | total | fetched before SSH-ready | of the image | vs pull-then-boot |\n");
        s.append("|---|---|---|---|---|---|---|---|\n");
        List<String> links = new ArrayList<>();
        List<String> modes = new ArrayList<>();
        for (BootBench.BootRun r : runs) {
            if (!links.contains(r.link())) links.add(r.link());
            if (!modes.contains(r.mode())) modes.add(r.mode());
            BootBench.BootRun base = runs.stream().filter(b -> b.link().equals(r.link()) && b.pullSeconds() > 0).findFirst().orElse(null);
            if (r.error() != null) {
                s.append(fmt("| %s | %s | failed: %s | | | | | |\n", r.link(), r.mode(), r.error().replace('|', '/')));
                continue;
            }
            s.append(fmt("| %s | %s | %s | %.2f s | %.2f s | %.1f MB | %.1f%% | %s |\n", r.link(), r.mode(),
                    r.pullSeconds() > 0 ? fmt("%.2f s", r.pullSeconds()) : "-", r.seconds(), r.total(), r.fetched() / 1e6,
                    100.0 * r.fetched() / Math.max(1, r.image()),
                    base == null || base == r || Double.isNaN(base.total()) ? "" : fmt("**%.1fx** faster", base.total() / r.total())));
        }
        s.append("\nGoals (issue 8): lazy at least 10x faster than the full pull at 100 Mbit/s; at most 3% of the image fetched before SSH-ready.\n");
        BarChart c = new BarChart("Time to SSH-ready (s)", "seconds", links);
        java.awt.Color[] colors = {BarChart.BASE, BarChart.SPORE, BarChart.OTHER, BarChart.MARK};
        for (int m = 0; m < modes.size(); m++) {
            String mode = modes.get(m);
            double[] v = links.stream().mapToDouble(l -> runs.stream().filter(r -> r.link().equals(l) && r.mode().equals(mode))
                    .mapToDouble(BootBench.BootRun::total).findFirst().orElse(Double.NaN)).toArray();
            c.series(mode, colors[m % colors.length], v);
        }
        c.write(out.resolve("boot.png"));
        s.append("\n![time to SSH-ready](boot.png)\n");
        section("30-boot.md", s.toString());
    }

    void soak(List<BootBench.Sample> samples, int cycles) throws IOException {
        StringBuilder s = new StringBuilder(fmt("## Soak: %d x boot / ssh / stop / rm on one host daemon\n\n", cycles));
        s.append("Sampled after the cycle's `rm`: the daemon's open fds, threads and RSS (/proc), mounts under the testbed's "
                + "directory (/proc/self/mountinfo: the daemon's FUSE mount and the machines' overlays) and veths in the host's "
                + "namespace (1 is the host's own link to the hub; each machine adds one while it runs).\n\n");
        s.append("| cycle | boot to SSH-ready | daemon fds | threads | RSS | mounts | veths |\n|---|---|---|---|---|---|---|\n");
        for (BootBench.Sample x : samples) {
            s.append(fmt("| %d | %.2f s | %d | %d | %d MB | %d | %d |\n", x.cycle(), x.bootSeconds(), x.fds(), x.threads(), x.rssKb() / 1024,
                    x.mounts(), x.veths()));
        }
        section("40-soak.md", s.toString());
    }

    /** The output of tests/fuzz/run, verbatim. */
    void fuzz(Path file) throws IOException {
        if (file == null || !Files.exists(file)) return;
        section("70-fuzz.md", "## Fuzzing (`tests/fuzz/run`)\n\n```\n" + Files.readString(file).strip() + "\n```\n", file);
    }

    /** The Surefire XML report of ResilienceTest: one row per test, with what the tests printed. */
    void resilience(Path xml) throws IOException {
        if (xml == null || !Files.exists(xml)) return;
        String x = Files.readString(xml);
        StringBuilder s = new StringBuilder("## Resilience (`ResilienceTest`, JUnit, each asserting what must hold)\n\n"
                + "Daemons in namespaces, 48 MiB images of random files (the boot tests: the Debian systemd + openssh image); "
                + "lying peers are separate processes (`LyingPeer`: forged blocks, a one-minute drip per block, \"have\" to "
                + "everything with nothing to send); links shaped with tbf (40 Mbit/s) or emulated (partition: "
                + "every frame dropped for 14 s, longer than the 10 s want timeout). Tagged `resilience`, out of CI: each takes "
                + "40-70 s on this shared box.\n\n| test | time | result |\n|---|---|---|\n");
        Matcher m = Pattern.compile("<testcase name=\"([^\"]+)\"[^>]*time=\"([^\"]+)\"(/>|>(.*?)</testcase>)", Pattern.DOTALL).matcher(x);
        while (m.find()) {
            String body = m.group(4) == null ? "" : m.group(4);
            String result = body.contains("<failure") || body.contains("<error") ? "**FAILED**" : body.contains("<skipped") ? "skipped" : "passed";
            s.append(fmt("| %s | %s s | %s |\n", m.group(1), m.group(2), result));
        }
        Path txt = xml.resolveSibling(xml.getFileName().toString().replaceFirst("^TEST-", "").replaceFirst("\\.xml$", "-output.txt"));
        if (Files.exists(txt)) {
            List<String> lines = Files.readAllLines(txt).stream().filter(l -> l.startsWith("disk full:") || l.startsWith("partition:")
                    || l.startsWith("all providers gone:") || l.contains("mid-boot:") || l.startsWith("every provider gone")).toList();
            if (!lines.isEmpty()) s.append("\n```\n").append(String.join("\n", lines)).append("\n```\n");
        }
        section("60-resilience.md", s.toString(), xml);
    }

    void failure(Exception e) {
        failure = "## This run failed\n\n`" + e + "`: the sections above are what was measured before.\n";
    }

    void write() throws IOException {
        StringBuilder r = new StringBuilder("# Spore benchmarks and resilience (issue 8)\n\n");
        r.append(fmt("Assembled by the run of %s to %s, commit `%s`, %s; %d CPUs, load average %s at its start and %s at its end. "
                        + "Each section says when it was measured (`--only` re-measures some and keeps the others).\n\n", started,
                Instant.now().truncatedTo(ChronoUnit.SECONDS), git(), kernel(), Runtime.getRuntime().availableProcessors(), loadAtStart, load()));
        r.append("""
                **Read the figures with this in mind.** This box (2 cores) was shared with six other engineers \
                building and testing at the same time, and every daemon, the link emulation and the client run on \
                those same 2 cores: CPU, not the emulated links, is often the limit, so the figures are lower \
                bounds of what Spore does on real hosts. The daemons are `./container daemon` processes, each in \
                its own network namespace (`nsenter --net=/run/netns/NS`, which keeps the mount namespace so the daemons' FUSE mounts are visible to `container boot`), joined by veth pairs or TAP devices to a bridge in a \
                hub namespace.

                **Links.** This kernel has no `sch_netem` (`CONFIG_NET_SCH_NETEM` is not set; `tbf` and `htb` \
                exist), so `tc qdisc ... netem delay` cannot be used. Links with a delay are emulated in user \
                space by `io.spore.tests.net.Wire` (two TAP devices, frames serialised at the rate, held for half \
                the RTT in each direction, a netem-style queue limit of max(1000 frames, 2x the bandwidth-delay \
                product)). Links with a rate only (the swarm) use the kernel's `tbf` on both ends of a veth pair.

                """);
        try (var files = Files.list(sections)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".md")).sorted().toList()) r.append(Files.readString(f).strip()).append("\n\n");
        }
        if (!failure.isEmpty()) r.append(failure).append('\n');
        r.append("""
                ## Reproduce

                ```
                tests/bench/run                       # everything: resilience tests, fuzzing, benchmarks; writes this file
                tests/bench/run --only slow,latency   # some of resilience,fuzz,slow,latency,boot,soak,swarm
                tests/bench/run --soak 10 --swarm 8   # a shorter soak, a smaller swarm
                mvn -B -o -pl tests -am verify -Dtest=ResilienceTest -Dspore.excludedGroups=none -Dsurefire.failIfNoSpecifiedTests=false
                tests/fuzz/run --seconds 10
                ```
                """);
        Files.writeString(out.resolve("REPORT.md"), r.toString());
        System.out.println("BENCH report: " + out.resolve("REPORT.md"));
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    private static String kernel() {
        try {
            return "Linux " + Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        } catch (IOException e) {
            return "Linux";
        }
    }

    private static String git() {
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").redirectErrorStream(true).start();
            String s = new String(p.getInputStream().readAllBytes()).strip();
            return p.waitFor() == 0 ? s : "?";
        } catch (Exception e) {
            return "?";
        }
    }
}
