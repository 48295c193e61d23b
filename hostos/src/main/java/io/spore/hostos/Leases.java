package io.spore.hostos;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Reads the leases files of the two DHCP servers a laptop runs for its VMs: dnsmasq's
 * ({@code --dhcp-leasefile}, Linux) and bootpd's {@code /var/db/dhcpd_leases} (macOS vmnet).
 * Malformed lines and blocks are skipped, never fatal: the files are rewritten while we read.
 */
public final class Leases {
    /** More than any leases file a laptop holds; a longer one is cut there. */
    static final int MAX_LEASES = 4096;

    private Leases() {}

    /**
     * dnsmasq: one lease per line, {@code <expiry> <mac> <ip> <hostname|*> <client-id|*>}; DHCPv6
     * leases follow a {@code duid} line and carry no MAC, so they are left out.
     */
    public static List<Lease> parseDnsmasq(String text) {
        List<Lease> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (out.size() >= MAX_LEASES) break;
            String[] f = line.strip().split("\\s+");
            if (f.length < 4 || f[0].equals("duid")) continue;
            long expiry = parseLong(f[0], 10);
            String mac = normalizeMac(f[1]);
            if (expiry < 0 || mac == null || !isIpv4(f[2])) continue;
            out.add(new Lease(f[3].equals("*") ? null : f[3], f[2], mac, expiry));
        }
        return out;
    }

    /**
     * macOS bootpd: {@code { ... }} blocks of {@code key=value} lines: {@code name},
     * {@code ip_address}, {@code hw_address=1,52:54:0:a:b:c} (leading zeros dropped) and
     * {@code lease=0x...} (hex expiry).
     */
    public static List<Lease> parseMacos(String text) {
        List<Lease> out = new ArrayList<>();
        String name = null, ip = null, mac = null;
        long expiry = 0;
        boolean inBlock = false;
        for (String raw : text.split("\n")) {
            if (out.size() >= MAX_LEASES) break;
            String line = raw.strip();
            if (line.equals("{")) {
                inBlock = true;
                name = ip = mac = null;
                expiry = 0;
            } else if (line.equals("}")) {
                if (inBlock && ip != null && isIpv4(ip)) out.add(new Lease(name, ip, mac, expiry));
                inBlock = false;
            } else if (inBlock) {
                int eq = line.indexOf('=');
                if (eq <= 0) continue;
                String k = line.substring(0, eq), v = line.substring(eq + 1);
                switch (k) {
                    case "name" -> name = v.isEmpty() ? null : v;
                    case "ip_address" -> ip = v;
                    case "hw_address" -> mac = normalizeMac(v.substring(v.indexOf(',') + 1));
                    case "lease" -> expiry = Math.max(0, v.startsWith("0x") ? parseLong(v.substring(2), 16) : parseLong(v, 10));
                    default -> { }
                }
            }
        }
        return out;
    }

    /** Either format, told apart by the first non-blank character ({@code {} starts a bootpd file). */
    public static List<Lease> parse(String text) {
        return text.stripLeading().startsWith("{") ? parseMacos(text) : parseDnsmasq(text);
    }

    /**
     * The VM's lease: by MAC when given (unique, unlike a hostname: HyperOS trusted the name and
     * took the last match), else by hostname; the newest lease wins.
     */
    public static Optional<Lease> find(List<Lease> leases, String hostname, String mac) {
        String m = mac == null ? null : normalizeMac(mac);
        return leases.stream()
                .filter(l -> m != null ? m.equals(l.mac()) : hostname != null && hostname.equalsIgnoreCase(l.hostname()))
                .max(Comparator.comparingLong(Lease::expiry));
    }

    /** {@code 52:54:0:A:b:c} -> {@code 52:54:00:0a:0b:0c}; null if it is not six hex octets. */
    static String normalizeMac(String s) {
        String[] p = s.split("[:-]");
        if (p.length != 6) return null;
        StringBuilder b = new StringBuilder(17);
        for (String o : p) {
            long v = parseLong(o, 16);
            if (o.isEmpty() || o.length() > 2 || v < 0) return null;
            if (!b.isEmpty()) b.append(':');
            b.append(HexFormat.of().toHexDigits((byte) v));
        }
        return b.toString();
    }

    static boolean isIpv4(String s) {
        String[] p = s.split("\\.", -1);
        if (p.length != 4) return false;
        for (String o : p) {
            if (o.isEmpty() || o.length() > 3) return false;
            long v = parseLong(o, 10);
            if (v < 0 || v > 255) return false;
        }
        return true;
    }

    /** A non-negative number, or -1 (no exceptions on the hot path of a poll loop). */
    private static long parseLong(String s, int radix) {
        if (s.isEmpty() || s.length() > 16) return -1;
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            int d = Character.digit(s.charAt(i), radix);
            if (d < 0) return -1;
            v = v * radix + d;
        }
        return v;
    }
}
