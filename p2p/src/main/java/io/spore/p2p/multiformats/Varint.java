package io.spore.p2p.multiformats;

import java.nio.ByteBuffer;

/**
 * Unsigned LEB128 varints as the multiformats spec defines them: at most 9 bytes (63 bits),
 * minimal encoding only. Non-minimal encodings are refused because two encodings of one value
 * would give two CIDs for one block.
 */
public final class Varint {
    /** Longest varint the multiformats spec allows. */
    public static final int MAX_BYTES = 9;

    private Varint() {}

    public static int size(long value) {
        if (value < 0) throw new IllegalArgumentException("varint must not be negative: " + value);
        int n = 1;
        while ((value >>>= 7) != 0) n++;
        return n;
    }

    public static byte[] encode(long value) {
        byte[] out = new byte[size(value)];
        write(value, out, 0);
        return out;
    }

    /** Writes {@code value} at {@code offset}; returns the offset after it. */
    public static int write(long value, byte[] out, int offset) {
        if (value < 0) throw new IllegalArgumentException("varint must not be negative: " + value);
        while ((value & ~0x7FL) != 0) {
            out[offset++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out[offset++] = (byte) value;
        return offset;
    }

    public static void write(long value, ByteBuffer out) {
        if (value < 0) throw new IllegalArgumentException("varint must not be negative: " + value);
        while ((value & ~0x7FL) != 0) {
            out.put((byte) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.put((byte) value);
    }

    /** Reads a varint from {@code in}, advancing its position. */
    public static long read(ByteBuffer in) {
        long value = 0;
        for (int i = 0; i < MAX_BYTES; i++) {
            if (!in.hasRemaining()) throw new IllegalArgumentException("truncated varint");
            int b = in.get() & 0xFF;
            value |= (long) (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                if (b == 0 && i > 0) throw new IllegalArgumentException("varint is not minimally encoded");
                return value;
            }
        }
        throw new IllegalArgumentException("varint longer than " + MAX_BYTES + " bytes");
    }

    /** Reads a varint that must fit an int (lengths, codes). */
    public static int readInt(ByteBuffer in) {
        long v = read(in);
        if (v > Integer.MAX_VALUE) throw new IllegalArgumentException("varint too large: " + v);
        return (int) v;
    }
}
