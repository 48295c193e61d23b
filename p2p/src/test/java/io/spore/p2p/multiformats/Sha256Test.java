package io.spore.p2p.multiformats;

import java.nio.ByteBuffer;
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
            byte[] want = Sha256.jdk().digest(d);
            assertArrayEquals(want, Sha256.digest(d, 0, n), n + " bytes");
            assertArrayEquals(want, Sha256.digest(ByteBuffer.wrap(d)), n + " bytes, heap buffer");
            ByteBuffer direct = ByteBuffer.allocateDirect(n + 3).position(3);
            direct.put(d).position(3);
            assertArrayEquals(want, Sha256.digest(direct), n + " bytes, direct buffer at an offset");
            assertEquals(3, direct.position(), "the buffer's position does not move");
            byte[] framed = new byte[n + 10];
            System.arraycopy(d, 0, framed, 7, n);
            assertArrayEquals(want, Sha256.digest(framed, 7, n), n + " bytes inside a larger array");
            Cid c = Cid.of(Cid.DAG_CBOR, d);
            assertArrayEquals(want, c.multihash().digest());
            assertTrue(c.matches(d));
            if (n > 0) {
                d[n / 2] ^= 1;
                assertFalse(c.matches(d), "one flipped bit in " + n + " bytes");
            }
        }
    }
}
