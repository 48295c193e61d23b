package io.spore.p2p.multiaddr;

import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Hostile multiaddrs: IllegalArgumentException or a value that survives a text and binary round trip. */
class MultiaddrFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void binary(byte[] data) {
        Multiaddr m;
        try {
            m = Multiaddr.decode(data);
        } catch (IllegalArgumentException expected) {
            return;
        }
        assertEquals(m, Multiaddr.parse(m.toString()));
        assertEquals(m, Multiaddr.decode(m.bytes()));
    }

    @FuzzTest(maxDuration = "10s")
    void text(String text) {
        Multiaddr m;
        try {
            m = Multiaddr.parse(text);
        } catch (IllegalArgumentException expected) {
            return;
        }
        assertEquals(m, Multiaddr.decode(m.bytes()));
    }
}
