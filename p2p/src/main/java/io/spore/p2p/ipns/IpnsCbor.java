package io.spore.p2p.ipns;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The DAG-CBOR {@code data} field of a record: a map with Value, Validity (bytes), ValidityType,
 * Sequence and TTL (unsigned integers). Written canonically (keys by length, then bytes); read
 * strictly: definite lengths only, each key once, bounded nesting, and other keys skipped since
 * the spec lets records carry more.
 */
final class IpnsCbor {
    record Data(byte[] value, byte[] validity, long validityType, long sequence, long ttl) {}

    private static final int MAX_DEPTH = 8;

    private IpnsCbor() {}

    static byte[] encode(Data d) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        head(out, 5, 5);
        text(out, "TTL");
        head(out, 0, d.ttl());
        text(out, "Value");
        head(out, 2, d.value().length);
        out.writeBytes(d.value());
        text(out, "Sequence");
        head(out, 0, d.sequence());
        text(out, "Validity");
        head(out, 2, d.validity().length);
        out.writeBytes(d.validity());
        text(out, "ValidityType");
        head(out, 0, d.validityType());
        return out.toByteArray();
    }

    private static void text(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        head(out, 3, b.length);
        out.writeBytes(b);
    }

    private static void head(ByteArrayOutputStream out, int major, long n) {
        int mt = major << 5;
        if (n >= 0 && n < 24) {
            out.write(mt | (int) n);
        } else if (n >= 0 && n < 0x100) {
            out.write(mt | 24);
            out.write((int) n);
        } else if (n >= 0 && n < 0x10000) {
            out.write(mt | 25);
            out.write((int) (n >> 8));
            out.write((int) n);
        } else if (n >= 0 && n < 0x1_0000_0000L) {
            out.write(mt | 26);
            for (int s = 24; s >= 0; s -= 8) out.write((int) (n >> s));
        } else {
            out.write(mt | 27);
            for (int s = 56; s >= 0; s -= 8) out.write((int) (n >> s));
        }
    }

    static Data decode(byte[] bytes) throws IpnsException {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            Map<String, Object> m = new HashMap<>();
            long[] h = head(in);
            if (h[0] != 5) throw new IpnsException("record data is not a CBOR map");
            for (long i = 0; i < h[1]; i++) {
                long[] kh = head(in);
                if (kh[0] != 3) throw new IpnsException("record data has a map key that is not a string");
                String key = new String(take(in, kh[1]), StandardCharsets.UTF_8);
                Object v = item(in, 0);
                if (m.put(key, v) != null) throw new IpnsException("record data repeats the key " + key);
            }
            if (in.hasRemaining()) throw new IpnsException("record data has bytes after its CBOR map");
            return new Data(bytesField(m, "Value"), bytesField(m, "Validity"), uintField(m, "ValidityType"),
                    uintField(m, "Sequence"), uintField(m, "TTL"));
        } catch (java.nio.BufferUnderflowException e) {
            throw new IpnsException("record data is truncated CBOR");
        }
    }

    private static byte[] bytesField(Map<String, Object> m, String k) throws IpnsException {
        if (!(m.get(k) instanceof byte[] b)) throw new IpnsException("record data has no byte string " + k);
        return b;
    }

    private static long uintField(Map<String, Object> m, String k) throws IpnsException {
        if (!(m.get(k) instanceof Long n)) throw new IpnsException("record data has no unsigned integer " + k);
        return n;
    }

    /** One item: Long for unsigned integers (below 2^63), byte[] for byte strings, null for anything else (skipped). */
    private static Object item(ByteBuffer in, int depth) throws IpnsException {
        if (depth > MAX_DEPTH) throw new IpnsException("record data nests too deep");
        long[] h = head(in);
        int major = (int) h[0];
        long n = h[1];
        switch (major) {
            case 0 -> { return n >= 0 ? n : null; }
            case 1, 7 -> { return null; }
            case 2 -> { return take(in, n); }
            case 3 -> { take(in, n); return null; }
            case 4 -> { for (long i = 0; i < n; i++) item(in, depth + 1); return null; }
            case 5 -> { for (long i = 0; i < 2 * n; i++) item(in, depth + 1); return null; }
            case 6 -> { item(in, depth + 1); return null; }
            default -> throw new IpnsException("record data is not CBOR");
        }
    }

    private static byte[] take(ByteBuffer in, long n) throws IpnsException {
        if (n < 0 || n > in.remaining()) throw new IpnsException("record data is truncated CBOR");
        byte[] b = new byte[(int) n];
        in.get(b);
        return b;
    }

    /** {major type, argument}; floats and simple values (major 7) read their argument and are skipped. */
    private static long[] head(ByteBuffer in) throws IpnsException {
        int b = in.get() & 0xff;
        int major = b >>> 5, info = b & 31;
        long n;
        if (info < 24) n = info;
        else if (info == 24) n = in.get() & 0xff;
        else if (info == 25) n = in.getShort() & 0xffff;
        else if (info == 26) n = in.getInt() & 0xffffffffL;
        else if (info == 27) n = in.getLong();
        else throw new IpnsException("record data uses indefinite-length CBOR, which DAG-CBOR forbids");
        return new long[]{major, n};
    }
}
