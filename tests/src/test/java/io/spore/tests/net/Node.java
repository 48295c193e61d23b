package io.spore.tests.net;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One network namespace of a {@link Testbed}, linked to the hub's bridge. */
public final class Node {
    final Testbed bed;
    final int index;
    final String ns;
    final String ip;
    final Testbed.Link link;
    private Wire wire;
    private Path cpuGroup;

    Node(Testbed bed, int index, String ns, String ip, Testbed.Link link) {
        this.bed = bed;
        this.index = index;
        this.ns = ns;
        this.ip = ip;
        this.link = link;
    }

    public String ip() { return ip; }

    public String namespace() { return ns; }

    void create() throws IOException {
        Sh.run("ip", "netns", "add", ns);
        Sh.run("ip", "-n", ns, "link", "set", "lo", "up");
        String port = "p" + index;
        switch (link) {
            case Testbed.Link.Plain p -> veth(port);
            case Testbed.Link.Shaped s -> {
                veth(port);
                tbf(ns, "eth0", s.mbit());
                tbf(bed.hub, port, s.mbit());
            }
            case Testbed.Link.Emulated e -> {
                // The TAPs are made and opened here (root namespace), then moved: the open fds follow them.
                String a = "sta" + index + bed.suffix, b = "stb" + index + bed.suffix;
                int fdA = Libc.openTap(a);
                int fdB;
                try {
                    fdB = Libc.openTap(b);
                } catch (IOException ex) {
                    Libc.close(fdA);
                    throw ex;
                }
                wire = new Wire(fdA, fdB, 0, 0, ns);
                wire.set(e.rttMillis(), e.mbit());
                Sh.run("ip", "link", "set", a, "netns", ns);
                Sh.run("ip", "-n", ns, "link", "set", a, "name", "eth0");
                Sh.run("ip", "link", "set", b, "netns", bed.hub);
                Sh.run("ip", "-n", bed.hub, "link", "set", b, "name", port);
            }
        }
        Sh.run("ip", "-n", bed.hub, "link", "set", port, "master", "br0");
        Sh.run("ip", "-n", bed.hub, "link", "set", port, "up");
        Sh.run("ip", "-n", ns, "addr", "add", ip + "/24", "dev", "eth0");
        Sh.run("ip", "-n", ns, "link", "set", "eth0", "up");
    }

    private void veth(String port) throws IOException {
        Sh.run("ip", "-n", ns, "link", "add", "eth0", "type", "veth", "peer", "name", port, "netns", bed.hub);
    }

    private static void tbf(String ns, String dev, double mbit) throws IOException {
        // burst: at least 2 ms of traffic so the token bucket does not starve at kernel timer granularity
        long burst = Math.max(32 * 1024, (long) (mbit * 1e6 / 8 * 0.002));
        Sh.run("ip", "netns", "exec", ns, "tc", "qdisc", "replace", "dev", dev, "root", "tbf", "rate", mbit + "mbit",
                "burst", String.valueOf(burst), "latency", "100ms");
    }

    /** Shapes a veth link with tbf at {@code mbit} both ways (replacing any shaping before). */
    public void shape(double mbit) throws IOException {
        if (link instanceof Testbed.Link.Emulated) throw new IllegalStateException(ns + " has an emulated link: use setLink");
        tbf(ns, "eth0", mbit);
        tbf(bed.hub, "p" + index, mbit);
    }

    /** Changes an emulated link: RTT in ms, rate in Mbit/s. */
    public void setLink(double rttMillis, double mbit) {
        requireWire().set(rttMillis, mbit);
    }

    /** Drops every frame in both directions (netem loss 100%) until {@link #heal}. */
    public void partition() {
        requireWire().cut = true;
    }

    public void heal() {
        requireWire().cut = false;
    }

    public long framesDropped() { return wire == null ? 0 : wire.framesDropped(); }

    private Wire requireWire() {
        if (wire == null) throw new IllegalStateException(ns + " has no emulated link: create it with Link.Emulated");
        return wire;
    }

    /**
     * A command line that runs {@code cmd} inside this network namespace, and inside this node's CPU
     * group when {@link #limitCpu} made one (the shell joins it, then execs). nsenter rather than
     * {@code ip netns exec}: that one also unshares the mount namespace, and a daemon there would
     * make its FUSE mounts where {@code container boot} and systemd-nspawn cannot see them.
     */
    public synchronized List<String> exec(List<String> cmd) {
        List<String> all = new java.util.ArrayList<>();
        if (cpuGroup != null) all.addAll(List.of("sh", "-c", "echo $$ > \"$0\" && exec \"$@\"", cpuGroup.resolve("cgroup.procs").toString()));
        all.addAll(List.of("nsenter", "--net=/run/netns/" + ns, "--"));
        all.addAll(cmd);
        return all;
    }

    /**
     * Gives this node {@code cores} of CPU and no more (a cgroup with a CFS quota over 10 ms periods),
     * as if it were a machine of that size; its daemons already running are moved in, and processes
     * started later through {@link #exec} join it. On a 2-core box, 17 daemons otherwise share both
     * cores, so "one host alone" would have 17 times the CPU of a host of the swarm.
     */
    public synchronized void limitCpu(double cores) throws IOException {
        if (cpuGroup == null) cpuGroup = CpuGroups.create("spore-" + ns);
        CpuGroups.setQuota(cpuGroup, cores);
        for (SporeDaemon d : bed.daemonsOn(this)) if (d.isAlive()) CpuGroups.move(d.pid(), cpuGroup);
    }

    /** The cgroup {@link #limitCpu} made, or null. */
    synchronized Path cpuGroup() { return cpuGroup; }

    /** Undoes {@link #limitCpu}: its processes go back to the parent group and the group is removed. */
    public synchronized void unlimitCpu() throws IOException {
        if (cpuGroup == null) return;
        CpuGroups.remove(cpuGroup);
        cpuGroup = null;
    }

    public SporeDaemon daemon(String name, List<String> bootstrap, String extraYaml) throws IOException {
        SporeDaemon d = new SporeDaemon(this, name, extraYaml);
        bed.register(d);
        d.start(bootstrap);
        return d;
    }

    /**
     * Starts a {@link LyingPeer} ({@code mode}: wrong-blocks or slow-drip) in this namespace, serving
     * the blocks of {@code dataDir}; returns its address. The testbed kills it, by pid, when it closes.
     */
    public String liar(String mode, Path dataDir) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow(() -> new IOException("cannot tell which java runs this test"));
        Process p = new ProcessBuilder(exec(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                LyingPeer.class.getName(), mode, dataDir.toString(), ip)))
                .redirectError(ProcessBuilder.Redirect.appendTo(bed.dir.resolve("liar-" + index + ".log").toFile())).start();
        bed.onClose(() -> {
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        String address = Sh.firstLine(new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)), 60);
        if (address == null) throw new IOException("the lying peer did not start in " + ns + ": see " + bed.dir.resolve("liar-" + index + ".log"));
        return address;
    }

    void destroy(List<String> errors) {
        if (wire != null) wire.close();
        try {
            unlimitCpu();
        } catch (IOException e) {
            errors.add(e.getMessage());
        }
        Sh.quietly(errors, "ip", "netns", "del", ns);
    }
}
