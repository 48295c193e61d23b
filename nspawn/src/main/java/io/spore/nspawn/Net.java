package io.spore.nspawn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Container networking, all from the host side so it works whatever init the image runs: one
 * bridge, a veth pair per machine whose inner end ({@code host0}) lives in a network namespace
 * made for the machine before boot (systemd-nspawn joins it), NAT to the outside with an
 * nftables table of our own, and the host's nameservers.
 */
final class Net {
    static final Path RUN_NETNS = Path.of("/run/netns");
    private final ProcessRunner runner;

    Net(ProcessRunner runner) {
        this.runner = runner;
    }

    static String checkBridgeName(String bridge) {
        if (bridge == null || !bridge.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,14}")) {
            throw new NspawnException("bridge name '" + bridge + "' is not an interface name: use up to 15 letters, digits, '-', '_' or '.', such as spore0");
        }
        return bridge;
    }

    static String netns(String netId) { return "spore-" + netId; }

    static String hostVeth(String netId) { return "sp" + netId; }

    static Path netnsPath(String netId) { return RUN_NETNS.resolve(netns(netId)); }

    static String natTable(String bridge) { return "spore_" + bridge.replaceAll("[^A-Za-z0-9_]", "_"); }

    /** Makes the bridge with the pool's gateway address when it is not there yet. */
    void ensureBridge(String bridge, AddressPool pool) {
        String clash = overlappingRoute(runner.run(List.of("ip", "-4", "-o", "route", "show")).out(), pool, bridge);
        if (clash != null) {
            throw new NspawnException("address pool " + pool.cidr() + " overlaps the host's route '" + clash
                    + "': configure another pool (--pool or SPORE_POOL)");
        }
        if (!runner.run(List.of("ip", "link", "show", "dev", bridge)).ok()) {
            runner.check(List.of("ip", "link", "add", "name", bridge, "type", "bridge"));
        }
        String addrs = runner.check(List.of("ip", "-4", "-o", "addr", "show", "dev", bridge)).out();
        String gw = pool.gateway() + "/" + pool.prefix();
        if (!addrs.contains(" " + gw + " ")) {
            runner.check(List.of("ip", "addr", "add", gw, "dev", bridge));
        }
        runner.check(List.of("ip", "link", "set", "dev", bridge, "up"));
    }

    /** The first route of another interface whose network overlaps the pool, or null. */
    static String overlappingRoute(String routes, AddressPool pool, String bridge) {
        for (String line : routes.split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length < 3 || f[0].equals("default")) continue;
            int dev = java.util.Arrays.asList(f).indexOf("dev");
            if (dev < 0 || dev + 1 >= f.length || f[dev + 1].equals(bridge)) continue;
            try {
                if (pool.overlaps(f[0])) return line.strip();
            } catch (RuntimeException e) {
                // not an IPv4 network (broadcast, local...): cannot clash
            }
        }
        return null;
    }

    /** Outbound NAT for the pool, and forwarding; the table is ours alone, dropped with the last machine. */
    void ensureNat(String bridge, AddressPool pool) {
        try {
            Files.writeString(Path.of("/proc/sys/net/ipv4/ip_forward"), "1");
        } catch (IOException e) {
            throw new NspawnException("cannot enable IPv4 forwarding: " + e.getMessage() + ": run as root", e);
        }
        String table = natTable(bridge);
        if (runner.run(List.of("nft", "list", "table", "ip", table)).ok()) return;
        String script = """
                table ip %1$s {
                  chain postrouting {
                    type nat hook postrouting priority srcnat; policy accept;
                    ip saddr %2$s oifname != "%3$s" masquerade
                  }
                  chain forward {
                    type filter hook forward priority filter; policy accept;
                    iifname "%3$s" accept
                    oifname "%3$s" ct state established,related accept
                  }
                }
                """.formatted(table, pool.cidr(), bridge);
        runner.check(List.of("nft", "-f", "-"), script);
    }

    /** The machine's veth pair and network namespace, addressed and routed, before boot. */
    void addMachine(String netId, String bridge, String address, AddressPool pool) {
        String ns = netns(netId);
        String veth = hostVeth(netId);
        removeMachine(netId); // leftovers of a crash would make every step below fail
        try {
            runner.check(List.of("ip", "netns", "add", ns));
            runner.check(List.of("ip", "link", "add", "name", veth, "type", "veth", "peer", "name", "host0", "netns", ns));
            runner.check(List.of("ip", "link", "set", "dev", veth, "master", bridge));
            runner.check(List.of("ip", "link", "set", "dev", veth, "up"));
            runner.check(List.of("ip", "-n", ns, "link", "set", "dev", "lo", "up"));
            runner.check(List.of("ip", "-n", ns, "addr", "add", address + "/" + pool.prefix(), "dev", "host0"));
            runner.check(List.of("ip", "-n", ns, "link", "set", "dev", "host0", "up"));
            runner.check(List.of("ip", "-n", ns, "route", "add", "default", "via", pool.gateway()));
        } catch (RuntimeException e) {
            removeMachine(netId);
            throw e;
        }
    }

    /** Deleting the namespace deletes host0 and with it the host end of the pair. */
    void removeMachine(String netId) {
        if (Files.exists(netnsPath(netId))) runner.run(List.of("ip", "netns", "del", netns(netId)));
        if (runner.run(List.of("ip", "link", "show", "dev", hostVeth(netId))).ok()) {
            runner.run(List.of("ip", "link", "del", "dev", hostVeth(netId)));
        }
    }

    /** Removes the NAT table and the bridge: called when no machine on this bridge remains. */
    void removeShared(String bridge) {
        String table = natTable(bridge);
        if (runner.run(List.of("nft", "list", "table", "ip", table)).ok()) {
            runner.run(List.of("nft", "delete", "table", "ip", table));
        }
        if (runner.run(List.of("ip", "link", "show", "dev", bridge)).ok()) {
            runner.run(List.of("ip", "link", "del", "dev", bridge));
        }
    }

    /**
     * The host's resolv.conf for a machine: loopback nameservers (a local stub resolver such as
     * systemd-resolved's 127.0.0.53) mean nothing inside the machine's own network, so they go.
     */
    static String resolvConf(String hostResolv) {
        List<String> keep = new ArrayList<>();
        boolean anyServer = false;
        for (String line : hostResolv.split("\n")) {
            String t = line.strip();
            if (t.startsWith("nameserver")) {
                String[] f = t.split("\\s+");
                if (f.length < 2 || f[1].startsWith("127.") || f[1].equals("::1")) continue;
                anyServer = true;
            }
            if (t.startsWith("search") || t.startsWith("domain") || t.startsWith("options") || t.startsWith("nameserver")) {
                keep.add(t);
            }
        }
        StringBuilder sb = new StringBuilder("# written by spore from the host's resolv.conf\n");
        keep.forEach(l -> sb.append(l).append('\n'));
        if (!anyServer) sb.append("# the host has only loopback nameservers, which the machine cannot reach\n");
        return sb.toString();
    }
}
