package io.spore.p2p.multiaddr;

import io.spore.p2p.identity.PeerId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetSocketAddress;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.*;

class MultiaddrTest {
    /** Vectors from multiformats/multiaddr and go-multiaddr's tests. */
    @ParameterizedTest
    @CsvSource({
            "/ip4/127.0.0.1/udp/1234, 047f000001910204d2",
            "/ip4/127.0.0.1/tcp/4321, 047f0000010610e1",
            "/ip4/127.0.0.1/udp/1234/ip4/127.0.0.1/tcp/4321, 047f000001910204d2047f0000010610e1",
            "/ip6/::1/tcp/4001, 2900000000000000000000000000000001060fa1",
            "/ip6/2001:8a0:7ac5:4201:3ac9:86ff:fe31:7095/tcp/8000, 29200108a07ac542013ac986fffe317095061f40",
            "/dns4/example.com/tcp/443, 360b6578616d706c652e636f6d0601bb",
            "/dns/example.com, 350b6578616d706c652e636f6d",
            "/dns6/example.com, 370b6578616d706c652e636f6d",
            "/dnsaddr/bootstrap.libp2p.io, 3813626f6f7473747261702e6c69627032702e696f",
            "/ip4/127.0.0.1/tcp/4001/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC, 047f000001060fa1a503221220d52ebb89d85b02a284948203a62ff28389c57c9f42beec4ec20db76a68911c0b",
    })
    void textAndBinaryRoundTrip(String text, String hex) {
        Multiaddr m = Multiaddr.parse(text);
        assertEquals(hex, HexFormat.of().formatHex(m.bytes()));
        assertEquals(text, m.toString());
        assertEquals(m, Multiaddr.decode(HexFormat.of().parseHex(hex)));
        assertEquals(text, Multiaddr.decode(m.bytes()).toString());
    }

    @Test void ipfsIsAnAliasOfP2p() {
        String id = "12D3KooWRawPbxPtP1eZaJpumGnyWX2DcUyd3RQnydr3eAto4Az7";
        Multiaddr m = Multiaddr.parse("/ip4/1.2.3.4/tcp/5/ipfs/" + id);
        assertEquals("/ip4/1.2.3.4/tcp/5/p2p/" + id, m.toString());
        assertEquals(PeerId.parse(id), m.peerId());
        assertEquals("/ip4/1.2.3.4/tcp/5", m.withoutPeerId().toString());
        assertEquals(m, m.withoutPeerId().withPeerId(PeerId.parse(id)));
        assertEquals(m, m.withPeerId(PeerId.parse(id)));
        assertEquals(m, Multiaddr.parse("/ip4/1.2.3.4/tcp/5/p2p/bafzaajaiaejcb2sknrr6fhcsbk7pkud3cmxml6mvi53k5pv6pojeehxknekenurm"));
        assertNull(m.withoutPeerId().peerId());
    }

    @Test void socketAddresses() {
        assertEquals(new InetSocketAddress("127.0.0.1", 4001), Multiaddr.parse("/ip4/127.0.0.1/tcp/4001").tcpSocketAddress());
        assertEquals("/ip6/::1/tcp/9", Multiaddr.tcp(new InetSocketAddress("::1", 9)).toString());
        InetSocketAddress dns = Multiaddr.parse("/dns4/localhost/tcp/80").tcpSocketAddress();
        assertTrue(dns.isUnresolved());
        assertEquals("localhost", dns.getHostString());
        assertNull(Multiaddr.parse("/ip4/1.2.3.4/udp/5/quic-v1").tcpSocketAddress());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "ip4/1.2.3.4", "/ip4/1.2.3", "/ip4/256.0.0.1", "/tcp/70000", "/tcp/-1", "/foo/1",
            "/ip4", "/ip6/1.2.3.4", "/p2p/notapeer", "/dns4", "/tcp/1x"})
    void badTextIsRefused(String text) {
        assertThrows(IllegalArgumentException.class, () -> Multiaddr.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "04", "047f0000", "ff", "0b00", "a50300", "3500", "36ff"})
    void badBinaryIsRefused(String hex) {
        assertThrows(IllegalArgumentException.class, () -> Multiaddr.decode(HexFormat.of().parseHex(hex)));
    }

    @Test void everyBinaryMultiaddrWithinTheBoundHasATextFormTheParserTakes() {
        // /webrtc-direct repeated: 2 bytes each in binary, 14 characters in text (the widest ratio)
        byte[] b = new byte[Multiaddr.MAX_BYTES];
        for (int i = 0; i < b.length; i += 2) { b[i] = (byte) 0x98; b[i + 1] = 0x02; }
        Multiaddr m = Multiaddr.decode(b);
        assertEquals(m, Multiaddr.parse(m.toString()));
    }

    @Test void textWhoseBinaryFormIsTooLongIsRefused() {
        String dense = "/ip6/::".repeat(Multiaddr.MAX_BYTES / 17 + 1); // 7 characters, 17 bytes each
        assertTrue(dense.length() < Multiaddr.MAX_TEXT);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Multiaddr.parse(dense));
        assertTrue(e.getMessage().contains("longer than " + Multiaddr.MAX_BYTES + " bytes"), e.getMessage());
    }

    @Test void dnsNamesAreAtMost255BytesInBothForms() {
        String longest = "a".repeat(255);
        assertEquals("/dns/" + longest, Multiaddr.parse("/dns/" + longest).toString());
        assertThrows(IllegalArgumentException.class, () -> Multiaddr.parse("/dns/" + longest + "a"));
        // 128 two-byte characters: 128 chars of text, 256 bytes on the wire
        assertThrows(IllegalArgumentException.class, () -> Multiaddr.parse("/dns/" + "é".repeat(128)));
        byte[] wire = new byte[3 + 256];
        wire[0] = 53; wire[1] = (byte) 0x80; wire[2] = 0x02; // code 53, length 256
        java.util.Arrays.fill(wire, 3, wire.length, (byte) 'a');
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Multiaddr.decode(wire));
        assertTrue(e.getMessage().contains("256 bytes"), e.getMessage());
    }
}
