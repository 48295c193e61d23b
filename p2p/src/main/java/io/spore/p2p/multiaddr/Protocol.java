package io.spore.p2p.multiaddr;

import java.util.HashMap;
import java.util.Map;

/**
 * The multiaddr protocols Spore reads and writes (multiformats/multiaddr protocols.csv).
 * {@code size}: bytes of a fixed value, 0 for none, -1 for a varint length prefix.
 */
public enum Protocol {
    IP4(4, "ip4", 4),
    TCP(6, "tcp", 2),
    UDP(273, "udp", 2),
    IP6(41, "ip6", 16),
    DNS(53, "dns", -1),
    DNS4(54, "dns4", -1),
    DNS6(55, "dns6", -1),
    DNSADDR(56, "dnsaddr", -1),
    P2P(421, "p2p", -1),
    P2P_CIRCUIT(290, "p2p-circuit", 0),
    QUIC(460, "quic", 0),
    QUIC_V1(461, "quic-v1", 0),
    TLS(448, "tls", 0),
    WS(477, "ws", 0),
    WSS(478, "wss", 0),
    WEBTRANSPORT(465, "webtransport", 0),
    CERTHASH(466, "certhash", -1),
    WEBRTC_DIRECT(280, "webrtc-direct", 0);

    final int code;
    final String name;
    final int size;

    private static final Map<Integer, Protocol> BY_CODE = new HashMap<>();
    private static final Map<String, Protocol> BY_NAME = new HashMap<>();

    static {
        for (Protocol p : values()) {
            BY_CODE.put(p.code, p);
            BY_NAME.put(p.name, p);
        }
        BY_NAME.put("ipfs", P2P);
    }

    Protocol(int code, String name, int size) {
        this.code = code;
        this.name = name;
        this.size = size;
    }

    public int code() { return code; }

    public String textName() { return name; }

    static Protocol byCode(int code) { return BY_CODE.get(code); }

    static Protocol byName(String name) { return BY_NAME.get(name); }
}
