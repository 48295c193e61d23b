package io.spore.image.cbor;

import io.spore.p2p.multiformats.Cid;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes DAG-CBOR items with minimal-length heads. The caller writes map keys in canonical order
 * ({@link DagCbor#KEY_ORDER}); {@link DagCbor#encode} does that for whole values.
 */
public final class CborWriter {
    private byte[] buf;
    private int len;

    public CborWriter() { this(256); }

    public CborWriter(int capacity) { buf = new byte[Math.max(16, capacity)]; }

    public int size() { return len; }

    public byte[] toByteArray() { return Arrays.copyOf(buf, len); }

    public void reset() { len = 0; }

    /** Appends what another writer holds. */
    public CborWriter append(CborWriter other) {
        ensure(other.len);
        System.arraycopy(other.buf, 0, buf, len, other.len);
        len += other.len;
        return this;
    }

    /** A non-negative integer given as an unsigned 64-bit pattern. */
    public CborWriter uint(long unsignedBits) { head(0, unsignedBits); return this; }

    /** The negative integer {@code -1 - unsignedBits} (CBOR major type 1). */
    public CborWriter negative(long unsignedBits) { head(1, unsignedBits); return this; }

    /** A signed integer. */
    public CborWriter integer(long v) {
        if (v >= 0) head(0, v); else head(1, -1 - v);
        return this;
    }

    public CborWriter bytes(byte[] b) {
        head(2, b.length);
        raw(b, 0, b.length);
        return this;
    }

    public CborWriter text(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        head(3, b.length);
        raw(b, 0, b.length);
        return this;
    }

    public CborWriter arrayHeader(long n) { head(4, n); return this; }

    public CborWriter mapHeader(long n) { head(5, n); return this; }

    /** Tag 42, then a byte string of 0x00 followed by the binary CID. */
    public CborWriter link(Cid cid) {
        byte[] c = cid.bytes();
        ensure(2);
        buf[len++] = (byte) 0xd8;
        buf[len++] = 42;
        head(2, c.length + 1L);
        ensure(1);
        buf[len++] = 0;
        raw(c, 0, c.length);
        return this;
    }

    public CborWriter bool(boolean v) { ensure(1); buf[len++] = (byte) (v ? 0xf5 : 0xf4); return this; }

    public CborWriter nul() { ensure(1); buf[len++] = (byte) 0xf6; return this; }

    /** Encoded size of a head (major type and argument) carrying {@code arg}. */
    public static int headSize(long arg) {
        if (arg >= 0 && arg < 24) return 1;
        if (arg >= 0 && arg < 0x100) return 2;
        if (arg >= 0 && arg < 0x10000) return 3;
        if (arg >= 0 && arg < 0x100000000L) return 5;
        return 9;
    }

    private void head(int major, long arg) {
        ensure(9);
        int m = major << 5;
        switch (headSize(arg)) {
            case 1 -> buf[len++] = (byte) (m | (int) arg);
            case 2 -> { buf[len++] = (byte) (m | 24); buf[len++] = (byte) arg; }
            case 3 -> { buf[len++] = (byte) (m | 25); put(arg, 2); }
            case 5 -> { buf[len++] = (byte) (m | 26); put(arg, 4); }
            default -> { buf[len++] = (byte) (m | 27); put(arg, 8); }
        }
    }

    private void put(long v, int n) {
        for (int i = n - 1; i >= 0; i--) buf[len++] = (byte) (v >>> (8 * i));
    }

    private void raw(byte[] b, int off, int n) {
        ensure(n);
        System.arraycopy(b, off, buf, len, n);
        len += n;
    }

    private void ensure(int n) {
        if (len + n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
    }
}
