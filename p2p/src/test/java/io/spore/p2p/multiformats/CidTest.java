package io.spore.p2p.multiformats;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CidTest {
    /** The raw block "hello world\n", as `ipfs add --raw-leaves --cid-version 1` names it. */
    @Test
    void rawBlockOfKnownContent() {
        Cid cid = Cid.raw("hello world\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals("bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4", cid.toString());
        assertEquals(cid, Cid.parse(cid.toString()));
        assertEquals(Cid.RAW, cid.codec());
    }

    /** CIDv0 from the CID spec's example, and its CIDv1 form. */
    @Test
    void cidV0ParsesAndConvertsToV1() {
        Cid v0 = Cid.parse("QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n");
        assertEquals(0, v0.version());
        assertEquals("QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n", v0.toString());
        assertEquals("bafybeihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku", v0.toV1().toString());
    }

    @Test
    void base32AndBase58RoundTripRandomBytes() {
        Random r = new Random(42);
        for (int n = 0; n < 200; n++) {
            byte[] b = new byte[r.nextInt(70)];
            r.nextBytes(b);
            if (n % 7 == 0 && b.length > 2) { b[0] = 0; b[1] = 0; }
            assertArrayEquals(b, Base32.decode(Base32.encode(b)));
            assertArrayEquals(b, Base58.decode(Base58.encode(b)));
        }
    }

    @Test
    void base58KnownVector() {
        assertEquals("StV1DL6CwTryKyV", Base58.encode("hello world".getBytes(StandardCharsets.US_ASCII)));
        assertArrayEquals(HexFormat.of().parseHex("00000102"), Base58.decode(Base58.encode(HexFormat.of().parseHex("00000102"))));
    }

    @Test
    void matchesDetectsTamperedData() {
        byte[] data = "block".getBytes(StandardCharsets.US_ASCII);
        Cid cid = Cid.raw(data);
        assertTrue(cid.matches(data));
        data[0] ^= 1;
        assertFalse(cid.matches(data));
    }

    @Test
    void malformedTextIsRefusedWithAReason() {
        for (String bad : new String[] {"", "bafy", "x123", "b!!!", "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4aa",
                "Qm0000000000000000000000000000000000000000000"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cid.parse(bad), bad);
            assertFalse(e.getMessage().isBlank());
        }
    }

    @Test
    void binaryRoundTripAndOrdering() {
        Cid a = Cid.raw(new byte[] {1});
        Cid b = Cid.of(Cid.DAG_CBOR, new byte[] {1});
        assertEquals(a, Cid.decode(a.bytes()));
        assertTrue(a.compareTo(b) != 0);
        assertThrows(IllegalArgumentException.class, () -> Cid.decode(new byte[] {1, 0x55, 0x12, 0x20, 1}));
    }
}
