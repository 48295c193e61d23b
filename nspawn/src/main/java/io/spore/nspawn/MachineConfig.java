package io.spore.nspawn;

import java.util.List;

/**
 * What {@code <data-dir>/machines/<name>/config.json} holds. A running machine is named by
 * the pid of its systemd-nspawn plus that process's start time, so a restarted manager finds it
 * again and never mistakes a reused pid for it; the container's init (leader) is kept the same
 * way once known, so it can be killed even if nspawn itself died.
 */
record MachineConfig(String name, String label, String lowerDir, NetworkMode network, String bridge,
                     String pool, String address, String netId, long memoryBytes, double cpus,
                     List<String> binds, long pid, long pidStartTicks, long startedAtMillis,
                     long leaderPid, long leaderStartTicks) {
    MachineConfig {
        binds = binds == null ? List.of() : List.copyOf(binds);
    }

    MachineConfig running(long pid, long ticks, long at) {
        return new MachineConfig(name, label, lowerDir, network, bridge, pool, address, netId, memoryBytes, cpus, binds,
                pid, ticks, at, 0, 0);
    }

    MachineConfig withLeader(long leader, long ticks) {
        return new MachineConfig(name, label, lowerDir, network, bridge, pool, address, netId, memoryBytes, cpus, binds,
                pid, pidStartTicks, startedAtMillis, leader, ticks);
    }

    MachineConfig stopped() {
        return running(0, 0, 0);
    }
}
