package io.spore.p2p.multiformats;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A multihash: {@code varint(code) varint(length) digest}. Spore produces sha2-256 for content and
 * identity for small public keys; other codes are carried but cannot be verified.
 */
public final class Multihash {
    public static final int IDENTITY = 0x00;
    public static final int SHA2_256 = 0x12;
    /** Digests longer than this are refused when parsing; sha2-512 is the longest in common use. */
    static final int MAX_DIGEST = 128;

    private final int code;
    private final byte[] digest;
    private final byte[] bytes;

    private Multihash(int code, byte[] digest) {
        this.code = code;
        this.digest = digest;
        byte[] b = new byte[Varint.size(code) + Varint.size(digest.length) + digest.length];
        int off = Varint.write(code, b, 0);
        off = Varint.write(digest.length, b, off);
        System.arraycopy(digest, 0, b, off, digest.length);
        this.bytes = b;
    }

    public static Multihash of(int code, byte[] digest) {
        if (code == SHA2_256 && digest.length != 32) throw new IllegalArgumentException("sha2-256 digest must be 32 bytes");
        return new Multihash(code, digest.clone());
    }

    public static Multihash sha256(byte[] data) {
        return sha256(data, 0, data.length);
    }

    public static Multihash sha256(byte[] data, int off, int len) {
        return new Multihash(SHA2_256, Sha256.digest(data, off, len));
    }

    public static Multihash sha256(ByteBuffer data) {
        return new Multihash(SHA2_256, Sha256.digest(data));
    }

    public static Multihash identity(byte[] data) {
        return new Multihash(IDENTITY, data.clone());
    }

    /** Parses a multihash occupying the whole of {@code bytes}. */
    public static Multihash decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        Multihash mh = read(in);
        if (in.hasRemaining()) throw new IllegalArgumentException("trailing bytes after multihash");
        return mh;
    }

    /** Reads one multihash from {@code in}, advancing its position. */
    public static Multihash read(ByteBuffer in) {
        int code = Varint.readInt(in);
        int len = Varint.readInt(in);
        if (len > MAX_DIGEST) throw new IllegalArgumentException("multihash digest too long: " + len);
        if (in.remaining() < len) throw new IllegalArgumentException("truncated multihash");
        if (code == SHA2_256 && len != 32) throw new IllegalArgumentException("sha2-256 digest must be 32 bytes, got " + len);
        byte[] digest = new byte[len];
        in.get(digest);
        return new Multihash(code, digest);
    }

    public int code() { return code; }

    public byte[] digest() { return digest.clone(); }

    /** The encoded multihash; callers must not modify it. */
    public byte[] bytes() { return bytes.clone(); }

    int length() { return bytes.length; }

    void copyTo(byte[] out, int off) { System.arraycopy(bytes, 0, out, off, bytes.length); }

    /** True when {@code data} hashes to this multihash. Identity compares bytes. */
    public boolean matches(byte[] data, int off, int len) {
        return switch (code) {
            case SHA2_256 -> MessageDigest.isEqual(Sha256.digest(data, off, len), digest);
            case IDENTITY -> Arrays.equals(data, off, off + len, digest, 0, digest.length);
            default -> throw new UnsupportedOperationException("cannot verify multihash code 0x" + Integer.toHexString(code));
        };
    }

    public boolean matches(byte[] data) { return matches(data, 0, data.length); }

    @Override public boolean equals(Object o) {
        return o instanceof Multihash m && Arrays.equals(bytes, m.bytes);
    }

    @Override public int hashCode() { return Arrays.hashCode(bytes); }

    @Override public String toString() { return HexFormat.of().formatHex(bytes); }
}
