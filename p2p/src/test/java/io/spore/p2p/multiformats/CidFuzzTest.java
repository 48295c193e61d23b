package io.spore.p2p.multiformats;

import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * CIDs arrive from peers (Bitswap, DHT) and from images. Any input either parses to a CID whose
 * encoding round-trips, or is refused with IllegalArgumentException; nothing else may escape.
 */
class CidFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void binary(byte[] input) {
        Cid cid;
        try {
            cid = Cid.decode(input);
        } catch (IllegalArgumentException expected) {
            return;
        }
        assertEquals(cid, Cid.decode(cid.bytes()));
        assertEquals(cid, Cid.parse(cid.toString()));
    }

    @FuzzTest(maxDuration = "30s")
    void text(String input) {
        try {
            Cid cid = Cid.parse(input);
            assertEquals(cid, Cid.parse(cid.toString()));
        } catch (IllegalArgumentException expected) {
            // refused with a reason: fine
        }
    }
}
