package io.spore.tests.net;

import io.spore.tests.Launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Network namespaces joined to a bridge in a hub namespace, one link each, and Spore daemons started
 * inside them as separate processes. Every name carries a random suffix; {@link #close} removes
 * everything (daemons killed by pid, wires closed, namespaces and the work directory deleted), also
 * when a test failed, and a shutdown hook does the same if the JVM is interrupted.
 */
public final class Testbed implements AutoCloseable {
    private static final Set<Testbed> OPEN = Collections.synchronizedSet(new LinkedHashSet<>());

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Testbed t : List.copyOf(OPEN)) t.close();
        }));
    }

    /** How a node is linked to the hub. */
    public sealed interface Link {
        /** A veth pair, no shaping. */
        record Plain() implements Link {}

        /** A veth pair shaped with {@code tc qdisc tbf} at {@code mbit} in both directions. */
        record Shaped(double mbit) implements Link {}

        /** Two TAP devices joined by a {@link Wire}: delay and rate, netem-style, changeable at run time. */
        record Emulated(double rttMillis, double mbit) implements Link {}
    }

    final String suffix;
    final String hub;
    final Path dir;
    private final List<Node> nodes = new ArrayList<>();
    private final List<SporeDaemon> daemons = new ArrayList<>();
    private final List<Path> mounts = new ArrayList<>();
    private final List<Runnable> onClose = new ArrayList<>();
    private boolean closed;

    private Testbed() throws IOException {
        suffix = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
        hub = "sph-" + suffix;
        dir = Files.createTempDirectory(Path.of("/tmp"), "spt" + suffix);
    }

    /** True when this process can make namespaces (root, ip, /dev/net/tun). */
    public static boolean available() {
        return "root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/sbin/ip"))
                && Files.exists(Path.of("/dev/net/tun"));
    }

    public static Testbed create() throws IOException {
        Testbed t = new Testbed();
        OPEN.add(t);
        try {
            Sh.run("ip", "netns", "add", t.hub);
            Sh.run("ip", "-n", t.hub, "link", "add", "br0", "type", "bridge");
            Sh.run("ip", "-n", t.hub, "link", "set", "br0", "up");
            Sh.run("ip", "-n", t.hub, "link", "set", "lo", "up");
            return t;
        } catch (IOException | RuntimeException e) {
            t.close();
            throw e;
        }
    }

    public Path dir() { return dir; }

    /** The random suffix every system-wide name of this testbed carries. */
    public String suffix() { return suffix; }

    /** Clean-up to run first when the testbed closes (machines to remove, say), newest first. */
    public synchronized void onClose(Runnable r) { onClose.add(r); }

    /** A new namespace with one link to the hub and address 10.77.0.(n+1)/24. */
    public synchronized Node node(Link link) throws IOException {
        int i = nodes.size() + 1;
        if (i > 250) throw new IllegalStateException("at most 250 nodes per testbed");
        Node n = new Node(this, i, "spn" + i + "-" + suffix, "10.77.0." + (i + 1), link);
        nodes.add(n);
        n.create();
        return n;
    }

    /** A tmpfs of {@code size} (mount's syntax: 24m) at {@code dir} under this testbed; unmounted by {@link #close}. */
    public synchronized Path tmpfs(String name, String size) throws IOException {
        Path p = Files.createDirectories(dir.resolve(name));
        Sh.run("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "spore-test-" + suffix, p.toString());
        mounts.add(p);
        return p;
    }

    /** Changes the size of a tmpfs made by {@link #tmpfs}. */
    public void resize(Path tmpfs, String size) throws IOException {
        Sh.run("mount", "-o", "remount,size=" + size, tmpfs.toString());
    }

    synchronized void register(SporeDaemon d) { daemons.add(d); }

    synchronized List<SporeDaemon> daemonsOn(Node n) { return daemons.stream().filter(d -> d.node == n).toList(); }

    public synchronized List<Node> nodes() { return List.copyOf(nodes); }

    /** Mount points under {@code dir}, in mount order (from /proc/self/mountinfo). */
    static List<String> mountsUnder(Path dir) {
        List<String> out = new ArrayList<>();
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = l.split(" ");
                if (f.length > 4 && f[4].startsWith(dir + "/")) out.add(f[4]);
            }
        } catch (IOException e) {
            // no /proc: nothing to clean up
        }
        return out;
    }

    /** The checkout's ./container. */
    public static Path container() { return Launcher.root().resolve("container"); }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        List<String> errors = new ArrayList<>();
        for (Runnable r : onClose.reversed()) {
            try {
                r.run();
            } catch (RuntimeException e) {
                errors.add(e.toString());
            }
        }
        for (SporeDaemon d : daemons) d.terminate();
        for (SporeDaemon d : daemons) {
            try {
                d.stop();
            } catch (Exception e) {
                errors.add("stopping " + d.name + ": " + e);
            }
        }
        // FUSE mounts a killed daemon left behind, deepest first, then our tmpfs
        for (String m : mountsUnder(dir).reversed()) if (!mounts.contains(Path.of(m))) Sh.quietly(errors, "umount", "-l", m);
        for (Path m : mounts) Sh.quietly(errors, "umount", m.toString());
        for (Node n : nodes) n.destroy(errors);
        Sh.quietly(errors, "ip", "netns", "del", hub);
        Sh.quietly(errors, "rm", "-rf", "--one-file-system", dir.toString());
        OPEN.remove(this);
        if (!errors.isEmpty()) System.err.println("testbed " + suffix + " clean-up: " + String.join("; ", errors));
    }
}
