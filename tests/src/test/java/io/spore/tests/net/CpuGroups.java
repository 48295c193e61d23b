package io.spore.tests.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU-limited cgroups for {@link Node#limitCpu}, on the cgroup v1 {@code cpu} controller or on
 * cgroup v2 (whichever this machine mounts). Groups are made directly under the controller's root
 * and removed again by {@link #remove}.
 */
final class CpuGroups {
    private static final Path V1 = Path.of("/sys/fs/cgroup/cpu");
    private static final Path V2 = Path.of("/sys/fs/cgroup");
    private static final long PERIOD_US = 10_000;

    private CpuGroups() {}

    private static boolean v1() { return Files.isRegularFile(V1.resolve("cpu.cfs_quota_us")); }

    static Path create(String name) throws IOException {
        Path root;
        if (v1()) {
            root = V1;
        } else if (Files.isRegularFile(V2.resolve("cgroup.controllers"))
                && Files.readString(V2.resolve("cgroup.controllers")).contains("cpu")) {
            root = V2;
            if (!Files.readString(V2.resolve("cgroup.subtree_control")).contains("cpu")) {
                Files.writeString(V2.resolve("cgroup.subtree_control"), "+cpu");
            }
        } else {
            throw new IOException("no CPU cgroup controller under /sys/fs/cgroup (neither v1 cpu nor v2 with cpu): "
                    + "a per-node CPU limit needs one; mount cgroup2 or the v1 cpu controller, or run without the limit");
        }
        Path g = root.resolve(name);
        Files.createDirectories(g);
        return g;
    }

    static void setQuota(Path group, double cores) throws IOException {
        if (!(cores > 0)) throw new IllegalArgumentException("a CPU limit must be above 0 cores, not " + cores);
        long quota = Math.max(1000, Math.round(cores * PERIOD_US));
        if (Files.isRegularFile(group.resolve("cpu.cfs_quota_us"))) {
            Files.writeString(group.resolve("cpu.cfs_period_us"), String.valueOf(PERIOD_US));
            Files.writeString(group.resolve("cpu.cfs_quota_us"), String.valueOf(quota));
        } else {
            Files.writeString(group.resolve("cpu.max"), quota + " " + PERIOD_US);
        }
    }

    /** Moves process {@code pid}, all its threads, into {@code group}. */
    static void move(long pid, Path group) throws IOException {
        Files.writeString(group.resolve("cgroup.procs"), String.valueOf(pid));
    }

    /** Moves what is left in {@code group} to its parent, then removes the group. */
    static void remove(Path group) throws IOException {
        if (!Files.isDirectory(group)) return;
        List<String> pids = Files.readAllLines(group.resolve("cgroup.procs"));
        for (String pid : pids) {
            if (pid.isBlank()) continue;
            try {
                move(Long.parseLong(pid.trim()), group.getParent());
            } catch (IOException e) {
                // the process ended meanwhile
            }
        }
        try {
            Files.delete(group);
        } catch (IOException e) {
            throw new IOException("cannot remove the CPU group " + group + " (" + e + "): move its processes out and rmdir it", e);
        }
    }
}
