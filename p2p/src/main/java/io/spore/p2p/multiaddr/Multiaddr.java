package io.spore.p2p.multiaddr;

import io.spore.p2p.identity.PeerId;
import io.spore.p2p.multiformats.Base32;
import io.spore.p2p.multiformats.Varint;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A multiaddr (multiformats/multiaddr): text {@code /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW...} or
 * binary (repeated varint code + value). Supports ip4, ip6, tcp, udp, dns, dns4, dns6, dnsaddr, p2p
 * ({@code /ipfs/} accepted as an alias), and the value-less transport markers in {@link Protocol}.
 */
public final class Multiaddr {
    /** Multiaddrs are short; a bound keeps hostile input cheap to refuse. */
    static final int MAX_BYTES = 1024;
    /**
     * The text bound that admits every binary multiaddr within {@link #MAX_BYTES}: a value-less
     * protocol spells its 2-byte code in up to 14 characters ({@code /webrtc-direct}), the widest ratio.
     */
    static final int MAX_TEXT = MAX_BYTES * 7;
    /** A DNS name is at most 255 bytes (RFC 1035); both forms refuse longer ones, so either converts to the other. */
    private static final int MAX_NAME_BYTES = 255;

    /** One protocol and its value in binary form (empty for value-less protocols). */
    public record Component(Protocol protocol, byte[] value) {
        public String valueText() { return Multiaddr.valueToText(protocol, value); }
    }

    private final List<Component> components;
    private final byte[] bytes;

