package io.spore.p2p.blockstore;

import io.spore.p2p.multiformats.Cid;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Sha256Test {
    /** libcrypto is part of every Debian system the tests run on (libssl3): the fast path must be in use. */
    @Test void libcryptoIsUsedAndAgreesWithTheJdk() {
        assertTrue(Sha256.isNative(), "libcrypto.so.3 not found: install libssl3");
        Random r = new Random(42);
        for (int n : new int[] {0, 1, 55, 56, 63, 64, 65, 1000, 65536, 262_144, 1 << 20}) {
            byte[] d = new byte[n];
            r.nextBytes(d);
            assertArrayEquals(Sha256.jdk().digest(d), Sha256.digest(d), n + " bytes");
            assertEquals(Cid.of(Cid.RAW, d), Sha256.cid(Cid.RAW, d));
            Cid c = Cid.of(Cid.DAG_CBOR, d);
            assertTrue(Sha256.matches(c, d));
            if (n > 0) {
                d[n / 2] ^= 1;
                assertFalse(Sha256.matches(c, d), "one flipped bit in " + n + " bytes");
            }
        }
    }
}
