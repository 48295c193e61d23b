package io.spore.p2p.multiformats;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A content identifier. Spore writes CIDv1 ({@code varint(1) varint(codec) multihash}) and prints
 * it as multibase base32 ({@code b...}); CIDv0 (a bare base58 sha2-256 multihash, {@code Qm...})
 * is accepted on input because peers still send it.
 */
public final class Cid implements Comparable<Cid> {
    /** Multicodec codes Spore uses. */
    public static final int RAW = 0x55;
    public static final int DAG_PB = 0x70;
    public static final int DAG_CBOR = 0x71;
    public static final int LIBP2P_KEY = 0x72;

    private final int version;
    private final int codec;
    private final Multihash multihash;
    private final byte[] bytes;
    /** The text form, made on first use: block files are named by it, so a pull asks for it per block, often twice. */
    private String text;

    private Cid(int version, int codec, Multihash multihash) {
        this.version = version;
        this.codec = codec;
        this.multihash = multihash;
        if (version == 0) {
            this.bytes = multihash.bytes();
        } else {
            byte[] b = new byte[Varint.size(version) + Varint.size(codec) + multihash.length()];
            int off = Varint.write(version, b, 0);
            off = Varint.write(codec, b, off);
            multihash.copyTo(b, off);
            this.bytes = b;
        }
    }

    public static Cid v1(int codec, Multihash multihash) {
        return new Cid(1, codec, multihash);
    }

    /** The CID of a block of {@code codec} holding {@code data}, hashed with sha2-256. */
    public static Cid of(int codec, byte[] data) {
        return v1(codec, Multihash.sha256(data));
    }

    public static Cid raw(byte[] data) { return of(RAW, data); }

    /** Parses a binary CID occupying the whole of {@code bytes}. */
    public static Cid decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        Cid c = read(in);
        if (in.hasRemaining()) throw new IllegalArgumentException("trailing bytes after CID");
        return c;
    }

    /** Reads one binary CID from {@code in}, advancing its position. */
    public static Cid read(ByteBuffer in) {
        if (in.remaining() >= 2 && in.get(in.position()) == 0x12 && in.get(in.position() + 1) == 0x20) {
            return new Cid(0, DAG_PB, Multihash.read(in));
        }
        int version = Varint.readInt(in);
        if (version != 1) throw new IllegalArgumentException("unsupported CID version " + version);
        int codec = Varint.readInt(in);
        return new Cid(1, codec, Multihash.read(in));
    }

    /** Parses the text form: multibase base32 CIDv1 ({@code b...}/{@code B...}), base36 ({@code k...}, IPNS names), base58 ({@code z...}) or CIDv0 ({@code Qm...}). */
    public static Cid parse(String text) {
        if (text == null || text.isEmpty()) throw new IllegalArgumentException("empty CID");
        try {
            if (text.length() == 46 && text.startsWith("Qm")) return decode(Base58.decode(text));
            return switch (text.charAt(0)) {
                case 'b', 'B' -> decode(Base32.decode(text.substring(1)));
                case 'z' -> decode(Base58.decode(text.substring(1)));
                case 'k', 'K' -> decode(Base36.decode(text.substring(1)));
                default -> throw new IllegalArgumentException("unsupported multibase prefix '" + text.charAt(0) + "'");
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a CID: " + abbreviate(text) + " (" + e.getMessage() + ")", e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    public int version() { return version; }

    public int codec() { return codec; }

    public Multihash multihash() { return multihash; }

    /** The binary CID; a copy. */
    public byte[] bytes() { return bytes.clone(); }

    /** This CID as CIDv1 (CIDv0 becomes dag-pb CIDv1). */
    public Cid toV1() { return version == 1 ? this : new Cid(1, codec, multihash); }

    /** True when {@code data} is the block this CID names. */
    public boolean matches(byte[] data) { return multihash.matches(data); }

    public boolean matches(byte[] data, int off, int len) { return multihash.matches(data, off, len); }

    @Override public String toString() {
        String t = text;
        if (t == null) text = t = version == 0 ? Base58.encode(bytes) : "b" + Base32.encode(bytes); // a benign race: same string
        return t;
    }

    @Override public boolean equals(Object o) {
        return o instanceof Cid c && Arrays.equals(bytes, c.bytes);
    }

    @Override public int hashCode() { return Arrays.hashCode(bytes); }

    @Override public int compareTo(Cid o) { return Arrays.compareUnsigned(bytes, o.bytes); }
}
