package io.spore.image.cbor;

import io.spore.p2p.multiformats.Cid;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Strict DAG-CBOR (FORMAT.md section 4.1): the decoder refuses anything but the one canonical
 * encoding of a value, so a block has one meaning and a value one CID. Bounded: nesting depth
 * {@link #MAX_DEPTH}, and no length may claim more items or bytes than the input still holds, so
 * hostile input cannot make it allocate more than a small multiple of the input size.
 */
public final class DagCbor {
    public static final int MAX_DEPTH = 64;
    private static final int TAG_CID = 42;

    /** Canonical map key order: shorter UTF-8 encoding first, then unsigned bytes. */
    public static final Comparator<String> KEY_ORDER = (a, b) -> {
        byte[] x = a.getBytes(StandardCharsets.UTF_8), y = b.getBytes(StandardCharsets.UTF_8);
        return x.length != y.length ? Integer.compare(x.length, y.length) : Arrays.compareUnsigned(x, y);
    };

    private DagCbor() {}

    public static byte[] encode(CborValue v) {
        CborWriter w = new CborWriter();
        write(w, v, 0);
        return w.toByteArray();
    }

    private static void write(CborWriter w, CborValue v, int depth) {
        if (depth > MAX_DEPTH) throw new IllegalArgumentException("value nested deeper than " + MAX_DEPTH);
        switch (v) {
            case CborValue.Int i -> { if (i.negative()) w.negative(i.raw()); else w.uint(i.raw()); }
            case CborValue.Bytes b -> w.bytes(b.value());
            case CborValue.Text t -> w.text(t.value());
            case CborValue.Array a -> {
                w.arrayHeader(a.items().size());
                for (CborValue item : a.items()) write(w, item, depth + 1);
            }
            case CborValue.CMap m -> {
                List<String> keys = new ArrayList<>(m.entries().keySet());
                keys.sort(KEY_ORDER);
                w.mapHeader(keys.size());
                for (String k : keys) {
                    w.text(k);
                    write(w, m.entries().get(k), depth + 1);
                }
            }
            case CborValue.Link l -> w.link(l.cid());
            case CborValue.Bool b -> w.bool(b.value());
            case CborValue.Null n -> w.nul();
        }
    }

    /** Decodes one item that must occupy all of {@code data}. */
    public static CborValue decode(byte[] data) throws CborException {
        Reader r = new Reader(data);
        CborValue v = r.item(0);
        if (r.pos != data.length) throw new CborException("trailing bytes after the DAG-CBOR item at offset " + r.pos);
        return v;
    }

    private static final class Reader {
        final byte[] in;
        int pos;

        Reader(byte[] in) { this.in = in; }

        int remaining() { return in.length - pos; }

        int u8() throws CborException {
            if (pos >= in.length) throw new CborException("truncated DAG-CBOR at offset " + pos);
            return in[pos++] & 0xFF;
        }

        /** The argument of a head with additional info {@code ai}, refusing non-minimal forms. */
        long argument(int ai) throws CborException {
            if (ai < 24) return ai;
            int n = switch (ai) {
                case 24 -> 1;
                case 25 -> 2;
                case 26 -> 4;
                case 27 -> 8;
                default -> throw new CborException(ai == 31 ? "indefinite lengths are not DAG-CBOR" : "reserved additional info " + ai);
            };
            if (remaining() < n) throw new CborException("truncated DAG-CBOR at offset " + pos);
            long v = 0;
            for (int i = 0; i < n; i++) v = (v << 8) | (in[pos++] & 0xFF);
            if (CborWriter.headSize(v) != 1 + n) throw new CborException("non-minimal integer or length encoding at offset " + (pos - n - 1));
            return v;
        }

        int length(long arg, int minItemSize) throws CborException {
            // Unsigned compare: a huge 64-bit length is negative as a long.
            if (Long.compareUnsigned(arg, remaining() / minItemSize) > 0)
                throw new CborException("length " + Long.toUnsignedString(arg) + " exceeds the remaining " + remaining() + " bytes");
            return (int) arg;
        }

        CborValue item(int depth) throws CborException {
            if (depth > MAX_DEPTH) throw new CborException("DAG-CBOR nested deeper than " + MAX_DEPTH);
            int start = pos;
            int ib = u8();
            int major = ib >>> 5, ai = ib & 31;
            if (major == 7) return simple(ai, start);
            long arg = argument(ai);
            return switch (major) {
                case 0 -> new CborValue.Int(arg, false);
                case 1 -> new CborValue.Int(arg, true);
                case 2 -> new CborValue.Bytes(bytes(length(arg, 1)));
                case 3 -> new CborValue.Text(utf8(bytes(length(arg, 1)), start));
                case 4 -> {
                    int n = length(arg, 1);
                    List<CborValue> items = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) items.add(item(depth + 1));
                    yield new CborValue.Array(List.copyOf(items));
                }
                case 5 -> map(length(arg, 2), depth);
                case 6 -> link(arg, start);
                default -> throw new AssertionError(major);
            };
        }

        CborValue simple(int ai, int start) throws CborException {
            return switch (ai) {
                case 20 -> new CborValue.Bool(false);
                case 21 -> new CborValue.Bool(true);
                case 22 -> CborValue.Null.NULL;
                case 25, 26, 27 -> throw new CborException("floats are not used by Spore (offset " + start + ")");
                case 31 -> throw new CborException("unexpected break byte at offset " + start);
                default -> throw new CborException("simple value " + ai + " is not DAG-CBOR (offset " + start + ")");
            };
        }

        CborValue map(int n, int depth) throws CborException {
            Map<String, CborValue> m = LinkedHashMap.newLinkedHashMap(n);
            byte[] prev = null;
            for (int i = 0; i < n; i++) {
                int keyAt = pos;
                int ib = u8();
                if (ib >>> 5 != 3) throw new CborException("map key at offset " + keyAt + " is not a text string");
                byte[] key = bytes(length(argument(ib & 31), 1));
                if (prev != null) {
                    int c = prev.length != key.length ? Integer.compare(prev.length, key.length) : Arrays.compareUnsigned(prev, key);
                    if (c == 0) throw new CborException("duplicate map key at offset " + keyAt);
                    if (c > 0) throw new CborException("map keys out of canonical order at offset " + keyAt);
                }
                prev = key;
                m.put(utf8(key, keyAt), item(depth + 1));
            }
            return new CborValue.CMap(java.util.Collections.unmodifiableMap(m));
        }

        CborValue link(long tag, int start) throws CborException {
            if (tag != TAG_CID) throw new CborException("tag " + Long.toUnsignedString(tag) + " is not DAG-CBOR (only 42, CID links) at offset " + start);
            int ib = u8();
            if (ib >>> 5 != 2) throw new CborException("CID link at offset " + start + " is not a byte string");
            byte[] b = bytes(length(argument(ib & 31), 1));
            if (b.length < 2 || b[0] != 0) throw new CborException("CID link at offset " + start + " lacks the 0x00 multibase prefix");
            try {
                return new CborValue.Link(Cid.decode(Arrays.copyOfRange(b, 1, b.length)));
            } catch (RuntimeException e) {
                throw new CborException("bad CID link at offset " + start + ": " + e.getMessage());
            }
        }

        byte[] bytes(int n) {
            byte[] b = Arrays.copyOfRange(in, pos, pos + n);
            pos += n;
            return b;
        }

        static String utf8(byte[] b, int at) throws CborException {
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
            } catch (CharacterCodingException e) {
                throw new CborException("text string at offset " + at + " is not valid UTF-8");
            }
        }
    }
}
