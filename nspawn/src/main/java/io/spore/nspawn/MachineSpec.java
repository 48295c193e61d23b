package io.spore.nspawn;

import java.util.List;
import java.util.Objects;

/**
 * What a new machine gets.
 *
 * @param label    what it was booted from, shown by {@code ls} (an image key or a directory)
 * @param memoryBytes memory limit in bytes, 0 for none (needs the cgroup v2 memory controller)
 * @param cpus     CPU limit in CPUs (1.5 = one and a half), 0 for none (needs the cgroup v2 cpu controller)
 * @param binds    {@code SRC:DST} or {@code SRC} host directories bound into the machine
 * @param network  {@link NetworkMode#BRIDGE} (own address) or {@link NetworkMode#HOST}
 * @param sshKeys  public keys (one {@code authorized_keys} line each) for root
 */
public record MachineSpec(String label, long memoryBytes, double cpus, List<String> binds,
                          NetworkMode network, List<String> sshKeys) {
    public MachineSpec {
        Objects.requireNonNull(network, "network");
        label = label == null ? "" : label;
        binds = List.copyOf(binds == null ? List.of() : binds);
        sshKeys = List.copyOf(sshKeys == null ? List.of() : sshKeys);
        if (memoryBytes < 0) throw new NspawnException("memory limit " + memoryBytes + " is negative: give a size such as 512M or 2G");
        if (cpus < 0 || Double.isNaN(cpus)) throw new NspawnException("cpu limit " + cpus + " is not a positive number: give a count such as 1 or 0.5");
    }

    /** A bridged machine with no limits, binds or keys. */
    public static MachineSpec of(String label) {
        return new MachineSpec(label, 0, 0, List.of(), NetworkMode.BRIDGE, List.of());
    }

    public MachineSpec withSshKeys(List<String> keys) {
        return new MachineSpec(label, memoryBytes, cpus, binds, network, keys);
    }

    public MachineSpec withNetwork(NetworkMode mode) {
        return new MachineSpec(label, memoryBytes, cpus, binds, mode, sshKeys);
    }

    /** Parses sizes such as {@code 512M}, {@code 2G}, {@code 1048576}. */
    public static long parseSize(String s) {
        String t = s.strip().toUpperCase(java.util.Locale.ROOT);
        if (t.endsWith("B")) t = t.substring(0, t.length() - 1);
        long mult = 1;
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'K' -> mult = 1L << 10;
                case 'M' -> mult = 1L << 20;
                case 'G' -> mult = 1L << 30;
                case 'T' -> mult = 1L << 40;
                default -> mult = 1;
            }
            if (mult != 1) t = t.substring(0, t.length() - 1);
        }
        try {
            long v = Long.parseLong(t);
            if (v <= 0) throw new NumberFormatException();
            return Math.multiplyExact(v, mult);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new NspawnException("'" + s + "' is not a size: give one such as 512M or 2G");
        }
    }
}
