package io.spore.nspawn;

import java.util.Set;

/**
 * An IPv4 pool such as {@code 10.77.0.0/24}: the first host address is the bridge (the
 * machines' gateway), the rest go to machines; the network and broadcast addresses never do.
 */
record AddressPool(int network, int prefix) {
    AddressPool {
        if (prefix < 8 || prefix > 30) {
            throw new NspawnException("address pool /" + prefix + " is out of range: give a prefix from /8 to /30, such as 10.77.0.0/24");
        }
        if ((network & ~mask(prefix)) != 0) {
            throw new NspawnException("address pool " + format(network) + "/" + prefix
                    + " has host bits set: give the network address, " + format(network & mask(prefix)) + "/" + prefix);
        }
    }

    /** True when the network {@code cidr} (any prefix, host bits ignored; no prefix: one address) shares addresses with the pool. */
    boolean overlaps(String cidr) {
        String[] p = cidr.split("/");
        int otherPrefix = p.length > 1 ? Integer.parseInt(p[1]) : 32;
        int m = mask(Math.min(prefix, otherPrefix));
        return (network & m) == (parseIp(p[0]) & m);
    }

    static AddressPool parse(String cidr) {
        String[] p = cidr.strip().split("/");
        try {
            if (p.length != 2) throw new IllegalArgumentException();
            return new AddressPool(parseIp(p[0]), Integer.parseInt(p[1]));
        } catch (IllegalArgumentException e) {
            throw new NspawnException("'" + cidr + "' is not an IPv4 network: give one such as 10.77.0.0/24");
        }
    }

    static int parseIp(String s) {
        String[] q = s.split("\\.");
        if (q.length != 4) throw new IllegalArgumentException(s);
        int v = 0;
        for (String x : q) {
            int b = Integer.parseInt(x);
            if (b < 0 || b > 255) throw new IllegalArgumentException(s);
            v = (v << 8) | b;
        }
        return v;
    }

    static String format(int ip) {
        return (ip >>> 24) + "." + ((ip >>> 16) & 255) + "." + ((ip >>> 8) & 255) + "." + (ip & 255);
    }

    private static int mask(int prefix) {
        return prefix == 0 ? 0 : -1 << (32 - prefix);
    }

    String gateway() { return format(network + 1); }

    String cidr() { return format(network) + "/" + prefix; }

    int size() { return (1 << (32 - prefix)) - 3; }

    boolean contains(String ip) {
        try {
            return (parseIp(ip) & mask(prefix)) == network;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The lowest free machine address. */
    String allocate(Set<String> used) {
        int last = network + (1 << (32 - prefix)) - 2;
        for (int a = network + 2; a <= last; a++) {
            String s = format(a);
            if (!used.contains(s)) return s;
        }
        throw new NspawnException("address pool " + cidr() + " is used up (" + size()
                + " machines): remove a machine with 'container rm' or configure a larger pool");
    }
}
