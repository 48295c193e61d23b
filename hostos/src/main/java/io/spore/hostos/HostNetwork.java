package io.spore.hostos;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The laptop's side of the VM's network: a bridge with an address, a tap device on it for qemu,
 * dnsmasq giving out addresses (its leases file is how we find the VM), and optionally NAT so the
 * VM reaches peers beyond the laptop.
 */
final class HostNetwork {
    /** An IPv4 network given as the bridge's address, e.g. 10.77.0.1/24. */
    record Subnet(int gateway, int prefix) {
        static Subnet parse(String cidr) {
            String[] p = cidr.split("/");
            if (p.length != 2 || !Leases.isIpv4(p[0]) || !p[1].matches("\\d{1,2}")) {
                throw new HostOsException("'" + cidr + "' is not an address with a prefix: give one like 10.77.0.1/24");
            }
            int prefix = Integer.parseInt(p[1]);
            if (prefix < 8 || prefix > 29) throw new HostOsException("prefix /" + prefix + " of " + cidr + ": use /8 to /29");
            int a = 0;
            for (String o : p[0].split("\\.")) a = a << 8 | Integer.parseInt(o);
            return new Subnet(a, prefix);
        }

        int mask() { return (int) (0xffffffffL << (32 - prefix)); }

        String gatewayIp() { return ip(gateway); }

        String network() { return ip(gateway & mask()) + "/" + prefix; }

        /** The host part after the gateway up to the last address before broadcast. */
        String rangeStart() { return ip((gateway & mask()) + Math.max(2, (gateway & ~mask()) + 1)); }

        String rangeEnd() { return ip((gateway | ~mask()) - 1); }

        static String ip(int a) { return (a >>> 24) + "." + (a >>> 16 & 255) + "." + (a >>> 8 & 255) + "." + (a & 255); }
    }

    private HostNetwork() {}

    static boolean linkExists(String name) {
        return Files.exists(Path.of("/sys/class/net", name));
    }

    /** Creates the bridge with the gateway address unless it exists. */
    static void ensureBridge(String bridge, Subnet net) {
        if (!linkExists(bridge)) {
            Exec.run(List.of("ip", "link", "add", bridge, "type", "bridge"));
        }
        String addrs = Exec.run(List.of("ip", "-4", "-o", "addr", "show", "dev", bridge));
        if (!addrs.contains(" " + net.gatewayIp() + "/")) {
            Exec.run(List.of("ip", "addr", "add", net.gatewayIp() + "/" + net.prefix(), "dev", bridge));
        }
        Exec.run(List.of("ip", "link", "set", bridge, "up"));
    }

    /** A new tap device on the bridge, named spore-tap-XXXX (interface names hold 15 bytes). */
    static String addTap(String bridge) {
        String tap = "sporetap" + Integer.toHexString(0x10000 + ThreadLocalRandom.current().nextInt(0xf0000)).substring(1);
        Exec.run(List.of("ip", "tuntap", "add", "dev", tap, "mode", "tap"));
        Exec.run(List.of("ip", "link", "set", tap, "master", bridge, "up"));
        return tap;
    }

    static void deleteLink(String name) {
        if (name != null && linkExists(name)) Exec.tryRun(List.of("ip", "link", "del", name), 10);
    }

    /**
     * dnsmasq on the bridge only: DHCP, with the leases file we watch, and DNS for the VM on the
     * gateway address. It daemonizes and writes its pid file.
     */
    static void startDnsmasq(String bridge, Subnet net, Path leases, Path pidFile, Path log) {
        List<String> cmd = new ArrayList<>(List.of("dnsmasq", "--conf-file=/dev/null", "--interface=" + bridge,
                "--bind-interfaces", "--except-interface=lo", "--listen-address=" + net.gatewayIp(),
                "--dhcp-range=" + net.rangeStart() + "," + net.rangeEnd() + "," + Subnet.ip(net.mask()) + ",12h",
                "--dhcp-leasefile=" + leases, "--dhcp-authoritative", "--pid-file=" + pidFile,
                "--log-facility=" + log, "--log-dhcp", "--user=nobody", "--group=nogroup"));
        Exec.run(cmd);
    }

    /** Masquerade the VM's traffic out of the laptop (the VM needs the network to find peers). */
    static void enableNat(String bridge, Subnet net) {
        try {
            Files.writeString(Path.of("/proc/sys/net/ipv4/ip_forward"), "1\n");
        } catch (java.io.IOException e) {
            throw new HostOsException("cannot enable IPv4 forwarding (" + e.getMessage() + "): run as root or pass --no-nat");
        }
        String table = natTable(bridge);
        Exec.tryRun(List.of("nft", "delete", "table", "ip", table), 10);
        Exec.run(List.of("nft", "add table ip " + table + " ; add chain ip " + table
                + " post { type nat hook postrouting priority srcnat ; } ; add rule ip " + table + " post ip saddr "
                + net.network() + " oifname != \"" + bridge + "\" masquerade"));
    }

    static void disableNat(String bridge) {
        Exec.tryRun(List.of("nft", "delete", "table", "ip", natTable(bridge)), 10);
    }

    private static String natTable(String bridge) {
        return "spore_vm_" + bridge.replaceAll("[^A-Za-z0-9_]", "_");
    }
}
