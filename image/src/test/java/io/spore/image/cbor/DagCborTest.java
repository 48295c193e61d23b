package io.spore.image.cbor;

import io.spore.p2p.multiformats.Cid;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class DagCborTest {
    private static byte[] hex(String h) { return HexFormat.of().parseHex(h.replace(" ", "")); }

    private static String hex(byte[] b) { return HexFormat.of().formatHex(b); }

    @Test void integersUseTheShortestHead() {
        assertEquals("00", hex(DagCbor.encode(CborValue.Int.of(0))));
        assertEquals("17", hex(DagCbor.encode(CborValue.Int.of(23))));
        assertEquals("1818", hex(DagCbor.encode(CborValue.Int.of(24))));
        assertEquals("190100", hex(DagCbor.encode(CborValue.Int.of(256))));
        assertEquals("1a00010000", hex(DagCbor.encode(CborValue.Int.of(65536))));
        assertEquals("1b0000000100000000", hex(DagCbor.encode(CborValue.Int.of(1L << 32))));
        assertEquals("20", hex(DagCbor.encode(CborValue.Int.of(-1))));
        assertEquals("3b7fffffffffffffff", hex(DagCbor.encode(CborValue.Int.of(Long.MIN_VALUE))));
        assertEquals("1bffffffffffffffff", hex(DagCbor.encode(CborValue.Int.unsigned(-1L))));
    }

    @Test void roundTripsEveryKind() throws Exception {
        Map<String, CborValue> m = new LinkedHashMap<>();
        m.put("zz", new CborValue.Text("héllo"));
        m.put("a", new CborValue.Bytes(new byte[]{0, (byte) 0xff}));
        m.put("link", new CborValue.Link(Cid.raw("x".getBytes(StandardCharsets.UTF_8))));
        m.put("list", new CborValue.Array(List.of(CborValue.Int.of(-5), new CborValue.Bool(true), new CborValue.Bool(false), CborValue.Null.NULL)));
        m.put("big", CborValue.Int.unsigned(-1L));
        byte[] enc = DagCbor.encode(new CborValue.CMap(m));
        CborValue.CMap back = (CborValue.CMap) DagCbor.decode(enc);
        assertEquals(List.of("a", "zz", "big", "link", "list"), List.copyOf(back.entries().keySet()), "canonical key order: length first");
        assertEquals(m, back.entries());
        assertArrayEquals(enc, DagCbor.encode(back));
    }

    @Test void linksAreTag42WithTheIdentityMultibasePrefix() throws Exception {
        Cid cid = Cid.raw(new byte[0]);
        byte[] enc = DagCbor.encode(new CborValue.Link(cid));
        assertEquals("d82a5825000155" + "1220", hex(enc).substring(0, 18));
        assertEquals(cid, ((CborValue.Link) DagCbor.decode(enc)).cid());
    }

    @Test void matchesTheIpldDagCborFixture() throws Exception {
        // {"a": 1, "b": [h'01', "c"]} as printed by @ipld/dag-cbor's encode.
        byte[] expected = hex("a2 61 61 01 61 62 82 41 01 61 63");
        Map<String, CborValue> m = new LinkedHashMap<>();
        m.put("b", new CborValue.Array(List.of(new CborValue.Bytes(new byte[]{1}), new CborValue.Text("c"))));
        m.put("a", CborValue.Int.of(1));
        assertArrayEquals(expected, DagCbor.encode(new CborValue.CMap(m)));
    }

    private static void refused(String hexInput, String messagePart) {
        CborException e = assertThrows(CborException.class, () -> DagCbor.decode(hex(hexInput)));
        assertTrue(e.getMessage().contains(messagePart), () -> "message '" + e.getMessage() + "' lacks '" + messagePart + "'");
    }

    @Test void refusesNonCanonicalInput() {
        refused("1805", "non-minimal");
        refused("190017", "non-minimal");
        refused("1a000000ff", "non-minimal");
        refused("1b00000000ffffffff", "non-minimal");
        refused("5800", "non-minimal");
        refused("9f01ff", "indefinite");
        refused("5f4101ff", "indefinite");
        refused("a2616201616101", "canonical order");
        refused("a2626161016162", "canonical order");
        refused("a2616101616101", "duplicate");
        refused("a10101", "not a text string");
        refused("62c328", "UTF-8");
        refused("63eda080", "UTF-8");
        refused("c1 00", "tag 1");
        refused("d82a 4101", "prefix");
        refused("d82a 4400 01 55 12", "bad CID");
        refused("d82a 01", "not a byte string");
        refused("fb3ff0000000000000", "floats");
        refused("f7", "simple value");
        refused("ff", "break");
        refused("0000", "trailing");
        refused("", "truncated");
        refused("19 01", "truncated");
        refused("5a ffffffff 00", "exceeds");
        refused("9b ffffffffffffffff", "exceeds");
        refused("bb 8000000000000000", "exceeds");
        refused("1c", "reserved");
    }

    @Test void boundsNesting() throws Exception {
        byte[] deep = new byte[DagCbor.MAX_DEPTH + 2];
        java.util.Arrays.fill(deep, (byte) 0x81);
        deep[deep.length - 1] = 0;
        refused(hex(deep), "nested deeper");
        byte[] ok = new byte[DagCbor.MAX_DEPTH + 1];
        java.util.Arrays.fill(ok, (byte) 0x81);
        ok[ok.length - 1] = 0;
        assertNotNull(DagCbor.decode(ok));
    }

    @Test void integersOutOfRangeAreReportedWhenRead() throws Exception {
        var big = (CborValue.Int) DagCbor.decode(hex("1bffffffffffffffff"));
        assertThrows(CborException.class, big::longValue);
        assertEquals(-1L, big.unsignedValue());
        var neg = (CborValue.Int) DagCbor.decode(hex("20"));
        assertEquals(-1, neg.longValue());
        assertThrows(CborException.class, neg::unsignedValue);
    }
}