    private Multiaddr(List<Component> components) {
        this.components = List.copyOf(components);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Component c : components) {
            out.writeBytes(Varint.encode(c.protocol.code));
            if (c.protocol.size < 0) out.writeBytes(Varint.encode(c.value.length));
            out.writeBytes(c.value);
        }
        this.bytes = out.toByteArray();
    }

    public static Multiaddr parse(String text) {
        if (text == null || text.isEmpty() || text.charAt(0) != '/') {
            throw new IllegalArgumentException("not a multiaddr: '" + abbreviate(text) + "': it must start with '/', e.g. /ip4/127.0.0.1/tcp/4001");
        }
        if (text.length() > MAX_TEXT) throw new IllegalArgumentException("multiaddr longer than " + MAX_TEXT + " characters");
        String[] parts = text.split("/", -1);
        List<Component> cs = new ArrayList<>();
        int i = 1;
        int end = parts.length;
        if (end > 1 && parts[end - 1].isEmpty()) end--; // a trailing '/' is tolerated
        while (i < end) {
            Protocol p = Protocol.byName(parts[i]);
            if (p == null) throw new IllegalArgumentException("unknown multiaddr protocol '" + parts[i] + "' in " + abbreviate(text));
            i++;
            if (p.size == 0) {
                cs.add(new Component(p, new byte[0]));
                continue;
            }
            if (i >= end) throw new IllegalArgumentException("multiaddr protocol /" + p.name + " needs a value in " + abbreviate(text));
            cs.add(new Component(p, textToValue(p, parts[i++])));
        }
        if (cs.isEmpty()) throw new IllegalArgumentException("empty multiaddr");
        Multiaddr m = new Multiaddr(cs);
        // text can be denser than binary too ("/ip6/::" is 7 characters, 17 bytes): both forms keep one bound
        if (m.bytes.length > MAX_BYTES) throw new IllegalArgumentException("multiaddr longer than " + MAX_BYTES + " bytes");
        return m;
    }

    public static Multiaddr decode(byte[] bytes) {
        if (bytes.length == 0) throw new IllegalArgumentException("empty multiaddr");
        if (bytes.length > MAX_BYTES) throw new IllegalArgumentException("multiaddr longer than " + MAX_BYTES + " bytes");
        ByteBuffer in = ByteBuffer.wrap(bytes);
        List<Component> cs = new ArrayList<>();
        while (in.hasRemaining()) {
            int code = Varint.readInt(in);
            Protocol p = Protocol.byCode(code);
            if (p == null) throw new IllegalArgumentException("unknown multiaddr protocol code " + code);
            int len = p.size >= 0 ? p.size : Varint.readInt(in);
            if (len > in.remaining()) throw new IllegalArgumentException("truncated multiaddr value of /" + p.name);
            byte[] v = new byte[len];
            in.get(v);
            validate(p, v);
            cs.add(new Component(p, v));
        }
        return new Multiaddr(cs);
    }

    /** {@code /ip4/a.b.c.d/tcp/port} or {@code /ip6/.../tcp/port}. */
    public static Multiaddr tcp(InetSocketAddress address) {
        InetAddress a = address.getAddress();
        Protocol ip = a instanceof Inet4Address ? Protocol.IP4 : Protocol.IP6;
        return new Multiaddr(List.of(new Component(ip, a.getAddress()), new Component(Protocol.TCP, port(address.getPort()))));
    }

    public byte[] bytes() { return bytes.clone(); }

    public List<Component> components() { return components; }

    /** The peer id of a trailing /p2p/ component, or null. */
    public PeerId peerId() {
        Component last = components.getLast();
        return last.protocol == Protocol.P2P ? PeerId.fromBytes(last.value) : null;
    }

    /** This address without a trailing /p2p/ component. */
    public Multiaddr withoutPeerId() {
        if (components.getLast().protocol != Protocol.P2P) return this;
        if (components.size() == 1) throw new IllegalArgumentException("multiaddr " + this + " has nothing but a peer id");
        return new Multiaddr(components.subList(0, components.size() - 1));
    }

    /** This address with /p2p/{@code peer} appended (replacing one already there). */
    public Multiaddr withPeerId(PeerId peer) {
        List<Component> cs = new ArrayList<>(components);
        if (cs.getLast().protocol == Protocol.P2P) cs.removeLast();
        cs.add(new Component(Protocol.P2P, peer.bytes()));
        return new Multiaddr(cs);
    }

    /** The first value of {@code p}, or null. */
    public String value(Protocol p) {
        for (Component c : components) if (c.protocol == p) return c.valueText();
        return null;
    }

    /**
     * The TCP endpoint of {@code /ip4|ip6|dns|dns4|dns6/HOST/tcp/PORT[/p2p/ID]}, unresolved for DNS
     * names; null when this is not a plain TCP address (e.g. a relay or QUIC address).
     */
    public InetSocketAddress tcpSocketAddress() {
        List<Component> cs = components.getLast().protocol == Protocol.P2P ? components.subList(0, components.size() - 1) : components;
        if (cs.size() != 2 || cs.get(1).protocol != Protocol.TCP) return null;
        Component host = cs.get(0);
        int port = ((cs.get(1).value[0] & 0xFF) << 8) | (cs.get(1).value[1] & 0xFF);
        return switch (host.protocol) {
            case IP4, IP6 -> {
                try {
                    yield new InetSocketAddress(InetAddress.getByAddress(host.value), port);
                } catch (UnknownHostException e) {
                    throw new IllegalStateException(e);
                }
            }
            case DNS, DNS4, DNS6 -> InetSocketAddress.createUnresolved(host.valueText(), port);
            default -> null;
        };
    }

    private static byte[] port(int port) {
        return new byte[]{(byte) (port >>> 8), (byte) port};
    }

    private static byte[] textToValue(Protocol p, String s) {
        return switch (p) {
            case IP4 -> {
                if (!s.matches("\\d{1,3}(\\.\\d{1,3}){3}")) throw new IllegalArgumentException("invalid ip4 address '" + s + "'");
                byte[] b = new byte[4];
                String[] q = s.split("\\.");
                for (int i = 0; i < 4; i++) {
                    int v = Integer.parseInt(q[i]);
                    if (v > 255) throw new IllegalArgumentException("invalid ip4 address '" + s + "'");
                    b[i] = (byte) v;
                }
                yield b;
            }
            case IP6 -> {
                if (!s.matches("[0-9a-fA-F:.]{2,45}") || !s.contains(":")) throw new IllegalArgumentException("invalid ip6 address '" + s + "'");
                try {
                    byte[] b = InetAddress.getByName(s).getAddress();
                    if (b.length == 4) { // ::ffff:a.b.c.d comes back as IPv4
                        byte[] m = new byte[16];
                        m[10] = m[11] = (byte) 0xFF;
                        System.arraycopy(b, 0, m, 12, 4);
                        b = m;
                    }
                    yield b;
                } catch (UnknownHostException e) {
                    throw new IllegalArgumentException("invalid ip6 address '" + s + "'");
                }
            }
            case TCP, UDP -> {
                int v;
                try {
                    v = Integer.parseInt(s);
                } catch (NumberFormatException e) {
                    v = -1;
                }
                if (v < 0 || v > 65535 || !s.matches("\\d+")) throw new IllegalArgumentException("invalid " + p.name + " port '" + s + "'");
                yield port(v);
            }
            case DNS, DNS4, DNS6, DNSADDR -> {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                if (b.length == 0 || b.length > MAX_NAME_BYTES) throw new IllegalArgumentException("invalid /" + p.name + " name '" + abbreviate(s) + "': 1 to " + MAX_NAME_BYTES + " bytes");
                yield b;
            }
            case P2P -> PeerId.parse(s).bytes();
            case CERTHASH -> {
                if (s.isEmpty() || s.charAt(0) != 'u' && s.charAt(0) != 'b') throw new IllegalArgumentException("unsupported certhash encoding '" + abbreviate(s) + "'");
                if (s.charAt(0) == 'b') yield Base32.decode(s.substring(1));
                yield java.util.Base64.getUrlDecoder().decode(s.substring(1));
            }
            default -> throw new IllegalArgumentException("/" + p.name + " takes no value");
        };
    }

    private static void validate(Protocol p, byte[] v) {
        switch (p) {
            case DNS, DNS4, DNS6, DNSADDR -> {
                if (v.length == 0 || v.length > MAX_NAME_BYTES) throw new IllegalArgumentException("/" + p.name + " name of " + v.length + " bytes: 1 to " + MAX_NAME_BYTES + " allowed");
                String s = new String(v, StandardCharsets.UTF_8);
                if (s.indexOf('/') >= 0 || !Arrays.equals(s.getBytes(StandardCharsets.UTF_8), v)) {
                    throw new IllegalArgumentException("invalid /" + p.name + " name");
                }
            }
            case P2P -> PeerId.fromBytes(v);
            default -> { }
        }
    }

    static String valueToText(Protocol p, byte[] v) {
        return switch (p) {
            case IP4 -> (v[0] & 0xFF) + "." + (v[1] & 0xFF) + "." + (v[2] & 0xFF) + "." + (v[3] & 0xFF);
            case IP6 -> {
                try {
                    String s = Inet6Address.getByAddress(null, v, -1).getHostAddress();
                    yield compressIpv6(s);
                } catch (UnknownHostException e) {
                    throw new IllegalStateException(e);
                }
            }
            case TCP, UDP -> Integer.toString(((v[0] & 0xFF) << 8) | (v[1] & 0xFF));
            case DNS, DNS4, DNS6, DNSADDR -> new String(v, StandardCharsets.UTF_8);
            case P2P -> PeerId.fromBytes(v).toString();
            case CERTHASH -> "u" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(v);
            default -> "";
        };
    }

    /** RFC 5952 form: the longest run (2 or more) of zero groups becomes "::". */
    private static String compressIpv6(String full) {
        String[] g = full.split(":");
        int bestStart = -1, bestLen = 0;
        for (int i = 0; i < g.length; ) {
            if (!g[i].equals("0")) { i++; continue; }
            int j = i;
            while (j < g.length && g[j].equals("0")) j++;
            if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
            i = j;
        }
        if (bestStart < 0) return full;
        String left = String.join(":", Arrays.copyOfRange(g, 0, bestStart));
        String right = String.join(":", Arrays.copyOfRange(g, bestStart + bestLen, g.length));
        return left + "::" + right;
    }

    private static String abbreviate(String s) {
        if (s == null) return "";
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Component c : components) {
            sb.append('/').append(c.protocol.name);
            if (c.protocol.size != 0) sb.append('/').append(c.valueText());
        }
        return sb.toString();
    }

    @Override public boolean equals(Object o) { return o instanceof Multiaddr m && Arrays.equals(bytes, m.bytes); }

    @Override public int hashCode() { return Arrays.hashCode(bytes); }
}
