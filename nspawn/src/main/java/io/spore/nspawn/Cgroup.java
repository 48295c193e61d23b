package io.spore.nspawn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Memory and CPU limits without systemd: a cgroup v2 group per machine made by hand, which the
 * launcher joins before it execs systemd-nspawn, so the container inherits it from its first
 * instruction (nspawn's own --property needs systemd to create the scope).
 */
final class Cgroup {
    private Cgroup() {}

    /** The cgroup2 mount point, or null when the host has none. */
    static Path root() {
        try {
            Path best = null;
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] f = line.split(" ");
                if (f.length > 2 && f[2].equals("cgroup2")) {
                    Path p = Path.of(f[1]);
                    if (best == null || p.equals(Path.of("/sys/fs/cgroup"))) best = p;
                }
            }
            return best;
        } catch (IOException e) {
            return null;
        }
    }

    /** Makes {@code <cgroup2>/spore/<id>} with the limits set; throws when the controllers are missing. */
    static Path create(String id, long memoryBytes, double cpus) {
        Path root = root();
        String need = (memoryBytes > 0 ? "memory " : "") + (cpus > 0 ? "cpu" : "");
        if (root == null) {
            throw new NspawnException("--memory/--cpus need cgroup v2, which is not mounted: mount cgroup2 at /sys/fs/cgroup or drop the limits");
        }
        try {
            String have = Files.readString(root.resolve("cgroup.controllers"));
            List<String> enable = new ArrayList<>();
            if (memoryBytes > 0) enable.add("memory");
            if (cpus > 0) enable.add("cpu");
            for (String c : enable) {
                if (!List.of(have.strip().split("\\s+")).contains(c)) {
                    throw new NspawnException("the cgroup v2 " + c + " controller is not available at " + root
                            + " (it is bound to cgroup v1 on this host): boot with cgroup v2 only or drop " + (c.equals("cpu") ? "--cpus" : "--memory"));
                }
            }
            Path parent = root.resolve("spore");
            Files.createDirectories(parent);
            for (String c : enable) {
                Files.writeString(root.resolve("cgroup.subtree_control"), "+" + c);
                Files.writeString(parent.resolve("cgroup.subtree_control"), "+" + c);
            }
            Path cg = parent.resolve(id);
            Files.createDirectories(cg);
            if (memoryBytes > 0) Files.writeString(cg.resolve("memory.max"), Long.toString(memoryBytes));
            if (cpus > 0) Files.writeString(cg.resolve("cpu.max"), Math.max(1000, Math.round(cpus * 100_000)) + " 100000");
            return cg;
        } catch (IOException e) {
            throw new NspawnException("cannot set " + need.strip() + " limits in " + root + ": " + e.getMessage() + ": run as root on a cgroup v2 host", e);
        }
    }

    /** Prefixes argv with a constant script that joins {@code cg} and execs argv (arguments, not a shell string). */
    static List<String> wrap(Path cg, List<String> argv) {
        List<String> full = new ArrayList<>(List.of("sh", "-c", "echo $$ > \"$0/cgroup.procs\" && exec \"$@\"", cg.toString()));
        full.addAll(argv);
        return full;
    }

    static void remove(Path cg) {
        if (cg == null) return;
        try {
            // Only empty groups can go; nspawn may have left sub-groups behind.
            try (var s = Files.walk(cg)) {
                for (Path p : s.filter(Files::isDirectory).sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException ignored) {
            // still busy or already gone: nothing we can do now
        }
    }
}
