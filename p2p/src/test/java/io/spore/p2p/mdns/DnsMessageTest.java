package io.spore.p2p.mdns;

import io.spore.p2p.identity.KeyPair;
import io.spore.p2p.identity.PeerId;
import io.spore.p2p.multiaddr.Multiaddr;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class DnsMessageTest {
    static final HexFormat HEX = HexFormat.of();
    // Made by dns-packet (what js-libp2p's @libp2p/mdns sends through multicast-dns).
    static final String JS_QUERY = "000000000001000000000000045f703270045f756470056c6f63616c00000c0001";
    static final String JS_RESPONSE = "000084000000000200000000045f703270045f756470056c6f63616c00000c000100000078001806616263313233045f703270045f756470056c6f63616c0006616263313233045f703270045f756470056c6f63616c000010000100000078005b5a646e73616464723d2f6970342f3139322e3136382e312e372f7463702f343030312f7032702f313244334b6f6f5752617750627850745031655a614a70756d476e7957583244635579643352516e796472336541746f34417a37";

    @Test
    void ourQueryIsByteForByteWhatJsSends() {
        assertEquals(JS_QUERY, HEX.formatHex(MdnsCodec.query()));
    }

    @Test
    void readsJsResponse() throws Exception {
        DnsMessage m = DnsMessage.parse(HEX.parseHex(JS_RESPONSE));
        assertTrue(m.isResponse());
        MdnsCodec.Found f = MdnsCodec.found(m, "someoneelse");
        assertNotNull(f);
        assertEquals(PeerId.parse("12D3KooWRawPbxPtP1eZaJpumGnyWX2DcUyd3RQnydr3eAto4Az7"), f.peer());
        assertEquals(List.of(Multiaddr.parse("/ip4/192.168.1.7/tcp/4001")), f.addresses());
        assertEquals(120, f.ttlSeconds());
        assertNull(MdnsCodec.found(m, "abc123"), "our own answer is not a discovery");
    }

    @Test
    void ourResponseRoundTripsAndMatchesJsLayout() throws Exception {
        Multiaddr a = Multiaddr.parse("/ip4/192.168.1.7/tcp/4001/p2p/12D3KooWRawPbxPtP1eZaJpumGnyWX2DcUyd3RQnydr3eAto4Az7");
        assertEquals(JS_RESPONSE, HEX.formatHex(MdnsCodec.response("abc123", List.of(a))));
        PeerId p = KeyPair.generate().peerId();
        List<Multiaddr> addrs = List.of(Multiaddr.parse("/ip4/10.1.2.3/tcp/1"), Multiaddr.parse("/ip6/fe80::1/tcp/2"));
        DnsMessage m = DnsMessage.parse(MdnsCodec.response(Mdns.randomName(63), addrs.stream().map(x -> x.withPeerId(p)).toList()));
        assertEquals(new MdnsCodec.Found(p, addrs, 120), MdnsCodec.found(m, "me"));
    }

    @Test
    void addressesOfAnotherPeerInTheSameAnswerAreSkipped() throws Exception {
        PeerId p = KeyPair.generate().peerId();
        PeerId q = KeyPair.generate().peerId();
        byte[] r = MdnsCodec.response("x", List.of(Multiaddr.parse("/ip4/10.0.0.1/tcp/1/p2p/" + p),
                Multiaddr.parse("/ip4/10.0.0.2/tcp/1/p2p/" + q), Multiaddr.parse("/ip4/10.0.0.3/tcp/1")));
        MdnsCodec.Found f = MdnsCodec.found(DnsMessage.parse(r), "me");
        assertEquals(p, f.peer());
        assertEquals(List.of(Multiaddr.parse("/ip4/10.0.0.1/tcp/1")), f.addresses());
    }

    @Test
    void compressedNamesAreFollowed() throws Exception {
        // Question "_p2p._udp.local"; answer PTR whose name is a pointer to offset 12 and whose
        // target is "peer" followed by a pointer to offset 12.
        byte[] p = HEX.parseHex("000084000001000100000000"
                + "045f703270045f756470056c6f63616c00000c0001"
                + "c00c000c00010000007800070470656572c00c");
        DnsMessage m = DnsMessage.parse(p);
        assertEquals("_p2p._udp.local", m.answers().getFirst().name());
        assertEquals("peer._p2p._udp.local", m.answers().getFirst().target());
    }

    @Test
    void hostilePacketsAreRefused() {
        // Pointer to itself: a loop.
        assertThrows(DnsFormatException.class, () -> DnsMessage.parse(HEX.parseHex("000000000001000000000000c00c000c0001")));
        // Forward pointer.
        assertThrows(DnsFormatException.class, () -> DnsMessage.parse(HEX.parseHex("000000000001000000000000c00e000c000100")));
        // Claims 65535 answers.
        assertThrows(DnsFormatException.class, () -> DnsMessage.parse(HEX.parseHex("00000000ffff000000000000")));
        // Truncated header and record.
        assertThrows(DnsFormatException.class, () -> DnsMessage.parse(new byte[5]));
        assertThrows(DnsFormatException.class, () -> DnsMessage.parse(HEX.parseHex(JS_RESPONSE.substring(0, JS_RESPONSE.length() - 10))));
        // Oversized.
        assertThrows(DnsFormatException.class, () -> DnsMessage.parse(new byte[DnsMessage.MAX_PACKET + 1]));
        // TXT string longer than its record.
        String txt = "000084000000000100000000" + "0178" + "00" + "00100001" + "00000078" + "0002" + "05" + "41";
        assertThrows(DnsFormatException.class, () -> DnsMessage.parse(HEX.parseHex(txt)));
    }

    @Test
    void nameLengthIsBounded() {
        StringBuilder hex = new StringBuilder("000000000001000000000000");
        for (int i = 0; i < 6; i++) hex.append("3f").append("61".repeat(63));
        hex.append("00000c0001");
        DnsFormatException e = assertThrows(DnsFormatException.class, () -> DnsMessage.parse(HEX.parseHex(hex.toString())));
        assertTrue(e.getMessage().contains("longer than 255"), e.getMessage());
    }

    @Test
    void peerNameIsUnder64CharactersAndRandom() {
        String a = Mdns.randomName(63);
        assertEquals(63, a.length());
        assertNotEquals(a, Mdns.randomName(63));
        assertTrue(a.getBytes(StandardCharsets.UTF_8).length < 64);
    }
}
