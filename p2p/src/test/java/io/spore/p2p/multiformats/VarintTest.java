package io.spore.p2p.multiformats;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class VarintTest {
    private static final HexFormat HEX = HexFormat.of();

    /** Vectors from multiformats/unsigned-varint README. */
    @Test
    void specVectors() {
        long[] values = {1, 127, 128, 255, 300, 16384};
        String[] hex = {"01", "7f", "8001", "ff01", "ac02", "808001"};
        for (int i = 0; i < values.length; i++) {
            assertEquals(hex[i], HEX.formatHex(Varint.encode(values[i])), "encode " + values[i]);
            assertEquals(values[i], Varint.read(ByteBuffer.wrap(HEX.parseHex(hex[i]))), "decode " + hex[i]);
        }
    }

    @Test
    void largestAllowedValueRoundTrips() {
        long max = (1L << 63) - 1;
        byte[] enc = Varint.encode(max);
        assertEquals(9, enc.length);
        assertEquals(max, Varint.read(ByteBuffer.wrap(enc)));
    }

    @Test
    void refusesNonMinimalTruncatedAndOverlong() {
        assertThrows(IllegalArgumentException.class, () -> Varint.read(ByteBuffer.wrap(HEX.parseHex("8100"))));
        assertThrows(IllegalArgumentException.class, () -> Varint.read(ByteBuffer.wrap(HEX.parseHex("80"))));
        assertThrows(IllegalArgumentException.class, () -> Varint.read(ByteBuffer.wrap(HEX.parseHex("ffffffffffffffffff01"))));
        assertThrows(IllegalArgumentException.class, () -> Varint.encode(-1));
    }

    @Test
    void bufferAndArrayWritersAgree() {
        for (long v : new long[] {0, 1, 127, 128, 1L << 35, Integer.MAX_VALUE}) {
            ByteBuffer b = ByteBuffer.allocate(9);
            Varint.write(v, b);
            b.flip();
            byte[] viaBuffer = new byte[b.remaining()];
            b.get(viaBuffer);
            assertArrayEquals(Varint.encode(v), viaBuffer);
            assertEquals(Varint.size(v), viaBuffer.length);
        }
    }
}
